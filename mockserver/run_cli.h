/* run_cli.h - `mockredis run ... -- COMMAND`: the command as a child of a
 * server that is already listening, and the exit status that joins the
 * command's result to the scenario's verdict.
 *
 * main.c parses the options and starts the server (the same code as the
 * plain server); this module runs the command on the server's loop and
 * decides the status. Exit statuses (README.md, "mockredis run"): */
#ifndef MOCKREDIS_RUN_CLI_H
#define MOCKREDIS_RUN_CLI_H

#include <stddef.h>

struct srv;

enum run_status {
    RUN_OK = 0,            /* the command exited 0 and every expectation held */
    RUN_EXPECT_FAILED = 1, /* the command exited 0, an expectation failed */
    RUN_USAGE = 2,         /* bad options, unwritable report path: nothing ran */
    RUN_INVALID = 3,       /* the scenario file is invalid: nothing ran */
    RUN_NO_SERVER = 4,     /* the server could not start (or a report could not be
                              written at the end) */
    RUN_CMD_FAILED = 5,    /* the command exited non-zero (or could not be run),
                              the expectations held */
    RUN_BOTH_FAILED = 6,   /* the command exited non-zero and an expectation failed */
    RUN_CMD_SIGNALED = 7,  /* the command was killed by a signal it was not sent by us */
    RUN_INTERRUPTED = 8,   /* mockredis run got SIGINT or SIGTERM (passed to the command) */
    RUN_DEADLINE = 9,      /* the scenario's "finish ... within" deadline passed first:
                              the command got SIGTERM, the verdict failed */
};

/* How the command ended. */
struct run_result {
    int exit_code;   /* its exit status when it exited, else -1 */
    int signo;       /* the signal that killed it, else 0 */
    int interrupted; /* the signal mockredis run received and forwarded, else 0 */
    int deadline;    /* 1: the scenario's deadline passed, the command got SIGTERM */
};

/* Starts cmd (argv, NULL-terminated, found on PATH) in its own process
 * group, with REDIS_HOST, REDIS_PORT, REDIS_URL and MOCKREDIS_PORT set for
 * s, and runs s's loop until the command exits. SIGINT and SIGTERM sent to
 * mockredis meanwhile go to the command's process group; once the command
 * has exited, what is left of its group gets SIGTERM, so no process it
 * started outlives the run. The command dies with mockredis (Linux
 * PR_SET_PDEATHSIG) even if mockredis is killed with SIGKILL. Sets *res.
 * When the scenario's "finish ... within" deadline passes first, the
 * command's group gets SIGTERM (res->deadline).
 * Returns 0, or -1 when the command could not be started (fork failed; a
 * command that is not found exits 127 like in a shell). */
int run_cli_command(struct srv *s, char *const *cmd, struct run_result *res);

/* The exit status for a run whose command ended as res and whose verdict
 * failed (expect_failed 1) or held (0); writes the one-line summary
 * ("mockredis run: FAIL: ...") to line (size bytes). */
enum run_status run_cli_status(const struct run_result *res, int expect_failed, char *line,
                               size_t size);

#endif
