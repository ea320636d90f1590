/* test_monitor.c - MONITOR: what a monitor sees of other clients' commands.
 *
 * The same multi-connection script runs against redis-server 7.0.15 and
 * mockredis, and the transcripts (every reply and every monitor line, in
 * script order) must be identical once the volatile parts are masked: the
 * timestamps, and the client ports (each distinct port becomes ADDR1,
 * ADDR2, ... in order of appearance, so which client ran what still
 * counts). A monitor line missing, extra, or out of order on either side
 * shows as a difference, since every step reads exactly the replies it
 * names and the end checks that nothing more arrived.
 *
 * Then what only mockredis can show exactly: the timestamp on a virtual
 * clock (MOCK CLOCK), the Unix socket form, a monitor exempt from the idle
 * timeout; and hiredis's async API (libevent) receiving every line in the
 * MONITOR callback, as hiredis 1.2.0's own test program does it. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <event2/event.h>
#include <hiredis/adapters/libevent.h>
#include <hiredis/async.h>
#include <sys/socket.h>

#include "buf.h"

/* ---- masking ------------------------------------------------------------------- */

/* Replaces, in t, each "+<sec>.<usec> [" by "+TS [" and each
 * "127.0.0.1:<port>" by "ADDR<n>", n numbering the distinct ports in order
 * of appearance, and the client id in HELLO's reply by ID. Returns a new
 * string (caller frees). */
static char *mask(const char *t)
{
    struct buf out = BUF_INIT;
    char ports[16][8];
    int nports = 0;
    buf_append(&out, "", 0);
    for (const char *p = t; *p;) {
        if (*p == '+' && p[1] >= '0' && p[1] <= '9') {
            const char *q = p + 1;
            while (*q >= '0' && *q <= '9')
                q++;
            if (*q == '.' && strspn(q + 1, "0123456789") == 6 && strncmp(q + 7, " [", 2) == 0) {
                buf_append(&out, "+TS", 3);
                p = q + 7;
                continue;
            }
        }
        if (strncmp(p, "$2\\r\\nid\\r\\n:", 13) == 0) { /* HELLO's client id */
            buf_append(&out, p, 13);
            p += 13 + strspn(p + 13, "0123456789");
            buf_append(&out, "ID", 2);
            continue;
        }
        if (strncmp(p, "127.0.0.1:", 10) == 0 && p[10] >= '0' && p[10] <= '9') {
            const char *q = p + 10;
            size_t n = strspn(q, "0123456789");
            int id = -1;
            for (int i = 0; i < nports; i++)
                if (strlen(ports[i]) == n && strncmp(ports[i], q, n) == 0)
                    id = i;
            if (id < 0 && nports < 16 && n < 8) {
                memcpy(ports[nports], q, n);
                ports[nports][n] = '\0';
                id = nports++;
            }
            buf_printf(&out, "ADDR%d", id + 1);
            p = q + n;
            continue;
        }
        buf_append(&out, p, 1);
        p++;
    }
    return out.p;
}

/* Runs steps on redis-server and on mockredis; the masked transcripts must
 * be identical and contain must. */
static void monitor_diff(const struct it_step *steps, size_t n, const char *must)
{
    it_transcript_diff_opts(steps, n, must, &(struct it_diff_opts){.mask = mask, .keep_hello = 1});
}
#define MON_DIFF(steps, must) monitor_diff(steps, sizeof(steps) / sizeof(steps[0]), must)

/* ---- against redis-server ----------------------------------------------------------- */

/* Arguments quoted as Redis quotes them; the db after the command; AUTH's
 * and HELLO's passwords redacted (not when AUTH fails its argument count
 * first: Redis shows that one as sent); rejected commands (unknown, wrong
 * arity) and admin ones (CONFIG, CLIENT LIST) never shown. */
static void test_lines(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "MONITOR", "A", IT_NOWAIT},
        {'B', "SET bin \"a\\nb\\\"c\\\\d\\x00\\x7f\\xff\\t\\r\\a\\b \\xc3\\xa9 end\"", "BA",
         IT_NOWAIT},
        {'B', "SET n 123", "BA", IT_NOWAIT},
        {'B', "AUTH secret", "BA", IT_NOWAIT},
        {'B', "AUTH default secret", "BA", IT_NOWAIT},
        {'B', "AUTH a b c", "BA", IT_NOWAIT},
        {'B', "HELLO 2 AUTH default pw FOO", "BA", IT_NOWAIT},
        {'B', "HELLO 2 SETNAME x FOO AUTH default pw", "BA", IT_NOWAIT},
        {'B', "HELLO 9 AUTH default pw", "BA", IT_NOWAIT},
        {'B', "SELECT 5", "BA", IT_NOWAIT},
        {'B', "GET n", "BA", IT_NOWAIT},
        {'B', "NOSUCH x", "B", IT_NOWAIT},
        {'B', "GET", "B", IT_NOWAIT},
        {'B', "CONFIG GET maxmemory", "B", IT_NOWAIT},
        {'B', "CLIENT KILL ID 999999", "B", IT_NOWAIT},
        {'B', "CLIENT SETNAME worker", "BA", IT_NOWAIT},
        {'B', "ECHO \"\"", "BA", IT_NOWAIT},
        {'B', "QUIT", "B-BA", IT_NOWAIT},
    };
    MON_DIFF(s, "A: +TS [0 ADDR1] \"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\" \"FOO\"");
}

/* MULTI shows at once, the queued commands when EXEC runs them, EXEC after
 * them (an aborted EXEC too); a script's EVAL before the commands it calls
 * ("lua", in the script's own db after its SELECT); a blocked command when
 * it arrives, not again when it is served. */
static void test_order(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "MONITOR", "A", IT_NOWAIT},
        {'B', "MULTI", "BA", IT_NOWAIT},
        {'B', "SET k 1", "B", IT_NOWAIT},
        {'B', "CONFIG GET maxmemory", "B", IT_NOWAIT},
        {'B', "SELECT 2", "B", IT_NOWAIT},
        {'B', "INCR k", "B", IT_NOWAIT},
        {'B', "EXEC", "BAAAA", IT_NOWAIT},
        {'B',
         "EVAL \"redis.call('select','4') redis.call('set','k2','v') return "
         "redis.call('get','k2')\" 0",
         "BAAAA", IT_NOWAIT},
        {'B', "EVALSHA 0000 0", "BA", IT_NOWAIT},
        {'B', "EVAL \"return redis.call('get','k')\"", "B", IT_NOWAIT},
        {'B', "MULTI", "BA", IT_NOWAIT},
        {'B', "NOSUCH", "B", IT_NOWAIT},
        {'B', "EXEC", "BA", IT_NOWAIT},
        {'B', "MULTI", "BA", IT_NOWAIT},
        {'B', "SET q 1", "B", IT_NOWAIT},
        {'B', "DISCARD", "BA", IT_NOWAIT},
        {'B', "SELECT 0", "BA", IT_NOWAIT},
        {'C', "BLPOP list 0", "A", IT_NOWAIT},
        {'B', "RPUSH list x", "BCA", IT_NOWAIT},
    };
    MON_DIFF(s, "A: +TS [4 lua] \"set\" \"k2\" \"v\"");
}

/* What a monitor itself may do: its own commands reach it after their
 * reply; the keyspace is closed to it (Redis treats it as a replica);
 * MONITOR again is ignored, inside EXEC refused; RESET ends it (other
 * monitors see the RESET, it does not), QUIT too. */
static void test_monitor_client(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "MONITOR", "A", IT_NOWAIT},
        {'C', "MONITOR", "C", IT_NOWAIT},
        {'A', "PING", "AAC", IT_NOWAIT},
        {'A', "GET k", "A", IT_NOWAIT},
        {'A', "SET k v", "A", IT_NOWAIT},
        {'A', "PUBLISH ch m", "A", IT_NOWAIT},
        {'A', "EVAL \"return 1\" 0", "A", IT_NOWAIT},
        {'A', "DBSIZE", "A", IT_NOWAIT},
        {'A', "SELECT 1", "AAC", IT_NOWAIT},
        {'A', "MONITOR", "", IT_NOWAIT},
        {'A', "MULTI", "AAC", IT_NOWAIT},
        {'A', "GET k", "A", IT_NOWAIT},
        {'A', "EXEC", "AAC", IT_NOWAIT},
        {'B', "MULTI", "BAC", IT_NOWAIT},
        {'B', "MONITOR", "B", IT_NOWAIT},
        {'B', "EXEC", "BAC", IT_NOWAIT},
        {'A', "RESET", "AC", IT_NOWAIT},
        {'B', "SET after 1", "BC", IT_NOWAIT},
        {'A', "SET mine 1", "AC", IT_NOWAIT},
        {'C', "QUIT", "C-C", IT_NOWAIT},
        {'B', "SET last 1", "B", IT_NOWAIT},
    };
    MON_DIFF(s, "A: -ERR Replica can't interact with the keyspace");
}

/* A RESP3 monitor gets the same status lines; Pub/Sub messages and monitor
 * lines keep their order (the message first: the line follows PUBLISH). */
static void test_resp3(void **state)
{
    (void)state;
    static const struct it_step s[] = {
        {'A', "HELLO 3", "A", IT_NOWAIT},         {'A', "SUBSCRIBE ch", "A", IT_NOWAIT},
        {'A', "MONITOR", "A", IT_NOWAIT},         {'B', "PUBLISH ch hello", "BAA", IT_NOWAIT},
        {'A', "UNSUBSCRIBE", "AA", IT_NOWAIT},    {'B', "HELLO 3 SETNAME w3 FOO", "BA", IT_NOWAIT},
        {'B', "CLIENT GETNAME", "BA", IT_NOWAIT}, {'B', "SET x y", "BA", IT_NOWAIT},
    };
    MON_DIFF(s, "A: +TS [0 ADDR1] \"PUBLISH\" \"ch\" \"hello\"");
}

/* The monitor line for SET ab <every byte 0-255>, without its timestamp
 * and address (the part from "] "), into out. */
static void all_bytes_line(int port, struct buf *out)
{
    struct mh_conn m, c;
    char v[256];
    for (int i = 0; i < 256; i++)
        v[i] = (char)i;
    assert_int_equal(mh_conn_open(&m, port), 0);
    assert_int_equal(mh_conn_open(&c, port), 0);
    it_line_expect(&m, "MONITOR", "+OK\r\n");
    const char *argv[] = {"SET", "ab", v};
    const size_t argl[] = {3, 2, sizeof(v)};
    assert_int_equal(mh_send_argv(c.fd, 3, argv, argl), 0);
    it_line_reply(&c, "+OK\r\n");
    struct buf r = BUF_INIT;
    assert_int_equal(mh_read_reply(&m, &r, 5000), MH_REPLY);
    const char *p = strstr(r.p, "] ");
    assert_non_null(p);
    buf_clear(out);
    buf_append(out, p, r.len - (size_t)(p - r.p));
    buf_free(&r);
    mh_conn_close(&m);
    mh_conn_close(&c);
}

/* Every byte value is quoted as Redis quotes it. */
static void test_all_bytes(void **state)
{
    (void)state;
    struct buf want = BUF_INIT, got = BUF_INIT;
    struct mh_server *redis = it_redis(NULL);
    if (redis == NULL)
        fail_msg("redis-server is needed as the oracle (scripts/deps.sh installs it)");
    struct mh_server *mock = it_mock(NULL);
    all_bytes_line(mh_server_port(redis), &want);
    all_bytes_line(mh_server_port(mock), &got);
    if (want.len != got.len || memcmp(want.p, got.p, want.len) != 0)
        fail_msg("redis-server: %s\nmockredis:    %s", want.p, got.p);
    buf_free(&want);
    buf_free(&got);
    it_stop_ok(mock);
    it_stop(redis);
}

/* CLIENT INFO shows flag O; connected_clients counts the monitor. Checked
 * on both servers. */
static void check_introspection(int port)
{
    struct mh_conn a, b;
    struct buf r = BUF_INIT;
    assert_int_equal(mh_conn_open(&a, port), 0);
    assert_int_equal(mh_conn_open(&b, port), 0);
    it_line_expect(&a, "MONITOR", "+OK\r\n");
    it_line_send(&a, "CLIENT INFO");
    assert_int_equal(mh_read_reply(&a, &r, 5000), MH_REPLY);
    if (strstr(r.p, " flags=O ") == NULL)
        fail_msg("no flags=O in %s", r.p);
    assert_int_equal(mh_read_reply(&a, &r, 5000), MH_REPLY); /* its own line */
    assert_non_null(strstr(r.p, "\"CLIENT\" \"INFO\""));
    assert_int_equal(mh_call(&b, "INFO clients", &r, 5000), MH_REPLY);
    assert_non_null(strstr(r.p, "connected_clients:2\r\n"));
    assert_int_equal(mh_read_reply(&a, &r, 5000), MH_REPLY);
    assert_non_null(strstr(r.p, "\"INFO\" \"clients\""));
    buf_free(&r);
    mh_conn_close(&a);
    mh_conn_close(&b);
}

static void test_introspection(void **state)
{
    (void)state;
    struct mh_server *redis = it_redis(NULL);
    if (redis) {
        check_introspection(mh_server_port(redis));
        it_stop(redis);
    }
    struct mh_server *mock = it_mock(NULL);
    check_introspection(mh_server_port(mock));
    it_stop_ok(mock);
}

/* ---- mockredis only ------------------------------------------------------------------- */

/* The local port of a connection, as the server prints it. */
static int local_port(int fd)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof(sa);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    return ntohs(sa.sin_port);
}

/* The timestamp is the server clock's: exact under MOCK CLOCK. */
static void test_virtual_clock(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn a, b;
    char want[160];
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    it_line_expect(&a, "MONITOR", "+OK\r\n");
    it_line_expect(&b, "MOCK CLOCK SET 1700000000123", ":1700000000123\r\n");
    it_line_expect(&b, "SET a b", "+OK\r\n");
    snprintf(want, sizeof(want), "+1700000000.123000 [0 127.0.0.1:%d] \"SET\" \"a\" \"b\"\r\n",
             local_port(b.fd));
    it_line_reply(&a, want);
    it_line_expect(&b, "MOCK CLOCK ADVANCE 1877", ":1700000002000\r\n");
    it_line_expect(&b, "SELECT 15", "+OK\r\n");
    snprintf(want, sizeof(want), "+1700000002.000000 [15 127.0.0.1:%d] \"SELECT\" \"15\"\r\n",
             local_port(b.fd));
    it_line_reply(&a, want);
    /* MOCK commands steer the server, as DEBUG does: never shown. A
     * monitor may send them (they touch no key). */
    it_line_expect(&a, "MOCK CLOCK GET", ":1700000002000\r\n");
    it_line_expect(&b, "PING", "+PONG\r\n");
    snprintf(want, sizeof(want), "+1700000002.000000 [15 127.0.0.1:%d] \"PING\"\r\n",
             local_port(b.fd));
    it_line_reply(&a, want);
    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
}

/* A Unix socket client shows as "unix:<the socket's path>", as Redis
 * prints its unixsocket setting. */
static void test_unixsocket(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/mr-mon-%d.sock", (int)getpid());
    const char *args[] = {"--unixsocket", path, NULL};
    struct mh_server *s = it_mock(args);
    struct mh_conn a;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    it_line_expect(&a, "MONITOR", "+OK\r\n");
    it_line_expect(&a, "MOCK CLOCK SET 1000", ":1000\r\n");
    redisContext *u = redisConnectUnix(path);
    assert_true(u != NULL && !u->err);
    it_cmd_expect(u, REDIS_REPLY_STATUS, "OK", "SET %s %b", "via", "u\x01", (size_t)2);
    char want[160];
    snprintf(want, sizeof(want), "+1.000000 [0 unix:%s] \"SET\" \"via\" \"u\\x01\"\r\n", path);
    it_line_reply(&a, want);
    redisFree(u);
    mh_conn_close(&a);
    it_stop_ok(s);
    unlink(path);
}

/* Like a subscriber, a monitor only listens: the idle timeout spares it
 * (Redis exempts replicas and monitors), while an idle client goes. The
 * idle client's EOF proves the timeout pass ran (it closes every idle
 * client at once); the monitor then still answers. */
static void test_idle_timeout(void **state)
{
    (void)state;
    const char *args[] = {"--timeout", "1", NULL};
    struct mh_server *s = it_mock(args);
    struct mh_conn a, idle, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&idle, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    it_line_expect(&b, "MOCK CLOCK VIRTUAL 1000000", ":1000000\r\n");
    it_line_expect(&idle, "PING", "+PONG\r\n");
    it_line_expect(&a, "MONITOR", "+OK\r\n");
    it_line_expect(&b, "MOCK CLOCK ADVANCE 5000", ":1005000\r\n");
    it_expect_eof(&idle, 5000);
    it_line_expect(&b, "SET k v", "+OK\r\n");
    char want[160];
    snprintf(want, sizeof(want), "+1005.000000 [0 127.0.0.1:%d] \"SET\" \"k\" \"v\"\r\n",
             local_port(b.fd));
    it_line_reply(&a, want);
    mh_conn_close(&a);
    mh_conn_close(&idle);
    mh_conn_close(&b);
    assert_int_equal(mh_stat(mh_server_port(s), "timeouts"), 1);
    it_stop_ok(s);
}

/* Requires the next line on c to end with tail (the part after "] "). */
static void line_tail(struct mh_conn *c, const char *tail)
{
    struct buf r = BUF_INIT;
    assert_int_equal(mh_read_reply(c, &r, 5000), MH_REPLY);
    const char *p = strstr(r.p, "] ");
    if (p == NULL || strcmp(p + 2, tail) != 0)
        fail_msg("got %s, want ...] %s", r.p, tail);
    buf_free(&r);
}

/* Under a scenario: a command a rule answers in its place is shown as if
 * it ran (also inside EXEC and from a script, as "lua"); the scenario's
 * own actions are the world acting, not a client: never shown. */
static void test_scenario(void **state)
{
    (void)state;
    char file[64];
    struct mh_server *s = it_mock_scenario(file, sizeof(file), "monitor",
                                           "finish control\n"
                                           "clock virtual\n"
                                           "on GET k do reply (error) ERR scripted\n"
                                           "at 1s do run SET fromscenario 1\n");
    struct mh_conn a, b;
    assert_int_equal(mh_conn_open(&a, mh_server_port(s)), 0);
    assert_int_equal(mh_conn_open(&b, mh_server_port(s)), 0);
    it_line_expect(&a, "MONITOR", "+OK\r\n");
    it_line_expect(&b, "GET k", "-ERR scripted\r\n");
    line_tail(&a, "\"GET\" \"k\"\r\n");
    it_line_expect(&b, "MULTI", "+OK\r\n");
    line_tail(&a, "\"MULTI\"\r\n");
    it_line_expect(&b, "GET k", "+QUEUED\r\n");
    it_line_expect(&b, "EXEC", "*1\r\n-ERR scripted\r\n");
    line_tail(&a, "\"GET\" \"k\"\r\n");
    line_tail(&a, "\"EXEC\"\r\n");
    it_line_expect(&b, "EVAL \"return redis.pcall('get','k')\" 0", "-ERR scripted\r\n");
    line_tail(&a, "\"EVAL\" \"return redis.pcall('get','k')\" \"0\"\r\n");
    line_tail(&a, "\"get\" \"k\"\r\n");
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(&b, "MOCK CLOCK ADVANCE 2000", &r, 5000), MH_REPLY);
    buf_free(&r);
    it_line_expect(&b, "EXISTS fromscenario", ":1\r\n");
    line_tail(&a, "\"EXISTS\" \"fromscenario\"\r\n");
    mh_conn_close(&a);
    mh_conn_close(&b);
    it_stop_ok(s);
    unlink(file);
}

/* redis-cli's monitor mode, unchanged: it prints OK, then each line
 * without its "+", until the server goes away. */
static void test_redis_cli(void **state)
{
    (void)state;
    if (system("command -v redis-cli >/dev/null 2>&1") != 0)
        skip();
    struct mh_server *s = it_mock(NULL);
    int port = mh_server_port(s);
    redisContext *c = it_connect(port);
    it_cmd_expect(c, REDIS_REPLY_INTEGER, "1700000000123", "MOCK CLOCK SET 1700000000123");
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "redis-cli -h 127.0.0.1 -p %d monitor 2>&1", port);
    FILE *cli = popen(cmd, "r");
    assert_non_null(cli);
    /* Wait until redis-cli's MONITOR has run: its connection's last command. */
    long long until = it_now_ms() + 10000;
    for (;;) {
        redisReply *r = redisCommand(c, "CLIENT LIST");
        assert_true(r != NULL && r->type == REDIS_REPLY_STRING);
        int on = strstr(r->str, "cmd=monitor") != NULL;
        freeReplyObject(r);
        if (on)
            break;
        if (it_now_ms() > until)
            fail_msg("redis-cli never ran MONITOR");
    }
    it_cmd_expect(c, REDIS_REPLY_STATUS, "OK", "SET %s %b", "greeting", "hi\n", (size_t)3);
    char want[160];
    snprintf(want, sizeof(want),
             "OK\n1700000000.123000 [0 127.0.0.1:%d] \"SET\" \"greeting\" \"hi\\n\"\n",
             local_port(IT_CTX_FD(c)));
    redisFree(c);
    it_stop_ok(s); /* redis-cli then sees the connection close and exits */
    char out[1024];
    size_t n = fread(out, 1, sizeof(out) - 1, cli);
    out[n] = '\0';
    pclose(cli);
    if (strncmp(out, want, strlen(want)) != 0)
        fail_msg("redis-cli printed:\n%s\nwanted first:\n%s", out, want);
}

/* ---- hiredis async (libevent) -------------------------------------------------------- */

/* As hiredis 1.2.0's test_monitor: the MONITOR callback is called for the
 * +OK and then for every line; each line triggers the next command from a
 * second, synchronous connection; QUIT ends it and the callback gets the
 * disconnect's NULL. */
struct mon_async {
    struct event_base *base;
    int port, calls, closed;
    char lines[2][160];
};

static void mon_send(int port, const char *key)
{
    redisContext *c = redisConnect("127.0.0.1", port);
    assert_true(c != NULL && !c->err);
    redisReply *r = redisCommand(c, "SET %s 1", key);
    assert_true(r != NULL && r->type == REDIS_REPLY_STATUS);
    freeReplyObject(r);
    redisFree(c);
}

static void mon_on_reply(redisAsyncContext *ac, void *r, void *priv)
{
    struct mon_async *st = priv;
    redisReply *reply = r;
    if (reply == NULL) { /* the connection closed after QUIT */
        st->closed = 1;
        event_base_loopbreak(st->base);
        return;
    }
    assert_int_equal(reply->type, REDIS_REPLY_STATUS);
    st->calls++;
    if (st->calls == 1) {
        assert_string_equal(reply->str, "OK");
        mon_send(st->port, "first");
    } else if (st->calls <= 3) {
        snprintf(st->lines[st->calls - 2], sizeof(st->lines[0]), "%s", reply->str);
        if (st->calls == 2)
            mon_send(st->port, "second");
        else
            redisAsyncCommand(ac, NULL, NULL, "QUIT");
    }
}

static void mon_on_timeout(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    event_base_loopbreak(arg);
}

static void async_monitor(int port)
{
    struct mon_async st;
    memset(&st, 0, sizeof(st));
    st.port = port;
    st.base = event_base_new();
    redisAsyncContext *ac = redisAsyncConnect("127.0.0.1", port);
    assert_true(ac != NULL && !ac->err);
    redisLibeventAttach(ac, st.base);
    redisAsyncCommand(ac, mon_on_reply, &st, "MONITOR");
    struct event *timer = evtimer_new(st.base, mon_on_timeout, st.base);
    struct timeval ten = {10, 0};
    evtimer_add(timer, &ten);
    event_base_dispatch(st.base);
    event_free(timer);
    if (!st.closed)
        redisAsyncFree(ac);
    event_base_free(st.base);
    assert_true(st.closed);
    assert_int_equal(st.calls, 3);
    assert_non_null(strstr(st.lines[0], "] \"SET\" \"first\" \"1\""));
    assert_non_null(strstr(st.lines[1], "] \"SET\" \"second\" \"1\""));
}

static void test_hiredis_async(void **state)
{
    (void)state;
    struct mh_server *redis = it_redis(NULL);
    if (redis) { /* the test's own check: Redis passes it */
        async_monitor(mh_server_port(redis));
        it_stop(redis);
    }
    struct mh_server *s = it_mock(NULL);
    async_monitor(mh_server_port(s));
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),         cmocka_unit_test(test_all_bytes),
        cmocka_unit_test(test_order),         cmocka_unit_test(test_monitor_client),
        cmocka_unit_test(test_resp3),         cmocka_unit_test(test_introspection),
        cmocka_unit_test(test_virtual_clock), cmocka_unit_test(test_unixsocket),
        cmocka_unit_test(test_idle_timeout),  cmocka_unit_test(test_scenario),
        cmocka_unit_test(test_redis_cli),     cmocka_unit_test(test_hiredis_async),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
