/*
 * Value decoders (decode.c), forms and cookies (form.c), multipart
 * (multipart.c) and XML (xml.c).
 */
#include "test.h"

#include "waf/decode_int.h"

#include <zlib.h>

static rp_arena_t arena;

/* Runs a text decoder both out of place and in place; both must agree. */
typedef size_t (*dec_fn)(const char *, size_t, char *, int *);

static size_t pct_plus(const char *s, size_t n, char *o, int *ch) { return rp__pct_decode(s, n, o, 1, ch); }
static size_t pct_noplus(const char *s, size_t n, char *o, int *ch) { return rp__pct_decode(s, n, o, 0, ch); }

static char dec_out[4096];
static int dec_changed;

static rp_str_t dec(dec_fn f, const char *in)
{
    size_t n = strlen(in);
    char inplace[4096];
    memcpy(inplace, in, n);
    int ch2 = 0;
    dec_changed = 0;
    size_t k = f(in, n, dec_out, &dec_changed);
    size_t k2 = f(inplace, n, inplace, &ch2);
    CHECK(k <= n);
    CHECK(k == k2 && memcmp(dec_out, inplace, k) == 0);
    CHECK_EQ_INT(dec_changed, ch2);
    return rp_str(dec_out, k);
}

TEST(percent)
{
    CHECK_STR(dec(pct_plus, "a%20b+c"), "a b c");
    CHECK(dec_changed);
    CHECK_STR(dec(pct_noplus, "a%20b+c"), "a b+c");
    CHECK_STR(dec(pct_noplus, "plain"), "plain");
    CHECK(!dec_changed);
    /* double encoding: one layer per call */
    CHECK_STR(dec(pct_noplus, "%2527"), "%27");
    CHECK_STR(dec(pct_noplus, "%27"), "'");
    /* %uXXXX, pairs, lone surrogates, upper-case U */
    CHECK_STR(dec(pct_noplus, "%u0027%U003c"), "'<");
    CHECK_STR(dec(pct_noplus, "%u00e9%u20ac"), "\xc3\xa9\xe2\x82\xac");
    CHECK_STR(dec(pct_noplus, "%uD83D%uDE00"), "\xf0\x9f\x98\x80");
    CHECK_STR(dec(pct_noplus, "%uD83Dx"), "\xef\xbf\xbdx");
    /* malformed escapes are kept and reported */
    int ch = 0, bad = 0;
    char out[64];
    size_t k = rp__pct_decode_ex("100%", 4, out, 0, &ch, &bad);
    CHECK_STR(rp_str(out, k), "100%");
    CHECK(!ch && bad);
    bad = 0;
    k = rp__pct_decode_ex("%zz%4%u12%41", 12, out, 0, &ch, &bad);
    CHECK_STR(rp_str(out, k), "%zz%4%u12A");
    CHECK(ch && bad);
    bad = 0;
    k = rp__pct_decode_ex("%2", 2, out, 0, &ch, &bad);
    CHECK_STR(rp_str(out, k), "%2");
    CHECK(bad);
    /* NUL and high bytes come out as bytes */
    k = rp__pct_decode("%00%ff", 6, out, 0, NULL);
    CHECK_EQ_INT(k, 2);
    CHECK(out[0] == 0 && (unsigned char)out[1] == 0xff);
}

TEST(html)
{
    CHECK_STR(dec(rp__html_unescape, "&lt;script&gt;"), "<script>");
    CHECK_STR(dec(rp__html_unescape, "&ltscript&gt"), "<script>");
    CHECK_STR(dec(rp__html_unescape, "&#60;&#x3c;&#X3C;&#0000060;&#x00003c"), "<<<<<");
    CHECK_STR(dec(rp__html_unescape, "&#39&#34"), "'\"");
    CHECK_STR(dec(rp__html_unescape, "java&Tab;script&colon;alert&lpar;1&rpar;"), "java\tscript:alert(1)");
    CHECK_STR(dec(rp__html_unescape, "&NewLine;&newline;&sol;&bsol;&lsqb;&rsqb;&lcub;&rcub;&semi;&comma;&period;&excl;&quest;&equals;&num;&grave;&Hat;"),
              "\n\n/\\[]{};,.!?=#`^");
    CHECK_STR(dec(rp__html_unescape, "&quot;&QUOT;&apos;&amp;&AMP;&nbsp;"), "\"\"'&&\xc2\xa0");
    /* not references: kept */
    CHECK_STR(dec(rp__html_unescape, "a & b &unknown; &# &#x; &;"), "a & b &unknown; &# &#x; &;");
    CHECK(!dec_changed);
    CHECK_STR(dec(rp__html_unescape, "AT&T"), "AT&T");
    /* out of range, surrogates, zero -> U+FFFD */
    CHECK_STR(dec(rp__html_unescape, "&#0;&#xd800;&#99999999999;"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    CHECK_STR(dec(rp__html_unescape, "&#x1F600;"), "\xf0\x9f\x98\x80");
    /* a double-encoded reference decodes one layer */
    CHECK_STR(dec(rp__html_unescape, "&amp;lt;"), "&lt;");
}

TEST(js)
{
    CHECK_STR(dec(rp__js_unescape, "\\u003cscript\\u003e"), "<script>");
    CHECK_STR(dec(rp__js_unescape, "\\x3c\\x3E"), "<>");
    CHECK_STR(dec(rp__js_unescape, "\\74b\\76"), "<b>");
    CHECK_STR(dec(rp__js_unescape, "\\047 or 1=1"), "' or 1=1");
    CHECK_STR(dec(rp__js_unescape, "\\u{1F600}\\u{3c}"), "\xf0\x9f\x98\x80<");
    CHECK_STR(dec(rp__js_unescape, "\\ud83d\\ude00"), "\xf0\x9f\x98\x80");
    CHECK_STR(dec(rp__js_unescape, "\\n\\t\\r\\\\\\'\\\"\\/"), "\n\t\r\\'\"/");
    /* CSS: hex, optional blank, leading zeros */
    CHECK_STR(dec(rp__js_unescape, "\\3c script\\00003e"), "<script>");
    /* digits only: JS octal wins ("\\65" is '5', CSS would say 'e') */
    CHECK_STR(dec(rp__js_unescape, "\\65xpression"), "5xpression");
    /* unknown escapes and bad \x/\u are kept as written */
    CHECK_STR(dec(rp__js_unescape, "..\\..\\windows\\win.ini"), "..\\..\\windows\\win.ini");
    CHECK(!dec_changed);
    CHECK_STR(dec(rp__js_unescape, "\\xZZ\\u12\\"), "\\xZZ\\u12\\");
    CHECK(!dec_changed);
    CHECK_STR(dec(rp__js_unescape, "\\777"), "?7");   /* \\77 then '7' */
}

TEST(base64)
{
    char out[256];
    size_t n = rp__base64_decode("eyJjbWQiOiJscyJ9", 16, out);
    CHECK_STR(rp_str(out, n), "{\"cmd\":\"ls\"}");
    n = rp__base64_decode("PHNjcmlwdD4=", 12, out);
    CHECK_STR(rp_str(out, n), "<script>");
    n = rp__base64_decode("PHNjcmlwdD4", 11, out);   /* padding optional */
    CHECK_STR(rp_str(out, n), "<script>");
    n = rp__base64_decode("_-8", 3, out);            /* URL alphabet */
    CHECK_EQ_INT(n, 2);
    CHECK((unsigned char)out[0] == 0xff && (unsigned char)out[1] == 0xef);
    CHECK(rp__base64_decode("abc=d", 5, out) == (size_t)-1);
    CHECK(rp__base64_decode("a", 1, out) == (size_t)-1);
    CHECK(rp__base64_decode("ab=", 3, out) == (size_t)-1);
    CHECK(rp__base64_decode("a+b_", 4, out) == (size_t)-1);   /* mixed alphabets */
    CHECK(rp__base64_decode("ab c", 4, out) == (size_t)-1);
    CHECK_EQ_INT(rp__base64_decode("", 0, out), 0);

    CHECK(rp__base64_plausible("eyJjbWQiOiJscyJ9", 16));                       /* {"cmd":"ls"} */
    CHECK(rp__base64_plausible("JyBPUiAxPTEgLS0gLQ==", 20));                   /* ' OR 1=1 -- - */
    CHECK(rp__base64_plausible("PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg", 34));     /* unpadded */
    CHECK(!rp__base64_plausible("PHNjcmlwdD4=", 12));                          /* too short */
    CHECK(!rp__base64_plausible("d41d8cd98f00b204e9800998ecf8427e", 32));      /* md5 hex */
    CHECK(!rp__base64_plausible("3f2a9c1e-4b5d-4e6f-8a7b-9c0d1e2f3a4b", 36));  /* uuid */
    CHECK(!rp__base64_plausible("internationalization", 20));
    CHECK(!rp__base64_plausible("ABCDEFGHIJKLMNOPQRSTUVWX", 24));
    CHECK(!rp__base64_plausible("1234567890123456", 16));
    CHECK(!rp__base64_plausible("hello world hello world", 23));
    /* gzip inside base64 counts */
    CHECK(rp__base64_plausible("H4sIAAAAAAAAA8tIzcnJBwCGphA2BQAAAA==", 36));
}

TEST(base64_plausible_paths)
{
    /* the SSE2 path and the portable one agree, whatever byte sits where
     * (each byte changes a class, the alphabet, the padding or hex-ness) */
    static const char base[] = "eyJjbWQiOiJscyB-bGEgL3RtcCJ9eyJjbWQiOiJscyJ9PHNjcmlwdD4x";
    static const char bytes[] = { 'A', 'z', '0', '+', '/', '-', '_', '=', ' ', '.', 'f', '9',
                                  '@', '[', '`', '{', (char)0x80, (char)0xc3, 0 };
    char buf[64];
    for (size_t len = 0; len < sizeof(base); len++) {
        for (size_t at = 0; at < len; at++) {
            for (size_t k = 0; k < sizeof(bytes); k++) {
                memcpy(buf, base, len);
                buf[at] = bytes[k];
                int a = rp__base64_plausible(buf, len), b = rp__base64_plausible_scalar(buf, len);
                if (a != b) {
                    CHECK_EQ_INT(a, b);
                    fprintf(stderr, "  len %zu at %zu byte %02x\n", len, at, (unsigned char)bytes[k]);
                }
            }
        }
    }
    /* hex and digits only, in every length: rejected by both */
    memset(buf, '7', sizeof(buf));
    for (size_t len = 16; len <= sizeof(buf); len++) {
        buf[len / 2] = 'c';
        CHECK(!rp__base64_plausible(buf, len));
        CHECK(!rp__base64_plausible_scalar(buf, len));
    }
}

TEST(utf8)
{
    CHECK_EQ_INT(rp__utf8_check("abc", 3), 0);
    CHECK_EQ_INT(rp__utf8_check("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9), 0);
    CHECK_EQ_INT(rp__utf8_check("\xff", 1), RP__UTF8_INVALID);
    CHECK_EQ_INT(rp__utf8_check("\xc3", 1), RP__UTF8_INVALID);
    CHECK_EQ_INT(rp__utf8_check("\xed\xa0\x80", 3), RP__UTF8_INVALID);           /* surrogate */
    CHECK_EQ_INT(rp__utf8_check("\xf4\x90\x80\x80", 4), RP__UTF8_INVALID);       /* > U+10FFFF */
    CHECK_EQ_INT(rp__utf8_check("..\xc0\xaf", 4), RP__UTF8_INVALID | RP__UTF8_OVERLONG);
    CHECK_EQ_INT(rp__utf8_check("\xe0\x80\xaf", 3), RP__UTF8_INVALID | RP__UTF8_OVERLONG);
    CHECK_EQ_INT(rp__utf8_check("\xf0\x80\x80\xaf", 4), RP__UTF8_INVALID | RP__UTF8_OVERLONG);
    char out[32];
    size_t n = rp__utf8_unoverlong("..\xc0\xaf..\xc0\xae\xe0\x80\xaf\xf0\x80\x80\xaf\xc1\x9c", 17, out);
    CHECK_STR(rp_str(out, n), "../...//\\");
    n = rp__utf8_unoverlong("\xc0", 1, out);   /* cut: kept */
    CHECK_EQ_INT(n, 1);
}

TEST(scan_specials)
{
    /* the SSE2 path and the portable one agree, wherever the byte sits */
    static const char specials[] = { '%', '&', '\\', '+', '=', (char)0x80, (char)0xff, 'a' };
    static const unsigned want[] = { RP__SB_PCT, RP__SB_AMP, RP__SB_BSL, RP__SB_PLUS, RP__SB_EQ,
                                     RP__SB_HIGH, RP__SB_HIGH, 0 };
    char buf[80];
    for (size_t len = 0; len <= 70; len++) {
        memset(buf, 'x', sizeof(buf));
        CHECK_EQ_INT(rp__scan_specials(buf, len), 0);
        CHECK_EQ_INT(rp__scan_specials_scalar(buf, len), 0);
        for (size_t at = 0; at < len; at++) {
            for (size_t k = 0; k < sizeof(specials); k++) {
                memset(buf, 'x', sizeof(buf));
                buf[at] = specials[k];
                unsigned a = rp__scan_specials(buf, len), b = rp__scan_specials_scalar(buf, len);
                if (a != want[k] || b != want[k]) {
                    CHECK_EQ_INT(a, want[k]);
                    CHECK_EQ_INT(b, want[k]);
                    fprintf(stderr, "  len %zu at %zu byte %02x\n", len, at, (unsigned char)specials[k]);
                }
            }
        }
    }
    CHECK_EQ_INT(rp__scan_specials("a%b&c\\d+e=f\xc3\xa9", 13),
                 RP__SB_PCT | RP__SB_AMP | RP__SB_BSL | RP__SB_PLUS | RP__SB_EQ | RP__SB_HIGH);
}

TEST(html_every_entity)
{
    /* every name of decode.c's tables, with and without ';' after it */
    static const char *const names[][2] = {
        { "lt", "<" }, { "LT", "<" }, { "gt", ">" }, { "GT", ">" }, { "amp", "&" }, { "AMP", "&" },
        { "quot", "\"" }, { "QUOT", "\"" }, { "apos", "'" }, { "nbsp", "\xc2\xa0" },
        { "NonBreakingSpace", "\xc2\xa0" }, { "colon", ":" }, { "Tab", "\t" }, { "tab", "\t" },
        { "NewLine", "\n" }, { "newline", "\n" }, { "lpar", "(" }, { "rpar", ")" }, { "sol", "/" },
        { "bsol", "\\" }, { "lsqb", "[" }, { "rsqb", "]" }, { "lbrack", "[" }, { "rbrack", "]" },
        { "lcub", "{" }, { "rcub", "}" }, { "lbrace", "{" }, { "rbrace", "}" }, { "semi", ";" },
        { "comma", "," }, { "period", "." }, { "excl", "!" }, { "quest", "?" }, { "equals", "=" },
        { "num", "#" }, { "grave", "`" }, { "DiacriticalGrave", "`" }, { "Hat", "^" },
        { "dollar", "$" }, { "percnt", "%" }, { "ast", "*" }, { "midast", "*" }, { "commat", "@" },
        { "lowbar", "_" }, { "UnderBar", "_" }, { "verbar", "|" }, { "vert", "|" },
        { "VerticalLine", "|" }, { "plus", "+" }, { "hyphen", "-" }, { "dash", "-" },
        { "copy", "\xc2\xa9" }, { "reg", "\xc2\xae" }, { "shy", "\xc2\xad" },
        { "laquo", "\xc2\xab" }, { "raquo", "\xc2\xbb" }, { "lsquo", "\xe2\x80\x98" },
        { "rsquo", "\xe2\x80\x99" }, { "ldquo", "\xe2\x80\x9c" }, { "rdquo", "\xe2\x80\x9d" },
        { "zwj", "\xe2\x80\x8d" }, { "zwnj", "\xe2\x80\x8c" },
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(names); i++) {
        char in[40], want[40];
        snprintf(in, sizeof(in), "x&%s;y&%s", names[i][0], names[i][0]);
        snprintf(want, sizeof(want), "x%sy%s", names[i][1], names[i][1]);
        CHECK_STR(dec(rp__html_unescape, in), want);
    }
}

TEST(html_many_ampersands)
{
    /* bounded work per '&' whatever follows it */
    size_t n = 1 << 20;
    char *s = malloc(n), *out = malloc(n);
    for (size_t i = 0; i < n; i++)
        s[i] = i % 40 == 0 ? '&' : 'a';
    uint64_t t0 = rp_now_us();
    int ch = 0;
    size_t k = rp__html_unescape(s, n, out, &ch);
    uint64_t t1 = rp_now_us();
    CHECK_EQ_INT(k, n);
    CHECK(!ch);
    CHECK(t1 - t0 < 2000000);
    free(s);
    free(out);
}

/* gzip/zlib/raw deflate of `in` with zlib itself. */
static size_t zip(const char *in, size_t n, int wbits, unsigned char *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    deflateInit2(&z, 9, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    deflate(&z, Z_FINISH);
    size_t k = cap - z.avail_out;
    deflateEnd(&z);
    return k;
}

TEST(inflate)
{
    static unsigned char z[1 << 20];
    const char *msg = "{\"q\":\"' OR 1=1 --\"}";
    rp_str_t out;
    size_t k = zip(msg, strlen(msg), 15 + 16, z, sizeof(z));
    CHECK_EQ_INT(rp__inflate((char *)z, k, 1, 1 << 20, 100, &arena, &out), 0);
    CHECK_STR(out, msg);
    k = zip(msg, strlen(msg), 15, z, sizeof(z));   /* zlib */
    CHECK_EQ_INT(rp__inflate((char *)z, k, 0, 1 << 20, 100, &arena, &out), 0);
    CHECK_STR(out, msg);
    k = zip(msg, strlen(msg), -15, z, sizeof(z));  /* raw deflate */
    CHECK_EQ_INT(rp__inflate((char *)z, k, 0, 1 << 20, 100, &arena, &out), 0);
    CHECK_STR(out, msg);

    /* two gzip members are one body */
    size_t k1 = zip("abc", 3, 31, z, sizeof(z));
    size_t k2 = zip("def", 3, 31, z + k1, sizeof(z) - k1);
    CHECK_EQ_INT(rp__inflate((char *)z, k1 + k2, 1, 1 << 20, 100, &arena, &out), 0);
    CHECK_STR(out, "abcdef");

    /* corrupt, truncated */
    k = zip(msg, strlen(msg), 31, z, sizeof(z));
    CHECK_EQ_INT(rp__inflate((char *)z, k - 6, 1, 1 << 20, 100, &arena, &out), -1);
    z[12] ^= 0x55;
    CHECK_EQ_INT(rp__inflate((char *)z, k, 1, 1 << 20, 100, &arena, &out), -1);
    CHECK_EQ_INT(rp__inflate("not gzip", 8, 1, 1 << 20, 100, &arena, &out), -1);
    CHECK_EQ_INT(rp__inflate("", 0, 1, 1 << 20, 100, &arena, &out), -1);

    /* a bomb: 64 MiB of zeros; stopped by the ratio, then by max_out */
    size_t big = 64u << 20;
    char *zeros = calloc(1, big);
    k = zip(zeros, big, 31, z, sizeof(z));
    free(zeros);
    CHECK(k < 100 * 1024);
    CHECK_EQ_INT(rp__inflate((char *)z, k, 1, 64u << 20, 100, &arena, &out), -2);
    CHECK_EQ_INT(out.n, k * 100);
    CHECK_EQ_INT(rp__inflate((char *)z, k, 1, 4096, 100000, &arena, &out), -2);
    CHECK_EQ_INT(out.n, 4096);
    CHECK(out.p[0] == 0 && out.p[4095] == 0);
    rp_arena_reset(&arena);
}

/* ---------------------------------------------------------------------- */

/* Joins the pairs of a form as "key=value|..." ("key" alone without '='). */
static const char *pairs(rp_str_t s, int cookie, int semi)
{
    static char buf[1024];
    size_t o = 0, pos = 0;
    rp__kv_t kv;
    buf[0] = 0;
    while (cookie ? rp__cookie_next(s, &pos, &kv) : rp__form_next(s, &pos, semi, &kv)) {
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%.*s%s%.*s", o ? "|" : "", (int)kv.key.n,
                              kv.key.p, kv.has_eq ? "=" : "", (int)kv.value.n, kv.value.p);
    }
    return buf;
}

TEST(form)
{
    CHECK(strcmp(pairs(RP_STRLIT("a=1&b=2;c=3"), 0, 1), "a=1|b=2|c=3") == 0);
    CHECK(strcmp(pairs(RP_STRLIT("a=1&b=2;c=3"), 0, 0), "a=1|b=2;c=3") == 0);
    CHECK(strcmp(pairs(RP_STRLIT("&&a=&flag&=v&a=2&"), 0, 1), "a=|flag|=v|a=2") == 0);
    CHECK(strcmp(pairs(RP_STRLIT("x=a=b"), 0, 1), "x=a=b") == 0);
    CHECK(strcmp(pairs(RP_STRLIT(""), 0, 1), "") == 0);

    char out[64];
    size_t n = rp__form_name_path("a[b][c]", 7, out, sizeof(out));
    CHECK_STR(rp_str(out, n), "a.b.c");
    n = rp__form_name_path("a[]", 3, out, sizeof(out));
    CHECK_STR(rp_str(out, n), "a[]");
    n = rp__form_name_path("a[b][]", 6, out, sizeof(out));
    CHECK_STR(rp_str(out, n), "a.b[]");
    n = rp__form_name_path("a[b", 3, out, sizeof(out));
    CHECK_STR(rp_str(out, n), "a[b");
    n = rp__form_name_path("a[b]c", 5, out, sizeof(out));
    CHECK_STR(rp_str(out, n), "a.bc");
    n = rp__form_name_path("[x]", 3, out, sizeof(out));
    CHECK_STR(rp_str(out, n), "[x]");
    n = rp__form_name_path("plain.name", 10, out, sizeof(out));
    CHECK_STR(rp_str(out, n), "plain.name");
    n = rp__form_name_path("abcdef[ghij]", 12, out, 8);
    CHECK(n <= 8);

    CHECK(rp__form_plausible("a=b&c=d", 7));
    CHECK(rp__form_plausible("x=1", 3));
    CHECK(rp__form_plausible("cmd=ls%20-la&x", 14));
    CHECK(!rp__form_plausible("1 or 1=1", 8));
    CHECK(!rp__form_plausible("hello", 5));
    CHECK(!rp__form_plausible("=x", 2));
    CHECK(!rp__form_plausible("a=<b c=d>", 9));
    CHECK(!rp__form_plausible("text/html;q=0.9", 15));
}

TEST(cookies)
{
    CHECK(strcmp(pairs(RP_STRLIT("a=b; c=d"), 1, 0), "a=b|c=d") == 0);
    CHECK(strcmp(pairs(RP_STRLIT("sid=x=y==;  tok=\"q v\" ;flag; ;e="), 1, 0),
                 "sid=x=y==|tok=q v|flag|e=") == 0);
    CHECK(strcmp(pairs(RP_STRLIT(" a = 1 ;b=\"\""), 1, 0), "a=1|b=") == 0);
    CHECK(strcmp(pairs(RP_STRLIT("q=\"unterminated"), 1, 0), "q=\"unterminated") == 0);
}

/* ---------------------------------------------------------------------- */

/* Parts as "name|filename|filename*|ctype|body|flags;" */
static const char *parts(const char *ct, const char *body, unsigned *anomalies)
{
    static char buf[4096];
    size_t o = 0;
    rp_str_t b;
    buf[0] = 0;
    if (rp__multipart_boundary(rp_str_c(ct), &b) < 0)
        return "no boundary";
    rp__multipart_t m;
    rp__mp_part_t p;
    rp__multipart_init(&m, b, rp_str_c(body));
    while (rp__multipart_next(&m, &p)) {
        o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%.*s|%.*s|%.*s|%.*s|%.*s|%u;", (int)p.name.n,
                              p.name.p, (int)p.filename.n, p.filename.p, (int)p.filename_star.n,
                              p.filename_star.p, (int)p.ctype.n, p.ctype.p, (int)p.body.n, p.body.p,
                              p.flags);
    }
    *anomalies = m.anomalies;
    return buf;
}

TEST(multipart)
{
    unsigned an;
    const char *ct = "multipart/form-data; boundary=XyZ";
    CHECK(strcmp(parts(ct, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n"
                           "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.php\"\r\n"
                           "Content-Type: image/png\r\n\r\n<?php system($_GET[1]); ?>\r\n--XyZ--\r\n",
                       &an),
                 "a||||hello|0;f|x.php||image/png|<?php system($_GET[1]); ?>|0;") == 0);
    CHECK_EQ_INT(an, 0);
    /* bare LF, preamble, epilogue, filename*, quoted boundary, empty body */
    CHECK(strcmp(parts("multipart/form-data; boundary=\"b b\"",
                       "preamble\n--b b\nContent-Disposition: form-data; name=doc; filename*=UTF-8''na%C3%AFve%20.txt\n\n"
                       "line1\nline2\n--b b\ncontent-disposition: form-data; name=\"e\"\n\n\n--b b--\nepilogue",
                       &an),
                 "doc||na%C3%AFve%20.txt||line1\nline2|0;e|||||0;") == 0);
    CHECK_EQ_INT(an, RP__MP_PREAMBLE);
    /* truncated: no closing delimiter */
    CHECK(strcmp(parts(ct, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\npayload' OR", &an),
                 "a||||payload' OR|1;") == 0);
    CHECK_EQ_INT(an, RP__MP_NO_CLOSE);
    /* truncated inside the headers */
    CHECK(strcmp(parts(ct, "--XyZ\r\nContent-Disposition: form-da", &an), "|||||7;") == 0);
    /* no delimiter at all */
    CHECK(strcmp(parts(ct, "just text", &an), "") == 0);
    CHECK_EQ_INT(an, RP__MP_NO_DELIMITER);
    /* the boundary text inside content (not at a line start) is content */
    CHECK(strcmp(parts(ct, "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx--XyZ y\r\n--XyZ--", &an),
                 "a||||x--XyZ y|0;") == 0);
    /* junk after a delimiter, a part without name */
    CHECK(strcmp(parts(ct, "--XyZ junk\r\nX: y\r\n\r\nv\r\n--XyZ--", &an), "||||v|4;") == 0);
    CHECK_EQ_INT(an, RP__MP_JUNK);
    /* no boundary parameter, or one too long */
    CHECK(strcmp(parts("multipart/form-data", "", &an), "no boundary") == 0);
    char longb[300] = "multipart/form-data; boundary=";
    memset(longb + strlen(longb), 'a', 250);
    CHECK(strcmp(parts(longb, "", &an), "no boundary") == 0);
    /* a closing delimiter first: no parts */
    CHECK(strcmp(parts(ct, "--XyZ--\r\n", &an), "") == 0);
    CHECK_EQ_INT(an, 0);

    rp_str_t v;
    CHECK(rp__header_param(RP_STRLIT("form-data; name=\"a\\\"b\"; x=1"), RP_STRLIT("name"), &v));
    CHECK_STR(v, "a\\\"b");
    CHECK(rp__header_param(RP_STRLIT("form-data; NAME = c ;"), RP_STRLIT("name"), &v));
    CHECK_STR(v, "c");
    CHECK(!rp__header_param(RP_STRLIT("form-data; filename*=x"), RP_STRLIT("filename"), &v));
}

/* ---------------------------------------------------------------------- */

#define XBUF 65536

static int xml_cb(void *ud, rp__xml_event_t ev, rp_str_t path, rp_str_t raw, rp_str_t value)
{
    static const char *names[] = { "T", "A", "P", "D", "E" };
    char *buf = ud;
    size_t o = strlen(buf);
    if (o >= XBUF - 1)
        return 0;
    snprintf(buf + o, XBUF - o, "%s %.*s = %.*s [%.*s]\n", names[ev], (int)path.n, path.p,
             (int)value.n, value.p, (int)raw.n, raw.p);
    return 0;
}

static char xbuf[XBUF];

static int xml(const char *doc, size_t depth)
{
    xbuf[0] = 0;
    size_t err = 0;
    int rc = rp__xml_parse(doc, strlen(doc), depth, 1 << 16, xml_cb, xbuf, &err);
    CHECK(err <= strlen(doc));
    return rc;
}

TEST(xml)
{
    CHECK_EQ_INT(xml("<?xml version=\"1.0\"?><order id=\"7\" xmlns:m=\"urn:x\"><m:item sku=\"a&amp;b\">"
                     "t &lt;1<![CDATA[<b>]]></m:item><note>x<i>y</i>z</note><?go now?></order>",
                     64),
                 0);
    CHECK(strcmp(xbuf,
                 "A order@id = 7 [7]\n"
                 "A order@xmlns:m = urn:x [urn:x]\n"
                 "A order/m:item@sku = a&b [a&b]\n"
                 "T order/m:item = t <1<b> [t &lt;1<![CDATA[<b>]]>]\n"
                 "T order/note/i = y [y]\n"
                 "T order/note = xz [xz]\n"
                 "P order?go = now [<?go now?>]\n") == 0);
    /* XXE: the DOCTYPE and the entity are events, the reference stays */
    CHECK_EQ_INT(xml("<!DOCTYPE r [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]><r>&xxe;</r>", 64), 0);
    CHECK(strcmp(xbuf,
                 "E !entity.xxe = <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]\n"
                 "D !doctype = <!DOCTYPE r [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]> [<!DOCTYPE r [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>]\n"
                 "T r = &xxe; [&xxe;]\n") == 0);
    /* an undeclared entity is an error */
    CHECK_EQ_INT(xml("<r>&nope;</r>", 64), -1);
    /* depth limit */
    CHECK_EQ_INT(xml("<a><b><c>x</c></b></a>", 2), -2);
    CHECK_EQ_INT(xml("<a><b><c>x</c></b></a>", 3), 0);
    /* broken documents */
    CHECK_EQ_INT(xml("<a><b></a>", 64), -1);
    CHECK_EQ_INT(xml("<a>", 64), -1);
    CHECK_EQ_INT(xml("", 64), -1);
    CHECK_EQ_INT(xml("<a/><b/>", 64), -1);
}

TEST(xml_billion_laughs)
{
    /* in content: references kept, nothing expanded */
    const char *bl =
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
        "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">"
        "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
        "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">"
        "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">"
        "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">"
        "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">"
        "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">"
        "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">"
        "]><lolz>&lol9;</lolz>";
    CHECK_EQ_INT(xml(bl, 64), 0);
    CHECK(strstr(xbuf, "T lolz = &lol9; [&lol9;]\n") != NULL);
    CHECK(strstr(xbuf, "E !entity.lol9 = <!ENTITY lol9 \"&lol8;") != NULL);
    /* in an attribute expat would expand: the amplification guard stops it */
    char doc[4096];
    snprintf(doc, sizeof(doc), "%.*s<lolz a=\"&lol9;\"/>", (int)(strstr(bl, "<lolz>") - bl), bl);
    CHECK_EQ_INT(xml(doc, 64), -1);
    CHECK(strstr(xbuf, "A lolz@a") == NULL);
    /* ordinary references in attributes are fine */
    char big[16000];
    size_t o = (size_t)snprintf(big, sizeof(big), "<r a=\"");
    for (int i = 0; i < 1000; i++)   /* 10 KB of references, beyond the 4 KiB threshold */
        o += (size_t)snprintf(big + o, sizeof(big) - o, "&amp;&#60;");
    snprintf(big + o, sizeof(big) - o, "\">&amp;&amp;</r>");
    CHECK_EQ_INT(xml(big, 64), 0);
}

int main(void)
{
    rp_arena_init(&arena, 4096);
    RUN(percent);
    RUN(html);
    RUN(js);
    RUN(base64);
    RUN(base64_plausible_paths);
    RUN(utf8);
    RUN(scan_specials);
    RUN(html_every_entity);
    RUN(html_many_ampersands);
    RUN(inflate);
    RUN(form);
    RUN(cookies);
    RUN(multipart);
    RUN(xml);
    RUN(xml_billion_laughs);
    rp_arena_dispose(&arena);
    TEST_MAIN_END();
}
