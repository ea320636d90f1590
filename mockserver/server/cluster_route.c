/* cluster_route.c - where a command may run in cluster mode: MOVED, ASK,
 * CROSSSLOT, TRYAGAIN, CLUSTERDOWN (cluster.h's cluster_route).
 *
 * The decision follows Redis 7.0's getNodeByQuery, written here from its
 * observed behaviour: every key of the command (every queued command's for
 * EXEC) must hash to one slot; the first key's slot decides. Sharded
 * Pub/Sub (SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH) is routed by its channels,
 * which its key specs flag NOT_KEY. The order of the checks is Redis's:
 * an unassigned first slot, keys of several slots, the cluster down, a
 * migration in progress (ASK when none of the keys is here any more,
 * TRYAGAIN when some are and some are not), ASKING on an importing slot
 * (TRYAGAIN for several keys not all there yet),
 * READONLY reads on a replica, and last MOVED to the slot's owner.
 *
 * cluster_publish delivers PUBLISH and SPUBLISH on the other nodes, as
 * the cluster bus carries them.
 *
 * Depends on: cluster.h (the shared topology), cmd.h (a call's keys from
 * the command table), db.h (whether a key is here, during a migration),
 * pubsub.h (delivery on another node's core). */
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "cmd.h"
#include "core.h"
#include "db.h"
#include "mem.h"
#include "pubsub.h"
#include "rtext.h"

/* What the keys of a request say, gathered over its commands. */
struct route_scan {
    int slot; /* the first key's slot, -1 before one */
    const char *first;
    size_t first_len;
    int multiple;  /* a key other than the first one */
    int crossslot; /* a key of another slot */
    int unbound;   /* the first key's slot has no owner */
    int migrating; /* this node owns the slot and is moving it away */
    int importing; /* this node imports the slot */
    int missing;   /* keys not here while migrating or importing */
    int existing;  /* keys here while migrating or importing */
};

static int is_shard_pubsub(const struct cmd_def *d)
{
    return strcmp(d->name, "ssubscribe") == 0 || strcmp(d->name, "sunsubscribe") == 0 ||
           strcmp(d->name, "spublish") == 0;
}

/* Looks at one key (or shard channel) of the request. Returns 0 to go on,
 * -1 when the request is refused already (unbound slot, CROSSSLOT). */
static int scan_key(struct core *core, struct route_scan *s, const char *key, size_t len, int shard)
{
    const struct cluster *cl = core->cluster;
    int me = core->cl_node;
    int slot = (int)cluster_keyslot(key, len);
    if (s->slot < 0) {
        s->slot = slot;
        s->first = key;
        s->first_len = len;
        int owner = cl->owner[slot];
        if (owner < 0) {
            s->unbound = 1;
            return -1;
        }
        if (owner == me && cl->migrating[slot] >= 0)
            s->migrating = 1;
        else if (cluster_importer(cl, slot) == me)
            s->importing = 1;
    } else if (len != s->first_len || memcmp(key, s->first, len) != 0) {
        if (slot != s->slot) {
            s->crossslot = 1;
            return -1;
        }
        s->multiple = 1;
    }
    /* A shard channel is served by the source until the move ends: its
     * presence is not asked. */
    if ((s->migrating || s->importing) && !shard) {
        if (db_lookup_notouch(&core->db[0], key, len, core_now_ms(core)) == NULL)
            s->missing++;
        else
            s->existing++;
    }
    return 0;
}

/* Scans the keys of one command (d, its arguments). -1: refused already. */
static int scan_call(struct core *core, struct route_scan *s, const struct cmd_def *d, int argc,
                     char **argv, const size_t *argl)
{
    if (is_shard_pubsub(d)) {
        /* the channels: every argument after the name (SPUBLISH: one) */
        int last = strcmp(d->name, "spublish") == 0 ? (argc > 1 ? 1 : 0) : argc - 1;
        for (int i = 1; i <= last; i++)
            if (scan_key(core, s, argv[i], argl[i], 1) < 0)
                return -1;
        return 0;
    }
    struct cmd_keyref small[16], *keys = small;
    int n = cmd_getkeys(d, argc, argv, argl, small, 16);
    if (n > 16) {
        keys = mem_calloc((size_t)n, sizeof(*keys));
        n = cmd_getkeys(d, argc, argv, argl, keys, n);
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        rc = scan_key(core, s, argv[keys[i].pos], argl[keys[i].pos], 0);
    if (keys != small)
        free(keys);
    return rc;
}

/* cluster_state_ok for every command with keys, without its 16384-slot
 * walk each time (about 9 us, 40 times a standalone GET's dispatch): the
 * answer is kept with a
 * copy of what it depends on (the slot owners, the failed flags) and
 * recomputed when the copy differs. Compared by content, so any change
 * made anywhere (MOCK CLUSTER, CLUSTER SETSLOT, a failover, a test
 * writing the arrays) is seen; one process has one cluster, a test's
 * next cluster is compared the same way. */
static struct {
    int valid, ok, nnodes;
    int16_t owner[CLUSTER_SLOTS];
    unsigned char failed[CLUSTER_NODE_MAX];
} state_cache;

static int state_ok(const struct cluster *cl)
{
    unsigned char failed[CLUSTER_NODE_MAX] = {0};
    for (int i = 0; i < cl->nnodes; i++)
        failed[i] = cl->nodes[i].failed != 0;
    if (state_cache.valid && state_cache.nnodes == cl->nnodes &&
        memcmp(state_cache.failed, failed, sizeof(failed)) == 0 &&
        memcmp(state_cache.owner, cl->owner, sizeof(cl->owner)) == 0)
        return state_cache.ok;
    state_cache.ok = cluster_state_ok(cl);
    state_cache.nnodes = cl->nnodes;
    memcpy(state_cache.failed, failed, sizeof(failed));
    memcpy(state_cache.owner, cl->owner, sizeof(cl->owner));
    state_cache.valid = 1;
    return state_cache.ok;
}

/* The verdict on a request: where it runs, or why not. */
enum route_code { R_HERE, R_MOVED, R_ASK, R_CROSSSLOT, R_TRYAGAIN, R_DOWN, R_UNBOUND };

/* Redis's getNodeByQuery for the commands of a request: d with arguments
 * a, or (d EXEC) the n queued commands q. flags are the client's CL_*
 * (CL_MULTI, CL_READONLY; asking whether ASKING was in force). On R_MOVED
 * and R_ASK, *slot and *node say where to. */
static enum route_code route(struct core *core, unsigned flags, int asking, const struct cmd_def *d,
                             const struct resp_argv *a, struct resp_argv *const *q, int n,
                             int *slot, int *node)
{
    const struct cluster *cl = core->cluster;
    int me = core->cl_node;
    struct route_scan s = {.slot = -1};
    int exec = strcmp(d->name, "exec") == 0, write = (d->rflags & RF_WRITE) != 0;
    int shard = is_shard_pubsub(d), migrate = strcmp(d->name, "migrate") == 0;
    if (exec) {
        if (!(flags & CL_MULTI))
            return R_HERE; /* EXEC answers its own error */
        for (int i = 0; i < n; i++) {
            const struct cmd_def *qd = cmd_lookup_argv(q[i]->argc, q[i]->argv, q[i]->argl);
            if (qd == NULL)
                continue;
            write |= (qd->rflags & RF_WRITE) != 0;
            migrate |= strcmp(qd->name, "migrate") == 0;
            if (scan_call(core, &s, qd, q[i]->argc, q[i]->argv, q[i]->argl) < 0)
                break;
        }
    } else {
        scan_call(core, &s, d, a->argc, a->argv, a->argl);
    }
    if (s.unbound)
        return R_UNBOUND;
    if (s.crossslot)
        return R_CROSSSLOT;
    if (s.slot < 0)
        return R_HERE; /* no key: runs anywhere */
    /* The cluster down: only sharded Pub/Sub goes on
     * (cluster-allow-pubsubshard-when-down yes, cluster-allow-reads-when-down
     * no: their defaults). */
    if (!state_ok(cl) && !shard)
        return R_DOWN;
    *slot = s.slot;
    /* MIGRATE runs where it is sent while its slot moves. */
    if ((s.migrating || s.importing) && migrate)
        return R_HERE;
    if (s.migrating && s.missing) {
        /* some keys here, some gone: neither node has them all */
        if (s.existing)
            return R_TRYAGAIN;
        *node = cl->migrating[s.slot];
        return R_ASK;
    }
    if (s.importing && (asking || (d->rflags & RF_ASKING)))
        return s.multiple && s.missing ? R_TRYAGAIN : R_HERE;
    int owner = cl->owner[s.slot];
    /* A replica serves the reads of its primary's slots to a READONLY
     * client (sharded Pub/Sub without READONLY). */
    if (((flags & CL_READONLY) || shard) && !write && cl->nodes[me].primary >= 0 &&
        cl->nodes[me].primary == owner)
        return R_HERE;
    if (owner == me)
        return R_HERE;
    *node = owner;
    return R_MOVED;
}

void cluster_asking_done(struct client *c, const struct cmd_def *d)
{
    /* ASKING lasts one command, or until the end of a transaction it was
     * sent before or in: Redis clears it after every command but ASKING
     * itself (and MULTI, which starts the transaction), except while the
     * client is in MULTI. */
    if (d != NULL && (strcmp(d->name, "multi") == 0 || strcmp(d->name, "asking") == 0))
        return;
    int ends = d != NULL && (strcmp(d->name, "exec") == 0 || strcmp(d->name, "discard") == 0);
    if ((c->flags & CL_MULTI) && !ends)
        return;
    c->flags &= ~CL_ASKING;
}

int cluster_route(struct core *core, struct client *c, const struct cmd_def *d,
                  const struct resp_argv *a, struct buf *err)
{
    int asking = (c->flags & CL_ASKING) != 0;
    core->cl_asking = asking;
    cluster_asking_done(c, d);
    int slot = 0, node = 0;
    enum route_code r = route(core, c->flags, asking, d, a, c->mq, c->mq_len, &slot, &node);
    struct cluster_node *self = cluster_self(core);
    char addr[96];
    switch (r) {
    case R_HERE:
        /* A replica refuses the writes it would run itself (keyless ones:
         * a keyed write went to MOVED), as Redis's replica-read-only; its
         * replication link (an internal client) is obeyed. A queued write
         * is refused when queued, so EXEC is not looked at. */
        if (self->primary >= 0 && (d->rflags & RF_WRITE) && c->fd >= 0) {
            buf_puts(err, rtext[RT_CL_READONLY]);
            return 1;
        }
        return 0;
    case R_MOVED:
    case R_ASK:
        cluster_node_addr(core->cluster, node, addr, sizeof(addr));
        buf_printf(err, r == R_MOVED ? rtext[RT_CL_MOVED_FMT] : rtext[RT_CL_ASK_FMT], slot, addr);
        if (r == R_MOVED)
            self->moved++;
        else
            self->ask++;
        return 1;
    case R_CROSSSLOT:
        buf_puts(err, rtext[RT_CL_CROSSSLOT]);
        self->crossslot++;
        return 1;
    case R_TRYAGAIN:
        buf_puts(err, rtext[RT_CL_TRYAGAIN]);
        self->tryagain++;
        return 1;
    case R_DOWN:
    case R_UNBOUND:
        buf_puts(err, rtext[r == R_DOWN ? RT_CL_DOWN : RT_CL_DOWN_UNBOUND]);
        self->clusterdown++;
        return 1;
    }
    return 0;
}

int cluster_script_check(struct core *core, const struct client *caller, const struct cmd_def *d,
                         const struct resp_argv *a)
{
    int slot, node;
    int asking = core->cl_asking || (caller->flags & CL_ASKING);
    enum route_code r =
        route(core, caller->flags & CL_READONLY, asking, d, a, NULL, 0, &slot, &node);
    if (r == R_HERE)
        return 0;
    return r == R_DOWN ? RT_CL_SCRIPT_DOWN : RT_CL_SCRIPT_NONLOCAL;
}

void cluster_publish(struct core *core, int shard, const char *ch, size_t chlen, const char *msg,
                     size_t mlen)
{
    struct cluster *cl = core->cluster;
    int me = core->cl_node, mine = cluster_primary_of(cl, me);
    for (int i = 0; i < cl->nnodes; i++) {
        struct cluster_node *n = &cl->nodes[i];
        if (i == me || n->core == NULL || n->down || (shard && cluster_primary_of(cl, i) != mine))
            continue;
        /* each core tells its own network side about the output */
        ps_publish(n->core, NULL, shard, ch, chlen, msg, mlen);
    }
}

void cluster_reset_stats(struct core *core)
{
    struct cluster_node *n = cluster_self(core);
    n->moved = n->ask = n->crossslot = n->tryagain = n->clusterdown = 0;
}
