/* rc_async.c - hiredis's async API on its libevent adapter, plus the
 * per-call timer hiredis 0.14 lacks (see rc_async.h).
 *
 * Each accepted call owns a struct call record. Two things can finish it:
 *
 *   on_reply    hiredis's callback. hiredis calls it exactly once per queued
 *               command: with the reply, or with NULL when the context dies
 *               (error, EOF, redisAsyncFree). It always frees the record.
 *   on_timeout  the libevent timer. It marks the record done, tells the
 *               user, and frees the context -- which makes hiredis run
 *               on_reply(NULL) for this record, which then only frees it.
 *
 * The `done` flag is what makes "exactly once" hold: whoever comes second
 * sees it set and stays silent. Everything runs on the loop's one thread,
 * so no lock is needed.
 *
 * When a context dies, a->ac is cleared *before* any user callback runs,
 * so that a callback which issues a new call gets a fresh connection and
 * not the dying one.
 *
 * hiredis 1.x has redisAsyncSetTimeout; it is not used, so that the code is
 * the same on 0.14 and 1.x and the timeout is per call. */
#include "rc_async.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/async.h>
#include <hiredis/adapters/libevent.h>

#include "rc_internal.h"

struct rc_async {
    struct rc_config cfg;
    struct event_base *base;
    redisAsyncContext *ac; /* NULL: the next call connects */
    unsigned long connects;
    struct call *head, *tail; /* calls not completed by hiredis yet, oldest first */
};

struct call {
    struct rc_async *a;
    redisAsyncContext *ac; /* the context the command went out on */
    enum rc__want want;
    rc_async_fn *fn;
    void *ud;
    struct event *timer;      /* NULL when command_timeout_ms is 0 */
    long long deadline_us;    /* CLOCK_MONOTONIC: the timeout is never earlier */
    int done;                 /* fn has been called */
    struct call *prev, *next; /* in a->head.. */
};

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void arm(struct call *call, long long us)
{
    struct timeval tv = {(time_t)(us / 1000000), (suseconds_t)(us % 1000000)};
    evtimer_add(call->timer, &tv);
}

static void pending_add(struct rc_async *a, struct call *call)
{
    call->prev = a->tail;
    call->next = NULL;
    if (a->tail)
        a->tail->next = call;
    else
        a->head = call;
    a->tail = call;
}

static void pending_remove(struct rc_async *a, struct call *call)
{
    if (call->prev)
        call->prev->next = call->next;
    else
        a->head = call->next;
    if (call->next)
        call->next->prev = call->prev;
    else
        a->tail = call->prev;
}

/* ---- context lifecycle -------------------------------------------------------- */

/* hiredis is about to free ac (failed connect, error, EOF): forget it. */
static void forget(const redisAsyncContext *ac)
{
    struct rc_async *a = ac->data;
    if (a && a->ac == ac)
        a->ac = NULL;
}

static void on_connect(const redisAsyncContext *ac, int status)
{
    if (status != REDIS_OK)
        forget(ac); /* hiredis frees it after this callback */
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
    (void)status;
    forget(ac);
}

/* Makes sure a->ac is a live (or connecting) context. RC_OK or RC_ERR_IO. */
static enum rc_status ensure_connected(struct rc_async *a, char *err, size_t errlen)
{
    if (a->ac)
        return RC_OK;
    redisAsyncContext *ac = a->cfg.unix_path[0] ? redisAsyncConnectUnix(a->cfg.unix_path)
                                                : redisAsyncConnect(a->cfg.host, a->cfg.port);
    if (ac == NULL) {
        snprintf(err, errlen, "out of memory");
        return RC_ERR_IO;
    }
    if (ac->err) { /* e.g. no such unix socket: known at once */
        snprintf(err, errlen, "%s", ac->errstr);
        redisAsyncFree(ac);
        return RC_ERR_IO;
    }
    ac->data = a;
    if (redisLibeventAttach(ac, a->base) != REDIS_OK) {
        snprintf(err, errlen, "cannot attach to the event loop");
        redisAsyncFree(ac);
        return RC_ERR_IO;
    }
    redisAsyncSetConnectCallback(ac, on_connect);
    redisAsyncSetDisconnectCallback(ac, on_disconnect);
    a->ac = ac;
    a->connects++;
    return RC_OK;
}

/* ---- completing a call --------------------------------------------------------- */

/* Calls the user's callback with a status made from reply r, or, when r is
 * NULL, from why ac went away. */
static void deliver(struct call *call, const redisAsyncContext *ac, const redisReply *r)
{
    char err[160] = "";
    struct rc_value v = RC_VALUE_INIT;
    struct rc_async_result res;
    memset(&res, 0, sizeof(res));
    if (r != NULL)
        res.status = rc__reply_take(r, call->want, &v, &res.integer, err, sizeof(err));
    else if (ac->c.err)
        res.status = rc__ctx_status(&ac->c, 0, err, sizeof(err));
    else { /* freed on purpose: a timeout of another call, or rc_async_free */
        res.status = RC_ERR_IO;
        snprintf(err, sizeof(err), "connection closed before the reply");
    }
    res.value = &v;
    res.errmsg = err;
    call->done = 1;
    call->fn(&res, call->ud);
    rc_value_free(&v);
}

static void on_reply(redisAsyncContext *ac, void *reply, void *privdata)
{
    struct call *call = privdata;
    if (call->timer)
        event_free(call->timer); /* also cancels it if still pending */
    call->timer = NULL;
    if (reply == NULL)
        forget(ac); /* the context is dying: new calls must not use it */
    if (!call->done)
        deliver(call, ac, reply);
    pending_remove(call->a, call);
    free(call);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct call *call = arg;
    /* libevent's default clock is CLOCK_MONOTONIC_COARSE (one kernel tick,
     * up to 10 ms, of resolution): its timer may fire a little before the
     * deadline. Wait out the rest so that a timeout is never early. */
    long long left = call->deadline_us - now_us();
    if (left > 0) {
        arm(call, left);
        return;
    }
    /* Re-armed timers of calls queued together can fire out of order; the
     * one that times out is the oldest call still waiting on this
     * connection (the reply the server is late with, due no later than
     * this one), the others then complete with RC_ERR_IO. */
    for (struct call *p = call->a->head; p; p = p->next) {
        if (p->ac == call->ac && !p->done) {
            call = p;
            break;
        }
    }
    redisAsyncContext *ac = call->ac;
    char msg[64];
    snprintf(msg, sizeof(msg), "no reply within %d ms", call->a->cfg.command_timeout_ms);

    struct rc_value v = RC_VALUE_INIT;
    struct rc_async_result res = {RC_ERR_TIMEOUT, &v, 0, msg};
    forget(ac); /* calls made from the callback below get a new connection */
    call->done = 1;
    call->fn(&res, call->ud);

    /* The late reply must never reach anyone: drop the connection now.
     * hiredis runs on_reply(NULL) for every command still queued on it,
     * this one included (which frees `call`: do not touch it after). */
    redisAsyncFree(ac);
}

/* Queues one command with its timer. */
static enum rc_status submit(struct rc_async *a, int argc, const char **argv, const size_t *argvlen,
                             enum rc__want want, rc_async_fn *fn, void *ud)
{
    char err[160];
    enum rc_status st = ensure_connected(a, err, sizeof(err));
    if (st != RC_OK)
        return st;
    struct call *call = calloc(1, sizeof(*call));
    if (call == NULL)
        return RC_ERR_IO;
    call->a = a;
    call->ac = a->ac;
    call->want = want;
    call->fn = fn;
    call->ud = ud;
    if (a->cfg.command_timeout_ms > 0) {
        call->timer = evtimer_new(a->base, on_timeout, call);
        if (call->timer == NULL) {
            free(call);
            return RC_ERR_IO;
        }
    }
    pending_add(a, call); /* before hiredis may call on_reply, which removes it */
    if (redisAsyncCommandArgv(a->ac, on_reply, call, argc, argv, argvlen) != REDIS_OK) {
        pending_remove(a, call);
        if (call->timer)
            event_free(call->timer);
        free(call);
        return RC_ERR_IO; /* hiredis refused it: on_reply will not run */
    }
    if (call->timer) {
        long long us = (long long)a->cfg.command_timeout_ms * 1000;
        call->deadline_us = now_us() + us;
        arm(call, us);
    }
    return RC_OK;
}

/* ---- the public calls ----------------------------------------------------------- */

struct rc_async *rc_async_new(const struct rc_config *cfg, struct event_base *base)
{
    struct rc_async *a = calloc(1, sizeof(*a));
    if (a == NULL)
        return NULL;
    rc_ignore_sigpipe(); /* see rc.h: hiredis writes with write(2) */
    a->cfg = *cfg;
    a->base = base;
    return a;
}

enum rc_status rc_async_get(struct rc_async *a, const char *key, size_t keylen, rc_async_fn *fn,
                            void *ud)
{
    const char *argv[] = {"GET", key};
    size_t argvlen[] = {3, keylen};
    return submit(a, 2, argv, argvlen, RC__STRING, fn, ud);
}

enum rc_status rc_async_set(struct rc_async *a, const char *key, size_t keylen, const char *val,
                            size_t vallen, rc_async_fn *fn, void *ud)
{
    const char *argv[] = {"SET", key, val};
    size_t argvlen[] = {3, keylen, vallen};
    return submit(a, 3, argv, argvlen, RC__STATUS, fn, ud);
}

enum rc_status rc_async_incrby(struct rc_async *a, const char *key, size_t keylen, long long by,
                               rc_async_fn *fn, void *ud)
{
    char num[24];
    int numlen = snprintf(num, sizeof(num), "%lld", by);
    const char *argv[] = {"INCRBY", key, num};
    size_t argvlen[] = {6, keylen, (size_t)numlen};
    return submit(a, 3, argv, argvlen, RC__INTEGER, fn, ud);
}

unsigned long rc_async_connects(const struct rc_async *a)
{
    return a->connects;
}

void rc_async_free(struct rc_async *a)
{
    if (a == NULL)
        return;
    redisAsyncContext *ac = a->ac;
    a->ac = NULL;
    if (ac)
        redisAsyncFree(ac); /* pending calls: on_reply(NULL) -> RC_ERR_IO */
    free(a);
}
