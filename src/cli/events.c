/*
 * rampart events: lists attack events from the store, newest first.
 *
 *   rampart events [--db FILE] [--attack CLASS] [--ip ADDR] [--route NAME]
 *                  [--since DURATION|ISO8601] [--limit N] [--json]
 *
 * Fields come from attackers (paths, hosts), so the table never prints a
 * byte outside printable ASCII: a terminal escape in a logged path must not
 * reach the operator's terminal. --json prints the stored objects, one per
 * line, with raw control characters escaped the way the event log does.
 */
#include "events_cli.h"

#include "rampart/core.h"
#include "rampart/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIMIT_MAX 1000000u
#define PATH_COLS 48

void rp__cli_usage_events(FILE *out)
{
    fprintf(out,
            "usage: rampart events [--db FILE] [--attack CLASS] [--ip ADDR] [--route NAME]\n"
            "                      [--since DURATION|ISO8601] [--limit N] [--json]\n"
            "\n"
            "Lists attack events from the event store, newest first.\n"
            "\n"
            "  --db FILE        the store (default " RP_EVENTS_DB_DEFAULT ")\n"
            "  --attack CLASS   events whose attacks include CLASS (sqli, xss, ...)\n"
            "  --ip ADDR        events from this client address\n"
            "  --route NAME     events on this route\n"
            "  --since WHEN     a duration back from now (90s, 15m, 2h, 7d, 1h30m) or a\n"
            "                   date/time: 2024-05-01, 2024-05-01T12:00:00Z,\n"
            "                   2024-05-01T14:00+02:00 (no zone: UTC)\n"
            "  --limit N        at most N events (default 100)\n"
            "  --json           print the stored JSON objects, one per line\n"
            "\n"
            "Times are shown in UTC. Exit status: 0 (also when nothing matches), 1 when\n"
            "the output cannot be written, 2 on usage errors or when the store cannot be\n"
            "opened or read.\n");
}

/* ---------------------------------------------------------------------- */
/* --since                                                                  */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil), so no dependence on TZ or timegm. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
    static const unsigned char dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return dm[m - 1] + (m == 2 && leap);
}

/* Reads exactly n digits at *p. */
static int digits(const char **p, int n, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (unsigned)(c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* YYYY-MM-DD[(T| )HH:MM[:SS[.fff...]]][Z|(+|-)HH[:]MM] -> Unix ms. */
static int parse_iso8601(const char *s, uint64_t *out)
{
    unsigned y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
    const char *p = s;
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
        digits(&p, 2, &d))
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
            return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &sec))
                return -1;
            if (*p == '.' || *p == ',') {
                p++;
                unsigned scale = 100;
                if (*p < '0' || *p > '9')
                    return -1;
                for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
                    ms += (unsigned)(*p - '0') * scale;
            }
        }
        if (h > 23 || mi > 59 || sec > 59)
            return -1;
    }
    int64_t offset_min = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1;
        unsigned oh, om;
        if (digits(&p, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (digits(&p, 2, &om) || oh > 23 || om > 59)
            return -1;
        offset_min = sign * (int64_t)(oh * 60 + om);
    }
    if (*p != '\0')
        return -1;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec -
                   offset_min * 60;
    if (secs < 0)
        return -1;
    *out = (uint64_t)secs * 1000u + ms;
    return 0;
}

/* 90s, 15m, 2h, 7d, 1w, 500ms, 1h30m -> ms. A bare number is refused:
 * "--since 2024" more likely meant a year than 2024 seconds. */
static int parse_duration(const char *s, uint64_t *out)
{
    static const struct {
        const char *unit;
        uint64_t ms;
    } units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 },
                  { "d", 86400000 }, { "w", 604800000 } };
    const char *p = s;
    uint64_t total = 0;
    if (*p == '\0')
        return -1;
    while (*p) {
        uint64_t v = 0;
        if (*p < '0' || *p > '9')
            return -1;
        for (; *p >= '0' && *p <= '9'; p++) {
            if (v > (UINT64_MAX - 9) / 10)
                return -1;
            v = v * 10 + (uint64_t)(*p - '0');
        }
        size_t i, ulen = 0;
        for (i = 0; i < RP_ARRAY_SIZE(units); i++) {
            ulen = strlen(units[i].unit);
            if (strncmp(p, units[i].unit, ulen) == 0) /* "ms" is tried before "m" */
                break;
        }
        if (i == RP_ARRAY_SIZE(units))
            return -1;
        if (v > (UINT64_MAX - total) / units[i].ms)
            return -1;
        total += v * units[i].ms;
        p += ulen;
    }
    *out = total;
    return 0;
}

/* --since: a duration back from now_ms (Unix ms) or an absolute time. */
static int parse_since(const char *s, uint64_t now_ms, uint64_t *out)
{
    uint64_t v;
    if (parse_iso8601(s, &v) == 0) {
        *out = v;
        return 0;
    }
    if (parse_duration(s, &v) == 0) {
        *out = v < now_ms ? now_ms - v : 1; /* 0 would mean "open" */
        return 0;
    }
    return -1;
}

/* ---------------------------------------------------------------------- */
/* Output.                                                                  */

typedef struct out_state {
    int json;
    int header_done;
    rp_buf_t line;
} out_state_t;

/* Appends s as a column: printable ASCII only, cut to max bytes (with
 * "..."), padded to width, and followed by at least one space unless
 * width is 0 (the last column). */
static void put_field(rp_buf_t *b, const char *s, size_t width, size_t max)
{
    size_t n = strlen(s), i;
    for (i = 0; i < n && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        char o = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
        rp_buf_append(b, &o, 1);
    }
    if (i < n) {
        rp_buf_append(b, "...", 3);
        i += 3;
    }
    if (width > 0 && i >= width) /* as wide as the column: still a gap */
        rp_buf_append(b, " ", 1);
    for (; i < width; i++)
        rp_buf_append(b, " ", 1);
}

static void put_time(rp_buf_t *b, uint64_t ms)
{
    time_t secs = (time_t)(ms / 1000u);
    struct tm tm;
    char ts[80];
    gmtime_r(&secs, &tm);
    snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(ms % 1000u));
    put_field(b, ts, 25, SIZE_MAX);
}

static void put_header(rp_buf_t *b)
{
    put_field(b, "TIME", 25, SIZE_MAX);
    put_field(b, "REQUEST ID", 18, SIZE_MAX);
    put_field(b, "IP", 17, SIZE_MAX);
    put_field(b, "ROUTE", 14, SIZE_MAX);
    put_field(b, "REQUEST", PATH_COLS + 9, SIZE_MAX);
    put_field(b, "ATTACKS", 14, SIZE_MAX);
    put_field(b, "SCORE", 6, SIZE_MAX);
    rp_buf_append_cstr(b, "ACTION\n");
}

static int print_event_cb(void *ud, const rp_event_t *ev)
{
    out_state_t *o = ud;
    rp_buf_t *b = &o->line;
    b->len = 0;
    if (o->json) {
        rp_events_append_json_line(b, ev->json ? ev->json : "{}", ev->json ? ev->json_len : 2);
    } else {
        char req[sizeof(ev->method) + sizeof(ev->path) + 2], score[16];
        if (!o->header_done) {
            put_header(b);
            o->header_done = 1;
        }
        put_time(b, ev->time_ms);
        put_field(b, ev->request_id, 18, SIZE_MAX);
        put_field(b, ev->client_ip, 17, SIZE_MAX);
        put_field(b, ev->route, 14, SIZE_MAX);
        snprintf(req, sizeof(req), "%.*s %.*s", (int)sizeof(ev->method), ev->method,
                 (int)sizeof(ev->path), ev->path);
        put_field(b, req, PATH_COLS + 9, PATH_COLS + 5);
        put_field(b, ev->attacks, 14, SIZE_MAX);
        snprintf(score, sizeof(score), "%d", ev->score);
        put_field(b, score, 6, SIZE_MAX);
        put_field(b, ev->action, 0, SIZE_MAX);
        rp_buf_append(b, "\n", 1);
    }
    if (b->len > 0 && fwrite(b->p, 1, b->len, stdout) != b->len)
        return 1; /* stdout closed: stop reading */
    return 0;
}

/* Prints "rampart events: OPTION[ VALUE]: why" and the usage; returns 2. */
static int usage_error(const char *opt, const char *val, const char *why)
{
    fprintf(stderr, "rampart events: %s%s%s: %s\n", opt, val ? " " : "", val ? val : "", why);
    rp__cli_usage_events(stderr);
    return 2;
}

int rp__cli_events(int argc, char **argv)
{
    const char *db = RP_EVENTS_DB_DEFAULT;
    rp_events_filter_t f;
    int json = 0;
    memset(&f, 0, sizeof(f));
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            rp__cli_usage_events(stdout);
            return 0;
        }
        if (strcmp(a, "--json") == 0) {
            json = 1;
            continue;
        }
        int takes = strcmp(a, "--db") == 0 || strcmp(a, "--attack") == 0 ||
                    strcmp(a, "--ip") == 0 || strcmp(a, "--route") == 0 ||
                    strcmp(a, "--since") == 0 || strcmp(a, "--limit") == 0;
        if (!takes)
            return usage_error(a, NULL, "unknown option");
        if (!v)
            return usage_error(a, NULL, "needs a value");
        i++;
        if (strcmp(a, "--db") == 0) {
            db = v;
        } else if (strcmp(a, "--attack") == 0) {
            f.attack = v;
        } else if (strcmp(a, "--ip") == 0) {
            f.client_ip = v;
        } else if (strcmp(a, "--route") == 0) {
            f.route = v;
        } else if (strcmp(a, "--since") == 0) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            uint64_t now = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
            if (parse_since(v, now, &f.since_ms) != 0)
                return usage_error(a, v, "want a duration (90s, 15m, 2h, 7d) or a date/time "
                                         "(2024-05-01T12:00:00Z)");
        } else {
            uint64_t n;
            if (rp_str_to_u64(rp_str_c(v), LIMIT_MAX, &n) != 0 || n == 0)
                return usage_error(a, v, "want a number from 1 to 1000000");
            f.limit = (size_t)n;
        }
    }

    out_state_t o = { .json = json };
    rp_buf_init(&o.line);
    char err[512];
    long n = rp_events_query(db, &f, print_event_cb, &o, err, sizeof(err));
    rp_buf_dispose(&o.line);
    if (n < 0) {
        fprintf(stderr, "rampart %s\n", err);
        return 2;
    }
    if (n == 0 && !json)
        fprintf(stderr, "rampart events: no matching events in %s\n", db);
    if (fflush(stdout) != 0)
        return 1;
    return 0;
}
