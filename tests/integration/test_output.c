/* test_output.c - the output side of a connection: client-output-buffer-limit
 * and replies written in pieces.
 *
 * A subscriber that never reads must not grow the server without bound:
 * Redis drops it once its pending output reaches the pubsub class's hard
 * limit, or stays over the soft limit for more than the soft seconds, while
 * every other client goes on being served. The hard limit and the normal
 * class run on redis-server and on mockredis with the same assertions; the
 * soft limit runs on mockredis's virtual clock (MOCK CLOCK ADVANCE), which
 * Redis lacks. The subscriber's receive buffer is made small so that the
 * kernel does not absorb megabytes of messages before the server sees any
 * pending output. Counts, never times: a test waits for the server's own
 * figures (CLIENT LIST omem, PUBLISH's receiver count).
 *
 * Then a scenario job writing a multi-megabyte reply one byte at a time
 * holds that reply once, not one record per piece (INFO memory). */
#include "it.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"

#define MSG_BYTES   (64 * 1024) /* one published message's payload */
#define MAX_PUBLISH 4000        /* 256 MB: a bound, far beyond any socket buffer */

/* Opens c to 127.0.0.1:port with a small receive buffer, set before
 * connecting so that the advertised window stays small too. */
static void open_slow(struct mh_conn *c, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    int small = 4096;
    assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    c->fd = fd;
    c->in = (struct mh_bytes)MH_BYTES_INIT;
}

/* PUBLISH ch <payload numbered i> on c; returns the receiver count. */
static long long publish(struct mh_conn *c, int i)
{
    static char payload[MSG_BYTES];
    memset(payload, 'm', sizeof(payload));
    snprintf(payload, 16, "%08d", i);
    payload[8] = '-';
    const char *argv[] = {"PUBLISH", "ch", payload};
    size_t argl[] = {7, 2, sizeof(payload)};
    assert_int_equal(mh_send_argv(c->fd, 3, argv, argl), 0);
    struct buf r = BUF_INIT;
    assert_int_equal(mh_read_reply(c, &r, 5000), MH_REPLY);
    if (r.len < 4 || r.p[0] != ':')
        fail_msg("PUBLISH %d: %.*s", i, (int)r.len, r.p);
    long long n = atoll(r.p + 1);
    buf_free(&r);
    return n;
}

/* Reads the messages c received, in order from number first on, until
 * EOF; returns how many. Each must be whole and carry the next number. */
static int read_until_eof(struct mh_conn *c, int first)
{
    struct buf r = BUF_INIT;
    int n = 0, rc;
    while ((rc = mh_read_reply(c, &r, 5000)) == MH_REPLY) {
        char want[32];
        snprintf(want, sizeof(want), "%08d-", first + n);
        const char *p = r.p ? strstr(r.p, "$65536\r\n") : NULL;
        if (p == NULL || memcmp(p + 8, want, 9) != 0)
            fail_msg("message %d is not whole or out of order", first + n);
        n++;
    }
    buf_free(&r);
    if (rc != MH_EOF)
        fail_msg("the subscriber saw %d after %d messages, not EOF", rc, n);
    return n;
}

static void subscribe(struct mh_conn *sub)
{
    it_line_send(sub, "SUBSCRIBE ch");
    it_line_reply(sub, "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n");
}

/* The subscriber's pending output as the server counts it for the limit
 * (CLIENT LIST's omem; there is one pubsub client). */
static long long sub_omem(struct mh_conn *c)
{
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(c, "CLIENT LIST TYPE pubsub", &r, 5000), MH_REPLY);
    const char *p = strstr(r.p, " omem=");
    assert_non_null(p);
    long long v = atoll(p + 6);
    buf_free(&r);
    return v;
}

/* ---- the hard limit, on both servers ------------------------------------------- */

/* A subscriber that never reads, under "pubsub 256kb 0 0": PUBLISH counts it
 * until the message that takes it over the limit (that one included, as
 * Redis closes it after the command), then never again; the subscriber
 * gets the messages the kernel took before, whole and in order, then EOF;
 * the publisher and a bystander are served throughout. */
static void slow_subscriber(struct mh_server *s, int is_mock)
{
    int port = mh_server_port(s);
    struct mh_conn pub, sub, other;
    assert_int_equal(mh_conn_open(&pub, port), 0);
    assert_int_equal(mh_conn_open(&other, port), 0);
    open_slow(&sub, port);
    it_line_expect(&pub, "CONFIG SET client-output-buffer-limit \"pubsub 256kb 0 0\"", "+OK\r\n");
    subscribe(&sub);

    int counted = 0;
    while (counted < MAX_PUBLISH && publish(&pub, counted) == 1)
        counted++;
    if (counted == MAX_PUBLISH)
        fail_msg("the subscriber was never dropped (%d MB published)", MAX_PUBLISH / 16);
    assert_true(counted > 4); /* 256 KB of 64 KB messages at least were pending */
    assert_int_equal(publish(&pub, counted + 1), 0);
    it_line_expect(&other, "PING", "+PONG\r\n");
    it_line_expect(&pub, "PUBSUB NUMSUB ch", "*2\r\n$2\r\nch\r\n:0\r\n");

    int got = read_until_eof(&sub, 0);
    assert_true(got < counted); /* what was pending when it was dropped is lost */
    if (is_mock)
        assert_int_equal(mh_stat(port, "client_output_buffer_limit_disconnections"), 1);
    mh_conn_close(&sub);
    mh_conn_close(&pub);
    mh_conn_close(&other);
}

static void test_hard_limit(void **state)
{
    (void)state;
    struct mh_server *redis = it_redis(NULL);
    if (redis == NULL)
        fail_msg("redis-server is needed as the oracle (scripts/deps.sh installs it)");
    slow_subscriber(redis, 0);
    it_stop(redis);
    struct mh_server *mock = it_mock(NULL);
    slow_subscriber(mock, 1);
    it_stop_ok(mock);
}

/* ---- the soft limit, on the virtual clock ----------------------------------------- */

/* Publishes to a subscriber that does not read until its pending output is
 * at least bytes; returns the next message number. */
static int fill(struct mh_conn *pub, int next, long long bytes)
{
    int bound = next + MAX_PUBLISH;
    while (sub_omem(pub) < bytes) {
        if (next == bound)
            fail_msg("the subscriber's output never reached %lld bytes", bytes);
        assert_int_equal(publish(pub, next), 1);
        next++;
    }
    return next;
}

/* "pubsub 0 256kb 10": over 256 KB for 10 s is allowed, for 11 s not; the
 * seconds count from the first output added over the limit. Output added
 * while under it starts the count again (Redis's reset). */
static void test_soft_limit(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    int port = mh_server_port(s);
    struct mh_conn pub, sub;
    assert_int_equal(mh_conn_open(&pub, port), 0);
    open_slow(&sub, port);
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(&pub, "MOCK CLOCK VIRTUAL", &r, 5000), MH_REPLY);
    it_line_expect(&pub, "CONFIG SET client-output-buffer-limit \"pubsub 0 256kb 10\"", "+OK\r\n");
    subscribe(&sub);

    /* Over the soft limit at t0; 10 s later it is still served. */
    int next = fill(&pub, 0, 256 * 1024);
    assert_int_equal(mh_call(&pub, "MOCK CLOCK ADVANCE 10000", &r, 5000), MH_REPLY);
    assert_int_equal(publish(&pub, next++), 1);
    assert_int_equal(publish(&pub, next++), 1);

    /* It reads everything: the next message finds it under the limit. */
    assert_int_equal(mh_call(&pub, "MOCK CLOCK ADVANCE 5000", &r, 5000), MH_REPLY);
    for (int i = 0; i < next; i++) {
        char want[32];
        snprintf(want, sizeof(want), "%08d-", i);
        assert_int_equal(mh_read_reply(&sub, &r, 5000), MH_REPLY);
        assert_non_null(strstr(r.p, want));
    }
    assert_int_equal(publish(&pub, next++), 1); /* the count stops */

    /* Over again at t0 + 15 s: t0 + 25 s is 10 s on, not 25 s. */
    next = fill(&pub, next, 256 * 1024);
    assert_int_equal(mh_call(&pub, "MOCK CLOCK ADVANCE 10000", &r, 5000), MH_REPLY);
    assert_int_equal(publish(&pub, next++), 1);
    assert_int_equal(publish(&pub, next++), 1);
    assert_int_equal(mh_stat(port, "client_output_buffer_limit_disconnections"), 0);

    /* 11 s: the next output closes it (that message still counted). */
    assert_int_equal(mh_call(&pub, "MOCK CLOCK ADVANCE 1000", &r, 5000), MH_REPLY);
    assert_int_equal(publish(&pub, next++), 1);
    assert_int_equal(publish(&pub, next++), 0);
    assert_int_equal(mh_stat(port, "client_output_buffer_limit_disconnections"), 1);
    buf_free(&r);
    mh_conn_close(&sub);
    mh_conn_close(&pub);
    it_stop_ok(s);
}

/* ---- the normal class, on both servers ------------------------------------------ */

/* With "normal 100kb 0 0" a client whose reply is 1 MB is closed without a
 * byte of it; short replies (within the 16 KB Redis does not count) go
 * through, and with the limit off the big reply is answered again. */
static void test_normal_class(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "SETRANGE big 999999 x", "A", IT_NOWAIT},
        {'A', "CONFIG SET client-output-buffer-limit \"normal 100kb 0 0\"", "A", IT_NOWAIT},
        {'A', "CONFIG GET client-output-buffer-limit", "A", IT_NOWAIT},
        {'B', "GET big", "-B", IT_NOWAIT},
        {'A', "PING", "A", IT_NOWAIT},
        {'C', "GETRANGE big 999990 -1", "C", IT_NOWAIT},
        {'C', "GETRANGE big 0 9999", "C", IT_NOWAIT},
        {'A', "CONFIG SET client-output-buffer-limit \"normal 0 0 0\"", "A", IT_NOWAIT},
        {'B', "STRLEN big", "B", IT_NOWAIT},
        {'B', "GETRANGE big 999000 -1", "B", IT_NOWAIT},
        {'C', "GET big", "C", IT_NOWAIT},
    };
    IT_DIFF(s, "B: closed");
}

/* ---- a reply in pieces --------------------------------------------------------- */

/* One field of INFO memory on c. */
static long long info_memory(struct mh_conn *c, const char *field)
{
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(c, "INFO memory", &r, 5000), MH_REPLY);
    char key[64];
    snprintf(key, sizeof(key), "\r\n%s:", field);
    const char *p = strstr(r.p, key);
    assert_non_null(p);
    long long v = atoll(p + strlen(key));
    buf_free(&r);
    return v;
}

/* "pieces 1" over an 8 MiB reply: the job keeps the reply (8 MB) and where
 * it stands, not one record per piece (it kept 8 bytes per piece, 64 MB,
 * grown by a realloc per piece). The server's heap grows by less than
 * twice the reply. */
static void test_pieces_memory(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s = it_mock_scenario(file, sizeof(file), "output",
                                           "finish control\n"
                                           "on GET big do pieces 1 pause 1s\n");
    int port = mh_server_port(s);
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, port), 0);
    assert_int_equal(mh_conn_open(&b, port), 0);
    /* Its reply, with "$8388544\r\n" and the final CRLF, fits in 8 MiB. */
    const long long size = 8 * 1024 * 1024 - 64;
    char line[64];
    snprintf(line, sizeof(line), "SETRANGE big %lld x", size - 1);
    it_line_expect(&b, line, ":8388544\r\n");
    /* used_memory is the allocator's figure; a sanitizer's allocator gives
     * none, then the resident size stands in. */
    const char *field = info_memory(&b, "used_memory") > 0 ? "used_memory" : "used_memory_rss";
    long long before = info_memory(&b, field);

    it_line_send(&a, "GET big");
    char first;
    assert_int_equal(read(a.fd, &first, 1), 1); /* the job is running: its first piece */
    assert_int_equal(first, '$');
    long long during = info_memory(&b, field);
    print_message("%s: %lld before, %lld with the job (+%lld for a %lld-byte reply)\n", field,
                  before, during, during - before, size);
    assert_true(during - before < 2 * size);

    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
    unlink(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hard_limit),
        cmocka_unit_test(test_soft_limit),
        cmocka_unit_test(test_normal_class),
        cmocka_unit_test(test_pieces_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
