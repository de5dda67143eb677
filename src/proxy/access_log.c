/*
 * Access log: one JSON object per request, buffered per worker and written
 * with one write(2) per flush (a timer flushes every 200 ms, a full buffer
 * at once). The fd is shared; SIGUSR1 swaps the file under it with dup2 in
 * the master, so workers never see a closed descriptor. A write that fails
 * (full disk) drops the buffered lines and counts them: traffic goes on.
 */
#include "proxy_int.h"

#include <errno.h>
#include <unistd.h>

#define ALOG_FLUSH_BYTES 32768
#define ALOG_FLUSH_MS 200

void rp__access_log_flush(rp_worker_t *w)
{
    int fd = w->node->access_fd;
    size_t off = 0;
    while (off < w->alog.len && fd >= 0) {
        ssize_t n = write(fd, w->alog.p + off, w->alog.len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            /* Count whole lines lost. */
            for (size_t i = off; i < w->alog.len; i++)
                if (w->alog.p[i] == '\n')
                    w->stats.log_dropped++;
            break;
        }
        off += (size_t)n;
    }
    w->alog.len = 0;
    if (w->alog.cap > 4 * ALOG_FLUSH_BYTES)
        rp_buf_dispose(&w->alog);
}

static void json_field_str(rp_buf_t *b, const char *name, rp_str_t v)
{
    rp_buf_printf(b, ",\"%s\":\"", name);
    rp_buf_append_json_str(b, v.p, v.n);
    rp_buf_append(b, "\"", 1);
}

void rp__access_log(rp_exchange_t *ex)
{
    rp_worker_t *w = ex->c->w;
    if (w->node->access_fd < 0)
        return;
    rp_buf_t *b = &w->alog;
    char ts[40];
    rp_time_rfc3339(ts, sizeof(ts));
    uint64_t now = rp_now_us();
    rp_buf_printf(b, "{\"time\":\"%s\",\"request_id\":\"%s\",\"client_ip\":\"%s\",\"peer\":\"%s\"",
                  ts, ex->reqid, ex->client_ip, ex->peer_ip);
    json_field_str(b, "method", ex->method);
    json_field_str(b, "host", ex->host);
    json_field_str(b, "path", ex->path);
    json_field_str(b, "query", ex->query);
    rp_buf_printf(b, ",\"status\":%d,\"bytes_in\":%llu,\"bytes_out\":%llu", ex->status,
                  (unsigned long long)ex->bytes_in, (unsigned long long)ex->bytes_out);
    if (ex->waf_action)
        rp_buf_printf(b, ",\"waf\":\"%s\"", ex->waf_action);
    if (ex->upstream_addr[0]) {
        uint64_t end = ex->t_up_end_us ? ex->t_up_end_us : now;
        rp_buf_printf(b, ",\"upstream\":\"%s\",\"upstream_time_ms\":%.3f", ex->upstream_addr,
                      (double)(end - ex->t_up_start_us) / 1000.0);
    } else {
        rp_buf_append_cstr(b, ",\"upstream\":null,\"upstream_time_ms\":null");
    }
    rp_buf_printf(b, ",\"total_time_ms\":%.3f", (double)(now - ex->t_start_us) / 1000.0);
    if (ex->route)
        json_field_str(b, "route", rp_str_c(ex->route->name));
    else
        rp_buf_append_cstr(b, ",\"route\":null");
    rp_buf_append(b, "}\n", 2);
    if (b->len >= ALOG_FLUSH_BYTES)
        rp__access_log_flush(w);
    else if (!rp_timer_armed(&w->alog_timer))
        rp_timer_start(&w->loop, &w->alog_timer, ALOG_FLUSH_MS);
}
