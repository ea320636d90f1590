/* scn_run.c - the scenario engine's decisions and verdict, see scn_run.h.
 *
 * Rule selection: rules are tried in file order. A rule's gates (pattern,
 * conn N, after N commands, after DURATION) must all pass; then the rule's
 * own match counter goes up and its count conditions (nth, from, times,
 * every) are tested against it. The first rule whose conditions all hold
 * fires. A strict block waiting on this connection comes before any rule.
 *
 * A command a script calls (scn_run_script_command) goes through the same
 * selection, marked as such for "from script" and the counts; strict
 * blocks never take it, and timed events wait until the script is over.
 *
 * Keyspace actions go through the real command implementations (a detached
 * internal client runs DEL/SET/RPUSH/...), so a retyped key is exactly what
 * Redis would hold. Scenario time is the core clock minus the start.
 *
 * On a cluster (core->cluster, a "cluster N" scenario) one run serves every
 * node: r->core is node 0's, the header applies to every node's core (their
 * clocks move together), setup lines and keyspace actions run on the node
 * that owns their key's slot, and the counters of the verdict add up the
 * nodes'. Cluster actions call cluster.h's topology changes; one that
 * fails is a failure of the verdict. */
#include "scn_run.h"

#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "cmd.h"
#include "dict.h"
#include "evict.h"
#include "mem.h"
#include "memory.h"
#include "notify.h"
#include "obj.h"
#include "pubsub.h"
#include "scn_hist.h"
#include "util.h"
#include "watch.h"

struct strict_state {
    int next;        /* index of the next step */
    int failed_step; /* 1-based step that got a wrong command, 0 none */
    struct buf msg;  /* failed: the mismatch text, repeated to every later command */
};

struct scn_run {
    const struct scn *s;
    struct core *core;
    int64_t start_us;
    uint64_t rng;
    /* counters */
    long long connections, commands, scripts;
    long long *rule_seen, *rule_fired;
    long long *expect_count; /* per expectation with a pattern */
    struct strict_state *strict;
    int next_event;
    /* ending */
    int ended;
    int deadline_hit;            /* "finish ... within" ended it: a failure */
    int64_t mono_start_us;       /* real start, for "within" */
    int64_t idle_since_us;       /* -1 while someone is connected */
    struct buf failures;         /* one line per runtime failure (strict mismatches) */
    struct buf act_failures;     /* one line per action that failed (cluster actions) */
    struct scn_hist *hist;       /* the record of commands, time and order expectations */
    struct scn_settings *before; /* what the header replaced, per node (scn_run_undo) */
    int undone;
    uint64_t evicted_base; /* core->evicted_ever (all nodes') when the scenario started */
    /* cluster scenarios: the cluster (NULL: one server) and its nodes */
    struct cluster *cl;
    int nnodes;
    /* the nodes' redirection counters (cluster.h), by enum scn_redirect
     * kind: the values last seen and what they grew by since the start
     * (a CONFIG RESETSTAT zeroes them: counted on from 0) */
    uint64_t rd_last[CLUSTER_NODE_MAX][SR_CLUSTERDOWN + 1];
    uint64_t rd_total[SR_CLUSTERDOWN + 1];
    /* "expect node N commands": the last command's record id and which of
     * those expectations it counted in, taken back if the node redirected it */
    long long last_id;
    unsigned char *node_hit;
};

/* The core of node i (0 on one server). */
static struct core *node_core(const struct scn_run *r, int i)
{
    return r->cl ? r->cl->nodes[i].core : r->core;
}

/* The node a client is served by (0 on one server). */
static int node_of(const struct core *core)
{
    return core->cluster ? core->cl_node : 0;
}

/* ---- helpers ----------------------------------------------------------------------- */

static int64_t scn_now(const struct scn_run *r)
{
    return clk_now_us(&r->core->clock) - r->start_us;
}

/* Runs argv on a detached internal client in database dbi; the reply goes
 * to out (may be NULL). */
static void run_internal(struct core *core, int dbi, int argc, char *const *argv,
                         const size_t *argl, struct buf *out)
{
    struct client c;
    memset(&c, 0, sizeof(c));
    c.core = core;
    c.fd = -1;
    c.proto = 2;
    c.authed = 1;
    c.dbi = dbi;
    c.flags = CL_DENY_BLOCKING; /* BLPOP answers at once: nobody could wake it */
    /* Full dispatch: unknown commands and wrong arity are errors here too. */
    cmd_dispatch(core, &c, resp_argv_new(argc, (const char *const *)argv, argl));
    if (out)
        buf_append(out, c.out.p ? c.out.p : "", c.out.len);
    /* Nothing of this client may outlive it: a WATCH, a MULTI queue, a
     * subscription (its messages would go nowhere). */
    watch_forget(core, &c);
    ps_forget(core, &c);
    for (int i = 0; i < c.mq_len; i++)
        resp_argv_free(c.mq[i]);
    free(c.mq);
    buf_free(&c.out);
    free(c.name);
}

/* The node that owns key's slot, 0 when unassigned. */
static int key_node(const struct cluster *cl, const char *key, size_t len)
{
    int o = cl->owner[cluster_keyslot(key, len)];
    return o < 0 ? 0 : o;
}

/* Runs argv as a scenario's own command (setup line, `run` action) on
 * core's server, or on a cluster: on the node that owns its keys' slot, a
 * keyless command on every node (a write one on every primary). Appends
 * the first error reply (without its '-' and CRLF) to err when err is not
 * NULL. Returns 1 when a node answered an error. */
static int run_routed(struct core *core, int dbi, const struct resp_argv *a, struct buf *err)
{
    struct cluster *cl = core->cluster;
    struct buf out = BUF_INIT;
    int failed = 0;
    if (cl == NULL) {
        run_internal(core, dbi, a->argc, a->argv, a->argl, &out);
    } else {
        const struct cmd_def *d = cmd_lookup_argv(a->argc, a->argv, a->argl);
        struct cmd_keyref keys[64];
        int nk = d ? cmd_getkeys(d, a->argc, a->argv, a->argl, keys, 64) : 0;
        if (nk > 0) {
            int node = key_node(cl, a->argv[keys[0].pos], a->argl[keys[0].pos]);
            for (int k = 1; k < nk && k < 64; k++) {
                int other = key_node(cl, a->argv[keys[k].pos], a->argl[keys[k].pos]);
                if (other != node) {
                    buf_printf(&out,
                               "-its keys belong to different nodes (%d and %d): one command "
                               "per node, or hash tags ({user1}:a {user1}:b)\r\n",
                               node, other);
                    break;
                }
            }
            if (out.len == 0)
                run_internal(cl->nodes[node].core, dbi, a->argc, a->argv, a->argl, &out);
        } else {
            int write = d && (d->flags & CMD_WRITE);
            for (int i = 0; i < cl->nnodes; i++) {
                struct buf one = BUF_INIT;
                if (write && cl->nodes[i].primary >= 0)
                    continue;
                run_internal(cl->nodes[i].core, dbi, a->argc, a->argv, a->argl, &one);
                if (out.len == 0 || (one.len > 0 && one.p[0] == '-' && out.p[0] != '-')) {
                    buf_clear(&out);
                    buf_append(&out, one.p ? one.p : "", one.len);
                }
                buf_free(&one);
            }
        }
    }
    if (out.len > 0 && out.p[0] == '-') {
        failed = 1;
        if (err)
            buf_append(err, out.p + 1, strcspn(out.p + 1, "\r\n"));
    }
    buf_free(&out);
    return failed;
}

void scn_fmt_argv(struct buf *out, const struct resp_argv *a)
{
    for (int i = 0; i < a->argc; i++) {
        int plain = a->argl[i] > 0;
        for (size_t k = 0; k < a->argl[i] && plain; k++) {
            unsigned char ch = (unsigned char)a->argv[i][k];
            if (ch <= ' ' || ch >= 127 || ch == '"' || ch == '\'' || ch == '\\')
                plain = 0;
        }
        if (i)
            buf_putc(out, ' ');
        if (plain) {
            buf_append(out, a->argv[i], a->argl[i]);
            continue;
        }
        buf_putc(out, '"');
        for (size_t k = 0; k < a->argl[i]; k++) {
            unsigned char ch = (unsigned char)a->argv[i][k];
            if (ch == '"' || ch == '\\')
                buf_printf(out, "\\%c", ch);
            else if (ch == '\n')
                buf_puts(out, "\\n");
            else if (ch == '\r')
                buf_puts(out, "\\r");
            else if (ch < ' ' || ch >= 127)
                buf_printf(out, "\\x%02x", ch);
            else
                buf_putc(out, (char)ch);
        }
        buf_putc(out, '"');
    }
}

int scn_matches(const struct resp_argv *pat, const struct resp_argv *a)
{
    if (pat == NULL)
        return 1;
    if (pat->argc > a->argc)
        return 0;
    if (!util_glob(pat->argv[0], pat->argl[0], a->argv[0], a->argl[0], 1))
        return 0;
    for (int i = 1; i < pat->argc; i++)
        if (!util_glob(pat->argv[i], pat->argl[i], a->argv[i], a->argl[i], 0))
            return 0;
    return 1;
}

static int same_argv(const struct resp_argv *x, const struct resp_argv *y)
{
    if (x->argc != y->argc)
        return 0;
    for (int i = 0; i < x->argc; i++) {
        if (x->argl[i] != y->argl[i])
            return 0;
        /* The command name is case-insensitive, as Redis treats it. */
        if (i == 0 ? strncasecmp(x->argv[0], y->argv[0], x->argl[0]) != 0
                   : memcmp(x->argv[i], y->argv[i], x->argl[i]) != 0)
            return 0;
    }
    return 1;
}

static int64_t pick(struct scn_run *r, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int64_t)(dict_rand(&r->rng) % (uint64_t)(hi - lo + 1));
}

/* ---- life cycle --------------------------------------------------------------------- */

/* The server's random state for a scenario seed: never 0 (xorshift). */
static uint64_t scn_core_seed(uint64_t seed)
{
    return (seed + 1) * 0x9e3779b97f4a7c15ULL | 1;
}

/* Reads the nodes' redirection counters (cluster.h) into r->rd_total:
 * what they grew by since the last look (start: counts nothing). Called
 * for every command and before a verdict. */
static void redirects_sample(struct scn_run *r, int start)
{
    for (int i = 0; r->cl && i < r->cl->nnodes; i++) {
        const struct cluster_node *x = &r->cl->nodes[i];
        const uint64_t now[SR_CLUSTERDOWN + 1] = {[SR_MOVED] = x->moved,
                                                  [SR_ASK] = x->ask,
                                                  [SR_CROSSSLOT] = x->crossslot,
                                                  [SR_TRYAGAIN] = x->tryagain,
                                                  [SR_CLUSTERDOWN] = x->clusterdown};
        for (int k = SR_MOVED; k <= SR_CLUSTERDOWN; k++) {
            if (!start)
                r->rd_total[k] += now[k] >= r->rd_last[i][k] ? now[k] - r->rd_last[i][k] : now[k];
            r->rd_last[i][k] = now[k];
        }
    }
}

/* The redirections of one kind the nodes answered since the start (SR_ALL:
 * moved and ask). */
static long long redirects(const struct scn_run *r, enum scn_redirect k)
{
    return (long long)(k == SR_ALL ? r->rd_total[SR_MOVED] + r->rd_total[SR_ASK] : r->rd_total[k]);
}

struct scn_run *scn_run_new(const struct scn *s, struct core *core, struct buf *diag)
{
    struct scn_run *r = mem_calloc(1, sizeof(*r));
    r->s = s;
    r->core = core;
    r->rng = s->seed * 0x9e3779b97f4a7c15ULL + 1;
    r->rule_seen = mem_calloc((size_t)s->nrules + 1, sizeof(long long));
    r->rule_fired = mem_calloc((size_t)s->nrules + 1, sizeof(long long));
    r->expect_count = mem_calloc((size_t)s->nexpects + 1, sizeof(long long));
    r->strict = mem_calloc((size_t)s->nstricts + 1, sizeof(*r->strict));
    r->idle_since_us = -1;
    r->mono_start_us = clk_mono_us();
    r->hist = scn_hist_new(s);
    r->cl = core->cluster;
    r->nnodes = r->cl ? r->cl->nnodes : 1;
    r->node_hit = mem_calloc((size_t)s->nexpects + 1, 1);
    r->before = mem_calloc((size_t)r->nnodes, sizeof(*r->before));

    for (int i = 0; i < r->nnodes; i++) {
        struct core *n = node_core(r, i);
        scn_settings_save(n, &r->before[i]);
        if (s->clock_virtual) { /* one clock for the cluster: node 0's, copied */
            if (i == 0)
                clk_set_virtual(&n->clock, s->clock_start_ms);
            else
                n->clock = core->clock;
        }
        if (s->maxclients > 0)
            n->cfg.maxclients = s->maxclients;
        if (s->timeout >= 0)
            n->cfg.timeout = s->timeout;
        if (s->requirepass)
            core_set_requirepass(n, s->requirepass, strlen(s->requirepass));
        /* Every random choice the server makes (SRANDMEMBER, SPOP, RANDOMKEY,
         * HRANDFIELD, ZRANDMEMBER, LFU counters), from the setup on, follows
         * the scenario's seed: two runs of one scenario answer alike. */
        n->rng = scn_core_seed(s->seed);
    }
    r->start_us = clk_now_us(&core->clock);

    if (scn_run_setup(s, core, diag) > 0) {
        scn_run_undo(r);
        scn_run_free(r);
        return NULL;
    }
    for (int i = 0; s->maxmemory > 0 && i < r->nnodes; i++) {
        struct core *n = node_core(r, i);
        /* +SIZE: above the data the setup loaded, clients left out */
        long long base = 0;
        if (s->maxmemory_relative) {
            struct mem_stats st;
            mem_stats(n, &st);
            base = (long long)(st.used - st.clients_normal);
        }
        n->cfg.mm_data_only = s->maxmemory_relative;
        n->cfg.maxmemory = s->maxmemory + base;
        n->cfg.mm_policy =
            evict_policy_find(s->maxmemory_policy ? s->maxmemory_policy : "noeviction");
        n->rng = scn_core_seed(s->seed); /* evictions alike on every run */
    }
    for (int i = 0; i < r->nnodes; i++)
        r->evicted_base += node_core(r, i)->evicted_ever;
    redirects_sample(r, 1);
    return r;
}

void scn_settings_save(const struct core *core, struct scn_settings *out)
{
    out->clock = core->clock;
    out->maxclients = core->cfg.maxclients;
    out->timeout = core->cfg.timeout;
    out->requirepass_len = core->cfg.requirepass_len;
    out->requirepass =
        core->cfg.requirepass ? mem_dup(core->cfg.requirepass, core->cfg.requirepass_len) : NULL;
    out->maxmemory = core->cfg.maxmemory;
    out->mm_policy = core->cfg.mm_policy;
    out->mm_data_only = core->cfg.mm_data_only;
}

void scn_settings_restore(struct core *core, struct scn_settings *in)
{
    core->clock = in->clock;
    core->cfg.maxclients = in->maxclients;
    core->cfg.timeout = in->timeout;
    core_set_requirepass(core, in->requirepass, in->requirepass_len);
    free(in->requirepass);
    in->requirepass = NULL;
    core->cfg.maxmemory = in->maxmemory;
    core->cfg.mm_policy = in->mm_policy;
    core->cfg.mm_data_only = in->mm_data_only;
}

void scn_run_redo(struct scn_run *r)
{
    if (r == NULL || !r->undone)
        return;
    for (int i = 0; i < r->nnodes; i++) {
        free(r->before[i].requirepass);
        scn_settings_save(node_core(r, i), &r->before[i]);
    }
    r->undone = 0;
}

void scn_run_undo(struct scn_run *r)
{
    if (r == NULL || r->undone)
        return;
    const struct scn *s = r->s;
    r->undone = 1;
    for (int i = 0; i < r->nnodes; i++) {
        struct core *core = node_core(r, i);
        struct scn_settings *b = &r->before[i];
        if (s->clock_virtual) /* real again, or the virtual time it replaced */
            core->clock = b->clock;
        if (s->maxclients > 0)
            core->cfg.maxclients = b->maxclients;
        if (s->timeout >= 0)
            core->cfg.timeout = b->timeout;
        if (s->requirepass) {
            core_set_requirepass(core, b->requirepass, b->requirepass_len);
            free(b->requirepass);
            b->requirepass = NULL;
        }
        if (s->maxmemory > 0) {
            core->cfg.maxmemory = b->maxmemory;
            core->cfg.mm_policy = b->mm_policy;
            core->cfg.mm_data_only = b->mm_data_only;
        }
    }
}

int scn_run_setup(const struct scn *s, struct core *core, struct buf *diag)
{
    int failed = 0;
    for (int i = 0; i < s->nsetup; i++) {
        struct buf err = BUF_INIT;
        if (run_routed(core, 0, s->setup[i], &err)) {
            buf_printf(diag, "%s:%d:%d: setup command failed: %s\n", s->file, s->setup_line[i],
                       s->setup_cols[i][0], err.p ? err.p : "");
            failed++;
        }
        buf_free(&err);
    }
    return failed;
}

void scn_run_free(struct scn_run *r)
{
    if (r == NULL)
        return;
    free(r->rule_seen);
    free(r->rule_fired);
    free(r->expect_count);
    for (int i = 0; r->strict && i < r->s->nstricts; i++)
        buf_free(&r->strict[i].msg);
    free(r->strict);
    buf_free(&r->failures);
    buf_free(&r->act_failures);
    scn_hist_free(r->hist);
    for (int i = 0; i < r->nnodes; i++)
        free(r->before[i].requirepass);
    free(r->before);
    free(r->node_hit);
    free(r);
}

void scn_plan_init(struct scn_plan *p)
{
    memset(p, 0, sizeof(*p));
    p->run = 1;
}

void scn_plan_free(struct scn_plan *p)
{
    buf_free(&p->reply);
}

/* ---- gates and counts ----------------------------------------------------------------- */

static int gates_pass(struct scn_run *r, const struct scn_rule *rule, int conn_no, int node,
                      const char *script)
{
    for (int i = 0; i < rule->nconds; i++) {
        const struct scn_cond *c = &rule->conds[i];
        switch (c->kind) {
        case SC_CONN:
            if (conn_no != c->n)
                return 0;
            break;
        case SC_AFTER_COMMANDS:
            if (r->commands <= c->n)
                return 0;
            break;
        case SC_AFTER_TIME:
            if (scn_now(r) < c->us)
                return 0;
            break;
        case SC_SCRIPT:
            if ((script != NULL) != (c->n != 0))
                return 0;
            break;
        case SC_NODE:
            if (node != c->n)
                return 0;
            break;
        default: break;
        }
    }
    return 1;
}

static int counts_hold(const struct scn_rule *rule, long long k)
{
    for (int i = 0; i < rule->nconds; i++) {
        const struct scn_cond *c = &rule->conds[i];
        if ((c->kind == SC_NTH && k != c->n) || (c->kind == SC_FROM && k < c->n) ||
            (c->kind == SC_TIMES && k > c->n) || (c->kind == SC_EVERY && k % c->n != 0))
            return 0;
    }
    return 1;
}

/* ---- connections --------------------------------------------------------------------- */

/* Every rule that matches counts the event (so "nth 2" means the second
 * matching event, whatever other rules did); the first whose conditions all
 * hold fires. Returns its index, or -1. */
static int select_rule(struct scn_run *r, int on_connect, const struct resp_argv *a, int conn_no,
                       int node, const char *script)
{
    int chosen = -1;
    for (int i = 0; i < r->s->nrules; i++) {
        const struct scn_rule *rule = &r->s->rules[i];
        if (rule->on_connect != on_connect || (!on_connect && !scn_matches(rule->match, a)) ||
            !gates_pass(r, rule, conn_no, node, script))
            continue;
        long long k = ++r->rule_seen[i];
        if (chosen < 0 && counts_hold(rule, k))
            chosen = i;
    }
    if (chosen >= 0)
        r->rule_fired[chosen]++;
    return chosen;
}

int scn_run_may_answer(const struct scn_run *r, const struct resp_argv *a)
{
    for (int i = 0; i < r->s->nrules; i++)
        if (!r->s->rules[i].on_connect && scn_matches(r->s->rules[i].match, a))
            return 1;
    return 0;
}

enum scn_conn_action scn_run_connect(struct scn_run *r, int *conn_no, int64_t *delay_us)
{
    return scn_run_connect_node(r, 0, conn_no, delay_us);
}

enum scn_conn_action scn_run_connect_node(struct scn_run *r, int node, int *conn_no,
                                          int64_t *delay_us)
{
    *conn_no = (int)++r->connections;
    *delay_us = 0;
    r->idle_since_us = -1;
    int i = select_rule(r, 1, NULL, *conn_no, node, NULL);
    if (i >= 0) {
        const struct scn_act *a = &r->s->rules[i].acts[0];
        switch (a->kind) {
        case SA_REFUSE:
            return SCN_CONN_REFUSE; /* the server counts it with the maxclients refusals */
        case SA_DELAY: *delay_us = pick(r, a->us_min, a->us_max); return SCN_CONN_DELAY;
        case SA_SILENT: return SCN_CONN_SILENT;
        case SA_CLOSE: return SCN_CONN_CLOSE;
        default: return SCN_CONN_ACCEPT;
        }
    }
    return SCN_CONN_ACCEPT;
}

/* ---- keyspace actions ------------------------------------------------------------------ */

/* A cluster action's text for the verdict ("cluster migrate 0-99 to 1"). */
static void cluster_act_text(const struct scn_act *a, struct buf *out)
{
    switch (a->kind) {
    case SA_CL_MIGRATE:
        buf_printf(out, "cluster migrate %d", a->slot_lo);
        if (a->slot_hi > a->slot_lo)
            buf_printf(out, "-%d", a->slot_hi);
        buf_printf(out, " to %d", a->node);
        break;
    case SA_CL_MIGRATE_START:
        buf_printf(out, "cluster migrate start %d to %d", a->slot_lo, a->node);
        break;
    case SA_CL_MIGRATE_KEYS:
        buf_printf(out, "cluster migrate keys %d %lld", a->slot_lo, a->n);
        break;
    case SA_CL_MIGRATE_END: buf_printf(out, "cluster migrate end %d", a->slot_lo); break;
    case SA_CL_FAILOVER: buf_printf(out, "cluster failover %d", a->node); break;
    case SA_CL_DOWN: buf_printf(out, "cluster down %d", a->node); break;
    default: buf_printf(out, "cluster up %d", a->node); break;
    }
}

/* Carries out a cluster action (cluster.h's topology changes). One that
 * fails is a failure of the verdict: "line L: cluster ...: why". */
static void apply_cluster(struct scn_run *r, const struct scn_act *a)
{
    char err[256] = "";
    int rc = 0;
    if (r->cl == NULL) {
        snprintf(err, sizeof(err), "%s", "the server is not a cluster");
        rc = -1;
    } else {
        switch (a->kind) {
        case SA_CL_MIGRATE:
            if (a->slot_hi > a->slot_lo) { /* the slots the node serves already stay */
                rc = cluster_migrate_range(r->cl, a->slot_lo, a->slot_hi, a->node, err,
                                           sizeof(err)) < 0
                         ? -1
                         : 0;
                break;
            }
            rc = cluster_migrate_start(r->cl, a->slot_lo, a->node, err, sizeof(err));
            if (rc == 0)
                rc = cluster_migrate_keys(r->cl, a->slot_lo, LLONG_MAX, err, sizeof(err)) < 0 ? -1
                                                                                              : 0;
            if (rc == 0)
                rc = cluster_migrate_end(r->cl, a->slot_lo, err, sizeof(err));
            break;
        case SA_CL_MIGRATE_START:
            rc = cluster_migrate_start(r->cl, a->slot_lo, a->node, err, sizeof(err));
            break;
        case SA_CL_MIGRATE_KEYS:
            rc = cluster_migrate_keys(r->cl, a->slot_lo, a->n, err, sizeof(err)) < 0 ? -1 : 0;
            break;
        case SA_CL_MIGRATE_END:
            rc = cluster_migrate_end(r->cl, a->slot_lo, err, sizeof(err));
            break;
        case SA_CL_FAILOVER: rc = cluster_failover(r->cl, a->node, err, sizeof(err)); break;
        case SA_CL_DOWN:
            rc = cluster_node_down(r->cl, a->node, clk_now_ms(&r->core->clock), err, sizeof(err));
            break;
        case SA_CL_UP: rc = cluster_node_up(r->cl, a->node, err, sizeof(err)); break;
        default: break;
        }
    }
    if (rc < 0) {
        struct buf what = BUF_INIT;
        cluster_act_text(a, &what);
        buf_printf(&r->act_failures, "line %d: %s: %s\n", a->line, what.p, err);
        buf_free(&what);
    }
}

static void apply_keyspace(struct scn_run *r, const struct scn_act *a, int dbi)
{
    struct core *core = r->core;
    if (r->cl && a->key) /* a key's action acts where its slot lives */
        core = r->cl->nodes[key_node(r->cl, a->key, a->keylen)].core;
    struct db *db = &core->db[dbi];
    switch (a->kind) {
    case SA_EVICT:
        /* As Redis evicts: deleted, counted, then the event. */
        if (db_delete(db, a->key, a->keylen, clk_now_ms(&core->clock))) {
            core->st.evicted++;
            core->evicted_ever++;
            notify_keyspace_event(core, NOTIFY_EVICTED, "evicted", a->key, a->keylen, dbi);
        }
        break;
    case SA_EXPIRE: /* counted and reported ("expired") as an expiry */
        db_expire_now(db, a->key, a->keylen, clk_now_ms(&core->clock));
        break;
    case SA_RETYPE: {
        static const char *const make[][5] = {
            [SVT_STRING] = {"SET", NULL, "retyped", NULL, NULL},
            [SVT_LIST] = {"RPUSH", NULL, "retyped", NULL, NULL},
            [SVT_HASH] = {"HSET", NULL, "retyped", "1", NULL},
            [SVT_SET] = {"SADD", NULL, "retyped", NULL, NULL},
            [SVT_ZSET] = {"ZADD", NULL, "0", "retyped", NULL},
            [SVT_STREAM] = {"XADD", NULL, "0-1", "retyped", "1"},
        };
        db_delete(db, a->key, a->keylen, clk_now_ms(&core->clock));
        const char *argv[5];
        size_t argl[5];
        int argc = 3;
        while (argc < 5 && make[a->type][argc] != NULL)
            argc++;
        for (int i = 0; i < argc; i++) {
            argv[i] = i == 1 ? a->key : make[a->type][i];
            argl[i] = i == 1 ? a->keylen : strlen(make[a->type][i]);
        }
        struct resp_argv *cmd = resp_argv_new(argc, argv, argl);
        run_internal(core, dbi, cmd->argc, cmd->argv, cmd->argl, NULL);
        resp_argv_free(cmd);
        break;
    }
    case SA_ADVANCE:
        clk_advance_us(&r->core->clock, a->us_min);
        if (r->cl) /* the nodes of a cluster share one time */
            cluster_clock_sync(r->cl, &r->core->clock);
        break;
    case SA_RUN: run_routed(core, dbi, a->cmd, NULL); break;
    case SA_CL_MIGRATE:
    case SA_CL_MIGRATE_START:
    case SA_CL_MIGRATE_KEYS:
    case SA_CL_MIGRATE_END:
    case SA_CL_FAILOVER:
    case SA_CL_DOWN:
    case SA_CL_UP: apply_cluster(r, a); break;
    default: break;
    }
}

void scn_run_tick(struct scn_run *r)
{
    while (r->next_event < r->s->nevents && scn_now(r) >= r->s->events[r->next_event].at_us) {
        const struct scn_event *e = &r->s->events[r->next_event++];
        for (int i = 0; i < e->nacts; i++)
            apply_keyspace(r, &e->acts[i], 0);
    }
}

/* ---- commands ---------------------------------------------------------------------------- */

static void plan_reply(struct scn_plan *plan, const struct scn_val *v, int proto)
{
    plan->run = 0;
    plan->garbled = 0;
    buf_clear(&plan->reply);
    scn_val_write(v, &plan->reply, proto);
}

/* The reply becomes the error "ERR <msg>" (msg: mockredis's own text, len
 * bytes). */
static void plan_error(struct scn_plan *plan, const char *msg, size_t len)
{
    struct buf text = BUF_INIT;
    buf_puts(&text, "ERR ");
    buf_append(&text, msg, len);
    plan->run = 0;
    buf_clear(&plan->reply);
    resp_w_error(&plan->reply, text.p, text.len);
    buf_free(&text);
}

/* A strict block waiting on this connection. Returns 1 if it took the
 * command. Once a block of this connection got a wrong command, every
 * later command of the connection gets that same mismatch error (the
 * conversation is over: going on against the keyspace would only give the
 * client misleading errors, such as "EXEC without MULTI"). */
static int strict_step(struct scn_run *r, struct client *c, const struct resp_argv *a,
                       struct scn_plan *plan)
{
    for (int i = 0; i < r->s->nstricts; i++) {
        const struct scn_strict *st = &r->s->stricts[i];
        struct strict_state *ss = &r->strict[i];
        if (st->conn == c->conn_no && ss->failed_step) {
            plan->rule = -1;
            plan_error(plan, ss->msg.p, ss->msg.len);
            return 1;
        }
        if (st->conn != c->conn_no || ss->next >= st->nsteps)
            continue;
        const struct scn_step *step = &st->steps[ss->next];
        plan->rule = -1;
        plan->step = ss->next + 1;
        if (same_argv(step->cmd, a)) {
            ss->next++;
            plan_reply(plan, step->reply, c->proto);
            plan->delay_us = step->delay_us;
            return 1;
        }
        struct buf msg = BUF_INIT;
        buf_printf(&msg, "mockredis: strict step %d expected '", ss->next + 1);
        scn_fmt_argv(&msg, step->cmd);
        buf_puts(&msg, "', got '");
        scn_fmt_argv(&msg, a);
        buf_putc(&msg, '\'');
        plan_error(plan, msg.p, msg.len);
        buf_printf(&r->failures, "line %d: %s\n", step->line, msg.p);
        ss->failed_step = ss->next + 1;
        ss->msg = msg;
        return 1;
    }
    return 0;
}

/* The record's reply type when the plan decides it (a reply replaced, a
 * close, a reset, a hang); otherwise the server tells (scn_run_replied). */
static void planned_reply(struct scn_run *r, const struct scn_plan *plan)
{
    static const char *const ends[] = {
        [SCN_END_BEFORE] = "close", [SCN_END_RESET] = "reset", [SCN_END_HANG] = "hang"};
    if (plan->end == SCN_END_BEFORE || plan->end == SCN_END_RESET || plan->end == SCN_END_HANG)
        scn_hist_reply(r->hist, plan->hist_id, ends[plan->end]);
    else if (!plan->run)
        scn_hist_reply(r->hist, plan->hist_id, scn_hist_reply_type(plan->reply.p, plan->reply.len));
}

void scn_run_command(struct scn_run *r, struct client *c, const struct resp_argv *a,
                     struct scn_plan *plan)
{
    scn_run_script_command(r, c, a, NULL, plan);
}

void scn_run_scripts(struct scn_run *r, int conn_no, long long n)
{
    r->scripts += n;
    for (int i = 0; i < r->s->nexpects; i++) {
        const struct scn_expect *e = &r->s->expects[i];
        if (e->what == SW_SCRIPTS && (e->conn == 0 || e->conn == conn_no))
            r->expect_count[i] += n;
    }
}

void scn_run_script_command(struct scn_run *r, struct client *c, const struct resp_argv *a,
                            const char *script, struct scn_plan *plan)
{
    r->commands++;
    redirects_sample(r, 0);
    int node = node_of(c->core);
    for (int i = 0; i < r->s->nexpects; i++) {
        const struct scn_expect *e = &r->s->expects[i];
        r->node_hit[i] = 0;
        if ((e->what == SW_COMMANDS || (e->what == SW_SCRIPT_CALLS && script != NULL)) &&
            (e->conn == 0 || e->conn == c->conn_no) && scn_matches(e->match, a))
            r->expect_count[i]++;
        if (e->what == SW_NODE_COMMANDS && e->node == node && scn_matches(e->match, a)) {
            r->expect_count[i]++;
            r->node_hit[i] = 1; /* taken back if the node redirects it (scn_run_replied) */
        }
    }
    /* Its time is when it arrived: before any "advance" of the rule it fires. */
    scn_hist_command(r->hist, c->conn_no, scn_now(r), r->core->clock.virt, a);
    plan->hist_id = scn_hist_last_id(r->hist);
    r->last_id = plan->hist_id;
    /* Timed events never fire inside a script (it is atomic, and one that
     * runs EVAL cannot run a script inside a script): the first tick after
     * it fires them. */
    if (script != NULL)
        scn_hist_script(r->hist, plan->hist_id, script);
    else
        scn_run_tick(r);
    /* A strict block replays what a client sent: a script's calls are not
     * its steps. */
    if (script == NULL && strict_step(r, c, a, plan)) {
        planned_reply(r, plan);
        return;
    }

    int i = select_rule(r, 0, a, c->conn_no, node, script);
    if (i >= 0) {
        const struct scn_rule *rule = &r->s->rules[i];
        plan->rule = i + 1;
        for (int j = 0; j < rule->nacts; j++) {
            const struct scn_act *act = &rule->acts[j];
            switch (act->kind) {
            case SA_REPLY: plan_reply(plan, act->val, c->proto); break;
            case SA_DELAY: plan->delay_us = pick(r, act->us_min, act->us_max); break;
            case SA_LATENCY: plan->latency_us = pick(r, act->us_min, act->us_max); break;
            case SA_PIECES:
                plan->pieces = act->n;
                plan->pause_us = act->us_min;
                break;
            case SA_SPLIT:
                plan->split = 1;
                plan->split_at = act->split;
                plan->split_off = act->n;
                plan->pause_us = act->us_min;
                break;
            case SA_CLOSE_BEFORE:
                plan->end = SCN_END_BEFORE;
                plan->run = 0;
                break;
            case SA_CLOSE_AFTER: plan->end = SCN_END_AFTER; break;
            case SA_CLOSE_MIDDLE: plan->end = SCN_END_MIDDLE; break;
            case SA_RESET:
                plan->end = SCN_END_RESET;
                plan->run = 0;
                break;
            case SA_HANG:
                plan->end = SCN_END_HANG;
                plan->run = 0;
                break;
            case SA_CORRUPT_GARBAGE:
                plan->run = 0;
                plan->garbled = 1;
                buf_clear(&plan->reply);
                buf_puts(&plan->reply, "!garbage\r\n");
                break;
            case SA_CORRUPT_LENGTH: plan->corrupt_length = 1; break;
            case SA_CORRUPT_RESP3:
                plan->run = 0;
                plan->garbled = 1;
                buf_clear(&plan->reply);
                buf_puts(&plan->reply, ",3.14\r\n");
                break;
            case SA_EVICT:
            case SA_EXPIRE:
            case SA_RETYPE:
            case SA_ADVANCE:
            case SA_RUN:
            case SA_CL_MIGRATE:
            case SA_CL_MIGRATE_START:
            case SA_CL_MIGRATE_KEYS:
            case SA_CL_MIGRATE_END:
            case SA_CL_FAILOVER:
            case SA_CL_DOWN:
            case SA_CL_UP: apply_keyspace(r, act, c->dbi); break;
            default: break;
            }
        }
        if (script == NULL) /* events an "advance" made due happen before the command */
            scn_run_tick(r);
        planned_reply(r, plan);
        return;
    }
}

/* 1 when a reply is a cluster redirection (or refusal) of the command:
 * MOVED, ASK, CROSSSLOT, TRYAGAIN, CLUSTERDOWN. */
static int is_redirect(const char *b, size_t len)
{
    static const char *const errs[] = {"-MOVED ", "-ASK ", "-CROSSSLOT ", "-TRYAGAIN ",
                                       "-CLUSTERDOWN "};
    for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
        if (len >= strlen(errs[i]) && memcmp(b, errs[i], strlen(errs[i])) == 0)
            return 1;
    return 0;
}

void scn_run_replied(struct scn_run *r, long long hist_id, const char *bytes, size_t len,
                     int blocked)
{
    /* A command its node redirected was not processed there. */
    if (hist_id == r->last_id && !blocked && is_redirect(bytes, len)) {
        for (int i = 0; i < r->s->nexpects; i++)
            if (r->node_hit[i]) {
                r->expect_count[i]--;
                r->node_hit[i] = 0;
            }
    }
    scn_hist_reply(r->hist, hist_id,
                   blocked && len == 0 ? "blocked" : scn_hist_reply_type(bytes, len));
}

const struct scn_hist *scn_run_history(const struct scn_run *r)
{
    return r->hist;
}

void scn_corrupt_length(struct buf *reply)
{
    for (size_t i = 0; i < reply->len; i++) {
        char t = reply->p[i];
        if ((t == '$' || t == '*') && i + 1 < reply->len && reply->p[i + 1] != '-') {
            char *end;
            long long n = strtoll(reply->p + i + 1, &end, 10);
            struct buf out = BUF_INIT;
            buf_append(&out, reply->p, i + 1);
            buf_printf(&out, "%lld", n + 1);
            buf_append(&out, end, reply->len - (size_t)(end - reply->p));
            buf_free(reply);
            *reply = out;
            return;
        }
        /* skip to the next line */
        const char *nl = memchr(reply->p + i, '\n', reply->len - i);
        if (nl == NULL)
            return;
        i = (size_t)(nl - reply->p);
    }
}

/* ---- ending and verdict ------------------------------------------------------------------ */

int scn_run_over(struct scn_run *r, size_t nclients)
{
    if (r->ended)
        return 1;
    /* Real time, as "after": a bound on the wall clock of CI. */
    if (r->s->deadline_us > 0 && clk_mono_us() - r->mono_start_us >= r->s->deadline_us) {
        r->deadline_hit = 1;
        r->ended = 1;
        return 1;
    }
    switch (r->s->end) {
    case SE_CONTROL: return 0;
    case SE_AFTER:
        /* Real time: the whole point is a limit on the wall clock. */
        return clk_mono_us() - r->core->start_us >= r->s->end_after_us;
    case SE_IDLE:
        for (int i = 1; r->cl && i < r->nnodes; i++) /* every node's clients */
            nclients += node_core(r, i)->nclients;
        if (r->connections == 0 || nclients > 0) {
            r->idle_since_us = -1;
            return 0;
        }
        if (r->idle_since_us < 0)
            r->idle_since_us = clk_mono_us();
        return clk_mono_us() - r->idle_since_us >= r->s->idle_grace_us;
    }
    return 0;
}

void scn_run_end(struct scn_run *r)
{
    r->ended = 1;
}

int scn_run_deadline_hit(const struct scn_run *r)
{
    return r->deadline_hit;
}

/* "finish idle within 30s: the scenario had not ended by then", or NULL. */
static void deadline_text(const struct scn_run *r, struct buf *m)
{
    static const char *const ends[] = {"idle", "after", "control"};
    buf_printf(m, "finish %s within %lldms: the scenario had not ended by then", ends[r->s->end],
               (long long)(r->s->deadline_us / 1000));
}

static int compare(enum scn_op op, long long a, long long b)
{
    switch (op) {
    case SO_EQ: return a == b;
    case SO_NE: return a != b;
    case SO_LT: return a < b;
    case SO_LE: return a <= b;
    case SO_GT: return a > b;
    case SO_GE: return a >= b;
    }
    return 0;
}

static long long unconsumed(const struct scn_run *r)
{
    long long n = 0;
    for (int i = 0; i < r->s->nstricts; i++)
        n += r->s->stricts[i].nsteps - r->strict[i].next;
    return n;
}

/* A server counter added up over the nodes. */
enum node_stat { NS_PEAK, NS_REFUSED, NS_PROTO, NS_EVICTED };
static long long node_sum(const struct scn_run *r, enum node_stat k)
{
    long long n = 0;
    for (int i = 0; i < r->nnodes; i++) {
        const struct core *c = node_core(r, i);
        n += (long long)(k == NS_PEAK      ? c->st.conn_peak
                         : k == NS_REFUSED ? c->st.conn_refused
                         : k == NS_PROTO   ? c->st.proto_errors
                                           : c->evicted_ever);
    }
    return n;
}

static long long actual(const struct scn_run *r, int i)
{
    const struct scn_expect *e = &r->s->expects[i];
    switch (e->what) {
    case SW_CONNECTIONS: return r->connections;
    case SW_PEAK: return node_sum(r, NS_PEAK);
    case SW_REFUSED: return node_sum(r, NS_REFUSED);
    case SW_COMMANDS: return e->match || e->conn ? r->expect_count[i] : r->commands;
    case SW_UNCONSUMED: return unconsumed(r);
    case SW_PROTOCOL_ERRORS: return node_sum(r, NS_PROTO);
    case SW_RULE: return r->rule_fired[e->rule - 1];
    case SW_SCRIPTS: return e->conn ? r->expect_count[i] : r->scripts;
    case SW_SCRIPT_CALLS: return r->expect_count[i];
    case SW_EVICTIONS: return node_sum(r, NS_EVICTED) - (long long)r->evicted_base;
    case SW_REDIRECTS: return redirects(r, e->redirect);
    case SW_NODE_COMMANDS: return r->expect_count[i];
    default: return 0; /* the time and order kinds: expect_result */
    }
}

/* Evaluates expectation i: 1 when it holds. Sets *got (a count, or for the
 * time and order kinds the number of violations) and appends to detail
 * what those kinds saw (left empty for counts). */
static int expect_result(const struct scn_run *r, int i, long long *got, struct buf *detail)
{
    const struct scn_expect *e = &r->s->expects[i];
    if (e->what == SW_GAP || e->what == SW_BACKOFF || e->what == SW_ORDER || e->what == SW_NO_AFTER)
        return scn_hist_check(r->hist, i, got, detail);
    *got = actual(r, i);
    return compare(e->op, *got, e->value);
}

static void json_str(struct buf *j, const char *s, size_t n)
{
    buf_putc(j, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            buf_printf(j, "\\%c", ch);
        else if (ch < 0x20)
            buf_printf(j, "\\u%04x", ch);
        else
            buf_putc(j, (char)ch);
    }
    buf_putc(j, '"');
}

int scn_run_verdict(struct scn_run *r, struct buf *text, struct buf *json)
{
    redirects_sample(r, 0);
    const struct scn *s = r->s;
    int failed = 0;
    struct buf lines = BUF_INIT, jexp = BUF_INIT, jfail = BUF_INIT;

    for (int i = 0; i < s->nexpects; i++) {
        long long got;
        struct buf detail = BUF_INIT;
        int ok = expect_result(r, i, &got, &detail);
        failed |= !ok;
        buf_printf(&lines, "  %-4s %s  (line %d: ", ok ? "ok" : "FAIL", s->expects[i].text,
                   s->expects[i].line);
        if (detail.len)
            buf_printf(&lines, "%s)\n", detail.p);
        else
            buf_printf(&lines, "got %lld)\n", got);
        buf_printf(&jexp, "%s{\"line\":%d,\"text\":", i ? "," : "", s->expects[i].line);
        json_str(&jexp, s->expects[i].text, strlen(s->expects[i].text));
        buf_printf(&jexp, ",\"actual\":%lld,\"passed\":%s", got, ok ? "true" : "false");
        if (detail.len) {
            buf_puts(&jexp, ",\"detail\":");
            json_str(&jexp, detail.p, detail.len);
        }
        buf_putc(&jexp, '}');
        if (!ok) { /* the failure list names every failed expectation too */
            struct buf m = BUF_INIT;
            if (detail.len)
                buf_printf(&m, "line %d: %s: %s", s->expects[i].line, s->expects[i].text, detail.p);
            else
                buf_printf(&m, "line %d: %s (got %lld)", s->expects[i].line, s->expects[i].text,
                           got);
            if (jfail.len)
                buf_putc(&jfail, ',');
            json_str(&jfail, m.p, m.len);
            buf_free(&m);
        }
        buf_free(&detail);
    }
    /* Strict steps are an implicit expectation: all consumed, none wrong. */
    if (r->failures.len) {
        failed = 1;
        const char *p = r->failures.p;
        while (*p) {
            const char *nl = strchr(p, '\n');
            buf_printf(&lines, "  FAIL strict %.*s\n", (int)(nl - p), p);
            if (jfail.len)
                buf_putc(&jfail, ',');
            json_str(&jfail, p, (size_t)(nl - p));
            p = nl + 1;
        }
    }
    /* Actions that could not be carried out (a cluster action refused). */
    for (const char *p = r->act_failures.p ? r->act_failures.p : ""; *p;) {
        const char *nl = strchr(p, '\n');
        failed = 1;
        buf_printf(&lines, "  FAIL action %.*s\n", (int)(nl - p), p);
        if (jfail.len)
            buf_putc(&jfail, ',');
        json_str(&jfail, p, (size_t)(nl - p));
        p = nl + 1;
    }
    for (int i = 0; i < s->nstricts; i++) {
        const struct scn_strict *st = &s->stricts[i];
        int next = r->strict[i].next;
        if (next < st->nsteps && !r->strict[i].failed_step) {
            failed = 1;
            struct buf m = BUF_INIT;
            buf_printf(&m, "line %d: strict step %d never reached (%d of %d left): ",
                       st->steps[next].line, next + 1, st->nsteps - next, st->nsteps);
            scn_fmt_argv(&m, st->steps[next].cmd);
            buf_printf(&lines, "  FAIL strict %s\n", m.p);
            if (jfail.len)
                buf_putc(&jfail, ',');
            json_str(&jfail, m.p, m.len);
            buf_free(&m);
        }
    }

    if (r->deadline_hit) {
        failed = 1;
        struct buf m = BUF_INIT;
        deadline_text(r, &m);
        buf_printf(&lines, "  FAIL %s\n", m.p);
        if (jfail.len)
            buf_putc(&jfail, ',');
        json_str(&jfail, m.p, m.len);
        buf_free(&m);
    }

    const char *name = s->name ? s->name : s->file;
    if (text) {
        buf_printf(text, "scenario \"%s\" (%s): %s\n", name, s->file, failed ? "FAIL" : "PASS");
        buf_printf(text, "  connections %lld, refused %lld, peak %lld, commands %lld\n",
                   r->connections, node_sum(r, NS_REFUSED), node_sum(r, NS_PEAK), r->commands);
        if (r->cl) {
            buf_printf(text,
                       "  cluster of %d nodes: redirects moved %lld, ask %lld, crossslot "
                       "%lld, tryagain %lld, clusterdown %lld\n",
                       r->nnodes, redirects(r, SR_MOVED), redirects(r, SR_ASK),
                       redirects(r, SR_CROSSSLOT), redirects(r, SR_TRYAGAIN),
                       redirects(r, SR_CLUSTERDOWN));
        }
        buf_append(text, lines.p ? lines.p : "", lines.len);
    }
    if (json) {
        buf_puts(json, "{\"scenario\":");
        json_str(json, name, strlen(name));
        buf_puts(json, ",\"file\":");
        json_str(json, s->file, strlen(s->file));
        buf_printf(json,
                   ",\"passed\":%s,\"counters\":{\"connections\":%lld,\"refused\":%lld,"
                   "\"peak_connections\":%lld,\"commands\":%lld,\"protocol_errors\":%lld"
                   ",\"unconsumed\":%lld},\"expectations\":[",
                   failed ? "false" : "true", r->connections, node_sum(r, NS_REFUSED),
                   node_sum(r, NS_PEAK), r->commands, node_sum(r, NS_PROTO), unconsumed(r));
        buf_append(json, jexp.p ? jexp.p : "", jexp.len);
        buf_puts(json, "],\"failures\":[");
        buf_append(json, jfail.p ? jfail.p : "", jfail.len);
        buf_puts(json, "]}\n");
    }
    buf_free(&lines);
    buf_free(&jexp);
    buf_free(&jfail);
    return failed;
}

/* ---- JUnit XML ----------------------------------------------------------------------------- */

static void xml_str(struct buf *x, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        switch (ch) {
        case '&': buf_puts(x, "&amp;"); break;
        case '<': buf_puts(x, "&lt;"); break;
        case '>': buf_puts(x, "&gt;"); break;
        case '"': buf_puts(x, "&quot;"); break;
        case '\n': buf_puts(x, "&#10;"); break;
        case '\t': buf_puts(x, "&#9;"); break;
        default:
            /* XML 1.0 has no other control characters, not even escaped */
            if (ch < 0x20 || ch == 0x7f)
                buf_printf(x, "\\x%02x", ch);
            else
                buf_putc(x, (char)ch);
        }
    }
}

static void xml_cstr(struct buf *x, const char *s)
{
    xml_str(x, s, strlen(s));
}

/* One <testcase>; message NULL when it passed. */
static void junit_case(struct buf *x, const char *cls, const char *name, const char *message)
{
    buf_puts(x, "    <testcase classname=\"");
    xml_cstr(x, cls);
    buf_puts(x, "\" name=\"");
    xml_cstr(x, name);
    buf_puts(x, "\" time=\"0\"");
    if (message == NULL) {
        buf_puts(x, "/>\n");
        return;
    }
    buf_puts(x, ">\n      <failure type=\"mockredis\" message=\"");
    xml_cstr(x, message);
    buf_puts(x, "\">");
    xml_cstr(x, message);
    buf_puts(x, "</failure>\n    </testcase>\n");
}

/* The runtime failure recorded for the strict step on line (its line in
 * r->failures starts "line N: "), without its newline. */
static void strict_failure(const struct scn_run *r, int line, struct buf *why)
{
    char prefix[32];
    int n = snprintf(prefix, sizeof(prefix), "line %d: ", line);
    const char *p = r->failures.p ? r->failures.p : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        if (strncmp(p, prefix, (size_t)n) == 0) {
            buf_append(why, p, (size_t)(nl - p));
            return;
        }
        p = nl + 1;
    }
    buf_printf(why, "line %d: strict step got another command", line);
}

void scn_run_junit(struct scn_run *r, struct buf *xml)
{
    redirects_sample(r, 0);
    const struct scn *s = r->s;
    const char *name = s->name ? s->name : s->file;
    struct buf cases = BUF_INIT, cls = BUF_INIT, m = BUF_INIT;
    int tests = 0, failures = 0;

    buf_printf(&cls, "mockredis.%s", s->file);
    for (int i = 0; i < s->nexpects; i++) {
        const struct scn_expect *e = &s->expects[i];
        long long got;
        struct buf detail = BUF_INIT;
        int ok = expect_result(r, i, &got, &detail);
        buf_clear(&m);
        buf_printf(&m, "line %d: %s", e->line, e->text);
        struct buf why = BUF_INIT;
        if (detail.len)
            buf_printf(&why, "%s: %s", m.p, detail.p);
        else
            buf_printf(&why, "%s: got %lld", m.p, got);
        buf_free(&detail);
        junit_case(&cases, cls.p, m.p, ok ? NULL : why.p);
        buf_free(&why);
        tests++;
        failures += !ok;
    }
    for (int i = 0; i < s->nstricts; i++) {
        const struct scn_strict *st = &s->stricts[i];
        const struct strict_state *ss = &r->strict[i];
        struct buf why = BUF_INIT;
        buf_clear(&m);
        buf_printf(&m, "line %d: strict on connection %d (%d steps)", st->line, st->conn,
                   st->nsteps);
        if (ss->failed_step)
            strict_failure(r, st->steps[ss->failed_step - 1].line, &why);
        else if (ss->next < st->nsteps) {
            buf_printf(&why, "line %d: strict step %d never reached (%d of %d left): ",
                       st->steps[ss->next].line, ss->next + 1, st->nsteps - ss->next, st->nsteps);
            scn_fmt_argv(&why, st->steps[ss->next].cmd);
        }
        junit_case(&cases, cls.p, m.p, why.len ? why.p : NULL);
        tests++;
        failures += why.len > 0;
        buf_free(&why);
    }
    /* A failed action is a failed testcase of its own. */
    for (const char *p = r->act_failures.p ? r->act_failures.p : ""; *p;) {
        const char *nl = strchr(p, '\n');
        struct buf why = BUF_INIT;
        buf_append(&why, p, (size_t)(nl - p));
        buf_clear(&m);
        buf_append(&m, p, strcspn(p, ":"));
        buf_puts(&m, ": action");
        junit_case(&cases, cls.p, m.p, why.p);
        tests++;
        failures++;
        buf_free(&why);
        p = nl + 1;
    }
    if (s->deadline_us > 0) { /* the deadline is a check of its own */
        struct buf why = BUF_INIT;
        buf_clear(&m);
        buf_printf(&m, "finish within %lldms", (long long)(s->deadline_us / 1000));
        if (r->deadline_hit)
            deadline_text(r, &why);
        junit_case(&cases, cls.p, m.p, why.len ? why.p : NULL);
        tests++;
        failures += r->deadline_hit;
        buf_free(&why);
    }
    double secs = (double)(clk_mono_us() - r->core->start_us) / 1e6;
    buf_printf(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    buf_printf(
        xml,
        "<testsuites name=\"mockredis\" tests=\"%d\" failures=\"%d\" errors=\"0\" time=\"%.3f\">\n",
        tests, failures, secs);
    buf_puts(xml, "  <testsuite name=\"");
    xml_cstr(xml, name);
    buf_printf(xml, "\" tests=\"%d\" failures=\"%d\" errors=\"0\" skipped=\"0\" time=\"%.3f\">\n",
               tests, failures, secs);
    buf_append(xml, cases.p ? cases.p : "", cases.len);
    buf_puts(xml, "  </testsuite>\n</testsuites>\n");
    buf_free(&cases);
    buf_free(&cls);
    buf_free(&m);
}
