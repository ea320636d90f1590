/* test_client.c - the client layer (client/rc*.h) against a misbehaving
 * mockredis.
 *
 * Each test starts its own mockredis, often playing a small scenario that
 * makes the server fail in one way (a missing key, a wrong type, a reply of
 * an unexpected type, a hang, a closed connection, a slow reply,
 * maxclients), and asserts the status the client layer returns, that the
 * connection is rebuilt after the failures that break a hiredis context,
 * and, from the scenario's JSON report, how many connections the client
 * opened. Scripts (rc_script.h) are also run against redis-server itself,
 * the NOSCRIPT fallback included. Scenarios end with "finish idle": the server exits 100 ms after
 * the last client left, and its exit status says whether the scenario's own
 * expectations held.
 *
 * Timings are asserted with generous upper bounds (a loaded CI machine) and
 * lower bounds a few ms below the target (libevent's coarse clock). */
#include "it.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "rc.h"
#include "rc_async.h"
#include "rc_config.h"
#include "rc_pool.h"
#include "rc_script.h"
#include "rtext.h"

/* Blocking calls time out by the kernel's socket timeout, counted in
 * ticks: it can end up to one tick (10 ms at HZ=100) before the real-time
 * mark. Async timeouts are exact (see rc_async.c) and get no slack. */
#define CT_SLACK_MS 10

/* ---- a mockredis, optionally playing a scenario ------------------------------- */

struct ct_server {
    char file[64];   /* the scenario, "" for none */
    char report[64]; /* its --report JSON */
    struct mh_server *s;
    struct rc_config cfg; /* pointing at the server, 1 s timeouts */
    char *json;           /* the report, after ct_finish */
};

/* Starts mockredis, playing scenario when it is not NULL. */
static void ct_start(struct ct_server *t, const char *scenario)
{
    memset(t, 0, sizeof(*t));
    if (scenario) {
        it_write_temp(t->file, sizeof(t->file), "client", scenario);
        it_write_temp(t->report, sizeof(t->report), "client", "");
        const char *args[] = {"--scenario", t->file, "--report", t->report, NULL};
        t->s = it_mock(args);
    } else {
        t->s = it_mock(NULL);
    }
    t->cfg = rc_config_default();
    assert_int_equal(rc_config_set_host(&t->cfg, "127.0.0.1", mh_server_port(t->s)), 0);
}

static char *ct_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    char *out = calloc(1, 65536);
    size_t n = fread(out, 1, 65535, f);
    out[n] = '\0';
    fclose(f);
    return out;
}

/* Scenario: waits for the server to end on its own (all clients closed),
 * requires exit status 0 (every expectation held) and reads the report.
 * No scenario: stops the server and requires a clean exit. */
static void ct_finish(struct ct_server *t)
{
    if (t->file[0] == '\0') {
        it_stop_ok(t->s);
        return;
    }
    int st = 0;
    if (!mh_server_wait(t->s, 5000, &st)) {
        it_stop(t->s);
        fail_msg("scenario did not end within 5 s of the last client leaving");
    }
    it_stop(t->s);
    t->json = ct_slurp(t->report);
    unlink(t->file);
    unlink(t->report);
    assert_non_null(t->json);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("scenario failed (status %d): %s", st, t->json);
}

/* Requires the report to contain "name":value among its counters. */
static void ct_counter(struct ct_server *t, const char *name, long long value)
{
    char want[96];
    snprintf(want, sizeof(want), "\"%s\":%lld", name, value);
    if (strstr(t->json, want) == NULL)
        fail_msg("report lacks %s: %s", want, t->json);
}

static void ct_done(struct ct_server *t)
{
    free(t->json);
    t->json = NULL;
}

static struct rc_conn *ct_connect(const struct rc_config *cfg)
{
    struct rc_conn *c = NULL;
    char err[128] = "";
    enum rc_status st = rc_connect(cfg, &c, err, sizeof(err));
    if (st != RC_OK)
        fail_msg("rc_connect: %s: %s", rc_strerror(st), err);
    return c;
}

/* Requires status want; prints the connection's message otherwise. */
static void ct_status(struct rc_conn *c, enum rc_status got, enum rc_status want)
{
    if (got != want)
        fail_msg("status %d (%s: %s), want %d (%s)", got, rc_strerror(got), c ? rc_errmsg(c) : "-",
                 want, rc_strerror(want));
}

static void ct_get_expect(struct rc_conn *c, const char *key, const char *want, size_t wantlen)
{
    struct rc_value v = RC_VALUE_INIT;
    ct_status(c, rc_get(c, key, strlen(key), &v), RC_OK);
    assert_int_equal(v.len, wantlen);
    assert_memory_equal(v.str, want, wantlen);
    assert_int_equal(v.str[v.len], '\0');
    rc_value_free(&v);
}

/* ---- config and statuses ------------------------------------------------------ */

static void test_config_copy(void **state)
{
    (void)state;
    struct rc_config a = rc_config_default();
    assert_string_equal(a.host, "127.0.0.1");
    assert_int_equal(a.port, 6379);
    assert_string_equal(a.unix_path, "");
    assert_int_equal(a.connect_timeout_ms, 1000);
    assert_int_equal(a.command_timeout_ms, 1000);
    assert_int_equal(a.pool_size, 4);
    assert_int_equal(a.pool_wait_ms, 1000);

    /* A copy is a value: changing the original leaves it alone. */
    assert_int_equal(rc_config_set_host(&a, "10.0.0.7", 7000), 0);
    struct rc_config b = a;
    assert_int_equal(rc_config_set_host(&a, "192.168.1.1", 7001), 0);
    a.command_timeout_ms = 5;
    assert_string_equal(b.host, "10.0.0.7");
    assert_int_equal(b.port, 7000);
    assert_int_equal(b.command_timeout_ms, 1000);
    assert_string_equal(a.host, "192.168.1.1");

    /* Too long: refused, unchanged (never truncated). */
    char longname[RC_HOST_MAX + 1];
    memset(longname, 'h', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    assert_int_equal(rc_config_set_host(&b, longname, 1), RC_ERR_ARG);
    assert_string_equal(b.host, "10.0.0.7");
    assert_int_equal(b.port, 7000);
    char longpath[RC_PATH_MAX + 1];
    memset(longpath, 'p', sizeof(longpath) - 1);
    longpath[sizeof(longpath) - 1] = '\0';
    assert_int_equal(rc_config_set_unix(&b, longpath), RC_ERR_ARG);
    assert_string_equal(b.unix_path, "");
    assert_int_equal(rc_config_set_unix(&b, "/tmp/x.sock"), 0);
    assert_string_equal(b.unix_path, "/tmp/x.sock");
    assert_int_equal(rc_config_set_host(&b, "::1", 6380), 0);
    assert_string_equal(b.unix_path, ""); /* back to TCP */

    /* One table: every status has its own text; success is 0, missing is
     * positive, errors are negative. */
    const enum rc_status all[] = {RC_OK,     RC_MISSING,      RC_WRONGTYPE,   RC_ERR_REPLY,
                                  RC_ERR_IO, RC_ERR_PROTOCOL, RC_ERR_TIMEOUT, RC_ERR_ARG};
    size_t n = sizeof(all) / sizeof(all[0]);
    for (size_t i = 0; i < n; i++) {
        assert_string_not_equal(rc_strerror(all[i]), "unknown status");
        for (size_t j = i + 1; j < n; j++)
            assert_string_not_equal(rc_strerror(all[i]), rc_strerror(all[j]));
        if (i >= 2)
            assert_true(all[i] < 0);
    }
    assert_int_equal(RC_OK, 0);
    assert_true(RC_MISSING > 0);
    assert_string_equal(rc_strerror((enum rc_status)42), "unknown status");
}

/* ---- typed calls on a well-behaved server ------------------------------------- */

static void test_typed_calls(void **state)
{
    (void)state;
    struct ct_server t;
    ct_start(&t, NULL);
    struct rc_conn *c = ct_connect(&t.cfg);

    /* Missing: its own status, an empty value, no crash. */
    struct rc_value v = {(char *)"junk", 4};
    ct_status(c, rc_get(c, "nokey", 5, &v), RC_MISSING);
    assert_null(v.str);
    assert_int_equal(v.len, 0);
    const char *get_argv[] = {"GET", "nokey"};
    ct_status(c, rc_cmd_argv(c, 2, get_argv, NULL, NULL), RC_MISSING); /* NULL: C strings */

    /* Spaces and NUL bytes round-trip: one argument, every byte. */
    static const char val[] = "a value with spaces\0and a NUL\r\n";
    size_t vlen = sizeof(val) - 1;
    ct_status(c, rc_set(c, "k 1", 3, val, vlen, 0), RC_OK);
    ct_get_expect(c, "k 1", val, vlen);
    /* rc_value_eq compares lengths too: the part before the NUL differs,
     * and RC_LIT counts the literal as the compiler sees it. */
    struct rc_value got = RC_VALUE_INIT;
    ct_status(c, rc_get(c, RC_LIT("k 1"), &got), RC_OK);
    assert_true(rc_value_eq(&got, val, vlen));
    assert_false(rc_value_eq(&got, RC_LIT("a value with spaces")));
    assert_true(rc_value_eq(&got, RC_LIT("a value with spaces\0and a NUL\r\n")));
    rc_value_free(&got);
    assert_false(rc_value_eq(&got, "", 0)); /* an empty value equals nothing */
    redisReply *r = NULL;
    const char *strlen_argv[] = {"STRLEN", "k 1"};
    size_t strlen_len[] = {6, 3};
    ct_status(c, rc_cmd_argv(c, 2, strlen_argv, strlen_len, &r), RC_OK);
    assert_int_equal(r->type, REDIS_REPLY_INTEGER);
    assert_int_equal(r->integer, (long long)vlen);
    freeReplyObject(r);

    /* SET with a TTL. */
    ct_status(c, rc_set(c, "ttl", 3, "x", 1, 100000), RC_OK);
    const char *pttl_argv[] = {"PTTL", "ttl"};
    size_t pttl_len[] = {4, 3};
    ct_status(c, rc_cmd_argv(c, 2, pttl_argv, pttl_len, &r), RC_OK);
    assert_int_equal(r->type, REDIS_REPLY_INTEGER);
    assert_in_range(r->integer, 1, 100000);
    freeReplyObject(r);

    /* Integers. */
    long long n = 0;
    ct_status(c, rc_incrby(c, "n", 1, 5, &n), RC_OK);
    assert_int_equal(n, 5);
    ct_status(c, rc_incrby(c, "n", 1, -7, &n), RC_OK);
    assert_int_equal(n, -2);
    ct_status(c, rc_incrby(c, "k 1", 3, 1, &n), RC_ERR_REPLY);
    assert_string_equal(rc_errmsg(c), rtext[RT_NOTINT]);

    /* Hash fields. */
    ct_status(c, rc_hset_field(c, "h", 1, "f", 1, "v v", 3), RC_OK);
    ct_status(c, rc_hget_field(c, "h", 1, "f", 1, &v), RC_OK);
    assert_int_equal(v.len, 3);
    assert_memory_equal(v.str, "v v", 3);
    rc_value_free(&v);
    rc_value_free(&v); /* idempotent */
    ct_status(c, rc_hget_field(c, "h", 1, "nofield", 7, &v), RC_MISSING);
    ct_status(c, rc_hget_field(c, "nohash", 6, "f", 1, &v), RC_MISSING);
    ct_status(c, rc_hincrby(c, "h", 1, "cnt", 3, 3, &n), RC_OK);
    assert_int_equal(n, 3);
    ct_status(c, rc_hincrby(c, "h", 1, "f", 1, 1, &n), RC_ERR_REPLY);
    assert_string_equal(rc_errmsg(c), rtext[RT_HASH_NOTINT]);

    /* A key of another type: RC_WRONGTYPE with Redis's text. */
    const char *push[] = {"RPUSH", "list", "a"};
    size_t pushlen[] = {5, 4, 1};
    ct_status(c, rc_cmd_argv(c, 3, push, pushlen, NULL), RC_OK);
    ct_status(c, rc_get(c, "list", 4, &v), RC_WRONGTYPE);
    assert_string_equal(rc_errmsg(c), rtext[RT_WRONGTYPE]);
    assert_null(v.str);
    ct_status(c, rc_incrby(c, "list", 4, 1, NULL), RC_WRONGTYPE);
    ct_status(c, rc_hget_field(c, "list", 4, "f", 1, &v), RC_WRONGTYPE);
    ct_status(c, rc_hset_field(c, "n", 1, "f", 1, "v", 1), RC_WRONGTYPE);

    /* Error replies leave the connection intact: still the first one. */
    ct_status(c, rc_ping(c), RC_OK);
    assert_int_equal(rc_connects(c), 1);
    rc_close(c);
    rc_close(NULL);
    ct_finish(&t);
}

static void test_unix_socket(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/client-%d.sock", (int)getpid());
    const char *args[] = {"--unixsocket", path, NULL};
    struct mh_server *s = it_mock(args);
    struct rc_config cfg = rc_config_default();
    assert_int_equal(rc_config_set_unix(&cfg, path), 0);
    struct rc_conn *c = ct_connect(&cfg);
    ct_status(c, rc_set(c, "u", 1, "x", 1, 0), RC_OK);
    ct_get_expect(c, "u", "x", 1);
    rc_close(c);
    it_stop_ok(s);
    unlink(path);
}

static void test_connect_fails(void **state)
{
    (void)state;
    /* A port nobody listens on: bind one, then close it. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof(sa);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd);

    struct rc_config cfg = rc_config_default();
    assert_int_equal(rc_config_set_host(&cfg, "127.0.0.1", ntohs(sa.sin_port)), 0);
    struct rc_conn *c = (struct rc_conn *)&cfg; /* must be overwritten with NULL */
    char err[128] = "";
    assert_int_equal(rc_connect(&cfg, &c, err, sizeof(err)), RC_ERR_IO);
    assert_null(c);
    assert_string_equal(err, "Connection refused");

    assert_int_equal(rc_config_set_unix(&cfg, "/nonexistent/client.sock"), 0);
    assert_int_equal(rc_connect(&cfg, &c, NULL, 0), RC_ERR_IO);
    assert_null(c);
}

/* ---- a server that misbehaves ------------------------------------------------- */

static void test_unexpected_reply_type(void **state)
{
    (void)state;
    struct ct_server t;
    ct_start(&t, "on GET * do reply (integer) 1\n"
                 "expect connections == 1\n");
    struct rc_conn *c = ct_connect(&t.cfg);
    struct rc_value v = RC_VALUE_INIT;
    ct_status(c, rc_get(c, "k", 1, &v), RC_WRONGTYPE);
    assert_null(v.str);
    assert_string_equal(rc_errmsg(c), "unexpected reply type integer (wanted string)");
    /* The conversation is intact: same connection, next call fine. */
    ct_status(c, rc_set(c, "k", 1, "v", 1, 0), RC_OK);
    assert_int_equal(rc_connects(c), 1);
    rc_close(c);
    ct_finish(&t);
    ct_counter(&t, "connections", 1);
    ct_done(&t);
}

static void test_timeout_then_reconnect(void **state)
{
    (void)state;
    struct ct_server t;
    ct_start(&t, "setup\n"
                 "    SET k \"v\"\n"
                 "end\n"
                 "on GET k nth 1 do hang\n"
                 "expect connections == 2\n"
                 "expect commands GET k == 2\n");
    t.cfg.command_timeout_ms = 200;
    struct rc_conn *c = ct_connect(&t.cfg);
    struct rc_value v = RC_VALUE_INIT;
    long long t0 = it_now_ms();
    ct_status(c, rc_get(c, "k", 1, &v), RC_ERR_TIMEOUT);
    long long took = it_now_ms() - t0;
    assert_in_range(took, 200 - CT_SLACK_MS, 2000);
    assert_null(v.str);
    /* The next call reconnects by itself and succeeds. */
    ct_get_expect(c, "k", "v", 1);
    assert_int_equal(rc_connects(c), 2);
    rc_close(c);
    ct_finish(&t);
    ct_counter(&t, "connections", 2);
    ct_done(&t);
}

static void test_close_then_reconnect(void **state)
{
    (void)state;
    struct ct_server t;
    ct_start(&t, "setup\n"
                 "    SET k \"v\"\n"
                 "end\n"
                 "on GET k nth 1 do close before\n"
                 "expect connections == 2\n");
    struct rc_conn *c = ct_connect(&t.cfg);
    struct rc_value v = RC_VALUE_INIT;
    ct_status(c, rc_get(c, "k", 1, &v), RC_ERR_IO);
    assert_string_equal(rc_errmsg(c), "Server closed the connection");
    ct_get_expect(c, "k", "v", 1);
    assert_int_equal(rc_connects(c), 2);
    rc_close(c);
    ct_finish(&t);
    ct_counter(&t, "connections", 2);
    ct_done(&t);
}

static void test_protocol_error_then_reconnect(void **state)
{
    (void)state;
    struct ct_server t;
    ct_start(&t, "setup\n"
                 "    SET k \"v\"\n"
                 "end\n"
                 "on GET k nth 1 do corrupt garbage\n"
                 "expect connections == 2\n");
    struct rc_conn *c = ct_connect(&t.cfg);
    struct rc_value v = RC_VALUE_INIT;
    ct_status(c, rc_get(c, "k", 1, &v), RC_ERR_PROTOCOL);
    ct_get_expect(c, "k", "v", 1);
    assert_int_equal(rc_connects(c), 2);
    rc_close(c);
    ct_finish(&t);
    ct_counter(&t, "connections", 2);
    ct_done(&t);
}

static void test_sigpipe(void **state)
{
    (void)state;
    struct ct_server t;
    /* PING is answered, then the server closes: the next command is
     * written to a dead socket (EPIPE, which would be SIGPIPE and the
     * death of this process if rc_connect had not ignored it). */
    ct_start(&t, "on PING do close after\n"
                 "expect connections == 2\n");
    struct rc_conn *c = ct_connect(&t.cfg);
    struct sigaction sa;
    assert_int_equal(sigaction(SIGPIPE, NULL, &sa), 0);
    assert_ptr_equal(sa.sa_handler, SIG_IGN);

    ct_status(c, rc_ping(c), RC_OK);
    size_t big = 4 << 20;
    char *val = calloc(1, big);
    assert_non_null(val);
    ct_status(c, rc_set(c, "big", 3, val, big, 0), RC_ERR_IO);
    free(val);
    ct_status(c, rc_ping(c), RC_OK); /* reconnected */
    assert_int_equal(rc_connects(c), 2);
    rc_close(c);
    ct_finish(&t);
    ct_counter(&t, "connections", 2);
    ct_done(&t);
}

/* ---- the pool ----------------------------------------------------------------- */

#define CT_THREADS 8
#define CT_INCRS   200

struct ct_worker {
    struct rc_pool *pool;
    int errors; /* checkouts or INCRs that failed */
    char err[128];
};

static void *ct_worker_run(void *arg)
{
    struct ct_worker *w = arg;
    for (int i = 0; i < CT_INCRS; i++) {
        struct rc_conn *c;
        enum rc_status st = rc_pool_checkout(w->pool, &c, w->err, sizeof(w->err));
        if (st != RC_OK) {
            w->errors++;
            continue;
        }
        st = rc_incrby(c, "hits", 4, 1, NULL);
        if (st != RC_OK) {
            snprintf(w->err, sizeof(w->err), "%s", rc_errmsg(c));
            w->errors++;
        }
        rc_pool_return(w->pool, c);
    }
    return NULL;
}

static void test_pool_threads(void **state)
{
    (void)state;
    struct ct_server t;
    ct_start(&t, "maxclients 3\n"
                 "expect peak-connections <= 3\n"
                 "expect refused == 0\n"
                 "expect commands INCRBY == 1600\n");
    t.cfg.pool_size = 3;
    t.cfg.pool_wait_ms = 5000;
    struct rc_pool *pool = rc_pool_new(&t.cfg);
    assert_non_null(pool);

    struct ct_worker w[CT_THREADS];
    pthread_t th[CT_THREADS];
    for (int i = 0; i < CT_THREADS; i++) {
        memset(&w[i], 0, sizeof(w[i]));
        w[i].pool = pool;
        assert_int_equal(pthread_create(&th[i], NULL, ct_worker_run, &w[i]), 0);
    }
    for (int i = 0; i < CT_THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        if (w[i].errors)
            fail_msg("thread %d: %d errors, last: %s", i, w[i].errors, w[i].err);
    }
    assert_in_range(rc_pool_open_count(pool), 1, 3);

    struct rc_conn *c;
    ct_status(NULL, rc_pool_checkout(pool, &c, NULL, 0), RC_OK);
    ct_get_expect(c, "hits", "1600", 4);
    rc_pool_return(pool, c);
    rc_pool_destroy(pool);
    rc_pool_destroy(NULL);
    ct_finish(&t);
    ct_counter(&t, "refused", 0);
    assert_non_null(strstr(t.json, "\"peak_connections\":"));
    const char *peak = strstr(t.json, "\"peak_connections\":") + strlen("\"peak_connections\":");
    assert_in_range(atoi(peak), 1, 3);
    ct_done(&t);
}

static void test_pool_wait_timeout(void **state)
{
    (void)state;
    struct ct_server t;
    ct_start(&t, NULL);
    t.cfg.pool_size = 1;
    t.cfg.pool_wait_ms = 100;
    struct rc_pool *pool = rc_pool_new(&t.cfg);
    assert_non_null(pool);
    struct rc_conn *c1, *c2 = (struct rc_conn *)pool;
    char err[128] = "";
    ct_status(NULL, rc_pool_checkout(pool, &c1, err, sizeof(err)), RC_OK);

    long long t0 = it_now_ms();
    assert_int_equal(rc_pool_checkout(pool, &c2, err, sizeof(err)), RC_ERR_TIMEOUT);
    assert_in_range(it_now_ms() - t0, 100 - CT_SLACK_MS, 2000);
    assert_null(c2);
    assert_string_equal(err, "pool: every connection stayed checked out for pool_wait_ms");

    /* Returned, it is the one the next checkout gets (after a PING). */
    rc_pool_return(pool, c1);
    ct_status(NULL, rc_pool_checkout(pool, &c2, err, sizeof(err)), RC_OK);
    assert_ptr_equal(c2, c1);
    /* Discarded, its slot opens a new connection. */
    rc_pool_discard(pool, c2);
    assert_int_equal(rc_pool_open_count(pool), 0);
    ct_status(NULL, rc_pool_checkout(pool, &c2, err, sizeof(err)), RC_OK);
    assert_int_equal(rc_pool_open_count(pool), 1);
    rc_pool_return(pool, c2);
    rc_pool_destroy(pool);
    ct_finish(&t);
}

static void test_pool_health_check(void **state)
{
    (void)state;
    struct ct_server t;
    /* The connection dies while idle in the pool: the server closes it at
     * the first PING, as if its idle timeout had struck. */
    ct_start(&t, "on PING nth 1 do close before\n"
                 "expect connections == 2\n"
                 "expect commands PING == 2\n");
    t.cfg.pool_size = 1;
    struct rc_pool *pool = rc_pool_new(&t.cfg);
    struct rc_conn *c;
    ct_status(NULL, rc_pool_checkout(pool, &c, NULL, 0), RC_OK); /* new: no PING */
    assert_int_equal(rc_connects(c), 1);
    rc_pool_return(pool, c);
    ct_status(NULL, rc_pool_checkout(pool, &c, NULL, 0), RC_OK); /* PING fails, reconnects */
    assert_int_equal(rc_connects(c), 2);
    ct_status(c, rc_set(c, "k", 1, "v", 1, 0), RC_OK);
    rc_pool_return(pool, c);
    rc_pool_destroy(pool);
    ct_finish(&t);
    ct_counter(&t, "connections", 2);
    ct_done(&t);
}

/* ---- async ---------------------------------------------------------------------- */

/* What one async call saw. */
struct ct_seen {
    int calls; /* how many times the callback ran: must end at exactly 1 */
    enum rc_status status;
    char value[64];
    long long integer;
    long long at_ms; /* when it ran */
    long long at_us;
};

static void ct_on_result(const struct rc_async_result *res, void *ud)
{
    struct ct_seen *s = ud;
    s->calls++;
    s->status = res->status;
    s->integer = res->integer;
    s->at_us = it_now_us();
    s->at_ms = s->at_us / 1000;
    snprintf(s->value, sizeof(s->value), "%.*s", (int)res->value->len,
             res->value->str ? res->value->str : "");
}

static void ct_tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
}

/* Runs the loop until *calls >= 1 or ms have passed (ms is then asserted
 * not to have run out when calls is not NULL). With calls NULL, runs for
 * exactly ms. A 5 ms tick keeps EVLOOP_ONCE from blocking forever. */
static void ct_run(struct event_base *base, const int *calls, int ms)
{
    struct event *tick = event_new(base, -1, EV_PERSIST, ct_tick, NULL);
    struct timeval tv = {0, 5000};
    event_add(tick, &tv);
    long long end = it_now_ms() + ms;
    while ((calls == NULL || *calls == 0) && it_now_ms() < end)
        event_base_loop(base, EVLOOP_ONCE);
    event_free(tick);
    if (calls && *calls == 0)
        fail_msg("no callback within %d ms", ms);
}

static void test_async_calls(void **state)
{
    (void)state;
    struct ct_server t;
    ct_start(&t, NULL);
    struct event_base *base = event_base_new();
    struct rc_async *a = rc_async_new(&t.cfg, base);
    assert_non_null(a);

    struct ct_seen set = {0}, get = {0}, miss = {0}, incr = {0}, wrong = {0};
    assert_int_equal(rc_async_set(a, "k", 1, "v w", 3, ct_on_result, &set), RC_OK);
    assert_int_equal(rc_async_get(a, "k", 1, ct_on_result, &get), RC_OK);
    assert_int_equal(rc_async_get(a, "none", 4, ct_on_result, &miss), RC_OK);
    assert_int_equal(rc_async_incrby(a, "n", 1, 41, ct_on_result, &incr), RC_OK);
    assert_int_equal(rc_async_incrby(a, "k", 1, 1, ct_on_result, &wrong), RC_OK);
    assert_int_equal(set.calls, 0); /* never from inside the call */
    ct_run(base, &wrong.calls, 2000);
    assert_int_equal(set.calls, 1);
    assert_int_equal(set.status, RC_OK);
    assert_int_equal(get.calls, 1);
    assert_int_equal(get.status, RC_OK);
    assert_string_equal(get.value, "v w");
    assert_int_equal(miss.calls, 1);
    assert_int_equal(miss.status, RC_MISSING);
    assert_int_equal(incr.calls, 1);
    assert_int_equal(incr.status, RC_OK);
    assert_int_equal(incr.integer, 41);
    assert_int_equal(wrong.calls, 1);
    assert_int_equal(wrong.status, RC_ERR_REPLY);
    assert_int_equal(rc_async_connects(a), 1);

    /* Freed with a call pending: the callback still fires, once. */
    struct ct_seen pending = {0};
    assert_int_equal(rc_async_get(a, "k", 1, ct_on_result, &pending), RC_OK);
    rc_async_free(a);
    assert_int_equal(pending.calls, 1);
    assert_int_equal(pending.status, RC_ERR_IO);
    rc_async_free(NULL);
    event_base_free(base);
    ct_finish(&t);
}

static void test_async_refused(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof(sa);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd);

    struct rc_config cfg = rc_config_default();
    assert_int_equal(rc_config_set_host(&cfg, "127.0.0.1", ntohs(sa.sin_port)), 0);
    struct event_base *base = event_base_new();
    struct rc_async *a = rc_async_new(&cfg, base);
    /* Refused at once (no callback, ever) or while connecting (the
     * callback, once, with RC_ERR_IO): both keep the contract. */
    struct ct_seen seen = {0};
    enum rc_status st = rc_async_get(a, "k", 1, ct_on_result, &seen);
    if (st == RC_OK) {
        ct_run(base, &seen.calls, 2000);
        assert_int_equal(seen.status, RC_ERR_IO);
    } else {
        assert_int_equal(st, RC_ERR_IO);
    }
    ct_run(base, NULL, 20);
    assert_int_equal(seen.calls, st == RC_OK ? 1 : 0);
    rc_async_free(a);
    event_base_free(base);
}

static void test_async_timeout(void **state)
{
    (void)state;
    struct ct_server t;
    ct_start(&t, "setup\n"
                 "    SET slow \"v\"\n"
                 "end\n"
                 "on GET slow nth 1 do delay 300ms\n"
                 "on GET stuck do hang\n"
                 "expect connections == 2\n");
    t.cfg.command_timeout_ms = 100;
    struct event_base *base = event_base_new();
    struct rc_async *a = rc_async_new(&t.cfg, base);

    /* The reply is 300 ms late; the timeout is 100 ms. */
    struct ct_seen late = {0};
    long long t0 = it_now_ms();
    assert_int_equal(rc_async_get(a, "slow", 4, ct_on_result, &late), RC_OK);
    ct_run(base, &late.calls, 2000);
    assert_int_equal(late.status, RC_ERR_TIMEOUT);
    /* Never early: libevent's coarse clock alone once fired it at 94 ms. */
    assert_in_range(late.at_ms - t0, 100, 290);

    /* A later call gets a new connection and the right answer. */
    struct ct_seen next = {0};
    assert_int_equal(rc_async_get(a, "slow", 4, ct_on_result, &next), RC_OK);
    ct_run(base, &next.calls, 2000);
    assert_int_equal(next.status, RC_OK);
    assert_string_equal(next.value, "v");
    assert_int_equal(rc_async_connects(a), 2);

    /* Past the moment the late reply was sent: no second callback. */
    ct_run(base, NULL, (int)(t0 + 400 - it_now_ms()));
    assert_int_equal(late.calls, 1);
    assert_int_equal(next.calls, 1);

    /* Two calls queued behind a hang: the first times out, the second
     * completes with RC_ERR_IO as its connection is dropped; each once. */
    struct ct_seen stuck = {0}, behind = {0};
    assert_int_equal(rc_async_get(a, "stuck", 5, ct_on_result, &stuck), RC_OK);
    assert_int_equal(rc_async_get(a, "slow", 4, ct_on_result, &behind), RC_OK);
    ct_run(base, &behind.calls, 2000);
    assert_int_equal(stuck.calls, 1);
    assert_int_equal(stuck.status, RC_ERR_TIMEOUT);
    assert_int_equal(behind.calls, 1);
    assert_int_equal(behind.status, RC_ERR_IO);
    ct_run(base, NULL, 150); /* the second call's own timer must stay silent */
    assert_int_equal(behind.calls, 1);
    assert_int_equal(rc_async_connects(a), 2);

    rc_async_free(a);
    event_base_free(base);
    ct_finish(&t);
    ct_counter(&t, "connections", 2);
    ct_done(&t);
}

/* libevent's default clock is coarse and its time cache can be a few ms
 * stale: a plain 20 ms evtimer armed between loop turns fired early in
 * 106 of 200 tries here (worst 6.9 ms). A call's timeout must never be. */
static void test_async_timeout_never_early(void **state)
{
    (void)state;
    struct ct_server t;
    ct_start(&t, "on GET stuck do hang\n");
    t.cfg.command_timeout_ms = 20;
    struct event_base *base = event_base_new();
    struct rc_async *a = rc_async_new(&t.cfg, base);
    for (int i = 0; i < 20; i++) {
        ct_run(base, NULL, i % 5); /* arm at varied points of the tick */
        struct ct_seen seen = {0};
        long long t0 = it_now_us();
        assert_int_equal(rc_async_get(a, "stuck", 5, ct_on_result, &seen), RC_OK);
        ct_run(base, &seen.calls, 2000);
        assert_int_equal(seen.status, RC_ERR_TIMEOUT);
        if (seen.at_us - t0 < 20000)
            fail_msg("call %d timed out after %lld us, before its 20 ms", i, seen.at_us - t0);
    }
    assert_int_equal(rc_async_connects(a), 20);
    rc_async_free(a);
    event_base_free(base);
    ct_finish(&t);
    ct_counter(&t, "connections", 20);
    ct_done(&t);
}

/* ---- scripts: EVALSHA with the NOSCRIPT fallback (rc_script.h) ------------------- */

/* FIPS 180's published vectors, and lengths around the 55/56 and 64-byte
 * edges of the padding (checked against redis-server's names below). */
static void test_script_sha1(void **state)
{
    (void)state;
    char hex[41];
    rc_sha1_hex("", 0, hex);
    assert_string_equal(hex, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    rc_sha1_hex("abc", 3, hex);
    assert_string_equal(hex, "a9993e364706816aba3e25717850c26c9cd0d89d");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes */
    rc_sha1_hex(two, strlen(two), hex);
    assert_string_equal(hex, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    char *million = malloc(1000000);
    assert_non_null(million);
    memset(million, 'a', 1000000);
    rc_sha1_hex(million, 1000000, hex);
    assert_string_equal(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    free(million);
    struct rc_script s;
    rc_script_init(&s, RC_LIT("abc"));
    assert_string_equal(s.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
    assert_int_equal(s.len, 3);
}

#define CT_INCR_SCRIPT "return redis.call('INCRBY', KEYS[1], ARGV[1])"

/* The wire format and the fallback, on mockredis with rules that answer
 * for the script engine: EVALSHA <sha1> 1 counter 5 first, EVAL <text>
 * 1 counter 5 only after a NOSCRIPT, never after another error. */
static void test_evalsha_fallback_scripted(void **state)
{
    (void)state;
    struct rc_script s;
    rc_script_init(&s, RC_LIT(CT_INCR_SCRIPT));
    char scn[1024];
    snprintf(scn, sizeof(scn),
             "on EVALSHA * nth 1 do reply (error) NOSCRIPT scripted by the test\n"
             "on EVALSHA * nth 2 do reply (integer) 10\n"
             "on EVALSHA * nth 3 do reply (error) ERR scripted failure\n"
             "on EVALSHA * nth 4 do reply (nil)\n"
             "on EVAL * do reply (integer) 5\n"
             "expect commands EVALSHA %s 1 counter 5 == 4\n"
             /* the text whole, its brackets ('[1]') being glob classes: '?' */
             "expect commands EVAL \"return redis.call('INCRBY', KEYS?1], ARGV?1])\" 1 "
             "counter 5 == 1\n"
             "expect commands == 5\n"
             "expect connections == 1\n",
             s.sha1);
    struct ct_server t;
    ct_start(&t, scn);
    struct rc_conn *c = ct_connect(&t.cfg);
    const char *argv[] = {"counter", "5"};
    redisReply *r = NULL;
    /* NOSCRIPT: EVAL follows, its reply is the call's. */
    ct_status(c, rc_evalsha(c, &s, 1, 2, argv, NULL, &r), RC_OK);
    assert_int_equal(r->type, REDIS_REPLY_INTEGER);
    assert_int_equal(r->integer, 5);
    freeReplyObject(r);
    /* The server has it now: EVALSHA alone. */
    ct_status(c, rc_evalsha(c, &s, 1, 2, argv, NULL, &r), RC_OK);
    assert_int_equal(r->integer, 10);
    freeReplyObject(r);
    /* Any other error is final: no EVAL (the scenario counts one). */
    ct_status(c, rc_evalsha(c, &s, 1, 2, argv, NULL, &r), RC_ERR_REPLY);
    assert_null(r);
    assert_string_equal(rc_errmsg(c), "ERR scripted failure");
    /* A script that returns nil. */
    ct_status(c, rc_evalsha(c, &s, 1, 2, argv, NULL, NULL), RC_MISSING);
    /* numkeys beyond the arguments: nothing is sent. */
    ct_status(c, rc_evalsha(c, &s, 3, 2, argv, NULL, &r), RC_ERR_ARG);
    ct_status(c, rc_evalsha(c, &s, -1, 2, argv, NULL, &r), RC_ERR_ARG);
    assert_int_equal(rc_connects(c), 1);
    rc_close(c);
    ct_finish(&t);
    ct_done(&t);
}

/* INFO commandstats' calls of one command, or -1. */
static long long ct_calls(struct rc_conn *c, const char *cmd)
{
    const char *argv[] = {"INFO", "commandstats"};
    redisReply *r = NULL;
    long long n = -1;
    if (rc_cmd_argv(c, 2, argv, NULL, &r) != RC_OK)
        return -1;
    char field[64];
    snprintf(field, sizeof(field), "cmdstat_%s:calls=", cmd);
    const char *p = r->type == REDIS_REPLY_STRING ? strstr(r->str, field) : NULL;
    n = p ? atoll(p + strlen(field)) : 0;
    freeReplyObject(r);
    return n;
}

/* Against redis-server 7.0 itself: the NOSCRIPT path after SCRIPT FLUSH,
 * then EVALSHA alone, counted by the server; and our SHA1 is the name
 * SCRIPT LOAD gives, for scripts of 0 to 130 bytes (both padding cases). */
static void test_evalsha_oracle_redis(void **state)
{
    (void)state;
    struct mh_server *srv = it_redis(NULL);
    if (srv == NULL)
        skip();
    struct rc_config cfg = rc_config_default();
    assert_int_equal(rc_config_set_host(&cfg, "127.0.0.1", mh_server_port(srv)), 0);
    struct rc_conn *c = ct_connect(&cfg);
    const char *flush[] = {"SCRIPT", "FLUSH"};
    ct_status(c, rc_cmd_argv(c, 2, flush, NULL, NULL), RC_OK);

    struct rc_script s;
    rc_script_init(&s, RC_LIT(CT_INCR_SCRIPT));
    const char *argv[] = {"counter", "5"};
    redisReply *r = NULL;
    ct_status(c, rc_evalsha(c, &s, 1, 2, argv, NULL, &r), RC_OK); /* NOSCRIPT, then EVAL */
    assert_int_equal(r->type, REDIS_REPLY_INTEGER);
    assert_int_equal(r->integer, 5);
    freeReplyObject(r);
    ct_status(c, rc_evalsha(c, &s, 1, 2, argv, NULL, &r), RC_OK); /* cached: EVALSHA only */
    assert_int_equal(r->integer, 10);
    freeReplyObject(r);
    assert_int_equal(ct_calls(c, "evalsha"), 2);
    assert_int_equal(ct_calls(c, "eval"), 1);

    /* Lua false is a nil reply; an error raised by the script is final. */
    struct rc_script nil, bad;
    rc_script_init(&nil, RC_LIT("return false"));
    ct_status(c, rc_evalsha(c, &nil, 0, 0, NULL, NULL, NULL), RC_MISSING);
    rc_script_init(&bad, RC_LIT("return redis.error_reply('scripted failure')"));
    ct_status(c, rc_evalsha(c, &bad, 0, 0, NULL, NULL, &r), RC_ERR_REPLY);
    assert_string_equal(rc_errmsg(c), "scripted failure");
    assert_int_equal(ct_calls(c, "evalsha"), 4);
    assert_int_equal(ct_calls(c, "eval"), 3);

    /* Our names are redis-server's, across the padding's edges. */
    char text[131] = "--"; /* "--xxx...": a Lua comment, so every length compiles */
    memset(text + 2, 'x', sizeof(text) - 2);
    for (size_t len = 0; len <= 130; len++) {
        if (len == 1)
            continue; /* "-" alone does not */
        const char *load[] = {"SCRIPT", "LOAD", text};
        size_t loadlen[] = {6, 4, len};
        ct_status(c, rc_cmd_argv(c, 3, load, loadlen, &r), RC_OK);
        char hex[41];
        rc_sha1_hex(text, len, hex);
        assert_int_equal(r->type, REDIS_REPLY_STRING);
        assert_string_equal(r->str, hex);
        freeReplyObject(r);
    }
    rc_close(c);
    it_stop(srv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_copy),
        cmocka_unit_test(test_typed_calls),
        cmocka_unit_test(test_unix_socket),
        cmocka_unit_test(test_connect_fails),
        cmocka_unit_test(test_unexpected_reply_type),
        cmocka_unit_test(test_timeout_then_reconnect),
        cmocka_unit_test(test_close_then_reconnect),
        cmocka_unit_test(test_protocol_error_then_reconnect),
        cmocka_unit_test(test_sigpipe),
        cmocka_unit_test(test_pool_threads),
        cmocka_unit_test(test_pool_wait_timeout),
        cmocka_unit_test(test_pool_health_check),
        cmocka_unit_test(test_async_calls),
        cmocka_unit_test(test_async_refused),
        cmocka_unit_test(test_async_timeout),
        cmocka_unit_test(test_async_timeout_never_early),
        cmocka_unit_test(test_script_sha1),
        cmocka_unit_test(test_evalsha_fallback_scripted),
        cmocka_unit_test(test_evalsha_oracle_redis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
