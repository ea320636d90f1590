/* test_run.c - `mockredis run ... -- COMMAND`: every cell of the exit-status
 * table (command passes or fails x expectations hold or fail, an invalid
 * scenario, a server that cannot start, an unwritable report, a command
 * killed by a signal), the variables the command sees, the reports it
 * writes (JSON failure list, every JSON report valid against
 * docs/report.schema.json, JUnit XML parsed by python3's xml.etree), that
 * a mockredis run interrupted by SIGTERM or SIGINT takes its command and
 * everything the command started with it and frees its port, that one
 * killed by SIGKILL still takes its command, and that four runs at once
 * get four ports.
 *
 * The commands are `sh -c` lines with redis-cli, as a user's CI would write
 * them. No timing: the interrupted run's command says it is ready through
 * a pipe, and the test (a child subreaper) waits for every process the
 * command started to be gone. */
#include "it.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef IT_REPORT_SCHEMA
#define IT_REPORT_SCHEMA "docs/report.schema.json"
#endif
#ifndef IT_CHECK_REPORT
#define IT_CHECK_REPORT "tests/integration/check_report.py"
#endif

#ifndef IT_MOCKREDIS_BIN
#define IT_MOCKREDIS_BIN "mockredis"
#endif

static char dir[64];

static const char *bin(void)
{
    return getenv("MOCKREDIS_BIN") ? getenv("MOCKREDIS_BIN") : IT_MOCKREDIS_BIN;
}

/* DIR/name; the result stays valid for the next 63 calls. */
static const char *at(const char *name)
{
    static char path[64][256];
    static int i;
    i = (i + 1) % 64;
    snprintf(path[i], sizeof(path[i]), "%s/%s", dir, name);
    return path[i];
}

static void put(const char *name, const char *text)
{
    FILE *f = fopen(at(name), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void slurp(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(out, 1, size - 1, f) : 0;
    out[n] = '\0';
    if (f)
        fclose(f);
}

/* The JSON report at path is valid against docs/report.schema.json
 * (check_report.py: python3's standard library, and jsonschema when it is
 * importable). */
static void assert_valid_report(const char *path)
{
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "python3 '%s' '%s' '%s'", IT_CHECK_REPORT, IT_REPORT_SCHEMA, path);
    int st = system(cmd);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("report %s does not match %s", path, IT_REPORT_SCHEMA);
}

struct res {
    int status; /* exit status, -1 when killed */
    char err[8192];
};

/* Starts `mockredis run ARGS...` (NULL-terminated) with stderr to a file
 * and fd3, when >= 0, as its (and so its command's) descriptor 3. */
static pid_t start_fd3(const char *const *args, int fd3)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = bin();
    argv[n++] = "run";
    for (; *args; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(at("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int nul = open("/dev/null", O_RDWR);
        if (fd < 0 || nul < 0)
            _exit(99);
        dup2(fd, 2);
        dup2(nul, 0);
        dup2(nul, 1);
        if (fd3 >= 0 && fd3 != 3)
            dup2(fd3, 3);
        execv(argv[0], (char *const *)argv);
        _exit(98);
    }
    return pid;
}

static pid_t start(const char *const *args)
{
    return start_fd3(args, -1);
}

static void finish(pid_t pid, struct res *r)
{
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    slurp(at("stderr"), r->err, sizeof(r->err));
}

/* Runs mockredis run with args; checks the exit status and that the last
 * line on stderr contains want_line, and validates the JSON report the run
 * wrote, if it has --report FILE and wrote it. */
static void expect_run(const char *const *args, int want_status, const char *want_line,
                       struct res *r)
{
    const char *report = NULL;
    for (const char *const *a = args; *a && strcmp(*a, "--") != 0; a++)
        if (strcmp(*a, "--report") == 0 && a[1])
            report = a[1];
    if (report)
        unlink(report);
    finish(start(args), r);
    if (report && access(report, F_OK) == 0)
        assert_valid_report(report);
    char *nl = strrchr(r->err, '\n'), *last;
    if (nl)
        *nl = '\0';
    last = strrchr(r->err, '\n');
    last = last ? last + 1 : r->err;
    if (r->status != want_status || strstr(last, want_line) == NULL)
        fail_msg("status %d (want %d), last line '%s' (want '%s'); stderr:\n%s", r->status,
                 want_status, last, want_line, r->err);
    if (nl)
        *nl = '\n';
}

/* Two scenarios: one a GET user:1 satisfies, one that wants a command
 * nobody sends. */
static const char *const hold = "name \"gets\"\nexpect commands GET user:1 == 1\n";
static const char *const fail = "name \"never\"\nexpect commands DEL gone >= 1\n";
#define GET_OK "redis-cli -p \"$REDIS_PORT\" GET user:1 >/dev/null"

static int setup_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/mockredis-it-run-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    put("hold.scn", hold);
    put("fail.scn", fail);
    put("bad.scn", "expect nonsense\n");
    return 0;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* (command passes | fails) x (expectations hold | fail), and the invalid
 * scenario: each its own status and line. */
static void test_matrix(void **state)
{
    (void)state;
    struct res r;
    const char *s_hold = at("hold.scn");
    const char *s_fail = at("fail.scn");
    const char *s_bad = at("bad.scn");
    const char *rep = at("m.json"); /* each cell's report, validated by expect_run */
    expect_run(
        (const char *[]){"--scenario", s_hold, "--report", rep, "--", "sh", "-c", GET_OK, NULL}, 0,
        "PASS: command exited with status 0, expectations held", &r);
    assert_int_equal(access(rep, F_OK), 0);
    expect_run(
        (const char *[]){"--scenario", s_fail, "--report", rep, "--", "sh", "-c", GET_OK, NULL}, 1,
        "FAIL: command exited with status 0, expectations failed", &r);
    expect_run((const char *[]){"--scenario", s_hold, "--report", rep, "--", "sh", "-c",
                                GET_OK "; exit 3", NULL},
               5, "FAIL: command exited with status 3, expectations held", &r);
    expect_run((const char *[]){"--scenario", s_fail, "--report", rep, "--", "sh", "-c",
                                GET_OK "; exit 4", NULL},
               6, "FAIL: command exited with status 4, expectations failed", &r);
    expect_run((const char *[]){"--scenario", s_bad, "--", "sh", "-c", "touch \"$1\"", "sh",
                                at("ran"), NULL},
               3, "is invalid, command not run", &r);
    assert_int_equal(access(at("ran"), F_OK), -1);
    /* no scenario: the command's result alone */
    expect_run((const char *[]){"--", "sh", "-c", GET_OK, NULL}, 0, "PASS", &r);
    expect_run((const char *[]){"--", "false", NULL}, 5, "command exited with status 1", &r);
    expect_run((const char *[]){"--", "/no/such/command", NULL}, 5,
               "command exited with status 127", &r);
    expect_run((const char *[]){"--scenario", s_hold, "--report", rep, "--", "sh", "-c",
                                GET_OK "; kill -9 $$", NULL},
               7, "command killed by signal 9", &r);
}

/* The variables, and options ending at the command (its own -c and -p are
 * not mockredis's). */
static void test_environment(void **state)
{
    (void)state;
    struct res r;
    char out[512], want[512];
    const char *line = "echo \"$REDIS_HOST $REDIS_PORT $REDIS_URL $MOCKREDIS_PORT\" > \"$1\"";
    expect_run((const char *[]){"sh", "-c", line, "sh", at("env"), NULL}, 0, "PASS", &r);
    slurp(at("env"), out, sizeof(out));
    int port = atoi(strchr(out, ' ') + 1);
    assert_true(port > 0 && port < 65536);
    snprintf(want, sizeof(want), "127.0.0.1 %d redis://127.0.0.1:%d %d\n", port, port, port);
    assert_string_equal(out, want);
}

/* A server that cannot listen: 4, the command never runs. */
static void test_server_cannot_start(void **state)
{
    (void)state;
    struct res r;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sl = sizeof(sa);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 1), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    char port[16];
    snprintf(port, sizeof(port), "%d", ntohs(sa.sin_port));
    expect_run(
        (const char *[]){"--port", port, "--", "sh", "-c", "touch \"$1\"", "sh", at("ran"), NULL},
        4, "the server could not start, command not run", &r);
    close(fd);
    assert_int_equal(access(at("ran"), F_OK), -1);
}

/* Usage errors, unwritable report paths among them, are refused before
 * anything runs: 2. */
static void test_usage(void **state)
{
    (void)state;
    struct res r;
    const char *s_hold = at("hold.scn");
    expect_run((const char *[]){"--scenario", s_hold, "--report", "/no/such/dir/r.json", "--", "sh",
                                "-c", "touch \"$1\"", "sh", at("ran"), NULL},
               2, "Try 'mockredis run --help'.", &r);
    assert_non_null(strstr(r.err, "cannot write report /no/such/dir/r.json"));
    expect_run((const char *[]){"--scenario", s_hold, "--junit", "/no/such/dir/j.xml", "--", "sh",
                                "-c", "touch \"$1\"", "sh", at("ran"), NULL},
               2, "Try 'mockredis run --help'.", &r);
    assert_int_equal(access(at("ran"), F_OK), -1);
    expect_run((const char *[]){"--scenario", s_hold, NULL}, 2, "Try", &r);
    assert_non_null(strstr(r.err, "no command to run"));
    expect_run((const char *[]){"--junit", at("j.xml"), "--", "true", NULL}, 2, "Try", &r);
    assert_non_null(strstr(r.err, "--junit needs --scenario"));
    expect_run((const char *[]){"--help", NULL}, 0, "", &r);
}

/* The JSON report names the failed expectation in "failures"; the JUnit
 * file parses and its counts match its testcases. */
static void test_reports(void **state)
{
    (void)state;
    struct res r;
    char json[4096];
    put("mixed.scn", "name \"mixed <&>\"\n"
                     "expect commands GET user:1 == 1\n"
                     "expect commands DEL gone >= 1\n"
                     "strict conn 1\n"
                     "    > GET user:1\n"
                     "    < (nil)\n"
                     "    > GET user:2\n"
                     "    < (nil)\n"
                     "end\n");
    expect_run((const char *[]){"--scenario", at("mixed.scn"), "--report", at("r.json"), "--junit",
                                at("j.xml"), "--", "sh", "-c", GET_OK, NULL},
               1, "expectations failed", &r);
    slurp(at("r.json"), json, sizeof(json));
    assert_non_null(strstr(json, "\"passed\":false"));
    assert_non_null(
        strstr(json, "\"failures\":[\"line 3: expect commands DEL gone >= 1 (got 0)\""));
    char cmd[1024];
    snprintf(cmd, sizeof(cmd),
             "python3 - '%s' <<'EOF'\n"
             "import sys, xml.etree.ElementTree as ET\n"
             "root = ET.parse(sys.argv[1]).getroot()\n"
             "assert root.tag == 'testsuites', root.tag\n"
             "suites = root.findall('testsuite')\n"
             "assert len(suites) == 1\n"
             "s = suites[0]\n"
             "assert s.get('name') == 'mixed <&>', s.get('name')\n"
             "cases = s.findall('testcase')\n"
             "failed = [c for c in cases if c.find('failure') is not None]\n"
             "assert len(cases) == 3 and len(failed) == 2, (len(cases), len(failed))\n"
             "for e in (s, root):\n"
             "    assert int(e.get('tests')) == 3 and int(e.get('failures')) == 2\n"
             "names = [c.get('name') for c in failed]\n"
             "assert names[0] == 'line 3: expect commands DEL gone >= 1', names\n"
             "assert names[1].startswith('line 4: strict'), names\n"
             "assert 'GET user:2' in failed[1].find('failure').get('message')\n"
             "EOF",
             at("j.xml"));
    assert_int_equal(system(cmd), 0);

    /* a strict mismatch: its testcase's failure is that step's sentence */
    expect_run((const char *[]){"--scenario", at("mixed.scn"), "--report", at("r.json"), "--junit",
                                at("j.xml"), "--", "sh", "-c",
                                "redis-cli -p \"$REDIS_PORT\" GET user:2 >/dev/null", NULL},
               1, "expectations failed", &r);
    slurp(at("r.json"), json, sizeof(json));
    assert_non_null(strstr(json, "strict step 1 expected 'GET user:1', got 'GET user:2'"));
    slurp(at("j.xml"), json, sizeof(json));
    assert_non_null(strstr(json, "<failure type=\"mockredis\" message=\"line 5: mockredis: strict "
                                 "step 1 expected 'GET user:1', got 'GET user:2'\">"));
}

/* Reads "SHPID BGPID PORT" the command writes to its descriptor 3 (a pipe:
 * should the command never run, the read ends at EOF, not in a hang). */
static void read_ready(int rfd, int *shpid, int *bgpid, int *port)
{
    char line[128];
    ssize_t n = read(rfd, line, sizeof(line) - 1);
    assert_true(n > 0);
    line[n] = '\0';
    assert_int_equal(sscanf(line, "%d %d %d", shpid, bgpid, port), 3);
}

/* Nothing listens on 127.0.0.1:port any more: it can be bound and listened
 * on again. */
static void assert_port_free(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1) != 0)
        fail_msg("port %d is still in use: %s", port, strerror(errno));
    close(fd);
}

/* mockredis run interrupted: the signal reaches the command's whole group,
 * the status is 8, every process of the command is gone (this test is
 * their subreaper and reaps them) and the port can be bound again. */
static void interrupt(int sig)
{
    struct res r;
    int shpid, bgpid, port;
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t run =
        start_fd3((const char *[]){"--scenario", at("hold.scn"), "--", "sh", "-c",
                                   GET_OK "; sleep 600 & echo $$ $! $REDIS_PORT >&3; wait", NULL},
                  p[1]);
    close(p[1]);
    read_ready(p[0], &shpid, &bgpid, &port);
    close(p[0]);
    assert_int_equal(kill(run, sig), 0);
    finish(run, &r);
    assert_int_equal(r.status, 8);
    assert_non_null(strstr(r.err, "interrupted by signal"));
    assert_non_null(strstr(r.err, "expectations held"));
    /* the sh was reaped by mockredis run; the background sleep, orphaned,
     * comes to us: it must die (not hang here) of the signal */
    assert_int_equal(kill(shpid, 0), -1);
    int st;
    pid_t got = waitpid(bgpid, &st, 0);
    assert_true(got == bgpid || (got == -1 && errno == ECHILD));
    if (got == bgpid)
        assert_true(WIFSIGNALED(st));
    assert_port_free(port);
}

static void test_sigterm(void **state)
{
    (void)state;
    interrupt(SIGTERM);
}

static void test_sigint(void **state)
{
    (void)state;
    interrupt(SIGINT);
}

/* Four mockredis run at once: each command PINGs its server and reports
 * "PORT PONG" on its descriptor 3 (one end of a socketpair), then waits
 * there for "go". Only once all four are up (their servers alive at the
 * same time) does the test release them: four distinct ports, four PONGs,
 * four exits with 0. */
static void test_parallel(void **state)
{
    (void)state;
    enum { N = 4 };
    int sp[N][2], port[N];
    pid_t run[N];
    for (int i = 0; i < N; i++) {
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp[i]), 0);
        fcntl(sp[i][0], F_SETFD, FD_CLOEXEC); /* the test's end stays with the test */
        run[i] = start_fd3((const char *[]){"--", "sh", "-c",
                                            "echo \"$REDIS_PORT $(redis-cli -p \"$REDIS_PORT\" "
                                            "PING)\" >&3; read go <&3",
                                            NULL},
                           sp[i][1]);
        close(sp[i][1]);
    }
    for (int i = 0; i < N; i++) {
        char line[64], pong[16] = "";
        ssize_t n = read(sp[i][0], line, sizeof(line) - 1);
        assert_true(n > 0);
        line[n] = '\0';
        assert_int_equal(sscanf(line, "%d %15s", &port[i], pong), 2);
        assert_string_equal(pong, "PONG");
        assert_true(port[i] > 0 && port[i] < 65536);
        for (int j = 0; j < i; j++)
            if (port[j] == port[i])
                fail_msg("runs %d and %d share port %d", j, i, port[i]);
    }
    for (int i = 0; i < N; i++) {
        assert_int_equal(write(sp[i][0], "go\n", 3), 3);
        int st;
        assert_int_equal(waitpid(run[i], &st, 0), run[i]);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
        close(sp[i][0]);
    }
}

/* mockredis run killed by SIGKILL cannot pass anything on: the command
 * (here sh exec'ing sleep, one process) dies of its parent-death signal
 * (PR_SET_PDEATHSIG), or of the guard's SIGTERM if that comes first (see
 * test_sigkill_group), instead of living on. Orphaned, it comes to this
 * process (the subreaper): waitpid waits for it, and without the death
 * signal would see sleep exit by itself after 60 s, not be killed. Then
 * the port is free. */
static void test_sigkill(void **state)
{
    (void)state;
    int p[2], cmd, port, st;
    assert_int_equal(pipe(p), 0);
    pid_t run = start_fd3(
        (const char *[]){"--", "sh", "-c", "echo $$ $REDIS_PORT >&3; exec sleep 60 3>&-", NULL},
        p[1]);
    close(p[1]);
    char line[64];
    ssize_t n = read(p[0], line, sizeof(line) - 1);
    close(p[0]);
    assert_true(n > 0);
    line[n] = '\0';
    assert_int_equal(sscanf(line, "%d %d", &cmd, &port), 2);
    assert_int_equal(kill(run, SIGKILL), 0);
    assert_int_equal(waitpid(run, &st, 0), run);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    pid_t got = waitpid(cmd, &st, 0);
    if (got != cmd)
        fail_msg("the command %d is not ours to wait for: %s", cmd, strerror(errno));
    /* the death signal, or the SIGTERM of the guard (run_cli.c) if that
     * comes first: either way not sleep's own end after 60 s */
    if (!WIFSIGNALED(st) || (WTERMSIG(st) != SIGKILL && WTERMSIG(st) != SIGTERM))
        fail_msg("the command outlived mockredis run (status 0x%x)", st);
    assert_port_free(port);
}

/* Polls (WNOHANG, for at most 60 s: a generous bound, not a timing
 * claim) until pid, an orphan come to this subreaper, has ended; returns
 * its wait status, or fails if it is still there. */
static int reap_within(pid_t pid)
{
    int st;
    for (int i = 0; i < 3000; i++) {
        pid_t got = waitpid(pid, &st, WNOHANG);
        if (got == pid)
            return st;
        if (got < 0)
            fail_msg("process %d is not ours to wait for: %s", (int)pid, strerror(errno));
        struct timespec tick = {0, 20000000};
        nanosleep(&tick, NULL);
    }
    fail_msg("process %d outlived mockredis run by a minute", (int)pid);
    return -1;
}

/* The same SIGKILL, but the command started a background process: its
 * first process dies of the death signal, and the guard that mockredis
 * run left (its own process group, see run_cli.c) ends the rest of the
 * command's group with SIGTERM. Without the guard the background sleep
 * would sleep out its 600 s. The guard itself then exits: every process
 * this test is subreaper of ends. */
static void test_sigkill_group(void **state)
{
    (void)state;
    int p[2], shpid, bgpid, port, st;
    assert_int_equal(pipe(p), 0);
    pid_t run =
        start_fd3((const char *[]){"--", "sh", "-c",
                                   "sleep 600 3>&- & echo $$ $! $REDIS_PORT >&3; wait", NULL},
                  p[1]);
    close(p[1]);
    read_ready(p[0], &shpid, &bgpid, &port);
    close(p[0]);
    assert_int_equal(kill(run, SIGKILL), 0);
    assert_int_equal(waitpid(run, &st, 0), run);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    /* the death signal or the guard's SIGTERM, whichever comes first */
    st = reap_within(shpid);
    assert_true(WIFSIGNALED(st) && (WTERMSIG(st) == SIGKILL || WTERMSIG(st) == SIGTERM));
    st = reap_within(bgpid);
    if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM)
        fail_msg("the background process ended with status 0x%x, not SIGTERM", st);
    /* the guard, orphaned too, is the last of them */
    pid_t got;
    while ((got = waitpid(-1, &st, 0)) > 0)
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(errno, ECHILD);
    assert_port_free(port);
}

/* "finish ... within": a client that never connects cannot hang CI. The
 * run's command sleeps forever; the deadline ends it (status 9, the
 * report names the deadline). The plain server with such a scenario and
 * no client at all exits with a failed verdict. Nothing is timed: the
 * test only needs both to end. */
static void test_deadline(void **state)
{
    (void)state;
    struct res r;
    char json[4096];
    put("dl.scn", "name \"nobody comes\"\nfinish idle within 200ms\nexpect connections >= 0\n");
    expect_run((const char *[]){"--scenario", at("dl.scn"), "--report", at("dl.json"), "--", "sh",
                                "-c", "exec sleep 600", NULL},
               9, "the scenario's 'within' deadline passed, command terminated (status 143)", &r);
    slurp(at("dl.json"), json, sizeof(json));
    assert_non_null(strstr(json, "\"passed\":false"));
    assert_non_null(
        strstr(json, "\"failures\":[\"finish idle within 200ms: the scenario had not ended"));

    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "'%s' --port 0 --scenario '%s' --junit '%s' >/dev/null 2>&1", bin(),
             at("dl.scn"), at("dl.xml"));
    int st = system(cmd);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 1);
    slurp(at("dl.xml"), json, sizeof(json));
    assert_non_null(strstr(json, "name=\"finish within 200ms\""));
    assert_non_null(strstr(json, "tests=\"2\" failures=\"1\""));
}

int main(void)
{
    /* orphans of the commands come to this process, which reaps them */
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_environment),
        cmocka_unit_test(test_server_cannot_start),
        cmocka_unit_test(test_usage),
        cmocka_unit_test(test_reports),
        cmocka_unit_test(test_sigterm),
        cmocka_unit_test(test_sigint),
        cmocka_unit_test(test_parallel),
        cmocka_unit_test(test_sigkill),
        cmocka_unit_test(test_sigkill_group),
        cmocka_unit_test(test_deadline),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
