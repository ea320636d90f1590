/* mh_scenario.c - a mockredis playing one scenario for a test, and its
 * verdict (see include/mockredis/harness.h).
 *
 * Each scenario gets a private directory from mh_scratch_make
 * (/tmp/mh-scn.XXXXXX, mode 0700): the scenario written from a string
 * (scenario.scn) and the JSON report the server writes (report.json)
 * live there, so parallel tests never share a file; the port is the
 * ephemeral one mh_mock_start reads back. The server is started with
 * --scenario and --report; ending it is SIGTERM, which makes mockredis
 * end the scenario and write its report exactly as MOCK SCENARIO END
 * would, without a connection of the harness's own showing up in the
 * counters the scenario's expectations read. The report is then parsed
 * by mh_verdict.c.
 *
 * Not here: how the server is found and started (mh.c), JSON (mh_verdict.c). */
#include "mockredis/harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

struct mh_scenario {
    struct mh_server *server;
    char dir[64];
};

static void set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, a, b);
}

/* Starts the server on path with the report in sc->dir; frees sc and
 * removes the directory on failure. */
static struct mh_scenario *start(struct mh_scenario *sc, const char *path,
                                 const char *const *extra_args, char *err, size_t errlen)
{
    size_t n = 0;
    while (extra_args && extra_args[n])
        n++;
    const char **argv = calloc(n + 5, sizeof(*argv));
    char report[128];
    snprintf(report, sizeof(report), "%s/report.json", sc->dir);
    if (argv == NULL) {
        set_err(err, errlen, "%s%s", "out of memory", "");
    } else {
        for (size_t i = 0; i < n; i++)
            argv[i] = extra_args[i];
        argv[n] = "--scenario";
        argv[n + 1] = path;
        argv[n + 2] = "--report";
        argv[n + 3] = report;
        sc->server = mh_mock_start(argv, err, errlen);
        free(argv);
    }
    if (sc->server == NULL) {
        mh_scratch_remove(sc->dir);
        free(sc);
        return NULL;
    }
    return sc;
}

static struct mh_scenario *scenario_new(char *err, size_t errlen)
{
    struct mh_scenario *sc = calloc(1, sizeof(*sc));
    if (sc == NULL) {
        set_err(err, errlen, "%s%s", "out of memory", "");
        return NULL;
    }
    if (mh_scratch_make(sc->dir, sizeof(sc->dir), "mh-scn") < 0) {
        set_err(err, errlen, "cannot create a directory in /tmp: %s%s", strerror(errno), "");
        free(sc);
        return NULL;
    }
    return sc;
}

struct mh_scenario *mh_scenario_start(const char *path, const char *const *extra_args, char *err,
                                      size_t errlen)
{
    struct mh_scenario *sc = scenario_new(err, errlen);
    return sc ? start(sc, path, extra_args, err, errlen) : NULL;
}

struct mh_scenario *mh_scenario_start_string(const char *text, const char *const *extra_args,
                                             char *err, size_t errlen)
{
    struct mh_scenario *sc = scenario_new(err, errlen);
    if (sc == NULL)
        return NULL;
    char path[128];
    snprintf(path, sizeof(path), "%s/scenario.scn", sc->dir);
    FILE *f = fopen(path, "w");
    size_t len = strlen(text);
    int ok = f != NULL && fwrite(text, 1, len, f) == len;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    if (!ok) {
        set_err(err, errlen, "cannot write %s: %s", path, strerror(errno));
        mh_scratch_remove(sc->dir);
        free(sc);
        return NULL;
    }
    return start(sc, path, extra_args, err, errlen);
}

int mh_scenario_port(const struct mh_scenario *sc)
{
    return mh_server_port(sc->server);
}

struct mh_server *mh_scenario_server(struct mh_scenario *sc)
{
    return sc->server;
}

/* The whole file at path, NUL-terminated, or NULL. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *p = malloc(cap);
    for (;;) {
        if (p == NULL)
            abort();
        n += fread(p + n, 1, cap - n - 1, f);
        if (n < cap - 1)
            break;
        cap *= 2;
        p = realloc(p, cap);
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(p);
        return NULL;
    }
    p[n] = '\0';
    *len = n;
    return p;
}

static unsigned failed_count;

unsigned mh_scenario_failed(void)
{
    return failed_count;
}

struct mh_verdict *mh_scenario_end(struct mh_scenario *sc, char *err, size_t errlen)
{
    if (sc == NULL) {
        failed_count++;
        set_err(err, errlen, "%s%s", "no scenario (it did not start)", "");
        return NULL;
    }
    int status = mh_server_stop(sc->server); /* SIGTERM: the scenario ends, the report is written */
    char path[128];
    snprintf(path, sizeof(path), "%s/report.json", sc->dir);
    size_t len = 0;
    char *json = read_file(path, &len);
    struct mh_verdict *v = NULL;
    if (json != NULL) {
        v = mh_verdict_parse(json, len, err, errlen);
    } else if (err && errlen) {
        /* status is waitpid's, or -1 when the server had to be killed */
        if (status == -1)
            snprintf(err, errlen, "the server wrote no report (it did not stop on SIGTERM)");
        else if (WIFSIGNALED(status))
            snprintf(err, errlen, "the server wrote no report (killed by signal %d)",
                     WTERMSIG(status));
        else
            snprintf(err, errlen, "the server wrote no report (exit status %d)",
                     WEXITSTATUS(status));
    }
    if (v == NULL || !v->passed)
        failed_count++;
    free(json);
    mh_scratch_remove(sc->dir);
    free(sc);
    return v;
}
