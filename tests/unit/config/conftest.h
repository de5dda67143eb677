/*
 * conftest.h - helpers shared by the config unit tests: load a document
 * from a string and check that an error with a given position and text
 * was reported.
 */
#ifndef RAMPART_TEST_CONFTEST_H
#define RAMPART_TEST_CONFTEST_H

#include "config/config_int.h"
#include "test.h"

static rp_conf_t *load(const char *yaml, rp_conf_errors_t *e)
{
    rp_conf_errors_init(e);
    return rp_conf_load_string("t.yaml", yaml, strlen(yaml), e);
}

static int has_err(const rp_conf_errors_t *e, unsigned line, unsigned col, const char *frag)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i].line == line && e->v[i].col == col && strstr(e->v[i].msg, frag) &&
            strcmp(e->v[i].file, "t.yaml") == 0)
            return 1;
    return 0;
}

/* Loading yaml must fail with an error at line:col containing frag. */
#define CHECK_ERR(yaml, line, col, frag)                                                   \
    do {                                                                                   \
        rp_conf_errors_t e_;                                                               \
        rp_conf_t *c_ = load(yaml, &e_);                                                   \
        CHECK(c_ == NULL);                                                                 \
        int ok_ = has_err(&e_, line, col, frag);                                           \
        if (!ok_) {                                                                        \
            fprintf(stderr, "wanted %u:%u '%s', got:\n", (unsigned)(line), (unsigned)(col), \
                    frag);                                                                 \
            rp_conf_errors_print(&e_, stderr);                                             \
        }                                                                                  \
        CHECK(ok_);                                                                        \
        rp_conf_destroy(c_);                                                               \
        rp_conf_errors_dispose(&e_);                                                       \
    } while (0)

#endif
