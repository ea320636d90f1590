/* plan.c - carrying out scenario plans on the wire: jobs, held replies,
 * latency; see server.h (srv_set_scenario) and srv_internal.h. net.c, the
 * other half of the server, owns the sockets and hands every command here.
 *
 * With a scenario (srv_set_scenario), every accepted connection and every
 * command that passes Redis's checks (cmd_check: NOAUTH, arity, ... come
 * first) asks the engine (scn_run.h) for a plan. Plans that shape a
 * reply (delay, pieces, split, close in the middle/after) become a "job":
 * the client stops processing input, the reply bytes are written segment by
 * segment from a timer, one write() per segment, and input processing
 * resumes when the job is done, so later pipelined replies stay in order
 * behind a delayed one, as with a slow Redis. A job computes each cut from
 * the last one, so a reply in pieces costs its own size whatever the piece
 * count.
 *
 * A command a script calls (redis.call/pcall) meets the scenario where it
 * runs too: the engine hands it to srv__run_scripted, which asks the
 * engine then; a scripted reply is what the script receives, and what
 * shapes or ends the reply is added to the plan of the command that runs
 * the script, so it applies to the script's reply as a whole, as below.
 *
 * A command queued in MULTI meets the scenario when EXEC runs it, not when
 * it is queued (its QUEUED is never bent): EXEC hands each queued command
 * to srv__run_queued, which asks the engine then; a scripted reply becomes
 * that command's element of EXEC's array, and what shapes or ends the
 * reply (delay, latency, pieces, split, closes) is added to EXEC's own
 * plan, so it applies to EXEC's reply as a whole.
 *
 * Network latency (a plan's latency_us) is different: the command runs at
 * once and input processing goes on; only the reply's bytes wait, in a
 * per-client queue of held replies, each stamped with the monotonic time it
 * may leave (made + latency). A timer releases the queue's head once due,
 * so a pipeline of N commands under latency L is answered about L after it
 * arrived, not N*L. Replies leave in command order: once something is held,
 * every later reply of that client (latency or not) queues behind it, and
 * a reply due earlier than the one before it leaves with that one. A close
 * asked for after a reply (close after/middle/before, protocol error) waits
 * until the queue is empty. With delay and latency on one command, the
 * delay is server time spent first, the latency is added on top.
 * A blocked command's reply (block.h) is made when it is served or times
 * out: it joins the queue then, its latency counted from that moment. Output
 * made by another client's command (a published message) keeps the same
 * order: behind a job's reply, or behind held replies.
 *
 * When a delay or latency starts: when the command arrived, not when the
 * server got round to it, so 1,000 commands read in a burst are each due
 * D after their own arrival. TCP reads take the kernel's receive stamp
 * (SO_TIMESTAMPNS, set on the listener and so inherited, recvmsg(): net.c),
 * moved from the real to the monotonic clock; a Unix socket has none and
 * counts from now, as do commands that waited behind a job (their turn
 * comes when it ends) and stamps from before a connection delay ended.
 * Timers are armed EARLY_US before the time and the rest is spun on the
 * clock, because waking from a timer takes 0.1-0.3 ms on a VM; a timer
 * reached late, behind others, does not spin. Nothing is written before
 * its time. With 1,000 replies due within a few ms, what remains is the
 * kernel's cost of each write() (4-8 us on loopback, waking the reader
 * included): replies due closer together than that queue (bench/README.md,
 * bench_delay). */
#include "server.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "block.h"
#include "cap.h"
#include "cluster.h"
#include "cmd.h"
#include "core.h"
#include "mem.h"
#include "reply.h"
#include "scn.h"
#include "scn_run.h"
#include "srv_internal.h"

/* Reply timers are armed this long before their time, and the rest is
 * spun on the clock: waking from a timer takes 0.1-0.3 ms on a VM. */
#define EARLY_US 300

/* A reply written under a scenario plan, segment by segment. The next cut
 * is computed from where the last one was (job_cut): O(1) memory whatever
 * the number of pieces. */
struct job {
    struct buf data;  /* the reply, then output that arrived meanwhile (on_output) */
    size_t reply_len; /* cuts fall inside data[0..reply_len); the rest goes with the last */
    size_t sent;      /* data[0..sent) has been moved to the output */
    size_t piece;     /* pieces: bytes per segment; 0: not in pieces */
    size_t split_at;  /* split: the one cut; 0: none */
    int64_t pause_us;
    int64_t latency_us; /* each segment is held this long once written */
    int64_t due_us;     /* clk_mono_us() time the next segment may be written */
    enum scn_end_kind end;
};

/* A reply held back by network latency (see the top of the file). */
struct held {
    struct held *next;
    int64_t due_us; /* clk_mono_us() time it may be written */
    size_t len;
    char data[];
};

static void job_free(struct client *c)
{
    struct cio *io = c->io;
    if (io->job == NULL)
        return;
    srv__held_count(io->s, io, -1);
    c->out_held -= io->job->data.len - io->job->sent;
    buf_free(&io->job->data);
    free(io->job);
    io->job = NULL;
}

/* Where the job's next segment ends: one piece on, or the split point,
 * within the reply; past its end (or without a cut), everything left. */
static size_t job_cut(const struct job *j)
{
    if (j->piece > 0 && j->sent < j->reply_len && j->reply_len - j->sent > j->piece)
        return j->sent + j->piece;
    if (j->split_at > j->sent && j->split_at < j->reply_len)
        return j->split_at;
    return j->data.len;
}

/* When the command being run arrived: the kernel's stamp if it came
 * straight from a stamped read (not before reading was allowed to start),
 * else now. A scripted delay or latency counts from there, so the time the
 * server took to get round to the command is part of it, not added. */
static int64_t basis_us(const struct srv *s, const struct client *c)
{
    const struct cio *io = c->io;
    int64_t now = clk_mono_us();
    int64_t b = s->basis_us;
    if (b <= 0 || b > now)
        return now;
    return b > io->read_from_us ? b : io->read_from_us;
}

/* Arms ev to fire early_us before due_us (a clk_mono_us() time). */
static void arm_at(struct srv *s, struct event *ev, int64_t due_us, int64_t early_us)
{
    int64_t us = due_us - early_us - clk_mono_us();
    if (us < 0)
        us = 0;
    /* evtimer_add counts from the loop's cached time: there is none with
     * EVENT_BASE_FLAG_NO_CACHE_TIME (new_base), but the fallback base
     * without flags has one, so refresh it. */
    event_base_update_cache_time(s->base);
    struct timeval tv = {(time_t)(us / 1000000), (suseconds_t)(us % 1000000)};
    evtimer_add(ev, &tv);
}

/* For a timer armed EARLY_US before due_us: 1 once clk_mono_us() >= due_us,
 * spinning on the clock for the rest; 0 if it fired too early to spin (the
 * caller re-arms). A timer reached late, behind others, does not spin. */
static int reached(int64_t due_us)
{
    int64_t now = clk_mono_us();
    if (due_us - now > EARLY_US + 100)
        return 0;
    while (now < due_us)
        now = clk_mono_us();
    return 1;
}

static void arm_timer(struct srv *s, struct client *c, int64_t due_us, int64_t early_us,
                      event_callback_fn fn)
{
    struct cio *io = c->io;
    if (io->tev == NULL)
        io->tev = evtimer_new(s->base, fn, c);
    else
        event_assign(io->tev, s->base, -1, 0, fn, c);
    arm_at(s, io->tev, due_us, early_us);
}

/* Writes the next segment of the job once due; re-arms for the next one or
 * finishes. */
static void on_job_timer(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    struct srv *s = io->s;
    struct job *j = io->job;
    (void)fd;
    (void)what;
    if (!reached(j->due_us)) {
        arm_at(s, io->tev, j->due_us, EARLY_US);
        return;
    }
    size_t from = j->sent, to = job_cut(j);
    j->sent = to;
    c->out_held -= to - from;
    size_t before = c->out.len;
    buf_append(&c->out, j->data.p + from, to - from);
    srv__hold(s, c, before, j->latency_us);
    if (to < j->data.len) {
        if (srv__flush(s, c) == 0) {
            /* The pause is counted from the write: never shorter. */
            j->due_us = clk_mono_us() + j->pause_us;
            arm_timer(s, c, j->due_us, EARLY_US, on_job_timer);
        }
        return;
    }
    enum scn_end_kind end = j->end;
    job_free(c);
    io->blocked = 0;
    if (end == SCN_END_AFTER || end == SCN_END_MIDDLE) {
        c->flags |= CL_CLOSE_AFTER_REPLY;
    } else if (c->in.len > 0) {
        /* Input that arrived while the job ran: its turn now (its delays
         * count from now, as the server only now gets round to it). */
        srv__run_input(s, c);
    }
    srv__after_input(s, c);
}

/* ---- blocked clients (block.h) -------------------------------------------------- */

/* A client the core unblocked (served or timed out): its reply goes out,
 * then its input held meanwhile runs, from the loop (not from inside the
 * command that served it). */
static void on_resume(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    struct srv *s = io->s;
    (void)fd;
    (void)what;
    if (c->flags & CL_BLOCKED)
        return; /* blocked again since (a pipelined BLPOP): wait for that */
    io->blocked = 0;
    if (c->in.len > 0 && !(c->flags & (CL_CLOSE_AFTER_REPLY | CL_CLOSE_ASAP)))
        srv__run_input(s, c);
    srv__after_input(s, c);
}

void srv__on_unblock(void *ud, struct client *c, size_t from)
{
    struct srv *s = ud;
    struct cio *io = c->io;
    if (io == NULL)
        return;
    /* Waiting was not idling: the idle timeout must not close c before the
     * reply it just got has been written (on_resume runs from the loop). */
    c->atime_ms = core_now_ms(s->core);
    /* The reply queues behind c's held replies (order), with the latency
     * of its command's plan counted from now, when it was made (not from
     * the arrival of the command that served it, being run). */
    if (s->run != NULL && io->block_hist_id > 0 && c->out.len > from)
        scn_run_replied(s->run, io->block_hist_id, c->out.p + from, c->out.len - from, 0);
    io->block_hist_id = 0;
    int64_t basis = s->basis_us;
    s->basis_us = 0;
    srv__hold(s, c, from, io->block_latency_us);
    s->basis_us = basis;
    srv__obuf_check(s, c); /* over its limit: on_resume closes it */
    if (io->tev)
        event_del(io->tev); /* the timeout timer, if armed */
    arm_timer(s, c, clk_mono_us(), 0, on_resume);
}

/* ---- output made by another client's command (pubsub.h) ----------------------- */

/* c->out[from..) was written while another client's command ran (a
 * published message). It leaves in order with c's own replies: behind a
 * reply a scenario job is writing piece by piece (appended to the job's
 * last segment), behind held replies (queued after them), else at once,
 * through the write event: flushing here could close c in the middle of
 * the publishing loop. A client a scenario made silent or hung sends
 * nothing. Then the output limit is checked: a client over it is flagged
 * (CL_CLOSE_ASAP), gets nothing more, and its write event is made active
 * so that the loop closes it once the publishing command is over. */
void srv__on_output(void *ud, struct client *c, size_t from)
{
    struct srv *s = ud;
    struct cio *io = c->io;
    if (io == NULL || from >= c->out.len)
        return;
    if (io->discard || (c->flags & CL_CLOSE_ASAP)) {
        c->out.len = from;
    } else if (io->job) {
        buf_append(&io->job->data, c->out.p + from, c->out.len - from);
        c->out_held += c->out.len - from;
        c->out.len = from;
    } else if (io->held) {
        srv__hold(s, c, from, 0);
    } else if (!io->wev_on) {
        event_add(io->wev, NULL);
        io->wev_on = 1;
    }
    if (c->out.len == from && c->out.p)
        c->out.p[from] = '\0';
    if (!io->discard && srv__obuf_check(s, c))
        event_active(io->wev, EV_WRITE, 1);
}

/* The deadline of a blocked client, on the real clock; with the virtual
 * clock nothing happens here (MOCK CLOCK ADVANCE times it out). */
static void on_block_timer(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    struct srv *s = io->s;
    (void)fd;
    (void)what;
    int64_t now = core_now_ms(s->core);
    block_expire(s->core, now);
    if ((c->flags & CL_BLOCKED) && !s->core->clock.virt) {
        int64_t left_ms = block_deadline(c) - now; /* a rounding: not yet */
        arm_timer(s, c, clk_mono_us() + (left_ms > 0 ? left_ms : 1) * 1000, 0, on_block_timer);
    }
}

/* The command just run blocked c: hold its input, arm its deadline. */
void srv__block_started(struct srv *s, struct client *c)
{
    struct cio *io = c->io;
    io->blocked = 1;
    int64_t deadline = block_deadline(c);
    if (deadline == 0 || s->core->clock.virt)
        return;
    int64_t left_ms = deadline - core_now_ms(s->core);
    if (io->tev)
        event_del(io->tev);
    arm_timer(s, c, clk_mono_us() + (left_ms > 0 ? left_ms : 0) * 1000, 0, on_block_timer);
}

/* Moves the held replies that are due to the output and writes them;
 * re-arms for the next one. */
static void on_held_timer(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    (void)fd;
    (void)what;
    if (io->held && reached(io->held->due_us)) {
        int64_t now = clk_mono_us();
        while (io->held && io->held->due_us <= now) {
            struct held *h = io->held;
            io->held = h->next;
            c->out_held -= h->len;
            buf_append(&c->out, h->data, h->len);
            free(h);
            srv__held_count(io->s, io, -1);
        }
    }
    /* With the queue empty this also carries out a close that waited. */
    if (srv__flush(io->s, c) == 0 && io->held)
        arm_at(io->s, io->lev, io->held->due_us, EARLY_US);
}

/* The bytes c->out[from..) were just made. With latency_us > 0, or with
 * other replies still held (order!), they join the held queue, to be
 * written latency_us after the command arrived (basis_us); otherwise they
 * stay in c->out, to be written at once. */
void srv__hold(struct srv *s, struct client *c, size_t from, int64_t latency_us)
{
    struct cio *io = c->io;
    if ((latency_us <= 0 && io->held == NULL) || from >= c->out.len)
        return;
    size_t len = c->out.len - from;
    int64_t due = latency_us > 0 ? basis_us(s, c) + latency_us : clk_mono_us();
    struct held *h = mem_alloc(sizeof(*h) + len);
    h->next = NULL;
    h->len = len;
    memcpy(h->data, c->out.p + from, len);
    c->out_held += len;
    if (io->held == NULL) {
        h->due_us = due;
        io->held = io->held_tail = h;
        if (io->lev == NULL)
            io->lev = evtimer_new(s->base, on_held_timer, c);
        arm_at(s, io->lev, due, EARLY_US);
    } else {
        /* Never before the reply ahead of it: due no later, it leaves with it. */
        h->due_us = due > io->held_tail->due_us ? due : io->held_tail->due_us;
        io->held_tail->next = h;
        io->held_tail = h;
    }
    srv__held_count(s, io, 1);
    c->out.len = from;
    if (c->out.p)
        c->out.p[from] = '\0';
}

/* Where to cut a reply for a "split" plan. */
static size_t split_point(const struct scn_plan *p, const struct buf *r)
{
    size_t at = 0;
    if (p->split_at == SPLIT_OFFSET) {
        at = (size_t)p->split_off;
    } else {
        const char *m = NULL;
        for (size_t i = 0; i < r->len && m == NULL; i++)
            if (r->p[i] == '$' || (p->split_at == SPLIT_INSIDE_LENGTH && r->p[i] == '*'))
                m = r->p + i;
        if (m && p->split_at == SPLIT_INSIDE_LENGTH) {
            at = (size_t)(m - r->p) + 1; /* after the type byte, before the digits */
        } else if (m) {
            const char *nl = memchr(m, '\n', r->len - (size_t)(m - r->p));
            long long n = strtoll(m + 1, NULL, 10);
            at = nl ? (size_t)(nl - r->p) + 1 + (size_t)(n > 1 ? n / 2 : 0) : r->len / 2;
        } else {
            at = r->len / 2;
        }
    }
    if (at < 1)
        at = 1;
    return at;
}

/* A connection whose reading a scenario delayed: start reading now. */
static void on_accept_delay(evutil_socket_t fd, short what, void *arg)
{
    struct client *c = arg;
    struct cio *io = c->io;
    (void)fd;
    (void)what;
    io->read_from_us = clk_mono_us(); /* what waited in the socket arrives now */
    event_add(io->rev, NULL);
}

/* Annotates the capture with what a scenario plan does to this command
 * (the line format: docs/scenarios.md, "Capture notes"). */
static void cap_note_plan(struct srv *s, struct client *c, const struct scn_plan *p)
{
    static const char *const ends[] = {"",       " close-before", " close-after", " close-middle",
                                       " reset", " hang"};
    struct cio *io = c->io;
    int replaced =
        !p->run && p->end != SCN_END_BEFORE && p->end != SCN_END_RESET && p->end != SCN_END_HANG;
    char text[256];
    int n = snprintf(text, sizeof(text), "conn %d %s %d:%s", c->conn_no,
                     p->rule < 0 ? "strict step" : "rule", p->rule < 0 ? p->step : p->rule,
                     replaced ? " reply" : "");
    if (p->delay_us > 0)
        n += snprintf(text + n, sizeof(text) - (size_t)n, " delay %lldus", (long long)p->delay_us);
    if (p->latency_us > 0)
        n += snprintf(text + n, sizeof(text) - (size_t)n, " latency %lldus",
                      (long long)p->latency_us);
    if (p->pieces > 0 || p->split)
        n += snprintf(text + n, sizeof(text) - (size_t)n, " %s pause %lldus",
                      p->pieces > 0 ? "pieces" : "split", (long long)p->pause_us);
    if (p->corrupt_length)
        n += snprintf(text + n, sizeof(text) - (size_t)n, " corrupt-length");
    snprintf(text + n, sizeof(text) - (size_t)n, "%s", ends[p->end]);
    cap_note(io->cap, clk_now_us(&s->core->clock), text);
}

/* MOCK commands control the scenario: never bent by it, never counted. */
static int is_mock(const struct resp_argv *a)
{
    return a->argl[0] == 4 && strncasecmp(a->argv[0], "mock", 4) == 0;
}

/* The one place a command meets the scenario engine: it is counted there
 * (scn_run_command: commands, expectations, the rules' nth/from/...), a
 * strict step or a rule decides its plan, and the capture notes what the
 * plan does. Called when the command runs: on arrival, or for a command
 * queued in MULTI, inside its EXEC (srv__run_queued). */
static void plan_ask(struct srv *s, struct client *c, const struct resp_argv *a,
                     struct scn_plan *plan)
{
    scn_plan_init(plan);
    scn_run_command(s->run, c, a, plan);
    if (((struct cio *)c->io)->cap && plan->rule != 0)
        cap_note_plan(s, c, plan);
}

/* The same for a command the script that caller runs calls (script: its
 * digest), run on the client f: the rules see caller's connection, the
 * script's protocol and database. */
static void plan_ask_script(struct srv *s, struct client *caller, struct client *f,
                            const char *script, const struct resp_argv *a, struct scn_plan *plan)
{
    scn_plan_init(plan);
    f->conn_no = caller->conn_no;
    scn_run_script_command(s->run, f, a, script, plan);
    if (((struct cio *)caller->io)->cap && plan->rule != 0)
        cap_note_plan(s, caller, plan);
}

/* Whether the plan leaves the reply as it is, to be written now or, with a
 * latency, later: no job, input goes on. */
static int plan_plain(const struct scn_plan *p)
{
    return p->run && p->delay_us == 0 && p->pieces == 0 && !p->split && p->end == SCN_END_NONE &&
           !p->corrupt_length;
}

/* Adds the plan of a command run inside EXEC to EXEC's own: what shapes
 * or ends a connection's reply applies to EXEC's reply as a whole. Delays
 * add up (each command is slow, so the transaction is), the largest
 * latency counts, the first pieces/split and the first close/reset/hang
 * win (EXEC's own rule first, then the commands in order). */
static void plan_merge(struct scn_plan *into, const struct scn_plan *p)
{
    into->delay_us += p->delay_us;
    if (p->latency_us > into->latency_us)
        into->latency_us = p->latency_us;
    if (into->pieces == 0 && !into->split && (p->pieces > 0 || p->split)) {
        into->pieces = p->pieces;
        into->split = p->split;
        into->split_at = p->split_at;
        into->split_off = p->split_off;
        into->pause_us = p->pause_us;
    }
    if (into->end == SCN_END_NONE)
        into->end = p->end;
}

/* Adds the plan of a command a script called to the plan of the command
 * that runs the script (EVAL, EVALSHA, ...): as plan_merge, and what
 * bends bytes on the wire bends the script's reply, the one wire there
 * is: corrupt length, and corrupt garbage / resp3 (their bytes replace
 * the script's reply once it has run; the first one wins). */
static void plan_merge_script(struct scn_plan *into, const struct scn_plan *p)
{
    plan_merge(into, p);
    if (p->corrupt_length)
        into->corrupt_length = 1;
    if (p->garbled && !into->garbled && into->run) {
        into->garbled = 1;
        buf_clear(&into->reply);
        buf_append(&into->reply, p->reply.p, p->reply.len);
    }
}

/* A scripted replacement of a reply that ran (plan_merge_script): the
 * bytes out[from..) become the plan's. */
static void plan_garble(const struct scn_plan *p, struct buf *out, size_t from)
{
    if (!p->garbled || !p->run)
        return;
    out->len = from;
    buf_append(out, p->reply.p, p->reply.len);
}

/* A script calls a command (core.h, run_scripted): the rules act on it
 * here, as on a command EXEC runs (srv__run_queued). What the script
 * receives is the command's own reply, or the scripted one (reply, a
 * strict step never: scripts' calls are no steps), read back into Lua
 * values as any reply; keyspace and clock actions have run just before
 * it. Delay, latency, pieces, split, the closes, reset and hang join the
 * plan of the command running the script (plan_merge_script), so they
 * apply to the script's reply as a whole; the corrupt actions bend that
 * reply, while the call runs and the script reads its true reply. A call
 * whose plan does not run it and sends nothing (close before, reset,
 * hang) gets a null reply (false in Lua): the script goes on, and its
 * reply is never written. Outside a scenario, or for a script not run
 * under a plan (setup, a "run" action), the command just runs. */
int srv__run_scripted(void *ud, struct client *caller, struct client *f, const char *script,
                      struct resp_argv *a)
{
    struct srv *s = ud;
    if (s->run == NULL || s->exec_plan == NULL || caller == NULL || caller->io == NULL) {
        cmd_execute(s->core, f, a);
        return 1;
    }
    struct scn_plan plan;
    plan_ask_script(s, caller, f, script ? script : "", a, &plan);
    int silent =
        plan.end == SCN_END_BEFORE || plan.end == SCN_END_RESET || plan.end == SCN_END_HANG;
    int ran = plan.run || (plan.garbled && !silent);
    size_t before = f->out.len;
    if (ran) {
        cmd_execute(s->core, f, a);
        scn_run_replied(s->run, plan.hist_id, f->out.p ? f->out.p + before : "",
                        f->out.len - before, 0);
    } else {
        cmd_monitor_feed(s->core, f, a); /* a rule answered: shown as if it ran */
        if (plan.reply.len > 0 && !plan.garbled)
            buf_append(&f->out, plan.reply.p, plan.reply.len);
        else
            reply_null(f);
    }
    plan_merge_script(s->exec_plan, &plan);
    scn_plan_free(&plan);
    return ran;
}

/* EXEC runs a queued command (core.h, run_queued): the rules act on it
 * here, where it runs, and never when it was queued (srv__plan_command
 * queues without asking). Its element of EXEC's array is its own reply,
 * or the scripted one (reply, corrupt garbage/resp3, a strict step's);
 * corrupt length bends the element; keyspace and clock actions have run
 * just before it (scn_run_command). Delay, latency, pieces, split and the
 * closes join EXEC's plan (plan_merge). A command whose plan does not run
 * it and sends nothing (close before, reset, hang) gets a null element:
 * EXEC's reply is never written then. Outside a scenario, or for an EXEC
 * not run under a plan (a scenario's own "run EXEC"), and for a MOCK
 * command, the command just runs. */
void srv__run_queued(void *ud, struct client *c, struct resp_argv *a)
{
    struct srv *s = ud;
    if (s->run == NULL || s->exec_plan == NULL || c->io == NULL || is_mock(a)) {
        cmd_execute(s->core, c, a);
        return;
    }
    struct scn_plan plan;
    plan_ask(s, c, a, &plan);
    size_t before = c->out.len;
    if (plan.run) {
        struct scn_plan *outer = s->exec_plan;
        s->exec_plan = &plan; /* a queued script's calls add their plans */
        cmd_execute(s->core, c, a);
        s->exec_plan = outer;
        plan_garble(&plan, &c->out, before);
        scn_run_replied(s->run, plan.hist_id, c->out.p ? c->out.p + before : "",
                        c->out.len - before, 0);
    } else {
        cmd_monitor_feed(s->core, c, a); /* a rule answered: shown as if it ran */
        if (plan.reply.len > 0)
            buf_append(&c->out, plan.reply.p, plan.reply.len);
        else
            reply_null(c);
    }
    if (plan.corrupt_length && c->out.len > before) {
        struct buf el = BUF_INIT;
        buf_append(&el, c->out.p + before, c->out.len - before);
        scn_corrupt_length(&el);
        c->out.len = before;
        buf_append(&c->out, el.p, el.len);
        buf_free(&el);
    }
    plan_merge(s->exec_plan, &plan);
    scn_plan_free(&plan);
}

/* Cluster mode: 1 when c's node will not run a (MOVED, ASK, CROSSSLOT,
 * TRYAGAIN, CLUSTERDOWN), as cmd_dispatch's routing will find; nothing is
 * counted or consumed here (cluster_script_check, with c's own ASKING only:
 * not the one the node's previous command left in cl_asking). */
static int routed_away(struct core *core, const struct client *c, const struct resp_argv *a)
{
    const struct cmd_def *d = cmd_lookup_argv(a->argc, a->argv, a->argl);
    if (d == NULL)
        return 0;
    int was = core->cl_asking;
    core->cl_asking = 0;
    int away = cluster_script_check(core, c, d, a) != 0;
    core->cl_asking = was;
    return away;
}

/* Runs one command under the scenario. */
int srv__plan_command(struct srv *s, struct client *c, struct resp_argv *a)
{
    struct cio *io = c->io;
    struct scn_plan plan;
    /* Redis's checks come first (docs/scenarios.md, "Rules and Redis's
     * checks"): what they refuse (NOAUTH, wrong arity, ...) gets Redis's
     * error, never reaches the rules and is not counted. MOCK commands
     * control the scenario: never bent by it, never counted. A command
     * mockredis does not implement goes to the rules (CMD_UNKNOWN). A
     * command queued in MULTI gets its QUEUED untouched: the rules see it
     * when EXEC runs it (srv__run_queued). An unknown one is queued too
     * when a rule may answer it (a module's command the scenario plays),
     * else refused as Redis refuses it, making the EXEC abort. */
    enum cmd_verdict v = cmd_check(s->core, c, a);
    if (v == CMD_UNKNOWN && (c->flags & CL_MULTI)) {
        size_t before = c->out.len;
        if (scn_run_may_answer(s->run, a) && !is_mock(a))
            cmd_queue(c, a);
        else
            cmd_dispatch(s->core, c, a);
        srv__hold(s, c, before, 0);
        return 0;
    }
    if (v == CMD_PASS && s->core->cluster && !is_mock(a)) {
        /* timed events due first (a migration ending changes the answer) */
        scn_run_tick(s->run);
        if (routed_away(s->core, c, a))
            v = CMD_REJECT; /* the node's MOVED, ASK, CROSSSLOT ...: a Redis check too */
    }
    if (v == CMD_REJECT || v == CMD_QUEUE || is_mock(a)) {
        size_t before = c->out.len;
        cmd_dispatch(s->core, c, a);
        srv__hold(s, c, before, 0);
        return 0;
    }
    plan_ask(s, c, a, &plan);

    struct buf reply = BUF_INIT;
    if (plan.run) {
        size_t before = c->out.len;
        unsigned deny = c->flags & CL_DENY_BLOCKING;
        if (!plan_plain(&plan)) /* the job needs the reply now: BLPOP answers at once */
            c->flags |= CL_DENY_BLOCKING;
        /* The commands an EXEC or a script runs add their plans
         * (srv__run_queued, srv__run_scripted). */
        s->exec_plan = &plan;
        uint64_t scripts = s->core->st.scripts_run;
        cmd_dispatch(s->core, c, a);
        s->exec_plan = NULL;
        if (s->core->st.scripts_run > scripts)
            scn_run_scripts(s->run, c->conn_no, (long long)(s->core->st.scripts_run - scripts));
        c->flags = (c->flags & ~CL_DENY_BLOCKING) | deny;
        plan_garble(&plan, &c->out, before);
        scn_run_replied(s->run, plan.hist_id, c->out.p ? c->out.p + before : "",
                        c->out.len - before, (c->flags & CL_BLOCKED) != 0);
        if (plan_plain(&plan)) {
            /* The reply as it is, now or (latency) later: no job, input goes on. */
            srv__hold(s, c, before, plan.latency_us);
            io->block_latency_us = plan.latency_us; /* if it blocked: for its reply */
            io->block_hist_id = plan.hist_id;
            scn_plan_free(&plan);
            return 0;
        }
        if (before == 0) { /* the reply is all of c->out: take the buffer, no copy */
            reply = c->out;
            buf_init(&c->out);
        } else {
            buf_append(&reply, c->out.p + before, c->out.len - before);
            c->out.len = before;
            if (c->out.p)
                c->out.p[before] = '\0';
        }
    } else {
        cmd_monitor_feed(s->core, c, a); /* a rule answered: shown as if it ran */
        resp_argv_free(a);
        reply = plan.reply;
        buf_init(&plan.reply);
    }
    if (plan.corrupt_length)
        scn_corrupt_length(&reply);

    switch (plan.end) {
    case SCN_END_BEFORE:
        c->flags |= CL_CLOSE_AFTER_REPLY;
        buf_free(&reply);
        scn_plan_free(&plan);
        return 1;
    case SCN_END_RESET:
        io->reset = 1;
        c->flags |= CL_CLOSE_AFTER_REPLY;
        buf_free(&reply);
        scn_plan_free(&plan);
        return 1;
    case SCN_END_HANG:
        io->discard = 1;
        buf_free(&reply);
        scn_plan_free(&plan);
        return 1;
    default: break;
    }
    if (plan.end == SCN_END_MIDDLE && reply.len > 1)
        reply.len /= 2;

    struct job *j = mem_calloc(1, sizeof(*j));
    j->data = reply;
    j->reply_len = reply.len;
    j->pause_us = plan.pause_us;
    j->latency_us = plan.latency_us;
    j->end = plan.end;
    if (plan.pieces > 0)
        j->piece = (size_t)plan.pieces;
    else if (plan.split)
        j->split_at = split_point(&plan, &reply);
    c->out_held += reply.len;
    io->job = j;
    srv__held_count(s, io, 1);
    io->blocked = 1;
    j->due_us = basis_us(s, c) + plan.delay_us;
    scn_plan_free(&plan);
    /* Replies before this one go out now; this one waits for its timer. */
    arm_timer(s, c, j->due_us, EARLY_US, on_job_timer);
    return 1;
}

void srv_set_scenario(struct srv *s, struct scn *scn, struct scn_run *run, int exit_when_over)
{
    struct cluster *cl = s->core->cluster;
    if (cl && cl->nodes[0].srv) /* node 0's srv owns a cluster's scenario */
        s = cl->nodes[0].srv;
    if (!s->run_borrowed) {
        scn_run_free(s->run);
        scn_free(s->scn);
    }
    s->scn = scn;
    s->run = run;
    s->run_borrowed = 0;
    s->exit_when_over = exit_when_over;
    for (int i = 0; i < (cl ? cl->nnodes : 1); i++) {
        struct srv *n = cl ? cl->nodes[i].srv : s;
        if (n == NULL)
            continue;
        if (n != s) { /* the other nodes play the same run */
            n->scn = scn;
            n->run = run;
            n->run_borrowed = 1;
            n->exit_when_over = 0;
        }
        /* record ids name the old scenario's commands: a client blocked
         * since then must not write its reply type into the new record */
        for (struct client *c = n->core->clients; c; c = c->next)
            if (c->io)
                ((struct cio *)c->io)->block_hist_id = 0;
    }
}

struct scn_run *srv_scenario(const struct srv *s)
{
    return s->run;
}

/* ---- what net.c asks of this file ----------------------------------------------- */

/* Counts what the server saw in flight at once, whatever the speed of the
 * machine: replies waiting for their latency, a job's reply waiting for its
 * delay (core->nheld), and the clients with any (core->nheld_clients). */
void srv__held_count(struct srv *s, struct cio *io, int delta)
{
    struct core *core = s->core;
    int was = io->nheld;
    io->nheld += delta;
    if (was == 0 && io->nheld > 0)
        core->nheld_clients++;
    else if (was > 0 && io->nheld == 0)
        core->nheld_clients--;
    core->nheld = (size_t)((long long)core->nheld + delta);
    if (core->nheld > core->st.held_peak)
        core->st.held_peak = core->nheld;
    if (core->nheld_clients > core->st.held_clients_peak)
        core->st.held_clients_peak = core->nheld_clients;
}

void srv__plan_io_free(struct cio *io)
{
    srv__held_count(io->s, io, -io->nheld);
    if (io->tev)
        event_free(io->tev);
    if (io->job) {
        buf_free(&io->job->data);
        free(io->job);
    }
    if (io->lev)
        event_free(io->lev);
    while (io->held) {
        struct held *h = io->held;
        io->held = h->next;
        free(h);
    }
}

void srv__delay_reading(struct srv *s, struct client *c, int64_t delay_us)
{
    arm_timer(s, c, clk_mono_us() + delay_us, 0, on_accept_delay);
}
