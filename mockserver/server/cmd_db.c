/* cmd_db.c - SWAPDB, WAIT, SYNC and PSYNC: where a database's data lives,
 * and how many replicas have it.
 *
 * SWAPDB swaps the contents of two databases (keys and TTLs); who watches
 * and who waits stays with its database number, as in Redis 7.0: every
 * WATCHed key of either database that exists on either side of the swap
 * counts as changed (EXEC then fails), and a client blocked on a key of
 * either database is served if the key now holds what it waits for.
 *
 * WAIT: a standalone mockredis has no replicas, so the answer is 0; in
 * cluster mode the replicas of the node (up) have every write at once
 * (cluster.h), so the answer is their number. Asked for no more replicas
 * than that, or unable to block (inside EXEC), it answers at once; asked
 * for more, it blocks as Redis does until its timeout (in
 * milliseconds, on the server clock: MOCK CLOCK ADVANCE ends it), forever
 * with timeout 0, then answers that number. CLIENT UNBLOCK ends it too. It waits
 * through block.h on no key (a key name no command can give a value: the
 * serve function never takes anything).
 *
 * SYNC and PSYNC exist for Redis's checks (no-multi: refused inside MULTI,
 * the transaction then aborts; admin: never shown to monitors); run, they
 * answer an error of ours: mockredis has no replication to offer.
 *
 * Depends on: cmd.h, the keyspace (db.h, dict.h), WATCH (watch.h) and the
 * blocked clients (block.h). */
#include <limits.h>
#include <string.h>

#include "block.h"
#include "cluster.h"
#include "cmd.h"
#include "dict.h"
#include "reply.h"
#include "util.h"
#include "watch.h"

/* ---- SWAPDB --------------------------------------------------------------------- */

/* Marks as changed every watched key of database dbi that exists in a or
 * in b (its contents before and after the swap), as Redis's
 * touchAllWatchedKeysInDb does for both sides. */
static void touch_watched(struct core *core, int dbi, const struct db *a, const struct db *b)
{
    if (!watch_active(core))
        return;
    const struct db *sides[2] = {a, b};
    for (int s = 0; s < 2; s++)
        for (struct dict_entry *e = dict_first(sides[s]->keys); e; e = dict_next(e))
            watch_touch(core, dbi, e->key, e->klen);
}

/* Every key of database dbi is a key that may now be ready for a client
 * blocked on it (block_serve, after the command, serves or passes). */
static void signal_ready(struct core *core, int dbi)
{
    for (struct dict_entry *e = dict_first(core->db[dbi].keys); e; e = dict_next(e))
        block_changed(core, dbi, e->key, e->klen);
}

/* Parses argument i as a database index (an int), Redis's error otherwise. */
static int arg_dbi(struct call *k, int i, enum rtext_id bad, int *out)
{
    long long v;
    if (!util_str2ll(k->argv[i], k->argl[i], &v) || v < INT_MIN || v > INT_MAX) {
        reply_err(k->c, bad);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static void swapdb_cmd(struct call *k)
{
    int a, b;
    if (k->core->cluster != NULL) { /* before its arguments are read */
        reply_err(k->c, RT_CL_SWAPDB);
        return;
    }
    if (arg_dbi(k, 1, RT_SWAPDB_FIRST, &a) < 0 || arg_dbi(k, 2, RT_SWAPDB_SECOND, &b) < 0)
        return;
    if (a < 0 || a >= DB_COUNT || b < 0 || b >= DB_COUNT) {
        reply_err(k->c, RT_DBINDEX);
        return;
    }
    if (a != b) {
        struct db *x = &k->core->db[a], *y = &k->core->db[b];
        /* The watched keys first, while both sides are where they were:
         * a key counts when it exists before or after the swap. */
        touch_watched(k->core, a, x, y);
        touch_watched(k->core, b, y, x);
        struct dict *keys = x->keys, *expires = x->expires;
        x->keys = y->keys;
        x->expires = y->expires;
        y->keys = keys;
        y->expires = expires;
        size_t mem = x->mem; /* the memory model's sums follow their keys */
        x->mem = y->mem;
        y->mem = mem;
        signal_ready(k->core, a);
        signal_ready(k->core, b);
    }
    reply_ok(k->c);
}

/* ---- WAIT ----------------------------------------------------------------------- */

static int wait_serve(struct core *core, struct client *c, int dbi, const char *key, size_t klen,
                      const void *arg)
{
    (void)core, (void)c, (void)dbi, (void)key, (void)klen, (void)arg;
    return 0; /* no replica ever acknowledges */
}

/* The replicas that have c's writes: in cluster mode those of c's node
 * (replication is instant there, cluster.h), the ones up; else none. */
static long long wait_acked(const struct core *core)
{
    const struct cluster *cl = core->cluster;
    long long n = 0;
    for (int i = 0; cl != NULL && i < cl->nnodes; i++)
        n += cl->nodes[i].primary == core->cl_node && !cl->nodes[i].down;
    return n;
}

static void wait_timeout(struct client *c, const void *arg)
{
    (void)arg;
    reply_int(c, wait_acked(c->core));
}

static void wait_cmd(struct call *k)
{
    long long replicas;
    int64_t deadline;
    if (arg_ll(k, 1, &replicas) < 0 || arg_timeout_ms(k, 2, &deadline) < 0)
        return;
    long long acked = wait_acked(k->core);
    if (replicas <= acked || !block_allowed(k->c)) {
        reply_int(k->c, acked);
        return;
    }
    /* A key name of one NUL byte after the database's: never given a
     * value by anyone that a WAIT would care about (wait_serve takes
     * nothing anyway). */
    char *keys[1] = {(char *)"\0wait"};
    size_t klens[1] = {5};
    block_wait(k->core, k->c, keys, klens, 1, deadline, wait_serve, wait_timeout, &replicas,
               sizeof(replicas)); /* the count asked for, unused: no replica answers */
}

static void sync_cmd(struct call *k)
{
    reply_err(k->c, RT_NO_REPLICATION);
}

// clang-format off
struct cmd_def cmd_db_table[] = {
    {.name = "swapdb", .fn = swapdb_cmd,
     .arity = 3, .rflags = RF_WRITE | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_FAST | CAT_DANGEROUS,
     .since = "4.0.0", .group = "server",
     .complexity = "O(N) where N is the count of clients watching or blocking on keys from both databases.",
     ARGS({.name = "index1", .type = ARG_INTEGER},
          {.name = "index2", .type = ARG_INTEGER}),
     .summary = "Swaps the contents of two databases."},
    {.name = "wait", .fn = wait_cmd,
     .arity = 3, .rflags = RF_NOSCRIPT,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .tips = "request_policy:all_shards response_policy:agg_min",
     .since = "3.0.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "numreplicas", .type = ARG_INTEGER},
          {.name = "timeout", .type = ARG_INTEGER}),
     .summary = "Waits for replicas to acknowledge the writes so far (none here: 0)."},
    {.name = "sync", .fn = sync_cmd,
     .arity = 1, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_NO_ASYNC_LOADING | RF_NO_MULTI,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "1.0.0", .group = "server",
     .summary = "Starts a replica's full copy (not here: mockredis does not replicate)."},
    {.name = "psync", .fn = sync_cmd,
     .arity = -3, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_NO_ASYNC_LOADING | RF_NO_MULTI,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "2.8.0", .group = "server",
     ARGS({.name = "replicationid", .type = ARG_STRING},
          {.name = "offset", .type = ARG_INTEGER}),
     .summary = "Starts a replica's copy from an offset (not here: mockredis does not replicate)."},
    {.name = NULL},
};
// clang-format on
