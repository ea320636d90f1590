/* obuf.h - client-output-buffer-limit: how much output a client may leave
 * unread before the server drops it.
 *
 * Redis 7.0 keeps one limit per client class: normal, replica ("slave")
 * and pubsub (a client with at least one subscription). A limit is a hard
 * size, a soft size and a number of seconds: a client is over it when its
 * pending output reaches the hard size, or has stayed at or above the soft
 * size for more than that many seconds (checked each time output is added;
 * a check below the soft size restarts the count). A size of 0 disables
 * that part. Defaults: normal 0 0 0, replica 256mb 64mb 60, pubsub 32mb
 * 8mb 60.
 *
 * What counts is a client's pending output beyond the first 16 KiB:
 * Redis keeps that much in a buffer of the client's own and counts only
 * the reply list beyond it, so a tiny limit ("normal 1 0 0") still lets
 * short replies through, as in Redis.
 *
 * This module is pure: it parses and prints CONFIG's value and decides
 * "over or not" from a byte count and a time it is given. The network side
 * (net.c) measures a client's pending output, reads the server clock
 * and closes the client. */
#ifndef MOCKREDIS_OBUF_H
#define MOCKREDIS_OBUF_H

#include <stddef.h>
#include <stdint.h>

enum obuf_class { OBUF_NORMAL = 0, OBUF_REPLICA = 1, OBUF_PUBSUB = 2 };
#define OBUF_CLASSES 3

struct obuf_limit {
    unsigned long long hard, soft; /* bytes; 0: no such limit */
    int soft_secs;                 /* an int, as in Redis (the value is truncated) */
};

/* Bytes of pending output the limits do not count (Redis's per-client
 * reply buffer, PROTO_REPLY_CHUNK_BYTES). */
#define OBUF_UNCOUNTED (16 * 1024)

/* The part of pending bytes of output that the limits count. */
size_t obuf_counted(size_t pending);

/* Redis 7.0's defaults for the three classes. */
void obuf_defaults(struct obuf_limit lim[OBUF_CLASSES]);

/* Applies a CONFIG SET value: groups of four words "<class> <hard> <soft>
 * <seconds>" separated by single spaces, as Redis splits it (two spaces
 * make an empty word). Classes not named keep their limits; the empty
 * string changes nothing. Sizes take Redis's memory units (1k, 1kb, 1mb,
 * 1gb, ...). Returns 0 with lim updated, or -1 with lim untouched and *why
 * pointing to Redis's reason text (rtext.h), for the whole value or
 * nothing. */
int obuf_parse(struct obuf_limit lim[OBUF_CLASSES], const char *value, const char **why);

/* Writes CONFIG GET's value, "normal H S N slave H S N pubsub H S N", into
 * out (size bytes; 128 is plenty). */
void obuf_format(const struct obuf_limit lim[OBUF_CLASSES], char *out, size_t size);

/* Redis's checkClientOutputBufferLimits for a client whose pending output
 * counts used bytes (obuf_counted) at now_s (seconds on the server clock). *soft_since is the
 * client's state: -1 while under the soft limit, else when the current
 * stretch over it started; it is updated here. Returns 1 when the client
 * is over its limit (hard reached, or soft reached for more than
 * soft_secs seconds), else 0. */
int obuf_over(const struct obuf_limit *lim, size_t used, int64_t now_s, int64_t *soft_since);

#endif
