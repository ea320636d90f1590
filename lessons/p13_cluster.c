/* p13_cluster.c - P13: outgrowing one node.
 *
 * The application's data moved from one Redis to a Redis Cluster of three
 * primaries (each with a replica). The code was not changed: it still
 * talks to one address. Every key now belongs to one of 16384 slots and
 * every slot to one primary; a node asked for a key of another node's slot
 * answers "-MOVED slot host:port" instead of running the command, and a
 * command whose keys are in different slots gets "-CROSSSLOT". The naive
 * code reads both as failures: two writes in ten land, a multi-key MSET
 * never does.
 *
 * The right pattern, with the client layer's rc_cluster (client/
 * rc_cluster.h): read the slot map (CLUSTER SLOTS) once, send each command
 * to its slot's primary, follow MOVED (read the map again) and ASK (ASKING,
 * map kept), and put keys that belong together under one hash tag so that
 * they share a slot: "{user:42}:name" and "{user:42}:visits". The same
 * scenario then moves a slot while the client uses it (ASK during the move,
 * MOVED after it) and fails a primary over to its replica, on the
 * scenario's virtual clock (the lesson moves it: no sleeps).
 *
 * Every claim is read from the servers: each node's INFO errorstats (the
 * MOVED, ASK and CROSSSLOT errors it answered) and INFO commandstats (the
 * commands it ran, and the ones it refused), and the scenario's
 * expectations; the client's own counters (rc_cluster_stats) are shown next
 * to them and must agree. The same counters exist on a real Redis Cluster:
 * integration.cluster_client runs rc_cluster against one. */
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"
#include "rc.h"
#include "rc_cluster.h"

#define SCENARIO "p13-outgrowing-one-node.scn"
#define NODES    6     /* 3 primaries, 3 replicas: node 3 + i replicates node i */
#define CART     9546  /* slot of {cart:7}: node 1's, migrated to node 0 at 1 s */
#define PROFILE  15880 /* slot of {user:42}: node 2's, failed over to node 5 at 3 s */

static int ports[NODES];

/* The primary (0..2) of a slot before any change: the split of redis-cli
 * --cluster create, which mockredis --cluster 3 makes too. */
static int first_owner(unsigned slot)
{
    return slot <= 5460 ? 0 : slot <= 10922 ? 1 : 2;
}

/* A number from node i's INFO section: the calls= of "cmdstat_set", the
 * count= of "errorstat_MOVED"; 0 when the line is absent (nothing counted
 * yet), -1 when INFO cannot be read. */
static long long node_count(int i, const char *section, const char *field)
{
    redisContext *c = redisConnect("127.0.0.1", ports[i]);
    redisReply *r = c && !c->err ? redisCommand(c, "INFO %s", section) : NULL;
    long long n = -1;
    if (r != NULL && r->type == REDIS_REPLY_STRING) {
        char want[80];
        snprintf(want, sizeof(want), "\n%s:", field);
        const char *p = strstr(r->str, want);
        const char *eq = p ? strchr(p, '=') : NULL;
        n = eq ? atoll(eq + 1) : 0;
    }
    freeReplyObject(r);
    redisFree(c);
    return n;
}

/* The same count summed over the primaries 0..2 and replicas 3..5. */
static long long all_nodes(const char *section, const char *field)
{
    long long sum = 0;
    for (int i = 0; i < NODES; i++)
        sum += node_count(i, section, field);
    return sum;
}

/* ---- the naive code: one address, plain hiredis ---------------------------------------- */

/* NAIVE: the code from the days of one Redis, pointed at one of the nodes.
 * Writes ten users, then a profile in one MSET; every error reply is a
 * failure, logged and counted. Returns the failures (the exit status). */
LS_NAIVE_CODE static int naive_app(void *arg)
{
    int port = *(int *)arg;
    redisContext *c = redisConnect("127.0.0.1", port);
    if (c == NULL || c->err)
        return 100;
    int failures = 0;
    for (int i = 1; i <= 10; i++) {
        redisReply *r = redisCommand(c, "SET user:%d %s", i, "active");
        if (r == NULL || r->type == REDIS_REPLY_ERROR) {
            if (failures == 0)
                printf("     naive: SET user:%d failed: %s\n", i, r ? r->str : c->errstr);
            failures++;
        }
        freeReplyObject(r);
    }
    /* A user's name and visit count, written together as they always were. */
    redisReply *r = redisCommand(c, "MSET user:42:name %s user:42:visits %s", "ann", "0");
    if (r == NULL || r->type == REDIS_REPLY_ERROR) {
        printf("     naive: MSET user:42:name ... failed: %s\n", r ? r->str : c->errstr);
        failures++;
    }
    freeReplyObject(r);
    redisFree(c);
    return failures;
}

/* The six nodes (ports[] filled) playing the scenario; NULL when they
 * could not start or the scenario not load (said already). */
static struct mh_server *start_cluster(void)
{
    const char *const cluster[] = {"--cluster", "3", "--replicas", "1", NULL};
    struct mh_server *srv = ls_server(cluster);
    if (srv == NULL)
        return NULL;
    if (!ls_claim(mh_server_ports(srv, ports, NODES) == NODES, "mockredis runs six nodes") ||
        ls_play(srv, SCENARIO) < 0) {
        ls_server_stop(srv);
        return NULL;
    }
    return srv;
}

static void run_naive(void)
{
    ls_naive("one node's address and plain hiredis: -MOVED and -CROSSSLOT are failures");
    struct mh_server *srv = start_cluster();
    if (srv == NULL)
        return;
    int port = ports[0];
    struct ls_result r = ls_run_child(naive_app, &port, 10000);
    char how[128];
    ls_show("the naive code %s", ls_describe(&r, how, sizeof(how)));

    /* Which of the ten users node 0 serves: the others are MOVED away. */
    int own = 0;
    char key[16];
    for (int i = 1; i <= 10; i++) {
        int n = snprintf(key, sizeof(key), "user:%d", i);
        own += first_owner(rc_cluster_slot(key, (size_t)n)) == 0;
    }
    long long moved = node_count(0, "errorstats", "errorstat_MOVED");
    long long cross = node_count(0, "errorstats", "errorstat_CROSSSLOT");
    ls_show("node 0 answered: MOVED %lld times, CROSSSLOT %lld time; it ran SET %lld times", moved,
            cross, node_count(0, "commandstats", "cmdstat_set"));
    ls_claim(r.how == LS_EXITED && r.code == 11 - own,
             "the naive code failed %d of its 11 commands (the keys of the %d other users live "
             "on other nodes, plus the MSET)",
             11 - own, 10 - own);
    ls_claim(moved == 10 - own, "node 0 answered MOVED to each of those %d SETs", 10 - own);
    ls_claim(node_count(0, "commandstats", "cmdstat_set") == own &&
                 node_count(1, "commandstats", "cmdstat_set") == 0 &&
                 node_count(2, "commandstats", "cmdstat_set") == 0,
             "only the %d users of node 0's slots were stored; nodes 1 and 2 stored none", own);
    ls_claim(cross == 1 && all_nodes("commandstats", "cmdstat_mset") == 0,
             "the MSET was refused with CROSSSLOT (user:42:name is in slot %u, user:42:visits in "
             "slot %u): no node ran it",
             rc_cluster_slot(RC_LIT("user:42:name")), rc_cluster_slot(RC_LIT("user:42:visits")));
    ls_claim(ls_verdict(srv, NULL, 0) == 0, "the scenario's expectations fail for the naive code");
    ls_server_stop(srv);
}

/* ---- the right pattern: rc_cluster, hash tags ------------------------------------------- */

/* "host:port" of node i. */
static const char *node_addr(int i, char *buf, size_t size)
{
    snprintf(buf, size, "127.0.0.1:%d", ports[i]);
    return buf;
}

/* Step 1: the same ten users, each on its own node, no redirect. */
static void right_spread(struct rc_cluster *cl)
{
    int share[3] = {0, 0, 0};
    char key[16];
    int ok = 1;
    for (int i = 1; i <= 10; i++) {
        int n = snprintf(key, sizeof(key), "user:%d", i);
        ok &= rc_cluster_set(cl, key, (size_t)n, RC_LIT("active"), 0) == RC_OK;
        share[first_owner(rc_cluster_slot(key, (size_t)n))]++;
    }
    ls_show("SETs run by node 0, 1, 2: %lld, %lld, %lld (their slots hold %d, %d, %d users)",
            node_count(0, "commandstats", "cmdstat_set"),
            node_count(1, "commandstats", "cmdstat_set"),
            node_count(2, "commandstats", "cmdstat_set"), share[0], share[1], share[2]);
    ls_claim(ok, "all ten writes succeed through one seed address");
    int exact = 1;
    for (int i = 0; i < 3; i++)
        exact &= node_count(i, "commandstats", "cmdstat_set") == share[i];
    ls_claim(exact, "each node ran exactly the SETs of its own slots");
    ls_claim(all_nodes("errorstats", "errorstat_MOVED") == 0 && rc_cluster_stats(cl).moved == 0,
             "no node answered MOVED: the slot map read at connect sent each command straight to "
             "its node");
}

/* Step 2: keys that belong together share a hash tag; mixed slots are
 * refused before anything is sent. */
static void right_tags(struct rc_cluster *cl)
{
    const char *keys[] = {"{user:42}:name", "{user:42}:visits"};
    const size_t keylens[] = {14, 16};
    const char *vals[] = {"ann", "0"};
    const size_t vallens[] = {3, 1};
    const char *bad[] = {"user:42:name", "user:42:visits"};
    const size_t badlens[] = {12, 14};
    ls_show("slots: {user:42}:name %u, {user:42}:visits %u (both hash \"user:42\")",
            rc_cluster_slot(keys[0], keylens[0]), rc_cluster_slot(keys[1], keylens[1]));
    enum rc_status st = rc_cluster_mset(cl, 2, bad, badlens, vals, vallens);
    ls_show("rc_cluster_mset(user:42:name, user:42:visits) -> %s: %s", rc_strerror(st),
            rc_cluster_errmsg(cl));
    ls_claim(st == RC_ERR_CROSSSLOT && all_nodes("errorstats", "errorstat_CROSSSLOT") == 0,
             "keys of two slots are refused by the client, before any node sees them");
    st = rc_cluster_mset(cl, 2, keys, keylens, vals, vallens);
    ls_claim(st == RC_OK && node_count(2, "commandstats", "cmdstat_mset") == 1 &&
                 all_nodes("commandstats", "cmdstat_mset") == 1,
             "with one hash tag, one MSET on one node (node 2, slot %u) writes both", PROFILE);
}

/* Step 3: slot CART moves from node 1 to node 0 while the client uses it. */
static void right_migration(struct mh_server *srv, struct rc_cluster *cl)
{
    char addr[64], want[64];
    ls_claim(rc_cluster_slot(RC_LIT("{cart:7}")) == CART, "{cart:7} is in slot %d (the scenario's)",
             CART);
    rc_cluster_set(cl, RC_LIT("{cart:7}:apples"), RC_LIT("3"), 0);
    ls_say("At 1 s on the scenario's clock, slot %d starts moving from node 1 to node 0, and its "
           "one key moves: node 1 now answers -ASK for it.",
           CART);
    ls_advance(srv, 1000);
    struct rc_value v = RC_VALUE_INIT;
    enum rc_status st = rc_cluster_get(cl, RC_LIT("{cart:7}:apples"), &v);
    ls_show("GET {cart:7}:apples -> %s \"%s\"; the client followed %lu ASK, %lu MOVED",
            rc_strerror(st), v.str ? v.str : "", rc_cluster_stats(cl).ask,
            rc_cluster_stats(cl).moved);
    ls_claim(st == RC_OK && rc_value_eq(&v, RC_LIT("3")),
             "the moved key is read during the migration");
    rc_value_free(&v);
    ls_claim(node_count(1, "errorstats", "errorstat_ASK") == 1 &&
                 node_count(0, "commandstats", "cmdstat_asking") == 1 &&
                 rc_cluster_stats(cl).ask == 1,
             "node 1 answered ASK once, node 0 ran ASKING once: the client followed it");
    rc_cluster_slot_node(cl, CART, addr, sizeof(addr));
    ls_claim(strcmp(addr, node_addr(1, want, sizeof(want))) == 0,
             "ASK left the client's map alone: slot %d still belongs to node 1", CART);

    ls_say("At 2 s the migration ends: node 0 owns slot %d, node 1 answers -MOVED.", CART);
    ls_advance(srv, 1000);
    st = rc_cluster_get(cl, RC_LIT("{cart:7}:apples"), &v);
    rc_value_free(&v);
    enum rc_status st2 = rc_cluster_get(cl, RC_LIT("{cart:7}:apples"), &v);
    ls_show("GET twice -> %s, %s; the client followed %lu MOVED", rc_strerror(st), rc_strerror(st2),
            rc_cluster_stats(cl).moved);
    ls_claim(st == RC_OK && st2 == RC_OK && rc_value_eq(&v, RC_LIT("3")),
             "the key is read after the migration");
    rc_value_free(&v);
    ls_claim(node_count(1, "errorstats", "errorstat_MOVED") == 1 && rc_cluster_stats(cl).moved == 1,
             "node 1 answered MOVED once; the client read the new map and went to node 0 after");
    rc_cluster_slot_node(cl, CART, addr, sizeof(addr));
    ls_claim(strcmp(addr, node_addr(0, want, sizeof(want))) == 0,
             "the client's map now gives slot %d to node 0", CART);
}

/* Step 4: node 2 fails over to its replica, node 5. */
static void right_failover(struct mh_server *srv, struct rc_cluster *cl)
{
    ls_say("At 3 s node 2's replica, node 5, takes over its slots (slot %d among them).", PROFILE);
    ls_advance(srv, 1000);
    struct rc_cluster_stats before = rc_cluster_stats(cl);
    long long gets5 = node_count(5, "commandstats", "cmdstat_get");
    struct rc_value v = RC_VALUE_INIT;
    enum rc_status st = rc_cluster_get(cl, RC_LIT("{user:42}:name"), &v);
    long long visits = 0;
    enum rc_status st2 = rc_cluster_incrby(cl, RC_LIT("{user:42}:visits"), 1, &visits);
    struct rc_cluster_stats after = rc_cluster_stats(cl);
    ls_show("GET {user:42}:name -> %s \"%s\"; INCRBY visits -> %s %lld; MOVED followed %lu, "
            "resent after a closed connection %lu",
            rc_strerror(st), v.str ? v.str : "", rc_strerror(st2), visits,
            after.moved - before.moved, after.io_retry - before.io_retry);
    ls_claim(st == RC_OK && rc_value_eq(&v, RC_LIT("ann")) && st2 == RC_OK && visits == 1,
             "the profile is read and updated after the failover");
    rc_value_free(&v);
    ls_claim(after.moved + after.io_retry == before.moved + before.io_retry + 1,
             "the client followed the failover once (a MOVED or a resend), then went straight to "
             "node 5");
    ls_claim(node_count(5, "commandstats", "cmdstat_get") == gets5 + 1 &&
                 node_count(5, "commandstats", "cmdstat_incrby") == 1,
             "node 5, the new primary, ran the GET and the INCRBY");
}

static void run_right(void)
{
    ls_right("rc_cluster: the slot map, MOVED and ASK followed, hash tags for keys used together");
    struct mh_server *srv = start_cluster();
    if (srv == NULL)
        return;
    struct rc_config cfg = rc_config_default();
    /* Timeouts stay (P11), generous enough for six nodes under valgrind. */
    cfg.connect_timeout_ms = 5000;
    cfg.command_timeout_ms = 5000;
    char seed[64], err[256];
    struct rc_cluster *cl = NULL;
    enum rc_status st =
        rc_cluster_connect(&cfg, node_addr(0, seed, sizeof(seed)), &cl, err, sizeof(err));
    if (!ls_claim(st == RC_OK,
                  "rc_cluster connects through node 0 alone and reads the slot map "
                  "(%s)",
                  st == RC_OK ? "CLUSTER SLOTS" : err)) {
        ls_server_stop(srv);
        return;
    }
    right_spread(cl);
    right_tags(cl);
    right_migration(srv, cl);
    right_failover(srv, cl);
    struct rc_cluster_stats s = rc_cluster_stats(cl);
    long long moved = all_nodes("errorstats", "errorstat_MOVED");
    long long ask = all_nodes("errorstats", "errorstat_ASK");
    ls_show("the client, in all: %lu MOVED, %lu ASK, %lu resends, %lu slot maps read, %lu "
            "connections; the nodes answered %lld MOVED, %lld ASK",
            s.moved, s.ask, s.io_retry, s.refreshes, s.connects, moved, ask);
    ls_claim(moved == (long long)s.moved && ask == (long long)s.ask,
             "every redirect the nodes answered, the client followed: none was taken for a "
             "failure");
    rc_cluster_close(cl);
    char json[4096];
    int verdict = ls_verdict(srv, json, sizeof(json));
    if (verdict != 1)
        ls_show("report: %s", json);
    ls_claim(verdict == 1, "the scenario's expectations hold for the right code");
    ls_server_stop(srv);
}

int main(void)
{
    ls_begin("P13", "outgrowing one node");
    ls_say("A Redis Cluster splits the keys into 16384 slots (CRC16 of the key, or of the part "
           "in {braces}, mod 16384) and gives each slot to one primary. A node asked for a key "
           "of another node answers -MOVED slot host:port; a command whose keys are in "
           "different slots gets -CROSSSLOT. Neither runs the command.");
    run_naive();
    run_right();
    ls_say("rc_cluster (client/rc_cluster.h) keeps the map, follows MOVED and ASK at most 5 "
           "times per call, and refuses multi-key calls across slots before sending them.");
    return ls_end();
}
