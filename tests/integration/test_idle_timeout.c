/* test_idle_timeout.c - --timeout closes idle clients, driven by the
 * virtual clock so nobody sleeps for the timeout itself. Blocked clients
 * and subscribers are exempt, as in Redis.
 *
 * MOCK CLOCK VIRTUAL <ms> freezes the server's clock; MOCK CLOCK ADVANCE 2000
 * moves it 2 s forward, past "--timeout 1". The idle client must then be
 * closed (silently, as Redis does) by the next background tick, within
 * about 100 ms of real time; the client that just ran a command stays. */
#include "it.h"

#include <string.h>

static void test_idle_client_closed(void **state)
{
    (void)state;
    const char *args[] = {"--timeout", "1", NULL};
    struct mh_server *s = it_mock(args);
    int port = mh_server_port(s);

    struct mh_conn idle, busy;
    assert_int_equal(mh_conn_open(&idle, port), 0);
    assert_int_equal(mh_conn_open(&busy, port), 0);
    it_raw_expect(&idle, IT_S("PING\r\n"), IT_S("+PONG\r\n"));
    /* every CLOCK subcommand answers with the new time in ms */
    it_raw_expect(&busy, IT_S("MOCK CLOCK VIRTUAL 1000000\r\n"), IT_S(":1000000\r\n"));
    it_raw_expect(&idle, IT_S("PING\r\n"), IT_S("+PONG\r\n"));
    /* within the timeout nothing happens */
    it_raw_expect(&busy, IT_S("MOCK CLOCK ADVANCE 500\r\n"), IT_S(":1000500\r\n"));
    it_sleep_ms(250);
    it_raw_expect(&idle, IT_S("PING\r\n"), IT_S("+PONG\r\n"));

    /* With the clock virtual, real time passing closes nobody: the EOF is
     * the virtual clock's doing however long it takes to arrive (the
     * server's next tick, 100 ms on an idle machine; a busy one is slower,
     * so the test waits, it does not time). */
    long long t0 = it_now_ms();
    it_raw_expect(&busy, IT_S("MOCK CLOCK ADVANCE 2000\r\n"), IT_S(":1002500\r\n"));
    it_expect_eof(&idle, 5000);
    print_message("idle client closed %lld ms (real) after the clock moved\n", it_now_ms() - t0);
    mh_conn_close(&idle);

    /* the client that advanced the clock was active at that moment */
    it_raw_expect(&busy, IT_S("PING\r\n"), IT_S("+PONG\r\n"));
    mh_conn_close(&busy);
    assert_int_equal(mh_stat(port, "timeouts"), 1);
    it_stop_ok(s);
}

/* Subscribers are exempt, as in Redis (RESP2 and RESP3 alike): they only
 * listen. They used to be closed like any idle client. The idle client's
 * EOF proves the timeout pass ran: it closes every idle client in one go,
 * so a subscriber it would close is gone by then too. Once it leaves its
 * channels, a former subscriber times out like anyone. */
static void test_subscribers_exempt(void **state)
{
    (void)state;
    const char *args[] = {"--timeout", "1", NULL};
    struct mh_server *s = it_mock(args);
    int port = mh_server_port(s);

    struct mh_conn idle, sub, psub, sub3, busy;
    assert_int_equal(mh_conn_open(&idle, port), 0);
    assert_int_equal(mh_conn_open(&sub, port), 0);
    assert_int_equal(mh_conn_open(&psub, port), 0);
    assert_int_equal(mh_conn_open(&sub3, port), 0);
    assert_int_equal(mh_conn_open(&busy, port), 0);
    it_raw_expect(&busy, IT_S("MOCK CLOCK VIRTUAL 1000000\r\n"), IT_S(":1000000\r\n"));
    it_raw_expect(&idle, IT_S("PING\r\n"), IT_S("+PONG\r\n"));
    it_line_expect(&sub, "SUBSCRIBE news", "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
    it_line_expect(&psub, "PSUBSCRIBE n*", "*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:1\r\n");
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(&sub3, "HELLO 3", &r, 5000), MH_REPLY);
    buf_free(&r);
    it_line_expect(&sub3, "SUBSCRIBE news", ">3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");

    it_raw_expect(&busy, IT_S("MOCK CLOCK ADVANCE 5000\r\n"), IT_S(":1005000\r\n"));
    it_expect_eof(&idle, 5000);
    mh_conn_close(&idle);
    /* the subscribers are still there and still get messages */
    it_line_expect(&busy, "PUBLISH news hi", ":3\r\n");
    it_line_reply(&sub, "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
    it_line_reply(&psub, "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
    it_line_reply(&sub3, ">3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
    it_line_expect(&sub, "PING", "*2\r\n$4\r\npong\r\n$0\r\n\r\n");

    /* without subscriptions, sub is an ordinary client again */
    it_line_expect(&sub, "UNSUBSCRIBE", "*3\r\n$11\r\nunsubscribe\r\n$4\r\nnews\r\n:0\r\n");
    it_raw_expect(&busy, IT_S("MOCK CLOCK ADVANCE 5000\r\n"), IT_S(":1010000\r\n"));
    it_expect_eof(&sub, 5000);
    it_line_expect(&psub, "PING", "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    it_line_expect(&sub3, "PING", "+PONG\r\n");
    mh_conn_close(&sub);
    mh_conn_close(&psub);
    mh_conn_close(&sub3);
    mh_conn_close(&busy);
    assert_int_equal(mh_stat(port, "timeouts"), 2);
    it_stop_ok(s);
}

static void test_no_timeout_by_default(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn idle, busy;
    assert_int_equal(mh_conn_open(&idle, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&busy, mh_server_port(s)), 0);
    it_raw_expect(&idle, IT_S("PING\r\n"), IT_S("+PONG\r\n"));
    it_raw_expect(&busy, IT_S("MOCK CLOCK VIRTUAL 1000000\r\n"), IT_S(":1000000\r\n"));
    it_raw_expect(&idle, IT_S("PING\r\n"), IT_S("+PONG\r\n"));
    it_raw_expect(&busy, IT_S("MOCK CLOCK ADVANCE 100000000\r\n"), IT_S(":101000000\r\n"));
    it_sleep_ms(250);
    it_raw_expect(&idle, IT_S("PING\r\n"), IT_S("+PONG\r\n"));
    mh_conn_close(&idle);
    mh_conn_close(&busy);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle_client_closed),
        cmocka_unit_test(test_subscribers_exempt),
        cmocka_unit_test(test_no_timeout_by_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
