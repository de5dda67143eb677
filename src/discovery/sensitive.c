/*
 * sensitive.c - which kinds of sensitive data a value or a field name
 * carries. Only the kind bits leave this file; values are never copied.
 *
 * Each detector validates what can be validated so that ordinary ids do
 * not light up: card numbers pass Luhn and have a known length and
 * prefix, IBANs pass ISO 7064 mod 97-10 with their country's length,
 * US SSNs follow the SSA area/group/serial rules and come formatted,
 * French NIRs carry their 97 - (n mod 97) key, JWTs have a header that
 * base64url-decodes to a JSON object with "alg". Phone numbers are E.164
 * (+ and 8..15 digits) or common national formats with separators.
 */
#include "disc_int.h"

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_alnum(int c) { return is_digit(c) || is_upper(c) || is_lower(c); }

const char *rp_disc_sensitive_name(unsigned bit)
{
    switch (bit) {
    case RP_DISC_S_EMAIL: return "email";
    case RP_DISC_S_PHONE: return "phone";
    case RP_DISC_S_CARD: return "card";
    case RP_DISC_S_IBAN: return "iban";
    case RP_DISC_S_NATIONAL_ID: return "national_id";
    case RP_DISC_S_JWT: return "jwt";
    case RP_DISC_S_CLOUD_KEY: return "cloud_key";
    case RP_DISC_S_PASSWORD: return "password";
    default: return "unknown";
    }
}

int rp__luhn_ok(rp_str_t d)
{
    int sum = 0, alt = 0;
    size_t n = 0;
    for (size_t i = d.n; i-- > 0;) {
        int c = (unsigned char)d.p[i];
        if (!is_digit(c))
            return 0;
        int v = c - '0';
        if (alt) {
            v *= 2;
            if (v > 9)
                v -= 9;
        }
        sum += v;
        alt = !alt;
        n++;
    }
    return n > 0 && sum % 10 == 0;
}

/* 13-19 digits, separated by single spaces or dashes at most, a known
 * issuer prefix (Visa 4, Mastercard 51-55/22-27, Amex 34/37, Discover 6,
 * JCB 35, Diners 30/36/38, UnionPay 62, Maestro 50/56-69), Luhn. */
static int card(rp_str_t v)
{
    char dg[20];
    size_t n = 0;
    int seps = 0;
    for (size_t i = 0; i < v.n; i++) {
        int c = (unsigned char)v.p[i];
        if (is_digit(c)) {
            if (n == 19)
                return 0;
            dg[n++] = (char)c;
        } else if ((c == ' ' || c == '-') && n > 0 && i + 1 < v.n &&
                   is_digit((unsigned char)v.p[i + 1]) && is_digit((unsigned char)v.p[i - 1])) {
            seps++;
        } else {
            return 0;
        }
    }
    if (n < 13 || n > 19 || seps > 4)
        return 0;
    int p1 = dg[0] - '0', p2 = p1 * 10 + dg[1] - '0';
    int ok = p1 == 4 || (p2 >= 51 && p2 <= 55) || (p2 >= 22 && p2 <= 27) || p2 == 34 ||
             p2 == 37 || p2 == 35 || p2 == 30 || p2 == 36 || p2 == 38 || p1 == 6 || p2 == 50;
    if (!ok)
        return 0;
    /* all one digit repeated is a placeholder, not a card */
    size_t same = 1;
    while (same < n && dg[same] == dg[0])
        same++;
    if (same == n)
        return 0;
    return rp__luhn_ok(rp_str(dg, n));
}

/* IBAN lengths by country (a subset covering SEPA and common others). */
static int iban_len(const char *cc)
{
    static const struct { char cc[3]; unsigned char len; } t[] = {
        { "AD", 24 }, { "AE", 23 }, { "AT", 20 }, { "BE", 16 }, { "BG", 22 }, { "BR", 29 },
        { "CH", 21 }, { "CY", 28 }, { "CZ", 24 }, { "DE", 22 }, { "DK", 18 }, { "EE", 20 },
        { "ES", 24 }, { "FI", 18 }, { "FR", 27 }, { "GB", 22 }, { "GR", 27 }, { "HR", 21 },
        { "HU", 28 }, { "IE", 22 }, { "IS", 26 }, { "IT", 27 }, { "LI", 21 }, { "LT", 20 },
        { "LU", 20 }, { "LV", 21 }, { "MC", 27 }, { "MT", 31 }, { "NL", 18 }, { "NO", 15 },
        { "PL", 28 }, { "PT", 25 }, { "RO", 24 }, { "SA", 24 }, { "SE", 24 }, { "SI", 19 },
        { "SK", 24 }, { "SM", 27 }, { "TR", 26 },
    };
    for (size_t i = 0; i < RP_ARRAY_SIZE(t); i++)
        if (t[i].cc[0] == cc[0] && t[i].cc[1] == cc[1])
            return t[i].len;
    return -1;
}

int rp__iban_ok(rp_str_t v)
{
    char s[40];
    size_t n = 0;
    for (size_t i = 0; i < v.n; i++) {
        int c = (unsigned char)v.p[i];
        if (c == ' ')
            continue;
        if (n == sizeof(s))
            return 0;
        if (is_lower(c))
            c -= 32;
        if (!is_digit(c) && !is_upper(c))
            return 0;
        s[n++] = (char)c;
    }
    if (n < 15 || n > 34 || !is_upper((unsigned char)s[0]) || !is_upper((unsigned char)s[1]) ||
        !is_digit((unsigned char)s[2]) || !is_digit((unsigned char)s[3]))
        return 0;
    int want = iban_len(s);
    if (want < 0 || (size_t)want != n)
        return 0;
    /* rearranged: BBAN + country + check digits, letters as 10..35, mod 97 */
    unsigned rem = 0;
    for (size_t k = 0; k < n; k++) {
        int c = (unsigned char)s[(k + 4) % n];
        if (is_digit(c)) {
            rem = (rem * 10 + (unsigned)(c - '0')) % 97;
        } else {
            unsigned x = (unsigned)(c - 'A' + 10);
            rem = (rem * 100 + x) % 97;
        }
    }
    return rem == 1;
}

/* US SSN, formatted AAA-GG-SSSS: area not 000, 666 or 9xx; group not 00;
 * serial not 0000. Bare 9-digit numbers are too common to count. */
static int ssn(rp_str_t v)
{
    if (v.n != 11 || v.p[3] != '-' || v.p[6] != '-')
        return 0;
    for (size_t i = 0; i < 11; i++)
        if (i != 3 && i != 6 && !is_digit((unsigned char)v.p[i]))
            return 0;
    int area = (v.p[0] - '0') * 100 + (v.p[1] - '0') * 10 + (v.p[2] - '0');
    int group = (v.p[4] - '0') * 10 + (v.p[5] - '0');
    int serial = (v.p[7] - '0') * 1000 + (v.p[8] - '0') * 100 + (v.p[9] - '0') * 10 + v.p[10] - '0';
    return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
}

/* French NIR: 15 characters (spaces allowed), sex 1/2, year, month 01-12
 * (or 20-42, 50-99 for special cases), department (2A/2B for Corsica),
 * key = 97 - (13 first digits mod 97). */
static int nir(rp_str_t v)
{
    char s[15];
    size_t n = 0;
    for (size_t i = 0; i < v.n; i++) {
        int c = (unsigned char)v.p[i];
        if (c == ' ')
            continue;
        if (n == 15)
            return 0;
        s[n++] = (char)c;
    }
    if (n != 15 || (s[0] != '1' && s[0] != '2'))
        return 0;
    int corsica = 0;
    for (size_t i = 0; i < 15; i++) {
        if (i == 6 && (s[i] == 'A' || s[i] == 'B') && s[5] == '2') {
            corsica = s[i] == 'A' ? 1 : 2;
            continue;
        }
        if (!is_digit((unsigned char)s[i]))
            return 0;
    }
    int month = (s[3] - '0') * 10 + s[4] - '0';
    if (month < 1 || (month > 12 && month < 20) || (month > 42 && month < 50))
        return 0;
    /* Corsica: "2A" counts as 19, "2B" as 18 */
    if (corsica) {
        s[5] = '1';
        s[6] = corsica == 1 ? '9' : '8';
    }
    uint64_t num = 0;
    for (size_t i = 0; i < 13; i++)
        num = num * 10 + (uint64_t)(s[i] - '0');
    int key = (s[13] - '0') * 10 + s[14] - '0';
    return key == (int)(97 - num % 97);
}

/* Phone numbers: E.164 "+" and 8-15 digits, separators allowed; national
 * formats with at least two separators or parentheses and 9-12 digits,
 * e.g. (555) 123-4567, 555-123-4567, 06 12 34 56 78, 020 7946 0958. */
static int phone(rp_str_t v)
{
    if (v.n < 8 || v.n > 24)
        return 0;
    size_t dg = 0, seps = 0, i = 0;
    int plus = v.p[0] == '+', paren = 0;
    if (plus)
        i = 1;
    for (; i < v.n; i++) {
        int c = (unsigned char)v.p[i];
        if (is_digit(c))
            dg++;
        else if (c == ' ' || c == '-' || c == '.')
            seps++;
        else if (c == '(' || c == ')')
            paren++;
        else
            return 0;
    }
    if (plus)
        return dg >= 8 && dg <= 15 && v.p[1] != '0';
    /* the SSN shape (ddd-dd-dddd) is not a phone number, valid SSN or not */
    if (v.n == 11 && v.p[3] == '-' && v.p[6] == '-')
        return 0;
    if (paren != 0 && paren != 2)
        return 0;
    /* a date (2024-06-01) or a version (1.2.3) is not a phone number */
    if (seps + (paren ? 1u : 0u) < 2 || dg < 9 || dg > 12)
        return 0;
    /* groups of 2..4 digits */
    size_t run = 0, maxrun = 0;
    for (i = 0; i < v.n; i++) {
        if (is_digit((unsigned char)v.p[i])) {
            run++;
            maxrun = run > maxrun ? run : maxrun;
        } else {
            run = 0;
        }
    }
    return maxrun <= 4;
}

static int b64url_val(int c)
{
    if (is_upper(c))
        return c - 'A';
    if (is_lower(c))
        return c - 'a' + 26;
    if (is_digit(c))
        return c - '0' + 52;
    if (c == '-' || c == '+')
        return 62;
    if (c == '_' || c == '/')
        return 63;
    return -1;
}

/* header.payload.signature, header decodes to {"alg":...} */
static int jwt(rp_str_t v)
{
    if (v.n < 20 || v.p[0] != 'e' || v.p[1] != 'y')
        return 0;
    const char *d1 = memchr(v.p, '.', v.n);
    if (!d1)
        return 0;
    const char *d2 = memchr(d1 + 1, '.', (size_t)(v.p + v.n - d1 - 1));
    if (!d2 || memchr(d2 + 1, '.', (size_t)(v.p + v.n - d2 - 1)) || d2 == d1 + 1)
        return 0;
    for (const char *c = d1 + 1; c < v.p + v.n; c++)
        if (c != d2 && b64url_val((unsigned char)*c) < 0 && *c != '=')
            return 0;
    /* decode the header (at most 512 bytes) */
    char hdr[384];
    size_t hn = 0, bits = 0;
    uint32_t acc = 0;
    size_t len = (size_t)(d1 - v.p);
    if (len > 512)
        return 0;
    for (size_t i = 0; i < len; i++) {
        int x = b64url_val((unsigned char)v.p[i]);
        if (x < 0) {
            if (v.p[i] == '=')
                break;
            return 0;
        }
        acc = (acc << 6) | (uint32_t)x;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            hdr[hn++] = (char)((acc >> bits) & 0xff);
        }
    }
    size_t i = 0;
    while (i < hn && (hdr[i] == ' ' || hdr[i] == '\n' || hdr[i] == '\r' || hdr[i] == '\t'))
        i++;
    if (i >= hn || hdr[i] != '{')
        return 0;
    for (; i + 5 <= hn; i++)
        if (memcmp(hdr + i, "\"alg\"", 5) == 0)
            return 1;
    return 0;
}

static int all_class(const char *p, size_t n, int upper_digit)
{
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)p[i];
        if (upper_digit ? !(is_upper(c) || is_digit(c)) : !(is_alnum(c) || c == '_'))
            return 0;
    }
    return 1;
}

/* Cloud and SaaS credentials with a recognisable shape. */
static int cloud_key(rp_str_t v)
{
    if (v.n == 20 && (memcmp(v.p, "AKIA", 4) == 0 || memcmp(v.p, "ASIA", 4) == 0 ||
                      memcmp(v.p, "AGPA", 4) == 0 || memcmp(v.p, "AIDA", 4) == 0))
        return all_class(v.p + 4, 16, 1);
    if (v.n == 40 && (memcmp(v.p, "ghp_", 4) == 0 || memcmp(v.p, "gho_", 4) == 0 ||
                      memcmp(v.p, "ghu_", 4) == 0 || memcmp(v.p, "ghs_", 4) == 0 ||
                      memcmp(v.p, "ghr_", 4) == 0))
        return all_class(v.p + 4, 36, 0);
    if (v.n > 82 && memcmp(v.p, "github_pat_", 11) == 0)
        return all_class(v.p + 11, v.n - 11, 0);
    if (v.n >= 24 && (memcmp(v.p, "sk_live_", 8) == 0 || memcmp(v.p, "rk_live_", 8) == 0 ||
                      memcmp(v.p, "sk_test_", 8) == 0))
        return all_class(v.p + 8, v.n - 8, 0);
    if (v.n >= 15 && v.p[0] == 'x' && v.p[1] == 'o' && v.p[2] == 'x' &&
        (v.p[3] == 'b' || v.p[3] == 'p' || v.p[3] == 'a' || v.p[3] == 'r') && v.p[4] == '-') {
        for (size_t i = 5; i < v.n; i++)
            if (!is_alnum((unsigned char)v.p[i]) && v.p[i] != '-')
                return 0;
        return 1;
    }
    if (v.n == 39 && memcmp(v.p, "AIza", 4) == 0) {
        for (size_t i = 4; i < v.n; i++)
            if (!is_alnum((unsigned char)v.p[i]) && v.p[i] != '-' && v.p[i] != '_')
                return 0;
        return 1;
    }
    return 0;
}

static int email(rp_str_t v)
{
    return v.n >= 6 && memchr(v.p, '@', v.n) && rp__disc_value_kind(v) == RP_VK_EMAIL;
}

unsigned rp__sensitive_value(rp_str_t v)
{
    if (v.n < 6 || v.n > 4096)
        return 0;
    /* "Bearer <jwt>", "Basic ...", "Token ...": look at the credentials */
    static const char *const schemes[] = { "bearer ", "basic ", "token " };
    for (size_t i = 0; i < RP_ARRAY_SIZE(schemes); i++) {
        size_t l = strlen(schemes[i]);
        if (v.n > l && rp_str_ieq(rp_str(v.p, l), rp_str(schemes[i], l))) {
            v = rp_str_trim(rp_str(v.p + l, v.n - l));
            if (v.n < 6)
                return 0;
            break;
        }
    }
    /* the common case, numeric ids: fewer than 13 plain digits cannot be
     * any of the kinds below (cards have 13+, the others separators) */
    if (v.n < 13) {
        size_t i = 0;
        while (i < v.n && v.p[i] >= '0' && v.p[i] <= '9')
            i++;
        if (i == v.n)
            return 0;
    }
    unsigned k = 0;
    int c0 = (unsigned char)v.p[0];
    if (memchr(v.p, '@', v.n) && email(v))
        k |= RP_DISC_S_EMAIL;
    if (is_digit(c0) || c0 == '+' || c0 == '(') {
        if (card(v))
            k |= RP_DISC_S_CARD;
        else if (ssn(v) || nir(v))
            k |= RP_DISC_S_NATIONAL_ID;
        else if (phone(v))
            k |= RP_DISC_S_PHONE;
    }
    if (is_upper(c0) || is_lower(c0)) {
        if (c0 == 'e' && jwt(v))
            k |= RP_DISC_S_JWT;
        else if (cloud_key(v))
            k |= RP_DISC_S_CLOUD_KEY;
        else if (v.n >= 15 && is_upper(c0) && rp__iban_ok(v))
            k |= RP_DISC_S_IBAN;
    }
    return k;
}

/* Field and parameter names that hold secrets. */
unsigned rp__sensitive_name(rp_str_t name)
{
    char w[64];
    if (name.n == 0 || name.n >= sizeof(w))
        return 0;
    /* lower-case, drop separators: "new_password", "Pass-Word" -> "newpassword" */
    size_t n = 0;
    for (size_t i = 0; i < name.n; i++) {
        int c = rp_lower((unsigned char)name.p[i]);
        if (c == '_' || c == '-' || c == '.')
            continue;
        w[n++] = (char)c;
    }
    w[n] = 0;
    static const char *const exact[] = { "pwd", "pin", "passwd", "pass", "cvv", "cvc", "otp" };
    for (size_t i = 0; i < RP_ARRAY_SIZE(exact); i++)
        if (strcmp(w, exact[i]) == 0)
            return RP_DISC_S_PASSWORD;
    static const char *const sub[] = { "password", "passphrase", "secret", "passcode",
                                       "pincode", "privatekey" };
    for (size_t i = 0; i < RP_ARRAY_SIZE(sub); i++)
        if (strstr(w, sub[i]))
            return RP_DISC_S_PASSWORD;
    return 0;
}
