/* test_cluster_client.c - the cluster client (client/rc_cluster.h) against
 * a real Redis Cluster and against mockredis.
 *
 * Three kinds of servers, one client:
 *  - a real cluster: three redis-server processes with cluster-enabled yes
 *    on free loopback ports, joined by `redis-cli --cluster create`, the test
 *    waiting (a bounded poll) until every node says cluster_state:ok and
 *    serves all 16384 slots; migrations are driven with CLUSTER SETSLOT and
 *    MIGRATE, as redis-cli --cluster reshard drives them;
 *  - `mockredis --cluster 3`, the same tests with the same commands
 *    (CLUSTER SETSLOT, MIGRATE, CLUSTER FAILOVER) -- skipped while the
 *    mock does not answer CLUSTER SLOTS;
 *  - a plain mockredis whose scenario plays a misbehaving cluster (a MOVED
 *    loop, ASK, TRYAGAIN, CLUSTERDOWN): the client's bounds, proved from
 *    the commands the server saw.
 * Every claim about what was sent is read from the servers' own counters
 * (INFO commandstats / errorstats of each node, the scenario's
 * expectations), and compared with the client's (rc_cluster_stats). */
#include "it.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rc_cluster.h"

/* ---- a cluster of three primaries -------------------------------------------------- */

struct tc {
    int real;                 /* 1: redis-server processes; 0: one mockredis */
    int nnodes;               /* 3, or 6 with a replica per primary */
    struct mh_server *srv[6]; /* real: one per node; mock: srv[0] only */
    int port[6];              /* node i < 3: the primary of the i-th range of CLUSTER SLOTS;
                                 node 3 + i: its replica */
    char id[6][41];           /* node ids (CLUSTER MYID) */
    char dir[32];             /* real: the nodes' directory */
    struct rc_config cfg;     /* 2 s timeouts */
    char seeds[64];           /* "127.0.0.1:<port of node 0>" */
};

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sin, &sl) == 0)
        port = ntohs(sin.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* One command on a fresh connection to port; the reply (caller frees). */
static redisReply *node_cmd(int port, const char *fmt, ...)
{
    redisContext *c = it_connect(port);
    va_list ap;
    va_start(ap, fmt);
    redisReply *r = redisvCommand(c, fmt, ap);
    va_end(ap);
    if (r == NULL)
        fail_msg("port %d: %s", port, c->errstr);
    redisFree(c);
    return r;
}

static void node_ok(int port, const char *fmt, const char *a, const char *b)
{
    redisReply *r = node_cmd(port, fmt, a, b);
    if (r->type != REDIS_REPLY_STATUS || strcmp(r->str, "OK") != 0)
        fail_msg("port %d: %s %s %s: %s", port, fmt, a, b,
                 r->type == REDIS_REPLY_ERROR ? r->str : "not OK");
    freeReplyObject(r);
}

/* A field of INFO section on the node at port: "cmdstat_get" gives calls=,
 * "errorstat_MOVED" count=. 0 when absent (never counted yet). */
static long long node_count(int port, const char *section, const char *field)
{
    redisReply *r = node_cmd(port, "INFO %s", section);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    long long n = 0;
    char want[80];
    snprintf(want, sizeof(want), "\n%s:", field);
    const char *p = strstr(r->str, want);
    if (p != NULL) {
        p += strlen(want);
        const char *eq = strchr(p, '=');
        if (eq)
            n = atoll(eq + 1); /* calls=N or count=N: the first number */
    }
    freeReplyObject(r);
    return n;
}

/* Polls (20 ms apart, 30 s at most) until every node says
 * cluster_state:ok and maps all 16384 slots to the same three primaries. */
static void wait_converged(struct tc *t)
{
    long long deadline = it_now_ms() + 30000;
    for (;;) {
        int ok = 0;
        char known[32];
        snprintf(known, sizeof(known), "cluster_known_nodes:%d\r", t->nnodes);
        for (int i = 0; i < t->nnodes; i++) {
            redisReply *r = node_cmd(t->port[i], "CLUSTER INFO");
            ok += r->type == REDIS_REPLY_STRING && strstr(r->str, "cluster_state:ok") &&
                  strstr(r->str, "cluster_slots_ok:16384") && strstr(r->str, known);
            freeReplyObject(r);
            /* With replicas: every range lists one, on every node. */
            r = node_cmd(t->port[i], "CLUSTER SLOTS");
            size_t full = 0;
            for (size_t k = 0; r->type == REDIS_REPLY_ARRAY && k < r->elements; k++)
                full += r->element[k]->elements >= 4;
            ok -= t->nnodes == 6 && full != 3;
            freeReplyObject(r);
        }
        if (ok == t->nnodes)
            return;
        if (it_now_ms() > deadline)
            fail_msg("the cluster did not converge within 30 s");
        it_sleep_ms(20);
    }
}

/* Node order: as the primaries' ranges of CLUSTER SLOTS (0-5460 first),
 * then their replicas in the same order. */
static void read_topology(struct tc *t, int any_port)
{
    redisReply *r = node_cmd(any_port, "CLUSTER SLOTS");
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 3)
        fail_msg("CLUSTER SLOTS: %s", r->type == REDIS_REPLY_ERROR ? r->str : "not 3 ranges");
    for (size_t i = 0; i < 3; i++) {
        const redisReply *range = r->element[i];
        long long start = range->element[0]->integer;
        int k = start == 0 ? 0 : start == 5461 ? 1 : 2;
        t->port[k] = (int)range->element[2]->element[1]->integer;
        if (t->nnodes == 6) {
            assert_true(range->elements >= 4); /* its replica */
            t->port[3 + k] = (int)range->element[3]->element[1]->integer;
        }
    }
    freeReplyObject(r);
    for (int i = 0; i < t->nnodes; i++) {
        redisReply *id = node_cmd(t->port[i], "CLUSTER MYID");
        assert_int_equal(id->type, REDIS_REPLY_STRING);
        snprintf(t->id[i], sizeof(t->id[i]), "%s", id->str);
        freeReplyObject(id);
    }
    t->cfg = rc_config_default();
    t->cfg.connect_timeout_ms = 2000;
    t->cfg.command_timeout_ms = 2000;
    snprintf(t->seeds, sizeof(t->seeds), "127.0.0.1:%d", t->port[0]);
}

/* Directories and files made by a test, removed at exit whatever happened
 * (a failed assertion leaves the test by longjmp, past its tc_stop). */
static char leftovers[16][64];
static int nleftovers;

static void remove_leftovers(void)
{
    for (int i = 0; i < nleftovers; i++) {
        char cmd[96];
        snprintf(cmd, sizeof(cmd), "rm -rf %.63s", leftovers[i]);
        if (system(cmd) != 0)
            fprintf(stderr, "(could not remove %s)\n", leftovers[i]);
    }
    nleftovers = 0;
}

static void remember(const char *path)
{
    if (nleftovers == 0)
        atexit(remove_leftovers);
    if (nleftovers < 16)
        snprintf(leftovers[nleftovers++], sizeof(leftovers[0]), "%s", path);
}

/* A real cluster of 3 primaries (and a replica each when replicas is 1);
 * 0 when redis-server cannot be started (the test skips). */
static int real_start_n(struct tc *t, int replicas)
{
    memset(t, 0, sizeof(*t));
    t->real = 1;
    t->nnodes = replicas ? 6 : 3;
    snprintf(t->dir, sizeof(t->dir), "/tmp/rccl-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    remember(t->dir);
    char cmd[512] = "redis-cli --cluster create";
    for (int i = 0; i < t->nnodes; i++) {
        char conf[64], bus[16];
        snprintf(conf, sizeof(conf), "%s/nodes-%d.conf", t->dir, i);
        /* The bus port, chosen here: port + 10000 may be beyond 65535. */
        snprintf(bus, sizeof(bus), "%d", free_port());
        const char *args[] = {"--cluster-enabled",
                              "yes",
                              "--cluster-config-file",
                              conf,
                              "--cluster-port",
                              bus,
                              "--dir",
                              t->dir,
                              NULL};
        t->srv[i] = it_redis(args);
        if (t->srv[i] == NULL)
            return 0;
        t->port[i] = mh_server_port(t->srv[i]);
        size_t used = strlen(cmd);
        snprintf(cmd + used, sizeof(cmd) - used, " 127.0.0.1:%d", t->port[i]);
    }
    size_t used = strlen(cmd);
    snprintf(cmd + used, sizeof(cmd) - used, "%s --cluster-yes >/dev/null 2>&1",
             replicas ? " --cluster-replicas 1" : "");
    if (system(cmd) != 0)
        fail_msg("redis-cli --cluster create failed: %s", cmd);
    wait_converged(t);
    read_topology(t, t->port[0]);
    return 1;
}

static int real_start(struct tc *t)
{
    return real_start_n(t, 0);
}

/* mockredis --cluster 3 [--replicas 1]; 0 while it does not answer
 * CLUSTER SLOTS yet. */
static int mock_start_n(struct tc *t, int replicas)
{
    memset(t, 0, sizeof(*t));
    t->nnodes = replicas ? 6 : 3;
    const char *args[] = {"--cluster", "3", "--replicas", replicas ? "1" : "0", NULL};
    t->srv[0] = it_mock(args);
    redisReply *r = node_cmd(mh_server_port(t->srv[0]), "CLUSTER SLOTS");
    int ok = r->type == REDIS_REPLY_ARRAY;
    freeReplyObject(r);
    if (!ok) {
        print_message("(mockredis does not answer CLUSTER SLOTS yet: skipped)\n");
        it_stop_ok(t->srv[0]);
        t->srv[0] = NULL;
        return 0;
    }
    read_topology(t, mh_server_port(t->srv[0]));
    return 1;
}

static int mock_start(struct tc *t)
{
    return mock_start_n(t, 0);
}

static void tc_stop(struct tc *t)
{
    for (int i = 0; i < 6; i++)
        if (t->srv[i])
            it_stop_ok(t->srv[i]);
    if (t->real) {
        char cmd[64];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", t->dir);
        if (system(cmd) != 0)
            print_message("(could not remove %s)\n", t->dir);
    }
}

/* ---- driving a migration and a failover ---------------------------------------------------
 *
 * The same commands on both clusters, as redis-cli --cluster reshard and an
 * operator send them: CLUSTER SETSLOT IMPORTING/MIGRATING, MIGRATE per key,
 * CLUSTER SETSLOT NODE, CLUSTER FAILOVER on a replica (mockredis answers
 * them as Redis does: docs/cluster.md). Lesson P13 drives the mock's other
 * way, MOCK CLUSTER, through a scenario's cluster actions. */

/* Slot `slot` starts moving from node `from` to node `to`. */
static void migrate_start(struct tc *t, int slot, int from, int to)
{
    char s[8];
    snprintf(s, sizeof(s), "%d", slot);
    node_ok(t->port[to], "CLUSTER SETSLOT %s IMPORTING %s", s, t->id[from]);
    node_ok(t->port[from], "CLUSTER SETSLOT %s MIGRATING %s", s, t->id[to]);
}

/* One key of the migrating slot moves. */
static void migrate_key(struct tc *t, int from, int to, const char *key)
{
    redisReply *r = node_cmd(t->port[from], "MIGRATE 127.0.0.1 %d %s 0 5000", t->port[to], key);
    if (r->type != REDIS_REPLY_STATUS)
        fail_msg("MIGRATE %s: %s", key, r->type == REDIS_REPLY_ERROR ? r->str : "?");
    freeReplyObject(r);
}

/* The migration ends: the keys left move, then `to` owns the slot (told
 * to the target first, then the source, then the other primary, as
 * redis-cli --cluster reshard does). */
static void migrate_end(struct tc *t, int slot, int from, int to)
{
    char s[8];
    snprintf(s, sizeof(s), "%d", slot);
    for (;;) {
        redisReply *k = node_cmd(t->port[from], "CLUSTER GETKEYSINSLOT %d 100", slot);
        size_t n = k->type == REDIS_REPLY_ARRAY ? k->elements : 0;
        for (size_t i = 0; i < n; i++)
            migrate_key(t, from, to, k->element[i]->str);
        freeReplyObject(k);
        if (n == 0)
            break;
    }
    node_ok(t->port[to], "CLUSTER SETSLOT %s NODE %s", s, t->id[to]);
    node_ok(t->port[from], "CLUSTER SETSLOT %s NODE %s", s, t->id[to]);
    node_ok(t->port[3 - from - to], "CLUSTER SETSLOT %s NODE %s", s, t->id[to]);
}

/* Node 3 + p, the replica of primary p, takes over its slots (CLUSTER
 * FAILOVER on it: the real cluster's replica first catches up, then asks
 * the others for votes; the test polls until every node names it). */
static void failover(struct tc *t, int p)
{
    node_ok(t->port[3 + p], "CLUSTER FAILOVER%s%s", "", "");
    long long deadline = it_now_ms() + 30000;
    for (;;) {
        int agree = 0;
        for (int i = 0; i < t->nnodes; i++) {
            redisReply *r = node_cmd(t->port[i], "CLUSTER SLOTS");
            for (size_t k = 0; r->type == REDIS_REPLY_ARRAY && k < r->elements; k++) {
                const redisReply *range = r->element[k];
                if (range->element[0]->integer <= (p == 0   ? 0
                                                   : p == 1 ? 5461
                                                            : 10923) &&
                    range->element[1]->integer >= (p == 0   ? 0
                                                   : p == 1 ? 5461
                                                            : 10923))
                    agree += range->element[2]->element[1]->integer == t->port[3 + p];
            }
            freeReplyObject(r);
        }
        if (agree == t->nnodes)
            return;
        if (it_now_ms() > deadline)
            fail_msg("the failover to port %d did not converge within 30 s", t->port[3 + p]);
        it_sleep_ms(20);
    }
}

/* Polls (30 s at most) until node i, read with READONLY, holds key = val:
 * a replica has caught up with its primary's write. */
static void wait_replicated(struct tc *t, int i, const char *key, const char *val)
{
    redisContext *c = it_connect(t->port[i]);
    freeReplyObject(redisCommand(c, "READONLY"));
    long long deadline = it_now_ms() + 30000;
    for (;;) {
        redisReply *r = redisCommand(c, "GET %s", key);
        int ok = r && r->type == REDIS_REPLY_STRING && strcmp(r->str, val) == 0;
        freeReplyObject(r);
        if (ok)
            break;
        if (it_now_ms() > deadline)
            fail_msg("port %d: %s never reached the replica", t->port[i], key);
        it_sleep_ms(10);
    }
    redisFree(c);
}

/* 1 when the cluster can change its topology the way these tests drive it
 * (a real one; a mockredis that has MIGRATE, which came with its topology
 * changes); else 0, the test saying it skips. */
static int can_migrate(struct tc *t)
{
    if (t->real)
        return 1;
    redisReply *r = node_cmd(t->port[0], "COMMAND INFO MIGRATE");
    int ok = r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
             r->element[0]->type == REDIS_REPLY_ARRAY;
    freeReplyObject(r);
    if (!ok)
        print_message("(this mockredis has no MIGRATE, no topology changes: skipped)\n");
    return ok;
}

/* The node (0..2) that serves slot in the cluster's own view. */
static int owner_of(const struct tc *t, unsigned slot)
{
    (void)t;
    return slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2;
}

static struct rc_cluster *tc_client(struct tc *t)
{
    struct rc_cluster *cl = NULL;
    char err[256];
    enum rc_status st = rc_cluster_connect(&t->cfg, t->seeds, &cl, err, sizeof(err));
    if (st != RC_OK)
        fail_msg("rc_cluster_connect(%s): %s: %s", t->seeds, rc_strerror(st), err);
    return cl;
}

#define CL_STATUS(cl, call, want)                                                                  \
    do {                                                                                           \
        enum rc_status st_ = (call);                                                               \
        if (st_ != (want))                                                                         \
            fail_msg("%s: %s (%s), wanted %s", #call, rc_strerror(st_), rc_cluster_errmsg(cl),     \
                     rc_strerror(want));                                                           \
    } while (0)

/* ---- the tests, on either cluster -------------------------------------------------- */

/* The slot function agrees with the nodes' CLUSTER KEYSLOT on 3000 keys,
 * tags and odd bytes included (pipelined on one connection). */
static void body_keyslot(struct tc *t)
{
    redisContext *c = it_connect(t->port[0]);
    char keys[3000][24];
    size_t lens[3000];
    for (int i = 0; i < 3000; i++) {
        static const char *const shapes[] = {"k%d", "{u%d}x", "{}%d",     "a{%d}}",
                                             "%d{", "{{%d}",  "x{%d}{y}", "\x01{%d}\xff"};
        int n = snprintf(keys[i], sizeof(keys[i]), shapes[i % 8], i);
        lens[i] = (size_t)n;
        redisAppendCommand(c, "CLUSTER KEYSLOT %b", keys[i], lens[i]);
    }
    for (int i = 0; i < 3000; i++) {
        void *v = NULL;
        assert_int_equal(redisGetReply(c, &v), REDIS_OK);
        redisReply *r = v;
        assert_int_equal(r->type, REDIS_REPLY_INTEGER);
        if ((unsigned)r->integer != rc_cluster_slot(keys[i], lens[i]))
            fail_msg("key %.*s: client slot %u, server %lld", (int)lens[i], keys[i],
                     rc_cluster_slot(keys[i], lens[i]), r->integer);
        freeReplyObject(r);
    }
    redisFree(c);
}

/* 300 keys over all three nodes, written and read with one seed given:
 * each key is on the node its slot maps to, nothing was redirected. */
static void body_get_set(struct tc *t)
{
    struct rc_cluster *cl = tc_client(t);
    char key[32], val[32];
    int per_node[3] = {0, 0, 0};
    for (int i = 0; i < 300; i++) {
        int kn = snprintf(key, sizeof(key), "key:%d", i);
        int vn = snprintf(val, sizeof(val), "v%d", i);
        CL_STATUS(cl, rc_cluster_set(cl, key, (size_t)kn, val, (size_t)vn, 0), RC_OK);
        per_node[owner_of(t, rc_cluster_slot(key, (size_t)kn))]++;
    }
    for (int i = 0; i < 300; i++) {
        int kn = snprintf(key, sizeof(key), "key:%d", i);
        int vn = snprintf(val, sizeof(val), "v%d", i);
        struct rc_value v = RC_VALUE_INIT;
        CL_STATUS(cl, rc_cluster_get(cl, key, (size_t)kn, &v), RC_OK);
        assert_true(rc_value_eq(&v, val, (size_t)vn));
        rc_value_free(&v);
    }
    struct rc_value v = RC_VALUE_INIT;
    CL_STATUS(cl, rc_cluster_get(cl, RC_LIT("no-such-key"), &v), RC_MISSING);
    long long n = 0;
    CL_STATUS(cl, rc_cluster_incrby(cl, RC_LIT("{key:1}:hits"), 5, &n), RC_OK);
    assert_int_equal(n, 5);
    /* The servers' view: each node holds the keys of its slots and ran
     * exactly the SETs and GETs the map sent it; nobody answered MOVED. */
    for (int i = 0; i < 3; i++) {
        redisReply *r = node_cmd(t->port[i], "DBSIZE");
        int extra = owner_of(t, rc_cluster_slot(RC_LIT("{key:1}:hits"))) == i;
        assert_int_equal(r->integer, per_node[i] + extra);
        freeReplyObject(r);
        assert_int_equal(node_count(t->port[i], "commandstats", "cmdstat_set"), per_node[i]);
        assert_int_equal(node_count(t->port[i], "errorstats", "errorstat_MOVED"), 0);
        assert_true(per_node[i] > 50);
    }
    struct rc_cluster_stats s = rc_cluster_stats(cl);
    assert_int_equal(s.moved, 0);
    assert_int_equal(s.ask, 0);
    assert_int_equal(s.refreshes, 1);
    assert_int_equal(s.connects, 3); /* one per node */
    rc_cluster_close(cl);
}

/* A client whose map is out of date follows MOVED once, then goes straight
 * to the new owner; a limit of 0 redirects refuses to follow, naming it. */
static void body_moved(struct tc *t)
{
    if (!can_migrate(t))
        return;
    struct rc_cluster *cl = tc_client(t);
    unsigned slot = rc_cluster_slot(RC_LIT("{moving}:a"));
    int from = owner_of(t, slot), to = (from + 1) % 3;
    CL_STATUS(cl, rc_cluster_set(cl, RC_LIT("{moving}:a"), RC_LIT("1"), 0), RC_OK);
    struct rc_cluster *stale = tc_client(t); /* its map: before the move */
    migrate_start(t, (int)slot, from, to);
    migrate_end(t, (int)slot, from, to);

    struct rc_value v = RC_VALUE_INIT;
    CL_STATUS(cl, rc_cluster_get(cl, RC_LIT("{moving}:a"), &v), RC_OK);
    assert_true(rc_value_eq(&v, RC_LIT("1")));
    rc_value_free(&v);
    CL_STATUS(cl, rc_cluster_get(cl, RC_LIT("{moving}:a"), &v), RC_OK);
    rc_value_free(&v);
    struct rc_cluster_stats s = rc_cluster_stats(cl);
    assert_int_equal(s.moved, 1);
    assert_int_equal(s.refreshes, 2); /* the first map, and one after MOVED */
    char addr[64], want[64];
    snprintf(want, sizeof(want), "127.0.0.1:%d", t->port[to]);
    CL_STATUS(cl, rc_cluster_slot_node(cl, slot, addr, sizeof(addr)), RC_OK);
    assert_string_equal(addr, want);
    /* The old owner answered one MOVED; the new one ran both GETs. */
    assert_int_equal(node_count(t->port[from], "errorstats", "errorstat_MOVED"), 1);
    assert_int_equal(node_count(t->port[to], "commandstats", "cmdstat_get"), 2);

    rc_cluster_set_max_redirects(stale, 0);
    CL_STATUS(stale, rc_cluster_get(stale, RC_LIT("{moving}:a"), &v), RC_ERR_REDIRECTS);
    assert_non_null(strstr(rc_cluster_errmsg(stale), "MOVED"));
    assert_non_null(strstr(rc_cluster_errmsg(stale), want));
    rc_cluster_close(stale);
    rc_cluster_close(cl);
}

/* During a migration: a key already moved is reached with ASK (the map
 * keeps the old owner), a key not moved yet is served where it was, a
 * command on both is TRYAGAIN (bounded); after it, MOVED. */
static void body_ask(struct tc *t)
{
    if (!can_migrate(t))
        return;
    struct rc_cluster *cl = tc_client(t);
    rc_cluster_set_tryagain(cl, 2, 0);
    unsigned slot = rc_cluster_slot(RC_LIT("{mig}"));
    int from = owner_of(t, slot), to = (from + 2) % 3;
    CL_STATUS(cl, rc_cluster_set(cl, RC_LIT("{mig}:moved"), RC_LIT("m"), 0), RC_OK);
    CL_STATUS(cl, rc_cluster_set(cl, RC_LIT("{mig}:stays"), RC_LIT("s"), 0), RC_OK);
    migrate_start(t, (int)slot, from, to);
    migrate_key(t, from, to, "{mig}:moved");

    struct rc_value v = RC_VALUE_INIT;
    CL_STATUS(cl, rc_cluster_get(cl, RC_LIT("{mig}:moved"), &v), RC_OK);
    assert_true(rc_value_eq(&v, RC_LIT("m")));
    rc_value_free(&v);
    CL_STATUS(cl, rc_cluster_get(cl, RC_LIT("{mig}:stays"), &v), RC_OK);
    assert_true(rc_value_eq(&v, RC_LIT("s")));
    rc_value_free(&v);
    struct rc_cluster_stats s = rc_cluster_stats(cl);
    assert_int_equal(s.ask, 1);
    assert_int_equal(s.moved, 0);
    char addr[64], want[64];
    snprintf(want, sizeof(want), "127.0.0.1:%d", t->port[from]);
    CL_STATUS(cl, rc_cluster_slot_node(cl, slot, addr, sizeof(addr)), RC_OK);
    assert_string_equal(addr, want); /* ASK does not change the map */
    assert_int_equal(node_count(t->port[from], "errorstats", "errorstat_ASK"), 1);
    assert_int_equal(node_count(t->port[to], "commandstats", "cmdstat_asking"), 1);

    /* MGET of a moved and a not-moved key: neither node has both. */
    const char *argv[] = {"MGET", "{mig}:moved", "{mig}:stays"};
    redisReply *r = NULL;
    CL_STATUS(cl, rc_cluster_cmd_argv(cl, 3, argv, NULL, 1, -1, 1, &r), RC_ERR_TRYAGAIN);
    assert_null(r);
    assert_int_equal(rc_cluster_stats(cl).tryagain, 2);

    migrate_end(t, (int)slot, from, to);
    CL_STATUS(cl, rc_cluster_cmd_argv(cl, 3, argv, NULL, 1, -1, 1, &r), RC_OK);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    freeReplyObject(r);
    s = rc_cluster_stats(cl);
    assert_int_equal(s.moved, 1);
    rc_cluster_close(cl);
}

/* Keys of different slots in one MSET are refused by the client: no node
 * ran an MSET. With one hash tag they go to one node, in one command. */
static void body_crossslot(struct tc *t)
{
    struct rc_cluster *cl = tc_client(t);
    const char *keys[] = {"user:42:name", "user:42:visits"};
    const size_t keylens[] = {12, 14};
    const char *vals[] = {"ann", "0"};
    const size_t vallens[] = {3, 1};
    assert_int_not_equal(rc_cluster_slot(keys[0], keylens[0]),
                         rc_cluster_slot(keys[1], keylens[1]));
    CL_STATUS(cl, rc_cluster_mset(cl, 2, keys, keylens, vals, vallens), RC_ERR_CROSSSLOT);
    assert_non_null(strstr(rc_cluster_errmsg(cl), "different slots"));
    for (int i = 0; i < 3; i++)
        assert_int_equal(node_count(t->port[i], "commandstats", "cmdstat_mset"), 0);

    const char *tagged[] = {"{user:42}:name", "{user:42}:visits"};
    const size_t taggedlens[] = {14, 16};
    CL_STATUS(cl, rc_cluster_mset(cl, 2, tagged, taggedlens, vals, vallens), RC_OK);
    int owner = owner_of(t, rc_cluster_slot(RC_LIT("{user:42}")));
    for (int i = 0; i < 3; i++)
        assert_int_equal(node_count(t->port[i], "commandstats", "cmdstat_mset"), i == owner);
    /* The server's own refusal, for comparison: the same MSET sent as is. */
    redisReply *r = node_cmd(t->port[owner], "MSET user:42:name ann user:42:visits 0");
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    assert_true(strncmp(r->str, "CROSSSLOT", 9) == 0 || strncmp(r->str, "MOVED", 5) == 0);
    freeReplyObject(r);
    rc_cluster_close(cl);
}

/* A primary fails over to its replica: the client finds the slot's new
 * owner by itself (a MOVED from the old primary, now a replica, or a
 * resend after its connection closed), once, then goes straight there. */
static void body_failover(struct tc *t)
{
    if (!can_migrate(t))
        return;
    struct rc_cluster *cl = tc_client(t);
    unsigned slot = rc_cluster_slot(RC_LIT("{fo}"));
    int p = owner_of(t, slot);
    CL_STATUS(cl, rc_cluster_set(cl, RC_LIT("{fo}:k"), RC_LIT("v"), 0), RC_OK);
    wait_replicated(t, 3 + p, "{fo}:k", "v");
    long long gets = node_count(t->port[3 + p], "commandstats", "cmdstat_get");
    failover(t, p);

    struct rc_value v = RC_VALUE_INIT;
    CL_STATUS(cl, rc_cluster_get(cl, RC_LIT("{fo}:k"), &v), RC_OK);
    assert_true(rc_value_eq(&v, RC_LIT("v")));
    rc_value_free(&v);
    struct rc_cluster_stats s = rc_cluster_stats(cl);
    print_message("(after the failover: %lu MOVED, %lu resends after a closed connection; the old "
                  "primary answered MOVED %lld times)\n",
                  s.moved, s.io_retry, node_count(t->port[p], "errorstats", "errorstat_MOVED"));
    assert_int_equal(s.moved + s.io_retry, 1);
    if (t->real) /* redis-server 7.0.15 keeps the old primary's clients and redirects them */
        assert_int_equal(s.moved, 1);
    CL_STATUS(cl, rc_cluster_incrby(cl, RC_LIT("{fo}:n"), 2, NULL), RC_OK);
    assert_int_equal(rc_cluster_stats(cl).moved + rc_cluster_stats(cl).io_retry, 1);
    assert_int_equal(node_count(t->port[3 + p], "commandstats", "cmdstat_get"), gets + 1);
    assert_int_equal(node_count(t->port[3 + p], "commandstats", "cmdstat_incrby"), 1);
    char addr[64], want[64];
    snprintf(want, sizeof(want), "127.0.0.1:%d", t->port[3 + p]);
    CL_STATUS(cl, rc_cluster_slot_node(cl, slot, addr, sizeof(addr)), RC_OK);
    assert_string_equal(addr, want);
    rc_cluster_close(cl);
}

static void test_real_failover(void **state)
{
    (void)state;
    struct tc t;
    if (real_start_n(&t, 1))
        body_failover(&t);
    else
        print_message("(redis-server not available: skipped)\n");
    tc_stop(&t);
}

static void test_mock_failover(void **state)
{
    (void)state;
    struct tc t;
    if (mock_start_n(&t, 1)) {
        body_failover(&t);
        tc_stop(&t);
    }
}

#define ON_REAL(body)                                                                              \
    static void test_real_##body(void **state)                                                     \
    {                                                                                              \
        (void)state;                                                                               \
        struct tc t;                                                                               \
        if (real_start(&t))                                                                        \
            body_##body(&t);                                                                       \
        else                                                                                       \
            print_message("(redis-server not available: skipped)\n");                              \
        tc_stop(&t);                                                                               \
    }                                                                                              \
    static void test_mock_##body(void **state)                                                     \
    {                                                                                              \
        (void)state;                                                                               \
        struct tc t;                                                                               \
        if (mock_start(&t)) {                                                                      \
            body_##body(&t);                                                                       \
            tc_stop(&t);                                                                           \
        }                                                                                          \
    }
ON_REAL(keyslot)
ON_REAL(get_set)
ON_REAL(moved)
ON_REAL(ask)
ON_REAL(crossslot)

/* ---- a scripted cluster: one mockredis playing a misbehaving node ------------------------ */

/* A plain mockredis playing text, in which every "PORT" is replaced by its
 * own port (a node that redirects to itself): started first, the scenario
 * loaded once the port is known. *port gets it. */
static struct mh_server *scripted(const char *text, int *port, char *path, size_t size)
{
    struct mh_server *s = it_mock(NULL);
    *port = mh_server_port(s);
    char num[16], buf[4096];
    snprintf(num, sizeof(num), "%d", *port);
    size_t o = 0;
    for (const char *p = text; *p && o + 16 < sizeof(buf);) {
        if (strncmp(p, "PORT", 4) == 0) {
            o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s", num);
            p += 4;
        } else {
            buf[o++] = *p++;
        }
    }
    buf[o] = '\0';
    it_write_temp(path, size, "rccl", buf);
    remember(path);
    redisReply *r = node_cmd(*port, "MOCK SCENARIO LOAD %s", path);
    if (r->type != REDIS_REPLY_STATUS)
        fail_msg("MOCK SCENARIO LOAD: %s", r->type == REDIS_REPLY_ERROR ? r->str : "?");
    freeReplyObject(r);
    return s;
}

/* The scenario's verdict: 1 when its expectations held. */
static int scripted_verdict(int port)
{
    redisReply *r = node_cmd(port, "MOCK SCENARIO REPORT");
    int ok =
        r->type == REDIS_REPLY_STRING && strstr(r->str, "\"passed\":true,\"counters\"") != NULL;
    if (!ok)
        print_message("report: %s\n", r->type == REDIS_REPLY_STRING ? r->str : "?");
    freeReplyObject(r);
    return ok;
}

static const char loop_scn[] =
    "name \"a node that redirects to itself\"\n"
    "on CLUSTER SLOTS do reply [[(integer) 0, (integer) 16383, [\"127.0.0.1\", (integer) PORT, "
    "\"x\"]]]\n"
    "on GET loop do reply (error) MOVED 7 127.0.0.1:PORT\n"
    "on GET asked nth 1 do reply (error) ASK 12 127.0.0.1:PORT\n"
    "on ASKING do reply OK\n"
    "on GET busy times 2 do reply (error) TRYAGAIN Multiple keys request during rehashing of slot\n"
    "on GET stuck do reply (error) TRYAGAIN Multiple keys request during rehashing of slot\n"
    "on GET down do reply (error) CLUSTERDOWN Hash slot not served\n"
    "expect commands GET loop == 6\n"      /* the first try and 5 redirects */
    "expect commands CLUSTER SLOTS == 6\n" /* the first map, and one per MOVED */
    "expect commands GET stuck == 4\n"     /* the first try and 3 retries */
    "expect commands ASKING == 1\n";

static void test_scripted_bounds(void **state)
{
    (void)state;
    char path[64];
    int port;
    struct mh_server *s = scripted(loop_scn, &port, path, sizeof(path));
    struct rc_config cfg = rc_config_default();
    char seeds[32], err[256];
    snprintf(seeds, sizeof(seeds), "127.0.0.1:%d", port);
    struct rc_cluster *cl = NULL;
    assert_int_equal(rc_cluster_connect(&cfg, seeds, &cl, err, sizeof(err)), RC_OK);
    rc_cluster_set_tryagain(cl, 3, 0);

    /* A MOVED loop ends after max_redirects (5), named in the message. */
    struct rc_value v = RC_VALUE_INIT;
    CL_STATUS(cl, rc_cluster_get(cl, RC_LIT("loop"), &v), RC_ERR_REDIRECTS);
    assert_non_null(strstr(rc_cluster_errmsg(cl), "more than 5 redirects"));
    assert_non_null(strstr(rc_cluster_errmsg(cl), seeds));
    assert_int_equal(rc_cluster_stats(cl).moved, 5);
    /* ASK: ASKING, then the command, on the node named. */
    CL_STATUS(cl, rc_cluster_get(cl, RC_LIT("asked"), &v), RC_MISSING);
    assert_int_equal(rc_cluster_stats(cl).ask, 1);
    /* TRYAGAIN twice, then served; always TRYAGAIN: 3 retries, then a status. */
    CL_STATUS(cl, rc_cluster_get(cl, RC_LIT("busy"), &v), RC_MISSING);
    assert_int_equal(rc_cluster_stats(cl).tryagain, 2);
    CL_STATUS(cl, rc_cluster_get(cl, RC_LIT("stuck"), &v), RC_ERR_TRYAGAIN);
    assert_non_null(strstr(rc_cluster_errmsg(cl), "TRYAGAIN"));
    CL_STATUS(cl, rc_cluster_get(cl, RC_LIT("down"), &v), RC_ERR_CLUSTERDOWN);
    assert_string_equal(rc_cluster_errmsg(cl), "CLUSTERDOWN Hash slot not served");
    /* Any other error is the answer, as on one node. */
    CL_STATUS(cl, rc_cluster_incrby(cl, RC_LIT("x"), 1, NULL), RC_OK);
    CL_STATUS(cl, rc_cluster_set(cl, RC_LIT("x"), RC_LIT("text"), 0), RC_OK);
    CL_STATUS(cl, rc_cluster_incrby(cl, RC_LIT("x"), 1, NULL), RC_ERR_REPLY);
    assert_string_equal(rc_cluster_errmsg(cl), "ERR value is not an integer or out of range");
    rc_cluster_close(cl);
    assert_true(scripted_verdict(port));
    it_stop_ok(s);
    unlink(path);
}

/* A server that is not a cluster, a seed nobody listens on, bad seeds. */
static void test_connect_refused(void **state)
{
    (void)state;
    struct mh_server *s = it_mock(NULL);
    struct rc_config cfg = rc_config_default();
    char seeds[64], err[256];
    struct rc_cluster *cl = (struct rc_cluster *)1;
    snprintf(seeds, sizeof(seeds), "127.0.0.1:%d", mh_server_port(s));
    assert_int_equal(rc_cluster_connect(&cfg, seeds, &cl, err, sizeof(err)), RC_ERR_REPLY);
    assert_null(cl);
    /* As a standalone redis-server answers (older mocks: unknown command). */
    assert_true(strstr(err, "cluster support disabled") || strstr(err, "unknown command"));
    struct mh_server *real = it_redis(NULL);
    if (real) {
        snprintf(seeds, sizeof(seeds), "127.0.0.1:%d", mh_server_port(real));
        assert_int_equal(rc_cluster_connect(&cfg, seeds, &cl, err, sizeof(err)), RC_ERR_REPLY);
        assert_non_null(strstr(err, "ERR This instance has cluster support disabled"));
        it_stop_ok(real);
    }
    int dead = free_port();
    snprintf(seeds, sizeof(seeds), "127.0.0.1:%d", dead);
    assert_int_equal(rc_cluster_connect(&cfg, seeds, &cl, err, sizeof(err)), RC_ERR_IO);
    /* A dead seed first, a live one second: the second answers. */
    struct tc t;
    if (real_start(&t)) {
        snprintf(seeds, sizeof(seeds), "127.0.0.1:%d, 127.0.0.1:%d", dead, t.port[1]);
        assert_int_equal(rc_cluster_connect(&cfg, seeds, &cl, err, sizeof(err)), RC_OK);
        rc_cluster_close(cl);
    }
    tc_stop(&t);
    assert_int_equal(rc_cluster_connect(&cfg, "localhost", &cl, err, sizeof(err)), RC_ERR_ARG);
    assert_non_null(strstr(err, "not host:port"));
    assert_int_equal(rc_cluster_connect(&cfg, "", &cl, err, sizeof(err)), RC_ERR_ARG);
    it_stop_ok(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scripted_bounds), cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_real_keyslot),    cmocka_unit_test(test_real_get_set),
        cmocka_unit_test(test_real_moved),      cmocka_unit_test(test_real_ask),
        cmocka_unit_test(test_real_crossslot),  cmocka_unit_test(test_mock_keyslot),
        cmocka_unit_test(test_mock_get_set),    cmocka_unit_test(test_mock_moved),
        cmocka_unit_test(test_mock_ask),        cmocka_unit_test(test_mock_crossslot),
        cmocka_unit_test(test_real_failover),   cmocka_unit_test(test_mock_failover),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
