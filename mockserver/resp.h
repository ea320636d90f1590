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
#define RESP_INLINE_MAX (64 * 1024)              /* PROTO_INLINE_MAX_SIZE */
#define RESP_MBULK_MAX (1024 * 1024)             /* most arguments per command */
#define RESP_BULK_MAX (512LL * 1024 * 1024)      /* proto-max-bulk-len */
#define RESP_UNAUTH_MBULK_MAX 10                 /* before AUTH when a password is set */
#define RESP_UNAUTH_BULK_MAX 16384

/* A complete command. argv[i] is NUL-terminated and argl[i] bytes long (it may
 * contain NUL bytes). One allocation owns everything: free with resp_argv_free. */
struct resp_argv {
    int argc;
    char **argv;
    size_t *argl;
};

void resp_argv_free(struct resp_argv *a);
/* Builds an argv from C strings (tests, internal commands). */
struct resp_argv *resp_argv_new(int argc, const char *const *argv, const size_t *argl);

struct resp_reqp {
    int unauth;        /* set by the owner: apply Redis's limits for unauthenticated clients */
    char err[128];     /* after RESP_PROTO_ERROR: the text Redis replies with, without "-" */
    /* private: where parsing of the current command stands */
    size_t pos;
    long long mbulk;   /* arguments still expected; 0 = not inside a multibulk */
    long long bulk;    /* length of the bulk being read, -1 = expecting its $ line */
    int nargs, cap;
    size_t *off, *len;
};

enum resp_status {
    RESP_MORE = 0,   /* no complete command yet: call again with the same bytes plus more */
    RESP_CMD = 1,    /* *out holds a command that spans the first *used bytes */
    RESP_EMPTY = 2,  /* the first *used bytes were an empty command: drop them, no reply */
};

void resp_reqp_init(struct resp_reqp *p);
void resp_reqp_free(struct resp_reqp *p);

/* Parses the bytes data[0..len). The parser remembers how far it got, so
 * after RESP_MORE the caller passes the same bytes again with more appended
 * (never fewer or different ones). After RESP_CMD or RESP_EMPTY the caller
 * drops *used bytes from the front before the next call.
 * Returns a resp_status, or MR_EPROTO for a protocol error: p->err then holds
 * Redis's exact reply text ("ERR Protocol error: ..."), and Redis would reply
 * with it and close the connection. On RESP_CMD *out is a new argv the caller
 * owns; otherwise *out is left NULL. */
int resp_reqp_feed(struct resp_reqp *p, const char *data, size_t len,
                   size_t *used, struct resp_argv **out);

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
