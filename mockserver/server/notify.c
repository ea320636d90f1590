/* notify.c - keyspace notifications (notify.h).
 *
 * The configured classes are core->cfg.notify_flags (CONFIG SET
 * notify-keyspace-events, parsed here). An event whose class is enabled
 * is published through the Pub/Sub registry (pubsub.h) as two messages,
 * in Redis's order: first on "__keyspace@<db>__:<key>" with the event
 * name as message (K), then on "__keyevent@<db>__:<event>" with the key
 * as message (E). The publisher is the client whose command runs
 * (core->running): its own messages go straight into its output, in
 * order with its replies, as in Redis.
 *
 * Also here: the keyspace's own events (db->on_event: keys that expired,
 * reads that missed, keys added), reported as "expired", "keymiss" and
 * "new".
 *
 * Not here: modules (class d is accepted and kept, nothing emits it),
 * "loaded" (no RDB loading). */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "mem.h"
#include "pubsub.h"

/* What 'A' stands for: every class but key misses and new keys. */
#define NOTIFY_ALL                                                                                 \
    (NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET |       \
     NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE)

int notify_parse_flags(const char *s, size_t len)
{
    static const char letters[] = "g$lshzxeKEtmdn";
    static const int classes[] = {NOTIFY_GENERIC,  NOTIFY_STRING,   NOTIFY_LIST,    NOTIFY_SET,
                                  NOTIFY_HASH,     NOTIFY_ZSET,     NOTIFY_EXPIRED, NOTIFY_EVICTED,
                                  NOTIFY_KEYSPACE, NOTIFY_KEYEVENT, NOTIFY_STREAM,  NOTIFY_KEY_MISS,
                                  NOTIFY_MODULE,   NOTIFY_NEW};
    int flags = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == 'A') {
            flags |= NOTIFY_ALL;
            continue;
        }
        const char *at = s[i] ? strchr(letters, s[i]) : NULL;
        if (at == NULL)
            return -1;
        flags |= classes[at - letters];
    }
    return flags;
}

void notify_flags_string(int flags, char *out, size_t size)
{
    /* Redis's spelling: "A" or the classes in a fixed order, then K E m. */
    static const struct {
        int flag;
        char letter;
    } order[] = {{NOTIFY_GENERIC, 'g'}, {NOTIFY_STRING, '$'},  {NOTIFY_LIST, 'l'},
                 {NOTIFY_SET, 's'},     {NOTIFY_HASH, 'h'},    {NOTIFY_ZSET, 'z'},
                 {NOTIFY_EXPIRED, 'x'}, {NOTIFY_EVICTED, 'e'}, {NOTIFY_STREAM, 't'},
                 {NOTIFY_MODULE, 'd'},  {NOTIFY_NEW, 'n'}};
    char s[32];
    size_t n = 0;
    if ((flags & NOTIFY_ALL) == NOTIFY_ALL) {
        s[n++] = 'A';
    } else {
        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
            if (flags & order[i].flag)
                s[n++] = order[i].letter;
    }
    if (flags & NOTIFY_KEYSPACE)
        s[n++] = 'K';
    if (flags & NOTIFY_KEYEVENT)
        s[n++] = 'E';
    if (flags & NOTIFY_KEY_MISS)
        s[n++] = 'm';
    s[n] = '\0';
    snprintf(out, size, "%s", s);
}

/* Publishes msg on "<prefix><dbi>__:<name>". */
static void publish(struct core *core, const char *prefix, int dbi, const char *name, size_t nlen,
                    const char *msg, size_t mlen)
{
    char head[40];
    int h = snprintf(head, sizeof(head), "%s%d__:", prefix, dbi);
    char *ch = mem_alloc((size_t)h + nlen + 1);
    memcpy(ch, head, (size_t)h);
    memcpy(ch + h, name, nlen);
    ps_publish(core, core->running, 0, ch, (size_t)h + nlen, msg, mlen);
    free(ch);
}

void notify_keyspace_event(struct core *core, int type, const char *event, const char *key,
                           size_t klen, int dbi)
{
    int flags = core->cfg.notify_flags;
    /* every change a command reports counts for INFO's
     * rdb_changes_since_last_save; what the keyspace reports on its own
     * (new, keymiss, expired) and evictions do not */
    if (!(type & (NOTIFY_NEW | NOTIFY_KEY_MISS | NOTIFY_EXPIRED | NOTIFY_EVICTED)))
        core->dirty++;
    if (!(flags & type))
        return;
    size_t elen = strlen(event);
    if (flags & NOTIFY_KEYSPACE)
        publish(core, "__keyspace@", dbi, key, klen, event, elen);
    if (flags & NOTIFY_KEYEVENT)
        publish(core, "__keyevent@", dbi, event, elen, key, klen);
}

/* db->on_event: what the keyspace reports on its own. */
static void on_db_event(void *ud, struct db *db, int ev, const char *key, size_t klen)
{
    struct core *core = ud;
    int dbi = (int)(db - core->db);
    if (ev == DB_EV_EXPIRED)
        notify_keyspace_event(core, NOTIFY_EXPIRED, "expired", key, klen, dbi);
    else if (ev == DB_EV_MISS)
        notify_keyspace_event(core, NOTIFY_KEY_MISS, "keymiss", key, klen, dbi);
    else
        notify_keyspace_event(core, NOTIFY_NEW, "new", key, klen, dbi);
}

void notify_attach(struct core *core)
{
    for (int i = 0; i < DB_COUNT; i++) {
        core->db[i].on_event = on_db_event;
        core->db[i].on_event_ud = core;
    }
}
