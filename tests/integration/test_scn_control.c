/* test_scn_control.c - the scenario control surface over the protocol:
 * MOCK SCENARIO LOAD / VERDICT / REPORT / RESET / END, driven with hiredis
 * as a test in any language would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "it.h"

/* Writes text to a new temporary scenario file; the caller frees the name. */
static char *write_scn(const char *text)
{
    char *path = malloc(64);
    assert_non_null(path);
    it_write_temp(path, 64, "scnctl", text);
    return path;
}

static redisReply *cmd(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    assert_non_null(r);
    return r;
}

static void test_load_verdict_reset(void **state)
{
    (void)state;
    char *good = write_scn("name \"ctl\"\n"
                           "on GET k nth 2 do reply \"bent\"\n"
                           "expect commands GET k == 2\n");
    struct mh_server *srv = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(srv));

    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO LOAD %s", good);
    it_cmd_expect(c, REDIS_REPLY_NIL, NULL, "GET k");

    /* Halfway: one GET of two, so the verdict says FAIL (and MOCK commands
     * themselves are not counted as the client's commands). */
    redisReply *r = cmd(c, "MOCK SCENARIO VERDICT");
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_non_null(strstr(r->str, "): FAIL\n"));
    assert_non_null(strstr(r->str, "FAIL expect commands GET k == 2  (line 3: got 1)"));
    freeReplyObject(r);

    it_cmd_expect(c, REDIS_REPLY_STRING, "bent", "GET k");
    r = cmd(c, "MOCK SCENARIO REPORT");
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_non_null(strstr(r->str, "\"passed\":true"));
    assert_non_null(strstr(r->str, "\"commands\":2"));
    freeReplyObject(r);

    /* RESET: plain Redis again, the rule no longer bends GET. */
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO RESET");
    it_cmd_expect(c, REDIS_REPLY_NIL, NULL, "GET k");
    it_cmd_expect(c, REDIS_REPLY_ERROR, "ERR mockredis: no scenario is being played",
                  "MOCK SCENARIO VERDICT");
    redisFree(c);
    it_stop_ok(srv); /* a loaded scenario does not make the server exit */
    unlink(good);
    free(good);
}

static void test_load_errors(void **state)
{
    (void)state;
    char *bad = write_scn("clock sometimes\n");
    char want[256];
    snprintf(want, sizeof(want), "ERR mockredis: %s:1:7: expected 'virtual' or 'real' after 'clock'",
             bad);
    struct mh_server *srv = it_mock(NULL);
    redisContext *c = it_connect(mh_server_port(srv));
    it_cmd_expect(c, REDIS_REPLY_ERROR, want, "MOCK SCENARIO LOAD %s", bad);
    it_cmd_expect(c, REDIS_REPLY_ERROR,
                  "ERR mockredis: /nonexistent/x.scn: cannot open: No such file or directory",
                  "MOCK SCENARIO LOAD /nonexistent/x.scn");
    /* A failed load leaves no scenario behind. */
    it_cmd_expect(c, REDIS_REPLY_ERROR, "ERR mockredis: no scenario is being played",
                  "MOCK SCENARIO VERDICT");
    redisFree(c);
    it_stop_ok(srv);
    unlink(bad);
    free(bad);
}

static void test_end_exits_with_verdict(void **state)
{
    (void)state;
    char *path = write_scn("finish control\n"
                           "on * do hang\n"            /* never applies to MOCK */
                           "expect connections == 1\n"
                           "expect commands == 0\n");
    const char *args[] = {"--scenario", path, NULL};
    struct mh_server *srv = it_mock(args);
    redisContext *c = it_connect(mh_server_port(srv));
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO END");
    redisFree(c);
    int status = -1;
    assert_int_equal(mh_server_wait(srv, 5000, &status), 1);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0); /* both expectations held */
    it_stop(srv);
    unlink(path);
    free(path);
}

/* One connection with a PING, closed. */
static void ping_once(struct mh_server *srv)
{
    redisContext *c = it_connect(mh_server_port(srv));
    it_cmd_expect(c, REDIS_REPLY_STATUS, "PONG", "PING");
    redisFree(c);
}

/* "finish idle" ends a scenario 100 ms after the last client left; a
 * client that comes back 400 ms later finds the server gone. "finish idle
 * 2s" waits for it. (Real time: the grace is wall-clock time.) */
static void test_finish_idle_grace(void **state)
{
    (void)state;
    char *quick = write_scn("finish idle\nexpect connections == 2\n");
    char *patient = write_scn("finish idle 2s\nexpect connections == 2\n");
    int status = -1;

    const char *args1[] = {"--scenario", quick, NULL};
    struct mh_server *srv = it_mock(args1);
    ping_once(srv);
    assert_int_equal(mh_server_wait(srv, 5000, &status), 1); /* over without the second */
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1); /* connections == 1: the expectation failed */
    it_stop(srv);

    const char *args2[] = {"--scenario", patient, NULL};
    srv = it_mock(args2);
    ping_once(srv);
    it_sleep_ms(400);
    assert_int_equal(mh_server_wait(srv, 0, &status), 0); /* still waiting */
    ping_once(srv);
    assert_int_equal(mh_server_wait(srv, 10000, &status), 1);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    it_stop(srv);

    unlink(quick);
    unlink(patient);
    free(quick);
    free(patient);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_verdict_reset),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_end_exits_with_verdict),
        cmocka_unit_test(test_finish_idle_grace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
