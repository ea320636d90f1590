/* cmd.c - command lookup and dispatch, see cmd.h.
 *
 * Lookup is a binary search over a sorted index of the top-level names,
 * built once. Dispatch follows Redis 7.0's processCommand order, because the
 * order decides which error a client sees when several apply:
 *   unknown command / unknown subcommand -> arity -> MOCK allowed (where
 *   Redis checks DEBUG's enable-debug-command) -> NOAUTH -> not allowed in
 *   MULTI -> Pub/Sub context -> busy script -> a monitor off the keyspace
 *   -> MULTI queue.
 * One function (classify) makes these checks without side effects, so the
 * scenario engine can ask first (cmd_check) and bend only what Redis would
 * run. A rejected command inside MULTI marks the transaction so EXEC
 * aborts; a rejected EXEC is an EXECABORT, whatever the reason.
 *
 * Also here, because every command family uses them: the argument parsers
 * (arg_*), the key lookup idiom (arg_key_*: the value of one type, or the
 * command's reply for a missing key or WRONGTYPE) and the per-command call
 * counters, which cmd.c sizes at the first command since only it knows how
 * many command ids there are.
 *
 * The rows (cmd.h) carry Redis's flags; cmd_init derives our CMD_WRITE,
 * CMD_NOAUTH and CMD_NOMULTI from them once. cmd_getkeys finds a call's
 * keys from the row's key specs the way Redis 7.0's getKeysUsingKeySpecs
 * does (COMMAND GETKEYS), or with one of the three procedures below for the
 * commands whose specs Redis does not trust (SORT, SET, BITFIELD). */
#include "cmd.h"

#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "block.h"
#include "cluster.h"
#include "evict.h"
#include "function.h"
#include "latency.h"
#include "mem.h"
#include "memory.h"
#include "monitor.h"
#include "observe.h"
#include "pause.h"
#include "pubsub.h"
#include "reply.h"
#include "script.h"
#include "tracking.h"
#include "util.h"
#include "watch.h"

static struct cmd_def *tables[] = {
    cmd_conn_table,  cmd_server_table, cmd_keys_table,   cmd_string_table,  cmd_bit_table,
    cmd_hash_table,  cmd_list_table,   cmd_set_table,    cmd_zset_table,    cmd_zsetops_table,
    cmd_sort_table,  cmd_multi_table,  cmd_pubsub_table, cmd_script_table,  cmd_function_table,
    cmd_mock_table,  cmd_stream_table, cmd_xgroup_table, cmd_monitor_table, cmd_db_table,
    cmd_debug_table, cmd_object_table, cmd_memory_table, cmd_cluster_table, cmd_migrate_table,
};
#define NTABLES (sizeof(tables) / sizeof(tables[0]))

const char *const cmd_rflag_names[RF__COUNT] = {
    "pubsub",
    "write",
    "denyoom",
    "readonly",
    "admin",
    "noscript",
    "loading",
    "stale",
    "no_async_loading",
    "blocking",
    "fast",
    "skip_slowlog",
    "no_auth",
    "no_multi",
    "allow_busy",
    "skip_monitor",
    "no_mandatory_keys",
    "movablekeys",
    "asking",
};
const char *const cmd_cat_names[CAT__COUNT] = {
    "pubsub", "keyspace", "write",     "read",     "geo",        "stream",      "hash",
    "string", "set",      "sortedset", "list",     "bitmap",     "hyperloglog", "admin",
    "slow",   "fast",     "dangerous", "blocking", "connection", "transaction", "scripting",
};
const char *const cmd_ksflag_names[KS__COUNT] = {
    "not_key", "RW",     "RO",         "access",         "OW", "insert", "update",
    "RM",      "delete", "incomplete", "variable_flags",
};

static const struct cmd_def **index_;
static int nindex, nids;

/* Our internal flags that restate Redis's. */
static void derive_flags(struct cmd_def *d)
{
    if (d->rflags & RF_WRITE)
        d->flags |= CMD_WRITE;
    if (d->rflags & RF_NO_AUTH)
        d->flags |= CMD_NOAUTH;
    if (d->rflags & RF_NO_MULTI)
        d->flags |= CMD_NOMULTI;
}

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
            derive_flags(d);
            if (d->subs) {
                for (struct cmd_def *s = d->subs; s->name; s++) {
                    s->id = id++;
                    derive_flags(s);
                }
            }
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

const struct cmd_def *cmd_lookup_argv(int argc, char **argv, const size_t *argl)
{
    const struct cmd_def *d = argc > 0 ? cmd_lookup(argv[0], argl[0]) : NULL;
    if (d != NULL && d->subs != NULL && argc >= 2)
        d = sub_lookup(d, argv[1], argl[1]);
    return d;
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
    W_BUSY,        /* a script is busy (core->busy) and the command is not allow_busy */
    W_REPLICA,     /* a monitor (a replica to Redis) touching the keyspace */
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
    /* Redis checks its busy state after these (and after checks of
     * replication, memory and loading that do not apply here), with the
     * flags of the subcommand itself. */
    if (core->busy && !((*d)->rflags & RF_ALLOW_BUSY))
        return W_BUSY;
    /* Redis keeps a monitor (a replica to it) off the keyspace: no command
     * that reads, writes or may replicate. */
    if ((c->flags & CL_MONITOR) &&
        (((*d)->rflags & (RF_READONLY | RF_WRITE)) || ((*d)->flags & CMD_MAY_REPLICATE)))
        return W_REPLICA;
    return W_PASS;
}

enum cmd_verdict cmd_check(const struct core *core, const struct client *c,
                           const struct resp_argv *a)
{
    const struct cmd_def *top, *d;
    switch (classify(core, c, a, &top, &d)) {
    case W_PASS: return (c->flags & CL_MULTI) && !(top->flags & CMD_NOQUEUE) ? CMD_QUEUE : CMD_PASS;
    case W_UNKNOWN:
    case W_UNKNOWN_SUB: return c->authed ? CMD_UNKNOWN : CMD_REJECT;
    default: return CMD_REJECT;
    }
}

/* Rejects the command (Redis's rejectCommand + flagTransaction): a MULTI in
 * progress is marked so EXEC aborts, and the error rtext[id] (formatted
 * with the arguments that follow) is sent; a rejected EXEC instead ends the
 * transaction and answers EXECABORT quoting the error without its "ERR "
 * (rtext_msg), as Redis's execCommandAbort does. */
static void reject(struct core *core, struct client *c, const struct cmd_def *top, enum rtext_id id,
                   ...)
{
    int exec = top != NULL && strcmp(top->name, "exec") == 0;
    struct buf tmp = BUF_INIT;
    va_list ap;
    va_start(ap, id);
    buf_vprintf(&tmp, exec ? rtext_msg(id) : rtext[id], ap);
    va_end(ap);
    if (c->flags & CL_MULTI)
        c->flags |= CL_DIRTY_EXEC;
    if (exec) {
        cmd_multi_discard(core, c);
        reply_errf(c, rtext[RT_EXECABORT_FMT], tmp.p);
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
    reject(core, c, NULL, RT_UNKNOWN_CMD_FMT, a->argv[0], args.p ? args.p : "");
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
        reject(core, c, top, RT_UNKNOWN_SUB_FMT, a->argv[1], upper);
        break;
    case W_ARITY: reject(core, c, top, RT_ARITY_FMT, full); break;
    case W_PROTECTED:
        reject(core, c, top, core->cfg.mock == CORE_MOCK_NO ? RT_MOCK_DISABLED : RT_MOCK_NOT_LOCAL);
        break;
    case W_NOAUTH: reject(core, c, top, RT_NOAUTH); break;
    case W_NOMULTI: reject(core, c, top, RT_NOT_IN_MULTI); break;
    case W_PUBSUB: reject(core, c, top, RT_PUBSUB_CONTEXT_FMT, full); break;
    case W_BUSY:
        reject(core, c, top, core->busy == CORE_BUSY_FUNCTION ? RT_BUSY_FUNCTION : RT_BUSY);
        break;
    case W_REPLICA: reject(core, c, top, RT_MONITOR_REPLICA); break;
    case W_PASS: break;
    }
}

/* Counts a call of d in core->cmd_calls, which is allocated here at the
 * first call: only the command table knows how many ids there are. */
static void cmd_count_call(struct core *core, const struct cmd_def *d)
{
    if (core->cmd_calls == NULL) {
        core->ncmd_calls = (size_t)cmd_id_count();
        core->cmd_calls = mem_calloc(core->ncmd_calls, sizeof(uint64_t));
    }
    core->cmd_calls[d->id]++;
}

uint64_t cmd_calls_of(const struct core *core, const struct cmd_def *d)
{
    return core->cmd_calls ? core->cmd_calls[d->id] : 0;
}

/* What WATCH needs of d's flags (watch.h). */
static unsigned watch_kind(const struct cmd_def *d)
{
    return ((d->flags & CMD_WRITE) ? WATCH_WRITES : 0) |
           ((d->flags & CMD_TOUCH) ? WATCH_TOUCHES : 0) |
           ((d->flags & CMD_SIGNALS) ? WATCH_SIGNALS : 0);
}

/* Client tracking: the keys a read-only command of c read (its key specs). */
static void remember_keys(struct core *core, struct client *c, const struct cmd_def *d,
                          const struct resp_argv *a)
{
    struct cmd_keyref *refs = mem_alloc((size_t)a->argc * sizeof(*refs));
    int n = cmd_getkeys(d, a->argc, a->argv, a->argl, refs, a->argc);
    if (n > 0) {
        int *pos = mem_alloc((size_t)n * sizeof(*pos));
        for (int i = 0; i < n; i++)
            pos[i] = refs[i].pos;
        tracking_remember(core, c, n, pos, a->argv, a->argl);
        free(pos);
    }
    free(refs);
}

/* The command of a client with tracking state that is running, for the
 * commands its script runs on the engine's own client (run() nests). */
struct tracked_call {
    struct client *c;
    const struct cmd_def *d;
    struct resp_argv *a;
};
static struct tracked_call tracked_outer;

/* EVAL_RO, EVALSHA_RO, FCALL_RO: read-only, but only the reads of their
 * script remember keys, as in Redis. */
static int script_ro(const struct cmd_def *d)
{
    return strcmp(d->name, "eval_ro") == 0 || strcmp(d->name, "evalsha_ro") == 0 ||
           strcmp(d->name, "fcall_ro") == 0;
}

/* Client tracking: what a read-only command d of c makes c (or, for a
 * script's read, its caller) remember. */
static void track_reads(struct core *core, struct client *c, const struct cmd_def *d,
                        struct resp_argv *a)
{
    if (c->trk != NULL) {
        if (!script_ro(d) && tracking_wants_keys(c))
            remember_keys(core, c, d, a);
    } else if (tracked_outer.c != NULL && core->running == tracked_outer.c &&
               tracking_wants_keys(tracked_outer.c)) {
        /* a script's read: Redis remembers the keys of its caller's
         * command (EVAL's KEYS), for the caller */
        remember_keys(core, tracked_outer.c, tracked_outer.d, tracked_outer.a);
    }
}

/* Runs d, and shows it to the monitors as Redis 7.0.15 does: after it
 * ran (its db then, its redactions), so that EXEC follows the commands it
 * ran; Redis's skip_monitor commands (EVAL, EVALSHA, FCALL and their _RO
 * forms) before, so that the commands their script calls follow them;
 * admin commands (CONFIG, DEBUG, MONITOR, ...) never. */
/* The memory model (memory.h): a write command may have changed the values
 * at any of its arguments in place; each one that names a key of the
 * client's database is measured again. */
static void mem_refresh_args(struct core *core, struct client *c, const struct resp_argv *a)
{
    struct db *db = &core->db[c->dbi];
    if (db_size(db) == 0)
        return;
    for (int i = 1; i < a->argc; i++)
        db_mem_refresh(db, a->argv[i], a->argl[i]);
    mem_note_peak(core);
}

static void run(struct core *core, struct client *c, const struct cmd_def *d, struct resp_argv *a)
{
    struct call k = {core, c, d, a->argc, a->argv, a->argl, a, NULL};
    unsigned kind = watch_kind(d);
    core->st.commands++;
    size_t out_len = c->out.len;
    if (d->rflags & RF_SKIP_MONITOR)
        mon_feed(core, c, a->argc, a->argv, a->argl, NULL);
    watch_before(core, c, kind, a->argc, a->argv, a->argl);
    struct trk_probe *probe = NULL;
    if ((kind & WATCH_WRITES) && !(kind & WATCH_SIGNALS))
        probe = tracking_before(core, c, a->argc, a->argv, a->argl);
    struct tracked_call saved = tracked_outer;
    if (c->trk != NULL)
        tracked_outer = (struct tracked_call){c, d, a};
    int64_t started = obs_start(core);
    obs_enter(core);
    d->fn(&k);
    obs_leave(core);
    int64_t us = obs_elapsed_us(core, started);
    cmd_count_call(core, d); /* after the call, as Redis: INFO does not count itself */
    tracked_outer = saved;
    if (kind & WATCH_WRITES)
        mem_refresh_args(core, c, a);
    if (core->cluster && (d->rflags & RF_WRITE)) /* its replicas copy the keys */
        cluster_repl_wrote(core, c->dbi, d, a);
    watch_after(core, c, kind, a->argc, a->argv, a->argl, out_len);
    tracking_after(core, c, probe, (kind & WATCH_TOUCHES) != 0, a->argc, a->argv, a->argl, out_len);
    /* The slow log and the counters. A command that blocked is logged once
     * served (observe.h), as Redis logs it. */
    long long slower_than, max_len;
    cmd_slowlog_cfg(core, &slower_than, &max_len);
    obs_ran(core, c, d->id, (size_t)cmd_id_count(), a->argc, a->argv, a->argl, out_len, us,
            (d->rflags & RF_SKIP_SLOWLOG) != 0, slower_than, max_len);
    long long threshold_ms;
    int track;
    cmd_latency_cfg(core, &threshold_ms, &track);
    if (!(c->flags & CL_BLOCKED))
        lat_command(core, d->id, (size_t)cmd_id_count(), us, (d->rflags & RF_FAST) != 0, track,
                    threshold_ms);
    if (d->rflags & RF_READONLY)
        track_reads(core, c, d, a);
    if (!(d->rflags & (RF_SKIP_MONITOR | RF_ADMIN)))
        mon_feed(core, c, a->argc, a->argv, a->argl, k.redacted);
    free(k.redacted);
}

void arg_redact(struct call *k, int i)
{
    if (k->redacted == NULL)
        k->redacted = mem_calloc((size_t)k->argc, 1);
    k->redacted[i] = 1;
}

/* A command a scenario rule answered in its place (plan.c): shown as if it
 * ran, by the same rules; one mockredis does not know, always. */
void cmd_monitor_feed(struct core *core, struct client *c, const struct resp_argv *a)
{
    const struct cmd_def *d = cmd_lookup_argv(a->argc, a->argv, a->argl);
    if (d == NULL || !(d->rflags & RF_ADMIN))
        mon_feed(core, c, a->argc, a->argv, a->argl, NULL);
}

void cmd_execute(struct core *core, struct client *c, struct resp_argv *a)
{
    const struct cmd_def *d = cmd_lookup(a->argv[0], a->argl[0]);
    if (d && d->subs && a->argc >= 2)
        d = sub_lookup(d, a->argv[1], a->argl[1]);
    if (d != NULL && d->fn != NULL)
        run(core, c, d, a);
    else /* queued for a rule that did not fire (cmd_queue): EXEC's element */
        reject_unknown(core, c, a);
}

void cmd_queue(struct client *c, struct resp_argv *a)
{
    if (c->mq_len == c->mq_cap) {
        c->mq_cap = c->mq_cap ? c->mq_cap * 2 : 8;
        c->mq = mem_realloc(c->mq, (size_t)c->mq_cap * sizeof(*c->mq));
    }
    c->mq[c->mq_len++] = a;
    reply_simple(c, "QUEUED");
}

/* Whether the call a (of d) may grow memory (Redis's denyoom flag): d's
 * own flag, or for EVAL/EVALSHA of a script with a shebang and FCALL the
 * flags it declares (denyoom unless no-writes or allow-oom), as Redis's
 * getCommandFlags says. */
static int call_denyoom(const struct core *core, const struct cmd_def *d, int argc, char **argv,
                        const size_t *argl)
{
    unsigned flags = 0;
    int declared = 0;
    if (argc >= 2) {
        if (!strcmp(d->name, "eval") || !strcmp(d->name, "eval_ro"))
            declared = scr_flags_of(core, 0, argv[1], argl[1], &flags);
        else if (!strcmp(d->name, "evalsha") || !strcmp(d->name, "evalsha_ro"))
            declared = scr_flags_of(core, 1, argv[1], argl[1], &flags);
        else if (!strcmp(d->name, "fcall") || !strcmp(d->name, "fcall_ro"))
            declared = fn_flags_of(core, argv[1], argl[1], &flags);
    }
    if (declared)
        return !(flags & (SF_NO_WRITES | SF_ALLOW_OOM));
    return (d->rflags & RF_DENYOOM) != 0;
}

/* Runs eviction before a command, as Redis's processCommand does for
 * every command while maxmemory is set, and tells whether the command is
 * then refused with -OOM: memory is still over the limit and the command
 * is flagged denyoom (EXEC: one of its queued commands is), or c is in
 * MULTI and the command is not EXEC, DISCARD, QUIT or RESET. Remembers
 * the outcome for scripts (core->pre_cmd_oom). */
static int oom_reject(struct core *core, struct client *c, const struct cmd_def *top,
                      const struct cmd_def *d, const struct resp_argv *a)
{
    int oom = evict_perform(core) < 0;
    core->pre_cmd_oom = oom;
    if (!oom)
        return 0;
    if (call_denyoom(core, d, a->argc, a->argv, a->argl))
        return 1;
    int exec = strcmp(top->name, "exec") == 0;
    if (exec) {
        for (int i = 0; i < c->mq_len; i++) {
            const struct resp_argv *q = c->mq[i];
            const struct cmd_def *qd = cmd_lookup_argv(q->argc, q->argv, q->argl);
            if (qd && call_denyoom(core, qd, q->argc, q->argv, q->argl))
                return 1;
        }
    }
    return (c->flags & CL_MULTI) && !exec && strcmp(top->name, "discard") != 0 &&
           strcmp(top->name, "quit") != 0 && strcmp(top->name, "reset") != 0;
}

/* Whether a CLIENT PAUSE in force makes c's command d (top-level top) wait. */
static int paused_for(const struct core *core, const struct client *c, const struct cmd_def *top,
                      const struct cmd_def *d)
{
    enum pause_mode m = pause_mode_now(core);
    if (m == PAUSE_NONE || ((top->flags | d->flags) & CMD_PROTECTED))
        return 0;
    if (m == PAUSE_ALL)
        return 1;
    if ((d->rflags & RF_WRITE) || (d->flags & CMD_MAY_REPLICATE))
        return 1;
    if (strcmp(top->name, "exec") != 0 || !(c->flags & CL_MULTI))
        return 0;
    for (int i = 0; i < c->mq_len; i++) {
        const struct resp_argv *q = c->mq[i];
        const struct cmd_def *qd = cmd_lookup_argv(q->argc, q->argv, q->argl);
        if (qd != NULL && ((qd->rflags & RF_WRITE) || (qd->flags & CMD_MAY_REPLICATE)))
            return 1;
    }
    return 0;
}

static void dispatch(struct core *core, struct client *c, struct resp_argv *a);

void cmd_dispatch(struct core *core, struct client *c, struct resp_argv *a)
{
    size_t from = c->out.len;
    dispatch(core, c, a);
    if (!(c->flags & CL_POSTPONED)) {
        /* CLIENT REPLY: OFF and SKIP drop the reply (CLIENT REPLY ON's own
         * goes out: it cleared them); SKIP lasts one command. */
        if ((c->flags & (CL_REPLY_OFF | CL_REPLY_SKIP)) && c->out.len > from)
            c->out.len = from;
        c->flags &= ~CL_REPLY_SKIP;
        if (c->flags & CL_REPLY_SKIP_NEXT)
            c->flags = (c->flags & ~CL_REPLY_SKIP_NEXT) | CL_REPLY_SKIP;
    }
    pause_check(core);
}

static void dispatch(struct core *core, struct client *c, struct resp_argv *a)
{
    const struct cmd_def *top, *d;
    enum why why = classify(core, c, a, &top, &d);
    if (core->cluster) /* a replica catches up with its primary first */
        cluster_repl_sync(core->cluster, core->cl_node);

    c->atime_ms = core_now_ms(core);
    /* Redis's lastcmd (CLIENT LIST cmd=): what the lookup found, also for a
     * command then rejected or queued; NULL for an unknown one. EXEC's
     * queued commands leave it at exec. */
    c->lastcmd = d;
    size_t from_err = c->out.len;
    /* Cluster mode: MOVED, ASK, CROSSSLOT ... where Redis's processCommand
     * asks getNodeByQuery, after the no-multi check, before maxmemory
     * (cluster.h). A refused EXEC discards its transaction and answers the
     * bare error; any other refused command makes the EXEC abort. */
    if (core->cluster && (why == W_PASS || why == W_PUBSUB || why == W_BUSY || why == W_REPLICA)) {
        struct buf err = BUF_INIT;
        if (cluster_route(core, c, d, a, &err)) {
            if (strcmp(top->name, "exec") == 0)
                cmd_multi_discard(core, c);
            else if (c->flags & CL_MULTI)
                c->flags |= CL_DIRTY_EXEC;
            resp_w_error(&c->out, err.p, err.len);
            obs_rejected(core, c, d->id, (size_t)cmd_id_count(), from_err);
            buf_free(&err);
            goto done;
        }
        buf_free(&err);
    } else if (core->cluster) {
        cluster_asking_done(c, d); /* refused before routing: ASKING ends too */
    }
    /* maxmemory, where Redis checks it: after the transaction checks,
     * before the Pub/Sub context and busy script ones (never while a
     * script is busy). */
    if (core->cfg.maxmemory > 0 && (why == W_PASS || why == W_PUBSUB) && !core->busy &&
        oom_reject(core, c, top, d, a)) {
        reject(core, c, top, RT_OOM);
        goto done;
    }
    /* tracking-table-max-keys, where Redis applies it: after the memory
     * check, before the Pub/Sub context, busy script and replica ones. */
    if (why == W_PASS || why == W_PUBSUB || why == W_BUSY || why == W_REPLICA)
        tracking_limit(core, c);
    if (why != W_PASS) {
        size_t before = c->out.len;
        reject_why(core, c, why, top, d, a);
        obs_rejected(core, c, d != NULL ? d->id : -1, (size_t)cmd_id_count(), before);
        goto done;
    }
    if (paused_for(core, c, top, d)) {
        pause_postpone(core, c, a); /* runs when the pause ends, as it arrived */
        return;
    }
    if ((c->flags & CL_MULTI) && !(top->flags & CMD_NOQUEUE)) {
        cmd_queue(c, a);
        return;
    }
    if (d->fn != NULL) /* a bare container has none (its arity needs a subcommand) */
        run(core, c, d, a);
    /* Blocked clients: served when this command gave their key a list (the
     * whole EXEC counts as one command), timed out when it moved the clock.
     * Not while a script is busy (a command allowed then runs in the middle
     * of it): they would see its writes before it ends. */
    if (core->busy)
        goto done;
    block_serve(core);
    if (core->nblocked_timeout > 0)
        block_expire(core, core_now_ms(core));
done:
    /* Client tracking's messages for c go after its reply; CLIENT
     * CACHING's flag lasts until the next command that is no CLIENT one. */
    tracking_end(core, c, d != NULL && d != top && strcmp(top->name, "client") == 0);
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

int arg_timeout(struct call *k, int i, int64_t *deadline_ms)
{
    long double secs;
    if (!util_str2ld(k->argv[i], k->argl[i], &secs)) {
        reply_err(k->c, RT_TIMEOUT_NOTFLOAT);
        return -1;
    }
    /* Redis rounds seconds * 1000 up (0.0001: 1 ms, not 0 = forever) and
     * converts it to a long long; out of range (inf included) that
     * conversion gives LLONG_MIN on x86-64: "negative". */
    long double ms = ceill(secs * 1000.0L);
    long long t =
        ms < 9223372036854775807.0L && ms >= -9223372036854775807.0L ? (long long)ms : LLONG_MIN;
    if (t < 0) {
        reply_err(k->c, RT_TIMEOUT_NEGATIVE);
        return -1;
    }
    int64_t now = cmd_now(k);
    /* Past the end of time Redis 7.0's deadline wraps to a negative number,
     * which its timeout table (unsigned) never reaches: forever. */
    *deadline_ms = t > 0 && t <= LLONG_MAX - now ? now + t : 0;
    return 0;
}

int arg_timeout_ms(struct call *k, int i, int64_t *deadline_ms)
{
    long long ms;
    if (!util_str2ll(k->argv[i], k->argl[i], &ms)) {
        reply_err(k->c, RT_TIMEOUT_NOTINT);
        return -1;
    }
    if (ms < 0) {
        reply_err(k->c, RT_TIMEOUT_NEGATIVE);
        return -1;
    }
    int64_t now = cmd_now(k);
    /* past the end of time: forever, as in arg_timeout */
    *deadline_ms = ms > 0 && ms <= LLONG_MAX - now ? now + ms : 0;
    return 0;
}

struct db *cmd_db(const struct call *k)
{
    return core_db(k->c);
}

int64_t cmd_now(const struct call *k)
{
    return core_now_ms(k->core);
}

void cmd_notify(const struct call *k, int type, const char *event, const char *key, size_t klen)
{
    notify_keyspace_event(k->core, type, event, key, klen, k->c->dbi);
}

void cmd_notify_arg(const struct call *k, int type, const char *event, int i)
{
    cmd_notify(k, type, event, k->argv[i], k->argl[i]);
}

/* A new empty value of a collection type. */
static struct obj *empty_of(enum obj_type t)
{
    switch (t) {
    case OBJ_LIST: return obj_new_list();
    case OBJ_HASH: return obj_new_hash();
    case OBJ_SET: return obj_new_set();
    case OBJ_ZSET: return obj_new_zset();
    case OBJ_STREAM: return obj_new_stream();
    case OBJ_STRING: break;
    }
    assert(!"MISS_CREATE: a string has no empty value to create");
    return NULL;
}

/* Writes the reply for a missing key; returns 0 when miss lets the command
 * go on (*o then set), -1 after a reply. */
static int key_missing(struct call *k, int i, enum obj_type t, enum arg_miss miss, struct obj **o)
{
    switch (miss) {
    case MISS_GO: return 0;
    case MISS_CREATE:
        *o = empty_of(t);
        db_set(cmd_db(k), k->argv[i], k->argl[i], *o, 0);
        return 0;
    case MISS_NULL: reply_null(k->c); break;
    case MISS_NULL_ARRAY: reply_null_array(k->c); break;
    case MISS_ZERO: reply_int(k->c, 0); break;
    case MISS_EMPTY_ARRAY: reply_array(k->c, 0); break;
    case MISS_EMPTY_SET: reply_set(k->c, 0); break;
    case MISS_EMPTY_BULK: reply_bulk(k->c, "", 0); break;
    case MISS_OK: reply_ok(k->c); break;
    case MISS_NOSUCHKEY: reply_err(k->c, RT_NOSUCHKEY); break;
    }
    return -1;
}

/* arg_key_read and arg_key_write once the value is looked up. */
static int key_check(struct call *k, int i, enum obj_type t, enum arg_miss miss, struct obj *v,
                     struct obj **o)
{
    *o = NULL;
    if (v == NULL)
        return key_missing(k, i, t, miss, o);
    if (v->type != t) {
        reply_err(k->c, RT_WRONGTYPE);
        return -1;
    }
    *o = v;
    return 0;
}

int arg_key_read(struct call *k, int i, enum obj_type t, enum arg_miss miss, struct obj **o)
{
    assert(miss != MISS_CREATE);
    struct obj *v = db_lookup_read(cmd_db(k), k->argv[i], k->argl[i], cmd_now(k));
    return key_check(k, i, t, miss, v, o);
}

int arg_key_write(struct call *k, int i, enum obj_type t, enum arg_miss miss, struct obj **o)
{
    struct obj *v = db_lookup(cmd_db(k), k->argv[i], k->argl[i], cmd_now(k));
    return key_check(k, i, t, miss, v, o);
}

void arg_key_reply_len(struct call *k, int i, enum obj_type t)
{
    struct obj *o;
    if (arg_key_read(k, i, t, MISS_ZERO, &o) < 0)
        return;
    reply_int(k->c, (long long)obj_len(o));
}

void arg_key_drop_if_empty(struct call *k, int i, const struct obj *o)
{
    cmd_drop_if_empty(k->core, k->c->dbi, k->argv[i], k->argl[i], o);
}

void cmd_drop_if_empty(struct core *core, int dbi, const char *key, size_t klen,
                       const struct obj *o)
{
    if (obj_len(o) != 0)
        return;
    db_drop_if_empty(&core->db[dbi], key, klen, o, core_now_ms(core));
    notify_keyspace_event(core, NOTIFY_GENERIC, "del", key, klen, dbi);
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

/* ---- keys of a call: COMMAND GETKEYS ------------------------------------------------ */

int cmd_has_keys(const struct cmd_def *d)
{
    if (d->getkeys != NULL)
        return 1;
    for (const struct cmd_keyspec *ks = d->keyspecs; ks && ks->bs; ks++)
        if (!(ks->flags & KS_NOT_KEY))
            return 1;
    return 0;
}

/* Where spec ks's keys are in argv: *first, *last and *step, or -1 when the
 * arguments do not fit it. 0 keys (a keyword that is absent) is 0 with
 * *first 0. */
static int spec_range(const struct cmd_keyspec *ks, int argc, char **argv, const size_t *argl,
                      int *first, int *last, int *step)
{
    *first = 0;
    if (ks->bs == KS_BS_INDEX) {
        *first = ks->bs_pos;
    } else if (ks->bs == KS_BS_KEYWORD) {
        int from = ks->bs_pos > 0 ? ks->bs_pos : argc + ks->bs_pos;
        int to = ks->bs_pos > 0 ? argc - 1 : 1;
        for (int i = from; i != to; i = from <= to ? i + 1 : i - 1) {
            if (i >= argc || i < 1)
                break;
            if (strcasecmp(argv[i], ks->bs_keyword) == 0) {
                *first = i + 1;
                break;
            }
        }
        if (*first == 0)
            return 0;
    } else {
        return -1;
    }
    if (ks->fk == KS_FK_RANGE) {
        *step = ks->fk_b;
        if (ks->fk_a >= 0)
            *last = *first + ks->fk_a;
        else if (ks->fk_c == 0)
            *last = argc + ks->fk_a;
        else
            *last = *first + ((argc - *first) / ks->fk_c + ks->fk_a);
    } else if (ks->fk == KS_FK_KEYNUM) {
        long long n;
        *step = ks->fk_c;
        if (ks->fk_a >= argc - *first)
            return -1;
        int ni = *first + ks->fk_a;
        if (!util_str2ll(argv[ni], argl[ni], &n) || n < 0 || n > INT_MAX)
            return -1;
        *first += ks->fk_b;
        *last = *first + (int)n - 1;
    } else {
        return -1;
    }
    if (*last >= argc || *last < *first || *first >= argc)
        return -1;
    return 0;
}

static int getkeys_specs(const struct cmd_def *d, int argc, char **argv, const size_t *argl,
                         struct cmd_keyref *out, int max)
{
    int n = 0;
    for (const struct cmd_keyspec *ks = d->keyspecs; ks && ks->bs; ks++) {
        int first, last, step;
        if (ks->flags & KS_NOT_KEY)
            continue;
        if (spec_range(ks, argc, argv, argl, &first, &last, &step) < 0)
            return -1;
        for (int i = first; first > 0 && i <= last; i += step) {
            if (n < max) {
                out[n].pos = i;
                out[n].flags = ks->flags;
            }
            n++;
        }
    }
    return n;
}

int cmd_getkeys(const struct cmd_def *d, int argc, char **argv, const size_t *argl,
                struct cmd_keyref *out, int max)
{
    int n = -1;
    int varflags = 0;
    for (const struct cmd_keyspec *ks = d->keyspecs; ks && ks->bs; ks++)
        varflags |= (ks->flags & KS_VARIABLE_FLAGS) != 0 ||
                    ((ks->flags & KS_INCOMPLETE) && d->getkeys != NULL);
    /* Like Redis: the key specs unless their flags vary with the arguments
     * (or one is incomplete: MIGRATE's), the command's procedure when the
     * specs cannot tell. */
    if (!varflags)
        n = getkeys_specs(d, argc, argv, argl, out, max);
    if (n < 0 && d->getkeys != NULL)
        n = d->getkeys(argc, argv, out, max);
    return n;
}

static void keyref(struct cmd_keyref *out, int max, int i, int pos, unsigned flags)
{
    if (i < max) {
        out[i].pos = pos;
        out[i].flags = flags;
    }
}

int cmd_getkeys_sort(int argc, char **argv, struct cmd_keyref *out, int max)
{
    /* The sorted key, then the last STORE's destination (LIMIT takes two
     * arguments, GET and BY one, as SORT parses them). */
    int store = 0;
    keyref(out, max, 0, 1, KS_RO | KS_ACCESS);
    for (int i = 2; i < argc; i++) {
        if (strcasecmp(argv[i], "limit") == 0) {
            i += 2;
        } else if (strcasecmp(argv[i], "get") == 0 || strcasecmp(argv[i], "by") == 0) {
            i += 1;
        } else if (strcasecmp(argv[i], "store") == 0 && i + 1 < argc) {
            store = i + 1;
        }
    }
    if (store)
        keyref(out, max, 1, store, KS_OW | KS_UPDATE);
    return 1 + (store != 0);
}

int cmd_getkeys_sort_ro(int argc, char **argv, struct cmd_keyref *out, int max)
{
    /* SORT_RO has no STORE: only the sorted key (BY and GET patterns name
     * keys derived from its content, which no key spec can tell). */
    (void)argc;
    (void)argv;
    keyref(out, max, 0, 1, KS_RO | KS_ACCESS);
    return 1;
}

int cmd_getkeys_set(int argc, char **argv, struct cmd_keyref *out, int max)
{
    unsigned flags = KS_OW | KS_UPDATE;
    for (int i = 3; i < argc; i++)
        if (strcasecmp(argv[i], "get") == 0)
            flags = KS_RW | KS_ACCESS | KS_UPDATE;
    keyref(out, max, 0, 1, flags);
    return 1;
}

int cmd_getkeys_bitfield(int argc, char **argv, struct cmd_keyref *out, int max)
{
    /* Read-only when every operation is a complete GET or OVERFLOW. */
    int ro = 1;
    for (int i = 2; i < argc && ro; i++) {
        int rest = argc - i - 1;
        if (strcasecmp(argv[i], "get") == 0 && rest >= 2)
            i += 2;
        else if (strcasecmp(argv[i], "overflow") == 0 && rest >= 1)
            i += 1;
        else
            ro = 0;
    }
    keyref(out, max, 0, 1, ro ? KS_RO | KS_ACCESS : KS_RW | KS_ACCESS | KS_UPDATE);
    return 1;
}
