/* zset.c - sorted sets (placeholder until the sorted-set commands land). */
#include "zset.h"

#include <stdlib.h>

#include "mem.h"

struct zset {
    size_t len;
};

struct zset *zset_new(void)
{
    return mem_calloc(1, sizeof(struct zset));
}

void zset_free(struct zset *z)
{
    free(z);
}

size_t zset_len(const struct zset *z)
{
    return z->len;
}
