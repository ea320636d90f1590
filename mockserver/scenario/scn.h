/* scn.h - scenario files: the parsed form and the parser.
 *
 * A scenario (language reference: docs/scenarios.md) is parsed into a
 * struct scn, a plain tree the engine walks at run time. Parsing is pure:
 * text in, tree and diagnostics out, no I/O (the caller reads the file), so
 * it can be unit-tested and fuzzed alone. */
#ifndef MOCKREDIS_SCN_H
#define MOCKREDIS_SCN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "resp.h"

/* ---- reply values ----------------------------------------------------------- */

enum scn_val_kind {
    SV_SIMPLE, /* +text */
    SV_BULK,   /* $len text */
    SV_NIL,    /* $-1 / _ */
    SV_INT,    /* :n */
    SV_DOUBLE, /* bulk / ,d */
    SV_BOOL,   /* :1 :0 / #t #f */
    SV_ERROR,  /* -text */
    SV_ARRAY,  /* *n elements */
    SV_RAW,    /* bytes as they are */
};

struct scn_val {
    enum scn_val_kind kind;
    char *str; /* SIMPLE BULK ERROR RAW: bytes (NUL-terminated copy); DOUBLE: the text */
    size_t len;
    long long num;          /* INT, BOOL */
    struct scn_val **items; /* ARRAY */
    int nitems;
    int capitems; /* ARRAY: slots allocated in items (grows by doubling) */
};

/* Appends v encoded for a client speaking RESP proto (2 or 3). */
void scn_val_write(const struct scn_val *v, struct buf *out, int proto);
void scn_val_free(struct scn_val *v);
/* Parses text as one reply value in scenario syntax ("OK", "(nil)",
 * "[1, 2]", ...). Returns 0 and sets *out, or MR_EPARSE with a message
 * (prefixed by where, e.g. "file:12") appended to diag. */
int scn_parse_value(const char *text, size_t len, const char *where, struct scn_val **out,
                    struct buf *diag);

/* ---- rules, events, strict steps, expectations -------------------------------- */

enum scn_cond_kind {
    SC_NTH,
    SC_FROM,
    SC_TIMES,
    SC_EVERY,          /* n: counted over matching commands */
    SC_CONN,           /* n: the Nth connection */
    SC_AFTER_COMMANDS, /* n: commands seen server-wide */
    SC_AFTER_TIME,     /* us: scenario time since start */
    SC_SCRIPT,         /* n 1: "from script" (a command a script called with
                          redis.call/pcall); n 0: "not from script" (one a
                          client sent) */
    SC_NODE,           /* n: only on node n of a cluster (a connection it accepted) */
};

struct scn_cond {
    enum scn_cond_kind kind;
    int col; /* where it was written */
    long long n;
    int64_t us;
};

enum scn_act_kind {
    SA_REPLY,
    SA_DELAY,
    SA_LATENCY,
    SA_PIECES,
    SA_SPLIT,
    SA_CLOSE_BEFORE,
    SA_CLOSE_AFTER,
    SA_CLOSE_MIDDLE,
    SA_RESET,
    SA_HANG,
    SA_CORRUPT_GARBAGE,
    SA_CORRUPT_LENGTH,
    SA_CORRUPT_RESP3,
    SA_EVICT,
    SA_EXPIRE,
    SA_RETYPE,
    SA_ADVANCE,
    SA_PASS,
    SA_RUN,
    /* connection rules */
    SA_REFUSE,
    SA_SILENT,
    SA_CLOSE,
    /* cluster topology changes (cluster.h's "topology changes"), in
     * rules and timed events of a cluster scenario */
    SA_CL_MIGRATE,       /* cluster migrate SLOT[-SLOT] to NODE: start, every key, end */
    SA_CL_MIGRATE_START, /* cluster migrate start SLOT to NODE */
    SA_CL_MIGRATE_KEYS,  /* cluster migrate keys SLOT N */
    SA_CL_MIGRATE_END,   /* cluster migrate end SLOT */
    SA_CL_FAILOVER,      /* cluster failover NODE (a replica) */
    SA_CL_DOWN,          /* cluster down NODE */
    SA_CL_UP,            /* cluster up NODE */
};

enum scn_split { SPLIT_OFFSET, SPLIT_INSIDE_LENGTH, SPLIT_INSIDE_PAYLOAD };

/* The value types RETYPE can give a key. The scenario language names them;
 * the engine (scn_run.c) makes each with a command, so the parser needs
 * nothing from the keyspace. */
enum scn_vtype { SVT_STRING, SVT_LIST, SVT_HASH, SVT_SET, SVT_ZSET, SVT_STREAM };

struct scn_act {
    enum scn_act_kind kind;
    int line, col; /* where it was written */
    int64_t us_min,
        us_max;  /* DELAY, LATENCY (a range when they differ), ADVANCE, pause of PIECES/SPLIT */
    long long n; /* PIECES: bytes per write; SPLIT: offset */
    enum scn_split split; /* SPLIT */
    char *key;            /* EVICT EXPIRE RETYPE */
    size_t keylen;
    int type;              /* RETYPE: an enum scn_vtype value */
    struct scn_val *val;   /* REPLY */
    struct resp_argv *cmd; /* RUN */
    int *cmd_cols;         /* RUN: the column of each word of cmd */
    /* SA_CL_*: the slots (slot_lo..slot_hi, one slot: equal), the node
     * (NODE of migrate ... to, failover, down, up; its column node_col);
     * SA_CL_MIGRATE_KEYS's count is n */
    int slot_lo, slot_hi, node, node_col;
};

struct scn_rule {
    int line;
    int on_connect;          /* 1: "on connect", match is NULL */
    struct resp_argv *match; /* command glob then argument globs */
    int *match_cols;         /* the column of each word of match */
    struct scn_cond *conds;
    int nconds;
    struct scn_act *acts;
    int nacts;
};

struct scn_event {
    int line;
    int64_t at_us;
    struct scn_act *acts;
    int nacts;
};

struct scn_step {
    int line;
    int col;               /* of its '>' */
    struct resp_argv *cmd; /* the command expected */
    int *cols;             /* the column of each word of cmd */
    struct scn_val *reply; /* the reply sent */
    int64_t delay_us;      /* before the reply */
};

struct scn_strict {
    int line;
    int conn; /* which connection (1-based) */
    struct scn_step *steps;
    int nsteps;
};

enum scn_what {
    SW_CONNECTIONS,
    SW_PEAK,
    SW_REFUSED,
    SW_COMMANDS,
    SW_UNCONSUMED,
    SW_PROTOCOL_ERRORS,
    SW_RULE,
    SW_SCRIPTS,      /* scripts run (EVAL, EVALSHA and their _RO forms that ran one) */
    SW_SCRIPT_CALLS, /* commands scripts called (redis.call/pcall), with a pattern or not */
    SW_EVICTIONS,    /* keys evicted (maxmemory, or the `evict` action) while it ran */
    /* over the record of commands, on the scenario clock (docs/scenarios.md,
     * "Time and order"); parsed by parse_expect_time */
    SW_GAP,      /* every gap between consecutive matching commands */
    SW_BACKOFF,  /* each gap grows by a factor within [f_lo, f_hi] */
    SW_ORDER,    /* every match2 command has a match command before it */
    SW_NO_AFTER, /* no match command (NULL: any) after a match2 command */
    /* cluster scenarios */
    SW_REDIRECTS,     /* redirections the nodes answered: redirect's kind, summed */
    SW_NODE_COMMANDS, /* node `node`'s commands [matching match] it did not redirect */
};

/* What "expect redirects [KIND]" counts (struct cluster_node's counters). */
enum scn_redirect {
    SR_ALL, /* moved + ask: the redirections a client follows */
    SR_MOVED,
    SR_ASK,
    SR_CROSSSLOT,
    SR_TRYAGAIN,
    SR_CLUSTERDOWN,
};

/* The most nodes a cluster scenario may ask for (cluster.h's
 * CLUSTER_NODE_MAX; the parser does not include the server's headers). */
#define SCN_CLUSTER_NODES_MAX 64
#define SCN_CLUSTER_SLOTS     16384

enum scn_op { SO_EQ, SO_NE, SO_LT, SO_LE, SO_GT, SO_GE };

struct scn_expect {
    int line;
    char *text; /* the directive as written, for reports */
    enum scn_what what;
    struct resp_argv *match; /* SW_COMMANDS, SW_SCRIPT_CALLS with a pattern, else NULL */
    int *match_cols;         /* the column of each word of match */
    int *match2_cols;        /* the column of each word of match2 */
    int rule;                /* SW_RULE: 1-based rule number */
    enum scn_op op;
    long long value;
    /* "on conn N" (SW_COMMANDS, SW_SCRIPT_CALLS, SW_GAP, SW_BACKOFF): only commands of the Nth
     * connection; 0 = every connection */
    int conn;
    /* SW_ORDER, SW_NO_AFTER: "across": over all connections; 0 = each
     * connection on its own */
    int across;
    struct resp_argv *match2;   /* SW_ORDER: the command that must come later ("before
                                   MATCH2"); SW_NO_AFTER: the command after which nothing
                                   matching comes ("after MATCH2") */
    int range;                  /* SW_GAP: 1 when written D1..D2 (us_lo..us_hi), else
                                   "OP us_lo" */
    int64_t us_lo, us_hi;       /* SW_GAP */
    double f_lo, f_hi;          /* SW_BACKOFF: each gap / the one before, in [f_lo, f_hi] */
    enum scn_redirect redirect; /* SW_REDIRECTS */
    int node, node_col;         /* SW_NODE_COMMANDS: the node and where it was written */
};

enum scn_end { SE_IDLE, SE_AFTER, SE_CONTROL };

/* "finish idle" without a duration: long enough for a client that connects
 * per request to open its next connection. */
#define SCN_IDLE_GRACE_US 100000

/* The latest "clock virtual START" accepted: 9999-12-31T23:59:59.999Z. */
#define SCN_CLOCK_START_MAX_MS 253402300799999LL

struct scn {
    char *file; /* the name given to scn_parse */
    char *name; /* NULL when not given */
    int clock_virtual;
    int64_t
        clock_start_ms; /* clock virtual START: Unix time in ms; -1 = when the scenario starts */
    uint64_t seed;
    int maxclients;    /* 0 = not set */
    int timeout;       /* -1 = not set */
    char *requirepass; /* NULL = not set */
    /* maxmemory [+]SIZE [POLICY]: bytes (0 = not set; relative: above the
     * memory used once the setup ran) and the policy's name (NULL =
     * noeviction); the server's rng is then seeded from seed */
    long long maxmemory;
    int maxmemory_relative;
    char *maxmemory_policy;
    enum scn_end end;
    int64_t end_after_us;
    int64_t idle_grace_us; /* finish idle: this long without a client ends it */
    int64_t deadline_us;   /* finish ... within: ended, and failed, this long after the
                              start (real time) if not over before; 0 = none */
    /* cluster N [replicas R]: played on a cluster of N primaries and N*R
     * replicas (every node), 0 = one standalone server; cluster_line is
     * where the header was given */
    int cluster, cluster_replicas, cluster_line;

    struct resp_argv **setup;
    int *setup_line;
    int **setup_cols; /* the column of each word of each setup command */
    int nsetup;
    struct scn_rule *rules;
    int nrules;
    struct scn_event *events;
    int nevents;
    struct scn_strict *stricts;
    int nstricts;
    struct scn_expect *expects;
    int nexpects;
};

/* Parses text[0..len) as a scenario named file (used in messages).
 * Returns 0 and sets *out to a new scenario (free with scn_free), or
 * MR_EPARSE and leaves *out NULL. Either way every problem found is
 * appended to diag as "file:line:col: message\n" lines (the parser goes on
 * after an error, to report them all). diag may be NULL. */
int scn_parse(const char *text, size_t len, const char *file, struct scn **out, struct buf *diag);
void scn_free(struct scn *s);

/* What scn_parse_duration accepts, for messages. */
#define SCN_DURATION_UNITS "a number with a unit: us, ms, s, m or h; at most 24h"

/* Parses a duration: a decimal number and a unit, us, ms, s, m (minutes)
 * or h ("50ms", "1.5s", "250us", "2m", "1h"), at most a day. Returns 0 and
 * sets *us, or -1 if the text is not such a duration. */
int scn_parse_duration(const char *s, size_t n, int64_t *us);

/* The condition keyword (nth, from, times, every, conn, after) that w[0..n)
 * is a near miss of ("nht" -> "nth"), for a "did you mean" hint; NULL when
 * none is near, or w is one. The keywords are the parser's own table. */
const char *scn_near_condition(const char *w, size_t n);

#endif
