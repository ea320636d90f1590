/* latency.c - latency histograms and events, see latency.h.
 *
 * A histogram is an array of counts indexed by bucket: values below 256 ns
 * one per nanosecond, then for each power of two 128 buckets of equal
 * width (v >> shift in 128..255). Allocated for a command at its first
 * recorded run (about 3,300 counts up to 1 s). Not here: reading the
 * configuration (cmd.c passes the thresholds) and INFO's ordering. */
#include "latency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "mem.h"
#include "reply.h"

#define HIST_MIN_NS   1LL
#define HIST_MAX_NS   1000000000LL
#define HIST_SHIFTS   24 /* 2^31 > 1 s in ns: shifts 1..23 after the exact part */
#define HIST_LEN      (256 + HIST_SHIFTS * 128)
#define EVENT_SAMPLES 160

struct hist {
    uint64_t total;
    uint64_t count[HIST_LEN];
};

struct lat_event {
    const char *name;
    int64_t time[EVENT_SAMPLES];
    long long ms[EVENT_SAMPLES];
    int n, next; /* samples kept, where the next one goes */
    long long max;
};

struct lat {
    struct hist **hist; /* per command id, NULL: never recorded */
    size_t ncmd;
    struct lat_event ev[2]; /* "command", "fast-command" */
    int track;              /* latency-tracking at the last command */
};

static struct lat *get(struct core *core)
{
    if (core->latency == NULL) {
        struct lat *l = mem_calloc(1, sizeof(*l));
        l->ev[0].name = "command";
        l->ev[1].name = "fast-command";
        core->latency = l;
    }
    return core->latency;
}

static int bucket_of(long long v)
{
    if (v < 256)
        return (int)v;
    int top = 63 - __builtin_clzll((unsigned long long)v); /* >= 8 */
    int shift = top - 7;
    return 256 + (shift - 1) * 128 + (int)((v >> shift) - 128);
}

/* The lowest and highest values of bucket i. */
static void bucket_range(int i, long long *lo, long long *hi)
{
    if (i < 256) {
        *lo = *hi = i;
        return;
    }
    int shift = (i - 256) / 128 + 1;
    long long sub = (i - 256) % 128 + 128;
    *lo = sub << shift;
    *hi = *lo + (1LL << shift) - 1;
}

static void record(struct lat *l, int cmd_id, size_t ncmd, int64_t us);

static void event_add(struct lat_event *e, int64_t now_s, long long ms)
{
    int last = (e->next + EVENT_SAMPLES - 1) % EVENT_SAMPLES;
    if (e->n > 0 && e->time[last] == now_s) {
        if (ms > e->ms[last])
            e->ms[last] = ms;
    } else {
        e->time[e->next] = now_s;
        e->ms[e->next] = ms;
        e->next = (e->next + 1) % EVENT_SAMPLES;
        if (e->n < EVENT_SAMPLES)
            e->n++;
    }
    if (ms > e->max)
        e->max = ms;
}

void lat_command(struct core *core, int cmd_id, size_t ncmd, int64_t us, int fast, int track,
                 long long threshold_ms)
{
    if (threshold_ms > 0 && us / 1000 >= threshold_ms)
        event_add(&get(core)->ev[fast ? 1 : 0], clk_now_us(&core->clock) / 1000000, us / 1000);
    get(core)->track = track;
    if (!track || cmd_id < 0)
        return;
    record(get(core), cmd_id, ncmd, us);
}

void lat_served(struct core *core, int cmd_id, int64_t us)
{
    struct lat *l = core->latency;
    if (l != NULL && l->track && cmd_id >= 0 && l->hist != NULL)
        record(l, cmd_id, l->ncmd, us);
}

static void record(struct lat *l, int cmd_id, size_t ncmd, int64_t us)
{
    if (l->hist == NULL) {
        l->ncmd = ncmd;
        l->hist = mem_calloc(ncmd, sizeof(*l->hist));
    }
    if ((size_t)cmd_id >= l->ncmd)
        return;
    if (l->hist[cmd_id] == NULL)
        l->hist[cmd_id] = mem_calloc(1, sizeof(struct hist));
    long long ns = us > HIST_MAX_NS / 1000 ? HIST_MAX_NS : (long long)us * 1000;
    if (ns < HIST_MIN_NS)
        ns = HIST_MIN_NS;
    l->hist[cmd_id]->count[bucket_of(ns)]++;
    l->hist[cmd_id]->total++;
}

static const struct hist *hist_of(const struct core *core, int cmd_id)
{
    const struct lat *l = core->latency;
    if (l == NULL || l->hist == NULL || cmd_id < 0 || (size_t)cmd_id >= l->ncmd)
        return NULL;
    return l->hist[cmd_id];
}

int lat_has_histogram(const struct core *core, int cmd_id)
{
    const struct hist *h = hist_of(core, cmd_id);
    return h != NULL && h->total > 0;
}

int lat_histogram_reply(const struct core *core, struct client *c, int cmd_id)
{
    const struct hist *h = hist_of(core, cmd_id);
    if (h == NULL || h->total == 0)
        return 0;
    /* the reported buckets: at 1024 ns << k, labelled with the highest
     * value equivalent to it, in us; only where the cumulative count grew */
    long long labels[HIST_SHIFTS + 8];
    uint64_t cum[HIST_SHIFTS + 8];
    int n = 0;
    uint64_t seen = 0, prev = 0;
    int i = 0;
    for (long long edge = 1024; seen < h->total && n < HIST_SHIFTS + 8; edge <<= 1) {
        long long lo, hi;
        bucket_range(bucket_of(edge), &lo, &hi);
        for (; i < HIST_LEN; i++) {
            long long blo, bhi;
            bucket_range(i, &blo, &bhi);
            if (blo > hi)
                break;
            seen += h->count[i];
        }
        if (seen > prev) {
            labels[n] = hi / 1000;
            cum[n++] = seen;
            prev = seen;
        }
    }
    reply_map(c, 2);
    reply_cstr(c, "calls");
    reply_int(c, (long long)h->total);
    reply_cstr(c, "histogram_usec");
    reply_map(c, n);
    for (int j = 0; j < n; j++) {
        reply_int(c, labels[j]);
        reply_int(c, (long long)cum[j]);
    }
    return 1;
}

/* HdrHistogram's value at percentile p. */
static long long value_at(const struct hist *h, double p)
{
    double req = p < 100.0 ? p : 100.0;
    long long want = (long long)(req / 100.0 * (double)h->total + 0.5);
    if (want < 1)
        want = 1;
    uint64_t sum = 0;
    for (int i = 0; i < HIST_LEN; i++) {
        sum += h->count[i];
        if (h->count[i] && sum >= (uint64_t)want) {
            long long lo, hi;
            bucket_range(i, &lo, &hi);
            return p == 0.0 ? lo : hi;
        }
    }
    return 0;
}

void lat_info_line(const struct core *core, struct buf *b, int cmd_id, const char *name,
                   const double *pcts, int npcts)
{
    const struct hist *h = hist_of(core, cmd_id);
    if (h == NULL || h->total == 0)
        return;
    buf_printf(b, "latency_percentiles_usec_%s:", name);
    for (int i = 0; i < npcts; i++)
        buf_printf(b, "%sp%g=%.3f", i ? "," : "", pcts[i], (double)value_at(h, pcts[i]) / 1000.0);
    buf_puts(b, "\r\n");
}

static const struct lat_event *event_named(const struct core *core, const char *name)
{
    const struct lat *l = core->latency;
    for (int i = 0; l != NULL && i < 2; i++)
        if (l->ev[i].n > 0 && strcmp(l->ev[i].name, name) == 0)
            return &l->ev[i];
    return NULL;
}

void lat_latest_reply(const struct core *core, struct client *c)
{
    const struct lat *l = core->latency;
    int n = 0;
    for (int i = 0; l != NULL && i < 2; i++)
        n += l->ev[i].n > 0;
    reply_array(c, n);
    for (int i = 0; l != NULL && i < 2; i++) {
        const struct lat_event *e = &l->ev[i];
        if (e->n == 0)
            continue;
        int last = (e->next + EVENT_SAMPLES - 1) % EVENT_SAMPLES;
        reply_array(c, 4);
        reply_cstr(c, e->name);
        reply_int(c, e->time[last]);
        reply_int(c, e->ms[last]);
        reply_int(c, e->max);
    }
}

void lat_history_reply(const struct core *core, struct client *c, const char *event)
{
    const struct lat_event *e = event_named(core, event);
    reply_array(c, e ? e->n : 0);
    for (int j = 0; e && j < e->n; j++) {
        int k = (e->next - e->n + j + EVENT_SAMPLES) % EVENT_SAMPLES;
        reply_array(c, 2);
        reply_int(c, e->time[k]);
        reply_int(c, e->ms[k]);
    }
}

int lat_has_samples(const struct core *core, const char *event)
{
    return event_named(core, event) != NULL;
}

int lat_reset(struct core *core, char *const *events, int n)
{
    struct lat *l = core->latency;
    int resets = 0;
    for (int i = 0; l != NULL && i < 2; i++) {
        int named = n == 0;
        for (int j = 0; j < n && !named; j++)
            named = strcmp(events[j], l->ev[i].name) == 0;
        if (named && l->ev[i].n > 0) {
            const char *name = l->ev[i].name;
            memset(&l->ev[i], 0, sizeof(l->ev[i]));
            l->ev[i].name = name;
            resets++;
        }
    }
    return resets;
}

void lat_reset_stats(struct core *core)
{
    struct lat *l = core->latency;
    for (size_t i = 0; l != NULL && l->hist != NULL && i < l->ncmd; i++) {
        free(l->hist[i]);
        l->hist[i] = NULL;
    }
}

void lat_free(struct core *core)
{
    struct lat *l = core->latency;
    if (l == NULL)
        return;
    lat_reset_stats(core);
    free(l->hist);
    free(l);
    core->latency = NULL;
}

/* ---- LATENCY GRAPH ----------------------------------------------------------------- */

#define GRAPH_COLS 80
#define GRAPH_ROWS 4

/* A sample's age label ("15s", "3m", "2h", "9d"): any long long, a
 * letter and the NUL fit. */
#define LABEL_MAX 24

/* One band of at most GRAPH_COLS samples (from first, n of them): the
 * bars, GRAPH_ROWS rows of three levels each ('_', 'o', '#', a full cell
 * '|'), scaled between lo and hi; a blank line; then the labels written
 * downwards, one character a row, until the longest ends. */
static void graph_band(struct buf *out, const long long *v, char (*label)[LABEL_MAX], int first,
                       int n, long long lo, long long hi)
{
    static const char level[] = "_o#";
    const int steps = 3 * GRAPH_ROWS;
    double span = hi - lo == 0 ? 1 : (double)(hi - lo);
    char line[GRAPH_COLS];
    for (int row = 0; row < GRAPH_ROWS; row++) {
        for (int j = 0; j < n; j++) {
            /* the step truncated twice, as Redis's integer division of a
             * truncated product by the span */
            int step = (int)((double)(int)((double)(v[first + j] - lo) * steps) / span);
            if (step >= steps)
                step = steps - 1;
            if (step < 0)
                step = 0;
            int idx = step - (GRAPH_ROWS - 1 - row) * 3;
            line[j] = idx >= 3 ? '|' : idx >= 0 ? level[idx] : ' ';
        }
        buf_append(out, line, (size_t)n);
        buf_putc(out, '\n');
    }
    memset(line, ' ', sizeof(line));
    buf_append(out, line, (size_t)n); /* the margin above the labels */
    buf_putc(out, '\n');
    for (size_t at = 0;; at++) {
        int any = 0;
        for (int j = 0; j < n; j++) {
            const char *l = label[first + j];
            line[j] = strlen(l) > at ? (any = 1, l[at]) : ' ';
        }
        if (!any)
            break;
        buf_append(out, line, (size_t)n);
        buf_putc(out, '\n');
    }
}

int lat_graph(const struct core *core, const char *event, struct buf *out)
{
    const struct lat_event *e = event_named(core, event);
    if (e == NULL)
        return 0;
    long long v[EVENT_SAMPLES], lo = 0, hi = 0;
    char label[EVENT_SAMPLES][LABEL_MAX];
    int64_t now_s = clk_now_us(&core->clock) / 1000000;
    for (int j = 0; j < e->n; j++) {
        int k = (e->next - e->n + j + EVENT_SAMPLES) % EVENT_SAMPLES;
        v[j] = e->ms[k];
        if (j == 0 || v[j] > hi)
            hi = v[j];
        if (j == 0 || v[j] < lo)
            lo = v[j];
        long long ago = (long long)(now_s - e->time[k]);
        if (ago < 60)
            snprintf(label[j], sizeof(label[j]), "%llds", ago);
        else if (ago < 3600)
            snprintf(label[j], sizeof(label[j]), "%lldm", ago / 60);
        else if (ago < 86400)
            snprintf(label[j], sizeof(label[j]), "%lldh", ago / 3600);
        else
            snprintf(label[j], sizeof(label[j]), "%lldd", ago / 86400);
    }
    buf_printf(out, "%s - high %lld ms, low %lld ms (all time high %lld ms)\n", event, hi, lo,
               e->max);
    for (int j = 0; j < GRAPH_COLS; j++)
        buf_putc(out, '-');
    buf_putc(out, '\n');
    for (int j = 0; j < e->n; j += GRAPH_COLS) {
        if (j != 0)
            buf_putc(out, '\n');
        graph_band(out, v, label, j, e->n - j < GRAPH_COLS ? e->n - j : GRAPH_COLS, lo, hi);
    }
    return 1;
}

/* ---- LATENCY DOCTOR ---------------------------------------------------------------- */

int lat_doctor(const struct core *core, long long threshold_ms, long long slower_than_us,
               struct buf *out)
{
    int64_t now_s = clk_now_us(&core->clock) / 1000000;
    int nevents = 0, slowlog_off = 0, slowlog_tune = 0, commands = 0, fast = 0;
    for (int i = 0; core->latency != NULL && i < 2; i++) {
        const struct lat_event *e = &core->latency->ev[i];
        if (e->n == 0)
            continue;
        if (++nevents == 1)
            buf_puts(out, "Dave, I have observed latency spikes in this Redis instance. You don't "
                          "mind talking about it, do you Dave?\n\n");
        long long sum = 0, dev = 0;
        int64_t oldest = 0;
        for (int j = 0; j < e->n; j++) {
            sum += e->ms[j];
            if (j == 0 || e->time[j] < oldest)
                oldest = e->time[j];
        }
        long long avg = sum / e->n, period = (long long)(now_s - oldest);
        if (period == 0)
            period = 1;
        for (int j = 0; j < e->n; j++)
            dev += e->ms[j] > avg ? e->ms[j] - avg : avg - e->ms[j];
        buf_printf(out,
                   "%d. %s: %d latency spikes (average %lldms, mean deviation %lldms, period %.2f "
                   "sec). Worst all time event %lldms.\n",
                   nevents, e->name, e->n, avg, dev / e->n, (double)period / e->n, e->max);
        if (i == 0) {
            commands = 1;
            if (slower_than_us < 0)
                slowlog_off = 1;
            else if (slower_than_us / 1000 > threshold_ms)
                slowlog_tune = 1;
        } else {
            fast = 1;
        }
    }
    if (nevents == 0)
        return 0;
    /* every event here comes with advice: Redis's list, in its order */
    buf_puts(out, "\nI have a few advices for you:\n\n");
    if (slowlog_off)
        buf_printf(out,
                   "- There are latency issues with potentially slow commands you are using. Try "
                   "to enable the Slow Log Redis feature using the command 'CONFIG SET "
                   "slowlog-log-slower-than %llu'. If the Slow log is disabled Redis is not able "
                   "to log slow commands execution for you.\n",
                   (unsigned long long)threshold_ms * 1000);
    if (slowlog_tune)
        buf_printf(out,
                   "- Your current Slow Log configuration only logs events that are slower than "
                   "your configured latency monitor threshold. Please use 'CONFIG SET "
                   "slowlog-log-slower-than %llu'.\n",
                   (unsigned long long)threshold_ms * 1000);
    if (commands)
        buf_puts(out, "- Check your Slow Log to understand what are the commands you are running "
                      "which are too slow to execute. Please check "
                      "https://redis.io/commands/slowlog for more information.\n");
    if (fast)
        buf_puts(out,
                 "- The system is slow to execute Redis code paths not containing system calls. "
                 "This usually means the system does not provide Redis CPU time to run for long "
                 "periods. You should try to:\n"
                 "  1) Lower the system load.\n"
                 "  2) Use a computer / VM just for Redis if you are running other software in "
                 "the same system.\n"
                 "  3) Check if you have a \"noisy neighbour\" problem.\n"
                 "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic "
                 "latency in your system.\n"
                 "  5) Check if the problem is allocator-related by recompiling Redis with "
                 "MALLOC=libc, if you are using Jemalloc. However this may create fragmentation "
                 "problems.\n");
    if (commands)
        buf_puts(out, "- Deleting, expiring or evicting (because of maxmemory policy) large "
                      "objects is a blocking operation. If you have very large objects that are "
                      "often deleted, expired, or evicted, try to fragment those objects into "
                      "multiple smaller objects.\n");
    return 1;
}
