/* main.c - the mockredis command line: parse options, start, serve, stop.
 *
 * Prints "listening on ADDR:PORT" on stdout once the socket accepts, and
 * writes the port to --port-file at that point (via a temporary file and a
 * rename, so a reader never sees a partial number). Exit status: 0 after a
 * clean shutdown (SIGINT/SIGTERM), 2 for bad usage, 1 when it cannot start. */
#include <errno.h>
#include <unistd.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cap.h"
#include "cluster.h"
#include "cmd.h"
#include "cmdline.h"
#include "core.h"
#include "evict.h"
#include "mem.h"
#include "notify.h"
#include "ofile.h"
#include "rec_cli.h"
#include "rtext.h"
#include "run_cli.h"
#include "scn.h"
#include "scn_check.h"
#include "scn_file.h"
#include "scn_run.h"
#include "server.h"
#include "util.h"
#include "version.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: mockredis [OPTIONS]\n"
            "       mockredis check FILE...   validate scenario files: language, commands,\n"
            "                                 setup (mockredis check --help)\n"
            "       mockredis record CAPTURE [-o FILE]   turn a capture of a client talking to\n"
            "                                 Redis into a scenario (mockredis record --help)\n"
            "       mockredis run [OPTIONS] -- COMMAND [ARGS...]   run COMMAND against a server\n"
            "                                 started for it (mockredis run --help)\n"
            "A fake Redis server for testing and teaching Redis clients.\n"
            "\n"
            "Options:\n"
            "  --bind ADDR          address to listen on (default 127.0.0.1; ::1 for IPv6)\n"
            "  --port N             TCP port, 0 for an ephemeral one (default 6379)\n"
            "  --port-file FILE     write the bound port to FILE once listening\n"
            "  --unixsocket PATH    also listen on a Unix socket\n"
            "  --maxclients N       refuse connections beyond N, as Redis does (default 10000)\n"
            "  --timeout SECONDS    close clients idle this long, 0 = never (default 0)\n"
            "  --requirepass PASS   require AUTH PASS before other commands (MOCK included)\n"
            "  --protected-mode yes|no  without a password, answer TCP clients from other\n"
            "                       addresses than 127.0.0.1 and ::1 with Redis's -DENIED\n"
            "                       and close them (default yes, as Redis)\n"
            "  --enable-mock-commands no|yes|local\n"
            "                       who may run the MOCK commands that steer the server:\n"
            "                       nobody, every client, or only clients on a loopback\n"
            "                       address or the Unix socket (default local)\n"
            "  --notify-keyspace-events FLAGS\n"
            "                       publish keyspace events, as Redis's parameter (default\n"
            "                       empty: none); also CONFIG SET notify-keyspace-events\n"
            "  --maxmemory SIZE     Redis's maxmemory (bytes, or 100kb, 1mb, 1gb ...; default\n"
            "                       0: no limit), on the modelled used memory\n"
            "  --maxmemory-policy POLICY\n"
            "                       noeviction (default), allkeys-lru, allkeys-lfu,\n"
            "                       allkeys-random, volatile-lru, volatile-lfu,\n"
            "                       volatile-random or volatile-ttl\n"
            "  --cluster N          run a Redis Cluster of N primaries in this process, each\n"
            "                       node on its own port (--port P: P, P+1, ...; default\n"
            "                       ephemeral ports), slots split as redis-cli splits them\n"
            "                       (docs/cluster.md); --port-file lists the ports in node order;\n"
            "                       a scenario's 'cluster N [replicas R]' header starts it too\n"
            "  --replicas R         with --cluster: R replicas per primary (default 0)\n"
            "  --scenario FILE      play a scenario (docs/scenarios.md), exit with its verdict:\n"
            "                       0 all expectations held, 1 one failed, 2 invalid scenario\n"
            "  --report FILE        with --scenario: also write the verdict as JSON to FILE\n"
            "  --junit FILE         with --scenario: also write the verdict as JUnit XML\n"
            "  --pcap FILE          write every TCP connection's traffic to FILE (pcap, for\n"
            "                       Wireshark/tshark: -d tcp.port==PORT,resp), scenario\n"
            "                       faults to FILE.notes\n"
            "  --help               show this help and exit\n"
            "  --version            show the version and exit\n"
            "\n"
            "Prints 'listening on ADDR:PORT' when ready. SIGINT or SIGTERM stop it cleanly.\n"
            "Output files (--port-file, --report, --pcap, FILE.notes) are created new and\n"
            "renamed into place: a symbolic link at their path is replaced, never followed.\n");
}

static void usage_run(FILE *out)
{
    fprintf(out,
            "Usage: mockredis run [OPTIONS] [--scenario F] [--report R] [--junit J] --\n"
            "                     COMMAND [ARGS...]\n"
            "Starts a mockredis on an ephemeral loopback port (unless --port is given), runs\n"
            "COMMAND with REDIS_HOST, REDIS_PORT, REDIS_URL and MOCKREDIS_PORT set, ends the\n"
            "scenario when COMMAND exits (as MOCK SCENARIO END), writes the reports and\n"
            "exits with a status that joins both results. OPTIONS are the server's (mockredis\n"
            "--help). With --cluster N (or a scenario's 'cluster N' header) the variables\n"
            "name node 0 and MOCKREDIS_CLUSTER_NODES lists every node, 127.0.0.1:P0,...,\n"
            "in node order (primaries first). SIGINT and SIGTERM go to COMMAND's process group; "
            "once COMMAND exits,\n"
            "what is left of its group gets SIGTERM.\n"
            "\n"
            "Exit status (one line on stderr says which, with COMMAND's own status):\n"
            "  0  COMMAND exited 0 and every expectation held\n"
            "  1  COMMAND exited 0, an expectation failed\n"
            "  2  usage error (bad option, no COMMAND, unwritable report path): nothing ran\n"
            "  3  the scenario is invalid: nothing ran\n"
            "  4  the server could not start, or a report could not be written\n"
            "  5  COMMAND exited non-zero (127: not found), the expectations held\n"
            "  6  COMMAND exited non-zero and an expectation failed\n"
            "  7  COMMAND was killed by a signal\n"
            "  8  mockredis run was interrupted (SIGINT/SIGTERM, passed on to COMMAND)\n"
            "  9  the scenario's 'finish ... within' deadline passed first: COMMAND got\n"
            "     SIGTERM and the verdict failed\n");
}

/* Refuses at start-up an output path that cannot be created: makes the
 * temporary file the final write would make, and removes it. */
static int check_writable(const char *what, const char *path)
{
    char tmp[4096];
    int fd = ofile_temp(path, tmp, sizeof(tmp));
    if (fd < 0) {
        fprintf(stderr, "mockredis: cannot write %s %s: %s\n", what, path, strerror(errno));
        return -1;
    }
    close(fd);
    unlink(tmp);
    return 0;
}

/* Parses an int option through cmdline_number. */
static int parse_int(const char *opt, const char *s, long min, long max, int *out)
{
    long v;
    if (cmdline_number("mockredis", opt, s, min, max, &v) < 0)
        return -1;
    *out = (int)v;
    return 0;
}

/* Parses a memory size as Redis does: digits and an optional unit (b, k,
 * kb, m, mb, g, gb, any case). */
static int parse_size(const char *opt, const char *s, long long *out)
{
    size_t digits = strspn(s, "0123456789");
    unsigned long long mul;
    long long v;
    if (digits == 0 || !util_mem_unit(s + digits, &mul) || !util_str2ll(s, digits, &v) ||
        (unsigned long long)v > LLONG_MAX / mul) {
        fprintf(stderr, "mockredis: %s expects a size such as 100mb, got '%s'\n", opt, s);
        return -1;
    }
    *out = v * (long long)mul;
    return 0;
}

/* Parses yes or no (any case, as Redis) into 1 or 0. */
static int parse_yes_no(const char *opt, const char *s, int *out)
{
    if (strcasecmp(s, "yes") != 0 && strcasecmp(s, "no") != 0) {
        fprintf(stderr, "mockredis: %s expects yes or no, got '%s'\n", opt, s);
        return -1;
    }
    *out = strcasecmp(s, "yes") == 0;
    return 0;
}

/* Says on stderr when clients from other hosts can reach the server without
 * a password. Redis 7.0 says nothing at start-up (its protected mode
 * answers each such client); a test server left listening on 0.0.0.0 with
 * its MOCK namespace deserves a line. */
static void warn_exposure(const struct srv *s, const struct core *core)
{
    if (!srv_exposed(s) || core->cfg.requirepass != NULL)
        return;
    if (core->cfg.protected_mode)
        fprintf(stderr,
                "mockredis: note: %s is reachable from other hosts and no password is set:\n"
                "  protected mode answers every TCP client that is not 127.0.0.1 or ::1\n"
                "  with -DENIED and closes it (set --requirepass to serve them)\n",
                srv_addr(s));
    else
        fprintf(stderr,
                "mockredis: WARNING: %s is reachable from other hosts with no password\n"
                "  and protected mode off: anyone who can connect can read and change the\n"
                "  data and steer the server. Set --requirepass, or --bind 127.0.0.1.\n",
                srv_addr(s));
}

/* --enable-mock-commands no|yes|local, as Redis's enable-debug-command. */
static int parse_mock_mode(const char *s, enum core_mock_mode *out)
{
    if (strcmp(s, "no") == 0)
        *out = CORE_MOCK_NO;
    else if (strcmp(s, "yes") == 0)
        *out = CORE_MOCK_YES;
    else if (strcmp(s, "local") == 0)
        *out = CORE_MOCK_LOCAL;
    else {
        fprintf(stderr, "mockredis: --enable-mock-commands takes no, yes or local, not '%s'\n", s);
        return -1;
    }
    return 0;
}

/* The port file: the bound port, one line per node of a cluster in node
 * order. */
static int write_port_file(const char *path, struct srv **srvs, int n)
{
    struct buf text = BUF_INIT;
    for (int i = 0; i < n; i++)
        buf_printf(&text, "%d\n", srv_port(srvs[i]));
    int rc = cmdline_write_file("mockredis", "port file", path, text.p, text.len);
    buf_free(&text);
    return rc;
}

/* mockredis run: MOCKREDIS_CLUSTER_NODES lists a cluster's nodes as
 * "HOST:PORT,HOST:PORT,..." in node order (REDIS_HOST and REDIS_PORT name
 * node 0); unset for one server, so an outer run's value does not leak. */
static void set_cluster_env(struct srv **srvs, int n, int cluster)
{
    struct buf v = BUF_INIT;
    if (!cluster) {
        unsetenv("MOCKREDIS_CLUSTER_NODES");
        return;
    }
    for (int i = 0; i < n; i++)
        buf_printf(&v, "%s%s", i ? "," : "", srv_addr(srvs[i]));
    setenv("MOCKREDIS_CLUSTER_NODES", v.p, 1);
    buf_free(&v);
}

/* Frees the nodes' server states and the cluster they form (NULL: one
 * standalone server). */
static void free_nodes(struct core *cores, int n, struct cluster *cl)
{
    for (int i = 0; i < n; i++)
        core_destroy(&cores[i]);
    free(cores);
    cluster_free(cl);
}

/* Prints the scenario's verdict on stderr (and as JSON to path, as JUnit
 * XML to junit). Returns 0 passed, 1 failed; sets *write_failed when a
 * report could not be written. */
static int report(struct scn_run *run, const char *path, const char *junit, int *write_failed)
{
    struct buf text = BUF_INIT, json = BUF_INIT, xml = BUF_INIT;
    int status = scn_run_verdict(run, &text, &json);
    fputs(text.p, stderr);
    if (path && cmdline_write_file("mockredis", "report", path, json.p, json.len) < 0)
        *write_failed = 1;
    if (junit) {
        scn_run_junit(run, &xml);
        if (cmdline_write_file("mockredis", "JUnit report", junit, xml.p, xml.len) < 0)
            *write_failed = 1;
    }
    buf_free(&text);
    buf_free(&json);
    buf_free(&xml);
    return status;
}

/* What the command line asks beyond one server's configuration. */
struct main_opts {
    const char *port_file, *scn_file, *report_file, *pcap_file, *junit_file;
    int port;              /* --port as given (-1: not given) */
    int cluster, replicas; /* --cluster N (0: standalone), --replicas R */
};

/* A scenario's "cluster N [replicas R]" header starts the cluster when
 * --cluster is not given; given, it must ask for the same one. A scenario
 * without the header plays on one server only (its setup and rules know
 * nothing of nodes). Returns 0, or -1 after saying why on stderr. */
static int cluster_from_scenario(const struct scn *scn, struct main_opts *o)
{
    if (scn->cluster && o->cluster == 0) { /* (--replicas alone was refused before) */
        o->cluster = scn->cluster;
        o->replicas = scn->cluster_replicas;
        return 0;
    }
    if (scn->cluster && (o->cluster != scn->cluster || o->replicas != scn->cluster_replicas)) {
        fprintf(stderr,
                "mockredis: --cluster %d --replicas %d conflicts with the scenario %s: its line "
                "%d says 'cluster %d replicas %d'; drop the options (the header starts the "
                "cluster) or make them agree\n",
                o->cluster, o->replicas, scn->file, scn->cluster_line, scn->cluster,
                scn->cluster_replicas);
        return -1;
    }
    if (!scn->cluster && o->cluster > 0) {
        fprintf(stderr,
                "mockredis: the scenario %s has no 'cluster N' header: it plays on one server, "
                "not on the nodes of --cluster %d; add 'cluster %d replicas %d' to it "
                "(docs/cluster.md, Scenarios)\n",
                scn->file, o->cluster, o->cluster, o->replicas);
        return -1;
    }
    return 0;
}

/* Parses the options into core's configuration and o. Called once per
 * node of a cluster, each time from the first argument: every node gets
 * the same configuration. Returns 0, 1 after --help or --version (printed:
 * exit 0), -1 on a bad option (said on stderr). */
static int parse_options(int argc, char **argv, int run_mode, struct core *core,
                         struct main_opts *o)
{
    enum {
        O_BIND = 256,
        O_PORT,
        O_PORTFILE,
        O_UNIX,
        O_MAXCL,
        O_TIMEOUT,
        O_PASS,
        O_HELP,
        O_VER,
        O_SCN,
        O_REPORT,
        O_PCAP,
        O_PROTECTED,
        O_MOCK,
        O_JUNIT,
        O_NOTIFY,
        O_MAXMEM,
        O_MMPOLICY,
        O_CLUSTER,
        O_REPLICAS
    };
    static const struct option opts[] = {
        {"bind", required_argument, NULL, O_BIND},
        {"port", required_argument, NULL, O_PORT},
        {"port-file", required_argument, NULL, O_PORTFILE},
        {"unixsocket", required_argument, NULL, O_UNIX},
        {"maxclients", required_argument, NULL, O_MAXCL},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"requirepass", required_argument, NULL, O_PASS},
        {"protected-mode", required_argument, NULL, O_PROTECTED},
        {"scenario", required_argument, NULL, O_SCN},
        {"report", required_argument, NULL, O_REPORT},
        {"junit", required_argument, NULL, O_JUNIT},
        {"pcap", required_argument, NULL, O_PCAP},
        {"enable-mock-commands", required_argument, NULL, O_MOCK},
        {"notify-keyspace-events", required_argument, NULL, O_NOTIFY},
        {"maxmemory", required_argument, NULL, O_MAXMEM},
        {"maxmemory-policy", required_argument, NULL, O_MMPOLICY},
        {"cluster", required_argument, NULL, O_CLUSTER},
        {"replicas", required_argument, NULL, O_REPLICAS},
        {"help", no_argument, NULL, O_HELP},
        {"version", no_argument, NULL, O_VER},
        {NULL, 0, NULL, 0},
    };
    int rc = 0;
    optind = 0; /* GNU getopt: start over, from argv[1] */
    opterr = 0;
    for (;;) {
        /* run: options end at the command ("+": no permutation) */
        int opt = getopt_long(argc, argv, run_mode ? "+h" : "h", opts, NULL);
        if (opt == -1)
            break;
        switch (opt) {
        case O_BIND:
            free(core->cfg.bind);
            core->cfg.bind = mem_strdup(optarg);
            core->cfg.bind_default = 0;
            break;
        case O_PORT:
            rc = parse_int("--port", optarg, 0, 65535, &core->cfg.port);
            o->port = core->cfg.port;
            break;
        case O_CLUSTER:
            rc = parse_int("--cluster", optarg, 1, CLUSTER_NODE_MAX, &o->cluster);
            break;
        case O_REPLICAS:
            rc = parse_int("--replicas", optarg, 0, CLUSTER_NODE_MAX - 1, &o->replicas);
            break;
        case O_PORTFILE: o->port_file = optarg; break;
        case O_SCN: o->scn_file = optarg; break;
        case O_REPORT: o->report_file = optarg; break;
        case O_JUNIT: o->junit_file = optarg; break;
        case O_PCAP: o->pcap_file = optarg; break;
        case O_UNIX:
            free(core->cfg.unixsocket);
            core->cfg.unixsocket = mem_strdup(optarg);
            break;
        case O_MAXCL:
            rc = parse_int("--maxclients", optarg, 1, 1000000, &core->cfg.maxclients);
            break;
        case O_TIMEOUT: rc = parse_int("--timeout", optarg, 0, INT_MAX, &core->cfg.timeout); break;
        case O_PASS: core_set_requirepass(core, optarg, strlen(optarg)); break;
        case O_PROTECTED:
            rc = parse_yes_no("--protected-mode", optarg, &core->cfg.protected_mode);
            break;
        case O_MOCK: rc = parse_mock_mode(optarg, &core->cfg.mock); break;
        case O_NOTIFY:
            core->cfg.notify_flags = notify_parse_flags(optarg, strlen(optarg));
            if (core->cfg.notify_flags < 0) {
                fprintf(stderr, "mockredis: --notify-keyspace-events: %s\n", rtext[RT_CFG_NOTIFY]);
                core->cfg.notify_flags = 0;
                rc = -1;
            }
            break;
        case O_MAXMEM: rc = parse_size("--maxmemory", optarg, &core->cfg.maxmemory); break;
        case O_MMPOLICY:
            core->cfg.mm_policy = evict_policy_find(optarg);
            if (core->cfg.mm_policy < 0) {
                fprintf(stderr, "mockredis: --maxmemory-policy: unknown policy '%s'\n", optarg);
                core->cfg.mm_policy = EVICT_NOEVICTION;
                rc = -1;
            }
            break;
        case 'h':
        case O_HELP:
            if (run_mode)
                usage_run(stdout);
            else
                usage(stdout);
            return 1;
        case O_VER:
            printf("mockredis %s (answers as Redis %s)\n", MOCKREDIS_VERSION,
                   MOCKREDIS_REDIS_VERSION);
            return 1;
        default:
            if (optopt)
                fprintf(stderr, "mockredis: option needs a value or is unknown: %s\n",
                        argv[optind - 1]);
            else
                fprintf(stderr, "mockredis: unknown option: %s\n", argv[optind - 1]);
            rc = -1;
            break;
        }
        if (rc < 0)
            break;
    }
    if (rc == 0 && !run_mode && optind < argc) {
        fprintf(stderr, "mockredis: unexpected argument: %s\n", argv[optind]);
        rc = -1;
    }
    if (rc == 0 && run_mode && optind >= argc) {
        fprintf(stderr, "mockredis run: no command to run (mockredis run [OPTIONS] -- COMMAND)\n");
        rc = -1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    struct main_opts o = {.port = -1};
    struct core *cores = NULL;
    struct cluster *cl = NULL;
    int rc, run_mode = 0, nnodes = 1;

    if (argc >= 2 && strcmp(argv[1], "check") == 0)
        return scn_check_main(argc - 2, argv + 2);
    if (argc >= 2 && strcmp(argv[1], "record") == 0)
        return rec_cli_main(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "run") == 0) {
        run_mode = 1;
        argc--;
        argv++;
    }
    cmd_init();
    /* room for every node of a cluster from the start: node 0's state is
     * pointed to (its keyspace's listeners) before --cluster is known, so
     * it must never move (a realloc left them dangling) */
    cores = mem_calloc(CLUSTER_NODE_MAX, sizeof(*cores));
    core_init(&cores[0]);
    if (run_mode)
        cores[0].cfg.port = 0;
    rc = parse_options(argc, argv, run_mode, &cores[0], &o);
    if (rc > 0) { /* --help, --version */
        core_destroy(&cores[0]);
        free(cores);
        return 0;
    }
    if (rc == 0 && (o.report_file || o.junit_file) && !o.scn_file) {
        fprintf(stderr, "mockredis: %s needs --scenario\n", o.report_file ? "--report" : "--junit");
        rc = -1;
    }
    /* Refused now, not after the run. */
    if (rc == 0 && o.report_file)
        rc = check_writable("report", o.report_file);
    if (rc == 0 && o.junit_file)
        rc = check_writable("JUnit report", o.junit_file);
    if (rc == 0 && o.replicas > 0 && o.cluster == 0) {
        fprintf(stderr, "mockredis: --replicas needs --cluster\n");
        rc = -1;
    }
    if (rc == 0 && o.cluster > 0 && o.cluster * (1 + o.replicas) > CLUSTER_NODE_MAX) {
        fprintf(stderr, "mockredis: --cluster %d --replicas %d makes %d nodes; at most %d\n",
                o.cluster, o.replicas, o.cluster * (1 + o.replicas), CLUSTER_NODE_MAX);
        rc = -1;
    }
    /* The scenario first: its "cluster N [replicas R]" header may start the
     * cluster. */
    struct scn *scn = NULL;
    struct scn_run *run = NULL;
    if (rc == 0 && o.scn_file) {
        struct buf diag = BUF_INIT;
        if (scn_check_load(o.scn_file, &scn, &diag) < 0) {
            fputs(diag.p ? diag.p : "", stderr);
            buf_free(&diag);
            core_destroy(&cores[0]);
            free(cores);
            if (run_mode)
                fprintf(stderr, "mockredis run: FAIL: scenario %s is invalid, command not run\n",
                        o.scn_file);
            return run_mode ? RUN_INVALID : 2;
        }
        buf_free(&diag);
        rc = cluster_from_scenario(scn, &o);
    }
    if (rc == 0 && o.cluster > 0 && cores[0].cfg.unixsocket) {
        fprintf(stderr, "mockredis: --unixsocket cannot be used with --cluster (nodes are TCP "
                        "only)\n");
        rc = -1;
    }
    if (rc < 0) {
        scn_free(scn);
        fprintf(stderr, "Try 'mockredis %s--help'.\n", run_mode ? "run " : "");
        core_destroy(&cores[0]);
        free(cores);
        return run_mode ? RUN_USAGE : 2;
    }
    if (o.cluster > 0) {
        char cerr[128];
        nnodes = o.cluster * (1 + o.replicas);
        cl = cluster_new(o.cluster, o.replicas, 0, cerr, sizeof(cerr));
        for (int i = 1; i < nnodes; i++) {
            core_init(&cores[i]);
            if (run_mode)
                cores[i].cfg.port = 0;
            parse_options(argc, argv, run_mode, &cores[i], &o); /* it passed once */
        }
        /* --port P: the nodes listen on P, P+1, ...; otherwise each on an
         * ephemeral port */
        for (int i = 0; i < nnodes; i++) {
            cores[i].cfg.port = o.port > 0 ? o.port + i : 0;
            cluster_attach(cl, i, &cores[i]);
        }
    }

    if (scn) {
        struct buf diag = BUF_INIT;
        if ((run = scn_run_new(scn, &cores[0], &diag)) == NULL) {
            fputs(diag.p ? diag.p : "", stderr);
            buf_free(&diag);
            scn_free(scn);
            free_nodes(cores, nnodes, cl);
            if (run_mode)
                fprintf(stderr, "mockredis run: FAIL: scenario %s is invalid, command not run\n",
                        o.scn_file);
            return run_mode ? RUN_INVALID : 2;
        }
        buf_free(&diag);
    }

    char err[256];
    int status = 0, started = 0, write_failed = 0;
    struct run_result res = {-1, 0, 0, 0};
    struct cap *cap = NULL;
    struct srv **srvs = mem_calloc((size_t)nnodes, sizeof(*srvs));
    struct srv *s = srvs[0] = srv_new(&cores[0], err, sizeof(err));
    for (int i = 1; s && i < nnodes; i++)
        if ((srvs[i] = srv_new_on(&cores[i], s, err, sizeof(err))) == NULL)
            s = NULL;
    if (s == NULL) {
        fprintf(stderr, "mockredis: %s\n", err);
        status = 1;
    } else if (o.pcap_file && (cap = cap_open(o.pcap_file, err, sizeof(err))) == NULL) {
        fprintf(stderr, "mockredis: cannot write capture %s: %s\n", o.pcap_file, err);
        status = 1;
    } else {
        for (int i = 0; i < nnodes; i++) {
            srv_set_capture(srvs[i], cap);
            if (cl) {
                cluster_set_port(cl, i, srv_port(srvs[i]));
                cl->nodes[i].srv = srvs[i];
            }
        }
        if (cl) {
            cluster_set_announce(cl, srv_addr(s));
            cl->node_net = srv_set_listening; /* MOCK CLUSTER DOWN/UP */
        }
        warn_exposure(s, &cores[0]);
        if (run_mode)
            set_cluster_env(srvs, nnodes, cl != NULL);
        /* Signals first: whoever sees the port file may signal at once. */
        srv_catch_signals(s);
        if (o.port_file && write_port_file(o.port_file, srvs, nnodes) < 0) {
            status = 1;
        } else {
            /* run: the command's exit ends the scenario, not "finish" */
            srv_set_scenario(s, scn, run, !run_mode); /* s owns them from here */
            scn = NULL;
            run = NULL;
            if (!run_mode) {
                for (int i = 0; i < nnodes; i++)
                    printf("listening on %s\n", srv_addr(srvs[i]));
                fflush(stdout);
                srv_run(s);
                started = 1;
            } else if (run_cli_command(s, argv + optind, &res) == 0)
                started = 1;
            /* The scenario at the end: MOCK SCENARIO LOAD may have replaced it. */
            if (started && o.scn_file && srv_scenario(s)) {
                scn_run_end(srv_scenario(s));
                status = report(srv_scenario(s), o.report_file, o.junit_file, &write_failed);
            }
        }
    }
    /* before cap_close: writes the teardown of open connections; the
     * nodes that share the first one's loop before it */
    for (int i = nnodes - 1; i >= 0; i--)
        srv_free(srvs[i]);
    free(srvs);
    if (cap && cap_errstr(cap)[0])
        fprintf(stderr, "mockredis: capture %s: %s\n", o.pcap_file, cap_errstr(cap));
    if (cap_close(cap) != 0)
        write_failed = 1;
    scn_run_free(run);
    scn_free(scn);
    free_nodes(cores, nnodes, cl);
    if (!run_mode)
        return status || write_failed || !started ? 1 : 0;
    if (!started) {
        fprintf(stderr, "mockredis run: FAIL: the server could not start, command not run\n");
        return RUN_NO_SERVER;
    }
    char line[256];
    status = (int)run_cli_status(&res, status, line, sizeof(line));
    fprintf(stderr, "%s%s\n", line, write_failed ? "; a report could not be written" : "");
    return write_failed && status == RUN_OK ? RUN_NO_SERVER : status;
}
