/* cmd_memory.c - MEMORY USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE, HELP.
 *
 * Every figure comes from the memory model (memory.h), not from
 * mockredis's own allocations: MEMORY USAGE is the model's reckoning of
 * one key as Redis 7.0.15's objectComputeSize counts it (elements of a
 * big value sampled, 5 by default), MEMORY STATS the model's used memory
 * and its parts with Redis's field names and order. mockredis reports
 * itself as built on libc malloc (INFO's mem_allocator), so MALLOC-STATS
 * answers what Redis answers for that allocator and PURGE does nothing.
 *
 * Depends on: cmd.h (the table), memory.h, the keyspace (db.h). */
#include <limits.h>
#include <stdio.h>

#include "cmd.h"
#include "memory.h"
#include "reply.h"

/* MEMORY USAGE key [SAMPLES count]: an expired key not yet deleted counts
 * too (Redis looks the key up without expiring it). */
static void memory_usage_cmd(struct call *k)
{
    long long samples = 5;
    for (int i = 3; i < k->argc; i++) {
        if (arg_is(k, i, "samples") && i + 1 < k->argc) {
            if (arg_ll(k, i + 1, &samples) < 0)
                return;
            if (samples < 0) {
                reply_err(k->c, RT_SYNTAX);
                return;
            }
            i++;
        } else {
            reply_err(k->c, RT_SYNTAX);
            return;
        }
    }
    const struct obj *o = db_peek(cmd_db(k), k->argv[2], k->argl[2]);
    if (o == NULL) {
        reply_null(k->c);
        return;
    }
    reply_int(k->c, (long long)mem_key_usage(k->argv[2], k->argl[2], o, samples));
}

static void stat_int(struct client *c, const char *name, size_t v)
{
    reply_cstr(c, name);
    reply_int(c, (long long)v);
}

static void stat_double(struct client *c, const char *name, double v)
{
    reply_cstr(c, name);
    reply_double(c, (double)(float)v); /* Redis computes these as floats */
}

static void memory_stats_cmd(struct call *k)
{
    struct mem_stats st;
    mem_stats(k->core, &st);
    struct client *c = k->c;
    int ndb = 0;
    for (int i = 0; i < DB_COUNT; i++)
        ndb += db_size(&k->core->db[i]) > 0;
    reply_map(c, 27 + ndb);
    stat_int(c, "peak.allocated", st.peak);
    stat_int(c, "total.allocated", st.used);
    stat_int(c, "startup.allocated", st.startup);
    stat_int(c, "replication.backlog", 0);
    stat_int(c, "clients.slaves", 0);
    stat_int(c, "clients.normal", st.clients_normal);
    stat_int(c, "cluster.links", 0);
    stat_int(c, "aof.buffer", 0);
    stat_int(c, "lua.caches", st.lua_caches);
    stat_int(c, "functions.caches", st.functions_caches);
    for (int i = 0; i < DB_COUNT; i++) {
        if (db_size(&k->core->db[i]) == 0)
            continue;
        char name[16];
        snprintf(name, sizeof(name), "db.%d", i);
        reply_cstr(c, name);
        reply_map(c, 3);
        stat_int(c, "overhead.hashtable.main", mem_db_overhead_main(k->core, i));
        stat_int(c, "overhead.hashtable.expires", mem_db_overhead_expires(k->core, i));
        stat_int(c, "overhead.hashtable.slot-to-keys", 0);
    }
    size_t net = st.used > st.startup ? st.used - st.startup : 1;
    stat_int(c, "overhead.total", st.overhead);
    stat_int(c, "keys.count", st.keys);
    stat_int(c, "keys.bytes-per-key", st.keys ? net / st.keys : 0);
    stat_int(c, "dataset.bytes", st.dataset);
    stat_double(c, "dataset.percentage", (double)st.dataset * 100 / (double)net);
    stat_double(c, "peak.percentage", (double)st.used * 100 / (double)st.peak);
    stat_int(c, "allocator.allocated", st.allocated);
    stat_int(c, "allocator.active", st.active);
    stat_int(c, "allocator.resident", st.resident);
    stat_double(c, "allocator-fragmentation.ratio", (double)st.active / (double)st.allocated);
    stat_int(c, "allocator-fragmentation.bytes", st.active - st.allocated);
    stat_double(c, "allocator-rss.ratio", (double)st.resident / (double)st.active);
    stat_int(c, "allocator-rss.bytes", st.resident - st.active);
    stat_double(c, "rss-overhead.ratio", (double)st.rss / (double)st.resident);
    stat_int(c, "rss-overhead.bytes", st.rss - st.resident);
    stat_double(c, "fragmentation", (double)st.rss / (double)st.used);
    stat_int(c, "fragmentation.bytes", st.rss - st.used);
}

static void memory_doctor_cmd(struct call *k)
{
    const char *r = mem_doctor(k->core);
    reply_verbatim(k->c, r, strlen(r));
}

static void memory_malloc_stats_cmd(struct call *k)
{
    reply_cstr(k->c, "Stats not supported for the current allocator");
}

static void memory_purge_cmd(struct call *k)
{
    reply_ok(k->c);
}

static void memory_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
        "HELP",
        "    Prints this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

// clang-format off
static struct cmd_def memory_subs[] = {
    {.name = "doctor", .fn = memory_doctor_cmd,
     .arity = 2,
     .acl = CAT_SLOW,
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
     .since = "4.0.0", .group = "server",
     .complexity = "O(1)",
     .summary = "Reports what the memory model sees as memory problems."},
    {.name = "malloc-stats", .fn = memory_malloc_stats_cmd,
     .arity = 2,
     .acl = CAT_SLOW,
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
     .since = "4.0.0", .group = "server",
     .complexity = "Depends on how much memory is allocated, could be slow",
     .summary = "Returns the allocator's statistics report."},
    {.name = "purge", .fn = memory_purge_cmd,
     .arity = 2,
     .acl = CAT_SLOW,
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .since = "4.0.0", .group = "server",
     .complexity = "Depends on how much memory is allocated, could be slow",
     .summary = "Asks the allocator to release memory (nothing to do here)."},
    {.name = "stats", .fn = memory_stats_cmd,
     .arity = 2,
     .acl = CAT_SLOW,
     .tips = "nondeterministic_output request_policy:all_shards response_policy:special",
     .since = "4.0.0", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns the memory model's figures of the server."},
    {.name = "usage", .fn = memory_usage_cmd,
     .arity = -3, .rflags = RF_READONLY,
     .acl = CAT_READ | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     KEYSPECS({KS_RO, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "4.0.0", .group = "server",
     .complexity = "O(N) where N is the number of samples.",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)},
          {.name = "count", .type = ARG_INTEGER, .token = "SAMPLES", .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the bytes a key and its value take by the memory model."},
    {.name = "help", .fn = memory_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW,
     .since = "4.0.0", .group = "server",
     .complexity = "O(1)",
     .summary = "Returns helpful text about the different subcommands."},
    {.name = NULL},
};

struct cmd_def cmd_memory_table[] = {
    {.name = "memory", .subs = memory_subs,
     .arity = -2,
     .acl = CAT_SLOW,
     .since = "4.0.0", .group = "server",
     .complexity = "Depends on subcommand.",
     .summary = "Groups the commands that inspect memory use."},
    {.name = NULL},
};
// clang-format on
