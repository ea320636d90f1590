/* rc_cluster.h - a blocking client for Redis Cluster (pitfall P13).
 *
 * In a cluster every key lives in one of 16384 slots (CRC16 of the key, or
 * of its hash tag, modulo 16384) and every slot is served by one primary.
 * A node asked for a key it does not serve does not forward the command: it
 * answers with an error that names the right node, and the client must go
 * there itself. Code written for one Redis takes those errors for failures:
 *
 *   -MOVED 3999 127.0.0.1:7001   slot 3999 lives on 127.0.0.1:7001 now and
 *                                from now on: update the slot map, resend
 *                                there.
 *   -ASK 3999 127.0.0.1:7001     slot 3999 is being migrated and this key is
 *                                already on 127.0.0.1:7001: send ASKING then
 *                                the command there, this once; the map does
 *                                not change (the slot still belongs here).
 *   -TRYAGAIN ...                a multi-key command whose keys are split
 *                                across a migration: retry a little later.
 *   -CROSSSLOT ...               the keys of one command hash to different
 *                                slots: no node can run it. Put keys that
 *                                belong together under one hash tag:
 *                                "{user:42}:name", "{user:42}:visits".
 *   -CLUSTERDOWN ...             the cluster cannot serve the slot.
 *
 * struct rc_cluster does all of that for its caller:
 *  - it reads the slot map (CLUSTER SLOTS: the primary of each range) from
 *    a seed node when it connects, and again after every MOVED;
 *  - it routes each command to the primary of its key's slot, over one
 *    rc_conn per node, opened when that node is first needed (with the
 *    rc_config's timeouts: every call still has a timeout, P11);
 *  - it follows MOVED (map refreshed, command resent to the named node) and
 *    ASK (ASKING + the command on the named node, map unchanged), at most
 *    max_redirects times per call (default 5): a cluster whose nodes send a
 *    command round in a loop gives RC_ERR_REDIRECTS, naming the nodes, not
 *    a hang;
 *  - it retries TRYAGAIN a bounded number of times, with a short wait;
 *  - it refuses, without sending anything, a multi-key call whose keys hash
 *    to different slots (RC_ERR_CROSSSLOT): the mistake is found in the
 *    client, with the slots named, not as a server error at run time;
 *  - after a node's connection fails (a failover closed it, the node went
 *    down) it reads the map again from another node and resends the command
 *    once the map names another node for the slot. Like redis-py's and
 *    Jedis's cluster clients, it cannot know whether the failed node ran
 *    the command before its connection broke: a non-idempotent command
 *    (INCR) can then run twice. A command whose slot did not change owner
 *    is not resent (RC_ERR_IO).
 *  - it counts what it followed (struct rc_cluster_stats), so that tests and
 *    lessons can compare with the server's own counters.
 *
 * Return convention and statuses as in rc.h (rc_status.h), plus the
 * cluster's own: RC_ERR_CROSSSLOT, RC_ERR_REDIRECTS, RC_ERR_TRYAGAIN,
 * RC_ERR_CLUSTERDOWN. The message of the last failed call is in
 * rc_cluster_errmsg().
 *
 * Not here on purpose: reads from replicas (READONLY), pipelining across
 * nodes, MULTI/EXEC and Pub/Sub, commands that must run on every node (KEYS,
 * FLUSHALL, SCAN). A struct rc_cluster has one owner, like struct rc_conn
 * (P9): one per thread. */
#ifndef MOCKREDIS_RC_CLUSTER_H
#define MOCKREDIS_RC_CLUSTER_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "rc.h"
#include "rc_config.h"
#include "rc_status.h"

#define RC_CLUSTER_SLOTS                 16384
#define RC_CLUSTER_MAX_REDIRECTS_DEFAULT 5
#define RC_CLUSTER_TRYAGAIN_DEFAULT      5  /* TRYAGAIN retries per call */
#define RC_CLUSTER_TRYAGAIN_WAIT_MS      20 /* between two of them */

/* One cluster client; opaque; one owner at a time. */
struct rc_cluster;

/* What the client followed since rc_cluster_connect. */
struct rc_cluster_stats {
    unsigned long moved;     /* MOVED redirects followed */
    unsigned long ask;       /* ASK redirects followed (ASKING sent each time) */
    unsigned long tryagain;  /* TRYAGAIN replies waited out and retried */
    unsigned long io_retry;  /* commands resent to a new owner after a node's connection failed */
    unsigned long refreshes; /* slot maps read with CLUSTER SLOTS, the first one included */
    unsigned long connects;  /* connections opened to nodes, reconnects included */
};

/* The slot of a key, as every node computes it: CRC16 (XMODEM) of the key,
 * modulo 16384 -- or, when the key has a hash tag, of the tag alone: the
 * bytes between the first '{' and the first '}' after it, if there is at
 * least one byte between them ("{user:42}:name" hashes "user:42"; "{}x"
 * and "x{" hash the whole key). Needs no cluster: use it to check that keys
 * you mean to use together share a slot. */
unsigned rc_cluster_slot(const char *key, size_t keylen);

/* Connects to the cluster through seeds, a comma-separated list of
 * "host:port" ("127.0.0.1:7000,127.0.0.1:7001"; "[::1]:7000" for IPv6):
 * asks each seed in turn for the slot map until one answers. *cfg gives the
 * timeouts of every node connection (copied; its host and port are not
 * used). Returns RC_OK and *out; else *out = NULL, a message in err (err
 * may be NULL), and RC_ERR_ARG (seeds unreadable), or the status of the
 * last seed tried (RC_ERR_IO: none answered; RC_ERR_REPLY: a node that is
 * not in cluster mode, "ERR This instance has cluster support disabled"). */
enum rc_status rc_cluster_connect(const struct rc_config *cfg, const char *seeds,
                                  struct rc_cluster **out, char *err, size_t errlen);
/* Closes every node connection and frees cl. NULL is fine. */
void rc_cluster_close(struct rc_cluster *cl);

/* Most MOVED + ASK redirects (and resends after a failed node) followed in
 * one call; n < 0 counts as 0 (no redirect followed at all). */
void rc_cluster_set_max_redirects(struct rc_cluster *cl, int n);
/* TRYAGAIN: retried at most attempts times per call, wait_ms apart (0: at
 * once). Defaults RC_CLUSTER_TRYAGAIN_DEFAULT, RC_CLUSTER_TRYAGAIN_WAIT_MS. */
void rc_cluster_set_tryagain(struct rc_cluster *cl, int attempts, int wait_ms);

/* The message of the last failed call ("" if none failed yet): the node's
 * error text, or the client's own ("slots 5474 and 9189 differ: ..."). Valid
 * until the next call on cl. */
const char *rc_cluster_errmsg(const struct rc_cluster *cl);
/* The counters since rc_cluster_connect. */
struct rc_cluster_stats rc_cluster_stats(const struct rc_cluster *cl);

/* Reads the slot map again (CLUSTER SLOTS from the first node that
 * answers). Calls do this by themselves after MOVED; RC_OK, or the status
 * of the last node tried (the old map is kept). */
enum rc_status rc_cluster_refresh(struct rc_cluster *cl);
/* The address of the primary serving slot in the client's map, as
 * "host:port" in out (size bytes). RC_OK, RC_MISSING when the map has no
 * node for it, RC_ERR_ARG for a slot out of range. */
enum rc_status rc_cluster_slot_node(const struct rc_cluster *cl, unsigned slot, char *out,
                                    size_t size);

/* The general form: any command of argc arguments (argvlen NULL: C
 * strings), routed by its keys: argv[first], argv[first + step], ... up to
 * argv[last] (last < 0 counts from the end, -1 being the last argument),
 * as COMMAND INFO gives them: GET is 1, 1, 1; MSET 1, -1, 2; DEL 1, -1, 1.
 * first = 0: a command without keys, sent to any node. All keys must share
 * one slot, else RC_ERR_CROSSSLOT and nothing is sent. Replies and
 * statuses as rc_cmd_argv (RC_OK: *out is the caller's, freed with
 * freeReplyObject). */
enum rc_status rc_cluster_cmd_argv(struct rc_cluster *cl, int argc, const char **argv,
                                   const size_t *argvlen, int first, int last, int step,
                                   redisReply **out);

/* The typed calls of rc.h, routed by their key; same outputs and
 * statuses. */
enum rc_status rc_cluster_get(struct rc_cluster *cl, const char *key, size_t keylen,
                              struct rc_value *out);
enum rc_status rc_cluster_set(struct rc_cluster *cl, const char *key, size_t keylen,
                              const char *val, size_t vallen, long long ttl_ms);
enum rc_status rc_cluster_incrby(struct rc_cluster *cl, const char *key, size_t keylen,
                                 long long by, long long *out);

/* MSET of n keys and values (keys[i] of keylens[i] bytes -> vals[i]) in one
 * command: atomic, as on one Redis, because all the keys are on one node.
 * That holds only when they share a slot: keys of different slots give
 * RC_ERR_CROSSSLOT before anything is sent, the two slots named in the
 * message. Use one hash tag for keys written together. */
enum rc_status rc_cluster_mset(struct rc_cluster *cl, int n, const char *const *keys,
                               const size_t *keylens, const char *const *vals,
                               const size_t *vallens);

#endif
