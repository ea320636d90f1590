/* fuzz_resp.c - libFuzzer target for resp.c: the request parser, the
 * argument splitter and the reply scanner, on arbitrary bytes.
 *
 * The request parser is driven the way net.c drives it: bytes arrive in
 * chunks (sizes from a PRNG seeded by the input, so every input replays the
 * same way), accumulate in a buffer, and after RESP_MORE the same bytes plus
 * the next chunk are fed again; after a command the used bytes are dropped.
 * Besides the sanitizers, it checks the contract: used bytes within the
 * buffer and never 0, well-formed argv (NUL-terminated arguments), Redis's
 * error prefix on protocol errors, and that the sequence of outcomes does
 * not depend on how the bytes were cut (for inputs under the 64 KiB inline
 * limit, past which Redis itself answers differently by chunking).
 * Half the inputs run with a small big-argument threshold (resp.h
 * big_min, 1 to 16 bytes), so that short inputs take the path of big
 * arguments: blocks of their own, bytes consumed on RESP_MORE, and, when
 * chunked, bytes written straight into the block (resp_reqp_direct) as
 * net.c reads them; the outcomes must not change.
 * The scanner must agree with itself on the length it reports, and a bulk
 * built by the writer from the input must scan to exactly its size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "mr_err.h"
#include "resp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t mix(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h ? h : 1;
}

static uint64_t next_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

static void check_argv(const struct resp_argv *a)
{
    if (a->argc < 1)
        abort();
    for (int i = 0; i < a->argc; i++)
        if (a->argv[i][a->argl[i]] != '\0')
            abort();
}

/* Parses data delivered in chunks; max_chunk 0 means all at once. Appends
 * a digest of every outcome to trace. */
static void parse(const char *data, size_t size, int unauth, size_t big_min, uint64_t seed,
                  size_t max_chunk, struct buf *trace)
{
    struct resp_reqp p;
    struct buf acc = BUF_INIT;
    size_t given = 0, taken = 0; /* taken: bytes of the current command the parser consumed */
    resp_reqp_init(&p);
    p.unauth = unauth;
    p.big_min = big_min;
    while (given < size) {
        size_t n = size - given, room;
        if (max_chunk) {
            size_t c = 1 + (size_t)(next_rand(&seed) % max_chunk);
            if (c < n)
                n = c;
        }
        char *dst = max_chunk && acc.len == 0 ? resp_reqp_direct(&p, &room) : NULL;
        if (dst) {
            if (room == 0)
                abort();
            n = n < room ? n : room;
            memcpy(dst, data + given, n);
            resp_reqp_direct_done(&p, n);
            taken += n;
        } else {
            buf_append(&acc, data + given, n);
        }
        given += n;
        for (;;) {
            size_t used = 0;
            struct resp_argv *a = NULL;
            int r = resp_reqp_feed(&p, acc.p, acc.len, &used, &a);
            if (p.big && p.big_cap > (size_t)p.bulk + 2)
                abort(); /* a block never holds more than its argument */
            if (r == RESP_MORE) {
                if (a != NULL || used > acc.len)
                    abort();
                buf_consume(&acc, used);
                taken += used;
                break;
            }
            if (r == MR_EPROTO) {
                if (a != NULL || strncmp(p.err, "ERR Protocol error: ", 20) != 0)
                    abort();
                buf_printf(trace, "X%s|", p.err);
                goto done;
            }
            if ((used == 0 && taken == 0) || used > acc.len)
                abort();
            size_t whole = used + taken; /* the command's bytes, however they came */
            taken = 0;
            if (r == RESP_EMPTY) {
                if (a != NULL)
                    abort();
                buf_printf(trace, "E%zu|", whole);
            } else if (r == RESP_CMD) {
                check_argv(a);
                buf_printf(trace, "C%zu:%d", whole, a->argc);
                for (int i = 0; i < a->argc; i++) {
                    buf_printf(trace, ":%zu:", a->argl[i]);
                    buf_append(trace, a->argv[i], a->argl[i]);
                }
                buf_putc(trace, '|');
                resp_argv_free(a);
            } else {
                abort();
            }
            buf_consume(&acc, used);
        }
    }
    buf_printf(trace, "M%zu", acc.len + taken);
done:
    buf_free(&acc);
    resp_reqp_free(&p);
}

static void scan(const char *data, size_t size)
{
    size_t n = 0;
    int r = resp_scan(data, size, &n);
    if (r == 1) {
        size_t m = 0;
        if (n == 0 || n > size || resp_scan(data, n, &m) != 1 || m != n)
            abort();
        if (resp_scan(data, n - 1, &m) != 0)
            abort(); /* one byte short of a complete reply needs more */
    } else if (r == MR_EPROTO) {
        if (n >= size)
            abort();
    } else if (r != 0) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *d = (const char *)data;
    uint64_t h = mix(data, size);
    int unauth = (int)(h & 1);
    size_t big_min = (h & 4) ? 1 + (size_t)((h >> 16) % 16) : 0;

    struct buf whole = BUF_INIT, cut = BUF_INIT;
    parse(d, size, unauth, big_min, h, 0, &whole);
    parse(d, size, unauth, big_min, h, 1 + (size_t)((h >> 8) % 64), &cut);
    if (size <= RESP_INLINE_MAX &&
        (whole.len != cut.len || memcmp(whole.p, cut.p, whole.len) != 0)) {
        fprintf(stderr, "outcome depends on chunking:\nwhole: %.*s\ncut:   %.*s\n", (int)whole.len,
                whole.p, (int)cut.len, cut.p);
        abort();
    }
    buf_free(&whole);
    buf_free(&cut);

    struct resp_argv *a = resp_split_args(d, size);
    if (a) {
        for (int i = 0; i < a->argc; i++)
            if (a->argv[i][a->argl[i]] != '\0')
                abort();
        resp_argv_free(a);
    }

    scan(d, size);

    /* writer -> scanner round trip */
    struct buf w = BUF_INIT;
    int proto = (h & 2) ? 3 : 2;
    resp_w_bulk(&w, d, size);
    resp_w_verbatim(&w, proto, "txt", d, size);
    resp_w_error(&w, d, size);
    size_t off = 0, n;
    for (int k = 0; k < 3; k++) {
        if (resp_scan(w.p + off, w.len - off, &n) != 1)
            abort();
        off += n;
    }
    if (off != w.len)
        abort();
    buf_free(&w);
    return 0;
}
