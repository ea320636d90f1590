/* pause.h - CLIENT PAUSE: commands that wait while the server is paused.
 *
 * CLIENT PAUSE timeout [WRITE|ALL] pauses the server until the server clock
 * reaches now + timeout (ms): a pause never shortens one in force (the later
 * end and the stronger mode win, as in Redis 7.0). While it lasts, a
 * command that passed the dispatcher's checks and that the pause covers --
 * every command under ALL; under WRITE, the write commands and the ones
 * that may replicate (EVAL, EVALSHA, FCALL, PUBLISH, SPUBLISH, PFCOUNT,
 * and an EXEC whose queue holds one) -- is not run nor refused: it waits
 * (the client is postponed, flag b in CLIENT LIST, counted in
 * blocked_clients) and its further input with it. The MOCK namespace is
 * never paused, so MOCK CLOCK ADVANCE can end a pause on a virtual clock.
 * The pause ends at CLIENT UNPAUSE or when the clock reaches its end
 * (checked after every command and by the cron); the postponed commands
 * then run in the order they arrived, as if they had just arrived.
 *
 * Depends on: core.h (the pause state, the client's postponed command,
 * on_unblock to let the network side read on). The dispatcher (cmd.c)
 * asks pause_covers and calls pause_postpone and pause_check. */
#ifndef MOCKREDIS_PAUSE_H
#define MOCKREDIS_PAUSE_H

#include <stdint.h>

struct core;
struct client;
struct resp_argv;

enum pause_mode { PAUSE_NONE = 0, PAUSE_WRITE = 1, PAUSE_ALL = 2 };

/* Pauses until end_ms on the server clock, in mode (PAUSE_WRITE or
 * PAUSE_ALL); a pause in force is only lengthened or made stronger. */
void pause_start(struct core *core, int64_t end_ms, enum pause_mode mode);
/* CLIENT UNPAUSE: ends the pause (the postponed commands run at the next
 * pause_check). */
void pause_stop(struct core *core);
/* The mode in force now (PAUSE_NONE when none or ended). */
enum pause_mode pause_mode_now(const struct core *core);
/* Keeps c's command a (ownership taken) until the pause ends; c gets
 * CL_BLOCKED | CL_POSTPONED, so the network side keeps its input. */
void pause_postpone(struct core *core, struct client *c, struct resp_argv *a);
/* Ends a pause whose time has come, then, with no pause in force, runs the
 * postponed commands in arrival order (each through cmd_dispatch, then
 * core->on_unblock). Does nothing when called from inside itself. */
void pause_check(struct core *core);
/* Forgets c's postponed command (c disconnects). */
void pause_forget(struct core *core, struct client *c);

#endif
