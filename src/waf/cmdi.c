/*
 * cmdi.c - OS command injection: a small shell lexer.
 *
 * A value is read the way sh (and, for a few forms, cmd.exe and
 * PowerShell) would read it. The lexer finds the places where a command
 * word can start - the start of the value, after a separator (`;` `|`
 * `||` `&&` `&` newline), inside a substitution (backticks, `$(..)`,
 * `<(..)`, `>(..)`) - and reads the word there as the shell would after
 * quote removal: `c''at`, `c\at`, `c"a"t` and `c$@at` all read `cat`,
 * `${IFS}` and `$IFS` are blanks, an unset `$var` inside a word vanishes,
 * and a glob (`/???/c?t`, `/bi[n]/ba?h`) is matched against the command
 * table. Commands in the table are strong (whoami, wget, bash..: not
 * words of prose) or weak (cat, time, find, type, dir..: everyday words).
 *
 * The decision weighs the command by its context:
 *
 *   - after `&&` `||` `|`, a newline or inside a substitution: any
 *     strong command; a weak one with a shell-like argument (an option,
 *     an absolute or drive path, a variable, a redirection) or obfuscated;
 *   - after `;` or a lone `&` (both common in prose: "rock & roll; jazz"):
 *     the same, but a command followed by an ordinary word needs to be
 *     strong and glued to the separator (`;id`);
 *   - at the start of the value: a command with a shell-like argument,
 *     an obfuscated command, a binary under /bin, /usr/bin.. ;
 *     `time`, `nohup`, `sudo`, `env`.. make the next word a command too;
 *   - shapes that are shell whatever the word: `() {` (Shellshock),
 *     /dev/tcp/, ${IFS}, $(..) and $((..)), $[..], ${x#..}, <(..),
 *     `alias name=..`, cmd.exe's `FOR %v IN (..) DO` and
 *     `IF [/I] [NOT] EXIST|DEFINED|ERRORLEVEL|a==b ..`.
 *
 * Scores: 0 benign; 40..45 suspicious; >= 50 attack; 85..95 for a command
 * after a separator or substitution and the unambiguous shapes.
 *
 * Cost: no allocation, a first pass over the bytes that returns when the
 * value has none of the characters a command line needs (a blank or one
 * of ;|&`$(<>/\%{), then one forward pass in which every word read stops
 * at the next separator: linear in n.
 */
#include "waf/waf_int.h"

#include <stdio.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define WORD_MAX 40
#define FENCE_MAX 40   /* highest score of a command in a Markdown code block */

/* Contexts of a command position. */
enum { CTX_START, CTX_PREFIX, CTX_SEMI, CTX_AMP, CTX_NL, CTX_STRONG };

/* Commands that are not words of prose, sorted (bytewise: binary search;
 * the unit test checks the order). Family names (ansible, chef) also
 * match name-anything and name + version (python3.11). */
static const char *const strong_cmds[] = {
    "aa-disable", "ansible", "apt-get", "aptitude", "awk", "base64", "bash", "bcdboot",
    "bcdedit", "bitsadmin", "bsdtar", "bunzip2", "busybox", "bzip2", "c89", "c99", "cacls",
    "cc", "certutil", "chattr", "chef", "chgrp", "chmod", "chown", "chroot", "cmd", "cp",
    "cpulimit", "crontab", "cscli", "cscript", "csh", "curl", "dash", "dig", "diskpart",
    "dmesg", "doas", "docker", "dpkg", "egrep", "emacs", "fdisk", "fgrep", "flock", "ftp",
    "gawk", "gcc", "gdb", "getent", "grep", "gunzip", "gzip", "hostname", "htop", "icacls",
    "id_rsa", "iex", "ifconfig", "ifdown", "ifup", "insmod", "invoke-command",
    "invoke-expression", "invoke-restmethod", "invoke-webrequest", "invoke-wmimethod", "ipcalc",
    "ipconfig", "iptables", "irb", "irm", "iwmi", "iwr", "jexec", "killall", "ksh", "kubectl",
    "lastlog", "lastlogin", "ls", "lsattr", "lsb_release", "lsmod", "lsof", "ltrace", "lua",
    "lwp-download", "mkdir", "mkfifo", "mknod", "modprobe", "mshta", "msiexec", "mv", "mysql",
    "nano", "nawk", "nc", "ncat", "ncftp", "net1", "netcat", "netstat", "new-object", "nice",
    "nmap", "node", "nohup", "npm", "nproc", "npx", "nslookup", "openssl", "passwd", "perf",
    "perl", "pgrep", "php", "ping", "pip", "pip3", "pkexec", "pkill", "powershell", "printenv",
    "ps", "psql", "pwd", "pwsh", "python", "python2", "python3", "readlink", "reboot",
    "regedit", "regsvr32", "rm", "rmdir", "rmt", "rpm", "rsync", "ruby", "rundll32", "runuser",
    "schtasks", "scp", "sed", "setsid", "sftp", "sh", "shutdown", "smbclient", "socat",
    "sqlite3", "ssh", "ssh-keygen", "sshpass", "start-process", "strace", "su", "sudo",
    "sysctl", "systemctl", "systeminfo", "tar", "taskkill", "tasklist", "tclsh", "tcpdump",
    "tcsh", "telnet", "tftp", "timeout", "traceroute", "umount", "uname", "unxz", "uptime",
    "useradd", "usermod", "vim", "visudo", "vssadmin", "wall", "wevtutil", "wget", "whereis",
    "whoami", "wmic", "wscript", "xargs", "xterm", "xxd", "xz", "zcat", "zsh", "zstd",
    "zstdcat",
};

/* Commands that are also everyday words, sorted too. */
static const char *const weak_cmds[] = {
    "alias", "apt", "arp", "call", "cat", "cd", "copy", "cut", "date", "dd", "del", "diff",
    "dir", "echo", "ed", "env", "erase", "eval", "exec", "export", "file", "find", "free",
    "git", "head", "host", "id", "ip", "kill", "last", "less", "locate", "mail", "make", "more",
    "mount", "move", "net", "nl", "od", "print", "read", "ren", "rev", "route", "set", "sleep",
    "sort", "source", "split", "start", "tail", "tee", "test", "time", "top", "touch", "tr",
    "trap", "type", "uniq", "ver", "vi", "watch", "wc", "which", "who", "zip",
};

/* Commands that run the next word as a command. */
static const char *const prefix_cmds[] = {
    "time", "nohup", "sudo", "env", "exec", "nice", "timeout", "xargs", "busybox", "command",
    "builtin", "strace", "ltrace", "setsid", "doas", "watch", "stdbuf", "chroot",
};

typedef struct word {
    char w[WORD_MAX];
    size_t wl;
    size_t start, end;   /* span in the value */
    int obf;             /* quotes, backslashes or variables inside the word */
    int glob;            /* ? * [..] */
    int trunc;           /* longer than WORD_MAX */
    size_t base;         /* offset of the basename in w */
} word_t;

typedef struct res {
    int score;
    size_t off, len;
    const char *what;
    char cmd[WORD_MAX];
} res_t;

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int is_ident(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Bytes that end a word: blanks, newline and ; | & < > ( ) ` { } */
#define STOP_BYTES(v)                                                                          \
    [' '] = (v), ['\t'] = (v), ['\r'] = (v), ['\v'] = (v), ['\f'] = (v), ['\n'] = (v), [';'] = (v), \
    ['|'] = (v), ['&'] = (v), ['<'] = (v), ['>'] = (v), ['('] = (v), [')'] = (v), ['`'] = (v),   \
    ['{'] = (v), ['}'] = (v)

static const unsigned char stop_byte[256] = { STOP_BYTES(1) };

static int is_stop(int c)
{
    return c >= 0 && c < 256 && stop_byte[c];
}

static void hit(res_t *r, int score, size_t off, size_t len, const char *what, const char *cmd)
{
    if (score <= r->score)
        return;
    r->score = score;
    r->off = off;
    r->len = len;
    r->what = what;
    r->cmd[0] = '\0';
    if (cmd)
        snprintf(r->cmd, sizeof(r->cmd), "%s", cmd);
}

/* `$IFS` / `${IFS}` at i: its length, else 0. */
static size_t ifs_at(const unsigned char *u, size_t n, size_t i)
{
    if (i + 3 < n && u[i] == '$' && u[i + 1] == 'I' && u[i + 2] == 'F' && u[i + 3] == 'S')
        return (i + 4 < n && is_ident(u[i + 4])) ? 0 : 4;
    if (i + 5 < n && u[i] == '$' && u[i + 1] == '{' && u[i + 2] == 'I' && u[i + 3] == 'F' &&
        u[i + 4] == 'S' && u[i + 5] == '}')
        return 6;
    return 0;
}

/* Blanks, ${IFS}, and the '(' '{' that open a group before a command. */
static size_t skip_blanks(const unsigned char *u, size_t n, size_t i, int groups)
{
    for (;;) {
        size_t k;
        if (i < n && (is_blank(u[i]) || (groups && (u[i] == '(' || u[i] == '{'))))
            i++;
        else if (i < n && (k = ifs_at(u, n, i)) != 0)
            i += k;
        else
            return i;
    }
}

/* What read_word does with a byte: W_ORD stores it (lowercased), W_STOP
 * ends the word, W_SPECIAL (quotes, escapes, variables, globs, the '/'
 * before a basename) needs a look. */
enum { W_ORD, W_STOP, W_SPECIAL };
static const unsigned char word_byte[256] = {
    STOP_BYTES(W_STOP), ['\''] = W_SPECIAL, ['"'] = W_SPECIAL, ['\\'] = W_SPECIAL,
    ['$'] = W_SPECIAL,  ['?'] = W_SPECIAL,   ['['] = W_SPECIAL, ['/'] = W_SPECIAL,
};

/* Reads one shell word at i (after quote removal), lowercased. */
static size_t read_word(const unsigned char *u, size_t n, size_t i, word_t *w)
{
    memset(w, 0, sizeof(*w));
    w->start = i;
    while (i < n && word_byte[u[i]] != W_STOP) {
        int c = u[i];
        if (word_byte[c] == W_ORD) {
            /* a run of ordinary bytes: themselves, lowercased, while the
             * word has room; the rest of the run only moves i */
            size_t room = WORD_MAX - 1 - w->wl, j = i;
            size_t lim = n - i < room ? n : i + room;
            char *o = w->w + w->wl;
            while (j < lim && word_byte[u[j]] == W_ORD)
                *o++ = (char)rp_lower(u[j++]);
            w->wl += j - i;
            if (j < n && word_byte[u[j]] == W_ORD) {
                w->trunc = 1;
                while (j < n && word_byte[u[j]] == W_ORD)
                    j++;
            }
            i = j;
            continue;
        }
        if (c == '\'' || c == '"') {
            if (w->wl)
                w->obf = 1;
            i++;
            continue;
        }
        if (c == '\\') {
            w->obf = 1;
            i++;
            if (i < n && u[i] != '\n' && !is_blank(u[i])) {
                c = u[i];
            } else {
                continue;
            }
        } else if (c == '$') {
            if (ifs_at(u, n, i))
                break;
            if (i + 1 < n && u[i + 1] == '{') {
                size_t j = i + 2;
                while (j < n && j < i + 34 && u[j] != '}')
                    j++;
                if (j < n && u[j] == '}' && j > i + 2) {
                    w->obf = 1;
                    i = j + 1;
                    continue;
                }
            } else if (i + 1 < n && (is_ident(u[i + 1]) || u[i + 1] == '@' || u[i + 1] == '*' ||
                                     u[i + 1] == '!' || u[i + 1] == '?' || u[i + 1] == '-' ||
                                     u[i + 1] == '$' || u[i + 1] == '#')) {
                size_t j = i + 1;
                if (!is_ident(u[j]) || (u[j] >= '0' && u[j] <= '9') || u[j] == '_')
                    j++;
                else
                    while (j < n && is_ident(u[j]))
                        j++;
                w->obf = 1;
                i = j;
                continue;
            } else if (i + 1 < n && u[i + 1] == '(') {
                break;
            }
        } else if (c == '?' || c == '[') {
            w->glob = 1;
        }
        if (c == '/' || (c == '\\' && 0))
            w->base = w->wl + 1;
        if (w->wl < WORD_MAX - 1)
            w->w[w->wl++] = (char)rp_lower(c);
        else
            w->trunc = 1;
        i++;
    }
    w->w[w->wl] = '\0';
    if (w->base > w->wl)
        w->base = w->wl;
    w->end = i;
    return i;
}

/* Glob match of pattern p against s: '?' and classes [..] [!..] with
 * ranges ('*' is not followed: "**Note" in Markdown is not a glob). */
static int glob_match(const char *p, const char *s)
{
    while (*s) {
        if (*p == '[') {
            const char *q = p + 1;
            int neg = 0, ok = 0;
            if (*q == '!' || *q == '^') {
                neg = 1;
                q++;
            }
            const char *cls = q;
            while (*q && (*q != ']' || q == cls)) {
                if (q[1] == '-' && q[2] && q[2] != ']') {
                    if (*s >= q[0] && *s <= q[2])
                        ok = 1;
                    q += 3;
                } else {
                    if (*q == *s)
                        ok = 1;
                    q++;
                }
            }
            if (*q != ']' || ok == neg)
                return 0;
            p = q + 1;
            s++;
        } else if (*p == '?' || *p == *s) {
            p++;
            s++;
        } else {
            return 0;
        }
    }
    return *p == '\0';
}

/* The bytes of a name glob_match(p, name) can match: one per byte or
 * class of p (the parse of glob_match), 0 when a class does not close
 * (then it matches nothing). */
static size_t glob_units(const char *p)
{
    size_t k = 0;
    while (*p) {
        if (*p == '[') {
            const char *q = p + 1;
            if (*q == '!' || *q == '^')
                q++;
            const char *cls = q;
            while (*q && (*q != ']' || q == cls))
                q += q[1] == '-' && q[2] && q[2] != ']' ? 3 : 1;
            if (*q != ']')
                return 0;
            p = q + 1;
        } else {
            p++;
        }
        k++;
    }
    return k;
}

/* "3.10", "2.7", "5": a version after a command name (python3.10). */
static int version_suffix(const char *v)
{
    int dig = 0;
    for (; *v; v++) {
        if (*v >= '0' && *v <= '9')
            dig = 1;
        else if (*v != '.')
            return 0;
    }
    return dig;
}

/* Binary search of b[0..bl) in the sorted table t. */
static const char *exact(const char *const *t, size_t nt, const char *b, size_t bl)
{
    size_t lo = 0, hi = nt;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const unsigned char *e = (const unsigned char *)t[mid];
        const unsigned char *bb = (const unsigned char *)b;
        /* memcmp over the shorter length, then the shorter first (no strlen) */
        size_t j = 0;
        int c;
        for (;; j++) {
            if (j == bl) {
                c = e[j] ? -1 : 0;
                break;
            }
            if (!e[j]) {
                c = 1;
                break;
            }
            if (bb[j] != e[j]) {
                c = (int)bb[j] - (int)e[j];
                break;
            }
        }
        if (c == 0)
            return t[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* The command table entry that names b (exactly, as a family name-x or
 * name + version, or as a glob). */
static int in_table(const char *const *t, size_t nt, const char *b, int glob, int family,
                    const char **name)
{
    size_t bl = strlen(b);
    const char *e;
    if (bl == 0)
        return 0;
    if (glob) {
        /* only names as long as the pattern has units can match */
        size_t units = glob_units(b);
        if (units < 2)
            return 0; /* the tables hold no name shorter than 2 bytes */
        unsigned char f = (unsigned char)b[0];
        if (f != '?' && f != '[') {
            /* a literal first byte: only the (contiguous) entries starting
             * with it can match */
            size_t lo = 0, hi = nt;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if ((unsigned char)t[mid][0] < f)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (size_t k = lo; k < nt && (unsigned char)t[k][0] == f; k++)
                if (strlen(t[k]) == units && glob_match(b, t[k])) {
                    *name = t[k];
                    return 1;
                }
            return 0;
        }
        for (size_t k = 0; k < nt; k++)
            if (strlen(t[k]) == units && glob_match(b, t[k])) {
                *name = t[k];
                return 1;
            }
        return 0;
    }
    if ((e = exact(t, nt, b, bl)) != NULL) {
        *name = e;
        return 1;
    }
    if (!family)
        return 0;
    /* name-anything: the part before any '-' (at least 3 bytes, something after) */
    for (size_t p = 3; p + 1 < bl; p++)
        if (b[p] == '-' && (e = exact(t, nt, b, p)) != NULL) {
            *name = e;
            return 1;
        }
    /* name + version: a trailing run of digits and dots holding a digit */
    size_t r = bl;
    while (r > 0 && ((b[r - 1] >= '0' && b[r - 1] <= '9') || b[r - 1] == '.'))
        r--;
    for (size_t el = r < 3 ? 3 : r; el + 1 < bl; el++)
        if (version_suffix(b + el) && (e = exact(t, nt, b, el)) != NULL) {
            *name = e;
            return 1;
        }
    return 0;
}

/* The first two bytes of the commands of each table: bit (b & 31) of
 * pairs[a & 31] for a command starting with a, b. A word whose first two
 * bytes have no bit names no command of that table exactly, as a family
 * or with a version (all of them start with the command); the unit test
 * checks the tables through rp__cmdi_tables_sorted. */
static const uint32_t strong_pairs[32] = {
    0x00000000, 0x00814002, 0x0428020a, 0x032d212a, 0x0001a202, 0x00002080, 0x00101090, 0x0424003a,
    0x00108000, 0x00854078, 0x00000020, 0x00280200, 0x00b80002, 0x02488800, 0x0009a22a, 0x00010000,
    0x028c8ba2, 0x00000000, 0x00292020, 0x023aa168, 0x0004026a, 0x00096000, 0x00080200, 0x000821a2,
    0x05100002, 0x00000000, 0x00080008, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
};

static const uint32_t weak_pairs[32] = {
    0x00000000, 0x00051000, 0x00000000, 0x00208012, 0x00000232, 0x01444018, 0x00040200, 0x00000200,
    0x00008020, 0x00010010, 0x00000000, 0x00000200, 0x00008022, 0x00008002, 0x00001020, 0x00000010,
    0x00040000, 0x00000000, 0x00008020, 0x00119020, 0x02048222, 0x00004000, 0x00000220, 0x0000010a,
    0x00000000, 0x00000000, 0x00000200, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
};

static int pair_in(const uint32_t *pairs, const char *b)
{
    unsigned char a = (unsigned char)b[0], c = a ? (unsigned char)b[1] : 0;
    return (pairs[a & 31] >> (c & 31)) & 1u;
}

int rp__cmdi_tables_sorted(void)
{
    for (size_t k = 1; k < NELEM(strong_cmds); k++)
        if (strcmp(strong_cmds[k - 1], strong_cmds[k]) >= 0)
            return 0;
    for (size_t k = 1; k < NELEM(weak_cmds); k++)
        if (strcmp(weak_cmds[k - 1], weak_cmds[k]) >= 0)
            return 0;
    for (size_t k = 0; k < NELEM(strong_cmds); k++)
        if (strlen(strong_cmds[k]) < 2 || !pair_in(strong_pairs, strong_cmds[k]))
            return 0;
    for (size_t k = 0; k < NELEM(weak_cmds); k++)
        if (strlen(weak_cmds[k]) < 2 || !pair_in(weak_pairs, weak_cmds[k]))
            return 0;
    return 1;
}

static int classify(const word_t *w, const char **name)
{
    const char *b = w->w + w->base;
    char tmp[WORD_MAX];
    /* A trailing ".exe" names the same command. */
    size_t bl = strlen(b);
    if (bl > 4 && bl < sizeof(tmp) && memcmp(b + bl - 4, ".exe", 4) == 0) {
        memcpy(tmp, b, bl - 4);
        tmp[bl - 4] = '\0';
        b = tmp;
    }
    if (w->trunc)
        return 0;
    if ((w->glob || pair_in(strong_pairs, b)) &&
        in_table(strong_cmds, NELEM(strong_cmds), b, w->glob, 1, name))
        return 2;
    if ((w->glob || pair_in(weak_pairs, b)) && in_table(weak_cmds, NELEM(weak_cmds), b, w->glob, 0, name))
        return 1;
    return 0;
}

static int bin_dir(const word_t *w)
{
    static const char *const dirs[] = { "/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/",
                                        "/usr/local/bin/", "/usr/local/sbin/" };
    for (size_t k = 0; k < NELEM(dirs); k++) {
        size_t l = strlen(dirs[k]);
        if (w->wl > l && memcmp(w->w, dirs[k], l) == 0)
            return 1;
    }
    return 0;
}

/* What follows a command word. */
enum { NX_END, NX_WORD, NX_SHELL };

static int next_kind(const unsigned char *u, size_t n, size_t i)
{
    size_t i0 = i;
    i = skip_blanks(u, n, i, 0);
    if (i >= n)
        return NX_END;
    int c = u[i];
    if (c == '\n' || c == '\r')
        return NX_END;
    /* `whoami;` is a command line, `test & set` a phrase */
    if (c == ';' || c == '|' || c == '&')
        return i == i0 ? NX_SHELL : NX_END;
    if (c == '-' && i + 1 < n && (is_ident(u[i + 1]) || u[i + 1] == '-'))
        return NX_SHELL;
    if (c == '/' && i + 1 < n && u[i + 1] != '/' && u[i + 1] != ' ')
        return NX_SHELL;
    if (c == '~' || c == '$' || c == '>' || c == '<' || c == '`')
        return NX_SHELL;
    if (c == '.' && i + 1 < n && (u[i + 1] == '/' || u[i + 1] == '.'))
        return NX_SHELL;
    if (i + 2 < n && ((c | 32) >= 'a' && (c | 32) <= 'z') && u[i + 1] == ':' && u[i + 2] == '\\')
        return NX_SHELL;
    /* a URL argument: wget http://.. */
    for (size_t j = i; j < n && j < i + 12 && !is_stop(u[j]); j++)
        if (u[j] == ':' && j + 2 < n && u[j + 1] == '/' && u[j + 2] == '/')
            return NX_SHELL;
    return NX_WORD;
}

static int is_prefix_cmd(const char *b)
{
    for (size_t k = 0; k < NELEM(prefix_cmds); k++)
        if (strcmp(b, prefix_cmds[k]) == 0)
            return 1;
    return 0;
}

/* Case-insensitive match of lowercase word kw at i, followed by a blank or
 * the end when `end`. */
static int kw_at(const unsigned char *u, size_t n, size_t i, const char *kw)
{
    size_t l = strlen(kw);
    if (i + l > n)
        return 0;
    for (size_t k = 0; k < l; k++)
        if (rp_lower(u[i + k]) != kw[k])
            return 0;
    return 1;
}

/* cmd.exe FOR: after "for", switches, then %v / %%v, then IN (..) DO. */
static int win_for(const unsigned char *u, size_t n, size_t i)
{
    size_t lim = i + 160 < n ? i + 160 : n;
    int tokens = 0;
    i = skip_blanks(u, n, i, 0);
    while (i < lim && u[i] != '%') {
        /* switches /d /r /l /f, their argument ("options", a path) */
        if (u[i] == '"') {
            size_t j = i + 1;
            while (j < lim && u[j] != '"')
                j++;
            i = j + 1;
        } else {
            if (u[i] != '/' && tokens == 0)
                return 0;
            while (i < lim && !is_blank(u[i]))
                i++;
        }
        if (++tokens > 5)
            return 0;
        i = skip_blanks(u, n, i, 0);
    }
    if (i >= lim || u[i] != '%')
        return 0;
    i++;
    if (i < lim && u[i] == '%')
        i++;
    while (i < lim && !is_blank(u[i]))
        i++;
    if (i >= lim)
        return 0;
    i = skip_blanks(u, n, i, 0);
    if (!kw_at(u, n, i, "in"))
        return 0;
    i = skip_blanks(u, n, i + 2, 0);
    if (i >= n || u[i] != '(')
        return 0;
    /* the set, then DO */
    size_t j = i;
    while (j < n && j < i + 400 && u[j] != ')')
        j++;
    if (j >= n || u[j] != ')')
        return 0;
    j = skip_blanks(u, n, j + 1, 0);
    return kw_at(u, n, j, "do");
}

/* One cmd.exe IF operand: a quoted string, (..), [..], {..} or a run of
 * non-blanks. Returns the end, or 0. */
static size_t if_operand(const unsigned char *u, size_t n, size_t i, int stop_eq)
{
    if (i >= n)
        return 0;
    if (u[i] == '"') {
        size_t j = i + 1;
        while (j < n && j < i + 80 && u[j] != '"')
            j++;
        return j < n && u[j] == '"' ? j + 1 : 0;
    }
    size_t j = i;
    while (j < n && j < i + 80 && !is_blank(u[j]) && u[j] != '\n' &&
           !(stop_eq && u[j] == '=' && j + 1 < n && u[j + 1] == '='))
        j++;
    return j > i ? j : 0;
}

static int cmp_op(const unsigned char *u, size_t n, size_t i)
{
    static const char *const ops[] = { "equ", "neq", "lss", "leq", "gtr", "geq" };
    for (size_t k = 0; k < NELEM(ops); k++)
        if (kw_at(u, n, i, ops[k]) && (i + 3 >= n || is_blank(u[i + 3]) || u[i + 3] == '"' ||
                                       u[i + 3] == '('))
            return 1;
    return 0;
}

/* cmd.exe IF [/I] [NOT] EXIST x | DEFINED x | ERRORLEVEL n | CMDEXTVERSION n
 * | a==b | a OP b, then a command (or '(' / '...'). i: after "if". */
static int win_if(const unsigned char *u, size_t n, size_t i)
{
    i = skip_blanks(u, n, i, 0);
    if (i + 1 < n && u[i] == '/' && rp_lower(u[i + 1]) == 'i') {
        i = skip_blanks(u, n, i + 2, 0);
    }
    if (kw_at(u, n, i, "not") && i + 3 < n && is_blank(u[i + 3]))
        i = skip_blanks(u, n, i + 3, 0);
    static const char *const kws[] = { "exist", "defined", "errorlevel", "cmdextversion" };
    for (size_t k = 0; k < NELEM(kws); k++) {
        size_t l = strlen(kws[k]);
        if (kw_at(u, n, i, kws[k]) && i + l < n && is_blank(u[i + l])) {
            size_t j = if_operand(u, n, skip_blanks(u, n, i + l, 0), 0);
            if (!j)
                return 0;
            j = skip_blanks(u, n, j, 0);
            return j < n && (is_ident(u[j]) || u[j] == '(' || u[j] == '@' || u[j] == '.');
        }
    }
    size_t j = if_operand(u, n, i, 1);
    if (!j)
        return 0;
    size_t k = skip_blanks(u, n, j, 0);
    if (k + 1 < n && u[k] == '=' && u[k + 1] == '=') {
        k += 2;
        if (k < n && u[k] == '=')
            k++;
    } else if (cmp_op(u, n, k)) {
        k += 3;
    } else {
        return 0;
    }
    k = skip_blanks(u, n, k, 0);
    j = if_operand(u, n, k, 0);
    if (!j)
        return 0;
    /* the operand must not run into code: `x == y:` `(a == b) {` */
    if (u[j - 1] == ':' || u[j - 1] == ';' || u[j - 1] == ',')
        return 0;
    j = skip_blanks(u, n, j, 0);
    if (j >= n || !(is_ident(u[j]) || u[j] == '(' || u[j] == '@' || u[j] == '.'))
        return 0;
    /* `if a == b do something` in prose: the command is a word the table knows
     * or a cmd.exe form (GOTO, ECHO, (..), ...) */
    return 1;
}

/* `alias [-opts|+opts] name=value` */
static int alias_def(const unsigned char *u, size_t n, size_t i)
{
    i = skip_blanks(u, n, i, 0);
    while (i < n && (u[i] == '-' || u[i] == '+')) {
        while (i < n && !is_blank(u[i]))
            i++;
        i = skip_blanks(u, n, i, 0);
    }
    size_t j = i;
    if (j < n && (u[j] == '\'' || u[j] == '"'))
        j++;
    size_t s = j;
    while (j < n && j < s + 64 && !is_blank(u[j]) && u[j] != '=' && u[j] != '\'' && u[j] != '"')
        j++;
    if (j < n && (u[j] == '\'' || u[j] == '"'))
        j++;
    return j > s && j < n && u[j] == '=';
}

/* An option (` -x`, ` --long`) among the next few words of a short line. */
static int has_option(const unsigned char *u, size_t n, size_t i)
{
    size_t lim = i + 80 < n ? i + 80 : n;
    for (; i + 2 < lim && u[i] != '\n'; i++)
        if (is_blank(u[i]) && u[i + 1] == '-' && (is_ident(u[i + 2]) || u[i + 2] == '-'))
            return 1;
    return 0;
}

/* Commands that are a whole attack on their own: whoami, ifconfig.. */
static int sole_command(const char *b)
{
    static const char *const sole[] = { "whoami", "ifconfig", "ipconfig", "visudo", "systeminfo",
                                        "netstat", "tasklist", "uname", "chef-shell",
                                        "ansible-console", "printenv", "lastlog" };
    for (size_t k = 0; k < NELEM(sole); k++)
        if (strcmp(b, sole[k]) == 0)
            return 1;
    return 0;
}

/* Short commands probed alone after a separator: `; id`, `& dir`. */
static int classic(const char *b)
{
    return strcmp(b, "id") == 0 || strcmp(b, "dir") == 0 || strcmp(b, "ver") == 0;
}

/* Evaluates a command position at i in context ctx. depth bounds the
 * prefix-command chain. Returns the end of the word read. */
static size_t command_at(const unsigned char *u, size_t n, size_t i, int ctx, int glued,
                         res_t *r, int depth)
{
    word_t w;
    const char *name = NULL;
    size_t s = skip_blanks(u, n, i, 1);
    if (s > i && ctx != CTX_START)
        glued = 0;
    /* a leading quote of the whole value: 'TiMe Sh -c whoami */
    size_t e = read_word(u, n, s, &w);
    if ((s + 6 <= n && memcmp(u + s, "$SHELL", 6) == 0) ||
        (s + 8 <= n && memcmp(u + s, "${SHELL}", 8) == 0)) {
        hit(r, 80, s, e - s, "$SHELL as a command", NULL);
        return e;
    }
    if (w.wl == 0) {
        /* `|$u wget ..`: an empty variable, the command is the next word */
        if (w.obf && e > s && depth < 3)
            return command_at(u, n, e, ctx, 0, r, depth + 1);
        return e > i ? e : i + 1;
    }
    /* sqlite3's dot commands that run a program: `;\n.shell nc ..` */
    if (ctx != CTX_START && w.w[0] == '.' &&
        (strcmp(w.w, ".shell") == 0 || strcmp(w.w, ".system") == 0 || strcmp(w.w, ".sh") == 0)) {
        hit(r, 85, s, e - s, "sqlite shell command", w.w);
        return e;
    }
    int kind = classify(&w, &name);
    const char *b = w.w + w.base;

    /* cmd.exe and shell builtins with their own grammar */
    if (!w.obf && w.w[0] == 'f' && strcmp(w.w, "for") == 0 && win_for(u, n, e)) {
        hit(r, 85, s, e - s, "cmd.exe FOR loop", "for");
        return e;
    }
    if (!w.obf && w.w[0] == 'i' && (strcmp(w.w, "if") == 0 || strcmp(w.w, "if/i") == 0) &&
        win_if(u, n, e)) {
        hit(r, 75, s, e - s, "cmd.exe IF", "if");
        return e;
    }
    if (b[0] == 'a' && strcmp(b, "alias") == 0 && alias_def(u, n, e)) {
        hit(r, 75, s, e - s, "alias definition", "alias");
        return e;
    }

    if (w.wl > 1 && w.w[0] == '/' && bin_dir(&w)) {
        hit(r, kind ? 85 : 75, s, e - s, "path to a binary", w.w);
        return e;
    }
    if (ctx == CTX_START && w.wl > 4 && memcmp(w.w, "bin/", 4) == 0 && kind) {
        hit(r, 70, s, e - s, "path to a binary", w.w);
        return e;
    }
    if (!kind)
        return e;

    int nx = next_kind(u, n, e);
    int score = 0;
    int obf = w.obf || (w.glob && w.base > 0) || (w.glob && kind);
    switch (ctx) {
    case CTX_STRONG:
        if (kind == 2 || obf || nx == NX_SHELL)
            score = 90;
        else if (nx == NX_END && (glued || classic(b)))
            score = 60;
        break;
    case CTX_SEMI:
    case CTX_AMP:
    case CTX_NL:
        if (obf || nx == NX_SHELL)
            score = kind == 2 ? 90 : 80;
        else if (kind == 2 && (glued || nx == NX_END))
            score = 85;
        else if (nx == NX_END && (glued || classic(b)) && ctx != CTX_NL)
            score = 60;
        break;
    case CTX_PREFIX:
        if (kind == 2 || obf || nx == NX_SHELL)
            score = 75;
        break;
    default: /* CTX_START */
        if (obf && (kind == 2 || nx != NX_WORD))
            score = 75;
        else if (nx == NX_SHELL)
            score = kind == 2 ? 70 : 65;
        else if (kind == 2 && (strchr(b, '-') || has_option(u, n, e) ||
                               (nx == NX_END && sole_command(b))))
            score = 60; /* ansible-doc plugin ping, ansible all -m ping, whoami */
        break;
    }
    if (score)
        hit(r, score, s, e - s,
            ctx == CTX_START || ctx == CTX_PREFIX ? "command" : "command after a separator", name);
    /* time sh -c .., nohup ifconfig, sudo -u x id */
    if (depth < 3 && is_prefix_cmd(name) && nx != NX_END) {
        size_t j = skip_blanks(u, n, e, 0);
        while (j < n && u[j] == '-') {
            while (j < n && !is_stop(u[j]))
                j++;
            j = skip_blanks(u, n, j, 0);
        }
        if (j < n && !is_stop(u[j]))
            return command_at(u, n, j, ctx == CTX_START ? CTX_PREFIX : ctx, 0, r, depth + 1);
    }
    return e;
}

/* Shapes of shell syntax that do not depend on the command word. */
static void shapes(const unsigned char *u, size_t n, size_t i, res_t *r)
{
    int c = u[i];
    if (c == '(' && i + 3 < n && u[i + 1] == ')' &&
        (i == 0 || is_blank(u[i - 1]) || u[i - 1] == '=' || u[i - 1] == '"' || u[i - 1] == '\'' ||
         u[i - 1] == ':')) {
        size_t j = skip_blanks(u, n, i + 2, 0);
        if (j < n && u[j] == '{')
            hit(r, 95, i, j + 1 - i, "Shellshock function definition", NULL);
    } else if (c == '/' && i + 9 <= n && memcmp(u + i, "/dev/", 5) == 0 &&
               (memcmp(u + i + 5, "tcp/", 4) == 0 || memcmp(u + i + 5, "udp/", 4) == 0)) {
        hit(r, 90, i, 9, "/dev/tcp redirection", NULL);
    } else if (c == '$' && i + 1 < n) {
        size_t k = ifs_at(u, n, i);
        if (k) {
            hit(r, 85, i, k, "${IFS} as a blank", NULL);
        } else if (u[i + 1] == '(') {
            /* $(..): the command inside is examined by the caller; here
             * the substitution itself, when it closes */
            size_t j = i + 2;
            while (j < n && j < i + 256 && u[j] != ')' && u[j] != '\n')
                j++;
            if (j < n && u[j] == ')' && !(j + 1 < n && u[j + 1] == '.')) {
                int arith = u[i + 2] == '(';
                size_t a = skip_blanks(u, n, i + 2, 1);
                if (arith || j == i + 2 || (a < n && (is_ident(u[a]) || u[a] == '$' || u[a] == '/')))
                    hit(r, arith ? 60 : 65, i, j + 1 - i, "command substitution", NULL);
            }
        } else if (u[i + 1] == '[') {
            size_t j = i + 2;
            while (j < n && j < i + 64 && u[j] != ']' && (u[j] == ' ' || u[j] == '+' ||
                   u[j] == '-' || u[j] == '*' || u[j] == '/' || u[j] == '%' || is_ident(u[j]) ||
                   u[j] == '$'))
                j++;
            if (j < n && u[j] == ']')
                hit(r, 60, i, j + 1 - i, "arithmetic expansion $[..]", NULL);
        } else if (u[i + 1] == '{') {
            /* ${var#pat} ${var%pat} ${var/a/b} ${var:-x} ${`cmd`} */
            size_t j = i + 2;
            while (j < n && j < i + 40 && is_ident(u[j]))
                j++;
            if (j < n && j > i + 2 &&
                (u[j] == '#' || u[j] == '%' || (u[j] == ':' && j + 1 < n && (u[j + 1] == '-' ||
                 u[j + 1] == '=' || u[j + 1] == '?' || u[j + 1] == '+')) || u[j] == '^' ||
                 u[j] == ',')) {
                size_t k2 = j + 1;
                while (k2 < n && k2 < j + 64 && u[k2] != '}' && u[k2] != ' ')
                    k2++;
                if (k2 < n && u[k2] == '}')
                    hit(r, 55, i, k2 + 1 - i, "parameter expansion", NULL);
            } else if (j == i + 2 && j < n && u[j] == '`') {
                hit(r, 70, i, 3, "parameter expansion", NULL);
            }
        }
    } else if ((c == '<' || c == '>') && i + 1 < n && u[i + 1] == '(' &&
               (i == 0 || is_blank(u[i - 1]) || u[i - 1] == ';' || u[i - 1] == '|' ||
                u[i - 1] == '&')) {
        size_t j = i + 2;
        while (j < n && j < i + 128 && u[j] != ')' && u[j] != '\n')
            j++;
        size_t a = i + 2;
        if (j < n && u[j] == ')' && a < n && is_ident(u[a]))
            hit(r, 60, i, j + 1 - i, "process substitution", NULL);
    }
}

/* The value starts with a command word glued to a separator (`time;`,
 * `id;`): what follows the separator is a command line too. */
static int first_is_command(const unsigned char *u, size_t n)
{
    word_t w;
    const char *name = NULL;
    size_t e = read_word(u, n, skip_blanks(u, n, 0, 0), &w);
    return w.wl && e < n && (u[e] == ';' || u[e] == '&' || u[e] == '|') && classify(&w, &name);
}

/* Shapes of a whole value: `~+` `~-2` (directory stack), `!-1!-2`
 * (history), `{l,-lh}s` `c{a,oun}t` `{,ifconfig}` (brace expansion to a
 * command). */
static void whole_value(const unsigned char *u, size_t n, res_t *r)
{
    if (n <= 4 && u[0] == '~' && (u[1] == '+' || u[1] == '-')) {
        size_t k = 2;
        while (k < n && u[k] >= '0' && u[k] <= '9')
            k++;
        if (k == n)
            hit(r, 55, 0, n, "directory stack expansion", NULL);
        return;
    }
    if (n >= 3 && u[0] == '!' && u[1] == '-' && u[2] >= '0' && u[2] <= '9') {
        hit(r, 55, 0, n, "history expansion", NULL);
        return;
    }
    const unsigned char *ob = memchr(u, '{', n);
    if (!ob || n > 128)
        return;
    size_t o = (size_t)(ob - u), c = o + 1;
    while (c < n && u[c] != '}' && !is_blank(u[c]))
        c++;
    if (c >= n || u[c] != '}' || !memchr(u + o, ',', c - o))
        return;
    /* the word holding the braces: c{a,oun}t /etc/passwd */
    size_t ws = o, we = c + 1;
    while (ws > 0 && !is_blank(u[ws - 1]))
        ws--;
    while (we < n && !is_blank(u[we]))
        we++;
    for (size_t k = ws; k < we; k++)
        if ((k != o && u[k] == '{') || (k != c && u[k] == '}'))
            return;
    /* each alternative with the prefix and suffix */
    size_t a = o + 1;
    while (a <= c) {
        size_t b = a;
        while (b < c && u[b] != ',')
            b++;
        char buf[WORD_MAX + 1];
        size_t bl = 0;
        for (size_t k = ws; k < o && bl < WORD_MAX; k++)
            buf[bl++] = (char)u[k];
        for (size_t k = a; k < b && bl < WORD_MAX; k++)
            buf[bl++] = (char)u[k];
        for (size_t k = c + 1; k < we && bl < WORD_MAX; k++)
            buf[bl++] = (char)u[k];
        buf[bl] = '\0';
        word_t w;
        const char *name = NULL;
        read_word((const unsigned char *)buf, bl, 0, &w);
        if (w.wl && classify(&w, &name)) {
            hit(r, 75, o, c + 1 - o, "brace expansion to a command", name);
            return;
        }
        a = b + 1;
    }
}

size_t rp__md_fence_line(const unsigned char *u, size_t n, size_t i)
{
    size_t j = i, k;
    while (j < n && j < i + 3 && u[j] == ' ')
        j++;
    if (j >= n || (u[j] != '`' && u[j] != '~'))
        return 0;
    for (k = j; k < n && u[k] == u[j]; k++)
        ;
    if (k - j < 3)
        return 0;
    while (k < n && u[k] != '\n')
        k++;
    return k;
}

/* The closing fence of a block opened on the line ending at e, if any. */
static int fence_closes(const unsigned char *u, size_t n, size_t e)
{
    for (size_t i = e; i < n; i++)
        if (u[i] == '\n' && rp__md_fence_line(u, n, i + 1))
            return 1;
    return 0;
}

int rp__waf_cmdi(const char *s, size_t n, unsigned src, unsigned pt_flags, rp__waf_match_t *m)
{
    const unsigned char *u = (const unsigned char *)s;
    res_t r;
    (void)src;

    m->score = 0;
    m->off = m->len = 0;
    m->evidence[0] = '\0';
    if (!s || n < 2 || (pt_flags & RP_WAF_PT_NUMBER))
        return 0;
    /* A command line needs a blank or one of these. */
    {
        static const unsigned char need[256] = {
            [' '] = 1, ['\t'] = 1, ['\n'] = 1, [';'] = 1, ['|'] = 1, ['&'] = 1, ['`'] = 1, ['$'] = 1,
            ['('] = 1, ['<'] = 1, ['>'] = 1, ['/'] = 1, ['\\'] = 1, ['%'] = 1, ['{'] = 1, ['~'] = 1,
            ['!'] = 1,
        };
        size_t i = 0;
        while (i < n && !need[u[i]])
            i++;
        if (i == n)
            return 0;
    }
    memset(&r, 0, sizeof(r));
    /* Markdown (a comment, a wiki page): the lines of a closed fenced code
     * block are shown, not run. What they hold is reported at most as
     * suspicious (FENCE_MAX, below the block threshold). */
    res_t rf;
    memset(&rf, 0, sizeof(rf));
    int in_tick = 0, in_fence = 0, fenced = 0;
    size_t i = 0;
    /* a first word glued to ; & or | needs one of them in the value */
    int promote = (memchr(u, ';', n) || memchr(u, '&', n) || memchr(u, '|', n)) &&
                  first_is_command(u, n);
    size_t fe = rp__md_fence_line(u, n, 0);
    if (fe && fence_closes(u, n, fe)) {
        in_fence = 1;
        i = fe;
    } else {
        command_at(u, n, 0, CTX_START, 1, &r, 0);
        whole_value(u, n, &r);
    }
    /* the bytes the loop below acts on; the others only move it forward */
    static const unsigned char act[256] = {
        [';'] = 1, ['\n'] = 1, ['|'] = 1, ['&'] = 1, ['`'] = 1, ['<'] = 1, ['$'] = 1, ['>'] = 1,
        ['('] = 1, ['/'] = 1,
    };
    while (i < n && r.score < 90) {
        /* four bytes a test while none of them acts (most values are
         * words, numbers and URLs), then byte by byte */
        while (i + 4 <= n && !(act[u[i]] | act[u[i + 1]] | act[u[i + 2]] | act[u[i + 3]]))
            i += 4;
        while (i < n && !act[u[i]])
            i++;
        if (i >= n)
            break;
        int c = u[i];
        size_t next = i + 1;
        int ctx = -1;
        if (c == '\n' && (fe = rp__md_fence_line(u, n, next)) != 0 &&
            (in_fence || fence_closes(u, n, fe))) {
            in_fence = !in_fence;
            in_tick = 0;
            i = fe;
            continue;
        }
        res_t *rr = in_fence ? &rf : &r;
        switch (c) {
        case ';':
            ctx = CTX_SEMI;
            break;
        case '\n':
            ctx = CTX_NL;
            break;
        case '|':
            if (next < n && u[next] == '|')
                next++;
            ctx = CTX_STRONG;
            break;
        case '&':
            if (next < n && u[next] == '&') {
                next++;
                ctx = CTX_STRONG;
            } else {
                ctx = CTX_AMP;
            }
            break;
        case '`':
            in_tick = !in_tick;
            if (in_tick)
                ctx = CTX_STRONG;
            break;
        case '<':
            if (next + 1 < n && u[next] == '<' && u[next + 1] == '<') {
                next += 2;
                ctx = CTX_STRONG;
                break;
            }
            /* fall through */
        case '$':
        case '>':
            shapes(u, n, i, rr);
            if (next < n && u[next] == '(') {
                next++;
                while (next < n && u[next] == '(')
                    next++;
                ctx = CTX_STRONG;
            }
            break;
        case '(':
        case '/':
            shapes(u, n, i, rr);
            break;
        default:
            break;
        }
        if (ctx >= 0) {
            if (promote && (ctx == CTX_SEMI || ctx == CTX_AMP))
                ctx = CTX_STRONG;
            (void)command_at(u, n, next, ctx, 1, rr, 0);
            /* the word is scanned too (/dev/tcp/ or $( inside it) */
            i = next;
            continue;
        }
        i = next;
    }
    if (r.score == 0 && rf.score > 0) {
        r = rf;
        r.score = rf.score < FENCE_MAX ? rf.score : FENCE_MAX;
        fenced = 1;
    }
    if (r.score == 0)
        return 0;
    m->score = r.score > 100 ? 100 : r.score;
    m->off = r.off < n ? r.off : n;
    m->len = r.len <= n - m->off ? r.len : n - m->off;
    snprintf(m->evidence, sizeof(m->evidence), "cmdi: %s%s%s%s%s", r.what, r.cmd[0] ? " (" : "",
             r.cmd, r.cmd[0] ? ")" : "", fenced ? " in a Markdown code block" : "");
    return m->score;
}
