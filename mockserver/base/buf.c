/* buf.c - growable byte buffer, see buf.h. Growth doubles, so appends are
 * amortised O(1); buf_consume moves the tail down (callers consume in large
 * chunks, after a whole batch of replies has been written). */
#include "buf.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

void buf_init(struct buf *b)
{
    b->p = NULL;
    b->len = b->cap = 0;
}

void buf_free(struct buf *b)
{
    if (b == NULL)
        return;
    free(b->p);
    buf_init(b);
}

char *buf_reserve(struct buf *b, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = mem_realloc(b->p, cap);
        b->cap = cap;
    }
    return b->p + b->len;
}

void buf_commit(struct buf *b, size_t n)
{
    assert(b->p != NULL && b->len + n < b->cap); /* within what buf_reserve gave */
    b->len += n;
    b->p[b->len] = '\0';
}

void buf_append(struct buf *b, const void *p, size_t n)
{
    char *dst = buf_reserve(b, n);
    if (n)
        memcpy(dst, p, n);
    buf_commit(b, n);
}

void buf_puts(struct buf *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
    buf_append(b, &c, 1);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char *dst = buf_reserve(b, 64);
    int n = vsnprintf(dst, b->cap - b->len, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        dst = buf_reserve(b, (size_t)n);
        vsnprintf(dst, b->cap - b->len, fmt, ap2);
    }
    va_end(ap2);
    buf_commit(b, (size_t)n);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_consume(struct buf *b, size_t n)
{
    assert(n <= b->len);
    if (n >= b->len) {
        buf_clear(b);
        return;
    }
    memmove(b->p, b->p + n, b->len - n);
    b->len -= n;
    b->p[b->len] = '\0';
}

void buf_clear(struct buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}
