/* cmd_server.c - server commands: INFO CONFIG DBSIZE FLUSHDB FLUSHALL
 * COMMAND TIME LASTSAVE SAVE BGSAVE BGREWRITEAOF ROLE SLOWLOG SHUTDOWN.
 *
 * INFO prints Redis 7.0's sections in Redis's order ("# Name" headers,
 * "field:value" lines ending in CRLF, sections joined by an empty line) with
 * Redis's field names wherever mockredis has the figure; fields that only
 * make sense inside Redis (replication offsets, allocator details) are
 * plausible constants. The reply is a bulk string, verbatim "txt" in RESP3.
 *
 * CONFIG knows every parameter of Redis 7.0.15 (cfg_table, one row each,
 * aliases such as slaveof rows of their own sharing their primary's
 * value). Those the server acts on live in core->cfg (maxclients, timeout,
 * requirepass, hz, port, bind, protected-mode, client-output-buffer-limit,
 * whose syntax obuf.c knows, ...); the rest are only remembered for CONFIG
 * GET (core->cfg.soft), with Redis's defaults as a redis-server started
 * like mockredis would show them. Validation follows Redis's rules and
 * texts (integer ranges, memory units, percentages, enums, save,
 * oom-score-adj-values, shutdown flags, immutable and protected
 * parameters); a CONFIG SET with several pairs applies all or none, like
 * Redis. CONFIG GET answers in table order: Redis's is the order of a
 * hash table with a random seed, different at every start.
 *
 * COMMAND answers from the rows of the command table (cmd.h): COMMAND INFO
 * is redis-server 7.0.15's reply for every command Redis has (flags, key
 * positions, ACL categories, tips, key specs), COMMAND DOCS its structure
 * (since, group, complexity, argument tree; no "history"), with summaries in
 * our own words; redis-cli 7.0 builds its hints and HELP from the argument
 * trees. GETKEYS and GETKEYSANDFLAGS find keys from the key specs
 * (cmd_getkeys). The MOCK container is ours and listed like the rest.
 *
 * Not here: persistence (SAVE and BGSAVE only answer), replication, ACL,
 * LATENCY, MEMORY, MONITOR. DEBUG is cmd_debug.c's. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cluster.h"
#include "cmd.h"
#include "dict.h"
#include "evict.h"
#include "latency.h"
#include "mem.h"
#include "memory.h"
#include "notify.h"
#include "observe.h"
#include "pubsub.h"
#include "reply.h"
#include "function.h"
#include "script.h"
#include "server.h"
#include "tracking.h"
#include "util.h"
#include "version.h"

/* ---- small helpers ------------------------------------------------------------- */

static void reply_text(struct client *c, const struct buf *b)
{
    reply_verbatim(c, b->p ? b->p : "", b->len);
}

/* Redis's bytesToHuman: "1.64M", "0B". */
static void human_bytes(char *out, size_t size, unsigned long long n)
{
    double d = (double)n;
    if (n < 1024)
        snprintf(out, size, "%lluB", n);
    else if (n < 1024ULL * 1024)
        snprintf(out, size, "%.2fK", d / 1024);
    else if (n < 1024ULL * 1024 * 1024)
        snprintf(out, size, "%.2fM", d / (1024.0 * 1024));
    else
        snprintf(out, size, "%.2fG", d / (1024.0 * 1024 * 1024));
}

static const char *run_id(void)
{
    static char id[41];
    if (id[0] == '\0') {
        uint64_t x = (uint64_t)clk_mono_us() ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b97f4a7c15ULL;
        for (int i = 0; i < 40; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            id[i] = "0123456789abcdef"[x & 15];
        }
    }
    return id;
}

/* ---- CONFIG --------------------------------------------------------------------- */

/* K_MEM is an unsigned memory value; K_MEM_LL a signed one with a range. */
enum cfg_kind {
    K_INT,
    K_MEM,
    K_MEM_LL,
    K_MEM_PCT, /* maxmemory-clients: a memory value as K_MEM_LL, or "N%" (kept as -N) */
    K_BOOL,
    K_ENUM,
    K_STR,
    K_SAVE,
    K_IMMUTABLE,
    K_PROTECTED,
    K_OBUF,
    K_NOTIFY,
    K_MEM_ULL,  /* any memory value, shown unsigned (cluster-link-sendbuf-limit) */
    K_OOM,      /* oom-score-adj-values: three integers from -2000 to 2000 */
    K_SHUTDOWN, /* shutdown-on-sigint/sigterm: flags default save nosave now force */
    K_PCTS,     /* latency-tracking-info-percentiles: numbers 0..100 */
};
/* A check a few parameters add to their kind's. */
enum cfg_rule {
    R_NONE,
    R_NO_DEFRAG, /* yes refused: Debian's redis-server has no active defrag */
    R_TLS,       /* a TLS port or yes refused: no TLS is configured */
    R_HOSTNAME,  /* letters, digits, '-' and '.' only */
    R_TITLE,     /* proc-title-template: known {variables}, not blank */
    R_OOM_ADJ,   /* oom-score-adj: "relative" reads back as "yes", its synonym */
    R_BACKLOG,   /* repl-backlog-size: Redis raises a size under 16 kB to 16 kB */
};
enum cfg_core {
    C_NONE,
    C_MAXCLIENTS,
    C_TIMEOUT,
    C_REQUIREPASS,
    C_HZ,
    C_PORT,
    C_BIND,
    C_UNIXSOCKET,
    C_PROTECTED_MODE,
    C_OBUF,
    C_QBUF_LIMIT,
    C_PROTO_MAX_BULK,
    C_BUSY_THRESHOLD,
    C_NOTIFY,
    /* maxmemory and eviction (evict.h) */
    C_MAXMEMORY,
    C_MM_POLICY,
    C_MM_SAMPLES,
    C_MM_TENACITY,
    C_LFU_LOG,
    C_LFU_DECAY,
    C_MEMLIMIT, /* an encoding threshold of the memory model (memory.h: mem_limit_field) */
    C_TRACKING_MAX,
    /* read after every command (cmd.c): fields, not text */
    C_SLOWLOG_SLOWER,
    C_SLOWLOG_MAX,
    C_LATENCY_THRESHOLD,
    C_LATENCY_TRACKING,
    /* cluster mode (cluster.h): yes/no and the shared node timeout; a
     * standalone server keeps Redis's defaults as soft values */
    C_CLUSTER_ENABLED,
    C_CLUSTER_NODE_TIMEOUT
};

struct cfg_param {
    const char *name;
    enum cfg_kind kind;
    enum cfg_core field; /* where the server keeps it, or C_NONE: core->cfg.soft */
    long long min, max;  /* K_INT, K_MEM_LL */
    const char *enums;   /* K_ENUM: "a, b, c" as Redis lists them */
    const char *def;     /* default of a soft parameter */
    /* An alias (slaveof, ...): its own row, so CONFIG GET names it as
     * asked, sharing the soft value of the row named here. */
    const char *alias_of;
    enum cfg_rule rule;
};

/* A row names its leading fields; alias_of and rule, when left out, are
 * none (most rows), which the compiler must not warn about. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct cfg_param cfg_table[] = {
    {"maxclients", K_INT, C_MAXCLIENTS, 1, 4294967295LL, NULL, NULL},
    {"timeout", K_INT, C_TIMEOUT, 0, INT_MAX, NULL, NULL},
    {"requirepass", K_STR, C_REQUIREPASS, 0, 0, NULL, NULL},
    {"hz", K_INT, C_HZ, 0, INT_MAX, NULL, NULL},
    {"client-output-buffer-limit", K_OBUF, C_OBUF, 0, 0, NULL, NULL},
    {"port", K_INT, C_PORT, 0, 65535, NULL, NULL},
    {"bind", K_STR, C_BIND, 0, 0, NULL, NULL},
    {"unixsocket", K_IMMUTABLE, C_UNIXSOCKET, 0, 0, NULL, NULL},
    {"client-query-buffer-limit", K_MEM_LL, C_QBUF_LIMIT, 1024 * 1024, LLONG_MAX, NULL, NULL},
    {"proto-max-bulk-len", K_MEM_LL, C_PROTO_MAX_BULK, 1024 * 1024, LLONG_MAX, NULL, NULL},
    /* Two rows, one value: Redis lists the alias as a parameter of its own. */
    {"busy-reply-threshold", K_INT, C_BUSY_THRESHOLD, 0, LLONG_MAX, NULL, NULL},
    {"lua-time-limit", K_INT, C_BUSY_THRESHOLD, 0, LLONG_MAX, NULL, NULL},
    {"save", K_SAVE, C_NONE, 0, 0, NULL, "3600 1 300 100 60 10000"},
    {"appendonly", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"appendfsync", K_ENUM, C_NONE, 0, 0, "everysec, always, no", "everysec"},
    {"maxmemory", K_MEM, C_MAXMEMORY, 0, LLONG_MAX, NULL, NULL},
    {"maxmemory-policy", K_ENUM, C_MM_POLICY, 0, 0,
     "volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, "
     "allkeys-random, noeviction",
     NULL},
    {"maxmemory-samples", K_INT, C_MM_SAMPLES, 1, INT_MAX, NULL, NULL},
    {"maxmemory-eviction-tenacity", K_INT, C_MM_TENACITY, 0, 100, NULL, NULL},
    {"lfu-log-factor", K_INT, C_LFU_LOG, 0, INT_MAX, NULL, NULL},
    {"lfu-decay-time", K_INT, C_LFU_DECAY, 0, INT_MAX, NULL, NULL},
    {"maxmemory-clients", K_MEM_PCT, C_NONE, -100, LLONG_MAX, NULL, "0"},
    {"loglevel", K_ENUM, C_NONE, 0, 0, "debug, verbose, notice, warning", "notice"},
    {"tcp-keepalive", K_INT, C_NONE, 0, INT_MAX, NULL, "300"},
    {"protected-mode", K_BOOL, C_PROTECTED_MODE, 0, 0, NULL, NULL},
    {"slowlog-log-slower-than", K_INT, C_SLOWLOG_SLOWER, -1, LLONG_MAX, NULL, NULL},
    {"slowlog-max-len", K_INT, C_SLOWLOG_MAX, 0, LONG_MAX, NULL, NULL},
    {"lazyfree-lazy-user-flush", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"databases", K_IMMUTABLE, C_NONE, 0, 0, NULL, "16"},
    {"daemonize", K_IMMUTABLE, C_NONE, 0, 0, NULL, "no"},
    {"logfile", K_IMMUTABLE, C_NONE, 0, 0, NULL, ""},
    {"io-threads", K_IMMUTABLE, C_NONE, 0, 0, NULL, "1"},
    {"dbfilename", K_PROTECTED, C_NONE, 0, 0, NULL, "dump.rdb"},
    {"dir", K_PROTECTED, C_NONE, 0, 0, NULL, NULL}, /* the working directory */
    {"notify-keyspace-events", K_NOTIFY, C_NOTIFY, 0, 0, NULL, NULL},
    /* The parameters mockredis accepts and remembers without acting on
     * them (Redis 7.0.15's names, ranges and defaults; the ranges of its
     * integer types: INT_MAX for int, LONG_MAX for long and size_t). */
    {"acl-pubsub-default", K_ENUM, C_NONE, 0, 0, "allchannels, resetchannels", "resetchannels"},
    {"aclfile", K_IMMUTABLE, C_NONE, 0, 0, NULL, ""},
    {"acllog-max-len", K_INT, C_NONE, 0, LONG_MAX, NULL, "128"},
    {"active-defrag-cycle-max", K_INT, C_NONE, 1, 99, NULL, "25"},
    {"active-defrag-cycle-min", K_INT, C_NONE, 1, 99, NULL, "1"},
    {"active-defrag-ignore-bytes", K_MEM_LL, C_NONE, 1, LLONG_MAX, NULL, "104857600"},
    {"active-defrag-max-scan-fields", K_INT, C_NONE, 1, LONG_MAX, NULL, "1000"},
    {"active-defrag-threshold-lower", K_INT, C_NONE, 0, 1000, NULL, "10"},
    {"active-defrag-threshold-upper", K_INT, C_NONE, 0, 1000, NULL, "100"},
    {"active-expire-effort", K_INT, C_NONE, 1, 10, NULL, "1"},
    {"activedefrag", K_BOOL, C_NONE, 0, 0, NULL, "no", NULL, R_NO_DEFRAG},
    {"activerehashing", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"always-show-logo", K_IMMUTABLE, C_NONE, 0, 0, NULL, "no"},
    {"aof-disable-auto-gc", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"aof-load-truncated", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"aof-rewrite-incremental-fsync", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"aof-timestamp-enabled", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"aof-use-rdb-preamble", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"aof_rewrite_cpulist", K_IMMUTABLE, C_NONE, 0, 0, NULL, ""},
    {"appenddirname", K_IMMUTABLE, C_NONE, 0, 0, NULL, "appendonlydir"},
    {"appendfilename", K_IMMUTABLE, C_NONE, 0, 0, NULL, "appendonly.aof"},
    {"auto-aof-rewrite-min-size", K_MEM_LL, C_NONE, 0, LLONG_MAX, NULL, "67108864"},
    {"auto-aof-rewrite-percentage", K_INT, C_NONE, 0, INT_MAX, NULL, "100"},
    {"bgsave_cpulist", K_IMMUTABLE, C_NONE, 0, 0, NULL, ""},
    {"bind-source-addr", K_STR, C_NONE, 0, 0, NULL, ""},
    {"bio_cpulist", K_IMMUTABLE, C_NONE, 0, 0, NULL, ""},
    {"cluster-allow-pubsubshard-when-down", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"cluster-allow-reads-when-down", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"cluster-allow-replica-migration", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"cluster-announce-bus-port", K_INT, C_NONE, 0, 65535, NULL, "0"},
    {"cluster-announce-hostname", K_STR, C_NONE, 0, 0, NULL, "", NULL, R_HOSTNAME},
    {"cluster-announce-ip", K_STR, C_NONE, 0, 0, NULL, ""},
    {"cluster-announce-port", K_INT, C_NONE, 0, 65535, NULL, "0"},
    {"cluster-announce-tls-port", K_INT, C_NONE, 0, 65535, NULL, "0"},
    {"cluster-config-file", K_IMMUTABLE, C_NONE, 0, 0, NULL, "nodes.conf"},
    {"cluster-enabled", K_IMMUTABLE, C_CLUSTER_ENABLED, 0, 0, NULL, "no"},
    {"cluster-link-sendbuf-limit", K_MEM_ULL, C_NONE, 0, 0, NULL, "0"},
    {"cluster-migration-barrier", K_INT, C_NONE, 0, INT_MAX, NULL, "1"},
    {"cluster-node-timeout", K_INT, C_CLUSTER_NODE_TIMEOUT, 0, LLONG_MAX, NULL, "15000"},
    {"cluster-port", K_IMMUTABLE, C_NONE, 0, 0, NULL, "0"},
    {"cluster-preferred-endpoint-type", K_ENUM, C_NONE, 0, 0, "ip, hostname, unknown-endpoint",
     "ip"},
    {"cluster-replica-no-failover", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"cluster-slave-no-failover", K_BOOL, C_NONE, 0, 0, NULL, "no", "cluster-replica-no-failover"},
    {"cluster-replica-validity-factor", K_INT, C_NONE, 0, INT_MAX, NULL, "10"},
    {"cluster-slave-validity-factor", K_INT, C_NONE, 0, INT_MAX, NULL, "10",
     "cluster-replica-validity-factor"},
    {"cluster-require-full-coverage", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"crash-log-enabled", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"crash-memcheck-enabled", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"disable-thp", K_IMMUTABLE, C_NONE, 0, 0, NULL, "yes"},
    {"dynamic-hz", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    /* DEBUG is always enabled in mockredis (docs/protocol.md). */
    {"enable-debug-command", K_IMMUTABLE, C_NONE, 0, 0, NULL, "yes"},
    {"enable-module-command", K_IMMUTABLE, C_NONE, 0, 0, NULL, "no"},
    {"enable-protected-configs", K_IMMUTABLE, C_NONE, 0, 0, NULL, "no"},
    {"hll-sparse-max-bytes", K_MEM_LL, C_NONE, 0, LONG_MAX, NULL, "3000"},
    {"ignore-warnings", K_STR, C_NONE, 0, 0, NULL, ""},
    {"io-threads-do-reads", K_IMMUTABLE, C_NONE, 0, 0, NULL, "no"},
    {"jemalloc-bg-thread", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"lazyfree-lazy-eviction", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"lazyfree-lazy-expire", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"lazyfree-lazy-server-del", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"lazyfree-lazy-user-del", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"masterauth", K_STR, C_NONE, 0, 0, NULL, ""},
    {"masteruser", K_STR, C_NONE, 0, 0, NULL, ""},
    {"min-replicas-max-lag", K_INT, C_NONE, 0, INT_MAX, NULL, "10"},
    {"min-slaves-max-lag", K_INT, C_NONE, 0, INT_MAX, NULL, "10", "min-replicas-max-lag"},
    {"min-replicas-to-write", K_INT, C_NONE, 0, INT_MAX, NULL, "0"},
    {"min-slaves-to-write", K_INT, C_NONE, 0, INT_MAX, NULL, "0", "min-replicas-to-write"},
    {"no-appendfsync-on-rewrite", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"oom-score-adj", K_ENUM, C_NONE, 0, 0, "no, yes, relative, absolute", "no", NULL, R_OOM_ADJ},
    {"oom-score-adj-values", K_OOM, C_NONE, 0, 0, NULL, "0 200 800"},
    {"pidfile", K_IMMUTABLE, C_NONE, 0, 0, NULL, ""}, /* mockredis writes none */
    {"proc-title-template", K_STR, C_NONE, 0, 0, NULL, "{title} {listen-addr} {server-mode}", NULL,
     R_TITLE},
    {"propagation-error-behavior", K_ENUM, C_NONE, 0, 0, "ignore, panic, panic-on-replicas",
     "ignore"},
    {"rdb-del-sync-files", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"rdb-save-incremental-fsync", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"rdbchecksum", K_IMMUTABLE, C_NONE, 0, 0, NULL, "yes"},
    {"rdbcompression", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"repl-backlog-size", K_MEM_LL, C_NONE, 1, LLONG_MAX, NULL, "1048576", NULL, R_BACKLOG},
    {"repl-backlog-ttl", K_INT, C_NONE, 0, LONG_MAX, NULL, "3600"},
    {"repl-disable-tcp-nodelay", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"repl-diskless-load", K_ENUM, C_NONE, 0, 0, "disabled, on-empty-db, swapdb", "disabled"},
    {"repl-diskless-sync", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"repl-diskless-sync-delay", K_INT, C_NONE, 0, INT_MAX, NULL, "5"},
    {"repl-diskless-sync-max-replicas", K_INT, C_NONE, 0, INT_MAX, NULL, "0"},
    {"repl-ping-replica-period", K_INT, C_NONE, 1, INT_MAX, NULL, "10"},
    {"repl-ping-slave-period", K_INT, C_NONE, 1, INT_MAX, NULL, "10", "repl-ping-replica-period"},
    {"repl-timeout", K_INT, C_NONE, 1, INT_MAX, NULL, "60"},
    {"replica-announce-ip", K_STR, C_NONE, 0, 0, NULL, ""},
    {"slave-announce-ip", K_STR, C_NONE, 0, 0, NULL, "", "replica-announce-ip"},
    {"replica-announce-port", K_INT, C_NONE, 0, 65535, NULL, "0"},
    {"slave-announce-port", K_INT, C_NONE, 0, 65535, NULL, "0", "replica-announce-port"},
    {"replica-announced", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"replica-ignore-disk-write-errors", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"replica-ignore-maxmemory", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"slave-ignore-maxmemory", K_BOOL, C_NONE, 0, 0, NULL, "yes", "replica-ignore-maxmemory"},
    {"replica-lazy-flush", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"slave-lazy-flush", K_BOOL, C_NONE, 0, 0, NULL, "no", "replica-lazy-flush"},
    {"replica-priority", K_INT, C_NONE, 0, INT_MAX, NULL, "100"},
    {"slave-priority", K_INT, C_NONE, 0, INT_MAX, NULL, "100", "replica-priority"},
    {"replica-read-only", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"slave-read-only", K_BOOL, C_NONE, 0, 0, NULL, "yes", "replica-read-only"},
    {"replica-serve-stale-data", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"slave-serve-stale-data", K_BOOL, C_NONE, 0, 0, NULL, "yes", "replica-serve-stale-data"},
    {"replicaof", K_IMMUTABLE, C_NONE, 0, 0, NULL, ""},
    {"slaveof", K_IMMUTABLE, C_NONE, 0, 0, NULL, "", "replicaof"},
    {"sanitize-dump-payload", K_ENUM, C_NONE, 0, 0, "no, yes, clients", "no"},
    {"server_cpulist", K_IMMUTABLE, C_NONE, 0, 0, NULL, ""},
    {"set-proc-title", K_IMMUTABLE, C_NONE, 0, 0, NULL, "yes"},
    {"shutdown-on-sigint", K_SHUTDOWN, C_NONE, 0, 0, "default, save, nosave, now, force",
     "default"},
    {"shutdown-on-sigterm", K_SHUTDOWN, C_NONE, 0, 0, "default, save, nosave, now, force",
     "default"},
    {"shutdown-timeout", K_INT, C_NONE, 0, INT_MAX, NULL, "10"},
    {"socket-mark-id", K_IMMUTABLE, C_NONE, 0, 0, NULL, "0"},
    {"stop-writes-on-bgsave-error", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"stream-node-max-bytes", K_MEM_LL, C_NONE, 0, LONG_MAX, NULL, "4096"},
    {"stream-node-max-entries", K_INT, C_NONE, 0, LLONG_MAX, NULL, "100"},
    {"supervised", K_IMMUTABLE, C_NONE, 0, 0, NULL, "no"},
    {"syslog-enabled", K_IMMUTABLE, C_NONE, 0, 0, NULL, "no"},
    {"syslog-facility", K_IMMUTABLE, C_NONE, 0, 0, NULL, "local0"},
    {"syslog-ident", K_IMMUTABLE, C_NONE, 0, 0, NULL, "redis"},
    {"tcp-backlog", K_IMMUTABLE, C_NONE, 0, 0, NULL, "511"},
    {"tls-auth-clients", K_ENUM, C_NONE, 0, 0, "no, yes, optional", "yes"},
    {"tls-ca-cert-dir", K_STR, C_NONE, 0, 0, NULL, ""},
    {"tls-ca-cert-file", K_STR, C_NONE, 0, 0, NULL, ""},
    {"tls-cert-file", K_STR, C_NONE, 0, 0, NULL, ""},
    {"tls-ciphers", K_STR, C_NONE, 0, 0, NULL, ""},
    {"tls-ciphersuites", K_STR, C_NONE, 0, 0, NULL, ""},
    {"tls-client-cert-file", K_STR, C_NONE, 0, 0, NULL, ""},
    {"tls-client-key-file", K_STR, C_NONE, 0, 0, NULL, ""},
    {"tls-client-key-file-pass", K_STR, C_NONE, 0, 0, NULL, ""},
    {"tls-cluster", K_BOOL, C_NONE, 0, 0, NULL, "no", NULL, R_TLS},
    {"tls-dh-params-file", K_STR, C_NONE, 0, 0, NULL, ""},
    {"tls-key-file", K_STR, C_NONE, 0, 0, NULL, ""},
    {"tls-key-file-pass", K_STR, C_NONE, 0, 0, NULL, ""},
    {"tls-port", K_INT, C_NONE, 0, 65535, NULL, "0", NULL, R_TLS},
    {"tls-prefer-server-ciphers", K_BOOL, C_NONE, 0, 0, NULL, "no"},
    {"tls-protocols", K_STR, C_NONE, 0, 0, NULL, ""},
    {"tls-replication", K_BOOL, C_NONE, 0, 0, NULL, "no", NULL, R_TLS},
    {"tls-session-cache-size", K_INT, C_NONE, 0, INT_MAX, NULL, "20480"},
    {"tls-session-cache-timeout", K_INT, C_NONE, 0, INT_MAX, NULL, "300"},
    {"tls-session-caching", K_BOOL, C_NONE, 0, 0, NULL, "yes"},
    {"tracking-table-max-keys", K_INT, C_TRACKING_MAX, 0, LONG_MAX, NULL, NULL},
    {"unixsocketperm", K_IMMUTABLE, C_NONE, 0, 0, NULL, "0"},
    /* The encoding thresholds (memory.h), with their ziplist aliases. */
    {"hash-max-listpack-entries", K_INT, C_MEMLIMIT, 0, LONG_MAX, NULL, NULL},
    {"hash-max-ziplist-entries", K_INT, C_MEMLIMIT, 0, LONG_MAX, NULL, NULL},
    {"hash-max-listpack-value", K_MEM, C_MEMLIMIT, 0, LONG_MAX, NULL, NULL},
    {"hash-max-ziplist-value", K_MEM, C_MEMLIMIT, 0, LONG_MAX, NULL, NULL},
    {"zset-max-listpack-entries", K_INT, C_MEMLIMIT, 0, LONG_MAX, NULL, NULL},
    {"zset-max-ziplist-entries", K_INT, C_MEMLIMIT, 0, LONG_MAX, NULL, NULL},
    {"zset-max-listpack-value", K_MEM, C_MEMLIMIT, 0, LONG_MAX, NULL, NULL},
    {"zset-max-ziplist-value", K_MEM, C_MEMLIMIT, 0, LONG_MAX, NULL, NULL},
    {"set-max-intset-entries", K_INT, C_MEMLIMIT, 0, LONG_MAX, NULL, NULL},
    {"list-max-listpack-size", K_INT, C_MEMLIMIT, INT_MIN, INT_MAX, NULL, NULL},
    {"list-max-ziplist-size", K_INT, C_MEMLIMIT, INT_MIN, INT_MAX, NULL, NULL},
    {"list-compress-depth", K_INT, C_MEMLIMIT, 0, INT_MAX, NULL, NULL},
    {"latency-monitor-threshold", K_INT, C_LATENCY_THRESHOLD, 0, LLONG_MAX, NULL, NULL},
    {"latency-tracking", K_BOOL, C_LATENCY_TRACKING, 0, 0, NULL, NULL},
    {"latency-tracking-info-percentiles", K_PCTS, C_NONE, 0, 0, NULL, "50 99 99.9"},
};
#pragma GCC diagnostic pop
#define NCFG ((int)(sizeof(cfg_table) / sizeof(cfg_table[0])))

static int cfg_find(const char *name)
{
    for (int i = 0; i < NCFG; i++)
        if (!strcasecmp(cfg_table[i].name, name))
            return i;
    return -1;
}

/* The soft slot of row i: its own, or for an alias its primary's. */
static int cfg_slot(int i)
{
    int j = cfg_table[i].alias_of ? cfg_find(cfg_table[i].alias_of) : -1;
    return j >= 0 ? j : i;
}

/* The current value of parameter i as text, in out. */
static void cfg_value(const struct core *core, int i, char *out, size_t size)
{
    const struct cfg_param *p = &cfg_table[i];
    const struct core_cfg *cfg = &core->cfg;
    switch (p->field) {
    case C_MAXCLIENTS: snprintf(out, size, "%d", cfg->maxclients); return;
    case C_TIMEOUT: snprintf(out, size, "%d", cfg->timeout); return;
    case C_REQUIREPASS: snprintf(out, size, "%s", cfg->requirepass ? cfg->requirepass : ""); return;
    case C_HZ: snprintf(out, size, "%d", cfg->hz); return;
    case C_PORT: snprintf(out, size, "%d", core->port_bound ? core->port_bound : cfg->port); return;
    case C_BIND: /* no --bind: what Redis shows for its default */
        snprintf(out, size, "%s", cfg->bind_default ? "* -::*" : cfg->bind ? cfg->bind : "");
        return;
    case C_UNIXSOCKET: snprintf(out, size, "%s", cfg->unixsocket ? cfg->unixsocket : ""); return;
    case C_PROTECTED_MODE: snprintf(out, size, "%s", cfg->protected_mode ? "yes" : "no"); return;
    case C_OBUF: obuf_format(cfg->obuf, out, size); return;
    case C_QBUF_LIMIT: snprintf(out, size, "%lld", cfg->qbuf_limit); return;
    case C_PROTO_MAX_BULK: snprintf(out, size, "%lld", cfg->proto_max_bulk_len); return;
    case C_BUSY_THRESHOLD: snprintf(out, size, "%lld", cfg->busy_reply_threshold); return;
    case C_SLOWLOG_SLOWER: snprintf(out, size, "%lld", cfg->slowlog_slower_than); return;
    case C_SLOWLOG_MAX: snprintf(out, size, "%lld", cfg->slowlog_max_len); return;
    case C_LATENCY_THRESHOLD: snprintf(out, size, "%lld", cfg->latency_threshold_ms); return;
    case C_LATENCY_TRACKING:
        snprintf(out, size, "%s", cfg->latency_tracking ? "yes" : "no");
        return;
    case C_NOTIFY: notify_flags_string(cfg->notify_flags, out, size); return;
    case C_MAXMEMORY: snprintf(out, size, "%lld", cfg->maxmemory); return;
    case C_MM_POLICY: snprintf(out, size, "%s", evict_policy_names[cfg->mm_policy]); return;
    case C_MM_SAMPLES: snprintf(out, size, "%d", cfg->mm_samples); return;
    case C_MM_TENACITY: snprintf(out, size, "%d", cfg->mm_tenacity); return;
    case C_LFU_LOG: snprintf(out, size, "%d", cfg->lfu_log_factor); return;
    case C_LFU_DECAY: snprintf(out, size, "%d", cfg->lfu_decay_time); return;
    case C_MEMLIMIT: snprintf(out, size, "%lld", *mem_limit_field(p->name)); return;
    case C_TRACKING_MAX: snprintf(out, size, "%lld", cfg->tracking_max_keys); return;
    case C_CLUSTER_ENABLED:
        if (core->cluster) {
            snprintf(out, size, "%s", "yes");
            return;
        }
        break;
    case C_CLUSTER_NODE_TIMEOUT:
        if (core->cluster) {
            snprintf(out, size, "%lld", core->cluster->node_timeout_ms);
            return;
        }
        break;
    case C_NONE: break;
    }
    int slot = cfg_slot(i);
    if (cfg->soft && cfg->soft[slot]) {
        snprintf(out, size, "%s", cfg->soft[slot]);
    } else if (p->def) {
        snprintf(out, size, "%s", p->def);
    } else if (getcwd(out, size) == NULL) {
        snprintf(out, size, "%s", "/");
    }
}

/* Redis's memtoull: digits with an optional unit b k kb m mb g gb. */
static int parse_mem(const char *s, long long *out)
{
    size_t n = strlen(s), digits = 0;
    while (digits < n && isdigit((unsigned char)s[digits]))
        digits++;
    const char *u = s + digits;
    unsigned long long umul;
    if (!util_mem_unit(u, &umul))
        return 0;
    long long mul = (long long)umul, v;
    if (digits == 0 || !util_str2ll(s, digits, &v) || v > LLONG_MAX / mul)
        return 0;
    *out = v * mul;
    return 1;
}

/* Redis 7.0's reading of a signed memory parameter: digits (none read as
 * 0, too many saturate), then an optional unit as in parse_mem; the
 * product wraps at 64 bits, and the range check sees it as signed, so
 * "9007199254740992kb" is out of range and "20000000000gb" is a (wrapped)
 * value. Returns 0 when the text is no memory value. */
static int parse_mem_ll(const char *s, long long *out)
{
    size_t digits = strspn(s, "0123456789");
    unsigned long long v = 0, mul;
    if (digits >= 128) /* Redis copies the digits into a 128-byte buffer */
        return 0;
    for (size_t i = 0; i < digits; i++)
        v = v > (ULLONG_MAX - 9) / 10 ? ULLONG_MAX : v * 10 + (unsigned long long)(s[i] - '0');
    const char *u = s + digits;
    if (!util_mem_unit(u, &mul))
        return 0;
    *out = (long long)(v * mul);
    return 1;
}

/* Redis's save syntax: words split at each single space, an even number
 * of them, pairs "seconds changes" (seconds >= 1, changes >= 0) read as
 * strtoll reads them ("" is no pair). norm gets Redis's reading back:
 * seconds as read, changes as a C int. Returns 0 when invalid. */
static int save_check(const char *v, char *norm, size_t size)
{
    size_t off = 0;
    norm[0] = '\0';
    if (*v == '\0')
        return 1;
    int nwords = 0;
    long long secs = 0;
    for (const char *w = v;; w++) {
        size_t l = strcspn(w, " ");
        char word[64], *end;
        if (l >= sizeof(word))
            return 0;
        memcpy(word, w, l);
        word[l] = '\0';
        long long x = strtoll(word, &end, 10);
        if (*end != '\0' || x < (nwords % 2 == 0 ? 1 : 0))
            return 0;
        if (nwords % 2 == 0) {
            secs = x;
        } else {
            int n = snprintf(norm + off, size - off, "%s%lld %d", off ? " " : "", secs, (int)x);
            off += n > 0 && (size_t)n < size - off ? (size_t)n : 0;
        }
        nwords++;
        w += l;
        if (*w == '\0')
            break;
    }
    return nwords % 2 == 0;
}

/* oom-score-adj-values: exactly three words (single spaces), integers
 * from -2000 to 2000 as strtoll reads them; norm gets them back. */
static const char *oom_check(const char *v, char *norm, size_t size)
{
    int words = 1;
    for (const char *c = v; *c; c++)
        words += *c == ' ';
    if (words != 3) /* Redis's "wrong number of arguments", the text of RT_LUA_NARGS */
        return rtext[RT_LUA_NARGS];
    long long x[3];
    const char *w = v;
    for (int n = 0; n < 3; n++) {
        size_t l = strcspn(w, " ");
        char word[64], *end;
        if (l >= sizeof(word))
            return rtext[RT_CFG_OOM_VALUES];
        memcpy(word, w, l);
        word[l] = '\0';
        x[n] = strtoll(word, &end, 10);
        if (*end != '\0' || x[n] < -2000 || x[n] > 2000)
            return rtext[RT_CFG_OOM_VALUES];
        w += l + (w[l] != '\0');
    }
    snprintf(norm, size, "%lld %lld %lld", x[0], x[1], x[2]);
    return NULL;
}

/* shutdown-on-sig*: words of the enum (single spaces, case ignored), save
 * and nosave not together; norm lists the flags set in the enum's order,
 * "default" when none. */
static const char *shutdown_check(const struct cfg_param *p, const char *v, char *norm, size_t size,
                                  char *why, size_t wsize)
{
    static const char *const names[] = {"default", "save", "nosave", "now", "force"};
    unsigned flags = 0;
    for (const char *w = v;; w++) {
        size_t l = strcspn(w, " ");
        int k = -1;
        for (int j = 0; j < 5; j++)
            if (strlen(names[j]) == l && !strncasecmp(names[j], w, l))
                k = j;
        if (k < 0) {
            snprintf(why, wsize, rtext[RT_CFG_ENUM_FMT], p->enums);
            return why;
        }
        flags |= k ? 1u << k : 0;
        w += l;
        if (*w == '\0')
            break;
    }
    if ((flags & 2u) && (flags & 4u))
        return rtext[RT_CFG_SHUTDOWN_SAVE];
    size_t off = 0;
    norm[0] = '\0';
    for (int j = 1; j < 5; j++) {
        if (flags & (1u << j)) {
            int n = snprintf(norm + off, size - off, "%s%s", off ? " " : "", names[j]);
            off += n > 0 && (size_t)n < size - off ? (size_t)n : 0;
        }
    }
    if (flags == 0)
        snprintf(norm, size, "%s", "default");
    return NULL;
}

/* proc-title-template as Redis checks it: {name} among the variables
 * Redis knows ({{ and }} stand for braces), and not blank once expanded
 * ({title} expands to nothing then, listen-addr, port and tls-port to
 * something, the others to nothing here). */
static int title_valid(const char *v)
{
    static const char *const vars[] = {"title",    "listen-addr", "server-mode", "port",
                                       "tls-port", "unixsocket",  "config-file"};
    int visible = 0;
    for (const char *c = v; *c; c++) {
        if ((c[0] == '{' && c[1] == '{') || (c[0] == '}' && c[1] == '}')) {
            visible = 1;
            c++;
        } else if (c[0] == '{') {
            const char *end = strchr(c, '}');
            if (end == NULL)
                return 0;
            size_t l = (size_t)(end - c - 1);
            int k = -1;
            for (int j = 0; j < 7; j++)
                if (strlen(vars[j]) == l && !strncmp(vars[j], c + 1, l))
                    k = j;
            if (k < 0)
                return 0;
            visible |= k == 1 || k == 3 || k == 4;
            c = end;
        } else if (*c != ' ') {
            visible = 1;
        }
    }
    return visible;
}

/* The extra check of a row's enum cfg_rule, on a value its kind accepted
 * (normalized in norm). NULL, or the reason. */
static const char *rule_check(enum cfg_rule rule, const char *norm)
{
    switch (rule) {
    case R_NONE:
    case R_TLS:
    case R_OOM_ADJ:
    case R_BACKLOG: return NULL;
    case R_NO_DEFRAG: return strcmp(norm, "yes") ? NULL : rtext[RT_CFG_NO_DEFRAG];
    case R_HOSTNAME:
        if (strlen(norm) >= 256)
            return rtext[RT_CFG_HOSTNAME_LEN];
        for (const char *c = norm; *c; c++)
            if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.')
                return rtext[RT_CFG_HOSTNAME];
        return NULL;
    case R_TITLE: return title_valid(norm) ? NULL : rtext[RT_CFG_TITLE];
    }
    return NULL;
}

/* latency-tracking-info-percentiles: numbers separated by spaces, each
 * from 0 to 100. Returns how many (at most max kept), -1 when one is no
 * number, -2 when one is out of range. */
#define CFG_PCTS_MAX 64
static int parse_pcts(const char *v, double *out, int max)
{
    struct resp_argv *a = resp_split_args(v, strlen(v));
    if (a == NULL)
        return -1;
    int n = 0, r = 0;
    for (int i = 0; i < a->argc && r == 0; i++) {
        char *end;
        double d = strtod(a->argv[i], &end);
        if (a->argl[i] == 0 || *end != '\0' || d != d)
            r = -1;
        else if (d < 0.0 || d > 100.0)
            r = -2;
        else if (n < max)
            out[n++] = d;
    }
    resp_argv_free(a);
    return r < 0 ? r : n;
}

/* Checks value for parameter i. Returns NULL when it is acceptable (the
 * normalized text in norm), else the reason, a printf format of rtext. */
static const char *cfg_check_kind(const struct core *core, int i, const char *v, char *norm,
                                  size_t size, char *why, size_t wsize)
{
    const struct cfg_param *p = &cfg_table[i];
    long long n;
    snprintf(norm, size, "%s", v);
    switch (p->kind) {
    case K_INT:
        if (!util_str2ll(v, strlen(v), &n))
            return rtext[RT_CFG_NOTINT];
        if (n < p->min || n > p->max) {
            snprintf(why, wsize, rtext[RT_CFG_RANGE_FMT], p->min, p->max);
            return why;
        }
        return NULL;
    case K_MEM:
        if (!parse_mem(v, &n))
            return rtext[RT_CFG_MEMORY];
        snprintf(norm, size, "%lld", n);
        return NULL;
    case K_MEM_LL:
        if (!parse_mem_ll(v, &n))
            return rtext[RT_CFG_MEMORY];
        if (n < p->min || n > p->max) {
            snprintf(why, wsize, rtext[RT_CFG_RANGE_FMT], p->min, p->max);
            return why;
        }
        snprintf(norm, size, "%lld", n);
        return NULL;
    case K_MEM_PCT: {
        /* As Redis 7.0: "N%" (N a plain non-negative integer) is kept as
         * -N, anything else read as a memory value; a negative result (a
         * percentage, or a value that wrapped) is bounded by -min. */
        size_t vl = strlen(v);
        if (vl > 1 && v[vl - 1] == '%' && util_str2ll(v, vl - 1, &n) && n >= 0)
            n = -n;
        else if (!parse_mem_ll(v, &n))
            return rtext[RT_CFG_MEMORY_PCT];
        if (n < p->min) {
            snprintf(why, wsize, rtext[RT_CFG_PERCENT_FMT], -p->min);
            return why;
        }
        if (n < 0)
            snprintf(norm, size, "%lld%%", -n);
        else
            snprintf(norm, size, "%lld", n);
        return NULL;
    }
    case K_BOOL:
        if (strcasecmp(v, "yes") && strcasecmp(v, "no"))
            return rtext[RT_CFG_YESNO];
        snprintf(norm, size, "%s", strcasecmp(v, "yes") ? "no" : "yes");
        return NULL;
    case K_ENUM: {
        const char *e = p->enums;
        size_t vl = strlen(v);
        while (*e) {
            size_t l = strcspn(e, ",");
            if (l == vl && !strncasecmp(e, v, l)) {
                snprintf(norm, size, "%.*s", (int)l, e);
                return NULL;
            }
            e += l;
            while (*e == ',' || *e == ' ')
                e++;
        }
        snprintf(why, wsize, rtext[RT_CFG_ENUM_FMT], p->enums);
        return why;
    }
    case K_SAVE: return save_check(v, norm, size) ? NULL : rtext[RT_CFG_SAVE];
    case K_OOM: return oom_check(v, norm, size);
    case K_SHUTDOWN: return shutdown_check(p, v, norm, size, why, wsize);
    case K_MEM_ULL: {
        unsigned long long u;
        if (!parse_mem_ll(v, &n))
            return rtext[RT_CFG_MEMORY];
        memcpy(&u, &n, sizeof(u));
        snprintf(norm, size, "%llu", u);
        return NULL;
    }
    case K_STR: return NULL;
    case K_IMMUTABLE: return rtext[RT_CFG_IMMUTABLE];
    case K_PROTECTED: return rtext[RT_CFG_PROTECTED];
    case K_OBUF: {
        /* Applied to a copy: norm gets all three classes, the named ones changed. */
        struct obuf_limit lim[OBUF_CLASSES];
        const char *bad = NULL;
        memcpy(lim, core->cfg.obuf, sizeof(lim));
        if (obuf_parse(lim, v, &bad) < 0)
            return bad;
        obuf_format(lim, norm, size);
        return NULL;
    }
    case K_NOTIFY: return notify_parse_flags(v, strlen(v)) < 0 ? rtext[RT_CFG_NOTIFY] : NULL;
    case K_PCTS: {
        double pct[CFG_PCTS_MAX];
        int np = parse_pcts(v, pct, CFG_PCTS_MAX);
        if (np == -1)
            return rtext[RT_CFG_PCTS_INVALID];
        if (np == -2)
            return rtext[RT_CFG_PCTS_RANGE];
        size_t at = 0;
        norm[0] = '\0';
        for (int j = 0; j < np && at < size; j++)
            at += (size_t)snprintf(norm + at, size - at, "%s%g", j ? " " : "", pct[j]);
        return NULL;
    }
    }
    return NULL;
}

/* What applying a valid value v (normalized) to parameter i would fail
 * with, checked only once every value of the CONFIG SET is valid, as
 * Redis applies after setting them all: mockredis does not re-listen
 * (port, bind: only the current value), and no TLS is configured. NULL
 * when it applies. */
static const char *cfg_apply_check(const struct core *core, int i, const char *v)
{
    const struct cfg_param *p = &cfg_table[i];
    if (p->field == C_PORT || p->field == C_BIND) {
        char cur[1024];
        cfg_value(core, i, cur, sizeof(cur));
        if (strcmp(v, cur))
            return rtext[p->field == C_PORT ? RT_CFG_LISTEN : RT_CFG_BIND];
    }
    if (p->rule == R_TLS && strcmp(v, "no") && strcmp(v, "0"))
        return rtext[RT_CFG_TLS];
    return NULL;
}

/* Checks value for parameter i: its kind's rules, then its row's. */
static const char *cfg_check(const struct core *core, int i, const char *v, char *norm, size_t size,
                             char *why, size_t wsize)
{
    const char *w = cfg_check_kind(core, i, v, norm, size, why, wsize);
    if (w == NULL)
        w = rule_check(cfg_table[i].rule, norm);
    if (w == NULL && cfg_table[i].rule == R_OOM_ADJ && !strcmp(norm, "relative"))
        snprintf(norm, size, "%s", "yes"); /* one value, two names: Redis shows the first */
    if (w == NULL && cfg_table[i].rule == R_BACKLOG && strtoll(norm, NULL, 10) < 16384)
        snprintf(norm, size, "%d", 16384);
    return w;
}

/* Sets parameter i to v (len bytes: cfg_check's normalized text, or for
 * requirepass the argument itself, NUL bytes and all). */
static void cfg_apply(struct core *core, int i, const char *v, size_t len)
{
    struct core_cfg *cfg = &core->cfg;
    long long n = 0;
    util_str2ll(v, strlen(v), &n);
    switch (cfg_table[i].field) {
    case C_MAXCLIENTS: cfg->maxclients = n > INT_MAX ? INT_MAX : (int)n; return;
    case C_TIMEOUT: cfg->timeout = (int)n; return;
    case C_HZ: cfg->hz = n < 1 ? 1 : n > 500 ? 500 : (int)n; return; /* Redis clamps to 1..500 */
    case C_QBUF_LIMIT: cfg->qbuf_limit = n; return;
    case C_PROTO_MAX_BULK: cfg->proto_max_bulk_len = n; return;
    case C_BUSY_THRESHOLD: cfg->busy_reply_threshold = n; return;
    case C_SLOWLOG_SLOWER: cfg->slowlog_slower_than = n; return;
    case C_SLOWLOG_MAX: cfg->slowlog_max_len = n; return;
    case C_LATENCY_THRESHOLD: cfg->latency_threshold_ms = n; return;
    case C_LATENCY_TRACKING: cfg->latency_tracking = strcmp(v, "yes") == 0; return; /* normalized */
    case C_NOTIFY: cfg->notify_flags = notify_parse_flags(v, strlen(v)); return;
    case C_MAXMEMORY:
        cfg->maxmemory = n;
        cfg->mm_data_only = 0; /* an absolute limit, as Redis's */
        evict_perform(core);   /* at once, as Redis's CONFIG SET maxmemory */
        return;
    case C_MM_POLICY: cfg->mm_policy = evict_policy_find(v); return; /* normalized */
    case C_MM_SAMPLES: cfg->mm_samples = (int)n; return;
    case C_MM_TENACITY: cfg->mm_tenacity = (int)n; return;
    case C_LFU_LOG: cfg->lfu_log_factor = (int)n; return;
    case C_LFU_DECAY: cfg->lfu_decay_time = (int)n; return;
    case C_MEMLIMIT: *mem_limit_field(cfg_table[i].name) = n; return;
    case C_TRACKING_MAX: cfg->tracking_max_keys = n; return;
    case C_CLUSTER_NODE_TIMEOUT: /* one timeout for every node: the shared state's */
        if (core->cluster) {
            core->cluster->node_timeout_ms = n;
            return;
        }
        break;
    case C_CLUSTER_ENABLED: break; /* immutable */
    case C_REQUIREPASS:
        core_set_requirepass(core, v, len);
        if (cfg->requirepass == NULL) /* no password: everyone is in, as in Redis */
            for (struct client *c = core->clients; c; c = c->next)
                c->authed = 1;
        return;
    case C_PROTECTED_MODE: cfg->protected_mode = strcmp(v, "yes") == 0; return; /* normalized */
    case C_PORT:
    case C_BIND:
    case C_UNIXSOCKET: return; /* only the current value passes cfg_check */
    case C_OBUF: {
        const char *bad; /* v is cfg_check's normalized text: it parses */
        obuf_parse(cfg->obuf, v, &bad);
        return;
    }
    case C_NONE: break;
    }
    if (cfg->soft == NULL) {
        cfg->soft = mem_calloc((size_t)NCFG, sizeof(char *));
        cfg->nsoft = (size_t)NCFG;
    }
    int slot = cfg_slot(i);
    free(cfg->soft[slot]);
    cfg->soft[slot] = mem_strdup(v);
}

static int has_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

static void config_get_cmd(struct call *k)
{
    /* Each parameter once, even when several patterns match it. */
    int shown[NCFG];
    const char *as_named[NCFG];
    memset(shown, 0, sizeof(shown));
    int count = 0;
    for (int a = 2; a < k->argc; a++) {
        /* Redis looks a name up with all its bytes but matches a pattern
         * as a C string, up to its first NUL. */
        size_t clen = strlen(k->argv[a]);
        if (!has_glob(k->argv[a])) {
            int i = clen == k->argl[a] ? cfg_find(k->argv[a]) : -1;
            if (i >= 0 && !shown[i]) {
                shown[i] = 1;
                as_named[i] = k->argv[a]; /* Redis echoes the name as asked */
                count++;
            }
            continue;
        }
        for (int i = 0; i < NCFG; i++) {
            if (!shown[i] &&
                util_glob(k->argv[a], clen, cfg_table[i].name, strlen(cfg_table[i].name), 1)) {
                shown[i] = 1;
                as_named[i] = cfg_table[i].name;
                count++;
            }
        }
    }
    reply_map(k->c, count);
    for (int i = 0; i < NCFG; i++) {
        if (!shown[i])
            continue;
        char v[4096];
        cfg_value(k->core, i, v, sizeof(v));
        reply_cstr(k->c, as_named[i]);
        if (cfg_table[i].field == C_REQUIREPASS && k->core->cfg.requirepass)
            reply_bulk(k->c, k->core->cfg.requirepass, k->core->cfg.requirepass_len);
        else
            reply_cstr(k->c, v);
    }
}

static void config_set_cmd(struct call *k)
{
    if (k->argc % 2 != 0) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    int n = (k->argc - 2) / 2;
    int *which = mem_calloc((size_t)n, sizeof(int));
    char **vals = mem_calloc((size_t)n, sizeof(char *));
    size_t *lens = mem_calloc((size_t)n, sizeof(size_t));
    const char *unknown = NULL, *bad_name = NULL, *bad_why = NULL;
    char why[512];

    /* Passwords never show (MONITOR, SLOWLOG), whatever the outcome, as in
     * Redis: the values of its sensitive parameters are redacted. */
    for (int j = 0; j < n; j++) {
        int i = cfg_find(k->argv[2 + 2 * j]);
        if (i >= 0 &&
            (cfg_table[i].field == C_REQUIREPASS || !strcmp(cfg_table[i].name, "masterauth") ||
             !strcmp(cfg_table[i].name, "masteruser")))
            arg_redact(k, 3 + 2 * j);
    }
    /* First pass, as Redis: unknown names, then immutable ones and duplicates. */
    for (int j = 0; j < n && !unknown; j++) {
        const char *name = k->argv[2 + 2 * j];
        which[j] = cfg_find(name);
        if (which[j] < 0) {
            if (!bad_name)
                unknown = name;
            continue;
        }
        if (bad_name)
            continue;
        enum cfg_kind kind = cfg_table[which[j]].kind;
        if (kind == K_IMMUTABLE || kind == K_PROTECTED) {
            bad_name = name;
            bad_why = rtext[kind == K_IMMUTABLE ? RT_CFG_IMMUTABLE : RT_CFG_PROTECTED];
            continue;
        }
        for (int i = 0; i < j; i++) {
            if (which[i] == which[j]) {
                bad_name = name;
                bad_why = rtext[RT_CFG_DUPLICATE];
                break;
            }
        }
    }
    /* Then the values; nothing is applied unless all are valid. */
    for (int j = 0; j < n && !unknown && !bad_name; j++) {
        char norm[4096];
        const char *w =
            cfg_check(k->core, which[j], k->argv[3 + 2 * j], norm, sizeof(norm), why, sizeof(why));
        if (w) {
            bad_name = cfg_table[which[j]].name;
            bad_why = w;
        } else if (cfg_table[which[j]].field == C_REQUIREPASS) {
            /* binary-safe, as Redis: the argument as sent, NULs included */
            lens[j] = k->argl[3 + 2 * j];
            vals[j] = mem_dup(k->argv[3 + 2 * j], lens[j]);
        } else {
            vals[j] = mem_strdup(norm);
            lens[j] = strlen(norm);
        }
    }
    /* Then what Redis finds applying the values (once all are set). */
    for (int j = 0; j < n && !unknown && !bad_name; j++) {
        const char *w = cfg_apply_check(k->core, which[j], vals[j]);
        if (w) {
            bad_name = cfg_table[which[j]].name;
            bad_why = w;
        }
    }
    if (unknown) {
        reply_errf(k->c, rtext[RT_CONFIG_UNKNOWN_FMT], unknown);
    } else if (bad_name) {
        reply_errf(k->c, rtext[RT_CONFIG_FAILED_FMT], bad_name, bad_why);
    } else {
        for (int j = 0; j < n; j++)
            cfg_apply(k->core, which[j], vals[j], lens[j]);
        reply_ok(k->c);
    }
    for (int j = 0; j < n; j++)
        free(vals[j]);
    free(vals);
    free(lens);
    free(which);
}

static void config_resetstat_cmd(struct call *k)
{
    core_reset_stats(k->core);
    reply_ok(k->c);
}

static void config_rewrite_cmd(struct call *k)
{
    reply_err(k->c, RT_CONFIG_NOFILE);
}

static void config_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Always an error: mockredis runs without a config file.",
        "HELP",
        "    Print this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

/* ---- INFO ------------------------------------------------------------------------ */

/* The last SAVE/BGSAVE in Unix seconds; the start before any. */
static long long last_save_s(const struct core *core)
{
    if (core->lastsave_ms > 0)
        return core->lastsave_ms / 1000;
    int64_t up = (clk_mono_us() - core->start_us) / 1000000;
    return (long long)(core_now_ms(core) / 1000 - up);
}

enum {
    S_SERVER,
    S_CLIENTS,
    S_MEMORY,
    S_PERSISTENCE,
    S_STATS,
    S_REPLICATION,
    S_CPU,
    S_MODULES,
    S_COMMANDSTATS,
    S_ERRORSTATS,
    S_LATENCYSTATS,
    S_CLUSTER,
    S_KEYSPACE,
    S__COUNT
};
static const char *const section_names[S__COUNT] = {
    "server",  "clients",      "memory",     "persistence",  "stats",   "replication", "cpu",
    "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace",
};
static const char *const section_titles[S__COUNT] = {
    "Server",  "Clients",      "Memory",     "Persistence",  "Stats",   "Replication", "CPU",
    "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace",
};

struct cmdstat_ctx {
    struct core *core;
    struct buf *b;
};

static void cmdstat_line(struct buf *b, struct core *core, const struct cmd_def *d,
                         const struct cmd_def *parent)
{
    uint64_t n = cmd_calls_of(core, d);
    struct obs_cmdstat st = obs_cmdstat(core, d->id);
    if (n == 0 && st.rejected == 0 && st.failed == 0)
        return;
    char name[96];
    cmd_fullname(d, parent, name, sizeof(name));
    buf_printf(b,
               "cmdstat_%s:calls=%llu,usec=%llu,usec_per_call=%.2f,rejected_calls=%llu,"
               "failed_calls=%llu\r\n",
               name, (unsigned long long)n, (unsigned long long)st.usec,
               n ? (double)st.usec / (double)n : 0.0, (unsigned long long)st.rejected,
               (unsigned long long)st.failed);
}

static void cmdstat_visit(const struct cmd_def *d, void *ud)
{
    struct cmdstat_ctx *x = ud;
    cmdstat_line(x->b, x->core, d, NULL);
    for (const struct cmd_def *s = d->subs; s && s->name; s++)
        cmdstat_line(x->b, x->core, s, d);
}

struct latstat_ctx {
    struct core *core;
    struct buf *b;
    double pcts[CFG_PCTS_MAX];
    int npcts;
};

static void latstat_line(struct latstat_ctx *x, const struct cmd_def *d,
                         const struct cmd_def *parent)
{
    char name[96];
    cmd_fullname(d, parent, name, sizeof(name));
    lat_info_line(x->core, x->b, d->id, name, x->pcts, x->npcts);
}

static void latstat_visit(const struct cmd_def *d, void *ud)
{
    latstat_line(ud, d, NULL);
    for (const struct cmd_def *s = d->subs; s && s->name; s++)
        latstat_line(ud, s, d);
}

/* INFO memory's scripting lines, in Redis 7.0.15's order: the EVAL
 * interpreter and cache (script.h). The functions' lines read 0 until
 * FUNCTION has an engine to count. */
static void info_memory_scripts(struct buf *b, const struct core *core)
{
    char h_vm[32], h_total[32], h_scripts[32];
    size_t vm_eval = scr_memory(core), cache = scr_cache_memory(core);
    struct fn_info fi;
    fn_info(core, &fi);
    size_t vm_functions = fi.vm_bytes, functions = fi.bytes, nfunctions = fi.functions,
           nlibraries = fi.libraries;
    human_bytes(h_vm, sizeof(h_vm), vm_eval);
    human_bytes(h_total, sizeof(h_total), vm_eval + vm_functions);
    human_bytes(h_scripts, sizeof(h_scripts), cache + functions);
    buf_printf(b,
               "used_memory_lua:%zu\r\nused_memory_vm_eval:%zu\r\nused_memory_lua_human:%s\r\n"
               "used_memory_scripts_eval:%zu\r\nnumber_of_cached_scripts:%zu\r\n"
               "number_of_functions:%zu\r\nnumber_of_libraries:%zu\r\n"
               "used_memory_vm_functions:%zu\r\nused_memory_vm_total:%zu\r\n"
               "used_memory_vm_total_human:%s\r\nused_memory_functions:%zu\r\n"
               "used_memory_scripts:%zu\r\nused_memory_scripts_human:%s\r\n",
               vm_eval, vm_eval, h_vm, cache, scr_count(core), nfunctions, nlibraries, vm_functions,
               vm_eval + vm_functions, h_total, functions, cache + functions, h_scripts);
}

static void info_section(struct buf *b, struct core *core, int s)
{
    const struct core_cfg *cfg = &core->cfg;
    int64_t now_us = clk_now_us(&core->clock);
    int64_t up = (clk_mono_us() - core->start_us) / 1000000;
    char h1[32], h2[32], h3[32];
    buf_printf(b, "# %s\r\n", section_titles[s]);
    switch (s) {
    case S_SERVER: {
        struct utsname u;
        if (uname(&u) != 0)
            memset(&u, 0, sizeof(u));
        char exe[512];
        ssize_t el = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        exe[el > 0 ? el : 0] = '\0';
        buf_printf(b,
                   "redis_version:%s\r\nredis_git_sha1:00000000\r\nredis_git_dirty:0\r\n"
                   "redis_build_id:0\r\nredis_mode:%s\r\nos:%s %s %s\r\narch_bits:%d\r\n"
                   "monotonic_clock:POSIX clock_gettime\r\nmultiplexing_api:epoll\r\n"
                   "atomicvar_api:c11-builtin\r\ngcc_version:%d.%d.%d\r\nprocess_id:%ld\r\n"
                   "process_supervised:no\r\nrun_id:%s\r\ntcp_port:%d\r\nserver_time_usec:%lld\r\n"
                   "uptime_in_seconds:%lld\r\nuptime_in_days:%lld\r\nhz:%d\r\nconfigured_hz:%d\r\n"
                   "lru_clock:%lld\r\nexecutable:%s\r\nconfig_file:\r\nio_threads_active:0\r\n"
                   "mockredis_version:%s\r\nclock_mode:%s\r\n",
                   MOCKREDIS_REDIS_VERSION, core->cluster ? "cluster" : "standalone", u.sysname,
                   u.release, u.machine, (int)(sizeof(void *) * 8),
#ifdef __GNUC__
                   __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__,
#else
                   0, 0, 0,
#endif
                   (long)getpid(), run_id(), core->port_bound, (long long)now_us, (long long)up,
                   (long long)(up / 86400), cfg->hz, cfg->hz,
                   (long long)((now_us / 1000000) & ((1 << 24) - 1)), exe, MOCKREDIS_VERSION,
                   core->clock.virt ? "virtual" : "real");
        break;
    }
    case S_CLIENTS:
        buf_printf(
            b,
            "connected_clients:%zu\r\ncluster_connections:0\r\nmaxclients:%d\r\n"
            "client_recent_max_input_buffer:0\r\nclient_recent_max_output_buffer:0\r\n"
            "blocked_clients:%zu\r\ntracking_clients:%zu\r\nclients_in_timeout_table:%zu\r\n",
            core->nclients, cfg->maxclients, core->nblocked + core->npostponed,
            tracking_nclients(core), core->nblocked_timeout);
        break;
    case S_MEMORY: {
        /* every figure from the memory model (memory.h) */
        struct mem_stats st;
        mem_stats(core, &st);
        char maxmem[64], policy[64], h4[32], h5[32];
        long long mm = 0;
        cfg_value(core, cfg_find("maxmemory"), maxmem, sizeof(maxmem));
        cfg_value(core, cfg_find("maxmemory-policy"), policy, sizeof(policy));
        util_str2ll(maxmem, strlen(maxmem), &mm);
        size_t net = st.used > st.startup ? st.used - st.startup : 1;
        human_bytes(h1, sizeof(h1), st.used);
        human_bytes(h2, sizeof(h2), st.rss);
        human_bytes(h3, sizeof(h3), st.peak);
        human_bytes(h4, sizeof(h4), st.total_system);
        buf_printf(b,
                   "used_memory:%zu\r\nused_memory_human:%s\r\nused_memory_rss:%zu\r\n"
                   "used_memory_rss_human:%s\r\nused_memory_peak:%zu\r\n"
                   "used_memory_peak_human:%s\r\nused_memory_peak_perc:%.2f%%\r\n"
                   "used_memory_overhead:%zu\r\nused_memory_startup:%zu\r\n"
                   "used_memory_dataset:%zu\r\nused_memory_dataset_perc:%.2f%%\r\n"
                   "allocator_allocated:%zu\r\nallocator_active:%zu\r\n"
                   "allocator_resident:%zu\r\ntotal_system_memory:%zu\r\n"
                   "total_system_memory_human:%s\r\n",
                   st.used, h1, st.rss, h2, st.peak, h3,
                   (double)(float)((double)st.used * 100 / (double)st.peak), st.overhead,
                   st.startup, st.dataset, (double)(float)((double)st.dataset * 100 / (double)net),
                   st.allocated, st.active, st.resident, st.total_system, h4);
        info_memory_scripts(b, core);
        human_bytes(h5, sizeof(h5), (unsigned long long)mm);
        buf_printf(b,
                   "maxmemory:%lld\r\nmaxmemory_human:%s\r\nmaxmemory_policy:%s\r\n"
                   "allocator_frag_ratio:%.2f\r\nallocator_frag_bytes:%zu\r\n"
                   "allocator_rss_ratio:%.2f\r\nallocator_rss_bytes:%zu\r\n"
                   "rss_overhead_ratio:%.2f\r\nrss_overhead_bytes:%zu\r\n"
                   "mem_fragmentation_ratio:%.2f\r\nmem_fragmentation_bytes:%zu\r\n"
                   "mem_not_counted_for_evict:0\r\nmem_replication_backlog:0\r\n"
                   "mem_total_replication_buffers:0\r\nmem_clients_slaves:0\r\n"
                   "mem_clients_normal:%zu\r\nmem_cluster_links:0\r\nmem_aof_buffer:0\r\n"
                   "mem_allocator:libc\r\nactive_defrag_running:0\r\n"
                   "lazyfree_pending_objects:0\r\nlazyfreed_objects:0\r\n",
                   mm, h5, policy, (double)st.active / (double)st.allocated,
                   st.active - st.allocated, (double)st.resident / (double)st.active,
                   st.resident - st.active, (double)st.rss / (double)st.resident,
                   st.rss - st.resident, (double)st.rss / (double)st.used, st.rss - st.used,
                   st.clients_normal);
        break;
    }
    case S_PERSISTENCE:
        /* Nothing is ever written to disk: SAVE and BGSAVE complete at once
         * (they count in rdb_saves and reset rdb_changes_since_last_save). */
        buf_printf(b,
                   "loading:0\r\nasync_loading:0\r\ncurrent_cow_peak:0\r\ncurrent_cow_size:0\r\n"
                   "current_cow_size_age:0\r\ncurrent_fork_perc:0.00\r\n"
                   "current_save_keys_processed:0\r\ncurrent_save_keys_total:0\r\n"
                   "rdb_changes_since_last_save:%llu\r\nrdb_bgsave_in_progress:0\r\n"
                   "rdb_last_save_time:%lld\r\nrdb_last_bgsave_status:ok\r\n"
                   "rdb_last_bgsave_time_sec:%d\r\nrdb_current_bgsave_time_sec:-1\r\n"
                   "rdb_saves:%llu\r\nrdb_last_cow_size:0\r\nrdb_last_load_keys_expired:0\r\n"
                   "rdb_last_load_keys_loaded:0\r\naof_enabled:0\r\naof_rewrite_in_progress:0\r\n"
                   "aof_rewrite_scheduled:0\r\naof_last_rewrite_time_sec:-1\r\n"
                   "aof_current_rewrite_time_sec:-1\r\naof_last_bgrewrite_status:ok\r\n"
                   "aof_rewrites:0\r\naof_rewrites_consecutive_failures:0\r\n"
                   "aof_last_write_status:ok\r\naof_last_cow_size:0\r\n"
                   "module_fork_in_progress:0\r\nmodule_fork_last_cow_size:0\r\n",
                   (unsigned long long)core->dirty, last_save_s(core),
                   core->st.rdb_saves > 0 ? 0 : -1, (unsigned long long)core->st.rdb_saves);
        break;
    case S_STATS: {
        unsigned long long hits = 0, misses = 0, expired = 0;
        for (int i = 0; i < DB_COUNT; i++) {
            hits += core->db[i].hits;
            misses += core->db[i].misses;
            expired += core->db[i].expired;
        }
        double ops, in_kbps, out_kbps;
        obs_rates(core, &ops, &in_kbps, &out_kbps);
        buf_printf(b,
                   "total_connections_received:%llu\r\ntotal_commands_processed:%llu\r\n"
                   "instantaneous_ops_per_sec:%lld\r\ntotal_net_input_bytes:%llu\r\n"
                   "total_net_output_bytes:%llu\r\ntotal_net_repl_input_bytes:0\r\n"
                   "total_net_repl_output_bytes:0\r\ninstantaneous_input_kbps:%.2f\r\n"
                   "instantaneous_output_kbps:%.2f\r\ninstantaneous_input_repl_kbps:0.00\r\n"
                   "instantaneous_output_repl_kbps:0.00\r\nrejected_connections:%llu\r\n"
                   "sync_full:0\r\nsync_partial_ok:0\r\nsync_partial_err:0\r\n"
                   "expired_keys:%llu\r\nexpired_stale_perc:0.00\r\n"
                   "expired_time_cap_reached_count:0\r\nexpire_cycle_cpu_milliseconds:0\r\n"
                   "evicted_keys:%llu\r\nevicted_clients:0\r\ntotal_eviction_exceeded_time:0\r\n"
                   "current_eviction_exceeded_time:0\r\nkeyspace_hits:%llu\r\n"
                   "keyspace_misses:%llu\r\npubsub_channels:%zu\r\npubsub_patterns:%zu\r\n"
                   "pubsubshard_channels:%zu\r\nlatest_fork_usec:0\r\ntotal_forks:0\r\n"
                   "migrate_cached_sockets:0\r\nslave_expires_tracked_keys:0\r\n"
                   "active_defrag_hits:0\r\nactive_defrag_misses:0\r\n"
                   "active_defrag_key_hits:0\r\nactive_defrag_key_misses:0\r\n"
                   "total_active_defrag_time:0\r\ncurrent_active_defrag_time:0\r\n",
                   (unsigned long long)(core->st.conn_received - core->st.conn_full),
                   (unsigned long long)core->st.commands, (long long)(ops + 0.5),
                   (unsigned long long)core->st.net_in, (unsigned long long)core->st.net_out,
                   in_kbps, out_kbps, (unsigned long long)core->st.conn_refused, expired,
                   (unsigned long long)core->st.evicted, hits, misses, ps_nchannels(core, 0),
                   ps_npatterns(core), ps_nchannels(core, 1));
        buf_printf(b,
                   "tracking_total_keys:%llu\r\ntracking_total_items:%llu\r\n"
                   "tracking_total_prefixes:%llu\r\nunexpected_error_replies:0\r\n"
                   "total_error_replies:%llu\r\ndump_payload_sanitizations:0\r\n"
                   "total_reads_processed:%llu\r\ntotal_writes_processed:%llu\r\n"
                   "io_threaded_reads_processed:0\r\nio_threaded_writes_processed:0\r\n"
                   "reply_buffer_shrinks:0\r\nreply_buffer_expands:0\r\n",
                   tracking_nkeys(core), tracking_nitems(core), tracking_nprefixes(core),
                   (unsigned long long)obs_total_errors(core), (unsigned long long)core->st.reads,
                   (unsigned long long)core->st.writes);
        break;
    }
    case S_REPLICATION:
        if (core->cluster) { /* its role in the cluster (cluster.h) */
            cluster_info_replication(core, b, run_id());
            break;
        }
        buf_printf(b,
                   "role:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\n"
                   "master_replid:%s\r\n"
                   "master_replid2:0000000000000000000000000000000000000000\r\n"
                   "master_repl_offset:0\r\nsecond_repl_offset:-1\r\nrepl_backlog_active:0\r\n"
                   "repl_backlog_size:1048576\r\nrepl_backlog_first_byte_offset:0\r\n"
                   "repl_backlog_histlen:0\r\n",
                   run_id());
        break;
    case S_CPU: {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        buf_printf(b,
                   "used_cpu_sys:%ld.%06ld\r\nused_cpu_user:%ld.%06ld\r\n"
                   "used_cpu_sys_children:0.000000\r\nused_cpu_user_children:0.000000\r\n",
                   (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec, (long)ru.ru_utime.tv_sec,
                   (long)ru.ru_utime.tv_usec);
        /* one thread does all the work: the main thread's share is the process's */
        struct rusage rt = ru;
#ifdef RUSAGE_THREAD
        getrusage(RUSAGE_THREAD, &rt);
#endif
        buf_printf(b,
                   "used_cpu_sys_main_thread:%ld.%06ld\r\nused_cpu_user_main_thread:%ld.%06ld\r\n",
                   (long)rt.ru_stime.tv_sec, (long)rt.ru_stime.tv_usec, (long)rt.ru_utime.tv_sec,
                   (long)rt.ru_utime.tv_usec);
        break;
    }
    case S_COMMANDSTATS: {
        struct cmdstat_ctx x = {core, b};
        cmd_each(cmdstat_visit, &x);
        break;
    }
    case S_ERRORSTATS: obs_errorstats(core, b); break;
    case S_LATENCYSTATS: {
        long long threshold;
        int track;
        cmd_latency_cfg(core, &threshold, &track);
        if (!track)
            break; /* latency-tracking no: an empty section, as Redis */
        struct latstat_ctx x = {core, b, {0}, 0};
        char v[512];
        cfg_value(core, cfg_find("latency-tracking-info-percentiles"), v, sizeof(v));
        x.npcts = parse_pcts(v, x.pcts, CFG_PCTS_MAX);
        if (x.npcts < 0)
            x.npcts = 0;
        cmd_each(latstat_visit, &x);
        break;
    }
    case S_CLUSTER: buf_printf(b, "cluster_enabled:%d\r\n", core->cluster ? 1 : 0); break;
    case S_KEYSPACE:
        for (int i = 0; i < DB_COUNT; i++) {
            size_t n = db_size(&core->db[i]);
            if (n > 0)
                buf_printf(b, "db%d:keys=%zu,expires=%zu,avg_ttl=0\r\n", i, n,
                           db_expires_count(&core->db[i]));
        }
        break;
    default: break; /* modules, errorstats, latencystats: nothing to report */
    }
}

static void info_cmd(struct call *k)
{
    int want[S__COUNT];
    memset(want, 0, sizeof(want));
    if (k->argc == 1) {
        for (int s = 0; s < S__COUNT; s++)
            want[s] = s != S_COMMANDSTATS && s != S_LATENCYSTATS;
    }
    for (int a = 1; a < k->argc; a++) {
        if (arg_is(k, a, "all") || arg_is(k, a, "everything")) {
            for (int s = 0; s < S__COUNT; s++)
                want[s] = 1;
        } else if (arg_is(k, a, "default")) {
            for (int s = 0; s < S__COUNT; s++)
                want[s] |= s != S_COMMANDSTATS && s != S_LATENCYSTATS;
        } else {
            for (int s = 0; s < S__COUNT; s++)
                if (arg_is(k, a, section_names[s]))
                    want[s] = 1;
        }
    }
    struct buf b = BUF_INIT;
    int first = 1;
    for (int s = 0; s < S__COUNT; s++) {
        if (!want[s])
            continue;
        if (!first)
            buf_puts(&b, "\r\n");
        first = 0;
        info_section(&b, k->core, s);
    }
    reply_text(k->c, &b);
    buf_free(&b);
}

/* ---- keyspace-wide commands --------------------------------------------------------- */

static void dbsize_cmd(struct call *k)
{
    reply_int(k->c, (long long)db_size(cmd_db(k)));
}

/* [ASYNC|SYNC]: 0 when valid, else replies with a syntax error. */
static int flush_args(struct call *k)
{
    if (k->argc == 1 || (k->argc == 2 && (arg_is(k, 1, "async") || arg_is(k, 1, "sync"))))
        return 0;
    reply_err(k->c, RT_SYNTAX);
    return -1;
}

static void flushdb_cmd(struct call *k)
{
    if (flush_args(k) < 0)
        return;
    db_flush(cmd_db(k));
    tracking_flushed(k->core);
    reply_ok(k->c);
}

static void flushall_cmd(struct call *k)
{
    if (flush_args(k) < 0)
        return;
    for (int i = 0; i < DB_COUNT; i++)
        db_flush(&k->core->db[i]);
    tracking_flushed(k->core);
    reply_ok(k->c);
}

/* ---- COMMAND ------------------------------------------------------------------------- */

/* A command or subcommand by its full name ("get", "client|kill"), as Redis
 * looks names up for COMMAND INFO and DOCS; NULL if unknown. *parent gets
 * the container of a subcommand, else NULL. */
static const struct cmd_def *lookup_full(const char *name, size_t len,
                                         const struct cmd_def **parent)
{
    const char *bar = memchr(name, '|', len);
    *parent = NULL;
    if (bar == NULL)
        return cmd_lookup(name, len);
    if (memchr(bar + 1, '|', len - (size_t)(bar + 1 - name)) != NULL)
        return NULL;
    const struct cmd_def *top = cmd_lookup(name, (size_t)(bar - name));
    if (top == NULL || top->subs == NULL)
        return NULL;
    char *argv[2] = {(char *)name, (char *)bar + 1};
    size_t argl[2] = {(size_t)(bar - name), len - (size_t)(bar + 1 - name)};
    const struct cmd_def *d = cmd_lookup_argv(2, argv, argl);
    if (d == top)
        return NULL;
    *parent = top;
    return d;
}

static int nsubs(const struct cmd_def *d)
{
    int n = 0;
    for (const struct cmd_def *s = d->subs; s && s->name; s++)
        n++;
    return n;
}

/* A set of status replies: the names of the bits of mask ("@" prefixed when
 * at is set). */
static void reply_bits(struct client *c, unsigned mask, const char *const *names, int n, int at)
{
    char tmp[40];
    reply_set(c, __builtin_popcount(mask));
    for (int i = 0; i < n; i++) {
        if (mask & (1u << i)) {
            snprintf(tmp, sizeof(tmp), "%s%s", at ? "@" : "", names[i]);
            reply_simple(c, tmp);
        }
    }
}

/* The words of a space-separated list: count, or each as a bulk string. */
static int words(struct client *c, const char *s)
{
    int n = 0;
    while (s && *s) {
        size_t len = strcspn(s, " ");
        if (c)
            reply_bulk(c, s, len);
        n++;
        s += len + (s[len] == ' ');
    }
    return n;
}

static void reply_kv_int(struct client *c, const char *k, long long v)
{
    reply_cstr(c, k);
    reply_int(c, v);
}

static void keyspec_reply(struct client *c, const struct cmd_keyspec *ks)
{
    reply_map(c, 3 + (ks->notes != NULL));
    if (ks->notes) {
        reply_cstr(c, "notes");
        reply_cstr(c, ks->notes);
    }
    reply_cstr(c, "flags");
    reply_bits(c, ks->flags, cmd_ksflag_names, KS__COUNT, 0);
    reply_cstr(c, "begin_search");
    reply_map(c, 2);
    reply_cstr(c, "type");
    if (ks->bs == KS_BS_INDEX) {
        reply_cstr(c, "index");
        reply_cstr(c, "spec");
        reply_map(c, 1);
        reply_kv_int(c, "index", ks->bs_pos);
    } else if (ks->bs == KS_BS_KEYWORD) {
        reply_cstr(c, "keyword");
        reply_cstr(c, "spec");
        reply_map(c, 2);
        reply_cstr(c, "keyword");
        reply_cstr(c, ks->bs_keyword);
        reply_kv_int(c, "startfrom", ks->bs_pos);
    } else {
        reply_cstr(c, "unknown");
        reply_cstr(c, "spec");
        reply_map(c, 0);
    }
    reply_cstr(c, "find_keys");
    reply_map(c, 2);
    reply_cstr(c, "type");
    if (ks->fk == KS_FK_RANGE) {
        reply_cstr(c, "range");
        reply_cstr(c, "spec");
        reply_map(c, 3);
        reply_kv_int(c, "lastkey", ks->fk_a);
        reply_kv_int(c, "keystep", ks->fk_b);
        reply_kv_int(c, "limit", ks->fk_c);
    } else if (ks->fk == KS_FK_KEYNUM) {
        reply_cstr(c, "keynum");
        reply_cstr(c, "spec");
        reply_map(c, 3);
        reply_kv_int(c, "keynumidx", ks->fk_a);
        reply_kv_int(c, "firstkey", ks->fk_b);
        reply_kv_int(c, "keystep", ks->fk_c);
    } else {
        reply_cstr(c, "unknown");
        reply_cstr(c, "spec");
        reply_map(c, 0);
    }
}

/* One COMMAND INFO entry, from the row, in Redis 7.0's shape: name, arity,
 * flags, first/last/step, ACL categories, tips, key specs, subcommands. */
static void command_info_one(struct client *c, const struct cmd_def *d,
                             const struct cmd_def *parent)
{
    char full[96];
    cmd_fullname(d, parent, full, sizeof(full));
    reply_array(c, 10);
    reply_cstr(c, full);
    reply_int(c, d->arity);
    reply_bits(c, d->rflags, cmd_rflag_names, RF__COUNT, 0);
    reply_int(c, d->first);
    reply_int(c, d->last);
    reply_int(c, d->step);
    reply_bits(c, d->acl, cmd_cat_names, CAT__COUNT, 1);
    reply_set(c, words(NULL, d->tips));
    words(c, d->tips);
    int nks = 0;
    for (const struct cmd_keyspec *ks = d->keyspecs; ks && ks->bs; ks++)
        nks++;
    reply_set(c, nks);
    for (int i = 0; i < nks; i++)
        keyspec_reply(c, &d->keyspecs[i]);
    reply_set(c, nsubs(d));
    for (const struct cmd_def *s = d->subs; s && s->name; s++)
        command_info_one(c, s, d);
}

static const char *const argtype_names[] = {
    [ARG_STRING] = "string",         [ARG_INTEGER] = "integer",
    [ARG_DOUBLE] = "double",         [ARG_KEY] = "key",
    [ARG_PATTERN] = "pattern",       [ARG_UNIX_TIME] = "unix-time",
    [ARG_PURE_TOKEN] = "pure-token", [ARG_ONEOF] = "oneof",
    [ARG_BLOCK] = "block",
};
static const char *const argflag_names[] = {"optional", "multiple", "multiple_token"};
static const char *const docflag_names[] = {"deprecated", "syscmd"};

static void reply_kv_str(struct client *c, const char *k, const char *v)
{
    reply_cstr(c, k);
    reply_cstr(c, v);
}

/* COMMAND DOCS's argument list, in Redis 7.0's field order. */
static void args_reply(struct client *c, const struct cmd_arg *args)
{
    int n = 0;
    for (const struct cmd_arg *a = args; a->name; a++)
        n++;
    reply_array(c, n);
    for (const struct cmd_arg *a = args; a->name; a++) {
        int key = a->has_key_spec, subs = a->subargs != NULL;
        reply_map(c, 2 + key + (a->token != NULL) + (a->since != NULL) +
                         (a->deprecated_since != NULL) + (a->aflags != 0) + subs);
        reply_kv_str(c, "name", a->name);
        reply_kv_str(c, "type", argtype_names[a->type]);
        if (key)
            reply_kv_int(c, "key_spec_index", a->key_spec);
        if (a->token)
            reply_kv_str(c, "token", a->token);
        if (a->since)
            reply_kv_str(c, "since", a->since);
        if (a->deprecated_since)
            reply_kv_str(c, "deprecated_since", a->deprecated_since);
        if (a->aflags) {
            reply_cstr(c, "flags");
            reply_bits(c, a->aflags, argflag_names, 3, 0);
        }
        if (subs) {
            reply_cstr(c, "arguments");
            args_reply(c, a->subargs);
        }
    }
}

/* One COMMAND DOCS entry: Redis 7.0's fields but "history" (Redis's own
 * prose); the summary is ours. */
static void command_docs_one(struct client *c, const struct cmd_def *d,
                             const struct cmd_def *parent)
{
    char full[96];
    int n = nsubs(d);
    reply_map(c, 3 + (d->complexity != NULL) + (d->doc_flags != 0) + (d->deprecated_since != NULL) +
                     (d->replaced_by != NULL) + (d->args != NULL) + (n > 0));
    reply_kv_str(c, "summary", d->summary ? d->summary : "");
    reply_kv_str(c, "since", d->since ? d->since : "0.1.0");
    reply_kv_str(c, "group", d->group ? d->group : "mock");
    if (d->complexity)
        reply_kv_str(c, "complexity", d->complexity);
    if (d->doc_flags) {
        reply_cstr(c, "doc_flags");
        reply_bits(c, d->doc_flags, docflag_names, 2, 0);
    }
    if (d->deprecated_since)
        reply_kv_str(c, "deprecated_since", d->deprecated_since);
    if (d->replaced_by)
        reply_kv_str(c, "replaced_by", d->replaced_by);
    if (d->args) {
        reply_cstr(c, "arguments");
        args_reply(c, d->args);
    }
    if (n > 0) {
        reply_cstr(c, "subcommands");
        reply_map(c, n);
        for (const struct cmd_def *s = d->subs; s && s->name; s++) {
            cmd_fullname(s, d, full, sizeof(full));
            reply_cstr(c, full);
            command_docs_one(c, s, d);
        }
    }
    (void)parent;
}

static void info_visit(const struct cmd_def *d, void *ud)
{
    command_info_one(ud, d, NULL);
}

static void command_cmd(struct call *k)
{
    reply_array(k->c, cmd_count());
    cmd_each(info_visit, k->c);
}

static void command_count_cmd(struct call *k)
{
    reply_int(k->c, cmd_count());
}

static void command_info_cmd(struct call *k)
{
    if (k->argc == 2) {
        command_cmd(k);
        return;
    }
    reply_array(k->c, k->argc - 2);
    for (int i = 2; i < k->argc; i++) {
        const struct cmd_def *parent;
        const struct cmd_def *d = lookup_full(k->argv[i], k->argl[i], &parent);
        if (d)
            command_info_one(k->c, d, parent);
        else
            reply_null(k->c);
    }
}

static void docs_visit(const struct cmd_def *d, void *ud)
{
    struct client *c = ud;
    reply_cstr(c, d->name);
    command_docs_one(c, d, NULL);
}

static void command_docs_cmd(struct call *k)
{
    if (k->argc == 2) {
        reply_map(k->c, cmd_count());
        cmd_each(docs_visit, k->c);
        return;
    }
    const struct cmd_def *parent;
    char full[96];
    int found = 0;
    for (int i = 2; i < k->argc; i++)
        found += lookup_full(k->argv[i], k->argl[i], &parent) != NULL;
    reply_map(k->c, found);
    for (int i = 2; i < k->argc; i++) {
        const struct cmd_def *d = lookup_full(k->argv[i], k->argl[i], &parent);
        if (d == NULL)
            continue;
        cmd_fullname(d, parent, full, sizeof(full));
        reply_cstr(k->c, full);
        command_docs_one(k->c, d, parent);
    }
}

/* COMMAND GETKEYS and GETKEYSANDFLAGS: Redis 7.0's checks, in its order. */
static void getkeys(struct call *k, int with_flags)
{
    int argc = k->argc - 2;
    char **argv = k->argv + 2;
    size_t *argl = k->argl + 2;
    const struct cmd_def *d = cmd_lookup_argv(argc, argv, argl);
    if (d == NULL || (d->subs != NULL && d->fn == NULL)) {
        reply_err(k->c, RT_GETKEYS_INVALID_CMD);
        return;
    }
    if (!cmd_has_keys(d)) {
        reply_err(k->c, RT_GETKEYS_NO_KEYS);
        return;
    }
    if ((d->arity > 0 && d->arity != argc) || argc < -d->arity) {
        reply_err(k->c, RT_GETKEYS_ARITY);
        return;
    }
    struct cmd_keyref small[16], *keys = small;
    int n = cmd_getkeys(d, argc, argv, argl, keys, 16);
    if (n > 16) {
        keys = mem_calloc((size_t)n, sizeof(*keys));
        n = cmd_getkeys(d, argc, argv, argl, keys, n);
    }
    if (n <= 0) {
        if (n < 0 && !(d->rflags & RF_NO_MANDATORY_KEYS))
            reply_err(k->c, RT_GETKEYS_INVALID_ARGS);
        else
            reply_array(k->c, 0);
    } else {
        reply_array(k->c, n);
        for (int i = 0; i < n; i++) {
            if (with_flags)
                reply_array(k->c, 2);
            reply_bulk(k->c, argv[keys[i].pos], argl[keys[i].pos]);
            if (with_flags)
                reply_bits(k->c, keys[i].flags, cmd_ksflag_names, KS__COUNT, 0);
        }
    }
    if (keys != small)
        free(keys);
}

static void command_getkeys_cmd(struct call *k)
{
    getkeys(k, 0);
}

static void command_getkeysandflags_cmd(struct call *k)
{
    getkeys(k, 1);
}

struct list_ctx {
    struct call *k;
    int mode; /* 0 all, 1 pattern, 2 acl category, 3 module (nothing) */
    unsigned cat;
    long long n;
    int emit;
};

static int list_match(struct list_ctx *x, const struct cmd_def *d, const char *full)
{
    struct call *k = x->k;
    switch (x->mode) {
    case 0: return 1;
    case 1: return util_glob(k->argv[4], k->argl[4], full, strlen(full), 1);
    case 2: return (d->acl & x->cat) != 0;
    default: return 0;
    }
}

static void list_visit(const struct cmd_def *d, void *ud)
{
    struct list_ctx *x = ud;
    char full[96];
    if (list_match(x, d, d->name)) {
        x->n++;
        if (x->emit)
            reply_cstr(x->k->c, d->name);
    }
    for (const struct cmd_def *s = d->subs; s && s->name; s++) {
        cmd_fullname(s, d, full, sizeof(full));
        if (list_match(x, s, full)) {
            x->n++;
            if (x->emit)
                reply_cstr(x->k->c, full);
        }
    }
}

static void command_list_cmd(struct call *k)
{
    struct list_ctx x = {k, 0, 0, 0, 0};
    if (k->argc == 5 && arg_is(k, 2, "filterby")) {
        if (arg_is(k, 3, "pattern")) {
            x.mode = 1;
        } else if (arg_is(k, 3, "aclcat")) {
            x.mode = 2;
            for (int i = 0; i < CAT__COUNT; i++)
                if (strcasecmp(k->argv[4], cmd_cat_names[i]) == 0)
                    x.cat = 1u << i;
        } else if (arg_is(k, 3, "module")) {
            x.mode = 3;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    } else if (k->argc != 2) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    cmd_each(list_visit, &x);
    reply_array(k->c, x.n);
    x.emit = 1;
    cmd_each(list_visit, &x);
}

static void command_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all commands of mockredis.",
        "COUNT",
        "    Return the total number of commands.",
        "DOCS [<command-name> ...]",
        "    Return documentary information about commands (all when none is given).",
        "GETKEYS <full-command>",
        "    Return the keys of a full command, found from its key specs.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys of a full command and their key spec flags.",
        "INFO [<command-name> ...]",
        "    Return details about commands, as redis-server 7.0 describes them.",
        "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
        "    Return the names of the commands, subcommands included.",
        "HELP",
        "    Print this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

/* ---- the rest ----------------------------------------------------------------------- */

/* LOLWUT [VERSION v ...]: Redis 7.0.15's own version answers one line,
 * verbatim "txt" in RESP3; VERSION must be an integer. Versions 5 and 6
 * draw computer art in Redis; here they answer the same line (a known
 * difference, docs/protocol.md). */
static void lolwut_cmd(struct call *k)
{
    long long v;
    if (k->argc >= 3 && arg_is(k, 1, "version") && arg_ll(k, 2, &v) < 0)
        return;
    char line[64];
    int n = snprintf(line, sizeof(line), "Redis ver. %s\n", MOCKREDIS_REDIS_VERSION);
    reply_verbatim(k->c, line, (size_t)n);
}

static void time_cmd(struct call *k)
{
    int64_t us = clk_now_us(&k->core->clock);
    char s[32], u[32];
    snprintf(s, sizeof(s), "%lld", (long long)(us / 1000000));
    snprintf(u, sizeof(u), "%lld", (long long)(us % 1000000));
    reply_array(k->c, 2);
    reply_cstr(k->c, s);
    reply_cstr(k->c, u);
}

static void lastsave_cmd(struct call *k)
{
    reply_int(k->c, last_save_s(k->core));
}

/* A save, done at once (nothing is ever written to disk): the changes
 * since the last one start over, rdb_saves counts it. */
static void saved(struct core *core)
{
    core->dirty = 0;
    core->lastsave_ms = core_now_ms(core);
    core->st.rdb_saves++;
}

static void save_cmd(struct call *k)
{
    saved(k->core);
    reply_ok(k->c);
}

static void bgsave_cmd(struct call *k)
{
    if (k->argc > 2 || (k->argc == 2 && !arg_is(k, 1, "schedule"))) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    saved(k->core);
    reply_simple(k->c, "Background saving started");
}

static void bgrewriteaof_cmd(struct call *k)
{
    reply_simple(k->c, "Background append only file rewriting started");
}

static void role_cmd(struct call *k)
{
    const struct cluster *cl = k->core->cluster;
    if (cl != NULL) { /* a cluster node: its role there, offsets 0 */
        const struct cluster_node *me = &cl->nodes[k->core->cl_node];
        if (me->primary >= 0) {
            reply_array(k->c, 5);
            reply_cstr(k->c, "slave");
            reply_cstr(k->c, cl->announce_ip);
            reply_int(k->c, cl->nodes[me->primary].port);
            reply_cstr(k->c, cl->nodes[me->primary].down ? "connect" : "connected");
            reply_int(k->c, 0);
            return;
        }
        int n = 0;
        for (int j = 0; j < cl->nnodes; j++)
            n += cl->nodes[j].primary == k->core->cl_node && !cl->nodes[j].down;
        reply_array(k->c, 3);
        reply_cstr(k->c, "master");
        reply_int(k->c, 0);
        reply_array(k->c, n);
        for (int j = 0; j < cl->nnodes; j++) {
            if (cl->nodes[j].primary != k->core->cl_node || cl->nodes[j].down)
                continue;
            char port[16];
            snprintf(port, sizeof(port), "%d", cl->nodes[j].port);
            reply_array(k->c, 3);
            reply_cstr(k->c, cl->announce_ip);
            reply_cstr(k->c, port);
            reply_cstr(k->c, "0");
        }
        return;
    }
    reply_array(k->c, 3);
    reply_cstr(k->c, "master");
    reply_int(k->c, 0);
    reply_array(k->c, 0);
}

static void shutdown_cmd(struct call *k)
{
    int nosave = 0, save = 0;
    for (int i = 1; i < k->argc; i++) {
        if (arg_is(k, i, "nosave"))
            nosave = 1;
        else if (arg_is(k, i, "save"))
            save = 1;
        else if (!arg_is(k, i, "now") && !arg_is(k, i, "force")) {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    }
    if (nosave && save) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    /* While a script is busy only SHUTDOWN NOSAVE stops the server: the
     * data a half-run script left must not be saved (Redis's words). */
    if (k->core->busy && !nosave) {
        reply_err(k->c, k->core->busy == CORE_BUSY_FUNCTION ? RT_BUSY_FUNCTION : RT_BUSY);
        return;
    }
    /* Like Redis: no reply, the connection just ends as the server stops. */
    k->c->flags |= CL_CLOSE_AFTER_REPLY;
    if (k->core->srv)
        srv_stop(k->core->srv);
}

void cmd_latency_cfg(const struct core *core, long long *threshold_ms, int *track)
{
    *threshold_ms = core->cfg.latency_threshold_ms;
    *track = core->cfg.latency_tracking;
}

void cmd_slowlog_cfg(const struct core *core, long long *slower_than, long long *max_len)
{
    *slower_than = core->cfg.slowlog_slower_than;
    *max_len = core->cfg.slowlog_max_len;
}

static void slowlog_get_cmd(struct call *k)
{
    long long n = 10;
    if (k->argc > 3) {
        reply_errf(k->c, rtext[RT_SUBCMD_SYNTAX_FMT], k->argv[1], "SLOWLOG");
        return;
    }
    if (k->argc == 3) {
        if (!util_str2ll(k->argv[2], k->argl[2], &n) || n < -1) {
            reply_err(k->c, RT_SLOWLOG_COUNT);
            return;
        }
    }
    obs_slowlog_reply(k->core, k->c, n);
}

static void slowlog_len_cmd(struct call *k)
{
    reply_int(k->c, (long long)obs_slowlog_len(k->core));
}

static void slowlog_reset_cmd(struct call *k)
{
    obs_slowlog_reset(k->core);
    reply_ok(k->c);
}

static void slowlog_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

/* ---- LATENCY (latency.h) ---------------------------------------------------------- */

static void latency_latest_cmd(struct call *k)
{
    lat_latest_reply(k->core, k->c);
}

static void latency_history_cmd(struct call *k)
{
    lat_history_reply(k->core, k->c, k->argv[2]);
}

static void latency_reset_cmd(struct call *k)
{
    reply_int(k->c, lat_reset(k->core, k->argv + 2, k->argc - 2));
}

static void latency_graph_cmd(struct call *k)
{
    if (!lat_has_samples(k->core, k->argv[2])) {
        reply_errf(k->c, rtext[RT_LATENCY_NO_SAMPLES_FMT], k->argv[2]);
        return;
    }
    struct buf g = BUF_INIT;
    lat_graph(k->core, k->argv[2], &g);
    reply_verbatim(k->c, g.p, g.len);
    buf_free(&g);
}

static void latency_doctor_cmd(struct call *k)
{
    long long threshold, slower, maxlen;
    int track;
    cmd_latency_cfg(k->core, &threshold, &track);
    cmd_slowlog_cfg(k->core, &slower, &maxlen);
    struct buf r = BUF_INIT;
    if (lat_doctor(k->core, threshold, slower, &r))
        reply_verbatim(k->c, r.p, r.len);
    else if (threshold == 0) /* Redis: no event and monitoring off */
        reply_verbatim(k->c, rtext[RT_LATENCY_DOCTOR_OFF], strlen(rtext[RT_LATENCY_DOCTOR_OFF]));
    else
        reply_verbatim(k->c, rtext[RT_LATENCY_DOCTOR_CALM], strlen(rtext[RT_LATENCY_DOCTOR_CALM]));
    buf_free(&r);
}

/* LATENCY HISTOGRAM's commands: the named ones (a container names its
 * subcommands), or all. */
struct histo_ctx {
    const struct core *core;
    struct client *c; /* NULL: count only */
    int n;
};

static void histo_one(struct histo_ctx *x, const struct cmd_def *d, const struct cmd_def *parent)
{
    if (x->c == NULL) {
        x->n += lat_has_histogram(x->core, d->id);
        return;
    }
    size_t len = x->c->out.len;
    char name[96];
    cmd_fullname(d, parent, name, sizeof(name));
    reply_cstr(x->c, name);
    if (!lat_histogram_reply(x->core, x->c, d->id))
        x->c->out.len = len; /* no histogram: the name goes too (not counted) */
}

static void histo_cmd_and_subs(struct histo_ctx *x, const struct cmd_def *d)
{
    histo_one(x, d, NULL);
    for (const struct cmd_def *sub = d->subs; sub && sub->name; sub++)
        histo_one(x, sub, d);
}

static void histo_visit(const struct cmd_def *d, void *ud)
{
    histo_cmd_and_subs(ud, d);
}

/* The command named "name" or "container|sub", NULL if unknown. */
static const struct cmd_def *histo_lookup(const char *name, size_t len,
                                          const struct cmd_def **parent)
{
    const char *bar = memchr(name, '|', len);
    *parent = NULL;
    if (bar == NULL)
        return cmd_lookup(name, len);
    const struct cmd_def *top = cmd_lookup(name, (size_t)(bar - name));
    if (top == NULL || top->subs == NULL)
        return NULL;
    size_t sl = len - (size_t)(bar - name) - 1;
    for (const struct cmd_def *sub = top->subs; sub->name; sub++) {
        if (strlen(sub->name) == sl && strncasecmp(sub->name, bar + 1, sl) == 0) {
            *parent = top;
            return sub;
        }
    }
    return NULL;
}

static void histo_run(struct call *k, struct histo_ctx *x)
{
    if (k->argc == 2) {
        cmd_each(histo_visit, x);
        return;
    }
    for (int i = 2; i < k->argc; i++) {
        const struct cmd_def *parent, *d = histo_lookup(k->argv[i], k->argl[i], &parent);
        if (d == NULL)
            continue;
        if (parent)
            histo_one(x, d, parent);
        else
            histo_cmd_and_subs(x, d);
    }
}

static void latency_histogram_cmd(struct call *k)
{
    struct histo_ctx x = {k->core, NULL, 0};
    histo_run(k, &x);
    reply_map(k->c, x.n);
    x.c = k->c;
    histo_run(k, &x);
}

static void latency_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        // clang-format off
        "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
        // clang-format on
        "    If no commands are specified then all histograms are replied.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

// clang-format off
static struct cmd_def latency_subs[] = {
    {.name = "latest", .fn = latency_latest_cmd,
     .arity = 2, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special",
     .since = "2.8.13", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns the latest latency samples for all events."},
    {.name = "history", .fn = latency_history_cmd,
     .arity = 3, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special",
     .since = "2.8.13", .group = "server",
     .complexity = "O(1)",
     ARGS({.name = "event", .type = ARG_STRING}),
     .summary = "Returns timestamp-latency samples for an event."},
    {.name = "reset", .fn = latency_reset_cmd,
     .arity = -2, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "request_policy:all_nodes response_policy:all_succeeded",
     .since = "2.8.13", .group = "server",
     .complexity = "O(1)",
     ARGS({.name = "event", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Resets the latency data for one or more events."},
    {.name = "graph", .fn = latency_graph_cmd,
     .arity = 3, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special",
     .since = "2.8.13", .group = "server",
     .complexity = "O(1)",
     ARGS({.name = "event", .type = ARG_STRING}),
     .summary = "Returns a latency graph for an event."},
    {.name = "doctor", .fn = latency_doctor_cmd,
     .arity = 2, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special",
     .since = "2.8.13", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns a human-readable latency analysis report."},
    {.name = "histogram", .fn = latency_histogram_cmd,
     .arity = -2, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "nondeterministic_output request_policy:all_nodes response_policy:special",
     .since = "7.0.0", .group = "server",
     .complexity = "O(N) where N is the number of commands with latency information being retrieved.",
     ARGS({.name = "command", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Returns the cumulative distribution of latencies of a subset or all commands."},
    {.name = "help", .fn = latency_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW,
     .since = "2.8.13", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns helpful text about the different subcommands."},
    {.name = NULL},
};
// clang-format on

// clang-format off
static struct cmd_def config_subs[] = {
    {.name = "get", .fn = config_get_cmd,
     .arity = -3, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "2.0.0", .group = "server",
     .complexity = "O(N) when N is the number of configuration parameters provided",
     ARGS({.name = "parameter", .type = ARG_BLOCK, .aflags = ARGF_MULTIPLE,
           SUBARGS({.name = "parameter", .type = ARG_STRING})}),
     .summary = "Returns the effective values of configuration parameters."},
    {.name = "set", .fn = config_set_cmd, .getkeys = cmd_getkeys_set,
     .arity = -4, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "request_policy:all_nodes response_policy:all_succeeded",
     .since = "2.0.0", .group = "server",
     .complexity = "O(N) when N is the number of configuration parameters provided",
     ARGS({.name = "parameter_value", .type = ARG_BLOCK, .aflags = ARGF_MULTIPLE,
           SUBARGS({.name = "parameter", .type = ARG_STRING},
                   {.name = "value", .type = ARG_STRING})}),
     .summary = "Sets configuration parameters in-flight."},
    {.name = "resetstat", .fn = config_resetstat_cmd,
     .arity = 2, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "2.0.0", .group = "server",
     .complexity = "O(1)",
     .summary = "Resets the server's statistics."},
    {.name = "rewrite", .fn = config_rewrite_cmd,
     .arity = 2, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "2.8.0", .group = "server",
     .complexity = "O(1)",
     .summary = "Persists the effective configuration to file."},
    {.name = "help", .fn = config_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW,
     .since = "5.0.0", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns helpful text about the different subcommands."},
    {.name = NULL},
};
// clang-format on

// clang-format off
static struct cmd_def command_subs[] = {
    {.name = "count", .fn = command_count_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "2.8.13", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns a count of commands."},
    {.name = "docs", .fn = command_docs_cmd,
     .arity = -2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .tips = "nondeterministic_output_order",
     .since = "7.0.0", .group = "server",
     .complexity = "O(N) where N is the number of commands to look up",
     ARGS({.name = "command-name", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Returns documentary information about a command."},
    {.name = "info", .fn = command_info_cmd,
     .arity = -2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .tips = "nondeterministic_output_order",
     .since = "2.8.13", .group = "server",
     .complexity = "O(N) where N is the number of commands to look up",
     ARGS({.name = "command-name", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Returns information about one, multiple or all commands."},
    {.name = "list", .fn = command_list_cmd,
     .arity = -2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .tips = "nondeterministic_output_order",
     .since = "7.0.0", .group = "server",
     .complexity = "O(N) where N is the total number of Redis commands",
     ARGS({.name = "filterby", .type = ARG_ONEOF, .token = "FILTERBY", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "module-name", .type = ARG_STRING, .token = "MODULE"},
                   {.name = "category", .type = ARG_STRING, .token = "ACLCAT"},
                   {.name = "pattern", .type = ARG_PATTERN, .token = "PATTERN"})}),
     .summary = "Returns a list of command names."},
    {.name = "getkeys", .fn = command_getkeys_cmd,
     .arity = -4, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "2.8.13", .group = "server",
     .complexity = "O(N) where N is the number of arguments to the command",
     .summary = "Lists the key arguments of a full command line."},
    {.name = "getkeysandflags", .fn = command_getkeysandflags_cmd,
     .arity = -4, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "7.0.0", .group = "server",
     .complexity = "O(N) where N is the number of arguments to the command",
     .summary = "Lists the key arguments of a full command line, with each key's flags."},
    {.name = "help", .fn = command_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "5.0.0", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns helpful text about the different subcommands."},
    {.name = NULL},
};
// clang-format on

// clang-format off
static struct cmd_def slowlog_subs[] = {
    {.name = "get", .fn = slowlog_get_cmd,
     .arity = -2, .rflags = RF_ADMIN | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "request_policy:all_nodes nondeterministic_output",
     .since = "2.2.12", .group = "server",
     .complexity = "O(N) where N is the number of entries returned",
     ARGS({.name = "count", .type = ARG_INTEGER, .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the slow log's entries."},
    {.name = "len", .fn = slowlog_len_cmd,
     .arity = 2, .rflags = RF_ADMIN | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "request_policy:all_nodes response_policy:agg_sum nondeterministic_output",
     .since = "2.2.12", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns the number of entries in the slow log."},
    {.name = "reset", .fn = slowlog_reset_cmd,
     .arity = 2, .rflags = RF_ADMIN | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .tips = "request_policy:all_nodes response_policy:all_succeeded",
     .since = "2.2.12", .group = "server",
     .complexity = "O(N) where N is the number of entries in the slowlog",
     .summary = "Clears all entries from the slow log."},
    {.name = "help", .fn = slowlog_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW,
     .since = "6.2.0", .group = "server",
     .complexity = "O(1)",
     .summary = "Lists the SLOWLOG subcommands."},
    {.name = NULL},
};
// clang-format on

// clang-format off
struct cmd_def cmd_server_table[] = {
    {.name = "info", .fn = info_cmd,
     .arity = -1, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_DANGEROUS,
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
     .since = "1.0.0", .group = "server",
     .complexity = "O(1)",
     ARGS({.name = "section", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Returns information and statistics about the server."},
    {.name = "config", .subs = config_subs,
     .arity = -2,
     .acl = CAT_SLOW,
     .since = "2.0.0", .group = "server",
     .complexity = "Depends on subcommand.",
     .summary = "Groups the commands that read and change the configuration."},
    {.name = "dbsize", .fn = dbsize_cmd,
     .arity = 1, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_FAST,
     .tips = "request_policy:all_shards response_policy:agg_sum",
     .since = "1.0.0", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns the number of keys in the database."},
    {.name = "flushdb", .fn = flushdb_cmd,
     .arity = -1, .rflags = RF_WRITE,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_SLOW | CAT_DANGEROUS,
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .since = "1.0.0", .group = "server",
     .complexity = "O(N) where N is the number of keys in the selected database",
     ARGS({.name = "async", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "async", .type = ARG_PURE_TOKEN, .token = "ASYNC", .since = "4.0.0"},
                   {.name = "sync", .type = ARG_PURE_TOKEN, .token = "SYNC", .since = "6.2.0"})}),
     .summary = "Removes all keys from the current database."},
    {.name = "flushall", .fn = flushall_cmd,
     .arity = -1, .rflags = RF_WRITE,
     .acl = CAT_KEYSPACE | CAT_WRITE | CAT_SLOW | CAT_DANGEROUS,
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .since = "1.0.0", .group = "server",
     .complexity = "O(N) where N is the total number of keys in all databases",
     ARGS({.name = "async", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "async", .type = ARG_PURE_TOKEN, .token = "ASYNC", .since = "4.0.0"},
                   {.name = "sync", .type = ARG_PURE_TOKEN, .token = "SYNC", .since = "6.2.0"})}),
     .summary = "Removes all keys from all databases."},
    {.name = "command", .fn = command_cmd, .subs = command_subs,
     .arity = -1, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .tips = "nondeterministic_output_order",
     .since = "2.8.13", .group = "server",
     .complexity = "O(N) where N is the total number of Redis commands",
     .summary = "Returns detailed information about all commands."},
    {.name = "time", .fn = time_cmd,
     .arity = 1, .rflags = RF_LOADING | RF_STALE | RF_FAST,
     .acl = CAT_FAST,
     .tips = "nondeterministic_output",
     .since = "2.6.0", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns the server time."},
    {.name = "lastsave", .fn = lastsave_cmd,
     .arity = 1, .rflags = RF_LOADING | RF_STALE | RF_FAST,
     .acl = CAT_ADMIN | CAT_FAST | CAT_DANGEROUS,
     .tips = "nondeterministic_output",
     .since = "1.0.0", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns the Unix timestamp of the last successful save to disk."},
    {.name = "save", .fn = save_cmd,
     .arity = 1, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_NO_ASYNC_LOADING | RF_NO_MULTI,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "1.0.0", .group = "server",
     .complexity = "O(N) where N is the total number of keys in all databases",
     .summary = "Synchronously saves the database(s) to disk."},
    {.name = "bgsave", .fn = bgsave_cmd,
     .arity = -1, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "1.0.0", .group = "server",
     .complexity = "O(1)",
     ARGS({.name = "schedule", .type = ARG_PURE_TOKEN, .token = "SCHEDULE", .since = "3.2.2", .aflags = ARGF_OPTIONAL}),
     .summary = "Asynchronously saves the database(s) to disk."},
    {.name = "bgrewriteaof", .fn = bgrewriteaof_cmd,
     .arity = 1, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_NO_ASYNC_LOADING,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "1.0.0", .group = "server",
     .complexity = "O(1)",
     .summary = "Asynchronously rewrites the append-only file to disk."},
    {.name = "role", .fn = role_cmd,
     .arity = 1, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE | RF_FAST,
     .acl = CAT_ADMIN | CAT_FAST | CAT_DANGEROUS,
     .since = "2.8.12", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns the replication role."},
    {.name = "shutdown", .fn = shutdown_cmd,
     .arity = -1, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE | RF_NO_MULTI | RF_ALLOW_BUSY,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "1.0.0", .group = "server",
     .complexity = "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
     ARGS({.name = "nosave_save", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "nosave", .type = ARG_PURE_TOKEN, .token = "NOSAVE"},
                   {.name = "save", .type = ARG_PURE_TOKEN, .token = "SAVE"})},
          {.name = "now", .type = ARG_PURE_TOKEN, .token = "NOW", .since = "7.0.0", .aflags = ARGF_OPTIONAL},
          {.name = "force", .type = ARG_PURE_TOKEN, .token = "FORCE", .since = "7.0.0", .aflags = ARGF_OPTIONAL},
          {.name = "abort", .type = ARG_PURE_TOKEN, .token = "ABORT", .since = "7.0.0", .aflags = ARGF_OPTIONAL}),
     .summary = "Synchronously saves the database(s) to disk and shuts down the Redis server."},
    {.name = "latency", .subs = latency_subs,
     .arity = -2,
     .acl = CAT_SLOW,
     .since = "2.8.13", .group = "server",
     .complexity = "Depends on subcommand.",
     .summary = "Groups the latency diagnostics commands."},
    {.name = "slowlog", .subs = slowlog_subs,
     .arity = -2,
     .acl = CAT_SLOW,
     .since = "2.2.12", .group = "server",
     .complexity = "Depends on subcommand.",
     .summary = "Groups the commands about the slow log."},
    {.name = "lolwut", .fn = lolwut_cmd,
     .arity = -1, .rflags = RF_READONLY | RF_FAST,
     .acl = CAT_READ | CAT_FAST,
     .since = "5.0.0", .group = "server",
     ARGS({.name = "version", .type = ARG_INTEGER, .token = "VERSION", .aflags = ARGF_OPTIONAL}),
     .summary = "Shows the Redis version (the art of LOLWUT 5 and 6 is not drawn here)."},
    {.name = NULL},
};
// clang-format on
