/* test_obuf.c - unit tests of obuf.c: client-output-buffer-limit's CONFIG
 * syntax and the hard/soft check.
 *
 * The accepted and refused values were checked against redis-server
 * 7.0.15 with CONFIG SET / CONFIG GET (the same cases run as differential
 * tests in tests/diff/corpus/server.txt); the check follows Redis's
 * checkClientOutputBufferLimits: hard at once, soft only after staying
 * over it for more than the seconds, restarted by a check under it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "obuf.h"
#include "rtext.h"

/* CONFIG GET's text of the default replica and pubsub classes. */
#define REST     "slave 268435456 67108864 60 pubsub 33554432 8388608 60"
#define DEFAULTS "normal 0 0 0 " REST

/* Sets value on the defaults and requires CONFIG GET's text want after. */
static void set_ok(const char *value, const char *want)
{
    struct obuf_limit lim[OBUF_CLASSES];
    obuf_defaults(lim);
    const char *why = NULL;
    assert_int_equal(obuf_parse(lim, value, &why), 0);
    char out[160];
    obuf_format(lim, out, sizeof(out));
    assert_string_equal(out, want);
}

/* Requires value to be refused with rtext[id], the limits untouched. */
static void set_bad(const char *value, int id)
{
    struct obuf_limit lim[OBUF_CLASSES];
    obuf_defaults(lim);
    const char *why = NULL;
    assert_int_equal(obuf_parse(lim, value, &why), -1);
    assert_string_equal(why, rtext[id]);
    char out[160];
    obuf_format(lim, out, sizeof(out));
    assert_string_equal(out, DEFAULTS);
}

static void test_defaults(void **state)
{
    (void)state;
    set_ok("", DEFAULTS); /* the empty value changes nothing */
}

static void test_parse_accepts(void **state)
{
    (void)state;
    set_ok("pubsub 1mb 512kb 10",
           "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 10");
    set_ok("PUBSUB 2 3 4", "normal 0 0 0 slave 268435456 67108864 60 pubsub 2 3 4");
    set_ok("normal 1 2 3 replica 4 5 6", "normal 1 2 3 slave 4 5 6 pubsub 33554432 8388608 60");
    set_ok("replica 1 2 3 slave 9 9 9", "normal 0 0 0 slave 9 9 9 pubsub 33554432 8388608 60");
    set_ok("normal 1k 1kb 0", "normal 1000 1024 0 " REST);
    set_ok("normal 1GB 2Gb 0", "normal 1073741824 2147483648 0 " REST);
    set_ok("normal 1m 1MB 0", "normal 1000000 1048576 0 " REST);
    /* Redis's quirks: no digits is 0, an empty seconds word is 0, sizes
     * saturate at 2^64-1 then wrap with the unit, seconds are an int. */
    set_ok("normal mb 0 0", DEFAULTS);
    set_ok("normal 5 0 ", "normal 5 0 0 " REST);
    set_ok("normal 99999999999999999999 2 3", "normal 18446744073709551615 2 3 " REST);
    set_ok("normal 99999999999999999999kb 1 1", "normal 18446744073709550592 1 1 " REST);
    set_ok("normal 1 2 99999999999", "normal 1 2 1215752191 " REST);
    set_ok("normal 1 2 4294967297", "normal 1 2 1 " REST);
    set_ok("normal 1 2 -0", "normal 1 2 0 " REST);
    set_ok("normal 1 2 \t5", "normal 1 2 5 " REST);
}

static void test_parse_refuses(void **state)
{
    (void)state;
    set_bad("normal 1 2", RT_CFG_OBUF_ARGS);
    set_bad(" ", RT_CFG_OBUF_ARGS);
    set_bad("  normal   7 8 9  ", RT_CFG_OBUF_ARGS); /* empty words count */
    set_bad("normal 5 0 7 ", RT_CFG_OBUF_ARGS);
    set_bad("   ", RT_CFG_OBUF_CLASS);
    set_bad("foo 1 2 3", RT_CFG_OBUF_CLASS);
    set_bad("master 1 2 3", RT_CFG_OBUF_CLASS);
    set_bad("normal -1 2 3", RT_CFG_OBUF_VALUE);
    set_bad("normal 1.5mb 2 3", RT_CFG_OBUF_VALUE);
    set_bad("normal +5 0 7", RT_CFG_OBUF_VALUE);
    set_bad("normal '1' 2 3", RT_CFG_OBUF_VALUE);
    set_bad("normal 1 2 7x", RT_CFG_OBUF_VALUE);
    set_bad("normal 1 2 2147483648", RT_CFG_OBUF_VALUE); /* a negative int */
    set_bad("normal 1 2 99999999999999999999", RT_CFG_OBUF_VALUE);
    /* All or nothing: a good first group is not applied either. */
    set_bad("normal 1 2 3 pubsub x 1 1", RT_CFG_OBUF_VALUE);
}

static void test_counted(void **state)
{
    (void)state;
    assert_int_equal(obuf_counted(0), 0);
    assert_int_equal(obuf_counted(OBUF_UNCOUNTED), 0);
    assert_int_equal(obuf_counted(OBUF_UNCOUNTED + 5), 5);
}

static void test_hard(void **state)
{
    (void)state;
    struct obuf_limit l = {1000, 0, 0};
    int64_t since = -1;
    assert_int_equal(obuf_over(&l, 999, 0, &since), 0);
    assert_int_equal(obuf_over(&l, 1000, 0, &since), 1); /* reaching it is enough */
    l.hard = 0;
    assert_int_equal(obuf_over(&l, (size_t)1 << 40, 0, &since), 0); /* 0: no limit */
}

/* Over the soft limit for more than soft_secs seconds, counted from the
 * first check that found it over; a check under it starts again. */
static void test_soft(void **state)
{
    (void)state;
    struct obuf_limit l = {0, 100, 10};
    int64_t since = -1;
    assert_int_equal(obuf_over(&l, 50, 1000, &since), 0);
    assert_true(since == -1);
    assert_int_equal(obuf_over(&l, 100, 1000, &since), 0); /* reached: the count starts */
    assert_true(since == 1000);
    assert_int_equal(obuf_over(&l, 500, 1010, &since), 0); /* 10 s: not more than 10 */
    assert_int_equal(obuf_over(&l, 500, 1011, &since), 1);
    since = 1000;
    assert_int_equal(obuf_over(&l, 99, 1011, &since), 0); /* under it: reset */
    assert_true(since == -1);
    assert_int_equal(obuf_over(&l, 100, 1011, &since), 0);
    assert_int_equal(obuf_over(&l, 100, 1021, &since), 0);
    assert_int_equal(obuf_over(&l, 100, 1022, &since), 1);
    /* Zero seconds: over from the next second on. */
    struct obuf_limit z = {0, 100, 0};
    since = -1;
    assert_int_equal(obuf_over(&z, 100, 7, &since), 0);
    assert_int_equal(obuf_over(&z, 100, 7, &since), 0);
    assert_int_equal(obuf_over(&z, 100, 8, &since), 1);
    /* The virtual clock may stand at 0: 0 is a time, not "unset". */
    since = -1;
    assert_int_equal(obuf_over(&l, 100, 0, &since), 0);
    assert_true(since == 0);
    assert_int_equal(obuf_over(&l, 100, 11, &since), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),      cmocka_unit_test(test_parse_accepts),
        cmocka_unit_test(test_parse_refuses), cmocka_unit_test(test_counted),
        cmocka_unit_test(test_hard),          cmocka_unit_test(test_soft),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
