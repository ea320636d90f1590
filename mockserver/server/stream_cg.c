/* stream_cg.c - consumer groups of a stream (XGROUP, XREADGROUP, XACK, ...).
 *
 * A stub until the consumer-group half lands: no stream has groups yet
 * (groups is always NULL), so freeing, copying and digesting them is
 * nothing. */
#include "stream.h"

#include <stddef.h>

void stream_groups_free(struct stream_groups *g)
{
    (void)g;
}

struct stream_groups *stream_groups_dup(const struct stream_groups *g)
{
    (void)g;
    return NULL;
}

uint64_t stream_groups_digest(const struct stream_groups *g, uint64_t h)
{
    (void)g;
    return h;
}
