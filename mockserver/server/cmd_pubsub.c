/* cmd_pubsub.c - SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE,
 * SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB, as Redis 7.0
 * (shard channels are channels of their own namespace; in cluster mode
 * PUBLISH and SPUBLISH also deliver on the other nodes, cluster.h).
 *
 * Each (un)subscription is confirmed by one reply per name, an array in
 * RESP2 and a push in RESP3:
 *   *3 $9 subscribe <channel> :<count>
 * where count is the client's channels + patterns after the change (shard
 * channels alone for SSUBSCRIBE/SUNSUBSCRIBE). UNSUBSCRIBE without names
 * drops every channel in subscription order; with none to drop it still
 * answers once, with a null name.
 *
 * The registry and the delivery of messages are in pubsub.c; what a
 * subscribed RESP2 client may run is checked by cmd_dispatch. */
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "cmd.h"
#include "mem.h"
#include "pubsub.h"
#include "reply.h"

static const char *const sub_names[PS_KINDS] = {"subscribe", "psubscribe", "ssubscribe"};
static const char *const unsub_names[PS_KINDS] = {"unsubscribe", "punsubscribe", "sunsubscribe"};

/* The count a confirmation of kind carries. */
static long long confirm_count(const struct client *c, enum ps_kind kind)
{
    if (kind == PS_SHARD)
        return (long long)ps_count(c, PS_SHARD);
    return (long long)(ps_count(c, PS_CHANNEL) + ps_count(c, PS_PATTERN));
}

/* One confirmation; name NULL writes a null name. */
static void confirm(struct client *c, const char *what, enum ps_kind kind, const char *name,
                    size_t len)
{
    if (c->proto == 3)
        buf_append(&c->out, ">3\r\n", 4);
    else
        reply_array(c, 3);
    reply_cstr(c, what);
    if (name)
        reply_bulk(c, name, len);
    else
        reply_null(c);
    reply_int(c, confirm_count(c, kind));
}

static void subscribe_kind(struct call *k, enum ps_kind kind)
{
    for (int i = 1; i < k->argc; i++) {
        ps_subscribe(k->core, k->c, kind, k->argv[i], k->argl[i]);
        confirm(k->c, sub_names[kind], kind, k->argv[i], k->argl[i]);
    }
}

static void unsubscribe_kind(struct call *k, enum ps_kind kind)
{
    struct client *c = k->c;
    if (k->argc > 1) {
        for (int i = 1; i < k->argc; i++) {
            ps_unsubscribe(k->core, c, kind, k->argv[i], k->argl[i]);
            confirm(c, unsub_names[kind], kind, k->argv[i], k->argl[i]);
        }
        return;
    }
    if (ps_count(c, kind) == 0) {
        confirm(c, unsub_names[kind], kind, NULL, 0);
        return;
    }
    size_t len;
    const char *name;
    while ((name = ps_first(c, kind, &len)) != NULL) {
        char *copy = mem_dup(name, len); /* the name goes with the subscription */
        ps_unsubscribe(k->core, c, kind, copy, len);
        confirm(c, unsub_names[kind], kind, copy, len);
        free(copy);
    }
}

static void subscribe_cmd(struct call *k)
{
    subscribe_kind(k, PS_CHANNEL);
}
static void psubscribe_cmd(struct call *k)
{
    subscribe_kind(k, PS_PATTERN);
}
static void ssubscribe_cmd(struct call *k)
{
    subscribe_kind(k, PS_SHARD);
}
static void unsubscribe_cmd(struct call *k)
{
    unsubscribe_kind(k, PS_CHANNEL);
}
static void punsubscribe_cmd(struct call *k)
{
    unsubscribe_kind(k, PS_PATTERN);
}
static void sunsubscribe_cmd(struct call *k)
{
    unsubscribe_kind(k, PS_SHARD);
}

/* In cluster mode the message also reaches the other nodes' subscribers
 * (cluster_publish: every node, or the shard's); the reply counts this
 * node's receivers only, as Redis's does. */
static void publish_cmd(struct call *k)
{
    reply_int(k->c, ps_publish(k->core, k->c, 0, k->argv[1], k->argl[1], k->argv[2], k->argl[2]));
    if (k->core->cluster)
        cluster_publish(k->core, 0, k->argv[1], k->argl[1], k->argv[2], k->argl[2]);
}

static void spublish_cmd(struct call *k)
{
    reply_int(k->c, ps_publish(k->core, k->c, 1, k->argv[1], k->argl[1], k->argv[2], k->argl[2]));
    if (k->core->cluster)
        cluster_publish(k->core, 1, k->argv[1], k->argl[1], k->argv[2], k->argl[2]);
}

/* ---- PUBSUB ---------------------------------------------------------------------- */

struct name_list {
    struct buf items; /* the bulk strings, already encoded */
    long long n;
};

static void collect(void *ud, const char *name, size_t len)
{
    struct name_list *l = ud;
    resp_w_bulk(&l->items, name, len);
    l->n++;
}

static void channels_reply(struct call *k, int shard)
{
    if (k->argc > 3) {
        reply_errf(k->c, rtext[RT_SUBCMD_SYNTAX_FMT], k->argv[1], "PUBSUB");
        return;
    }
    struct name_list l = {BUF_INIT, 0};
    ps_each_channel(k->core, shard, k->argc == 3 ? k->argv[2] : NULL, k->argc == 3 ? k->argl[2] : 0,
                    collect, &l);
    reply_array(k->c, l.n);
    if (l.items.len)
        buf_append(&k->c->out, l.items.p, l.items.len);
    buf_free(&l.items);
}

static void numsub_reply(struct call *k, int shard)
{
    reply_array(k->c, 2LL * (k->argc - 2)); /* pairs, but an array in RESP3 too */
    for (int i = 2; i < k->argc; i++) {
        reply_bulk(k->c, k->argv[i], k->argl[i]);
        reply_int(k->c, (long long)ps_numsub(k->core, shard, k->argv[i], k->argl[i]));
    }
}

static void pubsub_channels_cmd(struct call *k)
{
    channels_reply(k, 0);
}
static void pubsub_shardchannels_cmd(struct call *k)
{
    channels_reply(k, 1);
}
static void pubsub_numsub_cmd(struct call *k)
{
    numsub_reply(k, 0);
}
static void pubsub_shardnumsub_cmd(struct call *k)
{
    numsub_reply(k, 1);
}

static void pubsub_numpat_cmd(struct call *k)
{
    reply_int(k->c, (long long)ps_npatterns(k->core));
}

static void pubsub_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

// clang-format off
static struct cmd_def pubsub_subs[] = {
    {.name = "channels", .fn = pubsub_channels_cmd,
     .arity = -2, .rflags = RF_PUBSUB | RF_LOADING | RF_STALE,
     .acl = CAT_PUBSUB | CAT_SLOW,
     .since = "2.8.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)",
     ARGS({.name = "pattern", .type = ARG_PATTERN, .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the active channels."},
    {.name = "numpat", .fn = pubsub_numpat_cmd,
     .arity = 2, .rflags = RF_PUBSUB | RF_LOADING | RF_STALE,
     .acl = CAT_PUBSUB | CAT_SLOW,
     .since = "2.8.0", .group = "pubsub",
     .complexity = "O(1)",
     .summary = "Returns a count of unique pattern subscriptions."},
    {.name = "numsub", .fn = pubsub_numsub_cmd,
     .arity = -2, .rflags = RF_PUBSUB | RF_LOADING | RF_STALE,
     .acl = CAT_PUBSUB | CAT_SLOW,
     .since = "2.8.0", .group = "pubsub",
     .complexity = "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
     ARGS({.name = "channel", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Returns a count of subscribers to channels."},
    {.name = "shardchannels", .fn = pubsub_shardchannels_cmd,
     .arity = -2, .rflags = RF_PUBSUB | RF_LOADING | RF_STALE,
     .acl = CAT_PUBSUB | CAT_SLOW,
     .since = "7.0.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).",
     ARGS({.name = "pattern", .type = ARG_PATTERN, .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the active shard channels."},
    {.name = "shardnumsub", .fn = pubsub_shardnumsub_cmd,
     .arity = -2, .rflags = RF_PUBSUB | RF_LOADING | RF_STALE,
     .acl = CAT_PUBSUB | CAT_SLOW,
     .since = "7.0.0", .group = "pubsub",
     .complexity = "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
     ARGS({.name = "shardchannel", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Returns the count of subscribers of shard channels."},
    {.name = "help", .fn = pubsub_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW,
     .since = "6.2.0", .group = "pubsub",
     .complexity = "O(1)",
     .summary = "Returns helpful text about the different subcommands."},
    {.name = NULL},
};
// clang-format on

// clang-format off
struct cmd_def cmd_pubsub_table[] = {
    {.name = "subscribe", .fn = subscribe_cmd, .flags = CMD_PUBSUB_OK,
     .arity = -2, .rflags = RF_PUBSUB | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_PUBSUB | CAT_SLOW,
     .since = "2.0.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of channels to subscribe to.",
     ARGS({.name = "channel", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Listens for messages published to channels."},
    {.name = "unsubscribe", .fn = unsubscribe_cmd, .flags = CMD_PUBSUB_OK,
     .arity = -1, .rflags = RF_PUBSUB | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_PUBSUB | CAT_SLOW,
     .since = "2.0.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of clients already subscribed to a channel.",
     ARGS({.name = "channel", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Stops listening to messages posted to channels."},
    {.name = "psubscribe", .fn = psubscribe_cmd, .flags = CMD_PUBSUB_OK,
     .arity = -2, .rflags = RF_PUBSUB | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_PUBSUB | CAT_SLOW,
     .since = "2.0.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of patterns the client is already subscribed to.",
     ARGS({.name = "pattern", .type = ARG_BLOCK, .aflags = ARGF_MULTIPLE,
           SUBARGS({.name = "pattern", .type = ARG_PATTERN})}),
     .summary = "Listens for messages published to channels that match one or more patterns."},
    {.name = "punsubscribe", .fn = punsubscribe_cmd, .flags = CMD_PUBSUB_OK,
     .arity = -1, .rflags = RF_PUBSUB | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_PUBSUB | CAT_SLOW,
     .since = "2.0.0", .group = "pubsub",
     .complexity = "O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).",
     ARGS({.name = "pattern", .type = ARG_PATTERN, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Stops listening to messages published to channels that match one or more patterns."},
    {.name = "ssubscribe", .fn = ssubscribe_cmd, .flags = CMD_PUBSUB_OK,
     .arity = -2, .rflags = RF_PUBSUB | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_PUBSUB | CAT_SLOW,
     .first = 1, .last = -1, .step = 1,
     KEYSPECS({KS_NOT_KEY, BS_INDEX(1), FK_RANGE(-1, 1, 0)}),
     .since = "7.0.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of shard channels to subscribe to.",
     ARGS({.name = "shardchannel", .type = ARG_STRING, .aflags = ARGF_MULTIPLE}),
     .summary = "Listens for messages published to shard channels."},
    {.name = "sunsubscribe", .fn = sunsubscribe_cmd, .flags = CMD_PUBSUB_OK,
     .arity = -1, .rflags = RF_PUBSUB | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_PUBSUB | CAT_SLOW,
     .first = 1, .last = -1, .step = 1,
     KEYSPECS({KS_NOT_KEY, BS_INDEX(1), FK_RANGE(-1, 1, 0)}),
     .since = "7.0.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of clients already subscribed to a shard channel.",
     ARGS({.name = "shardchannel", .type = ARG_STRING, .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE}),
     .summary = "Stops listening to messages posted to shard channels."},
    {.name = "publish", .fn = publish_cmd, .flags = CMD_MAY_REPLICATE,
     .arity = 3, .rflags = RF_PUBSUB | RF_LOADING | RF_STALE | RF_FAST,
     .acl = CAT_PUBSUB | CAT_FAST,
     .since = "2.0.0", .group = "pubsub",
     .complexity = "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
     ARGS({.name = "channel", .type = ARG_STRING},
          {.name = "message", .type = ARG_STRING}),
     .summary = "Posts a message to a channel."},
    {.name = "spublish", .fn = spublish_cmd, .flags = CMD_MAY_REPLICATE,
     .arity = 3, .rflags = RF_PUBSUB | RF_LOADING | RF_STALE | RF_FAST,
     .acl = CAT_PUBSUB | CAT_FAST,
     .first = 1, .last = 1, .step = 1,
     KEYSPECS({KS_NOT_KEY, BS_INDEX(1), FK_RANGE(0, 1, 0)}),
     .since = "7.0.0", .group = "pubsub",
     .complexity = "O(N) where N is the number of clients subscribed to the receiving shard channel.",
     ARGS({.name = "shardchannel", .type = ARG_STRING},
          {.name = "message", .type = ARG_STRING}),
     .summary = "Sends a message to the subscribers of a shard channel."},
    {.name = "pubsub", .subs = pubsub_subs,
     .arity = -2,
     .acl = CAT_SLOW,
     .since = "2.8.0", .group = "pubsub",
     .complexity = "Depends on subcommand.",
     .summary = "Groups the commands that inspect Pub/Sub channels and patterns."},
    {.name = NULL},
};
// clang-format on
