/* latency.h - the latency monitor (LATENCY LATEST / HISTORY / RESET) and
 * the per-command latency histograms (LATENCY HISTOGRAM, INFO
 * latencystats), as Redis 7.0.15 keeps them.
 *
 * Histograms: each command's durations, recorded in nanoseconds (the
 * duration in microseconds times 1000, clamped to 1 ns .. 1 s) in buckets
 * of two significant binary digits' precision -- 1 ns steps below 256 ns,
 * then 128 steps per power of two -- the precision of the HdrHistogram
 * Redis uses with 2 significant figures, so percentiles read as Redis's
 * (the highest value equivalent to the one found; the lowest for p0).
 * LATENCY HISTOGRAM lists cumulative counts at the powers of two from
 * 1024 ns, only where the count grows, as Redis.
 *
 * Events: a command lasting latency-monitor-threshold ms or more (when it
 * is > 0) is a sample of the event "command" ("fast-command" for a
 * command flagged fast); each event keeps its last 160 samples (one per
 * second: a second sample in the same second keeps the larger), and its
 * maximum.
 *
 * Durations come from observe.h (real or virtual clock, see there).
 *
 * Depends on: core.h (state in core->latency), reply.h. */
#ifndef MOCKREDIS_LATENCY_H
#define MOCKREDIS_LATENCY_H

#include <stddef.h>
#include <stdint.h>

struct core;
struct client;
struct buf;

/* A command with id cmd_id (ncmd ids) ran for us microseconds: recorded in
 * its histogram when track, and as an event sample ("fast-command" when
 * fast, else "command") when threshold_ms > 0 and us / 1000 >=
 * threshold_ms. */
void lat_command(struct core *core, int cmd_id, size_t ncmd, int64_t us, int fast, int track,
                 long long threshold_ms);

/* A blocked command of cmd_id was served, lasting us in all (its run and
 * its serving): recorded in its histogram when latency-tracking was on at
 * the last command, as Redis records a served command (not one that timed
 * out). */
void lat_served(struct core *core, int cmd_id, int64_t us);
/* Whether cmd_id has a histogram (it ran since the last reset). */
int lat_has_histogram(const struct core *core, int cmd_id);
/* LATENCY HISTOGRAM's entry for cmd_id: a map "calls" N, "histogram_usec"
 * {bucket: cumulative count...}; 0 when the command has no histogram
 * (never ran): nothing written. */
int lat_histogram_reply(const struct core *core, struct client *c, int cmd_id);
/* INFO latencystats' line for cmd_id, named name, with the percentiles
 * pcts[0..npcts): "latency_percentiles_usec_<name>:p50=1.003,...\r\n";
 * nothing when the command never ran. */
void lat_info_line(const struct core *core, struct buf *b, int cmd_id, const char *name,
                   const double *pcts, int npcts);

/* LATENCY LATEST, LATENCY HISTORY event (an empty array when the event
 * has no samples). */
void lat_latest_reply(const struct core *core, struct client *c);
void lat_history_reply(const struct core *core, struct client *c, const char *event);
/* Whether event has samples (LATENCY GRAPH, DOCTOR). */
int lat_has_samples(const struct core *core, const char *event);
/* LATENCY GRAPH event: appends Redis's chart of the event's samples to
 * out -- a header (high, low, all-time high), 80 dashes, then bands of up
 * to 80 samples, oldest first: four rows of bars, a blank line, and each
 * sample's age ("5s", "3m", "2h", "1d" on the server clock) written
 * downwards. Returns 0 (nothing appended) when the event has no samples. */
int lat_graph(const struct core *core, const char *event, struct buf *out);
/* LATENCY DOCTOR once an event has samples: appends Redis's report to out
 * -- per event ("command" before "fast-command") its count of samples,
 * their average and mean deviation (whole ms), the period (seconds since
 * the oldest on the server clock, at least 1, over the count) and the
 * all-time high -- then Redis's advice for those events, the slow log's
 * depending on slower_than_us against threshold_ms. Returns 0 (nothing
 * appended) when no event has samples. */
int lat_doctor(const struct core *core, long long threshold_ms, long long slower_than_us,
               struct buf *out);
/* LATENCY RESET: the named events (all when n == 0); returns how many had
 * samples. */
int lat_reset(struct core *core, char *const *events, int n);

/* CONFIG RESETSTAT: the histograms (not the events). */
void lat_reset_stats(struct core *core);
void lat_free(struct core *core);

#endif
