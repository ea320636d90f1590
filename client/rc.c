/* rc.c - the blocking client: one hiredis context per struct rc_conn,
 * typed calls on top of argument vectors (see rc.h for the contract).
 *
 * The life of a connection:
 *
 *     rc_connect ──> [ctx live] ──call ok──> [ctx live]
 *                        │
 *                        └─I/O error, EOF, protocol error, timeout──>
 *                          redisFree(ctx); ctx = NULL ──next call──> connect again
 *
 * Why throw the context away: after a failed read or write, hiredis's
 * context keeps its error flag and whatever half-reply or half-request sat
 * in its buffers; every later call on it fails, and if it did not, the next
 * reply read could be the answer to the previous command. A fresh
 * connection is the only state known to be clean. Error *replies* (-ERR,
 * -WRONGTYPE) are different: the conversation is intact, the context stays.
 *
 * Every reply is checked in one place, rc__reply_take: type first, then the
 * field that type defines (str for strings, integer for integers). That is
 * the whole cure for the crash of pitfall P3 (reading reply->str of a nil
 * reply, or of a NULL reply after an I/O error).
 *
 * Not here on purpose: pipelining, pub/sub, RESP3 (HELLO 3), AUTH/SELECT on
 * connect. Each is a few lines on top of rc_cmd_argv when you need it. */
#include "rc.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "rc_internal.h"

struct rc_conn {
    struct rc_config cfg; /* our own copy: the caller's may change */
    redisContext *ctx;    /* NULL after an error; the next call reconnects */
    unsigned long connects;
    char err[160]; /* the last failed call's message */
};

/* ---- statuses ---------------------------------------------------------------- */

const char *rc_strerror(enum rc_status st)
{
#define RC__CASE(name, value, text)                                                                \
    case name: return text;
    switch (st) {
        RC_STATUS_TABLE(RC__CASE)
    }
#undef RC__CASE
    return "unknown status";
}

void rc_value_free(struct rc_value *v)
{
    if (v == NULL)
        return;
    free(v->str);
    v->str = NULL;
    v->len = 0;
}

int rc_value_eq(const struct rc_value *v, const char *s, size_t len)
{
    return v->str != NULL && v->len == len && memcmp(v->str, s, len) == 0;
}

/* ---- reply checking (shared with rc_async.c) ------------------------------------- */

const char *rc__type_name(int type)
{
    switch (type) {
    case REDIS_REPLY_STRING: return "string";
    case REDIS_REPLY_ARRAY: return "array";
    case REDIS_REPLY_INTEGER: return "integer";
    case REDIS_REPLY_NIL: return "nil";
    case REDIS_REPLY_STATUS: return "status";
    case REDIS_REPLY_ERROR: return "error";
#if defined(HIREDIS_MAJOR) && HIREDIS_MAJOR >= 1
    /* RESP3 types: hiredis 1.x parses them even on a RESP2 connection, so a
     * misbehaving server can send one; 0.14 reports a protocol error. */
    case REDIS_REPLY_DOUBLE: return "double";
    case REDIS_REPLY_BOOL: return "bool";
    case REDIS_REPLY_MAP: return "map";
    case REDIS_REPLY_SET: return "set";
    case REDIS_REPLY_ATTR: return "attribute";
    case REDIS_REPLY_PUSH: return "push";
    case REDIS_REPLY_BIGNUM: return "bignum";
    case REDIS_REPLY_VERB: return "verbatim string";
#endif
    default: return "unknown";
    }
}

static void set_msg(char *err, size_t errlen, const char *msg, size_t len)
{
    if (err == NULL || errlen == 0)
        return;
    if (len >= errlen)
        len = errlen - 1;
    memcpy(err, msg, len);
    err[len] = '\0';
}

/* True when an error reply's first word is WRONGTYPE: Redis puts the error
 * code first ("WRONGTYPE Operation against a key holding ..."). */
static int is_wrongtype(const redisReply *r)
{
    return r->len >= 9 && memcmp(r->str, "WRONGTYPE", 9) == 0 && (r->len == 9 || r->str[9] == ' ');
}

enum rc_status rc__reply_take(const redisReply *r, enum rc__want want, struct rc_value *sv,
                              long long *iv, char *err, size_t errlen)
{
    /* Type first. An error reply's str is its text. */
    if (r->type == REDIS_REPLY_ERROR) {
        set_msg(err, errlen, r->str, (size_t)r->len);
        return is_wrongtype(r) ? RC_WRONGTYPE : RC_ERR_REPLY;
    }
    if (want == RC__STRING && r->type == REDIS_REPLY_NIL)
        return RC_MISSING; /* nil: the reply has no str at all */
    if (want == RC__STRING && r->type == REDIS_REPLY_STRING) {
        /* Copy len bytes, not strlen(str): the value may hold NUL bytes. */
        char *copy = malloc((size_t)r->len + 1);
        if (copy == NULL) {
            set_msg(err, errlen, "out of memory", 13);
            return RC_ERR_IO;
        }
        memcpy(copy, r->str, (size_t)r->len);
        copy[r->len] = '\0';
        sv->str = copy;
        sv->len = (size_t)r->len;
        return RC_OK;
    }
    if (want == RC__INTEGER && r->type == REDIS_REPLY_INTEGER) {
        if (iv)
            *iv = r->integer;
        return RC_OK;
    }
    if (want == RC__STATUS && r->type == REDIS_REPLY_STATUS)
        return RC_OK;
    /* A reply that is valid RESP but not what this command returns: a
     * scripted or buggy server, a proxy, a RESP3 type. Report, never guess. */
    if (err && errlen) {
        static const char *const wanted[] = {"string", "integer", "status"};
        snprintf(err, errlen, "unexpected reply type %s (wanted %s)", rc__type_name(r->type),
                 wanted[want]);
    }
    return RC_WRONGTYPE;
}

enum rc_status rc__ctx_status(const redisContext *ctx, int saved_errno, char *err, size_t errlen)
{
    const char *text = ctx->errstr[0] ? ctx->errstr : "unknown hiredis error";
    set_msg(err, errlen, text, strlen(text));
    switch (ctx->err) {
    case REDIS_ERR_PROTOCOL: return RC_ERR_PROTOCOL;
#ifdef REDIS_ERR_TIMEOUT /* hiredis >= 1.1 names some timeouts itself */
    case REDIS_ERR_TIMEOUT: return RC_ERR_TIMEOUT;
#endif
    case REDIS_ERR_IO:
        /* A blocking socket with SO_RCVTIMEO fails read(2) with EAGAIN when
         * the time is up; hiredis reports that as a plain I/O error
         * ("Resource temporarily unavailable"). A connect that timed out
         * leaves ETIMEDOUT. */
        if (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK || saved_errno == ETIMEDOUT)
            return RC_ERR_TIMEOUT;
        return RC_ERR_IO;
    default: return RC_ERR_IO; /* REDIS_ERR_EOF, REDIS_ERR_OOM, REDIS_ERR_OTHER */
    }
}

/* ---- the connection ---------------------------------------------------------- */

/* Milliseconds as a timeval; 0 or less gives {0, 0}, which for a socket
 * timeout means "no limit". */
static struct timeval ms_to_tv(int ms)
{
    if (ms < 0)
        ms = 0;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    return tv;
}

/* Throws the hiredis context away (see the design comment). */
static void conn_drop(struct rc_conn *c)
{
    if (c->ctx)
        redisFree(c->ctx);
    c->ctx = NULL;
}

/* Builds a new hiredis context for c. RC_OK, or an error with c->err set. */
static enum rc_status conn_open(struct rc_conn *c)
{
    const struct rc_config *cfg = &c->cfg;
    struct timeval ctv = ms_to_tv(cfg->connect_timeout_ms);
    redisContext *ctx;

    if (cfg->unix_path[0])
        ctx = cfg->connect_timeout_ms > 0 ? redisConnectUnixWithTimeout(cfg->unix_path, ctv)
                                          : redisConnectUnix(cfg->unix_path);
    else
        ctx = cfg->connect_timeout_ms > 0 ? redisConnectWithTimeout(cfg->host, cfg->port, ctv)
                                          : redisConnect(cfg->host, cfg->port);
    int saved_errno = errno;
    if (ctx == NULL) { /* hiredis could not even allocate the context */
        set_msg(c->err, sizeof(c->err), "out of memory", 13);
        return RC_ERR_IO;
    }
    if (ctx->err) { /* refused, unreachable, timed out: the context is useless */
        enum rc_status st = rc__ctx_status(ctx, saved_errno, c->err, sizeof(c->err));
        redisFree(ctx);
        return st;
    }
    /* The command timeout: hiredis sets SO_RCVTIMEO and SO_SNDTIMEO, so no
     * read or write of this connection blocks longer than that (P11). Set
     * it even when it is 0 (no limit): a connect with a timeout leaves that
     * timeout on the socket. */
    if (redisSetTimeout(ctx, ms_to_tv(cfg->command_timeout_ms)) != REDIS_OK) {
        enum rc_status st = rc__ctx_status(ctx, errno, c->err, sizeof(c->err));
        redisFree(ctx);
        return st;
    }
    c->ctx = ctx;
    c->connects++;
    return RC_OK;
}

enum rc_status rc_connect(const struct rc_config *cfg, struct rc_conn **out, char *err,
                          size_t errlen)
{
    *out = NULL;
    rc_ignore_sigpipe();
    struct rc_conn *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        set_msg(err, errlen, "out of memory", 13);
        return RC_ERR_IO;
    }
    c->cfg = *cfg;
    enum rc_status st = conn_open(c);
    if (st != RC_OK) {
        set_msg(err, errlen, c->err, strlen(c->err));
        free(c);
        return st;
    }
    *out = c;
    return RC_OK;
}

void rc_close(struct rc_conn *c)
{
    if (c == NULL)
        return;
    conn_drop(c);
    free(c);
}

const char *rc_errmsg(const struct rc_conn *c)
{
    return c->err;
}

void rc_set_errmsg(struct rc_conn *c, const char *msg)
{
    set_msg(c->err, sizeof(c->err), msg, strlen(msg));
}

unsigned long rc_connects(const struct rc_conn *c)
{
    return c->connects;
}

/* Sends one command and reads its reply, reconnecting first if the last
 * call broke the context. RC_OK: *out is the reply (possibly an error or
 * nil reply, which the caller classifies). Otherwise the context is gone
 * and *out is NULL. */
static enum rc_status call(struct rc_conn *c, int argc, const char **argv, const size_t *argvlen,
                           redisReply **out)
{
    *out = NULL;
    if (c->ctx == NULL) {
        enum rc_status st = conn_open(c);
        if (st != RC_OK)
            return st;
    }
    /* redisCommandArgv sends argv[i] as one bulk string of argvlen[i] bytes:
     * no format string, so no splitting on spaces and no stop at NUL (P2). */
    redisReply *r = redisCommandArgv(c->ctx, argc, argv, argvlen);
    int saved_errno = errno;
    if (r == NULL) { /* never read a NULL reply: ask the context why */
        enum rc_status st = rc__ctx_status(c->ctx, saved_errno, c->err, sizeof(c->err));
        conn_drop(c);
        return st;
    }
    *out = r;
    return RC_OK;
}

/* call() then rc__reply_take(): the shape of every typed helper. */
static enum rc_status typed_call(struct rc_conn *c, int argc, const char **argv,
                                 const size_t *argvlen, enum rc__want want, struct rc_value *sv,
                                 long long *iv)
{
    if (sv) {
        sv->str = NULL;
        sv->len = 0;
    }
    redisReply *r;
    enum rc_status st = call(c, argc, argv, argvlen, &r);
    if (st != RC_OK)
        return st;
    st = rc__reply_take(r, want, sv, iv, c->err, sizeof(c->err));
    freeReplyObject(r);
    return st;
}

enum rc_status rc_cmd_argv(struct rc_conn *c, int argc, const char **argv, const size_t *argvlen,
                           redisReply **out)
{
    if (out)
        *out = NULL;
    redisReply *r;
    enum rc_status st = call(c, argc, argv, argvlen, &r);
    if (st != RC_OK)
        return st;
    if (r->type == REDIS_REPLY_ERROR || r->type == REDIS_REPLY_NIL) {
        st = rc__reply_take(r, RC__STRING, NULL, NULL, c->err, sizeof(c->err));
        freeReplyObject(r);
        return st;
    }
    if (out)
        *out = r;
    else
        freeReplyObject(r);
    return RC_OK;
}

enum rc_status rc_ping(struct rc_conn *c)
{
    const char *argv[] = {"PING"};
    size_t argvlen[] = {4};
    return typed_call(c, 1, argv, argvlen, RC__STATUS, NULL, NULL);
}

enum rc_status rc_get(struct rc_conn *c, const char *key, size_t keylen, struct rc_value *out)
{
    const char *argv[] = {"GET", key};
    size_t argvlen[] = {3, keylen};
    return typed_call(c, 2, argv, argvlen, RC__STRING, out, NULL);
}

enum rc_status rc_set(struct rc_conn *c, const char *key, size_t keylen, const char *val,
                      size_t vallen, long long ttl_ms)
{
    char ttl[24];
    int ttllen = snprintf(ttl, sizeof(ttl), "%lld", ttl_ms);
    const char *argv[] = {"SET", key, val, "PX", ttl};
    size_t argvlen[] = {3, keylen, vallen, 2, (size_t)ttllen};
    return typed_call(c, ttl_ms > 0 ? 5 : 3, argv, argvlen, RC__STATUS, NULL, NULL);
}

enum rc_status rc_incrby(struct rc_conn *c, const char *key, size_t keylen, long long by,
                         long long *out)
{
    char num[24];
    int numlen = snprintf(num, sizeof(num), "%lld", by);
    const char *argv[] = {"INCRBY", key, num};
    size_t argvlen[] = {6, keylen, (size_t)numlen};
    return typed_call(c, 3, argv, argvlen, RC__INTEGER, NULL, out);
}

enum rc_status rc_hset_field(struct rc_conn *c, const char *key, size_t keylen, const char *field,
                             size_t fieldlen, const char *val, size_t vallen)
{
    const char *argv[] = {"HSET", key, field, val};
    size_t argvlen[] = {4, keylen, fieldlen, vallen};
    /* HSET answers how many fields were new (0 or 1 here): both mean done. */
    return typed_call(c, 4, argv, argvlen, RC__INTEGER, NULL, NULL);
}

enum rc_status rc_hget_field(struct rc_conn *c, const char *key, size_t keylen, const char *field,
                             size_t fieldlen, struct rc_value *out)
{
    const char *argv[] = {"HGET", key, field};
    size_t argvlen[] = {4, keylen, fieldlen};
    return typed_call(c, 3, argv, argvlen, RC__STRING, out, NULL);
}

enum rc_status rc_hincrby(struct rc_conn *c, const char *key, size_t keylen, const char *field,
                          size_t fieldlen, long long by, long long *out)
{
    char num[24];
    int numlen = snprintf(num, sizeof(num), "%lld", by);
    const char *argv[] = {"HINCRBY", key, field, num};
    size_t argvlen[] = {7, keylen, fieldlen, (size_t)numlen};
    return typed_call(c, 4, argv, argvlen, RC__INTEGER, NULL, out);
}

/* ---- SIGPIPE --------------------------------------------------------------------- */

static pthread_once_t sigpipe_once = PTHREAD_ONCE_INIT;

static void sigpipe_ignore_now(void)
{
    struct sigaction old;
    if (sigaction(SIGPIPE, NULL, &old) != 0)
        return;
    /* Respect a program that decided for itself (its own handler, or
     * already SIG_IGN): only the default, "terminate", is replaced. */
    if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);
}

void rc_ignore_sigpipe(void)
{
    pthread_once(&sigpipe_once, sigpipe_ignore_now);
}
