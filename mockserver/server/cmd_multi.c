/* cmd_multi.c - transactions: MULTI EXEC DISCARD WATCH UNWATCH.
 *
 * cmd_dispatch queues every command of a client in MULTI (except the
 * CMD_NOQUEUE ones: MULTI, EXEC, DISCARD, WATCH, QUIT, RESET) and marks the
 * transaction CL_DIRTY_EXEC when it rejects one (unknown command, arity,
 * NOAUTH, a CMD_NOMULTI command such as SHUTDOWN or SAVE). EXEC then either
 * aborts with EXECABORT or runs the queue with cmd_execute and answers with
 * an array of the replies, as Redis does; errors raised while running
 * (WRONGTYPE, ...) are just elements of it. With core->run_queued set (a
 * server, plan.c) EXEC hands it each queued command instead, so that a
 * scenario's rule bends the command where it runs: its element of the
 * array, at EXEC time.
 *
 * WATCH is watch.c: EXEC answers a null array when a watched key was
 * touched (or expired) since, and every way out of a transaction (EXEC,
 * DISCARD, an aborted EXEC) forgets the watched keys, as Redis's
 * discardTransaction does.
 *
 * An EXEC that cmd_dispatch rejects (arguments, NOAUTH, ...) never gets
 * here: cmd_dispatch ends the transaction and answers "EXECABORT
 * Transaction discarded because of: <the error>", in MULTI or not, as
 * Redis does. */
#include <stdlib.h>

#include "cmd.h"
#include "reply.h"
#include "watch.h"

void cmd_multi_discard(struct core *core, struct client *c)
{
    watch_forget(core, c);
    for (int i = 0; i < c->mq_len; i++)
        resp_argv_free(c->mq[i]);
    free(c->mq);
    c->mq = NULL;
    c->mq_len = c->mq_cap = 0;
    c->flags &= ~(CL_MULTI | CL_DIRTY_EXEC);
}

static void multi_cmd(struct call *k)
{
    if (k->c->flags & CL_MULTI) {
        reply_err(k->c, RT_MULTI_NESTED); /* Redis does not abort the transaction for this */
        return;
    }
    k->c->flags |= CL_MULTI;
    reply_ok(k->c);
}

static void exec_cmd(struct call *k)
{
    struct client *c = k->c;
    if (!(c->flags & CL_MULTI)) {
        reply_err(c, RT_EXEC_NOMULTI);
        return;
    }
    if (c->flags & CL_DIRTY_EXEC) {
        cmd_multi_discard(k->core, c);
        reply_err(c, RT_EXECABORT);
        return;
    }
    if (!watch_exec_ok(k->core, c)) {
        cmd_multi_discard(k->core, c);
        reply_null_array(c);
        return;
    }
    watch_forget(k->core, c);
    /* Take the queue first: a queued command may not see itself in MULTI. */
    struct resp_argv **q = c->mq;
    int n = c->mq_len;
    c->mq = NULL;
    c->mq_len = c->mq_cap = 0;
    c->flags &= ~(CL_MULTI | CL_DIRTY_EXEC);
    unsigned deny = c->flags & CL_DENY_BLOCKING; /* BLPOP in EXEC answers at once */
    c->flags |= CL_DENY_BLOCKING;
    reply_array(c, n);
    for (int i = 0; i < n; i++) {
        if (k->core->run_queued)
            k->core->run_queued(k->core->run_queued_ud, c, q[i]);
        else
            cmd_execute(k->core, c, q[i]);
        resp_argv_free(q[i]);
    }
    c->flags = (c->flags & ~CL_DENY_BLOCKING) | deny;
    free(q);
}

static void discard_cmd(struct call *k)
{
    if (!(k->c->flags & CL_MULTI)) {
        reply_err(k->c, RT_DISCARD_NOMULTI);
        return;
    }
    cmd_multi_discard(k->core, k->c);
    reply_ok(k->c);
}

static void watch_cmd(struct call *k)
{
    if (k->c->flags & CL_MULTI) {
        reply_err(k->c, RT_WATCH_IN_MULTI);
        return;
    }
    for (int i = 1; i < k->argc; i++)
        watch_key(k->core, k->c, k->argv[i], k->argl[i]);
    reply_ok(k->c);
}

static void unwatch_cmd(struct call *k)
{
    watch_forget(k->core, k->c);
    reply_ok(k->c);
}

// clang-format off
struct cmd_def cmd_multi_table[] = {
    {.name = "multi", .fn = multi_cmd, .flags = CMD_NOQUEUE,
     .arity = 1, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE | RF_FAST | RF_ALLOW_BUSY,
     .acl = CAT_FAST | CAT_TRANSACTION,
     .since = "1.2.0", .group = "transactions",
     .complexity = "O(1)",
     .summary = "Starts a transaction."},
    {.name = "exec", .fn = exec_cmd, .flags = CMD_NOQUEUE,
     .arity = 1, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE | RF_SKIP_SLOWLOG,
     .acl = CAT_SLOW | CAT_TRANSACTION,
     .since = "1.2.0", .group = "transactions",
     .complexity = "Depends on commands in the transaction",
     .summary = "Executes all commands in a transaction."},
    {.name = "discard", .fn = discard_cmd, .flags = CMD_NOQUEUE,
     .arity = 1, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE | RF_FAST | RF_ALLOW_BUSY,
     .acl = CAT_FAST | CAT_TRANSACTION,
     .since = "2.0.0", .group = "transactions",
     .complexity = "O(N), when N is the number of queued commands",
     .summary = "Discards a transaction."},
    {.name = "watch", .fn = watch_cmd, .flags = CMD_NOQUEUE,
     .arity = -2, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE | RF_FAST | RF_ALLOW_BUSY,
     .acl = CAT_FAST | CAT_TRANSACTION,
     .first = 1, .last = -1, .step = 1,
     KEYSPECS({KS_RO, BS_INDEX(1), FK_RANGE(-1, 1, 0)}),
     .since = "2.2.0", .group = "transactions",
     .complexity = "O(1) for every key.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0), .aflags = ARGF_MULTIPLE}),
     .summary = "Monitors changes to keys to determine the execution of a transaction."},
    {.name = "unwatch", .fn = unwatch_cmd,
     .arity = 1, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE | RF_FAST | RF_ALLOW_BUSY,
     .acl = CAT_FAST | CAT_TRANSACTION,
     .since = "2.2.0", .group = "transactions",
     .complexity = "O(1)",
     .summary = "Forgets about watched keys of a transaction."},
    {.name = NULL},
};
// clang-format on
