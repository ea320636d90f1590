/* test_input_limits.c - what one client's input may cost the others.
 *
 * client-query-buffer-limit: a client whose unprocessed input grows past
 * it is closed without a reply, whether it is blocked (BLPOP), held by a
 * scenario's delay, or sending one huge incomplete command. Redis 7.0 does
 * the same, so the blocked and the incomplete cases run against
 * redis-server too, with the same assertions. Big arguments (read into a
 * block of their own, taken over by the stored value) arrive intact
 * through every command that stores them, on both servers. Then what only
 * mockredis promises: a client's backlog is worked through a bounded
 * number of commands per loop turn, so another client is answered before
 * it is done (Redis 7.0 runs a whole backlog at once). Every assertion is
 * about what the servers did, never about how long it took. */
#include "it.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "buf.h"

#define MB (1024 * 1024)

/* Sends PING lines on c until the server drops the connection. Returns
 * the bytes that went through, or -1 when `most` did without that (or a
 * send stalled for 5 s: the server neither read nor closed). */
static long long flood(struct mh_conn *c, size_t most)
{
    static char chunk[64 * 1024];
    struct timeval tv = {5, 0};
    setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    for (size_t i = 0; i + 6 <= sizeof(chunk); i += 6)
        memcpy(chunk + i, "PING\r\n", 6);
    size_t sent = 0;
    while (sent < most) {
        if (mh_send(c->fd, chunk, sizeof(chunk) - sizeof(chunk) % 6) < 0)
            return errno == EPIPE || errno == ECONNRESET ? (long long)sent : -1;
        sent += sizeof(chunk) - sizeof(chunk) % 6;
    }
    return -1;
}

/* c was closed by the server without a byte written to it. */
static void expect_dropped(struct mh_conn *c)
{
    struct buf r = BUF_INIT;
    int rc = mh_read_reply(c, &r, 5000);
    if ((rc != MH_EOF && rc != MH_ERROR) || c->in.len != 0 || r.len != 0)
        fail_msg("expected the connection closed with nothing written, got rc %d", rc);
    buf_free(&r);
}

static struct mh_server *start(int redis)
{
    return redis ? it_redis(NULL) : it_mock(NULL);
}

/* A client blocked in BLPOP keeps sending: past 1mb it is closed, with no
 * reply, and the others are served. */
static void test_blocked_flooder_closed(void **state)
{
    (void)state;
    for (int redis = 0; redis <= 1; redis++) {
        struct mh_server *s = start(redis);
        if (s == NULL)
            continue; /* no redis-server here */
        struct mh_conn a, b;
        assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
        assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
        it_line_expect(&b, "CONFIG SET client-query-buffer-limit 1mb", "+OK\r\n");
        it_line_send(&a, "BLPOP floodkey 0");
        it_wait_info(&b, "blocked_clients:", 1);
        long long sent = flood(&a, 64 * MB);
        if (sent < MB)
            fail_msg("%s: the flooder was %s after %lld bytes", redis ? "redis" : "mock",
                     sent < 0 ? "never closed" : "closed too early", sent);
        expect_dropped(&a);
        it_line_expect(&b, "PING", "+PONG\r\n");
        it_wait_info(&b, "connected_clients:", 1);
        it_wait_info(&b, "blocked_clients:", 0);
        if (!redis)
            assert_int_equal(mh_stat(mh_server_port(s), "client_query_buffer_limit_disconnections"),
                             1);
        mh_conn_close(&a);
        mh_conn_close(&b);
        it_stop_ok(s);
    }
}

/* One command bigger than the limit, still arriving: closed the same way. */
static void test_huge_incomplete_command_closed(void **state)
{
    (void)state;
    for (int redis = 0; redis <= 1; redis++) {
        struct mh_server *s = start(redis);
        if (s == NULL)
            continue;
        struct mh_conn a, b;
        assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
        assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
        it_line_expect(&b, "CONFIG SET client-query-buffer-limit 1mb", "+OK\r\n");
        const char head[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4000000\r\n";
        assert_int_equal(mh_send(a.fd, head, sizeof(head) - 1), 0);
        long long sent = flood(&a, 16 * MB); /* PING lines as the payload */
        assert_true(sent >= MB - 64 * 1024);
        expect_dropped(&a);
        it_line_expect(&b, "EXISTS k", ":0\r\n");
        it_wait_info(&b, "connected_clients:", 1);
        mh_conn_close(&a);
        mh_conn_close(&b);
        it_stop_ok(s);
    }
}

/* A client whose reply a scenario delays keeps sending: its input is held
 * behind the delayed reply, up to the limit, then it is closed. */
static void test_held_flooder_closed(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s = it_mock_scenario(file, sizeof(file), "qbuf",
                                           "finish control\n"
                                           "on GET slow do delay 60s\n");
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    it_line_expect(&b, "CONFIG SET client-query-buffer-limit 1mb", "+OK\r\n");
    it_line_send(&a, "GET slow");
    long long sent = flood(&a, 64 * MB);
    if (sent < MB)
        fail_msg("the held flooder was %s after %lld bytes",
                 sent < 0 ? "never closed" : "closed too early", sent);
    expect_dropped(&a);
    it_line_expect(&b, "PING", "+PONG\r\n");
    it_wait_info(&b, "connected_clients:", 1);
    assert_int_equal(mh_stat(mh_server_port(s), "client_query_buffer_limit_disconnections"), 1);
    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
    unlink(file);
}

/* Sends "*<argc>\r\n" and each argument as a bulk, the big ones written in
 * 64 KiB pieces (so the server reads them while they come). */
static void send_cmd(struct mh_conn *c, int argc, const char *const *argv, const size_t *argl)
{
    struct buf b = BUF_INIT;
    buf_printf(&b, "*%d\r\n", argc);
    for (int i = 0; i < argc; i++) {
        buf_printf(&b, "$%zu\r\n", argl[i]);
        buf_append(&b, argv[i], argl[i]);
        buf_append(&b, "\r\n", 2);
    }
    for (size_t off = 0; off < b.len; off += 64 * 1024) {
        size_t n = b.len - off < 64 * 1024 ? b.len - off : 64 * 1024;
        assert_int_equal(mh_send(c->fd, b.p + off, n), 0);
    }
    buf_free(&b);
}

static void expect_reply(struct mh_conn *c, const char *want)
{
    it_reply_expect(c, want, strlen(want));
}

/* The value at key, checked against v (n bytes) with GETRANGE at both ends
 * and STRLEN: reading 1 MiB back per check is plenty. */
static void check_stored(struct mh_conn *c, const char *key, const char *v, size_t n)
{
    char line[160], want[96];
    snprintf(line, sizeof(line), "STRLEN %s", key);
    snprintf(want, sizeof(want), ":%zu\r\n", n);
    it_line_expect(c, line, want);
    snprintf(line, sizeof(line), "GETRANGE %s 0 9", key);
    snprintf(want, sizeof(want), "$10\r\n%.10s\r\n", v);
    it_line_expect(c, line, want);
    snprintf(line, sizeof(line), "GETRANGE %s -10 -1", key);
    snprintf(want, sizeof(want), "$10\r\n%.10s\r\n", v + n - 10);
    it_line_expect(c, line, want);
}

/* Big arguments through every command that stores them, and one queued
 * by MULTI: the same replies and values on both servers. */
static void test_big_values_stored_intact(void **state)
{
    (void)state;
    size_t n = 3 * MB + 17;
    char *v1 = malloc(n), *v2 = malloc(n);
    for (size_t i = 0; i < n; i++) {
        v1[i] = (char)('a' + i % 26);
        v2[i] = (char)('A' + (i * 7) % 26);
    }
    for (int redis = 0; redis <= 1; redis++) {
        struct mh_server *s = start(redis);
        if (s == NULL)
            continue;
        struct mh_conn c;
        assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
        const char *set[] = {"SET", "k1", v1};
        size_t setl[] = {3, 2, n};
        send_cmd(&c, 3, set, setl);
        expect_reply(&c, "+OK\r\n");
        check_stored(&c, "k1", v1, n);
        const char *mset[] = {"MSET", "k2", v2, "k3", v1};
        size_t msetl[] = {4, 2, n, 2, n};
        send_cmd(&c, 5, mset, msetl);
        expect_reply(&c, "+OK\r\n");
        check_stored(&c, "k2", v2, n);
        check_stored(&c, "k3", v1, n);
        const char *app[] = {"APPEND", "k4", v2};
        size_t appl[] = {6, 2, n};
        send_cmd(&c, 3, app, appl);
        char want[32];
        snprintf(want, sizeof(want), ":%zu\r\n", n);
        expect_reply(&c, want);
        check_stored(&c, "k4", v2, n);
        it_line_expect(&c, "MULTI", "+OK\r\n");
        const char *setex[] = {"SETEX", "k5", "100", v2};
        size_t setexl[] = {5, 2, 3, n};
        send_cmd(&c, 4, setex, setexl);
        expect_reply(&c, "+QUEUED\r\n");
        it_line_expect(&c, "EXEC", "*1\r\n+OK\r\n");
        check_stored(&c, "k5", v2, n);
        it_line_expect(&c, "PERSIST k5", ":1\r\n"); /* it had a TTL */
        mh_conn_close(&c);
        it_stop_ok(s);
    }
    free(v1);
    free(v2);
}

/* Waits until CLIENT LIST on c shows a client with exactly qbuf bytes of
 * unprocessed input (what the server has read and holds). */
static void wait_qbuf(struct mh_conn *c, size_t qbuf)
{
    char field[48];
    struct buf r = BUF_INIT;
    snprintf(field, sizeof(field), " qbuf=%zu ", qbuf);
    long long until = it_now_ms() + 10000;
    for (;;) {
        assert_int_equal(mh_call(c, "CLIENT LIST", &r, 5000), MH_REPLY);
        if (strstr(r.p, field))
            break;
        if (it_now_ms() > until)
            fail_msg("no client with%s", field);
    }
    buf_free(&r);
}

/* Reads n bytes from c (c->in first) and requires them to be want repeated. */
static void expect_repeated(struct mh_conn *c, const char *want, size_t count)
{
    size_t wl = strlen(want), need = wl * count, got = 0;
    char tmp[64 * 1024];
    while (got < need) {
        /* Never more than need: what follows is not ours. */
        size_t k = need - got < sizeof(tmp) ? need - got : sizeof(tmp);
        if (c->in.len > 0) {
            k = c->in.len < k ? c->in.len : k;
            memcpy(tmp, c->in.p, k);
            memmove(c->in.p, c->in.p + k, c->in.len - k + 1); /* and its NUL */
            c->in.len -= k;
        } else {
            ssize_t r = recv(c->fd, tmp, k, 0);
            if (r <= 0)
                fail_msg("connection ended after %zu of %zu bytes", got, need);
            k = (size_t)r;
        }
        for (size_t i = 0; i < k; i++)
            if (tmp[i] != want[(got + i) % wl])
                fail_msg("byte %zu of the replies differs", got + i);
        got += k;
    }
}

/* A's backlog starts with a push that wakes B, whose own held command
 * reads the count of commands processed. B's command is in the server's
 * hands before A's backlog starts, so the server, not the test's speed,
 * decides: with a bounded turn it runs B's command after at most a few
 * turns of A's, well before A's backlog is done; a server that runs a
 * whole backlog at once (Redis 7.0 does) shows all of it. `release` is
 * sent on C to let A's backlog go (NULL: it goes when A's first reply,
 * held by a scenario, is written); A's first reply is a_first. */
static void backlog_vs_other(struct mh_server *s, struct mh_conn *a, const char *release,
                             const char *a_first)
{
    enum { N = 100000 };
    struct mh_conn b, c;
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    const char bline[] = "BLPOP wakeb 0\r\nMOCK STAT commands_processed\r\n";
    assert_int_equal(mh_send(b.fd, bline, sizeof(bline) - 1), 0);
    it_wait_info(&c, "blocked_clients:", release ? 2 : 1);
    struct buf backlog = BUF_INIT;
    buf_puts(&backlog, "RPUSH wakeb x\r\n");
    for (int i = 0; i < N; i++)
        buf_append(&backlog, "PING\r\n", 6);
    assert_int_equal(mh_send(a->fd, backlog.p, backlog.len), 0);
    wait_qbuf(&c, backlog.len);
    wait_qbuf(&c, sizeof("MOCK STAT commands_processed\r\n") - 1);
    long long before = mh_stat(mh_server_port(s), "commands_processed");
    assert_true(before > 0);

    if (release)
        it_line_expect(&c, release, ":1\r\n");
    expect_reply(a, a_first);
    expect_reply(a, ":1\r\n");
    expect_reply(&b, "*2\r\n$5\r\nwakeb\r\n$1\r\nx\r\n");
    struct buf r = BUF_INIT;
    assert_int_equal(mh_read_reply(&b, &r, 5000), MH_REPLY);
    assert_true(r.len > 1 && r.p[0] == ':');
    long long at_b = strtoll(r.p + 1, NULL, 10);
    buf_free(&r);
    expect_repeated(a, "+PONG\r\n", N); /* all of A's, in order */
    long long after = mh_stat(mh_server_port(s), "commands_processed");
    assert_true(after >= before + N);
    /* B ran while most of A's backlog was still waiting. */
    if (at_b >= before + N / 2)
        fail_msg("B's command ran after %lld of A's %d commands", at_b - before, N);
    buf_free(&backlog);
    mh_conn_close(&b);
    mh_conn_close(&c);
}

/* The backlog a client sent while blocked in BLPOP. */
static void test_unblocked_backlog_does_not_starve_others(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn a;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    it_line_send(&a, "BLPOP wakea 0");
    backlog_vs_other(s, &a, "RPUSH wakea go", "*2\r\n$5\r\nwakea\r\n$2\r\ngo\r\n");
    mh_conn_close(&a);
    it_stop_ok(s);
}

/* The backlog a client sent while a scenario delayed its reply (a job):
 * it runs when the job ends. The delay only has to outlast the sending of
 * the backlog for the check to bite; it passes however long that takes. */
static void test_held_backlog_does_not_starve_others(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s = it_mock_scenario(file, sizeof(file), "backlog",
                                           "finish control\n"
                                           "on GET slow do delay 1s\n");
    struct mh_conn a;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    it_line_send(&a, "GET slow");
    backlog_vs_other(s, &a, NULL, "$-1\r\n");
    mh_conn_close(&a);
    it_stop_ok(s);
    unlink(file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocked_flooder_closed),
        cmocka_unit_test(test_huge_incomplete_command_closed),
        cmocka_unit_test(test_held_flooder_closed),
        cmocka_unit_test(test_big_values_stored_intact),
        cmocka_unit_test(test_unblocked_backlog_does_not_starve_others),
        cmocka_unit_test(test_held_backlog_does_not_starve_others),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
