/* test_slowlog.c - the slow log of blocking commands, across connections.
 *
 * A blocking command is logged when it is served, after the command that
 * served it, and never when it times out; both servers
 * run the same script and their transcripts must be identical. The
 * entries are read through a script that keeps their arguments only
 * (ids, times, durations and addresses vary), leaving out the INFO the
 * test runner polls with. Then, on mockredis's virtual clock, the
 * latency histogram of a served command. */
#include "it.h"

#include <stdlib.h>

#define ARGS_OF_SLOWLOG                                                                            \
    "EVAL \"local t = {} for _, e in ipairs(redis.call('slowlog', 'get', -1)) do "                 \
    "if string.upper(e[4][1]) ~= 'INFO' then table.insert(t, e[4]) end end return t\" 0"

static void test_blocked_logged_when_served(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'B', "CONFIG SET slowlog-log-slower-than 0", "B", IT_NOWAIT},
        {'B', "SLOWLOG RESET", "B", IT_NOWAIT},
        {'A', "BLPOP k 0", "", -1, 1},
        {'B', ARGS_OF_SLOWLOG, "B", IT_NOWAIT},
        {'B', "RPUSH k v", "BA", -1, 0},
        {'C', "BLPOP gone 0.01", "C", IT_NOWAIT},
        {'B', ARGS_OF_SLOWLOG, "B", IT_NOWAIT},
        {'B', "CONFIG SET slowlog-log-slower-than 10000", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "$5\\r\\nRPUSH\\r\\n");
}

/* On a virtual clock every duration is 0: a served BLPOP is one call in
 * the lowest bucket of its latency histogram, a timed-out one none. */
static void test_histogram_virtual_clock(void **state)
{
    (void)state;
    struct mh_conn a, b;
    struct mh_server *s = it_mock_clock(&a, &b);
    it_line_expect(&b, "CONFIG RESETSTAT", "+OK\r\n");
    it_line_send(&a, "BLPOP t 1");
    it_wait_info(&b, "blocked_clients:", 1);
    it_line_expect(&b, "MOCK CLOCK ADVANCE 1000", ":1001000\r\n");
    it_line_reply(&a, "*-1\r\n");
    it_line_expect(&b, "LATENCY HISTOGRAM blpop", "*0\r\n");
    it_line_send(&a, "BLPOP k 0");
    it_wait_info(&b, "blocked_clients:", 1);
    it_line_expect(&b, "RPUSH k v", ":1\r\n");
    it_line_reply(&a, "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
    it_line_expect(&b, "LATENCY HISTOGRAM blpop",
                   "*2\r\n$5\r\nblpop\r\n*4\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n"
                   "*2\r\n:1\r\n:1\r\n");
    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocked_logged_when_served),
        cmocka_unit_test(test_histogram_virtual_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
