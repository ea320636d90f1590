/* rc_pool.c - the bounded pool: a mutex, a condition variable, a stack of
 * idle connections and a count of open ones (see rc_pool.h).
 *
 * Invariant, under the mutex: nidle <= nopen <= size. A checkout takes an
 * idle connection if there is one, else reserves a slot (nopen++) and
 * connects *outside* the mutex -- a connect can take connect_timeout_ms,
 * and holding the lock that long would stall every other thread, including
 * those only returning connections. A failed connect gives its slot back.
 *
 * Waiting uses CLOCK_MONOTONIC, so a wall-clock jump (NTP, an admin with
 * `date`) neither cuts a wait short nor stretches it.
 *
 * Not here: connection lifetimes, min-idle, background health checks. The
 * PING on checkout is the simplest check that is always right, at the
 * price of one round trip per checkout. */
#include "rc_pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rc_pool {
    struct rc_config cfg;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled when a connection or a slot frees up */
    int size;          /* most connections open at once */
    int nopen;         /* idle + checked out + being connected */
    int nidle;
    struct rc_conn **idle; /* a stack of nidle connections (size slots) */
};

struct rc_pool *rc_pool_new(const struct rc_config *cfg)
{
    struct rc_pool *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return NULL;
    p->cfg = *cfg;
    p->size = cfg->pool_size < 1 ? 1 : cfg->pool_size;
    p->idle = calloc((size_t)p->size, sizeof(*p->idle));
    pthread_condattr_t ca;
    int ok = p->idle != NULL && pthread_condattr_init(&ca) == 0;
    if (ok) {
        ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
             pthread_cond_init(&p->cv, &ca) == 0;
        pthread_condattr_destroy(&ca);
    }
    if (ok && pthread_mutex_init(&p->mu, NULL) != 0) {
        pthread_cond_destroy(&p->cv);
        ok = 0;
    }
    if (!ok) {
        free(p->idle);
        free(p);
        return NULL;
    }
    return p;
}

static void put_msg(char *err, size_t errlen, const char *msg)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", msg);
}

/* Gives back a slot whose connection could not be made or was closed. */
static void release_slot(struct rc_pool *p)
{
    pthread_mutex_lock(&p->mu);
    p->nopen--;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

/* True for the statuses after which rc.c has dropped the context, so one
 * more call reconnects: worth a second try. */
static int is_connection_error(enum rc_status st)
{
    return st == RC_ERR_IO || st == RC_ERR_PROTOCOL || st == RC_ERR_TIMEOUT;
}

enum rc_status rc_pool_checkout(struct rc_pool *p, struct rc_conn **out, char *err, size_t errlen)
{
    *out = NULL;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += p->cfg.pool_wait_ms / 1000;
    deadline.tv_nsec += (long)(p->cfg.pool_wait_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    struct rc_conn *c = NULL;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        if (p->nidle > 0) {
            c = p->idle[--p->nidle];
            break;
        }
        if (p->nopen < p->size) {
            p->nopen++; /* reserve the slot; connect below, unlocked */
            break;
        }
        /* All busy: wait for a return. The loop re-checks the condition,
         * as condition variables may wake without a signal. */
        int rc = p->cfg.pool_wait_ms > 0 ? pthread_cond_timedwait(&p->cv, &p->mu, &deadline)
                                         : pthread_cond_wait(&p->cv, &p->mu);
        if (rc == ETIMEDOUT) {
            pthread_mutex_unlock(&p->mu);
            put_msg(err, errlen, "pool: every connection stayed checked out for pool_wait_ms");
            return RC_ERR_TIMEOUT;
        }
    }
    pthread_mutex_unlock(&p->mu);

    enum rc_status st;
    if (c == NULL) { /* a new connection in the reserved slot */
        st = rc_connect(&p->cfg, &c, err, errlen);
        if (st != RC_OK) {
            release_slot(p);
            return st;
        }
        *out = c;
        return RC_OK;
    }
    /* An idle connection: is it still alive? A dead one fails the first
     * PING (and rc.c drops its context); the second PING reconnects. */
    st = rc_ping(c);
    if (is_connection_error(st))
        st = rc_ping(c);
    if (st != RC_OK) {
        put_msg(err, errlen, rc_errmsg(c));
        rc_close(c);
        release_slot(p);
        return st;
    }
    *out = c;
    return RC_OK;
}

void rc_pool_return(struct rc_pool *p, struct rc_conn *c)
{
    pthread_mutex_lock(&p->mu);
    p->idle[p->nidle++] = c; /* cannot overflow: nidle < nopen <= size */
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void rc_pool_discard(struct rc_pool *p, struct rc_conn *c)
{
    rc_close(c);
    release_slot(p);
}

int rc_pool_open_count(struct rc_pool *p)
{
    pthread_mutex_lock(&p->mu);
    int n = p->nopen;
    pthread_mutex_unlock(&p->mu);
    return n;
}

void rc_pool_destroy(struct rc_pool *p)
{
    if (p == NULL)
        return;
    for (int i = 0; i < p->nidle; i++)
        rc_close(p->idle[i]);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p->idle);
    free(p);
}
