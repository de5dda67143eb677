/*
 * Metrics in the Prometheus text format (version 0.0.4), served on a
 * listener's `metrics:` path. Counters are summed over the workers at the
 * time of the scrape; nothing is kept per request beyond the counters the
 * data plane already maintains.
 */
#include "proxy_int.h"

#include <stdio.h>

typedef struct metric {
    const char *name;
    const char *help;
    size_t off; /* offset of the counter in rp_stats_t */
} metric_t;

#define M(field, name, help) { name, help, offsetof(rp_stats_t, field) }
static const metric_t counters[] = {
    M(accepted, "rampart_connections_accepted_total", "Client connections accepted."),
    M(conn_limit_hits, "rampart_connections_refused_total",
      "Client connections refused at limits.max_connections."),
    M(requests, "rampart_requests_total", "Request heads parsed."),
    M(bad_requests, "rampart_bad_requests_total", "Requests rejected as malformed (4xx from the parser)."),
    M(responses_5xx, "rampart_responses_5xx_total", "Responses with a 5xx status."),
    M(upstream_connect_fail, "rampart_upstream_connect_failures_total",
      "Upstream connects that failed or timed out."),
    M(upstream_timeouts, "rampart_upstream_timeouts_total", "Upstream responses that timed out."),
    M(retries, "rampart_upstream_retries_total", "Requests retried on another upstream server."),
    M(log_dropped, "rampart_access_log_dropped_total",
      "Access-log lines dropped because the log could not be written."),
    M(tls_handshakes, "rampart_tls_handshakes_total", "Client TLS handshakes completed."),
    M(tls_resumed, "rampart_tls_resumed_total", "Client TLS handshakes that resumed a session."),
    M(tls_handshake_failures, "rampart_tls_handshake_failures_total",
      "Client TLS handshakes that failed (bad hello, protocol, plain HTTP)."),
    M(tls_plain_http, "rampart_tls_plain_http_total", "Plain HTTP requests sent to a TLS listener."),
    M(upstream_tls_handshakes, "rampart_upstream_tls_handshakes_total",
      "Upstream TLS handshakes completed."),
    M(upstream_tls_resumed, "rampart_upstream_tls_resumed_total",
      "Upstream TLS handshakes that resumed a session."),
    M(upstream_tls_failures, "rampart_upstream_tls_failures_total",
      "Upstream TLS handshakes that failed (verification included)."),
    M(waf_inspected, "rampart_waf_inspected_total", "Requests inspected by the detection engine."),
    M(waf_attacks, "rampart_waf_attacks_total", "Requests with an attack found (blocked or not)."),
    M(waf_blocked, "rampart_waf_blocked_total", "Requests blocked by the engine or a rule."),
    M(waf_denied, "rampart_waf_denied_total", "Requests refused by the deny list."),
    M(waf_ratelimited, "rampart_waf_ratelimited_total", "Requests refused by a rate limit (429)."),
    M(waf_body_overflow, "rampart_waf_body_over_limit_total",
      "Request bodies longer than the inspection limit."),
    M(disc_queued, "rampart_discovery_queued_total",
      "Observations handed to API discovery (live traffic and /ingest)."),
    M(disc_dropped, "rampart_discovery_dropped_total",
      "Observations dropped because a worker's discovery queue was full."),
    M(disc_duplicates, "rampart_discovery_firehose_duplicates_total",
      "Firehose deliveries answered from the request-id memory (retries)."),
};
#undef M

static void emit(rp_buf_t *out, const char *name, const char *type, const char *help, uint64_t v)
{
    rp_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type, name,
                  (unsigned long long)v);
}

void rp__metrics_render(const rp_node_t *node, rp_buf_t *out)
{
    for (size_t i = 0; i < RP_ARRAY_SIZE(counters); i++) {
        uint64_t sum = 0;
        for (unsigned k = 0; k < node->nworkers; k++) {
            const _Atomic uint64_t *c =
                (const _Atomic uint64_t *)((const char *)&node->workers[k].stats + counters[i].off);
            sum += atomic_load_explicit(c, memory_order_relaxed);
        }
        emit(out, counters[i].name, "counter", counters[i].help, sum);
    }
    uint64_t open = 0;
    for (unsigned k = 0; k < node->nworkers; k++)
        open += atomic_load_explicit(&node->workers[k].nconns, memory_order_relaxed);
    emit(out, "rampart_connections_open", "gauge", "Client connections open now.", open);
    emit(out, "rampart_workers", "gauge", "Worker threads.", node->nworkers);
    emit(out, "rampart_config_generation", "gauge",
         "Configuration generation (1 at start, +1 per successful reload).",
         atomic_load_explicit(&node->generation, memory_order_relaxed));
    if (node->resolver) {
        rp_resolver_stats_t st;
        rp_resolver_get_stats(node->resolver, &st);
        emit(out, "rampart_dns_lookups_total", "counter", "Upstream name lookups started.", st.lookups);
        emit(out, "rampart_dns_failures_total", "counter",
             "Upstream name lookups that failed (last good addresses kept).", st.failures);
        emit(out, "rampart_dns_changes_total", "counter", "Upstream address sets published.",
             st.changes);
        emit(out, "rampart_dns_names", "gauge", "Upstream names watched.", st.names);
    }
    rp__disc_feed_metrics(node->disc, out);
    if (node->events) {
        rp_event_sink_stats_t es;
        rp_event_sink_get_stats(node->events, &es);
        emit(out, "rampart_events_written_total", "counter", "Attack events written.", es.written);
        emit(out, "rampart_events_dropped_total", "counter",
             "Attack events dropped because the queue was full.", es.dropped);
        emit(out, "rampart_events_write_errors_total", "counter",
             "Failed event write attempts (retried).", es.write_errors);
        emit(out, "rampart_events_pending", "gauge", "Attack events waiting to be written.", es.pending);
    }
}
