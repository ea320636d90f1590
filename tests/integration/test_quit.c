/* test_quit.c - QUIT answers +OK, then the server closes the connection;
 * commands pipelined after QUIT are not run. Checked against redis-server
 * too when it is installed. Also: a client being closed (QUIT) that still
 * has unread output and keeps sending must not make the server spin. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static void check_quit(struct mh_server *s)
{
    int port = mh_server_port(s);
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, port), 0);
    it_raw_expect(&c, IT_S("*1\r\n$4\r\nQUIT\r\n"), IT_S("+OK\r\n"));
    it_expect_eof(&c, 5000);
    mh_conn_close(&c);

    /* inline, with more commands behind it in the same write */
    assert_int_equal(mh_conn_open(&c, port), 0);
    it_raw_expect(&c, IT_S("QUIT\r\nSET after quit\r\n"), IT_S("+OK\r\n"));
    it_expect_eof(&c, 5000);
    mh_conn_close(&c);

    redisContext *ctx = it_connect(port);
    it_cmd_expect(ctx, REDIS_REPLY_NIL, "", "GET after");
    redisFree(ctx);
}

static void test_mockredis(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    check_quit(s);
    it_stop_ok(s);
}

static void test_oracle_redis(void **state)
{
    (void)state;
    struct mh_server *s = it_redis(NULL);
    if (s == NULL)
        skip();
    check_quit(s);
    it_stop(s);
}

/* CPU time (user + system, in clock ticks) used so far by process pid. */
static long long cpu_ticks(pid_t pid)
{
    char path[64], line[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(line, 1, sizeof(line) - 1, f);
    fclose(f);
    line[n] = '\0';
    char *p = strrchr(line, ')');
    unsigned long long ut = 0, st = 0;
    /* after ")": state, then 10 fields, then utime and stime */
    if (p == NULL ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
        return -1;
    return (long long)(ut + st);
}

static void test_no_spin_while_closing(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    int port = mh_server_port(s);
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, port), 0);
    int small = 4096;
    setsockopt(c.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    size_t n = 4u << 20;
    char *big = malloc(n);
    memset(big, 'q', n);
    const char *argv[] = {"SET", "big", big};
    size_t argl[] = {3, 3, n};
    assert_int_equal(mh_send_argv(c.fd, 3, argv, argl), 0);
    it_reply_expect(&c, IT_S("+OK\r\n"));
    free(big);
    /* 32 MiB of replies nobody reads, then QUIT, then more input */
    for (int i = 0; i < 8; i++)
        assert_int_equal(mh_send(c.fd, IT_S("GET big\r\n")), 0);
    assert_int_equal(mh_send(c.fd, IT_S("QUIT\r\n")), 0);
    it_sleep_ms(200);
    assert_int_equal(mh_send(c.fd, IT_S("PING\r\n")), 0);
    /* The server may still be building the replies (slow under valgrind),
     * but within 10 s it must go idle: a 500 ms window using under 5 ticks
     * (a busy loop takes up to 50 there, one full core). */
    long long used = -1;
    for (int w = 0; w < 20; w++) {
        long long t0 = cpu_ticks(mh_server_pid(s));
        assert_true(t0 >= 0);
        it_sleep_ms(500);
        used = cpu_ticks(mh_server_pid(s)) - t0;
        if (used < 5)
            break;
    }
    print_message("server used %lld ticks in its last 500 ms window\n", used);
    assert_true(used < 5);
    mh_conn_close(&c);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mockredis),
        cmocka_unit_test(test_oracle_redis),
        cmocka_unit_test(test_no_spin_while_closing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
