/* cmd_cluster.c - CLUSTER and its subcommands, ASKING, READONLY, READWRITE.
 *
 * A node of a simulated cluster (cluster.h) answers from the shared struct
 * cluster as a node of a converged real cluster created with `redis-cli
 * --cluster create` answers: CLUSTER SLOTS, SHARDS, NODES, INFO, MYID,
 * KEYSLOT, COUNTKEYSINSLOT, GETKEYSINSLOT, REPLICAS/SLAVES, LINKS,
 * COUNT-FAILURE-REPORTS, HELP; the admin subcommands change the shared
 * state with Redis 7.0.15's checks and errors (SETSLOT, ADDSLOTS[RANGE],
 * DELSLOTS[RANGE], FLUSHSLOTS, BUMPEPOCH, SET-CONFIG-EPOCH, SAVECONFIG,
 * FAILOVER, REPLICATE, MEET); what cannot be represented in one process
 * (FORGET, RESET, MEET of a stranger) answers an error starting with
 * "ERR mockredis:" after Redis's own checks. A standalone server answers
 * every one of them as a standalone redis-server: "ERR This instance has
 * cluster support disabled".
 *
 * There is no cluster bus: the bus port shown is port+10000 (Redis's
 * default) though nothing listens there, LINKS shows a link each way to
 * every reachable node, the message counters of CLUSTER INFO are zero.
 * docs/cluster.md ("The CLUSTER command and INFO") lists every choice.
 *
 * The reply builders (cl_*_reply) take the cluster, the node asked and the
 * clock, and write to a buffer in the client's protocol, so that unit tests
 * call them without a server. The error texts of this family are kept here.
 *
 * Depends on: cluster.h (the shared state, cluster_failover), cmd.h,
 * reply.h, mem.h, db.h / dict.h (the keys of a slot). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "cmd.h"
#include "dict.h"
#include "mem.h"
#include "reply.h"
#include "util.h"

#define ERR_DISABLED "ERR This instance has cluster support disabled"

/* ---- the shared state, as one node sees it ------------------------------------ */

static int cl_is_primary(const struct cluster *cl, int i)
{
    return cl->nodes[i].primary < 0;
}

/* The config epoch NODES and INFO show: a replica shows its primary's. */
static uint64_t cl_node_epoch(const struct cluster *cl, int i)
{
    return cl->nodes[cluster_primary_of(cl, i)].config_epoch;
}

/* Keys of slot in node i's keyspace (database 0: the only one in cluster
 * mode), stored ones, expired or not, as Redis's per-slot index counts
 * them. */
static long long cl_count_keys(const struct cluster *cl, int i, int slot)
{
    const struct core *core = cl->nodes[i].core;
    if (core == NULL)
        return 0;
    long long n = 0;
    for (struct dict_entry *e = dict_first(core->db[0].keys); e; e = dict_next(e))
        if ((int)cluster_keyslot(e->key, e->klen) == slot)
            n++;
    return n;
}

/* Redis's clusterBumpConfigEpochWithoutConsensus: node i takes a new
 * epoch unless its own is already the greatest and not 0. 1 when it did. */
int cluster_bump_epoch(struct cluster *cl, int i)
{
    uint64_t max = cl->current_epoch;
    for (int j = 0; j < cl->nnodes; j++)
        if (cl->nodes[j].config_epoch > max)
            max = cl->nodes[j].config_epoch;
    struct cluster_node *n = &cl->nodes[i];
    if (n->config_epoch != 0 && n->config_epoch == max)
        return 0;
    cl->current_epoch++;
    n->config_epoch = cl->current_epoch;
    return 1;
}

/* ---- reply builders ---------------------------------------------------------- */

/* "myself,master", "slave", "master,fail?", ... in Redis's order. */
static void cl_flags(struct buf *b, const struct cluster *cl, int i, int me)
{
    const struct cluster_node *n = &cl->nodes[i];
    buf_printf(b, "%s%s", i == me ? "myself," : "", cl_is_primary(cl, i) ? "master" : "slave");
    if (i != me && n->failed)
        buf_puts(b, ",fail");
    else if (i != me && n->down)
        buf_puts(b, ",fail?");
}

void cluster_node_line(struct buf *b, const struct cluster *cl, int i, int me, int64_t now_ms)
{
    const struct cluster_node *n = &cl->nodes[i];
    buf_printf(b, "%s %s:%d@%d ", n->id, cl->announce_ip, n->port, n->port + 10000);
    cl_flags(b, cl, i, me);
    int p = n->primary;
    long long ping = 0, pong = now_ms - now_ms % 1000;
    int down = i != me && n->down;
    if (down) { /* a ping waits for its pong since the node went down */
        ping = n->down_ms;
        pong = n->down_ms - n->down_ms % 1000;
    }
    buf_printf(b, " %s %lld %lld %llu %s", p < 0 ? "-" : cl->nodes[p].id, ping, pong,
               (unsigned long long)cl_node_epoch(cl, i), down ? "disconnected" : "connected");
    for (int from = 0, s, e; cluster_slot_run(cl, i, &from, &s, &e);) {
        if (e == s)
            buf_printf(b, " %d", s);
        else
            buf_printf(b, " %d-%d", s, e);
    }
    if (i == me) /* only a node's own migrations: the others do not know them */
        for (int s = 0; s < CLUSTER_SLOTS; s++) {
            if (cl->owner[s] == me && cl->migrating[s] >= 0)
                buf_printf(b, " [%d->-%s]", s, cl->nodes[cl->migrating[s]].id);
            if (cluster_importer(cl, s) == me)
                buf_printf(b, " [%d-<-%s]", s, cl->nodes[cl->importing[s]].id);
        }
}

void cluster_nodes_text(struct buf *b, const struct cluster *cl, int me, int64_t now_ms)
{
    for (int i = 0; i < cl->nnodes; i++) {
        cluster_node_line(b, cl, i, me, now_ms);
        buf_putc(b, '\n');
    }
}

/* One node of a SLOTS range: ip, port, id and the (empty) metadata map. */
static void cl_slots_node(struct buf *b, int proto, const struct cluster *cl, int i)
{
    resp_w_array(b, 4);
    resp_w_bulk(b, cl->announce_ip, strlen(cl->announce_ip));
    resp_w_int(b, cl->nodes[i].port);
    resp_w_bulk(b, cl->nodes[i].id, 40);
    resp_w_map(b, proto, 0);
}

void cluster_slots_reply(struct buf *b, int proto, const struct cluster *cl)
{
    int nranges = 0;
    for (int s = 0; s < CLUSTER_SLOTS; s++)
        if (cl->owner[s] >= 0 && (s == 0 || cl->owner[s - 1] != cl->owner[s]))
            nranges++;
    resp_w_array(b, nranges);
    for (int s = 0; s < CLUSTER_SLOTS; s++) {
        int o = cl->owner[s];
        if (o < 0)
            continue;
        int e = s;
        while (e + 1 < CLUSTER_SLOTS && cl->owner[e + 1] == o)
            e++;
        int nrep = 0; /* a failed replica is left out, a failed primary is not */
        for (int r = 0; r < cl->nnodes; r++)
            if (cl->nodes[r].primary == o && !cl->nodes[r].failed)
                nrep++;
        resp_w_array(b, 3 + nrep);
        resp_w_int(b, s);
        resp_w_int(b, e);
        cl_slots_node(b, proto, cl, o);
        for (int r = 0; r < cl->nnodes; r++)
            if (cl->nodes[r].primary == o && !cl->nodes[r].failed)
                cl_slots_node(b, proto, cl, r);
        s = e;
    }
}

static void cl_wkey(struct buf *b, const char *s)
{
    resp_w_bulk(b, s, strlen(s));
}

/* One node of a SHARDS entry. No replication runs between simulated
 * nodes: every offset is 0, and a replica is "online" (Redis calls a
 * replica with offset 0 "loading"), "fail" once failed. */
static void cl_shard_node(struct buf *b, int proto, const struct cluster *cl, int i)
{
    const struct cluster_node *n = &cl->nodes[i];
    resp_w_map(b, proto, 7);
    cl_wkey(b, "id");
    resp_w_bulk(b, n->id, 40);
    cl_wkey(b, "port");
    resp_w_int(b, n->port);
    cl_wkey(b, "ip");
    cl_wkey(b, cl->announce_ip);
    cl_wkey(b, "endpoint");
    cl_wkey(b, cl->announce_ip);
    cl_wkey(b, "role");
    cl_wkey(b, cl_is_primary(cl, i) ? "master" : "replica");
    cl_wkey(b, "replication-offset");
    resp_w_int(b, 0);
    cl_wkey(b, "health");
    cl_wkey(b, n->failed ? "fail" : "online");
}

void cluster_shards_reply(struct buf *b, int proto, const struct cluster *cl)
{
    int nshards = 0;
    for (int i = 0; i < cl->nnodes; i++)
        nshards += cl_is_primary(cl, i);
    resp_w_array(b, nshards);
    for (int p = 0; p < cl->nnodes; p++) {
        if (!cl_is_primary(cl, p))
            continue;
        resp_w_map(b, proto, 2);
        cl_wkey(b, "slots");
        int nranges = 0;
        for (int from = 0, s, e; cluster_slot_run(cl, p, &from, &s, &e);)
            nranges++;
        resp_w_array(b, 2 * nranges);
        for (int from = 0, s, e; cluster_slot_run(cl, p, &from, &s, &e);) {
            resp_w_int(b, s);
            resp_w_int(b, e);
        }
        cl_wkey(b, "nodes");
        int nrep = 0;
        for (int r = 0; r < cl->nnodes; r++)
            nrep += cl->nodes[r].primary == p;
        resp_w_array(b, 1 + nrep);
        cl_shard_node(b, proto, cl, p);
        for (int r = 0; r < cl->nnodes; r++)
            if (cl->nodes[r].primary == p)
                cl_shard_node(b, proto, cl, r);
    }
}

void cluster_info_text(struct buf *b, const struct cluster *cl, int me)
{
    int assigned = 0, pfail = 0, fail = 0, size = 0;
    int serves[CLUSTER_NODE_MAX] = {0};
    for (int s = 0; s < CLUSTER_SLOTS; s++) {
        int o = cl->owner[s];
        if (o < 0)
            continue;
        assigned++;
        serves[o] = 1;
        if (cl->nodes[o].failed)
            fail++;
        else if (cl->nodes[o].down)
            pfail++;
    }
    for (int i = 0; i < cl->nnodes; i++)
        size += serves[i];
    /* no bus: no message was sent or received, and Redis shows only the
     * totals then */
    buf_printf(b,
               "cluster_state:%s\r\ncluster_slots_assigned:%d\r\ncluster_slots_ok:%d\r\n"
               "cluster_slots_pfail:%d\r\ncluster_slots_fail:%d\r\ncluster_known_nodes:%d\r\n"
               "cluster_size:%d\r\ncluster_current_epoch:%llu\r\ncluster_my_epoch:%llu\r\n"
               "cluster_stats_messages_sent:0\r\ncluster_stats_messages_received:0\r\n"
               "total_cluster_links_buffer_limit_exceeded:0\r\n",
               cluster_state_ok(cl) ? "ok" : "fail", assigned, assigned - pfail - fail, pfail, fail,
               cl->nnodes, size, (unsigned long long)cl->current_epoch,
               (unsigned long long)cl_node_epoch(cl, me));
}

/* One link of LINKS. */
static void cl_link(struct buf *b, int proto, const char *dir, const char *id, long long created)
{
    resp_w_map(b, proto, 6);
    cl_wkey(b, "direction");
    cl_wkey(b, dir);
    cl_wkey(b, "node");
    resp_w_bulk(b, id, 40);
    cl_wkey(b, "create-time");
    resp_w_int(b, created);
    cl_wkey(b, "events");
    cl_wkey(b, "r");
    cl_wkey(b, "send-buffer-allocated");
    resp_w_int(b, 0);
    cl_wkey(b, "send-buffer-used");
    resp_w_int(b, 0);
}

void cluster_links_reply(struct buf *b, int proto, const struct cluster *cl, int me,
                         long long created_ms)
{
    int n = 0;
    for (int i = 0; i < cl->nnodes; i++)
        n += i != me && !cl->nodes[i].down;
    resp_w_array(b, 2 * n);
    for (int i = 0; i < cl->nnodes; i++) {
        if (i == me || cl->nodes[i].down)
            continue;
        cl_link(b, proto, "to", cl->nodes[i].id, created_ms);
        cl_link(b, proto, "from", cl->nodes[i].id, created_ms);
    }
}

/* ---- the commands ----------------------------------------------------------- */

/* The cluster of k's server, or NULL after answering that there is none. */
static struct cluster *cl_of(struct call *k)
{
    if (k->core->cluster == NULL)
        reply_errf(k->c, "%s", ERR_DISABLED);
    return k->core->cluster;
}

static int cl_me(const struct call *k)
{
    return k->core->cl_node;
}

static void cl_verbatim(struct call *k, struct buf *b)
{
    reply_verbatim(k->c, b->p ? b->p : "", b->len);
    buf_free(b);
}

static void cluster_nodes_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    struct buf b = BUF_INIT;
    cluster_nodes_text(&b, cl, cl_me(k), cmd_now(k));
    cl_verbatim(k, &b);
}

static void cluster_info_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    struct buf b = BUF_INIT;
    cluster_info_text(&b, cl, cl_me(k));
    cl_verbatim(k, &b);
}

static void cluster_slots_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl)
        cluster_slots_reply(&k->c->out, k->c->proto, cl);
}

static void cluster_shards_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl)
        cluster_shards_reply(&k->c->out, k->c->proto, cl);
}

static void cluster_links_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    /* the links were made when the node started: its start on the server clock */
    long long up_ms = (clk_mono_us() - k->core->start_us) / 1000;
    cluster_links_reply(&k->c->out, k->c->proto, cl, cl_me(k), cmd_now(k) - up_ms);
}

static void cluster_myid_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl)
        reply_bulk(k->c, cl->nodes[cl_me(k)].id, 40);
}

static void cluster_keyslot_cmd(struct call *k)
{
    if (cl_of(k))
        reply_int(k->c, cluster_keyslot(k->argv[2], k->argl[2]));
}

static void cluster_countkeysinslot_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    long long slot;
    if (cl == NULL || arg_ll(k, 2, &slot) < 0)
        return;
    if (slot < 0 || slot >= CLUSTER_SLOTS) {
        reply_errf(k->c, "ERR Invalid slot");
        return;
    }
    reply_int(k->c, cl_count_keys(cl, cl_me(k), (int)slot));
}

/* The keys of slot, newest first (Redis's per-slot list adds at its head;
 * a key overwritten keeps its place), at most max of them. */
static void cluster_getkeysinslot_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    long long slot, max;
    if (cl == NULL || arg_ll(k, 2, &slot) < 0 || arg_ll(k, 3, &max) < 0)
        return;
    if (slot < 0 || slot >= CLUSTER_SLOTS || max < 0) {
        reply_errf(k->c, "ERR Invalid slot or number of keys");
        return;
    }
    long long n = cl_count_keys(cl, cl_me(k), (int)slot);
    if (max > n)
        max = n;
    reply_array(k->c, max);
    if (max == 0)
        return;
    const struct dict_entry **in = mem_alloc(sizeof(*in) * (size_t)n);
    long long j = 0;
    for (struct dict_entry *e = dict_first(k->core->db[0].keys); e; e = dict_next(e))
        if ((int)cluster_keyslot(e->key, e->klen) == slot)
            in[j++] = e;
    for (long long i = 0; i < max; i++)
        reply_bulk(k->c, in[n - 1 - i]->key, in[n - 1 - i]->klen);
    free(in);
}

static void cluster_replicas_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    int p = cluster_node_by_id(cl, k->argv[2], k->argl[2]);
    if (p < 0) {
        reply_errf(k->c, "ERR Unknown node %s", k->argv[2]);
        return;
    }
    if (!cl_is_primary(cl, p)) {
        reply_errf(k->c, "ERR The specified node is not a master");
        return;
    }
    int n = 0;
    for (int r = 0; r < cl->nnodes; r++)
        n += cl->nodes[r].primary == p;
    reply_array(k->c, n);
    for (int r = 0; r < cl->nnodes; r++) {
        if (cl->nodes[r].primary != p)
            continue;
        struct buf b = BUF_INIT;
        cluster_node_line(&b, cl, r, cl_me(k), cmd_now(k));
        reply_bulk(k->c, b.p, b.len);
        buf_free(&b);
    }
}

/* Failure reports about node i that node me holds: from every other
 * primary that sees i down (gossip would bring them), none otherwise. */
static void cluster_count_failure_reports_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    int i = cluster_node_by_id(cl, k->argv[2], k->argl[2]);
    if (i < 0) {
        reply_errf(k->c, "ERR Unknown node %s", k->argv[2]);
        return;
    }
    int n = 0;
    if (cl->nodes[i].down)
        for (int p = 0; p < cl->nnodes; p++)
            n += cl_is_primary(cl, p) && p != i && p != cl_me(k) && !cl->nodes[p].down;
    reply_int(k->c, n);
}

static void cluster_saveconfig_cmd(struct call *k)
{
    if (cl_of(k))
        reply_ok(k->c); /* there is no nodes.conf to write */
}

static void cluster_bumpepoch_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    int me = cl_me(k);
    char line[64];
    int bumped = cluster_bump_epoch(cl, me);
    snprintf(line, sizeof(line), "%s %llu", bumped ? "BUMPED" : "STILL",
             (unsigned long long)cl->nodes[me].config_epoch);
    reply_simple(k->c, line);
}

static void cluster_set_config_epoch_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    long long epoch;
    if (cl == NULL || arg_ll(k, 2, &epoch) < 0)
        return;
    struct cluster_node *n = &cl->nodes[cl_me(k)];
    if (epoch < 0) {
        reply_errf(k->c, "ERR Invalid config epoch specified: %lld", epoch);
    } else if (cl->nnodes > 1) {
        reply_errf(k->c, "ERR The user can assign a config epoch only when the node does not "
                         "know any other node.");
    } else if (n->config_epoch != 0) {
        reply_errf(k->c, "ERR Node config epoch is already non-zero");
    } else {
        n->config_epoch = (uint64_t)epoch;
        if (cl->current_epoch < (uint64_t)epoch)
            cl->current_epoch = (uint64_t)epoch;
        reply_ok(k->c);
    }
}

/* A slot argument of ADDSLOTS, DELSLOTS, SETSLOT: -1 after the error. */
static int cl_slot_arg(struct call *k, int i)
{
    long long s;
    if (!util_str2ll(k->argv[i], k->argl[i], &s) || s < 0 || s >= CLUSTER_SLOTS) {
        reply_errf(k->c, "ERR Invalid or out of range slot");
        return -1;
    }
    return (int)s;
}

/* Checks slots from..to for ADDSLOTS (del 0) or DELSLOTS (del 1), marking
 * them in seen; -1 after Redis's error. */
static int cl_check_slots(struct call *k, const struct cluster *cl, unsigned char *seen, int del,
                          int from, int to)
{
    for (int s = from; s <= to; s++) {
        if (del && cl->owner[s] < 0) {
            reply_errf(k->c, "ERR Slot %d is already unassigned", s);
            return -1;
        }
        if (!del && cl->owner[s] >= 0) {
            reply_errf(k->c, "ERR Slot %d is already busy", s);
            return -1;
        }
        if (seen[s]++ == 1) {
            reply_errf(k->c, "ERR Slot %d specified multiple times", s);
            return -1;
        }
    }
    return 0;
}

/* Assigns (del 0) or unassigns the slots marked in seen. */
static void cl_update_slots(struct call *k, struct cluster *cl, const unsigned char *seen, int del)
{
    int me = cl_me(k);
    for (int s = 0; s < CLUSTER_SLOTS; s++) {
        if (!seen[s])
            continue;
        if (del) {
            cl->owner[s] = -1;
            cl->migrating[s] = -1;
        } else {
            cl->owner[s] = (int16_t)me;
            if (cluster_importer(cl, s) == me) /* the owner now: no longer importing */
                cl->importing[s] = -1;
        }
    }
    reply_ok(k->c);
}

/* ADDSLOTS, DELSLOTS (range 0) and their RANGE forms. */
static void cl_slots_cmd(struct call *k, int del, int range)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    if (range && k->argc % 2 == 1) {
        char name[64];
        cmd_fullname(k->cmd, cmd_lookup("cluster", 7), name, sizeof(name));
        reply_errf(k->c, "ERR wrong number of arguments for '%s' command", name);
        return;
    }
    if (!del && !cl_is_primary(cl, cl_me(k))) {
        reply_errf(k->c, "ERR mockredis: a replica owning slots is not simulated");
        return;
    }
    unsigned char *seen = mem_calloc(CLUSTER_SLOTS, 1);
    int ok = 1;
    if (!range) {
        for (int i = 2; ok && i < k->argc; i++)
            ok = cl_slot_arg(k, i) >= 0;
        for (int i = 2; ok && i < k->argc; i++) {
            int s = cl_slot_arg(k, i);
            ok = cl_check_slots(k, cl, seen, del, s, s) == 0;
        }
    } else {
        for (int i = 2; ok && i < k->argc; i += 2) {
            int from = cl_slot_arg(k, i), to = from < 0 ? -1 : cl_slot_arg(k, i + 1);
            if (from < 0 || to < 0) {
                ok = 0;
            } else if (from > to) {
                reply_errf(k->c, "ERR start slot number %d is greater than end slot number %d",
                           from, to);
                ok = 0;
            } else {
                ok = cl_check_slots(k, cl, seen, del, from, to) == 0;
            }
        }
    }
    if (ok)
        cl_update_slots(k, cl, seen, del);
    free(seen);
}

static void cluster_addslots_cmd(struct call *k)
{
    cl_slots_cmd(k, 0, 0);
}
static void cluster_delslots_cmd(struct call *k)
{
    cl_slots_cmd(k, 1, 0);
}
static void cluster_addslotsrange_cmd(struct call *k)
{
    cl_slots_cmd(k, 0, 1);
}
static void cluster_delslotsrange_cmd(struct call *k)
{
    cl_slots_cmd(k, 1, 1);
}

static void cluster_flushslots_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    if (db_size(&k->core->db[0]) != 0) {
        reply_errf(k->c, "ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
        return;
    }
    for (int s = 0; s < CLUSTER_SLOTS; s++)
        if (cl->owner[s] == cl_me(k)) {
            cl->owner[s] = -1;
            cl->migrating[s] = -1;
        }
    reply_ok(k->c);
}

/* SETSLOT NODE: the slot is n's from now on, for every node at once (the
 * shared state), its migration over. The owner gives it away only once it
 * holds no key of it, as Redis 7.0. */
static void cl_setslot_node(struct call *k, struct cluster *cl, int slot, int n)
{
    int me = cl_me(k);
    int was_mine = cl->owner[slot] == me;
    if (was_mine && n != me && cl_count_keys(cl, me, slot) > 0) {
        reply_errf(k->c,
                   "ERR Can't assign hashslot %d to a different node while I still hold keys "
                   "for this hash slot.",
                   slot);
        return;
    }
    cl->owner[slot] = (int16_t)n;
    cl->migrating[slot] = -1;
    if (n == me && cluster_importer(cl, slot) == me) {
        /* a slot moved by hand: a new epoch, as Redis takes without consensus */
        cluster_bump_epoch(cl, me);
        cl->importing[slot] = -1;
        cl->importer1[slot] = 0;
    }
    /* a primary left without slots follows the new owner (Redis's
     * cluster-allow-replica-migration, yes by default); one with replicas
     * of its own stays a primary here */
    if (was_mine && n != me) {
        int slots = 0, reps = 0;
        for (int s = 0; s < CLUSTER_SLOTS && !slots; s++)
            slots = cl->owner[s] == me;
        for (int r = 0; r < cl->nnodes; r++)
            reps += cl->nodes[r].primary == me;
        if (!slots && !reps)
            cl->nodes[me].primary = n;
    }
    reply_ok(k->c);
}

static void cluster_setslot_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    int me = cl_me(k);
    if (!cl_is_primary(cl, me)) {
        reply_errf(k->c, "ERR Please use SETSLOT only with masters.");
        return;
    }
    int slot = cl_slot_arg(k, 2);
    if (slot < 0)
        return;
    int n = k->argc == 5 ? cluster_node_by_id(cl, k->argv[4], k->argl[4]) : -1;
    if (arg_is(k, 3, "migrating") && k->argc == 5) {
        if (cl->owner[slot] != me) {
            reply_errf(k->c, "ERR I'm not the owner of hash slot %d", slot);
        } else if (n < 0) {
            reply_errf(k->c, "ERR I don't know about node %s", k->argv[4]);
        } else if (!cl_is_primary(cl, n)) {
            reply_errf(k->c, "ERR Target node is not a master");
        } else {
            cl->migrating[slot] = (int16_t)n;
            reply_ok(k->c);
        }
    } else if (arg_is(k, 3, "importing") && k->argc == 5) {
        if (cl->owner[slot] == me) {
            reply_errf(k->c, "ERR I'm already the owner of hash slot %d", slot);
        } else if (n < 0) {
            reply_errf(k->c, "ERR I don't know about node %s", k->argv[4]);
        } else if (!cl_is_primary(cl, n)) {
            reply_errf(k->c, "ERR Target node is not a master");
        } else {
            cl->importing[slot] = (int16_t)n;
            cl->importer1[slot] = (int16_t)(me + 1);
            reply_ok(k->c);
        }
    } else if (arg_is(k, 3, "stable") && k->argc == 4) {
        /* this node's states only */
        if (cl->owner[slot] == me)
            cl->migrating[slot] = -1;
        if (cluster_importer(cl, slot) == me) {
            cl->importing[slot] = -1;
            cl->importer1[slot] = 0;
        }
        reply_ok(k->c);
    } else if (arg_is(k, 3, "node") && k->argc == 5) {
        if (n < 0)
            reply_errf(k->c, "ERR Unknown node %s", k->argv[4]);
        else if (!cl_is_primary(cl, n))
            reply_errf(k->c, "ERR Target node is not a master");
        else
            cl_setslot_node(k, cl, slot, n);
    } else {
        reply_errf(k->c,
                   "ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
    }
}

/* Redis names the subcommand as the client wrote it. */
static void cl_subcmd_syntax(struct call *k)
{
    reply_errf(
        k->c, "ERR unknown subcommand or wrong number of arguments for '%.128s'. Try CLUSTER HELP.",
        k->argv[1]);
}

static void cluster_failover_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    int force = 0;
    if (k->argc > 3) {
        cl_subcmd_syntax(k);
        return;
    }
    if (k->argc == 3) {
        if (arg_is(k, 2, "force") || arg_is(k, 2, "takeover")) {
            force = 1;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    }
    int me = cl_me(k), p = cl->nodes[me].primary;
    if (p < 0) {
        reply_errf(k->c, "ERR You should send CLUSTER FAILOVER to a replica");
        return;
    }
    if (!force && (cl->nodes[p].failed || cl->nodes[p].down)) {
        reply_errf(k->c, "ERR Master is down or failed, please use CLUSTER FAILOVER FORCE");
        return;
    }
    char err[256];
    if (cluster_failover(cl, me, err, sizeof(err)) < 0) {
        reply_errf(k->c, "ERR mockredis: %s", err);
        return;
    }
    reply_ok(k->c);
}

static void cluster_replicate_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    int me = cl_me(k), n = cluster_node_by_id(cl, k->argv[2], k->argl[2]);
    if (n < 0) {
        reply_errf(k->c, "ERR Unknown node %s", k->argv[2]);
        return;
    }
    if (n == me) {
        reply_errf(k->c, "ERR Can't replicate myself");
        return;
    }
    if (!cl_is_primary(cl, n)) {
        reply_errf(k->c, "ERR I can only replicate a master, not a replica.");
        return;
    }
    if (cl_is_primary(cl, me)) {
        int slots = 0;
        for (int s = 0; s < CLUSTER_SLOTS && !slots; s++)
            slots = cl->owner[s] == me;
        if (slots || db_size(&k->core->db[0]) != 0) {
            reply_errf(k->c,
                       "ERR To set a master the node must be empty and without assigned slots.");
            return;
        }
        for (int r = 0; r < cl->nnodes; r++)
            if (cl->nodes[r].primary == me) {
                reply_errf(k->c, "ERR mockredis: a primary with replicas becoming a replica is "
                                 "not simulated");
                return;
            }
    }
    cl->nodes[me].primary = n;
    reply_ok(k->c);
}

static void cluster_forget_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    int me = cl_me(k), n = cluster_node_by_id(cl, k->argv[2], k->argl[2]);
    if (n < 0)
        reply_errf(k->c, "ERR Unknown node %s", k->argv[2]);
    else if (n == me)
        reply_errf(k->c, "ERR I tried hard but I can't forget myself...");
    else if (cl->nodes[me].primary == n)
        reply_errf(k->c, "ERR Can't forget my master!");
    else
        reply_errf(k->c, "ERR mockredis: CLUSTER FORGET is not simulated (every node of the "
                         "process knows every other one)");
}

static void cluster_meet_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    if (k->argc > 5) {
        cl_subcmd_syntax(k);
        return;
    }
    long long port, cport = 0;
    if (!util_str2ll(k->argv[3], k->argl[3], &port)) {
        reply_errf(k->c, "ERR Invalid TCP base port specified: %s", k->argv[3]);
        return;
    }
    if (k->argc == 5 && !util_str2ll(k->argv[4], k->argl[4], &cport)) {
        reply_errf(k->c, "ERR Invalid TCP bus port specified: %s", k->argv[4]);
        return;
    }
    if (k->argc < 5)
        cport = port + 10000;
    unsigned char addr[16];
    if ((inet_pton(AF_INET, k->argv[2], addr) != 1 && inet_pton(AF_INET6, k->argv[2], addr) != 1) ||
        port <= 0 || port > 65535 || cport <= 0 || cport > 65535) {
        reply_errf(k->c, "ERR Invalid node address specified: %s:%s", k->argv[2], k->argv[3]);
        return;
    }
    for (int i = 0; i < cl->nnodes; i++)
        if (cl->nodes[i].port == port && strcmp(k->argv[2], cl->announce_ip) == 0) {
            reply_ok(k->c); /* a node it knows: the handshake finds nothing new */
            return;
        }
    reply_errf(k->c, "ERR mockredis: CLUSTER MEET of a node outside this process is not "
                     "simulated");
}

static void cluster_reset_cmd(struct call *k)
{
    struct cluster *cl = cl_of(k);
    if (cl == NULL)
        return;
    if (k->argc > 3) {
        cl_subcmd_syntax(k);
        return;
    }
    if (k->argc == 3 && !arg_is(k, 2, "hard") && !arg_is(k, 2, "soft")) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    if (cl_is_primary(cl, cl_me(k)) && db_size(&k->core->db[0]) != 0) {
        reply_errf(k->c, "ERR CLUSTER RESET can't be called with master nodes containing keys");
        return;
    }
    reply_errf(k->c, "ERR mockredis: CLUSTER RESET is not simulated (the node would leave the "
                     "cluster)");
}

static void cluster_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ADDSLOTS <slot> [<slot> ...]",
        "    Assign slots to current node.",
        "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Assign slots which are between <start-slot> and <end-slot> to current node.",
        "BUMPEPOCH",
        "    Advance the cluster config epoch.",
        "COUNT-FAILURE-REPORTS <node-id>",
        "    Return number of failure reports for <node-id>.",
        "COUNTKEYSINSLOT <slot>",
        "    Return the number of keys in <slot>.",
        "DELSLOTS <slot> [<slot> ...]",
        "    Delete slots information from current node.",
        "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
        "    Delete slots information which are between <start-slot> and <end-slot> from current "
        "node.",
        "FAILOVER [FORCE|TAKEOVER]",
        "    Promote current replica node to being a master.",
        "FORGET <node-id>",
        "    Remove a node from the cluster.",
        "GETKEYSINSLOT <slot> <count>",
        "    Return key names stored by current node in a slot.",
        "FLUSHSLOTS",
        "    Delete current node own slots information.",
        "INFO",
        "    Return information about the cluster.",
        "KEYSLOT <key>",
        "    Return the hash slot for <key>.",
        "MEET <ip> <port> [<bus-port>]",
        "    Connect nodes into a working cluster.",
        "MYID",
        "    Return the node id.",
        "NODES",
        "    Return cluster configuration seen by node. Output format:",
        "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
        "REPLICATE <node-id>",
        "    Configure current node as replica to <node-id>.",
        "RESET [HARD|SOFT]",
        "    Reset current node (default: soft).",
        "SET-CONFIG-EPOCH <epoch>",
        "    Set config epoch of current node.",
        "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
        "    Set slot state.",
        "REPLICAS <node-id>",
        "    Return <node-id> replicas.",
        "SAVECONFIG",
        "    Force saving cluster configuration on disk.",
        "SLOTS",
        "    Return information about slots range mappings. Each range is made of:",
        "    start, end, master and replicas IP addresses, ports and ids",
        "SHARDS",
        "    Return information about slot range mappings and the nodes associated with them.",
        "LINKS",
        "    Return information about all network links between this node and its peers.",
        "    Output format is an array where each array element is a map containing attributes "
        "of a link",
        "HELP",
        "    Prints this help.",
    };
    if (cl_of(k))
        reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

static void asking_cmd(struct call *k)
{
    if (cl_of(k)) {
        k->c->flags |= CL_ASKING;
        reply_ok(k->c);
    }
}

static void readonly_cmd(struct call *k)
{
    if (cl_of(k)) {
        k->c->flags |= CL_READONLY;
        reply_ok(k->c);
    }
}

static void readwrite_cmd(struct call *k)
{
    if (cl_of(k)) {
        k->c->flags &= ~CL_READONLY;
        reply_ok(k->c);
    }
}

// clang-format off
static struct cmd_def cluster_subs[] = {
    {.name = "addslots", .fn = cluster_addslots_cmd,
     .arity = -3, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(N) where N is the total number of hash slot arguments",
     ARGS({.name = "slot", .type = ARG_INTEGER, .aflags = ARGF_MULTIPLE}),
     .summary = "Assigns hash slots to this node."},
    {.name = "addslotsrange", .fn = cluster_addslotsrange_cmd,
     .arity = -4, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "7.0.0", .group = "cluster",
     .complexity = "O(N) where N is the total number of the slots between the start slot and end slot arguments.",
     ARGS({.name = "start-slot_end-slot", .type = ARG_BLOCK, .aflags = ARGF_MULTIPLE,
           SUBARGS({.name = "start-slot", .type = ARG_INTEGER},
                   {.name = "end-slot", .type = ARG_INTEGER})}),
     .summary = "Assigns ranges of hash slots to this node."},
    {.name = "bumpepoch", .fn = cluster_bumpepoch_cmd,
     .arity = 2, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "nondeterministic_output",
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     .summary = "Gives this node a new config epoch unless it has the greatest."},
    {.name = "count-failure-reports", .fn = cluster_count_failure_reports_cmd,
     .arity = 3, .rflags = RF_ADMIN | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "nondeterministic_output",
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(N) where N is the number of failure reports",
     ARGS({.name = "node-id", .type = ARG_STRING}),
     .summary = "How many nodes report a node as failing."},
    {.name = "countkeysinslot", .fn = cluster_countkeysinslot_cmd,
     .arity = 3, .rflags = RF_STALE,
     .acl = CAT_SLOW,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     ARGS({.name = "slot", .type = ARG_INTEGER}),
     .summary = "How many keys of a hash slot this node holds."},
    {.name = "delslots", .fn = cluster_delslots_cmd,
     .arity = -3, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(N) where N is the total number of hash slot arguments",
     ARGS({.name = "slot", .type = ARG_INTEGER, .aflags = ARGF_MULTIPLE}),
     .summary = "Unassigns hash slots."},
    {.name = "delslotsrange", .fn = cluster_delslotsrange_cmd,
     .arity = -4, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "7.0.0", .group = "cluster",
     .complexity = "O(N) where N is the total number of the slots between the start slot and end slot arguments.",
     ARGS({.name = "start-slot_end-slot", .type = ARG_BLOCK, .aflags = ARGF_MULTIPLE,
           SUBARGS({.name = "start-slot", .type = ARG_INTEGER},
                   {.name = "end-slot", .type = ARG_INTEGER})}),
     .summary = "Unassigns ranges of hash slots."},
    {.name = "failover", .fn = cluster_failover_cmd,
     .arity = -2, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     ARGS({.name = "options", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "force", .type = ARG_PURE_TOKEN, .token = "FORCE"},
                   {.name = "takeover", .type = ARG_PURE_TOKEN, .token = "TAKEOVER"})}),
     .summary = "Makes this replica its primary's successor."},
    {.name = "flushslots", .fn = cluster_flushslots_cmd,
     .arity = 2, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     .summary = "Unassigns every slot of this node."},
    {.name = "forget", .fn = cluster_forget_cmd,
     .arity = 3, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     ARGS({.name = "node-id", .type = ARG_STRING}),
     .summary = "Removes a node from this node's table."},
    {.name = "getkeysinslot", .fn = cluster_getkeysinslot_cmd,
     .arity = 4, .rflags = RF_STALE,
     .acl = CAT_SLOW,
     .tips = "nondeterministic_output",
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(log(N)) where N is the number of requested keys",
     ARGS({.name = "slot", .type = ARG_INTEGER},
          {.name = "count", .type = ARG_INTEGER}),
     .summary = "Names of keys of a hash slot held by this node."},
    {.name = "help", .fn = cluster_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW,
     .since = "5.0.0", .group = "cluster",
     .complexity = "O(1)",
     .summary = "Lists the CLUSTER subcommands."},
    {.name = "info", .fn = cluster_info_cmd,
     .arity = 2, .rflags = RF_STALE,
     .acl = CAT_SLOW,
     .tips = "nondeterministic_output",
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     .summary = "The cluster's state as this node sees it."},
    {.name = "keyslot", .fn = cluster_keyslot_cmd,
     .arity = 3, .rflags = RF_STALE,
     .acl = CAT_SLOW,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(N) where N is the number of bytes in the key",
     ARGS({.name = "key", .type = ARG_STRING}),
     .summary = "The hash slot of a key."},
    {.name = "links", .fn = cluster_links_cmd,
     .arity = 2, .rflags = RF_STALE,
     .acl = CAT_SLOW,
     .tips = "nondeterministic_output",
     .since = "7.0.0", .group = "cluster",
     .complexity = "O(N) where N is the total number of Cluster nodes",
     .summary = "This node's links to the other nodes."},
    {.name = "meet", .fn = cluster_meet_cmd,
     .arity = -4, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     ARGS({.name = "ip", .type = ARG_STRING},
          {.name = "port", .type = ARG_INTEGER},
          {.name = "cluster_bus_port", .type = ARG_INTEGER, .since = "4.0.0", .aflags = ARGF_OPTIONAL}),
     .summary = "Introduces a node to the cluster."},
    {.name = "myid", .fn = cluster_myid_cmd,
     .arity = 2, .rflags = RF_STALE,
     .acl = CAT_SLOW,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     .summary = "This node's id."},
    {.name = "nodes", .fn = cluster_nodes_cmd,
     .arity = 2, .rflags = RF_STALE,
     .acl = CAT_SLOW,
     .tips = "nondeterministic_output",
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(N) where N is the total number of Cluster nodes",
     .summary = "Every node as this node sees it, one line each."},
    {.name = "replicas", .fn = cluster_replicas_cmd,
     .arity = 3, .rflags = RF_ADMIN | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "nondeterministic_output",
     .since = "5.0.0", .group = "cluster",
     .complexity = "O(1)",
     ARGS({.name = "node-id", .type = ARG_STRING}),
     .summary = "The replicas of a primary, as NODES lines."},
    {.name = "replicate", .fn = cluster_replicate_cmd,
     .arity = 3, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     ARGS({.name = "node-id", .type = ARG_STRING}),
     .summary = "Makes this node a replica of a primary."},
    {.name = "reset", .fn = cluster_reset_cmd,
     .arity = -2, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.",
     ARGS({.name = "hard_soft", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "hard", .type = ARG_PURE_TOKEN, .token = "HARD"},
                   {.name = "soft", .type = ARG_PURE_TOKEN, .token = "SOFT"})}),
     .summary = "Makes this node forget the cluster."},
    {.name = "saveconfig", .fn = cluster_saveconfig_cmd,
     .arity = 2, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     .summary = "Writes the node table to disk."},
    {.name = "set-config-epoch", .fn = cluster_set_config_epoch_cmd,
     .arity = 3, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     ARGS({.name = "config-epoch", .type = ARG_INTEGER}),
     .summary = "Sets the config epoch of a new node."},
    {.name = "setslot", .fn = cluster_setslot_cmd,
     .arity = -4, .rflags = RF_ADMIN | RF_STALE | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     ARGS({.name = "slot", .type = ARG_INTEGER},
          {.name = "subcommand", .type = ARG_ONEOF,
           SUBARGS({.name = "node-id", .type = ARG_STRING, .token = "IMPORTING"},
                   {.name = "node-id", .type = ARG_STRING, .token = "MIGRATING"},
                   {.name = "node-id", .type = ARG_STRING, .token = "NODE"},
                   {.name = "stable", .type = ARG_PURE_TOKEN, .token = "STABLE"})}),
     .summary = "Marks a hash slot migrating, importing, stable or owned by a node."},
    {.name = "shards", .fn = cluster_shards_cmd,
     .arity = 2, .rflags = RF_STALE,
     .acl = CAT_SLOW,
     .tips = "nondeterministic_output",
     .since = "7.0.0", .group = "cluster",
     .complexity = "O(N) where N is the total number of cluster nodes",
     .summary = "The shards: their slot ranges and nodes."},
    {.name = "slaves", .fn = cluster_replicas_cmd,
     .arity = 3, .rflags = RF_ADMIN | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "nondeterministic_output",
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     .doc_flags = DOC_DEPRECATED,
     .deprecated_since = "5.0.0",
     .replaced_by = "`CLUSTER REPLICAS`",
     ARGS({.name = "node-id", .type = ARG_STRING}),
     .summary = "The replicas of a primary (the old name of REPLICAS)."},
    {.name = "slots", .fn = cluster_slots_cmd,
     .arity = 2, .rflags = RF_STALE,
     .acl = CAT_SLOW,
     .tips = "nondeterministic_output",
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(N) where N is the total number of Cluster nodes",
     .doc_flags = DOC_DEPRECATED,
     .deprecated_since = "7.0.0",
     .replaced_by = "`CLUSTER SHARDS`",
     .summary = "The slot ranges and the nodes serving each."},
    {.name = NULL},
};

struct cmd_def cmd_cluster_table[] = {
    {.name = "cluster", .subs = cluster_subs,
     .arity = -2,
     .acl = CAT_SLOW,
     .since = "3.0.0", .group = "cluster",
     .complexity = "Depends on subcommand.",
     .summary = "Cluster administration and introspection."},
    {.name = "asking", .fn = asking_cmd,
     .arity = 1, .rflags = RF_FAST,
     .acl = CAT_FAST | CAT_CONNECTION,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     .summary = "Lets the next command use a slot this node imports."},
    {.name = "readonly", .fn = readonly_cmd,
     .arity = 1, .rflags = RF_LOADING | RF_STALE | RF_FAST,
     .acl = CAT_FAST | CAT_CONNECTION,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     .summary = "Lets this connection read from a replica."},
    {.name = "readwrite", .fn = readwrite_cmd,
     .arity = 1, .rflags = RF_LOADING | RF_STALE | RF_FAST,
     .acl = CAT_FAST | CAT_CONNECTION,
     .since = "3.0.0", .group = "cluster",
     .complexity = "O(1)",
     .summary = "Ends READONLY."},
    {.name = NULL},
};
// clang-format on
