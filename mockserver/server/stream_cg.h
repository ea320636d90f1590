/* stream_cg.h - a stream's consumer groups: groups, their consumers and
 * pending entries lists (PELs), as Redis 7.0 keeps them.
 *
 * A stream (stream.h) has zero or more groups, by name. A group has
 *   - last_id, the ID of the last entry delivered with ">" (XREADGROUP),
 *     moved by XGROUP SETID and XCLAIM LASTID too;
 *   - entries_read, how many entries of the stream's whole history the
 *     group has read (Redis's logical read counter), or STREAM_CG_UNKNOWN;
 *   - its consumers, by name;
 *   - its PEL: one struct stream_nack per entry delivered and not yet
 *     acknowledged, which names the consumer owning it, the time of its
 *     last delivery (on the server clock: with MOCK CLOCK, idle times are
 *     exact) and how many times it was delivered.
 * Each consumer has its own PEL of the same nacks (the ones it owns), and
 * seen_time, when it last read or claimed (the server clock).
 *
 * Redis keeps groups, consumers and PELs in radix trees, so every listing
 * (XINFO GROUPS, XINFO CONSUMERS, XPENDING, XAUTOCLAIM) comes sorted: names
 * bytewise (a prefix before what extends it), IDs numerically. Here they
 * are sorted arrays searched by bisection: the same order, and simple
 * (a mock holds small groups).
 *
 * Ownership: the stream owns its groups (s->groups, freed by stream_free
 * through stream_groups_free); a group owns its consumers and the nacks
 * of its PEL; a consumer's PEL only points at its group's nacks.
 *
 * Depends on: stream.h (the stream and its IDs). No replies, no commands:
 * cmd_xgroup.c does that. */
#ifndef MOCKREDIS_STREAM_CG_H
#define MOCKREDIS_STREAM_CG_H

#include <stddef.h>
#include <stdint.h>

#include "stream.h"

/* entries_read when the group's position in the stream's history is not
 * known (Redis's SCG_INVALID_ENTRIES_READ). */
#define STREAM_CG_UNKNOWN (-1)

struct stream_consumer;

struct stream_nack {
    struct stream_id id;
    int64_t delivery_time; /* server clock, ms */
    uint64_t delivery_count;
    struct stream_consumer *consumer; /* the owner; NULL only while being created */
};

/* A PEL: nacks sorted by ID. */
struct stream_pel {
    struct stream_nack **v;
    size_t n, cap;
};

struct stream_consumer {
    char *name; /* nlen bytes, NUL-terminated */
    size_t nlen;
    int64_t seen_time;     /* server clock, ms */
    struct stream_pel pel; /* points at the group's nacks */
};

struct stream_cg {
    char *name; /* nlen bytes, NUL-terminated */
    size_t nlen;
    struct stream_id last_id;
    int64_t entries_read;          /* or STREAM_CG_UNKNOWN */
    struct stream_pel pel;         /* owns the nacks */
    struct stream_consumer **cons; /* sorted by name */
    size_t ncons, capcons;
};

/* ---- groups ---------------------------------------------------------------- */

/* The number of groups of s, and the i-th in name order. */
size_t stream_cg_count(const struct stream *s);
struct stream_cg *stream_cg_at(const struct stream *s, size_t i);
/* The group named name (len bytes) of s, or NULL. s may be NULL. */
struct stream_cg *stream_cg_find(const struct stream *s, const char *name, size_t len);
/* Adds a group with no consumer and an empty PEL. Returns it, or NULL
 * when s already has a group of that name (nothing changes). */
struct stream_cg *stream_cg_create(struct stream *s, const char *name, size_t len,
                                   struct stream_id last_id, int64_t entries_read);
/* Removes the group and frees it, its consumers and its PEL. Returns 1, or
 * 0 when s has no such group. */
int stream_cg_destroy(struct stream *s, const char *name, size_t len);

/* ---- consumers ------------------------------------------------------------- */

struct stream_consumer *stream_consumer_find(const struct stream_cg *g, const char *name,
                                             size_t len);
/* Adds a consumer with an empty PEL, seen at now_ms. Returns it, or NULL
 * when the group has one of that name already. */
struct stream_consumer *stream_consumer_create(struct stream_cg *g, const char *name, size_t len,
                                               int64_t now_ms);
/* Removes the consumer, and the nacks it owns from the group's PEL (they
 * are lost, as in Redis), and frees it. Returns how many nacks it owned. */
size_t stream_consumer_delete(struct stream_cg *g, struct stream_consumer *c);

/* ---- pending entries ------------------------------------------------------- */

/* The index of the first nack of p whose ID is >= id (p->n: none). */
size_t stream_pel_seek(const struct stream_pel *p, struct stream_id id);
/* The nack of p for id, or NULL. */
struct stream_nack *stream_pel_find(const struct stream_pel *p, struct stream_id id);
/* Adds a nack for id (not in the group's PEL yet) to the group's PEL,
 * delivered once at now_ms, owned by c (NULL: by nobody yet, until
 * stream_nack_assign). Returns it. */
struct stream_nack *stream_nack_create(struct stream_cg *g, struct stream_id id,
                                       struct stream_consumer *c, int64_t now_ms);
/* Makes c (not NULL) the owner of n: moves it from its owner's PEL (if
 * any) to c's. Nothing when c owns it already. */
void stream_nack_assign(struct stream_nack *n, struct stream_consumer *c);
/* Removes n from the group's PEL and its owner's, and frees it (XACK, or
 * an entry that no longer exists). */
void stream_nack_delete(struct stream_cg *g, struct stream_nack *n);

/* ---- the logical read counter (XINFO's entries-read and lag) -------------- */

/* Whether a deleted entry may lie in [start, +inf) of s: Redis's test
 * before it trusts a group's read counter. */
int stream_cg_tombstones_from(const struct stream *s, struct stream_id start);
/* The entries_read a group would have after reading up to id, when it can
 * be known from s alone; else STREAM_CG_UNKNOWN. */
int64_t stream_cg_estimate(const struct stream *s, struct stream_id id);
/* Records that g delivered the entry id with ">" (id above g->last_id):
 * moves last_id and the read counter as Redis does. */
void stream_cg_delivered(const struct stream *s, struct stream_cg *g, struct stream_id id);
/* The lag of g (entries added to s that g has not read). Returns 0 and
 * sets *lag, or -1 when it cannot be known (XINFO shows null). */
int stream_cg_lag(const struct stream *s, const struct stream_cg *g, long long *lag);

#endif
