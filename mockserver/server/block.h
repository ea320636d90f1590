/* block.h - clients blocked on keys: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH,
 * BLMPOP (cmd_list.c), BZPOPMIN, BZPOPMAX, BZMPOP (cmd_zsetops.c).
 *
 * A blocking command that finds nothing to take calls block_wait. The
 * client then stops -- the network side keeps its further input for later,
 * as Redis does -- until one of these, whichever comes first:
 *   - a key it waits on is given a value (the keyspace reports it through
 *     db->on_change) and the command's serve function can take from it.
 *     Clients waiting on one key are served in the order they blocked, one
 *     element each (BLMPOP, BZMPOP: up to their COUNT), each tried once; one
 *     that finds nothing for it there (a BZPOPMIN when the key is a list)
 *     is passed over and waits on. Serving starts after the command that
 *     gave the value has finished (after the whole EXEC: a transaction
 *     that pushes and deletes serves nobody). A serve may give another key a value (BLMOVE): its
 * waiters are served next, in the same round;
 *   - its deadline passes on the server clock: the timeout reply. With the
 *     virtual clock, MOCK CLOCK ADVANCE (or a scenario's advance) times it
 *     out without anybody sleeping;
 *   - it disconnects (block_cancel).
 * Served or timed out, core->on_unblock(c) tells the network side to send
 * what was written and to read on.
 *
 * Inside EXEC, and for a client that may not block (CL_DENY_BLOCKING:
 * commands a scenario runs itself), a blocking command answers at once,
 * as Redis answers it inside MULTI: block_allowed says which.
 *
 * Depends on: core.h (struct core holds the registry, struct client the
 * state of a blocked client), the dict and the reply writers (the timeout
 * and UNBLOCKED replies). Not on the command layer: commands parse their
 * timeout with arg_timeout (cmd.h) and pass a deadline here. */
#ifndef MOCKREDIS_BLOCK_H
#define MOCKREDIS_BLOCK_H

#include <stddef.h>
#include <stdint.h>

struct core;
struct client;

/* Tries to serve c from key (in database dbi). Returns 1 when it was served
 * (its reply written), -1 when it got an error reply instead (it is
 * unblocked too), 0 when key has nothing for it (c stays blocked). arg is
 * block_wait's copy. */
typedef int block_serve_fn(struct core *core, struct client *c, int dbi, const char *key,
                           size_t klen, const void *arg);
/* Writes c's timeout reply. */
typedef void block_timeout_fn(struct client *c, const void *arg);

/* Whether c may block now (not inside EXEC, not CL_DENY_BLOCKING). */
int block_allowed(const struct client *c);
/* Blocks c on keys[0..nkeys) (nkeys >= 1) of its current database until
 * deadline_ms on the server clock (0: no deadline). arg (arglen bytes) is
 * copied and given back to serve and timeout. The caller checked
 * block_allowed, and c is not blocked already. */
void block_wait(struct core *core, struct client *c, char *const *keys, const size_t *klens,
                int nkeys, int64_t deadline_ms, block_serve_fn *serve, block_timeout_fn *timeout,
                const void *arg, size_t arglen);
/* The deadline c waits for (0: none, or not blocked). */
int64_t block_deadline(const struct client *c);

/* The keyspace listener's part: key was given a value or changed (also
 * called by a command that changes a value in place, XADD, XGROUP
 * DESTROY); waiters on it are served by the next block_serve. key NULL: the
 * database is being flushed, every key of it with waiters is served (a
 * blocked XREADGROUP gets its error). */
void block_changed(struct core *core, int dbi, const char *key, size_t klen);
/* Between block_hush(core, 1) and block_hush(core, 0) keys given values
 * wake nobody: for a store that replaces a key which already exists, which
 * Redis 7.0 does not signal as ready (ZUNIONSTORE, ZRANGESTORE ... over a
 * string a BZPOPMIN waits on leave it waiting). Keys made ready before
 * stay ready. */
void block_hush(struct core *core, int on);
/* Serves the waiters of every key that changed since the last call. */
void block_serve(struct core *core);
/* Times out every blocked client whose deadline is at or before now_ms. */
void block_expire(struct core *core, int64_t now_ms);
/* CLIENT UNBLOCK: when c is blocked, ends its wait with its timeout reply
 * (or, with error, Redis's UNBLOCKED error) and returns 1; else 0. */
int block_unblock(struct core *core, struct client *c, int error);
/* Ends c's wait, when it is blocked, with the error reply `error` (no
 * leading '-', no CRLF: cluster mode's MOVED, CLUSTERDOWN, UNBLOCKED)
 * and returns 1; else 0. */
int block_unblock_error(struct core *core, struct client *c, const char *error);
/* The first key c waits on (in database *dbi; *key points into the
 * registry, valid while c waits): 1, or 0 when c is not blocked. */
int block_first_key(const struct client *c, int *dbi, const char **key, size_t *klen);
/* c goes away: forgets it without a reply or on_unblock. */
void block_cancel(struct core *core, struct client *c);
/* Frees the registry (every client is gone). */
void block_destroy(struct core *core);

#endif
