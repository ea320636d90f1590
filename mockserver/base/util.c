/* util.c - number parsing/formatting and glob matching with Redis's rules,
 * and the edit distance behind "did you mean" hints. See util.h. Nothing
 * here allocates or keeps state. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LD_MAX_CHARS (5 * 1024)

int util_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int util_mem_unit(const char *u, unsigned long long *mul)
{
    static const struct {
        const char *unit;
        unsigned long long mul;
    } units[] = {{"", 1},           {"b", 1},
                 {"k", 1000},       {"kb", 1024},
                 {"m", 1000000},    {"mb", 1024 * 1024},
                 {"g", 1000000000}, {"gb", 1024ULL * 1024 * 1024}};
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (!strcasecmp(u, units[i].unit)) {
            *mul = units[i].mul;
            return 1;
        }
    return 0;
}

int util_str2ll(const char *s, size_t n, long long *out)
{
    const char *end = s + n;
    int neg = 0;
    unsigned long long v = 0;
    if (n == 0 || n > 20)
        return 0;
    if (n == 1 && s[0] == '0') {
        *out = 0;
        return 1;
    }
    if (*s == '-') {
        neg = 1;
        if (++s == end)
            return 0;
    }
    if (*s < '1' || *s > '9')
        return 0;
    for (; s < end; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        unsigned d = (unsigned)(*s - '0');
        if (v > (ULLONG_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (unsigned long long)LLONG_MAX + 1)
            return 0;
        *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
    } else {
        if (v > LLONG_MAX)
            return 0;
        *out = (long long)v;
    }
    return 1;
}

int util_str2ld(const char *s, size_t n, long double *out)
{
    char buf[LD_MAX_CHARS + 1];
    char *eptr;
    if (n == 0 || n >= LD_MAX_CHARS) /* Redis's buffer keeps room for the NUL */
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    long double v = strtold(buf, &eptr);
    if (isspace((unsigned char)buf[0]) || *eptr != '\0' || (size_t)(eptr - buf) != n ||
        (errno == ERANGE && (v == HUGE_VALL || v == -HUGE_VALL || fpclassify(v) == FP_ZERO)) ||
        isnan(v))
        return 0;
    *out = v;
    return 1;
}

int util_str2d(const char *s, size_t n, double *out)
{
    char buf[LD_MAX_CHARS + 1];
    char *eptr;
    if (n == 0 || n > LD_MAX_CHARS)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    errno = 0;
    double v = strtod(buf, &eptr);
    if (isspace((unsigned char)buf[0]) || *eptr != '\0' || (size_t)(eptr - buf) != n ||
        (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || fpclassify(v) == FP_ZERO)) ||
        isnan(v))
        return 0;
    *out = v;
    return 1;
}

int util_ld2str(char *out, size_t size, long double v)
{
    if (isinf(v))
        return snprintf(out, size, "%s", v > 0 ? "inf" : "-inf");
    int n = snprintf(out, size, "%.17Lf", v);
    if (n < 0 || (size_t)n >= size)
        return n;
    if (strchr(out, '.') != NULL) {
        while (n > 0 && out[n - 1] == '0')
            n--;
        if (n > 0 && out[n - 1] == '.')
            n--;
        out[n] = '\0';
    }
    if (n == 2 && out[0] == '-' && out[1] == '0') {
        out[0] = '0';
        out[1] = '\0';
        n = 1;
    }
    return n;
}

/* What tolower() gives Redis for the (signed) char c with nocase: Redis
 * lowers in the C locale, so A-Z become a-z, and glibc's table answers
 * c + 256 for -128..-2 (bytes 0x80..0xfe) and leaves -1 (0xff, EOF) alone.
 * Bytes compared for equality come out equal exactly when they are equal
 * bytes or a case pair; the shift matters only for range bounds. */
static int glob_lower(int c, int nocase)
{
    if (!nocase)
        return c;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 'a';
    return c < -1 ? c + 256 : c;
}

/* Past this many '*' groups on the way to a match, Redis 7.0.15 gives up
 * and answers "no match" (its guard against abusive patterns bounds its
 * recursion, one level per '*'). A '*' that ends the pattern does not count:
 * it matches the rest of the string without going deeper. */
#define GLOB_MAX_STARS 1000

/* Matches the one-byte token at *p (?, a [class], a \ escape or a literal)
 * against c, and steps the pattern past it. Never called on '*' or with
 * *plen == 0. */
static int glob_token(const char **pp, size_t *plenp, char c, int nocase)
{
    const char *p = *pp;
    size_t plen = *plenp;
    int match = 0;
    switch (*p) {
    case '?': match = 1; break;
    case '[': {
        int not = 0;
        p++;
        plen--;
        if (plen && *p == '^') {
            not = 1;
            p++;
            plen--;
        }
        for (;;) {
            if (plen == 0) {
                /* Unterminated class: Redis steps back onto the last byte. */
                p--;
                plen++;
                break;
            }
            if (*p == '\\' && plen >= 2) {
                p++;
                plen--;
                if (*p == c) /* an escaped byte compares exactly, even nocase */
                    match = 1;
            } else if (*p == ']') {
                break;
            } else if (plen >= 3 && p[1] == '-') {
                /* Redis compares range ends as (signed) chars and swaps
                 * reversed ends before lowering them: "[a-\xff]" is the
                 * range -1..'a', and with nocase "[Z-a]" matches nothing
                 * at all, nor does "[\x80-M]" (lowered, 128..'m').
                 * Matching Redis byte for byte means doing the same. */
                int a = (signed char)p[0], b = (signed char)p[2], x = (signed char)c;
                if (a > b) {
                    int t = a;
                    a = b;
                    b = t;
                }
                a = glob_lower(a, nocase);
                b = glob_lower(b, nocase);
                x = glob_lower(x, nocase);
                if (x >= a && x <= b)
                    match = 1;
                p += 2;
                plen -= 2;
            } else if (glob_lower((signed char)*p, nocase) == glob_lower((signed char)c, nocase)) {
                match = 1;
            }
            p++;
            plen--;
        }
        if (not )
            match = !match;
        break;
    }
    case '\\':
        if (plen >= 2) { /* a trailing backslash is a literal backslash */
            p++;
            plen--;
        }
        /* fall through */
    default:
        match = glob_lower((signed char)*p, nocase) == glob_lower((signed char)c, nocase);
        break;
    }
    *pp = p + 1;
    *plenp = plen - 1;
    return match;
}

/* Every token but '*' matches exactly one byte, so once the pattern after
 * some '*' has been tried at every later start in the string and failed,
 * no other split for the earlier '*'s can help: an earlier '*' taking more
 * only moves that same rest further right. So only the last '*' seen is
 * ever backtracked to (its start moves one byte at a time), the earlier
 * ones stay as they are, and a match costs O(plen * slen) at worst. Redis
 * 7.0.15 stops in the same cases (its matcher gives up on longer matches
 * once a '*' has failed); the answers are the same, including for
 * malformed patterns, since the tokens are read the same way. */
int util_glob(const char *p, size_t plen, const char *s, size_t slen, int nocase)
{
    const char *star_p = NULL; /* the pattern after the last '*' reached */
    size_t star_plen = 0;
    const char *star_s = NULL; /* where its current try starts in s */
    size_t star_slen = 0;
    int stars = 0;

    if (slen == 0) /* Redis reads no token at all: even "*" fails */
        return plen == 0;
    for (;;) {
        /* Here slen > 0. */
        if (plen != 0 && *p == '*') {
            while (plen > 1 && p[1] == '*') {
                p++;
                plen--;
            }
            if (plen == 1)
                return 1;
            if (++stars > GLOB_MAX_STARS)
                return 0;
            star_p = ++p;
            star_plen = --plen;
            star_s = s;
            star_slen = slen;
            continue;
        }
        if (plen != 0 && glob_token(&p, &plen, *s, nocase)) {
            s++;
            slen--;
            if (slen > 0)
                continue;
            while (plen && *p == '*') { /* the string is used up */
                p++;
                plen--;
            }
            if (plen == 0)
                return 1;
        }
        /* This try failed: the last '*' takes one more byte, if any is left
         * for the rest of the pattern. */
        if (star_p == NULL || star_slen == 1)
            return 0;
        p = star_p;
        plen = star_plen;
        s = ++star_s;
        slen = --star_slen;
    }
}

/* Optimal string alignment distance (Levenshtein plus adjacent swaps), in
 * three rows on the stack. */
int util_edit_distance(const char *a, size_t an, const char *b, size_t bn)
{
    enum { MAXW = 64 };
    if (an > MAXW || bn > MAXW)
        return 1 << 20;
    int rows[3][MAXW + 1];
    int *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= bn; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= an; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= bn; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            int best = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && pp[j - 2] + 1 < best)
                best = pp[j - 2] + 1;
            cur[j] = best;
        }
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[bn];
}

int util_nearest(const char *w, size_t wn, const char *const *list, size_t n)
{
    int limit = wn <= 4 ? 1 : wn <= 8 ? 2 : 3;
    int best = -1, bestd = limit + 1;
    for (size_t i = 0; i < n; i++) {
        int d = util_edit_distance(w, wn, list[i], strlen(list[i]));
        if (d > 0 && d < bestd) {
            best = (int)i;
            bestd = d;
        }
    }
    return best;
}
