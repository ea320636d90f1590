/* cmocka_verdict_fails.c - a user's cmocka program whose scenarios fail on
 * purpose, run by test_scenario_harness.c (never by ctest directly): it
 * must exit non-zero and its output must show the server's verdict, once
 * from mh_assert_verdict in a test, once from mh_cmocka_end as a group
 * teardown. Only <mockredis/cmocka.h> and the public harness API. */
#include <mockredis/cmocka.h>

#include <string.h>

/* GET misses is sent once; SET never is: line 3 fails. */
static const char *scn = "name \"verdict-fails\"\n"
                         "finish control\n"
                         "expect commands SET never >= 1\n"
                         "expect commands GET misses == 1\n";

static void get_misses(int port)
{
    struct mh_conn c;
    struct mh_bytes reply = MH_BYTES_INIT;
    assert_int_equal(mh_conn_open(&c, port), 0);
    assert_int_equal(mh_call(&c, "GET misses", &reply, 5000), MH_REPLY);
    assert_string_equal(reply.p, "$-1\r\n");
    mh_bytes_free(&reply);
    mh_conn_close(&c);
}

static int setup(void **state)
{
    return mh_cmocka_start_string(state, scn);
}

static int teardown(void **state)
{
    return mh_cmocka_end(state);
}

/* The test ends its scenario and asserts the verdict itself. */
static void test_assert_verdict(void **state)
{
    get_misses(mh_scenario_port(*state));
    struct mh_verdict *v = mh_scenario_end(*state, NULL, 0);
    *state = NULL;
    mh_assert_verdict(v);
    mh_verdict_free(v);
}

/* Only the teardown (per test) finds the verdict failed. */
static void test_teardown_finds(void **state)
{
    get_misses(mh_scenario_port(*state));
}

/* The group's server; its teardown checks the verdict. */
static void test_in_group(void **state)
{
    get_misses(mh_scenario_port(*state));
}

int main(void)
{
    const struct CMUnitTest per_test[] = {
        cmocka_unit_test_setup_teardown(test_assert_verdict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_teardown_finds, setup, teardown),
    };
    const struct CMUnitTest grouped[] = {
        cmocka_unit_test(test_in_group),
    };
    /* Exit status 3 when both groups failed, as they should. */
    int a = mh_cmocka_run_group_tests_name("per_test", per_test, NULL, NULL);
    int b = mh_cmocka_run_group_tests_name("grouped", grouped, setup, teardown);
    return (a ? 1 : 0) | (b ? 2 : 0);
}
