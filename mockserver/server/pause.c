/* pause.c - CLIENT PAUSE's waiting commands, see pause.h.
 *
 * A postponed command stays with its client (client->postponed), numbered
 * by arrival (postponed_seq); resuming walks the clients and runs them in
 * that order. Not here: which commands a pause covers (cmd.c knows the
 * command flags) and the network side's holding of input (CL_BLOCKED). */
#include "pause.h"

#include <stdlib.h>

#include "cmd.h"
#include "core.h"
#include "mem.h"

void pause_start(struct core *core, int64_t end_ms, enum pause_mode mode)
{
    if (pause_mode_now(core) == PAUSE_NONE) {
        core->pause_mode = PAUSE_NONE;
        core->pause_end_ms = 0;
    }
    if ((int)mode > core->pause_mode)
        core->pause_mode = (int)mode;
    if (end_ms > core->pause_end_ms)
        core->pause_end_ms = end_ms;
}

void pause_stop(struct core *core)
{
    core->pause_mode = PAUSE_NONE;
    core->pause_end_ms = 0;
}

enum pause_mode pause_mode_now(const struct core *core)
{
    if (core->pause_mode == PAUSE_NONE || core_now_ms(core) >= core->pause_end_ms)
        return PAUSE_NONE;
    return (enum pause_mode)core->pause_mode;
}

void pause_postpone(struct core *core, struct client *c, struct resp_argv *a)
{
    c->postponed = a;
    c->postponed_seq = ++core->postponed_seq;
    c->flags |= CL_BLOCKED | CL_POSTPONED;
    core->npostponed++;
}

void pause_forget(struct core *core, struct client *c)
{
    if (c->postponed == NULL)
        return;
    resp_argv_free(c->postponed);
    c->postponed = NULL;
    c->flags &= ~(CL_BLOCKED | CL_POSTPONED);
    core->npostponed--;
}

/* The postponed client that arrived first, NULL when none. */
static struct client *first_postponed(struct core *core)
{
    struct client *best = NULL;
    for (struct client *c = core->clients; c; c = c->next)
        if (c->postponed && (best == NULL || c->postponed_seq < best->postponed_seq))
            best = c;
    return best;
}

void pause_check(struct core *core)
{
    static int inside;
    if (inside || core->npostponed == 0)
        return;
    if (pause_mode_now(core) != PAUSE_NONE)
        return;
    pause_stop(core);
    inside = 1;
    /* Each runs once: one postponed again (a new pause) waits for the next. */
    uint64_t last = core->postponed_seq;
    struct client *c;
    while ((c = first_postponed(core)) != NULL && c->postponed_seq <= last) {
        struct resp_argv *a = c->postponed;
        c->postponed = NULL;
        c->flags &= ~(CL_BLOCKED | CL_POSTPONED);
        core->npostponed--;
        size_t from = c->out.len;
        cmd_dispatch(core, c, a);
        if (core->on_unblock && !(c->flags & CL_BLOCKED))
            core->on_unblock(core->on_unblock_ud, c, from);
    }
    inside = 0;
}
