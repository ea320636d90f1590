/* rc_pool.h - a bounded, thread-safe pool of connections (pitfalls P7, P9).
 *
 * Two threads must never use one struct rc_conn at the same time: their
 * requests interleave on the socket and each may read the other's reply
 * (P9). Opening a connection per request instead is slow (a handshake per
 * command, P1) and, under load, exhausts the server's maxclients (P7).
 * A pool gives each thread a connection of its own for as long as it holds
 * it, and never opens more than cfg->pool_size.
 *
 *   struct rc_conn *c;
 *   if (rc_pool_checkout(pool, &c, err, sizeof(err)) == RC_OK) {
 *       rc_incrby(c, "hits", 4, 1, NULL);   // c is ours until returned
 *       rc_pool_return(pool, c);
 *   }
 *
 * Connections are opened lazily, at checkout, up to pool_size. Every
 * checkout of an idle connection first sends PING (one round trip) so that
 * a connection the server closed while it sat idle (its `timeout`, a
 * restart) is found dead and rebuilt here, not in the caller's command. */
#ifndef MOCKREDIS_RC_POOL_H
#define MOCKREDIS_RC_POOL_H

#include <stddef.h>

#include "rc.h"
#include "rc_config.h"

struct rc_pool;

/* A pool for *cfg (copied), holding at most cfg->pool_size connections
 * (values below 1 count as 1). Opens none yet. Returns NULL only when
 * memory or thread primitives cannot be had. */
struct rc_pool *rc_pool_new(const struct rc_config *cfg);

/* Takes a connection for the calling thread. If all pool_size connections
 * are checked out, waits up to cfg->pool_wait_ms (0: no limit) for one to
 * come back. Returns:
 *  RC_OK           *out is a connection that just answered PING (or was
 *                  just opened); the caller owns it until rc_pool_return.
 *  RC_ERR_TIMEOUT  none came back in time (message in err).
 *  RC_ERR_IO, ...  connecting or the health check failed, twice for an
 *                  idle connection (it is reconnected once); the pool has
 *                  one free slot again.
 * *out is NULL on every status but RC_OK. err may be NULL. Thread-safe. */
enum rc_status rc_pool_checkout(struct rc_pool *p, struct rc_conn **out, char *err, size_t errlen);

/* Gives c back; a thread waiting in rc_pool_checkout gets it. Return only
 * a connection in a neutral state (no MULTI, no SUBSCRIBE open); else use
 * rc_pool_discard. A connection broken by an error can be returned: it is
 * rebuilt at its next checkout. Thread-safe. */
void rc_pool_return(struct rc_pool *p, struct rc_conn *c);

/* Closes c instead of returning it, freeing its slot for a new connection.
 * Thread-safe. */
void rc_pool_discard(struct rc_pool *p, struct rc_conn *c);

/* Connections open (idle + checked out) right now. Thread-safe. */
int rc_pool_open_count(struct rc_pool *p);

/* Closes the idle connections and frees p. Every checked-out connection
 * must have been returned or discarded before: p is gone afterwards.
 * NULL is fine. Not thread-safe: no other thread may use p any more. */
void rc_pool_destroy(struct rc_pool *p);

#endif
