/* notify.h - keyspace notifications (notify-keyspace-events).
 *
 * Commands report what they did to a key -- "set", "del", "lpush",
 * "expired", "evicted", "xadd", ... -- with notify_keyspace_event, at the
 * place Redis 7.0 calls notifyKeyspaceEvent and in its order. When the
 * event's class is enabled by notify-keyspace-events, it is published as a
 * Pub/Sub message: "__keyspace@<db>__:<key>" with the event as message
 * (flag K), and "__keyevent@<db>__:<event>" with the key as message (flag
 * E). With the parameter empty (the default) nothing is published and the
 * call costs a test of one integer.
 *
 * The NOTIFY_* classes are Redis's, with Redis's values; the letters of
 * notify-keyspace-events select them (notify_parse_flags).
 *
 * Depends on: core.h (the configured classes), pubsub.h (delivery). */
#ifndef MOCKREDIS_NOTIFY_H
#define MOCKREDIS_NOTIFY_H

#include <stddef.h>

struct core;

#define NOTIFY_KEYSPACE (1 << 0)  /* K */
#define NOTIFY_KEYEVENT (1 << 1)  /* E */
#define NOTIFY_GENERIC  (1 << 2)  /* g */
#define NOTIFY_STRING   (1 << 3)  /* $ */
#define NOTIFY_LIST     (1 << 4)  /* l */
#define NOTIFY_SET      (1 << 5)  /* s */
#define NOTIFY_HASH     (1 << 6)  /* h */
#define NOTIFY_ZSET     (1 << 7)  /* z */
#define NOTIFY_EXPIRED  (1 << 8)  /* x */
#define NOTIFY_EVICTED  (1 << 9)  /* e */
#define NOTIFY_STREAM   (1 << 10) /* t */
#define NOTIFY_KEY_MISS (1 << 11) /* m */
#define NOTIFY_LOADED   (1 << 12) /* module only */
#define NOTIFY_MODULE   (1 << 13) /* d */
#define NOTIFY_NEW      (1 << 14) /* n */

/* Reports that event happened to key (klen bytes) of database dbi; type is
 * the event's one NOTIFY_* class. */
void notify_keyspace_event(struct core *core, int type, const char *event, const char *key,
                           size_t klen, int dbi);

/* The classes the letters of s (len bytes) select, as CONFIG SET
 * notify-keyspace-events reads them ('A' is every class but m and n);
 * -1 when a byte is no class letter. */
int notify_parse_flags(const char *s, size_t len);
/* flags spelled as CONFIG GET prints them (Redis's canonical order, "A"
 * for all classes), in out (16 bytes are enough). */
void notify_flags_string(int flags, char *out, size_t size);
/* Makes the keyspace of core report expired keys and read misses as
 * events (db->on_event). Called once by core_init. */
void notify_attach(struct core *core);

#endif
