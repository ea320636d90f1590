/* test_scn_cluster.c - scenarios on a cluster (docs/cluster.md, "Scenarios"):
 * the "cluster N [replicas R]" header starts the nodes and must match the
 * command line and MOCK SCENARIO LOAD's server; one run plays on every
 * node (connections numbered across them, "node N" rules, header settings
 * and the clock on every node); setup lines land on the node that owns
 * their key's slot; cluster actions report a refusal in the verdict;
 * "expect node N commands" and "expect redirects"; mockredis run's
 * MOCKREDIS_CLUSTER_NODES; one capture for every node's traffic, which
 * `record` refuses to turn into a scenario.
 *
 * Keys and their slots (3 primaries: 0-5460, 5461-10922, 10923-16383):
 * b 3300 (node 0), c 7365 (node 1), a 15495 (node 2). */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The reply of cmd as text (string, status, error or integer); caller frees. */
static char *cmd_text(redisContext *ctx, const char *cmd)
{
    redisReply *r = redisCommand(ctx, cmd);
    assert_non_null(r);
    char *t;
    if (r->type == REDIS_REPLY_INTEGER) {
        t = malloc(32);
        snprintf(t, 32, "%lld", r->integer);
    } else if (r->type == REDIS_REPLY_NIL) {
        t = strdup("(nil)");
    } else {
        t = strdup(r->str ? r->str : "");
    }
    freeReplyObject(r);
    return t;
}

/* Requires MOCK SCENARIO VERDICT to contain every string of want (NULL-ended). */
static void verdict_has(redisContext *ctx, const char *const *want)
{
    char *v = cmd_text(ctx, "MOCK SCENARIO VERDICT");
    for (int i = 0; want[i]; i++)
        if (strstr(v, want[i]) == NULL)
            fail_msg("the verdict has no '%s':\n%s", want[i], v);
    free(v);
}

static const char header_scn[] = "cluster 3\n"
                                 "finish control\n"
                                 "maxclients 50\n"
                                 "clock virtual 1000000\n"
                                 "setup\n"
                                 "    SET a on-node-2\n"
                                 "    SET b on-node-0\n"
                                 "    SET c on-node-1\n"
                                 "    CONFIG SET notify-keyspace-events Ex\n"
                                 "end\n";

/* The header starts three nodes; each setup SET lands in the keyspace of
 * the node owning its key; the keyless CONFIG SET and the header's
 * settings apply to every node; the nodes share one clock. */
static void test_header_and_setup(void **state)
{
    (void)state;
    char path[64];
    struct mh_server *s = it_mock_scenario(path, sizeof(path), "scn-cl", header_scn);
    int ports[MH_NODES_MAX];
    assert_int_equal(mh_server_ports(s, ports, MH_NODES_MAX), 3);
    static const char *const owned[] = {"on-node-0", "on-node-1", "on-node-2"};
    static const char *const keys[] = {"b", "c", "a"};
    redisContext *ctx[3];
    for (int i = 0; i < 3; i++) {
        ctx[i] = it_connect(ports[i]);
        it_cmd_expect(ctx[i], REDIS_REPLY_INTEGER, "1", "DBSIZE");
        it_cmd_expect(ctx[i], REDIS_REPLY_STRING, owned[i], "GET %s", keys[i]);
        redisReply *r = redisCommand(ctx[i], "CONFIG GET maxclients");
        assert_non_null(r);
        assert_string_equal(r->element[1]->str, "50");
        freeReplyObject(r);
        r = redisCommand(ctx[i], "CONFIG GET notify-keyspace-events");
        assert_non_null(r);
        assert_string_equal(r->element[1]->str, "xE");
        freeReplyObject(r);
        it_cmd_expect(ctx[i], REDIS_REPLY_INTEGER, "1000000", "MOCK CLOCK GET");
    }
    /* one clock: moved on node 1, every node sees it */
    it_cmd_expect(ctx[1], REDIS_REPLY_INTEGER, "1005000", "MOCK CLOCK ADVANCE 5000");
    it_cmd_expect(ctx[0], REDIS_REPLY_INTEGER, "1005000", "MOCK CLOCK GET");
    it_cmd_expect(ctx[2], REDIS_REPLY_INTEGER, "1005000", "MOCK CLOCK GET");
    /* MOCK SCENARIO END from any node ends the one scenario */
    it_cmd_expect(ctx[2], REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO END");
    for (int i = 0; i < 3; i++)
        redisFree(ctx[i]);
    int status;
    assert_true(mh_server_wait(s, 10000, &status));
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    it_stop(s);
    unlink(path);
}

/* Runs the mockredis binary with args (a shell word list) and returns its
 * exit status; its stderr in err (size bytes, may be cut). */
static int run_mock(const char *args, char *err, size_t size)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "%s %s 2>&1", IT_MOCKREDIS_BIN, args);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = fread(err, 1, size - 1, f);
    err[n] = '\0';
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* --cluster must agree with the header; a scenario without one does not
 * play on a cluster; MOCK SCENARIO LOAD refuses either mismatch. */
static void test_header_conflicts(void **state)
{
    (void)state;
    char cl[64], plain[64], out[2048], args[512];
    it_write_temp(cl, sizeof(cl), "scn-cl", "cluster 2\nfinish control\n");
    it_write_temp(plain, sizeof(plain), "scn-plain", "finish control\n");

    snprintf(args, sizeof(args), "--port 0 --cluster 3 --scenario %s", cl);
    assert_int_equal(run_mock(args, out, sizeof(out)), 2);
    assert_non_null(strstr(out, "--cluster 3 --replicas 0 conflicts with the scenario"));
    assert_non_null(strstr(out, "its line 1 says 'cluster 2 replicas 0'"));
    snprintf(args, sizeof(args), "--port 0 --cluster 2 --scenario %s", plain);
    assert_int_equal(run_mock(args, out, sizeof(out)), 2);
    assert_non_null(strstr(out, "has no 'cluster N' header: it plays on one server"));
    snprintf(args, sizeof(args), "run --cluster 2 --replicas 1 --scenario %s -- true", cl);
    assert_int_equal(run_mock(args, out, sizeof(out)), 2);
    assert_non_null(strstr(out, "conflicts with the scenario"));
    /* agreeing options are fine */
    snprintf(args, sizeof(args), "run --cluster 2 --scenario %s -- true", cl);
    assert_int_equal(run_mock(args, out, sizeof(out)), 0);

    /* a cluster scenario on one server, and the reverse */
    struct mh_server *s = it_mock(NULL);
    redisContext *ctx = it_connect(mh_server_port(s));
    char want[160];
    snprintf(want, sizeof(want),
             "ERR mockredis: %s:1: the scenario is for a cluster ('cluster 2') and this server is "
             "standalone",
             cl);
    redisReply *r = redisCommand(ctx, "MOCK SCENARIO LOAD %s", cl);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    assert_memory_equal(r->str, want, strlen(want));
    freeReplyObject(r);
    redisFree(ctx);
    it_stop_ok(s);

    const char *cargs[] = {"--cluster", "2", NULL};
    s = it_mock(cargs);
    int ports[MH_NODES_MAX];
    assert_int_equal(mh_server_ports(s, ports, MH_NODES_MAX), 2);
    ctx = it_connect(ports[1]);
    r = redisCommand(ctx, "MOCK SCENARIO LOAD %s", plain);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    assert_non_null(strstr(r->str, "the scenario has no 'cluster N' header and this server is a "
                                   "cluster of 2 primaries: add 'cluster 2 replicas 0' to it"));
    freeReplyObject(r);
    /* loaded from node 1, played by both nodes */
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "OK", "MOCK SCENARIO LOAD %s", cl);
    redisContext *c0 = it_connect(ports[0]);
    it_cmd_expect(c0, REDIS_REPLY_STATUS, "PONG", "PING");
    it_cmd_expect(ctx, REDIS_REPLY_STATUS, "PONG", "PING");
    static const char *const want2[] = {"connections 1, ", "commands 2", NULL};
    verdict_has(c0, want2);
    redisFree(c0);
    redisFree(ctx);
    it_stop_ok(s);
    unlink(cl);
    unlink(plain);
}

/* Connections are numbered across the nodes in acceptance order; "node N"
 * limits a rule to one node; expectations count per node and add up. */
static void test_rules_on_nodes(void **state)
{
    (void)state;
    char path[64];
    struct mh_server *s = it_mock_scenario(path, sizeof(path), "scn-cl",
                                           "cluster 3\n"
                                           "finish control\n"
                                           "setup\n"
                                           "    SET a 1\n"
                                           "    SET b 1\n"
                                           "end\n"
                                           "on GET a node 2 nth 2 do reply \"second on node 2\"\n"
                                           "on PING conn 2 do reply \"conn 2\"\n"
                                           "on connect node 1 do refuse\n"
                                           "expect connections == 4\n"
                                           "expect refused == 1\n"
                                           "expect commands GET == 3\n"
                                           "expect node 2 commands GET a == 2\n"
                                           "expect node 0 commands == 2\n"
                                           "expect node 1 commands == 0\n"
                                           "expect rule 1 == 1\n"
                                           "expect redirects == 0\n");
    int ports[MH_NODES_MAX];
    assert_int_equal(mh_server_ports(s, ports, MH_NODES_MAX), 3);
    redisContext *n2 = it_connect(ports[2]); /* conn 1 */
    redisContext *n0 = it_connect(ports[0]); /* conn 2 */
    it_cmd_expect(n0, REDIS_REPLY_STRING, "conn 2", "PING");
    it_cmd_expect(n2, REDIS_REPLY_STATUS, "PONG", "PING");
    it_cmd_expect(n2, REDIS_REPLY_STRING, "1", "GET a");
    it_cmd_expect(n2, REDIS_REPLY_STRING, "second on node 2", "GET a");
    it_cmd_expect(n0, REDIS_REPLY_STRING, "1", "GET b");
    /* conn 3, on node 1: refused by the connection rule */
    struct mh_conn refused;
    assert_int_equal(mh_conn_open(&refused, ports[1]), 0);
    it_reply_expect(&refused, "-ERR max number of clients reached\r\n",
                    strlen("-ERR max number of clients reached\r\n"));
    it_expect_eof(&refused, 3000);
    mh_conn_close(&refused);
    redisContext *ctl = it_connect(ports[0]); /* conn 4 */
    static const char *const want[] = {
        "PASS",
        "ok   expect node 2 commands GET a == 2",
        "ok   expect node 0 commands == 2",
        "ok   expect connections == 4",
        "ok   expect refused == 1",
        "cluster of 3 nodes: redirects moved 0, ask 0, crossslot 0, tryagain 0, clusterdown 0",
        NULL};
    verdict_has(ctl, want);
    redisFree(ctl);
    redisFree(n0);
    redisFree(n2);
    it_stop_ok(s);
    unlink(path);
}

/* A cluster action the topology refuses (the slot is already the node's,
 * nothing is migrating) fails the verdict with the reason, in the text,
 * JSON and JUnit reports; a setup line whose keys span nodes is refused
 * up front with its position. */
static void test_action_refused(void **state)
{
    (void)state;
    char path[64], out[4096], args[512];
    it_write_temp(path, sizeof(path), "scn-cl",
                  "cluster 3\n"
                  "clock virtual 0\n"
                  "finish control\n"
                  "at 1s do cluster migrate 0 to 0\n"
                  "on GET b do cluster migrate end 7\n");
    char junit[64];
    snprintf(junit, sizeof(junit), "/tmp/scn-cl-%d.xml", (int)getpid());
    snprintf(args, sizeof(args),
             "run --junit %s --scenario %s -- sh -c 'redis-cli -p $REDIS_PORT GET b >/dev/null; "
             "redis-cli "
             "-p $REDIS_PORT MOCK CLOCK ADVANCE 2000 >/dev/null; redis-cli -p $REDIS_PORT PING "
             ">/dev/null'",
             junit, path);
    assert_int_equal(run_mock(args, out, sizeof(out)), 1);
    if (strstr(out, "FAIL action line 4: cluster migrate 0 to 0: slot 0 is served by node 0 "
                    "already") == NULL ||
        strstr(out, "FAIL action line 5: cluster migrate end 7: slot 7 is not being migrated") ==
            NULL)
        fail_msg("no action failure in:\n%s", out);
    FILE *f = fopen(junit, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, sizeof(out) - 1, f);
    out[n] = '\0';
    fclose(f);
    if (strstr(out, "tests=\"2\" failures=\"2\"") == NULL ||
        strstr(out, "name=\"line 4: action\"") == NULL ||
        strstr(out, "<failure type=\"mockredis\" message=\"line 5: cluster migrate end 7: ") ==
            NULL)
        fail_msg("JUnit report:\n%s", out);
    unlink(junit);
    unlink(path);

    it_write_temp(path, sizeof(path), "scn-cl",
                  "cluster 3\n"
                  "setup\n"
                  "    MSET a 1 b 2\n"
                  "end\n");
    snprintf(args, sizeof(args), "check %s", path);
    assert_int_equal(run_mock(args, out, sizeof(out)), 2);
    char want[256];
    snprintf(want, sizeof(want),
             "%s:3:5: setup command failed: its keys belong to different nodes (2 and 0)", path);
    if (strstr(out, want) == NULL)
        fail_msg("want '%s' in:\n%s", want, out);
    unlink(path);
}

/* mockredis run names every node in MOCKREDIS_CLUSTER_NODES, node 0 in
 * REDIS_PORT; a standalone run leaves no such variable. */
static void test_run_env(void **state)
{
    (void)state;
    char out[4096];
    int rc = run_mock("run --cluster 3 --replicas 1 -- sh -c 'echo \"$REDIS_PORT "
                      "$MOCKREDIS_CLUSTER_NODES\"; for n in $(echo $MOCKREDIS_CLUSTER_NODES | tr , "
                      "\" \"); do redis-cli -h ${n%:*} -p ${n#*:} PING; done'",
                      out, sizeof(out));
    assert_int_equal(rc, 0);
    int port0 = atoi(out);
    char *list = strchr(out, ' ');
    assert_non_null(list);
    char first[32];
    snprintf(first, sizeof(first), " 127.0.0.1:%d,", port0);
    assert_memory_equal(list, first, strlen(first));
    int commas = 0;
    for (char *p = list; *p && *p != '\n'; p++)
        commas += *p == ',';
    assert_int_equal(commas, 5); /* 6 nodes */
    int pongs = 0;
    for (char *p = out; (p = strstr(p, "PONG")) != NULL; p++)
        pongs++;
    assert_int_equal(pongs, 6);

    setenv("MOCKREDIS_CLUSTER_NODES", "stale", 1);
    rc = run_mock("run -- sh -c 'echo \"[${MOCKREDIS_CLUSTER_NODES-unset}]\"'", out, sizeof(out));
    unsetenv("MOCKREDIS_CLUSTER_NODES");
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "[unset]"));
}

/* --pcap captures every node's traffic in one file; record sees the three
 * server ports and refuses, saying why; with --port it records one node. */
static void test_pcap_and_record(void **state)
{
    (void)state;
    char pcap[64], out[4096], args[512];
    snprintf(pcap, sizeof(pcap), "/tmp/scn-cl-%d.pcap", (int)getpid());
    snprintf(args, sizeof(args),
             "run --cluster 3 --pcap %s -- sh -c 'for n in $(echo $MOCKREDIS_CLUSTER_NODES | tr "
             ", \" \"); do redis-cli -p ${n#*:} SET k${n#*:} v >/dev/null; done; echo "
             "$MOCKREDIS_CLUSTER_NODES'",
             pcap);
    assert_int_equal(run_mock(args, out, sizeof(out)), 0);
    char *nodes = strstr(out, "127.0.0.1:");
    assert_non_null(nodes);
    int p[3];
    assert_int_equal(sscanf(nodes, "127.0.0.1:%d,127.0.0.1:%d,127.0.0.1:%d", &p[0], &p[1], &p[2]),
                     3);

    snprintf(args, sizeof(args), "record %s -o /dev/null", pcap);
    assert_int_equal(run_mock(args, out, sizeof(out)), 1);
    assert_non_null(strstr(out, "the capture talks to 3 server ports ("));
    assert_non_null(strstr(out, "a cluster?): recording a cluster is not supported"));
    for (int i = 0; i < 3; i++) {
        char port[16];
        snprintf(port, sizeof(port), "%d", p[i]);
        if (strstr(out, port) == NULL)
            fail_msg("node %d's port %d is not named:\n%s", i, p[i], out);
    }
    /* one node's conversation, with --port */
    snprintf(args, sizeof(args), "record %s --port %d", pcap, p[1]);
    assert_int_equal(run_mock(args, out, sizeof(out)), 0);
    char want[64];
    snprintf(want, sizeof(want), "> SET k%d v", p[1]);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "expect connections == 1"));
    unlink(pcap);
}

/* MOCK SCENARIO LOAD of a cluster scenario whose setup fails on the live
 * keyspace (its key, on node 0, holds a list there): refused with the
 * position, and no node keeps a setting of its header. */
static void test_load_setup_fails(void **state)
{
    (void)state;
    char path[64];
    it_write_temp(path, sizeof(path), "scn-cl",
                  "cluster 2\n"
                  "maxclients 33\n"
                  "setup\n"
                  "    INCR b\n"
                  "end\n");
    const char *args[] = {"--cluster", "2", NULL};
    struct mh_server *s = it_mock(args);
    int ports[MH_NODES_MAX];
    assert_int_equal(mh_server_ports(s, ports, MH_NODES_MAX), 2);
    redisContext *c0 = it_connect(ports[0]), *c1 = it_connect(ports[1]);
    it_cmd_expect(c0, REDIS_REPLY_INTEGER, "1", "RPUSH b x");
    redisReply *r = redisCommand(c1, "MOCK SCENARIO LOAD %s", path);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    char want[128];
    snprintf(want, sizeof(want), "ERR mockredis: %s:4:5: setup command failed: WRONGTYPE", path);
    assert_memory_equal(r->str, want, strlen(want));
    freeReplyObject(r);
    for (int i = 0; i < 2; i++) {
        r = redisCommand(i ? c1 : c0, "CONFIG GET maxclients");
        assert_non_null(r);
        assert_string_equal(r->element[1]->str, "10000");
        freeReplyObject(r);
    }
    redisFree(c0);
    redisFree(c1);
    it_stop_ok(s);
    unlink(path);
}

/* Redirections the nodes answered, by kind, summed over the nodes (a
 * CONFIG RESETSTAT of a node's counters meanwhile loses nothing), and the
 * commands each node served. Routing is one of Redis's checks: a command
 * its node redirects never reaches the rules (the rule on GET a answers
 * only where a lives) and is not counted. */
static void test_redirects(void **state)
{
    (void)state;
    char path[64];
    struct mh_server *s = it_mock_scenario(path, sizeof(path), "scn-cl",
                                           "cluster 3\n"
                                           "finish control\n"
                                           "setup\n"
                                           "    SET a 1\n"
                                           "end\n"
                                           "on GET a do reply \"scripted\"\n"
                                           "expect redirects == 2\n"
                                           "expect redirects moved == 2\n"
                                           "expect redirects crossslot == 1\n"
                                           "expect redirects ask == 0\n"
                                           "expect commands GET a == 1\n"
                                           "expect rule 1 == 1\n"
                                           "expect node 0 commands == 1\n"
                                           "expect node 1 commands GET * == 0\n"
                                           "expect node 2 commands GET a == 1\n");
    int ports[MH_NODES_MAX];
    assert_int_equal(mh_server_ports(s, ports, MH_NODES_MAX), 3);
    redisContext *c[3];
    for (int i = 0; i < 3; i++)
        c[i] = it_connect(ports[i]);
    char moved[64];
    snprintf(moved, sizeof(moved), "MOVED 15495 127.0.0.1:%d", ports[2]);
    it_cmd_expect(c[0], REDIS_REPLY_ERROR, moved, "GET a");
    it_cmd_expect(c[0], REDIS_REPLY_STATUS, "OK", "CONFIG RESETSTAT"); /* served: counts */
    it_cmd_expect(c[1], REDIS_REPLY_ERROR, moved, "GET a");
    it_cmd_expect(c[2], REDIS_REPLY_STRING, "scripted", "GET a");
    it_cmd_expect(c[0], REDIS_REPLY_ERROR, "CROSSSLOT Keys in request don't hash to the same slot",
                  "MSET a 1 b 2");
    static const char *const want[] = {
        "PASS",
        "cluster of 3 nodes: redirects moved 2, ask 0, crossslot 1, tryagain 0, clusterdown 0",
        "ok   expect node 0 commands == 1  (line 13: got 1)", NULL};
    verdict_has(c[1], want);
    for (int i = 0; i < 3; i++)
        redisFree(c[i]);
    it_stop_ok(s);
    unlink(path);
}

/* cluster down and up from a scenario: the node's clients are dropped and
 * new ones refused; once the node timeout passes on the one clock, the
 * others answer CLUSTERDOWN; back up, it serves again. A rule may take
 * down the very node whose command fired it: that client gets its reply,
 * then the connection closes. */
static void test_node_down(void **state)
{
    (void)state;
    char path[64];
    struct mh_server *s = it_mock_scenario(path, sizeof(path), "scn-cl",
                                           "cluster 3\n"
                                           "clock virtual 0\n"
                                           "finish control\n"
                                           "setup\n"
                                           "    SET a 1\n"
                                           "    SET c 1\n"
                                           "end\n"
                                           "at 1s do cluster down 2\n"
                                           "at 20s do cluster up 2\n"
                                           "on GET c node 1 do cluster down 1\n"
                                           "expect redirects clusterdown == 1\n");
    int ports[MH_NODES_MAX];
    assert_int_equal(mh_server_ports(s, ports, MH_NODES_MAX), 3);
    redisContext *n0 = it_connect(ports[0]);
    struct mh_conn n2;
    assert_int_equal(mh_conn_open(&n2, ports[2]), 0);
    it_raw_expect(&n2, "GET a\r\n", 7, "$1\r\n1\r\n", 7);
    it_cmd_expect(n0, REDIS_REPLY_INTEGER, "1000", "MOCK CLOCK ADVANCE 1000");
    it_cmd_expect(n0, REDIS_REPLY_STATUS, "PONG", "PING"); /* the event: node 2 down */
    it_expect_eof(&n2, 3000);
    mh_conn_close(&n2);
    assert_int_not_equal(mh_conn_open(&n2, ports[2]), 0); /* refused */
    /* the node timeout (15 s) passes: node 2 fails, its slots are down */
    it_cmd_expect(n0, REDIS_REPLY_INTEGER, "17000", "MOCK CLOCK ADVANCE 16000");
    it_cmd_expect(n0, REDIS_REPLY_ERROR, "CLUSTERDOWN The cluster is down", "GET b");
    it_cmd_expect(n0, REDIS_REPLY_INTEGER, "20000", "MOCK CLOCK ADVANCE 3000");
    it_cmd_expect(n0, REDIS_REPLY_STATUS, "PONG", "PING"); /* the event: node 2 up */
    redisContext *c2 = it_connect(ports[2]);
    it_cmd_expect(c2, REDIS_REPLY_STRING, "1", "GET a");
    /* a rule takes down its own node: the reply, then the close */
    struct mh_conn n1;
    assert_int_equal(mh_conn_open(&n1, ports[1]), 0);
    it_raw_expect(&n1, "GET c\r\n", 7, "$1\r\n1\r\n", 7);
    it_expect_eof(&n1, 3000);
    mh_conn_close(&n1);
    static const char *const want[] = {"PASS", "clusterdown 1", NULL};
    verdict_has(n0, want);
    redisFree(c2);
    redisFree(n0);
    it_stop_ok(s);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_and_setup), cmocka_unit_test(test_header_conflicts),
        cmocka_unit_test(test_rules_on_nodes),   cmocka_unit_test(test_action_refused),
        cmocka_unit_test(test_run_env),          cmocka_unit_test(test_pcap_and_record),
        cmocka_unit_test(test_load_setup_fails), cmocka_unit_test(test_redirects),
        cmocka_unit_test(test_node_down),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
