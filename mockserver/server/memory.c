/* memory.c - the memory model (memory.h).
 *
 * Sizes are what Redis 7.0.15 built with jemalloc on 64-bit Linux
 * allocates: each allocation is rounded up to jemalloc's size class
 * (mem_class), and the structures are Redis's (robj 16 bytes, dictEntry 24,
 * dict 56, an sds string with a 3/5/9-byte header and a NUL, listpack
 * entries with their encoding and back-length bytes, quicklist nodes of
 * list-max-listpack-size bytes, skiplist nodes of 1.33 levels on average).
 * The rule and its error against redis-server are in docs/protocol.md. */
#include "memory.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "dict.h"
#include "obj.h"
#include "stream.h"
#include "util.h"
#include "zset.h"

struct mem_limits mem_limits = {128, 64, 128, 64, 512, -2, 0};

void mem_limits_reset(void)
{
    mem_limits = (struct mem_limits){128, 64, 128, 64, 512, -2, 0};
}

long long *mem_limit_field(const char *name)
{
    static const struct {
        const char *name;
        size_t off;
    } names[] = {
        {"hash-max-listpack-entries", offsetof(struct mem_limits, hash_entries)},
        {"hash-max-ziplist-entries", offsetof(struct mem_limits, hash_entries)},
        {"hash-max-listpack-value", offsetof(struct mem_limits, hash_value)},
        {"hash-max-ziplist-value", offsetof(struct mem_limits, hash_value)},
        {"zset-max-listpack-entries", offsetof(struct mem_limits, zset_entries)},
        {"zset-max-ziplist-entries", offsetof(struct mem_limits, zset_entries)},
        {"zset-max-listpack-value", offsetof(struct mem_limits, zset_value)},
        {"zset-max-ziplist-value", offsetof(struct mem_limits, zset_value)},
        {"set-max-intset-entries", offsetof(struct mem_limits, set_intset)},
        {"list-max-listpack-size", offsetof(struct mem_limits, list_size)},
        {"list-max-ziplist-size", offsetof(struct mem_limits, list_size)},
        {"list-compress-depth", offsetof(struct mem_limits, list_compress)},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcasecmp(names[i].name, name) == 0)
            return (long long *)((char *)&mem_limits + names[i].off);
    return NULL;
}

/* ---- allocation sizes ------------------------------------------------------- */

/* jemalloc's size class of an n-byte allocation: 8, then multiples of 16
 * up to 128, then four classes per doubling. */
static size_t mem_class(size_t n)
{
    if (n <= 8)
        return 8;
    if (n <= 128)
        return (n + 15) & ~(size_t)15;
    size_t p = 128;
    while (p * 2 < n)
        p *= 2;
    size_t step = p / 4;
    return (n + step - 1) / step * step;
}

/* An sds string of len bytes, allocated exactly (sdsnewlen). */
static size_t mem_sds(size_t len)
{
    size_t hdr = len < 256 ? 3 : len < 65536 ? 5 : len < 4294967296ULL ? 9 : 17;
    return mem_class(hdr + len + 1);
}

#define ROBJ       16
#define DICT_ENTRY 24
#define DICT       56

/* A hash table's bucket array for n entries: the power of two at least n
 * (4 at the least), none while empty. */
static size_t mem_buckets(size_t n)
{
    if (n == 0)
        return 0;
    size_t b = 4;
    while (b < n)
        b *= 2;
    return mem_class(b * 8);
}

/* Is p (len bytes) an integer Redis would store as one (string2ll)? */
static int mem_is_int(const char *p, size_t len, long long *v)
{
    return len > 0 && len <= 20 && util_str2ll(p, len, v);
}

/* ---- listpacks ------------------------------------------------------------- */

/* Bytes of a listpack entry holding p (len bytes): encoding, data and
 * back-length. */
static size_t lp_entry(const char *p, size_t len)
{
    long long v;
    size_t n;
    if (mem_is_int(p, len, &v)) {
        if (v >= 0 && v <= 127)
            n = 1;
        else if (v >= -4096 && v <= 4095)
            n = 2;
        else if (v >= -32768 && v <= 32767)
            n = 3;
        else if (v >= -8388608 && v <= 8388607)
            n = 4;
        else if (v >= INT32_MIN && v <= INT32_MAX)
            n = 5;
        else
            n = 9;
    } else if (len < 64) {
        n = 1 + len;
    } else if (len < 4096) {
        n = 2 + len;
    } else {
        n = 5 + len;
    }
    size_t back = n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : n < 268435456 ? 4 : 5;
    return n + back;
}

#define LP_EMPTY 7 /* header (6) and end byte */

/* A double as Redis 7.0's listpack sorted sets store a score (%.17g, or
 * an integer when it is one). */
static size_t lp_score(double d)
{
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "%.17g", d);
    return lp_entry(buf, (size_t)n);
}

/* ---- encodings -------------------------------------------------------------- */

static int str_enc(const struct obj *o)
{
    long long v;
    if (mem_is_int(o->u.str.p, o->u.str.len, &v))
        return OBJ_ENC_INT;
    return o->u.str.len <= 44 ? OBJ_ENC_EMBSTR : OBJ_ENC_RAW;
}

/* Does a small hash / sorted set / set still fit its small encoding? */
static int hash_small(const struct obj *o)
{
    if ((long long)dict_size(o->u.hash) > mem_limits.hash_entries)
        return 0;
    for (const struct dict_entry *e = dict_first(o->u.hash); e; e = dict_next(e)) {
        const struct obj_str *v = e->val;
        if ((long long)e->klen > mem_limits.hash_value || (long long)v->len > mem_limits.hash_value)
            return 0;
    }
    return 1;
}

static int zset_small(const struct obj *o)
{
    size_t n = zset_len(o->u.zset);
    if ((long long)n > mem_limits.zset_entries)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((long long)zset_at(o->u.zset, i)->len > mem_limits.zset_value)
            return 0;
    return 1;
}

static int set_intset(const struct obj *o)
{
    if ((long long)dict_size(o->u.set) > mem_limits.set_intset)
        return 0;
    long long v;
    for (const struct dict_entry *e = dict_first(o->u.set); e; e = dict_next(e))
        if (!mem_is_int(e->key, e->klen, &v))
            return 0;
    return 1;
}

/* The encoding o has now: its old one, or the one it converts to. */
static int next_enc(const struct obj *o)
{
    int enc = o->enc;
    switch (o->type) {
    case OBJ_STRING: return enc != OBJ_ENC_NONE ? enc : str_enc(o);
    case OBJ_LIST: return OBJ_ENC_QUICKLIST;
    case OBJ_STREAM: return OBJ_ENC_STREAM;
    case OBJ_HASH:
        if (enc == OBJ_ENC_HASHTABLE)
            return enc;
        return hash_small(o) ? OBJ_ENC_LISTPACK : OBJ_ENC_HASHTABLE;
    case OBJ_ZSET:
        if (enc == OBJ_ENC_SKIPLIST)
            return enc;
        return zset_small(o) ? OBJ_ENC_LISTPACK : OBJ_ENC_SKIPLIST;
    case OBJ_SET:
        if (enc == OBJ_ENC_HASHTABLE)
            return enc;
        return set_intset(o) ? OBJ_ENC_INTSET : OBJ_ENC_HASHTABLE;
    }
    return enc;
}

/* ---- sizes of values --------------------------------------------------------- */

/* Elements measured one by one before a big value is sampled. */
#define MEM_EXACT 512
/* How many a sample of a big value takes. */
#define MEM_SAMPLE 128

static size_t str_size(const struct obj *o)
{
    size_t len = o->u.str.len;
    switch (o->enc) {
    case OBJ_ENC_INT: {
        long long v;
        mem_is_int(o->u.str.p, len, &v);
        return v >= 0 && v < 10000 ? 0 : ROBJ; /* Redis's shared integers */
    }
    case OBJ_ENC_EMBSTR: return mem_class(ROBJ + 3 + len + 1);
    default: return ROBJ + mem_sds(len);
    }
}

/* An edited raw string (mem_string_raw) keeps the room sdsMakeRoomFor
 * leaves: as much again as its length, up to 1 MiB more. */
#define STR_GREEDY 0x80

static size_t str_size_greedy(const struct obj *o)
{
    size_t len = o->u.str.len;
    size_t room = len < 1024 * 1024 ? len : 1024 * 1024;
    return ROBJ + mem_sds(len + room);
}

/* The average over a sample of n elements scaled to n: each(i) is the
 * size of element i. */
static size_t sum_sampled(size_t n, size_t (*each)(const struct obj *, size_t), const struct obj *o,
                          size_t limit)
{
    if (n <= limit) {
        size_t s = 0;
        for (size_t i = 0; i < n; i++)
            s += each(o, i);
        return s;
    }
    size_t s = 0;
    for (size_t j = 0; j < limit; j++)
        s += each(o, j * n / limit);
    return (size_t)((double)s * (double)n / (double)limit);
}

static size_t list_elem(const struct obj *o, size_t i)
{
    const struct obj_str *e = deque_at(o->u.list, i);
    return lp_entry(e->p, e->len);
}

static size_t list_size(const struct obj *o, size_t limit)
{
    size_t n = deque_len(o->u.list);
    size_t total = sum_sampled(n, list_elem, o, limit);
    size_t nodes;
    long long fill = mem_limits.list_size;
    if (fill < 0) {
        long long lim = fill < -5 ? 65536 : 4096LL << (-fill - 1);
        size_t per = (size_t)lim - LP_EMPTY;
        nodes = (total + per - 1) / per;
    } else {
        size_t per = fill == 0 ? 1 : (size_t)fill;
        nodes = (n + per - 1) / per;
        size_t bynodes = (total + 8185) / 8186; /* the 8 KiB safety limit */
        if (bynodes > nodes)
            nodes = bynodes;
    }
    if (nodes == 0)
        nodes = 1;
    /* the nodes' listpacks share the entries evenly */
    size_t per_node_bytes = LP_EMPTY + total / nodes;
    return ROBJ + 48 + nodes * (32 + mem_class(per_node_bytes));
}

static size_t zset_node_size(const struct obj *o, size_t i)
{
    const struct zset_node *n = zset_at(o->u.zset, i);
    if (o->enc == OBJ_ENC_LISTPACK)
        return lp_entry(n->m, n->len) + lp_score(n->score);
    /* dictEntry, the member's sds (shared by the dict and the skiplist),
     * a skiplist node of 1.33 levels on average (48 to 64 bytes) */
    return mem_class(DICT_ENTRY) + mem_sds(n->len) + 52;
}

/* Hash and set elements are walked in insertion order: a sample of a big
 * one is its first elements. */
static size_t dict_walk(const struct dict *d, size_t limit, int hash, int enc)
{
    size_t n = dict_size(d), k = 0, s = 0;
    for (const struct dict_entry *e = dict_first(d); e && k < limit; e = dict_next(e), k++) {
        const struct obj_str *v = hash ? e->val : NULL;
        if (enc == OBJ_ENC_LISTPACK)
            s += lp_entry(e->key, e->klen) + lp_entry(v->p, v->len);
        else
            s += mem_class(DICT_ENTRY) + mem_sds(e->klen) + (hash ? mem_sds(v->len) : 0);
    }
    if (k < n && k > 0)
        s = (size_t)((double)s * (double)n / (double)k);
    return s;
}

static size_t intset_size(const struct obj *o)
{
    size_t width = 2;
    long long v;
    for (const struct dict_entry *e = dict_first(o->u.set); e; e = dict_next(e)) {
        mem_is_int(e->key, e->klen, &v);
        if (v < INT32_MIN || v > INT32_MAX)
            width = 8;
        else if ((v < INT16_MIN || v > INT16_MAX) && width < 4)
            width = 4;
    }
    return mem_class(8 + width * dict_size(o->u.set));
}

static size_t stream_size(const struct obj *o)
{
    const struct stream *s = o->u.stream;
    /* the stream struct and its radix tree, each node's listpack and its
     * key in the tree */
    size_t b = ROBJ + mem_class(96) + mem_class(48);
    for (size_t i = 0; i < s->nnode; i++)
        b += mem_class(s->node[i].bytes) + 56;
    return b;
}

/* The bytes of o's value with its current encoding, elements beyond limit
 * sampled. */
static size_t value_size(const struct obj *o, size_t limit)
{
    switch (o->type) {
    case OBJ_STRING:
        if (o->enc == (OBJ_ENC_RAW | STR_GREEDY))
            return str_size_greedy(o);
        return str_size(o);
    case OBJ_LIST: return list_size(o, limit);
    case OBJ_HASH: {
        const struct dict *d = o->u.hash;
        if (o->enc == OBJ_ENC_LISTPACK)
            return ROBJ + mem_class(LP_EMPTY + dict_walk(d, limit, 1, OBJ_ENC_LISTPACK));
        return ROBJ + DICT + mem_buckets(dict_size(d)) + dict_walk(d, limit, 1, o->enc);
    }
    case OBJ_SET: {
        const struct dict *d = o->u.set;
        if (o->enc == OBJ_ENC_INTSET)
            return ROBJ + intset_size(o);
        return ROBJ + DICT + mem_buckets(dict_size(d)) + dict_walk(d, limit, 0, o->enc);
    }
    case OBJ_ZSET: {
        size_t n = zset_len(o->u.zset);
        size_t elems = sum_sampled(n, zset_node_size, o, limit);
        if (o->enc == OBJ_ENC_LISTPACK)
            return ROBJ + mem_class(LP_EMPTY + elems);
        /* zset struct, dict, skiplist struct and its 32-level header */
        return ROBJ + 16 + DICT + mem_buckets(n) + 32 + 640 + elems;
    }
    case OBJ_STREAM: return stream_size(o);
    }
    return ROBJ;
}

size_t mem_obj_update(struct obj *o)
{
    if (!(o->type == OBJ_STRING && o->enc == (OBJ_ENC_RAW | STR_GREEDY)))
        o->enc = (unsigned char)next_enc(o);
    return value_size(o, MEM_EXACT);
}

void mem_string_raw(struct obj *o, int greedy)
{
    o->enc = (unsigned char)(OBJ_ENC_RAW | (greedy ? STR_GREEDY : 0));
}

size_t mem_key_overhead(size_t klen)
{
    return mem_class(DICT_ENTRY) + mem_sds(klen);
}

size_t mem_key_usage(const char *key, size_t klen, const struct obj *o, long long samples)
{
    (void)key;
    struct obj tmp = *o;
    if (tmp.enc == OBJ_ENC_NONE)
        tmp.enc = (unsigned char)next_enc(o);
    size_t limit = samples <= 0 ? SIZE_MAX : (size_t)samples;
    return mem_key_overhead(klen) + value_size(&tmp, limit);
}

const char *mem_encoding(const struct obj *o)
{
    int enc = o->enc & ~STR_GREEDY;
    if (enc == OBJ_ENC_NONE)
        enc = next_enc(o);
    switch (enc) {
    case OBJ_ENC_RAW: return "raw";
    case OBJ_ENC_INT: return "int";
    case OBJ_ENC_EMBSTR: return "embstr";
    case OBJ_ENC_LISTPACK: return "listpack";
    case OBJ_ENC_QUICKLIST: return "quicklist";
    case OBJ_ENC_INTSET: return "intset";
    case OBJ_ENC_HASHTABLE: return "hashtable";
    case OBJ_ENC_SKIPLIST: return "skiplist";
    case OBJ_ENC_STREAM: return "stream";
    }
    return "unknown";
}

/* ---- the server ---------------------------------------------------------------- */

/* redis-server 7.0.15's used_memory_startup (no client, no key). */
#define MEM_STARTUP 876416
/* A connected client: its structure, reply buffer and the query buffer
 * of its last command. */
#define MEM_CLIENT 20504

size_t mem_startup(void)
{
    return MEM_STARTUP;
}

size_t mem_clients(const struct core *core)
{
    size_t b = 0;
    for (const struct client *c = core->clients; c; c = c->next)
        b += MEM_CLIENT + (c->out.len > 16384 ? mem_class(c->out.len) : 0);
    return b;
}

size_t mem_db_overhead_main(const struct core *core, int i)
{
    size_t n = dict_size(core->db[i].keys);
    return mem_buckets(n) + n * mem_class(DICT_ENTRY);
}

size_t mem_db_overhead_expires(const struct core *core, int i)
{
    size_t n = dict_size(core->db[i].expires);
    return mem_buckets(n) + n * mem_class(DICT_ENTRY);
}

size_t mem_dataset(const struct core *core)
{
    size_t b = 0;
    for (int i = 0; i < DB_COUNT; i++)
        b += core->db[i].mem;
    return b;
}

size_t mem_used(const struct core *core)
{
    size_t b = MEM_STARTUP + mem_clients(core) + mem_dataset(core);
    for (int i = 0; i < DB_COUNT; i++) {
        size_t n = dict_size(core->db[i].keys);
        b += mem_buckets(n) + mem_db_overhead_expires(core, i);
    }
    return b;
}
