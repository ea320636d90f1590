/* monitor.h - MONITOR: the clients that see every command the server runs.
 *
 * A client that ran MONITOR receives, for each command any client (itself
 * included) then runs, one status line, as Redis 7.0.15 writes it:
 *
 *   +<sec>.<usec> [<db> <who>] "arg0" "arg1" ...\r\n
 *
 * <sec>.<usec> is the server clock (a virtual clock's time under MOCK
 * CLOCK), <db> the database the command ran in (after it ran: SELECT 3
 * shows 3), <who> the client's "ip:port", "unix:<socket path>" for a Unix
 * socket client, "lua" for a command a script or function called. Each
 * argument is quoted as Redis's sdscatrepr quotes: \\ \" \n \r \t \a \b
 * escaped, other bytes outside 0x20-0x7e as \xHH. Arguments a command
 * redacted (mon_redact: AUTH's password, ...) read "(redacted)". The same
 * line, stamped once, goes to every monitor, in RESP2 and RESP3 alike.
 *
 * Which commands, and when, is the dispatcher's business (cmd.c, plan.c);
 * this module keeps the registry and writes the lines. Output to a monitor
 * other than the client whose command ran is announced through
 * core->on_output, as published messages are (pubsub.h); a monitor being
 * closed (CL_CLOSE_AFTER_REPLY, CL_CLOSE_ASAP) is written nothing.
 *
 * Depends on: core.h (clients, the clock, the registry's fields), buf.h. */
#ifndef MOCKREDIS_MONITOR_H
#define MOCKREDIS_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct core;
struct client;

/* Makes c a monitor (CL_MONITOR), last in the registry's order. c must not
 * be one already. */
void mon_add(struct core *core, struct client *c);
/* Ends c's monitoring (RESET, a closed client); harmless when c is none. */
void mon_remove(struct core *core, struct client *c);

/* Sends the line for a command c ran, with arguments argv[0..argc) (argl
 * their lengths), to every monitor. redacted, when not NULL, holds argc
 * flags: a nonzero one shows that argument as "(redacted)". Does nothing
 * without monitors. */
void mon_feed(struct core *core, const struct client *c, int argc, char *const *argv,
              const size_t *argl, const unsigned char *redacted);

/* Appends the line (without "+" and CRLF: "<sec>.<usec> [<db> <who>] ...")
 * to out; who is the client's part ("127.0.0.1:5000", "lua"). Pure, for
 * mon_feed and the tests. */
void mon_format(struct buf *out, int64_t now_us, int db, const char *who, int argc,
                char *const *argv, const size_t *argl, const unsigned char *redacted);

#endif
