/* test_client_pause.c - CLIENT PAUSE/UNPAUSE and CLIENT REPLY across
 * connections (issue 14).
 *
 * The scripts run against redis-server and mockredis and their transcripts
 * must be identical: what waits under a WRITE pause (writes, PUBLISH, an
 * EXEC with a write queued, a write queued in MULTI) and what does not
 * (reads, a read-only EXEC), the order the waiting commands run in once
 * CLIENT UNPAUSE ends the pause, and the replies CLIENT REPLY OFF/SKIP
 * drop. Ordering only, never timing: each step waits for the server to
 * count the postponed client as blocked. Then what only mockredis has: a
 * pause ALL ended by MOCK CLOCK ADVANCE on a virtual clock (the MOCK
 * namespace is never paused), and CLIENT NO-EVICT's flag. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Writes and what may replicate wait, reads go on; UNPAUSE runs the waiting
 * commands in the order they arrived. */
static void test_write_pause(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "CLIENT PAUSE 100000 WRITE", "A", IT_NOWAIT},
        {'B', "SET k 1", "", -1, 1},
        {'C', "GET k", "C", IT_NOWAIT},
        {'C', "EXISTS k", "C", IT_NOWAIT},
        {'C', "PUBLISH ch m", "", -1, 2},
        {'A', "PING", "A", IT_NOWAIT},
        {'A', "CLIENT UNPAUSE", "ABC", -1, 0},
        {'C', "GET k", "C", IT_NOWAIT},
        /* FIFO: the first to arrive runs first */
        {'A', "CLIENT PAUSE 100000 WRITE", "A", IT_NOWAIT},
        {'B', "SET o first", "", -1, 1},
        {'C', "SET o second", "", -1, 2},
        {'A', "CLIENT UNPAUSE", "ABC", -1, 0},
        {'A', "GET o", "A", IT_NOWAIT},
    };
    IT_DIFF(s, "C: $1\\r\\n1\\r\\n");
}

/* In MULTI: a write waits before it is queued; a read-only EXEC runs; an
 * EXEC whose queue holds a write waits. */
static void test_multi(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'B', "MULTI", "B", IT_NOWAIT},
        {'B', "INCR n", "B", IT_NOWAIT},
        {'A', "CLIENT PAUSE 100000 WRITE", "A", IT_NOWAIT},
        {'B', "EXEC", "", -1, 1},
        {'C', "MULTI", "C", IT_NOWAIT},
        {'C', "GET n", "C", IT_NOWAIT},
        {'C', "EXEC", "C", IT_NOWAIT},
        {'C', "MULTI", "C", IT_NOWAIT},
        {'C', "INCR n", "", -1, 2},
        {'A', "CLIENT UNPAUSE", "ABC", -1, 0},
        {'C', "EXEC", "C", IT_NOWAIT},
        {'A', "GET n", "A", IT_NOWAIT},
    };
    IT_DIFF(s, "A: $1\\r\\n2\\r\\n");
}

/* CLIENT REPLY OFF drops every reply (errors too) until ON; SKIP drops the
 * next command's (a SKIP skipped still skips the next one). */
static void test_reply(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "CLIENT REPLY OFF", "", IT_NOWAIT},
        {'A', "SET k v", "", IT_NOWAIT},
        {'A', "GET a b", "", IT_NOWAIT},
        {'A', "CLIENT REPLY SKIP", "", IT_NOWAIT},
        {'A', "CLIENT REPLY ON", "A", IT_NOWAIT},
        {'A', "CLIENT REPLY SKIP", "", IT_NOWAIT},
        {'A', "GET k", "", IT_NOWAIT},
        {'A', "GET k", "A", IT_NOWAIT},
        {'A', "CLIENT REPLY SKIP", "", IT_NOWAIT},
        {'A', "CLIENT REPLY ON", "A", IT_NOWAIT},
        {'A', "CLIENT REPLY SKIP", "", IT_NOWAIT},
        {'A', "CLIENT REPLY SKIP", "", IT_NOWAIT}, /* skipped, and skips the next */
        {'A', "PING", "", IT_NOWAIT},
        {'A', "PING", "A", IT_NOWAIT},
        {'A', "CLIENT REPLY foo", "A", IT_NOWAIT},
        {'B', "GET k", "B", IT_NOWAIT},
    };
    IT_DIFF(s, "A: +PONG\\r\\n");
}

/* Sends line on c until its reply is want; fails after 5 s. */
static void poll_reply(struct mh_conn *c, const char *line, const char *want)
{
    long long until = it_now_ms() + 5000;
    struct buf r = BUF_INIT;
    for (;;) {
        it_line_send(c, line);
        buf_clear(&r);
        assert_int_equal(mh_read_reply(c, &r, 5000), MH_REPLY);
        if (r.len == strlen(want) && memcmp(r.p, want, r.len) == 0)
            break;
        assert_true(it_now_ms() < until);
        it_sleep_ms(5);
    }
    buf_free(&r);
}

/* A pause ALL on a virtual clock: everything waits (INFO too), MOCK does
 * not; the clock reaching the pause's end lets the commands run. */
static void test_virtual_clock(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn a, b, c;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    it_line_expect(&b, "MOCK CLOCK VIRTUAL 1000000", ":1000000\r\n");
    it_line_expect(&a, "CLIENT PAUSE 1000", "+OK\r\n");
    it_line_send(&c, "SET k v");
    poll_reply(&b, "MOCK STAT postponed_clients", ":1\r\n");
    it_line_send(&a, "GET k");
    poll_reply(&b, "MOCK STAT postponed_clients", ":2\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 999", ":1000999\r\n");
    it_line_expect(&b, "MOCK STAT postponed_clients", ":2\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 1", ":1001000\r\n");
    it_line_reply(&c, "+OK\r\n");
    it_line_reply(&a, "$1\r\nv\r\n");
    it_line_expect(&b, "MOCK STAT postponed_clients", ":0\r\n");
    /* a WRITE pause with the same end does not shorten an ALL one; a longer
     * one lengthens it */
    it_line_expect(&a, "CLIENT PAUSE 100 WRITE", "+OK\r\n");
    it_line_expect(&a, "CLIENT PAUSE 200 ALL", "+OK\r\n");
    it_line_send(&c, "GET k");
    poll_reply(&b, "MOCK STAT postponed_clients", ":1\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 150", ":1001150\r\n");
    it_line_expect(&b, "MOCK STAT postponed_clients", ":1\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 50", ":1001200\r\n");
    it_line_reply(&c, "$1\r\nv\r\n");
    /* a client that goes away while it waits is forgotten */
    it_line_expect(&a, "CLIENT PAUSE 100", "+OK\r\n");
    it_line_send(&c, "SET k w");
    poll_reply(&b, "MOCK STAT postponed_clients", ":1\r\n");
    mh_conn_close(&c);
    poll_reply(&b, "MOCK STAT postponed_clients", ":0\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 100", ":1001300\r\n");
    it_line_expect(&a, "GET k", "$1\r\nv\r\n");

    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
}

static int has(const struct buf *r, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= r->len; i++)
        if (memcmp(r->p + i, needle, n) == 0)
            return 1;
    return 0;
}

/* CLIENT NO-EVICT ON shows as flag e in CLIENT INFO and LIST; OFF removes it. */
static void test_no_evict_flag(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn a;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    struct buf r = BUF_INIT;
    it_line_expect(&a, "CLIENT NO-EVICT ON", "+OK\r\n");
    it_line_send(&a, "CLIENT INFO");
    assert_int_equal(mh_read_reply(&a, &r, 5000), MH_REPLY);
    assert_true(has(&r, " flags=e "));
    it_line_expect(&a, "CLIENT NO-EVICT OFF", "+OK\r\n");
    buf_clear(&r);
    it_line_send(&a, "CLIENT INFO");
    assert_int_equal(mh_read_reply(&a, &r, 5000), MH_REPLY);
    assert_true(has(&r, " flags=N "));
    buf_free(&r);
    mh_conn_close(&a);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_pause),   cmocka_unit_test(test_multi),
        cmocka_unit_test(test_reply),         cmocka_unit_test(test_virtual_clock),
        cmocka_unit_test(test_no_evict_flag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
