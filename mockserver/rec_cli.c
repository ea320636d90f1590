/* rec_cli.c - `mockredis record`: options, capture in, scenario out.
 *
 * The I/O shell around the recorder: rec_pcapin.c reads the frames (a file, or
 * a live interface until SIGINT/SIGTERM or --count frames), rec_tcpre.c
 * reassembles them, rec.c builds the scenario in memory; this file writes
 * it (to -o FILE through a temporary file and a rename, so a reader never
 * sees half a scenario, or to standard output) and prints the summary.
 * Nothing here parses bytes. */
#include "rec_cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmdline.h"
#include "mr_err.h"
#include "rec.h"
#include "rec_pcapin.h"
#include "rec_tcpre.h"
#include "scn.h"
#include "scn_file.h"

static volatile sig_atomic_t stop_flag;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: mockredis record CAPTURE [-o FILE] [--port N] [--no-delays] [--min-delay D]\n"
            "       mockredis record --iface IFACE --port N [--count N] [-o FILE] [...]\n"
            "Turns a capture of a client talking to Redis into a strict-replay scenario\n"
            "(docs/scenarios.md, \"Recording\"); replay it with mockredis --scenario FILE.\n"
            "\n"
            "  CAPTURE            a pcap or pcapng file (tcpdump, Wireshark, mockredis --pcap);\n"
            "                     - for standard input\n"
            "  -o, --output FILE  write the scenario to FILE (default: standard output)\n"
            "  --port N           the server's TCP port; default: guessed (the side that\n"
            "                     received the SYN, else 6379, else the lower port)\n"
            "  --no-delays        write no delays\n"
            "  --min-delay D      write a reply's delay only when the server took at least D\n"
            "                     (a duration: 500us, 1ms, 2.5ms; default 1ms)\n"
            "  --iface IFACE      capture live on IFACE (root or CAP_NET_RAW), needs --port;\n"
            "                     stops on SIGINT/SIGTERM or after --count frames\n"
            "  --count N          live: stop after N frames\n"
            "  -h, --help         show this help\n"
            "\n"
            "Prints a summary on stderr ('recorded 2 connections, 57 commands; skipped: ...').\n"
            "What could not be recorded is named in comments at the top of the scenario.\n"
            "Exit status: 0 a scenario was written (warnings on stderr), 1 nothing usable\n"
            "(unreadable capture, no command with its reply, output not writable), 2 bad usage.\n");
}

/* Writes text to path (whole, via a rename), or to stdout when path is NULL. */
static int write_out(const char *path, const struct buf *text)
{
    const char *p = text->p ? text->p : "";
    if (path)
        return cmdline_write_file("mockredis record", "scenario", path, p, text->len);
    if (fwrite(p, 1, text->len, stdout) != text->len || fflush(stdout) != 0) {
        fprintf(stderr, "mockredis record: cannot write to standard output: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

/* Says that nothing was recorded. With --port (port > 0), names the ports
 * the capture's other TCP traffic went to, busiest first, and suggests the
 * busiest: a wrong --port is the usual cause. */
static void no_steps(long port, const struct tcpre_stats *st)
{
    if (port == 0 || st->nother_ports == 0) {
        fprintf(stderr,
                "mockredis record: no command with its reply found%s: no scenario written\n",
                port ? " (and no TCP traffic on other ports)" : "");
        return;
    }
    int order[TCPRE_OTHER_PORTS];
    for (int i = 0; i < st->nother_ports; i++) { /* by segments, busiest first */
        int j = i;
        for (; j > 0 && st->other_port_segs[order[j - 1]] < st->other_port_segs[i]; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    fprintf(stderr,
            "mockredis record: no command with its reply found on port %ld: no scenario "
            "written\nmockredis record: the capture has TCP traffic on port%s ",
            port, st->nother_ports > 1 ? "s" : "");
    for (int i = 0; i < st->nother_ports; i++)
        fprintf(stderr, "%s%u (%llu segments)", i ? ", " : "", (unsigned)st->other_ports[order[i]],
                (unsigned long long)st->other_port_segs[order[i]]);
    fprintf(stderr, "%s; try --port %u\n", st->other_ports_more ? " and more" : "",
            (unsigned)st->other_ports[order[0]]);
}

int rec_cli_main(int argc, char **argv)
{
    enum { O_PORT = 256, O_NODELAY, O_MINDELAY, O_IFACE, O_COUNT, O_HELP };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"port", required_argument, NULL, O_PORT},
        {"no-delays", no_argument, NULL, O_NODELAY},
        {"min-delay", required_argument, NULL, O_MINDELAY},
        {"iface", required_argument, NULL, O_IFACE},
        {"count", required_argument, NULL, O_COUNT},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    struct rec_opts ro;
    struct pcapin_opts po;
    const char *out_path = NULL;
    long port = 0, count = 0;
    int have_port = 0, rc = 0;
    rec_opts_init(&ro);
    memset(&po, 0, sizeof(po));

    opterr = 0;
    optind = 1;
    for (;;) {
        int o = getopt_long(argc, argv, "ho:", opts, NULL);
        if (o == -1)
            break;
        switch (o) {
        case 'o': out_path = optarg; break;
        case O_PORT:
            rc = cmdline_number("mockredis record", "--port", optarg, 1, 65535, &port);
            have_port = 1;
            break;
        case O_NODELAY: ro.no_delays = 1; break;
        case O_MINDELAY:
            if (scn_parse_duration(optarg, strlen(optarg), &ro.min_delay_us) < 0) {
                fprintf(stderr,
                        "mockredis record: --min-delay expects a duration such as 1ms, "
                        "got '%s' (" SCN_DURATION_UNITS ")\n",
                        optarg);
                rc = -1;
            }
            break;
        case O_IFACE: po.iface = optarg; break;
        case O_COUNT:
            rc = cmdline_number("mockredis record", "--count", optarg, 1, LONG_MAX, &count);
            break;
        case 'h':
        case O_HELP: usage(stdout); return 0;
        default:
            if (optopt)
                fprintf(stderr, "mockredis record: option needs a value or is unknown: %s\n",
                        argv[optind - 1]);
            else
                fprintf(stderr, "mockredis record: unknown option: %s\n", argv[optind - 1]);
            rc = -1;
            break;
        }
        if (rc < 0)
            break;
    }
    if (rc == 0) {
        if (po.iface == NULL && optind + 1 == argc) {
            po.file = argv[optind];
        } else if (po.iface == NULL) {
            fprintf(stderr, optind >= argc ? "mockredis record: give a capture file or --iface\n"
                                           : "mockredis record: one capture file only\n");
            rc = -1;
        } else if (optind < argc) {
            fprintf(stderr, "mockredis record: --iface and a capture file exclude each other\n");
            rc = -1;
        } else if (!have_port) {
            fprintf(stderr, "mockredis record: --iface needs --port (the server's port)\n");
            rc = -1;
        }
        if (rc == 0 && count > 0 && po.iface == NULL) {
            fprintf(stderr, "mockredis record: --count applies to --iface only\n");
            rc = -1;
        }
    }
    if (rc < 0) {
        fprintf(stderr, "Try 'mockredis record --help'.\n");
        return 2;
    }

    /* rec_new copies the source's name; only the live one needs formatting. */
    char live[256];
    if (po.iface) {
        snprintf(live, sizeof(live), "interface %.200s, tcp port %ld", po.iface, port);
        ro.source = live;
    } else {
        ro.source = strcmp(po.file, "-") == 0 ? "standard input" : po.file;
    }
    po.port = (uint16_t)port;
    po.count = count;

    struct rec *r = rec_new(&ro);
    struct tcpre_sink sink;
    rec_sink(r, &sink);
    struct tcpre *t = tcpre_new(&sink, (uint16_t)port);

    struct sigaction sa, old_int, old_term;
    if (po.iface) {
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = on_stop_signal; /* no SA_RESTART: a blocked read returns */
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        po.stop = &stop_flag;
        fprintf(stderr, "mockredis record: capturing on %s, tcp port %ld; stop with Ctrl-C%s\n",
                po.iface, port, count > 0 ? " or after --count frames" : "");
    }
    char err[512] = "";
    long frames = 0;
    int prc = pcapin_run(&po, t, &frames, err, sizeof(err));
    if (po.iface) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
    }
    if (prc != 0 && prc != MR_EEOF) {
        fprintf(stderr, "mockredis record: %s\n", err[0] ? err : mr_strerror(prc));
        tcpre_free(t);
        rec_free(r);
        return 1;
    }
    if (prc == MR_EEOF)
        fprintf(stderr, "mockredis record: warning: %s (the frames before it are used)\n", err);

    /* Connections to several servers (a cluster's nodes) make no faithful
     * replay: refused, unless --port picked one of them. */
    uint16_t ports[8];
    int nports = have_port ? 1 : rec_server_ports(r, ports, 8);
    if (nports > 1) {
        fprintf(stderr, "mockredis record: the capture talks to %d server ports (", nports);
        for (int i = 0; i < nports && i < 8; i++)
            fprintf(stderr, "%s%u", i ? ", " : "", (unsigned)ports[i]);
        fprintf(stderr,
                "%s: a cluster?): recording a cluster is not supported, no scenario written.\n"
                "  A replay would not be faithful: it numbers connections in the order the\n"
                "  nodes accept them, which a cluster client does not keep from run to run,\n"
                "  and the recorded MOVED/ASK replies name the recorded nodes' ports, not the\n"
                "  replay's. Record one node with --port %u (its connections only), or write a\n"
                "  'cluster N' scenario with rules (docs/cluster.md, Scenarios).\n",
                nports > 8 ? ", ..." : "", (unsigned)ports[0]);
        tcpre_free(t);
        rec_free(r);
        return 1;
    }
    struct tcpre_stats st;
    tcpre_stats(t, &st);
    struct buf text = BUF_INIT, sum = BUF_INIT;
    long long steps = rec_write(r, &st, prc == MR_EEOF ? err : NULL, &text);
    rec_summary(r, &sum);
    fprintf(stderr, "mockredis record: %ld frames read; %s\n", frames, sum.p);
    int status = 0;
    if (steps == 0) {
        no_steps(have_port ? port : 0, &st);
        status = 1;
    } else {
        if ((long long)text.len > SCN_FILE_MAX)
            fprintf(stderr,
                    "mockredis record: warning: the scenario is %zu bytes, over the "
                    "%lld MiB mockredis loads; record a shorter capture\n",
                    text.len, SCN_FILE_MAX >> 20);
        if (write_out(out_path, &text) < 0)
            status = 1;
    }
    buf_free(&text);
    buf_free(&sum);
    tcpre_free(t);
    rec_free(r);
    return status;
}
