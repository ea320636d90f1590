/* obj.c - value constructors and destructors, and the list deque.
 *
 * The deque is a ring buffer of pointers: push/pop at both ends and
 * indexing are O(1), which keeps LPUSH/RPOP/LRANGE fast on the long lists
 * redis-benchmark builds. */
#include "obj.h"

#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "mem.h"
#include "stream.h"
#include "zset.h"

static struct obj *obj__new(enum obj_type t)
{
    struct obj *o = mem_calloc(1, sizeof(*o));
    o->type = t;
    o->expire = -1;
    o->lru = OBJ_LRU_UNSET;
    return o;
}

struct obj *obj_new_string(const void *p, size_t len)
{
    struct obj *o = obj__new(OBJ_STRING);
    o->u.str.p = mem_dup(p, len);
    o->u.str.len = len;
    return o;
}

struct obj *obj_new_string_take(char *p, size_t len)
{
    struct obj *o = obj__new(OBJ_STRING);
    o->u.str.p = p;
    o->u.str.len = len;
    return o;
}

void obj_string_set(struct obj *o, const void *p, size_t len)
{
    char *n = mem_dup(p, len);
    free(o->u.str.p);
    o->u.str.p = n;
    o->u.str.len = len;
    o->enc = OBJ_ENC_NONE; /* a new value: the memory model encodes it afresh */
}

struct obj *obj_new_list(void)
{
    struct obj *o = obj__new(OBJ_LIST);
    o->u.list = deque_new();
    return o;
}

struct obj *obj_new_hash(void)
{
    struct obj *o = obj__new(OBJ_HASH);
    o->u.hash = dict_new(obj_str_free);
    return o;
}

struct obj *obj_new_set(void)
{
    struct obj *o = obj__new(OBJ_SET);
    o->u.set = dict_new(NULL);
    return o;
}

struct obj *obj_new_zset(void)
{
    struct obj *o = obj__new(OBJ_ZSET);
    o->u.zset = zset_new();
    return o;
}

struct obj *obj_new_stream(void)
{
    struct obj *o = obj__new(OBJ_STREAM);
    o->u.stream = stream_new();
    return o;
}

void obj_free(struct obj *o)
{
    if (o == NULL)
        return;
    switch (o->type) {
    case OBJ_STRING: free(o->u.str.p); break;
    case OBJ_LIST: deque_free(o->u.list); break;
    case OBJ_HASH: dict_free(o->u.hash); break;
    case OBJ_SET: dict_free(o->u.set); break;
    case OBJ_ZSET: zset_free(o->u.zset); break;
    case OBJ_STREAM: stream_free(o->u.stream); break;
    }
    free(o);
}

const char *obj_type_name(enum obj_type t)
{
    switch (t) {
    case OBJ_STRING: return "string";
    case OBJ_LIST: return "list";
    case OBJ_HASH: return "hash";
    case OBJ_SET: return "set";
    case OBJ_ZSET: return "zset";
    case OBJ_STREAM: return "stream";
    }
    return "none";
}

size_t obj_len(const struct obj *o)
{
    switch (o->type) {
    case OBJ_STRING: return o->u.str.len;
    case OBJ_LIST: return deque_len(o->u.list);
    case OBJ_HASH: return dict_size(o->u.hash);
    case OBJ_SET: return dict_size(o->u.set);
    case OBJ_ZSET: return zset_len(o->u.zset);
    case OBJ_STREAM: return o->u.stream->len;
    }
    return 0;
}

struct obj_str *obj_str_new(const void *p, size_t len)
{
    struct obj_str *s = mem_alloc(sizeof(*s) + len + 1);
    s->len = len;
    if (len)
        memcpy(s->p, p, len);
    s->p[len] = '\0';
    return s;
}

void obj_str_free(void *s)
{
    free(s);
}

/* ---- deque ----------------------------------------------------------------- */

struct deque {
    struct obj_str **ring;
    size_t cap; /* power of two */
    size_t head, len;
};

struct deque *deque_new(void)
{
    struct deque *q = mem_calloc(1, sizeof(*q));
    q->cap = 8;
    q->ring = mem_calloc(q->cap, sizeof(*q->ring));
    return q;
}

void deque_free(struct deque *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < q->len; i++)
        free(q->ring[(q->head + i) & (q->cap - 1)]);
    free(q->ring);
    free(q);
}

size_t deque_len(const struct deque *q)
{
    return q->len;
}

static void deque__grow(struct deque *q)
{
    if (q->len < q->cap)
        return;
    struct obj_str **r = mem_calloc(q->cap * 2, sizeof(*r));
    for (size_t i = 0; i < q->len; i++)
        r[i] = q->ring[(q->head + i) & (q->cap - 1)];
    free(q->ring);
    q->ring = r;
    q->head = 0;
    q->cap *= 2;
}

void deque_push_head(struct deque *q, struct obj_str *s)
{
    deque__grow(q);
    q->head = (q->head + q->cap - 1) & (q->cap - 1);
    q->ring[q->head] = s;
    q->len++;
}

void deque_push_tail(struct deque *q, struct obj_str *s)
{
    deque__grow(q);
    q->ring[(q->head + q->len) & (q->cap - 1)] = s;
    q->len++;
}

struct obj_str *deque_pop_head(struct deque *q)
{
    if (q->len == 0)
        return NULL;
    struct obj_str *s = q->ring[q->head];
    q->head = (q->head + 1) & (q->cap - 1);
    q->len--;
    return s;
}

struct obj_str *deque_pop_tail(struct deque *q)
{
    if (q->len == 0)
        return NULL;
    q->len--;
    return q->ring[(q->head + q->len) & (q->cap - 1)];
}

struct obj_str *deque_at(const struct deque *q, size_t i)
{
    if (i >= q->len)
        return NULL;
    return q->ring[(q->head + i) & (q->cap - 1)];
}

/* FNV-1a, fed field by field; each byte string is preceded by its length,
 * so that ("ab", "c") and ("a", "bc") differ. */
static uint64_t digest_bytes(uint64_t h, const void *p, size_t len)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

static uint64_t digest_str(uint64_t h, const void *p, size_t len)
{
    uint64_t n = len;
    h = digest_bytes(h, &n, sizeof(n));
    return digest_bytes(h, p, len);
}

uint64_t obj_digest(const struct obj *o)
{
    if (o == NULL)
        return 0;
    uint64_t h = 0xcbf29ce484222325ULL;
    int64_t head[2] = {(int64_t)o->type, o->expire};
    h = digest_bytes(h, head, sizeof(head));
    switch (o->type) {
    case OBJ_STRING: h = digest_str(h, o->u.str.p, o->u.str.len); break;
    case OBJ_LIST:
        for (size_t i = 0; i < deque_len(o->u.list); i++) {
            const struct obj_str *e = deque_at(o->u.list, i);
            h = digest_str(h, e->p, e->len);
        }
        break;
    case OBJ_HASH:
        for (const struct dict_entry *e = dict_first(o->u.hash); e; e = dict_next(e)) {
            const struct obj_str *v = e->val;
            h = digest_str(h, e->key, e->klen);
            h = digest_str(h, v->p, v->len);
        }
        break;
    case OBJ_SET:
        for (const struct dict_entry *e = dict_first(o->u.set); e; e = dict_next(e))
            h = digest_str(h, e->key, e->klen);
        break;
    case OBJ_ZSET:
        for (size_t i = 0; i < zset_len(o->u.zset); i++) {
            const struct zset_node *n = zset_at(o->u.zset, i);
            h = digest_bytes(h, &n->score, sizeof(n->score));
            h = digest_str(h, n->m, n->len);
        }
        break;
    case OBJ_STREAM: h = stream_digest(o->u.stream, h); break;
    }
    return h ? h : 1;
}

struct obj *obj_dup(const struct obj *o)
{
    struct obj *n = NULL;
    switch (o->type) {
    case OBJ_STRING: n = obj_new_string(o->u.str.p, o->u.str.len); break;
    case OBJ_LIST:
        n = obj_new_list();
        for (size_t i = 0; i < deque_len(o->u.list); i++) {
            const struct obj_str *s = deque_at(o->u.list, i);
            deque_push_tail(n->u.list, obj_str_new(s->p, s->len));
        }
        break;
    case OBJ_HASH:
        n = obj_new_hash();
        for (struct dict_entry *e = dict_first(o->u.hash); e; e = dict_next(e)) {
            const struct obj_str *s = e->val;
            int created;
            dict_upsert(n->u.hash, e->key, e->klen, &created)->val = obj_str_new(s->p, s->len);
        }
        break;
    case OBJ_SET:
        n = obj_new_set();
        for (struct dict_entry *e = dict_first(o->u.set); e; e = dict_next(e)) {
            int created;
            dict_upsert(n->u.set, e->key, e->klen, &created);
        }
        break;
    case OBJ_ZSET:
        n = obj_new_zset();
        for (size_t i = 0; i < zset_len(o->u.zset); i++) {
            const struct zset_node *z = zset_at(o->u.zset, i);
            zset_set(n->u.zset, z->m, z->len, z->score);
        }
        break;
    case OBJ_STREAM:
        n = obj_new_stream();
        stream_free(n->u.stream);
        n->u.stream = stream_dup(o->u.stream);
        break;
    }
    if (n != NULL)
        n->expire = o->expire;
    return n;
}
