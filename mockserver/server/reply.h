/* reply.h - append a reply to a client's output, in its protocol version.
 *
 * Thin wrappers over resp.h's writer, so commands read as "reply_bulk(c, ...)"
 * and every reply honours the client's RESP2/RESP3 choice. Errors always come
 * from rtext.h. */
#ifndef MOCKREDIS_REPLY_H
#define MOCKREDIS_REPLY_H

#include <string.h>

#include "core.h"
#include "resp.h"
#include "rtext.h"

static inline void reply_ok(struct client *c)
{
    buf_append(&c->out, "+OK\r\n", 5);
}
static inline void reply_simple(struct client *c, const char *s)
{
    resp_w_simple(&c->out, s);
}
static inline void reply_int(struct client *c, long long v)
{
    resp_w_int(&c->out, v);
}
static inline void reply_bulk(struct client *c, const void *p, size_t n)
{
    resp_w_bulk(&c->out, p, n);
}
static inline void reply_cstr(struct client *c, const char *s)
{
    resp_w_bulk(&c->out, s, strlen(s));
}
static inline void reply_null(struct client *c)
{
    resp_w_null(&c->out, c->proto);
}
static inline void reply_null_array(struct client *c)
{
    resp_w_null_array(&c->out, c->proto);
}
static inline void reply_array(struct client *c, long long n)
{
    resp_w_array(&c->out, n);
}
static inline void reply_map(struct client *c, long long pairs)
{
    resp_w_map(&c->out, c->proto, pairs);
}
static inline void reply_set(struct client *c, long long n)
{
    resp_w_set(&c->out, c->proto, n);
}
static inline void reply_double(struct client *c, double d)
{
    resp_w_double(&c->out, c->proto, d);
}
static inline void reply_bool(struct client *c, int v)
{
    resp_w_bool(&c->out, c->proto, v);
}
static inline void reply_verbatim(struct client *c, const void *p, size_t n)
{
    resp_w_verbatim(&c->out, c->proto, "txt", p, n);
}

/* A HELP reply: the lines as an array of simple strings, as Redis sends it. */
void reply_help(struct client *c, const char *const *lines, size_t n);

/* An error from the table. */
void reply_err(struct client *c, enum rtext_id id);
/* An error built from a *_FMT entry of the table (or any text). */
void reply_errf(struct client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
