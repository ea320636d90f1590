/* test_zset.c - unit tests of zset.c: the sorted set behind OBJ_ZSET.
 *
 * Covers the (score, member bytes) order with ties and binary members,
 * score updates that move an element, -0.0 stored as 0, removal by member
 * and by rank range (front, middle, back), the score and lex bound
 * searches, and a randomized run against a brute-force model that
 * exercises the free room kept at both ends of the order array. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zset.h"

/* Asserts that the members of z in rank order are exactly names[0..n). */
static void assert_order(const struct zset *z, const char *const *names, size_t n)
{
    assert_int_equal(zset_len(z), n);
    for (size_t i = 0; i < n; i++) {
        const struct zset_node *x = zset_at(z, i);
        assert_non_null(x);
        assert_int_equal(x->len, strlen(names[i]));
        assert_memory_equal(x->m, names[i], x->len);
        assert_int_equal(zset_rank(z, names[i], strlen(names[i])), (long)i);
    }
    assert_null(zset_at(z, n));
}

static void test_order_and_ties(void **state)
{
    (void)state;
    struct zset *z = zset_new();
    assert_int_equal(zset_set(z, "b", 1, 0), 1);
    assert_int_equal(zset_set(z, "ab", 2, 0), 1);
    assert_int_equal(zset_set(z, "a", 1, 0), 1);
    assert_int_equal(zset_set(z, "", 0, 0), 1);
    assert_int_equal(zset_set(z, "x", 1, -1), 1);
    assert_int_equal(zset_set(z, "y", 1, INFINITY), 1);
    const char *want[] = {"x", "", "a", "ab", "b", "y"};
    assert_order(z, want, 6);
    assert_int_equal(zset_rank(z, "nope", 4), -1);
    assert_null(zset_find(z, "nope", 4));
    zset_free(z);
}

static void test_binary_members(void **state)
{
    (void)state;
    struct zset *z = zset_new();
    zset_set(z, "a\0b", 3, 1);
    zset_set(z, "a", 1, 1);
    zset_set(z, "a\0a", 3, 1);
    assert_int_equal(zset_rank(z, "a", 1), 0);
    assert_int_equal(zset_rank(z, "a\0a", 3), 1);
    assert_int_equal(zset_rank(z, "a\0b", 3), 2);
    zset_free(z);
}

static void test_update_moves(void **state)
{
    (void)state;
    struct zset *z = zset_new();
    zset_set(z, "a", 1, 1);
    zset_set(z, "b", 1, 2);
    zset_set(z, "c", 1, 3);
    assert_int_equal(zset_set(z, "a", 1, 10), 0);
    const char *want[] = {"b", "c", "a"};
    assert_order(z, want, 3);
    assert_int_equal(zset_set(z, "a", 1, 10), 0); /* same score: no move */
    assert_order(z, want, 3);
    assert_true(zset_find(z, "a", 1)->score == 10);
    zset_free(z);
}

static void test_negative_zero(void **state)
{
    (void)state;
    struct zset *z = zset_new();
    zset_set(z, "m", 1, -0.0);
    const struct zset_node *x = zset_find(z, "m", 1);
    assert_true(x->score == 0 && !signbit(x->score));
    zset_free(z);
}

static void test_remove(void **state)
{
    (void)state;
    struct zset *z = zset_new();
    char name[16];
    for (int i = 0; i < 10; i++) {
        int n = snprintf(name, sizeof(name), "m%d", i);
        zset_set(z, name, (size_t)n, i);
    }
    assert_int_equal(zset_remove(z, "m5", 2), 1);
    assert_int_equal(zset_remove(z, "m5", 2), 0);
    zset_remove_ranks(z, 0, 1); /* m0 m1 */
    zset_remove_ranks(z, 5, 6); /* m8 m9 */
    zset_remove_ranks(z, 1, 2); /* m3 m4 */
    const char *want[] = {"m2", "m6", "m7"};
    assert_order(z, want, 3);
    assert_null(zset_find(z, "m0", 2));
    zset_remove_ranks(z, 0, 2);
    assert_int_equal(zset_len(z), 0);
    assert_int_equal(zset_first_score(z, 0, 0), 0);
    zset_set(z, "again", 5, 1);
    assert_int_equal(zset_len(z), 1);
    zset_free(z);
}

static void test_bounds(void **state)
{
    (void)state;
    struct zset *z = zset_new();
    zset_set(z, "a", 1, 1);
    zset_set(z, "b", 1, 2);
    zset_set(z, "c", 1, 2);
    zset_set(z, "d", 1, 3);
    assert_int_equal(zset_first_score(z, 2, 0), 1);
    assert_int_equal(zset_first_score(z, 2, 1), 3);
    assert_int_equal(zset_first_score(z, -INFINITY, 0), 0);
    assert_int_equal(zset_first_score(z, 3, 1), 4);
    zset_free(z);

    z = zset_new();
    zset_set(z, "a", 1, 0);
    zset_set(z, "b", 1, 0);
    zset_set(z, "bb", 2, 0);
    zset_set(z, "c", 1, 0);
    assert_int_equal(zset_first_lex(z, "b", 1, 0), 1);
    assert_int_equal(zset_first_lex(z, "b", 1, 1), 2);
    assert_int_equal(zset_first_lex(z, "z", 1, 0), 4);
    assert_int_equal(zset_first_lex(z, "", 0, 0), 0);
    zset_free(z);
}

/* A brute-force model: scores per member index, NAN when absent. */
#define NM 40
static int model_cmp(const double *sc, int a, int b)
{
    if (sc[a] != sc[b])
        return sc[a] < sc[b] ? -1 : 1;
    char x[8], y[8];
    snprintf(x, sizeof(x), "m%02d", a);
    snprintf(y, sizeof(y), "m%02d", b);
    return strcmp(x, y);
}

static void test_random_against_model(void **state)
{
    (void)state;
    double sc[NM];
    for (int i = 0; i < NM; i++)
        sc[i] = NAN;
    struct zset *z = zset_new();
    srand(7);
    for (int step = 0; step < 20000; step++) {
        int i = rand() % NM, op = rand() % 10;
        char name[8];
        snprintf(name, sizeof(name), "m%02d", i);
        if (op < 5) {
            double s = (double)(rand() % 7);
            assert_int_equal(zset_set(z, name, 3, s), isnan(sc[i]) ? 1 : 0);
            sc[i] = s;
        } else if (op < 8) {
            assert_int_equal(zset_remove(z, name, 3), isnan(sc[i]) ? 0 : 1);
            sc[i] = NAN;
        } else if (zset_len(z) > 0) {
            /* pop from either end, as ZPOPMIN/ZPOPMAX do */
            size_t at = op == 8 ? 0 : zset_len(z) - 1;
            const struct zset_node *x = zset_at(z, at);
            sc[atoi(x->m + 1)] = NAN;
            zset_remove_ranks(z, at, at);
        }
        /* the rank of every member equals the count of smaller members */
        size_t live = 0;
        for (int a = 0; a < NM; a++) {
            if (isnan(sc[a]))
                continue;
            live++;
            long r = 0;
            for (int b = 0; b < NM; b++)
                if (!isnan(sc[b]) && model_cmp(sc, b, a) < 0)
                    r++;
            snprintf(name, sizeof(name), "m%02d", a);
            assert_int_equal(zset_rank(z, name, 3), r);
            assert_true(zset_at(z, (size_t)r)->score == sc[a]);
        }
        assert_int_equal(zset_len(z), live);
    }
    zset_free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_and_ties),
        cmocka_unit_test(test_binary_members),
        cmocka_unit_test(test_update_moves),
        cmocka_unit_test(test_negative_zero),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_random_against_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
