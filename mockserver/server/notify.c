/* notify.c - keyspace notifications (notify.h).
 *
 * Placeholder until notify-keyspace-events is implemented: no class is
 * ever enabled, so nothing is published. */
#include "notify.h"

void notify_keyspace_event(struct core *core, int type, const char *event, const char *key,
                           size_t klen, int dbi)
{
    (void)core, (void)type, (void)event, (void)key, (void)klen, (void)dbi;
}
