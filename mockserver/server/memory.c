/* memory.c - the memory model (memory.h).
 *
 * Sizes are what Redis 7.0.15 built with jemalloc on 64-bit Linux
 * allocates: each allocation is rounded up to jemalloc's size class
 * (mem_class), and the structures are Redis's (robj 16 bytes, dictEntry 24,
 * dict 56, an sds string with a 1/3/5/9-byte header and a NUL, listpack
 * entries with their encoding and back-length bytes, quicklist nodes of
 * list-max-listpack-size bytes, skiplist nodes of 1.33 levels on average).
 * The rule and its error against redis-server are in docs/protocol.md. */
#include "memory.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core.h"
#include "dict.h"
#include "function.h"
#include "obj.h"
#include "script.h"
#include "stream.h"
#include "util.h"
#include "zset.h"

struct mem_limits mem_limits = {512, 64, 128, 64, 512, -2, 0};

void mem_limits_reset(void)
{
    mem_limits = (struct mem_limits){512, 64, 128, 64, 512, -2, 0};
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

/* An sds string of len bytes as sdsnewlen allocates it: a 1-byte header
 * under 32 bytes, then 3, 5 or 9. */
static size_t mem_sds(size_t len)
{
    size_t hdr = len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : len < 4294967296ULL ? 9 : 17;
    return mem_class(hdr + len + 1);
}

#define ROBJ       16
#define DICT_ENTRY 24
#define DICT       56

/* A hash table's bucket arrays for n entries: the power of two at least n
 * (4 at the least), none while empty. While a table grows, Redis keeps the
 * old half-size array until its incremental rehash has moved every bucket,
 * one bucket a step; a value's table takes steps only from the commands
 * that touch it: for a table grown by additions, that is the first `frac`
 * (in percent) of the additions after the doubling (sets take one step an
 * addition, hashes and sorted sets two). u: MEMORY USAGE's reckoning (the
 * arrays' exact bytes) rather than used_memory's (jemalloc classes). */
static size_t mem_buckets_min(size_t n, size_t min_b, size_t born_b, int frac, int u)
{
    if (n == 0)
        return 0;
    size_t b = 4;
    while (b < n)
        b *= 2;
    size_t half = b / 2;
    /* a table made at its size (a conversion sizes it for the elements) was
     * never rehashed into */
    int rehashing =
        frac > 0 && half >= 4 && b > born_b && n > half && (n - half) * 100 <= half * (size_t)frac;
    if (min_b > b) { /* a table that grew, then lost entries: kept whole */
        b = min_b;
        rehashing = 0;
    }
    size_t bytes = u ? b * 8 : mem_class(b * 8);
    if (rehashing)
        bytes += u ? half * 8 : mem_class(half * 8);
    return bytes;
}

static size_t mem_buckets(size_t n, int frac, int u)
{
    return mem_buckets_min(n, 0, 0, frac, u);
}

/* The bucket count of a value's table: the largest it reached. */
static size_t value_buckets(const struct obj *o)
{
    return o->ht_exp ? (size_t)1 << o->ht_exp : 0;
}

/* The bucket count of the table o was converted into. */
static size_t born_buckets(const struct obj *o)
{
    return o->ht_born ? (size_t)1 << o->ht_born : 0;
}

/* Records the table size n entries need in o->ht_exp, never lowering it. */
static unsigned char bucket_exp(size_t n)
{
    unsigned char e = 2;
    while (((size_t)1 << e) < n && e < 63)
        e++;
    return e;
}

static void note_buckets(struct obj *o, size_t n)
{
    unsigned char e = bucket_exp(n);
    if (e > o->ht_exp)
        o->ht_exp = e;
}

/* The rehash fractions of mem_buckets: sets, hashes and sorted sets. */
#define RH_SET  62
#define RH_HASH 32
#define RH_ZSET 32

/* A dictEntry: its jemalloc class, or its sizeof for MEMORY USAGE. */
static size_t dict_entry(int u)
{
    return u ? DICT_ENTRY : mem_class(DICT_ENTRY);
}

/* A listpack's, intset's or stream node's allocation of n bytes (MEMORY
 * USAGE reads the allocation too). */
static size_t alloc(size_t n, int u)
{
    (void)u;
    return mem_class(n);
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

/* A raw string edited in place keeps spare room (mem_string_raw). */
#define STR_GREEDY 0x80

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

/* The elements the bookkeeping measures of a big value (more are
 * sampled evenly and scaled): a write to a big value stays cheap. */
#define MEM_SAMPLE_BIG 512

/* A string value: shared integers (0..9999) cost used_memory nothing,
 * though MEMORY USAGE counts a robj for every int. */
static size_t str_size(const struct obj *o, int u)
{
    size_t len = o->u.str.len;
    switch (o->enc) {
    case OBJ_ENC_INT: {
        long long v;
        mem_is_int(o->u.str.p, len, &v);
        return !u && v >= 0 && v < 10000 ? 0 : ROBJ;
    }
    case OBJ_ENC_EMBSTR: return mem_class(ROBJ + 3 + len + 1);
    case OBJ_ENC_RAW | STR_GREEDY: {
        /* sdsMakeRoomFor doubles the string when it grows (up to 1 MiB
         * more): between 0 and len spare bytes depending on the history
         * of the edits, len / 2 on average */
        size_t room = len < 2 * 1024 * 1024 ? len / 2 : 1024 * 1024;
        size_t cap = len + room; /* grown strings never have a 1-byte header */
        return ROBJ + (cap < 32 ? mem_class(3 + cap + 1) : mem_sds(cap));
    }
    default: return ROBJ + mem_sds(len);
    }
}

/* The sum of each(o, i, u) over n elements, or over limit of them evenly
 * spread, scaled to n. */
typedef size_t elem_fn(const struct obj *o, size_t i, int u);
static size_t sum_sampled(size_t n, elem_fn *each, const struct obj *o, size_t limit, int u)
{
    size_t s = 0;
    if (n <= limit) {
        for (size_t i = 0; i < n; i++)
            s += each(o, i, u);
        return s;
    }
    for (size_t j = 0; j < limit; j++)
        s += each(o, j * n / limit, u);
    return (size_t)((double)s * (double)n / (double)limit);
}

static size_t list_elem(const struct obj *o, size_t i, int u)
{
    (void)u;
    const struct obj_str *e = deque_at(o->u.list, i);
    return lp_entry(e->p, e->len);
}

/* A quicklist: its struct, and nodes of list-max-listpack-size (bytes
 * when negative, entries when positive, then at most 8 KiB) sharing the
 * entries evenly, each a node struct and its listpack. */
static size_t list_size(const struct obj *o, size_t limit, int u)
{
    size_t n = deque_len(o->u.list);
    size_t total = sum_sampled(n, list_elem, o, limit, u);
    size_t nodes;
    long long fill = mem_limits.list_size;
    if (fill < 0) {
        long long lim = fill < -5 ? 65536 : 4096LL << (-fill - 1);
        size_t per = (size_t)lim - LP_EMPTY;
        nodes = (total + per - 1) / per;
    } else {
        size_t per = fill == 0 ? 1 : (size_t)fill;
        nodes = (n + per - 1) / per;
        size_t bynodes = (total + 8184) / 8185; /* the 8 KiB safety limit */
        if (bynodes > nodes)
            nodes = bynodes;
    }
    if (nodes == 0)
        nodes = 1;
    size_t lp = alloc(LP_EMPTY + total / nodes, u);
    return ROBJ + (u ? 48 : 64) + nodes * (32 + lp);
}

/* A sorted set's element: two listpack entries, or a dictEntry, the
 * member's sds (shared by the dict and the skiplist) and a skiplist node
 * (1.33 levels on average: 48 to 96 bytes, 53 on average). */
static size_t zset_elem(const struct obj *o, size_t i, int u)
{
    const struct zset_node *n = zset_at(o->u.zset, i);
    if (o->enc == OBJ_ENC_LISTPACK)
        return lp_entry(n->m, n->len) + lp_score(n->score);
    return dict_entry(u) + mem_sds(n->len) + 53;
}

/* Hash and set elements, walked in insertion order: a sample of a big
 * one is its first elements. */
static size_t dict_elems(const struct dict *d, size_t limit, int hash, int enc, int u)
{
    size_t n = dict_size(d), k = 0, s = 0;
    for (const struct dict_entry *e = dict_first(d); e && k < limit; e = dict_next(e), k++) {
        const struct obj_str *v = hash ? e->val : NULL;
        if (enc == OBJ_ENC_LISTPACK)
            s += lp_entry(e->key, e->klen) + lp_entry(v->p, v->len);
        else
            s += dict_entry(u) + mem_sds(e->klen) + (hash ? mem_sds(v->len) : 0);
    }
    if (k < n && k > 0)
        s = (size_t)((double)s * (double)n / (double)k);
    return s;
}

/* An intset: 8 header bytes and each member in the width of the widest. */
static size_t intset_size(const struct obj *o, int u)
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
    return alloc(8 + width * dict_size(o->u.set), u);
}

/* A stream: its struct and radix tree, each node's listpack (the last
 * one, still open, allocated at 4096 bytes at least, as Redis
 * preallocates a new node's listpack) and its key in the tree. */
static size_t stream_size(const struct obj *o, int u)
{
    const struct stream *s = o->u.stream;
    size_t b = ROBJ + (u ? 430 : 144);
    for (size_t i = 0; i < s->nnode; i++) {
        size_t bytes = s->node[i].bytes;
        if (u) { /* MEMORY USAGE: every node at its preallocation at least */
            b += mem_class(bytes < 4096 ? 4096 : bytes) + 155;
            continue;
        }
        if (i + 1 == s->nnode && bytes < 4096)
            bytes = 4096;
        b += mem_class(bytes) + 16;
    }
    return b;
}

/* The bytes of o's value with its current encoding, elements beyond limit
 * sampled; u: MEMORY USAGE's reckoning. */
static size_t value_size(const struct obj *o, size_t limit, int u)
{
    switch (o->type) {
    case OBJ_STRING: return str_size(o, u);
    case OBJ_LIST: return list_size(o, limit, u);
    case OBJ_HASH: {
        const struct dict *d = o->u.hash;
        if (o->enc == OBJ_ENC_LISTPACK)
            return ROBJ + alloc(LP_EMPTY + dict_elems(d, SIZE_MAX, 1, OBJ_ENC_LISTPACK, u), u);
        return ROBJ + DICT +
               mem_buckets_min(dict_size(d), value_buckets(o), born_buckets(o), RH_HASH, u) +
               dict_elems(d, limit, 1, o->enc, u);
    }
    case OBJ_SET: {
        const struct dict *d = o->u.set;
        if (o->enc == OBJ_ENC_INTSET)
            return ROBJ + intset_size(o, u);
        return ROBJ + DICT +
               mem_buckets_min(dict_size(d), value_buckets(o), born_buckets(o), RH_SET, u) +
               dict_elems(d, limit, 0, o->enc, u);
    }
    case OBJ_ZSET: {
        size_t n = zset_len(o->u.zset);
        if (o->enc == OBJ_ENC_LISTPACK)
            return ROBJ + alloc(LP_EMPTY + sum_sampled(n, zset_elem, o, SIZE_MAX, u), u);
        /* zset struct, dict, skiplist struct and its 32-level header */
        return ROBJ + 16 + DICT + mem_buckets_min(n, value_buckets(o), 0, RH_ZSET, u) + 32 + 640 +
               sum_sampled(n, zset_elem, o, limit, u);
    }
    case OBJ_STREAM: return stream_size(o, u);
    }
    return ROBJ;
}

size_t mem_obj_update(struct obj *o)
{
    int enc = next_enc(o);
    if (enc == OBJ_ENC_HASHTABLE && o->enc != OBJ_ENC_HASHTABLE) /* converted: sized for n */
        o->ht_born = bucket_exp(obj_len(o));
    o->enc = (unsigned char)enc;
    if (o->enc == OBJ_ENC_HASHTABLE || o->enc == OBJ_ENC_SKIPLIST)
        note_buckets(o, obj_len(o));
    return value_size(o, MEM_SAMPLE_BIG, 0);
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
    /* Redis samples a list's nodes, of hundreds of elements each */
    if (o->type == OBJ_LIST && limit != SIZE_MAX)
        limit = limit >= SIZE_MAX / 1000 || deque_len(o->u.list) <= limit * 1000 ? SIZE_MAX
                                                                                 : MEM_SAMPLE_BIG;
    return DICT_ENTRY + mem_sds(klen) + value_size(&tmp, limit, 1);
}

void mem_reencode(struct obj *o)
{
    o->enc = OBJ_ENC_NONE;
    o->ht_exp = o->ht_born = 0;
}

void mem_string_plain(struct obj *o)
{
    o->enc = o->u.str.len <= 44 ? OBJ_ENC_EMBSTR : OBJ_ENC_RAW;
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
/* A connected client that has run a command: its structure, its 16 KiB
 * reply buffer and its query buffer (redis-server shrinks the buffers of
 * a client idle for seconds; the model does not). */
#define MEM_CLIENT 38080
/* FUNCTION's engine when no library is loaded (MEMORY STATS's
 * functions.caches). */
#define MEM_FUNCTIONS_EMPTY 200

static size_t mem_peak_seen;

static size_t mem_clients(const struct core *core)
{
    return core->nclients * MEM_CLIENT;
}

static size_t mem_caches(const struct core *core, size_t *lua, size_t *functions)
{
    struct fn_info fi;
    fn_info(core, &fi);
    *lua = scr_cache_memory(core);
    *functions = MEM_FUNCTIONS_EMPTY + fi.bytes;
    return *lua + *functions;
}

size_t mem_db_overhead_main(const struct core *core, int i)
{
    size_t n = dict_size(core->db[i].keys);
    return mem_buckets(n, 0, 1) + n * (DICT_ENTRY + ROBJ);
}

size_t mem_db_overhead_expires(const struct core *core, int i)
{
    size_t n = dict_size(core->db[i].expires);
    return mem_buckets(n, 0, 1) + n * DICT_ENTRY;
}

size_t mem_used(const struct core *core)
{
    size_t lua, functions;
    size_t b = MEM_STARTUP + mem_clients(core) + mem_caches(core, &lua, &functions);
    for (int i = 0; i < DB_COUNT; i++) {
        size_t n = dict_size(core->db[i].keys), x = dict_size(core->db[i].expires);
        b += core->db[i].mem + mem_buckets(n, 0, 0) + mem_buckets(x, 0, 0) +
             x * mem_class(DICT_ENTRY);
    }
    return b;
}

void mem_note_peak(const struct core *core)
{
    size_t u = mem_used(core);
    if (u > mem_peak_seen)
        mem_peak_seen = u;
}

static size_t page_up(size_t n)
{
    return (n + 4095) / 4096 * 4096;
}

void mem_stats(const struct core *core, struct mem_stats *st)
{
    memset(st, 0, sizeof(*st));
    st->used = mem_used(core);
    if (st->used > mem_peak_seen)
        mem_peak_seen = st->used;
    st->peak = mem_peak_seen;
    st->startup = MEM_STARTUP;
    st->clients_normal = mem_clients(core);
    mem_caches(core, &st->lua_caches, &st->functions_caches);
    st->overhead = st->startup + st->clients_normal + st->lua_caches + st->functions_caches;
    for (int i = 0; i < DB_COUNT; i++) {
        st->keys += dict_size(core->db[i].keys);
        st->overhead += mem_db_overhead_main(core, i) + mem_db_overhead_expires(core, i);
    }
    st->dataset = st->used > st->overhead ? st->used - st->overhead : 0;
    /* redis-server 7.0.15, empty: jemalloc holds 0.78 MB more than Redis
     * counts, 8% more in active pages, 2.6 MB more resident, and the
     * process 2.1 MB more besides */
    st->allocated = st->used + 775960;
    st->active = page_up(st->allocated + st->allocated / 12);
    st->resident = st->active + 2670592;
    st->rss = st->resident + 2162688;
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    st->total_system = pages > 0 && psize > 0 ? (size_t)pages * (size_t)psize : 0;
}

const char *mem_doctor(const struct core *core)
{
    struct mem_stats st;
    mem_stats(core, &st);
    if (st.used < 5 * 1024 * 1024)
        return "Hi Sam, this instance is empty or is using very little memory, my issues "
               "detector can't be used in these conditions. Please, leave for your mission on "
               "Earth and fill it with some data. The new Sam and I will be back to our "
               "programming as soon as I finished rebooting.\n";
    if ((double)st.peak / (double)st.used > 1.5)
        return "Sam, I detected a few issues in this Redis instance memory implants:\n\n"
               " * Peak memory: In the past this instance used more than 150% the memory that is "
               "currently using. The allocator is normally not able to release memory after a "
               "peak, so you can expect to see a big fragmentation ratio, however this is "
               "actually harmless and is only due to the memory peak, and if the Redis instance "
               "Resident Set Size (RSS) is currently bigger than expected, the memory will be "
               "used as soon as you fill the Redis instance with more data. If the memory peak "
               "was only occasional and you want to try to reclaim memory, please try the MEMORY "
               "PURGE command, otherwise the only other option is to shutdown and restart the "
               "instance.\n\nI'm here to keep you safe, Sam. I want to help you.\n";
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for what "
           "occurs on this base.\n";
}
