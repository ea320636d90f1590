/* test_random.c - the random-member commands pick uniformly.
 *
 * Each command draws many times from a collection of N members; the counts
 * per member must pass a chi-squared test against the uniform law with a
 * bound no fair generator misses in practice (for 9 degrees of freedom the
 * 99.9th percentile is 27.9; the bound is 30), while the old bucket-then-
 * chain pick gave 186 for SRANDMEMBER key -10000 over 10 members. The
 * server's generator starts from a fixed seed (core_init), so every run
 * draws the same sequence: the test is deterministic, and a failure is a
 * bias, not bad luck.
 *
 * Commands run on a core without sockets (cmd_dispatch); members are
 * "m<i>", counted in the raw reply. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "core.h"
#include "mem.h"

struct fixture {
    struct core core;
    struct client *c;
};

static int setup(void **state)
{
    struct fixture *f = mem_calloc(1, sizeof(*f));
    core_init(&f->core);
    f->c = core_client_new(&f->core);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    core_destroy(&f->core);
    free(f);
    return 0;
}

/* Runs line; the reply stays in f->c->out until the next run. */
static const char *run(struct fixture *f, const char *line)
{
    buf_clear(&f->c->out);
    cmd_dispatch(&f->core, f->c, resp_split_args(line, strlen(line)));
    return f->c->out.p ? f->c->out.p : "";
}

/* Adds to counts[i] each bulk string "m<i>" (i < n) in reply; returns how
 * many it found. */
static long tally(const char *reply, long *counts, int n)
{
    long found = 0;
    for (const char *p = reply; (p = strstr(p, "\r\nm")) != NULL; p += 3) {
        char *end;
        long i = strtol(p + 3, &end, 10);
        if (end != p + 3 && strncmp(end, "\r\n", 2) == 0 && i >= 0 && i < n) {
            counts[i]++;
            found++;
        }
    }
    return found;
}

/* Pearson's chi-squared of counts against n equally likely members. */
static double chi2(const long *counts, int n)
{
    long total = 0;
    for (int i = 0; i < n; i++)
        total += counts[i];
    double want = (double)total / n, x = 0;
    for (int i = 0; i < n; i++)
        x += (counts[i] - want) * (counts[i] - want) / want;
    return x;
}

static void expect_uniform(const char *what, const long *counts, int n, long total, double bound)
{
    long sum = 0;
    for (int i = 0; i < n; i++)
        sum += counts[i];
    assert_int_equal(sum, total);
    double x = chi2(counts, n);
    print_message("%s: chi2 %.1f (%d members, %ld draws)\n", what, x, n, total);
    if (x >= bound)
        fail_msg("%s is biased: chi2 %.1f >= %.1f", what, x, bound);
}

/* "CMD key m0 m1 ... m<n-1>" with a value or score after each member when
 * with is set. */
static void fill(struct fixture *f, const char *cmd, const char *key, int n, int with)
{
    struct buf line = BUF_INIT;
    buf_printf(&line, "%s %s", cmd, key);
    for (int i = 0; i < n; i++) {
        if (with == 2)
            buf_printf(&line, " %d m%d", i, i); /* ZADD: score member */
        else if (with == 1)
            buf_printf(&line, " m%d v", i); /* HSET: field value */
        else
            buf_printf(&line, " m%d", i);
    }
    run(f, line.p);
    buf_free(&line);
}

enum { N = 10, DRAWS = 10000 };
#define BOUND_9DF 30.0 /* 9 degrees of freedom */

static void test_srandmember_negative(void **state)
{
    struct fixture *f = *state;
    long counts[N] = {0};
    fill(f, "SADD", "s", N, 0);
    assert_int_equal(tally(run(f, "SRANDMEMBER s -10000"), counts, N), DRAWS);
    expect_uniform("SRANDMEMBER s -10000", counts, N, DRAWS, BOUND_9DF);

    /* A set big enough for long chains: 200 members, 199 degrees of
     * freedom (99.9th percentile 267). */
    enum { BIG = 200 };
    long big[BIG] = {0};
    fill(f, "SADD", "b", BIG, 0);
    for (int i = 0; i < 10; i++)
        tally(run(f, "SRANDMEMBER b -10000"), big, BIG);
    expect_uniform("SRANDMEMBER b -10000 (x10)", big, BIG, 10 * DRAWS, 280.0);
}

static void test_srandmember_one(void **state)
{
    struct fixture *f = *state;
    long counts[N] = {0};
    fill(f, "SADD", "s", N, 0);
    for (int i = 0; i < DRAWS; i++)
        tally(run(f, "SRANDMEMBER s"), counts, N);
    expect_uniform("SRANDMEMBER s", counts, N, DRAWS, BOUND_9DF);
}

static void test_hrandfield_negative(void **state)
{
    struct fixture *f = *state;
    long counts[N] = {0};
    fill(f, "HSET", "h", N, 1);
    assert_int_equal(tally(run(f, "HRANDFIELD h -10000"), counts, N), DRAWS);
    expect_uniform("HRANDFIELD h -10000", counts, N, DRAWS, BOUND_9DF);
    long one[N] = {0};
    for (int i = 0; i < DRAWS; i++)
        tally(run(f, "HRANDFIELD h"), one, N);
    expect_uniform("HRANDFIELD h", one, N, DRAWS, BOUND_9DF);
}

static void test_zrandmember_negative(void **state)
{
    struct fixture *f = *state;
    long counts[N] = {0};
    fill(f, "ZADD", "z", N, 2);
    assert_int_equal(tally(run(f, "ZRANDMEMBER z -10000"), counts, N), DRAWS);
    expect_uniform("ZRANDMEMBER z -10000", counts, N, DRAWS, BOUND_9DF);
}

/* SPOP with a count draws without replacement from a fresh set each time:
 * every member's chance to be among the 3 is the same. */
static void test_spop(void **state)
{
    struct fixture *f = *state;
    long counts[N] = {0}, one[N] = {0};
    long total = 0;
    for (int i = 0; i < DRAWS / 3; i++) {
        run(f, "DEL s");
        fill(f, "SADD", "s", N, 0);
        total += tally(run(f, "SPOP s 3"), counts, N);
    }
    expect_uniform("SPOP s 3", counts, N, total, BOUND_9DF);
    for (int i = 0; i < DRAWS; i++) {
        run(f, "DEL s");
        fill(f, "SADD", "s", N, 0);
        tally(run(f, "SPOP s"), one, N);
    }
    expect_uniform("SPOP s", one, N, DRAWS, BOUND_9DF);
}

static void test_randomkey(void **state)
{
    struct fixture *f = *state;
    long counts[N] = {0};
    for (int i = 0; i < N; i++) {
        char line[32];
        snprintf(line, sizeof(line), "SET m%d v", i);
        run(f, line);
    }
    for (int i = 0; i < DRAWS; i++)
        tally(run(f, "RANDOMKEY"), counts, N);
    expect_uniform("RANDOMKEY", counts, N, DRAWS, BOUND_9DF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_srandmember_negative, setup, teardown),
        cmocka_unit_test_setup_teardown(test_srandmember_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hrandfield_negative, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zrandmember_negative, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_randomkey, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
