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
 * Redis keeps entries in listpack "nodes" of at most stream-node-max-entries
 * (100) entries and stream-node-max-bytes (4096) bytes, and XTRIM/XADD's
 * approximate trim (`~`) only drops whole nodes. So that `~` leaves what
 * Redis leaves, the stream also keeps a model of those nodes (struct
 * stream_node: how many entries each holds, live or deleted, and the size
 * in bytes of Redis's listpack for them). XINFO STREAM's radix-tree-keys
 * is nnode.
 *
 * Consumer groups (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XINFO) live
 * in stream_cg.c behind struct stream_groups: this file only frees, copies
 * and digests them through the stream_groups_* calls below.
 *
 * Also here, for both command files (cmd_stream.c, stream_cg.c): parsing
 * and formatting IDs with Redis's rules, and the reply of entries as XRANGE
 * sends them. Parsing of whole commands is theirs.
 *
 * Depends on: obj.h (field and value bytes are struct obj_str), core.h and
 * reply.h (only for the entry replies). */
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
struct client;

/* One listpack node of Redis's encoding: the entries with IDs from first
 * (its "master ID") up to the next node's first, live or deleted. */
struct stream_node {
    struct stream_id first, last; /* the first and last ID ever put in it */
    uint64_t live, deleted;
    size_t bytes;            /* the size of Redis's listpack for them */
    size_t nmaster;          /* the fields of the node's first entry ("master */
    struct obj_str **master; /* entry"), owned: entries with the same fields are smaller */
};

/* Redis's defaults of stream-node-max-entries and stream-node-max-bytes:
 * a node holds at most this many entries, deleted ones included, and an
 * entry goes to a new node when the node's bytes plus the entry's field
 * and value bytes would reach the byte limit. */
#define STREAM_NODE_MAX_ENTRIES 100
#define STREAM_NODE_MAX_BYTES   4096

struct stream {
    struct stream_entry *e; /* len entries in ID order */
    size_t len, cap;
    struct stream_id last_id;        /* the largest ID ever given (0-0 when none) */
    struct stream_id max_deleted_id; /* the largest ID deleted (0-0 when none) */
    uint64_t entries_added;          /* every entry ever added */
    struct stream_groups *groups;    /* NULL: no consumer group */
    struct stream_node *node;        /* nnode nodes in ID order (see above) */
    size_t nnode, nodecap;
};

/* -1, 0 or 1 as a < b, a == b, a > b. */
int stream_id_cmp(struct stream_id a, struct stream_id b);

struct stream *stream_new(void);
void stream_free(struct stream *s);
/* A deep copy (COPY), groups included. */
struct stream *stream_dup(const struct stream *s);
/* Feeds the entries, IDs and groups into a digest (obj_digest). */
uint64_t stream_digest(const struct stream *s, uint64_t h);

/* ---- IDs ------------------------------------------------------------------ */

/* Room for the longest "<ms>-<seq>" and its NUL. */
#define STREAM_ID_BUFLEN 44

/* Writes id as "<ms>-<seq>" and a NUL into buf (STREAM_ID_BUFLEN bytes);
 * returns the length without the NUL. */
size_t stream_id_fmt(struct stream_id id, char *buf);

/* The smallest and largest IDs: "-" and "+". */
#define STREAM_ID_MIN ((struct stream_id){0, 0})
#define STREAM_ID_MAX ((struct stream_id){UINT64_MAX, UINT64_MAX})

/* Parses an ID argument (len bytes at p) as Redis 7.0 does:
 *   "<ms>-<seq>"  both parts unsigned 64-bit numbers (Redis's string2ull:
 *                 also "007", "+7", " 7"; not "-7", not above 2^64-1);
 *   "<ms>"        seq is missing_seq (0 for a start, UINT64_MAX for an end);
 *   "-" / "+"     the smallest / largest ID, unless STREAM_ID_STRICT;
 *   "<ms>-*"      only with STREAM_ID_SEQ_STAR (XADD): seq 0, *seq_given 0.
 * More than 127 bytes is invalid; the bytes after a NUL are ignored, as
 * Redis's C-string parser does. *seq_given (may be NULL without
 * STREAM_ID_SEQ_STAR) is 1 unless "<ms>-*".
 * Returns 0, or -1 for an invalid ID: the reply is then
 * RT_STREAM_ID_INVALID ("ERR Invalid stream ID specified as stream command
 * argument"). */
#define STREAM_ID_STRICT   1
#define STREAM_ID_SEQ_STAR 2
int stream_id_parse(const char *p, size_t len, uint64_t missing_seq, int flags,
                    struct stream_id *id, int *seq_given);

/* Parses a bound of an interval (XRANGE, XREVRANGE, XPENDING, XAUTOCLAIM):
 * an ID as stream_id_parse without flags, or "(" followed by a strict ID
 * (no "-"/"+"), which sets *exclusive (a lone "(" is invalid). The caller
 * then moves an exclusive bound with stream_id_incr/decr. Returns 0 or -1
 * (RT_STREAM_ID_INVALID). */
int stream_range_parse(const char *p, size_t len, uint64_t missing_seq, struct stream_id *id,
                       int *exclusive);

/* The next / previous ID. Returns 0, or -1 when there is none (id was the
 * largest / smallest): id is then 0-0 / the largest, as Redis leaves it. */
int stream_id_incr(struct stream_id *id);
int stream_id_decr(struct stream_id *id);

/* ---- entries ---------------------------------------------------------------- */

/* The index of the first entry with an ID >= id / > id; s->len when none.
 * Binary search. */
size_t stream_find_ge(const struct stream *s, struct stream_id id);
size_t stream_find_gt(const struct stream *s, struct stream_id id);
/* The entry with exactly id, or NULL. */
struct stream_entry *stream_lookup(const struct stream *s, struct stream_id id);

/* Appends an entry under id, which must be above s->last_id (the caller
 * checks), with nfv (even, > 0) strings copied from argv/argl: field,
 * value, .... Sets last_id, counts entries_added, fills the node model. */
void stream_append(struct stream *s, struct stream_id id, size_t nfv, const char *const *argv,
                   const size_t *argl);
/* Deletes the entry at index i (< len), as XDEL does: its node counts it as
 * deleted (a node with no live entry left goes). Does not touch
 * max_deleted_id: XDEL raises it, a trim does not. */
void stream_delete_at(struct stream *s, size_t i);

/* A trim as XADD/XTRIM's MAXLEN/MINID: keep at most maxlen entries, or
 * none below minid. With approx (`~`) only whole nodes go, from the oldest,
 * and at most limit entries (0: no limit) are removed; without it, entries
 * go one by one (limit must be 0). Returns how many entries were removed. */
struct stream_trim {
    int minid_kind; /* 0: MAXLEN, 1: MINID */
    uint64_t maxlen;
    struct stream_id minid;
    int approx;
    long long limit;
};
uint64_t stream_trim(struct stream *s, const struct stream_trim *t);

/* ---- replies ------------------------------------------------------------------- */

/* One entry as XRANGE sends it, in RESP2 and RESP3 alike: an array of the
 * ID (bulk) and an array of fields and values. */
void stream_reply_entry(struct client *c, const struct stream_entry *e);
/* An array of the n entries v[0..n), each as stream_reply_entry (XCLAIM's
 * reply, a list gathered by ID). */
void stream_reply_entries(struct client *c, struct stream_entry *const *v, size_t n);
/* An entry a consumer's history names but the stream no longer holds, as
 * XREADGROUP sends it: [id, nil] (a null array; RESP3 _). */
void stream_reply_deleted(struct client *c, struct stream_id id);
/* The entries with IDs from start to end (inclusive), at most count of
 * them (0: all), from the oldest or, with rev, the newest: XRANGE's and
 * XREVRANGE's reply. Returns how many were sent. */
size_t stream_reply_range(struct client *c, const struct stream *s, struct stream_id start,
                          struct stream_id end, size_t count, int rev);

/* ---- consumer groups: defined in stream_cg.c ---------------------------- */
void stream_groups_free(struct stream_groups *g);
struct stream_groups *stream_groups_dup(const struct stream_groups *g);
uint64_t stream_groups_digest(const struct stream_groups *g, uint64_t h);

#endif
