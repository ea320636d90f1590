/* test_cluster.c - unit tests of cluster mode's routing (cluster_route.c)
 * and slot function (cluster.c).
 *
 * Three primaries and one replica each (nodes 3, 4, 5 follow 0, 1, 2), one
 * core per node without sockets, node i announced on port 7000+i; commands
 * run through cmd_dispatch on clients made by core_client_new. The keys
 * and their slots (checked with CLUSTER KEYSLOT on redis-server 7.0.15):
 * "b" 3300 and "f" 3168 on node 0, "c" 7365 on node 1, "foo" 12182 and
 * "a" 15495 on node 2. The texts expected are redis-server 7.0.15's in
 * cluster mode (tests/integration/test_cluster_route.c compares them with
 * a real cluster). ASKING and READONLY are set as client flags, as the
 * commands of that name do. */
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
#include "pubsub.h"
#include "rtext.h"

#define NODES 6

struct fixture {
    struct cluster *cl;
    struct core core[NODES];
    struct client *c[NODES]; /* one client on each node */
};

static int setup(void **state)
{
    struct fixture *f = mem_calloc(1, sizeof(*f));
    char err[128];
    cmd_init();
    f->cl = cluster_new(3, 1, 42, err, sizeof(err));
    assert_non_null(f->cl);
    for (int i = 0; i < NODES; i++) {
        core_init(&f->core[i]);
        cluster_attach(f->cl, i, &f->core[i]);
        cluster_set_port(f->cl, i, 7000 + i);
        f->c[i] = core_client_new(&f->core[i]);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < NODES; i++)
        core_destroy(&f->core[i]);
    cluster_free(f->cl);
    free(f);
    return 0;
}

/* Sends line to node i's client and checks the reply, byte for byte. */
static void expect(struct fixture *f, int i, const char *line, const char *want)
{
    struct client *c = f->c[i];
    buf_clear(&c->out);
    cmd_dispatch(&f->core[i], c, resp_split_args(line, strlen(line)));
    if (c->out.len != strlen(want) || memcmp(c->out.p, want, c->out.len) != 0)
        fail_msg("node %d, %s: got \"%.*s\", want \"%s\"", i, line, (int)c->out.len,
                 c->out.p ? c->out.p : "", want);
    buf_clear(&c->out);
}

#define CROSSSLOT "-CROSSSLOT Keys in request don't hash to the same slot\r\n"
#define TRYAGAIN  "-TRYAGAIN Multiple keys request during rehashing of slot\r\n"
#define DOWN      "-CLUSTERDOWN The cluster is down\r\n"
#define UNBOUND   "-CLUSTERDOWN Hash slot not served\r\n"
#define EXECABORT "-EXECABORT Transaction discarded because of previous errors.\r\n"

/* Slots as redis-server 7.0.15's CLUSTER KEYSLOT gives them. */
static void test_keyslot(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        size_t len;
        unsigned slot;
    } cases[] = {
        {"foo", 3, 12182},
        {"{user1000}.following", 20, 3443},
        {"{}", 2, 15257},
        {"{{a}}", 5, 10276},
        {"a{b}{c}", 7, 3300},
        {"{a", 2, 10276},
        {"a}", 2, 5921},
        {"", 0, 0},
        {"b", 1, 3300},
        {"c", 1, 7365},
        {"a", 1, 15495},
        {"\x00\xff\x80"
         "a",
         4, 10364},
        {"{\x00}abc", 6, 0},
        {"\x00", 1, 0},
        {"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
         "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
         40, 10175},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (cluster_keyslot(cases[i].key, cases[i].len) != cases[i].slot)
            fail_msg("case %zu: slot %u, want %u", i, cluster_keyslot(cases[i].key, cases[i].len),
                     cases[i].slot);
}

/* A key of another primary's slot: MOVED to it, counted on the node that
 * answered; keys of this node's slots and keyless commands run here. */
static void test_moved(void **state)
{
    struct fixture *f = *state;
    expect(f, 0, "GET foo", "-MOVED 12182 127.0.0.1:7002\r\n");
    expect(f, 0, "SET c 1", "-MOVED 7365 127.0.0.1:7001\r\n");
    expect(f, 0, "SET b 1", "+OK\r\n");
    expect(f, 0, "GET b", "$1\r\n1\r\n");
    expect(f, 0, "PING", "+PONG\r\n");
    expect(f, 0, "DBSIZE", ":1\r\n");
    expect(f, 1, "GET c", "$-1\r\n");
    expect(f, 1, "GET b", "-MOVED 3300 127.0.0.1:7000\r\n");
    assert_int_equal(f->cl->nodes[0].moved, 2);
    assert_int_equal(f->cl->nodes[1].moved, 1);
    assert_int_equal(f->cl->nodes[2].moved, 0);
    expect(f, 1, "CONFIG RESETSTAT", "+OK\r\n");
    assert_int_equal(f->cl->nodes[1].moved, 0);
    assert_int_equal(f->cl->nodes[0].moved, 2);
    /* the same key twice is one key; a hash tag joins keys */
    expect(f, 0, "MGET b b", "*2\r\n$1\r\n1\r\n$1\r\n1\r\n");
    expect(f, 0, "MSET {b}1 x {b}2 y", "+OK\r\n");
    expect(f, 2, "MGET {b}1 {b}2", "-MOVED 3300 127.0.0.1:7000\r\n");
}

/* Keys of several slots: CROSSSLOT, even when one node owns both. */
static void test_crossslot(void **state)
{
    struct fixture *f = *state;
    expect(f, 0, "MGET b f", CROSSSLOT);
    expect(f, 0, "MGET b c", CROSSSLOT);
    expect(f, 1, "DEL foo b", CROSSSLOT);
    expect(f, 0, "EVAL \"return 1\" 2 b f", CROSSSLOT);
    expect(f, 0, "EVAL \"return 1\" 1 b", ":1\r\n");
    assert_int_equal(f->cl->nodes[0].crossslot, 3);
    assert_int_equal(f->cl->nodes[1].crossslot, 1);
    /* sharded Pub/Sub is routed by its channels */
    expect(f, 0, "SPUBLISH foo m", "-MOVED 12182 127.0.0.1:7002\r\n");
    expect(f, 0, "SSUBSCRIBE b c", CROSSSLOT);
    expect(f, 0, "SPUBLISH b m", ":0\r\n");
    /* PUBLISH's channel is no key */
    expect(f, 0, "PUBLISH foo m", ":0\r\n");
}

/* A slot nobody owns: "Hash slot not served" for its keys, "The cluster is
 * down" for the others (cluster-require-full-coverage yes); keyless
 * commands and sharded Pub/Sub still run. A failed primary, the same. */
static void test_clusterdown(void **state)
{
    struct fixture *f = *state;
    f->cl->owner[3300] = -1;
    expect(f, 0, "GET b", UNBOUND);
    expect(f, 0, "MGET b c", UNBOUND);   /* the first key's slot decides */
    expect(f, 0, "MGET c b", CROSSSLOT); /* ... before the state */
    expect(f, 0, "GET f", DOWN);
    expect(f, 0, "GET foo", DOWN);
    expect(f, 0, "PING", "+PONG\r\n");
    expect(f, 0, "SPUBLISH f m", ":0\r\n");
    expect(f, 0, "SPUBLISH foo m", "-MOVED 12182 127.0.0.1:7002\r\n");
    expect(f, 0, "EVAL \"return 1\" 0", ":1\r\n");
    expect(f, 0, "MULTI", "+OK\r\n");
    expect(f, 0, "GET f", DOWN);
    expect(f, 0, "EXEC", EXECABORT);
    assert_int_equal(f->cl->nodes[0].clusterdown, 5);
    f->cl->owner[3300] = 0;
    expect(f, 0, "GET f", "$-1\r\n");
    f->cl->nodes[2].failed = 1;
    expect(f, 1, "GET c", DOWN);
    f->cl->nodes[2].failed = 0;
    expect(f, 1, "GET c", "$-1\r\n");
}

/* Slot 3300 moving from node 0 to node 1. The source serves the keys it
 * still has, sends ASK for the others, TRYAGAIN when some are here and
 * some are not; the target serves an ASKING client (one command), MOVED
 * without ASKING, TRYAGAIN for several keys not all there. */
static void test_migration(void **state)
{
    struct fixture *f = *state;
    expect(f, 0, "SET {b}1 v", "+OK\r\n");
    f->cl->migrating[3300] = 1;
    f->cl->importing[3300] = 0;
    assert_int_equal(cluster_importer(f->cl, 3300), 1);
    expect(f, 0, "GET {b}1", "$1\r\nv\r\n");
    expect(f, 0, "GET {b}2", "-ASK 3300 127.0.0.1:7001\r\n");
    expect(f, 0, "SET {b}2 x", "-ASK 3300 127.0.0.1:7001\r\n");
    expect(f, 0, "MGET {b}1 {b}2", TRYAGAIN);
    expect(f, 0, "MGET {b}2 {b}1", TRYAGAIN);
    expect(f, 0, "MGET {b}2 {b}3", "-ASK 3300 127.0.0.1:7001\r\n");
    expect(f, 0, "MGET {b}1 {b}1", "*2\r\n$1\r\nv\r\n$1\r\nv\r\n");
    expect(f, 0, "SPUBLISH b m", ":0\r\n"); /* channels stay with the source */
    assert_int_equal(f->cl->nodes[0].ask, 3);
    assert_int_equal(f->cl->nodes[0].tryagain, 2);

    expect(f, 1, "GET {b}2", "-MOVED 3300 127.0.0.1:7000\r\n");
    f->c[1]->flags |= CL_ASKING;
    expect(f, 1, "SET {b}2 x", "+OK\r\n");
    assert_false(f->c[1]->flags & CL_ASKING); /* one command */
    expect(f, 1, "GET {b}2", "-MOVED 3300 127.0.0.1:7000\r\n");
    f->c[1]->flags |= CL_ASKING;
    expect(f, 1, "MGET {b}2 {b}3", TRYAGAIN);
    f->c[1]->flags |= CL_ASKING;
    expect(f, 1, "MGET {b}2 {b}2", "*2\r\n$1\r\nx\r\n$1\r\nx\r\n");
    f->c[1]->flags |= CL_ASKING;
    expect(f, 1, "SET {b}3 y", "+OK\r\n");
    f->c[1]->flags |= CL_ASKING;
    expect(f, 1, "MGET {b}2 {b}3", "*2\r\n$1\r\nx\r\n$1\r\ny\r\n");
    /* any command ends it, PING too ... */
    f->c[1]->flags |= CL_ASKING;
    expect(f, 1, "PING", "+PONG\r\n");
    expect(f, 1, "GET {b}2", "-MOVED 3300 127.0.0.1:7000\r\n");
    /* ... and a command refused before routing ends it too */
    f->c[1]->flags |= CL_ASKING;
    expect(f, 1, "GET", "-ERR wrong number of arguments for 'get' command\r\n");
    expect(f, 1, "GET {b}2", "-MOVED 3300 127.0.0.1:7000\r\n");
    f->c[1]->flags |= CL_ASKING;
    expect(f, 1, "NOSUCHCMD", "-ERR unknown command 'NOSUCHCMD', with args beginning with: \r\n");
    expect(f, 1, "GET {b}2", "-MOVED 3300 127.0.0.1:7000\r\n");
    /* ASKING before MULTI lasts the transaction: its commands and EXEC */
    f->c[1]->flags |= CL_ASKING;
    expect(f, 1, "MULTI", "+OK\r\n");
    expect(f, 1, "GET {b}2", "+QUEUED\r\n");
    expect(f, 1, "GET {b}4", "+QUEUED\r\n");
    expect(f, 1, "EXEC", TRYAGAIN);
    assert_false(f->c[1]->flags & (CL_ASKING | CL_MULTI));
    f->c[1]->flags |= CL_ASKING;
    expect(f, 1, "MULTI", "+OK\r\n");
    expect(f, 1, "GET {b}2", "+QUEUED\r\n");
    expect(f, 1, "EXEC", "*1\r\n$1\r\nx\r\n");
    assert_false(f->c[1]->flags & CL_ASKING);
    /* a third node: MOVED to the owner, ASKING or not */
    f->c[2]->flags |= CL_ASKING;
    expect(f, 2, "GET {b}2", "-MOVED 3300 127.0.0.1:7000\r\n");
    f->cl->migrating[3300] = f->cl->importing[3300] = -1;
}

/* A replica: MOVED to its primary, READONLY reads of its primary's slots
 * served, writes never; sharded Pub/Sub served without READONLY. */
static void test_replica(void **state)
{
    struct fixture *f = *state;
    expect(f, 3, "GET b", "-MOVED 3300 127.0.0.1:7000\r\n");
    expect(f, 3, "SET b 1", "-MOVED 3300 127.0.0.1:7000\r\n");
    expect(f, 3, "SPUBLISH b m", ":0\r\n");
    expect(f, 3, "SPUBLISH c m", "-MOVED 7365 127.0.0.1:7001\r\n");
    f->c[3]->flags |= CL_READONLY;
    expect(f, 3, "GET b", "$-1\r\n");
    expect(f, 3, "GET c", "-MOVED 7365 127.0.0.1:7001\r\n");
    expect(f, 3, "SET b 1", "-MOVED 3300 127.0.0.1:7000\r\n");
    expect(f, 3, "MULTI", "+OK\r\n");
    expect(f, 3, "GET b", "+QUEUED\r\n");
    expect(f, 3, "EXEC", "*1\r\n$-1\r\n");
    expect(f, 3, "MULTI", "+OK\r\n");
    expect(f, 3, "GET b", "+QUEUED\r\n");
    expect(f, 3, "SET b 1", "-MOVED 3300 127.0.0.1:7000\r\n");
    expect(f, 3, "EXEC", EXECABORT);
    assert_int_equal(f->cl->nodes[3].moved, 6);
}

/* EXEC routes the keys of the whole transaction: each queued command was
 * fine, together they are CROSSSLOT; the transaction is then gone. */
static void test_exec(void **state)
{
    struct fixture *f = *state;
    expect(f, 0, "MULTI", "+OK\r\n");
    expect(f, 0, "GET b", "+QUEUED\r\n");
    expect(f, 0, "GET f", "+QUEUED\r\n");
    expect(f, 0, "EXEC", CROSSSLOT);
    assert_false(f->c[0]->flags & CL_MULTI);
    expect(f, 0, "EXEC", "-ERR EXEC without MULTI\r\n");
    expect(f, 0, "MULTI", "+OK\r\n");
    expect(f, 0, "GET c", "-MOVED 7365 127.0.0.1:7001\r\n");
    expect(f, 0, "EXEC", EXECABORT);
    expect(f, 0, "MULTI", "+OK\r\n");
    expect(f, 0, "SET {b}1 1", "+QUEUED\r\n");
    expect(f, 0, "INCR {b}1", "+QUEUED\r\n");
    expect(f, 0, "PING", "+QUEUED\r\n");
    expect(f, 0, "EXEC", "*3\r\n+OK\r\n:2\r\n+PONG\r\n");
    /* RESP3: the same errors */
    f->c[0]->proto = 3;
    expect(f, 0, "MULTI", "+OK\r\n");
    expect(f, 0, "GET b", "+QUEUED\r\n");
    expect(f, 0, "GET f", "+QUEUED\r\n");
    expect(f, 0, "EXEC", CROSSSLOT);
    expect(f, 0, "GET c", "-MOVED 7365 127.0.0.1:7001\r\n");
}

/* What node i's client received, then emptied. */
static void received(struct fixture *f, int i, const char *want)
{
    struct client *c = f->c[i];
    if (c->out.len != strlen(want) || memcmp(c->out.p, want, c->out.len) != 0)
        fail_msg("node %d got \"%.*s\", want \"%s\"", i, (int)c->out.len, c->out.p ? c->out.p : "",
                 want);
    buf_clear(&c->out);
}

static void subscribe(struct fixture *f, int i, const char *line)
{
    struct client *c = f->c[i];
    cmd_dispatch(&f->core[i], c, resp_split_args(line, strlen(line)));
    buf_clear(&c->out);
}

/* PUBLISH reaches every node's subscribers, SPUBLISH the shard's (the
 * owner of the channel's slot and its replica); the reply counts this
 * node's receivers. */
static void test_publish(void **state)
{
    struct fixture *f = *state;
    subscribe(f, 4, "SUBSCRIBE x");
    subscribe(f, 2, "PSUBSCRIBE x*");
    expect(f, 0, "PUBLISH x m", ":0\r\n");
    received(f, 4, "*3\r\n$7\r\nmessage\r\n$1\r\nx\r\n$1\r\nm\r\n");
    received(f, 2, "*4\r\n$8\r\npmessage\r\n$2\r\nx*\r\n$1\r\nx\r\n$1\r\nm\r\n");
    /* c's slot 7365: node 1 and its replica node 4 */
    expect(f, 4, "SUNSUBSCRIBE", "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n");
    subscribe(f, 4, "SSUBSCRIBE c");
    ps_subscribe(&f->core[2], f->c[2], PS_SHARD, "c", 1); /* another shard */
    struct client *local = core_client_new(&f->core[1]);
    ps_subscribe(&f->core[1], local, PS_SHARD, "c", 1);
    expect(f, 1, "SPUBLISH c m", ":1\r\n");
    received(f, 4, "*3\r\n$8\r\nsmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
    received(f, 2, "");
    assert_int_equal(local->out.len, 32);
    /* a node down gets nothing */
    f->cl->nodes[4].down = 1;
    expect(f, 1, "SPUBLISH c m", ":1\r\n");
    received(f, 4, "");
    f->cl->nodes[4].down = 0;
}

/* Sends argv to node i; checks the reply starts with head and ends with
 * tail. */
static void expect_argv(struct fixture *f, int i, int argc, const char *const *argv,
                        const char *head, const char *tail)
{
    struct client *c = f->c[i];
    size_t argl[8];
    for (int j = 0; j < argc; j++)
        argl[j] = strlen(argv[j]);
    buf_clear(&c->out);
    cmd_dispatch(&f->core[i], c, resp_argv_new(argc, argv, argl));
    size_t h = strlen(head), t = strlen(tail);
    if (c->out.len < h + t || memcmp(c->out.p, head, h) != 0 ||
        memcmp(c->out.p + c->out.len - t, tail, t) != 0)
        fail_msg("node %d, %s: got \"%.*s\", want \"%s...%s\"", i, argv[1], (int)c->out.len,
                 c->out.p ? c->out.p : "", head, tail);
    buf_clear(&c->out);
}

#define NONLOCAL "-ERR Script attempted to access a non local key in a cluster node"

/* A script's redis.call of a key another node serves raises Redis's error
 * (its declared keys were routed with EVAL); keys of this node's slots run,
 * whatever their slot; the cluster down has its own text; the no-cluster
 * flag refuses the script. */
static void test_script(void **state)
{
    struct fixture *f = *state;
    const char *moved[] = {"EVAL", "return redis.call('get','c')", "0"};
    expect_argv(f, 0, 3, moved, NONLOCAL " script: ", ", on @user_script:1.\r\n");
    const char *pmoved[] = {"EVAL", "return redis.pcall('get','c')", "0"};
    expect_argv(f, 0, 3, pmoved, NONLOCAL "\r\n", "");
    const char *cross[] = {"EVAL", "return redis.call('mget','b','f')", "0"};
    expect_argv(f, 0, 3, cross, NONLOCAL " script: ", ", on @user_script:1.\r\n");
    const char *local[] = {"EVAL", "redis.call('get','b') return redis.call('get','f')", "1", "b"};
    expect_argv(f, 0, 4, local, "$-1\r\n", "");
    const char *declared[] = {"EVAL", "return 1", "1", "c"};
    expect_argv(f, 0, 4, declared, "-MOVED 7365 127.0.0.1:7001\r\n", "");
    const char *nocl[] = {"EVAL", "#!lua flags=no-cluster\nreturn 1", "0"};
    expect_argv(f, 0, 3, nocl, "-ERR Can not run script on cluster, 'no-cluster' flag is set.\r\n",
                "");
    const char *fn[] = {"FUNCTION", "LOAD",
                        ("#!lua name=lib\nredis.register_function('f1', function(k) return "
                         "redis.call('get','c') end)")};
    expect_argv(f, 0, 3, fn, "$3\r\nlib\r\n", "");
    const char *fcall[] = {"FCALL", "f1", "0"};
    expect_argv(f, 0, 3, fcall, NONLOCAL " script: f1, on @user_function:2.\r\n", "");
    /* ASKING counts for the script's calls too, on an importing slot */
    f->cl->migrating[3300] = 1;
    f->cl->importing[3300] = 0;
    f->c[1]->flags |= CL_ASKING;
    const char *asking[] = {"EVAL", "return redis.call('get','{b}3')", "0"};
    expect_argv(f, 1, 3, asking, "$-1\r\n", "");
    expect_argv(f, 1, 3, asking, NONLOCAL " script: ", ", on @user_script:1.\r\n");
    f->cl->migrating[3300] = f->cl->importing[3300] = -1;
    f->cl->owner[3300] = -1;
    const char *down[] = {"EVAL", "return redis.call('get','f')", "0"};
    expect_argv(f, 0, 3, down,
                "-ERR Script attempted to execute a command while the cluster is down script: ",
                ", on @user_script:1.\r\n");
    f->cl->owner[3300] = 0;
}

/* SELECT, MOVE, SWAPDB, COPY ... DB: db 0 only. */
static void test_select(void **state)
{
    struct fixture *f = *state;
    expect(f, 0, "SELECT 1", "-ERR SELECT is not allowed in cluster mode\r\n");
    expect(f, 0, "SELECT -1", "-ERR SELECT is not allowed in cluster mode\r\n");
    expect(f, 0, "SELECT x", "-ERR value is not an integer or out of range\r\n");
    expect(f, 0, "SELECT 0", "+OK\r\n");
    /* MOVE and SWAPDB whatever their arguments, COPY to another db */
    expect(f, 0, "MOVE b 0", "-ERR MOVE is not allowed in cluster mode\r\n");
    expect(f, 0, "MOVE c 1", "-MOVED 7365 127.0.0.1:7001\r\n");
    expect(f, 0, "SWAPDB 0 0", "-ERR SWAPDB is not allowed in cluster mode\r\n");
    expect(f, 0, "SWAPDB x 0", "-ERR SWAPDB is not allowed in cluster mode\r\n");
    expect(f, 0, "SET b 1", "+OK\r\n");
    expect(f, 0, "COPY b {b}z DB 1",
           "-ERR Copying to another database is not allowed in cluster mode\r\n");
    expect(f, 0, "COPY b {b}z DB x", "-ERR value is not an integer or out of range\r\n");
    expect(f, 0, "COPY b {b}z DB 0", ":1\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keyslot),
        cmocka_unit_test_setup_teardown(test_moved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crossslot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clusterdown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration, setup, teardown),
        cmocka_unit_test_setup_teardown(test_replica, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exec, setup, teardown),
        cmocka_unit_test_setup_teardown(test_publish, setup, teardown),
        cmocka_unit_test_setup_teardown(test_script, setup, teardown),
        cmocka_unit_test_setup_teardown(test_select, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
