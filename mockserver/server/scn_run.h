/* scn_run.h - playing a scenario: what to do with each connection and
 * command, and the verdict at the end.
 *
 * The engine decides; the server (plan.c, net.c) carries out. For every
 * accepted connection and every command the server asks the engine for a
 * plan; the engine applies keyspace and clock actions itself (evict, expire,
 * retype, advance, timed events) and returns what the server must do with
 * the reply (replace it, delay it, slice it, close, reset, hang). The
 * engine keeps every counter the expectations need and renders the report.
 * No sockets, no timers here: everything is driven by calls. */
#ifndef MOCKREDIS_SCN_RUN_H
#define MOCKREDIS_SCN_RUN_H

#include "clock.h"
#include <stdint.h>

#include "buf.h"
#include "core.h"
#include "scn.h"

struct scn_run;

/* The server settings a scenario's header changes: the clock, maxclients,
 * timeout, requirepass. */
struct scn_settings {
    struct clk clock;
    int maxclients;
    int timeout;
    char *requirepass; /* owned */
    size_t requirepass_len;
    long long maxmemory;
    int mm_policy, mm_data_only;
};
/* Copies core's settings into *out (free with scn_settings_restore). */
void scn_settings_save(const struct core *core, struct scn_settings *out);
/* Puts *in back into core, all of it, and empties *in. */
void scn_settings_restore(struct core *core, struct scn_settings *in);

/* Starts playing s on core: applies the header (clock, maxclients, timeout,
 * requirepass), keeping what it replaces, and runs the setup block
 * (scn_run_setup); then maxmemory and its policy (after the setup: its
 * data is loaded whole, eviction begins with the first command), with
 * the server's rng seeded from the scenario's seed. s must outlive the run. Returns NULL when a
 * setup command failed, with every failure in diag (the header undone).
 * When core is node 0 of a cluster (core->cluster), the run serves every
 * node: the header applies to each node's core (one virtual clock, copied),
 * setup lines run on the node owning their keys' slot (keyless ones on
 * every node, write ones on every primary), and the verdict adds up the
 * nodes' counters. The caller checks that s's "cluster" header matches. */
struct scn_run *scn_run_new(const struct scn *s, struct core *core, struct buf *diag);
/* Undoes the header: each setting it made gets back the value it replaced
 * (the clock too: real again if it was; a CONFIG SET of a setting the
 * header did not make stays). Once; scn_run_free does not. */
void scn_run_undo(struct scn_run *r);
/* Takes back an undo, while core's settings are still the ones it put
 * back: they are kept again as what the header replaced (the caller then
 * restores the header's values, scn_settings_restore). */
void scn_run_redo(struct scn_run *r);
/* Runs s's setup block on core (database 0, an internal client that is
 * authenticated and cannot block; on a cluster routed as scn_run_new
 * says), every command even after one failed.
 * Appends "file:line:col: setup command failed: ERROR\n" to diag for each
 * that answered an error. Returns how many failed. */
int scn_run_setup(const struct scn *s, struct core *core, struct buf *diag);
void scn_run_free(struct scn_run *r);

enum scn_conn_action {
    SCN_CONN_ACCEPT, /* serve normally */
    SCN_CONN_REFUSE, /* write Redis's maxclients error, close */
    SCN_CONN_DELAY,  /* read nothing for delay_us, then serve */
    SCN_CONN_SILENT, /* never answer */
    SCN_CONN_CLOSE,  /* close at once */
};

/* A connection was accepted. Sets *conn_no to its 1-based number and, for
 * SCN_CONN_DELAY, *delay_us. Counts it. */
/* Whether some command rule's pattern matches a (its conditions aside):
 * a rule may answer it. Counts nothing. */
int scn_run_may_answer(const struct scn_run *r, const struct resp_argv *a);

enum scn_conn_action scn_run_connect(struct scn_run *r, int *conn_no, int64_t *delay_us);
/* The same for a connection node `node` of a cluster accepted (the "node
 * N" condition of connection rules); scn_run_connect is node 0. Numbers
 * go on across the nodes, in the order they were accepted. */
enum scn_conn_action scn_run_connect_node(struct scn_run *r, int node, int *conn_no,
                                          int64_t *delay_us);

enum scn_end_kind {
    SCN_END_NONE,   /* keep the connection */
    SCN_END_BEFORE, /* close instead of replying */
    SCN_END_AFTER,  /* close once the reply is written */
    SCN_END_MIDDLE, /* write half of the reply, then close */
    SCN_END_RESET,  /* abort with a TCP RST instead of replying */
    SCN_END_HANG,   /* never reply, stop reading */
};

struct scn_plan {
    int rule;           /* 1-based rule that fired, 0 none, -1 a strict step */
    int step;           /* rule -1: the strict step's 1-based number in its block */
    int run;            /* 1: run the command normally; 0: send reply instead */
    struct buf reply;   /* !run: the bytes to send, already encoded */
    int64_t delay_us;   /* hold the reply this long: server time, the
                           connection's later commands wait behind it */
    int64_t latency_us; /* network latency: write the reply this long after
                           it was made; later replies are not held up by it
                           but never overtake it */
    long long pieces;   /* > 0: write this many bytes at a time */
    int split;          /* 1: write in two parts at split_at/split_off */
    enum scn_split split_at;
    long long split_off;
    int64_t pause_us; /* between pieces or the two split parts */
    enum scn_end_kind end;
    int corrupt_length; /* add one to the first length prefix of the reply */
    long long hist_id;  /* the command's id in the record (scn_hist.h), for its reply */
    /* The reply was replaced by "corrupt garbage" or "corrupt resp3" (reply
     * holds the bytes). For a command a script called (plan.c), these
     * bend the script's reply instead: there the call runs and the outer
     * plan gets the bytes with run still 1. */
    int garbled;
};

void scn_plan_init(struct scn_plan *p);
void scn_plan_free(struct scn_plan *p);

/* A command arrived from client c (c->conn_no set by the server from
 * scn_run_connect). Fills *plan (initialised by the caller). Keyspace and
 * clock actions of the rule that fired have been applied on return. */
void scn_run_command(struct scn_run *r, struct client *c, const struct resp_argv *a,
                     struct scn_plan *plan);

/* The same for a command a script called (redis.call/pcall), script
 * being the running script's digest (40 hex digits; NULL: a command the
 * client sent, as scn_run_command). c is the client the call runs on, its
 * conn_no the calling client's, its proto and dbi the script's: a
 * scripted reply is encoded for it, keyspace actions act on its database.
 * Counted like any command (commands, nth/from/..., expect commands) and
 * also for "expect script-calls"; recorded with the digest; strict blocks
 * never see it (they replay what a client sent). */
void scn_run_script_command(struct scn_run *r, struct client *c, const struct resp_argv *a,
                            const char *script, struct scn_plan *plan);

/* n scripts ran (EVAL, EVALSHA, ... that ran one) for a command of the
 * connection conn_no: "expect scripts" counts them. */
void scn_run_scripts(struct scn_run *r, int conn_no, long long n);

/* The server tells what reply the command recorded as hist_id (a plan's,
 * from scn_run_command) got, when the plan let it run (plan->run):
 * bytes[0..len) is the start of the reply (len 0: none yet); blocked: the
 * command blocked (BLPOP...), and is told again when it is served. The
 * record of commands (MOCK HISTORY) keeps the type. A plan that replaced
 * the reply or ends the connection needs no call. */
void scn_run_replied(struct scn_run *r, long long hist_id, const char *bytes, size_t len,
                     int blocked);

struct scn_hist;
/* The record of commands (scn_hist.h), for MOCK HISTORY; owned by r. */
const struct scn_hist *scn_run_history(const struct scn_run *r);

/* Runs the timed events whose time has come (call after commands and from
 * the server's periodic timer). */
void scn_run_tick(struct scn_run *r);

/* Tells whether the scenario is over, per its "finish" directive, given how
 * many clients are connected now, or because its "within" deadline has
 * passed (real time since the server started). Call periodically. */
int scn_run_over(struct scn_run *r, size_t nclients);
/* For "finish control": marks the scenario over (MOCK SCENARIO END). */
void scn_run_end(struct scn_run *r);
/* 1 when "finish ... within DURATION" ended the scenario (scn_run_over
 * saw the deadline pass first): the verdict then fails. */
int scn_run_deadline_hit(const struct scn_run *r);

/* Evaluates every expectation. Appends a readable report to text and a JSON
 * object to json (either may be NULL). Returns 0 when everything held, 1
 * when something failed. */
int scn_run_verdict(struct scn_run *r, struct buf *text, struct buf *json);

/* Appends the verdict as JUnit XML to xml: one <testsuites> holding one
 * <testsuite> named after the scenario, with one <testcase> per
 * expectation (rules required to fire are expectations: "expect rule N")
 * and one per strict block; a failed one holds a <failure> with the same
 * text as the readable report. Counts match the testcases; times are the
 * scenario's wall time (testcases: 0). */
void scn_run_junit(struct scn_run *r, struct buf *xml);

/* 1 when a matches pat: a command-name glob (case-insensitive), then
 * argument globs by position; arguments beyond pat's are not looked at.
 * A NULL pat matches every command. */
int scn_matches(const struct resp_argv *pat, const struct resp_argv *a);

/* Writes argv as "GET 'a b'"-style text for messages (quotes where needed). */
void scn_fmt_argv(struct buf *out, const struct resp_argv *a);

/* Adds one to the first length prefix ($N or *N) in reply[0..len). */
void scn_corrupt_length(struct buf *reply);

#endif
