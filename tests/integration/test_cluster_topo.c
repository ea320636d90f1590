/* test_cluster_topo.c - topology changes of `mockredis --cluster 3
 * --replicas 1` over the network (docs/cluster.md, "Changing the
 * topology: MOCK CLUSTER"): a migration moves keys to the node that then
 * serves them, MIGRATE between nodes with its keyspace events, a node
 * taken down refuses connections and fails after the node timeout on the
 * cluster clock (its replica then takes over), comes back up, a failover
 * keeps the data and unblocks the old primary's waiters as Redis does.
 * Nodes: 0-2 primaries (slot 15495 of "a" is node 2's), 3-5 replicas
 * (5 follows 2). */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

struct cl {
    struct mh_server *s;
    int ports[MH_NODES_MAX];
    struct mh_conn c[6];
};

static void cl_start(struct cl *x)
{
    const char *args[] = {"--cluster", "3", "--replicas", "1", NULL};
    x->s = it_mock(args);
    assert_int_equal(mh_server_ports(x->s, x->ports, MH_NODES_MAX), 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(mh_conn_open(&x->c[i], x->ports[i]), 0);
    /* one virtual clock for every node, set from node 0 */
    it_line_expect(&x->c[0], "MOCK CLOCK VIRTUAL 1000000", ":1000000\r\n");
    it_line_expect(&x->c[4], "MOCK CLOCK GET", ":1000000\r\n");
}

static void cl_stop(struct cl *x)
{
    for (int i = 0; i < 6; i++)
        mh_conn_close(&x->c[i]);
    it_stop_ok(x->s);
}

/* The reply to line on c, as bytes (caller frees). */
static char *call(struct mh_conn *c, const char *line)
{
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(c, line, &r, 5000), MH_REPLY);
    char *out = strdup(r.p ? r.p : "");
    buf_free(&r);
    return out;
}

/* Whether MOCK CLUSTER NODES shows node i with field set ("down",
 * "failed") or with role ("primary"). */
static int node_has(struct mh_conn *c, int i, const char *what)
{
    char *r = call(c, "MOCK CLUSTER NODES");
    char needle[64], next[64];
    snprintf(needle, sizeof(needle), "$5\r\nindex\r\n:%d\r\n", i);
    snprintf(next, sizeof(next), "$5\r\nindex\r\n:%d\r\n", i + 1);
    char *from = strstr(r, needle), *to = strstr(r, next);
    assert_non_null(from);
    if (to)
        *to = '\0';
    char want[64];
    if (strcmp(what, "primary") == 0 || strcmp(what, "replica") == 0)
        snprintf(want, sizeof(want), "$4\r\nrole\r\n$%zu\r\n%s\r\n", strlen(what), what);
    else
        snprintf(want, sizeof(want), "$%zu\r\n%s\r\n:1\r\n", strlen(what), what);
    int has = strstr(from, want) != NULL;
    free(r);
    return has;
}

/* Whether the nodes route (MOVED for a key another node serves): the
 * checks of what routing answers run only then. */
static int routing(struct cl *x)
{
    char *r = call(&x->c[0], "GET a");
    int on = strncmp(r, "-MOVED ", 7) == 0;
    free(r);
    return on;
}

static void test_migrate_moves_keys(void **state)
{
    (void)state;
    struct cl x;
    cl_start(&x);
    it_line_expect(&x.c[2], "SET a 1", "+OK\r\n");
    it_line_expect(&x.c[2], "RPUSH {a}l x y", ":2\r\n");
    it_line_expect(&x.c[2], "PEXPIRE {a}l 5000", ":1\r\n");
    it_line_expect(&x.c[0], "MOCK CLUSTER MIGRATE 15495 0", ":2\r\n");
    it_line_expect(&x.c[0], "GET a", "$1\r\n1\r\n");
    it_line_expect(&x.c[0], "PTTL {a}l", ":5000\r\n");
    it_line_expect(&x.c[2], "DBSIZE", ":0\r\n");
    /* its replica follows: node 3 (node 0's) has them now, node 5 not */
    it_line_expect(&x.c[3], "DBSIZE", ":2\r\n");
    it_line_expect(&x.c[5], "DBSIZE", ":0\r\n");
    /* step by step, and errors */
    it_line_expect(&x.c[1], "MOCK CLUSTER MIGRATE START 15495 1", "+OK\r\n");
    it_line_expect(&x.c[1], "MOCK CLUSTER MIGRATE START 15495 2",
                   "-ERR mockredis: slot 15495 is being migrated already\r\n");
    it_line_expect(&x.c[1], "MOCK CLUSTER MIGRATE KEYS 15495 1", ":1\r\n");
    it_line_expect(&x.c[1], "DBSIZE", ":1\r\n");
    it_line_expect(&x.c[1], "MOCK CLUSTER MIGRATE END 15495", "+OK\r\n");
    it_line_expect(&x.c[1], "DBSIZE", ":2\r\n");
    cl_stop(&x);
}

/* MIGRATE's keyspace events: del on the source, restore on the target,
 * as redis-server 7.0.15 sends them (checked against a real cluster). */
static void test_migrate_command_events(void **state)
{
    (void)state;
    struct cl x;
    cl_start(&x);
    struct mh_conn sub0, sub2;
    assert_int_equal(mh_conn_open(&sub0, x.ports[0]), 0);
    assert_int_equal(mh_conn_open(&sub2, x.ports[2]), 0);
    it_line_expect(&x.c[0], "CONFIG SET notify-keyspace-events Eg", "+OK\r\n");
    it_line_expect(&x.c[2], "CONFIG SET notify-keyspace-events Eg", "+OK\r\n");
    it_line_expect(&sub0, "SUBSCRIBE __keyevent@0__:restore",
                   "*3\r\n$9\r\nsubscribe\r\n$22\r\n__keyevent@0__:restore\r\n:1\r\n");
    it_line_expect(&sub2, "SUBSCRIBE __keyevent@0__:del",
                   "*3\r\n$9\r\nsubscribe\r\n$18\r\n__keyevent@0__:del\r\n:1\r\n");
    it_line_expect(&x.c[2], "SET a 1", "+OK\r\n");
    char line[128], want[128];
    snprintf(line, sizeof(line), "MIGRATE 127.0.0.1 %d a 0 1000", x.ports[0]);
    snprintf(want, sizeof(want),
             "-ERR Target instance replied with error: MOVED 15495 127.0.0.1:%d\r\n", x.ports[2]);
    it_line_expect(&x.c[2], line, want);
    it_line_expect(&x.c[0], "MOCK CLUSTER MIGRATE START 15495 0", "+OK\r\n");
    it_line_expect(&x.c[2], line, "+OK\r\n");
    it_reply_expect(&sub2, IT_S("*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:del\r\n$1\r\na\r\n"));
    it_reply_expect(&sub0,
                    IT_S("*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:restore\r\n$1\r\na\r\n"));
    it_line_expect(&x.c[0], "DBSIZE", ":1\r\n");
    it_line_expect(&x.c[2], "DBSIZE", ":0\r\n");
    /* an address that is no node of the process */
    it_line_expect(&x.c[0], "SET b 1", "+OK\r\n");
    it_line_expect(&x.c[0], "MIGRATE 127.0.0.1 1 b 0 1000",
                   "-IOERR error or timeout writing to target instance\r\n");
    mh_conn_close(&sub0);
    mh_conn_close(&sub2);
    cl_stop(&x);
}

static void test_down_fail_up(void **state)
{
    (void)state;
    struct cl x;
    cl_start(&x);
    it_line_expect(&x.c[2], "SET a 1", "+OK\r\n");
    it_line_expect(&x.c[0], "MOCK CLUSTER DOWN 2", "+OK\r\n");
    it_expect_eof(&x.c[2], 5000);
    struct mh_conn refused;
    assert_int_equal(mh_conn_open(&refused, x.ports[2]), -1);
    mh_conn_close(&refused);
    it_line_expect(&x.c[0], "MOCK CLUSTER DOWN 2", "-ERR mockredis: node 2 is down already\r\n");
    assert_true(node_has(&x.c[0], 2, "down"));
    /* the node timeout (cluster-node-timeout, 15000 ms) on the cluster clock */
    it_line_expect(&x.c[1], "MOCK CLOCK ADVANCE 14999", ":1014999\r\n");
    assert_false(node_has(&x.c[0], 2, "failed"));
    it_line_expect(&x.c[1], "MOCK CLOCK ADVANCE 1", ":1015000\r\n");
    assert_true(node_has(&x.c[0], 2, "failed"));
    if (routing(&x)) /* slot 3300 (b) is node 0's own: the cluster is down */
        it_line_expect(&x.c[0], "GET b", "-CLUSTERDOWN The cluster is down\r\n");
    assert_true(node_has(&x.c[0], 5, "replica"));
    /* its replica's election, a second later */
    it_line_expect(&x.c[1], "MOCK CLOCK ADVANCE 1000", ":1016000\r\n");
    assert_true(node_has(&x.c[0], 5, "primary"));
    it_line_expect(&x.c[5], "GET a", "$1\r\n1\r\n");
    it_line_expect(&x.c[5], "SET a 2", "+OK\r\n");
    /* back, as a replica of the node that took its slots */
    it_line_expect(&x.c[0], "MOCK CLUSTER UP 2", "+OK\r\n");
    mh_conn_close(&x.c[2]);
    assert_int_equal(mh_conn_open(&x.c[2], x.ports[2]), 0);
    assert_true(node_has(&x.c[0], 2, "replica"));
    assert_false(node_has(&x.c[0], 2, "failed"));
    char *info = call(&x.c[2], "INFO replication");
    char want[96];
    snprintf(want, sizeof(want), "role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:%d\r\n",
             x.ports[5]);
    assert_non_null(strstr(info, want));
    free(info);
    it_line_expect(&x.c[2], "DBSIZE", ":1\r\n");
    /* one jump of the clock past both: failed, then failed over */
    it_line_expect(&x.c[0], "MOCK CLUSTER DOWN 5", "+OK\r\n");
    it_line_expect(&x.c[1], "MOCK CLOCK ADVANCE 16000", ":1032000\r\n");
    assert_true(node_has(&x.c[0], 5, "failed"));
    assert_true(node_has(&x.c[0], 2, "primary"));
    cl_stop(&x);
}

static void test_failover_keeps_data_unblocks(void **state)
{
    (void)state;
    struct cl x;
    cl_start(&x);
    struct mh_conn b;
    assert_int_equal(mh_conn_open(&b, x.ports[2]), 0);
    it_line_expect(&x.c[2], "SET a 1", "+OK\r\n");
    it_line_expect(&x.c[2], "SADD {a}s m1 m2 m3 m4", ":4\r\n");
    it_line_send(&b, "BLPOP {a}l 0");
    it_wait_info(&x.c[2], "blocked_clients:", 1);
    it_line_expect(&x.c[0], "MOCK CLUSTER FAILOVER 5", "+OK\r\n");
    it_line_reply(&b, "-UNBLOCKED force unblock from blocking operation, instance state "
                      "changed (master -> replica?)\r\n");
    it_expect_eof(&b, 5000);
    mh_conn_close(&b);
    it_line_expect(&x.c[5], "GET a", "$1\r\n1\r\n");
    it_line_expect(&x.c[5], "SCARD {a}s", ":4\r\n");
    it_line_expect(&x.c[2], "PING", "+PONG\r\n"); /* its other clients stay */
    if (routing(&x)) {                            /* and their writes go to the new primary */
        char want[64];
        snprintf(want, sizeof(want), "-MOVED 15495 127.0.0.1:%d\r\n", x.ports[5]);
        it_line_expect(&x.c[2], "SET a 2", want);
    }
    char *role = call(&x.c[5], "ROLE");
    assert_non_null(strstr(role, "$6\r\nmaster\r\n"));
    free(role);
    it_line_expect(&x.c[0], "MOCK CLUSTER FAILOVER 0",
                   "-ERR mockredis: node 0 is a primary: FAILOVER takes a replica\r\n");
    cl_stop(&x);
}

/* Runs a shell command; returns its output (static), its exit status in
 * *rc. */
static const char *sh(const char *cmd, int *rc)
{
    static char out[65536];
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, sizeof(out) - 1, f);
    out[n] = '\0';
    int st = pclose(f);
    *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

/* A real resharding client against the mock: `redis-cli --cluster
 * reshard` (CLUSTER SETSLOT IMPORTING/MIGRATING/NODE, GETKEYSINSLOT,
 * MIGRATE ... KEYS) moves 300 slots with their keys, then `redis-cli
 * --cluster check` finds every key and every slot in place. Skipped
 * without redis-cli, or while the CLUSTER command is missing. */
static void test_redis_cli_reshard(void **state)
{
    (void)state;
    int rc;
    sh("command -v redis-cli", &rc);
    if (rc != 0)
        skip();
    struct cl x;
    cl_start(&x);
    char *id0 = call(&x.c[0], "CLUSTER MYID"), *id2 = call(&x.c[2], "CLUSTER MYID");
    if (id0[0] != '$') {
        free(id0);
        free(id2);
        cl_stop(&x);
        skip();
    }
    id0[strcspn(id0 + 5, "\r") + 5] = id2[strcspn(id2 + 5, "\r") + 5] = '\0';
    char cmd[512];
    snprintf(cmd, sizeof(cmd),
             "for i in $(seq 1 200); do echo SET key$i v$i; done | "
             "redis-cli -c -p %d >/dev/null 2>&1",
             x.ports[0]);
    sh(cmd, &rc);
    assert_int_equal(rc, 0);
    snprintf(cmd, sizeof(cmd),
             "redis-cli --cluster reshard 127.0.0.1:%d --cluster-from %s --cluster-to %s "
             "--cluster-slots 300 --cluster-yes 2>&1",
             x.ports[0], id0 + 5, id2 + 5);
    const char *out = sh(cmd, &rc);
    if (rc != 0)
        fail_msg("reshard: %s", out);
    snprintf(cmd, sizeof(cmd), "redis-cli --cluster check 127.0.0.1:%d 2>&1", x.ports[1]);
    out = sh(cmd, &rc);
    if (rc != 0 || !strstr(out, "[OK] 200 keys in 3 masters.") ||
        !strstr(out, "[OK] All nodes agree about slots configuration.") ||
        !strstr(out, "[OK] All 16384 slots covered."))
        fail_msg("check: %s", out);
    /* node 0 gave its first 300 slots to node 2 */
    assert_non_null(strstr(out, "slots:[0-299],[10923-16383] (5761 slots) master"));
    free(id0);
    free(id2);
    cl_stop(&x);
}

static void test_standalone(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    it_line_expect(&c, "MOCK CLUSTER NODES",
                   "-ERR mockredis: not in cluster mode (start with --cluster N)\r\n");
    mh_conn_close(&c);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_moves_keys),
        cmocka_unit_test(test_migrate_command_events),
        cmocka_unit_test(test_down_fail_up),
        cmocka_unit_test(test_failover_keeps_data_unblocks),
        cmocka_unit_test(test_redis_cli_reshard),
        cmocka_unit_test(test_standalone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
