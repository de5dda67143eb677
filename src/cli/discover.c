/*
 * rampart discover / rampart inventory: API discovery from access logs,
 * and the inventory kept in a store.
 *
 *   rampart discover LOG... [--openapi out.json|out.yaml] [--app NAME]
 *                    [--store FILE] [--min-requests N] [--max-endpoints N]
 *                    [--progress] [--quiet]
 *   rampart inventory [--store FILE] [--app A] [--candidates] [--json]
 *
 * A LOG is a file of API Gateway access-log records, one JSON object per
 * line (JSON lines) or a JSON array of them, plain or gzip'd (sniffed, not
 * by name), or "-" for stdin. Lines that are CloudWatch Logs subscription
 * events ({"awslogs":{"data":...}}) or envelopes are unpacked. The records
 * go through src/ingest/ into one aggregator; with --store it is first
 * loaded from and at the end saved to the store.
 */
#include "discover_cli.h"

#include "rampart/discovery.h"
#include "rampart/ingest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#define CHUNK (1u << 20)

void rp__cli_usage_discover(FILE *out)
{
    fprintf(out,
            "usage: rampart discover LOG... [--openapi FILE.json|FILE.yaml] [--app NAME]\n"
            "                        [--store FILE] [--min-requests N] [--max-endpoints N]\n"
            "                        [--progress] [--quiet]\n"
            "\n"
            "Builds an API inventory from API Gateway access logs and writes it as OpenAPI.\n"
            "A LOG holds JSON access-log records, one per line or as a JSON array, plain or\n"
            "gzip'd; lines that are CloudWatch Logs subscription events are unpacked. '-'\n"
            "reads stdin.\n"
            "\n"
            "  --openapi FILE     write OpenAPI 3.1 (YAML when FILE ends in .yaml or .yml)\n"
            "  --app NAME         the application the records belong to (default: one per\n"
            "                     API Gateway domain/stage); with several, names the one\n"
            "                     to export\n"
            "  --store FILE       load the inventory from FILE first, save it back after\n"
            "  --min-requests N   requests before an endpoint is reported (default 5)\n"
            "  --max-endpoints N  endpoints kept per application, candidates included\n"
            "                     (default 5000; beyond, counted as capped)\n"
            "  --progress         progress on stderr every second (default: when stderr\n"
            "                     is a terminal)\n"
            "  --quiet            no summary\n"
            "\n"
            "Exit status: 0 on success (malformed records are counted and skipped), 1 when\n"
            "a file cannot be read or the output written, 2 on usage errors.\n");
}

void rp__cli_usage_inventory(FILE *out)
{
    fprintf(out,
            "usage: rampart inventory [--store FILE] [--app NAME] [--candidates] [--json]\n"
            "\n"
            "Lists the endpoints of the discovery store: method, path template, requests,\n"
            "status codes, latency percentiles (ms), sensitive data kinds and auth schemes.\n"
            "\n"
            "  --store FILE   the store (default " RP_DISC_STORE_DEFAULT ")\n"
            "  --app NAME     only this application\n"
            "  --candidates   include endpoints seen fewer than min_requests times\n"
            "  --json         a JSON array of endpoint objects\n");
}

static int is_help(const char *a) { return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0; }

/* ---------------------------------------------------------------------- */
/* discover                                                                 */

typedef struct run {
    rp_disc_t *d;
    rp_ingest_t in;
    uint64_t lines, bytes;
    uint64_t start_ms, last_ms;
    int progress;
} run_t;

static int add_cb(void *ud, const rp_disc_obs_t *o)
{
    run_t *r = ud;
    return rp_disc_add(r->d, o) == RP_ENOMEM;
}

static void show_progress(run_t *r, int final)
{
    uint64_t now = rp_now_ms();
    if (!final && now - r->last_ms < 1000)
        return;
    r->last_ms = now;
    double secs = (double)(now - r->start_ms) / 1000.0;
    double mb = (double)r->bytes / 1e6;
    fprintf(stderr, "\r%llu lines, %.1f MB, %.1f MB/s, %llu malformed   %s",
            (unsigned long long)r->lines, mb, secs > 0 ? mb / secs : 0.0,
            (unsigned long long)r->in.st.malformed, final ? "\n" : "");
}

/* Reads one file, line by line (a JSON array: the whole file at once). */
static int read_log(run_t *r, const char *name)
{
    gzFile f = strcmp(name, "-") == 0 ? gzdopen(dup(0), "rb") : gzopen(name, "rb");
    if (!f) {
        fprintf(stderr, "rampart discover: cannot open %s: %s\n", name, strerror(errno));
        return -1;
    }
    gzbuffer(f, 256 * 1024);
    rp_buf_t b;
    rp_buf_init(&b);
    int array = -1, rc = 0;
    for (;;) {
        if (rp_buf_reserve(&b, CHUNK) != 0) {
            rc = -1;
            break;
        }
        int got = gzread(f, b.p + b.len, CHUNK);
        if (got < 0) {
            int e;
            fprintf(stderr, "rampart discover: %s: %s\n", name, gzerror(f, &e));
            rc = -1;
            break;
        }
        if (got == 0)
            break;
        size_t from = b.len;
        b.len += (size_t)got;
        r->bytes += (size_t)got;
        if (array < 0) {
            size_t i = 0;
            while (i < b.len && (b.p[i] == ' ' || b.p[i] == '\t' || b.p[i] == '\r' || b.p[i] == '\n'))
                i++;
            if (i < b.len)
                array = b.p[i] == '[';
        }
        if (array == 1)
            continue;   /* whole file */
        /* Every complete line; the tail waits for the next chunk. */
        size_t start = 0;
        const char *p = b.p;
        for (size_t i = from; i < b.len;) {
            const char *nl = memchr(p + i, '\n', b.len - i);
            if (!nl)
                break;
            size_t e = (size_t)(nl - p);
            rp_ingest_line(&r->in, p + start, e - start);
            r->lines++;
            start = i = e + 1;
        }
        rp_buf_consume(&b, start);
        if (r->progress)
            show_progress(r, 0);
    }
    if (rc == 0 && b.len) {
        if (array == 1) {
            uint64_t before = r->in.st.records + r->in.st.malformed;
            rp_ingest_apigw(&r->in, b.p, b.len);
            r->lines += r->in.st.records + r->in.st.malformed - before;
        } else {
            rp_ingest_line(&r->in, b.p, b.len);
            r->lines++;
        }
    }
    rp_buf_dispose(&b);
    gzclose(f);
    return rc;
}

static int write_file(const char *path, const rp_buf_t *b)
{
    FILE *f = fopen(path, "wb");
    int ok = f != NULL;
    if (ok && b->len)
        ok = fwrite(b->p, 1, b->len, f) == b->len;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok) {
        fprintf(stderr, "rampart discover: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static int print_app_cb(void *ud, const char *app, uint64_t endpoints, uint64_t requests)
{
    fprintf((FILE *)ud, "  %s (%llu endpoints, %llu requests)\n", app,
            (unsigned long long)endpoints, (unsigned long long)requests);
    return 0;
}

int rp__cli_discover(int argc, char **argv)
{
    const char *openapi = NULL, *app = NULL, *store_path = NULL;
    const char **logs = calloc((size_t)argc + 1, sizeof(*logs));
    size_t nlogs = 0;
    uint64_t min_req = 0, max_ep = 0;
    int progress = isatty(2), quiet = 0, status = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) {
            rp__cli_usage_discover(stdout);
            free(logs);
            return 0;
        }
        if (strcmp(a, "--openapi") == 0 && i + 1 < argc) {
            openapi = argv[++i];
        } else if (strcmp(a, "--app") == 0 && i + 1 < argc) {
            app = argv[++i];
        } else if (strcmp(a, "--store") == 0 && i + 1 < argc) {
            store_path = argv[++i];
        } else if (strcmp(a, "--min-requests") == 0 && i + 1 < argc) {
            if (rp_str_to_u64(rp_str_c(argv[++i]), 1000000000, &min_req) != 0 || min_req == 0) {
                fprintf(stderr, "rampart discover: --min-requests wants a number >= 1\n");
                free(logs);
                return 2;
            }
        } else if (strcmp(a, "--max-endpoints") == 0 && i + 1 < argc) {
            if (rp_str_to_u64(rp_str_c(argv[++i]), 100000000, &max_ep) != 0 || max_ep == 0) {
                fprintf(stderr, "rampart discover: --max-endpoints wants a number >= 1\n");
                free(logs);
                return 2;
            }
        } else if (strcmp(a, "--progress") == 0) {
            progress = 1;
        } else if (strcmp(a, "--quiet") == 0) {
            quiet = 1;
            progress = 0;
        } else if (a[0] != '-' || strcmp(a, "-") == 0) {
            logs[nlogs++] = a;
        } else {
            fprintf(stderr, "rampart discover: unknown or incomplete option '%s'\n", a);
            rp__cli_usage_discover(stderr);
            free(logs);
            return 2;
        }
    }
    if (nlogs == 0) {
        rp__cli_usage_discover(stderr);
        free(logs);
        return 2;
    }
    rp_disc_opts_t dopts;
    memset(&dopts, 0, sizeof(dopts));
    dopts.min_requests = min_req ? (unsigned)min_req : 5;   /* the header's default */
    dopts.max_endpoints = (size_t)max_ep;
    run_t r;
    memset(&r, 0, sizeof(r));
    r.d = rp_disc_new(&dopts);   /* zero fields: the library's defaults */
    r.progress = progress;
    if (!r.d) {
        fprintf(stderr, "rampart discover: out of memory\n");
        free(logs);
        return 1;
    }
    rp_disc_store_t *store = NULL;
    if (store_path) {
        char err[256] = "";
        store = rp_disc_store_open(store_path, err, sizeof(err));
        if (!store || rp_disc_store_load(store, r.d) != 0) {
            fprintf(stderr, "rampart discover: store %s: %s\n", store_path, err[0] ? err : "cannot load");
            if (store)
                rp_disc_store_close(store);
            rp_disc_free(r.d);
            free(logs);
            return 1;
        }
    }
    rp_ingest_opts_t iopts;
    memset(&iopts, 0, sizeof(iopts));
    iopts.app = app;
    rp_ingest_init(&r.in, &iopts, add_cb, &r);
    r.start_ms = r.last_ms = rp_now_ms();
    for (size_t i = 0; i < nlogs; i++)
        if (read_log(&r, logs[i]) != 0)
            status = 1;
    if (progress)
        show_progress(&r, 1);
    uint64_t elapsed = rp_now_ms() - r.start_ms;

    if (store) {
        if (rp_disc_store_save(store, r.d) != 0) {
            fprintf(stderr, "rampart discover: cannot save to %s\n", store_path);
            status = 1;
        }
        rp_disc_store_close(store);
    }
    rp_disc_stats_t st;
    rp_disc_stats(r.d, &st);
    if (!quiet) {
        double secs = (double)elapsed / 1000.0;
        fprintf(stderr, "lines: %llu (%.0f lines/s), records: %llu, malformed: %llu",
                (unsigned long long)r.lines, secs > 0 ? (double)r.lines / secs : 0.0,
                (unsigned long long)r.in.st.records, (unsigned long long)r.in.st.malformed);
        const char *sep = " (";
        for (int k = 0; k < RP_INGEST_R__COUNT; k++)
            if (r.in.st.malformed_by[k]) {
                fprintf(stderr, "%s%s %llu", sep, rp_ingest_reason_name((rp_ingest_reason_t)k),
                        (unsigned long long)r.in.st.malformed_by[k]);
                sep = ", ";
            }
        fprintf(stderr, "%s\n", sep[0] == ',' ? ")" : "");
        if (r.in.st.control)
            fprintf(stderr, "control messages: %llu (not traffic)\n", (unsigned long long)r.in.st.control);
        fprintf(stderr, "apps: %llu, endpoints: %llu, candidates: %llu\n", (unsigned long long)st.apps,
                (unsigned long long)st.endpoints, (unsigned long long)st.candidates);
        if (st.capped_apps || st.capped_endpoints)
            fprintf(stderr, "capped: %llu apps, %llu endpoints turned away\n",
                    (unsigned long long)st.capped_apps, (unsigned long long)st.capped_endpoints);
    }
    if (openapi) {
        rp_buf_t out;
        rp_buf_init(&out);
        int fmt = ends_with(openapi, ".yaml") || ends_with(openapi, ".yml") ? RP_DISC_YAML : RP_DISC_JSON;
        int rc = rp_disc_openapi(r.d, app, fmt, &out);
        if (rc != 0) {
            fprintf(stderr, "rampart discover: cannot export OpenAPI: %s\n",
                    rc == RP_ENOENT ? "no such application, or several (name one with --app)"
                                    : rp_strerror(rc));
            fprintf(stderr, "applications:\n");
            rp_disc_each_app(r.d, print_app_cb, stderr);
            status = 1;
        } else if (write_file(openapi, &out) != 0) {
            status = 1;
        }
        rp_buf_dispose(&out);
    }
    rp_ingest_dispose(&r.in);
    rp_disc_free(r.d);
    free(logs);
    return status;
}

/* ---------------------------------------------------------------------- */
/* inventory                                                                */

typedef struct inv {
    int json;
    size_t n;
    rp_buf_t out;
} inv_t;

/* Paths come from clients: only printable ASCII reaches the terminal. */
static void put_safe(rp_buf_t *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c < 0x7f)
            rp_buf_append(b, s, 1);
        else
            rp_buf_printf(b, "\\x%02x", c);
    }
}

static void put_ms(rp_buf_t *b, double v)
{
    if (v < 0)
        rp_buf_append_cstr(b, "null");
    else
        rp_buf_printf(b, "%.1f", v);
}

static void kinds(rp_buf_t *b, unsigned bits, int json)
{
    int first = 1;
    for (unsigned k = 0; k < 32; k++) {
        if (!(bits & (1u << k)))
            continue;
        const char *name = rp_disc_sensitive_name(1u << k);
        rp_buf_append_cstr(b, first ? "" : ",");
        rp_buf_printf(b, json ? "\"%s\"" : "%s", name ? name : "?");
        first = 0;
    }
    if (first && !json)
        rp_buf_append_cstr(b, "-");
}

static void auths(rp_buf_t *b, unsigned bits, int json)
{
    static const char *const names[] = { "bearer", "basic", "apikey", "cookie" };
    int first = 1;
    for (unsigned k = 0; k < 4; k++) {
        if (!(bits & (1u << k)))
            continue;
        rp_buf_append_cstr(b, first ? "" : ",");
        rp_buf_printf(b, json ? "\"%s\"" : "%s", names[k]);
        first = 0;
    }
    if (first && !json)
        rp_buf_append_cstr(b, "-");
}

static int inv_cb(void *ud, const rp_disc_endpoint_t *e)
{
    inv_t *v = ud;
    rp_buf_t *b = &v->out;
    if (v->json) {
        rp_buf_append_cstr(b, v->n ? ",\n  {\"app\":\"" : "\n  {\"app\":\"");
        rp_buf_append_json_str(b, e->app, strlen(e->app));
        rp_buf_append_cstr(b, "\",\"method\":\"");
        rp_buf_append_json_str(b, e->method, strlen(e->method));
        rp_buf_append_cstr(b, "\",\"path\":\"");
        rp_buf_append_json_str(b, e->path, strlen(e->path));
        rp_buf_printf(b, "\",\"candidate\":%s,\"from_source_template\":%s,\"requests\":%llu,"
                      "\"first_ms\":%lld,\"last_ms\":%lld,\"sources\":%llu,\"status\":{",
                      e->candidate ? "true" : "false", e->from_source_template ? "true" : "false",
                      (unsigned long long)e->requests, (long long)e->first_ms, (long long)e->last_ms,
                      (unsigned long long)e->sources);
        for (size_t i = 0; i < e->nstatus; i++)
            rp_buf_printf(b, "%s\"%d\":%llu", i ? "," : "", e->status[i],
                          (unsigned long long)e->status_count[i]);
        rp_buf_append_cstr(b, "},\"p50_ms\":");
        put_ms(b, e->p50_ms);
        rp_buf_append_cstr(b, ",\"p95_ms\":");
        put_ms(b, e->p95_ms);
        rp_buf_append_cstr(b, ",\"p99_ms\":");
        put_ms(b, e->p99_ms);
        rp_buf_printf(b, ",\"attacks\":%llu,\"parameters\":[", (unsigned long long)e->attacks);
        for (size_t i = 0; i < e->nparams && e->params; i++) {
            const rp_disc_param_t *p = &e->params[i];
            rp_buf_append_cstr(b, i ? ",{\"name\":\"" : "{\"name\":\"");
            rp_buf_append_json_str(b, p->name, strlen(p->name));
            rp_buf_printf(b, "\",\"in\":\"%s\",\"required\":%s,\"type\":\"%s\"", p->in_path ? "path" : "query",
                          p->required ? "true" : "false", p->type ? p->type : "string");
            if (p->format)
                rp_buf_printf(b, ",\"format\":\"%s\"", p->format);
            rp_buf_append_cstr(b, ",\"sensitive\":[");
            kinds(b, p->sensitive, 1);
            rp_buf_append_cstr(b, "]}");
        }
        rp_buf_append_cstr(b, "],\"sensitive\":[");
        kinds(b, e->sensitive, 1);
        rp_buf_append_cstr(b, "],\"auth\":[");
        auths(b, e->auth, 1);
        rp_buf_append_cstr(b, "]}");
    } else {
        if (v->n == 0)
            rp_buf_printf(b, "%-20s %-7s %-48s %9s %-18s %8s %8s %8s %s\n", "APP", "METHOD", "PATH",
                          "REQUESTS", "STATUS", "P50", "P95", "P99", "SENSITIVE/AUTH");
        rp_buf_t t;
        rp_buf_init(&t);
        put_safe(&t, e->app);
        rp_buf_append(&t, "", 1);
        rp_buf_printf(b, "%-20s ", t.p);
        t.len = 0;
        put_safe(&t, e->method);
        rp_buf_append(&t, "", 1);
        rp_buf_printf(b, "%-7s ", t.p);
        t.len = 0;
        put_safe(&t, e->path);
        if (e->candidate)
            rp_buf_append_cstr(&t, " (candidate)");
        rp_buf_append(&t, "", 1);
        rp_buf_printf(b, "%-48s %9llu ", t.p, (unsigned long long)e->requests);
        t.len = 0;
        for (size_t i = 0; i < e->nstatus && i < 4; i++)
            rp_buf_printf(&t, "%s%d", i ? "," : "", e->status[i]);
        if (e->nstatus > 4)
            rp_buf_append_cstr(&t, ",...");
        rp_buf_append(&t, "", 1);
        rp_buf_printf(b, "%-18s ", t.p);
        for (int k = 0; k < 3; k++) {
            double ms = k == 0 ? e->p50_ms : k == 1 ? e->p95_ms : e->p99_ms;
            if (ms < 0)
                rp_buf_printf(b, "%8s ", "-");
            else
                rp_buf_printf(b, "%8.1f ", ms);
        }
        kinds(b, e->sensitive, 0);
        rp_buf_append_cstr(b, "/");
        auths(b, e->auth, 0);
        rp_buf_append_cstr(b, "\n");
        rp_buf_dispose(&t);
    }
    v->n++;
    return 0;
}

int rp__cli_inventory(int argc, char **argv)
{
    const char *store_path = RP_DISC_STORE_DEFAULT, *app = NULL;
    int candidates = 0, json = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) {
            rp__cli_usage_inventory(stdout);
            return 0;
        }
        if (strcmp(a, "--store") == 0 && i + 1 < argc) {
            store_path = argv[++i];
        } else if (strcmp(a, "--app") == 0 && i + 1 < argc) {
            app = argv[++i];
        } else if (strcmp(a, "--candidates") == 0) {
            candidates = 1;
        } else if (strcmp(a, "--json") == 0) {
            json = 1;
        } else {
            fprintf(stderr, "rampart inventory: unknown or incomplete option '%s'\n", a);
            rp__cli_usage_inventory(stderr);
            return 2;
        }
    }
    if (access(store_path, R_OK) != 0) {
        fprintf(stderr, "rampart inventory: cannot read %s: %s\n", store_path, strerror(errno));
        return 2;
    }
    char err[256] = "";
    rp_disc_store_t *s = rp_disc_store_open(store_path, err, sizeof(err));
    rp_disc_t *d = rp_disc_new(NULL);
    if (!s || !d || rp_disc_store_load(s, d) != 0) {
        fprintf(stderr, "rampart inventory: store %s: %s\n", store_path, err[0] ? err : "cannot load");
        if (s)
            rp_disc_store_close(s);
        rp_disc_free(d);
        return 2;
    }
    rp_disc_store_close(s);
    inv_t v;
    memset(&v, 0, sizeof(v));
    v.json = json;
    rp_buf_init(&v.out);
    if (json)
        rp_buf_append_cstr(&v.out, "[");
    rp_disc_each_endpoint(d, app, candidates, inv_cb, &v);
    if (json)
        rp_buf_append_cstr(&v.out, v.n ? "\n]\n" : "]\n");
    int status = fwrite(v.out.p, 1, v.out.len, stdout) == v.out.len && fflush(stdout) == 0 ? 0 : 1;
    if (!json && v.n == 0)
        fprintf(stderr, "no endpoints%s\n", candidates ? "" : " (--candidates shows those seen too rarely)");
    rp_buf_dispose(&v.out);
    rp_disc_free(d);
    return status;
}
