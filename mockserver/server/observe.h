/* observe.h - what the server records about the commands it runs: the slow
 * log (SLOWLOG), the per-command time, rejected and failed counters (INFO
 * commandstats) and the error counters (INFO errorstats, stats'
 * total_error_replies), as Redis 7.0.15 keeps them.
 *
 * The dispatcher (cmd.c) reports each command it ran (obs_ran) or refused
 * (obs_rejected); the INFO and SLOWLOG commands (cmd_server.c) read here.
 *
 * Durations: on the real clock, the command's measured monotonic time in
 * microseconds (nondeterministic, as in Redis); on the virtual clock (MOCK
 * CLOCK), the virtual time that passed while it ran -- 0 unless something
 * advanced the clock -- so a test under a virtual clock sees exact values.
 * Slow log timestamps are the server clock's seconds.
 *
 * Depends on: core.h (struct core holds the state: core->obs), the buffer
 * and RESP writers. Not on the command layer: commands are named by their
 * id (cmd.h's cmd_def.id) and the caller's arguments. */
#ifndef MOCKREDIS_OBSERVE_H
#define MOCKREDIS_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

struct core;
struct client;
struct buf;

/* A duration clock: obs_start's value, given back to obs_elapsed_us. */
int64_t obs_start(const struct core *core);
int64_t obs_elapsed_us(const struct core *core, int64_t started);

/* A command c ran, with id cmd_id (ncmd ids in all), argv its arguments as
 * the client sent them, its reply c->out[out_len..) (an error when it
 * starts with '-'), lasting us microseconds. Counts its time, an error
 * reply (errorstats, and failed_calls) -- unless the error is one a command
 * run by the same script already counted -- and logs it in the slow log
 * when slower_than >= 0 and us >= slower_than (keeping max_len entries),
 * unless skip (EXEC); a command that left c blocked (CL_BLOCKED) is kept
 * for obs_served. */
void obs_ran(struct core *core, struct client *c, int cmd_id, size_t ncmd, int argc,
             char *const *argv, const size_t *argl, size_t out_len, int64_t us, int skip,
             long long slower_than, long long max_len);
/* A blocked client (block.h) was served, its serving lasting us: its
 * command is logged now, as Redis logs a blocking command once served,
 * with the time of its first run and of its serving (never the wait). */
void obs_served(struct core *core, struct client *c, int64_t us);
/* Forgets c's blocked command unlogged (it timed out, was unblocked or
 * disconnected, as Redis logs none of these). */
void obs_forget(struct core *core, struct client *c);
/* A command the dispatcher refused with the error c->out[out_len..):
 * counted in errorstats, and as a rejected call of cmd_id (-1: an unknown
 * command, nobody's). */
void obs_rejected(struct core *core, struct client *c, int cmd_id, size_t ncmd, size_t out_len);
/* Counts an error reply nobody's command wrote (a protocol error). */
void obs_error(struct core *core, const char *err, size_t len);
/* Around a command's run: commands it runs itself (a script's calls,
 * EXEC's queue) are nested. An error counted for a nested command is
 * remembered until the outermost command ends, whose own error reply is not
 * counted again when it repeats it (a script's error raised by redis.call,
 * or the error redis.pcall gave it), as Redis counts such an error once. */
void obs_enter(struct core *core);
void obs_leave(struct core *core);

/* A command's counters (zero when never counted). */
struct obs_cmdstat {
    uint64_t usec, rejected, failed;
};
struct obs_cmdstat obs_cmdstat(const struct core *core, int cmd_id);
/* Appends errorstats' lines ("errorstat_ERR:count=3\r\n"), sorted by name
 * as Redis's radix tree lists them. */
void obs_errorstats(const struct core *core, struct buf *b);
uint64_t obs_total_errors(const struct core *core);

/* The slow log. */
size_t obs_slowlog_len(const struct core *core);
/* Writes the newest count entries (all when count < 0) as SLOWLOG GET does. */
void obs_slowlog_reply(const struct core *core, struct client *c, long long count);
void obs_slowlog_reset(struct core *core);
/* Keeps only the newest max_len entries (slowlog-max-len lowered). */
void obs_slowlog_trim(struct core *core, long long max_len);

/* Takes a sample of the command and network counters (at most one per
 * 100 ms of real time; the cron calls it), for obs_rates. */
void obs_sample(struct core *core);
/* INFO's instantaneous_ops_per_sec, instantaneous_input_kbps and
 * instantaneous_output_kbps: the rates over the last 16 samples (about
 * 1.6 s), as Redis averages them; 0 before two samples. */
void obs_rates(const struct core *core, double *ops, double *in_kbps, double *out_kbps);

/* CONFIG RESETSTAT: the counters above, not the slow log. */
void obs_reset_stats(struct core *core);
/* Frees core->obs (core_destroy). */
void obs_free(struct core *core);

#endif
