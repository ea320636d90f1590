/* lesson.h - what every lesson uses: narration, claims, a verdict, a
 * mockredis playing the lesson's scenario, and a safe way to run naive code.
 *
 * A lesson reads top to bottom like a chapter. A whole one, short (the
 * build compiles the lines between the two markers, so they stay true;
 * p03_missing_keys.c is this lesson in full):
 *
 * ---- example ----
 * #include <signal.h>
 * #include <hiredis/hiredis.h>
 * #include "lesson.h"
 *
 * // NAIVE: trusts that GET always returns a string.
 * LS_NAIVE_CODE static int naive_get(void *arg)
 * {
 *     redisContext *c = redisConnect("127.0.0.1", *(int *)arg);
 *     redisReply *r = redisCommand(c, "GET user:42");
 *     return r->str[0]; // str is NULL for a nil reply: SIGSEGV
 * }
 *
 * int main(void)
 * {
 *     ls_begin("P3", "missing keys");
 *     ls_say("GET of a key that does not exist is a nil reply, not an error.");
 *     struct mh_server *srv = ls_server(NULL); // a plain mockredis
 *     if (srv == NULL)
 *         return ls_end();
 *     int port = mh_server_port(srv);
 *     ls_naive("read reply->str without looking at the type");
 *     ls_play(srv, "p03-missing-key.scn"); // a scenario from scenarios/
 *     struct ls_result r = ls_run_child(naive_get, &port, 2000);
 *     char how[128];
 *     ls_show("the naive code %s", ls_describe(&r, how, sizeof(how)));
 *     ls_claim(r.how == LS_SIGNALED && r.code == SIGSEGV, "the naive code crashes");
 *     ls_right("check reply->type, treat nil as 'missing'");
 *     // ... the right code, and the claims it makes true ...
 *     ls_server_stop(srv);
 *     return ls_end(); // 0 only if every claim held
 * }
 * ---- end of example ----
 *
 * Output goes to stdout; colour only on a terminal (or with CLICOLOR_FORCE
 * set, for a runner that pipes it on to one) and never with NO_COLOR set.
 * Nothing here exits the process except ls_end's caller. */
#ifndef MOCKREDIS_LESSON_H
#define MOCKREDIS_LESSON_H

#include <stddef.h>

#include "mh.h"

/* Starts the lesson: prints its title. id is "P1".."P13". */
void ls_begin(const char *id, const char *title);
/* A paragraph of explanation (printf-like), wrapped to 76 columns. */
void ls_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A heading before the naive code runs: clearly marked as naive. */
void ls_naive(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A heading before the right pattern runs. */
void ls_right(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line of evidence (a number, a reply, a counter), indented. */
void ls_show(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Records one claim of the lesson and prints it as held or failed.
 * Returns held, so it can be used in a condition. */
int ls_claim(int held, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A claim about speed: how fast, how many times faster, how late. Speed
 * depends on the machine and its load as much as on the code, so it is an
 * observation, not a claim: printed as [seen] or [not seen] and counted
 * apart in the verdict, never failing the lesson. Under valgrind (10-50x
 * slower, one thread at a time) or AddressSanitizer (2-5x slower) it is
 * printed as skipped, with the reason. With MOCKREDIS_SPEED_CLAIMS=1 (an
 * idle machine) it counts as an ordinary claim. Returns held, or 1 when
 * skipped. A lesson makes its point with claims that hold on any machine
 * (counts, lower bounds, what the server saw) and adds speed only as
 * illustration. */
int ls_speed_claim(int held, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Why speed claims are skipped in this process ("valgrind runs ..."), or
 * NULL when they are checked. */
const char *ls_speed_skipped(void);
/* Prints the verdict (every claim, held or not; skipped ones counted
 * apart). Returns the exit status: 0 when every claim made held and at
 * least one was made, 1 otherwise. */
int ls_end(void);

/* A plain mockredis for this lesson on an ephemeral port (extra args may be
 * NULL); NULL after printing why it could not start. The lesson's MOCK
 * commands (ls_play, ls_verdict, ls_counter) share one control connection
 * opened here, before any scenario, so scenarios never count it. Stop it
 * with ls_server_stop, which also counts a non-zero exit as a failed claim. */
struct mh_server *ls_server(const char *const *extra_args);
void ls_server_stop(struct mh_server *s);
/* Loads scenarios/<name> into the running server (MOCK SCENARIO LOAD); the
 * server's counters start over. Returns 0, or -1 after printing why. */
int ls_play(struct mh_server *s, const char *name);
/* The verdict of the scenario being played (MOCK SCENARIO REPORT): 1 when
 * all its expectations held, 0 when one failed, -1 when it cannot be read.
 * When json is not NULL, the report is copied there (size bytes). */
int ls_verdict(struct mh_server *s, char *json, size_t size);
/* Moves the server's virtual clock ms milliseconds forward (MOCK CLOCK
 * ADVANCE, on the control connection): how a lesson stands for a wait
 * without sleeping. Returns 0, or -1 after printing why. */
int ls_advance(struct mh_server *s, long long ms);
/* A counter from the scenario report's "counters" object ("connections",
 * "refused", "peak_connections", "commands", ...), or -1. */
long long ls_counter(struct mh_server *s, const char *name);

/* One command the server saw (an entry of MOCK HISTORY, docs/protocol.md). */
struct ls_seen {
    int conn;         /* the connection's number since ls_play, 1-based */
    int argc;         /* arguments sent, the command's name included */
    char argv[4][48]; /* the first four arguments ("" beyond argc), cut to 47 bytes */
    char reply[12];   /* the reply's type: "simple", "bulk", "nil", "error", "array", ... */
};
/* The commands the scenario's rules saw since ls_play, oldest first (MOCK
 * HISTORY on the control connection, so the lesson's own reading is not
 * among them; the server keeps the last 4096). Returns a malloc'd array the
 * caller frees, with its length in *n; NULL and *n = 0 after recording a
 * failed claim when it cannot be read. */
struct ls_seen *ls_history(struct mh_server *s, int *n);

/* Put before a naive function: it is compiled without sanitizer checks, so
 * in an ASan/UBSan build it still fails the way it does in production (a
 * NULL dereference dies of SIGSEGV instead of being reported as UB). */
#define LS_NAIVE_CODE __attribute__((no_sanitize("address", "undefined")))

/* A server counter from MOCK STAT (e.g. "connected_clients"), read on the
 * control connection; -1 if it cannot be read. */
long long ls_stat(struct mh_server *s, const char *name);

/* How a piece of code run with ls_run_child ended. */
enum ls_how { LS_EXITED, LS_SIGNALED, LS_TIMED_OUT };
struct ls_result {
    enum ls_how how;
    int code;     /* exit status, or the signal number */
    long long ms; /* how long it ran */
};
/* Runs fn(arg) in a child process, so a crash or a hang of naive code
 * cannot take the lesson down; kills it with SIGKILL after timeout_ms (the
 * watchdog). fn's return value is the child's exit status. */
struct ls_result ls_run_child(int (*fn)(void *arg), void *arg, int timeout_ms);
/* "exited with status 0", "killed by SIGSEGV", "hung: stopped by the
 * watchdog after 2000 ms". Returns buf. */
const char *ls_describe(const struct ls_result *r, char *buf, size_t size);

/* Monotonic time in microseconds, for the lessons that measure. */
long long ls_now_us(void);

#endif
