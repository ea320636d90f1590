/* memory.c - the memory model (memory.h).
 *
 * Placeholder until the model exists: a fixed baseline, no per-key sizes,
 * and the encoding each type starts with in Redis 7.0. */
#include "memory.h"

#include "obj.h"

size_t mem_used(const struct core *core)
{
    (void)core;
    return 1u << 20;
}

size_t mem_key_usage(const char *key, size_t klen, const struct obj *o, long long samples)
{
    (void)key, (void)klen, (void)o, (void)samples;
    return 0;
}

const char *mem_encoding(const struct obj *o)
{
    switch (o->type) {
    case OBJ_STRING: return o->u.str.len <= 44 ? "embstr" : "raw";
    case OBJ_LIST: return "listpack";
    case OBJ_HASH: return "listpack";
    case OBJ_SET: return "hashtable";
    case OBJ_ZSET: return "listpack";
    case OBJ_STREAM: return "stream";
    }
    return "unknown";
}
