/* rc_internal.h - what the files of the client module share and users do
 * not see (the rc__ prefix). Not installed, not part of the contract. */
#ifndef MOCKREDIS_RC_INTERNAL_H
#define MOCKREDIS_RC_INTERNAL_H

#include <stddef.h>

#include <hiredis/hiredis.h>

#include "rc.h"

/* What a typed call expects from a successful reply. */
enum rc__want {
    RC__STRING,  /* a bulk string; nil means RC_MISSING */
    RC__INTEGER, /* an integer */
    RC__STATUS,  /* a status such as OK or PONG */
};

/* Turns one reply into a status, checking its type before touching any
 * field. RC__STRING: on RC_OK *sv receives a copy (the caller frees it).
 * RC__INTEGER: on RC_OK *iv (may be NULL) receives the integer. Error
 * replies give RC_WRONGTYPE (a "WRONGTYPE ..." error) or RC_ERR_REPLY with
 * the server's text in err; an unexpected reply type gives RC_WRONGTYPE
 * naming the type. r is not freed. */
enum rc_status rc__reply_take(const redisReply *r, enum rc__want want, struct rc_value *sv,
                              long long *iv, char *err, size_t errlen);

/* The status for a hiredis context whose err is set, with its errstr copied
 * into err. saved_errno is errno right after the call that failed (0 when
 * unknown): an I/O error with EAGAIN/ETIMEDOUT is how a socket timeout
 * (SO_RCVTIMEO/SO_SNDTIMEO, or a connect timeout) shows up in hiredis. */
enum rc_status rc__ctx_status(const redisContext *ctx, int saved_errno, char *err, size_t errlen);

/* A readable name for a reply type, for messages. */
const char *rc__type_name(int type);

/* ---- cluster (rc_cluster.c) ----------------------------------------------------- */

#define RC__MAP_NODES_MAX 256 /* distinct primaries one slot map may name */

/* A node's address: host (no brackets for IPv6) and port. */
struct rc__addr {
    char host[RC_HOST_MAX];
    int port;
};

/* A slot map as CLUSTER SLOTS tells it: owner[slot] indexes nodes[], -1
 * when no range covers the slot (or its node's address is unknown). */
struct rc__slot_map {
    int nnodes;
    struct rc__addr nodes[RC__MAP_NODES_MAX];
    short owner[16384];
};

/* Parses a CLUSTER SLOTS reply (RESP2 or RESP3: an array of [start, end,
 * [host, port, id, ...], replicas...]) into *map: the primary (first node)
 * of each range. An empty host means "the node you asked" (asked_host); a
 * host of "?" (address unknown to the node) leaves the range unmapped.
 * Extra fields (node id, 7.0's metadata, replicas) are ignored. Returns the
 * number of slots mapped (0 is valid: a cluster without slots yet), or -1
 * with the reason in err when the reply does not have that shape (nothing
 * of *map is to be used then). Pure: no I/O. */
int rc__parse_cluster_slots(const redisReply *r, const char *asked_host, struct rc__slot_map *map,
                            char *err, size_t errlen);

/* Splits "host:port" or "[v6]:port" (len bytes, no NUL needed) into *a.
 * Returns 0, or -1 when it is not of that shape or does not fit. */
int rc__parse_addr(const char *s, size_t len, struct rc__addr *a);

#endif
