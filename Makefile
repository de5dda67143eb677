# Rampart build. `make` builds build/librampart.a and build/rampart.
#   make test                  unit + corpus + integration tests
#   make SANITIZE=address,undefined test   the same under ASan+UBSan
#   make fuzz                  builds libFuzzer targets (clang) into build/fuzz/
#   make fuzz-run FUZZ_SECONDS=20   runs each target briefly
#   make lint                  cppcheck + clang-format check + layering check
CC      ?= cc
BUILD   ?= build
SANITIZE ?=
OPT     ?= -O2

PKGS_CFLAGS := $(shell pkg-config --cflags yaml-0.1 2>/dev/null)
PKGS_LIBS   := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)

CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
               -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla \
               -fno-strict-aliasing -g -Iinclude -Isrc $(PKGS_CFLAGS)
LDLIBS  := $(PKGS_LIBS) -lcares -lssl -lcrypto -lexpat -lz -lpcre2-8 -lsqlite3 -lpthread -lm

ifneq ($(SANITIZE),)
  BUILD := build-san
  CFLAGS_BASE += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=$(SANITIZE)
  OPT := -O1
endif

CFLAGS ?=
ALL_CFLAGS := $(CFLAGS_BASE) $(OPT) $(CFLAGS)

LIB_SRCS := $(sort $(wildcard src/core/*.c src/net/*.c src/http/*.c src/waf/*.c src/discovery/*.c \
                              src/ingest/*.c src/store/*.c src/config/*.c src/proxy/*.c))
CLI_SRCS := $(sort $(wildcard src/cli/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)

UNIT_SRCS := $(sort $(wildcard tests/unit/*/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)

.PHONY: all test unit integration corpus fuzz fuzz-run fuzz-replay lint clean format print-ldlibs

all: $(BUILD)/rampart $(BUILD)/librampart.a

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/librampart.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/rampart: $(CLI_OBJS) $(BUILD)/librampart.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/librampart.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/librampart.a tests/unit/test.h $(wildcard tests/unit/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/librampart.a $(LDFLAGS) $(LDLIBS)

unit: $(UNIT_BINS)
	@sh tests/run-unit.sh $(UNIT_BINS)

integration: $(BUILD)/rampart
	RAMPART_BIN=$(abspath $(BUILD)/rampart) python3 tests/integration/run.py

# Detection rates on the CRS regression tests and the false-positive rate on
# the benign API corpus, against floors in tests/corpus/floors.json.
corpus: $(BUILD)/rampart
	RAMPART_BIN=$(abspath $(BUILD)/rampart) python3 tests/corpus/run.py

test: all unit fuzz-replay integration corpus

# libFuzzer targets: always clang, always ASan+UBSan, separate build dir.
FUZZ_CC ?= clang
FUZZ_BASE := -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -Isrc $(PKGS_CFLAGS) -fno-sanitize-recover=all
FUZZ_FLAGS := $(FUZZ_BASE) -fsanitize=fuzzer,address,undefined
FUZZ_LIB_SRCS := $(filter-out src/proxy/% src/net/%,$(LIB_SRCS))
# The library is compiled once for all targets (instrumented for coverage,
# libFuzzer's main linked only into the targets).
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(BUILD)/fuzzobj/%.o)
FUZZ_LIB := $(BUILD)/fuzz/librampart-fuzz.a

$(BUILD)/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_BASE) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB) $(wildcard tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -MMD -MP -o $@ $< $(FUZZ_LIB) $(LDLIBS)

fuzz: $(FUZZ_BINS)

FUZZ_SECONDS ?= 20
fuzz-run: $(FUZZ_BINS)
	@sh tests/fuzz/run.sh run $(FUZZ_SECONDS) $(FUZZ_BINS)

# Replays the committed seed corpora through each target (no fuzzing):
# part of `make test`, so a crash that was once found stays fixed.
fuzz-replay: $(FUZZ_BINS)
	@sh tests/fuzz/run.sh replay 0 $(FUZZ_BINS)

lint:
	@sh tests/lint.sh

clean:
	rm -rf build build-san

-include $(shell find $(BUILD)/obj $(BUILD)/fuzzobj $(BUILD)/fuzz -name '*.d' 2>/dev/null)

# For scripts that link against librampart (bench/engine.sh).
print-ldlibs:
	@echo $(LDLIBS)
