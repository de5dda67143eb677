/*
 * traversal.c - path traversal and local file inclusion.
 *
 * The value is read as a sequence of paths: a character stream normalised
 * on the fly (backslash as '/', lowercase; the textual 0x2e / 0x2f / 0x5c,
 * the overlong UTF-8 forms C0 AE, C0 AF, C1 9C, E0 80 AE.., the fullwidth
 * and division-slash forms as '.' and '/'; NUL and other control bytes
 * end a segment, as C code reading the path would stop there, and are noted) cut into tokens at blanks, quotes, '<' '>' '(' ')'
 * '=' ','. The engine has percent-decoded the value already. In each
 * token the segments are walked: `..` (also `...`, and Tomcat's `..;`)
 * goes one level up, an ordinary segment one down, `.` and empty ones
 * stay. A token that goes above its start escapes by that many levels.
 * At each segment start the sensitive names are looked up: /etc/passwd,
 * /etc/shadow, win.ini, boot.ini, .git/, .env, .htaccess, /proc/self/,
 * web.config, id_rsa, the dot-directories of tools holding secrets..
 *
 * Decision:
 *   - escape and a sensitive name in the same token: 95;
 *   - the value is one path that escapes by 2+ levels: 80; by one level
 *     with an evasion (backslashes, encoded dots, NUL, `..;`): 60;
 *   - the value is one path that names a sensitive file: 75; a short
 *     value (a few words: `cat /etc/passwd`) that does: 60;
 *   - paths in text ("see ../images/logo.png", "docs/guide/install.md",
 *     "edit /etc/hosts") never reach 50: 40..45 at most.
 *
 * Cost: no allocation; a first pass returns when the value has no '.',
 * '/', '\\' and no byte of the encoded forms; then one pass with at most
 * SENS_PEEK bytes of look-ahead at each segment start: linear in n.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

#define SENS_PEEK 40

/* Sensitive names, lowercase with '/' separators, grouped by first byte
 * in ascending order (a binary search finds the group; within it the
 * first match wins, so a longer name comes before its prefix). Matched at
 * a segment start; the byte after the name must not be a letter or digit (".env"
 * is not ".environment"). `strong`: dangerous enough to block inside a
 * short value. */
typedef struct sens {
    const char *name;
} sens_t;

static const sens_t sensitive[] = {
    { ".git/" }, { ".git" }, { ".svn/" }, { ".hg/" }, { ".env" }, { ".htaccess" },
    { ".htpasswd" }, { ".ssh/" }, { ".bash_history" }, { ".history" }, { ".zsh_history" },
    { ".mysql_history" }, { ".bashrc" }, { ".profile" }, { ".aws/" }, { ".docker/" },
    { ".kube/" }, { ".npmrc" }, { ".pypirc" }, { ".netrc" }, { ".pgpass" }, { ".boto" },
    { ".gnupg/" }, { ".config/" }, { ".claude/" }, { ".cursor/" }, { ".continue/" },
    { ".aider" }, { ".roo/" }, { ".zed/" }, { ".cline/" }, { ".kiro/" }, { ".windsurf/" },
    { ".rovodev/" }, { ".codex/" }, { ".opencode/" }, { ".a0proj/" }, { ".plandex/" },
    { ".fabric/" }, { ".n8n/" }, { ".junie/" }, { ".aiignore" }, { ".cursorignore" },
    { ".vscode/" }, { ".idea/" }, { "@fs/" }, { "autoexec.bat" }, { "authorized_keys" },
    { "boot.ini" }, { "backup.sql" }, { "credentials.json" }, { "dump.sql" },
    { "database.sql" }, { "docker-compose.yml" }, { "etc/passwd" }, { "etc/shadow" },
    { "etc/master.passwd" }, { "etc/group" }, { "etc/gshadow" }, { "etc/sudoers" },
    { "etc/subuid" }, { "etc/subgid" }, { "etc/hosts" }, { "etc/issue" }, { "etc/crontab" },
    { "etc/security/" }, { "etc/ssh/" }, { "etc/mysql/" }, { "etc/apache2/" }, { "etc/httpd/" },
    { "etc/nginx/" }, { "etc/profile" }, { "etc/environment" }, { "httpd.conf" },
    { "inetpub/" }, { "id_rsa" }, { "id_dsa" }, { "id_ecdsa" }, { "id_ed25519" },
    { "known_hosts" }, { "meta-inf/" }, { "proc/self/" }, { "proc/version" },
    { "proc/interrupts" }, { "proc/cpuinfo" }, { "proc/meminfo" }, { "proc/mounts" },
    { "proc/net/" }, { "proc/1/" }, { "php.ini" }, { "root/" }, { "sys/class" },
    { "sys/kernel/" }, { "system.ini" }, { "var/log/" }, { "win.ini" }, { "windows/system32/" },
    { "winnt/" }, { "web.config" }, { "wp-config.php" }, { "wp-content/debug.log" },
    { "wp-content/error.log" }, { "wp-content/errors.log" }, { "web-inf/" },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* The length of the longest name starting with each byte (0: none; the
 * unit test checks it through rp__traversal_table_sorted). */
static const unsigned char sens_max[256] = {
    ['.'] = 14, ['@'] = 4,  ['a'] = 15, ['b'] = 10, ['c'] = 16, ['d'] = 18, ['e'] = 17, ['h'] = 10,
    ['i'] = 10, ['k'] = 11, ['m'] = 9,  ['p'] = 15, ['r'] = 5,  ['s'] = 11, ['v'] = 8,  ['w'] = 21,
};

enum { F_ENC = 1, F_NUL = 2, F_BSLASH = 4 };

/* The next normalised character at *i (advancing it), or -1 at the end.
 * Control bytes are dropped (noted in *fl). */
static int nch(const unsigned char *u, size_t n, size_t *i, unsigned *fl)
{
    while (*i < n) {
        size_t k = *i;
        int c = u[k];
        /* the common case: a printable ASCII byte other than '0' and '\\'
         * (or a tab, newline, CR) stands for itself, lowercased */
        if ((c >= 0x20 && c < 0x7f && c != '0' && c != '\\') || c == '\t' || c == '\n' || c == '\r') {
            (*i)++;
            return (c >= 'A' && c <= 'Z') ? c + 32 : c;
        }
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            /* a NUL cuts the path where C code reads it: "..\0.7z" is ".." */
            *fl |= F_NUL;
            (*i)++;
            return '/';
        }
        if (c == '0' && k + 3 < n && (u[k + 1] | 32) == 'x' && u[k + 2] == '2' &&
            ((u[k + 3] | 32) == 'e' || (u[k + 3] | 32) == 'f')) {
            *fl |= F_ENC;
            *i += 4;
            return (u[k + 3] | 32) == 'e' ? '.' : '/';
        }
        if (c == '0' && k + 3 < n && (u[k + 1] | 32) == 'x' && u[k + 2] == '5' &&
            (u[k + 3] | 32) == 'c') {
            *fl |= F_ENC | F_BSLASH;
            *i += 4;
            return '/';
        }
        if (c >= 0xc0) {
            if ((c == 0xc0 || c == 0xc1) && k + 1 < n) {
                int d = u[k + 1];
                *i += 2;
                *fl |= F_ENC;
                if (c == 0xc0 && d == 0xae)
                    return '.';
                if ((c == 0xc0 && d == 0xaf) || (c == 0xc1 && d == 0x9c))
                    return '/';
                return 0x80;
            }
            if (c == 0xe0 && k + 2 < n && u[k + 1] == 0x80 && (u[k + 2] == 0xae || u[k + 2] == 0xaf)) {
                *i += 3;
                *fl |= F_ENC;
                return u[k + 2] == 0xae ? '.' : '/';
            }
            if (c == 0xef && k + 2 < n && u[k + 1] == 0xbc && (u[k + 2] == 0x8e || u[k + 2] == 0x8f)) {
                *i += 3;
                *fl |= F_ENC;
                return u[k + 2] == 0x8e ? '.' : '/';
            }
            if (c == 0xe2 && k + 2 < n && u[k + 1] == 0x88 && u[k + 2] == 0x95) {
                *i += 3;
                *fl |= F_ENC;
                return '/';
            }
        }
        (*i)++;
        if (c == '\\') {
            *fl |= F_BSLASH;
            return '/';
        }
        if (c >= 'A' && c <= 'Z')
            return c + 32;
        return c;
    }
    return -1;
}

/* Byte classes: CB ends a token; CI can be part of a path step, a
 * sensitive name or an encoded form (see interesting_token). */
enum { CB = 1, CI = 2 };
#define CTL CI, CI, CI, CI, CI, CI, CI, CI, CI
#define HI16 CI, CI, CI, CI, CI, CI, CI, CI, CI, CI, CI, CI, CI, CI, CI, CI
static const unsigned char bclass[256] = {
    CTL, [9] = CB, [10] = CB, [11] = CI, [12] = CI, [13] = CB, [14] = CI, [15] = CI, [16] = CI,
    [17] = CI, [18] = CI, [19] = CI, [20] = CI, [21] = CI, [22] = CI, [23] = CI, [24] = CI,
    [25] = CI, [26] = CI, [27] = CI, [28] = CI, [29] = CI, [30] = CI, [31] = CI,
    [' '] = CB, ['"'] = CB, ['\''] = CB, ['<'] = CB, ['>'] = CB, ['('] = CB, [')'] = CB,
    ['='] = CB, [','] = CB, ['|'] = CB, ['&'] = CB, ['`'] = CB,
    ['/'] = CI, ['.'] = CI, ['_'] = CI, ['@'] = CI, ['\\'] = CI,
    [0x80] = HI16, [0x90] = HI16, [0xa0] = HI16, [0xb0] = HI16, [0xc0] = HI16, [0xd0] = HI16,
    [0xe0] = HI16, [0xf0] = HI16,
};
#undef CTL
#undef HI16

/* Bytes that stand for themselves in nch and inside a segment do nothing
 * but add to its length: printable ASCII except token boundaries, '/',
 * '\\', '.', ';' and '0' (of "0x2e"). The unit test checks the table. */
static const unsigned char seg_plain[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['*'] = 1, ['+'] = 1, ['-'] = 1, ['1'] = 1,
    ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    [':'] = 1, ['?'] = 1, ['@'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1,
    ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1,
    ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,
    ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['['] = 1, [']'] = 1, ['^'] = 1,
    ['_'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1,
    ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1,
    ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1,
    ['x'] = 1, ['y'] = 1, ['z'] = 1, ['{'] = 1, ['}'] = 1, ['~'] = 1,
};

static int is_boundary(int c)
{
    return c >= 0 && c < 256 && bclass[c] == CB;
}

static int is_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* The sensitive names' first two bytes: bit (b & 31) of sens_pairs[a & 31]
 * for a name starting with a, b. Every name is longer than two bytes, so
 * a segment whose first two characters have no bit names none (the unit
 * test checks the table through rp__traversal_table_sorted). */
static const uint32_t sens_pairs[32] = {
    0x00000040, 0x00200000, 0x00008002, 0x00040000, 0x00208002, 0x00100000, 0x00000000, 0x00000000,
    0x00100000, 0x00004010, 0x00000000, 0x00004000, 0x00000000, 0x00000020, 0x04cdeffe, 0x00000000,
    0x00040100, 0x00000000, 0x00008000, 0x02000000, 0x00000000, 0x00000000, 0x00000002, 0x00010220,
    0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
};

static int sens_pair(int a, int b)
{
    return (sens_pairs[(unsigned)a & 31] >> ((unsigned)b & 31)) & 1u;
}

/* "0x" or "0X" at i: maybe an encoded '.', '/' or '\\' (see nch). */
static inline int zero_x(const unsigned char *u, size_t n, size_t i)
{
    return u[i] == '0' && i + 1 < n && (u[i + 1] | 32) == 'x';
}

/* Does nch return the byte at i as it is (lower-cased), one byte on, and
 * is it inside a segment (not a boundary, not '/')? Printable ASCII but
 * boundaries, '/' and '\\'; a '0' unless "0x". */
static inline int as_is(const unsigned char *u, size_t n, size_t i)
{
    return seg_plain[u[i]] || u[i] == '.' || u[i] == ';' || (u[i] == '0' && !zero_x(u, n, i));
}

/* A sensitive name starting at *i (a segment start)? Returns it or NULL. */
static const char *sensitive_at(const unsigned char *u, size_t n, size_t i)
{
    char buf[SENS_PEEK + 1];
    size_t bl = 0;
    unsigned fl = 0;
    int c;
    /* The common cases first, without nch. No name starts with '/'. A
     * byte that nch returns as it is (lower-cased, which leaves the pair
     * test alone: it reads bits 0..4), then the end of the token: too
     * short for a name; then a byte that nch returns as it is or '/': the
     * names they could start are known at once. */
    if (u[i] == '/' || u[i] == '\\')
        return NULL;
    if (as_is(u, n, i)) {
        if (i + 1 >= n || bclass[u[i + 1]] == CB)
            return NULL;
        if ((as_is(u, n, i + 1) || u[i + 1] == '/') && !sens_pair(u[i], u[i + 1]))
            return NULL;
    }
    size_t stop = n - i > 4 * SENS_PEEK ? i + 4 * SENS_PEEK : n;   /* "////.." stays linear */
    /* Bytes kept: SENS_PEEK until the first is known, then two more than
     * the longest name starting with it. Only the last byte kept can
     * change later (a "/./" drops its '.'), so the names and the byte
     * after each read the same as with SENS_PEEK; "http://host/.." stops
     * after 12 bytes. */
    size_t cap = SENS_PEEK;
    while (bl < cap && (c = nch(u, stop, &i, &fl)) >= 0 && !is_boundary(c)) {
        /* collapse "//" and "/./" so that /etc//passwd and /etc/./passwd match */
        if (c == '/' && bl && buf[bl - 1] == '/')
            continue;
        if (c == '/' && bl >= 2 && buf[bl - 1] == '.' && buf[bl - 2] == '/') {
            bl--;
            continue;
        }
        buf[bl++] = (char)c;
        if (bl == 1) {
            if (!sens_max[(unsigned char)buf[0]])
                return NULL;
            cap = sens_max[(unsigned char)buf[0]] + 2u;
        }
        if (bl == 2 && !sens_pair((unsigned char)buf[0], (unsigned char)buf[1]))
            return NULL;
    }
    buf[bl] = '\0';
    if (bl < 3)
        return NULL;
    size_t lo = 0, hi = NELEM(sensitive);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((unsigned char)sensitive[mid].name[0] < (unsigned char)buf[0])
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < NELEM(sensitive) && sensitive[k].name[0] == buf[0]; k++) {
        const char *s = sensitive[k].name;
        size_t l = strlen(s);
        if (l > bl || memcmp(buf, s, l) != 0)
            continue;
        if (s[l - 1] != '/' && l < bl && is_alnum((unsigned char)buf[l]))
            continue;
        return s;
    }
    return NULL;
}

/* Can the token at i (raw bytes up to the next boundary) hold a path
 * step or a sensitive name? Every sensitive name has a '/', '.', '_' or
 * '@'; an escape needs dots; encoded forms are "0x2e".., bytes >= 0x80 or
 * control bytes. Returns 1 at the first such byte; else 0 with *end set
 * to the token's end (the caller skips the token whole). */
static int interesting_token(const unsigned char *u, size_t n, size_t i, size_t *end)
{
    size_t k = i;
    for (; k < n; k++) {
        unsigned cl = bclass[u[k]];
        if (cl == CB)
            break;
        if (cl == CI || (u[k] == '0' && k + 1 < n && (u[k + 1] | 32) == 'x'))
            return 1;
    }
    *end = k;
    return 0;
}

int rp__traversal_table_sorted(void)
{
    for (int c = 0; c < 256; c++) {
        int plain = c >= 0x20 && c < 0x7f && bclass[c] != CB && c != '/' && c != '\\' && c != '.' &&
                    c != ';' && c != '0';
        if (seg_plain[c] != plain)
            return 0;
    }
    for (size_t k = 1; k < NELEM(sensitive); k++)
        if ((unsigned char)sensitive[k - 1].name[0] > (unsigned char)sensitive[k].name[0])
            return 0;
    for (size_t k = 0; k < NELEM(sensitive); k++)
        if (strlen(sensitive[k].name) < 3 ||
            !sens_pair((unsigned char)sensitive[k].name[0], (unsigned char)sensitive[k].name[1]))
            return 0;
    for (int c = 0; c < 256; c++) {
        size_t longest = 0;
        for (size_t k = 0; k < NELEM(sensitive); k++)
            if ((unsigned char)sensitive[k].name[0] == c && strlen(sensitive[k].name) > longest)
                longest = strlen(sensitive[k].name);
        if (sens_max[c] != longest || longest + 2 > SENS_PEEK)
            return 0;
    }
    return 1;
}

/* Is the value one path (*single), or a few words (*shortv)? Counts the
 * tokens (runs of non-boundary bytes) up to five. Returns 1. */
static int value_shape(const unsigned char *u, size_t n, int *single, int *shortv)
{
    size_t tokens = 0;
    int in = 0;
    for (size_t k = 0; k < n && tokens <= 4; k++) {   /* single and shortv need no more */
        int b = is_boundary(u[k]);
        if (!b && !in)
            tokens++;
        in = !b;
    }
    *single = tokens <= 1;
    *shortv = tokens <= 4 && n <= 100;
    return 1;
}

typedef struct tstate {
    long depth, mind;        /* in the current token */
    int seg_len, seg_dots;   /* current segment: length, all dots so far */
    int seg_semi;            /* ".." followed by ';' */
    int esc_evasion;         /* an escaping token used \ or encodings */
} tstate_t;

int rp__waf_traversal(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    const unsigned char *u = (const unsigned char *)s;
    (void)src;

    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n < 3 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;
    {
        /* 1: '.' '/' '\\' '@' or a byte >= 0xc0; 2: '0' (of "0x") */
        static const unsigned char pre[256] = {
            ['.'] = 1, ['/'] = 1, ['\\'] = 1, ['@'] = 1, ['0'] = 2,
            [0xc0] = 1, [0xc1] = 1, [0xc2] = 1, [0xc3] = 1, [0xc4] = 1, [0xc5] = 1, [0xc6] = 1, [0xc7] = 1,
            [0xc8] = 1, [0xc9] = 1, [0xca] = 1, [0xcb] = 1, [0xcc] = 1, [0xcd] = 1, [0xce] = 1, [0xcf] = 1,
            [0xd0] = 1, [0xd1] = 1, [0xd2] = 1, [0xd3] = 1, [0xd4] = 1, [0xd5] = 1, [0xd6] = 1, [0xd7] = 1,
            [0xd8] = 1, [0xd9] = 1, [0xda] = 1, [0xdb] = 1, [0xdc] = 1, [0xdd] = 1, [0xde] = 1, [0xdf] = 1,
            [0xe0] = 1, [0xe1] = 1, [0xe2] = 1, [0xe3] = 1, [0xe4] = 1, [0xe5] = 1, [0xe6] = 1, [0xe7] = 1,
            [0xe8] = 1, [0xe9] = 1, [0xea] = 1, [0xeb] = 1, [0xec] = 1, [0xed] = 1, [0xee] = 1, [0xef] = 1,
            [0xf0] = 1, [0xf1] = 1, [0xf2] = 1, [0xf3] = 1, [0xf4] = 1, [0xf5] = 1, [0xf6] = 1, [0xf7] = 1,
            [0xf8] = 1, [0xf9] = 1, [0xfa] = 1, [0xfb] = 1, [0xfc] = 1, [0xfd] = 1, [0xfe] = 1, [0xff] = 1,
        };
        size_t k = 0;
        for (; k < n; k++) {
            unsigned t = pre[u[k]];
            if (t == 1 || (t == 2 && k + 1 < n && (u[k + 1] | 32) == 'x'))
                break;
        }
        if (k == n)
            return 0;
    }

    int best = 0;
    size_t best_off = 0, best_len = 0;
    const char *best_what = "", *best_name = NULL;
    long best_esc = 0;
    /* one path, or a few words? Only a finding needs to know: counted at
     * the first one (shape 0: not yet) */
    int shape = 0, single = 0, shortv = 0;

    size_t i = 0, tok_start = 0;
    unsigned fl = 0, tok_fl = 0;
    tstate_t t;
    memset(&t, 0, sizeof(t));
    int seg_start = 1;
    for (;;) {
        if (!seg_start) {
            /* inside a segment, plain bytes only make it longer; so does
             * a '0' that does not start "0x" (nch returns it as it is) */
            while (i < n && (seg_plain[u[i]] || (u[i] == '0' && !zero_x(u, n, i)))) {
                i++;
                t.seg_len++;
            }
        }
        size_t at = i;
        unsigned cfl = 0;
        size_t tend;
        if (seg_start && at == tok_start && at < n && !interesting_token(u, n, at, &tend)) {
            /* a word of prose: no dot, slash or encoded form, so neither an
             * escape nor a sensitive name; skip it whole */
            i = tok_start = tend > at ? tend : at + 1;
            continue;
        }
        if (seg_start && at < n) {
            const char *name = sensitive_at(u, n, at);
            if (name) {
                if (!shape)
                    shape = value_shape(u, n, &single, &shortv);
                long esc = -t.mind;
                int sc;
                const char *what;
                if (esc >= 1) {
                    sc = 95;
                    what = "traversal to a sensitive file";
                } else if (single) {
                    sc = 75;
                    what = "sensitive file";
                } else if (shortv) {
                    sc = 60;
                    what = "sensitive file";
                } else {
                    sc = 40;
                    what = "sensitive file in text";
                }
                if (sc > best) {
                    best = sc;
                    best_off = tok_start;
                    best_len = at - tok_start + strlen(name);
                    best_what = what;
                    best_name = name;
                    best_esc = esc;
                }
                if (best >= 95)
                    break;
            }
        }
        seg_start = 0;
        int c = nch(u, n, &i, &cfl);
        tok_fl |= cfl;
        fl |= cfl;
        if (c < 0 || is_boundary(c) || c == '/') {
            /* end of a segment */
            if (t.seg_len >= 2 && (t.seg_dots == t.seg_len || t.seg_semi)) {
                t.depth--;
                if (t.depth < t.mind)
                    t.mind = t.depth;
            } else if (t.seg_len > 0 && !(t.seg_len == 1 && t.seg_dots == 1)) {
                t.depth++;
            }
            t.seg_len = t.seg_dots = t.seg_semi = 0;
            if (c < 0 || is_boundary(c)) {
                long esc = -t.mind;
                if (esc > 0 && !shape)
                    shape = value_shape(u, n, &single, &shortv);
                if (esc > 0) {
                    int ev = (tok_fl & (F_ENC | F_NUL | F_BSLASH)) || t.esc_evasion;
                    int sc;
                    const char *what = "path traversal";
                    if (single && esc >= 2)
                        sc = ev ? 85 : 80;
                    else if (single)
                        sc = ev ? 60 : 45;
                    else
                        sc = esc >= 3 ? 45 : 40;
                    if (sc > best) {
                        best = sc;
                        best_off = tok_start;
                        best_len = (i <= n ? i : n) - tok_start;
                        best_what = what;
                        best_name = NULL;
                        best_esc = esc;
                    }
                }
                memset(&t, 0, sizeof(t));
                tok_fl = 0;
                tok_start = i;
            }
            if (c < 0)
                break;
            seg_start = 1;
            continue;
        }
        if (t.seg_len == 2 && t.seg_dots == 2 && c == ';') {
            t.seg_semi = 1;
            t.esc_evasion = 1;
        }
        t.seg_len++;
        if (c == '.' && t.seg_dots == t.seg_len - 1)
            t.seg_dots++;
    }
    if (best == 0)
        return 0;
    if (best >= 60 && (fl & F_NUL) && best < 95)
        best += 5;
    m->score = best > 100 ? 100 : best;
    m->off = best_off < n ? best_off : n;
    m->len = best_len <= n - m->off ? best_len : n - m->off;
    if (best_name)
        snprintf(m->evidence, sizeof(m->evidence), "traversal: %s (%s%s)", best_what, best_name,
                 best_esc > 0 ? ", above the root" : "");
    else
        snprintf(m->evidence, sizeof(m->evidence), "traversal: %s (%ld level%s above the root)",
                 best_what, best_esc, best_esc == 1 ? "" : "s");
    return m->score;
}
