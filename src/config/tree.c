/*
 * tree.c - YAML text -> rp__cnode_t tree with 1-based positions.
 *
 * libyaml's event parser drives an explicit stack of open collections, so
 * building the tree never recurses; nesting deeper than RP__CONF_MAX_DEPTH
 * is an error, which bounds the recursion of everything that walks the
 * tree later. Aliases are rejected (the config has no use for them and
 * they make "where is this value" ambiguous); a single document only.
 */
#include "config/config_int.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static rp__cnode_t *node_new(rp__cnode_kind_t kind, yaml_mark_t m)
{
    rp__cnode_t *n = rp_xcalloc(1, sizeof(*n));
    n->kind = kind;
    n->line = (unsigned)m.line + 1; /* libyaml marks are 0-based */
    n->col = (unsigned)m.column + 1;
    return n;
}

static rp__cnode_t *scalar_new(yaml_mark_t m, const char *s, size_t len, int plain)
{
    rp__cnode_t *n = node_new(RP__CN_SCALAR, m);
    n->s = rp_xstrndup(s ? s : "", s ? len : 0);
    n->n = s ? len : 0;
    n->plain = plain;
    return n;
}

/* An open collection and the capacity of its kids array. */
typedef struct frame {
    rp__cnode_t *node;
    size_t cap;
} frame_t;

static void add_kid(frame_t *f, rp__cnode_t *kid)
{
    if (f->node->nkids == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->node->kids = rp_xrealloc(f->node->kids, f->cap * sizeof(*f->node->kids));
    }
    f->node->kids[f->node->nkids++] = kid;
}

/* Reports libyaml's error. Reader errors (bad UTF-8, control characters)
 * carry a byte offset rather than a mark: convert it to line:col. */
static void syntax_error(rp__conf_ctx_t *ctx, const yaml_parser_t *p, const char *text, size_t len)
{
    const char *problem = p->problem ? p->problem : "unknown error";
    if (p->error == YAML_MEMORY_ERROR) {
        rp__conf_err_at(ctx, 0, 0, "out of memory while parsing yaml");
        return;
    }
    if (p->error == YAML_READER_ERROR) {
        unsigned line = 1, col = 1;
        for (size_t i = 0; i < p->problem_offset && i < len; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        rp__conf_err_at(ctx, line, col, "invalid yaml: %s", problem);
        return;
    }
    unsigned line = (unsigned)p->problem_mark.line + 1, col = (unsigned)p->problem_mark.column + 1;
    if (p->context)
        rp__conf_err_at(ctx, line, col, "invalid yaml: %s (%s at line %u)", problem, p->context,
                        (unsigned)p->context_mark.line + 1);
    else
        rp__conf_err_at(ctx, line, col, "invalid yaml: %s", problem);
}

rp__cnode_t *rp__cnode_parse(rp__conf_ctx_t *ctx, const char *text, size_t len)
{
    yaml_parser_t p;
    yaml_event_t ev;
    frame_t stack[RP__CONF_MAX_DEPTH];
    size_t depth = 0;
    rp__cnode_t *root = NULL;
    int ndocs = 0, done = 0, failed = 0;

    if (!yaml_parser_initialize(&p)) {
        rp__conf_err_at(ctx, 0, 0, "out of memory while parsing yaml");
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    while (!done) {
        if (!yaml_parser_parse(&p, &ev)) {
            syntax_error(ctx, &p, text, len);
            failed = 1;
            break;
        }
        rp__cnode_t *node = NULL;
        int push = 0;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++ndocs > 1) {
                rp__conf_err_at(ctx, (unsigned)ev.start_mark.line + 1,
                                (unsigned)ev.start_mark.column + 1,
                                "multiple documents are not supported");
                failed = done = 1;
            }
            break;
        case YAML_ALIAS_EVENT:
            rp__conf_err_at(ctx, (unsigned)ev.start_mark.line + 1,
                            (unsigned)ev.start_mark.column + 1, "aliases are not supported");
            node = scalar_new(ev.start_mark, "", 0, 1); /* keeps key/value pairing intact */
            break;
        case YAML_SCALAR_EVENT:
            node = scalar_new(ev.start_mark, (const char *)ev.data.scalar.value,
                              ev.data.scalar.length, ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (depth == RP__CONF_MAX_DEPTH) {
                rp__conf_err_at(ctx, (unsigned)ev.start_mark.line + 1,
                                (unsigned)ev.start_mark.column + 1,
                                "nesting deeper than %d levels", RP__CONF_MAX_DEPTH);
                failed = done = 1;
                break;
            }
            node = node_new(ev.type == YAML_MAPPING_START_EVENT ? RP__CN_MAP : RP__CN_SEQ,
                            ev.start_mark);
            push = 1;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            RP_BUG_ON(depth == 0);
            depth--;
            break;
        default:
            break;
        }
        /* Attach before pushing: every node is reachable from root, so a
         * failure part-way frees the whole tree in one call. */
        if (node) {
            if (depth == 0) {
                RP_BUG_ON(root != NULL);
                root = node;
            } else {
                add_kid(&stack[depth - 1], node);
            }
            if (push)
                stack[depth++] = (frame_t){ node, 0 };
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (failed) {
        rp__cnode_free(root);
        return NULL;
    }
    return root;
}

void rp__cnode_free(rp__cnode_t *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        rp__cnode_free(n->kids[i]);
    free(n->kids);
    free(n->s);
    free(n);
}

const rp__cnode_t *rp__cnode_get(const rp__cnode_t *map, const char *key)
{
    size_t kn = strlen(key);
    if (!map || map->kind != RP__CN_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->nkids; i += 2) {
        const rp__cnode_t *k = map->kids[i];
        if (k->kind == RP__CN_SCALAR && k->n == kn && memcmp(k->s, key, kn) == 0)
            return map->kids[i + 1];
    }
    return NULL;
}

int rp__cnode_is_null(const rp__cnode_t *n)
{
    if (!n || n->kind != RP__CN_SCALAR || !n->plain)
        return 0;
    return n->n == 0 || strcmp(n->s, "~") == 0 || strcmp(n->s, "null") == 0 ||
           strcmp(n->s, "Null") == 0 || strcmp(n->s, "NULL") == 0;
}
