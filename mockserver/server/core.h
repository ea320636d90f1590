/* core.h - the server state that commands work on, and the client record.
 *
 * Commands (cmd_*.c) see a struct core and the struct client that sent the
 * command; they append replies to client->out and never touch sockets. The
 * network side (net.c) owns the sockets, fills client->in, runs commands
 * through cmd_dispatch and writes client->out. That split lets unit tests
 * run commands on a client that has no socket at all.
 *
 * Depends on: the keyspace (db.h), buffers, the RESP parser, the clock and
 * the output-buffer limits (obuf.h); core.c also calls the registries it
 * owns and frees -- WATCH (watch.h), blocked clients (block.h), Pub/Sub
 * (pubsub.h), client tracking (tracking.h) -- and nothing of the command
 * layer (cmd.h): the per-command
 * counters are sized by cmd.c. */
#ifndef MOCKREDIS_CORE_H
#define MOCKREDIS_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "clock.h"
#include "db.h"
#include "obuf.h"
#include "resp.h"

struct srv;

/* Client flags. */
#define CL_CLOSE_AFTER_REPLY (1u << 0) /* stop reading; close once out is written */
#define CL_CLOSE_ASAP        (1u << 1) /* close now, drop pending output (CLIENT KILL) */
#define CL_MULTI             (1u << 2) /* inside MULTI: commands are queued */
#define CL_DIRTY_EXEC        (1u << 3) /* a queued command was rejected: EXEC aborts */
#define CL_UNIX              (1u << 4) /* connected over the Unix socket */
#define CL_DIRTY_CAS         (1u << 5) /* a watched key was touched: EXEC fails (watch.h) */
#define CL_BLOCKED           (1u << 6) /* waiting on keys (block.h): input waits */
#define CL_DENY_BLOCKING     (1u << 7) /* blocking commands answer at once (EXEC, internal) */
/* (MONITOR's two flags sit far from the others so that flags added in
 * parallel work cannot take the same bit unnoticed.) */
#define CL_MONITOR (1u << 20) /* ran MONITOR: sees every command (monitor.h) */
#define CL_SCRIPT  (1u << 21) /* the scripting engine's own client: "lua" to monitors */
/* its command waits for the end of a CLIENT PAUSE (pause.h), with CL_BLOCKED */
#define CL_POSTPONED (1u << 22)
/* CLIENT REPLY OFF; SKIP (this command's reply is dropped); SKIP_NEXT (the next one's) */
#define CL_REPLY_OFF       (1u << 23)
#define CL_REPLY_SKIP      (1u << 24)
#define CL_REPLY_SKIP_NEXT (1u << 25)
/* CLIENT NO-EVICT ON (flag e in CLIENT LIST) */
#define CL_NO_EVICT (1u << 26)
/* (bits 27 and 28: cluster mode's CL_ASKING and CL_READONLY, cluster.h) */

struct dict_entry;
struct cmd_def;
struct trk_client;
struct trk_reg;
struct evict_state;
struct obs;
struct lat;
struct cluster;

/* One key a client watches: its entry in core->watched (watch.c). */
struct watch_ref {
    struct dict_entry *ent;
    int expired; /* the key had already expired when it was watched */
};

struct client {
    uint64_t id;
    int fd;
    int conn_no; /* 1-based order of acceptance, for scenario rules ("conn N") */
    unsigned flags;
    int proto;                     /* 2 or 3 */
    int dbi;                       /* selected database */
    int authed;                    /* 1 when no password is needed or AUTH succeeded */
    char *name;                    /* CLIENT SETNAME, NULL when unset */
    char addr[64], laddr[64];      /* "ip:port" of the peer and of our side */
    int64_t ctime_ms, atime_ms;    /* connected at, last command at (server clock) */
    const struct cmd_def *lastcmd; /* the last command run, NULL before */

    struct buf in, out;
    /* Output the network side keeps outside out: replies held for latency
     * and the unwritten rest of a scenario job (plan.c). out.len +
     * out_held is what client-output-buffer-limit and CLIENT LIST's omem
     * count. */
    size_t out_held;
    struct resp_reqp rp;

    struct resp_argv **mq; /* commands queued by MULTI */
    int mq_len, mq_cap;
    struct watch_ref *watch; /* WATCHed keys */
    int nwatch, capwatch;
    struct block_state *blk; /* what it is blocked on (block.c), NULL when not */
    struct ps_client *ps;    /* its Pub/Sub subscriptions (pubsub.c), NULL: none yet */

    struct core *core;
    struct client *prev, *next; /* in core->clients */
    void *io;                   /* net.c and plan.c's private state */
    struct trk_client *trk;     /* its client tracking state (tracking.h), NULL: never tracked */
    /* The command waiting for a CLIENT PAUSE to end (pause.h), NULL: none,
     * and its arrival number. */
    struct resp_argv *postponed;
    uint64_t postponed_seq;
    /* Bytes of c->in the running command came from (CLIENT LIST's qbuf
     * counts them as Redis does): set by the network side. */
    size_t qbuf_running;
    /* The slow log entry of its blocking command, kept until it is served
     * (observe.h), NULL: none. */
    void *slow_pending;
};

/* Counters read by INFO, MOCK STATS and the harness. */
struct core_stats {
    uint64_t conn_received;     /* accepted, including the ones refused */
    uint64_t conn_refused;      /* refused: over maxclients, or denied by protected mode */
    uint64_t conn_full;         /* of those, refused over maxclients (or a "refuse" rule):
                                   Redis counts them as rejected, not as received */
    uint64_t conn_peak;         /* most clients connected at once */
    uint64_t commands;          /* commands processed */
    uint64_t proto_errors;      /* clients closed for a protocol error */
    uint64_t timeouts;          /* clients closed for idling past timeout */
    uint64_t obuf_closes;       /* clients closed over client-output-buffer-limit */
    uint64_t qbuf_closed;       /* clients closed over client-query-buffer-limit */
    uint64_t net_in, net_out;   /* bytes */
    uint64_t held_peak;         /* most of core->nheld at once */
    uint64_t held_clients_peak; /* most of core->nheld_clients at once */
    uint64_t scripts_run;       /* EVAL/EVALSHA (and _RO) that ran a script */
    uint64_t script_calls;      /* commands scripts ran through redis.call/pcall */
    uint64_t evicted;           /* keys evicted (maxmemory, or the scenario action `evict`) */
    uint64_t rdb_saves;         /* SAVE and BGSAVE done (INFO rdb_saves) */
    uint64_t reads, writes;     /* socket reads and flushes (total_reads/writes_processed) */
};

/* --enable-mock-commands: who may run the MOCK namespace (CMD_PROTECTED). */
enum core_mock_mode {
    CORE_MOCK_LOCAL, /* default: clients on a loopback address or the Unix socket */
    CORE_MOCK_YES,   /* every client */
    CORE_MOCK_NO,    /* nobody: the server cannot be steered over the network */
};

struct core_cfg {
    int maxclients;    /* default 10000 */
    int timeout;       /* idle seconds before closing a client, 0 = never */
    char *requirepass; /* NULL = none */
    char *bind;        /* "127.0.0.1" */
    int port;          /* 0 = ephemeral */
    char *unixsocket;  /* NULL = none */
    int hz;            /* background tasks per second, 10 */
    /* protected-mode (default 1): while no password is set, a TCP client
     * whose address is not exactly 127.0.0.1 or ::1 gets Redis's -DENIED
     * and is closed on accept (net.c). */
    int protected_mode;
    struct obuf_limit obuf[OBUF_CLASSES]; /* client-output-buffer-limit (obuf.h) */
    enum core_mock_mode mock;             /* who may run MOCK commands, CORE_MOCK_LOCAL */
    long long qbuf_limit;                 /* client-query-buffer-limit, 1 GiB */
    long long proto_max_bulk_len;         /* proto-max-bulk-len, 512 MiB */
    /* busy-reply-threshold (alias lua-time-limit), 5000: milliseconds of
     * real time a script runs before it is "busy" (script.h); 0: never. */
    long long busy_reply_threshold;
    /* slowlog-log-slower-than (10000 us, -1: off), slowlog-max-len (128),
     * latency-monitor-threshold (0 ms: off), latency-tracking (1): read
     * after every command (observe.h, latency.h). */
    long long slowlog_slower_than, slowlog_max_len, latency_threshold_ms;
    int latency_tracking;
    /* Values of CONFIG parameters that only CONFIG GET/SET see (save,
     * appendonly, tls-*, ...): nsoft slots, one per row of cmd_server.c's
     * parameter table, allocated by the first CONFIG SET of such a
     * parameter (NULL before); a NULL slot means the default. Owned here,
     * freed by core_destroy. */
    char **soft;
    size_t nsoft;
    /* notify-keyspace-events: the NOTIFY_* classes enabled (notify.h), 0
     * (the default): no keyspace event is published. */
    int notify_flags;
    /* requirepass's length: a password is binary-safe (NUL bytes too), as
     * in Redis. Set with core_set_requirepass, never apart from it. */
    size_t requirepass_len;
    /* 1 while no bind address was given (the server listens on bind,
     * 127.0.0.1): CONFIG GET bind answers Redis's default "* -::*". */
    int bind_default;
    /* maxmemory (bytes, 0: no limit) and the parameters of eviction
     * (evict.h): maxmemory-policy (enum evict_policy), maxmemory-samples,
     * maxmemory-eviction-tenacity (accepted, no effect: eviction always
     * completes), lfu-log-factor, lfu-decay-time. */
    long long maxmemory;
    int mm_policy, mm_samples, mm_tenacity, lfu_log_factor, lfu_decay_time;
    /* Set by a scenario's "maxmemory +SIZE": eviction leaves the clients'
     * memory out of used memory (Redis counts it), so that the data may
     * grow by SIZE however many clients connect. 0: as Redis. */
    int mm_data_only;
    long long tracking_max_keys; /* tracking-table-max-keys, 1000000; 0: no limit */
};

struct core {
    struct clk clock;
    struct db db[DB_COUNT];
    struct core_cfg cfg;
    struct core_stats st;
    /* Calls per command id: allocated by cmd.c at the first command (it
     * knows how many ids there are, cmd.h), ncmd_calls entries; zeroed by
     * core_reset_stats, freed by core_destroy. NULL before. */
    uint64_t *cmd_calls;
    size_t ncmd_calls;
    struct client *clients;
    size_t nclients;
    /* Output a scenario holds back now (replies waiting for their latency
     * or delay, plan.c), and the clients it belongs to. */
    size_t nheld, nheld_clients;
    uint64_t next_client_id;
    int64_t start_us; /* monotonic start, for uptime */
    int port_bound;   /* the TCP port actually bound */
    uint64_t rng;
    struct srv *srv; /* back pointer for the network side, may be NULL */
    /* The network client whose command (or scenario rule) is running, NULL
     * between commands: CLIENT KILL only flags it (CL_CLOSE_ASAP), its
     * caller closes it once the command is over. */
    struct client *running;
    struct dict *watched;              /* WATCH: "<db><key>" -> its watchers (watch.c) */
    struct watchers *watch_probe;      /* keys a running write command may change */
    struct block_reg *blocks;          /* clients blocked on keys (block.c), NULL: none yet */
    size_t nblocked, nblocked_timeout; /* blocked clients, those with a deadline */
    /* Called when a blocked client was served or timed out: its reply is
     * c->out[from..) (what is before it may be older output not written
     * yet) and its queued input may run (plan.c). */
    void (*on_unblock)(void *ud, struct client *c, size_t from);
    void *on_unblock_ud;
    /* Called when a command wrote to another client than the one running
     * (a published message): c->out grew from offset `from` on, and the
     * network side should send it once the command is over (plan.c).
     * It must not flush nor close c from inside the call. */
    void (*on_output)(void *ud, struct client *c, size_t from);
    void *on_output_ud;
    /* Called by EXEC for each command of its queue, in order, instead of
     * running it (plan.c: a scenario's rules act on a queued command there,
     * where it runs, not where it was queued). It appends exactly one reply
     * to c->out, that command's element of EXEC's array: the command's own
     * (it runs it with cmd_execute) or a scripted one. a stays EXEC's.
     * NULL: EXEC runs each command with cmd_execute. */
    void (*run_queued)(void *ud, struct client *c, struct resp_argv *a);
    void *run_queued_ud;
    /* Called by a script's redis.call/pcall (script.c) for each command
     * that passed the scripting checks, instead of running it (plan.c: a
     * scenario's rules act on it there, as on a command in EXEC). caller
     * is the client running the script, f the client the call runs on
     * (the engine's own), script the running script's digest (never
     * NULL: a function passes its name). It appends
     * exactly one reply to f->out: the command's own (run with
     * cmd_execute) or a scripted one. Returns 1 when the command ran, 0
     * when a rule answered instead. a stays the caller's. NULL: the
     * command just runs. */
    int (*run_scripted)(void *ud, struct client *caller, struct client *f, const char *script,
                        struct resp_argv *a);
    void *run_scripted_ud;
    struct ps_reg *pubsub; /* Pub/Sub registry (pubsub.c), NULL: none yet */
    int watch_hushed;      /* keyspace events are no change (watch_hush) */
    /* The scripting engine (script.c): created at the first script, freed
     * by core_destroy through scripts_free. NULL before. */
    void *scripts;
    void (*scripts_free)(void *scripts);
    /* The functions engine (function.c): libraries and their interpreter,
     * created at the first FUNCTION/FCALL, freed through functions_free. */
    void *functions;
    void (*functions_free)(void *functions);
    /* A script (CORE_BUSY_EVAL) or a function (CORE_BUSY_FUNCTION) has run
     * past busy-reply-threshold and is still running; 0 otherwise. While
     * it is set, cmd_dispatch answers -BUSY to every command not flagged
     * allow_busy (script.h has the whole story). */
    int busy;
    /* Called by the scripting engine, from inside the busy script, to
     * serve the network for a moment (net.c): accept, read and answer
     * other clients, write pending output; never caller's input or
     * output, never timers. Returns 1 when the server was asked to stop
     * (SHUTDOWN NOSAVE): the script must end at once. NULL without a
     * network side. */
    int (*serve_busy)(void *ud, struct client *caller);
    void *serve_busy_ud;
    struct trk_reg *tracking; /* client tracking registry (tracking.c), NULL: none yet */
    /* MONITOR (monitor.h): the monitors in the order they ran MONITOR. */
    struct client **monitors;
    size_t nmonitors, capmonitors;
    /* DEBUG SET-ACTIVE-EXPIRE 0: core_cron no longer expires keys in the
     * background (a key still expires when it is read), as in Redis. */
    int active_expire_off;
    /* Eviction (evict.c): its pool and next database, NULL before the
     * first eviction; and whether the running command started out of
     * memory (Redis's pre_command_oom_state: a script's redis.call of a
     * denyoom command then fails with -OOM until the script wrote). */
    struct evict_state *evict;
    int pre_cmd_oom;
    /* The slow log and the command and error counters (observe.c), NULL:
     * nothing recorded yet. */
    struct obs *obs;
    /* Latency histograms and events (latency.c), NULL: nothing recorded. */
    struct lat *latency;
    /* CLIENT PAUSE (pause.h): the mode (enum pause_mode) and its end on the
     * server clock; the postponed clients and the last arrival number. */
    /* Keyspace changes since the start or the last SAVE/BGSAVE (INFO
     * rdb_changes_since_last_save: one per keyspace event a command
     * reports), and when that save was, on the server clock (0: never, the
     * start counts). */
    uint64_t dirty;
    int64_t lastsave_ms;
    /* instantaneous_*: the last samples of the counters (observe.c). */
    struct obs_rate {
        int64_t at_us;
        uint64_t commands, net_in, net_out;
    } rate[17];
    int nrate, rate_next;
    int pause_mode;
    int64_t pause_end_ms;
    size_t npostponed;
    uint64_t postponed_seq;
    /* Keys evicted since the start, as st.evicted counts them but never
     * zeroed by CONFIG RESETSTAT (a scenario's "expect evictions"). */
    uint64_t evicted_ever;
    /* Cluster mode (cluster.h): the cluster this node belongs to and its
     * index there; NULL (and 0) for a standalone server. Not owned. */
    struct cluster *cluster;
    int cl_node;
    /* Cluster mode: whether ASKING was in force for the command running
     * (cluster_route consumed the client's flag before it ran); what its
     * script's redis.call sees, as Redis keeps the flag until the command
     * ends. */
    int cl_asking;
};

#define CORE_BUSY_EVAL     1
#define CORE_BUSY_FUNCTION 2

/* Sets requirepass to the len bytes at p (a copy, NUL-terminated; a NUL
 * inside counts as a byte); len 0 (or p NULL): no password. Clients keep
 * their authentication state. */
void core_set_requirepass(struct core *core, const char *p, size_t len);

/* Sets defaults and empty databases. */
void core_init(struct core *core);
void core_destroy(struct core *core);
int64_t core_now_ms(const struct core *core);

/* A client record not yet attached to any socket (fd -1). */
struct client *core_client_new(struct core *core);
/* Unlinks and frees a client record (the caller closed its socket). */
void core_client_free(struct client *c);
/* The database c has selected: c->dbi, always 0..DB_COUNT-1 (SELECT
 * refuses others). */
struct db *core_db(struct client *c);
/* 1 when c is local: connected over the Unix socket or from a loopback
 * address (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104), or an internal client
 * without a socket (scenario setup and actions); 0 otherwise. */
int core_client_local(const struct client *c);

/* Zeroes the counters (core->st, per-command calls, keyspace hits, misses
 * and expired keys), as CONFIG RESETSTAT and MOCK RESETSTATS do. The peaks
 * (connected clients, held output) restart at the current numbers. */
void core_reset_stats(struct core *core);

/* Runs periodic work: active expiry, blocked clients' timeouts. Called hz
 * times a second. */
void core_cron(struct core *core);

/* Installs the keyspace listener (db->on_change) while WATCH, a blocked
 * client or client tracking needs it, removes it otherwise. Called by
 * watch.c, block.c and tracking.c when their registries change. */
void core_listen_update(struct core *core);

#endif
