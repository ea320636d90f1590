/* stream.h - the stream value (OBJ_STREAM): entries by ID, and the seam to
 * its consumer groups.
 *
 * A stream is a log of entries, each a non-empty list of field-value pairs
 * under an ID <ms>-<seq> (two unsigned 64-bit numbers, ordered by ms, then
 * seq). IDs only grow: XADD gives each new entry an ID above last_id, even
 * after the entries before it were deleted. As in Redis 7.0, the stream
 * also remembers what XINFO STREAM shows: entries_added (every entry ever
 * added, deleted or not), max_deleted_id (the largest ID XDEL or a trim
 * removed) and last_id.
 *
 * Entries live in one array in ID order; deleting one anywhere moves the
 * rest (a mock, not a database: streams here hold thousands of entries, not
 * millions).
 *
 * Consumer groups (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XINFO) live
 * in stream_cg.c behind struct stream_groups: this file only frees, copies
 * and digests them through the stream_groups_* calls below.
 *
 * Depends on: obj.h (field and value bytes are struct obj_str). No replies,
 * no parsing of commands: cmd_stream.c does that. */
#ifndef MOCKREDIS_STREAM_H
#define MOCKREDIS_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "obj.h"

struct stream_id {
    uint64_t ms, seq;
};

struct stream_entry {
    struct stream_id id;
    size_t nfv;          /* fv holds nfv strings: field, value, field, value ... */
    struct obj_str **fv; /* owned */
};

struct stream_groups; /* stream_cg.c */

struct stream {
    struct stream_entry *e; /* len entries in ID order */
    size_t len, cap;
    struct stream_id last_id;        /* the largest ID ever given (0-0 when none) */
    struct stream_id max_deleted_id; /* the largest ID deleted (0-0 when none) */
    uint64_t entries_added;          /* every entry ever added */
    struct stream_groups *groups;    /* NULL: no consumer group */
};

/* -1, 0 or 1 as a < b, a == b, a > b. */
int stream_id_cmp(struct stream_id a, struct stream_id b);

struct stream *stream_new(void);
void stream_free(struct stream *s);
/* A deep copy (COPY), groups included. */
struct stream *stream_dup(const struct stream *s);
/* Feeds the entries, IDs and groups into a digest (obj_digest). */
uint64_t stream_digest(const struct stream *s, uint64_t h);

/* ---- consumer groups: defined in stream_cg.c ---------------------------- */
void stream_groups_free(struct stream_groups *g);
struct stream_groups *stream_groups_dup(const struct stream_groups *g);
uint64_t stream_groups_digest(const struct stream_groups *g, uint64_t h);

#endif
