/*
 * rampart/json.h - a strict, SAX-style JSON parser (RFC 8259).
 *
 * No tree is built: each value is reported to a callback as it is met,
 * strings already unescaped (\uXXXX with surrogate pairs into UTF-8).
 * Used by the detection engine (JSON bodies into points), `rampart scan`
 * (JSON-lines and HAR input) and API discovery. Untrusted input: depth is
 * bounded, nothing is read past n, and the parser never loops without
 * progress.
 */
#ifndef RAMPART_JSON_H
#define RAMPART_JSON_H

#include "rampart/core.h"

typedef enum rp_json_event {
    RP_JSON_OBJECT_BEGIN = 0,
    RP_JSON_OBJECT_END,
    RP_JSON_ARRAY_BEGIN,
    RP_JSON_ARRAY_END,
    RP_JSON_KEY,        /* an object member name; the member's value follows */
    RP_JSON_STRING,
    RP_JSON_NUMBER,     /* value: the number's text as written */
    RP_JSON_TRUE,
    RP_JSON_FALSE,
    RP_JSON_NULL,
} rp_json_event_t;

/* value: unescaped text for KEY/STRING (valid only during the call),
 * the literal text for NUMBER/TRUE/FALSE/NULL, empty for the others.
 * raw: the token as it appears in the input (for strings: without the
 * quotes, still escaped). Return 0 to go on, anything else to stop the
 * parse (rp_json_parse then returns RP_JSON_ABORTED). */
typedef int (*rp_json_cb)(void *ud, rp_json_event_t ev, rp_str_t value, rp_str_t raw);

enum {
    RP_JSON_OK = 0,
    RP_JSON_SYNTAX = -1,    /* malformed; *err_pos says where */
    RP_JSON_TOO_DEEP = -2,  /* nesting beyond max_depth */
    RP_JSON_ABORTED = -3,   /* the callback stopped it */
    RP_JSON_NOMEM = -4,
};

/* Parses exactly one JSON value (surrounding whitespace allowed) from s.
 * Strings with escapes are decoded into `scratch` (reset between strings
 * by the parser's own bookkeeping; pass an arena the caller resets
 * afterwards). Invalid UTF-8 in strings is accepted and passed through
 * (the engine must see it); control characters in strings are errors.
 * err_pos may be NULL. */
int rp_json_parse(const char *s, size_t n, size_t max_depth, rp_arena_t *scratch, rp_json_cb cb,
                  void *ud, size_t *err_pos);

#endif /* RAMPART_JSON_H */
