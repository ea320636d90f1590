/* test_sigterm.c - SIGTERM (and SIGINT) stop the server cleanly with exit
 * status 0, also while clients are connected, one of them half-way through
 * a command and one with a reply it has not read. */
#include "it.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static void test_sigterm_idle(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    it_stop_ok(s); /* mh_server_stop sends SIGTERM */
}

static void test_sigterm_with_clients(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    int port = mh_server_port(s);
    struct mh_conn a, b, c;
    assert_int_equal(mh_conn_open(&a, port), 0);
    assert_int_equal(mh_conn_open(&b, port), 0);
    assert_int_equal(mh_conn_open(&c, port), 0);
    it_raw_expect(&a, IT_S("SET k v\r\n"), IT_S("+OK\r\n"));
    /* b: half a command */
    assert_int_equal(mh_send(b.fd, IT_S("*2\r\n$3\r\nGET\r\n$1")), 0);
    /* c: a 4 MiB reply it never reads */
    size_t n = 4u << 20;
    char *big = malloc(n);
    memset(big, 'z', n);
    const char *argv[] = {"SET", "big", big};
    size_t argl[] = {3, 3, n};
    assert_int_equal(mh_send_argv(a.fd, 3, argv, argl), 0);
    it_reply_expect(&a, IT_S("+OK\r\n"));
    free(big);
    for (int i = 0; i < 4; i++)
        assert_int_equal(mh_send(c.fd, IT_S("GET big\r\n")), 0);
    it_sleep_ms(50);

    it_stop_ok(s);
    /* everyone sees the connection end */
    it_expect_eof(&a, 5000);
    mh_conn_close(&a);
    mh_conn_close(&b);
    mh_conn_close(&c);
}

static void test_sigint(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    assert_int_equal(kill(mh_server_pid(s), SIGINT), 0);
    int st = 0;
    assert_int_equal(mh_server_wait(s, 5000, &st), 1);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    it_stop(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigterm_idle),
        cmocka_unit_test(test_sigterm_with_clients),
        cmocka_unit_test(test_sigint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
