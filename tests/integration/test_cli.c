/* test_cli.c - the mockredis command line: --help and --version exit 0,
 * bad usage exits 2 with a message on stderr (`check` too), check and
 * --scenario refuse a scenario with the same messages, an address it cannot listen
 * on exits 1; output files (--port-file, --report, --pcap and its notes,
 * `record -o`) never follow a symbolic link planted at their path or at
 * the temporary name next to it. The binary is $MOCKREDIS_BIN, else the
 * one this build made. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef IT_MOCKREDIS_BIN
#define IT_MOCKREDIS_BIN "mockredis"
#endif

struct run {
    int status; /* exit status, or -1 if it did not exit normally */
    char out[8192], err[8192];
};

/* Runs the binary with args (shell words), capturing stdout and stderr. */
static void run(const char *args, struct run *r)
{
    const char *bin = getenv("MOCKREDIS_BIN") ? getenv("MOCKREDIS_BIN") : IT_MOCKREDIS_BIN;
    char errfile[64], cmd[1024];
    snprintf(errfile, sizeof(errfile), "/tmp/mockredis-it-cli-%d.err", (int)getpid());
    snprintf(cmd, sizeof(cmd), "'%s' %s 2>%s </dev/null", bin, args, errfile);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = fread(r->out, 1, sizeof(r->out) - 1, f);
    r->out[n] = '\0';
    int st = pclose(f);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    FILE *e = fopen(errfile, "r");
    n = e ? fread(r->err, 1, sizeof(r->err) - 1, e) : 0;
    r->err[n] = '\0';
    if (e)
        fclose(e);
    remove(errfile);
}

static void test_help(void **state)
{
    (void)state;
    struct run r;
    run("--help", &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage: mockredis"));
    assert_non_null(strstr(r.out, "--port"));
    assert_non_null(strstr(r.out, "--maxclients"));
    assert_string_equal(r.err, "");
    run("-h", &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage: mockredis"));
}

static void test_version(void **state)
{
    (void)state;
    struct run r;
    run("--version", &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "mockredis"));
}

static void test_unknown_option(void **state)
{
    (void)state;
    struct run r;
    run("--no-such-option", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--no-such-option"));
    assert_string_equal(r.out, "");
    run("--port", &r); /* missing value */
    assert_int_equal(r.status, 2);
    assert_true(r.err[0] != '\0');
    run("--port 0 stray", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "stray"));
}

static void test_bad_values(void **state)
{
    (void)state;
    struct run r;
    run("--port 70000", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--port"));
    assert_non_null(strstr(r.err, "70000"));
    run("--port -1", &r);
    assert_int_equal(r.status, 2);
    run("--port 12x", &r);
    assert_int_equal(r.status, 2);
    run("--maxclients 0", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--maxclients"));
    run("--timeout -5", &r);
    assert_int_equal(r.status, 2);
    run("--notify-keyspace-events KEb", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--notify-keyspace-events: Invalid event class character"));
    run("--maxmemory 10x", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--maxmemory expects a size"));
    run("--maxmemory-policy lru", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--maxmemory-policy: unknown policy 'lru'"));
}

/* --cluster and --replicas: their values and the options they exclude. */
static void test_cluster_options(void **state)
{
    (void)state;
    struct run r;
    run("--port 0 --replicas 1", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--replicas needs --cluster"));
    run("--port 0 --cluster 0", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--cluster"));
    run("--port 0 --cluster 40 --replicas 1", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "makes 80 nodes; at most 64"));
    run("--port 0 --cluster 3 --unixsocket /tmp/mockredis-it-never.sock", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "--unixsocket cannot be used with --cluster"));
    assert_string_equal(r.out, "");
}

static void test_cannot_listen(void **state)
{
    (void)state;
    struct run r;
    /* a documentation address (TEST-NET-3) is on no local interface */
    run("--port 0 --bind 203.0.113.7", &r);
    assert_int_equal(r.status, 1);
    assert_non_null(strstr(r.err, "203.0.113.7"));
}

/* ---- output files and planted links --------------------------------------------- */

static char dir[64];

static const char *at(const char *name)
{
    return mh_scratch_path(dir, name);
}

static void write_text(const char *p, const char *text)
{
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* The first bytes of file p (up to size - 1), NUL-terminated. */
static void read_head(const char *p, char *out, size_t size)
{
    FILE *f = fopen(p, "r");
    if (f == NULL)
        fail_msg("cannot read %s", p);
    size_t n = fread(out, 1, size - 1, f);
    out[n] = '\0';
    fclose(f);
}

/* A victim file holding "precious\n", and a link at name pointing to it. */
static void plant(const char *name, const char *victim)
{
    write_text(at(victim), "precious\n");
    assert_int_equal(symlink(at(victim), at(name)), 0);
}

static void expect_untouched(const char *victim)
{
    char got[64];
    read_head(at(victim), got, sizeof(got));
    if (strcmp(got, "precious\n") != 0)
        fail_msg("%s was written through a link: '%s'", victim, got);
}

/* name is now a regular file (not the link planted there) starting with head. */
static void expect_regular(const char *name, const char *head)
{
    struct stat st;
    assert_int_equal(lstat(at(name), &st), 0);
    if (!S_ISREG(st.st_mode))
        fail_msg("%s is not a regular file", name);
    char got[512];
    read_head(at(name), got, sizeof(got));
    if (strncmp(got, head, strlen(head)) != 0)
        fail_msg("%s starts with '%.40s', want '%s'", name, got, head);
}

/* --port-file and --report are written through a temporary file and a
 * rename: links at the final names and at the old fixed temporary names
 * (FILE.tmp) are replaced, their targets untouched. */
static void test_port_file_and_report_links(void **state)
{
    (void)state;
    plant("port", "victim-port");
    plant("port.tmp", "victim-port-tmp");
    plant("report.json", "victim-report");
    plant("report.json.tmp", "victim-report-tmp");
    write_text(at("quick.scn"), "finish after 1ms\n");
    char args[1024];
    int n = snprintf(args, sizeof(args), "--port 0 --port-file %s", at("port"));
    snprintf(args + n, sizeof(args) - (size_t)n, " --scenario %s --report %s", at("quick.scn"),
             at("report.json"));
    struct run r;
    run(args, &r);
    if (r.status != 0)
        fail_msg("status %d: %s", r.status, r.err);
    expect_untouched("victim-port");
    expect_untouched("victim-port-tmp");
    expect_untouched("victim-report");
    expect_untouched("victim-report-tmp");
    char port[32];
    read_head(at("port"), port, sizeof(port));
    assert_true(atoi(port) > 0);
    expect_regular("port", "");
    expect_regular("report.json", "{");
}

/* --pcap FILE: a link at FILE before the start, and one planted at
 * FILE.notes while the server runs (the notes are created on the first
 * note), are both replaced. */
static void test_pcap_and_notes_links(void **state)
{
    (void)state;
    plant("cap.pcap", "victim-pcap");
    write_text(at("reset.scn"), "finish control\non GET k do reset\n");
    const char *args[] = {"--pcap", at("cap.pcap"), "--scenario", at("reset.scn"), NULL};
    struct mh_server *s = it_mock(args);
    plant("cap.pcap.notes", "victim-notes");
    struct mh_conn c;
    assert_int_equal(mh_conn_open(&c, mh_server_port(s)), 0);
    assert_int_equal(mh_send(c.fd, IT_S("GET k\r\n")), 0);
    struct buf reply = BUF_INIT;
    int got = mh_read_reply(&c, &reply, 5000);
    assert_true(got == MH_ERROR || got == MH_EOF); /* reset: the rule fired */
    buf_free(&reply);
    mh_conn_close(&c);
    it_stop_ok(s);
    expect_untouched("victim-pcap");
    expect_untouched("victim-notes");
    expect_regular("cap.pcap", "\xd4\xc3\xb2\xa1"); /* pcap magic, little-endian */
    expect_regular("cap.pcap.notes", "");
    char notes[256];
    read_head(at("cap.pcap.notes"), notes, sizeof(notes));
    if (strstr(notes, "reset") == NULL)
        fail_msg("notes: '%s'", notes);
}

/* `mockredis record CAPTURE -o FILE` writes the scenario the same way. */
static void test_record_output_links(void **state)
{
    (void)state;
    plant("out.scn", "victim-out");
    plant("out.scn.tmp", "victim-out-tmp");
    char args[1024];
    snprintf(args, sizeof(args), "record %s/redis-session.pcap -o %s", IT_DATA_DIR, at("out.scn"));
    struct run r;
    run(args, &r);
    if (r.status != 0)
        fail_msg("status %d: %s", r.status, r.err);
    expect_untouched("victim-out");
    expect_untouched("victim-out-tmp");
    expect_regular("out.scn", "");
}

static int setup_dir(void **state)
{
    (void)state;
    return mh_scratch_make(dir, sizeof(dir), "it_cli");
}

static int teardown_dir(void **state)
{
    (void)state;
    return mh_scratch_remove(dir);
}

/* `mockredis check`'s own usage (issue 11, finding 5): --help is not a
 * file name, an unknown option is bad usage, a directory says so. */
static void test_check_usage(void **state)
{
    (void)state;
    struct run r;
    run("check --help", &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "usage: mockredis check"));
    assert_string_equal(r.err, "");
    run("check -h", &r);
    assert_int_equal(r.status, 0);
    run("check --no-such-option", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "unknown option '--no-such-option'"));
    assert_string_equal(r.out, "");
    run("check", &r);
    assert_int_equal(r.status, 2);
    assert_non_null(strstr(r.err, "usage: mockredis check"));
    run("check /", &r);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "/: is a directory (give a scenario file)\n");
}

/* A setup block with several bad lines: check and --scenario report the
 * same lines, every one of them, with line and column (issue 11, finding
 * 3: --scenario used to stop at the first, without a column, after check
 * had accepted the file). */
static void test_check_and_scenario_agree(void **state)
{
    (void)state;
    char args[256], check_err[8192];
    struct run r;
    write_text(at("setup.scn"), "setup\n    SET a\n    SET s x\n    LPUSH s y\n    INCR s\nend\n");
    snprintf(args, sizeof(args), "check %s", at("setup.scn"));
    run(args, &r);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    snprintf(check_err, sizeof(check_err), "%s", r.err);
    char want[1024];
    const char *f = at("setup.scn");
    snprintf(want, sizeof(want), "%s:2:5: wrong number of arguments", f);
    assert_non_null(strstr(r.err, want));
    snprintf(want, sizeof(want), "%s:4:5: setup command failed: WRONGTYPE", f);
    assert_non_null(strstr(r.err, want));
    snprintf(want, sizeof(want), "%s:5:5: setup command failed: ERR", f);
    assert_non_null(strstr(r.err, want));
    snprintf(args, sizeof(args), "--port 0 --scenario %s", at("setup.scn"));
    run(args, &r);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, check_err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_unknown_option),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_cluster_options),
        cmocka_unit_test(test_cannot_listen),
        cmocka_unit_test_setup_teardown(test_port_file_and_report_links, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_pcap_and_notes_links, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_record_output_links, setup_dir, teardown_dir),
        cmocka_unit_test(test_check_usage),
        cmocka_unit_test_setup_teardown(test_check_and_scenario_agree, setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
