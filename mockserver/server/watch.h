/* watch.h - WATCH: which clients watch which keys, and what makes their
 * EXEC fail.
 *
 * As in Redis 7.0, EXEC answers a null array and runs nothing when, since
 * the client's WATCH, one of its watched keys
 *   - was set, deleted (also by expiry), renamed, moved, or had a TTL set
 *     or removed: the keyspace reports these (db->on_change);
 *   - was changed in place by a write command: the value's digest before
 *     and after the command differs (SADD of a new member changes it, SADD
 *     of a member already there does not, as in Redis);
 *   - was the first key of a command that Redis counts as a change even
 *     when the value stays the same (CMD_TOUCH: HSET, INCRBY, LSET, LTRIM,
 *     APPEND, ...), on a call that did not fail and left the key existing;
 *   - was reported changed by a command that decides it itself
 *     (CMD_SIGNALS: BITFIELD, whose rule is neither of the two above);
 *   - existed when FLUSHDB or FLUSHALL emptied its database;
 *   - expired, also when nobody has looked at it since.
 * Any client's change counts, the watcher's own included. A key that had
 * already expired when it was watched and is then deleted is no change.
 * Keys are per database: SELECT 1 and SET k touches nobody watching k in 0.
 * EXEC, DISCARD, UNWATCH, RESET and disconnecting forget a client's keys.
 *
 * Known difference: SETRANGE that writes the bytes already there is no
 * change here, a change in Redis.
 *
 * Nothing is hooked while nobody watches: core_listen_update installs the
 * keyspace listener with the first WATCH and removes it with the last
 * watched key (unless a blocked client needs it, block.h).
 *
 * Depends on: core.h (struct core holds the watched keys, struct client
 * its dirty flag), the keyspace (db.h: db_peek, db_state) and obj_digest,
 * the dict, tracking.h (watch_touch). Not on the command layer: what it needs of a command comes as
 * a WATCH_* mask (below). */
#ifndef MOCKREDIS_WATCH_H
#define MOCKREDIS_WATCH_H

#include <stddef.h>

struct core;
struct client;

/* Watches key in the client's current database (again: no-op). */
void watch_key(struct core *core, struct client *c, const char *key, size_t klen);
/* Forgets every key the client watches and whether one was touched. */
void watch_forget(struct core *core, struct client *c);
/* Whether the client's transaction may run: none of its keys was touched
 * and none expired since it was watched. */
int watch_exec_ok(struct core *core, struct client *c);
/* Frees what core->watched holds (every client is gone). */
void watch_destroy(struct core *core);
/* Whether any key is watched (the keyspace listener is needed). */
int watch_active(const struct core *core);
/* The keyspace listener's part (core.c): key in database dbi changed;
 * key NULL: the database is about to be emptied. */
void watch_changed(struct core *core, int dbi, const char *key, size_t klen);
/* key in database dbi was changed where the digests cannot see it (a
 * blocked client being served, a CMD_SIGNALS command): its watchers' EXEC
 * fails, client tracking invalidates it (tracking_changed), and in
 * cluster mode a primary's replicas copy it again (cluster_repl_changed). */
void watch_touch(struct core *core, int dbi, const char *key, size_t klen);

/* What WATCH needs to know of the command being run: a mask of these
 * (cmd.c derives it from the command's CMD_WRITE, CMD_TOUCH and
 * CMD_SIGNALS flags, cmd.h). */
#define WATCH_WRITES  (1u << 0) /* it may change the keys it names */
#define WATCH_TOUCHES (1u << 1) /* a call that succeeds changes its first key */
#define WATCH_SIGNALS (1u << 2) /* it calls watch_touch itself: no digests */

/* Around one command of client c (argv[1..argc) may name watched keys),
 * kind a mask of WATCH_* for it: watch_before digests the watched keys
 * among them when it WATCH_WRITES (and not WATCH_SIGNALS), watch_after
 * touches those whose digest changed, and the first key of a
 * WATCH_TOUCHES command when the reply written since out_len is no error. */
void watch_before(struct core *core, struct client *c, unsigned kind, int argc, char **argv,
                  const size_t *argl);
void watch_after(struct core *core, struct client *c, unsigned kind, int argc, char **argv,
                 const size_t *argl, size_t out_len);

/* For a command flagged CMD_SIGNALS (WATCH_SIGNALS), which tells WATCH itself what it
 * changed as Redis's signalModifiedKey does: watch_before and watch_after
 * take no digests for it, and it calls watch_touch for each key it counts
 * as changed. Keyspace events during its
 * call still count (deleting an expired key while looking it up is a
 * change), except between watch_hush(core, 1) and watch_hush(core, 0):
 * there a set or delete is no change, for a store Redis does not signal
 * (BITFIELD creating its key for an increment that then fails). */
void watch_hush(struct core *core, int on);

#endif
