/* zset.h - sorted sets: members ordered by (score, member bytes).
 *
 * Contract for the sorted-set type used by OBJ_ZSET values. */
#ifndef MOCKREDIS_ZSET_H
#define MOCKREDIS_ZSET_H

#include <stddef.h>

struct zset;

struct zset *zset_new(void);
void zset_free(struct zset *z);
size_t zset_len(const struct zset *z);

#endif
