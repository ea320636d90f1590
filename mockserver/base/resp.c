/* resp.c - RESP request parser, reply scanner and reply writer, see resp.h.
 *
 * Frames handled (CRLF written as \r\n):
 *   requests   *<n>\r\n then n times $<len>\r\n<len bytes>\r\n   (multibulk)
 *              <words separated by spaces>\n or \r\n             (inline)
 *   replies    + - : _ , # ( lines; $ ! = length-prefixed strings;
 *              * ~ > n elements; % n pairs; | n pairs before the reply.
 *
 * The request parser mirrors Redis 7's reader, quirks included, because a
 * client must not be able to tell the difference: the two bytes after a bulk
 * payload are skipped without being checked, a count line needs its \r plus
 * one more byte, a NUL byte before the \r of a count line or the \n of an
 * inline line hides that line end (Redis looks for it with strchr), "*0" and
 * "*-1" are empty commands, and the error texts are
 * the ones Redis replies with before it closes the connection.
 *
 * Arguments are found in the caller's bytes and copied into the argv once
 * the command is complete, except a big one (RESP_BIG_ARG or longer) that
 * has not fully arrived: it gets a block of its own that grows as its bytes
 * come (copied from what the caller passes, or read straight into it, see
 * resp_reqp_direct), and that block becomes the argument, which a stored
 * value can take over (resp_argv_take). The earlier arguments of that
 * command are then copied aside, so the caller can drop the bytes. A 512 MB
 * SET is thus read once and never copied.
 *
 * Not handled: RESP3 streamed strings/aggregates in replies (Redis never
 * sends them) and the inline form from replicas (no replication here). */
#include "resp.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "mr_err.h"
#include "util.h"

/* ---- argv ------------------------------------------------------------- */

/* One block: the struct, the length and pointer arrays, with_own ? the
 * own[] flags and one NUL (what a taken argument becomes) : nothing, then
 * the bytes of every argument not in a block of its own, each followed by
 * a NUL. *area is where those bytes go. */
static struct resp_argv *argv__alloc(int argc, size_t bytes, int with_own, char **area)
{
    size_t head = sizeof(struct resp_argv) + (size_t)argc * (sizeof(char *) + sizeof(size_t));
    size_t flags = with_own ? (size_t)argc + 1 : 0;
    struct resp_argv *a = mem_alloc(head + flags + bytes + (size_t)argc);
    a->argc = argc;
    a->argl = (size_t *)(a + 1);
    a->argv = (char **)(a->argl + argc);
    a->own = NULL;
    char *rest = (char *)(a->argv + argc);
    if (with_own) {
        a->own = (unsigned char *)rest;
        memset(rest, 0, flags);
        rest += flags;
    }
    *area = rest;
    return a;
}

/* Stores argument i at dst (in the area); returns where the next one goes. */
static char *argv__put(struct resp_argv *a, int i, char *dst, const char *p, size_t n)
{
    if (n)
        memcpy(dst, p, n);
    dst[n] = '\0';
    a->argv[i] = dst;
    a->argl[i] = n;
    return dst + n + 1;
}

struct resp_argv *resp_argv_new(int argc, const char *const *argv, const size_t *argl)
{
    size_t bytes = 0;
    char *dst;
    for (int i = 0; i < argc; i++)
        bytes += argl ? argl[i] : strlen(argv[i]);
    struct resp_argv *a = argv__alloc(argc, bytes, 0, &dst);
    for (int i = 0; i < argc; i++)
        dst = argv__put(a, i, dst, argv[i], argl ? argl[i] : strlen(argv[i]));
    return a;
}

char *resp_argv_take(struct resp_argv *a, int i, size_t *len)
{
    if (a->own == NULL || !a->own[i])
        return NULL;
    char *p = a->argv[i];
    *len = a->argl[i];
    a->own[i] = 0;
    a->argv[i] = (char *)(a->own + a->argc); /* the NUL after the flags */
    a->argl[i] = 0;
    return p;
}

void resp_argv_free(struct resp_argv *a)
{
    if (a == NULL)
        return;
    for (int i = 0; a->own && i < a->argc; i++)
        if (a->own[i])
            free(a->argv[i]);
    free(a);
}

/* ---- request parser ----------------------------------------------------- */

void resp_reqp_init(struct resp_reqp *p)
{
    memset(p, 0, sizeof(*p));
    p->bulk = -1;
}

/* Back to "between commands", freeing what an unfinished command held. */
static void reqp__restart(struct resp_reqp *p)
{
    for (int i = 0; i < p->nargs; i++) {
        free(p->blk[i]);
        p->blk[i] = NULL;
    }
    free(p->big);
    p->big = NULL;
    p->big_have = p->big_cap = 0;
    p->nkept = 0;
    if (p->kept.cap > RESP_BIG_ARG)
        buf_free(&p->kept);
    else
        buf_clear(&p->kept);
    p->pos = 0;
    p->mbulk = 0;
    p->bulk = -1;
    p->nargs = 0;
}

void resp_reqp_free(struct resp_reqp *p)
{
    reqp__restart(p);
    free(p->off);
    free(p->len);
    free(p->blk);
    buf_free(&p->kept);
    resp_reqp_init(p);
}

static int reqp__error(struct resp_reqp *p, const char *what)
{
    snprintf(p->err, sizeof(p->err), "ERR Protocol error: %s", what);
    reqp__restart(p);
    return MR_EPROTO;
}

/* Records the next argument: at off in the caller's bytes, or blk. */
static void reqp__push(struct resp_reqp *p, size_t off, size_t len, char *blk)
{
    if (p->nargs == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->off = mem_realloc(p->off, (size_t)p->cap * sizeof(size_t));
        p->len = mem_realloc(p->len, (size_t)p->cap * sizeof(size_t));
        p->blk = mem_realloc(p->blk, (size_t)p->cap * sizeof(char *));
    }
    p->off[p->nargs] = off;
    p->len[p->nargs] = len;
    p->blk[p->nargs] = blk;
    p->nargs++;
}

/* Copies the arguments still in the caller's bytes into p->kept, so that
 * the caller may drop everything before p->pos. */
static void reqp__detach(struct resp_reqp *p, const char *data)
{
    for (int i = p->nkept; i < p->nargs; i++) {
        if (p->blk[i])
            continue;
        size_t at = p->kept.len;
        buf_append(&p->kept, data + p->off[i], p->len[i]);
        p->off[i] = at;
    }
    p->nkept = p->nargs;
}

/* Makes room in the big argument for n more bytes. The block grows by
 * doubling (from 64 KiB), capped at what the argument needs: a client
 * that announces 512 MB and sends 1 KB makes the server hold 64 KiB. */
static void reqp__big_room(struct resp_reqp *p, size_t n)
{
    size_t need = p->big_have + n, whole = (size_t)p->bulk + 2;
    if (need <= p->big_cap)
        return;
    size_t cap = p->big_cap ? p->big_cap * 2 : 64 * 1024;
    if (cap < need)
        cap = need;
    if (cap > whole)
        cap = whole;
    p->big = mem_realloc(p->big, cap);
    p->big_cap = cap;
}

char *resp_reqp_direct(struct resp_reqp *p, size_t *room)
{
    if (p->big == NULL || p->big_have == (size_t)p->bulk + 2)
        return NULL;
    if (p->big_have == p->big_cap)
        reqp__big_room(p, 1);
    *room = p->big_cap - p->big_have;
    return p->big + p->big_have;
}

void resp_reqp_direct_done(struct resp_reqp *p, size_t n)
{
    p->big_have += n;
}

size_t resp_reqp_buffered(const struct resp_reqp *p)
{
    return p->big ? p->big_have : 0;
}

/* Finds ch in data[0..len) the way Redis's strchr() over its query buffer
 * does: a NUL byte before it hides it (Redis then keeps waiting for more
 * bytes, until the size limit turns that into a protocol error). */
static const char *find_before_nul(const char *data, size_t len, char ch)
{
    for (size_t i = 0; i < len; i++) {
        if (data[i] == ch)
            return data + i;
        if (data[i] == '\0')
            return NULL;
    }
    return NULL;
}

static int reqp__inline(struct resp_reqp *p, const char *data, size_t len, size_t *used,
                        struct resp_argv **out)
{
    const char *nl = find_before_nul(data, len, '\n');
    if (nl == NULL) {
        if (len > RESP_INLINE_MAX)
            return reqp__error(p, "too big inline request");
        return RESP_MORE;
    }
    size_t linelen = (size_t)(nl - data);
    size_t skip = linelen + 1;
    if (linelen > 0 && data[linelen - 1] == '\r')
        linelen--;
    struct resp_argv *a = resp_split_args(data, linelen);
    if (a == NULL)
        return reqp__error(p, "unbalanced quotes in request");
    *used = skip;
    reqp__restart(p);
    if (a->argc == 0) {
        resp_argv_free(a);
        return RESP_EMPTY;
    }
    *out = a;
    return RESP_CMD;
}

/* Finds the \r ending a count line at data[pos..len). Returns 1 with *cr set
 * when the line and one byte after it are there, 0 when more is needed. */
static int find_count_line(const char *data, size_t len, size_t pos, size_t *cr)
{
    const char *r = find_before_nul(data + pos, len - pos, '\r');
    if (r == NULL)
        return 0;
    *cr = (size_t)(r - data);
    return *cr + 2 <= len;
}

/* Copies what is there of the big argument into its block. Returns 1 when
 * it is whole (it then becomes the next argument), 0 when more is needed. */
static int reqp__big_fill(struct resp_reqp *p, const char *data, size_t len)
{
    size_t whole = (size_t)p->bulk + 2;
    size_t n = whole - p->big_have;
    if (n > len - p->pos)
        n = len - p->pos;
    if (n > 0) {
        reqp__big_room(p, n);
        memcpy(p->big + p->big_have, data + p->pos, n);
        p->big_have += n;
        p->pos += n;
    }
    if (p->big_have < whole)
        return 0;
    p->big[p->bulk] = '\0'; /* over the two bytes after it, which are not checked */
    reqp__push(p, 0, (size_t)p->bulk, p->big);
    p->big = NULL;
    p->big_have = p->big_cap = 0;
    return 1;
}

/* The argv of the complete command in p (arguments in the caller's bytes
 * at data, in p->kept, or in blocks, which move to the argv). */
static struct resp_argv *reqp__argv(struct resp_reqp *p, const char *data)
{
    size_t bytes = 0;
    int blocks = 0;
    char *dst;
    for (int i = 0; i < p->nargs; i++) {
        if (p->blk[i])
            blocks = 1;
        else
            bytes += p->len[i];
    }
    struct resp_argv *a = argv__alloc(p->nargs, bytes, blocks, &dst);
    for (int i = 0; i < p->nargs; i++) {
        if (p->blk[i]) {
            a->argv[i] = p->blk[i];
            a->argl[i] = p->len[i];
            a->own[i] = 1;
            p->blk[i] = NULL;
        } else {
            const char *src = i < p->nkept ? p->kept.p : data;
            dst = argv__put(a, i, dst, src + p->off[i], p->len[i]);
        }
    }
    return a;
}

static int reqp__multibulk(struct resp_reqp *p, const char *data, size_t len, size_t *used,
                           struct resp_argv **out)
{
    size_t cr;
    long long ll;
    long long max_bulk = p->max_bulk > 0 ? p->max_bulk : RESP_BULK_MAX;
    size_t big_min = p->big_min > 0 ? p->big_min : RESP_BIG_ARG;

    if (p->mbulk == 0) {
        if (!find_count_line(data, len, 0, &cr)) {
            if (len > RESP_INLINE_MAX)
                return reqp__error(p, "too big mbulk count string");
            return RESP_MORE;
        }
        if (!util_str2ll(data + 1, cr - 1, &ll) || ll > INT_MAX)
            return reqp__error(p, "invalid multibulk length");
        if (p->unauth && ll > RESP_UNAUTH_MBULK_MAX)
            return reqp__error(p, "unauthenticated multibulk length");
        p->pos = cr + 2;
        if (ll <= 0) {
            *used = p->pos;
            reqp__restart(p);
            return RESP_EMPTY;
        }
        p->mbulk = ll;
        p->nargs = 0;
        p->bulk = -1;
    }

    while (p->mbulk > 0) {
        if (p->bulk == -1) {
            if (!find_count_line(data, len, p->pos, &cr)) {
                if (len - p->pos > RESP_INLINE_MAX)
                    return reqp__error(p, "too big bulk count string");
                return RESP_MORE;
            }
            if (data[p->pos] != '$') {
                char what[64];
                snprintf(what, sizeof(what), "expected '$', got '%c'", data[p->pos]);
                return reqp__error(p, what);
            }
            if (!util_str2ll(data + p->pos + 1, cr - p->pos - 1, &ll) || ll < 0 || ll > max_bulk)
                return reqp__error(p, "invalid bulk length");
            if (p->unauth && ll > RESP_UNAUTH_BULK_MAX)
                return reqp__error(p, "unauthenticated bulk length");
            p->pos = cr + 2;
            p->bulk = ll;
            /* A big one not all here: into a block of its own, as it comes. */
            if ((size_t)ll >= big_min && len - p->pos < (size_t)ll + 2) {
                p->big_have = p->big_cap = 0;
                reqp__big_room(p, 1);
            }
        }
        if (p->big) {
            if (!reqp__big_fill(p, data, len)) {
                /* Its bytes are copied: the caller may drop them, and so
                 * everything before them. */
                reqp__detach(p, data);
                *used = p->pos;
                p->pos = 0;
                return RESP_MORE;
            }
        } else {
            if (len - p->pos < (size_t)p->bulk + 2)
                return RESP_MORE;
            reqp__push(p, p->pos, (size_t)p->bulk, NULL);
            p->pos += (size_t)p->bulk + 2;
        }
        p->bulk = -1;
        p->mbulk--;
    }

    *out = reqp__argv(p, data);
    *used = p->pos;
    reqp__restart(p);
    return RESP_CMD;
}

int resp_reqp_feed(struct resp_reqp *p, const char *data, size_t len, size_t *used,
                   struct resp_argv **out)
{
    *out = NULL;
    *used = 0;
    /* With no bytes, only a big argument completed by direct reads can
     * move things on. */
    if (len == 0 && (p->big == NULL || p->big_have < (size_t)p->bulk + 2))
        return RESP_MORE;
    if (len == 0)
        data = "";
    if (p->mbulk > 0 || data[0] == '*')
        return reqp__multibulk(p, data, len, used, out);
    return reqp__inline(p, data, len, used, out);
}

/* ---- argument splitting ------------------------------------------------ */

struct resp_argv *resp_split_args(const char *line, size_t len)
{
    /* Arguments are collected in one buffer, NUL-separated, then packed. */
    struct buf tmp = BUF_INIT;
    size_t *lens = NULL;
    int argc = 0, cap = 0;
    /* A NUL ends the line, as it does for Redis's C-string splitter. */
    const char *nul = memchr(line, '\0', len);
    const char *p = line, *end = nul ? nul : line + len;

#define AT(q) ((q) < end ? *(q) : '\0')
    for (;;) {
        while (p < end && isspace((unsigned char)*p))
            p++;
        if (p >= end)
            break;
        int inq = 0, insq = 0, done = 0;
        size_t start = tmp.len;
        while (!done) {
            char c = AT(p);
            if (inq) {
                if (c == '\\' && AT(p + 1) == 'x' && util_hexval(AT(p + 2)) >= 0 &&
                    util_hexval(AT(p + 3)) >= 0) {
                    buf_putc(&tmp, (char)(util_hexval(AT(p + 2)) * 16 + util_hexval(AT(p + 3))));
                    p += 3;
                } else if (c == '\\' && AT(p + 1)) {
                    char e;
                    p++;
                    switch (*p) {
                    case 'n': e = '\n'; break;
                    case 'r': e = '\r'; break;
                    case 't': e = '\t'; break;
                    case 'b': e = '\b'; break;
                    case 'a': e = '\a'; break;
                    default: e = *p; break;
                    }
                    buf_putc(&tmp, e);
                } else if (c == '"') {
                    if (AT(p + 1) && !isspace((unsigned char)AT(p + 1)))
                        goto err;
                    done = 1;
                } else if (c == '\0') {
                    goto err;
                } else {
                    buf_putc(&tmp, c);
                }
            } else if (insq) {
                if (c == '\\' && AT(p + 1) == '\'') {
                    p++;
                    buf_putc(&tmp, '\'');
                } else if (c == '\'') {
                    if (AT(p + 1) && !isspace((unsigned char)AT(p + 1)))
                        goto err;
                    done = 1;
                } else if (c == '\0') {
                    goto err;
                } else {
                    buf_putc(&tmp, c);
                }
            } else {
                switch (c) {
                case ' ':
                case '\n':
                case '\r':
                case '\t':
                case '\0': done = 1; break;
                case '"': inq = 1; break;
                case '\'': insq = 1; break;
                default: buf_putc(&tmp, c); break;
                }
            }
            if (p < end)
                p++;
        }
        if (argc == cap) {
            cap = cap ? cap * 2 : 8;
            lens = mem_realloc(lens, (size_t)cap * sizeof(size_t));
        }
        lens[argc++] = tmp.len - start;
    }
#undef AT

    char *dst;
    struct resp_argv *a = argv__alloc(argc, tmp.len, 0, &dst);
    /* tmp.p is still NULL when every argument is empty ('' "") */
    const char *base = tmp.p ? tmp.p : "";
    size_t off = 0;
    for (int i = 0; i < argc; i++) {
        dst = argv__put(a, i, dst, base + off, lens[i]);
        off += lens[i];
    }
    buf_free(&tmp);
    free(lens);
    return a;
err:
    buf_free(&tmp);
    free(lens);
    return NULL;
}

/* ---- reply scanner ------------------------------------------------------- */

/* Element counts are clamped so that "need" cannot overflow on hostile
 * headers such as "%9223372036854775807": no buffer holds 2^40 elements, so
 * a clamped count answers exactly as the real one would (more bytes needed). */
#define SCAN_COUNT_MAX (1LL << 40)
#define SCAN_NEED_MAX  (1LL << 50)

int resp_scan(const char *data, size_t len, size_t *n)
{
    size_t pos = 0;
    long long need = 1;

    while (need > 0) {
        if (pos >= len)
            return 0;
        char type = data[pos];
        const char *lf = memchr(data + pos, '\n', len - pos);
        if (lf == NULL)
            return 0;
        size_t eol = (size_t)(lf - data);
        if (eol == pos || data[eol - 1] != '\r') {
            *n = eol;
            return MR_EPROTO;
        }
        const char *body = data + pos + 1;
        size_t blen = eol - 1 - (pos + 1);
        long long ll = 0;
        size_t next = eol + 1;

        switch (type) {
        case '+':
        case '-':
        case ',':
        case '(': need--; break;
        case ':':
            if (!util_str2ll(body, blen, &ll))
                goto bad;
            need--;
            break;
        case '_':
            if (blen != 0)
                goto bad;
            need--;
            break;
        case '#':
            if (blen != 1 || (body[0] != 't' && body[0] != 'f'))
                goto bad;
            need--;
            break;
        case '$':
        case '!':
        case '=':
            if (!util_str2ll(body, blen, &ll) || ll < -1 || (ll == -1 && type != '$'))
                goto bad;
            if (ll >= 0) {
                if (len - next < (size_t)ll + 2)
                    return 0;
                if (data[next + (size_t)ll] != '\r' || data[next + (size_t)ll + 1] != '\n') {
                    *n = next + (size_t)ll;
                    return MR_EPROTO;
                }
                next += (size_t)ll + 2;
            }
            need--;
            break;
        case '*':
        case '~':
        case '>':
            if (!util_str2ll(body, blen, &ll) || ll < -1 || (ll == -1 && type != '*'))
                goto bad;
            need += (ll > 0 ? (ll < SCAN_COUNT_MAX ? ll : SCAN_COUNT_MAX) : 0) - 1;
            break;
        case '%':
            if (!util_str2ll(body, blen, &ll) || ll < 0)
                goto bad;
            need += 2 * (ll < SCAN_COUNT_MAX ? ll : SCAN_COUNT_MAX) - 1;
            break;
        case '|':
            if (!util_str2ll(body, blen, &ll) || ll < 0)
                goto bad;
            need += 2 * (ll < SCAN_COUNT_MAX ? ll : SCAN_COUNT_MAX);
            break;
        default: goto bad;
        }
        if (need > SCAN_NEED_MAX)
            need = SCAN_NEED_MAX;
        pos = next;
        continue;
    bad:
        *n = pos;
        return MR_EPROTO;
    }
    *n = pos;
    return 1;
}

/* ---- reply writer -------------------------------------------------------- */

/* Writes "<type><n>\r\n". Every reply header goes through here, so the
 * digits are produced by hand instead of by snprintf (which showed up at a
 * few percent of the server's time in pipelined redis-benchmark runs). */
static void w_len(struct buf *b, char type, long long n)
{
    char tmp[24];
    size_t k = sizeof(tmp);
    /* Work on the magnitude as unsigned so that LLONG_MIN does not overflow. */
    unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
    tmp[--k] = '\n';
    tmp[--k] = '\r';
    do {
        tmp[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (n < 0)
        tmp[--k] = '-';
    tmp[--k] = type;
    buf_append(b, tmp + k, sizeof(tmp) - k);
}

void resp_w_simple(struct buf *b, const char *s)
{
    buf_putc(b, '+');
    buf_puts(b, s);
    buf_append(b, "\r\n", 2);
}

void resp_w_error(struct buf *b, const char *msg, size_t len)
{
    buf_putc(b, '-');
    char *dst = buf_reserve(b, len + 2);
    for (size_t i = 0; i < len; i++)
        dst[i] = (msg[i] == '\r' || msg[i] == '\n') ? ' ' : msg[i];
    dst[len] = '\r';
    dst[len + 1] = '\n';
    buf_commit(b, len + 2);
}

void resp_w_int(struct buf *b, long long v)
{
    w_len(b, ':', v);
}

void resp_w_bulk(struct buf *b, const void *p, size_t n)
{
    w_len(b, '$', (long long)n);
    char *dst = buf_reserve(b, n + 2);
    if (n)
        memcpy(dst, p, n);
    dst[n] = '\r';
    dst[n + 1] = '\n';
    buf_commit(b, n + 2);
}

void resp_w_null(struct buf *b, int proto)
{
    if (proto >= 3)
        buf_append(b, "_\r\n", 3);
    else
        buf_append(b, "$-1\r\n", 5);
}

void resp_w_null_array(struct buf *b, int proto)
{
    if (proto >= 3)
        buf_append(b, "_\r\n", 3);
    else
        buf_append(b, "*-1\r\n", 5);
}

void resp_w_array(struct buf *b, long long n)
{
    w_len(b, '*', n);
}

void resp_w_map(struct buf *b, int proto, long long pairs)
{
    if (proto >= 3)
        w_len(b, '%', pairs);
    else
        w_len(b, '*', pairs * 2);
}

void resp_w_set(struct buf *b, int proto, long long n)
{
    w_len(b, proto >= 3 ? '~' : '*', n);
}

int resp_fmt_double(char *out, size_t size, double d)
{
    if (isinf(d))
        return snprintf(out, size, "%s", d > 0 ? "inf" : "-inf");
    return snprintf(out, size, "%.17g", d);
}

void resp_w_double(struct buf *b, int proto, double d)
{
    char tmp[64];
    int n = resp_fmt_double(tmp, sizeof(tmp), d);
    if (proto >= 3) {
        buf_putc(b, ',');
        buf_append(b, tmp, (size_t)n);
        buf_append(b, "\r\n", 2);
    } else {
        resp_w_bulk(b, tmp, (size_t)n);
    }
}

void resp_w_bool(struct buf *b, int proto, int v)
{
    if (proto >= 3)
        buf_append(b, v ? "#t\r\n" : "#f\r\n", 4);
    else
        buf_append(b, v ? ":1\r\n" : ":0\r\n", 4);
}

void resp_w_verbatim(struct buf *b, int proto, const char *fmt, const void *p, size_t n)
{
    if (proto < 3) {
        resp_w_bulk(b, p, n);
        return;
    }
    w_len(b, '=', (long long)n + 4);
    buf_append(b, fmt, 3);
    buf_putc(b, ':');
    buf_append(b, p, n);
    buf_append(b, "\r\n", 2);
}
