/*
 * Runs the http-desync-guardian corpus (tests/unit/http/desync_cases.h,
 * generated from ../shared/corpus/desync by tests/corpus/desync_to_c.py)
 * through rp_http_parse_request, whole and byte by byte.
 *
 * Policy: every Severe and Ambiguous case is refused (-1), every Compliant
 * case is accepted, except the cases listed below with the reason we
 * deviate. Acceptable cases may go either way; they are only counted.
 */
#include "test.h"

#include "rampart/http.h"

#include "desync_cases.h"

typedef struct exception {
    const char *name;
    const char *reason;
} exception_t;

/* Ambiguous cases we accept: a normalising proxy forwards them safely. */
static const exception_t accepted_ambiguous[] = {
    { "Duplicate Content-Length",
      "identical Content-Length fields are folded into one (RFC 9112 6.3 allows it); the proxy "
      "never forwards the received Content-Length but writes a single one itself" },
    { "Two Identical Fields - CL", "same as 'Duplicate Content-Length'" },
};

/* Compliant cases we refuse: deliberate strictness. */
static const exception_t refused_compliant[] = {
    { "Different Transfer-Encoding headers",
      "only 'chunked' is accepted as a transfer-coding: we neither decode nor forward gzip, "
      "deflate, compress or identity codings (a backend that does not know one desyncs)" },
    { "Different Transfer-Encoding headers combined", "codings other than chunked, as above" },
    { "Transfer-Encoding with a param: chunked;custom_param",
      "chunked takes no parameters (RFC 9112 7); 'chunked;x' is a different coding to a strict "
      "peer and 'chunked' to a lenient one" },
    { "Correct TE OK", "gzip, chunked: codings other than chunked" },
    { "Transfer-Encoding: identity and chunked OK", "identity is not a registered coding any more" },
    { "Multiple transfer encoding headers in a single request OK", "codings other than chunked" },
    { "TE with custom parameters OK", "chunked with parameters, as above" },
    { "International in URI",
      "raw bytes >= 0x80 in the request-target: RFC 3986 requires percent-encoding and backends "
      "disagree on how to decode them" },
    { "Empty URI", "an empty request-target (two spaces) is not a request line" },
};

static int listed(const exception_t *l, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(l[i].name, name) == 0)
            return 1;
    return 0;
}

static int parse(const char *raw, size_t len, int bytewise, rp_http_request_t *req)
{
    rp_http_header_t hs[64];
    size_t scan = 0;
    int r = RP_EAGAIN;
    for (size_t n = bytewise ? 1 : len; n <= len; n++) {
        memset(req, 0, sizeof(*req));
        req->headers = hs;
        req->num_headers = RP_ARRAY_SIZE(hs);
        r = rp_http_parse_request(raw, n, req, NULL, &scan);
        if (r != RP_EAGAIN)
            break;
    }
    return r;
}

enum { T_COMPLIANT, T_ACCEPTABLE, T_AMBIGUOUS, T_SEVERE, T_N };
static const char *const tier_names[T_N] = { "Compliant", "Acceptable", "Ambiguous", "Severe" };
static int counts[T_N][2]; /* [tier][accepted] */

TEST(corpus)
{
    CHECK(DESYNC_NCASES > 100);
    for (size_t i = 0; i < DESYNC_NCASES; i++) {
        const desync_case_t *c = &desync_cases[i];
        rp_http_request_t req;
        int t;
        for (t = 0; t < T_N; t++)
            if (strcmp(c->tier, tier_names[t]) == 0)
                break;
        CHECK(t < T_N);
        if (t == T_N)
            continue;
        int r = parse(c->raw, c->len, 0, &req);
        int status = req.error_status;
        int rb = parse(c->raw, c->len, 1, &req);
        /* The verdict must not depend on how the bytes arrived. */
        CHECK_EQ_INT(r, rb);
        if (r < 0)
            CHECK_EQ_INT(status, req.error_status);
        if (r != -1 && r != (int)c->len)
            fprintf(stderr, "%s: %s: r=%d\n", c->file, c->name, r);
        CHECK(r == -1 || r == (int)c->len);
        int accepted = r > 0;
        counts[t][accepted]++;
        int want;
        if (t == T_COMPLIANT)
            want = !listed(refused_compliant, RP_ARRAY_SIZE(refused_compliant), c->name);
        else if (t == T_ACCEPTABLE)
            want = accepted;
        else
            want = listed(accepted_ambiguous, RP_ARRAY_SIZE(accepted_ambiguous), c->name) &&
                   t == T_AMBIGUOUS;
        if (want != accepted) {
            fprintf(stderr, "%s: %s [%s]: %s (%s)\n", c->file, c->name, c->tier,
                    accepted ? "accepted" : "refused", accepted ? "" : req.error);
        }
        CHECK_EQ_INT(accepted, want);
        if (!accepted)
            CHECK(req.error_status == 400 || req.error_status == 501 || req.error_status == 505);
    }
    for (int t = 0; t < T_N; t++)
        printf("desync %-10s %3d cases: %3d accepted, %3d refused\n", tier_names[t],
               counts[t][0] + counts[t][1], counts[t][1], counts[t][0]);
    printf("desync exceptions: %zu ambiguous accepted, %zu compliant refused (see test_desync.c)\n",
           RP_ARRAY_SIZE(accepted_ambiguous), RP_ARRAY_SIZE(refused_compliant));
}

/* Every listed exception must name a real case, so the lists cannot rot. */
TEST(exceptions_exist)
{
    const exception_t *lists[2] = { accepted_ambiguous, refused_compliant };
    size_t ns[2] = { RP_ARRAY_SIZE(accepted_ambiguous), RP_ARRAY_SIZE(refused_compliant) };
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < ns[l]; i++) {
            int found = 0;
            for (size_t j = 0; j < DESYNC_NCASES; j++)
                found |= strcmp(desync_cases[j].name, lists[l][i].name) == 0;
            if (!found)
                fprintf(stderr, "exception names no case: %s\n", lists[l][i].name);
            CHECK(found);
        }
}

int main(void)
{
    RUN(corpus);
    RUN(exceptions_exist);
    TEST_MAIN_END();
}
