/* test_scenario_harness.c - the harness's scenarios for cmocka users
 * (<mockredis/harness.h>: mh_scenario_*, mh_verdict_*; <mockredis/cmocka.h>):
 * a scenario given as a string or a file, started per test through the
 * cmocka fixtures, ended by the harness; the verdict struct of one that
 * holds and one that fails (the failing expectation's text, its measured
 * value, the failure sentence); a scenario that ends itself (finish idle)
 * before the harness asks; an invalid scenario refused at start; the JSON
 * parser on its own; and the failure output of mh_assert_verdict and of
 * the group teardown, from a cmocka program that fails on purpose
 * (cmocka_verdict_fails.c). */
#include <mockredis/cmocka.h>

#include "mh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#ifndef MH_VERDICT_FAILS_BIN
#define MH_VERDICT_FAILS_BIN "cmocka_verdict_fails"
#endif

static const char *holds = "finish control\n"
                           "on GET user:1 do reply (nil)\n"
                           "expect commands GET user:1 == 1\n";

static const char *fails = "name \"two\"\n"
                           "finish control\n"
                           "expect commands GET user:1 == 1\n"
                           "expect commands DEL gone >= 1\n";

/* One GET user:1 on a new connection; returns the reply's first byte. */
static char get_user(int port)
{
    struct mh_conn c;
    struct mh_bytes reply = MH_BYTES_INIT;
    assert_int_equal(mh_conn_open(&c, port), 0);
    assert_int_equal(mh_call(&c, "GET user:1", &reply, 5000), MH_REPLY);
    char first = reply.p[0];
    mh_bytes_free(&reply);
    mh_conn_close(&c);
    return first;
}

static int setup_holds(void **state)
{
    return mh_cmocka_start_string(state, holds);
}

static int setup_fails(void **state)
{
    return mh_cmocka_start_string(state, fails);
}

static int teardown(void **state)
{
    return mh_cmocka_end(state);
}

/* Through the fixtures: the teardown ends it and requires a pass. */
static void test_string_holds_fixture(void **state)
{
    assert_int_equal(get_user(mh_scenario_port(*state)), '$');
}

static void test_string_holds_verdict(void **state)
{
    get_user(mh_scenario_port(*state));
    char err[256] = "";
    struct mh_verdict *v = mh_scenario_end(*state, err, sizeof(err));
    *state = NULL;
    assert_non_null(v);
    mh_assert_verdict(v);
    assert_int_equal(v->passed, 1);
    assert_int_equal(v->nexpectations, 1);
    assert_int_equal(v->expectations[0].line, 3);
    assert_string_equal(v->expectations[0].text, "expect commands GET user:1 == 1");
    assert_int_equal(v->expectations[0].actual, 1);
    assert_int_equal(v->expectations[0].passed, 1);
    assert_int_equal(v->nfailures, 0);
    mh_verdict_free(v);
}

static void test_string_fails_verdict(void **state)
{
    get_user(mh_scenario_port(*state));
    struct mh_verdict *v = mh_scenario_end(*state, NULL, 0);
    *state = NULL;
    assert_non_null(v);
    assert_int_equal(v->passed, 0);
    assert_string_equal(v->scenario, "two");
    assert_int_equal(v->nexpectations, 2);
    assert_int_equal(v->expectations[0].passed, 1);
    assert_int_equal(v->expectations[1].line, 4);
    assert_string_equal(v->expectations[1].text, "expect commands DEL gone >= 1");
    assert_int_equal(v->expectations[1].actual, 0);
    assert_int_equal(v->expectations[1].passed, 0);
    assert_int_equal(v->nfailures, 1);
    assert_string_equal(v->failures[0], "line 4: expect commands DEL gone >= 1 (got 0)");
    char out[256];
    assert_string_equal(mh_verdict_format(v, out, sizeof(out)),
                        "FAIL\n  line 4: expect commands DEL gone >= 1 (got 0)");
    assert_string_equal(mh_verdict_format(v, out, 8), "FAIL...");
    mh_verdict_free(v);
}

/* A file, and the default `finish idle`: the server ends on its own once
 * the client left; the harness then reads the report it wrote. */
static void test_file_finish_idle(void **state)
{
    (void)state;
    char dir[64];
    assert_int_equal(mh_scratch_make(dir, sizeof(dir), "mh-scn-test"), 0);
    const char *path = mh_scratch_path(dir, "idle.scn");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("expect commands GET user:1 == 1\n", f);
    fclose(f);
    char err[256] = "";
    struct mh_scenario *sc = mh_scenario_start(path, NULL, err, sizeof(err));
    assert_non_null(sc);
    get_user(mh_scenario_port(sc));
    int status = -1;
    assert_int_equal(mh_server_wait(mh_scenario_server(sc), 60000, &status), 1);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct mh_verdict *v = mh_scenario_end(sc, err, sizeof(err));
    assert_non_null(v);
    mh_assert_verdict(v);
    assert_int_equal(v->expectations[0].actual, 1);
    mh_verdict_free(v);
    assert_int_equal(mh_scratch_remove(dir), 0);
}

/* Two at once (what ctest -j does across binaries): ports differ. */
static void test_two_at_once(void **state)
{
    (void)state;
    struct mh_scenario *a = mh_scenario_start_string(holds, NULL, NULL, 0);
    struct mh_scenario *b = mh_scenario_start_string(holds, NULL, NULL, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_not_equal(mh_scenario_port(a), mh_scenario_port(b));
    get_user(mh_scenario_port(a));
    struct mh_verdict *va = mh_scenario_end(a, NULL, 0);
    struct mh_verdict *vb = mh_scenario_end(b, NULL, 0); /* b saw no GET */
    assert_non_null(va);
    assert_non_null(vb);
    assert_int_equal(va->passed, 1);
    assert_int_equal(vb->passed, 0);
    mh_verdict_free(va);
    mh_verdict_free(vb);
}

static void test_invalid_refused(void **state)
{
    (void)state;
    char err[256] = "";
    assert_null(mh_scenario_start_string("on GET do frobnicate\n", NULL, err, sizeof(err)));
    assert_non_null(strstr(err, "exited before listening"));
    assert_null(mh_scenario_start("/nonexistent/x.scn", NULL, err, sizeof(err)));
    assert_null(mh_scenario_end(NULL, err, sizeof(err)));
    assert_string_equal(err, "no scenario (it did not start)");
}

static void test_parse(void **state)
{
    (void)state;
    const char *json = "{\"scenario\":\"a\\\"b\\\\c\\u00e9\",\"passed\":false,"
                       "\"counters\":{\"x\":[1,2.5,null,{\"y\":true}]},\"extra\":-3,"
                       "\"expectations\":[{\"line\":7,\"text\":\"expect \\n\",\"actual\":-2,"
                       "\"passed\":false,\"new\":{}}],\"failures\":[\"f1\",\"f2\"]} \n";
    char err[128] = "";
    struct mh_verdict *v = mh_verdict_parse(json, strlen(json), err, sizeof(err));
    assert_non_null(v);
    assert_string_equal(v->scenario, "a\"b\\c\xc3\xa9");
    assert_int_equal(v->passed, 0);
    assert_int_equal(v->nexpectations, 1);
    assert_int_equal(v->expectations[0].line, 7);
    assert_string_equal(v->expectations[0].text, "expect \n");
    assert_int_equal(v->expectations[0].actual, -2);
    assert_int_equal(v->nfailures, 2);
    assert_string_equal(v->failures[1], "f2");
    mh_verdict_free(v);
    mh_verdict_free(NULL);

    const char *bad[] = {"",
                         "[]",
                         "{\"passed\":true",
                         "{\"passed\":1}",
                         "{}",
                         "{\"passed\":true} x",
                         "{\"failures\":[\"a],\"passed\":true}",
                         "{\"expectations\":[{\"line\":1}],\"passed\":true}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        assert_null(mh_verdict_parse(bad[i], strlen(bad[i]), err, sizeof(err)));
        assert_non_null(strstr(err, "not a mockredis report"));
    }
    char deep[200];
    memset(deep, '[', sizeof(deep));
    memcpy(deep, "{\"x\":", 5);
    assert_null(mh_verdict_parse(deep, sizeof(deep), err, sizeof(err)));
    assert_non_null(strstr(err, "nested too deeply"));
}

/* A cmocka program that fails: its exit status and the verdict it prints. */
static void test_failure_output(void **state)
{
    (void)state;
    FILE *p = popen(MH_VERDICT_FAILS_BIN " 2>&1", "r");
    assert_non_null(p);
    static char out[65536];
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    printf("%s", out); /* shown with --output-on-failure */
    /* 1: the per-test group failed, 2: the grouped one (its teardown) */
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3);
    /* mh_assert_verdict in the test */
    assert_non_null(strstr(out, "--- mockredis verdict of v: FAIL (scenario verdict-fails)\n"
                                "  line 3: expect commands SET never >= 1 (got 0)\n"));
    assert_non_null(strstr(out, "[  FAILED  ] test_assert_verdict"));
    /* mh_cmocka_end as a test's teardown, then as the group's */
    assert_non_null(strstr(out, "[  ERROR   ] test_teardown_finds"));
    assert_non_null(strstr(out, "[  FAILED  ] GROUP TEARDOWN"));
    assert_non_null(strstr(out,
                           "--- mockredis verdict of the scenario: FAIL (scenario "
                           "verdict-fails)\n  line 3: expect commands SET never >= 1 (got 0)\n"));
    /* the expectation that held is not reported as a failure */
    assert_null(strstr(out, "GET misses == 1 (got"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_string_holds_fixture, setup_holds, teardown),
        cmocka_unit_test_setup_teardown(test_string_holds_verdict, setup_holds, teardown),
        cmocka_unit_test_setup_teardown(test_string_fails_verdict, setup_fails, teardown),
        cmocka_unit_test(test_file_finish_idle),
        cmocka_unit_test(test_two_at_once),
        cmocka_unit_test(test_invalid_refused),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_failure_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
