/*
 * php.c - PHP code injection: a PHP lexer over the value.
 *
 * The value is read as PHP would read it - identifiers, variables ($x,
 * $$x, ${..}), strings ('..', "..", backticks), numbers, comments (/ * * /,
 * // and # up to a newline), open tags - by one forward pass that keeps a
 * small stack of the open brackets. What it looks for:
 *
 *   - open tags with code after them: <?php, <?=, <? echo, <?xml:..
 *     (a short tag in disguise), [php] {php} (Smarty, BBCode) (CRS 933100);
 *   - calls of PHP functions, by a table in three tiers: code execution,
 *     decoders and file/network access (system, eval, base64_decode,
 *     file_put_contents, ..: 90), other functions attacks use (chr, substr,
 *     printf, fopen, ..: 70) and common ones (range, touch, crypt: 40).
 *     `name(` glued, `name/ *x* /(`, `name#x\n(` and `@name(` are calls;
 *     `name (` with a blank needs code around it: the name at the start of
 *     the value or after code punctuation, arguments that are not two
 *     words of prose. A name after a word ("sort by date (newest first)"),
 *     a method (`$db->exec(`, `str.substr(`), a definition (`function
 *     system(`) and "file(s)" are not calls (CRS 933150, 933160);
 *   - callees that are not names: strings and bracketed groups whose
 *     spelling is a function ("system"(..), ("sys"."tem")(..),
 *     (sy.(st).em)(..), [system][0](..), (string)"system"(..)), and
 *     variables ($a(..), $$b(..), $_GET['a'](..), ${'a'}(..),
 *     $o->$f(..), Foo::$v(..)) (CRS 933180, 933210);
 *   - strings concatenated into the name of an exec function ('sys'.'tem')
 *     and exec function names passed as callbacks (array_map("system", ..));
 *   - superglobals ($_GET, $_SERVER, $GLOBALS, $HTTP_*_VARS) and variable
 *     variables ${'x'}, $ {x} (CRS 933130, 933135);
 *   - PHP stream wrappers (php://, phar://, zip://, compress.zlib://,
 *     expect://, glob://, ssh2.exec://..) (CRS 933140, 933200);
 *   - serialized objects O:8:"stdClass":1:{..} and C:.. (CRS 933170);
 *   - php.ini directives set at the start of a line (allow_url_include=1,
 *     auto_prepend_file=.., memory_limit = 512M) (CRS 933120).
 *
 * The words alone are not code: prose about "the system", "exec" or
 * "eval", "phpinfo can leak" pass. A call followed by a word ("exec() only
 * on trusted input", "printf(..) prints": not PHP syntax), by ": " (an
 * error message: "include(x.php): failed to open stream") or by ".pdf" (a
 * file name: "File(1).pdf") is a mention, 45 at most. A quote glued to a
 * word is an apostrophe, not a string ("don't"). When nothing is found,
 * the value is read again after its first ' and after its first " when
 * that quote opens the value or code punctuation follows it: the payload
 * that breaks out of the application's string (`'.system('id').'`).
 *
 * A Markdown fenced code block (a code review comment) is shown, not run:
 * what it holds scores at most FENCE_MAX. File uploads of PHP scripts and
 * session files (CRS 933110, 933220) depend on the point (a multipart
 * filename, an X-Filename header): rp__waf_php_uploads, a request-level
 * check, looks at those.
 *
 * Cost: no allocation; a precheck (may_score) that rules most values out
 * in one pass over the bytes and a few short look-arounds: what a finding
 * needs (a tag, a wrapper, a call whose callee names a function..) is not
 * there; then one forward pass (three at most, for the string breakouts);
 * every look-ahead (a string's closing quote, a comment's end) is bounded
 * or resumes where the last one stopped, so the work is linear in n.
 */
#include "waf/waf_int.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define FENCE_MAX 40 /* highest score of code in a Markdown code block */
#define DEPTH_MAX 32 /* brackets tracked */
#define SPELL_MAX 40 /* bytes of a spelled callee kept */
#define STR_MAX 2048 /* bytes searched for a string's closing quote */
#define NAME_MAX 48  /* longest function name looked up */

/* ---------------------------------------------------------------------- */
/* Tables.                                                                  */

enum { T_L = 1, T_M, T_H };
enum {
    F_WORD = 1, /* an English word too (system, file, date): needs code around it */
    F_DIST = 2, /* distinctive: base64_decode( is enough, even unclosed */
    F_CB = 4,   /* takes a callback by name */
    F_EXEC = 8, /* runs code or commands: a callback name, a spelled callee */
    F_KW = 16,  /* a language construct (include, require) */
};

typedef struct pfn {
    const char *name;
    unsigned char tier, flags;
} pfn_t;

/* Sorted (bytewise) for the binary search; test_php checks the order. */
static const pfn_t fns[] = {
    { "apache_setenv", T_H, F_DIST }, { "array_diff_ukey", T_M, F_DIST|F_CB },
    { "array_filter", T_M, F_DIST|F_CB }, { "array_map", T_M, F_DIST|F_CB },
    { "array_reduce", T_M, F_DIST|F_CB }, { "array_udiff", T_M, F_DIST|F_CB },
    { "array_uintersect", T_M, F_DIST|F_CB }, { "array_walk", T_M, F_DIST|F_CB },
    { "array_walk_recursive", T_M, F_DIST|F_CB }, { "assert", T_H, F_WORD|F_EXEC },
    { "assert_options", T_M, F_DIST }, { "base64_decode", T_H, F_DIST },
    { "base64_encode", T_M, F_DIST }, { "bin2hex", T_L, 0 }, { "bzdecompress", T_H, F_DIST },
    { "bzopen", T_M, F_DIST }, { "call_user_func", T_H, F_DIST|F_CB },
    { "call_user_func_array", T_H, F_DIST|F_CB }, { "checkdate", T_L, 0 },
    { "chgrp", T_M, F_DIST }, { "chmod", T_M, F_DIST }, { "chown", T_M, F_DIST },
    { "chr", T_M, 0 }, { "chroot", T_L, 0 }, { "convert_uudecode", T_H, F_DIST },
    { "copy", T_L, F_WORD }, { "crc32", T_L, 0 }, { "create_function", T_H, F_DIST|F_EXEC },
    { "crypt", T_L, 0 }, { "curl_exec", T_H, F_DIST }, { "curl_file_create", T_M, F_DIST },
    { "curl_init", T_M, F_DIST }, { "curl_multi_exec", T_H, F_DIST },
    { "curl_setopt", T_M, F_DIST }, { "date", T_L, F_WORD }, { "debug_backtrace", T_M, F_DIST },
    { "debug_zval_dump", T_M, F_DIST }, { "dl", T_M, 0 }, { "ereg_replace", T_M, F_DIST },
    { "eregi_replace", T_M, F_DIST }, { "error_reporting", T_M, F_DIST },
    { "escapeshellarg", T_M, F_DIST }, { "escapeshellcmd", T_M, F_DIST },
    { "eval", T_H, F_WORD|F_EXEC }, { "exec", T_H, F_WORD|F_EXEC },
    { "exif_read_data", T_M, F_DIST }, { "extract", T_M, F_WORD }, { "fgets", T_M, F_DIST },
    { "file", T_M, F_WORD }, { "file_exists", T_M, F_DIST }, { "file_get_contents", T_H, F_DIST },
    { "file_put_contents", T_H, F_DIST }, { "fileatime", T_M, F_DIST },
    { "filectime", T_M, F_DIST }, { "filegroup", T_M, F_DIST }, { "fileinode", T_M, F_DIST },
    { "filemtime", T_M, F_DIST }, { "fileowner", T_M, F_DIST }, { "fileperms", T_M, F_DIST },
    { "fopen", T_H, F_DIST }, { "forward_static_call", T_H, F_DIST|F_CB },
    { "forward_static_call_array", T_H, F_DIST|F_CB }, { "fputcsv", T_M, F_DIST },
    { "fputs", T_M, F_DIST }, { "fread", T_M, F_DIST }, { "fsockopen", T_H, F_DIST },
    { "ftp_connect", T_M, F_DIST }, { "ftp_get", T_M, F_DIST }, { "ftp_put", T_M, F_DIST },
    { "function_exists", T_M, F_DIST }, { "fwrite", T_M, F_DIST },
    { "get_current_user", T_M, F_DIST }, { "get_defined_constants", T_H, F_DIST },
    { "get_defined_functions", T_H, F_DIST }, { "get_defined_vars", T_H, F_DIST },
    { "getcwd", T_M, F_DIST }, { "getenv", T_M, F_DIST }, { "gethostbyname", T_L, F_DIST },
    { "getimagesize", T_M, F_DIST }, { "getlastmod", T_M, F_DIST }, { "getmygid", T_M, F_DIST },
    { "getmyinode", T_M, F_DIST }, { "getmypid", T_M, F_DIST }, { "getmyuid", T_M, F_DIST },
    { "glob", T_M, F_WORD }, { "gzdecode", T_H, F_DIST }, { "gzfile", T_M, F_DIST },
    { "gzinflate", T_H, F_DIST }, { "gzopen", T_M, F_DIST }, { "gzread", T_M, F_DIST },
    { "gzuncompress", T_H, F_DIST }, { "hash_file", T_M, F_DIST },
    { "hash_hmac_file", T_M, F_DIST }, { "header", T_L, F_WORD }, { "hex2bin", T_M, F_DIST },
    { "highlight_file", T_H, F_DIST }, { "html_entity_decode", T_M, F_DIST },
    { "htmlentities", T_M, F_DIST }, { "htmlspecialchars", T_M, F_DIST },
    { "htmlspecialchars_decode", T_M, F_DIST }, { "ignore_user_abort", T_M, F_DIST },
    { "imagecreatefromstring", T_M, F_DIST }, { "include", T_H, F_WORD|F_KW },
    { "include_once", T_H, F_DIST|F_KW }, { "ini_get", T_M, F_DIST },
    { "ini_get_all", T_H, F_DIST }, { "ini_restore", T_H, F_DIST }, { "ini_set", T_H, F_DIST },
    { "intval", T_M, F_DIST }, { "is_array", T_M, F_DIST }, { "is_executable", T_M, F_DIST },
    { "is_readable", T_M, F_DIST }, { "is_writable", T_M, F_DIST },
    { "is_writeable", T_M, F_DIST }, { "iterator_apply", T_M, F_DIST|F_CB },
    { "json_decode", T_L, F_DIST }, { "json_encode", T_L, F_DIST }, { "link", T_L, F_WORD },
    { "mail", T_M, F_WORD }, { "mb_ereg_replace", T_H, F_DIST },
    { "mb_eregi_replace", T_H, F_DIST }, { "md5", T_L, 0 }, { "md5_file", T_M, F_DIST },
    { "method_exists", T_M, F_DIST }, { "mkdir", T_M, F_DIST },
    { "move_uploaded_file", T_H, F_DIST }, { "mysql_query", T_M, F_DIST },
    { "mysqli_query", T_M, F_DIST }, { "ob_end_clean", T_M, F_DIST },
    { "ob_end_flush", T_M, F_DIST }, { "ob_get_clean", T_M, F_DIST },
    { "ob_get_contents", T_M, F_DIST }, { "ob_start", T_M, F_DIST|F_CB },
    { "odbc_connect", T_M, F_DIST }, { "odbc_exec", T_M, F_DIST }, { "opendir", T_M, F_DIST },
    { "ord", T_L, 0 }, { "pack", T_L, F_WORD }, { "parse_ini_file", T_M, F_DIST },
    { "parse_ini_string", T_M, F_DIST }, { "parse_str", T_M, F_DIST },
    { "passthru", T_H, F_EXEC }, { "pcntl_exec", T_H, F_DIST|F_EXEC },
    { "pfsockopen", T_H, F_DIST }, { "pg_connect", T_M, F_DIST }, { "pg_execute", T_M, F_DIST },
    { "pg_query", T_M, F_DIST }, { "php_strip_whitespace", T_M, F_DIST },
    { "php_uname", T_H, F_DIST }, { "phpinfo", T_H, F_DIST|F_EXEC },
    { "phpversion", T_M, F_DIST }, { "pi", T_L, F_WORD }, { "popen", T_H, F_EXEC },
    { "posix_getegid", T_H, F_DIST }, { "posix_geteuid", T_H, F_DIST },
    { "posix_getgid", T_H, F_DIST }, { "posix_getlogin", T_H, F_DIST },
    { "posix_getpwnam", T_H, F_DIST }, { "posix_getpwuid", T_H, F_DIST },
    { "posix_getuid", T_H, F_DIST }, { "posix_kill", T_H, F_DIST },
    { "posix_mkfifo", T_H, F_DIST }, { "posix_setuid", T_H, F_DIST },
    { "preg_replace", T_H, F_DIST }, { "preg_replace_callback", T_H, F_DIST|F_CB },
    { "preg_replace_callback_array", T_H, F_DIST|F_CB }, { "print", T_L, F_WORD },
    { "print_r", T_M, F_DIST }, { "printf", T_M, 0 }, { "proc_close", T_H, F_DIST },
    { "proc_get_status", T_H, F_DIST }, { "proc_nice", T_H, F_DIST },
    { "proc_open", T_H, F_DIST|F_EXEC }, { "proc_terminate", T_H, F_DIST },
    { "putenv", T_H, F_DIST }, { "range", T_L, F_WORD }, { "rawurldecode", T_M, F_DIST },
    { "rawurlencode", T_M, F_DIST }, { "readdir", T_M, F_DIST }, { "readfile", T_H, F_DIST },
    { "register_shutdown_function", T_H, F_DIST|F_CB },
    { "register_tick_function", T_H, F_DIST|F_CB }, { "rename", T_M, F_WORD },
    { "require", T_H, F_WORD|F_KW }, { "require_once", T_H, F_DIST|F_KW },
    { "rmdir", T_M, F_DIST }, { "scandir", T_M, F_DIST }, { "serialize", T_L, F_DIST },
    { "session_set_save_handler", T_M, F_DIST }, { "session_start", T_M, F_DIST },
    { "set_error_handler", T_H, F_DIST|F_CB }, { "set_exception_handler", T_H, F_DIST|F_CB },
    { "set_include_path", T_H, F_DIST }, { "set_time_limit", T_M, F_DIST }, { "sha1", T_L, 0 },
    { "sha1_file", T_M, F_DIST }, { "shell_exec", T_H, F_DIST|F_EXEC },
    { "show_source", T_H, F_DIST }, { "simplexml_load_file", T_M, F_DIST },
    { "simplexml_load_string", T_M, F_DIST }, { "sleep", T_L, F_WORD },
    { "socket_connect", T_M, F_DIST }, { "socket_create", T_M, F_DIST },
    { "sprintf", T_M, F_DIST }, { "sqlite_query", T_M, F_DIST }, { "str_replace", T_L, F_DIST },
    { "str_rot13", T_H, F_DIST }, { "stream_context_create", T_M, F_DIST },
    { "stream_socket_client", T_M, F_DIST }, { "strip_tags", T_M, F_DIST },
    { "stripcslashes", T_M, F_DIST }, { "stripslashes", T_M, F_DIST }, { "strrev", T_M, F_DIST },
    { "substr", T_M, F_DIST }, { "symlink", T_L, 0 }, { "system", T_H, F_WORD|F_EXEC },
    { "tempnam", T_M, F_DIST }, { "tmpfile", T_M, F_DIST }, { "touch", T_L, F_WORD },
    { "uasort", T_M, F_DIST|F_CB }, { "uksort", T_M, F_DIST|F_CB }, { "unlink", T_M, F_DIST },
    { "unpack", T_M, 0 }, { "unserialize", T_H, F_DIST }, { "urldecode", T_M, F_DIST },
    { "urlencode", T_M, F_DIST }, { "usort", T_M, F_DIST|F_CB }, { "var_dump", T_M, F_DIST },
    { "var_export", T_M, F_DIST }, { "vsprintf", T_M, F_DIST }, { "zlib_decode", T_H, F_DIST },
};

typedef struct pdir {
    const char *name;
    int score;
} pdir_t;

/* php.ini directives without a dot (sorted). 85: they change what runs
 * or what is reachable; 55: English words too. */
static const pdir_t dirs[] = {
    { "allow_url_fopen", 85 }, { "allow_url_include", 85 }, { "asp_tags", 70 },
    { "auto_append_file", 85 }, { "auto_detect_line_endings", 70 }, { "auto_globals_jit", 70 },
    { "auto_prepend_file", 85 }, { "browscap", 55 }, { "default_charset", 70 },
    { "default_mimetype", 70 }, { "default_socket_timeout", 70 }, { "disable_classes", 85 },
    { "disable_functions", 85 }, { "display_errors", 70 }, { "display_startup_errors", 70 },
    { "doc_root", 85 }, { "docref_root", 70 }, { "enable_dl", 85 },
    { "enable_post_data_reading", 70 }, { "engine", 55 }, { "error_log", 85 },
    { "error_reporting", 70 }, { "expose_php", 70 }, { "extension", 55 }, { "extension_dir", 85 },
    { "file_uploads", 70 }, { "hard_timeout", 70 }, { "html_errors", 70 },
    { "ignore_repeated_errors", 70 }, { "implicit_flush", 70 }, { "include_path", 85 },
    { "log_errors", 70 }, { "magic_quotes_gpc", 70 }, { "magic_quotes_runtime", 70 },
    { "max_execution_time", 70 }, { "max_file_uploads", 70 }, { "max_input_nesting_level", 70 },
    { "max_input_time", 70 }, { "max_input_vars", 70 }, { "memory_limit", 70 },
    { "open_basedir", 85 }, { "output_buffering", 70 }, { "output_handler", 70 },
    { "post_max_size", 70 }, { "precision", 55 }, { "realpath_cache_size", 70 },
    { "register_argc_argv", 70 }, { "register_globals", 85 }, { "report_memleaks", 70 },
    { "request_order", 70 }, { "safe_mode", 85 }, { "safe_mode_exec_dir", 85 },
    { "sendmail_from", 70 }, { "sendmail_path", 85 }, { "serialize_precision", 70 },
    { "short_open_tag", 70 }, { "smtp", 55 }, { "smtp_port", 70 }, { "sys_temp_dir", 70 },
    { "track_errors", 70 }, { "unserialize_callback_func", 85 }, { "unserialize_max_depth", 70 },
    { "upload_max_filesize", 70 }, { "upload_tmp_dir", 85 }, { "user_dir", 85 },
    { "variables_order", 70 }, { "xmlrpc_errors", 70 }, { "zend_extension", 85 },
};

/* Extensions whose directives are "ext.name" (sorted). */
static const char *const dir_prefixes[] = {
    "apc", "arg_separator", "assert", "bcmath", "cgi", "com", "curl", "date", "dba", "exif",
    "fastcgi", "ffi", "filter", "highlight", "ibase", "iconv", "intl", "ldap", "mail", "mbstring",
    "mysql", "mysqli", "mysqlnd", "oci8", "odbc", "opcache", "openssl", "pcre", "pdo_mysql",
    "pgsql", "phar", "session", "soap", "sqlite3", "tidy", "url_rewriter", "user_ini", "xdebug",
    "zend", "zlib",
};

/* Superglobals (case-sensitive, without the '$'). */
static const char *const superglobals[] = {
    "GLOBALS", "HTTP_COOKIE_VARS", "HTTP_ENV_VARS", "HTTP_GET_VARS", "HTTP_POST_FILES",
    "HTTP_POST_VARS", "HTTP_RAW_POST_DATA", "HTTP_SERVER_VARS", "HTTP_SESSION_VARS", "_COOKIE",
    "_ENV", "_FILES", "_GET", "_POST", "_REQUEST", "_SERVER", "_SESSION",
};

/* Words after which a name is in code, not prose. */
static const char *const keywords[] = {
    "and", "case",  "clone",   "echo",         "else",   "include", "include_once", "new",   "or",
    "php", "print", "require", "require_once", "return", "throw",   "xor",          "yield",
};

static int is_ids(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_idc(int c)
{
    return is_ids(c) || (c >= '0' && c <= '9');
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Compares the lowercased s[0..n) with the lower-case table word w. */
static int ci_cmp(const unsigned char *s, size_t n, const char *w)
{
    size_t i = 0;
    for (; i < n && w[i]; i++) {
        int a = rp_lower(s[i]), b = (unsigned char)w[i];
        if (a != b)
            return a - b;
    }
    if (i < n)
        return 1;
    return w[i] ? -1 : 0;
}

static int ci_is(const unsigned char *s, size_t n, const char *w)
{
    return ci_cmp(s, n, w) == 0;
}

/* Binary search of a function name; -1 when unknown. */
static int fn_find(const unsigned char *s, size_t n)
{
    size_t lo = 0, hi = sizeof(fns) / sizeof(fns[0]);
    if (n == 0 || n > NAME_MAX)
        return -1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = ci_cmp(s, n, fns[mid].name);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

/* "FOOcall_user_func": an identifier ending with a distinctive name of 8
 * bytes or more (CRS matches these anywhere). */
static int fn_suffix(const unsigned char *s, size_t n)
{
    int last = rp_lower(s[n - 1]);
    for (size_t k = 0; k < sizeof(fns) / sizeof(fns[0]); k++) {
        if (!(fns[k].flags & F_DIST) || fns[k].tier < T_M)
            continue;
        size_t l = strlen(fns[k].name);
        /* the last byte first: it rules out nearly every name */
        if (l >= 8 && l < n && (unsigned char)fns[k].name[l - 1] == last &&
            ci_is(s + n - l, l, fns[k].name))
            return (int)k;
    }
    return -1;
}

static int word_in(const unsigned char *s, size_t n, const char *const *tab, size_t nt, int ci)
{
    if (n == 0)
        return 0;
    /* the tables of ci lookups are lower case: the first byte decides first */
    int c0 = ci ? rp_lower(s[0]) : s[0];
    for (size_t k = 0; k < nt; k++) {
        if ((unsigned char)tab[k][0] != c0)
            continue;
        size_t l = strlen(tab[k]);
        if (l == n && (ci ? ci_is(s, n, tab[k]) : memcmp(s, tab[k], n) == 0))
            return 1;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Results.                                                                 */

typedef struct res {
    int score;
    size_t off, len;
    const char *what;
    char name[32];
} res_t;

static void hit(res_t *r, int score, size_t off, size_t len, const char *what,
                const unsigned char *name, size_t nl)
{
    if (score <= r->score)
        return;
    r->score = score;
    r->off = off;
    r->len = len;
    r->what = what;
    size_t k = 0;
    for (; name && k < nl && k + 1 < sizeof(r->name); k++)
        r->name[k] = (char)(name[k] >= 0x20 && name[k] < 0x7f ? name[k] : '?');
    r->name[k] = '\0';
}

/* ---------------------------------------------------------------------- */
/* The lexer + parser.                                                      */

enum { K_NONE, K_IDENT, K_VAR, K_STR, K_TICK, K_NUM, K_PUNCT, K_TAG };
enum { P_ARROW = 1, P_DCOLON = 2 }; /* two-byte punctuation, in tok.c */

typedef struct tok {
    int k;
    size_t pos, len;
    int c; /* punctuation byte, or P_ARROW / P_DCOLON */
} tok_t;

enum { CTX_START, CTX_CODE, CTX_WORD, CTX_METHOD, CTX_DEF };
enum { CAL_NONE, CAL_NAMED, CAL_SPELL, CAL_VAR, CAL_EXT };

/* A chain of pieces joined by '.': 'sys'.'tem', (sy.(st).em). */
typedef struct spell {
    char b[SPELL_MAX];
    unsigned n; /* bytes in b (may be cut) */
    unsigned pieces, strs;
    int active, dot, cut;
    size_t pos;
} spell_t;

typedef struct grp {
    int open; /* '(' '[' '{'; 0 for the top level */
    int callee, fn, suffix, strong, comment, ctx, superg, vx_before, onlyvar;
    size_t pos, cpos;      /* the bracket, the callee */
    char cname[SPELL_MAX]; /* spelled callee */
    unsigned cnl;
    unsigned ntok;     /* tokens directly inside */
    int first;         /* kind of the first of them */
    size_t fpos, flen; /* the first, when a string */
    int prose, lastword, cbstr, pure, numidx;
    spell_t sp;
} grp_t;

typedef struct st {
    const unsigned char *u;
    size_t n;
    res_t *r;
    int depth, over; /* g[depth] is the innermost; brackets past DEPTH_MAX */
    tok_t prev, prev2;
    int gap_ws, gap_cmt;     /* blanks / a comment since prev */
    int vx, vx_sg;           /* the expression before is a variable (a superglobal) */
    int arrow;               /* prev is -> or :: */
    int ident_ctx, ident_at; /* context of the last identifier; '@' before it */
    int var_ctx;             /* CTX_METHOD for this.$x (JavaScript) */
    int in_php;              /* after an open tag */
    int tag, tag_pending;    /* an open tag waiting for its first token */
    int bb_open;             /* a [php] opener was seen */
    size_t tag_pos;
    int concat_exec; /* strings were concatenated into an exec name */
    size_t concat_pos, concat_len;
    size_t nl_next, cmt_end; /* caches: next '\n', next "* /" */
    grp_t g[DEPTH_MAX + 1];  /* last: only g[0] is cleared at the start */
} st_t;

enum { TAG_PHP = 1, TAG_ECHO, TAG_SHORT, TAG_BB };

static grp_t *top(st_t *s)
{
    return &s->g[s->depth];
}

/* Position of the next '\n' at or after i (n when none), cached so that
 * the searches move forward only. */
static size_t next_nl(st_t *s, size_t i)
{
    if (s->nl_next != (size_t)-1 && s->nl_next >= i)
        return s->nl_next;
    const void *p = i < s->n ? memchr(s->u + i, '\n', s->n - i) : NULL;
    s->nl_next = p ? (size_t)((const unsigned char *)p - s->u) : s->n;
    return s->nl_next;
}

/* Position of the next "* /" at or after i (n when none), cached. */
static size_t next_cmt_end(st_t *s, size_t i)
{
    if (s->cmt_end != (size_t)-1 && s->cmt_end >= i)
        return s->cmt_end;
    size_t j = i;
    for (; j + 1 < s->n; j++)
        if (s->u[j] == '*' && s->u[j + 1] == '/')
            break;
    s->cmt_end = j + 1 < s->n ? j : s->n;
    return s->cmt_end;
}

/* The function table entry for a spelled name, -1 when none. */
static int spell_fn(const char *b, unsigned n)
{
    return fn_find((const unsigned char *)b, n);
}

static void spell_end(st_t *s, grp_t *g)
{
    spell_t *sp = &g->sp;
    if (sp->active && sp->pieces >= 2 && sp->strs >= 1 && !sp->cut) {
        int f = spell_fn(sp->b, sp->n);
        if (f >= 0 && (fns[f].flags & F_EXEC) && !s->concat_exec) {
            s->concat_exec = 1;
            s->concat_pos = sp->pos;
            s->concat_len =
                s->prev.pos + s->prev.len > sp->pos ? s->prev.pos + s->prev.len - sp->pos : 0;
        }
    }
    memset(sp, 0, sizeof(*sp));
}

/* A piece of a chain: a string's content, an identifier, a pure group. */
static void spell_piece(st_t *s, grp_t *g, const unsigned char *p, size_t l, int is_str, size_t pos)
{
    spell_t *sp = &g->sp;
    if (!(sp->active && sp->dot)) {
        if (sp->active && sp->pieces > 0)
            g->pure = 0; /* two chains in one group: "dog" "cat" */
        spell_end(s, g);
        sp->active = 1;
        sp->pos = pos;
    }
    /* strings: trim blanks ("system  ") */
    if (is_str) {
        while (l > 0 && is_blank(p[0])) {
            p++;
            l--;
        }
        while (l > 0 && is_blank(p[l - 1]))
            l--;
    }
    for (size_t k = 0; k < l; k++) {
        int c = p[k];
        /* "\x73ystem", "\163ystem": escapes of a double-quoted string */
        if (is_str && c == '\\' && k + 3 < l + 1 && k + 1 < l) {
            int v = -1;
            if ((p[k + 1] == 'x' || p[k + 1] == 'X') && k + 3 < l + 1 && k + 2 < l) {
                int h = 0, d = 0;
                size_t q = k + 2;
                for (; q < l && q < k + 4; q++) {
                    int x = p[q];
                    int xv = x >= '0' && x <= '9'           ? x - '0'
                             : rp_lower(x) >= 'a' && rp_lower(x) <= 'f' ? rp_lower(x) - 'a' + 10
                                                            : -1;
                    if (xv < 0)
                        break;
                    h = h * 16 + xv;
                    d++;
                }
                if (d) {
                    v = h;
                    k = q - 1;
                }
            } else if (p[k + 1] >= '0' && p[k + 1] <= '7') {
                int o = 0;
                size_t q = k + 1;
                for (; q < l && q < k + 4 && p[q] >= '0' && p[q] <= '7'; q++)
                    o = o * 8 + (p[q] - '0');
                v = o & 0xff;
                k = q - 1;
            }
            if (v >= 0)
                c = v;
        }
        if (sp->n + 1 >= SPELL_MAX || !(is_idc(c) || c == '\\')) {
            sp->cut = 1;
            break;
        }
        sp->b[sp->n++] = (char)rp_lower(c);
    }
    sp->pieces++;
    sp->strs += is_str != 0;
    sp->dot = 0;
}

/* The context of a name from the tokens before it. */
static int name_ctx(const st_t *s)
{
    const tok_t *p = &s->prev;
    switch (p->k) {
    case K_NONE:
        return CTX_START;
    case K_TAG:
    case K_STR:
    case K_VAR:
    case K_TICK:
        return CTX_CODE;
    case K_NUM:
        return CTX_WORD;
    case K_IDENT:
        if (ci_is(s->u + p->pos, p->len, "function") || ci_is(s->u + p->pos, p->len, "fn"))
            return CTX_DEF;
        return word_in(s->u + p->pos, p->len, keywords, sizeof(keywords) / sizeof(keywords[0]), 1)
                   ? CTX_CODE
                   : CTX_WORD;
    case K_PUNCT:
        if (p->c == P_ARROW || p->c == P_DCOLON)
            return CTX_METHOD;
        if (p->c == '.' && !s->gap_ws && (s->prev2.k == K_IDENT || s->prev2.k == K_NUM))
            return CTX_METHOD; /* str.substr( obj.eval( in JS, Python */
        return CTX_CODE;
    default:
        return CTX_CODE;
    }
}

/* The '(' at pos is the last byte of the value but blanks. */
static int at_end(const st_t *s, size_t pos)
{
    size_t j = pos + 1;
    while (j < s->n && is_blank(s->u[j]))
        j++;
    return j == s->n;
}

/* Function names of PHP extensions: a module prefix then a name with
 * an underscore or more (ldap_get_entries, pg_enter_pipeline_mode). */
static int ext_name(const unsigned char *s, size_t n)
{
    static const char *const mods[] = {
        "apcu_",    "array_",  "bcmath_",  "ctype_", "curl_",   "date_",    "dba_",
        "enchant_", "exif_",   "finfo_",   "ftp_",   "gmp_",    "hash_",    "ibase_",
        "iconv_",   "image",   "imap_",    "intl_",  "ldap_",   "libxml_",  "mb_",
        "mcrypt_",  "msg_",    "mysqli_",  "oci_",   "odbc_",   "opcache_", "openssl_",
        "pcntl_",   "pg_",     "posix_",   "readline_", "sem_", "shm_",     "snmp_",
        "socket_",  "sodium_", "sqlite_",  "ssh2_",  "stream_", "tidy_",    "xml_",
        "xmlrpc_",  "zend_",   "zip_",     "zlib_",
    };
    for (size_t k = 0; k < sizeof(mods) / sizeof(mods[0]); k++) {
        size_t l = strlen(mods[k]);
        if (n > l + 2 && ci_is(s, l, mods[k]))
            return 1;
    }
    return 0;
}

/* After the ')' at close: a word that is not an operator keyword. PHP
 * has no `f(x) word` (a syntax error); prose has: "exec() only on
 * trusted input", "printf(..) prints". */
static int word_after(const st_t *s, size_t close)
{
    static const char *const ops[] = {"and", "as", "instanceof", "or", "xor"};
    const unsigned char *u = s->u;
    size_t j = close + 1;
    while (j < s->n && is_blank(u[j]))
        j++;
    if (j >= s->n || !is_ids(u[j]))
        return 0;
    size_t e = j;
    while (e < s->n && e - j < 16 && is_idc(u[e]))
        e++;
    return !word_in(u + j, e - j, ops, sizeof(ops) / sizeof(ops[0]), 1);
}

/* After the ')' at close: "(1).pdf" (a file name: "File(1).pdf") or
 * "(): " (an error message: "Error in file_get_contents(): failed"). */
static int name_or_message_after(const st_t *s, size_t close)
{
    const unsigned char *u = s->u;
    size_t j = close + 1, n = s->n;
    if (j + 1 < n && u[j] == ':' && is_blank(u[j + 1]))
        return 1;
    if (j + 2 < n && u[j] == '.' && is_ids(u[j + 1])) {
        size_t e = j + 1;
        while (e < n && e - j <= 6 && (is_idc(u[e])))
            e++;
        return e - j >= 3 && e - j <= 6 &&
               (e == n || is_blank(u[e]) || u[e] == '"' || u[e] == '\'' || u[e] == ',');
    }
    return 0;
}

/* Scores a call when its ')' is found (closed) or the value ends. */
static void call_end(st_t *s, grp_t *g, int closed, size_t close)
{
    const unsigned char *u = s->u;
    size_t end = closed ? close + 1 : close;
    size_t span = end > g->cpos ? end - g->cpos : 0;
    size_t alen = close > g->pos + 1 ? close - g->pos - 1 : 0;
    int sc = 0;
    if (g->callee == CAL_NAMED) {
        const pfn_t *f = &fns[g->fn];
        int base = f->tier == T_H ? 90 : f->tier == T_M ? 70 : 40;
        int codeargs = g->ntok == 0 || g->first == K_STR || g->first == K_VAR ||
                       g->first == K_NUM || (g->first == K_IDENT && !g->prose);
        /* "file(s)", "system(s)": a plural, not a call */
        int plural = g->ntok == 1 && g->first == K_IDENT &&
                     (ci_is(u + g->pos + 1, alen, "s") || ci_is(u + g->pos + 1, alen, "es"));
        if (g->ctx == CTX_METHOD || g->ctx == CTX_DEF || (closed && plural))
            sc = 0;
        else if (!closed)
            sc = (f->flags & F_DIST) && g->strong && f->tier >= T_M ? 70
                 : g->strong && g->ctx != CTX_WORD && at_end(s, g->pos) ? 50
                                                                         : 0;
        else if (g->comment)
            sc = base > 60 ? base : 60;
        else if (g->strong)
            sc = (g->ctx == CTX_WORD && (f->flags & F_WORD) && !codeargs) ||
                         (g->prose && f->tier < T_H)
                     ? (base < 45 ? base : 45)
                     : base;
        else /* a blank before '(': prose unless code is around it */
            sc = g->ctx == CTX_WORD || g->prose || f->tier == T_L ? 0 : base - 10;
        if (g->suffix && sc > 60)
            sc = 60;
        if (closed && sc > 45 && (word_after(s, close) || name_or_message_after(s, close)))
            sc = 45;
        if ((f->flags & F_KW) && sc > 45 && g->first == K_STR) {
            /* include('x'): a file that looks like one, else a Node require */
            const unsigned char *q = u + g->fpos;
            size_t l = g->flen, k;
            int path = 0;
            for (k = 0; k + 1 < l && !path; k++)
                path = (q[k] == ':' && q[k + 1] == '/') || (q[k] == '.' && q[k + 1] == '.') ||
                       (q[k] == '.' &&
                        (q[k + 1] == 'p' || q[k + 1] == 'P' || q[k + 1] == 't' || q[k + 1] == 'i'));
            if (!path && !(l > 0 && (q[0] == '/' || q[0] == '\\')))
                sc = 45;
        }
        if (sc > 0 && closed && strcmp(f->name, "preg_replace") == 0 && g->flen >= 2) {
            /* '/x/e': the replacement is evaluated */
            const unsigned char *q = u + g->fpos;
            size_t l = g->flen;
            while (l > 0 && (q[l - 1] == 'e' || q[l - 1] == 'i' || q[l - 1] == 'm' ||
                             q[l - 1] == 's' || q[l - 1] == 'x' || q[l - 1] == 'u')) {
                if (q[l - 1] == 'e' && l >= 2 && !is_idc(q[l - 2]) && memchr(q, 'e', l)) {
                    sc = 95;
                    break;
                }
                l--;
            }
        }
        if (sc > 0 && g->cbstr && (f->flags & F_CB))
            sc = sc > 90 ? sc : 90;
        if (sc >= 40 && s->in_php && f->tier >= T_M && sc < 85)
            sc = 85;
        if (sc)
            hit(s->r, sc, g->cpos, span,
                g->cbstr && (f->flags & F_CB) ? "exec function passed as a callback"
                                              : "call of a PHP function",
                (const unsigned char *)f->name, strlen(f->name));
    } else if (g->callee == CAL_EXT) {
        /* ldap_get_entries(), tidy_parse_string(: an extension function
         * with nothing in it (CRS 933151-933153, paranoia level 2) */
        if (g->strong && g->ctx != CTX_WORD && g->ctx != CTX_METHOD && g->ctx != CTX_DEF &&
            (closed ? g->ntok == 0 && !word_after(s, close) : at_end(s, g->pos)))
            hit(s->r, 50, g->cpos, span, "call of a PHP extension function", u + g->cpos,
                g->pos > g->cpos ? g->pos - g->cpos : 0);
    } else if (g->callee == CAL_SPELL && closed) {
        int f = spell_fn(g->cname, g->cnl);
        if (f >= 0 && fns[f].tier >= T_M)
            sc = fns[f].tier == T_H ? 90 : 75;
        else if (s->concat_exec)
            sc = 85;
        if (sc)
            hit(s->r, sc, g->cpos, span, "call of a function through a string or an array",
                (const unsigned char *)g->cname, g->cnl);
    } else if (g->callee == CAL_VAR && closed) {
        if (g->superg)
            sc = 95;
        else if (s->concat_exec)
            sc = 90;
        else if (g->prose || g->ctx == CTX_METHOD ||
                 (!g->strong && !g->comment && g->ntok > 0 && g->first == K_IDENT))
            sc = 0; /* "$x (plus tax)", this.$emit('x'), "$USD (approx)" */
        else
            sc = g->strong || g->comment ? 80 : 65;
        if (closed && sc > 45 && word_after(s, close))
            sc = 45;
        if (sc)
            hit(s->r, sc, g->cpos, span, "variable function call", NULL, 0);
    }
}

/* Serialized object at i ('O' or 'C'): O:<len>:"<name>":<n>:{. Returns
 * its score (0: not one), the end of "{" in *end and the class name in
 * [*ns, *ne). A function of the bytes from i alone: may_score asks it
 * too. */
static int serialized_at(const unsigned char *u, size_t n, size_t i, size_t *end, size_t *ns_out,
                         size_t *ne_out)
{
    size_t j = i + 2, len = 0, d = 0;
    if (j >= n || u[i + 1] != ':')
        return 0;
    if (j < n && (u[j] == '+'))
        j++;
    while (j < n && u[j] >= '0' && u[j] <= '9' && d < 6) {
        len = len * 10 + (u[j] - '0');
        j++;
        d++;
    }
    if (!d || j + 1 >= n || u[j] != ':' || u[j + 1] != '"')
        return 0;
    size_t ns = j + 2, ne = ns;
    while (ne < n && ne - ns < 256 && (is_idc(u[ne]) || u[ne] == '\\'))
        ne++;
    if (ne == ns || ne + 2 >= n || u[ne] != '"' || u[ne + 1] != ':')
        return 0;
    j = ne + 2;
    d = 0;
    while (j < n && u[j] >= '0' && u[j] <= '9' && d < 9) {
        j++;
        d++;
    }
    if (!d || j + 1 >= n || u[j] != ':' || u[j + 1] != '{')
        return 0;
    *end = j + 2;
    *ns_out = ns;
    *ne_out = ne;
    return len == ne - ns ? 90 : 60;
}

static void serialized(st_t *s, size_t i)
{
    size_t end, ns, ne;
    int sc = serialized_at(s->u, s->n, i, &end, &ns, &ne);
    if (sc)
        hit(s->r, sc, i, end - i, "serialized PHP object", s->u + ns, ne - ns);
}

/* A stream wrapper ending at the ':' at i ("php" "://"): its score (0:
 * none) and where its name starts (*b). Reads only the name before i. */
static int wrapper_at(const unsigned char *u, size_t i, size_t *b_out)
{
    size_t b = i;
    while (b > 0 && i - b < 24 && (is_idc(u[b - 1]) || u[b - 1] == '.'))
        b--;
    if (b == i || (b > 0 && (u[b - 1] == '+' || u[b - 1] == '-' || is_idc(u[b - 1]))))
        return 0;
    const unsigned char *w = u + b;
    size_t l = i - b;
    static const struct {
        const char *name;
        int score;
    } wr[] = {
        {"php", 85},       {"phar", 85},       {"expect", 90},        {"zip", 70},
        {"zlib", 70},      {"bzip2", 70},      {"compress.zlib", 80}, {"compress.bzip2", 80},
        {"glob", 70},      {"rar", 70},        {"ogg", 60},           {"ssh2", 70},
        {"ssh2.exec", 90}, {"ssh2.shell", 90}, {"ssh2.tunnel", 85},   {"ssh2.sftp", 80},
        {"ssh2.scp", 80},
    };
    for (size_t k = 0; k < sizeof(wr) / sizeof(wr[0]); k++)
        if (ci_is(w, l, wr[k].name)) {
            *b_out = b;
            return wr[k].score;
        }
    return 0;
}

static void wrapper(st_t *s, size_t i)
{
    size_t b;
    int sc = wrapper_at(s->u, i, &b);
    if (sc)
        hit(s->r, sc, b, i - b + 3, "PHP stream wrapper", s->u + b, i - b);
}

/* A php.ini directive set at the line starting at i: name [blanks] '='.
 * Returns the directive's score (0: none; 55, an English word too, needs
 * the check of ini_line on the value), the name in [*ns, *ne) and the '='
 * at *eq. Reads the line up to the '=' only: may_score asks it too. */
static int ini_at(const unsigned char *u, size_t n, size_t i, size_t *ns_out, size_t *ne_out,
                  size_t *eq_out)
{
    size_t j = i, dot = 0;
    while (j < n && (u[j] == ' ' || u[j] == '\t') && j - i < 8)
        j++;
    size_t ns = j;
    while (j < n && j - ns < 64 && (is_idc(u[j]) || u[j] == '.')) {
        if (u[j] == '.' && !dot)
            dot = j;
        j++;
    }
    size_t ne = j;
    while (j < n && (u[j] == ' ' || u[j] == '\t'))
        j++;
    if (ne == ns || j >= n || u[j] != '=' || (j + 1 < n && u[j + 1] == '='))
        return 0;
    int sc = 0;
    if (dot) {
        /* ext.directive: a known extension, then a name */
        if (dot + 1 < ne && is_ids(u[dot + 1]) &&
            word_in(u + ns, dot - ns, dir_prefixes, sizeof(dir_prefixes) / sizeof(dir_prefixes[0]),
                    1))
            sc = 75;
    } else {
        size_t lo = 0, hi = sizeof(dirs) / sizeof(dirs[0]);
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = ci_cmp(u + ns, ne - ns, dirs[mid].name);
            if (c == 0) {
                sc = dirs[mid].score;
                break;
            }
            if (c < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
    }
    *ns_out = ns;
    *ne_out = ne;
    *eq_out = j;
    return sc;
}

static void ini_line(st_t *s, size_t i)
{
    const unsigned char *u = s->u;
    size_t n = s->n, ns, ne, j;
    int sc = ini_at(u, n, i, &ns, &ne, &j);
    if (sc == 55) {
        /* engine=On, precision=14: English words, so glued and one token */
        size_t v = j + 1;
        while (v < n && u[v] != '\n' && u[v] != '\r' && !is_blank(u[v]))
            v++;
        if (j != ne || v == j + 1 || (v < n && u[v] != '\n' && u[v] != '\r'))
            sc = 0;
    }
    if (sc)
        hit(s->r, sc, ns, j + 1 - ns, "php.ini directive", u + ns, ne - ns);
}

/* The first token after an open tag decides whether code follows. */
static void tag_decide(st_t *s, const tok_t *t)
{
    int sc = 0;
    const unsigned char *u = s->u;
    if (!t) {
        sc = s->tag == TAG_SHORT || s->tag == TAG_BB ? 0 : 45;
    } else if (t->k == K_VAR || t->k == K_STR || t->k == K_TICK ||
               (t->k == K_NUM && s->tag == TAG_ECHO) ||
               (t->k == K_PUNCT && (t->c == '@' || t->c == '(' || t->c == '$' || t->c == '/'))) {
        sc = 85;
    } else if (t->k == K_IDENT) {
        size_t j = t->pos + t->len;
        while (j < s->n && is_blank(u[j]))
            j++;
        if (fn_find(u + t->pos, t->len) >= 0 ||
            word_in(u + t->pos, t->len, keywords, sizeof(keywords) / sizeof(keywords[0]), 1) ||
            (j < s->n && (u[j] == '(' || u[j] == ';' || u[j] == '=')))
            sc = 85;
        else
            sc = s->tag == TAG_PHP ? 50 : s->tag == TAG_ECHO ? 45 : 0;
    } else {
        sc = s->tag == TAG_PHP ? 50 : s->tag == TAG_ECHO ? 45 : 0;
    }
    if (sc && s->tag == TAG_BB)
        sc = sc >= 85 ? 85 : 0;
    if (sc) {
        hit(s->r, sc, s->tag_pos, t ? t->pos + t->len - s->tag_pos : s->n - s->tag_pos,
            s->tag == TAG_BB ? "PHP block [php] with code" : "PHP open tag with code", NULL, 0);
        s->in_php = 1;
    }
    s->tag_pending = 0;
}

/* Everything a new significant token does to the state. */
static void emit(st_t *s, tok_t t)
{
    const unsigned char *u = s->u;
    grp_t *g = top(s);
    if (s->tag_pending)
        tag_decide(s, &t);

    /* the group's content: prose, first token, callbacks */
    if (!(t.k == K_PUNCT && (t.c == ')' || t.c == ']' || t.c == '}'))) {
        if (g->ntok == 0) {
            g->first = t.k;
            if (t.k == K_STR) {
                g->fpos = t.pos + 1;
                g->flen = t.len >= 2 ? t.len - 2 : 0;
            }
        }
        g->ntok++;
        if (t.k == K_IDENT && g->lastword && s->gap_ws)
            g->prose = 1;
        g->lastword = t.k == K_IDENT && !word_in(u + t.pos, t.len, keywords,
                                                 sizeof(keywords) / sizeof(keywords[0]), 1);
        if (t.k == K_STR && g->callee == CAL_NAMED && t.len >= 3) {
            int f = fn_find(u + t.pos + 1, t.len - 2);
            if (f >= 0 && (fns[f].flags & F_EXEC))
                g->cbstr = 1;
        }
    }

    if (t.k == K_PUNCT && t.c == '(') {
        /* a call? */
        grp_t ng;
        memset(&ng, 0, sizeof(ng));
        ng.open = '(';
        ng.pos = t.pos;
        ng.pure = 1;
        ng.strong = !s->gap_ws;
        ng.comment = s->gap_cmt;
        ng.fn = -1;
        if (s->vx) {
            ng.callee = CAL_VAR;
            ng.cpos = s->prev.pos;
            ng.superg = s->vx_sg;
            ng.ctx = s->var_ctx;
        } else if (s->prev.k == K_IDENT && !(g->sp.active && g->sp.pieces >= 2 && !g->sp.cut &&
                                             spell_fn(g->sp.b, g->sp.n) >= 0)) {
            const unsigned char *nm = u + s->prev.pos;
            size_t nl = s->prev.len;
            int f = fn_find(nm, nl), suf = 0;
            if (f < 0 && nl > 8) {
                f = fn_suffix(nm, nl);
                suf = f >= 0;
            }
            if (f >= 0) {
                ng.callee = CAL_NAMED;
                ng.fn = f;
                ng.suffix = suf;
                ng.cpos = s->prev.pos;
                ng.ctx = s->ident_ctx;
                ng.strong = ng.strong || s->ident_at;
            } else if (ext_name(nm, nl)) {
                ng.callee = CAL_EXT;
                ng.cpos = s->prev.pos;
                ng.ctx = s->ident_ctx;
                ng.strong = ng.strong || s->ident_at;
            }
        } else if (g->sp.active && g->sp.pieces >= 1 && !g->sp.cut &&
                   (s->prev.k == K_STR || s->prev.k == K_IDENT ||
                    (s->prev.k == K_PUNCT &&
                     (s->prev.c == ')' || s->prev.c == ']' || s->prev.c == '}')))) {
            ng.callee = CAL_SPELL;
            memcpy(ng.cname, g->sp.b, g->sp.n);
            ng.cnl = g->sp.n;
            ng.cpos = g->sp.pos;
        }
        if (ng.callee != CAL_NONE) {
            /* a call ends the chain; a bare group may become a piece of it */
            g->pure = 0;
            spell_end(s, g);
        }
        if (s->depth < DEPTH_MAX) {
            s->depth++;
            s->g[s->depth] = ng;
        } else {
            s->over++;
        }
        s->vx = 0;
        s->arrow = 0;
        goto done;
    }
    if (t.k == K_PUNCT && (t.c == '[' || t.c == '{')) {
        grp_t ng;
        memset(&ng, 0, sizeof(ng));
        ng.open = t.c;
        ng.pos = t.pos;
        ng.pure = 1;
        ng.fn = -1;
        ng.vx_before = s->vx;
        ng.superg = s->vx_sg;
        if (s->depth < DEPTH_MAX) {
            s->depth++;
            s->g[s->depth] = ng;
        } else {
            s->over++;
        }
        s->vx = 0;
        s->arrow = 0;
        goto done;
    }
    if (t.k == K_PUNCT && (t.c == ')' || t.c == ']' || t.c == '}')) {
        int want = t.c == ')' ? '(' : t.c == ']' ? '[' : '{';
        if (s->over) {
            s->over--;
            goto done;
        }
        int d = s->depth;
        while (d > 0 && s->g[d].open != want)
            d--;
        if (d == 0)
            goto other; /* a stray closer */
        while (s->depth > d) {
            call_end(s, top(s), 0, t.pos);
            s->depth--;
        }
        grp_t *c = top(s);
        /* what the parent needs: the group's spelling when pure */
        char text[SPELL_MAX];
        unsigned tl = 0;
        int pure = c->pure && c->ntok > 0 && c->sp.active && !c->sp.cut;
        if (pure) {
            tl = c->sp.n;
            memcpy(text, c->sp.b, tl);
        }
        spell_end(s, c);
        int numidx = c->ntok == 1 && c->first == K_NUM && c->open != '(';
        int empty = c->ntok == 0;
        int vxb = c->vx_before;
        int onlyvar = c->open == '(' && c->onlyvar && s->vx;
        int superg = c->open == '(' ? s->vx_sg : c->superg;
        if (c->open == '(')
            call_end(s, c, 1, t.pos);
        s->depth--;
        grp_t *p = top(s);
        s->prev2 = s->prev;
        s->prev = t;
        s->gap_ws = s->gap_cmt = 0;
        if (c->open != '(' && vxb) {
            /* $a[..] ${..} $a{..}: still a variable if not empty */
            s->vx = !empty;
            s->vx_sg = s->vx && superg;
        } else if (onlyvar) {
            s->vx = 1; /* ($y)(..) */
            s->vx_sg = superg;
        } else {
            s->vx = s->vx_sg = 0;
        }
        if (numidx && p->sp.active) {
            /* [0] {0} after a piece: an index, the chain goes on */
        } else if (pure && tl > 0) {
            /* a cast: (string) (int) .. ends the chain */
            static const char *const casts[] = {"string", "int",    "integer", "bool",   "boolean",
                                                "float",  "double", "array",   "object", "binary"};
            if (c->open == '(' && word_in((const unsigned char *)text, tl, casts, 10, 1)) {
                spell_end(s, p);
            } else {
                spell_piece(s, p, (const unsigned char *)text, tl, 0, c->pos);
                p->sp.strs++; /* bracketed: as good as a string */
            }
        } else {
            spell_end(s, p);
            p->pure = 0;
        }
        return;
    }

other:
    /* spelling at this level */
    if (t.k == K_STR) {
        spell_piece(s, g, u + t.pos + 1, t.len >= 2 ? t.len - 2 : 0, 1, t.pos);
    } else if (t.k == K_IDENT) {
        spell_piece(s, g, u + t.pos, t.len, 0, t.pos);
    } else if (t.k == K_PUNCT && t.c == '.' && g->sp.active && !g->sp.dot) {
        g->sp.dot = 1;
    } else {
        spell_end(s, g);
        g->pure = 0;
    }
    /* variables: $a, $a[..], $a->$b, Foo::$c are callable expressions;
     * $a->b is a method */
    if (t.k == K_IDENT) {
        s->ident_ctx = name_ctx(s);
        s->ident_at = s->prev.k == K_PUNCT && s->prev.c == '@';
    }
    if (t.k == K_VAR) {
        if (!s->vx)
            s->var_ctx = s->prev.k == K_PUNCT && s->prev.c == '.' && !s->gap_ws &&
                                 (s->prev2.k == K_IDENT || s->prev2.k == K_VAR)
                             ? CTX_METHOD
                             : CTX_CODE;
        if (g->ntok == 1)
            g->onlyvar = 1;
        s->vx = 1;
        s->vx_sg = 0; /* the caller sets it for a superglobal */
    } else if (t.k == K_PUNCT && (t.c == P_ARROW || t.c == P_DCOLON)) {
        s->arrow = 1;
        s->vx = s->vx_sg = 0;
    } else {
        s->vx = s->vx_sg = 0;
        s->arrow = 0;
    }
    if (t.k != K_VAR && g->onlyvar && g->ntok > 1)
        g->onlyvar = 0;
    /* backticks in code */
    if (t.k == K_TICK && t.len > 2 &&
        (s->in_php || (s->prev.k == K_PUNCT && s->prev.c == '=') ||
         (s->prev.k == K_IDENT && (ci_is(u + s->prev.pos, s->prev.len, "echo") ||
                                   ci_is(u + s->prev.pos, s->prev.len, "print")))))
        hit(s->r, 85, t.pos, t.len, "backtick shell execution in PHP", NULL, 0);
done:
    s->prev2 = s->prev;
    s->prev = t;
    s->gap_ws = s->gap_cmt = 0;
}

/* ${..} or $ {..} with the '{' at k (j: after the '$'): a variable
 * variable when something is inside. Returns its score (0: none) and the
 * '}' in *e. */
static int varvar_at(const unsigned char *u, size_t n, size_t j, size_t k, size_t *e_out)
{
    size_t e = k + 1;
    int q = 0, inner = 0;
    while (e < n && e - k < 128 && u[e] != '}') {
        if (u[e] == '\'' || u[e] == '"' || u[e] == '$' || u[e] == '@')
            q = 1;
        if (!is_blank(u[e]))
            inner = 1;
        e++;
    }
    *e_out = e;
    return e < n && u[e] == '}' && inner && (q || k > j) ? (k > j ? 70 : 75) : 0;
}

/* A string literal from the quote at i: its end (after the closing quote),
 * or 0 when it does not close within STR_MAX. */
static size_t string_end(const unsigned char *u, size_t n, size_t i)
{
    int q = u[i];
    size_t lim = n - i > STR_MAX ? i + STR_MAX : n;
    for (size_t j = i + 1; j < lim; j++) {
        if (u[j] == '\\' && q != '`') {
            j++;
            continue;
        }
        if (u[j] == q)
            return j + 1;
    }
    return 0;
}

static const char *const bb_tags[] = {"[php]", "[/php]", "[\\php]", "{php}", "{/php}"};

/* Analyses u[0..n) into r. */
static void analyse(const unsigned char *u, size_t n, int after_string, res_t *r)
{
    st_t s;
    memset(&s, 0, offsetof(st_t, g));
    memset(&s.g[0], 0, sizeof(s.g[0]));
    s.u = u;
    s.n = n;
    s.r = r;
    if (after_string)
        s.prev.k = K_STR; /* the value closed a string of the application */
    s.nl_next = s.cmt_end = (size_t)-1;
    s.g[0].pure = 1;
    s.g[0].fn = -1;
    size_t i = 0;
    while (i < n) {
        int c = u[i];
        if (i == 0 || u[i - 1] == '\n')
            ini_line(&s, i);
        if (is_blank(c)) {
            s.gap_ws = 1;
            i++;
            continue;
        }
        /* comments */
        if (c == '/' && i + 1 < n && u[i + 1] == '*') {
            size_t e = next_cmt_end(&s, i + 2);
            if (e < n) {
                s.gap_ws = s.gap_cmt = 1;
                i = e + 2;
                continue;
            }
        }
        if ((c == '#' && !(i + 1 < n && u[i + 1] == '[')) ||
            (c == '/' && i + 1 < n && u[i + 1] == '/' && !(i > 0 && u[i - 1] == ':'))) {
            size_t e = next_nl(&s, i);
            if (e < n) {
                s.gap_ws = s.gap_cmt = 1;
                i = e + 1;
                continue;
            }
        }
        tok_t t;
        memset(&t, 0, sizeof(t));
        t.pos = i;
        if (c == '<' && i + 1 < n && u[i + 1] == '?') {
            size_t j = i + 2;
            int tag = 0;
            if (j + 3 <= n && ci_is(u + j, 3, "php") && (j + 3 == n || !is_idc(u[j + 3]))) {
                tag = TAG_PHP;
                j += 3;
            } else if (j < n && u[j] == '=') {
                tag = TAG_ECHO;
                j++;
            } else if (j < n && is_blank(u[j])) {
                tag = TAG_SHORT;
            } else if (j == n) {
                if (i > 0 && !is_blank(u[i - 1]))
                    hit(r, 50, i, 2, "PHP short open tag", NULL, 0);
                break;
            } else if (j + 3 <= n && ci_is(u + j, 3, "xml")) {
                /* <?xml: or <?xml followed by blanks then not a letter:
                 * a short tag, not an XML declaration */
                size_t k = j + 3;
                if (k < n && u[k] == ':') {
                    tag = TAG_SHORT;
                } else if (k < n && is_blank(u[k])) {
                    while (k < n && is_blank(u[k]))
                        k++;
                    if (k < n && !is_ids(u[k]) && u[k] != '?')
                        tag = TAG_SHORT;
                }
                if (tag) {
                    hit(r, 70, i, k - i, "PHP short tag disguised as <?xml", NULL, 0);
                    j = k;
                }
            }
            if (!tag) {
                /* a processing instruction <?name: skip the name */
                i = j;
                while (i < n && is_idc(u[i]))
                    i++;
                s.prev.k = K_PUNCT;
                s.prev.c = '>';
                continue;
            }
            if (s.tag_pending)
                tag_decide(&s, NULL);
            t.k = K_TAG;
            t.len = j - i;
            s.tag = tag;
            s.tag_pending = 1;
            s.tag_pos = i;
            /* the tag is its own token (not passed to tag_decide) */
            s.prev2 = s.prev;
            s.prev = t;
            s.gap_ws = s.gap_cmt = 0;
            s.vx = 0;
            i = j;
            continue;
        }
        if ((c == '[' || c == '{') && i + 4 < n) {
            /* {php} {/php}: Smarty runs what is between (60). [php]: a
             * BBCode block, code only when code follows it; a [/php]
             * closer without an opener is a payload's end (55). */
            int b = 0;
            size_t k = 0;
            for (; k < sizeof(bb_tags) / sizeof(bb_tags[0]) && !b; k++) {
                size_t l = strlen(bb_tags[k]);
                if (i + l <= n && ci_is(u + i, l, bb_tags[k]))
                    b = (int)l;
            }
            k--;
            if (b && c == '{') {
                hit(r, 60, i, (size_t)b, "PHP tag (Smarty)", NULL, 0);
                s.in_php = 1;
            } else if (b && k == 0) {
                if (s.tag_pending)
                    tag_decide(&s, NULL);
                s.bb_open = 1;
                s.tag = TAG_BB;
                s.tag_pending = 1;
                s.tag_pos = i;
                s.prev2 = s.prev;
                s.prev.k = K_TAG;
                s.prev.pos = i;
                s.prev.len = (size_t)b;
                s.gap_ws = s.gap_cmt = 0;
                i += (size_t)b;
                continue;
            } else if (b && !s.bb_open) {
                hit(r, 55, i, (size_t)b, "PHP closing tag (BBCode)", NULL, 0);
            }
        }
        if (is_ids(c)) {
            size_t j = i + 1;
            while (j < n && is_idc(u[j]))
                j++;
            t.k = K_IDENT;
            t.len = j - i;
            if (t.len == 1 && (c == 'O' || c == 'C' || c == 'o' || c == 'c') && j < n &&
                u[j] == ':')
                serialized(&s, i);
            emit(&s, t);
            i = j;
            continue;
        }
        if (c >= '0' && c <= '9') {
            size_t j = i + 1;
            while (j < n && (is_idc(u[j]) ||
                             (u[j] == '.' && j + 1 < n && u[j + 1] >= '0' && u[j + 1] <= '9')))
                j++;
            t.k = K_NUM;
            t.len = j - i;
            emit(&s, t);
            i = j;
            continue;
        }
        if (c == '$') {
            size_t j = i + 1;
            if (j < n && is_ids(u[j])) {
                while (j < n && is_idc(u[j]))
                    j++;
                t.k = K_VAR;
                t.len = j - i;
                int sg = word_in(u + i + 1, j - i - 1, superglobals,
                                 sizeof(superglobals) / sizeof(superglobals[0]), 0);
                if (sg) {
                    size_t k = j;
                    while (k < n && is_blank(u[k]))
                        k++;
                    /* $_GET[..] or in code; "$_GET holds the query" is prose */
                    int code = k >= n || u[k] == '[' || u[k] == ';' || u[k] == ')' || u[k] == ',' ||
                               u[k] == '=' || u[k] == '.' || u[k] == '-' || u[k] == '?' ||
                               u[k] == '(' || s.in_php;
                    hit(r,
                        k < n && u[k] == '[' ? 80
                        : code               ? 60
                                             : 45,
                        i, j - i, "PHP superglobal", u + i, j - i);
                }
                emit(&s, t);
                s.vx_sg = sg;
                i = j;
                continue;
            }
            if (j < n && u[j] == '$') {
                t.k = K_VAR;
                t.len = 1;
                emit(&s, t);
                i = j;
                continue;
            }
            size_t k = j;
            while (k < n && k - j < 64 && is_blank(u[k]))
                k++;
            if (k < n && u[k] == '{') {
                size_t e;
                int sc = varvar_at(u, n, j, k, &e);
                if (sc)
                    hit(r, sc, i, e + 1 - i, "PHP variable variable ${..}", NULL, 0);
                t.k = K_VAR;
                t.len = k - i;
                emit(&s, t);
                i = k;
                continue;
            }
        }
        if (c == '\'' || c == '"' || c == '`') {
            /* a quote glued to a word is an apostrophe (don't), except
             * after a keyword (return"system") */
            int glued = i > 0 && is_idc(u[i - 1]) &&
                        !(s.prev.k == K_IDENT && s.prev.pos + s.prev.len == i &&
                          word_in(u + s.prev.pos, s.prev.len, keywords,
                                  sizeof(keywords) / sizeof(keywords[0]), 1));
            size_t e = glued ? 0 : string_end(u, n, i);
            if (e) {
                t.k = c == '`' ? K_TICK : K_STR;
                t.len = e - i;
                emit(&s, t);
                i = e;
                continue;
            }
        }
        t.k = K_PUNCT;
        t.len = 1;
        t.c = c;
        if (c == '-' && i + 1 < n && u[i + 1] == '>') {
            t.c = P_ARROW;
            t.len = 2;
        } else if (c == ':' && i + 1 < n && u[i + 1] == ':') {
            t.c = P_DCOLON;
            t.len = 2;
        } else if (c == ':' && i + 3 < n && u[i + 1] == '/' && u[i + 2] == '/' &&
                   !is_blank(u[i + 3])) {
            wrapper(&s, i);
        }
        emit(&s, t);
        i += t.len;
    }
    if (s.tag_pending)
        tag_decide(&s, NULL);
    while (s.depth > 0) {
        call_end(&s, top(&s), 0, n);
        s.depth--;
    }
    spell_end(&s, &s.g[0]);
    if (s.concat_exec)
        hit(r, 60, s.concat_pos, s.concat_len, "strings concatenated into an exec function name",
            NULL, 0);
}

/* ---------------------------------------------------------------------- */
/* Markdown fences and the entry point.                                     */

static void merge(res_t *to, const res_t *from, int cap)
{
    int sc = from->score < cap ? from->score : cap;
    if (sc > to->score) {
        *to = *from;
        to->score = sc;
    }
}

/* A segment as code, then, when that found no attack, as the rest of a
 * string the value breaks out of: after its first ' and after its first "
 * (`'.system('id').'`, `";system('id');//`), so that the quote the
 * payload closes does not open a string that swallows the payload. That
 * quote opens the value or code punctuation follows it (. ; ) , ] } | &):
 * `git commit -m "fix: use escapeshellarg()"` is a quotation. */
static void analyse_segment(const unsigned char *u, size_t n, res_t *r)
{
    analyse(u, n, 0, r);
    static const char quotes[] = {'\'', '"'};
    for (size_t k = 0; k < sizeof(quotes) && r->score < 50; k++) {
        const unsigned char *q = memchr(u, quotes[k], n);
        if (!q)
            continue;
        size_t off = (size_t)(q - u) + 1, j = off, b = 0;
        while (b < n && is_blank(u[b]))
            b++;
        while (j < n && is_blank(u[j]))
            j++;
        /* the quote opens the value, or code follows it */
        if (b != off - 1 && !(j < n && strchr(".;),]}|&", u[j]) && u[j] != '\0'))
            continue;
        res_t t;
        memset(&t, 0, sizeof(t));
        analyse(u + off, n - off, 1, &t);
        t.off += off;
        merge(r, &t, 100);
    }
}

/* ---------------------------------------------------------------------- */
/* The precheck: a necessary condition for any finding, cheaper than the
 * analysis. Most values hold none of what a finding needs; of those that
 * hold a '(' or a '.', most are prose, URLs and User-Agents whose brackets
 * follow no function name. Every test below over-approximates a path of
 * analyse() to a hit(): on the whole value rather than a segment (the
 * segments start after a quote or a line break, which end words, and
 * end at line breaks), ignoring the context the lexer would add.       */

/* The line start an '=' at i may end a php.ini line from (ini_at): a name
 * of identifier bytes and dots before it, only blanks around that name
 * back to the start of a line or of a segment analysed apart (after a
 * quote or a fence line). (size_t)-1 when none. */
static size_t ini_start(const unsigned char *u, size_t i)
{
    size_t b = i;
    while (b > 0 && (u[b - 1] == ' ' || u[b - 1] == '\t'))
        b--;
    size_t e = b;
    while (b > 0 && (is_idc(u[b - 1]) || u[b - 1] == '.'))
        b--;
    if (b == e)
        return (size_t)-1;
    while (b > 0 && (u[b - 1] == ' ' || u[b - 1] == '\t'))
        b--;
    /* a line starts the value, follows a '\n', or follows the quote a
     * string breakout is read after (analyse_segment) */
    return b == 0 || u[b - 1] == '\n' || u[b - 1] == '\'' || u[b - 1] == '"' ? b : (size_t)-1;
}

/* The '$' at i scores without a call: a superglobal or a variable
 * variable, as analyse() reads them. */
static int dollar_scores(const unsigned char *u, size_t n, size_t i)
{
    size_t j = i + 1, e;
    if (j < n && is_ids(u[j])) {
        for (e = j; e < n && is_idc(u[e]); e++)
            ;
        return word_in(u + j, e - j, superglobals, sizeof(superglobals) / sizeof(superglobals[0]),
                       0);
    }
    size_t k = j;
    while (k < n && k - j < 64 && is_blank(u[k]))
        k++;
    return j < n && u[j] != '$' && k < n && u[k] == '{' && varvar_at(u, n, j, k, &e);
}

/* The ':' at i ends a stream wrapper or is the one of a serialized object
 * (O:8:"stdClass":..). */
static int colon_scores(const unsigned char *u, size_t n, size_t i)
{
    size_t b, e, ns, ne;
    if (i + 3 < n && u[i + 1] == '/' && u[i + 2] == '/' && !is_blank(u[i + 3]) &&
        wrapper_at(u, i, &b))
        return 1;
    return i > 0 && (u[i - 1] == 'O' || u[i - 1] == 'o' || u[i - 1] == 'C' || u[i - 1] == 'c') &&
           serialized_at(u, n, i - 1, &e, &ns, &ne);
}

/* Could the lexer skip a comment: / * .. * /, or # and // up to a line
 * break? A comment hides what it holds and may stand between a name and
 * its '(' (name/ *x* /(). */
static int comment_possible(const unsigned char *u, size_t n)
{
    int slashes = 0;
    for (const unsigned char *p = memchr(u, '/', n); p;
         p = memchr(p + 1, '/', n - (size_t)(p + 1 - u))) {
        if (p + 1 < u + n && p[1] == '*')
            return 1;
        if (p + 1 < u + n && p[1] == '/')
            slashes = 1;
    }
    return memchr(u, '\n', n) && (slashes || memchr(u, '#', n));
}

/* Could a string literal open: a quote not glued to a word (an
 * apostrophe: "don't"), or glued to a keyword (return"x"), with the same
 * quote after it to close it. */
static int string_possible(const unsigned char *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (u[i] != '\'' && u[i] != '"')
            continue;
        if (i > 0 && is_idc(u[i - 1])) {
            size_t b = i - 1;
            while (b > 0 && is_idc(u[b - 1]))
                b--;
            if (!word_in(u + b, i - b, keywords, sizeof(keywords) / sizeof(keywords[0]), 1))
                continue;
        }
        if (memchr(u + i + 1, u[i], n - i - 1))
            return 1;
    }
    return 0;
}

/* In a value without strings, comments and variables, the '(' at p may
 * be a call that scores: what stands before it (blanks skipped) is an
 * identifier naming a function (in the table, ending with a distinctive
 * name, of an extension) or a closing bracket (a spelled group:
 * "(system)(..)", "[x][0](..)"). An identifier the analysis reads is a
 * whole run of identifier bytes that starts with a non-digit (else a
 * number). Chains of pieces (sy.stem(..)) are chain_may_spell's. */
static int callee_may_score(const unsigned char *u, size_t p)
{
    size_t e = p;
    while (e > 0 && is_blank(u[e - 1]))
        e--;
    if (e == 0)
        return 0;
    int c = u[e - 1];
    if (c == ')' || c == ']' || c == '}')
        return 1;
    if (!is_idc(c))
        return 0;
    size_t b = e - 1;
    while (b > 0 && is_idc(u[b - 1]))
        b--;
    size_t l = e - b;
    return is_ids(u[b]) &&
           (fn_find(u + b, l) >= 0 || (l > 8 && fn_suffix(u + b, l) >= 0) || ext_name(u + b, l));
}

/* In a value without strings, comments and variables, a chain of two
 * pieces or more (spell_piece) joins identifiers, bracketed or not, by
 * dots: between two pieces stand only blanks, brackets, numbers (an index
 * [0]) and at least one '.'. Could consecutive identifiers so joined
 * spell a function name? (A call through that name, or the
 * concatenation of an exec function's name.) */
static int chain_may_spell(const unsigned char *u, size_t n)
{
    /* the identifiers of the current chain, the last one last; a name is
     * shorter than SPELL_MAX bytes, so SPELL_MAX of them are enough */
    size_t pos[SPELL_MAX], len[SPELL_MAX], nr = 0;
    int dot = 0, broken = 0;
    size_t i = 0;
    while (i < n) {
        int c = u[i];
        if (!is_idc(c)) {
            if (c == '.')
                dot = 1;
            else if (!is_blank(c) && c != '(' && c != ')' && c != '[' && c != ']' && c != '{' &&
                     c != '}')
                broken = 1;
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && is_idc(u[j]))
            j++;
        if (is_ids(c)) {
            if (!dot || broken)
                nr = 0;
            if (nr == SPELL_MAX) {
                memmove(pos, pos + 1, (SPELL_MAX - 1) * sizeof(pos[0]));
                memmove(len, len + 1, (SPELL_MAX - 1) * sizeof(len[0]));
                nr--;
            }
            pos[nr] = i;
            len[nr] = j - i;
            nr++;
            /* the names this identifier ends, from two pieces up */
            size_t tot = j - i;
            for (size_t a = nr - 1; a-- > 0;) {
                tot += len[a];
                if (tot >= SPELL_MAX)
                    break;
                char name[SPELL_MAX];
                size_t nl = 0;
                for (size_t k = a; k < nr; k++) {
                    memcpy(name + nl, u + pos[k], len[k]);
                    nl += len[k];
                }
                if (fn_find((const unsigned char *)name, nl) >= 0)
                    return 1;
            }
            dot = broken = 0;
        }
        i = j;
    }
    return 0;
}

/* Bytes the precheck looks at. */
enum { PB_TICK = 1, PB_PAREN, PB_DOLLAR, PB_EQ, PB_LT, PB_COLON, PB_BRACKET, PB_DOT, PB_QUOTE };
static const unsigned char php_byte[256] = {
    ['`'] = PB_TICK, ['('] = PB_PAREN,   ['$'] = PB_DOLLAR, ['='] = PB_EQ,    ['<'] = PB_LT,
    [':'] = PB_COLON, ['['] = PB_BRACKET, ['{'] = PB_BRACKET, ['.'] = PB_DOT, ['\''] = PB_QUOTE,
    ['"'] = PB_QUOTE,
};

/* A necessary condition for any finding. At once: a backtick (execution,
 * a string), a superglobal or ${..}, a php.ini line, an open tag "<?", a
 * wrapper, a serialized object, a BBCode or Smarty tag ("[php]" "{php}"
 * "[/php]" "[\php]" "{/php}"). Then what needs more than one byte: a call
 * needs '(' and a callee (callee_may_score, chain_may_spell), pieces
 * concatenated into a name ('sys'.'tem', [sys].[tem]) a '.' and a string
 * or a bracket. The bytes of all these are detect.c's trigger bytes. */
static int may_score(const unsigned char *u, size_t n)
{
    int paren = 0, dollar = 0, dot = 0, bracket = 0, quote = 0;
    for (size_t i = 0; i < n; i++) {
        size_t b, ns, ne, eq;
        /* four bytes a test while none of them matters */
        while (i + 4 <= n &&
               !(php_byte[u[i]] | php_byte[u[i + 1]] | php_byte[u[i + 2]] | php_byte[u[i + 3]]))
            i += 4;
        if (i >= n)
            break;
        switch (php_byte[u[i]]) {
        case 0:
            break;
        case PB_TICK:
            return 1;
        case PB_PAREN:
            paren = 1;
            break;
        case PB_DOLLAR:
            if (dollar_scores(u, n, i))
                return 1;
            dollar = 1;
            break;
        case PB_EQ:
            if ((b = ini_start(u, i)) != (size_t)-1 && ini_at(u, n, b, &ns, &ne, &eq))
                return 1;
            break;
        case PB_LT:
            if (i + 1 < n && u[i + 1] == '?')
                return 1;
            break;
        case PB_COLON:
            if (colon_scores(u, n, i))
                return 1;
            break;
        case PB_BRACKET:
            if (i + 1 < n && (u[i + 1] == 'p' || u[i + 1] == 'P' || u[i + 1] == '/' ||
                              u[i + 1] == '\\'))
                return 1;
            bracket = 1;
            break;
        case PB_DOT:
            dot = 1;
            break;
        default:
            quote = 1;
            break;
        }
    }
    if (!paren && !(dot && (bracket || quote)))
        return 0;
    /* a call of a variable: $f(..), $a['x'](..), ($y)(..) */
    if (paren && dollar)
        return 1;
    /* what a string spells or a comment hides is not read here */
    if (comment_possible(u, n) || (quote && string_possible(u, n)))
        return 1;
    /* every piece of a name is an identifier now */
    if (paren)
        for (const unsigned char *p = memchr(u, '(', n); p;
             p = memchr(p + 1, '(', n - (size_t)(p + 1 - u)))
            if (callee_may_score(u, (size_t)(p - u)))
                return 1;
    return dot && (paren || bracket) && chain_may_spell(u, n);
}

int rp__waf_php(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    const unsigned char *u = (const unsigned char *)s;
    res_t r, rf, t;
    (void)src;

    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n < 2 || (pt_flags & RP_WAF_PT_NUMBER) || !may_score(u, n))
        return 0;
    memset(&r, 0, sizeof(r));
    memset(&rf, 0, sizeof(rf));
    /* The lines of a closed fenced block are analysed apart and capped:
     * find the last fence line first, so that an opener knows in O(1)
     * whether a closer follows. */
    size_t last_fence = (size_t)-1;
    for (size_t i = 0; i < n; i = i + 1) {
        if ((i == 0 || u[i - 1] == '\n') && rp__md_fence_line(u, n, i))
            last_fence = i;
        const void *p = memchr(u + i, '\n', n - i);
        if (!p)
            break;
        i = (size_t)((const unsigned char *)p - u);
    }
    size_t seg = 0, i = 0;
    int in_fence = 0;
    while (i < n) {
        size_t fe;
        if ((i == 0 || u[i - 1] == '\n') && last_fence != (size_t)-1 &&
            (fe = rp__md_fence_line(u, n, i)) && (in_fence || last_fence > i)) {
            /* the text up to this fence line, then the block after it */
            memset(&t, 0, sizeof(t));
            analyse_segment(u + seg, i - seg, &t);
            t.off += seg;
            merge(in_fence ? &rf : &r, &t, 100);
            in_fence = !in_fence;
            seg = i = fe < n ? fe + 1 : n;
            continue;
        }
        const void *p = memchr(u + i, '\n', n - i);
        i = p ? (size_t)((const unsigned char *)p - u) + 1 : n;
    }
    memset(&t, 0, sizeof(t));
    analyse_segment(u + seg, n - seg, &t);
    t.off += seg;
    merge(in_fence ? &rf : &r, &t, 100);
    int fenced = 0;
    if (rf.score > 0 && r.score < (rf.score < FENCE_MAX ? rf.score : FENCE_MAX)) {
        merge(&r, &rf, FENCE_MAX);
        fenced = 1;
    }
    if (r.score == 0)
        return 0;
    m->score = r.score > 100 ? 100 : r.score;
    m->off = r.off < n ? r.off : n;
    m->len = r.len <= n - m->off ? r.len : n - m->off;
    snprintf(m->evidence, sizeof(m->evidence), "php: %s%s%s%s%s", r.what, r.name[0] ? " (" : "",
             r.name, r.name[0] ? ")" : "", fenced ? " in a Markdown code block" : "");
    return m->score;
}

/* ---------------------------------------------------------------------- */
/* Uploads (request level).                                                 */

/* A file name's verdict: a PHP script (.php .phtml .phar .. with trailing
 * dots and blanks, which Windows and some servers drop), a double
 * extension (shell.php.jpg), a PHP session file (sess_<id>). */
int rp__php_filename(const char *name, size_t n, rp__waf_match_t *m)
{
    const unsigned char *u = (const unsigned char *)name;
    static const char *const exts[] = {"php", "phtml", "phar", "phps", "pht", "phpt"};
    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    size_t e = n;
    while (e > 0 && (u[e - 1] == '.' || is_blank(u[e - 1])))
        e--;
    /* the last extension, then the one before it */
    for (int pass = 0; pass < 2 && e > 0; pass++) {
        size_t d = e;
        while (d > 0 && u[d - 1] != '.' && u[d - 1] != '/' && u[d - 1] != '\\')
            d--;
        if (d == 0 || u[d - 1] != '.')
            break;
        size_t x = d;
        while (x < e && is_blank(u[x]))
            x++;
        size_t xe = e;
        while (xe > x && is_blank(u[xe - 1]))
            xe--;
        size_t l = xe - x;
        int php = 0;
        for (size_t k = 0; k < sizeof(exts) / sizeof(exts[0]) && !php; k++)
            if (ci_is(u + x, l, exts[k]))
                php = 1;
        if (!php && l > 3 && ci_is(u + x, 3, "php")) {
            size_t k = x + 3;
            while (k < xe && u[k] >= '0' && u[k] <= '9')
                k++;
            php = k == xe;
        }
        if (php) {
            m->score = pass == 0 ? 85 : 45;
            m->off = d - 1;
            m->len = xe - (d - 1);
            snprintf(m->evidence, sizeof(m->evidence), "php: %s (.%.*s)",
                     pass == 0 ? "PHP script file name" : "PHP double extension",
                     (int)(l > 12 ? 12 : l), (const char *)u + x);
            return m->score;
        }
        e = d - 1;
        while (e > 0 && is_blank(u[e - 1]))
            e--;
    }
    /* sess_ + 20 or more of [A-Za-z0-9,-]: a PHP session file */
    size_t b = n;
    while (b > 0 && u[b - 1] != '/' && u[b - 1] != '\\')
        b--;
    if (n - b >= 25 && ci_is(u + b, 5, "sess_")) {
        size_t k = b + 5;
        while (k < n && (is_idc(u[k]) || u[k] == ',' || u[k] == '-') && u[k] != '_' && u[k] < 0x80)
            k++;
        if (k == n) {
            m->score = 80;
            m->off = b;
            m->len = n - b;
            snprintf(m->evidence, sizeof(m->evidence), "php: PHP session file name");
        }
    }
    return m->score;
}

/* The points that name an uploaded file: multipart filenames and the
 * X-Filename headers of upload APIs. */
void rp__waf_php_uploads(const rp_waf_request_t *req, const struct rp__points *pts,
                         rp__waf_ctx_t *ctx)
{
    static const char *const hdrs[] = {"header.x-filename",  "header.x_filename",
                                       "header.x-file-name", "header.x.filename",
                                       "header.x-file",      "header.x_file_name"};
    (void)req;
    for (size_t i = 0; i < pts->n; i++) {
        const rp_waf_point_t *pt = &pts->v[i];
        rp_str_t p = pt->path;
        int is_name = 0;
        /* body.multipart.<name>.filename (not a JSON "filename" field) */
        if ((pt->src & RP_WAF_SRC_BODY) && !(pt->flags & RP_WAF_PT_KEY) &&
            rp_str_has_prefix(p, RP_STRLIT("body.multipart.")) && p.n > 24 &&
            memcmp(p.p + p.n - 9, ".filename", 9) == 0)
            is_name = 1;
        /* the names are "header.x.." of 13 to 18 bytes */
        if (!is_name && p.n >= 13 && p.n <= 18 && p.p[7] == 'x' && p.p[0] == 'h')
            for (size_t k = 0; k < sizeof(hdrs) / sizeof(hdrs[0]) && !is_name; k++)
                if (rp_str_eq(p, rp_str_c(hdrs[k])))
                    is_name = 1;
        if (!is_name || pt->value.n == 0)
            continue;
        rp__waf_match_t m;
        if (rp__php_filename(pt->value.p, pt->value.n, &m) > 0)
            rp__waf_report(ctx, RP_WAF_PHP, pt->path, pt->raw, pt->value, &m);
    }
}
