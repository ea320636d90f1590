/* cluster_repl.c - replication inside the process: a replica holds its
 * primary's data (cluster.h, "replication").
 *
 * Redis replicates by sending its replicas the effects of every write
 * (commands rewritten to be deterministic: SPOP as SREM, EXPIRE as
 * PEXPIREAT, a script as the commands it ran, an expiry as DEL). Here both
 * nodes live in one process, so the effect itself is copied: every key a
 * primary's command or keyspace changed is marked stale on each of its
 * replicas, and a replica copies its stale keys from its primary -- the
 * value and its TTL, or the deletion -- before it runs any command and in
 * its cron. The copy is lazy (a key written a thousand times between two
 * reads of the replica is copied once) and never re-runs a command, so
 * nothing random or relative to the clock can make the two differ.
 *
 * Over REPL_STALE_MAX stale keys in one database (a replica nobody reads
 * while its primary takes a bulk load, or one that is down), the replica
 * forgets the list and copies that whole database instead, as Redis falls
 * back to a full resynchronisation when its backlog is exceeded.
 *
 * Functions are no keys: FUNCTION LOAD, DELETE, FLUSH and RESTORE (they
 * are deterministic) run again on each replica, as Redis replicates them.
 *
 * Not here: keyspace events on the replica for what it copies, a
 * replication offset or lag. docs/cluster.md lists the differences. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "cmd.h"
#include "core.h"
#include "dict.h"
#include "mem.h"

#define REPL_STALE_MAX 65536

struct cluster_repl {
    struct dict *stale[DB_COUNT]; /* keys to copy: name -> NULL; NULL: none */
    unsigned full;                /* bit dbi: copy the whole database */
};

static struct cluster_repl *repl_of(struct cluster *cl, int i)
{
    if (cl->nodes[i].repl == NULL)
        cl->nodes[i].repl = mem_calloc(1, sizeof(struct cluster_repl));
    return cl->nodes[i].repl;
}

static void stale_drop(struct cluster_repl *r, int dbi)
{
    dict_free(r->stale[dbi]);
    r->stale[dbi] = NULL;
}

/* Marks key (NULL: the whole database) stale on every replica of p. */
static void mark(struct cluster *cl, int p, int dbi, const char *key, size_t klen)
{
    for (int j = 0; j < cl->nnodes; j++) {
        if (cl->nodes[j].primary != p)
            continue;
        struct cluster_repl *r = repl_of(cl, j);
        unsigned bit = 1u << dbi;
        if (r->full & bit)
            continue;
        if (key != NULL && (r->stale[dbi] == NULL || dict_size(r->stale[dbi]) < REPL_STALE_MAX)) {
            if (r->stale[dbi] == NULL)
                r->stale[dbi] = dict_new(NULL);
            int created;
            dict_upsert(r->stale[dbi], key, klen, &created);
            continue;
        }
        r->full |= bit;
        stale_drop(r, dbi);
    }
}

/* Whether node i is a primary with at least one replica. */
static int has_replicas(const struct cluster *cl, int i)
{
    if (cl->nodes[i].primary >= 0)
        return 0;
    for (int j = 0; j < cl->nnodes; j++)
        if (cl->nodes[j].primary == i)
            return 1;
    return 0;
}

void cluster_repl_changed(struct core *core, int dbi, const char *key, size_t klen)
{
    struct cluster *cl = core->cluster;
    if (cl != NULL && has_replicas(cl, core->cl_node))
        mark(cl, core->cl_node, dbi, key, klen);
}

/* FUNCTION LOAD, DELETE, FLUSH, RESTORE: libraries are no keys, and
 * loading one is deterministic, so the command itself runs again on each
 * replica (as Redis replicates it), on a client of the replica's own. */
static int is_function_write(const struct cmd_def *d)
{
    const struct cmd_def *f = cmd_lookup("function", 8);
    for (const struct cmd_def *sub = f ? f->subs : NULL; sub && sub->name; sub++)
        if (sub == d)
            return (d->rflags & RF_WRITE) != 0;
    return 0;
}

static void replay(struct cluster *cl, int p, const struct resp_argv *a)
{
    for (int j = 0; j < cl->nnodes; j++) {
        struct core *rc = cl->nodes[j].core;
        if (cl->nodes[j].primary != p || rc == NULL)
            continue;
        struct client *c = core_client_new(rc);
        c->authed = 1; /* the replication link is authenticated */
        c->flags |= CL_DENY_BLOCKING;
        cmd_dispatch(rc, c, resp_argv_new(a->argc, (const char *const *)a->argv, a->argl));
        core_client_free(c);
    }
}

void cluster_repl_wrote(struct core *core, int dbi, const struct cmd_def *d,
                        const struct resp_argv *a)
{
    struct cluster *cl = core->cluster;
    if (cl == NULL || !has_replicas(cl, core->cl_node))
        return;
    if (is_function_write(d)) {
        replay(cl, core->cl_node, a);
        return;
    }
    struct cmd_keyref small[32], *refs = small;
    int n = cmd_getkeys(d, a->argc, a->argv, a->argl, refs, 32);
    if (n > 32) {
        refs = mem_alloc((size_t)n * sizeof(*refs));
        n = cmd_getkeys(d, a->argc, a->argv, a->argl, refs, n);
    }
    if (n < 0) { /* arguments the key specs cannot read: copy everything */
        mark(cl, core->cl_node, dbi, NULL, 0);
    } else if (n == 0 && !cmd_has_keys(d) && strcmp(d->group ? d->group : "", "scripting") != 0) {
        /* a keyless write (FLUSHALL reports itself; SWAPDB would not) */
        mark(cl, core->cl_node, dbi, NULL, 0);
    }
    for (int i = 0; i < n; i++)
        mark(cl, core->cl_node, dbi, a->argv[refs[i].pos], a->argl[refs[i].pos]);
    if (refs != small)
        free(refs);
}

/* Key of database dbi as the primary holds it (stored, even expired: the
 * replica expires it alike), or its deletion. */
static void copy_key(struct db *from, struct db *to, const char *key, size_t klen)
{
    const struct obj *o = db_peek(from, key, klen);
    if (o == NULL) {
        (void)db_delete_stored(to, key, klen);
        return;
    }
    struct obj *n = obj_dup(o);
    n->enc = o->enc; /* same history, same encoding */
    n->ht_exp = o->ht_exp;
    n->ht_born = o->ht_born;
    db_set(to, key, klen, n, 0);
}

static void copy_db(struct db *from, struct db *to)
{
    /* the keys the primary no longer has go first (names copied: each
     * dies with its entry) */
    struct dict *gone = dict_new(NULL);
    for (struct dict_entry *e = dict_first(to->keys); e; e = dict_next(e))
        if (db_peek(from, e->key, e->klen) == NULL) {
            int created;
            dict_upsert(gone, e->key, e->klen, &created);
        }
    for (struct dict_entry *e = dict_first(gone); e; e = dict_next(e))
        (void)db_delete_stored(to, e->key, e->klen);
    dict_free(gone);
    for (struct dict_entry *e = dict_first(from->keys); e; e = dict_next(e))
        copy_key(from, to, e->key, e->klen);
}

void cluster_repl_sync(struct cluster *cl, int i)
{
    struct cluster_node *n = &cl->nodes[i];
    struct cluster_repl *r = n->repl;
    int p = n->primary;
    if (p < 0 || r == NULL || n->down || cl->nodes[p].down || n->core == NULL ||
        cl->nodes[p].core == NULL)
        return;
    struct core *from = cl->nodes[p].core, *to = n->core;
    for (int dbi = 0; dbi < DB_COUNT; dbi++) {
        if (r->full & (1u << dbi)) {
            stale_drop(r, dbi);
            copy_db(&from->db[dbi], &to->db[dbi]);
        } else if (r->stale[dbi] != NULL) {
            struct dict *s = r->stale[dbi];
            r->stale[dbi] = NULL;
            for (struct dict_entry *e = dict_first(s); e; e = dict_next(e))
                copy_key(&from->db[dbi], &to->db[dbi], e->key, e->klen);
            dict_free(s);
        }
    }
    r->full = 0;
}

void cluster_repl_full(struct cluster *cl, int i)
{
    struct cluster_repl *r = repl_of(cl, i);
    for (int dbi = 0; dbi < DB_COUNT; dbi++)
        stale_drop(r, dbi);
    r->full = (1u << DB_COUNT) - 1;
}

void cluster_repl_free(struct cluster *cl)
{
    if (cl == NULL)
        return;
    for (int i = 0; i < cl->nnodes; i++) {
        struct cluster_repl *r = cl->nodes[i].repl;
        if (r == NULL)
            continue;
        for (int dbi = 0; dbi < DB_COUNT; dbi++)
            stale_drop(r, dbi);
        free(r);
        cl->nodes[i].repl = NULL;
    }
}

/* ---- what INFO replication and ROLE say ------------------------------------- */

void cluster_info_replication(const struct core *core, struct buf *b, const char *replid)
{
    const struct cluster *cl = core->cluster;
    const struct cluster_node *me = &cl->nodes[core->cl_node];
    buf_puts(b, me->primary < 0 ? "role:master\r\n" : "role:slave\r\n");
    if (me->primary >= 0) {
        const struct cluster_node *p = &cl->nodes[me->primary];
        int up = !p->down && !me->down;
        buf_printf(b,
                   "master_host:%s\r\nmaster_port:%d\r\nmaster_link_status:%s\r\n"
                   "master_last_io_seconds_ago:%d\r\nmaster_sync_in_progress:0\r\n"
                   "slave_read_repl_offset:0\r\nslave_repl_offset:0\r\n",
                   cl->announce_ip, p->port, up ? "up" : "down", up ? 0 : -1);
        if (!up)
            buf_puts(b, "master_link_down_since_seconds:-1\r\n");
        buf_puts(b, "slave_priority:100\r\nslave_read_only:1\r\nreplica_announced:1\r\n");
    }
    int n = 0;
    for (int j = 0; j < cl->nnodes; j++)
        n += cl->nodes[j].primary == core->cl_node && !cl->nodes[j].down;
    buf_printf(b, "connected_slaves:%d\r\n", n);
    n = 0;
    for (int j = 0; j < cl->nnodes; j++)
        if (cl->nodes[j].primary == core->cl_node && !cl->nodes[j].down)
            buf_printf(b, "slave%d:ip=%s,port=%d,state=online,offset=0,lag=0\r\n", n++,
                       cl->announce_ip, cl->nodes[j].port);
    buf_printf(b,
               "master_failover_state:no-failover\r\nmaster_replid:%s\r\n"
               "master_replid2:0000000000000000000000000000000000000000\r\n",
               replid);
    buf_puts(b, "master_repl_offset:0\r\nsecond_repl_offset:-1\r\nrepl_backlog_active:0\r\n"
                "repl_backlog_size:1048576\r\nrepl_backlog_first_byte_offset:0\r\n"
                "repl_backlog_histlen:0\r\n");
}
