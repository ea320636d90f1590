/* cmd_mock.c - the MOCK namespace: what mockredis adds to Redis's commands,
 * for the harness, scenarios and lessons. Documented in docs/protocol.md.
 *
 *   MOCK STATS              map of counters (a flat array in RESP2):
 *                           connections_received, connections_refused,
 *                           connected_clients, peak_clients,
 *                           commands_processed, protocol_errors, timeouts,
 *                           client_output_buffer_limit_disconnections,
 *                           client_query_buffer_limit_disconnections
 *                           (clients closed over either limit),
 *                           held_replies, peak_held_replies, held_clients,
 *                           peak_held_clients (what a scenario's delay and
 *                           latency hold back: in flight as the server sees
 *                           it), scripts_run, script_calls,
 *                           postponed_clients (commands waiting for a
 *                           CLIENT PAUSE to end), then "cmd:<name>" for every command called at
 *                           least once ("cmd:client|setname" for a
 *                           subcommand)
 *   MOCK STAT <name>        one of those counters as an integer; a cmd:<name>
 *                           of a known command never called is 0
 *   MOCK RESETSTATS         zeroes them (like CONFIG RESETSTAT)
 *   MOCK CLOCK GET          the server's time in ms (real or virtual)
 *   MOCK CLOCK VIRTUAL [ms] freeze time (at ms, or now) from here on
 *   MOCK CLOCK REAL         back to the wall clock
 *   MOCK CLOCK ADVANCE <ms> move a virtual clock forward (error when real)
 *   MOCK CLOCK SET <ms>     virtual time set to ms (switches to virtual)
 *   MOCK SCENARIO LOAD <path>  plays that scenario file from now on (its
 *                           setup runs on the current keyspace; counters and
 *                           connection numbers start over); a regular file
 *                           of at most SCN_FILE_MAX bytes only; a file that
 *                           does not parse is named with the position of
 *                           its first problem, never quoted (scn_file.h)
 *   MOCK SCENARIO VERDICT   the readable report (first line ends PASS/FAIL)
 *   MOCK SCENARIO REPORT    the same as JSON
 *   MOCK SCENARIO RESET     stop playing: plain Redis behaviour again
 *   MOCK SCENARIO END       ends the scenario being played ("finish control"):
 *                           a server started with --scenario then exits with
 *                           the verdict
 *   MOCK HISTORY [count]    the record of the commands the scenario's rules
 *                           saw (scn_hist.h), oldest first: the last count
 *                           (default: all kept, at most SCN_HIST_MAX). Each
 *                           is a map (RESP2: a flat array) of id, conn,
 *                           time_us (scenario time), argc, argv (at most
 *                           SCN_HIST_ARGBYTES bytes of it), truncated
 *                           (boolean; RESP2 0/1), reply (the reply's type)
 *   MOCK CLUSTER ...        cluster mode: MIGRATE, FAILOVER, DOWN, UP,
 *                           NODES, STATS (cmd_mock_cluster.c); MOCK CLOCK
 *                           then sets every node's clock
 *   MOCK HELP
 * Every CLOCK subcommand but GET replies with the new time in ms. The
 * clock stays within 0..CLK_MAX_MS (the year 9999): a SET, VIRTUAL or
 * ADVANCE beyond is an error and moves nothing.
 *
 * MOCK commands are counted like any other command (cmd:mock|stat...). They
 * are not in Redis, so they are never part of the differential corpus.
 * They need AUTH when a password is set, and run only for the clients
 * --enable-mock-commands allows (CMD_PROTECTED, checked by cmd_dispatch). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "cluster.h"
#include "cmd.h"
#include "mem.h"
#include "mr_err.h"
#include "reply.h"
#include "scn.h"
#include "scn_check.h"
#include "scn_file.h"
#include "scn_hist.h"
#include "scn_run.h"
#include "server.h"
#include "util.h"

/* The fixed counters, in the order MOCK STATS lists them. */
static const char *const stat_names[] = {
    "connections_received",
    "connections_refused",
    "connected_clients",
    "peak_clients",
    "commands_processed",
    "protocol_errors",
    "timeouts",
    "client_output_buffer_limit_disconnections",
    "client_query_buffer_limit_disconnections",
    "held_replies",
    "peak_held_replies",
    "held_clients",
    "peak_held_clients",
    "scripts_run",
    "script_calls",
    "postponed_clients",
};
#define NSTATS ((int)(sizeof(stat_names) / sizeof(stat_names[0])))

static unsigned long long stat_value(const struct core *core, int i)
{
    switch (i) {
    case 0: return core->st.conn_received;
    case 1: return core->st.conn_refused;
    case 2: return core->nclients;
    case 3: return core->st.conn_peak;
    case 4: return core->st.commands;
    case 5: return core->st.proto_errors;
    case 6: return core->st.timeouts;
    case 7: return core->st.obuf_closes;
    case 8: return core->st.qbuf_closed;
    case 9: return core->nheld;
    case 10: return core->st.held_peak;
    case 11: return core->nheld_clients;
    case 12: return core->st.held_clients_peak;
    case 13: return core->st.scripts_run;
    case 14: return core->st.script_calls;
    default: return core->npostponed;
    }
}

struct stats_ctx {
    struct core *core;
    struct client *c; /* NULL: count only */
    long long n;
    const char *want; /* MOCK STAT: the full name looked for */
    long long found;  /* its calls, -1 while not found */
};

static void visit_one(struct stats_ctx *x, const struct cmd_def *d, const struct cmd_def *parent)
{
    char full[96], key[104];
    cmd_fullname(d, parent, full, sizeof(full));
    unsigned long long calls = cmd_calls_of(x->core, d);
    if (x->want) {
        if (!strcasecmp(x->want, full))
            x->found = (long long)calls;
        return;
    }
    if (calls == 0)
        return;
    x->n++;
    if (x->c) {
        snprintf(key, sizeof(key), "cmd:%s", full);
        reply_cstr(x->c, key);
        reply_int(x->c, (long long)calls);
    }
}

static void stats_visit(const struct cmd_def *d, void *ud)
{
    struct stats_ctx *x = ud;
    visit_one(x, d, NULL);
    for (const struct cmd_def *s = d->subs; s && s->name; s++)
        visit_one(x, s, d);
}

static void mock_stats_cmd(struct call *k)
{
    struct stats_ctx x = {k->core, NULL, 0, NULL, -1};
    cmd_each(stats_visit, &x);
    reply_map(k->c, NSTATS + x.n);
    for (int i = 0; i < NSTATS; i++) {
        reply_cstr(k->c, stat_names[i]);
        reply_int(k->c, (long long)stat_value(k->core, i));
    }
    x.c = k->c;
    cmd_each(stats_visit, &x);
}

static void mock_stat_cmd(struct call *k)
{
    const char *name = k->argv[2];
    for (int i = 0; i < NSTATS; i++) {
        if (!strcasecmp(name, stat_names[i])) {
            reply_int(k->c, (long long)stat_value(k->core, i));
            return;
        }
    }
    if (!strncasecmp(name, "cmd:", 4)) {
        struct stats_ctx x = {k->core, NULL, 0, name + 4, -1};
        cmd_each(stats_visit, &x);
        if (x.found >= 0) {
            reply_int(k->c, x.found);
            return;
        }
    }
    reply_errf(k->c, rtext[RT_MOCK_NO_COUNTER_FMT], name);
}

static void mock_resetstats_cmd(struct call *k)
{
    core_reset_stats(k->core);
    reply_ok(k->c);
}

/* Argument i as milliseconds >= 0; replies with an error and returns -1 otherwise. */
static int arg_ms(struct call *k, int i, long long *ms)
{
    if (arg_ll(k, i, ms) < 0)
        return -1;
    if (*ms < 0) {
        reply_err(k->c, RT_MOCK_NEGATIVE);
        return -1;
    }
    return 0;
}

static void mock_clock_cmd(struct call *k)
{
    struct clk *clock = &k->core->clock;
    long long ms;
    int rc = 0;
    if (arg_is(k, 2, "get") && k->argc == 3) {
        /* just the time */
    } else if (arg_is(k, 2, "virtual") && k->argc <= 4) {
        ms = -1;
        if (k->argc == 4 && arg_ms(k, 3, &ms) < 0)
            return;
        rc = clk_set_virtual(clock, ms);
    } else if (arg_is(k, 2, "real") && k->argc == 3) {
        clk_set_real(clock);
    } else if (arg_is(k, 2, "advance") && k->argc == 4) {
        if (arg_ms(k, 3, &ms) < 0)
            return;
        if (!clock->virt) {
            reply_err(k->c, RT_MOCK_NOT_VIRTUAL);
            return;
        }
        /* ms * 1000 must not overflow: beyond CLK_MAX_MS it is out anyway */
        rc = ms > CLK_MAX_MS ? MR_ERANGE : clk_advance_us(clock, ms * 1000);
    } else if (arg_is(k, 2, "set") && k->argc == 4) {
        if (arg_ms(k, 3, &ms) < 0)
            return;
        rc = clk_set_virtual(clock, ms);
    } else {
        reply_errf(k->c, rtext[RT_SUBCMD_SYNTAX_FMT], k->argv[2], "MOCK");
        return;
    }
    if (rc < 0) { /* the clock did not move */
        reply_errf(k->c, rtext[RT_MOCK_CLOCK_RANGE_FMT], CLK_MAX_MS);
        return;
    }
    if (k->core->cluster) /* one clock for the cluster: every node's moves */
        cluster_clock_sync(k->core->cluster, clock);
    reply_int(k->c, (long long)clk_now_ms(clock));
}

/* A cluster scenario needs this very cluster, and a cluster plays only
 * cluster scenarios: appends why not to msg. Returns 0 when they match. */
static int scenario_fits(const struct scn *scn, const struct cluster *cl, struct buf *msg)
{
    if (scn->cluster && cl == NULL)
        buf_printf(msg,
                   "%s:%d: the scenario is for a cluster ('cluster %d') and this server is "
                   "standalone: start it with mockredis --cluster %d, or --scenario",
                   scn->file, scn->cluster_line, scn->cluster, scn->cluster);
    else if (scn->cluster &&
             (scn->cluster != cl->nprimaries || scn->cluster_replicas != cl->replicas))
        buf_printf(msg,
                   "%s:%d: the scenario is for 'cluster %d replicas %d' and this cluster has %d "
                   "primaries with %d replicas each",
                   scn->file, scn->cluster_line, scn->cluster, scn->cluster_replicas,
                   cl->nprimaries, cl->replicas);
    else if (!scn->cluster && cl != NULL)
        buf_printf(msg,
                   "%s: the scenario has no 'cluster N' header and this server is a cluster of "
                   "%d primaries: add 'cluster %d replicas %d' to it",
                   scn->file, cl->nprimaries, cl->nprimaries, cl->replicas);
    else
        return 0;
    return -1;
}

static void scenario_load(struct call *k)
{
    struct buf diag = BUF_INIT, msg = BUF_INIT;
    struct scn *scn = NULL;
    struct scn_run *run = NULL;
    struct cluster *cl = k->core->cluster;
    /* A cluster's scenario is node 0's, whichever node loads it. */
    struct core *core = cl ? cl->nodes[0].core : k->core;
    int nnodes = cl ? cl->nnodes : 1;
    struct scn_run *old = srv_scenario(core->srv);
    struct scn_settings *now = mem_calloc((size_t)nnodes, sizeof(*now));
    int rc = scn_check_load(k->argv[3], &scn, &diag);
    if (rc < 0) {
        /* Never the file's text: it may be anything but a scenario. */
        scn_load_error(k->argv[3], rc, &diag, &msg);
    } else if (scenario_fits(scn, cl, &msg) < 0) {
        scn_free(scn);
    } else {
        /* The new header applies to the settings as they were before the
         * scenario it replaces; should its setup fail, that one goes on
         * as it was. */
        for (int i = 0; i < nnodes; i++)
            scn_settings_save(cl ? cl->nodes[i].core : core, &now[i]);
        scn_run_undo(old);
        if ((run = scn_run_new(scn, core, &diag)) == NULL) {
            /* A scenario whose setup failed: its first problem, as check says. */
            buf_append(&msg, diag.p ? diag.p : "", diag.p ? strcspn(diag.p, "\n") : 0);
            scn_free(scn);
            scn_run_redo(old);
            for (int i = 0; i < nnodes; i++)
                scn_settings_restore(cl ? cl->nodes[i].core : core, &now[i]);
        } else {
            for (int i = 0; i < nnodes; i++)
                free(now[i].requirepass);
        }
    }
    free(now);
    buf_free(&diag);
    if (run == NULL) {
        reply_errf(k->c, "ERR mockredis: %s", msg.p ? msg.p : "");
        buf_free(&msg);
        return;
    }
    for (int i = 0; i < nnodes; i++)
        core_reset_stats(cl ? cl->nodes[i].core : core);
    srv_set_scenario(core->srv, scn, run, 0);
    reply_ok(k->c);
}

static void mock_scenario_cmd(struct call *k)
{
    struct srv *srv = k->core->srv;
    struct scn_run *run = srv ? srv_scenario(srv) : NULL;
    if (arg_is(k, 2, "load") && k->argc == 4 && srv) {
        scenario_load(k);
    } else if (arg_is(k, 2, "end") && k->argc == 3) {
        if (run)
            scn_run_end(run);
        reply_ok(k->c); /* also without a scenario: ending nothing is not an error */
    } else if (arg_is(k, 2, "reset") && k->argc == 3) {
        if (srv) {
            scn_run_undo(run); /* plain Redis again: the header's settings too */
            srv_set_scenario(srv, NULL, NULL, 0);
        }
        reply_ok(k->c);
    } else if ((arg_is(k, 2, "verdict") || arg_is(k, 2, "report")) && k->argc == 3) {
        if (run == NULL) {
            reply_err(k->c, RT_MOCK_NO_SCENARIO);
            return;
        }
        struct buf out = BUF_INIT;
        if (arg_is(k, 2, "verdict")) {
            scn_run_verdict(run, &out, NULL);
            reply_verbatim(k->c, out.p, out.len);
        } else {
            scn_run_verdict(run, NULL, &out);
            reply_bulk(k->c, out.p, out.len);
        }
        buf_free(&out);
    } else {
        reply_errf(k->c, rtext[RT_SUBCMD_SYNTAX_FMT], k->argv[2], "MOCK");
    }
}

/* One entry of MOCK HISTORY. */
static void history_entry(struct client *c, const struct scn_hist_entry *x)
{
    reply_map(c, 8);
    reply_cstr(c, "id");
    reply_int(c, x->id);
    reply_cstr(c, "conn");
    reply_int(c, x->conn);
    reply_cstr(c, "time_us");
    reply_int(c, (long long)x->us);
    reply_cstr(c, "argc");
    reply_int(c, x->argc);
    reply_cstr(c, "argv");
    reply_array(c, x->args->argc);
    for (int i = 0; i < x->args->argc; i++)
        reply_bulk(c, x->args->argv[i], x->args->argl[i]);
    reply_cstr(c, "truncated");
    reply_bool(c, x->truncated);
    reply_cstr(c, "reply");
    reply_cstr(c, x->reply);
    reply_cstr(c, "script");
    if (x->script)
        reply_cstr(c, x->script);
    else
        reply_null(c);
}

static void mock_history_cmd(struct call *k)
{
    struct srv *srv = k->core->srv;
    struct scn_run *run = srv ? srv_scenario(srv) : NULL;
    long long want = -1;
    if (k->argc > 3) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    if (k->argc == 3) {
        if (arg_ll(k, 2, &want) < 0)
            return;
        if (want < 0) {
            reply_err(k->c, RT_MOCK_COUNT_NEGATIVE);
            return;
        }
    }
    if (run == NULL) {
        reply_err(k->c, RT_MOCK_NO_SCENARIO);
        return;
    }
    const struct scn_hist *h = scn_run_history(run);
    size_t n = scn_hist_len(h);
    size_t from = want >= 0 && (size_t)want < n ? n - (size_t)want : 0;
    reply_array(k->c, (long long)(n - from));
    for (size_t i = from; i < n; i++) {
        struct scn_hist_entry x;
        scn_hist_at(h, i, &x);
        history_entry(k->c, &x);
    }
}

static void mock_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "MOCK <subcommand> [<arg> ...]. mockredis's own commands. Subcommands are:",
        "STATS",
        "    Counters: connections_received, connections_refused, connected_clients,",
        "    peak_clients, commands_processed, protocol_errors, timeouts,",
        "    client_output_buffer_limit_disconnections,",
        "    client_query_buffer_limit_disconnections, held_replies,",
        "    peak_held_replies, held_clients, peak_held_clients, cmd:<name>.",
        "STAT <name>",
        "    One counter as an integer.",
        "RESETSTATS",
        "    Zero the counters.",
        "CLOCK GET|VIRTUAL [<ms>]|REAL|ADVANCE <ms>|SET <ms>",
        "    Read or drive the server's clock (milliseconds since the Unix epoch).",
        "SCENARIO LOAD <path>",
        "    Play the scenario file at <path> from now on (counters start over).",
        "SCENARIO VERDICT|REPORT",
        "    The scenario's verdict so far, as text or as JSON.",
        "SCENARIO RESET",
        "    Stop playing the scenario: plain Redis behaviour again.",
        "SCENARIO END",
        "    End the scenario being played (a --scenario server then exits).",
        "HISTORY [<count>]",
        "    The last <count> commands the scenario's rules saw (default: all kept),",
        "    with connection, scenario time in microseconds, arguments and reply type.",
        "CLUSTER MIGRATE <slot>|<from>-<to> <node>",
        "    Cluster mode: move the slots, with their keys, to <node> (a primary).",
        "CLUSTER MIGRATE START <slot> <node>|KEYS <slot> <count>|END <slot>",
        "    The same step by step: MIGRATING/IMPORTING, some keys, the end.",
        "CLUSTER FAILOVER <replica>",
        "    The replica takes its primary's slots and data.",
        "CLUSTER DOWN <node>|UP <node>",
        "    Stop a node (connections refused; failed after cluster-node-timeout",
        "    on the clock) or bring it back.",
        "CLUSTER NODES|STATS",
        "    The nodes (index, id, port, role, primary, slots, down, failed), or",
        "    their counters (commands, moved, ask, crossslot, tryagain, clusterdown).",
        "    A <node> is its index (0, 1, ...) or its node id.",
        "HELP",
        "    Print this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

/* Not Redis commands: the facts below are ours. MOCK is listed by COMMAND,
 * COMMAND COUNT, LIST and DOCS like any command (group "mock", since our
 * 0.1.0), with DEBUG's flags and categories (admin, noscript; @admin @slow
 * @dangerous): it steers the server. */
#define MOCK_FACTS                                                                                 \
    .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,                                      \
    .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS, .since = "0.1.0", .group = "mock"

// clang-format off
static struct cmd_def mock_subs[] = {
    {.name = "stats", .fn = mock_stats_cmd,
     .arity = 2, MOCK_FACTS, .complexity = "O(N) where N is the number of commands",
     .summary = "Returns mockredis's counters."},
    {.name = "stat", .fn = mock_stat_cmd,
     .arity = 3, MOCK_FACTS, .complexity = "O(1)",
     ARGS({.name = "name", .type = ARG_STRING}),
     .summary = "Returns one counter."},
    {.name = "resetstats", .fn = mock_resetstats_cmd,
     .arity = 2, MOCK_FACTS, .complexity = "O(1)",
     .summary = "Zeroes the counters."},
    {.name = "clock", .fn = mock_clock_cmd,
     .arity = -3, MOCK_FACTS, .complexity = "O(1)",
     ARGS({.name = "mode", .type = ARG_ONEOF,
           SUBARGS({.name = "get", .type = ARG_PURE_TOKEN, .token = "GET"},
                   {.name = "virtual", .type = ARG_BLOCK,
                    SUBARGS({.name = "virtual", .type = ARG_PURE_TOKEN, .token = "VIRTUAL"},
                            {.name = "start-ms", .type = ARG_INTEGER, .aflags = ARGF_OPTIONAL})},
                   {.name = "real", .type = ARG_PURE_TOKEN, .token = "REAL"},
                   {.name = "ms", .type = ARG_INTEGER, .token = "ADVANCE"},
                   {.name = "unix-time-milliseconds", .type = ARG_UNIX_TIME, .token = "SET"})}),
     .summary = "Reads or drives the server clock."},
    {.name = "scenario", .fn = mock_scenario_cmd,
     .arity = -3, MOCK_FACTS, .complexity = "O(1)",
     ARGS({.name = "action", .type = ARG_ONEOF,
           SUBARGS({.name = "path", .type = ARG_STRING, .token = "LOAD"},
                   {.name = "verdict", .type = ARG_PURE_TOKEN, .token = "VERDICT"},
                   {.name = "report", .type = ARG_PURE_TOKEN, .token = "REPORT"},
                   {.name = "reset", .type = ARG_PURE_TOKEN, .token = "RESET"},
                   {.name = "end", .type = ARG_PURE_TOKEN, .token = "END"})}),
     .summary = "Controls the scenario being played."},
    {.name = "history", .fn = mock_history_cmd,
     .arity = -2, MOCK_FACTS, .complexity = "O(N) where N is the number of entries returned",
     ARGS({.name = "count", .type = ARG_INTEGER, .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the record of the commands the scenario's rules saw."},
    {.name = "cluster", .fn = cmd_mock_cluster,
     .arity = -3, MOCK_FACTS, .complexity = "O(N) where N is the number of keys moved",
     ARGS({.name = "action", .type = ARG_ONEOF,
           SUBARGS({.name = "migrate", .type = ARG_BLOCK,
                    SUBARGS({.name = "migrate", .type = ARG_PURE_TOKEN, .token = "MIGRATE"},
                            {.name = "arg", .type = ARG_STRING, .aflags = ARGF_MULTIPLE})},
                   {.name = "failover", .type = ARG_STRING, .token = "FAILOVER"},
                   {.name = "down", .type = ARG_STRING, .token = "DOWN"},
                   {.name = "up", .type = ARG_STRING, .token = "UP"},
                   {.name = "nodes", .type = ARG_PURE_TOKEN, .token = "NODES"},
                   {.name = "stats", .type = ARG_PURE_TOKEN, .token = "STATS"})}),
     .summary = "Changes the topology of a cluster mode server: migrations, failover, nodes down and up."},
    {.name = "help", .fn = mock_help_cmd,
     .arity = 2, MOCK_FACTS, .complexity = "O(1)",
     .summary = "Returns helpful text about the MOCK subcommands."},
    {.name = NULL},
};

struct cmd_def cmd_mock_table[] = {
    {.name = "mock", .subs = mock_subs, .flags = CMD_PROTECTED,
     .arity = -2, MOCK_FACTS, .complexity = "O(1)",
     .summary = "mockredis's own commands: counters, clock, scenario control, history."},
    {.name = NULL},
};
// clang-format on
