/* cmd.c - command lookup and dispatch, see cmd.h.
 *
 * Lookup is a binary search over a sorted index of the top-level names,
 * built once. Dispatch follows Redis 7.0's processCommand order, because the
 * order decides which error a client sees when several apply:
 *   unknown command / unknown subcommand -> arity -> MOCK allowed (where
 *   Redis checks DEBUG's enable-debug-command) -> NOAUTH -> not allowed in
 *   MULTI -> Pub/Sub context -> MULTI queue.
 * One function (classify) makes these checks without side effects, so the
 * scenario engine can ask first (cmd_check) and bend only what Redis would
 * run. A rejected command inside MULTI marks the transaction so EXEC
 * aborts; a rejected EXEC is an EXECABORT, whatever the reason. */
#include "cmd.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "block.h"
#include "mem.h"
#include "pubsub.h"
#include "reply.h"
#include "util.h"
#include "watch.h"

static struct cmd_def *tables[] = {
    cmd_conn_table, cmd_server_table, cmd_keys_table, cmd_string_table,
    cmd_bit_table,  cmd_hash_table,   cmd_list_table, cmd_set_table,
    cmd_zset_table, cmd_zsetops_table, cmd_sort_table, cmd_multi_table,
    cmd_pubsub_table, cmd_mock_table,
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

static const struct cmd_def **index_;
static int nindex, nids;

static int by_name(const void *a, const void *b)
{
    const struct cmd_def *x = *(const struct cmd_def *const *)a;
    const struct cmd_def *y = *(const struct cmd_def *const *)b;
    return strcmp(x->name, y->name);
}

void cmd_init(void)
{
    if (index_ != NULL)
        return;
    int n = 0;
    for (size_t t = 0; t < NTABLES; t++)
        for (struct cmd_def *d = tables[t]; d->name; d++)
            n++;
    index_ = mem_calloc((size_t)n, sizeof(*index_));
    int id = 0;
    for (size_t t = 0; t < NTABLES; t++) {
        for (struct cmd_def *d = tables[t]; d->name; d++) {
            index_[nindex++] = d;
            d->id = id++;
            if (d->subs)
                for (struct cmd_def *s = d->subs; s->name; s++)
                    s->id = id++;
        }
    }
    nids = id;
    qsort(index_, (size_t)nindex, sizeof(*index_), by_name);
}

int cmd_count(void)
{
    cmd_init();
    return nindex;
}

int cmd_id_count(void)
{
    cmd_init();
    return nids;
}

static int name_cmp(const char *name, size_t len, const char *cname)
{
    size_t i;
    for (i = 0; i < len && cname[i]; i++) {
        int a = tolower((unsigned char)name[i]), b = (unsigned char)cname[i];
        if (a != b)
            return a - b;
    }
    if (i < len)
        return 1;
    return cname[i] ? -1 : 0;
}

const struct cmd_def *cmd_lookup(const char *name, size_t len)
{
    cmd_init();
    int lo = 0, hi = nindex - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int r = name_cmp(name, len, index_[mid]->name);
        if (r == 0)
            return index_[mid];
        if (r < 0)
            hi = mid - 1;
        else
            lo = mid + 1;
    }
    return NULL;
}

static const struct cmd_def *sub_lookup(const struct cmd_def *parent, const char *name, size_t len)
{
    for (const struct cmd_def *s = parent->subs; s->name; s++)
        if (name_cmp(name, len, s->name) == 0)
            return s;
    return NULL;
}

void cmd_each(void (*fn)(const struct cmd_def *cmd, void *ud), void *ud)
{
    cmd_init();
    for (size_t t = 0; t < NTABLES; t++)
        for (struct cmd_def *d = tables[t]; d->name; d++)
            fn(d, ud);
}

void cmd_fullname(const struct cmd_def *cmd, const struct cmd_def *parent, char *out, size_t size)
{
    if (parent)
        snprintf(out, size, "%s|%s", parent->name, cmd->name);
    else
        snprintf(out, size, "%s", cmd->name);
}

static int arity_ok(const struct cmd_def *d, int argc)
{
    return d->arity > 0 ? argc == d->arity : argc >= -d->arity;
}

/* Why a command is refused before it runs, in the order Redis 7.0's
 * processCommand checks (the first that applies is the one answered). */
enum why {
    W_PASS,
    W_UNKNOWN,     /* no such command */
    W_UNKNOWN_SUB, /* no such subcommand of a container */
    W_ARITY,       /* wrong number of arguments */
    W_PROTECTED,   /* MOCK not allowed for this client (--enable-mock-commands) */
    W_NOAUTH,      /* a password is set and the client has not authenticated */
    W_NOMULTI,     /* not allowed inside MULTI */
    W_PUBSUB,      /* a RESP2 client with subscriptions */
};

/* Finds the command (*top, and *d: the subcommand, or *top) and tells
 * whether and why Redis would refuse it. Changes nothing. */
static enum why classify(const struct core *core, const struct client *c, const struct resp_argv *a,
                         const struct cmd_def **top, const struct cmd_def **d)
{
    *top = *d = cmd_lookup(a->argv[0], a->argl[0]);
    if (*top == NULL)
        return W_UNKNOWN;
    if ((*top)->subs && a->argc >= 2) {
        *d = sub_lookup(*top, a->argv[1], a->argl[1]);
        if (*d == NULL)
            return W_UNKNOWN_SUB;
    }
    unsigned flags = (*top)->flags | (*d)->flags;
    if (!arity_ok(*d, a->argc))
        return W_ARITY;
    /* Redis checks its protected commands (DEBUG, MODULE) here, before
     * authentication; the MOCK namespace is ours. */
    if ((flags & CMD_PROTECTED) && (core->cfg.mock == CORE_MOCK_NO ||
                                    (core->cfg.mock == CORE_MOCK_LOCAL && !core_client_local(c))))
        return W_PROTECTED;
    if (!c->authed && !(flags & CMD_NOAUTH))
        return W_NOAUTH;
    if ((c->flags & CL_MULTI) && (flags & CMD_NOMULTI))
        return W_NOMULTI;
    if (c->proto == 2 && ps_total(c) > 0 && !((*top)->flags & CMD_PUBSUB_OK))
        return W_PUBSUB;
    return W_PASS;
}

enum cmd_verdict cmd_check(const struct core *core, const struct client *c,
                           const struct resp_argv *a)
{
    const struct cmd_def *top, *d;
    switch (classify(core, c, a, &top, &d)) {
    case W_PASS: return CMD_PASS;
    case W_UNKNOWN:
    case W_UNKNOWN_SUB: return c->authed ? CMD_UNKNOWN : CMD_REJECT;
    default: return CMD_REJECT;
    }
}

/* Rejects the command (Redis's rejectCommand + flagTransaction): a MULTI in
 * progress is marked so EXEC aborts, and the error is sent; a rejected EXEC
 * instead ends the transaction and answers EXECABORT with the error (its
 * "ERR " dropped), as Redis's execCommandAbort does. */
static void reject(struct core *core, struct client *c, const struct cmd_def *top, const char *fmt,
                   ...) __attribute__((format(printf, 4, 5)));
static void reject(struct core *core, struct client *c, const struct cmd_def *top, const char *fmt,
                   ...)
{
    struct buf tmp = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&tmp, fmt, ap);
    va_end(ap);
    if (c->flags & CL_MULTI)
        c->flags |= CL_DIRTY_EXEC;
    if (top != NULL && strcmp(top->name, "exec") == 0) {
        const char *why = strncmp(tmp.p, "ERR ", 4) == 0 ? tmp.p + 4 : tmp.p;
        cmd_multi_discard(core, c);
        reply_errf(c, rtext[RT_EXECABORT_FMT], why);
    } else {
        resp_w_error(&c->out, tmp.p, tmp.len);
    }
    buf_free(&tmp);
}

static void reject_unknown(struct core *core, struct client *c, const struct resp_argv *a)
{
    /* "'arg' " for each argument while the list is under 128 bytes; each
     * argument is cut so the list stays within 128 (and at a NUL byte). */
    struct buf args = BUF_INIT;
    for (int i = 1; i < a->argc && args.len < 128; i++) {
        int room = 128 - (int)args.len;
        buf_printf(&args, "'%.*s' ", room, a->argv[i]);
    }
    reject(core, c, NULL, rtext[RT_UNKNOWN_CMD_FMT], a->argv[0], args.p ? args.p : "");
    buf_free(&args);
}

/* Sends the error for a command classify refused. */
static void reject_why(struct core *core, struct client *c, enum why why, const struct cmd_def *top,
                       const struct cmd_def *d, const struct resp_argv *a)
{
    char full[96], upper[64];
    size_t i;
    if (d != NULL)
        cmd_fullname(d, d == top ? NULL : top, full, sizeof(full));
    switch (why) {
    case W_UNKNOWN: reject_unknown(core, c, a); break;
    case W_UNKNOWN_SUB:
        for (i = 0; top->name[i] && i < sizeof(upper) - 1; i++)
            upper[i] = (char)toupper((unsigned char)top->name[i]);
        upper[i] = '\0';
        reject(core, c, top, rtext[RT_UNKNOWN_SUB_FMT], a->argv[1], upper);
        break;
    case W_ARITY: reject(core, c, top, rtext[RT_ARITY_FMT], full); break;
    case W_PROTECTED:
        reject(core, c, top, "%s",
               rtext[core->cfg.mock == CORE_MOCK_NO ? RT_MOCK_DISABLED : RT_MOCK_NOT_LOCAL]);
        break;
    case W_NOAUTH: reject(core, c, top, "%s", rtext[RT_NOAUTH]); break;
    case W_NOMULTI: reject(core, c, top, "%s", rtext[RT_NOT_IN_MULTI]); break;
    case W_PUBSUB: reject(core, c, top, rtext[RT_PUBSUB_CONTEXT_FMT], full); break;
    case W_PASS: break;
    }
}

static void run(struct core *core, struct client *c, const struct cmd_def *d,
                struct resp_argv *a)
{
    struct call k = {core, c, d, a->argc, a->argv, a->argl, a};
    core->st.commands++;
    core->cmd_calls[d->id]++;
    size_t out_len = c->out.len;
    watch_before(core, c, d, a->argc, a->argv, a->argl);
    d->fn(&k);
    watch_after(core, c, d, a->argc, a->argv, a->argl, out_len);
}

void cmd_execute(struct core *core, struct client *c, struct resp_argv *a)
{
    const struct cmd_def *d = cmd_lookup(a->argv[0], a->argl[0]);
    if (d && d->subs && a->argc >= 2)
        d = sub_lookup(d, a->argv[1], a->argl[1]);
    if (d != NULL && d->fn != NULL)
        run(core, c, d, a);
}

void cmd_dispatch(struct core *core, struct client *c, struct resp_argv *a)
{
    const struct cmd_def *top, *d;
    enum why why = classify(core, c, a, &top, &d);

    c->atime_ms = core_now_ms(core);
    /* Redis's lastcmd (CLIENT LIST cmd=): what the lookup found, also for a
     * command then rejected or queued; NULL for an unknown one. EXEC's
     * queued commands leave it at exec. */
    c->lastcmd = d;
    if (why != W_PASS) {
        reject_why(core, c, why, top, d, a);
        goto done;
    }
    if ((c->flags & CL_MULTI) && !(top->flags & CMD_NOQUEUE)) {
        if (c->mq_len == c->mq_cap) {
            c->mq_cap = c->mq_cap ? c->mq_cap * 2 : 8;
            c->mq = mem_realloc(c->mq, (size_t)c->mq_cap * sizeof(*c->mq));
        }
        c->mq[c->mq_len++] = a;
        reply_simple(c, "QUEUED");
        return;
    }
    if (d->fn != NULL) /* a bare container has none (its arity needs a subcommand) */
        run(core, c, d, a);
    /* Blocked clients: served when this command gave their key a list (the
     * whole EXEC counts as one command), timed out when it moved the clock. */
    block_serve(core);
    if (core->nblocked_timeout > 0)
        block_expire(core, core_now_ms(core));
done:
    resp_argv_free(a);
}

int arg_is(const struct call *k, int i, const char *lit)
{
    return i < k->argc && strlen(lit) == k->argl[i] && strcasecmp(k->argv[i], lit) == 0;
}

char *arg_take(struct call *k, int i, size_t *len)
{
    return k->args ? resp_argv_take(k->args, i, len) : NULL;
}

int arg_ll(struct call *k, int i, long long *out)
{
    if (!util_str2ll(k->argv[i], k->argl[i], out)) {
        reply_err(k->c, RT_NOTINT);
        return -1;
    }
    return 0;
}

int arg_rand_count(struct call *k, const char *with_option, long long *count, int *with)
{
    *count = 0;
    *with = 0;
    if (k->argc < 3)
        return 0;
    if (arg_ll(k, 2, count) < 0)
        return -1;
    if (*count < -LLONG_MAX) {
        reply_errf(k->c, rtext[RT_RANGE_FMT], -LLONG_MAX, LLONG_MAX);
        return -1;
    }
    if (k->argc > 4 || (k->argc == 4 && !arg_is(k, 3, with_option))) {
        reply_err(k->c, RT_SYNTAX);
        return -1;
    }
    if (k->argc == 4) {
        *with = 1;
        /* The reply holds two entries per element: Redis refuses counts
         * whose double would overflow. */
        if (*count < -LLONG_MAX / 2 || *count > LLONG_MAX / 2) {
            reply_err(k->c, RT_OUT_OF_RANGE);
            return -1;
        }
    }
    return 0;
}

struct obj *arg_lookup(struct call *k, int i, enum obj_type t, int for_write, int *bad)
{
    struct db *db = core_db(k->c);
    int64_t now = core_now_ms(k->core);
    struct obj *o = for_write ? db_lookup(db, k->argv[i], k->argl[i], now)
                              : db_lookup_read(db, k->argv[i], k->argl[i], now);
    *bad = 0;
    if (o != NULL && o->type != t) {
        reply_err(k->c, RT_WRONGTYPE);
        *bad = 1;
        return NULL;
    }
    return o;
}

int arg_mpop(struct call *k, int numi, const char *w0, const char *w1, long long *numkeys,
             int *where, long long *count)
{
    if (!util_str2ll(k->argv[numi], k->argl[numi], numkeys) || *numkeys < 1) {
        reply_err(k->c, RT_NUMKEYS_ZERO);
        return -1;
    }
    int wi = numi + 1;
    if (*numkeys >= k->argc - wi) {
        reply_err(k->c, RT_SYNTAX);
        return -1;
    }
    wi += (int)*numkeys;
    if (arg_is(k, wi, w0)) {
        *where = 0;
    } else if (arg_is(k, wi, w1)) {
        *where = 1;
    } else {
        reply_err(k->c, RT_SYNTAX);
        return -1;
    }
    *count = -1;
    for (int j = wi + 1; j < k->argc; j++) {
        if (*count == -1 && arg_is(k, j, "count") && j + 1 < k->argc) {
            j++;
            if (!util_str2ll(k->argv[j], k->argl[j], count) || *count < 1) {
                reply_err(k->c, RT_COUNT_POSITIVE);
                return -1;
            }
        } else {
            reply_err(k->c, RT_SYNTAX);
            return -1;
        }
    }
    if (*count == -1)
        *count = 1;
    return 0;
}

void arg_store(struct call *k, int i, struct obj *o)
{
    struct db *db = core_db(k->c);
    int existed = db_lookup(db, k->argv[i], k->argl[i], core_now_ms(k->core)) != NULL;
    if (existed)
        block_hush(k->core, 1);
    db_set(db, k->argv[i], k->argl[i], o, 0);
    if (existed)
        block_hush(k->core, 0);
}
