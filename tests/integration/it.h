/* it.h - helpers shared by the integration tests (tests/integration/).
 *
 * Every integration test owns its servers: it starts a mockredis (and,
 * where the expected bytes deserve a second opinion, Debian's redis-server
 * as the oracle) on an ephemeral port through the harness, talks to it
 * with hiredis or with raw RESP, and stops it at the end, asserting a clean
 * exit (status 0), which also turns sanitizer or valgrind reports in the
 * server into test failures. The helpers fail the current cmocka test on
 * any surprise, with the bytes that were seen. */
#ifndef MOCKREDIS_IT_H
#define MOCKREDIS_IT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <hiredis/hiredis.h>

#include "mh.h"

/* hiredis 0.14 and 1.x differ in a few declarations; keep the tests on the
 * common subset and route the differences through these. */
#if defined(HIREDIS_MAJOR) && HIREDIS_MAJOR >= 1
#define IT_REPLY_LEN(r) ((size_t)(r)->len)
#define IT_CTX_FD(ctx)  ((int)(ctx)->fd)
#else
#define IT_REPLY_LEN(r) ((size_t)(r)->len)
#define IT_CTX_FD(ctx)  ((ctx)->fd)
#endif

/* Starts mockredis with extra args (NULL-terminated, may be NULL); fails
 * the test when it does not come up. */
struct mh_server *it_mock(const char *const *args);
/* Starts redis-server, or returns NULL when it is not installed (the
 * caller then skips its oracle check). */
struct mh_server *it_redis(const char *const *args);
/* Stops a server with SIGTERM; returns mh_server_stop's status. Servers
 * from it_mock/it_redis that a failed test never stopped are stopped when
 * the test binary exits. */
int it_stop(struct mh_server *s);
/* Stops a server with SIGTERM and asserts it exited with status 0. */
void it_stop_ok(struct mh_server *s);

/* A hiredis connection to 127.0.0.1:port with a 5 s timeout; fails the test
 * when it cannot connect. */
redisContext *it_connect(int port);
/* Runs one command (printf-like, hiredis format) and checks that the reply is
 * a status/string/error with exactly text, or an integer equal to atoll(text). */
void it_cmd_expect(redisContext *ctx, int type, const char *text, const char *fmt, ...);

/* Sends raw bytes on c and requires the next reply to be exactly want. */
void it_raw_expect(struct mh_conn *c, const char *send, size_t sendlen, const char *want,
                   size_t wantlen);
/* Requires the next reply on c to be exactly want (len bytes). */
void it_reply_expect(struct mh_conn *c, const char *want, size_t wantlen);
/* Requires c to see EOF (no further bytes) within timeout_ms. */
void it_expect_eof(struct mh_conn *c, int timeout_ms);

/* Writes text to a new file /tmp/<prefix>-XXXXXX and puts its name in path
 * (size >= 32); fails the test when it cannot. The caller unlinks it. */
void it_write_temp(char *path, size_t size, const char *prefix, const char *text);
/* Writes the scenario text as it_write_temp does (name in path) and starts
 * mockredis playing it. */
struct mh_server *it_mock_scenario(char *path, size_t size, const char *prefix, const char *text);

/* Monotonic milliseconds. */
long long it_now_ms(void);
long long it_now_us(void); /* CLOCK_MONOTONIC too */
void it_sleep_ms(int ms);

#define IT_S(lit) (lit), (sizeof(lit) - 1)

/* ---- transcripts: one multi-connection script on two servers ------------------ */

/* One step of a script: connection conn (A, B or C) sends line (inline
 * form); then one reply or message is read from each connection named in
 * expect, in that order ("-X" there: connection X's EOF is awaited
 * instead). line NULL closes the connection. After the step, when
 * wait_clients >= 0 the runner waits until the server counts that many
 * clients (its own included), when wait_blocked >= 0 until it counts that
 * many blocked clients, so that the next step cannot overtake a disconnect
 * or a BLPOP sent on another connection (both through INFO on a connection
 * of the runner's own: not while a script is busy).
 *
 * An expect of "?PREFIX" polls for a state instead: conn reads its reply
 * and sends line again until the reply starts with PREFIX (e.g. "?-BUSY":
 * until a script another connection started is busy), failing after 10 s;
 * the transcript shows the last reply only. */
struct it_step {
    char conn;
    const char *line;
    const char *expect;
    int wait_clients, wait_blocked;
};
#define IT_NOWAIT -1, -1
#define IT_CONNS  3

/* Runs steps against the server at port; returns the transcript (caller
 * frees): "X: <reply>" lines, and at the end, for each connection still
 * open, "X: nothing more" when it has nothing left to read. */
char *it_transcript(int port, const struct it_step *steps, size_t n);
/* Runs the script on redis-server and on mockredis (each started here):
 * the transcripts, HELLO's maps aside (they hold client ids), must be
 * identical and contain must (so that two servers failing alike cannot
 * pass). */
void it_transcript_diff(const struct it_step *steps, size_t n, const char *must);
#define IT_DIFF(steps, must) it_transcript_diff(steps, sizeof(steps) / sizeof(steps[0]), must)
/* The same for a script that ends with SHUTDOWN: each server must then
 * exit by itself, with status 0, within 5 s. */
void it_transcript_diff_shutdown(const struct it_step *steps, size_t n, const char *must);
/* The general form of both. */
struct it_diff_opts {
    /* makes one server's transcript; NULL: it_transcript */
    char *(*run)(int port, const struct it_step *steps, size_t n);
    /* replaces a transcript before comparing (returns a new string, the
     * caller frees both); NULL: none */
    char *(*mask)(const char *t);
    int keep_hello; /* compare HELLO's replies too (mask their client ids) */
    int shuts_down; /* the script ends with SHUTDOWN (see above) */
};
void it_transcript_diff_opts(const struct it_step *steps, size_t n, const char *must,
                             const struct it_diff_opts *o);
/* Removes the transcript lines that start with prefix. */
void it_transcript_strip(char *t, const char *prefix);

/* A mockredis (it_mock) with two connections open to it, a and b, its
 * clock made virtual at 1000000 ms (MOCK CLOCK VIRTUAL, sent on b). */
struct mh_server *it_mock_clock(struct mh_conn *a, struct mh_conn *b);
/* Waits until INFO clients on c shows n in field ("blocked_clients:");
 * fails after 5 s. */
void it_wait_info(struct mh_conn *c, const char *field, long n);
/* Sends line (inline form, CRLF added) on c. */
void it_line_send(struct mh_conn *c, const char *line);
/* Requires the next reply on c to be exactly want. */
void it_line_reply(struct mh_conn *c, const char *want);
/* Sends line, requires the reply want. */
void it_line_expect(struct mh_conn *c, const char *line, const char *want);

#endif
