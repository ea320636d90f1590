/* test_dict.c - unit tests of dict.c: the insertion-ordered hash table.
 *
 * Covers lookups with binary keys, value ownership (the free function runs
 * exactly once per owned value), insertion order across deletes and
 * resizes, SCAN's guarantee while the table grows and shrinks between
 * calls, and dict_random's reach. Keys are "k<number>" so a test can keep
 * a seen-count per key in a plain array. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"

static int frees;

static void count_free(void *v)
{
    frees++;
    free(v);
}

static int keyname(char *out, size_t size, int i)
{
    return snprintf(out, size, "k%d", i);
}

static int keynum(const struct dict_entry *e)
{
    assert_true(e->klen > 1 && e->key[0] == 'k');
    return atoi(e->key + 1);
}

static void put(struct dict *d, int i)
{
    char k[32];
    int created;
    int n = keyname(k, sizeof(k), i);
    struct dict_entry *e = dict_upsert(d, k, (size_t)n, &created);
    assert_int_equal(created, 1);
    int *v = malloc(sizeof(int));
    *v = i;
    e->val = v;
}

static int has(const struct dict *d, int i)
{
    char k[32];
    int n = keyname(k, sizeof(k), i);
    struct dict_entry *e = dict_find(d, k, (size_t)n);
    if (e == NULL)
        return 0;
    assert_int_equal(*(int *)e->val, i);
    return 1;
}

static int del(struct dict *d, int i)
{
    char k[32];
    int n = keyname(k, sizeof(k), i);
    return dict_delete(d, k, (size_t)n);
}

/* Checks that iteration yields exactly want[0..n) in order, and that the
 * order list agrees with dict_size. */
static void assert_order(const struct dict *d, const int *want, size_t n)
{
    size_t i = 0;
    for (struct dict_entry *e = dict_first(d); e; e = dict_next(e), i++) {
        assert_true(i < n);
        assert_int_equal(keynum(e), want[i]);
    }
    assert_int_equal(i, n);
    assert_int_equal(dict_size(d), n);
}

/* ---- basics ---------------------------------------------------------------- */

static void test_upsert_find_delete(void **state)
{
    (void)state;
    frees = 0;
    struct dict *d = dict_new(count_free);
    int created = -1;
    assert_int_equal(dict_size(d), 0);
    assert_null(dict_find(d, "a", 1));
    assert_null(dict_first(d));

    struct dict_entry *e = dict_upsert(d, "a", 1, &created);
    assert_int_equal(created, 1);
    assert_null(e->val);
    assert_int_equal(e->klen, 1);
    assert_string_equal(e->key, "a");
    e->val = strdup("A");
    struct dict_entry *again = dict_upsert(d, "a", 1, &created);
    assert_int_equal(created, 0);
    assert_ptr_equal(again, e);
    assert_string_equal(again->val, "A");
    assert_ptr_equal(dict_find(d, "a", 1), e);
    assert_int_equal(dict_size(d), 1);

    /* binary keys: NUL inside, prefixes, the empty key */
    dict_upsert(d, "a\0b", 3, &created)->val = strdup("AB");
    assert_int_equal(created, 1);
    dict_upsert(d, "", 0, &created)->val = strdup("EMPTY");
    assert_int_equal(created, 1);
    assert_string_equal(dict_find(d, "a\0b", 3)->val, "AB");
    assert_null(dict_find(d, "a\0c", 3));
    assert_null(dict_find(d, "a\0", 2));
    assert_string_equal(dict_find(d, "", 0)->val, "EMPTY");
    assert_int_equal(dict_find(d, "a\0b", 3)->key[3], '\0');
    assert_int_equal(dict_size(d), 3);

    assert_int_equal(dict_delete(d, "a", 1), 1);
    assert_int_equal(frees, 1);
    assert_int_equal(dict_delete(d, "a", 1), 0);
    assert_int_equal(frees, 1);
    assert_null(dict_find(d, "a", 1));
    assert_int_equal(dict_size(d), 2);

    /* take hands the value over without freeing it */
    char *v = dict_take(d, "", 0);
    assert_string_equal(v, "EMPTY");
    assert_int_equal(frees, 1);
    free(v);
    assert_null(dict_take(d, "", 0));
    assert_int_equal(dict_size(d), 1);

    dict_free(d);
    assert_int_equal(frees, 2); /* "a\0b" */
    dict_free(NULL);
}

static void test_null_values_not_freed(void **state)
{
    (void)state;
    frees = 0;
    struct dict *d = dict_new(count_free);
    int created;
    dict_upsert(d, "x", 1, &created);
    dict_upsert(d, "y", 1, &created);
    assert_int_equal(dict_delete(d, "x", 1), 1);
    dict_free(d);
    assert_int_equal(frees, 0);

    /* no free function: values are the caller's */
    static int stat_val = 7;
    d = dict_new(NULL);
    dict_upsert(d, "s", 1, &created)->val = &stat_val;
    assert_int_equal(dict_delete(d, "s", 1), 1);
    dict_upsert(d, "s", 1, &created)->val = &stat_val;
    dict_free(d);
}

static void test_clear(void **state)
{
    (void)state;
    frees = 0;
    struct dict *d = dict_new(count_free);
    for (int i = 0; i < 1000; i++)
        put(d, i);
    dict_clear(d);
    assert_int_equal(frees, 1000);
    assert_int_equal(dict_size(d), 0);
    assert_null(dict_first(d));
    assert_int_equal(has(d, 5), 0);
    /* usable again */
    put(d, 5);
    assert_int_equal(has(d, 5), 1);
    dict_free(d);
    assert_int_equal(frees, 1001);
}

/* ---- order ----------------------------------------------------------------- */

static void test_insertion_order_after_deletes(void **state)
{
    (void)state;
    struct dict *d = dict_new(free);
    for (int i = 0; i < 10; i++)
        put(d, i);
    int want1[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    assert_order(d, want1, 10);

    /* delete head, tail and middle */
    assert_int_equal(del(d, 0), 1);
    assert_int_equal(del(d, 9), 1);
    assert_int_equal(del(d, 4), 1);
    int want2[] = {1, 2, 3, 5, 6, 7, 8};
    assert_order(d, want2, 7);

    /* updating an existing key keeps its place; a re-added key goes last */
    int created;
    dict_upsert(d, "k2", 2, &created);
    assert_int_equal(created, 0);
    put(d, 4);
    put(d, 0);
    int want3[] = {1, 2, 3, 5, 6, 7, 8, 4, 0};
    assert_order(d, want3, 9);

    /* removing while iterating, fetching next first */
    for (struct dict_entry *e = dict_first(d), *next; e; e = next) {
        next = dict_next(e);
        if (keynum(e) % 2 == 1)
            dict_remove(d, e);
    }
    int want4[] = {2, 6, 8, 4, 0};
    assert_order(d, want4, 5);
    dict_free(d);
}

static void test_growth_and_shrink(void **state)
{
    (void)state;
    enum { N = 20000 };
    frees = 0;
    struct dict *d = dict_new(count_free);
    for (int i = 0; i < N; i++)
        put(d, i);
    assert_int_equal(dict_size(d), N);
    for (int i = 0; i < N; i++)
        assert_int_equal(has(d, i), 1);
    assert_int_equal(has(d, N), 0);

    /* shrink: keep every 1000th key; order and lookups survive the resizes */
    for (int i = 0; i < N; i++)
        if (i % 1000 != 0)
            assert_int_equal(del(d, i), 1);
    assert_int_equal(frees, N - N / 1000);
    int want[N / 1000];
    for (int i = 0; i < N / 1000; i++)
        want[i] = i * 1000;
    assert_order(d, want, N / 1000);
    for (int i = 0; i < N; i++)
        assert_int_equal(has(d, i), i % 1000 == 0);

    /* down to nothing and back up */
    for (int i = 0; i < N; i += 1000)
        assert_int_equal(del(d, i), 1);
    assert_int_equal(dict_size(d), 0);
    assert_null(dict_first(d));
    for (int i = 0; i < 100; i++)
        put(d, i);
    for (int i = 0; i < 100; i++)
        assert_int_equal(has(d, i), 1);
    dict_free(d);
    assert_int_equal(frees, N + 100);
}

/* ---- scan ------------------------------------------------------------------ */

struct seen {
    int counts[200000];
};

static void on_scan(void *ud, struct dict_entry *e)
{
    struct seen *s = ud;
    int k = keynum(e);
    assert_true(k >= 0 && k < 200000);
    s->counts[k]++;
}

static void test_scan_stable_table(void **state)
{
    (void)state;
    struct seen *s = calloc(1, sizeof(*s));
    int sizes[] = {0, 1, 7, 8, 9, 100, 5000};
    for (size_t t = 0; t < sizeof(sizes) / sizeof(sizes[0]); t++) {
        struct dict *d = dict_new(free);
        memset(s, 0, sizeof(*s));
        for (int i = 0; i < sizes[t]; i++)
            put(d, i);
        uint64_t cur = 0;
        int calls = 0;
        do {
            cur = dict_scan(d, cur, on_scan, s);
            calls++;
            assert_true(calls <= 1 << 20);
        } while (cur != 0);
        /* without changes, every element exactly once */
        for (int i = 0; i < sizes[t]; i++)
            assert_int_equal(s->counts[i], 1);
        assert_int_equal(s->counts[sizes[t]], 0);
        dict_free(d);
    }
    free(s);
}

/* Scans a table of base keys while extra keys come and go between calls:
 * grow_at/shrink_at are the call numbers at which extras are added/removed. */
static void scan_with_changes(int base, int extra, int grow_at, int shrink_at)
{
    struct seen *s = calloc(1, sizeof(*s));
    struct dict *d = dict_new(free);
    for (int i = 0; i < base; i++)
        put(d, i);
    if (shrink_at >= 0 && grow_at < 0)
        for (int i = 0; i < extra; i++)
            put(d, 100000 + i); /* present from the start, removed mid-scan */
    uint64_t cur = 0;
    int call = 0;
    do {
        cur = dict_scan(d, cur, on_scan, s);
        call++;
        if (call == grow_at)
            for (int i = 0; i < extra; i++)
                put(d, 100000 + i);
        if (call == shrink_at)
            for (int i = 0; i < extra; i++)
                assert_int_equal(del(d, 100000 + i), 1);
        assert_true(call <= 1 << 22);
    } while (cur != 0);
    for (int i = 0; i < base; i++) {
        if (s->counts[i] < 1)
            fail_msg("key k%d present for the whole scan was never returned", i);
    }
    dict_free(d);
    free(s);
}

static void test_scan_while_growing(void **state)
{
    (void)state;
    scan_with_changes(100, 5000, 1, -1);
    scan_with_changes(100, 5000, 3, -1);
    scan_with_changes(1000, 50000, 10, -1);
    scan_with_changes(9, 100, 2, -1);
}

static void test_scan_while_shrinking(void **state)
{
    (void)state;
    scan_with_changes(100, 5000, -1, 1);
    scan_with_changes(100, 5000, -1, 40);
    scan_with_changes(1000, 50000, -1, 1000);
    scan_with_changes(9, 100, -1, 5);
}

static void test_scan_grow_then_shrink(void **state)
{
    (void)state;
    scan_with_changes(200, 20000, 2, 30);
    scan_with_changes(50, 3000, 1, 2);
}

/* ---- random ---------------------------------------------------------------- */

static void test_random(void **state)
{
    (void)state;
    uint64_t rng = 42;
    struct dict *d = dict_new(free);
    assert_null(dict_random(d, &rng));
    put(d, 7);
    for (int i = 0; i < 100; i++)
        assert_int_equal(keynum(dict_random(d, &rng)), 7);

    enum { N = 50 };
    for (int i = 0; i < N; i++)
        if (i != 7)
            put(d, i);
    int counts[N] = {0};
    for (int i = 0; i < 20000; i++) {
        struct dict_entry *e = dict_random(d, &rng);
        assert_non_null(e);
        int k = keynum(e);
        assert_true(k >= 0 && k < N);
        counts[k]++;
    }
    for (int i = 0; i < N; i++)
        if (counts[i] == 0)
            fail_msg("dict_random never returned k%d in 20000 draws", i);

    /* a bigger table, where chains of 2+ are common: every element is
     * reachable (consecutive raw xorshift outputs are correlated in their
     * low bits, which once made one element of each chain unreachable) */
    enum { BIG = 400 };
    struct dict *b = dict_new(free);
    for (int i = 0; i < BIG; i++)
        put(b, i);
    int bc[BIG] = {0};
    for (int i = 0; i < 100000; i++)
        bc[keynum(dict_random(b, &rng))]++;
    for (int i = 0; i < BIG; i++)
        if (bc[i] == 0)
            fail_msg("dict_random never returned k%d of %d in 100000 draws", i, BIG);
    dict_free(b);

    /* a sparse table after many deletes still finds the few left */
    for (int i = 1000; i < 5000; i++)
        put(d, i);
    for (int i = 1000; i < 5000; i++)
        del(d, i);
    for (int i = 0; i < N; i++)
        if (i != 3)
            del(d, i);
    for (int i = 0; i < 100; i++)
        assert_int_equal(keynum(dict_random(d, &rng)), 3);
    dict_free(d);
}

static void test_rand_state(void **state)
{
    (void)state;
    uint64_t s = 0; /* 0 is replaced by a fixed seed, never stuck at 0 */
    uint64_t a = dict_rand(&s);
    assert_true(a != 0);
    assert_true(s != 0);
    uint64_t s1 = 12345, s2 = 12345;
    for (int i = 0; i < 10; i++)
        assert_true(dict_rand(&s1) == dict_rand(&s2));
    assert_true(dict_rand(&s1) != dict_rand(&s1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upsert_find_delete),
        cmocka_unit_test(test_null_values_not_freed),
        cmocka_unit_test(test_clear),
        cmocka_unit_test(test_insertion_order_after_deletes),
        cmocka_unit_test(test_growth_and_shrink),
        cmocka_unit_test(test_scan_stable_table),
        cmocka_unit_test(test_scan_while_growing),
        cmocka_unit_test(test_scan_while_shrinking),
        cmocka_unit_test(test_scan_grow_then_shrink),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_rand_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
