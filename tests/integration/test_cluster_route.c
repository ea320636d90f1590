/* test_cluster_route.c - cluster routing compared with a real Redis Cluster.
 *
 * Starts `mockredis --cluster 3` and a real cluster of three redis-servers
 * (cluster-enabled, slots split as redis-cli splits them: 0-5460,
 * 5461-10922, 10923-16383, joined with CLUSTER MEET, polled until every
 * node says cluster_state:ok), sends both the same commands on connections
 * to the same node indexes, and compares the replies byte for byte. The
 * address in MOVED and ASK is replaced by the index of the node it names
 * ("127.0.0.1:node2"): the slots and the target node must match, the ports
 * cannot. Keys and their slots: "b" 3300 and "f" 3168 on node 0, "c" 7365
 * on node 1, "foo" 12182 on node 2. Covers MOVED, CROSSSLOT, EXEC of a
 * transaction whose keys span slots, a refused queued command, SELECT,
 * MOVE, SWAPDB and COPY ... DB,
 * scripts touching keys of other nodes, sharded Pub/Sub's routing, PUBLISH
 * reaching another node's subscriber, RESP3. A second run adds a replica
 * to each primary (mockredis --replicas 1; CLUSTER REPLICATE on the real
 * side, polled until every node lists the replicas): replicas redirect to
 * their primary, serve sharded Pub/Sub, and SPUBLISH on a primary reaches
 * its replica's subscribers. ASK, TRYAGAIN and
 * CLUSTERDOWN need CLUSTER SETSLOT / node failures on the mock side: the
 * unit tests (unit.cluster) check them against the texts observed on
 * redis-server 7.0.15. Without redis-server the test is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

#include "it.h"

#define N 6 /* nodes at most: 3 primaries, 3 replicas */

/* One step: node `node` sends line (inline form); then one reply is read
 * from each node listed in `from` ("0", "01", ...); "x" in from: the
 * sender's reply is read and left out of the transcript. */
struct step {
    int node;
    const char *line;
    const char *from;
};

static const struct step primaries[] = {
    {0, "GET foo", "0"},
    {0, "GET c", "0"},
    {1, "GET b", "1"},
    {0, "SET b 1", "0"},
    {0, "GET b", "0"},
    {2, "GET foo", "2"},
    {0, "MGET b f", "0"},
    {0, "MGET b c", "0"},
    {2, "DEL b c", "2"},
    {0, "MSET {b}1 x {b}2 y", "0"},
    {0, "MGET {b}1 {b}2", "0"},
    {1, "MGET {b}1 {b}2", "1"},
    {0, "PING", "0"},
    {0, "DBSIZE", "0"},
    {1, "DBSIZE", "1"},
    {0, "SELECT 1", "0"},
    {0, "SELECT -1", "0"},
    {0, "SELECT x", "0"},
    {0, "SELECT 0", "0"},
    {0, "MOVE b 1", "0"},
    {0, "MOVE c 1", "0"},
    {0, "SWAPDB 0 1", "0"},
    {0, "COPY b {b}z DB 1", "0"},
    {0, "COPY b {b}z DB x", "0"},
    {0, "COPY b {b}z DB 0", "0"},
    {0, "COPY b c", "0"},
    /* transactions: EXEC routes all queued keys together */
    {0, "MULTI", "0"},
    {0, "GET b", "0"},
    {0, "GET f", "0"},
    {0, "EXEC", "0"},
    {0, "EXEC", "0"},
    {0, "MULTI", "0"},
    {0, "GET b", "0"},
    {0, "GET c", "0"},
    {0, "EXEC", "0"},
    {0, "MULTI", "0"},
    {0, "SET {b}x 1", "0"},
    {0, "INCR {b}x", "0"},
    {0, "PING", "0"},
    {0, "EXEC", "0"},
    /* scripts */
    {0, "EVAL \"return redis.call('get','c')\" 0", "0"},
    {0, "EVAL \"return redis.pcall('get','c')\" 0", "0"},
    {0, "EVAL \"return redis.call('mget','b','f')\" 0", "0"},
    {0, "EVAL \"redis.call('get','b') return redis.call('get','f')\" 1 b", "0"},
    {0, "EVAL \"return 1\" 1 c", "0"},
    {0, "EVAL \"return 1\" 2 b f", "0"},
    {0, "EVAL \"#!lua flags=no-cluster\\nreturn 1\" 0", "0"},
    {0, "EVAL \"#!lua\\nreturn redis.call('get','foo')\" 0", "0"},
    /* sharded Pub/Sub goes by the channel's slot, PUBLISH anywhere */
    {0, "SPUBLISH foo m", "0"},
    {0, "SPUBLISH b m", "0"},
    {2, "SPUBLISH foo m", "2"},
    {0, "SSUBSCRIBE b c", "0"},
    {2, "SSUBSCRIBE b", "2"},
    {1, "SUBSCRIBE news", "1"},
    {0, "PUBLISH news hello", "01"},
    {2, "PUBLISH news again", "21"},
    /* RESP3: the same errors */
    {2, "HELLO 3", "x"},
    {2, "GET b", "2"},
    {2, "MGET b c", "2"},
    {2, "MULTI", "2"},
    {2, "GET foo", "2"},
    {2, "GET a", "2"},
    {2, "EXEC", "2"},
    {2, "SELECT 2", "2"},
    {2, "MULTI", "2"},
    {2, "GET b", "2"},
    {2, "EXEC", "2"},
};

/* A connection's next reply, or the test fails. */
static void read_one(struct mh_conn *c, struct buf *reply, const char *line)
{
    if (mh_read_reply(c, reply, 10000) != MH_REPLY)
        fail_msg("no reply to %s", line);
}

/* Sends line on c, returns its reply in reply. */
static void call(struct mh_conn *c, const char *line, struct buf *reply)
{
    struct buf b = BUF_INIT;
    buf_printf(&b, "%s\r\n", line);
    assert_int_equal(mh_send(c->fd, b.p, b.len), 0);
    buf_free(&b);
    read_one(c, reply, line);
}

/* The escaped reply with each "127.0.0.1:PORT" of a node replaced by
 * "127.0.0.1:nodeI", appended to t. */
static void append_masked(struct buf *t, int who, const struct buf *reply, const int ports[N],
                          int n)
{
    char esc[2048];
    const char *e = mh_escape(reply->p, reply->len, esc, sizeof(esc));
    buf_printf(t, "%d: ", who);
    const char *at;
    while ((at = strstr(e, "127.0.0.1:")) != NULL) {
        at += 10;
        buf_append(t, e, (size_t)(at - e));
        int port = atoi(at), i;
        for (i = 0; i < n && ports[i] != port; i++)
            ;
        if (i < n)
            buf_printf(t, "node%d", i);
        else
            buf_puts(t, "unknown-port");
        while (*at >= '0' && *at <= '9')
            at++;
        e = at;
    }
    buf_printf(t, "%s\n", e);
}

static char *transcript(const int ports[N], int n, const struct step *steps, size_t nsteps)
{
    struct mh_conn conns[N];
    struct buf t = BUF_INIT, reply = BUF_INIT;
    for (int i = 0; i < n; i++)
        assert_int_equal(mh_conn_open(&conns[i], ports[i]), 0);
    for (size_t s = 0; s < nsteps; s++) {
        struct buf line = BUF_INIT;
        buf_printf(&line, "%s\r\n", steps[s].line);
        assert_int_equal(mh_send(conns[steps[s].node].fd, line.p, line.len), 0);
        buf_free(&line);
        buf_printf(&t, "%d> %s\n", steps[s].node, steps[s].line);
        for (const char *f = steps[s].from; *f; f++) {
            int who = *f == 'x' ? steps[s].node : *f - '0';
            read_one(&conns[who], &reply, steps[s].line);
            if (*f != 'x')
                append_masked(&t, who, &reply, ports, n);
        }
    }
    for (int i = 0; i < n; i++) {
        int r = mh_read_reply(&conns[i], &reply, 50);
        buf_printf(&t, "%d: %s\n", i, r == MH_TIMEOUT ? "nothing more" : "UNEXPECTED");
        mh_conn_close(&conns[i]);
    }
    buf_free(&reply);
    buf_putc(&t, '\0');
    return t.p;
}

/* A real cluster of 3 primaries and n-3 replicas (node 3+j replicating
 * node j), in a fresh directory; 0 when redis-server is missing
 * (skipped). */
static int real_cluster(struct mh_server *srv[N], int ports[N], int n, char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/it-cluster-XXXXXX");
    if (mkdtemp(dir) == NULL)
        fail_msg("mkdtemp failed");
    for (int i = 0; i < n; i++) {
        char conf[256];
        snprintf(conf, sizeof(conf), "%s/nodes-%d.conf", dir, i);
        /* no 5 s wait before a replica's first sync (Redis's default) */
        const char *args[] = {"--cluster-enabled",
                              "yes",
                              "--cluster-config-file",
                              conf,
                              "--dir",
                              dir,
                              "--repl-diskless-sync-delay",
                              "0",
                              NULL};
        srv[i] = it_redis(args);
        if (srv[i] == NULL) {
            for (int j = 0; j < i; j++)
                it_stop_ok(srv[j]);
            return 0;
        }
        ports[i] = mh_server_port(srv[i]);
    }
    static const char *const ranges[3] = {"0 5460", "5461 10922", "10923 16383"};
    struct buf reply = BUF_INIT, line = BUF_INIT;
    struct mh_conn c[N];
    for (int i = 0; i < n; i++)
        assert_int_equal(mh_conn_open(&c[i], ports[i]), 0);
    for (int i = 0; i < 3; i++) {
        buf_clear(&line);
        buf_printf(&line, "CLUSTER ADDSLOTSRANGE %s", ranges[i]);
        buf_putc(&line, '\0');
        call(&c[i], line.p, &reply);
        assert_memory_equal(reply.p, "+OK", 3);
    }
    for (int i = 1; i < n; i++) {
        buf_clear(&line);
        buf_printf(&line, "CLUSTER MEET 127.0.0.1 %d", ports[i]);
        buf_putc(&line, '\0');
        call(&c[0], line.p, &reply);
        assert_memory_equal(reply.p, "+OK", 3);
    }
    /* every node sees every slot served: bounded polls */
    long long deadline = it_now_ms() + 60000;
    for (int i = 3; i < n; i++) {
        char id[41];
        call(&c[i - 3], "CLUSTER MYID", &reply);
        if (reply.len < 45)
            fail_msg("CLUSTER MYID: %.*s", (int)reply.len, reply.p);
        memcpy(id, reply.p + 5, 40); /* $40\r\n<id>\r\n */
        id[40] = '\0';
        buf_clear(&line);
        buf_printf(&line, "CLUSTER REPLICATE %s", id);
        buf_putc(&line, '\0');
        for (;;) { /* until the replica learnt of its primary */
            call(&c[i], line.p, &reply);
            if (reply.len >= 3 && memcmp(reply.p, "+OK", 3) == 0)
                break;
            if (it_now_ms() > deadline)
                fail_msg("node %d: %s: %.*s", i, line.p, (int)reply.len, reply.p);
            it_sleep_ms(20);
        }
    }
    for (int i = 0; i < n; i++) {
        for (;;) {
            call(&c[i], "CLUSTER INFO", &reply);
            buf_putc(&reply, '\0');
            if (strstr(reply.p, "cluster_state:ok") != NULL)
                break;
            if (it_now_ms() > deadline)
                fail_msg("node %d never reached cluster_state:ok: %s", i, reply.p);
            it_sleep_ms(20);
        }
    }
    /* every replica knows it is one, every node sees the replicas */
    for (int i = 0; i < n && n > 3; i++) {
        for (;;) {
            call(&c[i], "CLUSTER NODES", &reply);
            buf_putc(&reply, '\0');
            int slaves = 0;
            for (const char *p = reply.p; (p = strstr(p, " slave ")) != NULL; p++)
                slaves++;
            for (const char *p = reply.p; (p = strstr(p, ",slave ")) != NULL; p++)
                slaves++;
            if (slaves == n - 3)
                break;
            if (it_now_ms() > deadline)
                fail_msg("node %d never saw %d replicas: %s", i, n - 3, reply.p);
            it_sleep_ms(20);
        }
    }
    /* every replica's link up: what SPUBLISH reaches replicas through
     * (the machine may be slow: the sync can take seconds) */
    for (int i = 3; i < n; i++) {
        for (;;) {
            call(&c[i], "INFO replication", &reply);
            buf_putc(&reply, '\0');
            if (strstr(reply.p, "master_link_status:up") != NULL)
                break;
            if (it_now_ms() > deadline)
                fail_msg("node %d: replication link never up: %s", i, reply.p);
            it_sleep_ms(20);
        }
    }
    for (int i = 0; i < n; i++)
        mh_conn_close(&c[i]);
    buf_free(&reply);
    buf_free(&line);
    return 1;
}

/* Removes the real cluster's directory: the nodes' files and what
 * replication left there (dump.rdb). */
static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        char path[512];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

/* Runs steps on a real cluster of n nodes and on mockredis --cluster 3
 * [--replicas 1]; the transcripts must match and contain each of must. */
static void compare(int n, const struct step *steps, size_t nsteps, const char *const *must,
                    size_t nmust)
{
    struct mh_server *real[N];
    int rports[N], mports[N];
    char dir[64];
    if (!real_cluster(real, rports, n, dir, sizeof(dir))) {
        rm_dir(dir);
        skip();
    }
    char *want = transcript(rports, n, steps, nsteps);
    for (int i = 0; i < n; i++)
        it_stop_ok(real[i]);
    rm_dir(dir);

    const char *args[] = {"--cluster", "3", "--replicas", n > 3 ? "1" : "0", NULL};
    struct mh_server *mock = it_mock(args);
    assert_int_equal(mh_server_ports(mock, mports, N), n);
    char *got = transcript(mports, n, steps, nsteps);
    it_stop_ok(mock);

    /* a reply of each kind, so that two servers failing alike cannot pass */
    for (size_t i = 0; i < nmust; i++)
        if (strstr(want, must[i]) == NULL)
            fail_msg("redis-server's transcript lacks %s:\n%s", must[i], want);
    if (getenv("IT_SHOW") != NULL)
        fprintf(stderr, "%s", want);
    if (strcmp(got, want) != 0)
        fail_msg("mockredis:\n%s\nredis-server:\n%s", got, want);
    free(want);
    free(got);
}

static void test_route_vs_real(void **state)
{
    (void)state;
    const char *must[] = {"-MOVED 12182 127.0.0.1:node2",
                          "-CROSSSLOT",
                          "-EXECABORT",
                          "non local key",
                          "message",
                          "-ERR SELECT"};
    compare(3, primaries, sizeof(primaries) / sizeof(primaries[0]), must,
            sizeof(must) / sizeof(must[0]));
}

/* Replicas (node 3+j of primary j): keys go to the primary, sharded
 * Pub/Sub is served and SPUBLISH reaches the shard's subscribers. */
static const struct step replicas[] = {
    {3, "GET b", "3"},
    {3, "SET b 1", "3"},
    {3, "GET c", "3"},
    {4, "GET c", "4"},
    {5, "MGET b c", "5"},
    {3, "MULTI", "3"},
    {3, "GET b", "3"},
    {3, "EXEC", "3"},
    {3, "SPUBLISH b m", "3"},
    {3, "SPUBLISH c m", "3"},
    {3, "SSUBSCRIBE b", "3"},
    {4, "SSUBSCRIBE c", "4"},
    {0, "SPUBLISH b hello", "03"},
    {1, "SPUBLISH c hi", "14"},
    {5, "PUBLISH news x", "5"},
    {2, "DBSIZE", "2"},
};

static void test_replicas_vs_real(void **state)
{
    (void)state;
    const char *must[] = {"-MOVED 3300 127.0.0.1:node0", "smessage"};
    compare(6, replicas, sizeof(replicas) / sizeof(replicas[0]), must,
            sizeof(must) / sizeof(must[0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_vs_real),
        cmocka_unit_test(test_replicas_vs_real),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
