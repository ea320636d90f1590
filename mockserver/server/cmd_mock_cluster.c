/* cmd_mock_cluster.c - MOCK CLUSTER: changing the topology of a cluster
 * mode server (--cluster N) from a client; documented in docs/cluster.md
 * ("Changing the topology: MOCK CLUSTER") and docs/protocol.md.
 *
 *   MOCK CLUSTER MIGRATE <slot>|<from>-<to> <node>   whole migrations at
 *                                    once: every slot of the range another
 *                                    node serves moves to <node> with its
 *                                    keys; replies the number of keys moved
 *   MOCK CLUSTER MIGRATE START <slot> <node>   owner MIGRATING, <node>
 *                                    IMPORTING (ASK, TRYAGAIN from now on)
 *   MOCK CLUSTER MIGRATE KEYS <slot> <count>   moves up to <count> keys of
 *                                    the slot; replies how many moved
 *   MOCK CLUSTER MIGRATE END <slot>  the rest moves, <node> owns the slot
 *   MOCK CLUSTER FAILOVER <replica>  the replica takes its primary's place
 *   MOCK CLUSTER DOWN <node>         listener closed, clients dropped; the
 *                                    node is failed after the node timeout
 *                                    on the cluster clock (MOCK CLOCK)
 *   MOCK CLUSTER UP <node>           back on its port
 *   MOCK CLUSTER NODES               one map per node: index, id, port,
 *                                    role, primary, slots, down, failed
 *   MOCK CLUSTER STATS               one map per node: index, commands,
 *                                    moved, ask, crossslot, tryagain,
 *                                    clusterdown
 * A node is its index (0..nnodes-1) or its node id. Errors start
 * "ERR mockredis: " and change nothing. The work is cluster_topo.c's; this
 * file parses and answers. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cluster.h"
#include "cmd.h"
#include "reply.h"
#include "util.h"

/* Argument i as a node; -1 after replying the error. */
static int node_arg(struct call *k, int i)
{
    int n = cluster_node_lookup(k->core->cluster, k->argv[i], k->argl[i]);
    if (n < 0)
        reply_errf(k->c, "ERR mockredis: no such node '%.64s' (an index 0-%d or a node id)",
                   k->argv[i], k->core->cluster->nnodes - 1);
    return n;
}

/* Argument i as a slot, or a range "from-to" when to is not NULL;
 * -1 after replying the error. */
static int slot_arg(struct call *k, int i, int *from, int *to)
{
    const char *p = k->argv[i], *dash = to ? memchr(p + 1, '-', k->argl[i] - 1) : NULL;
    long long a = -1, b;
    size_t alen = dash ? (size_t)(dash - p) : k->argl[i];
    int ok = k->argl[i] > 0 && util_str2ll(p, alen, &a);
    b = a;
    if (ok && dash)
        ok = util_str2ll(dash + 1, k->argl[i] - alen - 1, &b);
    if (!ok || a < 0 || b < a || b >= CLUSTER_SLOTS) {
        reply_errf(k->c, "ERR mockredis: invalid slot '%.64s' (0-%d%s)", p, CLUSTER_SLOTS - 1,
                   to ? ", or a range like 0-5460" : "");
        return -1;
    }
    *from = (int)a;
    if (to)
        *to = (int)b;
    return 0;
}

static void reply_topo_err(struct call *k, const char *err)
{
    reply_errf(k->c, "ERR mockredis: %s", err);
}

static void cluster_migrate_sub(struct call *k)
{
    struct cluster *cl = k->core->cluster;
    char err[160];
    int slot, last, node;
    long long n;
    if (arg_is(k, 3, "start") && k->argc == 6) {
        if (slot_arg(k, 4, &slot, NULL) < 0 || (node = node_arg(k, 5)) < 0)
            return;
        if (cluster_migrate_start(cl, slot, node, err, sizeof(err)) < 0) {
            reply_topo_err(k, err);
            return;
        }
        reply_ok(k->c);
    } else if (arg_is(k, 3, "keys") && k->argc == 6) {
        if (slot_arg(k, 4, &slot, NULL) < 0 || arg_ll(k, 5, &n) < 0)
            return;
        if (n < 0) {
            reply_err(k->c, RT_MOCK_COUNT_NEGATIVE);
            return;
        }
        long long moved = cluster_migrate_keys(cl, slot, n, err, sizeof(err));
        if (moved < 0) {
            reply_topo_err(k, err);
            return;
        }
        reply_int(k->c, moved);
    } else if (arg_is(k, 3, "end") && k->argc == 5) {
        if (slot_arg(k, 4, &slot, NULL) < 0)
            return;
        if (cluster_migrate_end(cl, slot, err, sizeof(err)) < 0) {
            reply_topo_err(k, err);
            return;
        }
        reply_ok(k->c);
    } else if (k->argc == 5) {
        if (slot_arg(k, 3, &slot, &last) < 0 || (node = node_arg(k, 4)) < 0)
            return;
        long long moved = cluster_migrate_range(cl, slot, last, node, err, sizeof(err));
        if (moved < 0) {
            reply_topo_err(k, err);
            return;
        }
        reply_int(k->c, moved);
    } else {
        reply_errf(k->c, rtext[RT_SUBCMD_SYNTAX_FMT], k->argv[2], "MOCK");
    }
}

/* "0-5460,5462" style: the slots node i serves. */
static void slot_ranges(const struct cluster *cl, int i, struct buf *b)
{
    for (int from = 0, s, e; cluster_slot_run(cl, i, &from, &s, &e);) {
        char part[32];
        snprintf(part, sizeof(part), e > s ? "%s%d-%d" : "%s%d", b->len ? "," : "", s, e);
        buf_puts(b, part);
    }
}

static void cluster_nodes_sub(struct call *k)
{
    const struct cluster *cl = k->core->cluster;
    reply_array(k->c, cl->nnodes);
    for (int i = 0; i < cl->nnodes; i++) {
        const struct cluster_node *n = &cl->nodes[i];
        struct buf slots = BUF_INIT;
        slot_ranges(cl, i, &slots);
        reply_map(k->c, 8);
        reply_cstr(k->c, "index");
        reply_int(k->c, i);
        reply_cstr(k->c, "id");
        reply_cstr(k->c, n->id);
        reply_cstr(k->c, "port");
        reply_int(k->c, n->port);
        reply_cstr(k->c, "role");
        reply_cstr(k->c, n->primary < 0 ? "primary" : "replica");
        reply_cstr(k->c, "primary");
        reply_int(k->c, n->primary);
        reply_cstr(k->c, "slots");
        reply_bulk(k->c, slots.p ? slots.p : "", slots.len);
        reply_cstr(k->c, "down");
        reply_bool(k->c, n->down);
        reply_cstr(k->c, "failed");
        reply_bool(k->c, n->failed);
        buf_free(&slots);
    }
}

static void cluster_stats_sub(struct call *k)
{
    const struct cluster *cl = k->core->cluster;
    reply_array(k->c, cl->nnodes);
    for (int i = 0; i < cl->nnodes; i++) {
        const struct cluster_node *n = &cl->nodes[i];
        const char *names[] = {"index",     "commands", "moved",      "ask",
                               "crossslot", "tryagain", "clusterdown"};
        unsigned long long v[] = {(unsigned long long)i,
                                  n->core ? n->core->st.commands : 0,
                                  n->moved,
                                  n->ask,
                                  n->crossslot,
                                  n->tryagain,
                                  n->clusterdown};
        reply_map(k->c, 7);
        for (int j = 0; j < 7; j++) {
            reply_cstr(k->c, names[j]);
            reply_int(k->c, (long long)v[j]);
        }
    }
}

void cmd_mock_cluster(struct call *k)
{
    struct cluster *cl = k->core->cluster;
    char err[160];
    int node;
    if (cl == NULL) {
        reply_errf(k->c, "ERR mockredis: not in cluster mode (start with --cluster N)");
        return;
    }
    if (arg_is(k, 2, "migrate") && k->argc >= 5) {
        cluster_migrate_sub(k);
    } else if ((arg_is(k, 2, "failover") || arg_is(k, 2, "down") || arg_is(k, 2, "up")) &&
               k->argc == 4) {
        if ((node = node_arg(k, 3)) < 0)
            return;
        int rc = arg_is(k, 2, "failover") ? cluster_failover(cl, node, err, sizeof(err))
                 : arg_is(k, 2, "down")
                     ? cluster_node_down(cl, node, core_now_ms(k->core), err, sizeof(err))
                     : cluster_node_up(cl, node, err, sizeof(err));
        if (rc < 0) {
            reply_topo_err(k, err);
            return;
        }
        reply_ok(k->c);
    } else if (arg_is(k, 2, "nodes") && k->argc == 3) {
        cluster_nodes_sub(k);
    } else if (arg_is(k, 2, "stats") && k->argc == 3) {
        cluster_stats_sub(k);
    } else {
        reply_errf(k->c, rtext[RT_SUBCMD_SYNTAX_FMT], k->argv[2], "MOCK");
    }
}
