/* cmd_object.c - OBJECT ENCODING, FREQ, IDLETIME, REFCOUNT and HELP.
 *
 * OBJECT reads a key without touching its access bookkeeping (Redis's
 * LOOKUP_NOTOUCH): the idle time and frequency come from evict.h, the
 * encoding from the memory model (memory.h). A missing key answers the
 * null reply, before any other check.
 *
 * Depends on: cmd.h, evict.h, memory.h, reply.h. */
#include <limits.h>
#include <string.h>

#include "cmd.h"
#include "evict.h"
#include "memory.h"
#include "reply.h"
#include "util.h"

/* The key at argument 2, NULL (after the null reply) when it is missing.
 * As Redis's lookup for OBJECT: a hit or a miss is counted, a key whose
 * TTL passed is expired (its event published), but no `keymiss` event. */
static struct obj *object_lookup(struct call *k)
{
    struct db *db = cmd_db(k);
    struct obj *o = NULL;
    if (db_state(db, k->argv[2], k->argl[2], cmd_now(k)) == DB_LIVE) {
        o = db_lookup_read_notouch(db, k->argv[2], k->argl[2], cmd_now(k));
    } else {
        (void)db_lookup(db, k->argv[2], k->argl[2], cmd_now(k)); /* expires it, if stored */
        db->misses++;
    }
    if (o == NULL)
        reply_null(k->c);
    return o;
}

static void object_encoding_cmd(struct call *k)
{
    struct obj *o = object_lookup(k);
    if (o)
        reply_cstr(k->c, mem_encoding(o));
}

/* Redis shares the integers 0..9999 (refcount INT_MAX) unless maxmemory
 * is set with an LRU or LFU policy, which needs a bookkeeping per key. */
static void object_refcount_cmd(struct call *k)
{
    struct obj *o = object_lookup(k);
    if (o == NULL)
        return;
    int p = k->core->cfg.mm_policy;
    int per_key = k->core->cfg.maxmemory > 0 &&
                  (p == EVICT_ALLKEYS_LRU || p == EVICT_VOLATILE_LRU || evict_lfu(k->core));
    long long v;
    int shared = o->type == OBJ_STRING && strcmp(mem_encoding(o), "int") == 0 &&
                 util_str2ll(o->u.str.p, o->u.str.len, &v) && v >= 0 && v < 10000 && !per_key;
    reply_int(k->c, shared ? INT_MAX : 1);
}

static void object_idletime_cmd(struct call *k)
{
    struct obj *o = object_lookup(k);
    if (o == NULL)
        return;
    if (evict_lfu(k->core)) {
        reply_err(k->c, RT_OBJECT_LFU);
        return;
    }
    reply_int(k->c, evict_idle_seconds(k->core, o));
}

static void object_freq_cmd(struct call *k)
{
    struct obj *o = object_lookup(k);
    if (o == NULL)
        return;
    if (!evict_lfu(k->core)) {
        reply_err(k->c, RT_OBJECT_NO_LFU);
        return;
    }
    reply_int(k->c, evict_freq(k->core, o));
}

static void object_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

// clang-format off
static struct cmd_def object_subs[] = {
    {.name = "encoding", .fn = object_encoding_cmd,
     .arity = 3, .rflags = RF_READONLY,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "2.2.3", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "The internal encoding of the value at a key."},
    {.name = "freq", .fn = object_freq_cmd,
     .arity = 3, .rflags = RF_READONLY,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "4.0.0", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "The logarithmic access counter of a key (LFU policies)."},
    {.name = "help", .fn = object_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_KEYSPACE | CAT_SLOW,
     .since = "6.2.0", .group = "generic",
     .complexity = "O(1)",
     .summary = "Lists the OBJECT subcommands."},
    {.name = "idletime", .fn = object_idletime_cmd,
     .arity = 3, .rflags = RF_READONLY,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "2.2.3", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "Seconds since a key was last read or written."},
    {.name = "refcount", .fn = object_refcount_cmd,
     .arity = 3, .rflags = RF_READONLY,
     .acl = CAT_KEYSPACE | CAT_READ | CAT_SLOW,
     .first = 2, .last = 2, .step = 1,
     .tips = "nondeterministic_output",
     KEYSPECS({KS_RO, BS_INDEX(2), FK_RANGE(0, 1, 0)}),
     .since = "2.2.3", .group = "generic",
     .complexity = "O(1)",
     ARGS({.name = "key", .type = ARG_KEY, ARG_KS(0)}),
     .summary = "How many references the value of a key has."},
    {.name = NULL},
};

struct cmd_def cmd_object_table[] = {
    {.name = "object", .subs = object_subs,
     .arity = -2,
     .acl = CAT_SLOW,
     .since = "2.2.3", .group = "generic",
     .complexity = "Depends on subcommand.",
     .summary = "Inspects the internals of the value at a key."},
    {.name = NULL},
};
// clang-format on
