/*
 * disctest.h - helpers for the discovery unit tests: feed observations,
 * look endpoints up by "METHOD /template".
 */
#ifndef RP_DISCTEST_H
#define RP_DISCTEST_H

#include "rampart/discovery.h"
#include "test.h"

#include <stdio.h>

static inline rp_disc_obs_t dt_obs(const char *method, const char *path)
{
    rp_disc_obs_t o;
    memset(&o, 0, sizeof(o));
    o.method = rp_str_c(method);
    o.path = rp_str_c(path);
    o.status = 200;
    o.latency_ms = -1;
    o.integration_ms = -1;
    o.resp_bytes = -1;
    return o;
}

static inline int dt_add(rp_disc_t *d, const char *method, const char *path)
{
    rp_disc_obs_t o = dt_obs(method, path);
    return rp_disc_add(d, &o);
}

static inline int dt_add_hint(rp_disc_t *d, const char *method, const char *path,
                              const char *hint)
{
    rp_disc_obs_t o = dt_obs(method, path);
    o.template_hint = rp_str_c(hint);
    return rp_disc_add(d, &o);
}

/* The list of "METHOD template" of all endpoints (candidates included),
 * one per line, sorted as the library sorts them. */
typedef struct dt_list {
    char buf[65536];
    size_t n;
    int count;
} dt_list_t;

static inline int dt_list_cb(void *ud, const rp_disc_endpoint_t *e)
{
    dt_list_t *l = ud;
    int w = snprintf(l->buf + l->n, sizeof(l->buf) - l->n, "%s %s\n", e->method, e->path);
    if (w > 0 && (size_t)w < sizeof(l->buf) - l->n)
        l->n += (size_t)w;
    l->count++;
    return 0;
}

static inline const char *dt_list(const rp_disc_t *d, dt_list_t *l)
{
    l->n = 0;
    l->count = 0;
    l->buf[0] = 0;
    rp_disc_each_endpoint(d, NULL, 1, dt_list_cb, l);
    return l->buf;
}

/* Finds one endpoint and copies its view's scalar fields (params are not
 * valid after the walk). */
typedef struct dt_find {
    const char *method, *path;
    int found;
    rp_disc_endpoint_t e;
    rp_disc_param_t params[16];
    char names[16][64];
    char types[16][16];
    char formats[16][16];
    size_t nenum[16];
    char enum0[16][64];
    int status[16];
    uint64_t status_count[16];
} dt_find_t;

static inline int dt_find_cb(void *ud, const rp_disc_endpoint_t *e)
{
    dt_find_t *f = ud;
    if (strcmp(e->method, f->method) != 0 || strcmp(e->path, f->path) != 0)
        return 0;
    f->found = 1;
    f->e = *e;
    for (size_t i = 0; i < e->nparams && i < 16; i++) {
        f->params[i] = e->params[i];
        snprintf(f->names[i], 64, "%s", e->params[i].name);
        snprintf(f->types[i], 16, "%s", e->params[i].type);
        snprintf(f->formats[i], 16, "%s", e->params[i].format ? e->params[i].format : "");
        f->nenum[i] = e->params[i].nenum;
        snprintf(f->enum0[i], 64, "%s", e->params[i].nenum ? e->params[i].enum_values[0] : "");
        f->params[i].name = f->names[i];
    }
    for (size_t i = 0; i < e->nstatus && i < 16; i++) {
        f->status[i] = e->status[i];
        f->status_count[i] = e->status_count[i];
    }
    f->e.params = NULL;
    f->e.status = NULL;
    f->e.status_count = NULL;
    f->e.app = NULL;
    f->e.method = NULL;
    f->e.path = NULL;
    f->e.req_ctypes = f->e.resp_ctypes = NULL;
    return 1;
}

static inline int dt_find(const rp_disc_t *d, const char *method, const char *path,
                          dt_find_t *f)
{
    memset(f, 0, sizeof(*f));
    f->method = method;
    f->path = path;
    rp_disc_each_endpoint(d, NULL, 1, dt_find_cb, f);
    return f->found;
}

/* "key endpoints requests\n" per application; ud: struct { char *p; } */
static inline int dt_app_list_cb(void *ud, const char *app, uint64_t eps, uint64_t reqs)
{
    char **p = ud;
    *p += sprintf(*p, "%s %llu %llu\n", app, (unsigned long long)eps, (unsigned long long)reqs);
    return 0;
}

#endif
