/* test_slowlog.c - the slow log of blocking commands, across connections.
 *
 * A blocking command is logged when it is served, after the command that
 * served it, and never when it times out; both servers
 * run the same script and their transcripts must be identical. The
 * entries are read through a script that keeps their arguments only
 * (ids, times, durations and addresses vary), leaving out the INFO the
 * test runner polls with. Then, on mockredis's virtual clock, the
 * latency histogram of a served command. LATENCY GRAPH and DOCTOR:
 * against redis-server on one sample (DEBUG SLEEP), their numbers masked,
 * and on the virtual clock with exact samples. */
#include "it.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

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

/* One sample of the event "command" (a DEBUG SLEEP over the 1 ms
 * threshold), then LATENCY GRAPH and LATENCY DOCTOR, their digits masked
 * (the duration and the sample's age vary). */
static char *graph_session(int port)
{
    struct mh_conn a;
    struct buf r = BUF_INIT;
    assert_int_equal(mh_conn_open(&a, port), 0);
    it_line_expect(&a, "LATENCY RESET", ":0\r\n");
    it_line_expect(&a, "CONFIG SET latency-monitor-threshold 1", "+OK\r\n");
    it_line_expect(&a, "DEBUG SLEEP 0.003", "+OK\r\n");
    struct buf out = BUF_INIT;
    assert_int_equal(mh_call(&a, "LATENCY GRAPH command", &r, 5000), MH_REPLY);
    buf_append(&out, r.p, r.len);
    /* DOCTOR's report: with the slow log's advice to lower its threshold,
     * to enable it, then with monitoring off (the samples stay) */
    assert_int_equal(mh_call(&a, "LATENCY DOCTOR", &r, 5000), MH_REPLY);
    buf_append(&out, r.p, r.len);
    it_line_expect(&a, "CONFIG SET slowlog-log-slower-than -1", "+OK\r\n");
    assert_int_equal(mh_call(&a, "LATENCY DOCTOR", &r, 5000), MH_REPLY);
    buf_append(&out, r.p, r.len);
    it_line_expect(&a, "CONFIG SET slowlog-log-slower-than 10000", "+OK\r\n");
    it_line_expect(&a, "CONFIG SET latency-monitor-threshold 0", "+OK\r\n");
    assert_int_equal(mh_call(&a, "LATENCY DOCTOR", &r, 5000), MH_REPLY);
    buf_append(&out, r.p, r.len);
    it_line_expect(&a, "LATENCY RESET", ":1\r\n");
    assert_int_equal(mh_call(&a, "LATENCY DOCTOR", &r, 5000), MH_REPLY);
    buf_append(&out, r.p, r.len);
    buf_free(&r);
    mh_conn_close(&a);
    for (size_t i = 0; i < out.len; i++)
        if (isdigit((unsigned char)out.p[i]))
            out.p[i] = '9';
    return out.p;
}

static void test_latency_graph_doctor_diff(void **state)
{
    (void)state;
    static const char *const args[] = {"--enable-debug-command", "yes", NULL};
    struct mh_server *redis = it_redis(args);
    if (redis == NULL)
        fail_msg("redis-server is needed as the oracle");
    struct mh_server *mock = it_mock(NULL);
    char *want = graph_session(mh_server_port(redis));
    char *got = graph_session(mh_server_port(mock));
    if (strcmp(want, got) != 0) {
        fprintf(stderr, "redis-server:\n%s\nmockredis:\n%s", want, got);
        fail_msg("the graphs differ (above)");
    }
    assert_non_null(strstr(got, "(all time high 9 ms)\n----"));
    assert_non_null(strstr(got, "9. command: 9 latency spikes (average 9ms"));
    assert_non_null(strstr(got, "- There are latency issues"));
    assert_non_null(strstr(got, "I'm sorry, Dave"));
    free(want);
    free(got);
    it_stop_ok(mock);
    it_stop(redis);
}

/* On the virtual clock, MOCK CLOCK ADVANCE lasts what it advances: four
 * exact samples of "command", the chart redis-server draws for them (its
 * bars scaled between the lowest and the highest, ages downwards) and
 * DOCTOR's report (integer average and mean deviation, the period since
 * the oldest sample over the count). */
static void test_latency_graph_virtual_clock(void **state)
{
    (void)state;
    struct mh_conn a, b;
    struct mh_server *s = it_mock_clock(&a, &b);
    it_line_expect(&b, "CONFIG SET latency-monitor-threshold 1", "+OK\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 1000", ":1001000\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 2000", ":1003000\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 1500", ":1004500\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 4000", ":1008500\r\n");
    static const char graph[] =
        "command - high 4000 ms, low 1000 ms (all time high 4000 ms)\n"
        "--------------------------------------------------------------------------------\n"
        "   #\n"
        "   |\n"
        " o |\n"
        "_|#|\n"
        "    \n"
        "7540\n"
        "ssss\n";
    char want[512];
    snprintf(want, sizeof(want), "$%zu\r\n%s\r\n", sizeof(graph) - 1, graph);
    it_line_expect(&a, "LATENCY GRAPH command", want);
    static const char report[] =
        "Dave, I have observed latency spikes in this Redis instance. You don't mind talking "
        "about it, do you Dave?\n\n"
        "1. command: 4 latency spikes (average 2125ms, mean deviation 937ms, period 1.75 sec). "
        "Worst all time event 4000ms.\n\n"
        "I have a few advices for you:\n\n"
        "- Your current Slow Log configuration only logs events that are slower than your "
        "configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than "
        "1000'.\n"
        "- Check your Slow Log to understand what are the commands you are running which are too "
        "slow to execute. Please check https://redis.io/commands/slowlog for more information.\n"
        "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a "
        "blocking operation. If you have very large objects that are often deleted, expired, or "
        "evicted, try to fragment those objects into multiple smaller objects.\n";
    char want2[2048];
    snprintf(want2, sizeof(want2), "$%zu\r\n%s\r\n", sizeof(report) - 1, report);
    it_line_expect(&a, "LATENCY DOCTOR", want2);
    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocked_logged_when_served),
        cmocka_unit_test(test_histogram_virtual_clock),
        cmocka_unit_test(test_latency_graph_doctor_diff),
        cmocka_unit_test(test_latency_graph_virtual_clock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
