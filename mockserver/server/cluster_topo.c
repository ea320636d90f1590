/* cluster_topo.c - topology changes of a simulated cluster: slot
 * migration, failover, nodes down and up, the failure detector and the
 * cluster's one clock; see cluster.h.
 *
 * Every change is made to the one struct cluster all nodes share, so all
 * of them see it at once, as a real cluster sees it once the gossip has
 * settled. What clients of a node see because of a change follows Redis
 * 7.0: a master turned replica answers its blocked clients -UNBLOCKED and
 * closes them after the reply; a client blocked on a key whose slot the
 * node no longer serves gets -MOVED (or -CLUSTERDOWN) from the next cron
 * (cluster_redirect_blocked, Redis's clusterRedirectBlockedClientIfNeeded),
 * here also right after the change, so that tests need not wait.
 *
 * Not here: the network side of a node going down (cl->node_net, net.c),
 * the copy of a primary's data to its replicas (cluster_repl.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "cluster.h"
#include "cmd.h"
#include "core.h"
#include "dict.h"
#include "mem.h"
#include "memory.h"
#include "notify.h"
#include "rtext.h"
#include "util.h"

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

int cluster_node_lookup(const struct cluster *cl, const char *s, size_t len)
{
    long long i;
    if (len > 0 && len < 4 && util_str2ll(s, len, &i))
        return i >= 0 && i < cl->nnodes ? (int)i : -1;
    return cluster_node_by_id(cl, s, len);
}

/* ---- blocked clients of a node that no longer serves their keys ---------- */

static void unblock_with(struct core *core, struct client *c, const char *fmt, int slot, int node)
{
    char msg[128], addr[96];
    if (node >= 0) {
        cluster_node_addr(core->cluster, node, addr, sizeof(addr));
        snprintf(msg, sizeof(msg), fmt, slot, addr);
    } else {
        snprintf(msg, sizeof(msg), "%s", fmt);
    }
    block_unblock_error(core, c, msg);
}

/* Redis's clusterRedirectBlockedClientIfNeeded for every client of node i
 * blocked on keys: the cluster down, CLUSTERDOWN; the first key's slot
 * unassigned, CLUSTERDOWN Hash slot not served; served by another node (a
 * READONLY reader on its primary's replica excepted) and not imported
 * here, MOVED. */
static void redirect_blocked(struct cluster *cl, int i)
{
    struct core *core = cl->nodes[i].core;
    if (core == NULL || core->nblocked == 0)
        return;
    int ok = cluster_state_ok(cl);
    struct client *c = core->clients, *next;
    for (; c; c = next) {
        next = c->next;
        int dbi, slot, owner;
        const char *key;
        size_t klen;
        /* WAIT blocks on no key of the keyspace (cmd_db.c): Redis leaves
         * it alone too (only list, zset and stream waits are redirected) */
        if (!block_first_key(c, &dbi, &key, &klen) ||
            (c->lastcmd != NULL && strcmp(c->lastcmd->name, "wait") == 0))
            continue;
        if (!ok) {
            unblock_with(core, c, rtext[RT_CL_DOWN], 0, -1);
            continue;
        }
        slot = (int)cluster_keyslot(key, klen);
        owner = cl->owner[slot];
        if (owner >= 0 && (c->flags & CL_READONLY) && cl->nodes[i].primary == owner &&
            !(c->lastcmd && (c->lastcmd->rflags & RF_WRITE)))
            owner = i;
        if (owner == i || cluster_importer(cl, slot) == i)
            continue;
        if (owner < 0)
            unblock_with(core, c, rtext[RT_CL_DOWN_UNBOUND], 0, -1);
        else
            unblock_with(core, c, rtext[RT_CL_MOVED_FMT], slot, owner);
    }
}

static void redirect_all(struct cluster *cl)
{
    for (int i = 0; i < cl->nnodes; i++)
        redirect_blocked(cl, i);
}

/* ---- slot migration ---------------------------------------------------------- */

int cluster_move_key(struct cluster *cl, int from, int to, const char *key, size_t klen)
{
    struct core *fc = cl->nodes[from].core, *tc = cl->nodes[to].core;
    if (fc == NULL || tc == NULL || from == to)
        return 0;
    struct obj *o = db_take(&fc->db[0], key, klen, core_now_ms(fc));
    if (o == NULL)
        return 0;
    cluster_restore(tc, 0, key, klen, o);
    fc->dirty++;
    notify_keyspace_event(fc, NOTIFY_GENERIC, "del", key, klen, 0);
    return 1;
}

void cluster_restore(struct core *core, int dbi, const char *key, size_t klen, struct obj *o)
{
    /* a value made anew from the payload: no access history, its
     * encoding chosen from its size */
    o->lru = OBJ_LRU_UNSET;
    mem_reencode(o);
    struct db *db = &core->db[dbi];
    if (db_peek(db, key, klen) != NULL) /* REPLACE: the old value goes first */
        (void)db_delete_stored(db, key, klen);
    db_set(db, key, klen, o, 0);
    core->dirty++;
    notify_keyspace_event(core, NOTIFY_GENERIC, "restore", key, klen, dbi);
}

static int check_slot(const struct cluster *cl, int slot, char *err, size_t errlen)
{
    if (slot < 0 || slot >= CLUSTER_SLOTS)
        return FAIL("slot %d is out of range (0-%d)", slot, CLUSTER_SLOTS - 1);
    if (cl->owner[slot] < 0)
        return FAIL("slot %d is not assigned to any node", slot);
    return 0;
}

static int check_node(const struct cluster *cl, int i, char *err, size_t errlen)
{
    if (i < 0 || i >= cl->nnodes)
        return FAIL("no node %d (the nodes are 0-%d)", i, cl->nnodes - 1);
    return 0;
}

int cluster_migrate_start(struct cluster *cl, int slot, int to, char *err, size_t errlen)
{
    if (check_slot(cl, slot, err, errlen) < 0 || check_node(cl, to, err, errlen) < 0)
        return -1;
    int owner = cl->owner[slot];
    if (cl->migrating[slot] >= 0 || cl->importing[slot] >= 0)
        return FAIL("slot %d is being migrated already", slot);
    if (cl->nodes[to].primary >= 0)
        return FAIL("node %d is a replica: only a primary can take a slot", to);
    if (to == owner)
        return FAIL("slot %d is served by node %d already", slot, to);
    cl->migrating[slot] = (int16_t)to;
    cl->importing[slot] = (int16_t)owner;
    cl->importer1[slot] = 0; /* the importer is migrating[slot] (cluster_importer) */
    return 0;
}

static int check_migrating(const struct cluster *cl, int slot, char *err, size_t errlen)
{
    if (check_slot(cl, slot, err, errlen) < 0)
        return -1;
    if (cl->migrating[slot] < 0 || cl->importing[slot] < 0)
        return FAIL("slot %d is not being migrated (MIGRATE START first)", slot);
    return 0;
}

long long cluster_migrate_keys(struct cluster *cl, int slot, long long n, char *err, size_t errlen)
{
    if (check_migrating(cl, slot, err, errlen) < 0)
        return -1;
    int from = cl->owner[slot], to = cl->migrating[slot];
    struct core *fc = cl->nodes[from].core;
    if (fc == NULL || cl->nodes[to].core == NULL || n <= 0)
        return 0;
    /* the names first: moving a key changes the dict being walked */
    struct dict *names = dict_new(NULL);
    for (struct dict_entry *e = dict_first(fc->db[0].keys); e && (long long)dict_size(names) < n;
         e = dict_next(e)) {
        int created;
        if ((int)cluster_keyslot(e->key, e->klen) == slot)
            dict_upsert(names, e->key, e->klen, &created);
    }
    long long moved = 0;
    for (struct dict_entry *e = dict_first(names); e; e = dict_next(e))
        moved += cluster_move_key(cl, from, to, e->key, e->klen);
    dict_free(names);
    return moved;
}

int cluster_migrate_end(struct cluster *cl, int slot, char *err, size_t errlen)
{
    if (check_migrating(cl, slot, err, errlen) < 0)
        return -1;
    int to = cl->migrating[slot];
    while (cluster_migrate_keys(cl, slot, 1000, err, errlen) > 0) {
    }
    cl->owner[slot] = (int16_t)to;
    cl->migrating[slot] = cl->importing[slot] = -1;
    cl->importer1[slot] = 0;
    cl->nodes[to].config_epoch = ++cl->current_epoch;
    redirect_all(cl);
    return 0;
}

long long cluster_migrate_range(struct cluster *cl, int first, int last, int to, char *err,
                                size_t errlen)
{
    if (check_slot(cl, first, err, errlen) < 0 || check_slot(cl, last, err, errlen) < 0 ||
        check_node(cl, to, err, errlen) < 0)
        return -1;
    if (cl->nodes[to].primary >= 0)
        return FAIL("node %d is a replica: only a primary can take a slot", to);
    for (int s = first; s <= last; s++) {
        if (cl->owner[s] < 0)
            return FAIL("slot %d is not assigned to any node", s);
        if (cl->owner[s] != to && (cl->migrating[s] >= 0 || cl->importing[s] >= 0))
            return FAIL("slot %d is being migrated already", s);
    }
    /* each source's keyspace walked once, whatever the number of slots */
    long long moved = 0;
    for (int i = 0; i < cl->nnodes; i++) {
        struct core *fc = cl->nodes[i].core;
        if (i == to || fc == NULL || cl->nodes[i].primary >= 0)
            continue;
        struct dict *names = dict_new(NULL);
        for (struct dict_entry *e = dict_first(fc->db[0].keys); e; e = dict_next(e)) {
            int s = (int)cluster_keyslot(e->key, e->klen), created;
            if (s >= first && s <= last && cl->owner[s] == i)
                dict_upsert(names, e->key, e->klen, &created);
        }
        for (struct dict_entry *e = dict_first(names); e; e = dict_next(e))
            moved += cluster_move_key(cl, i, to, e->key, e->klen);
        dict_free(names);
    }
    int changed = 0;
    for (int s = first; s <= last; s++) {
        changed |= cl->owner[s] != to;
        cl->owner[s] = (int16_t)to;
    }
    if (changed)
        cl->nodes[to].config_epoch = ++cl->current_epoch;
    redirect_all(cl);
    return moved;
}

/* ---- failover ---------------------------------------------------------------- */

/* Node i, a primary until now, turns replica: its clients blocked on keys
 * get Redis's error for that and are closed after it (the ones a CLIENT
 * PAUSE holds are not blocked on keys: they stay). */
static void demote(struct cluster *cl, int i)
{
    struct core *core = cl->nodes[i].core;
    if (core == NULL || core->nblocked == 0)
        return;
    struct client *c = core->clients, *next;
    for (; c; c = next) {
        next = c->next;
        if (block_unblock_error(core, c, rtext[RT_CL_DEMOTED_UNBLOCKED]))
            c->flags |= CL_CLOSE_AFTER_REPLY;
    }
}

/* r takes over: it was a replica of p. */
static void promote(struct cluster *cl, int r)
{
    int p = cl->nodes[r].primary;
    /* r and every replica of p that is up catch up with p (down, p still
     * holds what it had when it stopped), so all keep the data */
    int was_down = cl->nodes[p].down;
    cl->nodes[p].down = 0;
    for (int j = 0; j < cl->nnodes; j++)
        if (cl->nodes[j].primary == p)
            cluster_repl_sync(cl, j);
    cl->nodes[p].down = was_down;
    for (int s = 0; s < CLUSTER_SLOTS; s++) {
        if (cl->owner[s] == p)
            cl->owner[s] = (int16_t)r;
        /* a migration of p's slots continues from r */
        if (cl->importing[s] == p)
            cl->importing[s] = (int16_t)r;
        if (cl->migrating[s] == p)
            cl->migrating[s] = (int16_t)r;
        if (cl->importer1[s] == p + 1)
            cl->importer1[s] = (int16_t)(r + 1);
    }
    cl->nodes[r].primary = -1;
    cl->nodes[r].config_epoch = ++cl->current_epoch;
    for (int j = 0; j < cl->nnodes; j++)
        if (j == p || cl->nodes[j].primary == p) {
            cl->nodes[j].primary = r;
            cl->nodes[j].config_epoch = cl->nodes[r].config_epoch;
        }
    /* p and the others hold r's data already: what stays stale for a
     * replica that is down is copied from r when it is back */
    demote(cl, p);
    redirect_all(cl);
}

int cluster_failover(struct cluster *cl, int r, char *err, size_t errlen)
{
    if (check_node(cl, r, err, errlen) < 0)
        return -1;
    if (cl->nodes[r].primary < 0)
        return FAIL("node %d is a primary: FAILOVER takes a replica", r);
    if (cl->nodes[r].down)
        return FAIL("node %d is down", r);
    promote(cl, r);
    return 0;
}

/* ---- nodes down and up, the failure detector ---------------------------------- */

int cluster_node_down(struct cluster *cl, int i, int64_t now_ms, char *err, size_t errlen)
{
    if (check_node(cl, i, err, errlen) < 0)
        return -1;
    if (cl->nodes[i].down)
        return FAIL("node %d is down already", i);
    if (cl->node_net && cl->nodes[i].srv && cl->node_net(cl->nodes[i].srv, 0, err, errlen) < 0)
        return -1;
    cl->nodes[i].down = 1;
    cl->nodes[i].down_ms = now_ms;
    return 0;
}

int cluster_node_up(struct cluster *cl, int i, char *err, size_t errlen)
{
    if (check_node(cl, i, err, errlen) < 0)
        return -1;
    if (!cl->nodes[i].down)
        return FAIL("node %d is up already", i);
    if (cl->node_net && cl->nodes[i].srv && cl->node_net(cl->nodes[i].srv, 1, err, errlen) < 0)
        return -1;
    cl->nodes[i].down = 0;
    cl->nodes[i].failed = 0;
    /* a replica (or a primary failed over meanwhile, now a replica)
     * resynchronises from its primary */
    if (cl->nodes[i].primary >= 0)
        cluster_repl_full(cl, i);
    redirect_all(cl);
    return 0;
}

/* Whether a majority of the primaries that serve slots is not failed:
 * the votes a replica's election needs. */
static int majority_alive(const struct cluster *cl)
{
    int serving = 0, alive = 0;
    for (int i = 0; i < cl->nnodes; i++) {
        if (cl->nodes[i].primary >= 0)
            continue;
        int has = 0;
        for (int s = 0; s < CLUSTER_SLOTS && !has; s++)
            has = cl->owner[s] == i;
        if (!has)
            continue;
        serving++;
        alive += !cl->nodes[i].failed;
    }
    return alive * 2 > serving;
}

void cluster_tick(struct cluster *cl, int64_t now_ms)
{
    int changed = 0;
    for (int i = 0; i < cl->nnodes; i++) {
        struct cluster_node *n = &cl->nodes[i];
        if (n->down && !n->failed && now_ms - n->down_ms >= cl->node_timeout_ms) {
            /* failed when the timeout ran out, however far the clock
             * jumped past it: the election counts from there */
            n->failed = 1;
            n->failed_ms = n->down_ms + cl->node_timeout_ms;
            changed = 1;
        }
    }
    for (int i = 0; i < cl->nnodes; i++) {
        struct cluster_node *n = &cl->nodes[i];
        if (!n->failed || n->primary >= 0 || now_ms - n->failed_ms < CLUSTER_FAILOVER_DELAY_MS ||
            !majority_alive(cl))
            continue;
        int has = 0;
        for (int s = 0; s < CLUSTER_SLOTS && !has; s++)
            has = cl->owner[s] == i;
        for (int j = 0; has && j < cl->nnodes; j++)
            if (cl->nodes[j].primary == i && !cl->nodes[j].down && !cl->nodes[j].failed) {
                promote(cl, j);
                changed = 1;
                break;
            }
    }
    if (changed)
        redirect_all(cl);
}

void cluster_clock_sync(struct cluster *cl, const struct clk *from)
{
    for (int i = 0; i < cl->nnodes; i++)
        if (cl->nodes[i].core != NULL)
            cl->nodes[i].core->clock = *from;
    cluster_tick(cl, clk_now_ms(from));
}

void cluster_cron(struct core *core)
{
    struct cluster *cl = core->cluster;
    cluster_tick(cl, core_now_ms(core));
    cluster_repl_sync(cl, core->cl_node);
    redirect_blocked(cl, core->cl_node);
}
