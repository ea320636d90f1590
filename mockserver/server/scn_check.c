/* scn_check.c - checking what a parsed scenario means, see scn_check.h.
 *
 * Three kinds of checks, all reported as "file:line:col: message" and
 * sorted by position:
 *
 *  - Commands. Every place a scenario names a command (a rule's pattern,
 *    a setup line, a strict '>' step, a `run` action, an `expect commands`
 *    pattern) is looked up in Redis 7.0.15's full command table
 *    (scn_cmdnames.c, generated), not only in the commands mockredis
 *    implements: a rule may answer a command mockredis lacks (`on CLIENT
 *    PAUSE * do reply OK`). A name with a '.' is a module's (FT.SEARCH) and
 *    is accepted as it is. Unknown names and subcommands get the nearest
 *    known one as a hint. A whole command (setup, run, strict) must have
 *    an arity Redis accepts; a pattern may list fewer arguments than the
 *    command has (the rest are not looked at) but not more than a command
 *    of fixed arity takes, or it can never match. A glob in the command
 *    position is an error only when it matches no command at all.
 *    A strict step whose recorded reply is an error is not checked: a
 *    recorded client may well have sent exactly that mistake.
 *
 *  - Rules that can never fire: count conditions no command number meets
 *    (`nth 3 times 2`, `nth 2 every 3`, two different `conn`, `from
 *    script` with `not from script`), patterns on
 *    MOCK commands (the engine never shows them to rules), and a rule after
 *    an earlier rule without conditions whose pattern covers every command
 *    this one matches (the first rule that fires wins, and that one always
 *    fires). Only proofs: a rule that may fire is never reported.
 *
 *  - The setup block, run on a scratch core exactly as scn_run_new runs it
 *    on the server's, reporting every line that fails (a line already
 *    reported as an unknown command or a wrong arity is not reported
 *    twice).
 *
 * Nothing here touches the caller's core or any socket. */
#include "scn_check.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cluster.h"
#include "cmd.h"
#include "core.h"
#include "mem.h"
#include "mr_err.h"
#include "scn_file.h"
#include "scn_run.h"
#include "util.h"

struct problem {
    int line, col, seq;
    char *text; /* the message, without the position */
};

struct chk {
    const struct scn *s;
    struct problem *v;
    int n;
};

static void report(struct chk *k, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void report(struct chk *k, int line, int col, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    k->v = mem_realloc(k->v, (size_t)(k->n + 1) * sizeof(*k->v));
    k->v[k->n] = (struct problem){line, col, k->n, mem_dup(b.p, b.len)};
    k->n++;
    buf_free(&b);
}

static int reported_on(const struct chk *k, int line)
{
    for (int i = 0; i < k->n; i++)
        if (k->v[i].line == line)
            return 1;
    return 0;
}

static int by_position(const void *a, const void *b)
{
    const struct problem *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq - y->seq;
}

/* ---- Redis's command names ------------------------------------------------------------ */

/* The top-level names, for hints; built once. */
static const char *top_names[512];
static int ntop;

static void init_names(void)
{
    if (ntop > 0)
        return;
    for (int i = 0; i < scn_ncmdnames && ntop < (int)(sizeof(top_names) / sizeof(*top_names)); i++)
        if (strchr(scn_cmdnames[i].name, '|') == NULL)
            top_names[ntop++] = scn_cmdnames[i].name;
}

static int name_is(const char *row, size_t rn, const char *w, size_t wn)
{
    return rn == wn && strncasecmp(row, w, wn) == 0;
}

/* The row of top-level command w, or -1. */
static int find_top(const char *w, size_t wn)
{
    for (int i = 0; i < scn_ncmdnames; i++) {
        const char *n = scn_cmdnames[i].name;
        if (strchr(n, '|') == NULL && name_is(n, strlen(n), w, wn))
            return i;
    }
    return -1;
}

/* Rows i+1.. are "name|sub" while i is a container (the table is sorted). */
static int is_container(int i)
{
    size_t n = strlen(scn_cmdnames[i].name);
    return i + 1 < scn_ncmdnames &&
           strncmp(scn_cmdnames[i + 1].name, scn_cmdnames[i].name, n) == 0 &&
           scn_cmdnames[i + 1].name[n] == '|';
}

/* The subcommand rows of container i: [i+1, end). */
static int subs_end(int i)
{
    size_t n = strlen(scn_cmdnames[i].name);
    int j = i + 1;
    while (j < scn_ncmdnames && strncmp(scn_cmdnames[j].name, scn_cmdnames[i].name, n) == 0 &&
           scn_cmdnames[j].name[n] == '|')
        j++;
    return j;
}

static int is_glob(const char *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (w[i] == '*' || w[i] == '?' || w[i] == '[' || w[i] == '\\')
            return 1;
    return 0;
}

static void upper(char *out, size_t size, const char *w, size_t n)
{
    size_t i;
    for (i = 0; i < n && i + 1 < size; i++)
        out[i] = (char)toupper((unsigned char)w[i]);
    out[i] = '\0';
}

static const char *plural(long n)
{
    return n == 1 ? "" : "s";
}

/* ---- one command, where a scenario names one ----------------------------------------- */

enum use {
    USE_RULE,   /* a rule's pattern: globs, fewer arguments allowed */
    USE_EXPECT, /* an `expect commands` pattern: the same */
    USE_WHOLE,  /* setup, run, strict: a command as sent, no globs */
};

static const char *never(enum use u)
{
    return u == USE_EXPECT ? "no command can match this pattern" : "this rule can never fire";
}

/* A pattern's glob in the command (or subcommand) position: does it match
 * one of rows [from, to), after skip bytes of their names? */
static int glob_matches_any(const char *pat, size_t pn, int from, int to, size_t skip, int top)
{
    for (int i = from; i < to; i++) {
        const char *n = scn_cmdnames[i].name;
        if (top && strchr(n, '|') != NULL)
            continue;
        if (util_glob(pat, pn, n + skip, strlen(n + skip), 1))
            return 1;
    }
    return 0;
}

/* The arity checks, with row the command (or subcommand) found and words
 * the number of words that name it (1, or 2 for a subcommand). */
static void check_arity(struct chk *k, int line, const int *cols, const struct resp_argv *a,
                        enum use u, int row, int words)
{
    int arity = scn_cmdnames[row].arity, n = a->argc;
    int need = (arity < 0 ? -arity : arity) - words; /* arguments after the name */
    char name[96];
    upper(name, sizeof(name), scn_cmdnames[row].name, strlen(scn_cmdnames[row].name));
    char *bar = strchr(name, '|');
    if (bar)
        *bar = ' ';
    if (u == USE_WHOLE) {
        if (arity > 0 && n > arity)
            report(k, line, cols[arity],
                   "wrong number of arguments: %s takes %d argument%s, this command has %d "
                   "(remove the extra ones)",
                   name, need, plural(need), n - words);
        else if ((arity > 0 && n < arity) || (arity < 0 && n < -arity))
            report(k, line, cols[0],
                   "wrong number of arguments: %s takes %s%d argument%s, this command has %d", name,
                   arity < 0 ? "at least " : "", need, plural(need), n - words);
        return;
    }
    if (arity < 0 || n <= arity)
        return;
    /* More words than the command can have: never matches. A word that is
     * a near miss of a condition keyword is the likely cause. */
    for (int i = arity; i < n; i++) {
        const char *near = scn_near_condition(a->argv[i], a->argl[i]);
        if (near != NULL && u == USE_RULE) {
            report(k, line, cols[i],
                   "unknown condition '%s' (did you mean '%s'?): as an argument it makes the "
                   "pattern longer than %s can be (%d argument%s), so %s",
                   a->argv[i], near, name, need, plural(need), never(u));
            return;
        }
    }
    report(k, line, cols[arity],
           "%s takes %d argument%s, the pattern lists %d: %s (remove the extra ones)", name, need,
           plural(need), n - words, never(u));
}

/* Checks a command named at line (cols: the column of each word). */
static void check_command(struct chk *k, int line, const int *cols, const struct resp_argv *a,
                          enum use u)
{
    const char *w = a->argv[0];
    size_t wn = a->argl[0];
    char shown[96], near[96];
    upper(shown, sizeof(shown), w, wn);
    if (memchr(w, '.', wn) != NULL)
        return; /* a module's command: not ours to know */
    if (u != USE_WHOLE && is_glob(w, wn)) {
        if (!glob_matches_any(w, wn, 0, scn_ncmdnames, 0, 1))
            report(k, line, cols[0], "the pattern '%s' matches no Redis command: %s", w, never(u));
        return;
    }
    int row = find_top(w, wn);
    if (row < 0) {
        const struct cmd_def *d = cmd_lookup(w, wn); /* mockredis's own: MOCK */
        if (d != NULL) {
            if (u != USE_WHOLE)
                report(k, line, cols[0],
                       "%s commands are never shown to rules, strict steps or counts: %s", shown,
                       never(u));
            return;
        }
        init_names();
        int i = util_nearest(w, wn, top_names, (size_t)ntop);
        if (i >= 0) {
            upper(near, sizeof(near), top_names[i], strlen(top_names[i]));
            report(k, line, cols[0], "unknown command '%s' (did you mean '%s'?)", w, near);
        } else {
            report(k, line, cols[0],
                   "unknown command '%s': Redis 7.0 has no such command (a module's command, "
                   "with a '.' in its name such as FT.SEARCH, is accepted)",
                   w);
        }
        return;
    }
    if (!is_container(row) || a->argc < 2) {
        check_arity(k, line, cols, a, u, row, 1);
        return;
    }
    const char *sw = a->argv[1];
    size_t sn = a->argl[1], skip = strlen(scn_cmdnames[row].name) + 1;
    int end = subs_end(row);
    if (u != USE_WHOLE && is_glob(sw, sn)) {
        if (!glob_matches_any(sw, sn, row + 1, end, skip, 0))
            report(k, line, cols[1], "the pattern '%s' matches no subcommand of %s: %s", sw, shown,
                   never(u));
        return;
    }
    for (int i = row + 1; i < end; i++)
        if (name_is(scn_cmdnames[i].name + skip, strlen(scn_cmdnames[i].name + skip), sw, sn)) {
            check_arity(k, line, cols, a, u, i, 2);
            return;
        }
    const char *subs[64];
    int nsubs = 0;
    for (int i = row + 1; i < end && nsubs < 64; i++)
        subs[nsubs++] = scn_cmdnames[i].name + skip;
    int i = util_nearest(sw, sn, subs, (size_t)nsubs);
    if (i >= 0) {
        upper(near, sizeof(near), subs[i], strlen(subs[i]));
        report(k, line, cols[1], "unknown subcommand '%s' of %s (did you mean '%s'?)", sw, shown,
               near);
    } else {
        report(k, line, cols[1], "unknown subcommand '%s' of %s (%s HELP lists them)", sw, shown,
               shown);
    }
}

/* ---- rules that can never fire ---------------------------------------------------------- */

static long long gcd(long long a, long long b)
{
    while (b) {
        long long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* nth/from/times/every/conn/[not] from script that no command can meet
 * together. Returns the
 * column of the condition that closes the door, or 0 when they can hold. */
static int conds_impossible(const struct scn_rule *r)
{
    long long lo = 1, hi = LLONG_MAX, step = 1, conn = 0, script = -1;
    for (int i = 0; i < r->nconds; i++) {
        const struct scn_cond *c = &r->conds[i];
        switch (c->kind) {
        case SC_NTH:
            lo = c->n > lo ? c->n : lo;
            hi = c->n < hi ? c->n : hi;
            break;
        case SC_FROM: lo = c->n > lo ? c->n : lo; break;
        case SC_TIMES: hi = c->n < hi ? c->n : hi; break;
        case SC_EVERY: {
            long long g = gcd(step, c->n);
            step = step / g > LLONG_MAX / c->n ? LLONG_MAX : step / g * c->n;
            break;
        }
        case SC_CONN:
            if (conn != 0 && conn != c->n)
                return c->col;
            conn = c->n;
            break;
        case SC_SCRIPT: /* "from script" and "not from script" */
            if (script >= 0 && script != c->n)
                return c->col;
            script = c->n;
            break;
        default: break;
        }
        /* the first multiple of step from lo */
        long long first =
            lo % step == 0
                ? lo
                : (lo / step + 1 <= LLONG_MAX / step ? (lo / step + 1) * step : LLONG_MAX);
        if (lo > hi || (hi != LLONG_MAX && first > hi))
            return c->col;
    }
    return 0;
}

/* Whether pattern p matches every command pattern q matches. Only what is
 * sure: p's word is '*', or q's word is literal (no glob characters) and p
 * matches it. */
static int covers(const struct resp_argv *p, const struct resp_argv *q)
{
    if (p->argc > q->argc)
        return 0;
    for (int i = 0; i < p->argc; i++) {
        if (p->argl[i] == 1 && p->argv[i][0] == '*')
            continue;
        if (is_glob(q->argv[i], q->argl[i]) ||
            !util_glob(p->argv[i], p->argl[i], q->argv[i], q->argl[i], i == 0))
            return 0;
    }
    return 1;
}

/* A "from script" rule on a command no script may call (EVAL, MULTI,
 * FUNCTION LOAD, MOCK ...: Redis's noscript flag), named without a glob.
 * Returns how many words of the pattern name it (1, or 2 for a
 * subcommand), 0 when scripts may call it or it cannot be told. */
static int from_script_never(const struct scn_rule *r)
{
    int from_script = 0;
    for (int i = 0; i < r->nconds; i++)
        if (r->conds[i].kind == SC_SCRIPT && r->conds[i].n)
            from_script = 1;
    if (!from_script || r->match == NULL || is_glob(r->match->argv[0], r->match->argl[0]))
        return 0;
    const struct cmd_def *d = cmd_lookup(r->match->argv[0], r->match->argl[0]);
    if (d != NULL && ((d->rflags & RF_NOSCRIPT) || (d->flags & CMD_PROTECTED)))
        return 1;
    /* a container's subcommand named without a glob: FUNCTION LOAD */
    if (d == NULL || r->match->argc < 2 || is_glob(r->match->argv[1], r->match->argl[1]))
        return 0;
    const struct cmd_def *sub = cmd_lookup_argv(2, r->match->argv, r->match->argl);
    return sub != NULL && sub != d && (sub->rflags & RF_NOSCRIPT) ? 2 : 0;
}

static void check_rules(struct chk *k)
{
    const struct scn *s = k->s;
    for (int j = 0; j < s->nrules; j++) {
        const struct scn_rule *r = &s->rules[j];
        int col0 = r->match_cols ? r->match_cols[0] : 1;
        int before = k->n;
        if (r->match)
            check_command(k, r->line, r->match_cols, r->match, USE_RULE);
        if (k->n > before)
            continue; /* one reason is enough */
        int col = conds_impossible(r);
        if (col > 0) {
            report(k, r->line, col,
                   "no command can meet all the conditions of this rule together: this rule can "
                   "never fire");
            continue;
        }
        int words = from_script_never(r);
        if (words > 0) {
            report(k, r->line, col0,
                   "scripts cannot call %s%s%s (Redis refuses it inside a script): with 'from "
                   "script' this rule can never fire",
                   r->match->argv[0], words > 1 ? " " : "", words > 1 ? r->match->argv[1] : "");
            continue;
        }
        for (int i = 0; i < j; i++) {
            const struct scn_rule *e = &s->rules[i];
            if (e->nconds != 0 || e->on_connect != r->on_connect ||
                (!r->on_connect && !covers(e->match, r->match)))
                continue;
            report(k, r->line, col0,
                   "rule %d (line %d) has no condition, matches everything this one matches and "
                   "comes first: this rule can never fire (move it above rule %d, or give "
                   "rule %d a condition)",
                   i + 1, e->line, i + 1, i + 1);
            break;
        }
    }
}

/* ---- setup on a scratch core ---------------------------------------------------------- */

static void check_setup(struct chk *k)
{
    const struct scn *s = k->s;
    if (s->nsetup == 0)
        return;
    /* a cluster scenario's setup lands on the nodes of a scratch cluster */
    int nnodes = s->cluster ? s->cluster * (1 + s->cluster_replicas) : 1;
    struct core *cores = mem_calloc((size_t)nnodes, sizeof(*cores));
    struct cluster *cl = NULL;
    struct buf diag = BUF_INIT;
    char err[128];
    for (int i = 0; i < nnodes; i++)
        core_init(&cores[i]);
    if (s->cluster) {
        cl = cluster_new(s->cluster, s->cluster_replicas, 0, err, sizeof(err));
        for (int i = 0; cl && i < nnodes; i++)
            cluster_attach(cl, i, &cores[i]);
    }
    struct scn_run *run = scn_run_new(s, &cores[0], &diag);
    scn_run_free(run);
    for (int i = 0; i < nnodes; i++)
        core_destroy(&cores[i]);
    free(cores);
    cluster_free(cl);
    /* "file:line:col: message" lines, the ones not already reported */
    size_t flen = strlen(s->file);
    const char *p = diag.p ? diag.p : "", *end = p + diag.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        int line, col, off = 0;
        if (n > flen && sscanf(p + flen, ":%d:%d: %n", &line, &col, &off) == 2 && off > 0 &&
            !reported_on(k, line))
            report(k, line, col, "%.*s", (int)(n - flen - (size_t)off), p + flen + (size_t)off);
        p += n + 1;
    }
    buf_free(&diag);
}

/* ---- the whole file ---------------------------------------------------------------- */

int scn_check(const struct scn *s, unsigned flags, struct buf *diag)
{
    struct chk k = {s, NULL, 0};
    for (int i = 0; i < s->nsetup; i++)
        check_command(&k, s->setup_line[i], s->setup_cols[i], s->setup[i], USE_WHOLE);
    check_rules(&k);
    for (int i = 0; i < s->nrules; i++)
        for (int j = 0; j < s->rules[i].nacts; j++)
            if (s->rules[i].acts[j].cmd)
                check_command(&k, s->rules[i].acts[j].line, s->rules[i].acts[j].cmd_cols,
                              s->rules[i].acts[j].cmd, USE_WHOLE);
    for (int i = 0; i < s->nevents; i++)
        for (int j = 0; j < s->events[i].nacts; j++)
            if (s->events[i].acts[j].cmd)
                check_command(&k, s->events[i].acts[j].line, s->events[i].acts[j].cmd_cols,
                              s->events[i].acts[j].cmd, USE_WHOLE);
    for (int i = 0; i < s->nstricts; i++)
        for (int j = 0; j < s->stricts[i].nsteps; j++) {
            const struct scn_step *st = &s->stricts[i].steps[j];
            if (st->reply == NULL || st->reply->kind != SV_ERROR)
                check_command(&k, st->line, st->cols, st->cmd, USE_WHOLE);
        }
    for (int i = 0; i < s->nexpects; i++) {
        const struct scn_expect *e = &s->expects[i];
        if (e->match)
            check_command(&k, e->line, e->match_cols, e->match, USE_EXPECT);
        if (e->match2)
            check_command(&k, e->line, e->match2_cols, e->match2, USE_EXPECT);
    }
    if (!(flags & SCN_CHECK_NO_SETUP_RUN))
        check_setup(&k);

    if (k.n > 0)
        qsort(k.v, (size_t)k.n, sizeof(*k.v), by_position);
    for (int i = 0; i < k.n; i++) {
        if (diag)
            buf_printf(diag, "%s:%d:%d: %s\n", s->file, k.v[i].line, k.v[i].col, k.v[i].text);
        free(k.v[i].text);
    }
    free(k.v);
    return k.n > 0 ? MR_EPARSE : 0;
}

int scn_check_load(const char *path, struct scn **out, struct buf *diag)
{
    int rc = scn_load_file(path, out, diag);
    if (rc < 0)
        return rc;
    if (scn_check(*out, 0, diag) < 0) {
        scn_free(*out);
        *out = NULL;
        return MR_EPARSE;
    }
    return 0;
}

/* ---- mockredis check ---------------------------------------------------------------- */

static void usage(FILE *f)
{
    fputs("usage: mockredis check [--] FILE...\n"
          "\n"
          "Checks scenario files without playing them: the language, the commands the\n"
          "rules, setup lines, strict steps and expectations name (Redis 7.0's commands,\n"
          "subcommands and arities), rules that can never fire, and the setup block run\n"
          "on a scratch keyspace. --scenario and MOCK SCENARIO LOAD make the same checks.\n"
          "Prints 'FILE: ok (...)' for a valid file, each problem as FILE:LINE:COL: message\n"
          "on stderr otherwise (docs/scenarios.md, man 5 mockredis-scenario).\n"
          "\n"
          "  -h, --help   this text\n"
          "\n"
          "Exit status: 0 every file is valid, 2 a file is invalid or unreadable, or bad usage.\n",
          f);
}

int scn_check_main(int argc, char **argv)
{
    int first = 0;
    for (; first < argc && argv[first][0] == '-' && argv[first][1] != '\0'; first++) {
        if (strcmp(argv[first], "--") == 0) {
            first++;
            break;
        }
        if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        fprintf(stderr,
                "mockredis check: unknown option '%s'\nusage: mockredis check [--] FILE...\n"
                "Try 'mockredis check --help'.\n",
                argv[first]);
        return 2;
    }
    if (first >= argc) {
        usage(stderr);
        return 2;
    }
    int status = 0;
    for (int i = first; i < argc; i++) {
        struct buf diag = BUF_INIT;
        struct scn *s;
        if (scn_check_load(argv[i], &s, &diag) < 0) {
            fputs(diag.p ? diag.p : "", stderr);
            status = 2;
        } else {
            int steps = 0;
            for (int j = 0; j < s->nstricts; j++)
                steps += s->stricts[j].nsteps;
            printf("%s: ok (%d rules, %d timed events, %d strict steps, %d expectations)\n",
                   argv[i], s->nrules, s->nevents, steps, s->nexpects);
            scn_free(s);
        }
        buf_free(&diag);
    }
    return status;
}
