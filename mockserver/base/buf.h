/* buf.h - a growable byte buffer.
 *
 * Used for client input/output queues and for building replies. The data is
 * always followed by a NUL byte (not counted in len) so it can be handed to
 * string functions; it may also contain NUL bytes itself. */
#ifndef MOCKREDIS_BUF_H
#define MOCKREDIS_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *p;    /* NULL until the first append */
    size_t len; /* bytes of data */
    size_t cap; /* bytes allocated, including room for the NUL */
};

#define BUF_INIT                                                                                   \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void buf_init(struct buf *b);
/* Frees the storage; the buffer is empty and reusable afterwards. NULL is fine. */
void buf_free(struct buf *b);
/* Makes room for n more bytes; returns a pointer to the free space. */
char *buf_reserve(struct buf *b, size_t n);
/* Marks n bytes written into the space returned by buf_reserve. */
void buf_commit(struct buf *b, size_t n);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Drops the first n bytes (n <= len). */
void buf_consume(struct buf *b, size_t n);
void buf_clear(struct buf *b);

#endif
