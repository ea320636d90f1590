/* test_cluster_topo.c - unit tests of the topology changes (cluster_topo.c),
 * replication inside the process (cluster_repl.c), MIGRATE
 * (cmd_migrate.c) and MOCK CLUSTER (cmd_mock_cluster.c), on six cores in
 * one process without any socket: a cluster of 3 primaries and 3
 * replicas (replica 3 follows 0, 4 follows 1, 5 follows 2), ports
 * 7000-7005 announced. Slot 15495 ("a", "{a}b", ...) is node 2's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cluster.h"
#include "cmd.h"
#include "core.h"
#include "mem.h"
#include "rtext.h"

#define NNODES 6
#define SLOT_A 15495 /* cluster_keyslot("a") */

struct fx {
    struct cluster *cl;
    struct core cores[NNODES];
    struct client *c[NNODES]; /* one client per node */
};

static int setup(void **state)
{
    cmd_init();
    struct fx *x = mem_calloc(1, sizeof(*x));
    char err[128];
    x->cl = cluster_new(3, 1, 1, err, sizeof(err));
    assert_non_null(x->cl);
    for (int i = 0; i < NNODES; i++) {
        core_init(&x->cores[i]);
        cluster_attach(x->cl, i, &x->cores[i]);
        cluster_set_port(x->cl, i, 7000 + i);
        x->c[i] = core_client_new(&x->cores[i]);
    }
    /* one clock for all, frozen */
    clk_set_virtual(&x->cores[0].clock, 1000000);
    cluster_clock_sync(x->cl, &x->cores[0].clock);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    for (int i = 0; i < NNODES; i++) {
        while (x->cores[i].clients)
            core_client_free(x->cores[i].clients);
        core_destroy(&x->cores[i]);
    }
    cluster_free(x->cl);
    free(x);
    return 0;
}

/* Runs line on node i's client; returns the reply (caller frees). */
static char *run(struct fx *x, int i, const char *line)
{
    struct client *c = x->c[i];
    cmd_dispatch(&x->cores[i], c, resp_split_args(line, strlen(line)));
    char *r = mem_strdup(c->out.p ? c->out.p : "");
    buf_clear(&c->out);
    return r;
}

static void expect(struct fx *x, int i, const char *line, const char *want)
{
    char *got = run(x, i, line);
    if (strcmp(got, want) != 0)
        fail_msg("node %d: %s: got %s, want %s", i, line, got, want);
    free(got);
}

/* The same with client flags set first: CL_READONLY (a read on a
 * replica) or CL_ASKING (a key of a slot the node imports), so that the
 * tests pass the routing (cluster_route) as a real client would. */
static void expect_as(struct fx *x, int i, unsigned flags, const char *line, const char *want)
{
    x->c[i]->flags |= flags;
    expect(x, i, line, want);
}
#define RO  CL_READONLY
#define ASK CL_ASKING

/* Whether node i's keyspace holds key (live or not). */
static int has(struct fx *x, int i, const char *key)
{
    return db_peek(&x->cores[i].db[0], key, strlen(key)) != NULL;
}

/* Stores key = val on node i without a command (no routing). */
static void put(struct fx *x, int i, const char *key, const char *val)
{
    db_set(&x->cores[i].db[0], key, strlen(key), obj_new_string(val, strlen(val)), 0);
}

static void test_slot_of_a(void **state)
{
    (void)state;
    assert_int_equal(cluster_keyslot("a", 1), SLOT_A);
    assert_int_equal(cluster_keyslot("{a}b", 4), SLOT_A);
}

static void test_migrate_start_errors(void **state)
{
    struct fx *x = *state;
    char err[160];
    assert_int_equal(cluster_migrate_start(x->cl, 16384, 0, err, sizeof(err)), -1);
    assert_string_equal(err, "slot 16384 is out of range (0-16383)");
    assert_int_equal(cluster_migrate_start(x->cl, SLOT_A, 5, err, sizeof(err)), -1);
    assert_string_equal(err, "node 5 is a replica: only a primary can take a slot");
    assert_int_equal(cluster_migrate_start(x->cl, SLOT_A, 2, err, sizeof(err)), -1);
    assert_string_equal(err, "slot 15495 is served by node 2 already");
    assert_int_equal(cluster_migrate_start(x->cl, SLOT_A, 9, err, sizeof(err)), -1);
    assert_string_equal(err, "no node 9 (the nodes are 0-5)");
    assert_int_equal(cluster_migrate_keys(x->cl, SLOT_A, 1, err, sizeof(err)), -1);
    assert_string_equal(err, "slot 15495 is not being migrated (MIGRATE START first)");
    assert_int_equal(cluster_migrate_start(x->cl, SLOT_A, 0, err, sizeof(err)), 0);
    assert_int_equal(x->cl->migrating[SLOT_A], 0);
    assert_int_equal(x->cl->importing[SLOT_A], 2);
    assert_int_equal(cluster_migrate_start(x->cl, SLOT_A, 1, err, sizeof(err)), -1);
    assert_string_equal(err, "slot 15495 is being migrated already");
    x->cl->owner[7] = -1;
    assert_int_equal(cluster_migrate_start(x->cl, 7, 1, err, sizeof(err)), -1);
    assert_string_equal(err, "slot 7 is not assigned to any node");
}

static void test_migrate_keys_then_end(void **state)
{
    struct fx *x = *state;
    char err[160];
    expect(x, 2, "SET a 1", "+OK\r\n");
    expect(x, 2, "SET {a}b 2 PX 5000", "+OK\r\n");
    expect(x, 2, "RPUSH {a}l x y z", ":3\r\n");
    expect(x, 2, "SET other 1", "+OK\r\n"); /* another slot: stays */
    uint64_t epoch = x->cl->current_epoch;
    assert_int_equal(cluster_migrate_start(x->cl, SLOT_A, 0, err, sizeof(err)), 0);
    assert_int_equal(cluster_migrate_keys(x->cl, SLOT_A, 1, err, sizeof(err)), 1);
    assert_int_equal(db_size(&x->cores[0].db[0]), 1);
    assert_int_equal(db_size(&x->cores[2].db[0]), 3);
    assert_int_equal(cluster_migrate_keys(x->cl, SLOT_A, 0, err, sizeof(err)), 0);
    assert_int_equal(cluster_migrate_end(x->cl, SLOT_A, err, sizeof(err)), 0);
    assert_int_equal(db_size(&x->cores[0].db[0]), 3);
    assert_int_equal(db_size(&x->cores[2].db[0]), 1);
    assert_int_equal(x->cl->owner[SLOT_A], 0);
    assert_int_equal(x->cl->migrating[SLOT_A], -1);
    assert_int_equal(x->cl->importing[SLOT_A], -1);
    assert_true(x->cl->current_epoch == epoch + 1);
    assert_true(x->cl->nodes[0].config_epoch == epoch + 1);
    /* the values and the TTL came along */
    expect(x, 0, "PTTL {a}b", ":5000\r\n");
    expect(x, 0, "LRANGE {a}l 0 -1", "*3\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n");
    expect(x, 0, "GET a", "$1\r\n1\r\n");
}

static void test_move_touches_watch(void **state)
{
    struct fx *x = *state;
    char err[160];
    expect(x, 2, "SET a 1", "+OK\r\n");
    expect(x, 2, "SET {a}b 2", "+OK\r\n");
    expect(x, 2, "WATCH a", "+OK\r\n");
    expect(x, 2, "MULTI", "+OK\r\n");
    expect(x, 2, "PING", "+QUEUED\r\n");
    assert_int_equal(cluster_migrate_start(x->cl, SLOT_A, 1, err, sizeof(err)), 0);
    /* the target's watchers too: the key is restored there */
    expect_as(x, 1, ASK, "WATCH {a}b", "+OK\r\n");
    expect(x, 1, "MULTI", "+OK\r\n");
    expect(x, 1, "PING", "+QUEUED\r\n");
    assert_int_equal(cluster_migrate_keys(x->cl, SLOT_A, 5, err, sizeof(err)), 2);
    expect(x, 2, "EXEC", "*-1\r\n");
    expect(x, 1, "EXEC", "*-1\r\n");
    expect_as(x, 1, ASK, "GET {a}b", "$1\r\n2\r\n");
}

static void test_replica_holds_data(void **state)
{
    struct fx *x = *state;
    expect(x, 2, "SET a 1", "+OK\r\n");
    expect(x, 2, "SADD {a}s 1 2 3 4 5 6 7 8", ":8\r\n");
    char *popped = run(x, 2, "SPOP {a}s 3");
    free(popped);
    expect(x, 2, "EXPIRE a 100", ":1\r\n");
    expect(x, 2, "APPEND a xyz", ":4\r\n"); /* in place */
    expect_as(x, 5, RO, "GET a", "$4\r\n1xyz\r\n");
    expect_as(x, 5, RO, "PTTL a", ":100000\r\n");
    /* the same five members on both: effects, not the command, copied */
    char *p = run(x, 2, "SORT_RO {a}s");
    x->c[5]->flags |= RO;
    char *r = run(x, 5, "SORT_RO {a}s");
    assert_string_equal(p, r);
    free(p);
    free(r);
    expect_as(x, 5, RO, "SCARD {a}s", ":5\r\n");
    expect(x, 2, "DEL a", ":1\r\n");
    expect_as(x, 5, RO, "EXISTS a", ":0\r\n");
    expect(x, 2, "FLUSHALL", "+OK\r\n");
    expect(x, 5, "DBSIZE", ":0\r\n");
    /* other shards' replicas hold nothing of it */
    expect(x, 2, "SET a 1", "+OK\r\n");
    expect(x, 3, "DBSIZE", ":0\r\n");
    /* an expiry on the primary reaches the replica as a deletion */
    expect(x, 2, "SET {a}k v PX 10", "+OK\r\n");
    expect(x, 0, "MOCK CLOCK ADVANCE 20", ":1000020\r\n");
    expect(x, 2, "GET {a}k", "$-1\r\n");
    expect(x, 5, "PING", "+PONG\r\n");
    assert_false(has(x, 5, "{a}k"));
}

static void test_replica_served_waiter(void **state)
{
    struct fx *x = *state;
    /* a pop served to a blocked client changes the list in place: the
     * replica follows (watch_touch) */
    struct client *b = core_client_new(&x->cores[2]);
    const char *blmove = "BLMOVE {a}src {a}dst LEFT RIGHT 0";
    expect(x, 2, "RPUSH {a}dst d0", ":1\r\n");
    cmd_dispatch(&x->cores[2], b, resp_split_args(blmove, strlen(blmove)));
    assert_true(b->flags & CL_BLOCKED);
    expect_as(x, 5, RO, "LRANGE {a}dst 0 -1", "*1\r\n$2\r\nd0\r\n");
    expect(x, 2, "RPUSH {a}src s1 s2", ":2\r\n");
    assert_false(b->flags & CL_BLOCKED);
    expect_as(x, 5, RO, "LRANGE {a}src 0 -1", "*1\r\n$2\r\ns2\r\n");
    expect_as(x, 5, RO, "LRANGE {a}dst 0 -1", "*2\r\n$2\r\nd0\r\n$2\r\ns1\r\n");
}

static void test_replica_functions(void **state)
{
    struct fx *x = *state;
    core_set_requirepass(&x->cores[5], "pw", 2); /* the link is authenticated all the same */
    expect(x, 2,
           "FUNCTION LOAD \"#!lua name=lib\nredis.register_function{function_name='f', "
           "callback=function() return 7 end, flags={'no-writes'}}\"",
           "$3\r\nlib\r\n");
    char *r = run(x, 5, "FUNCTION LIST");
    assert_non_null(strstr(r, "$3\r\nlib\r\n"));
    free(r);
    core_set_requirepass(&x->cores[5], NULL, 0);
    expect_as(x, 5, RO, "FCALL_RO f 0", ":7\r\n");
    expect(x, 2, "FUNCTION DELETE lib", "+OK\r\n");
    expect(x, 5, "FUNCTION LIST", "*0\r\n");
    expect(x, 3, "FUNCTION LIST", "*0\r\n"); /* another shard's replica: never */
}

static void test_replica_full_resync_over_limit(void **state)
{
    struct fx *x = *state;
    /* more keys than a replica lists: it copies the whole database */
    for (int i = 0; i < 70000; i++) {
        char k[32];
        int n = snprintf(k, sizeof(k), "k%d", i);
        db_set(&x->cores[1].db[0], k, (size_t)n, obj_new_string("v", 1), 0);
    }
    expect(x, 4, "DBSIZE", ":70000\r\n");
}

static void test_failover_keeps_data(void **state)
{
    struct fx *x = *state;
    char err[160];
    expect(x, 2, "SET a 1", "+OK\r\n");
    expect(x, 2, "HSET {a}h f v", ":1\r\n");
    uint64_t epoch = x->cl->current_epoch;
    assert_int_equal(cluster_failover(x->cl, 2, err, sizeof(err)), -1);
    assert_string_equal(err, "node 2 is a primary: FAILOVER takes a replica");
    assert_int_equal(cluster_failover(x->cl, 5, err, sizeof(err)), 0);
    assert_int_equal(x->cl->nodes[5].primary, -1);
    assert_int_equal(x->cl->nodes[2].primary, 5);
    assert_int_equal(x->cl->owner[SLOT_A], 5);
    assert_int_equal(x->cl->owner[10923], 5);
    assert_true(x->cl->nodes[5].config_epoch == epoch + 1);
    assert_true(x->cl->current_epoch == epoch + 1);
    expect(x, 5, "HGET {a}h f", "$1\r\nv\r\n");
    /* the old primary follows the new one */
    expect(x, 5, "SET a 2", "+OK\r\n");
    expect_as(x, 2, RO, "GET a", "$1\r\n2\r\n");
    expect(x, 2, "ROLE",
           "*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:7005\r\n$9\r\nconnected\r\n:0\r\n");
    char *info = run(x, 5, "INFO replication");
    assert_non_null(strstr(info, "role:master\r\nconnected_slaves:1\r\n"
                                 "slave0:ip=127.0.0.1,port=7002,state=online"));
    free(info);
    info = run(x, 2, "INFO replication");
    assert_non_null(strstr(info, "role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:7005\r\n"
                                 "master_link_status:up\r\n"));
    free(info);
}

static void test_failover_unblocks(void **state)
{
    struct fx *x = *state;
    char err[160], want[256];
    expect(x, 2, "BLPOP {a}l 0", "");
    assert_true(x->c[2]->flags & CL_BLOCKED);
    assert_int_equal(cluster_failover(x->cl, 5, err, sizeof(err)), 0);
    snprintf(want, sizeof(want), "-%s\r\n", rtext[RT_CL_DEMOTED_UNBLOCKED]);
    assert_string_equal(x->c[2]->out.p, want);
    assert_false(x->c[2]->flags & CL_BLOCKED);
    assert_true(x->c[2]->flags & CL_CLOSE_AFTER_REPLY);
}

static void test_migration_end_redirects_blocked(void **state)
{
    struct fx *x = *state;
    char err[160];
    expect(x, 2, "BLPOP {a}l 0", "");
    assert_int_equal(cluster_migrate_start(x->cl, SLOT_A, 0, err, sizeof(err)), 0);
    assert_true(x->c[2]->flags & CL_BLOCKED); /* still served from here */
    assert_int_equal(cluster_migrate_end(x->cl, SLOT_A, err, sizeof(err)), 0);
    assert_string_equal(x->c[2]->out.p, "-MOVED 15495 127.0.0.1:7000\r\n");
    assert_false(x->c[2]->flags & CL_BLOCKED);
}

static void test_down_fail_and_auto_failover(void **state)
{
    struct fx *x = *state;
    char err[160];
    int64_t t0 = core_now_ms(&x->cores[0]);
    struct client *b = core_client_new(&x->cores[0]);
    expect(x, 2, "SET a 1", "+OK\r\n");
    const char *blpop = "BLPOP b 0"; /* slot 3300: node 0's */
    cmd_dispatch(&x->cores[0], b, resp_split_args(blpop, strlen(blpop)));
    assert_true(b->flags & CL_BLOCKED);
    assert_int_equal(cluster_node_down(x->cl, 2, t0, err, sizeof(err)), 0);
    assert_int_equal(cluster_node_down(x->cl, 2, t0, err, sizeof(err)), -1);
    assert_string_equal(err, "node 2 is down already");
    cluster_tick(x->cl, t0 + 14999);
    assert_false(x->cl->nodes[2].failed);
    assert_true(cluster_state_ok(x->cl));
    /* the node timeout passed: failed, the cluster down */
    expect(x, 0, "MOCK CLOCK ADVANCE 15000", ":1015000\r\n");
    assert_true(x->cl->nodes[2].failed);
    assert_false(cluster_state_ok(x->cl));
    assert_int_equal(core_now_ms(&x->cores[4]), t0 + 15000); /* one clock */
    assert_string_equal(b->out.p, "-CLUSTERDOWN The cluster is down\r\n");
    /* its replica's election ends CLUSTER_FAILOVER_DELAY_MS later */
    cluster_tick(x->cl, t0 + 15000 + CLUSTER_FAILOVER_DELAY_MS - 1);
    assert_int_equal(x->cl->nodes[5].primary, 2);
    cluster_tick(x->cl, t0 + 15000 + CLUSTER_FAILOVER_DELAY_MS);
    assert_int_equal(x->cl->nodes[5].primary, -1);
    assert_int_equal(x->cl->owner[SLOT_A], 5);
    assert_true(cluster_state_ok(x->cl));
    expect(x, 5, "GET a", "$1\r\n1\r\n");
    expect(x, 5, "SET a 2", "+OK\r\n");
    /* back: a replica of the node that took its slots, with its data */
    assert_int_equal(cluster_node_up(x->cl, 2, err, sizeof(err)), 0);
    assert_false(x->cl->nodes[2].failed);
    assert_int_equal(x->cl->nodes[2].primary, 5);
    expect_as(x, 2, RO, "GET a", "$1\r\n2\r\n");
    assert_int_equal(cluster_node_up(x->cl, 2, err, sizeof(err)), -1);
    assert_string_equal(err, "node 2 is up already");
}

static void test_no_failover_without_majority(void **state)
{
    struct fx *x = *state;
    char err[160];
    int64_t t0 = core_now_ms(&x->cores[0]);
    assert_int_equal(cluster_node_down(x->cl, 0, t0, err, sizeof(err)), 0);
    assert_int_equal(cluster_node_down(x->cl, 1, t0, err, sizeof(err)), 0);
    cluster_tick(x->cl, t0 + 60000);
    assert_true(x->cl->nodes[0].failed && x->cl->nodes[1].failed);
    assert_int_equal(x->cl->nodes[3].primary, 0);
    assert_int_equal(x->cl->nodes[4].primary, 1);
    assert_false(cluster_state_ok(x->cl));
    /* one back: the majority again, the other one's replica takes over */
    assert_int_equal(cluster_node_up(x->cl, 0, err, sizeof(err)), 0);
    cluster_tick(x->cl, t0 + 60000 + CLUSTER_FAILOVER_DELAY_MS);
    assert_int_equal(x->cl->nodes[4].primary, -1);
    assert_true(cluster_state_ok(x->cl));
}

static void test_migrate_command(void **state)
{
    struct fx *x = *state;
    char err[160];
    expect(x, 2, "SET a 1", "+OK\r\n");
    expect(x, 2, "SET {a}b 2", "+OK\r\n");
    expect(x, 2, "MIGRATE 127.0.0.1 7000 nosuch 0 1000", "+NOKEY\r\n");
    expect(x, 2, "MIGRATE 127.0.0.1 7000 a 0 1000 KEYS a",
           "-ERR When using MIGRATE KEYS option, the key argument must be set to the empty "
           "string\r\n");
    expect(x, 2, "MIGRATE 127.0.0.1 7000 a 0 1000 AUTH", "-ERR syntax error\r\n");
    expect(x, 2, "MIGRATE 127.0.0.1 7000 a 0 x",
           "-ERR value is not an integer or out of range\r\n");
    expect(x, 2, "MIGRATE 127.0.0.1 7000 a 0 1000",
           "-ERR Target instance replied with error: MOVED 15495 127.0.0.1:7002\r\n");
    expect(x, 2, "MIGRATE 127.0.0.1 6999 a 0 1000",
           "-IOERR error or timeout writing to target instance\r\n");
    expect(x, 2, "MIGRATE 127.0.0.1 7002 a 0 1000",
           "-IOERR error or timeout reading to target instance\r\n");
    assert_int_equal(cluster_migrate_start(x->cl, SLOT_A, 0, err, sizeof(err)), 0);
    expect(x, 2, "MIGRATE 127.0.0.1 7000 a 1 1000",
           "-ERR Target instance replied with error: ERR SELECT is not allowed in cluster "
           "mode\r\n");
    /* the RESTORE went through on database 0: the key is on both sides */
    assert_true(has(x, 0, "a") && has(x, 2, "a"));
    expect(x, 2, "MIGRATE 127.0.0.1 7000 a 0 1000 AUTH pw",
           "-ERR Target instance replied with error: ERR AUTH <password> called without any "
           "password configured for the default user. Are you sure your configuration is "
           "correct?\r\n");
    expect(x, 2, "MIGRATE 127.0.0.1 7000 a 0 1000 AUTH2 bob pw",
           "-ERR Target instance replied with error: WRONGPASS invalid username-password pair "
           "or user is disabled.\r\n");
    expect(x, 2, "MIGRATE 127.0.0.1 7000 \"\" 0 1000 KEYS a {a}b",
           "-ERR Target instance replied with error: BUSYKEY Target key name already "
           "exists.\r\n");
    /* {a}b went all the same; a stayed */
    assert_true(has(x, 2, "a") && !has(x, 2, "{a}b"));
    assert_true(has(x, 0, "a") && has(x, 0, "{a}b"));
    expect(x, 2, "MIGRATE 127.0.0.1 7000 a 0 1000 REPLACE COPY", "+OK\r\n");
    assert_true(has(x, 2, "a"));
    expect(x, 2, "MIGRATE 127.0.0.1 7000 a 0 1000 REPLACE", "+OK\r\n");
    assert_false(has(x, 2, "a"));
    /* a target that needs a password */
    core_set_requirepass(&x->cores[0], "pw", 2);
    put(x, 2, "a", "1");
    expect(x, 2, "MIGRATE 127.0.0.1 7000 a 0 1000 REPLACE",
           "-ERR Target instance replied with error: NOAUTH Authentication required.\r\n");
    expect(x, 2, "MIGRATE 127.0.0.1 7000 a 0 1000 REPLACE AUTH no",
           "-ERR Target instance replied with error: WRONGPASS invalid username-password pair "
           "or user is disabled.\r\n");
    expect(x, 2, "MIGRATE 127.0.0.1 7000 a 0 1000 REPLACE AUTH2 default pw", "+OK\r\n");
    /* a node down refuses the connection */
    assert_int_equal(cluster_node_down(x->cl, 1, 0, err, sizeof(err)), 0);
    put(x, 2, "{a}c", "1");
    expect(x, 2, "MIGRATE 127.0.0.1 7001 {a}c 0 1000",
           "-IOERR error or timeout writing to target instance\r\n");
}

static void test_migrate_keys_getkeys(void **state)
{
    (void)state;
    const char *line = "MIGRATE 127.0.0.1 1 \"\" 0 1000 AUTH2 u p KEYS a b";
    struct resp_argv *a = resp_split_args(line, strlen(line));
    const struct cmd_def *d = cmd_lookup_argv(a->argc, a->argv, a->argl);
    struct cmd_keyref refs[8];
    assert_int_equal(cmd_getkeys(d, a->argc, a->argv, a->argl, refs, 8), 2);
    assert_int_equal(refs[0].pos, 10);
    assert_int_equal(refs[1].pos, 11);
    resp_argv_free(a);
}

static void test_mock_cluster(void **state)
{
    struct fx *x = *state;
    expect(x, 0, "MOCK CLUSTER DOWN 9",
           "-ERR mockredis: no such node '9' (an index 0-5 or a node id)\r\n");
    expect(x, 0, "MOCK CLUSTER MIGRATE 16384 1",
           "-ERR mockredis: invalid slot '16384' (0-16383, or a range like 0-5460)\r\n");
    expect(x, 0, "MOCK CLUSTER MIGRATE 5-3 1",
           "-ERR mockredis: invalid slot '5-3' (0-16383, or a range like 0-5460)\r\n");
    expect(x, 0, "MOCK CLUSTER FAILOVER 0",
           "-ERR mockredis: node 0 is a primary: FAILOVER takes a replica\r\n");
    expect(x, 0, "MOCK CLUSTER BOGUS",
           "-ERR unknown subcommand or wrong number of arguments for 'BOGUS'. Try MOCK HELP.\r\n");
    expect(x, 2, "SET a 1", "+OK\r\n");
    expect(x, 2, "SET {a}b 1", "+OK\r\n");
    /* a range: slots 0 already has are skipped */
    expect(x, 0, "MOCK CLUSTER MIGRATE 5000-15495 0", ":2\r\n");
    assert_int_equal(x->cl->owner[15495], 0);
    assert_int_equal(x->cl->owner[15496], 2);
    assert_int_equal(x->cl->owner[5461], 0);
    expect(x, 0, "MOCK CLUSTER MIGRATE START 15495 1", "+OK\r\n");
    expect(x, 0, "MOCK CLUSTER MIGRATE KEYS 15495 1", ":1\r\n");
    expect(x, 0, "MOCK CLUSTER MIGRATE END 15495", "+OK\r\n");
    expect(x, 1, "DBSIZE", ":2\r\n");
    char line[96];
    snprintf(line, sizeof(line), "MOCK CLUSTER FAILOVER %s", x->cl->nodes[3].id);
    expect(x, 0, line, "+OK\r\n");
    assert_int_equal(x->cl->nodes[3].primary, -1);
    char *nodes = run(x, 0, "MOCK CLUSTER NODES");
    assert_non_null(strstr(nodes, "$5\r\nindex\r\n:0\r\n"));
    assert_non_null(strstr(nodes, "$4\r\nrole\r\n$7\r\nreplica\r\n$7\r\nprimary\r\n:3\r\n"));
    assert_non_null(strstr(nodes, "$5\r\nslots\r\n$7\r\n0-15494\r\n"));
    free(nodes);
    char *stats = run(x, 0, "MOCK CLUSTER STATS");
    assert_non_null(strstr(stats, "*6\r\n*14\r\n$5\r\nindex\r\n:0\r\n$8\r\ncommands\r\n"));
    free(stats);
}

static void test_mock_cluster_standalone(void **state)
{
    (void)state;
    struct core core;
    core_init(&core);
    struct client *c = core_client_new(&core);
    const char *line = "MOCK CLUSTER NODES";
    cmd_dispatch(&core, c, resp_split_args(line, strlen(line)));
    assert_string_equal(c->out.p,
                        "-ERR mockredis: not in cluster mode (start with --cluster N)\r\n");
    core_client_free(c);
    core_destroy(&core);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slot_of_a),
        cmocka_unit_test_setup_teardown(test_migrate_start_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_keys_then_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_touches_watch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replica_holds_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replica_served_waiter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replica_functions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replica_full_resync_over_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failover_keeps_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failover_unblocks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_end_redirects_blocked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_down_fail_and_auto_failover, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_failover_without_majority, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_command, setup, teardown),
        cmocka_unit_test(test_migrate_keys_getkeys),
        cmocka_unit_test_setup_teardown(test_mock_cluster, setup, teardown),
        cmocka_unit_test(test_mock_cluster_standalone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
