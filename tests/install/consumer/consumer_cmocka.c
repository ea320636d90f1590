/* consumer_cmocka.c - a user's cmocka tests against the INSTALLED harness
 * and <mockredis/cmocka.h>: one mockredis per test, each playing a
 * scenario given as a string, its verdict checked by the teardown. With
 * --fail, one test whose scenario's expectation fails instead: the
 * program must then exit non-zero and print the server's verdict
 * (check-install.sh checks both, and runs the passing one under ctest -j4). */
#include <mockredis/cmocka.h>

#include <string.h>

static const char *miss = "finish control\n"
                          "on GET user:1 do reply (nil)\n"
                          "expect commands GET user:1 == 1\n";

static const char *never = "name \"consumer-fails\"\n"
                           "finish control\n"
                           "expect commands SET user:1 >= 1\n";

static void get_user(int port, const char *want)
{
    struct mh_conn c;
    struct mh_bytes reply = MH_BYTES_INIT;
    assert_int_equal(mh_conn_open(&c, port), 0);
    assert_int_equal(mh_call(&c, "GET user:1", &reply, 5000), MH_REPLY);
    assert_string_equal(reply.p, want);
    mh_bytes_free(&reply);
    mh_conn_close(&c);
}

static int setup_miss(void **state)
{
    return mh_cmocka_start_string(state, miss);
}

static int setup_never(void **state)
{
    return mh_cmocka_start_string(state, never);
}

static int teardown(void **state)
{
    return mh_cmocka_end(state);
}

static void test_cache_miss(void **state)
{
    get_user(mh_scenario_port(*state), "$-1\r\n");
}

/* Ends the scenario itself and asserts the verdict. */
static void test_verdict(void **state)
{
    get_user(mh_scenario_port(*state), "$-1\r\n");
    struct mh_verdict *v = mh_scenario_end(*state, NULL, 0);
    *state = NULL;
    mh_assert_verdict(v);
    assert_string_equal(v->expectations[0].text, "expect commands GET user:1 == 1");
    mh_verdict_free(v);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest pass[] = {
        cmocka_unit_test_setup_teardown(test_cache_miss, setup_miss, teardown),
        cmocka_unit_test_setup_teardown(test_verdict, setup_miss, teardown),
    };
    const struct CMUnitTest fail[] = {
        cmocka_unit_test_setup_teardown(test_verdict, setup_never, teardown),
    };
    if (argc > 1 && strcmp(argv[1], "--fail") == 0)
        return mh_cmocka_run_group_tests(fail, NULL, NULL);
    return mh_cmocka_run_group_tests(pass, NULL, NULL);
}
