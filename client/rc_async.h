/* rc_async.h - non-blocking calls on a libevent loop, each with its own
 * timeout (pitfalls P6, P11).
 *
 * Inside an event loop, a blocking call (rc_get, redisCommand) stops every
 * other timer and socket of the program for as long as the server takes
 * (P6). These calls return at once; the answer arrives later in a callback
 * run by the loop.
 *
 * hiredis 0.14's async API has no timeout at all: a server that never
 * answers leaves the callback pending forever. Here every call arms a
 * libevent timer of cfg->command_timeout_ms (measured on CLOCK_MONOTONIC
 * from the call: never earlier, whatever the resolution of the loop's
 * clock). Whichever comes first wins:
 *
 *   reply first:   the timer is cancelled; callback(status of the reply)
 *   timer first:   callback(RC_ERR_TIMEOUT); the connection is closed at
 *                  once (its next bytes would be the late reply, answering
 *                  the wrong question) and the next call opens a new one.
 *
 * Either way the callback fires exactly once per accepted call. Other
 * calls still pending on a connection closed that way complete with
 * RC_ERR_IO.
 *
 * Use an IP address or a unix socket in cfg: hiredis resolves a host name
 * with a blocking getaddrinfo() inside the loop. */
#ifndef MOCKREDIS_RC_ASYNC_H
#define MOCKREDIS_RC_ASYNC_H

#include <stddef.h>

#include <event2/event.h>

#include "rc.h"
#include "rc_config.h"

/* What a callback receives; everything in it is borrowed for the duration
 * of the callback (copy what you keep). */
struct rc_async_result {
    enum rc_status status;
    const struct rc_value *value; /* rc_async_get on RC_OK: the value; else empty */
    long long integer;            /* rc_async_incrby on RC_OK: the new value */
    const char *errmsg;           /* why, when status is not RC_OK; else "" */
};

typedef void rc_async_fn(const struct rc_async_result *res, void *ud);

struct rc_async;

/* A client for *cfg (copied) whose events run on base. Connects lazily, at
 * the first call. Returns NULL when out of memory. */
struct rc_async *rc_async_new(const struct rc_config *cfg, struct event_base *base);

/* GET key; the value comes as res->value. Returns RC_OK when the call was
 * queued: fn(res, ud) will then be called exactly once, from the event
 * loop, never from inside this function. Returns an error (RC_ERR_IO: no
 * connection could be started) when it was not: fn is then never called. */
enum rc_status rc_async_get(struct rc_async *a, const char *key, size_t keylen, rc_async_fn *fn,
                            void *ud);
/* SET key value (no expiry); as rc_async_get. */
enum rc_status rc_async_set(struct rc_async *a, const char *key, size_t keylen, const char *val,
                            size_t vallen, rc_async_fn *fn, void *ud);
/* INCRBY key by; the new value comes as res->integer. As rc_async_get. */
enum rc_status rc_async_incrby(struct rc_async *a, const char *key, size_t keylen, long long by,
                               rc_async_fn *fn, void *ud);

/* How many connections a has started (1 after the first call, +1 for each
 * reconnect after an error or a timeout). */
unsigned long rc_async_connects(const struct rc_async *a);

/* Closes the connection and frees a; calls still pending complete with
 * RC_ERR_IO before this returns. NULL is fine. Never call it from inside
 * one of a's callbacks. */
void rc_async_free(struct rc_async *a);

#endif
