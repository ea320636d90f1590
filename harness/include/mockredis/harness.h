/* mockredis/harness.h - the mockredis test harness, installed for users.
 *
 * Own a mockredis per test and talk raw RESP to it:
 *  - start a mockredis (or, as a reference, redis-server) as a child process
 *    on an ephemeral loopback port, wait until it accepts, stop it and
 *    collect its exit status;
 *  - open raw connections and exchange commands and replies byte for byte;
 *  - read the server's counters (MOCK STATS) to assert what a client did;
 *  - play a scenario (a file, or a string in the test) on its own server,
 *    end it and read its verdict as a struct (mh_scenario_*, mh_verdict_*).
 *    <mockredis/cmocka.h> adds an assertion and fixtures for cmocka.
 * Every function reports failure by return value; none prints or exits.
 *
 * A scenario in a test, end to end (error handling shortened):
 *
 *   char err[256];
 *   struct mh_scenario *sc = mh_scenario_start_string(
 *       "finish control\n"
 *       "on GET user:1 do reply (nil)\n"
 *       "expect commands GET user:1 == 1\n", NULL, err, sizeof(err));
 *   if (sc == NULL) { fprintf(stderr, "%s\n", err); return 1; }
 *   run_client_under_test("127.0.0.1", mh_scenario_port(sc));
 *   struct mh_verdict *v = mh_scenario_end(sc, err, sizeof(err));
 *   char text[1024];
 *   if (v == NULL || !v->passed)
 *       fprintf(stderr, "%s\n", v ? mh_verdict_format(v, text, sizeof(text)) : err);
 *   int ok = v != NULL && v->passed;
 *   mh_verdict_free(v);
 * Errors carry a message in the caller's buffer where one is taken.
 *
 * This header includes only system headers: nothing of the server's
 * internals is part of the API. Link with `mockredis::harness` (CMake) or
 * `pkg-config --libs mockredis`. All names start with mh_ / MH_. */
#ifndef MOCKREDIS_HARNESS_H
#define MOCKREDIS_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- status codes ------------------------------------------------------------ */

/* The harness's own codes: what the read functions return (MH_REPLY and
 * MH_EOF are outcomes, the negative ones failures). One table: the enum
 * and mh_strerror() are generated from it. */
#define MH_STATUS_TABLE(X)                                                                         \
    X(MH_REPLY, 1, "a complete reply")                                                             \
    X(MH_EOF, 0, "the server closed the connection")                                               \
    X(MH_TIMEOUT, -1, "no complete reply within the time limit")                                   \
    X(MH_ERROR, -2, "connection reset, read error, or bytes that are not RESP")

enum mh_status {
#define MH_STATUS_ENUM(name, value, text) name = value,
    MH_STATUS_TABLE(MH_STATUS_ENUM)
#undef MH_STATUS_ENUM
};
/* The text of a status code; "unknown status" for any other value. */
const char *mh_strerror(int status);

/* ---- byte buffers ------------------------------------------------------------ */

/* A growable byte buffer, the harness's own: replies are read into one.
 * p is NULL until the first byte arrives; the data is always followed by a
 * NUL (not counted in len), so a reply can be used as a C string; it may
 * also contain NULs itself. Start with MH_BYTES_INIT, end with
 * mh_bytes_free (which leaves it empty and reusable). */
struct mh_bytes {
    char *p;
    size_t len;
    size_t cap;
};
#define MH_BYTES_INIT                                                                              \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }
void mh_bytes_free(struct mh_bytes *b);

/* ---- servers ----------------------------------------------------------------- */

struct mh_server;

/* Starts mockredis with "--port 0 --port-file F" plus extra_args
 * (NULL-terminated, may be NULL) and waits until it listens (at most 10 s).
 * The binary is $MOCKREDIS_BIN; else, for an installed harness, the
 * mockredis installed next to it (bin/ of the same prefix); else mockredis
 * from PATH. Returns NULL with a message in err on failure; the child is
 * gone then. */
struct mh_server *mh_mock_start(const char *const *extra_args, char *err, size_t errlen);
/* Starts redis-server ($REDIS_SERVER, else from PATH) on a free loopback port
 * with persistence off, plus extra_args (NULL-terminated, may be NULL), and
 * waits until it answers PING. Returns NULL with a message in err on failure. */
struct mh_server *mh_redis_start(const char *const *extra_args, char *err, size_t errlen);
/* The path of the mockredis binary mh_mock_start would run now (see there).
 * Static storage, valid until the next call. */
const char *mh_mock_bin(void);

int mh_server_port(const struct mh_server *s);
/* The most nodes a mockredis cluster has (--cluster N --replicas R). */
#define MH_NODES_MAX 64
/* Every node's port, in node order (primaries first, then the replicas:
 * replica j follows primary j mod N; docs/cluster.md), for a server
 * started with "--cluster", "N" among its extra arguments: writes at most
 * max to ports and returns how many nodes there are (1 for a standalone
 * server: its port). */
int mh_server_ports(const struct mh_server *s, int *ports, int max);
pid_t mh_server_pid(const struct mh_server *s);
/* Waits up to timeout_ms for the server to exit on its own. Returns 1 and
 * sets *status (waitpid's) if it exited, 0 if it is still running. */
int mh_server_wait(struct mh_server *s, int timeout_ms, int *status);
/* Sends SIGTERM, waits (SIGKILL after 5 s) and frees s. Returns the wait
 * status, or -1 if the server had to be killed. NULL is fine (returns 0). */
int mh_server_stop(struct mh_server *s);

/* ---- connections ------------------------------------------------------------- */

/* Connects to 127.0.0.1:port (blocking socket). Returns the fd, or -1 with
 * errno set. */
int mh_connect(int port);
/* Writes all n bytes. 0 on success, -1 with errno on failure. */
int mh_send(int fd, const void *p, size_t n);
/* Sends one command as a multibulk request; argl may be NULL for C strings.
 * 0 on success, -1 with errno on failure. */
int mh_send_argv(int fd, int argc, const char *const *argv, const size_t *argl);

/* A connection with its input buffer, for reading replies one at a time.
 * mh_conn_open returns 0, or -1 with errno set (c is still safe to close). */
struct mh_conn {
    int fd;
    struct mh_bytes in; /* bytes received after the last complete reply */
};
int mh_conn_open(struct mh_conn *c, int port);
void mh_conn_close(struct mh_conn *c);

/* Reads one complete reply (any RESP2/RESP3 type) within timeout_ms into
 * reply (replacing its content); bytes after it stay in c->in. Returns an
 * enum mh_status: MH_REPLY, MH_EOF, MH_TIMEOUT or MH_ERROR. */
int mh_read_reply(struct mh_conn *c, struct mh_bytes *reply, int timeout_ms);
/* Splits line as redis-cli does, sends it, reads the reply. Returns as
 * mh_read_reply, or MH_ERROR for a line with unbalanced quotes. */
int mh_call(struct mh_conn *c, const char *line, struct mh_bytes *reply, int timeout_ms);

/* MOCK STAT name on a new connection to a mockredis at port: the counter's
 * value, or -1 if it cannot be read (with --requirepass set, MOCK needs
 * AUTH as every command does: use mh_stat_auth). */
long long mh_stat(int port, const char *name);
/* The same, after AUTH password on that connection (NULL: no AUTH). -1
 * also when the password is refused. The connection counts as any other
 * (connections_received, commands_processed). */
long long mh_stat_auth(int port, const char *password, const char *name);

/* Writes reply bytes readably for messages: printable ASCII as is, \r \n
 * and others as escapes. Returns out. */
const char *mh_escape(const char *p, size_t n, char *out, size_t size);

/* ---- scratch directories ----------------------------------------------------- */

/* For tests that write files (captures, scenarios). mh_scratch_make
 * creates a new, empty /tmp/PREFIX.XXXXXX and writes its path into dir
 * (size bytes; 64 is plenty for a short prefix); returns 0, or -1 with
 * errno set. mh_scratch_remove removes every file in dir (what a failed
 * test left behind too; not recursive), then dir; returns 0 or -1. */
int mh_scratch_make(char *dir, size_t size, const char *prefix);
int mh_scratch_remove(const char *dir);
/* "dir/name", in one of two static buffers used in turn: a result stays
 * valid until the second call after it (enough for a source and a target
 * in one expression). */
const char *mh_scratch_path(const char *dir, const char *name);

/* ---- scenarios and their verdict --------------------------------------------- */

/* One expectation of the verdict: an `expect` line of the scenario. */
struct mh_expectation {
    int line;         /* its line in the scenario file */
    char *text;       /* the line as written, "expect commands GET k == 1" */
    long long actual; /* the value the server measured */
    int passed;       /* 1 if it held, 0 if not */
};

/* The server's verdict on a scenario (its JSON report, docs/reports.md).
 * passed is 1 exactly when failures is empty. failures holds one sentence
 * per failed check (expectations, strict steps, the finish deadline), as
 * the server's readable report says it. Every string is owned by the
 * verdict; free it all with mh_verdict_free. */
struct mh_verdict {
    int passed;
    char *scenario; /* the scenario's name, else its file */
    struct mh_expectation *expectations;
    size_t nexpectations;
    char **failures;
    size_t nfailures;
};

/* Parses a JSON report (what --report writes and MOCK SCENARIO REPORT
 * returns) of len bytes. Returns a new verdict, or NULL with a message in
 * err if json is not such a report (not JSON, or "passed" missing). Fields
 * it does not know are skipped. */
struct mh_verdict *mh_verdict_parse(const char *json, size_t len, char *err, size_t errlen);
/* Frees v and every string in it; NULL is fine. */
void mh_verdict_free(struct mh_verdict *v);
/* Writes the verdict for a failure message: "PASS" or "FAIL", then one
 * line per failure, each "\n  " + the sentence; cut (ending in "...") when
 * it does not fit in size bytes. Returns out. */
const char *mh_verdict_format(const struct mh_verdict *v, char *out, size_t size);

/* A mockredis playing one scenario, started for a test (or a group of
 * tests) and ended by it. Each has its own ephemeral port and its own
 * private temporary directory (/tmp/mh-scn.XXXXXX, the scenario given as a
 * string and the JSON report), so tests run in parallel (ctest -j) never
 * share a port or a file. */
struct mh_scenario;

/* Starts mockredis (found as mh_mock_start says) with --scenario path,
 * plus extra_args (NULL-terminated, may be NULL: e.g. "--requirepass",
 * "pw"), and waits until it listens. path is used as given (relative to
 * the current directory). Returns the running scenario, or NULL with a
 * message in err: the file is missing or invalid (the server's stderr
 * names the problem), or the server could not start; nothing is left
 * running then and the temporary directory is removed.
 * The scenario's own `finish` still applies: with the default `finish
 * idle` the server ends 100 ms after its last client left, which a test
 * that connects more than once may not want: write `finish control` (the
 * harness ends it) or `finish idle within 30s` (a bound for CI). */
struct mh_scenario *mh_scenario_start(const char *path, const char *const *extra_args, char *err,
                                      size_t errlen);
/* The same with the scenario's text given in text (a C string, the file's
 * content): the harness writes it to scenario.scn in the private directory
 * and removes it when the scenario ends or fails to start. */
struct mh_scenario *mh_scenario_start_string(const char *text, const char *const *extra_args,
                                             char *err, size_t errlen);
/* The port the server listens on (127.0.0.1). */
int mh_scenario_port(const struct mh_scenario *sc);
/* The underlying server (for mh_server_pid, mh_server_wait); owned by sc. */
struct mh_server *mh_scenario_server(struct mh_scenario *sc);

/* Ends the scenario and reads its verdict: if the server is still running
 * it gets SIGTERM, which ends the scenario as MOCK SCENARIO END would
 * without opening a connection (so the counters see only the test's
 * clients); if it ended on its own (its `finish`), its report is read as
 * it was written then. Always frees sc (stops the server, removes the
 * temporary directory); NULL is fine and returns NULL with a message.
 * Returns the verdict (the caller frees it with mh_verdict_free), whether
 * it passed or not; NULL with a message in err only if there is none: the
 * server crashed or wrote no report. */
struct mh_verdict *mh_scenario_end(struct mh_scenario *sc, char *err, size_t errlen);
/* How many scenarios mh_scenario_end has ended in this process without a
 * verdict that passed (failed, or none). For a test program's exit status
 * where a failed verdict was only printed, not asserted: e.g. cmocka 1.1
 * reports a failing group teardown but does not count it in
 * cmocka_run_group_tests's result (<mockredis/cmocka.h> handles that).
 * Not synchronised: end scenarios from one thread at a time. */
unsigned mh_scenario_failed(void);

#ifdef __cplusplus
}
#endif

#endif
