/* obj.h - the values stored under keys: strings, lists, hashes, sets,
 * sorted sets and streams, each with its TTL.
 *
 * A value has exactly one owner: the keyspace (db.h) while it is stored.
 * Strings are binary-safe byte arrays, always NUL-terminated for
 * convenience. Hashes and sets are ordered dicts (dict.h); lists are
 * deques; sorted sets are described in zset.h, streams in stream.h. */
#ifndef MOCKREDIS_OBJ_H
#define MOCKREDIS_OBJ_H

#include <stddef.h>
#include <stdint.h>

struct dict;
struct deque;
struct zset;
struct stream;

enum obj_type { OBJ_STRING, OBJ_LIST, OBJ_HASH, OBJ_SET, OBJ_ZSET, OBJ_STREAM };

#define OBJ_LRU_UNSET UINT32_MAX

struct obj {
    enum obj_type type;
    int64_t expire; /* absolute Unix time in ms, or -1 for no TTL */
    /* Access bookkeeping for maxmemory (evict.h), as Redis's 24 bits: the
     * LRU clock in seconds at the last access, or under an LFU policy the
     * minutes of the last decrement << 8 | the logarithmic counter.
     * OBJ_LRU_UNSET until the value is first stored (db_set stamps it). */
    uint32_t lru;
    union {
        struct {
            char *p;
            size_t len;
        } str;
        struct deque *list;
        struct dict *hash; /* field -> struct obj_str* (a string value) */
        struct dict *set;  /* member -> NULL */
        struct zset *zset;
        struct stream *stream;
    } u;
    /* The memory model's bookkeeping (memory.h): the encoding Redis would
     * give the value (enum obj_enc; OBJ_ENC_NONE until the model first
     * sees it), the log2 of the largest hash table its hashtable or
     * skiplist encoding reached (Redis never shrinks a value's table) and
     * of the one it was converted into, and the bytes the keyspace counts
     * for it (db.h). */
    unsigned char enc;
    unsigned char ht_exp, ht_born;
    size_t mem;
};

/* OBJECT ENCODING's encodings (memory.h chooses and converts them). */
enum obj_enc {
    OBJ_ENC_NONE,
    OBJ_ENC_RAW,
    OBJ_ENC_INT,
    OBJ_ENC_EMBSTR,
    OBJ_ENC_LISTPACK,
    OBJ_ENC_QUICKLIST,
    OBJ_ENC_INTSET,
    OBJ_ENC_HASHTABLE,
    OBJ_ENC_SKIPLIST,
    OBJ_ENC_STREAM
};

/* New values without a TTL. The string is copied. */
struct obj *obj_new_string(const void *p, size_t len);
struct obj *obj_new_list(void);
struct obj *obj_new_hash(void);
struct obj *obj_new_set(void);
struct obj *obj_new_zset(void);
struct obj *obj_new_stream(void);
/* A new string value that takes over p (malloc'd, len bytes followed by a
 * NUL), which it frees: for a big argument taken from its argv. */
struct obj *obj_new_string_take(char *p, size_t len);
/* A deep copy of o, TTL included; the copy's access and memory
 * bookkeeping start afresh (lru unset, encoding chosen when stored).
 * COPY, MIGRATE and a replica's copy of its primary's keys. */
struct obj *obj_dup(const struct obj *o);
/* Frees the value and everything in it; NULL is fine. */
void obj_free(struct obj *o);
/* Replaces the bytes of a string value. */
void obj_string_set(struct obj *o, const void *p, size_t len);
/* Redis's TYPE names: "string", "list", "hash", "set", "zset", "stream". */
const char *obj_type_name(enum obj_type t);
/* The number of elements of a list, hash, set or sorted set, the entries
 * of a stream; a string's length in bytes. */
size_t obj_len(const struct obj *o);
/* A 64-bit digest of the type, TTL and contents (in their order): two
 * values with the same digest are, in practice, the same. NULL is 0. */
uint64_t obj_digest(const struct obj *o);

/* Hash field values: a length-prefixed copy of the bytes. */
struct obj_str {
    size_t len;
    char p[]; /* len bytes plus a NUL */
};
struct obj_str *obj_str_new(const void *p, size_t len);
void obj_str_free(void *s); /* a dict_free_fn */

/* ---- list: a deque of obj_str ------------------------------------------ */
struct deque *deque_new(void);
void deque_free(struct deque *q);
size_t deque_len(const struct deque *q);
void deque_push_head(struct deque *q, struct obj_str *s);
void deque_push_tail(struct deque *q, struct obj_str *s);
/* Remove and return an element, NULL when empty. The caller owns it. */
struct obj_str *deque_pop_head(struct deque *q);
struct obj_str *deque_pop_tail(struct deque *q);
/* Element at index 0..len-1 (no negative indexes here). */
struct obj_str *deque_at(const struct deque *q, size_t i);

#endif
