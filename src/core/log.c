/*
 * Error/diagnostic log: one JSON object per line, one write(2) per line so
 * lines from several worker threads never interleave.
 */
#include "rampart/core.h"

#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static _Atomic int log_level = RP_LOG_INFO;
static _Atomic int log_fd = 2;

void rp_log_set_level(rp_log_level_t lvl) { atomic_store(&log_level, (int)lvl); }
rp_log_level_t rp_log_get_level(void) { return (rp_log_level_t)atomic_load(&log_level); }
void rp_log_set_fd(int fd) { atomic_store(&log_fd, fd); }

int rp_log_level_parse(rp_str_t s)
{
    static const char *names[] = { "debug", "info", "warn", "error" };
    for (size_t i = 0; i < RP_ARRAY_SIZE(names); i++)
        if (rp_str_ieq(s, rp_str_c(names[i])))
            return (int)i;
    return -1;
}

void rp_log(rp_log_level_t lvl, const char *extra_json, const char *fmt, ...)
{
    static const char *names[] = { "debug", "info", "warn", "error" };
    if ((int)lvl < atomic_load(&log_level))
        return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(msg))
        n = sizeof(msg) - 1;

    char line[4096];
    rp_buf_t b = { line, 0, sizeof(line) };
    /* The buffer is on the stack: never let rp_buf grow it. */
    char ts[40];
    rp_time_rfc3339(ts, sizeof(ts));
    int k = snprintf(b.p, b.cap, "{\"time\":\"%s\",\"level\":\"%s\",\"msg\":\"", ts, names[lvl & 3]);
    if (k < 0)
        return;
    b.len = (size_t)k;
    /* Escape the message by hand into the fixed buffer (room reserved). */
    rp_buf_t esc;
    rp_buf_init(&esc);
    if (rp_buf_append_json_str(&esc, msg, (size_t)n) == 0) {
        size_t room = b.cap - b.len - 256;
        size_t take = esc.len < room ? esc.len : room;
        memcpy(b.p + b.len, esc.p, take);
        b.len += take;
    }
    rp_buf_dispose(&esc);
    b.p[b.len++] = '"';
    if (extra_json && *extra_json) {
        size_t el = strlen(extra_json);
        if (el < b.cap - b.len - 8) {
            b.p[b.len++] = ',';
            memcpy(b.p + b.len, extra_json, el);
            b.len += el;
        }
    }
    b.p[b.len++] = '}';
    b.p[b.len++] = '\n';
    ssize_t w = write(atomic_load(&log_fd), b.p, b.len);
    (void)w;
}
