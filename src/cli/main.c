/*
 * rampart command line: the only code outside librampart. Each subcommand
 * parses its flags and calls into the library.
 *
 *   rampart run [-c FILE | --listen ADDR --upstream URL]
 *   rampart check -c FILE
 *   rampart scan [--json] FILE...
 *   rampart discover LOG... [--openapi FILE] ...
 *   rampart inventory [--store FILE] ...
 *   rampart --version | --help
 */
#include "cli.h"
#include "discover_cli.h"
#include "events_cli.h"

#include "rampart/config.h"
#include "rampart/core.h"
#include "rampart/proxy.h"
#include "rampart/sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage_main(FILE *out)
{
    fprintf(out,
            "usage: rampart <command> [options]\n"
            "\n"
            "Rampart: an API-security node (reverse proxy, WAF, API discovery).\n"
            "\n"
            "commands:\n"
            "  run      run the node (no options: the embedded demo on 127.0.0.1:8080)\n"
            "  check    validate a configuration file\n"
            "  scan     inspect requests from files with the detection engine\n"
            "  events   list attack events from the store\n"
            "  discover build an API inventory (OpenAPI) from API Gateway access logs\n"
            "  inventory  list the discovered endpoints of a discovery store\n"
            "  verify-signature  check an X-Rampart-Signature value (origin side)\n"
            "\n"
            "options:\n"
            "  --version   print the version\n"
            "  --help      this text; 'rampart <command> --help' for a command\n");
}

static void usage_run(FILE *out)
{
    fprintf(out,
            "usage: rampart run [-c FILE]\n"
            "       rampart run --listen ADDR --upstream URL\n"
            "\n"
            "Runs the node in the foreground. Signals: SIGHUP reloads FILE (a bad file\n"
            "is reported and the running configuration stays), SIGUSR1 reopens log\n"
            "files, SIGTERM/SIGINT drain connections and stop.\n"
            "\n"
            "  -c, --config FILE   YAML configuration (see examples/rampart.yaml)\n"
            "  --listen ADDR       quick start: listen address, e.g. 127.0.0.1:8080\n"
            "  --upstream URL      quick start: origin, e.g. http://127.0.0.1:9000\n"
            "  --mode MODE         quick start: WAF mode off, monitoring (default),\n"
            "                      safe_blocking or block\n"
            "\n"
            "With no options: an embedded demo protecting a mock API;\n"
            "try: curl http://127.0.0.1:8080/demo/demo\n");
}

static void usage_check(FILE *out)
{
    fprintf(out,
            "usage: rampart check -c FILE\n"
            "\n"
            "Validates FILE and prints every error as FILE:LINE:COL: message.\n"
            "Exit status: 0 when valid, 1 when not, 2 on usage errors.\n");
}

static void usage_verify(FILE *out)
{
    fprintf(out,
            "usage: rampart verify-signature --secret-file FILE --signature VALUE\n"
            "                                --method M --host H --path P [--query Q]\n"
            "                                [--max-skew SECONDS] [--now UNIX_SECONDS]\n"
            "\n"
            "Checks a signature added by an upstream's `sign:` setting against the request\n"
            "the origin received (method, Host, path and query as it got them).\n"
            "Default skew allowance: 300 s. Exit status: 0 valid, 1 invalid (the reason\n"
            "is printed), 2 on usage errors or an unreadable secret.\n");
}

static int is_help(const char *a) { return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0; }

static rp_conf_t *reload_file(void *data, rp_conf_errors_t *errs)
{
    return rp_conf_load_file((const char *)data, errs);
}

static int print_errors_and_fail(rp_conf_errors_t *errs)
{
    rp_conf_errors_print(errs, stderr);
    rp_conf_errors_dispose(errs);
    return 1;
}

static int cmd_run(int argc, char **argv)
{
    const char *file = NULL, *listen = NULL, *upstream = NULL, *mode = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) {
            usage_run(stdout);
            return 0;
        }
        if ((strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) && i + 1 < argc) {
            file = argv[++i];
        } else if (strcmp(a, "--listen") == 0 && i + 1 < argc) {
            listen = argv[++i];
        } else if (strcmp(a, "--upstream") == 0 && i + 1 < argc) {
            upstream = argv[++i];
        } else if (strcmp(a, "--mode") == 0 && i + 1 < argc) {
            mode = argv[++i];
        } else {
            fprintf(stderr, "rampart run: unknown or incomplete option '%s'\n", a);
            usage_run(stderr);
            return 2;
        }
    }
    if (file && (listen || upstream)) {
        fprintf(stderr, "rampart run: use either -c FILE or --listen/--upstream\n");
        return 2;
    }
    if (mode && !listen) {
        fprintf(stderr, "rampart run: --mode goes with --listen/--upstream (a file sets waf.mode)\n");
        return 2;
    }
    if ((listen != NULL) != (upstream != NULL)) {
        fprintf(stderr, "rampart run: --listen and --upstream go together\n");
        return 2;
    }
    rp_conf_errors_t errs;
    rp_conf_errors_init(&errs);
    rp_conf_t *conf;
    rp_node_opts_t opts = { NULL, NULL };
    if (file) {
        conf = rp_conf_load_file(file, &errs);
        opts.reload = reload_file;
        opts.reload_data = (void *)file;
    } else if (listen) {
        conf = rp_conf_quickstart_mode(listen, upstream, mode, &errs);
    } else {
        conf = rp_conf_demo(&errs);
        if (conf)
            fprintf(stderr, "rampart: no configuration given, running the embedded demo.\n"
                            "  try: curl -i http://127.0.0.1:8080/demo/demo\n"
                            "       curl -i \"http://127.0.0.1:8080/demo/demo?id=1%%27%%20or%%20%%271%%27=%%271\"  (blocked)\n"
            "       curl -i http://127.0.0.1:8081/healthz\n");
    }
    if (!conf)
        return print_errors_and_fail(&errs);
    rp_conf_errors_dispose(&errs);
    return rp_node_run(conf, &opts);
}

static int cmd_check(int argc, char **argv)
{
    const char *file = NULL;
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            usage_check(stdout);
            return 0;
        }
        if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc) {
            file = argv[++i];
        } else if (!file && argv[i][0] != '-') {
            file = argv[i];
        } else {
            fprintf(stderr, "rampart check: unknown option '%s'\n", argv[i]);
            usage_check(stderr);
            return 2;
        }
    }
    if (!file) {
        usage_check(stderr);
        return 2;
    }
    rp_conf_errors_t errs;
    rp_conf_errors_init(&errs);
    rp_conf_t *conf = rp_conf_load_file(file, &errs);
    if (!conf) {
        rp_conf_errors_print(&errs, stderr);
        fprintf(stderr, "%s: %zu error%s\n", file, errs.n, errs.n == 1 ? "" : "s");
        rp_conf_errors_dispose(&errs);
        return 1;
    }
    printf("%s: configuration ok (%zu listener%s, %zu upstream%s, %zu route%s)\n", file,
           conf->nlisteners, conf->nlisteners == 1 ? "" : "s", conf->nupstreams,
           conf->nupstreams == 1 ? "" : "s", conf->nroutes, conf->nroutes == 1 ? "" : "s");
    rp_conf_destroy(conf);
    rp_conf_errors_dispose(&errs);
    return 0;
}

static int cmd_verify_signature(int argc, char **argv)
{
    const char *secret_file = NULL, *sig = NULL, *method = NULL, *host = NULL, *path = NULL;
    const char *query = "", *skew = "300", *now = NULL;
    struct {
        const char *flag;
        const char **dst;
    } opts[] = { { "--secret-file", &secret_file }, { "--signature", &sig }, { "--method", &method },
                 { "--host", &host },               { "--path", &path },     { "--query", &query },
                 { "--max-skew", &skew },           { "--now", &now } };
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            usage_verify(stdout);
            return 0;
        }
        size_t k = 0;
        while (k < RP_ARRAY_SIZE(opts) && strcmp(argv[i], opts[k].flag) != 0)
            k++;
        if (k == RP_ARRAY_SIZE(opts) || i + 1 >= argc) {
            fprintf(stderr, "rampart verify-signature: unknown or incomplete option '%s'\n", argv[i]);
            usage_verify(stderr);
            return 2;
        }
        *opts[k].dst = argv[++i];
    }
    uint64_t skew_s = 0, now_s = (uint64_t)time(NULL);
    if (!secret_file || !sig || !method || !host || !path ||
        rp_str_to_u64(rp_str_c(skew), 86400 * 365, &skew_s) != 0 ||
        (now && rp_str_to_u64(rp_str_c(now), UINT64_MAX / 2, &now_s) != 0)) {
        usage_verify(stderr);
        return 2;
    }
    unsigned char secret[4097];
    size_t n = 0;
    if (rp_conf_read_secret(secret_file, secret, sizeof(secret), &n) < 0 || n == 0) {
        fprintf(stderr, "rampart verify-signature: cannot read secret '%s'\n", secret_file);
        return 2;
    }
    const char *why = NULL;
    int r = rp_sign_verify(secret, n, rp_str_c(sig), now_s, skew_s, rp_str_c(method), rp_str_c(host),
                           rp_str_c(path), rp_str_c(query), &why);
    memset(secret, 0, sizeof(secret));
    if (r == 0) {
        printf("valid\n");
        return 0;
    }
    printf("invalid: %s\n", why);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cmd_run(0, argv + 1);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("rampart %s\n", RP_VERSION);
        return 0;
    }
    if (is_help(cmd) || strcmp(cmd, "help") == 0) {
        usage_main(stdout);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "verify-signature") == 0)
        return cmd_verify_signature(argc - 2, argv + 2);
    if (strcmp(cmd, "scan") == 0)
        return rp__cli_scan(argc - 2, argv + 2);
    if (strcmp(cmd, "discover") == 0)
        return rp__cli_discover(argc - 2, argv + 2);
    if (strcmp(cmd, "inventory") == 0)
        return rp__cli_inventory(argc - 2, argv + 2);
    if (strcmp(cmd, "events") == 0)
        return rp__cli_events(argc - 2, argv + 2);
    fprintf(stderr, "rampart: unknown command '%s'\n", cmd);
    usage_main(stderr);
    return 2;
}
