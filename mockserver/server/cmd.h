/* cmd.h - the command table and dispatcher.
 *
 * Each command family lives in its own file (cmd_string.c, cmd_keys.c, ...)
 * and exports a table of struct cmd_def ending with an entry whose name is
 * NULL. cmd_dispatch checks a command the way Redis 7 does, in Redis's order
 * (unknown command, arity, MOCK allowed, authentication, allowed in MULTI,
 * Pub/Sub context, MULTI queueing), then calls it. */
#ifndef MOCKREDIS_CMD_H
#define MOCKREDIS_CMD_H

#include <stddef.h>

#include "core.h"

/* Command flags. */
#define CMD_WRITE (1u << 0)    /* modifies the keyspace */
#define CMD_NOAUTH (1u << 1)   /* allowed before AUTH (AUTH, HELLO, QUIT, ...) */
#define CMD_NOQUEUE (1u << 2)  /* runs at once inside MULTI (EXEC, DISCARD, MULTI, QUIT, RESET, WATCH) */
#define CMD_NOSCRIPT (1u << 3) /* informational, shown by COMMAND DOCS */
#define CMD_TOUCH (1u << 4)    /* a call that succeeds changes its first key for WATCH, even to
                                * the same value (watch.h) */
#define CMD_SIGNALS (1u << 5)  /* tells WATCH itself what it changed (watch_touch), no
                                * digest probe (watch.h) */

#define CMD_PUBSUB_OK (1u << 6) /* allowed to a RESP2 client with subscriptions */
/* Refused inside MULTI, and the transaction then aborts (Redis's no-multi
 * commands: SAVE, SHUTDOWN, SYNC, PSYNC). */
#define CMD_NOMULTI (1u << 7)
/* Runs only for the clients --enable-mock-commands allows (the MOCK
 * namespace), see core.h. */
#define CMD_PROTECTED (1u << 8)

struct cmd_def;

/* One command being run. argv[0] is the command name as the client sent it. */
struct call {
    struct core *core;
    struct client *c;
    const struct cmd_def *cmd;
    int argc;
    char **argv;
    size_t *argl;
    struct resp_argv *args; /* what argc, argv and argl come from (arg_take) */
};

typedef void cmd_fn(struct call *k);

struct cmd_def {
    const char *name;           /* lower case; a subcommand's is "client|setname" style: just "setname" */
    int arity;                  /* Redis convention: N exact, -N at least N (name included) */
    unsigned flags;
    cmd_fn *fn;                 /* NULL for a container (see subs) */
    struct cmd_def *subs;       /* subcommands, NULL-name terminated, or NULL (not const:
                                 * cmd_init numbers them) */
    const char *group;          /* "string", "keyspace", "connection", ... */
    const char *summary;        /* one line, for COMMAND DOCS */
    int id;                     /* set by cmd_init: index into core->cmd_calls */
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
extern struct cmd_def cmd_pubsub_table[];
extern struct cmd_def cmd_mock_table[];

/* Builds the lookup index and numbers every command; idempotent. */
void cmd_init(void);
/* Number of top-level commands and of command ids (subcommands included). */
int cmd_count(void);
int cmd_id_count(void);
/* Finds a top-level command by name, case-insensitively; NULL if unknown. */
const struct cmd_def *cmd_lookup(const char *name, size_t len);
/* Visits every top-level command in table order. */
void cmd_each(void (*fn)(const struct cmd_def *cmd, void *ud), void *ud);
/* "get", or "client|setname" for a subcommand. Writes into out. */
void cmd_fullname(const struct cmd_def *cmd, const struct cmd_def *parent, char *out, size_t size);

/* Runs one command for client c and appends its reply to c->out. Takes
 * ownership of argv (it is freed, or kept in the MULTI queue). A command
 * the checks reject gets Redis's error, marks a transaction in progress so
 * that EXEC aborts, and is not counted; a rejected EXEC ends the
 * transaction and answers "EXECABORT Transaction discarded because of:
 * <the error>", as Redis does. */
void cmd_dispatch(struct core *core, struct client *c, struct resp_argv *argv);
/* Runs an already-checked command (used by EXEC). */
void cmd_execute(struct core *core, struct client *c, struct resp_argv *argv);

/* What cmd_dispatch would do with argv for client c, before running or
 * queueing anything. Writes nothing, changes nothing. */
enum cmd_verdict {
    CMD_PASS,    /* it would be queued (MULTI) or run */
    CMD_UNKNOWN, /* a command or subcommand mockredis does not implement, from a
                  * client allowed to run commands (authenticated): cmd_dispatch
                  * would answer "unknown command" */
    CMD_REJECT,  /* cmd_dispatch would answer an error without running it: wrong
                  * arity, MOCK not allowed, NOAUTH (an unknown command of an
                  * unauthenticated client too), not allowed in MULTI, Pub/Sub
                  * context */
};
enum cmd_verdict cmd_check(const struct core *core, const struct client *c,
                           const struct resp_argv *argv);

/* Ends c's transaction as Redis's discardTransaction does: the queue is
 * freed, the WATCHed keys forgotten, MULTI and its dirty flag cleared.
 * Harmless when c is in no transaction. */
void cmd_multi_discard(struct core *core, struct client *c);

/* ---- helpers for command implementations ------------------------------------ */

/* Case-insensitive comparison of argument i with a literal option name. */
int arg_is(const struct call *k, int i, const char *lit);
/* Parses argument i as a Redis integer (string2ll rules). On failure replies
 * with RT_NOTINT and returns -1; 0 on success. */
int arg_ll(struct call *k, int i, long long *out);
/* Argument i's bytes as a block the caller owns (malloc'd, NUL-terminated,
 * *len bytes), when the argument was read into a block of its own (a big
 * one, resp.h); argument i is then the empty string. NULL when it shares
 * the argv's allocation: copy it. Lets a stored value take a big argument
 * without copying it. */
char *arg_take(struct call *k, int i, size_t *len);
/* The value at argument i when it holds type t; NULL when the key is
 * missing (or expired). A value of another type gets the WRONGTYPE reply
 * and sets *bad (else *bad is 0). for_write looks the key up as Redis's
 * lookupKeyWrite does: no keyspace hit or miss is counted. */
struct obj *arg_lookup(struct call *k, int i, enum obj_type t, int for_write, int *bad);
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

#endif
