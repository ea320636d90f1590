/* resp.h - the Redis wire protocol (RESP2 and RESP3), without I/O.
 *
 * Three independent pieces:
 *  - a request parser: bytes a client sent in, commands (argument vectors)
 *    out, as Redis reads them: multibulk ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
 *    and inline ("GET k\r\n", as typed in telnet);
 *  - a reply scanner: tells where one complete reply of any RESP2/RESP3
 *    type ends in a byte stream (for tests, the recorder and tools);
 *  - a reply writer: appends replies to a buf in the encoding of the
 *    protocol version the client negotiated.
 * None of them reads or writes a socket, keeps global state or allocates
 * outside the objects handed to it. */
#ifndef MOCKREDIS_RESP_H
#define MOCKREDIS_RESP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* ---- request parser ---------------------------------------------------- */

/* Limits Redis 7 applies while reading requests. */
#define RESP_INLINE_MAX       (64 * 1024)           /* PROTO_INLINE_MAX_SIZE */
#define RESP_MBULK_MAX        (1024 * 1024)         /* most arguments per command */
#define RESP_BULK_MAX         (512LL * 1024 * 1024) /* proto-max-bulk-len */
#define RESP_UNAUTH_MBULK_MAX 10                    /* before AUTH when a password is set */
#define RESP_UNAUTH_BULK_MAX  16384
/* From this length on (PROTO_MBULK_BIG_ARG) a bulk that has not fully
 * arrived is read into a block of its own, which becomes the argument: the
 * bytes are copied once, or read straight into it (resp_reqp_direct). */
#define RESP_BIG_ARG (32 * 1024)

/* A complete command. argv[i] is NUL-terminated and argl[i] bytes long (it may
 * contain NUL bytes). One allocation holds the struct and every argument,
 * except big ones (RESP_BIG_ARG and longer, read while they arrived): each
 * of those is a block of its own, marked in own[] (own is NULL when there
 * are none). resp_argv_free frees everything. */
struct resp_argv {
    int argc;
    char **argv;
    size_t *argl;
    unsigned char *own; /* own[i]: argv[i] is its own allocation (resp_argv_take) */
};

void resp_argv_free(struct resp_argv *a);
/* Builds an argv from C strings (tests, internal commands). */
struct resp_argv *resp_argv_new(int argc, const char *const *argv, const size_t *argl);
/* Hands argument i's block to the caller when it has one of its own: returns
 * it (malloc'd, argl[i] bytes plus a NUL, free() it) and sets *len, and
 * argument i becomes the empty string. Returns NULL, changing nothing, when
 * the argument lives in the shared allocation: the caller copies it. This is
 * how a stored value takes a big argument without copying it. */
char *resp_argv_take(struct resp_argv *a, int i, size_t *len);

struct resp_reqp {
    int unauth;         /* set by the owner: apply Redis's limits for unauthenticated clients */
    long long max_bulk; /* set by the owner: longest bulk (proto-max-bulk-len), 0: RESP_BULK_MAX */
    size_t big_min;     /* set by the owner: 0 is RESP_BIG_ARG; smaller for tests and fuzzing */
    char err[128];      /* after RESP_PROTO_ERROR: the text Redis replies with, without "-" */
    /* private: where parsing of the current command stands */
    size_t pos;
    long long mbulk; /* arguments still expected; 0 = not inside a multibulk */
    long long bulk;  /* length of the bulk being read, -1 = expecting its $ line */
    int nargs, cap;
    size_t *off, *len;
    char **blk;      /* per argument: its own block, or NULL */
    int nkept;       /* arguments [0, nkept) are no longer in the caller's bytes... */
    struct buf kept; /* ...those without a block are here, at off[] */
    char *big;       /* the big argument being read (bulk + 2 bytes when whole), or NULL */
    size_t big_have, big_cap;
};

enum resp_status {
    RESP_MORE = 0,  /* no complete command yet: call again with the same bytes plus more */
    RESP_CMD = 1,   /* *out holds a command that spans the first *used bytes */
    RESP_EMPTY = 2, /* the first *used bytes were an empty command: drop them, no reply */
};

void resp_reqp_init(struct resp_reqp *p);
void resp_reqp_free(struct resp_reqp *p);

/* Parses the bytes data[0..len). On every return the caller drops the
 * first *used bytes, which the parser is done with (data may be NULL when
 * len is 0). After RESP_MORE *used is often 0: the parser remembers how far
 * it got, and the caller passes the bytes it kept again with more appended
 * (never fewer or different ones). It is not 0 while a big argument is
 * being read: its bytes, and the earlier arguments of the command, have
 * been copied into the parser.
 * Returns a resp_status, or MR_EPROTO for a protocol error: p->err then holds
 * Redis's exact reply text ("ERR Protocol error: ..."), and Redis would reply
 * with it and close the connection. On RESP_CMD *out is a new argv the caller
 * owns; otherwise *out is left NULL. */
int resp_reqp_feed(struct resp_reqp *p, const char *data, size_t len, size_t *used,
                   struct resp_argv **out);

/* Reading a big argument straight from the socket. When the parser is in
 * the middle of one and the caller holds no unparsed bytes, returns where
 * the next bytes of the stream go and sets *room to how many may go there
 * (at most what the argument and its CRLF still need; the block grows in
 * steps, never past that); else returns NULL. After writing n <= *room
 * bytes there, the caller reports them with resp_reqp_direct_done and then
 * calls resp_reqp_feed as usual (len 0 is fine), which finishes the
 * argument, and the command, once it is complete. */
char *resp_reqp_direct(struct resp_reqp *p, size_t *room);
void resp_reqp_direct_done(struct resp_reqp *p, size_t n);

/* Bytes of the current command the parser holds itself (the big argument
 * being read): with the bytes the caller keeps, what Redis counts as the
 * client's query buffer. */
size_t resp_reqp_buffered(const struct resp_reqp *p);

/* Splits a line into arguments the way Redis splits inline commands and
 * redis-cli splits what is typed: spaces separate, "double quotes" take
 * \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' take only \'.
 * Returns a new argv, or NULL for unbalanced quotes (a closing quote must be
 * followed by a space or the end). An empty line gives argc 0. */
struct resp_argv *resp_split_args(const char *line, size_t len);

/* ---- reply scanner ----------------------------------------------------- */

/* Looks for one complete reply at data[0..len). Returns 1 and sets *n to its
 * length when complete, 0 when more bytes are needed, MR_EPROTO when the
 * bytes are not RESP (then *n is the offset of the offending byte). Knows
 * every RESP3 type (attributes and push included); streamed strings and
 * aggregates ("$?", "*?") are reported as MR_EPROTO. */
int resp_scan(const char *data, size_t len, size_t *n);

/* ---- reply writer ------------------------------------------------------ */

/* proto is 2 or 3. Types RESP2 lacks are written the way Redis 7 downgrades
 * them: null -> $-1 (or *-1 for a null array), map -> flat array, set ->
 * array, double -> bulk string, bool -> integer, verbatim -> bulk. */
void resp_w_simple(struct buf *b, const char *s);
/* msg is the full text with its code, e.g. "ERR syntax error" or
 * "WRONGTYPE Operation ..."; CR or LF inside become spaces, as Redis does. */
void resp_w_error(struct buf *b, const char *msg, size_t len);
void resp_w_int(struct buf *b, long long v);
void resp_w_bulk(struct buf *b, const void *p, size_t n);
void resp_w_null(struct buf *b, int proto);
void resp_w_null_array(struct buf *b, int proto);
void resp_w_array(struct buf *b, long long n);
void resp_w_map(struct buf *b, int proto, long long pairs);
void resp_w_set(struct buf *b, int proto, long long n);
void resp_w_double(struct buf *b, int proto, double d);
void resp_w_bool(struct buf *b, int proto, int v);
/* fmt is the 3-letter verbatim format ("txt"). */
void resp_w_verbatim(struct buf *b, int proto, const char *fmt, const void *p, size_t n);

/* Formats a double the way Redis 7.0 prints scores and floats ("%.17g",
 * inf/-inf). Returns the length written to out (size >= 64). */
int resp_fmt_double(char *out, size_t size, double d);

#endif
