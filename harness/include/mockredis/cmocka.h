/* mockredis/cmocka.h - the harness's scenarios in cmocka tests.
 *
 * Header-only: the harness library does not depend on cmocka; this header
 * uses the cmocka your test links. It includes <cmocka.h> (and the system
 * headers cmocka needs first) and <mockredis/harness.h>.
 *
 *  - mh_assert_verdict(v): fails the test unless the verdict v passed, and
 *    prints the server's verdict, one line per failed check;
 *  - mh_cmocka_start_file / mh_cmocka_start_string / mh_cmocka_end: the
 *    bodies of cmocka setup and teardown functions, for a server per test
 *    (cmocka_unit_test_setup_teardown) or per group (group_setup,
 *    group_teardown of mh_cmocka_run_group_tests);
 *  - mh_cmocka_run_group_tests: cmocka_run_group_tests, also failing when
 *    a group teardown found a failed verdict (cmocka 1.1 ignores that).
 *
 * A complete test (link mockredis::harness, or pkg-config mockredis, and
 * cmocka; your client under test replaces the raw RESP calls):
 *
 *   #include <mockredis/cmocka.h>
 *
 *   static const char *scn = "finish control\n"
 *                            "on GET user:1 do reply (nil)\n"
 *                            "expect commands GET user:1 == 1\n";
 *
 *   static int setup(void **state) { return mh_cmocka_start_string(state, scn); }
 *   static int teardown(void **state) { return mh_cmocka_end(state); }
 *
 *   static void test_cache_miss(void **state)
 *   {
 *       struct mh_conn c;
 *       struct mh_bytes reply = MH_BYTES_INIT;
 *       assert_int_equal(mh_conn_open(&c, mh_scenario_port(*state)), 0);
 *       assert_int_equal(mh_call(&c, "GET user:1", &reply, 5000), MH_REPLY);
 *       assert_string_equal(reply.p, "$-1\r\n");
 *       mh_bytes_free(&reply);
 *       mh_conn_close(&c);
 *       // The verdict: here, or left to teardown (mh_cmocka_end checks it).
 *       struct mh_verdict *v = mh_scenario_end(*state, NULL, 0);
 *       *state = NULL;
 *       mh_assert_verdict(v);
 *       mh_verdict_free(v);
 *   }
 *
 *   int main(void)
 *   {
 *       const struct CMUnitTest tests[] = {
 *           cmocka_unit_test_setup_teardown(test_cache_miss, setup, teardown),
 *       };
 *       return mh_cmocka_run_group_tests(tests, NULL, NULL);
 *   }
 *
 * On failure the test's output shows, e.g.:
 *   [ ERROR    ] --- mockredis verdict of v: FAIL
 *     line 3: expect commands GET user:1 == 1 (got 0)
 *
 * Every server has its own ephemeral port and private temporary files:
 * such tests run in parallel under ctest -j without colliding. */
#ifndef MOCKREDIS_CMOCKA_H
#define MOCKREDIS_CMOCKA_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <mockredis/harness.h>

/* Fails the current test (cmocka's _fail, at the caller's file and line)
 * unless v is a verdict that passed; v NULL (mh_scenario_end found none)
 * fails too. Before failing it prints the verdict: "FAIL" and each failed
 * check as the server words it, then frees v, since cmocka leaves the
 * test and the caller's mh_verdict_free would never run (so a sanitizer
 * sees no leak). When v passed it stays the caller's: inspect it, then
 * mh_verdict_free it. So do not keep v where a teardown frees it too. */
#define mh_assert_verdict(v) mh__cmocka_assert_verdict((v), #v, __FILE__, __LINE__)

/* Prints a verdict that did not pass (what names it, why there is none). */
static inline void mh__cmocka_print_verdict(const struct mh_verdict *v, const char *what,
                                            const char *none)
{
    if (v == NULL) {
        print_error("--- mockredis verdict of %s: none (%s)\n", what, none);
        return;
    }
    print_error("--- mockredis verdict of %s: FAIL (scenario %s)\n", what,
                v->scenario ? v->scenario : "?");
    for (size_t i = 0; i < v->nfailures; i++)
        print_error("  %s\n", v->failures[i]);
}

static inline void mh__cmocka_assert_verdict(struct mh_verdict *v, const char *expr,
                                             const char *file, int line)
{
    if (v != NULL && v->passed)
        return;
    mh__cmocka_print_verdict(v, expr, "the scenario did not start, or the server wrote no report");
    mh_verdict_free(v);
    _fail(file, line);
}

/* Setup bodies: start a mockredis playing the scenario file at path (or
 * the scenario text) and store the struct mh_scenario * in *state (the
 * test reads its port with mh_scenario_port(*state)). Return 0, or -1
 * after printing why (cmocka then reports the setup as failed and skips
 * the tests it guards); *state is NULL then. */
static inline int mh_cmocka_start_file(void **state, const char *path)
{
    char err[256];
    *state = mh_scenario_start(path, NULL, err, sizeof(err));
    if (*state == NULL)
        print_error("mockredis: %s: %s\n", path, err);
    return *state ? 0 : -1;
}

static inline int mh_cmocka_start_string(void **state, const char *text)
{
    char err[256];
    *state = mh_scenario_start_string(text, NULL, err, sizeof(err));
    if (*state == NULL)
        print_error("mockredis: scenario string: %s\n", err);
    return *state ? 0 : -1;
}

/* Teardown body: ends the scenario in *state (if the test did not end it
 * already and set *state to NULL: then returns 0), sets *state to NULL and
 * returns 0 when its verdict passed; else prints the verdict as
 * mh_assert_verdict does and returns -1, which cmocka reports as a failed
 * teardown (of the test, or of the group). */
static inline int mh_cmocka_end(void **state)
{
    if (*state == NULL)
        return 0;
    char err[256];
    struct mh_verdict *v = mh_scenario_end((struct mh_scenario *)*state, err, sizeof(err));
    *state = NULL;
    int rc = v != NULL && v->passed ? 0 : -1;
    if (rc != 0)
        mh__cmocka_print_verdict(v, "the scenario", err);
    mh_verdict_free(v);
    return rc;
}

/* cmocka_run_group_tests(tests, group_setup, group_teardown), plus 1 when
 * a scenario ended since the previous call (in this file) had a verdict
 * that did not pass: cmocka 1.1 prints "[  FAILED  ] GROUP TEARDOWN" for
 * a group teardown returning -1 but leaves it out of its result, so a
 * group whose server's verdict failed would otherwise exit 0. Use it as
 * main's return value. */
#define mh_cmocka_run_group_tests(tests, group_setup, group_teardown)                              \
    mh__cmocka_group_result(cmocka_run_group_tests(tests, group_setup, group_teardown))
#define mh_cmocka_run_group_tests_name(name, tests, group_setup, group_teardown)                   \
    mh__cmocka_group_result(cmocka_run_group_tests_name(name, tests, group_setup, group_teardown))

static inline int mh__cmocka_group_result(int rc)
{
    static unsigned seen;
    unsigned now = mh_scenario_failed();
    int extra = now != seen;
    seen = now;
    return rc + extra;
}

#endif
