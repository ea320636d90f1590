/* test_glob.c - the glob matcher (util_glob) against redis-server's, on
 * thousands of generated patterns: differential, label `differential`.
 *
 * Both servers get the same few hundred keys (short strings over a small
 * alphabet, upper and lower case, the pattern metacharacters, NUL and other
 * binary bytes, plus a long run of a's). Then, for every pattern from a
 * fixed-seed generator, `KEYS pattern` is sent to both and the replies are
 * compared as sorted sets: one round trip per pattern per server, and a
 * mismatch shows exactly which keys one server matched and the other did
 * not. Patterns are mostly made from a key (each byte kept, case-flipped,
 * replaced by ?, *, a class or range around it, escaped or dropped), so
 * that many of them match something, the rest are token soup; some get a
 * malformed tail (an open class, "[^", a lone backslash, "[a-").
 *
 * Redis matches case-insensitively in CONFIG GET (whose candidates are the
 * parameter names: only those both servers know are compared) and in
 * COMMAND LIST FILTERBY PATTERN (whose names differ more between the two
 * servers); CONFIG GET carries the nocase half here, with patterns made
 * from parameter names in mixed case. CONFIG GET matches with the C string
 * of the pattern, up to its first NUL, as Redis does.
 *
 * Fixed cases come first: the many-star patterns that froze the old
 * matcher, and Redis's bound of 1000 '*'s. The first mismatches are printed
 * with both replies; the test then fails with the count. */
#include "it.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GT_KEYS     400
#define GT_PATTERNS 6000
#define GT_NOCASE   2000
#define GT_SHOW     8 /* mismatches printed in full */
#define GT_MAXPAT   200
#define GT_MAXKEY   12
#define GT_SEED     0x676c6f62ULL /* "glob" */

/* ---- a fixed-seed generator (splitmix64: the same bytes on every platform) -- */

static uint64_t gt_state = GT_SEED;

static uint64_t gt_next(void)
{
    uint64_t z = (gt_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned gt_rand(unsigned n)
{
    return (unsigned)(gt_next() % n);
}

static const char GT_LOWER[] = "abc";
static const char GT_UPPER[] = "ABC";
static const char GT_META[] = "[]^-\\*?";
static const unsigned char GT_BINARY[] = {0x00, 0x01, 0x7f, 0x80, 0xc9, 0xe9, 0xff};

/* One byte of a key: mostly a few letters so that patterns match often. */
static char gt_byte(void)
{
    unsigned r = gt_rand(100);
    if (r < 50)
        return GT_LOWER[gt_rand(3)];
    if (r < 65)
        return GT_UPPER[gt_rand(3)];
    if (r < 80)
        return GT_META[gt_rand(sizeof(GT_META) - 1)];
    if (r < 90)
        return (char)GT_BINARY[gt_rand(sizeof(GT_BINARY))];
    return (char)gt_rand(256);
}

/* A growing pattern (bounded: bytes past the end are dropped). */
struct gt_pat {
    char p[GT_MAXPAT];
    size_t n;
};

static void gt_put(struct gt_pat *g, char c)
{
    if (g->n < sizeof(g->p))
        g->p[g->n++] = c;
}

static void gt_puts(struct gt_pat *g, const char *s)
{
    while (*s)
        gt_put(g, *s++);
}

static char gt_flip(char c)
{
    if (c >= 'a' && c <= 'z')
        return (char)(c - 'a' + 'A');
    if (c >= 'A' && c <= 'Z')
        return (char)(c - 'A' + 'a');
    return c;
}

/* A class: maybe negated, items that are bytes, ranges (either order) or
 * escapes, one of them about c; sometimes left open. */
static void gt_class(struct gt_pat *g, char c)
{
    gt_put(g, '[');
    if (gt_rand(10) < 3)
        gt_put(g, '^');
    unsigned items = gt_rand(4), about = gt_rand(items + 1);
    for (unsigned i = 0; i <= items; i++) {
        char x = i == about ? c : gt_byte();
        unsigned kind = gt_rand(10);
        if (kind < 4) {
            gt_put(g, x);
        } else if (kind < 8) {
            char y = gt_byte();
            int lo_first = gt_rand(2);
            gt_put(g, lo_first ? x : y);
            gt_put(g, '-');
            gt_put(g, lo_first ? y : x);
        } else {
            gt_put(g, '\\');
            gt_put(g, x);
        }
    }
    if (gt_rand(100) < 90)
        gt_put(g, ']');
}

/* A pattern made from key s (n bytes), byte by byte. */
static void gt_from(struct gt_pat *g, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        unsigned r = gt_rand(100);
        if (r < 40) {
            if (strchr("*?[\\", c) != NULL && c != '\0' && gt_rand(4) != 0)
                gt_put(g, '\\');
            gt_put(g, c);
        } else if (r < 48) {
            gt_put(g, gt_flip(c));
        } else if (r < 58) {
            gt_put(g, '?');
        } else if (r < 68) {
            gt_put(g, '*');
        } else if (r < 73) {
            gt_put(g, '*');
            gt_put(g, c);
        } else if (r < 85) {
            gt_class(g, c);
        } else if (r < 90) {
            /* dropped */
        } else if (r < 95) {
            gt_put(g, gt_byte());
        } else {
            gt_put(g, '\\');
            gt_put(g, c);
        }
    }
}

/* Tokens from nowhere. */
static void gt_soup(struct gt_pat *g)
{
    unsigned n = gt_rand(10);
    for (unsigned i = 0; i < n; i++) {
        unsigned r = gt_rand(100);
        if (r < 15)
            gt_put(g, '*');
        else if (r < 25)
            gt_put(g, '?');
        else if (r < 45)
            gt_class(g, gt_byte());
        else if (r < 85)
            gt_put(g, gt_byte());
        else
            gt_put(g, "\\[]-^"[gt_rand(5)]);
    }
}

/* Sometimes a malformed tail. */
static void gt_tail(struct gt_pat *g)
{
    static const char *const tails[] = {"[", "[^", "\\", "[a-", "[\\", "[]", "[^]", "*["};
    if (gt_rand(100) < 12)
        gt_puts(g, tails[gt_rand(sizeof(tails) / sizeof(tails[0]))]);
}

/* ---- talking to both servers ------------------------------------------------ */

struct gt_str {
    const char *p;
    size_t n;
};

static int gt_cmp(const void *a, const void *b)
{
    const struct gt_str *x = a, *y = b;
    size_t n = x->n < y->n ? x->n : y->n;
    int c = memcmp(x->p, y->p, n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* The reply's strings (every element, or every other one from the first for
 * a map-shaped array), sorted, in out (at most max); returns the count. */
static size_t gt_sorted(const redisReply *r, size_t step, struct gt_str *out, size_t max)
{
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    size_t n = 0;
    for (size_t i = 0; i < r->elements && n < max; i += step) {
        assert_int_equal(r->element[i]->type, REDIS_REPLY_STRING);
        out[n].p = r->element[i]->str;
        out[n].n = IT_REPLY_LEN(r->element[i]);
        n++;
    }
    qsort(out, n, sizeof(*out), gt_cmp);
    return n;
}

static redisReply *gt_call(redisContext *ctx, int argc, const char **argv, const size_t *argl)
{
    redisReply *r = redisCommandArgv(ctx, argc, argv, argl);
    if (r == NULL)
        fail_msg("no reply to %s within hiredis's 5 s (a stuck matcher?): %s", argv[0],
                 ctx->errstr);
    return r;
}

struct gt_run {
    redisContext *redis, *mock;
    long compared, mismatches, nonempty;
};

static void gt_show_list(const char *who, const struct gt_str *v, size_t n, const struct gt_str *o,
                         size_t on)
{
    char e[512];
    print_message("    only %s:", who);
    for (size_t i = 0; i < n; i++) {
        if (bsearch(&v[i], o, on, sizeof(*o), gt_cmp) == NULL)
            print_message(" \"%s\"", mh_escape(v[i].p, v[i].n, e, sizeof(e)));
    }
    print_message("\n");
}

/* Compares the sorted sets a (redis) and b (mock) for one pattern. keep,
 * when not NULL, restricts a to the strings found in it (sorted). */
static void gt_compare(struct gt_run *t, const char *what, const char *pat, size_t plen,
                       struct gt_str *a, size_t na, struct gt_str *b, size_t nb,
                       const struct gt_str *keep, size_t nkeep)
{
    if (keep != NULL) {
        size_t k = 0;
        for (size_t i = 0; i < na; i++)
            if (bsearch(&a[i], keep, nkeep, sizeof(*keep), gt_cmp) != NULL)
                a[k++] = a[i];
        na = k;
    }
    t->compared++;
    if (na > 0)
        t->nonempty++;
    int same = na == nb;
    for (size_t i = 0; same && i < na; i++)
        same = gt_cmp(&a[i], &b[i]) == 0;
    if (same)
        return;
    if (t->mismatches++ < GT_SHOW) {
        char e[GT_MAXPAT * 4 + 16];
        print_message("MISMATCH %s \"%s\": redis %zu, mock %zu\n", what,
                      mh_escape(pat, plen, e, sizeof(e)), na, nb);
        gt_show_list("redis", a, na, b, nb);
        gt_show_list("mock", b, nb, a, na);
    }
}

/* KEYS pattern on both servers, compared. */
static void gt_keys(struct gt_run *t, const char *pat, size_t plen)
{
    static struct gt_str a[GT_KEYS + 8], b[GT_KEYS + 8];
    const char *argv[2] = {"KEYS", pat};
    size_t argl[2] = {4, plen};
    redisReply *ra = gt_call(t->redis, 2, argv, argl);
    redisReply *rb = gt_call(t->mock, 2, argv, argl);
    size_t na = gt_sorted(ra, 1, a, GT_KEYS + 8), nb = gt_sorted(rb, 1, b, GT_KEYS + 8);
    gt_compare(t, "KEYS", pat, plen, a, na, b, nb, NULL, 0);
    freeReplyObject(ra);
    freeReplyObject(rb);
}

/* Sets the keys on one server, pipelined. */
static void gt_fill(redisContext *ctx, char keys[][GT_MAXKEY + 1], const size_t *klen, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *argv[3] = {"SET", keys[i], "1"};
        size_t argl[3] = {3, klen[i], 1};
        assert_int_equal(redisAppendCommandArgv(ctx, 3, argv, argl), REDIS_OK);
    }
    for (size_t i = 0; i < n; i++) {
        void *r = NULL;
        assert_int_equal(redisGetReply(ctx, &r), REDIS_OK);
        assert_int_equal(((redisReply *)r)->type, REDIS_REPLY_STATUS);
        freeReplyObject(r);
    }
}

static void gt_setup(struct gt_run *t, struct mh_server **r, struct mh_server **m)
{
    *r = it_redis(NULL);
    if (*r == NULL)
        fail_msg("cannot start redis-server, the oracle of this test");
    *m = it_mock(NULL);
    memset(t, 0, sizeof(*t));
    t->redis = it_connect(mh_server_port(*r));
    t->mock = it_connect(mh_server_port(*m));
}

static void gt_teardown(struct gt_run *t, struct mh_server *r, struct mh_server *m)
{
    redisFree(t->redis);
    redisFree(t->mock);
    it_stop(r);
    it_stop_ok(m);
}

static void gt_verdict(const struct gt_run *t, long min_nonempty)
{
    print_message("%ld patterns compared, %ld matched something on redis-server, %ld mismatches\n",
                  t->compared, t->nonempty, t->mismatches);
    if (t->mismatches)
        fail_msg("%ld of %ld patterns matched differently (first %d above)", t->mismatches,
                 t->compared, GT_SHOW);
    /* A generator whose patterns never match would prove little. */
    assert_true(t->nonempty >= min_nonempty);
}

/* ---- the tests -------------------------------------------------------------- */

/* Many stars (they froze the old matcher) and the 1000-star bound. */
static void test_glob_fixed(void **state)
{
    (void)state;
    struct gt_run t;
    struct mh_server *r, *m;
    gt_setup(&t, &r, &m);
    static char a[2001], p[4004];
    memset(a, 'a', sizeof(a));
    size_t lens[] = {40, 1000, 1001, 2001};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        const char *argv[3] = {"SET", a, "1"};
        size_t argl[3] = {3, lens[i], 1};
        freeReplyObject(gt_call(t.redis, 3, argv, argl));
        freeReplyObject(gt_call(t.mock, 3, argv, argl));
    }
    for (int stars = 1; stars <= 40; stars++) { /* a*a*...*b, a*a*...*a */
        size_t n = 0;
        for (int i = 0; i < stars; i++) {
            p[n++] = 'a';
            p[n++] = '*';
        }
        p[n] = 'b';
        gt_keys(&t, p, n + 1);
        p[n] = 'a';
        gt_keys(&t, p, n + 1);
    }
    for (size_t i = 0; i < sizeof(p); i += 2) {
        p[i] = '*';
        p[i + 1] = 'a';
    }
    size_t plens[] = {1998, 1999, 2000, 2001, 2002, 2003, 2004, 2005, 4002, 4003};
    for (size_t i = 0; i < sizeof(plens) / sizeof(plens[0]); i++)
        gt_keys(&t, p, plens[i]);
    gt_verdict(&t, 40);
    gt_teardown(&t, r, m);
}

static void test_glob_keys(void **state)
{
    (void)state;
    struct gt_run t;
    struct mh_server *r, *m;
    gt_setup(&t, &r, &m);

    static char keys[GT_KEYS][GT_MAXKEY + 1];
    static size_t klen[GT_KEYS];
    for (size_t i = 0; i < GT_KEYS; i++) {
        klen[i] = gt_rand(3) == 0 ? gt_rand(4) : gt_rand(GT_MAXKEY + 1);
        for (size_t j = 0; j < klen[i]; j++)
            keys[i][j] = gt_byte();
    }
    gt_fill(t.redis, keys, klen, GT_KEYS);
    gt_fill(t.mock, keys, klen, GT_KEYS);

    for (int i = 0; i < GT_PATTERNS; i++) {
        struct gt_pat g = {.n = 0};
        if (gt_rand(100) < 65) {
            size_t k = gt_rand(GT_KEYS);
            gt_from(&g, keys[k], klen[k]);
        } else {
            gt_soup(&g);
        }
        gt_tail(&g);
        gt_keys(&t, g.p, g.n);
    }
    gt_verdict(&t, GT_PATTERNS / 4);
    gt_teardown(&t, r, m);
}

/* CONFIG GET matches parameter names with nocase. Only names that both
 * servers know are compared (mockredis knows a subset, docs/protocol.md). */
static void test_glob_nocase_config(void **state)
{
    (void)state;
    struct gt_run t;
    struct mh_server *r, *m;
    gt_setup(&t, &r, &m);

    /* mockredis's names, from CONFIG GET * on it. */
    static struct gt_str known[256];
    const char *all[3] = {"CONFIG", "GET", "*"};
    redisReply *ra = gt_call(t.mock, 3, all, NULL);
    size_t nknown = gt_sorted(ra, 2, known, 256);
    assert_true(nknown >= 10);

    static struct gt_str a[512], b[512];
    for (int i = 0; i < GT_NOCASE; i++) {
        struct gt_pat g = {.n = 0};
        const struct gt_str *name = &known[gt_rand((unsigned)nknown)];
        char mixed[64];
        size_t n = name->n < sizeof(mixed) ? name->n : sizeof(mixed);
        for (size_t j = 0; j < n; j++)
            mixed[j] = gt_rand(2) ? gt_flip(name->p[j]) : name->p[j];
        gt_from(&g, mixed, n);
        if (gt_rand(4) == 0)
            gt_soup(&g);
        gt_tail(&g);
        /* A pattern without * ? [ is looked up by name, not matched. */
        if (memchr(g.p, '*', g.n) == NULL && memchr(g.p, '?', g.n) == NULL &&
            memchr(g.p, '[', g.n) == NULL)
            gt_put(&g, gt_rand(2) ? '*' : '?');
        const char *argv[3] = {"CONFIG", "GET", g.p};
        size_t argl[3] = {6, 3, g.n};
        redisReply *x = gt_call(t.redis, 3, argv, argl);
        redisReply *y = gt_call(t.mock, 3, argv, argl);
        size_t na = gt_sorted(x, 2, a, 512), nb = gt_sorted(y, 2, b, 512);
        gt_compare(&t, "CONFIG GET", g.p, g.n, a, na, b, nb, known, nknown);
        freeReplyObject(x);
        freeReplyObject(y);
    }
    freeReplyObject(ra);
    /* about 1 in 10 matches: with Redis's 192 names, long ones, the
     * mutated tail matches less often than it did with 30 */
    gt_verdict(&t, GT_NOCASE / 16);
    gt_teardown(&t, r, m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glob_fixed),
        cmocka_unit_test(test_glob_keys),
        cmocka_unit_test(test_glob_nocase_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
