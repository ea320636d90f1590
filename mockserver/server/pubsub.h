/* pubsub.h - who listens to which channel: the Pub/Sub registry.
 *
 * Three kinds of subscription, as in Redis 7.0: channels (SUBSCRIBE),
 * patterns (PSUBSCRIBE, glob as KEYS uses) and shard channels (SSUBSCRIBE;
 * without a cluster they behave like channels of their own namespace). The
 * registry maps each name to its subscribers in the order they subscribed,
 * and each client keeps its own subscriptions in the order it made them.
 *
 * Publishing writes the message into every receiver's c->out; for a
 * receiver other than the publisher, core->on_output(c, from) then tells
 * the network side that c has new output from offset `from` on (it must
 * not flush or close c from inside that call: the publish loop is still
 * running). A receiver being closed (CL_CLOSE_AFTER_REPLY, CL_CLOSE_ASAP)
 * is counted but written nothing, as Redis does.
 *
 * No I/O, no replies to the subscribing client: cmd_pubsub.c writes the
 * confirmations. A client's subscriptions go with it (ps_forget, from
 * core_client_free) or with RESET. */
#ifndef MOCKREDIS_PUBSUB_H
#define MOCKREDIS_PUBSUB_H

#include <stddef.h>

struct core;
struct client;

enum ps_kind { PS_CHANNEL = 0, PS_PATTERN = 1, PS_SHARD = 2 };
#define PS_KINDS 3

/* Subscribes c to name. Returns 1 when it is new, 0 when c already had it. */
int ps_subscribe(struct core *core, struct client *c, enum ps_kind kind, const char *name,
                 size_t len);
/* Unsubscribes c from name. Returns 1 when c had it, 0 otherwise. */
int ps_unsubscribe(struct core *core, struct client *c, enum ps_kind kind, const char *name,
                   size_t len);
/* Number of c's subscriptions of one kind. */
size_t ps_count(const struct client *c, enum ps_kind kind);
/* Channels + patterns + shard channels: nonzero puts a RESP2 client in the
 * subscribed state (only (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PING, QUIT and
 * RESET run; CLIENT LIST shows flag P). */
size_t ps_total(const struct client *c);
/* c's oldest subscription of a kind (the next one UNSUBSCRIBE without
 * arguments drops); NULL when it has none. *len gets its length. The
 * pointer is valid until that subscription is dropped. */
const char *ps_first(const struct client *c, enum ps_kind kind, size_t *len);

/* Delivers msg on channel (a shard channel with shard set) to its
 * subscribers, then, for a plain channel, to every client with a matching
 * pattern, as "message"/"smessage"/"pmessage" arrays (pushes in RESP3).
 * Returns the number of receivers: a client that listens to the channel
 * and to a matching pattern counts, and gets the message, twice. from is
 * the publishing client (no on_output call for it), may be NULL. */
long long ps_publish(struct core *core, struct client *from, int shard, const char *ch,
                     size_t chlen, const char *msg, size_t mlen);

/* Registry-wide figures: distinct channels (shard ones with shard set)
 * with at least one subscriber, distinct patterns. */
size_t ps_nchannels(const struct core *core, int shard);
size_t ps_npatterns(const struct core *core);
/* Subscribers of one channel (shard or not), patterns not counted. */
size_t ps_numsub(const struct core *core, int shard, const char *ch, size_t len);
/* Calls fn for every channel (shard or not) with subscribers whose name
 * matches pat (all when pat is NULL), oldest first. */
void ps_each_channel(const struct core *core, int shard, const char *pat, size_t plen,
                     void (*fn)(void *ud, const char *name, size_t len), void *ud);

/* Drops every subscription of c, without replies (disconnect, RESET). */
void ps_forget(struct core *core, struct client *c);
/* Frees the registry (core_destroy, after every client was freed). */
void ps_destroy(struct core *core);

#endif
