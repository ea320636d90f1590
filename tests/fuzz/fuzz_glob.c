/* fuzz_glob.c - libFuzzer target for util_glob, Redis's glob matcher.
 *
 * Input: one flags byte (bit 0: nocase), two bytes of pattern length
 * (little endian, taken modulo what is left), the pattern, then the string.
 *
 * util_glob's answer is checked against a reference written for being
 * obviously right rather than fast: the pattern is first cut into tokens
 * by Redis's reading rules (below), then a table says, for every token i
 * and string position j, whether tokens i.. match bytes j.. ('*' any run,
 * every other token exactly one byte). The reference stays out of util.c's
 * shortcuts (one backtracking point, the star bound) and shares no code
 * with it. Inputs whose table would be large, or that reach Redis's bound
 * of 1000 '*'s, are only run, not compared. A slow input is a finding too:
 * the ctest run gives libFuzzer a short -timeout.
 *
 * Reading rules (Redis 7.0.15, checked on redis-server: test_util.c,
 * tests/integration/test_glob.c):
 *  - a run of '*' is one star; '?' is any byte;
 *  - '\' escapes the next byte, a final '\' is itself;
 *  - '[' opens a class: '^' first negates it; then items until ']':
 *    '\x' is byte x compared exactly (even nocase), "a-b" (three bytes) a
 *    range, anything else a byte; a class still open at the end of the
 *    pattern ends there;
 *  - with nocase, bytes compare after tolower() as glibc does it on a
 *    signed char (A-Z lowered, 0x80..0xfe become 128..254, 0xff stays -1);
 *    range bounds compare as signed chars, are swapped when reversed, then
 *    lowered;
 *  - an empty string matches only the empty pattern (not even "*"). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REF_MAX_CELLS (1u << 20)
#define REF_MAX_STARS 1000

enum tok_kind { T_STAR, T_ANY, T_BYTE, T_CLASS };

struct item {
    int lo, hi; /* a range, bounds as signed chars, lo <= hi before lowering */
    int exact;  /* an escaped byte: lo == hi, compared without lowering */
    int range;
};

struct tok {
    enum tok_kind kind;
    int byte;            /* T_BYTE */
    int neg;             /* T_CLASS */
    size_t first, count; /* T_CLASS: its items in the item array */
};

static int ref_lower(int c, int nocase)
{
    if (!nocase)
        return c;
    if (c >= 'A' && c <= 'Z')
        return c + ('a' - 'A');
    if (c >= -128 && c <= -2)
        return c + 256;
    return c;
}

static int ref_class(const struct tok *t, const struct item *items, int c, int nocase)
{
    int hit = 0;
    for (size_t i = t->first; i < t->first + t->count; i++) {
        const struct item *it = &items[i];
        if (it->exact)
            hit |= c == it->lo;
        else if (it->range)
            hit |= ref_lower(c, nocase) >= ref_lower(it->lo, nocase) &&
                   ref_lower(c, nocase) <= ref_lower(it->hi, nocase);
        else
            hit |= ref_lower(c, nocase) == ref_lower(it->lo, nocase);
    }
    return t->neg ? !hit : hit;
}

static int ref_one(const struct tok *t, const struct item *items, int c, int nocase)
{
    switch (t->kind) {
    case T_ANY: return 1;
    case T_BYTE: return ref_lower(t->byte, nocase) == ref_lower(c, nocase);
    case T_CLASS: return ref_class(t, items, c, nocase);
    case T_STAR: break;
    }
    abort();
}

/* Cuts p into tokens (toks/items sized plen + 1 each). Returns the count. */
static size_t ref_tokens(const signed char *p, size_t plen, struct tok *toks, struct item *items,
                         size_t *nitems)
{
    size_t nt = 0, i = 0;
    *nitems = 0;
    while (i < plen) {
        struct tok *t = &toks[nt++];
        memset(t, 0, sizeof(*t));
        if (p[i] == '*') {
            t->kind = T_STAR;
            while (i < plen && p[i] == '*')
                i++;
        } else if (p[i] == '?') {
            t->kind = T_ANY;
            i++;
        } else if (p[i] == '\\') {
            t->kind = T_BYTE;
            t->byte = i + 1 < plen ? p[i + 1] : '\\';
            i += i + 1 < plen ? 2 : 1;
        } else if (p[i] != '[') {
            t->kind = T_BYTE;
            t->byte = p[i++];
        } else {
            t->kind = T_CLASS;
            i++;
            if (i < plen && p[i] == '^') {
                t->neg = 1;
                i++;
            }
            t->first = *nitems;
            while (i < plen && p[i] != ']') {
                struct item *it = &items[(*nitems)++];
                memset(it, 0, sizeof(*it));
                if (p[i] == '\\' && i + 1 < plen) {
                    it->exact = 1;
                    it->lo = it->hi = p[i + 1];
                    i += 2;
                } else if (i + 2 < plen && p[i + 1] == '-') {
                    it->range = 1;
                    it->lo = p[i] < p[i + 2] ? p[i] : p[i + 2];
                    it->hi = p[i] < p[i + 2] ? p[i + 2] : p[i];
                    i += 3;
                } else {
                    it->lo = it->hi = p[i++];
                }
            }
            t->count = *nitems - t->first;
            if (i < plen)
                i++; /* the ']' */
        }
    }
    return nt;
}

/* Returns 1/0, or -1 when the input is outside what the reference checks. */
static int ref_match(const signed char *p, size_t plen, const signed char *s, size_t slen,
                     int nocase)
{
    if (slen == 0)
        return plen == 0;
    struct tok *toks = malloc((plen + 1) * sizeof(*toks));
    struct item *items = malloc((plen + 1) * sizeof(*items));
    size_t nitems, nt = ref_tokens(p, plen, toks, items, &nitems);
    size_t stars = 0;
    for (size_t i = 0; i + 1 < nt; i++) /* a final star is not counted */
        stars += toks[i].kind == T_STAR;
    int result = -1;
    if (stars <= REF_MAX_STARS && (nt + 1) * (slen + 1) <= REF_MAX_CELLS) {
        /* m[i * (slen + 1) + j]: tokens i.. match bytes j.. */
        unsigned char *m = malloc((nt + 1) * (slen + 1));
        for (size_t i = nt + 1; i-- > 0;) {
            for (size_t j = slen + 1; j-- > 0;) {
                unsigned char v;
                if (i == nt)
                    v = j == slen;
                else if (toks[i].kind == T_STAR)
                    v = m[(i + 1) * (slen + 1) + j] || (j < slen && m[i * (slen + 1) + j + 1]);
                else
                    v = j < slen && ref_one(&toks[i], items, s[j], nocase) &&
                        m[(i + 1) * (slen + 1) + j + 1];
                m[i * (slen + 1) + j] = v;
            }
        }
        result = m[0];
        free(m);
    }
    free(toks);
    free(items);
    return result;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    int nocase = data[0] & 1;
    size_t rest = size - 3;
    size_t plen = ((size_t)data[1] | (size_t)data[2] << 8) % (rest + 1);
    const char *p = (const char *)data + 3, *s = p + plen;
    size_t slen = rest - plen;

    /* Copies, so that ASan sees any read past either end. */
    char *pc = malloc(plen ? plen : 1), *sc = malloc(slen ? slen : 1);
    memcpy(pc, p, plen);
    memcpy(sc, s, slen);
    int got = util_glob(pc, plen, sc, slen, nocase);
    if (got != 0 && got != 1)
        abort();
    int want = ref_match((const signed char *)pc, plen, (const signed char *)sc, slen, nocase);
    if (want >= 0 && got != want)
        abort();
    free(pc);
    free(sc);
    return 0;
}
