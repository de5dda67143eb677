/*
 * The node: the master thread starts N worker threads, then waits for
 * signals. SIGHUP loads and validates a new config (the running one stays
 * if it is bad), publishes it, and wakes the workers, which take it for new
 * requests while requests in flight finish on the old one. SIGUSR1 reopens
 * log files. SIGTERM/SIGINT/SIGQUIT drain: workers close their listeners,
 * finish in-flight requests within timeouts.graceful_stop, then exit.
 */
#include "proxy_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int open_log_file(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

/* Points fd `target` at a freshly opened `path`, atomically (dup2), so
 * threads writing to `target` never see it closed. */
static int reopen_onto(int target, const char *path)
{
    int fd = open_log_file(path);
    if (fd < 0)
        return -errno;
    if (dup2(fd, target) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    close(fd);
    return 0;
}

static int is_std_name(const char *s, const char *std)
{
    return s == NULL || strcmp(s, std) == 0;
}

static int setup_logs(rp_node_t *node, const rp_conf_t *conf, int initial)
{
    rp_log_set_level((rp_log_level_t)conf->log_level);
    if (initial) {
        if (!is_std_name(conf->error_log, "stderr")) {
            int fd = open_log_file(conf->error_log);
            if (fd < 0) {
                fprintf(stderr, "rampart: cannot open error log %s: %s\n", conf->error_log, strerror(errno));
                return -1;
            }
            rp_log_set_fd(fd);
            node->error_fd = fd;
        }
        if (conf->access_log && strcmp(conf->access_log, "off") == 0) {
            node->access_fd = -1;
        } else if (is_std_name(conf->access_log, "stdout")) {
            node->access_fd = 1;
        } else {
            node->access_fd = open_log_file(conf->access_log);
            if (node->access_fd < 0) {
                rp_log_error("cannot open access log %s: %s", conf->access_log, strerror(errno));
                return -1;
            }
        }
    }
    return 0;
}

static void reopen_logs(rp_node_t *node, const rp_conf_t *conf)
{
    if (node->error_fd > 2 && !is_std_name(conf->error_log, "stderr")) {
        int r = reopen_onto(node->error_fd, conf->error_log);
        if (r < 0)
            rp_log_error("cannot reopen error log %s: %s", conf->error_log, strerror(-r));
    }
    if (node->access_fd > 2 && conf->access_log && !is_std_name(conf->access_log, "stdout") &&
        strcmp(conf->access_log, "off") != 0) {
        int r = reopen_onto(node->access_fd, conf->access_log);
        if (r < 0)
            rp_log_error("cannot reopen access log %s: %s", conf->access_log, strerror(-r));
    }
    rp_log_info("log files reopened");
}

/* Checks that every listener of conf that is not already open in `old`
 * can be bound, so a reload never switches to a config whose sockets fail. */
static int probe_listeners(const rp_conf_t *conf, const rp_conf_t *old)
{
    int rc = 0;
    for (size_t i = 0; i < conf->nlisteners; i++) {
        const rp_conf_listener_t *l = &conf->listeners[i];
        int open_already = 0;
        for (size_t k = 0; old && k < old->nlisteners; k++)
            if (old->listeners[k].addrlen == l->addrlen &&
                memcmp(&old->listeners[k].addr, &l->addr, l->addrlen) == 0)
                open_already = 1;
        if (open_already)
            continue;
        int r = rp_sock_probe_bind((const struct sockaddr *)&l->addr, l->addrlen);
        if (r < 0) {
            rp_log_error("%s:%u:%u: cannot listen on %s: %s", conf->file, l->line, l->col, l->listen,
                         strerror(-r));
            rc = -1;
        }
    }
    return rc;
}

static void dns_opts(const rp_conf_t *conf, rp_resolver_opts_t *o)
{
    memset(o, 0, sizeof(*o));
    o->servers = conf->dns.servers;
    o->nservers = conf->dns.nservers;
    o->min_ttl_ms = conf->dns.min_ttl_ms;
    o->max_ttl_ms = RP_MAX(conf->dns.max_ttl_ms, conf->dns.min_ttl_ms);
    o->timeout_ms = conf->dns.timeout_ms;
    o->retry_ms = conf->dns.retry_ms;
    o->family = !conf->dns.family || strcmp(conf->dns.family, "any") == 0 ? AF_UNSPEC
                : strcmp(conf->dns.family, "ipv4") == 0                    ? AF_INET
                                                                           : AF_INET6;
}

/* Lets names new in this config get their first answer before traffic
 * needs them (bounded: a dead DNS server must not hold up the node; the
 * requests then fail with "no addresses" until it answers). */
static void dns_wait(rp_node_t *node, const rp_conf_t *conf)
{
    size_t left = rp_resolver_wait_initial(node->resolver, 3 * conf->dns.timeout_ms + 500);
    if (left)
        rp_log_warn("dns: %zu upstream name(s) not resolved yet; requests to them fail until "
                    "they are", left);
}

/* The attack-event sink: started once from the first config (a reload
 * that changes the destinations says it needs a restart). */
static int node_events_start(rp_node_t *node, const rp_conf_t *conf)
{
    const char *log = conf->waf.events_log, *store = conf->waf.events_store;
    int log_on = log && strcmp(log, "off") != 0, store_on = store && strcmp(store, "off") != 0;
    if (!log_on && !store_on)
        return 0;
    rp_event_sink_opts_t o;
    memset(&o, 0, sizeof(o));
    o.log_path = log_on ? log : NULL;
    o.db_path = store_on ? store : NULL;
    o.queue_max = conf->waf.events_queue;
    char err[256];
    node->events = rp_event_sink_start(&o, err, sizeof(err));
    if (!node->events) {
        rp_log_error("cannot start the attack-event writer: %s", err);
        return -1;
    }
    return 0;
}

static void wake_all(rp_node_t *node)
{
    for (unsigned i = 0; i < node->nworkers; i++)
        if (node->workers[i].wake_fd >= 0)
            rp__worker_wake(&node->workers[i]);
}

static void do_reload(rp_node_t *node, const rp_node_opts_t *opts, uint64_t *generation)
{
    if (!opts || !opts->reload) {
        rp_log_warn("SIGHUP: no config file to reload (demo or command-line config)");
        return;
    }
    rp_conf_errors_t errs;
    rp_conf_errors_init(&errs);
    rp_conf_t *conf = opts->reload(opts->reload_data, &errs);
    rp_runtime_t *old = atomic_load(&node->current);
    if (!conf) {
        for (size_t i = 0; i < errs.n; i++)
            rp_log_error("%s:%u:%u: %s", errs.v[i].file, errs.v[i].line, errs.v[i].col, errs.v[i].msg);
        rp_log_error("reload failed: %zu error(s); still running the previous configuration", errs.n);
        rp_conf_errors_dispose(&errs);
        return;
    }
    rp_conf_errors_dispose(&errs);
    if (probe_listeners(conf, old->conf) < 0) {
        rp_log_error("reload failed: listeners cannot be opened; still running the previous configuration");
        rp_conf_destroy(conf);
        return;
    }
    if (conf->workers != old->conf->workers)
        rp_log_warn("reload: 'workers' changed; the new count applies after a restart");
    if (strcmp(conf->waf.events_log ? conf->waf.events_log : "", old->conf->waf.events_log ? old->conf->waf.events_log : "") != 0 ||
        strcmp(conf->waf.events_store ? conf->waf.events_store : "", old->conf->waf.events_store ? old->conf->waf.events_store : "") != 0)
        rp_log_warn("reload: waf.events destinations changed; they apply after a restart");
    conf->workers = old->conf->workers;
    setup_logs(node, conf, 0);
    rp_resolver_opts_t ro;
    char err[200];
    dns_opts(conf, &ro);
    if (rp_resolver_configure(node->resolver, &ro, err, sizeof(err)) < 0)
        rp_log_error("reload: dns settings not applied: %s", err);
    rp_runtime_t *rt = rp__runtime_create(conf, ++*generation, node->resolver);
    dns_wait(node, conf);
    atomic_store(&node->current, rt);
    atomic_store(&node->generation, rt->generation);
    wake_all(node);
    rp__runtime_unref(old);
    rp_log_info("configuration reloaded (generation %llu)", (unsigned long long)rt->generation);
}

int rp_node_run(rp_conf_t *conf, const rp_node_opts_t *opts)
{
    rp_node_t node;
    memset(&node, 0, sizeof(node));
    node.access_fd = -1;
    node.error_fd = 2;
    if (conf->workers == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        conf->workers = n > 0 ? (unsigned)n : 1;
    }
    if (setup_logs(&node, conf, 1) < 0 || probe_listeners(conf, NULL) < 0) {
        rp_conf_destroy(conf);
        return 1;
    }
    /* Every thread inherits this mask; only the master takes signals. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGQUIT);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    rp_resolver_opts_t ro;
    char err[200];
    dns_opts(conf, &ro);
    node.resolver = rp_resolver_start(&ro, err, sizeof(err));
    if (!node.resolver) {
        rp_log_error("cannot start the DNS resolver: %s", err);
        rp_conf_destroy(conf);
        return 1;
    }
    node.ratelimit = rp_ratelimit_new(100000);
    if (gethostname(node.name, sizeof(node.name) - 1) != 0)
        snprintf(node.name, sizeof(node.name), "rampart");
    if (node_events_start(&node, conf) < 0) {
        rp_resolver_stop(node.resolver);
        rp_ratelimit_free(node.ratelimit);
        rp_conf_destroy(conf);
        return 1;
    }
    uint64_t generation = 1;
    rp_runtime_t *rt = rp__runtime_create(conf, generation, node.resolver);
    dns_wait(&node, conf);
    atomic_init(&node.current, rt);
    atomic_init(&node.generation, generation);
    atomic_init(&node.stopping, 0);
    pthread_mutex_init(&node.start_mu, NULL);
    pthread_cond_init(&node.start_cv, NULL);

    node.nworkers = conf->workers;
    if (conf->discovery.enabled) {
        node.disc = rp__disc_feed_start(conf, node.nworkers);
        if (!node.disc) {
            rp__runtime_unref(rt);
            if (node.events)
                rp_event_sink_stop(node.events, 5000);
            rp_resolver_stop(node.resolver);
            rp_ratelimit_free(node.ratelimit);
            return 1;
        }
    }
    node.workers = rp_xcalloc(node.nworkers, sizeof(rp_worker_t));
    unsigned spawned = 0;
    for (unsigned i = 0; i < node.nworkers; i++) {
        rp_worker_t *w = &node.workers[i];
        w->id = (int)i;
        w->node = &node;
        w->wake_fd = -1;
        if (pthread_create(&w->thread, NULL, rp__worker_main, w) != 0) {
            rp_log_error("cannot start worker thread %u", i);
            break;
        }
        spawned++;
    }
    pthread_mutex_lock(&node.start_mu);
    while (node.started < spawned)
        pthread_cond_wait(&node.start_cv, &node.start_mu);
    pthread_mutex_unlock(&node.start_mu);
    int ok = spawned == node.nworkers;
    for (unsigned i = 0; i < spawned; i++)
        ok = ok && node.workers[i].started_ok;

    if (ok) {
        char addrs[512];
        size_t off = 0;
        addrs[0] = '\0';
        for (size_t i = 0; i < conf->nlisteners && off < sizeof(addrs) - 64; i++)
            off += (size_t)snprintf(addrs + off, sizeof(addrs) - off, "%s%s%s", i ? ", " : "",
                                    conf->listeners[i].listen,
                                    conf->listeners[i].health_path ? " (health)" : "");
        rp_log_info("rampart %s started: %u workers, listening on %s", RP_VERSION, node.nworkers, addrs);
    }

    int exit_code = ok ? 0 : 1;
    int stopping = !ok;
    while (!stopping) {
        siginfo_t si;
        int sig = sigwaitinfo(&set, &si);
        if (sig < 0)
            continue;
        switch (sig) {
        case SIGHUP:
            do_reload(&node, opts, &generation);
            break;
        case SIGUSR1:
            reopen_logs(&node, atomic_load(&node.current)->conf);
            if (node.events)
                rp_event_sink_reopen(node.events);
            break;
        case SIGPIPE:
            break;
        default:
            rp_log_info("received %s: draining connections", strsignal(sig));
            stopping = 1;
            break;
        }
    }
    atomic_store(&node.stopping, 1);
    wake_all(&node);
    for (unsigned i = 0; i < spawned; i++)
        pthread_join(node.workers[i].thread, NULL);
    if (ok)
        rp_log_info("stopped");
    free(node.workers);
    rp__runtime_unref(atomic_load(&node.current));
    rp_resolver_stop(node.resolver);
    if (node.events)
        rp_event_sink_stop(node.events, 5000);
    rp__disc_feed_stop(node.disc);   /* drains the rings, saves the store */
    rp_ratelimit_free(node.ratelimit);
    if (node.access_fd > 2)
        close(node.access_fd);
    if (node.error_fd > 2) {
        rp_log_set_fd(2);
        close(node.error_fd);
    }
    pthread_mutex_destroy(&node.start_mu);
    pthread_cond_destroy(&node.start_cv);
    return exit_code;
}
