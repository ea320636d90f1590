/* util.c - number parsing/formatting and glob matching with Redis's rules.
 * See util.h. Nothing here allocates or keeps state. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LD_MAX_CHARS (5 * 1024)

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

static int lower(int c, int nocase)
{
    return nocase ? tolower(c) : c;
}

/* tolower in the C locale, also defined for negative (signed char) values. */
static int lower_ascii(int c, int nocase)
{
    return nocase && c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int util_glob(const char *p, size_t plen, const char *s, size_t slen, int nocase)
{
    while (plen && slen) {
        switch (*p) {
        case '*':
            while (plen > 1 && p[1] == '*') {
                p++;
                plen--;
            }
            if (plen == 1)
                return 1;
            while (slen) {
                if (util_glob(p + 1, plen - 1, s, slen, nocase))
                    return 1;
                s++;
                slen--;
            }
            return 0;
        case '?':
            s++;
            slen--;
            break;
        case '[': {
            int not = 0, match = 0;
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
                    if (*p == *s)
                        match = 1;
                } else if (*p == ']') {
                    break;
                } else if (plen >= 3 && p[1] == '-') {
                    /* Redis compares range ends as (signed) chars and swaps
                     * reversed ends before lowering them: "[a-\xff]" is the
                     * range -1..'a', and with nocase "[Z-a]" matches nothing
                     * at all. Matching Redis byte for byte means doing the same. */
                    int a = (signed char)p[0], b = (signed char)p[2], c = (signed char)*s;
                    if (a > b) {
                        int t = a;
                        a = b;
                        b = t;
                    }
                    a = lower_ascii(a, nocase);
                    b = lower_ascii(b, nocase);
                    c = lower_ascii(c, nocase);
                    if (c >= a && c <= b)
                        match = 1;
                    p += 2;
                    plen -= 2;
                } else if (lower((unsigned char)*p, nocase) == lower((unsigned char)*s, nocase)) {
                    match = 1;
                }
                p++;
                plen--;
            }
            if (not)
                match = !match;
            if (!match)
                return 0;
            s++;
            slen--;
            break;
        }
        case '\\':
            if (plen >= 2) {
                p++;
                plen--;
            }
            /* fall through */
        default:
            if (lower((unsigned char)*p, nocase) != lower((unsigned char)*s, nocase))
                return 0;
            s++;
            slen--;
            break;
        }
        p++;
        plen--;
        if (slen == 0) {
            while (plen && *p == '*') {
                p++;
                plen--;
            }
            break;
        }
    }
    return plen == 0 && slen == 0;
}
