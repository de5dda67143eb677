/*
 * openapi.c - one application as an OpenAPI 3.1 document.
 *
 * The document is written as JSON, sorted (paths by template, operations
 * in the spec's method order, parameters path-first then by name,
 * responses by status code, schema properties by name), so two exports
 * of the same inventory are byte-identical. YAML is produced from that
 * JSON (parsed back with rp_json_parse into a small tree, emitted in
 * block style with every string double-quoted, which YAML 1.2 reads as
 * the same JSON string), so both formats always say the same thing.
 *
 * What goes in: paths with their operations for the endpoints that are
 * not candidates; path parameters (required) and query parameters
 * (required when seen in every request) with type, format and enum;
 * requestBody per request content type (schemas for JSON); responses per
 * status code seen (with the description the spec requires, and schemas
 * learned for that status class); securitySchemes for the auth seen and
 * security on the operations; x-rampart-* extensions with counts,
 * latency, sources, sensitive kinds.
 */
#include "disc_int.h"

#include <stdio.h>
#include <stdlib.h>

static int put(rp_buf_t *o, const char *s) { return rp_buf_append_cstr(o, s); }

static int put_q(rp_buf_t *o, const char *s)
{
    int rc = rp_buf_append(o, "\"", 1);
    rc |= rp_buf_append_json_str(o, s, strlen(s));
    rc |= rp_buf_append(o, "\"", 1);
    return rc;
}

static int put_num(rp_buf_t *o, double v)
{
    char b[48];
    int n = snprintf(b, sizeof(b), "%.6g", v);
    if (n <= 0 || (size_t)n >= sizeof(b) || strchr(b, 'n') || strchr(b, 'i'))
        return put(o, "0");
    return rp_buf_append(o, b, (size_t)n);
}

static const char *reason(int code)
{
    switch (code) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: break;
    }
    if (code >= 100 && code < 200)
        return "Informational";
    if (code < 300)
        return "Success";
    if (code < 400)
        return "Redirection";
    if (code < 500)
        return "Client error";
    return "Server error";
}

static int put_sensitive(rp_buf_t *o, unsigned bits)
{
    int rc = put(o, "[");
    int first = 1;
    for (unsigned b = 1; b && b <= RP_DISC_S_PASSWORD; b <<= 1) {
        if (!(bits & b))
            continue;
        if (!first)
            rc |= put(o, ",");
        rc |= put_q(o, rp_disc_sensitive_name(b));
        first = 0;
    }
    return rc | put(o, "]");
}

/* The method's key in a Path Item, or NULL for methods OpenAPI 3.1 has
 * no field for. Also gives the spec's order. */
static const char *const op_order[] = { "get", "put", "post", "delete", "options", "head",
                                        "patch", "trace" };

static int op_index(const char *m)
{
    char lw[16];
    size_t n = strlen(m);
    if (n >= sizeof(lw))
        return -1;
    for (size_t i = 0; i <= n; i++)
        lw[i] = (char)rp_lower((unsigned char)m[i]);
    for (size_t i = 0; i < RP_ARRAY_SIZE(op_order); i++)
        if (strcmp(lw, op_order[i]) == 0)
            return (int)i;
    return -1;
}

static int put_param_schema(rp_buf_t *o, const rp_disc_param_t *p)
{
    int rc = put(o, "{\"type\":");
    rc |= put_q(o, p->type);
    if (p->format) {
        rc |= put(o, ",\"format\":");
        rc |= put_q(o, p->format);
    }
    if (p->nenum) {
        rc |= put(o, ",\"enum\":[");
        for (size_t i = 0; i < p->nenum; i++) {
            if (i)
                rc |= put(o, ",");
            rc |= put_q(o, p->enum_values[i]);
        }
        rc |= put(o, "]");
    }
    return rc | put(o, "}");
}

static int put_body_content(rp_buf_t *o, const rp_disc_ep_t *e, int resp, int sclass,
                            const char *const *cts, size_t nct)
{
    int rc = put(o, "\"content\":{");
    /* sorted content types: small arrays, insertion order is first-seen */
    const char *sorted[RP_DISC_MAX_CTYPES] = { NULL };
    size_t n = 0;
    for (size_t i = 0; i < nct; i++) {
        size_t j = n++;
        while (j > 0 && strcmp(sorted[j - 1], cts[i]) > 0) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = cts[i];
    }
    for (size_t i = 0; i < n; i++) {
        if (i)
            rc |= put(o, ",");
        rc |= put_q(o, sorted[i]);
        rc |= put(o, ":{");
        const rp_disc_body_t *b = NULL;
        for (size_t k = 0; k < e->nbodies; k++) {
            const rp_disc_body_t *x = &e->bodies[k];
            if (x->resp == resp && (!resp || x->sclass == sclass) && x->root &&
                strcmp(x->ctype, sorted[i]) == 0)
                b = x;
        }
        if (b) {
            rc |= put(o, "\"schema\":");
            rc |= rp__schema_write_json(b->root, o);
        }
        rc |= put(o, "}");
    }
    return rc | put(o, "}");
}

/* Response content types seen for a status class: those with a learned
 * schema of that class, else all content types seen (no schema). */
static int put_responses(rp_buf_t *o, const rp_disc_endpoint_t *v, const rp_disc_ep_t *e)
{
    int rc = put(o, "\"responses\":{");
    int any = 0;
    for (size_t i = 0; i < v->nstatus; i++) {
        int code = v->status[i];
        if (code < 100 || code > 599)
            continue;
        char key[8];
        snprintf(key, sizeof(key), "%d", code);
        if (any)
            rc |= put(o, ",");
        any = 1;
        rc |= put_q(o, key);
        rc |= put(o, ":{\"description\":");
        rc |= put_q(o, reason(code));
        const char *cts[RP_DISC_MAX_BODIES];
        size_t nct = 0;
        for (size_t k = 0; k < e->nbodies && nct < RP_DISC_MAX_BODIES; k++)
            if (e->bodies[k].resp && e->bodies[k].sclass == code / 100 && e->bodies[k].root)
                cts[nct++] = e->bodies[k].ctype;
        if (nct) {
            rc |= put(o, ",");
            rc |= put_body_content(o, e, 1, code / 100, cts, nct);
        }
        rc |= put(o, ",\"x-rampart-requests\":");
        rc |= rp_buf_append_u64(o, v->status_count[i]);
        rc |= put(o, "}");
    }
    if (!any)
        rc |= put(o, "\"default\":{\"description\":\"Status not observed\"}");
    return rc | put(o, "}");
}

static int put_security(rp_buf_t *o, unsigned auth)
{
    static const struct { unsigned bit; const char *name; } s[] = {
        { RP_DISC_AUTH_APIKEY, "apiKeyAuth" },
        { RP_DISC_AUTH_BASIC, "basicAuth" },
        { RP_DISC_AUTH_BEARER, "bearerAuth" },
        { RP_DISC_AUTH_COOKIE, "cookieAuth" },
    };
    int rc = put(o, "\"security\":[");
    int first = 1;
    for (size_t i = 0; i < RP_ARRAY_SIZE(s); i++) {
        if (!(auth & s[i].bit))
            continue;
        rc |= put(o, first ? "{" : ",{");
        rc |= put_q(o, s[i].name);
        rc |= put(o, ":[]}");
        first = 0;
    }
    return rc | put(o, "]");
}

static int put_operation(const rp_disc_t *d, rp_buf_t *o, const rp_disc_app_t *a,
                         const rp_disc_ep_t *e, const rp_disc_endpoint_t *v)
{
    (void)a;
    int rc = put(o, "{");
    rc |= put(o, "\"parameters\":[");
    for (size_t i = 0; i < v->nparams; i++) {
        const rp_disc_param_t *p = &v->params[i];
        if (i)
            rc |= put(o, ",");
        rc |= put(o, "{\"name\":");
        rc |= put_q(o, p->name);
        rc |= put(o, p->in_path ? ",\"in\":\"path\"" : ",\"in\":\"query\"");
        rc |= put(o, p->required ? ",\"required\":true" : ",\"required\":false");
        rc |= put(o, ",\"schema\":");
        rc |= put_param_schema(o, p);
        if (p->sensitive) {
            rc |= put(o, ",\"x-rampart-sensitive\":");
            rc |= put_sensitive(o, p->sensitive);
        }
        rc |= put(o, "}");
    }
    rc |= put(o, "]");
    if (v->nreq_ctypes) {
        rc |= put(o, ",\"requestBody\":{");
        rc |= put_body_content(o, e, 0, 0, v->req_ctypes, v->nreq_ctypes);
        rc |= put(o, "}");
    }
    rc |= put(o, ",");
    rc |= put_responses(o, v, e);
    if (v->auth) {
        rc |= put(o, ",");
        rc |= put_security(o, v->auth);
    }
    rc |= put(o, ",\"x-rampart-requests\":");
    rc |= rp_buf_append_u64(o, v->requests);
    if (v->first_ms > 0) {
        rc |= put(o, ",\"x-rampart-first-seen-ms\":");
        rc |= rp_buf_append_u64(o, (uint64_t)v->first_ms);
        rc |= put(o, ",\"x-rampart-last-seen-ms\":");
        rc |= rp_buf_append_u64(o, (uint64_t)v->last_ms);
    }
    rc |= put(o, ",\"x-rampart-sources\":");
    rc |= rp_buf_append_u64(o, v->sources);
    if (v->p50_ms >= 0) {
        rc |= put(o, ",\"x-rampart-latency-ms\":{\"p50\":");
        rc |= put_num(o, v->p50_ms);
        rc |= put(o, ",\"p95\":");
        rc |= put_num(o, v->p95_ms);
        rc |= put(o, ",\"p99\":");
        rc |= put_num(o, v->p99_ms);
        rc |= put(o, "}");
    }
    if (v->ip50_ms >= 0) {
        rc |= put(o, ",\"x-rampart-integration-latency-ms\":{\"p50\":");
        rc |= put_num(o, v->ip50_ms);
        rc |= put(o, ",\"p95\":");
        rc |= put_num(o, v->ip95_ms);
        rc |= put(o, ",\"p99\":");
        rc |= put_num(o, v->ip99_ms);
        rc |= put(o, "}");
    }
    if (v->resp_bytes_avg >= 0) {
        rc |= put(o, ",\"x-rampart-response-bytes\":{\"avg\":");
        rc |= put_num(o, v->resp_bytes_avg);
        rc |= put(o, ",\"max\":");
        rc |= rp_buf_append_u64(o, (uint64_t)(v->resp_bytes_max > 0 ? v->resp_bytes_max : 0));
        rc |= put(o, "}");
    }
    if (v->sensitive) {
        rc |= put(o, ",\"x-rampart-sensitive\":");
        rc |= put_sensitive(o, v->sensitive);
    }
    if (v->from_source_template)
        rc |= put(o, ",\"x-rampart-source-template\":true");
    (void)d;
    return rc | put(o, "}");
}

static int write_json(const rp_disc_t *d, const rp_disc_app_t *a, rp_buf_t *o)
{
    rp_buf_t paths;
    rp_buf_init(&paths);
    rp_disc_epref_t *v = NULL;
    size_t n = 0;
    int rc = rp__disc_collect(d, a->key, 0, &v, &n, &paths);
    if (rc)
        return rc;
    rc |= put(o, "{\"openapi\":\"3.1.0\",\"info\":{\"title\":");
    rc |= put_q(o, a->key);
    rc |= put(o, ",\"version\":\"discovered\",\"description\":"
                 "\"API inventory discovered by Rampart from observed traffic.\"}");
    if (a->domain) {
        rc |= put(o, ",\"servers\":[{\"url\":\"https://");
        rc |= rp_buf_append_json_str(o, a->domain, strlen(a->domain));
        if (a->stage && strcmp(a->stage, "$default") != 0) {
            rc |= put(o, "/");
            rc |= rp_buf_append_json_str(o, a->stage, strlen(a->stage));
        }
        rc |= put(o, "\"}]");
    }
    rc |= put(o, ",\"paths\":{");
    unsigned auth = 0;
    size_t i = 0;
    int first_path = 1;
    while (i < n && !rc) {
        const char *path = paths.p + v[i].path_off;
        size_t j = i;
        while (j < n && strcmp(paths.p + v[j].path_off, path) == 0)
            j++;
        /* operations of this path in the spec's order; others as an extension */
        rc |= put(o, first_path ? "" : ",");
        first_path = 0;
        rc |= put_q(o, path);
        rc |= put(o, ":{");
        int first_op = 1;
        for (size_t k = 0; k < RP_ARRAY_SIZE(op_order) && !rc; k++) {
            for (size_t m = i; m < j; m++) {
                if (op_index(v[m].ep->method) != (int)k)
                    continue;
                rp_disc_endpoint_t ev;
                rc |= rp__ep_view(d, v[m].app, v[m].ep, path, &ev);
                if (rc)
                    break;
                auth |= ev.auth;
                rc |= put(o, first_op ? "\"" : ",\"");
                rc |= put(o, op_order[k]);
                rc |= put(o, "\":");
                rc |= put_operation(d, o, a, v[m].ep, &ev);
                rp__ep_view_dispose(&ev);
                first_op = 0;
            }
        }
        int other = 0;
        for (size_t m = i; m < j; m++) {
            if (op_index(v[m].ep->method) >= 0)
                continue;
            rc |= put(o, other ? "," : first_op ? "\"x-rampart-other-methods\":[" :
                                                  ",\"x-rampart-other-methods\":[");
            rc |= put_q(o, v[m].ep->method);
            other = 1;
        }
        if (other)
            rc |= put(o, "]");
        rc |= put(o, "}");
        i = j;
    }
    rc |= put(o, "}");
    if (auth) {
        rc |= put(o, ",\"components\":{\"securitySchemes\":{");
        int first = 1;
        if (auth & RP_DISC_AUTH_APIKEY) {
            rc |= put(o, "\"apiKeyAuth\":{\"type\":\"apiKey\",\"in\":\"header\",\"name\":");
            rc |= put_q(o, a->apikey_name ? a->apikey_name : "x-api-key");
            rc |= put(o, "}");
            first = 0;
        }
        if (auth & RP_DISC_AUTH_BASIC) {
            rc |= put(o, first ? "" : ",");
            rc |= put(o, "\"basicAuth\":{\"type\":\"http\",\"scheme\":\"basic\"}");
            first = 0;
        }
        if (auth & RP_DISC_AUTH_BEARER) {
            rc |= put(o, first ? "" : ",");
            rc |= put(o, "\"bearerAuth\":{\"type\":\"http\",\"scheme\":\"bearer\"}");
            first = 0;
        }
        if (auth & RP_DISC_AUTH_COOKIE) {
            rc |= put(o, first ? "" : ",");
            rc |= put(o, "\"cookieAuth\":{\"type\":\"apiKey\",\"in\":\"cookie\",\"name\":");
            rc |= put_q(o, a->cookie_name ? a->cookie_name : "session");
            rc |= put(o, "}");
        }
        rc |= put(o, "}}");
    }
    rc |= put(o, "}");
    free(v);
    rp_buf_dispose(&paths);
    return rc ? RP_ENOMEM : 0;
}

/* ---------------------------------------------------------------------- */
/* JSON -> YAML.                                                            */

typedef struct ynode ynode_t;
struct ynode {
    rp_json_event_t type;      /* OBJECT_BEGIN, ARRAY_BEGIN or a scalar event */
    rp_str_t text;             /* scalars; object members: the key in `key` */
    rp_str_t key;
    ynode_t *first, *last, *next;
};

typedef struct ybuild {
    rp_arena_t *ar;
    ynode_t *root;
    ynode_t *stack[64];
    size_t depth;
    rp_str_t key;
    int oom;
} ybuild_t;

static int ycb(void *ud, rp_json_event_t ev, rp_str_t v, rp_str_t raw)
{
    ybuild_t *b = ud;
    if (ev == RP_JSON_KEY) {
        char *k = rp_arena_strndup(b->ar, v.p, v.n);
        if (!k)
            return b->oom = 1;
        b->key = rp_str(k, v.n);
        return 0;
    }
    if (ev == RP_JSON_OBJECT_END || ev == RP_JSON_ARRAY_END) {
        b->depth--;
        return 0;
    }
    ynode_t *n = rp_arena_calloc(b->ar, sizeof(*n));
    if (!n)
        return b->oom = 1;
    n->type = ev;
    n->key = b->key;
    b->key = RP_STR_NULL;
    if (ev == RP_JSON_STRING || ev == RP_JSON_NUMBER || ev == RP_JSON_TRUE ||
        ev == RP_JSON_FALSE || ev == RP_JSON_NULL) {
        char *t = rp_arena_strndup(b->ar, v.p, v.n);
        if (!t)
            return b->oom = 1;
        n->text = rp_str(t, v.n);
    }
    if (b->depth == 0) {
        b->root = n;
    } else {
        ynode_t *p = b->stack[b->depth - 1];
        if (p->last)
            p->last->next = n;
        else
            p->first = n;
        p->last = n;
    }
    if (ev == RP_JSON_OBJECT_BEGIN || ev == RP_JSON_ARRAY_BEGIN) {
        if (b->depth >= RP_ARRAY_SIZE(b->stack))
            return b->oom = 1;
        b->stack[b->depth++] = n;
    }
    return 0;
}

static int yscalar(rp_buf_t *o, const ynode_t *n)
{
    if (n->type == RP_JSON_OBJECT_BEGIN)
        return put(o, "{}");
    if (n->type == RP_JSON_ARRAY_BEGIN)
        return put(o, "[]");
    if (n->type == RP_JSON_STRING) {
        int rc = put(o, "\"");
        rc |= rp_buf_append_json_str(o, n->text.p, n->text.n);
        return rc | put(o, "\"");
    }
    return rp_buf_append(o, n->text.p, n->text.n);
}

static int is_container(const ynode_t *n)
{
    return (n->type == RP_JSON_OBJECT_BEGIN || n->type == RP_JSON_ARRAY_BEGIN) && n->first;
}

static int indent(rp_buf_t *o, int k)
{
    int rc = 0;
    for (int i = 0; i < k; i++)
        rc |= rp_buf_append(o, " ", 1);
    return rc;
}

static int yemit(rp_buf_t *o, const ynode_t *n, int ind)
{
    int rc = 0;
    for (const ynode_t *c = n->first; c; c = c->next) {
        rc |= indent(o, ind);
        if (n->type == RP_JSON_OBJECT_BEGIN) {
            rc |= put(o, "\"");
            rc |= rp_buf_append_json_str(o, c->key.p, c->key.n);
            rc |= put(o, "\":");
        } else {
            rc |= put(o, "-");
        }
        if (is_container(c)) {
            rc |= put(o, "\n");
            rc |= yemit(o, c, ind + 2);
        } else {
            rc |= put(o, " ");
            rc |= yscalar(o, c);
            rc |= put(o, "\n");
        }
    }
    return rc;
}

static int json_to_yaml(rp_str_t json, rp_buf_t *o)
{
    rp_arena_t ar;
    rp_arena_init(&ar, 64 * 1024);
    ybuild_t b;
    memset(&b, 0, sizeof(b));
    b.ar = &ar;
    int prc = rp_json_parse(json.p, json.n, 60, &ar, ycb, &b, NULL);
    int rc = 0;
    if (b.oom)
        rc = RP_ENOMEM;
    else if (prc != RP_JSON_OK || !b.root)
        rc = RP_EINVAL;   /* our own JSON: cannot happen */
    else if (is_container(b.root))
        rc = yemit(o, b.root, 0) ? RP_ENOMEM : 0;
    else
        rc = (yscalar(o, b.root) | put(o, "\n")) ? RP_ENOMEM : 0;
    rp_arena_dispose(&ar);
    return rc;
}

int rp_disc_openapi(const rp_disc_t *d, const char *app, int format, rp_buf_t *out)
{
    const rp_disc_app_t *a = NULL;
    if (app) {
        a = rp__disc_app_find(d, app);
        if (!a)
            return RP_ENOENT;
    } else {
        if (d->napps == 0)
            return RP_ENOENT;
        if (d->napps > 1)
            return RP_EINVAL;
        for (size_t i = 0; i <= d->app_mask && !a; i++)
            a = d->apps[i];
    }
    if (format != RP_DISC_YAML)
        return write_json(d, a, out);
    rp_buf_t js;
    rp_buf_init(&js);
    int rc = write_json(d, a, &js);
    if (!rc)
        rc = json_to_yaml(rp_str(js.p, js.len), out);
    rp_buf_dispose(&js);
    return rc;
}
