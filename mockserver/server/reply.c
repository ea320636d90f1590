/* reply.c - error replies from the rtext table (base/rtext.c), see reply.h
 * and rtext.h. */
#include "reply.h"

#include <stdarg.h>

void reply_err(struct client *c, enum rtext_id id)
{
    resp_w_error(&c->out, rtext[id], strlen(rtext[id]));
}

void reply_errf(struct client *c, const char *fmt, ...)
{
    struct buf tmp = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&tmp, fmt, ap);
    va_end(ap);
    resp_w_error(&c->out, tmp.p ? tmp.p : "", tmp.len);
    buf_free(&tmp);
}

void reply_help(struct client *c, const char *const *lines, size_t n)
{
    reply_array(c, (long long)n);
    for (size_t i = 0; i < n; i++)
        reply_simple(c, lines[i]);
}
