/* cmd.h - the command table and dispatcher.
 *
 * Each command family lives in its own file (cmd_string.c, cmd_keys.c, ...)
 * and exports a table of struct cmd_def ending with an entry whose name is
 * NULL. A row holds everything about one command (or subcommand): its
 * handler and our internal flags, and Redis 7.0.15's facts about it, the
 * ones COMMAND INFO and COMMAND DOCS answer (arity, flags, ACL categories,
 * key positions and key specs, tips, since, group, complexity, argument
 * tree), written there by scripts/cmdrows.py from a running redis-server;
 * the summary is ours. Nothing about a command lives in a second table.
 *
 * cmd_dispatch checks a command the way Redis 7 does, in Redis's order
 * (unknown command, arity, MOCK allowed, authentication, allowed in MULTI,
 * Pub/Sub context, a busy script (core->busy: only allow_busy commands), a
 * monitor kept off the keyspace, MULTI queueing), then calls it, and shows
 * it to the monitors (monitor.h) as Redis does.
 *
 * Depends on: core.h (the state commands work on), the keyspace (db.h,
 * obj.h) and, in cmd.c, the registries dispatch drives: WATCH (watch.h:
 * given a mask of WATCH_* derived from the command's flags, never a
 * struct cmd_def), blocked clients (block.h), Pub/Sub (pubsub.h), client
 * tracking (tracking.h: the keys a read-only command read, the values a
 * write changed). Nothing below the command layer includes this header. */
#ifndef MOCKREDIS_CMD_H
#define MOCKREDIS_CMD_H

#include <stddef.h>

#include "core.h"
#include "notify.h"

/* Our internal flags (cmd_def.flags), read by the dispatcher and WATCH.
 * CMD_WRITE, CMD_NOAUTH and CMD_NOMULTI restate Redis's write, no_auth and
 * no_multi flags: rows never set them, cmd_init derives them from rflags. */
#define CMD_WRITE  (1u << 0) /* modifies the keyspace (derived from RF_WRITE) */
#define CMD_NOAUTH (1u << 1) /* allowed before AUTH (derived from RF_NO_AUTH) */
/* Runs at once inside MULTI (EXEC, DISCARD, MULTI, QUIT, RESET, WATCH). */
#define CMD_NOQUEUE (1u << 2)
#define CMD_TOUCH                                                                                  \
    (1u << 4) /* a call that succeeds changes its first key for WATCH, even to                     \
               * the same value (watch.h) */
#define CMD_SIGNALS                                                                                \
    (1u << 5) /* tells WATCH itself what it changed (watch_touch), no                              \
               * digest probe (watch.h) */

#define CMD_PUBSUB_OK (1u << 6) /* allowed to a RESP2 client with subscriptions */
/* Refused inside MULTI, and the transaction then aborts (Redis's no-multi
 * commands: SAVE, SHUTDOWN; derived from RF_NO_MULTI). */
#define CMD_NOMULTI (1u << 7)
/* Runs only for the clients --enable-mock-commands allows (the MOCK
 * namespace), see core.h. Not Redis's "protected" (which COMMAND INFO never
 * shows): DEBUG is enabled here. */
#define CMD_PROTECTED (1u << 8)
/* Redis's may_replicate, which COMMAND INFO does not show (EVAL, EVALSHA,
 * FCALL, PUBLISH, SPUBLISH): refused to a monitor like a command that
 * reads or writes the keyspace (cmd.c). A bit far from the others: flags
 * added in parallel work must not take it unnoticed. */
#define CMD_MAY_REPLICATE (1u << 20)

/* Redis's command flags (cmd_def.rflags), as COMMAND INFO lists them, in the
 * order it lists them. */
enum {
    RF_PUBSUB = 1u << 0,
    RF_WRITE = 1u << 1,
    RF_DENYOOM = 1u << 2,
    RF_READONLY = 1u << 3,
    RF_ADMIN = 1u << 4,
    RF_NOSCRIPT = 1u << 5,
    RF_LOADING = 1u << 6,
    RF_STALE = 1u << 7,
    RF_NO_ASYNC_LOADING = 1u << 8,
    RF_BLOCKING = 1u << 9,
    RF_FAST = 1u << 10,
    RF_SKIP_SLOWLOG = 1u << 11,
    RF_NO_AUTH = 1u << 12,
    RF_NO_MULTI = 1u << 13,
    RF_ALLOW_BUSY = 1u << 14,
    RF_SKIP_MONITOR = 1u << 15,
    RF_NO_MANDATORY_KEYS = 1u << 16,
    RF_MOVABLEKEYS = 1u << 17,
    RF_ASKING = 1u << 18,
    RF__COUNT = 19
};
/* Redis's ACL categories (cmd_def.acl), in COMMAND INFO's order. */
enum {
    CAT_PUBSUB = 1u << 0,
    CAT_KEYSPACE = 1u << 1,
    CAT_WRITE = 1u << 2,
    CAT_READ = 1u << 3,
    CAT_GEO = 1u << 4,
    CAT_STREAM = 1u << 5,
    CAT_HASH = 1u << 6,
    CAT_STRING = 1u << 7,
    CAT_SET = 1u << 8,
    CAT_SORTEDSET = 1u << 9,
    CAT_LIST = 1u << 10,
    CAT_BITMAP = 1u << 11,
    CAT_HYPERLOGLOG = 1u << 12,
    CAT_ADMIN = 1u << 13,
    CAT_SLOW = 1u << 14,
    CAT_FAST = 1u << 15,
    CAT_DANGEROUS = 1u << 16,
    CAT_BLOCKING = 1u << 17,
    CAT_CONNECTION = 1u << 18,
    CAT_TRANSACTION = 1u << 19,
    CAT_SCRIPTING = 1u << 20,
    CAT__COUNT = 21
};
/* Key spec flags (cmd_keyspec.flags), in COMMAND INFO's order. */
enum {
    KS_NOT_KEY = 1u << 0,
    KS_RW = 1u << 1,
    KS_RO = 1u << 2,
    KS_ACCESS = 1u << 3,
    KS_OW = 1u << 4,
    KS_INSERT = 1u << 5,
    KS_UPDATE = 1u << 6,
    KS_RM = 1u << 7,
    KS_DELETE = 1u << 8,
    KS_INCOMPLETE = 1u << 9,
    KS_VARIABLE_FLAGS = 1u << 10,
    KS__COUNT = 11
};
/* The names of the bits above, in bit order ("write", "@string", "RW"). */
extern const char *const cmd_rflag_names[RF__COUNT];
extern const char *const cmd_cat_names[CAT__COUNT];
extern const char *const cmd_ksflag_names[KS__COUNT];

/* A key spec, as Redis 7.0 describes where a command's keys are: where the
 * search begins (an argument index, or after a keyword searched from
 * bs_pos, backwards when negative), then how the keys are found from there
 * (a range: last key relative to the start or from the end when negative,
 * a step and a limit; or a count argument: its index relative to the
 * start, the first key relative to it, a step). The list ends with an
 * entry whose bs is 0. */
enum { KS_BS_INDEX = 1, KS_BS_KEYWORD, KS_BS_UNKNOWN };
enum { KS_FK_RANGE = 1, KS_FK_KEYNUM, KS_FK_UNKNOWN };
struct cmd_keyspec {
    unsigned flags;
    int bs;     /* KS_BS_*, 0 ends the list */
    int bs_pos; /* index, or a keyword's startfrom */
    const char *bs_keyword;
    int fk;               /* KS_FK_* */
    int fk_a, fk_b, fk_c; /* range: lastkey, keystep, limit; keynum: keynumidx, firstkey, keystep */
    const char *notes;
};
// clang-format off
#define BS_INDEX(i)        .bs = KS_BS_INDEX, .bs_pos = (i)
#define BS_KEYWORD(kw, from) .bs = KS_BS_KEYWORD, .bs_keyword = (kw), .bs_pos = (from)
#define BS_UNKNOWN         .bs = KS_BS_UNKNOWN
#define FK_RANGE(last, step, limit) .fk = KS_FK_RANGE, .fk_a = (last), .fk_b = (step), .fk_c = (limit)
#define FK_KEYNUM(idx, first, step) .fk = KS_FK_KEYNUM, .fk_a = (idx), .fk_b = (first), .fk_c = (step)
#define FK_UNKNOWN         .fk = KS_FK_UNKNOWN
/* In a row: the key specs, a list ended by the library's sentinel. */
#define KEYSPECS(...) .keyspecs = (const struct cmd_keyspec[]){__VA_ARGS__, {.bs = 0}}
// clang-format on

/* One argument of COMMAND DOCS's tree. Lists end with an entry whose name
 * is NULL. */
enum cmd_argtype {
    ARG_STRING = 1,
    ARG_INTEGER,
    ARG_DOUBLE,
    ARG_KEY,
    ARG_PATTERN,
    ARG_UNIX_TIME,
    ARG_PURE_TOKEN,
    ARG_ONEOF,
    ARG_BLOCK
};
#define ARGF_OPTIONAL       (1u << 0)
#define ARGF_MULTIPLE       (1u << 1)
#define ARGF_MULTIPLE_TOKEN (1u << 2)
struct cmd_arg {
    const char *name;
    enum cmd_argtype type;
    int has_key_spec, key_spec; /* an index into the command's key specs (ARG_KS) */
    const char *token, *since, *deprecated_since;
    unsigned aflags;               /* ARGF_* */
    const struct cmd_arg *subargs; /* ARG_ONEOF, ARG_BLOCK */
};
// clang-format off
#define ARG_KS(i) .has_key_spec = 1, .key_spec = (i)
#define ARGS(...)    .args = (const struct cmd_arg[]){__VA_ARGS__, {.name = NULL}}
#define SUBARGS(...) .subargs = (const struct cmd_arg[]){__VA_ARGS__, {.name = NULL}}
// clang-format on

/* COMMAND DOCS's doc_flags. */
#define DOC_DEPRECATED (1u << 0)
#define DOC_SYSCMD     (1u << 1)

struct cmd_def;

/* One command being run. argv[0] is the command name as the client sent it. */
struct call {
    struct core *core;
    struct client *c;
    const struct cmd_def *cmd;
    int argc;
    char **argv;
    size_t *argl;
    struct resp_argv *args;  /* what argc, argv and argl come from (arg_take) */
    unsigned char *redacted; /* argc flags set by arg_redact, or NULL (cmd.c frees it) */
};

typedef void cmd_fn(struct call *k);

/* One key found in a command's arguments: its index and key spec flags. */
struct cmd_keyref {
    int pos;
    unsigned flags;
};
/* A procedure that finds a command's keys where Redis does not trust its
 * key specs (SORT's STORE, SET's and BITFIELD's flags that depend on the
 * arguments): writes at most max keys to out, returns how many it found. */
typedef int cmd_getkeys_fn(int argc, char **argv, struct cmd_keyref *out, int max);

struct cmd_def {
    /* ours */
    const char *name;     /* lower case; a subcommand's is "client|setname" style: just "setname" */
    cmd_fn *fn;           /* NULL for a container (see subs) */
    struct cmd_def *subs; /* subcommands, NULL-name terminated, or NULL (not const:
                           * cmd_init numbers them) */
    unsigned flags;       /* CMD_*: the derived ones are set by cmd_init */
    cmd_getkeys_fn *getkeys;
    const char *summary; /* one line in our own words, for COMMAND DOCS */
    int id;              /* set by cmd_init: index into core->cmd_calls */
    /* Redis's facts (COMMAND INFO, COMMAND DOCS) */
    int arity;             /* Redis convention: N exact, -N at least N (name included) */
    unsigned rflags;       /* RF_* */
    unsigned acl;          /* CAT_* */
    int first, last, step; /* legacy key positions */
    const char *tips;      /* space-separated, or NULL */
    const struct cmd_keyspec *keyspecs; /* or NULL */
    const char *since, *group, *complexity;
    unsigned doc_flags; /* DOC_* */
    const char *deprecated_since, *replaced_by;
    const struct cmd_arg *args; /* or NULL */
};

/* The family tables. */
extern struct cmd_def cmd_conn_table[];
extern struct cmd_def cmd_server_table[];
extern struct cmd_def cmd_keys_table[];
extern struct cmd_def cmd_string_table[];
extern struct cmd_def cmd_bit_table[];
extern struct cmd_def cmd_hash_table[];
extern struct cmd_def cmd_list_table[];
extern struct cmd_def cmd_set_table[];
extern struct cmd_def cmd_zset_table[];
extern struct cmd_def cmd_sort_table[];
extern struct cmd_def cmd_zsetops_table[];
extern struct cmd_def cmd_multi_table[];
extern struct cmd_def cmd_script_table[];
extern struct cmd_def cmd_function_table[];
extern struct cmd_def cmd_pubsub_table[];
extern struct cmd_def cmd_mock_table[];
extern struct cmd_def cmd_stream_table[];
extern struct cmd_def cmd_xgroup_table[];
extern struct cmd_def cmd_monitor_table[];
extern struct cmd_def cmd_db_table[];
extern struct cmd_def cmd_debug_table[];
extern struct cmd_def cmd_object_table[];
extern struct cmd_def cmd_memory_table[];
extern struct cmd_def cmd_cluster_table[];
extern struct cmd_def cmd_migrate_table[];
/* MOCK CLUSTER (cmd_mock_cluster.c), a subcommand of cmd_mock.c's MOCK. */
cmd_fn cmd_mock_cluster;

/* Builds the lookup index and numbers every command; idempotent. */
void cmd_init(void);
/* Number of top-level commands and of command ids (subcommands included). */
int cmd_count(void);
int cmd_id_count(void);
/* How many times d ran on core since the start or the last CONFIG
 * RESETSTAT (the counters live in core->cmd_calls, sized here). */
uint64_t cmd_calls_of(const struct core *core, const struct cmd_def *d);
/* Finds a top-level command by name, case-insensitively; NULL if unknown. */
const struct cmd_def *cmd_lookup(const char *name, size_t len);
/* Finds a command by name, a subcommand too (argv[0] the container, argv[1]
 * the subcommand, case-insensitively); NULL if unknown. A container given
 * without a subcommand is itself. */
const struct cmd_def *cmd_lookup_argv(int argc, char **argv, const size_t *argl);
/* Visits every top-level command in table order. */
void cmd_each(void (*fn)(const struct cmd_def *cmd, void *ud), void *ud);
/* "get", or "client|setname" for a subcommand. Writes into out. */
void cmd_fullname(const struct cmd_def *cmd, const struct cmd_def *parent, char *out, size_t size);

/* The keys of a command call (argv[0] the command, subcommand included
 * when d is one), found from d's key specs as Redis's
 * getKeysFromCommandWithSpecs does (or d's getkeys procedure). Writes at
 * most max to out. Returns the number of keys, or -1 when the arguments do
 * not match the specs (Redis's "Invalid arguments specified for command"). */
int cmd_getkeys(const struct cmd_def *d, int argc, char **argv, const size_t *argl,
                struct cmd_keyref *out, int max);
/* Whether d has keys at all (Redis's doesCommandHaveKeys). */
int cmd_has_keys(const struct cmd_def *d);
/* The getkeys procedures of SORT, SORT_RO, SET and BITFIELD. */
cmd_getkeys_fn cmd_getkeys_sort, cmd_getkeys_sort_ro, cmd_getkeys_set, cmd_getkeys_bitfield;

/* Runs one command for client c and appends its reply to c->out. Takes
 * ownership of argv (it is freed, or kept in the MULTI queue). A command
 * the checks reject gets Redis's error, marks a transaction in progress so
 * that EXEC aborts, and is not counted; a rejected EXEC ends the
 * transaction and answers "EXECABORT Transaction discarded because of:
 * <the error>", as Redis does. */
void cmd_dispatch(struct core *core, struct client *c, struct resp_argv *argv);
/* Queues argv (ownership taken) in c's transaction and answers QUEUED, as
 * cmd_dispatch queues a command it knows: for a command mockredis does not
 * implement (CMD_UNKNOWN) that a scenario rule may answer when EXEC runs
 * it, as the module that has it would be queued in Redis. */
void cmd_queue(struct client *c, struct resp_argv *argv);
/* Runs an already-checked command (used by EXEC, and by core->run_queued
 * for EXEC). */
void cmd_execute(struct core *core, struct client *c, struct resp_argv *argv);

/* Shows argv, a command a scenario rule answered instead of running it,
 * to the monitors (monitor.h), as if it had run: an admin command never. */
void cmd_monitor_feed(struct core *core, struct client *c, const struct resp_argv *a);

/* What cmd_dispatch would do with argv for client c, before running or
 * queueing anything. Writes nothing, changes nothing. */
enum cmd_verdict {
    CMD_PASS,    /* it would be run */
    CMD_QUEUE,   /* it would be queued: c is in MULTI (it runs at EXEC) */
    CMD_UNKNOWN, /* a command or subcommand mockredis does not implement, from a
                  * client allowed to run commands (authenticated):
                  * cmd_dispatch would answer "unknown command" (and, in
                  * MULTI, make the EXEC abort); cmd_queue queues it instead */
    CMD_REJECT,  /* cmd_dispatch would answer an error without running it: wrong
                  * arity, MOCK not allowed, NOAUTH (an unknown command of an
                  * unauthenticated client too), not allowed in MULTI, Pub/Sub
                  * context, BUSY */
};
enum cmd_verdict cmd_check(const struct core *core, const struct client *c,
                           const struct resp_argv *argv);

/* slowlog-log-slower-than and slowlog-max-len as CONFIG SET left them
 * (cmd_server.c): what cmd.c gives the slow log (observe.h). */
void cmd_slowlog_cfg(const struct core *core, long long *slower_than, long long *max_len);
/* latency-monitor-threshold and latency-tracking (latency.h). */
void cmd_latency_cfg(const struct core *core, long long *threshold_ms, int *track);

/* Ends c's transaction as Redis's discardTransaction does: the queue is
 * freed, the WATCHed keys forgotten, MULTI and its dirty flag cleared.
 * Harmless when c is in no transaction. */
void cmd_multi_discard(struct core *core, struct client *c);

/* ---- helpers for command implementations ------------------------------------ */

/* Case-insensitive comparison of argument i with a literal option name. */
int arg_is(const struct call *k, int i, const char *lit);
/* Shows argument i as "(redacted)" to monitors (AUTH's password, ...), as
 * Redis's redactClientCommandArgument: the command runs with it as sent. */
void arg_redact(struct call *k, int i);
/* Parses argument i as a Redis integer (string2ll rules). On failure replies
 * with RT_NOTINT and returns -1; 0 on success. */
int arg_ll(struct call *k, int i, long long *out);
/* Argument i's bytes as a block the caller owns (malloc'd, NUL-terminated,
 * *len bytes), when the argument was read into a block of its own (a big
 * one, resp.h); argument i is then the empty string. NULL when it shares
 * the argv's allocation: copy it. Lets a stored value take a big argument
 * without copying it. */
char *arg_take(struct call *k, int i, size_t *len);
/* ---- the key a command works on --------------------------------------------
 *
 * A command's first lines look its key up in two statements, in the spirit
 * of Redis's lookupKeyReadOrReply + checkType:
 *
 *     struct obj *o;
 *     if (arg_key_read(k, 1, OBJ_LIST, MISS_ZERO, &o) < 0)
 *         return;
 *
 * after which o is the list at argument 1 (or NULL with MISS_GO). */

/* What a command does when its key is missing (or expired). */
enum arg_miss {
    MISS_GO,          /* no reply: the command goes on with *o NULL */
    MISS_CREATE,      /* a new empty value of the type is stored at the key
                       * (db_set: a change for WATCH, a key given a value for
                       * blocked clients) and the command goes on with it; for
                       * arg_key_write, never for OBJ_STRING */
    MISS_NULL,        /* the null bulk string: $-1 (RESP3 _) */
    MISS_NULL_ARRAY,  /* the null array: *-1 (RESP3 _) */
    MISS_ZERO,        /* the integer 0 */
    MISS_EMPTY_ARRAY, /* *0 */
    MISS_EMPTY_SET,   /* ~0 (RESP2 *0) */
    MISS_EMPTY_BULK,  /* the empty string: $0 */
    MISS_OK,          /* +OK */
    MISS_NOSUCHKEY,   /* Redis's "no such key" error (RT_NOSUCHKEY) */
};

/* The value at argument i of a command that works on a value of type t,
 * looked up as Redis's lookupKeyRead does: a keyspace hit or miss is
 * counted, an expired key is deleted on the way.
 *   - The key holds a value of type t: returns 0, *o is that value (owned
 *     by the keyspace).
 *   - The key is missing and miss is MISS_GO or MISS_CREATE: returns 0, *o
 *     is NULL (MISS_GO) or the new empty value (MISS_CREATE).
 *   - The key is missing, any other miss: writes that reply, returns -1.
 *   - The key holds another type: writes the WRONGTYPE error, returns -1.
 * On -1 *o is NULL and the command has answered: it must stop. Nothing is
 * written on 0. */
int arg_key_read(struct call *k, int i, enum obj_type t, enum arg_miss miss, struct obj **o);
/* The same for a command that may change the value, looked up as Redis's
 * lookupKeyWrite does: no keyspace hit or miss is counted. */
int arg_key_write(struct call *k, int i, enum obj_type t, enum arg_miss miss, struct obj **o);
/* LLEN HLEN SCARD ZCARD STRLEN: replies the number of elements (bytes, for
 * a string) of the t at argument i, 0 when the key is missing, WRONGTYPE
 * when it holds another type. */
void arg_key_reply_len(struct call *k, int i, enum obj_type t);
/* Deletes the key at argument i when o, the list, hash, set or sorted set
 * stored there, has no element left, as Redis never keeps an empty
 * collection (db_drop_if_empty: a change for WATCH), and reports "del"
 * (cmd_drop_if_empty): call it after the command reported its own event. */
void arg_key_drop_if_empty(struct call *k, int i, const struct obj *o);
/* The database the call's client has selected, and the server clock (ms). */
struct db *cmd_db(const struct call *k);
int64_t cmd_now(const struct call *k);

/* Parses argument i as a blocking command's timeout in seconds (BLPOP,
 * BZPOPMIN, ...), with Redis's checks and errors. Sets *deadline_ms to the
 * server time it ends (0: never). Returns 0, or -1 after replying with the
 * error. */
int arg_timeout(struct call *k, int i, int64_t *deadline_ms);
/* The same for a timeout in milliseconds (XREAD's and XREADGROUP's BLOCK,
 * WAIT): an integer, not negative. */
int arg_timeout_ms(struct call *k, int i, int64_t *deadline_ms);
/* The arguments "[count [WITH...]]" at index 2 of HRANDFIELD and
 * ZRANDMEMBER, with Redis's checks and errors (with_option is
 * "withvalues" or "withscores"). Sets *count (0 when absent) and *with.
 * Returns 0, or -1 after replying with the error. */
int arg_rand_count(struct call *k, const char *with_option, long long *count, int *with);
/* Stores o (owned by the keyspace from now on) at the key of argument i,
 * as Redis's setKey does for the STORE commands: a new key wakes clients
 * blocked on it (block.h); replacing a key that exists, whatever its type,
 * wakes nobody (Redis 7.0 signals only a key it adds). Both are a change
 * for WATCH. */
void arg_store(struct call *k, int i, struct obj *o);
/* The arguments "numkeys key [key ...] W0|W1 [COUNT count]" from index
 * numi, as ZMPOP, BZMPOP, LMPOP and BLMPOP check them, in Redis's order and
 * with its errors (numkeys and count at least 1, anything else a syntax
 * error). Sets *numkeys, *where (0 for w0, 1 for w1) and *count (1 when
 * absent). Returns 0, or -1 after replying with the error. */
int arg_mpop(struct call *k, int numi, const char *w0, const char *w1, long long *numkeys,
             int *where, long long *count);

/* Appends c's CLIENT INFO line, without the final newline, to b (for log
 * lines that name a client, as Redis's do). now_ms: the server clock. */
void cmd_client_info(struct buf *b, const struct client *c, int64_t now_ms);

/* Reports the keyspace event `event` (class type, NOTIFY_* of notify.h)
 * on key (klen bytes) of the database k's client has selected. */
void cmd_notify(const struct call *k, int type, const char *event, const char *key, size_t klen);
/* Same for the key at argument i. */
void cmd_notify_arg(const struct call *k, int type, const char *event, int i);
/* Deletes key of database dbi when o, the collection stored there, has no
 * element left, and reports it ("del"), as Redis does after the command's
 * own event (arg_key_drop_if_empty is this for an argument). */
void cmd_drop_if_empty(struct core *core, int dbi, const char *key, size_t klen,
                       const struct obj *o);

#endif
