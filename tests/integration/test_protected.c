/* test_protected.c - protected mode, against redis-server as the oracle.
 *
 * Redis 7.0 (protected-mode yes, the default) answers a TCP client whose
 * address is not exactly 127.0.0.1 or ::1 with "-DENIED Redis is running
 * in protected mode ..." as soon as it is accepted, and closes it, while
 * the default user has no password; the bind address plays no part. That
 * "local" is a comparison of the address text, so a client that binds its
 * own end to 127.0.0.2 before connecting is "from another computer" while
 * every byte stays on loopback: that is how these tests knock from outside.
 *
 * One session runs on redis-server and on mockredis and the transcripts of
 * what each connection received must be identical: the far client denied
 * (the text, then EOF), 127.0.0.1 and the Unix socket served, CONFIG
 * SET protected-mode no letting the far client in, a password making it
 * meet NOAUTH instead of DENIED, and INFO's rejected_connections. Then
 * mockredis alone: --protected-mode no, and an IPv4-mapped peer on an
 * IPv6 listener judged by its IPv4 address. */
#include "it.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "rtext.h"

#define FAR_ADDR "127.0.0.2" /* loopback, but not "127.0.0.1" */

/* Opens c to 127.0.0.1:port from FAR_ADDR (or to [::ffff:127.0.0.1]:port
 * from [::ffff:FAR_ADDR] when v6), blocking. Skips the test when this
 * machine cannot bind that source address. */
static void open_far(struct mh_conn *c, int port, int v6)
{
    c->in = (struct mh_bytes)MH_BYTES_INIT;
    c->fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
    assert_true(c->fd >= 0);
    struct sockaddr_storage src, dst;
    socklen_t len;
    memset(&src, 0, sizeof(src));
    memset(&dst, 0, sizeof(dst));
    if (v6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&src, *d6 = (struct sockaddr_in6 *)&dst;
        s6->sin6_family = d6->sin6_family = AF_INET6;
        inet_pton(AF_INET6, "::ffff:" FAR_ADDR, &s6->sin6_addr);
        inet_pton(AF_INET6, "::ffff:127.0.0.1", &d6->sin6_addr);
        d6->sin6_port = htons((uint16_t)port);
        len = sizeof(*s6);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&src, *d4 = (struct sockaddr_in *)&dst;
        s4->sin_family = d4->sin_family = AF_INET;
        inet_pton(AF_INET, FAR_ADDR, &s4->sin_addr);
        inet_pton(AF_INET, "127.0.0.1", &d4->sin_addr);
        d4->sin_port = htons((uint16_t)port);
        len = sizeof(*s4);
    }
    if (bind(c->fd, (struct sockaddr *)&src, len) != 0) {
        print_message("cannot bind %s on this machine\n", FAR_ADDR);
        mh_conn_close(c);
        skip();
    }
    if (connect(c->fd, (struct sockaddr *)&dst, len) != 0)
        fail_msg("cannot connect from %s to port %d", FAR_ADDR, port);
}

static void open_unix(struct mh_conn *c, const char *path)
{
    c->in = (struct mh_bytes)MH_BYTES_INIT;
    c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(c->fd >= 0);
    struct sockaddr_un sun;
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
    if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
        fail_msg("cannot connect to %s", path);
}

/* Appends "who: <the next reply, escaped>" (or "who: EOF") to t. */
static void note_reply(struct buf *t, const char *who, struct mh_conn *c)
{
    struct buf r = BUF_INIT;
    char esc[4096];
    int got = mh_read_reply(c, &r, 5000);
    if (got == MH_REPLY)
        buf_printf(t, "%s: %s\n", who, mh_escape(r.p, r.len, esc, sizeof(esc)));
    else
        buf_printf(t, "%s: %s\n", who, got == MH_EOF ? "EOF" : "no reply (timeout or reset)");
    buf_free(&r);
}

static void note_call(struct buf *t, const char *who, struct mh_conn *c, const char *line)
{
    it_line_send(c, line);
    note_reply(t, who, c);
}

/* The bytes a denied client receives, escaped as the transcript shows them. */
static void denied_line(char *out, size_t size)
{
    char raw[1200], esc[4096];
    int n = snprintf(raw, sizeof(raw), "-%s\r\n", rtext[RT_DENIED]);
    snprintf(out, size, "far: %s\nfar: EOF\n", mh_escape(raw, (size_t)n, esc, sizeof(esc)));
}

/* The session, on the server at port with a Unix socket at sock. */
static void session(int port, const char *sock, struct buf *t)
{
    struct mh_conn near, far, u;
    /* Knocking from "another computer": DENIED on accept, then closed. */
    open_far(&far, port, 0);
    note_reply(t, "far", &far);
    note_reply(t, "far", &far);
    mh_conn_close(&far);
    /* 127.0.0.1 and the Unix socket are served. */
    assert_int_equal(mh_conn_open(&near, port), 0);
    note_call(t, "near", &near, "PING");
    open_unix(&u, sock);
    note_call(t, "unix", &u, "PING");
    mh_conn_close(&u);
    /* CONFIG SET protected-mode no lets it in. */
    note_call(t, "near", &near, "CONFIG GET protected-mode");
    note_call(t, "near", &near, "CONFIG SET protected-mode no");
    open_far(&far, port, 0);
    note_call(t, "far", &far, "PING");
    mh_conn_close(&far);
    note_call(t, "near", &near, "CONFIG SET protected-mode yes");
    /* With a password it is not denied: it meets AUTH like everyone. */
    note_call(t, "near", &near, "CONFIG SET requirepass secret");
    open_far(&far, port, 0);
    note_call(t, "far", &far, "PING");
    note_call(t, "far", &far, "AUTH secret");
    note_call(t, "far", &far, "CONFIG SET requirepass \"\"");
    mh_conn_close(&far);
    /* Password gone again: denied again, and counted. */
    open_far(&far, port, 0);
    note_reply(t, "far", &far);
    mh_conn_close(&far);
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(&near, "INFO stats", &r, 5000), MH_REPLY);
    const char *rej = strstr(r.p, "rejected_connections:");
    assert_non_null(rej);
    buf_printf(t, "near: %.*s\n", (int)strcspn(rej, "\r"), rej);
    buf_free(&r);
    mh_conn_close(&near);
}

static void test_same_as_redis(void **state)
{
    (void)state;
    char sock_r[108], sock_m[108];
    snprintf(sock_r, sizeof(sock_r), "/tmp/mockredis-it-prot-r-%d.sock", (int)getpid());
    snprintf(sock_m, sizeof(sock_m), "/tmp/mockredis-it-prot-m-%d.sock", (int)getpid());
    const char *rargs[] = {"--unixsocket", sock_r, NULL};
    const char *margs[] = {"--unixsocket", sock_m, NULL};
    struct mh_server *redis = it_redis(rargs);
    if (redis == NULL)
        fail_msg("redis-server is needed as the oracle (scripts/deps.sh installs it)");
    struct buf want = BUF_INIT, got = BUF_INIT;
    session(mh_server_port(redis), sock_r, &want);
    it_stop_ok(redis);
    struct mh_server *mock = it_mock(margs);
    session(mh_server_port(mock), sock_m, &got);
    it_stop_ok(mock);
    if (strcmp(want.p, got.p) != 0) {
        fprintf(stderr, "redis-server:\n%s\nmockredis:\n%s", want.p, got.p);
        fail_msg("the transcripts differ (above)");
    }
    char line[4096];
    denied_line(line, sizeof(line));
    if (strncmp(got.p, line, strlen(line)) != 0)
        fail_msg("the far client was not denied with Redis's text:\n%s", got.p);
    assert_non_null(strstr(got.p, "rejected_connections:2"));
    buf_free(&want);
    buf_free(&got);
}

/* --protected-mode no serves everyone; CONFIG GET says so. */
static void test_option_off(void **state)
{
    (void)state;
    const char *args[] = {"--protected-mode", "no", NULL};
    struct mh_server *s = it_mock(args);
    struct mh_conn far;
    open_far(&far, mh_server_port(s), 0);
    it_line_expect(&far, "PING", "+PONG\r\n");
    it_line_expect(&far, "CONFIG GET protected-mode",
                   "*2\r\n$14\r\nprotected-mode\r\n$2\r\nno\r\n");
    mh_conn_close(&far);
    it_stop_ok(s);
}

/* On an IPv6 listener (here the IPv4-mapped loopback, so nothing leaves
 * the machine) IPv4 clients arrive as ::ffff:a.b.c.d; Redis, with its
 * IPv4 and IPv6 listeners apart, would see a.b.c.d: 127.0.0.1 is served,
 * 127.0.0.2 denied. */
static void test_mapped_ipv4(void **state)
{
    (void)state;
    const char *args[] = {"--bind", "::ffff:127.0.0.1", NULL};
    struct mh_server *s = it_mock(args);
    struct mh_conn near, far;
    open_far(&far, mh_server_port(s), 1);
    char raw[1200];
    int n = snprintf(raw, sizeof(raw), "-%s\r\n", rtext[RT_DENIED]);
    it_reply_expect(&far, raw, (size_t)n);
    it_expect_eof(&far, 5000);
    mh_conn_close(&far);
    assert_int_equal(mh_conn_open(&near, mh_server_port(s)), 0);
    it_line_expect(&near, "PING", "+PONG\r\n");
    mh_conn_close(&near);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_redis),
        cmocka_unit_test(test_option_off),
        cmocka_unit_test(test_mapped_ipv4),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
