/* test_script_busy.c - a script that runs too long, across connections,
 * with the same transcript against redis-server 7.0.15 and mockredis
 * (issue 12: `EVAL "while true do end" 0` used to hang mockredis for
 * good, every other client with it).
 *
 * Each transcript first sets busy-reply-threshold to 100 ms so the test
 * is quick, then starts a looping script on A and waits for the busy state
 * by sending PING on B until it answers -BUSY (the "?-BUSY" step of
 * it.h): no duration is assumed anywhere. Then it checks what Redis
 * allows while busy (BUSY for most, EXECABORT for a transaction, AUTH and
 * MULTI run), SCRIPT KILL (the caller's error, then the rest of its
 * pipeline; a pcall cannot catch the kill; NOTBUSY afterwards), a caller
 * that hung up, and a script that wrote: UNKILLABLE, a blocked client that
 * must not see the half-run script's push, and SHUTDOWN NOSAVE, which
 * closes every connection. Also mockredis alone: the budget is real time
 * even when the server clock is virtual, and INFO's script fields. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_busy_and_kill(void **state)
{
    (void)state;
    static const struct it_step steps[] = {
        {'A', "CONFIG SET busy-reply-threshold 100", "A", IT_NOWAIT},
        /* the PING after the script waits in A's pipeline until it ends */
        {'A', "EVAL \"while true do end\" 0\r\nPING", "", IT_NOWAIT},
        {'B', "PING", "?-BUSY", IT_NOWAIT},
        {'B', "SHUTDOWN", "B", IT_NOWAIT},
        {'B', "SHUTDOWN SAVE", "B", IT_NOWAIT},
        {'B', "CONFIG GET lua-time-limit", "B", IT_NOWAIT},
        {'B', "MULTI", "B", IT_NOWAIT},
        {'B', "SET k v", "B", IT_NOWAIT},
        {'B', "EXEC", "B", IT_NOWAIT},
        {'C', "EVAL \"return 1\" 0", "C", IT_NOWAIT},
        /* longer than A's EVAL: would overwrite A's PING if it shared a buffer */
        {'C', "ECHO 0123456789012345678901234567890123456789012345678901234567890123456789", "C",
         IT_NOWAIT},
        {'C', "AUTH nopass", "C", IT_NOWAIT},
        {'C', "SCRIPT FLUSH", "C", IT_NOWAIT},
        {'C', "SCRIPT KILL", "CAA", IT_NOWAIT},
        {'C', "SCRIPT KILL", "C", IT_NOWAIT},
        {'B', "GET k", "B", IT_NOWAIT},
        /* a pcall around the loop cannot catch the kill */
        {'A', "EVAL \"while true do pcall(function() while true do end end) end\" 0", "",
         IT_NOWAIT},
        {'B', "PING", "?-BUSY", IT_NOWAIT},
        {'B', "SCRIPT KILL", "BA", IT_NOWAIT},
        {'B', "PING", "B", IT_NOWAIT},
        /* the caller hangs up while its script is busy */
        {'A', "EVAL \"while true do end\" 0", "", IT_NOWAIT},
        {'A', NULL, "", IT_NOWAIT},
        {'B', "PING", "?-BUSY", IT_NOWAIT},
        {'B', "SCRIPT KILL", "B", IT_NOWAIT},
        /* OK comes before the script has ended: wait for the end, then
         * for A's connection to go (B, C and the runner's own remain) */
        {'B', "PING", "?+PONG", 3, -1},
    };
    IT_DIFF(steps, "Script killed by user with SCRIPT KILL");
}

/* A function that runs too long: BUSY names FUNCTION KILL, SCRIPT KILL
 * refuses it, FUNCTION KILL ends it; a function that wrote is
 * UNKILLABLE for FUNCTION KILL too. */
static void test_function_kill(void **state)
{
    (void)state;
    static const struct it_step steps[] = {
        {'A', "CONFIG SET busy-reply-threshold 100", "A", IT_NOWAIT},
        {'A',
         "FUNCTION LOAD \"#!lua name=loops\\n"
         "redis.register_function('spin', function() while true do end end)\\n"
         "redis.register_function('wspin', function() redis.call('set', 'w', 1) "
         "while true do end end)\"",
         "A", IT_NOWAIT},
        {'A', "FCALL spin 0", "", IT_NOWAIT},
        {'B', "PING", "?-BUSY", IT_NOWAIT},
        {'B', "SCRIPT KILL", "B", IT_NOWAIT},
        {'B', "FUNCTION KILL", "BA", IT_NOWAIT},
        {'B', "FUNCTION KILL", "B", IT_NOWAIT},
        {'A', "FCALL wspin 0", "", IT_NOWAIT},
        {'B', "PING", "?-BUSY", IT_NOWAIT},
        {'B', "FUNCTION KILL", "B", IT_NOWAIT},
        {'B', "SHUTDOWN NOSAVE", "-B-A", IT_NOWAIT},
    };
    it_transcript_diff_shutdown(
        steps, sizeof(steps) / sizeof(steps[0]),
        "killed by user with SCRIPT KILL... script: spin, on @user_function");
}

static void test_unkillable_and_shutdown(void **state)
{
    (void)state;
    static const struct it_step steps[] = {
        {'A', "CONFIG SET busy-reply-threshold 100", "A", IT_NOWAIT},
        {'C', "BLPOP q 0", "", -1, 1},
        /* loops while its push is there: until the end, unless C pops it */
        {'A', "EVAL \"redis.call('rpush', 'q', 'x') while redis.call('llen', 'q') == 1 do end\" 0",
         "", IT_NOWAIT},
        {'B', "PING", "?-BUSY", IT_NOWAIT},
        {'B', "SCRIPT KILL", "B", IT_NOWAIT},
        /* a command allowed while busy must not hand C the script's push */
        {'B', "WATCH q", "B", IT_NOWAIT},
        {'B', "SHUTDOWN NOSAVE", "-B-A-C", IT_NOWAIT},
    };
    it_transcript_diff_shutdown(steps, sizeof(steps) / sizeof(steps[0]),
                                "UNKILLABLE Sorry the script already executed write commands");
}

/* The budget counts real time: a frozen server clock does not keep a
 * looping script from becoming busy. */
static void test_virtual_clock(void **state)
{
    (void)state;
    static const struct it_step steps[] = {
        {'A', "MOCK CLOCK VIRTUAL 1000000", "A", IT_NOWAIT},
        {'A', "CONFIG SET lua-time-limit 100", "A", IT_NOWAIT},
        {'A', "EVAL \"while true do end\" 0", "", IT_NOWAIT},
        {'B', "PING", "?-BUSY", IT_NOWAIT},
        {'B', "SCRIPT KILL", "BA", IT_NOWAIT},
        {'A', "MOCK CLOCK GET", "A", IT_NOWAIT},
    };
    struct mh_server *s = it_mock(NULL);
    char *t = it_transcript(mh_server_port(s), steps, sizeof(steps) / sizeof(steps[0]));
    assert_non_null(strstr(t, "B: -BUSY Redis is busy running a script."));
    assert_non_null(strstr(t, "A: :1000000\\r\\n"));
    free(t);
    it_stop_ok(s);
}

static long long info_field(struct mh_conn *c, const char *field)
{
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(c, "INFO memory", &r, 5000), MH_REPLY);
    const char *p = strstr(r.p, field);
    if (p == NULL)
        fail_msg("INFO memory lacks %s", field);
    long long v = strtoll(p + strlen(field), NULL, 10);
    buf_free(&r);
    return v;
}

/* number_of_cached_scripts as redis-server counts it; the memory figures
 * are there and move with the cache. */
static void test_info_scripts(void **state)
{
    (void)state;
    struct mh_server *servers[2] = {it_redis(NULL), it_mock(NULL)};
    assert_non_null(servers[0]);
    for (int i = 0; i < 2; i++) {
        struct mh_conn c;
        struct buf r = BUF_INIT;
        assert_int_equal(mh_conn_open(&c, mh_server_port(servers[i])), 0);
        assert_int_equal(info_field(&c, "number_of_cached_scripts:"), 0);
        long long before = info_field(&c, "used_memory_scripts_eval:");
        assert_int_equal(mh_call(&c, "SCRIPT LOAD \"return 1\"", &r, 5000), MH_REPLY);
        assert_int_equal(mh_call(&c, "EVAL \"return 2\" 0", &r, 5000), MH_REPLY);
        assert_int_equal(info_field(&c, "number_of_cached_scripts:"), 2);
        assert_true(info_field(&c, "used_memory_scripts_eval:") > before);
        assert_true(info_field(&c, "used_memory_lua:") > 0);
        assert_true(info_field(&c, "used_memory_vm_eval:") > 0);
        assert_true(info_field(&c, "used_memory_scripts:") > 0);
        assert_int_equal(info_field(&c, "number_of_functions:"), 0);
        assert_int_equal(mh_call(&c, "SCRIPT FLUSH", &r, 5000), MH_REPLY);
        assert_int_equal(info_field(&c, "number_of_cached_scripts:"), 0);
        buf_free(&r);
        mh_conn_close(&c);
    }
    it_stop_ok(servers[1]);
    it_stop(servers[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_busy_and_kill),
        cmocka_unit_test(test_function_kill),
        cmocka_unit_test(test_unkillable_and_shutdown),
        cmocka_unit_test(test_virtual_clock),
        cmocka_unit_test(test_info_scripts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
