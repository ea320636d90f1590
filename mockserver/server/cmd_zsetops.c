/* cmd_zsetops.c - sorted-set commands over several keys: ZUNION ZINTER ZDIFF
 * (and their STORE forms), ZINTERCARD, ZMPOP, and the blocking pops BZPOPMIN
 * BZPOPMAX BZMPOP.
 *
 * Set algebra follows Redis 7.0's zunionInterDiffGenericCommand, whose
 * order of checks picks the error a client sees: numkeys (an integer, at
 * least 1, no more than the arguments left), then every input key's type
 * (a sorted set or a plain set, whose members score 1), then the options
 * (WEIGHTS, AGGREGATE SUM|MIN|MAX, WITHSCORES for the forms that reply,
 * LIMIT for ZINTERCARD; ZDIFF takes neither WEIGHTS nor AGGREGATE).
 *
 * Arithmetic that decides scores, as in Redis: a weighted score that is NaN
 * (0 * inf) becomes 0; a SUM that is NaN (inf + -inf) becomes 0; MIN and MAX
 * keep the running value when compared with NaN. ZINTER fixes only its
 * first input's weighted scores, not those it folds in (so inf * 0 there
 * makes a SUM 0 and leaves a MIN or MAX alone), as Redis does. ZUNION and
 * ZINTER fold their inputs smallest first (a stable sort by cardinality),
 * the order in which Redis makes its floating-point sums too.
 *
 * Replies come in (score, member) order, a -0 computed kept as "-0" as
 * Redis answers it; a stored result is a zset (zset.h), whose -0 is 0: as
 * Redis stores a small result (a listpack), not as a large one (a skip
 * list keeps -0 there; a known difference). A STORE whose result is empty deletes the destination,
 * whatever it held, and answers 0; else it replaces the destination whatever its type. Both go
 * through db_set/db_delete (arg_store), so WATCH sees them; blocked clients see a destination that
 * is new, not one replaced (Redis 7.0 leaves a BZPOPMIN waiting when ZUNIONSTORE replaces a string
 * it waits on).
 *
 * ZMPOP BZMPOP answer [key, [[member, score], ...]] (pairs in RESP2 too);
 * BZPOPMIN/BZPOPMAX answer the flat [key, member, score]. Nothing to pop is
 * a null array (RESP3 _), also on a timeout and for a blocking pop that
 * may not block (inside EXEC). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "cmd.h"
#include "dict.h"
#include "mem.h"
#include "reply.h"
#include "util.h"
#include "watch.h"
#include "zset.h"

/* ---- inputs --------------------------------------------------------------- */

/* One input key: its value (a sorted set, a set, or NULL when missing). */
struct zo_src {
    const struct obj *o;
    double weight;
    size_t card;
    int pos; /* its place among the arguments, for a stable sort */
};

/* A walk over one input's members. */
struct zo_it {
    const struct zo_src *s;
    size_t i;
    const struct dict_entry *e;
};

static void zo_it_start(struct zo_it *it, const struct zo_src *s)
{
    it->s = s;
    it->i = 0;
    it->e = (s->o && s->o->type == OBJ_SET) ? dict_first(s->o->u.set) : NULL;
}

/* The next member and its (unweighted) score; 0 at the end. */
static int zo_it_next(struct zo_it *it, const char **m, size_t *ml, double *score)
{
    const struct obj *o = it->s->o;
    if (o == NULL)
        return 0;
    if (o->type == OBJ_SET) {
        if (it->e == NULL)
            return 0;
        *m = it->e->key;
        *ml = it->e->klen;
        *score = 1.0;
        it->e = dict_next(it->e);
        return 1;
    }
    if (it->i >= zset_len(o->u.zset))
        return 0;
    const struct zset_node *x = zset_at(o->u.zset, it->i++);
    *m = x->m;
    *ml = x->len;
    *score = x->score;
    return 1;
}

/* Whether input s holds m, with its unweighted score in *score. */
static int zo_find(const struct zo_src *s, const char *m, size_t ml, double *score)
{
    if (s->o == NULL)
        return 0;
    if (s->o->type == OBJ_SET) {
        *score = 1.0;
        return dict_find(s->o->u.set, m, ml) != NULL;
    }
    const struct zset_node *x = zset_find(s->o->u.zset, m, ml);
    if (x == NULL)
        return 0;
    *score = x->score;
    return 1;
}

static int zo_cmp_card(const void *a, const void *b)
{
    const struct zo_src *x = a, *y = b;
    if (x->card != y->card)
        return x->card < y->card ? -1 : 1;
    return x->pos - y->pos;
}

/* ---- ZUNION ZINTER ZDIFF ZINTERCARD (+STORE) ------------------------------ */

enum zo_op { ZO_UNION, ZO_INTER, ZO_DIFF };
enum zo_aggr { ZO_SUM, ZO_MIN, ZO_MAX };

static double zo_aggregate(enum zo_aggr a, double target, double v)
{
    switch (a) {
    case ZO_MIN: return v < target ? v : target;
    case ZO_MAX: return v > target ? v : target;
    default: {
        double s = target + v;
        return isnan(s) ? 0.0 : s;
    }
    }
}

static double zo_weigh(const struct zo_src *s, double score)
{
    double v = s->weight * score;
    return isnan(v) ? 0.0 : v;
}

/* The result being built: member -> its score (a double the dict owns).
 * Not a zset, which stores -0.0 as 0: Redis answers a -0 that ZUNION or
 * ZINTER computes (WEIGHTS -1 on a score of 0) as "-0", and keeps the sign
 * of zero through the aggregation. */
static double *zo_acc_find(struct dict *acc, const char *m, size_t ml)
{
    struct dict_entry *e = dict_find(acc, m, ml);
    return e ? e->val : NULL;
}

static void zo_acc_set(struct dict *acc, const char *m, size_t ml, double score)
{
    int created;
    struct dict_entry *e = dict_upsert(acc, m, ml, &created);
    if (created)
        e->val = mem_alloc(sizeof(double));
    *(double *)e->val = score;
}

static int zo_cmp_entry(const void *a, const void *b)
{
    const struct dict_entry *x = *(const struct dict_entry *const *)a;
    const struct dict_entry *y = *(const struct dict_entry *const *)b;
    double sx = *(const double *)x->val, sy = *(const double *)y->val;
    if (sx != sy)
        return sx < sy ? -1 : 1;
    return zset_cmp_bytes(x->key, x->klen, y->key, y->klen);
}

/* The entries of acc in (score, member) order; the caller frees the array. */
static const struct dict_entry **zo_acc_sorted(const struct dict *acc)
{
    size_t n = dict_size(acc), i = 0;
    const struct dict_entry **v = mem_alloc((n + 1) * sizeof(*v));
    for (const struct dict_entry *e = dict_first(acc); e; e = dict_next(e))
        v[i++] = e;
    qsort(v, n, sizeof(*v), zo_cmp_entry);
    return v;
}

static void zo_union(struct dict *dst, const struct zo_src *src, long n, enum zo_aggr aggr)
{
    for (long i = 0; i < n; i++) {
        struct zo_it it;
        const char *m;
        size_t ml;
        double score;
        zo_it_start(&it, &src[i]);
        while (zo_it_next(&it, &m, &ml, &score)) {
            double v = zo_weigh(&src[i], score);
            double *t = zo_acc_find(dst, m, ml);
            if (t != NULL)
                *t = zo_aggregate(aggr, *t, v);
            else
                zo_acc_set(dst, m, ml, v);
        }
    }
}

/* The members of src[0] found in every other input; with dst NULL only
 * counted, up to limit (0: no limit). Returns the count. */
static size_t zo_inter(struct dict *dst, const struct zo_src *src, long n, enum zo_aggr aggr,
                       size_t limit)
{
    size_t found = 0;
    struct zo_it it;
    const char *m;
    size_t ml;
    double s0;
    zo_it_start(&it, &src[0]);
    while (zo_it_next(&it, &m, &ml, &s0)) {
        double score = zo_weigh(&src[0], s0);
        long j = 1;
        for (; j < n; j++) {
            double v = s0;
            if (src[j].o != src[0].o && !zo_find(&src[j], m, ml, &v))
                break;
            v *= src[j].weight; /* no NaN fix here, as in Redis */
            score = zo_aggregate(aggr, score, v);
        }
        if (j < n)
            continue;
        found++;
        if (dst != NULL)
            zo_acc_set(dst, m, ml, score);
        else if (limit && found >= limit)
            break;
    }
    return found;
}

/* src is in argument order here: the first input minus all the others. */
static void zo_diff(struct dict *dst, const struct zo_src *src, long n)
{
    struct zo_it it;
    const char *m;
    size_t ml;
    double score, dummy;
    zo_it_start(&it, &src[0]);
    while (zo_it_next(&it, &m, &ml, &score)) {
        long j = 1;
        while (j < n && !zo_find(&src[j], m, ml, &dummy))
            j++;
        if (j == n)
            zo_acc_set(dst, m, ml, score);
    }
}

/* The generic form: numkeys at argument numi, destination at dsti (0:
 * reply the result), card for ZINTERCARD. */
static void zo_generic(struct call *k, int dsti, int numi, enum zo_op op, int card)
{
    long long n;
    if (arg_ll(k, numi, &n) < 0)
        return;
    if (n < 1) {
        char name[64];
        cmd_fullname(k->cmd, NULL, name, sizeof(name));
        reply_errf(k->c, rtext[RT_ZOPS_NOKEYS_FMT], name);
        return;
    }
    if (n > k->argc - numi - 1) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    struct zo_src *src = mem_alloc((size_t)n * sizeof(*src));
    int j = numi + 1;
    for (long i = 0; i < n; i++, j++) {
        struct db *db = cmd_db(k);
        const struct obj *o = db_lookup_read(db, k->argv[j], k->argl[j], cmd_now(k));
        if (o != NULL && o->type != OBJ_ZSET && o->type != OBJ_SET) {
            reply_err(k->c, RT_WRONGTYPE);
            goto out;
        }
        src[i].o = o;
        src[i].weight = 1.0;
        src[i].card = o == NULL            ? 0
                      : o->type == OBJ_SET ? dict_size(o->u.set)
                                           : zset_len(o->u.zset);
        src[i].pos = (int)i;
    }
    enum zo_aggr aggr = ZO_SUM;
    int withscores = 0;
    long long limit = 0;
    while (j < k->argc) {
        int left = k->argc - j;
        if (op != ZO_DIFF && !card && left >= n + 1 && arg_is(k, j, "weights")) {
            j++;
            for (long i = 0; i < n; i++, j++) {
                if (!util_str2d(k->argv[j], k->argl[j], &src[i].weight)) {
                    reply_err(k->c, RT_WEIGHT_NOTFLOAT);
                    goto out;
                }
            }
        } else if (op != ZO_DIFF && !card && left >= 2 && arg_is(k, j, "aggregate")) {
            if (arg_is(k, j + 1, "sum")) {
                aggr = ZO_SUM;
            } else if (arg_is(k, j + 1, "min")) {
                aggr = ZO_MIN;
            } else if (arg_is(k, j + 1, "max")) {
                aggr = ZO_MAX;
            } else {
                reply_err(k->c, RT_SYNTAX);
                goto out;
            }
            j += 2;
        } else if (!dsti && !card && arg_is(k, j, "withscores")) {
            withscores = 1;
            j++;
        } else if (card && left >= 2 && arg_is(k, j, "limit")) {
            if (!util_str2ll(k->argv[j + 1], k->argl[j + 1], &limit) || limit < 0) {
                reply_err(k->c, RT_LIMIT_NEG);
                goto out;
            }
            j += 2;
        } else {
            reply_err(k->c, RT_SYNTAX);
            goto out;
        }
    }
    if (op != ZO_DIFF)
        qsort(src, (size_t)n, sizeof(*src), zo_cmp_card);
    if (card) {
        size_t c = src[0].card ? zo_inter(NULL, src, (long)n, aggr, (size_t)limit) : 0;
        reply_int(k->c, (long long)c);
        goto out;
    }
    struct dict *acc = dict_new(free);
    if (op == ZO_UNION)
        zo_union(acc, src, (long)n, aggr);
    else if (op == ZO_INTER && src[0].card)
        zo_inter(acc, src, (long)n, aggr, 0);
    else if (op == ZO_DIFF)
        zo_diff(acc, src, (long)n);
    size_t len = dict_size(acc);
    if (dsti) {
        /* stored, -0 becomes 0 (zset.h), as in a listpack in Redis; the
         * event follows the reply, as in Redis */
        reply_int(k->c, (long long)len);
        if (len == 0) {
            if (db_delete(cmd_db(k), k->argv[dsti], k->argl[dsti], cmd_now(k)))
                cmd_notify_arg(k, NOTIFY_GENERIC, "del", dsti);
        } else {
            struct obj *res = obj_new_zset();
            for (const struct dict_entry *e = dict_first(acc); e; e = dict_next(e))
                zset_set(res->u.zset, e->key, e->klen, *(const double *)e->val);
            arg_store(k, dsti, res);
            static const char *const ev[] = {
                [ZO_UNION] = "zunionstore", [ZO_INTER] = "zinterstore", [ZO_DIFF] = "zdiffstore"};
            cmd_notify_arg(k, NOTIFY_ZSET, ev[op], dsti);
        }
    } else {
        const struct dict_entry **v = zo_acc_sorted(acc);
        int nested = withscores && k->c->proto >= 3;
        reply_array(k->c, (long long)len * (withscores && !nested ? 2 : 1));
        for (size_t i = 0; i < len; i++) {
            if (nested)
                reply_array(k->c, 2);
            reply_bulk(k->c, v[i]->key, v[i]->klen);
            if (withscores)
                reply_double(k->c, *(const double *)v[i]->val);
        }
        free(v);
    }
    dict_free(acc);
out:
    free(src);
}

static void zunion_cmd(struct call *k)
{
    zo_generic(k, 0, 1, ZO_UNION, 0);
}
static void zinter_cmd(struct call *k)
{
    zo_generic(k, 0, 1, ZO_INTER, 0);
}
static void zdiff_cmd(struct call *k)
{
    zo_generic(k, 0, 1, ZO_DIFF, 0);
}
static void zunionstore_cmd(struct call *k)
{
    zo_generic(k, 1, 2, ZO_UNION, 0);
}
static void zinterstore_cmd(struct call *k)
{
    zo_generic(k, 1, 2, ZO_INTER, 0);
}
static void zdiffstore_cmd(struct call *k)
{
    zo_generic(k, 1, 2, ZO_DIFF, 0);
}
static void zintercard_cmd(struct call *k)
{
    zo_generic(k, 0, 1, ZO_INTER, 1);
}

/* ---- ZMPOP and the blocking pops ------------------------------------------ */

/* Pops up to count members of the sorted set under key (in database db),
 * lowest first or highest first, and replies: [key, [[m, s], ...]] when
 * nested, else the flat [key, member, score] of one member. Deletes the key
 * when it empties. */
static void zo_pop_reply(struct client *c, struct db *db, int64_t now, const char *key, size_t klen,
                         struct obj *o, int max, long long count, int nested)
{
    struct zset *z = o->u.zset;
    size_t n = (unsigned long long)count < zset_len(z) ? (size_t)count : zset_len(z);
    int dbi = (int)(db - c->core->db);
    if (nested) {
        reply_array(c, 2);
        reply_bulk(c, key, klen);
        reply_array(c, (long long)n);
    } else {
        reply_array(c, 3);
        reply_bulk(c, key, klen);
    }
    /* Redis reports the pop between the headers and the elements: a RESP3
     * client subscribed to it gets the push inside the reply. */
    notify_keyspace_event(c->core, NOTIFY_ZSET, max ? "zpopmax" : "zpopmin", key, klen, dbi);
    for (size_t i = 0; i < n; i++) {
        size_t at = max ? zset_len(z) - 1 : 0;
        const struct zset_node *x = zset_at(z, at);
        if (nested)
            reply_array(c, 2);
        reply_bulk(c, x->m, x->len);
        reply_double(c, x->score);
        zset_remove_ranks(z, at, at);
    }
    (void)now;
    cmd_drop_if_empty(c->core, dbi, key, klen, o);
}

/* Looks the keys argv[first..first+n) up for a pop: *o is the first sorted
 * set found, its argument index in *at; NULL when none. Returns 0, or -1
 * after the WRONGTYPE reply for a key of another type met first. */
static int zo_pop_find(struct call *k, int first, long n, int *at, struct obj **o)
{
    *o = NULL;
    for (int i = first; i < first + n; i++) {
        if (arg_key_write(k, i, OBJ_ZSET, MISS_GO, o) < 0)
            return -1;
        if (*o != NULL) {
            *at = i;
            return 0;
        }
    }
    return 0;
}

/* What a blocked pop waits to do (block_wait copies it). */
struct zo_wait {
    int max;
    int nested;
    long long count;
};

static int zo_serve(struct core *core, struct client *c, int dbi, const char *key, size_t klen,
                    const void *arg)
{
    const struct zo_wait *w = arg;
    struct db *db = &core->db[dbi];
    int64_t now = core_now_ms(core);
    struct obj *o = db_lookup(db, key, klen, now);
    if (o == NULL || o->type != OBJ_ZSET)
        return 0;
    zo_pop_reply(c, db, now, key, klen, o, w->max, w->count, w->nested);
    watch_touch(core, dbi, key, klen);
    return 1;
}

static void zo_timeout(struct client *c, const void *arg)
{
    (void)arg;
    reply_null_array(c);
}

/* Pops from the first non-empty key of argv[first..first+n), or blocks on
 * them (deadline >= 0), or answers a null array. */
static void zo_pop_or_block(struct call *k, int first, long n, int max, long long count, int nested,
                            int64_t deadline)
{
    int at = 0;
    struct obj *o;
    if (zo_pop_find(k, first, n, &at, &o) < 0)
        return;
    if (o != NULL) {
        zo_pop_reply(k->c, cmd_db(k), cmd_now(k), k->argv[at], k->argl[at], o, max, count, nested);
        return;
    }
    if (deadline < 0 || !block_allowed(k->c)) {
        reply_null_array(k->c);
        return;
    }
    struct zo_wait w = {max, nested, count};
    block_wait(k->core, k->c, k->argv + first, k->argl + first, (int)n, deadline, zo_serve,
               zo_timeout, &w, sizeof(w));
}

static void zmpop_cmd(struct call *k)
{
    long long n, count;
    int max;
    if (arg_mpop(k, 1, "min", "max", &n, &max, &count) == 0)
        zo_pop_or_block(k, 2, (long)n, max, count, 1, -1);
}

static void bzmpop_cmd(struct call *k)
{
    long long n, count;
    int max;
    int64_t deadline;
    /* the timeout is read last, as in Redis */
    if (arg_mpop(k, 2, "min", "max", &n, &max, &count) == 0 && arg_timeout(k, 1, &deadline) == 0)
        zo_pop_or_block(k, 3, (long)n, max, count, 1, deadline);
}

static void bzpop_generic(struct call *k, int max)
{
    int64_t deadline;
    if (arg_timeout(k, k->argc - 1, &deadline) == 0)
        zo_pop_or_block(k, 1, k->argc - 2, max, 1, 0, deadline);
}

static void bzpopmin_cmd(struct call *k)
{
    bzpop_generic(k, 0);
}
static void bzpopmax_cmd(struct call *k)
{
    bzpop_generic(k, 1);
}

// clang-format off
struct cmd_def cmd_zsetops_table[] = {
    {.name = "zunion", .fn = zunion_cmd,
     .arity = -3, .rflags = RF_READONLY | RF_MOVABLEKEYS,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_SLOW,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_KEYNUM(0, 1, 1)}),
     .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
     ARGS({.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "weight", .type = ARG_INTEGER, .token = "WEIGHTS", .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE},
          {.name = "aggregate", .type = ARG_ONEOF, .token = "AGGREGATE", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "sum", .type = ARG_PURE_TOKEN, .token = "SUM"},
                   {.name = "min", .type = ARG_PURE_TOKEN, .token = "MIN"},
                   {.name = "max", .type = ARG_PURE_TOKEN, .token = "MAX"})},
          {.name = "withscores", .type = ARG_PURE_TOKEN, .token = "WITHSCORES", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the union of sorted sets."},
    {.name = "zinter", .fn = zinter_cmd,
     .arity = -3, .rflags = RF_READONLY | RF_MOVABLEKEYS,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_SLOW,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_KEYNUM(0, 1, 1)}),
     .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
     ARGS({.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "weight", .type = ARG_INTEGER, .token = "WEIGHTS", .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE},
          {.name = "aggregate", .type = ARG_ONEOF, .token = "AGGREGATE", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "sum", .type = ARG_PURE_TOKEN, .token = "SUM"},
                   {.name = "min", .type = ARG_PURE_TOKEN, .token = "MIN"},
                   {.name = "max", .type = ARG_PURE_TOKEN, .token = "MAX"})},
          {.name = "withscores", .type = ARG_PURE_TOKEN, .token = "WITHSCORES", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the intersection of sorted sets."},
    {.name = "zdiff", .fn = zdiff_cmd,
     .arity = -3, .rflags = RF_READONLY | RF_MOVABLEKEYS,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_SLOW,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_KEYNUM(0, 1, 1)}),
     .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
     ARGS({.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "withscores", .type = ARG_PURE_TOKEN, .token = "WITHSCORES", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the members of the first sorted set that no other one has."},
    {.name = "zunionstore", .fn = zunionstore_cmd,
     .arity = -4, .rflags = RF_WRITE | RF_DENYOOM | RF_MOVABLEKEYS,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_OW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RO | KS_ACCESS, BS_INDEX(2), FK_KEYNUM(0, 1, 1)}),
     .since = "2.0.0", .group = "sorted-set",
     .complexity = "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
     ARGS({.name = "destination", .type = ARG_KEY, ARG_KS(0)},
          {.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(1), .aflags = ARGF_MULTIPLE},
          {.name = "weight", .type = ARG_INTEGER, .token = "WEIGHTS", .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE},
          {.name = "aggregate", .type = ARG_ONEOF, .token = "AGGREGATE", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "sum", .type = ARG_PURE_TOKEN, .token = "SUM"},
                   {.name = "min", .type = ARG_PURE_TOKEN, .token = "MIN"},
                   {.name = "max", .type = ARG_PURE_TOKEN, .token = "MAX"})}),
     .summary = "Stores the union of sorted sets at a key."},
    {.name = "zinterstore", .fn = zinterstore_cmd,
     .arity = -4, .rflags = RF_WRITE | RF_DENYOOM | RF_MOVABLEKEYS,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_OW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RO | KS_ACCESS, BS_INDEX(2), FK_KEYNUM(0, 1, 1)}),
     .since = "2.0.0", .group = "sorted-set",
     .complexity = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
     ARGS({.name = "destination", .type = ARG_KEY, ARG_KS(0)},
          {.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(1), .aflags = ARGF_MULTIPLE},
          {.name = "weight", .type = ARG_INTEGER, .token = "WEIGHTS", .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE},
          {.name = "aggregate", .type = ARG_ONEOF, .token = "AGGREGATE", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "sum", .type = ARG_PURE_TOKEN, .token = "SUM"},
                   {.name = "min", .type = ARG_PURE_TOKEN, .token = "MIN"},
                   {.name = "max", .type = ARG_PURE_TOKEN, .token = "MAX"})}),
     .summary = "Stores the intersection of sorted sets at a key."},
    {.name = "zdiffstore", .fn = zdiffstore_cmd,
     .arity = -4, .rflags = RF_WRITE | RF_DENYOOM | RF_MOVABLEKEYS,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_SLOW,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_OW | KS_UPDATE, BS_INDEX(1), FK_RANGE(0, 1, 0)},
              {KS_RO | KS_ACCESS, BS_INDEX(2), FK_KEYNUM(0, 1, 1)}),
     .since = "6.2.0", .group = "sorted-set",
     .complexity = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
     ARGS({.name = "destination", .type = ARG_KEY, ARG_KS(0)},
          {.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(1), .aflags = ARGF_MULTIPLE}),
     .summary = "Stores the difference of sorted sets at a key."},
    {.name = "zintercard", .fn = zintercard_cmd,
     .arity = -3, .rflags = RF_READONLY | RF_MOVABLEKEYS,
     .acl = CAT_READ | CAT_SORTEDSET | CAT_SLOW,
     KEYSPECS({KS_RO | KS_ACCESS, BS_INDEX(1), FK_KEYNUM(0, 1, 1)}),
     .since = "7.0.0", .group = "sorted-set",
     .complexity = "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
     ARGS({.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "limit", .type = ARG_INTEGER, .token = "LIMIT", .aflags = ARGF_OPTIONAL}),
     .summary = "Counts the members of the intersection of sorted sets."},
    {.name = "zmpop", .fn = zmpop_cmd,
     .arity = -4, .rflags = RF_WRITE | RF_MOVABLEKEYS,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_SLOW,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_KEYNUM(0, 1, 1)}),
     .since = "7.0.0", .group = "sorted-set",
     .complexity = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
     ARGS({.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "where", .type = ARG_ONEOF,
           SUBARGS({.name = "min", .type = ARG_PURE_TOKEN, .token = "MIN"},
                   {.name = "max", .type = ARG_PURE_TOKEN, .token = "MAX"})},
          {.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL}),
     .summary = "Pops the lowest or highest scored members from the first non-empty sorted set of several."},
    {.name = "bzpopmin", .fn = bzpopmin_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_NOSCRIPT | RF_BLOCKING | RF_FAST,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_FAST | CAT_BLOCKING,
     .first = 1, .last = -2, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(-2, 1, 0)}),
     .since = "5.0.0", .group = "sorted-set",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "timeout", .type = ARG_DOUBLE}),
     .summary = "Pops the lowest scored member of the first non-empty sorted set, waiting for one when all are empty."},
    {.name = "bzpopmax", .fn = bzpopmax_cmd,
     .arity = -3, .rflags = RF_WRITE | RF_NOSCRIPT | RF_BLOCKING | RF_FAST,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_FAST | CAT_BLOCKING,
     .first = 1, .last = -2, .step = 1,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(1), FK_RANGE(-2, 1, 0)}),
     .since = "5.0.0", .group = "sorted-set",
     .complexity = "O(log(N)) with N being the number of elements in the sorted set.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "timeout", .type = ARG_DOUBLE}),
     .summary = "Pops the highest scored member of the first non-empty sorted set, waiting for one when all are empty."},
    {.name = "bzmpop", .fn = bzmpop_cmd,
     .arity = -5, .rflags = RF_WRITE | RF_BLOCKING | RF_MOVABLEKEYS,
     .acl = CAT_WRITE | CAT_SORTEDSET | CAT_SLOW | CAT_BLOCKING,
     KEYSPECS({KS_RW | KS_ACCESS | KS_DELETE, BS_INDEX(2), FK_KEYNUM(0, 1, 1)}),
     .since = "7.0.0", .group = "sorted-set",
     .complexity = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
     ARGS({.name = "timeout", .type = ARG_DOUBLE},
          {.name = "numkeys", .type = ARG_INTEGER},
          {.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE},
          {.name = "where", .type = ARG_ONEOF,
           SUBARGS({.name = "min", .type = ARG_PURE_TOKEN, .token = "MIN"},
                   {.name = "max", .type = ARG_PURE_TOKEN, .token = "MAX"})},
          {.name = "count", .type = ARG_INTEGER, .token = "COUNT", .aflags = ARGF_OPTIONAL}),
     .summary = "Like ZMPOP, waiting for a member when every sorted set is empty."},
    {.name = NULL},
};
// clang-format on
