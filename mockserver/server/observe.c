/* observe.c - the slow log and the command and error counters, see observe.h.
 *
 * The slow log is a list, newest entry first, of copies of the logged
 * arguments, already cut as Redis 7.0 cuts them: at most 32 arguments (the
 * last one then says "... (N more arguments)"), each at most 128 bytes
 * (then "... (N more bytes)" follows), secrets replaced by "(redacted)"
 * (AUTH's arguments, HELLO's AUTH pair, CONFIG SET requirepass/masterauth
 * values).
 *
 * The error counters are keyed by the error's code: its first word when a
 * space comes within its first 32 bytes, else "ERR", as Redis names them.
 * Redis keeps at most 128 codes; so do we (later codes count only in the
 * total).
 *
 * Not here: who decides what is logged (cmd.c passes the command's
 * skip flag and the thresholds) and the reply shapes of INFO. */
#include "observe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "latency.h"
#include "mem.h"
#include "reply.h"

#define SLOW_MAX_ARGC  32
#define SLOW_MAX_BYTES 128
#define ERRCODES_MAX   128
#define ERRCODE_LEN    32

struct slow_entry {
    struct slow_entry *next, *prev;
    long long id;
    int64_t time_s, us;
    int cmd_id; /* a pending one's (obs_served) */
    int argc;
    char **argv;
    size_t *argl;
    char *addr, *name;
};

struct errcode {
    char code[ERRCODE_LEN + 1];
    uint64_t count;
};

struct obs {
    struct slow_entry *head, *tail; /* newest first */
    size_t nslow;
    long long next_id;
    struct obs_cmdstat *cmd; /* per command id, ncmd entries */
    size_t ncmd;
    struct errcode codes[ERRCODES_MAX];
    int ncodes;
    uint64_t total_errors;
    long long slower_than, max_len; /* the slow log's parameters at the last command */
    int depth;                      /* nested commands running (obs_enter) */
    struct buf nested[4];           /* errors nested commands counted (the first few) */
    int nnested;
};

static struct obs *get(struct core *core)
{
    if (core->obs == NULL)
        core->obs = mem_calloc(1, sizeof(struct obs));
    return core->obs;
}

int64_t obs_start(const struct core *core)
{
    return core->clock.virt ? clk_now_us(&core->clock) : clk_mono_us();
}

int64_t obs_elapsed_us(const struct core *core, int64_t started)
{
    int64_t d = obs_start(core) - started;
    return d > 0 ? d : 0;
}

static struct obs_cmdstat *cmdstat_of(struct obs *o, int id, size_t ncmd)
{
    if (id < 0)
        return NULL;
    if (o->cmd == NULL) {
        o->ncmd = ncmd;
        o->cmd = mem_calloc(ncmd, sizeof(*o->cmd));
    }
    return (size_t)id < o->ncmd ? &o->cmd[id] : NULL;
}

/* The error's code, as Redis names it, in out. err is the text after '-'. */
static void errcode_of(const char *err, size_t len, char *out)
{
    const char *sp = memchr(err, ' ', len < ERRCODE_LEN ? len : ERRCODE_LEN);
    if (sp == NULL) {
        strcpy(out, "ERR");
        return;
    }
    memcpy(out, err, (size_t)(sp - err));
    out[sp - err] = '\0';
}

static void count_error(struct obs *o, const char *err, size_t len)
{
    char code[ERRCODE_LEN + 1];
    errcode_of(err, len, code);
    o->total_errors++;
    for (int i = 0; i < o->ncodes; i++) {
        if (strcmp(o->codes[i].code, code) == 0) {
            o->codes[i].count++;
            return;
        }
    }
    if (o->ncodes == ERRCODES_MAX)
        return;
    /* kept sorted by code (byte order), as Redis's radix tree lists them */
    int at = o->ncodes;
    while (at > 0 && strcmp(o->codes[at - 1].code, code) > 0) {
        o->codes[at] = o->codes[at - 1];
        at--;
    }
    memcpy(o->codes[at].code, code, sizeof(code));
    o->codes[at].count = 1;
    o->ncodes++;
}

/* The error line at out[from..) without '-' and CRLF, or NULL when the reply
 * there is no error. */
static const char *error_at(const struct buf *out, size_t from, size_t *len)
{
    if (out->len <= from || out->p[from] != '-')
        return NULL;
    const char *p = out->p + from + 1;
    const char *cr = memchr(p, '\r', out->len - from - 1);
    *len = cr ? (size_t)(cr - p) : out->len - from - 1;
    return p;
}

void obs_error(struct core *core, const char *err, size_t len)
{
    count_error(get(core), err, len);
}

void obs_enter(struct core *core)
{
    get(core)->depth++;
}

void obs_leave(struct core *core)
{
    struct obs *o = get(core);
    if (o->depth > 0)
        o->depth--;
}

/* Whether err repeats an error a nested command counted. */
static int repeats_nested(const struct obs *o, const char *err, size_t len)
{
    for (int i = 0; i < o->nnested; i++)
        if (o->nested[i].len <= len && memcmp(o->nested[i].p, err, o->nested[i].len) == 0)
            return 1;
    return 0;
}

/* ---- the slow log -------------------------------------------------------------- */

static void slow_free(struct slow_entry *e)
{
    for (int i = 0; i < e->argc; i++)
        free(e->argv[i]);
    free(e->argv);
    free(e->argl);
    free(e->addr);
    free(e->name);
    free(e);
}

static void slow_set(struct slow_entry *e, int i, const char *p, size_t n)
{
    e->argv[i] = mem_alloc(n + 1);
    memcpy(e->argv[i], p, n);
    e->argv[i][n] = '\0';
    e->argl[i] = n;
}

/* Whether argument i of argv is a secret the slow log hides. */
static int redacted(int argc, char *const *argv, const size_t *argl, int i)
{
    (void)argl;
    if (strcasecmp(argv[0], "auth") == 0)
        return i >= 1;
    if (strcasecmp(argv[0], "hello") == 0) {
        /* HELLO [protover [AUTH user pass] [SETNAME name]] */
        for (int j = 2; j + 2 < argc; j++) {
            if (strcasecmp(argv[j], "auth") == 0)
                return i == j + 1 || i == j + 2;
            if (strcasecmp(argv[j], "setname") == 0)
                j++;
        }
        return 0;
    }
    if (strcasecmp(argv[0], "config") == 0 && argc >= 2 && strcasecmp(argv[1], "set") == 0 &&
        i >= 3 && i % 2 == 1)
        return strcasecmp(argv[i - 1], "requirepass") == 0 ||
               strcasecmp(argv[i - 1], "masterauth") == 0;
    return 0;
}

static struct slow_entry *slow_make(struct client *c, int argc, char *const *argv,
                                    const size_t *argl)
{
    struct slow_entry *e = mem_calloc(1, sizeof(*e));
    int n = argc > SLOW_MAX_ARGC ? SLOW_MAX_ARGC : argc;
    e->argc = n;
    e->argv = mem_calloc((size_t)n, sizeof(char *));
    e->argl = mem_calloc((size_t)n, sizeof(size_t));
    for (int i = 0; i < n; i++) {
        char tmp[64];
        if (i == SLOW_MAX_ARGC - 1 && argc > SLOW_MAX_ARGC) {
            int l = snprintf(tmp, sizeof(tmp), "... (%d more arguments)", argc - SLOW_MAX_ARGC + 1);
            slow_set(e, i, tmp, (size_t)l);
        } else if (redacted(argc, argv, argl, i)) {
            slow_set(e, i, "(redacted)", 10);
        } else if (argl[i] > SLOW_MAX_BYTES) {
            int l = snprintf(tmp, sizeof(tmp), "... (%zu more bytes)", argl[i] - SLOW_MAX_BYTES);
            e->argv[i] = mem_alloc(SLOW_MAX_BYTES + (size_t)l + 1);
            memcpy(e->argv[i], argv[i], SLOW_MAX_BYTES);
            memcpy(e->argv[i] + SLOW_MAX_BYTES, tmp, (size_t)l + 1);
            e->argl[i] = SLOW_MAX_BYTES + (size_t)l;
        } else {
            slow_set(e, i, argv[i], argl[i]);
        }
    }
    e->addr = mem_strdup(c->addr[0] ? c->addr : "?:0");
    e->name = mem_strdup(c->name ? c->name : "");
    return e;
}

/* Logs e (taken), lasting us, newest first. */
static void slow_push(struct obs *o, struct core *core, struct slow_entry *e, int64_t us,
                      long long max_len)
{
    e->id = o->next_id++;
    e->time_s = clk_now_us(&core->clock) / 1000000;
    e->us = us;
    e->next = o->head;
    if (o->head)
        o->head->prev = e;
    o->head = e;
    if (o->tail == NULL)
        o->tail = e;
    o->nslow++;
    obs_slowlog_trim(core, max_len);
}

void obs_ran(struct core *core, struct client *c, int cmd_id, size_t ncmd, int argc,
             char *const *argv, const size_t *argl, size_t out_len, int64_t us, int skip,
             long long slower_than, long long max_len)
{
    struct obs *o = get(core);
    struct obs_cmdstat *st = cmdstat_of(o, cmd_id, ncmd);
    if (st)
        st->usec += (uint64_t)us;
    size_t elen;
    const char *err = error_at(&c->out, out_len, &elen);
    if (err != NULL) {
        if (st)
            st->failed++;
        if (o->depth > 0) {
            count_error(o, err, elen);
            if (o->nnested < (int)(sizeof(o->nested) / sizeof(o->nested[0]))) {
                buf_init(&o->nested[o->nnested]);
                buf_append(&o->nested[o->nnested++], err, elen);
            }
        } else if (!repeats_nested(o, err, elen)) {
            count_error(o, err, elen);
        }
    }
    if (o->depth == 0) {
        for (int i = 0; i < o->nnested; i++)
            buf_free(&o->nested[i]);
        o->nnested = 0;
    }
    o->slower_than = slower_than;
    o->max_len = max_len;
    if (skip || argc == 0)
        return;
    if (c->flags & CL_BLOCKED) {
        obs_forget(core, c);
        struct slow_entry *e = slow_make(c, argc, argv, argl);
        e->us = us;
        e->cmd_id = cmd_id;
        c->slow_pending = e;
    } else if (slower_than >= 0 && us >= slower_than) {
        slow_push(o, core, slow_make(c, argc, argv, argl), us, max_len);
    }
}

void obs_served(struct core *core, struct client *c, int64_t us)
{
    struct slow_entry *e = c->slow_pending;
    if (e == NULL)
        return;
    c->slow_pending = NULL;
    struct obs *o = get(core);
    us += e->us;
    lat_served(core, e->cmd_id, us); /* its latency histogram too */
    if (o->slower_than >= 0 && us >= o->slower_than)
        slow_push(o, core, e, us, o->max_len);
    else
        slow_free(e);
}

void obs_forget(struct core *core, struct client *c)
{
    (void)core;
    if (c->slow_pending != NULL) {
        slow_free(c->slow_pending);
        c->slow_pending = NULL;
    }
}

void obs_rejected(struct core *core, struct client *c, int cmd_id, size_t ncmd, size_t out_len)
{
    struct obs *o = get(core);
    struct obs_cmdstat *st = cmdstat_of(o, cmd_id, ncmd);
    if (st)
        st->rejected++;
    size_t elen;
    const char *err = error_at(&c->out, out_len, &elen);
    if (err != NULL)
        count_error(o, err, elen);
}

struct obs_cmdstat obs_cmdstat(const struct core *core, int cmd_id)
{
    const struct obs *o = core->obs;
    struct obs_cmdstat z = {0, 0, 0};
    if (o == NULL || o->cmd == NULL || cmd_id < 0 || (size_t)cmd_id >= o->ncmd)
        return z;
    return o->cmd[cmd_id];
}

void obs_errorstats(const struct core *core, struct buf *b)
{
    const struct obs *o = core->obs;
    for (int i = 0; o != NULL && i < o->ncodes; i++)
        buf_printf(b, "errorstat_%s:count=%llu\r\n", o->codes[i].code,
                   (unsigned long long)o->codes[i].count);
}

uint64_t obs_total_errors(const struct core *core)
{
    return core->obs ? ((const struct obs *)core->obs)->total_errors : 0;
}

size_t obs_slowlog_len(const struct core *core)
{
    return core->obs ? ((const struct obs *)core->obs)->nslow : 0;
}

void obs_slowlog_reply(const struct core *core, struct client *c, long long count)
{
    const struct obs *o = core->obs;
    size_t n = obs_slowlog_len(core);
    if (count >= 0 && (unsigned long long)count < n)
        n = (size_t)count;
    reply_array(c, (long long)n);
    const struct slow_entry *e = o ? o->head : NULL;
    for (size_t i = 0; i < n && e; i++, e = e->next) {
        reply_array(c, 6);
        reply_int(c, e->id);
        reply_int(c, e->time_s);
        reply_int(c, e->us);
        reply_array(c, e->argc);
        for (int j = 0; j < e->argc; j++)
            reply_bulk(c, e->argv[j], e->argl[j]);
        reply_cstr(c, e->addr);
        reply_cstr(c, e->name);
    }
}

void obs_slowlog_trim(struct core *core, long long max_len)
{
    struct obs *o = core->obs;
    while (o != NULL && o->tail != NULL && (long long)o->nslow > max_len) {
        struct slow_entry *e = o->tail;
        o->tail = e->prev;
        if (o->tail)
            o->tail->next = NULL;
        else
            o->head = NULL;
        o->nslow--;
        slow_free(e);
    }
}

void obs_slowlog_reset(struct core *core)
{
    obs_slowlog_trim(core, 0);
}

#define RATE_N ((int)(sizeof(((struct core *)0)->rate) / sizeof(((struct core *)0)->rate[0])))

void obs_sample(struct core *core)
{
    int64_t now = clk_mono_us();
    int last = (core->rate_next + RATE_N - 1) % RATE_N;
    if (core->nrate > 0 && now - core->rate[last].at_us < 100000)
        return;
    core->rate[core->rate_next] =
        (struct obs_rate){now, core->st.commands, core->st.net_in, core->st.net_out};
    core->rate_next = (core->rate_next + 1) % RATE_N;
    if (core->nrate < RATE_N)
        core->nrate++;
}

void obs_rates(const struct core *core, double *ops, double *in_kbps, double *out_kbps)
{
    *ops = *in_kbps = *out_kbps = 0;
    if (core->nrate < 2)
        return;
    const struct obs_rate *a = &core->rate[(core->rate_next - core->nrate + RATE_N) % RATE_N];
    const struct obs_rate *z = &core->rate[(core->rate_next + RATE_N - 1) % RATE_N];
    double secs = (double)(z->at_us - a->at_us) / 1e6;
    /* a counter reset (CONFIG RESETSTAT) in between reads as no activity */
    if (secs <= 0 || z->commands < a->commands || z->net_in < a->net_in || z->net_out < a->net_out)
        return;
    *ops = (double)(z->commands - a->commands) / secs;
    *in_kbps = (double)(z->net_in - a->net_in) / secs / 1024;
    *out_kbps = (double)(z->net_out - a->net_out) / secs / 1024;
}

void obs_reset_stats(struct core *core)
{
    struct obs *o = core->obs;
    if (o == NULL)
        return;
    if (o->cmd)
        memset(o->cmd, 0, o->ncmd * sizeof(*o->cmd));
    o->ncodes = 0;
    o->total_errors = 0;
}

void obs_free(struct core *core)
{
    struct obs *o = core->obs;
    if (o == NULL)
        return;
    obs_slowlog_trim(core, 0);
    for (int i = 0; i < o->nnested; i++)
        buf_free(&o->nested[i]);
    free(o->cmd);
    free(o);
    core->obs = NULL;
}
