/*
 * rampart/proxy.h - the filtering node's data plane: listeners, routes,
 * upstream pools, forwarding, health, access log; the node lifecycle
 * (workers, reload, graceful stop).
 */
#ifndef RAMPART_PROXY_H
#define RAMPART_PROXY_H

#include "rampart/config.h"

/* How the node gets a fresh config on SIGHUP: returns a validated config
 * or NULL with errs filled (the running config then stays). */
typedef rp_conf_t *(*rp_conf_reload_cb)(void *data, rp_conf_errors_t *errs);

typedef struct rp_node_opts {
    rp_conf_reload_cb reload;  /* NULL: SIGHUP re-applies nothing */
    void *reload_data;
} rp_node_opts_t;

/*
 * Runs the node with `conf` (ownership passes to the node) until SIGTERM,
 * SIGINT or SIGQUIT has drained it. Blocks the calling thread, which
 * becomes the master: it handles signals (SIGHUP reload, SIGUSR1 log
 * reopen) while worker threads serve. Returns 0 on a clean stop, non-zero
 * if the node could not start (e.g. a listener address in use).
 */
int rp_node_run(rp_conf_t *conf, const rp_node_opts_t *opts);

#endif /* RAMPART_PROXY_H */
