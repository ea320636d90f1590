/* cmd_monitor.c - MONITOR, and the monitors' registry and lines (monitor.h).
 *
 * MONITOR answers +OK and makes the client a monitor; a client that is one
 * already gets no reply at all, and a client that cannot wait for output
 * (inside EXEC: CL_DENY_BLOCKING) gets Redis's error, as Redis 7.0.15 does.
 * The row carries Redis's flags: admin, so MONITOR itself is never shown,
 * noscript, so a script cannot run it.
 *
 * What a monitor may still send is the dispatcher's check (cmd.c: Redis
 * treats a monitor as a replica and refuses it every command that reads or
 * writes the keyspace or may replicate); RESET ends monitoring (cmd_conn.c)
 * and so does closing the connection (core_client_free).
 *
 * Not here: which commands are shown, and when -- cmd.c feeds a command
 * after it ran (EVAL/FCALL before, so the commands their script calls come
 * after them), plan.c a command a scenario rule answers in its place. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "mem.h"
#include "monitor.h"
#include "reply.h"

void mon_add(struct core *core, struct client *c)
{
    if (core->nmonitors == core->capmonitors) {
        core->capmonitors = core->capmonitors ? core->capmonitors * 2 : 4;
        core->monitors = mem_realloc(core->monitors, core->capmonitors * sizeof(*core->monitors));
    }
    core->monitors[core->nmonitors++] = c;
    c->flags |= CL_MONITOR;
}

void mon_remove(struct core *core, struct client *c)
{
    if (!(c->flags & CL_MONITOR))
        return;
    c->flags &= ~CL_MONITOR;
    for (size_t i = 0; i < core->nmonitors; i++) {
        if (core->monitors[i] == c) {
            memmove(&core->monitors[i], &core->monitors[i + 1],
                    (core->nmonitors - i - 1) * sizeof(*core->monitors));
            core->nmonitors--;
            return;
        }
    }
}

/* One argument as Redis's sdscatrepr quotes it. */
static void quote(struct buf *out, const char *p, size_t n)
{
    buf_append(out, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        switch (ch) {
        case '\\': buf_append(out, "\\\\", 2); break;
        case '"': buf_append(out, "\\\"", 2); break;
        case '\n': buf_append(out, "\\n", 2); break;
        case '\r': buf_append(out, "\\r", 2); break;
        case '\t': buf_append(out, "\\t", 2); break;
        case '\a': buf_append(out, "\\a", 2); break;
        case '\b': buf_append(out, "\\b", 2); break;
        default:
            if (ch >= 0x20 && ch <= 0x7e) /* isprint in the C locale */
                buf_append(out, (const char *)&ch, 1);
            else
                buf_printf(out, "\\x%02x", ch);
        }
    }
    buf_append(out, "\"", 1);
}

void mon_format(struct buf *out, int64_t now_us, int db, const char *who, int argc,
                char *const *argv, const size_t *argl, const unsigned char *redacted)
{
    buf_printf(out, "%lld.%06lld [%d %s]", (long long)(now_us / 1000000),
               (long long)(now_us % 1000000), db, who);
    for (int i = 0; i < argc; i++) {
        buf_append(out, " ", 1);
        if (redacted && redacted[i])
            quote(out, "(redacted)", 10);
        else
            quote(out, argv[i], argl[i]);
    }
}

void mon_feed(struct core *core, const struct client *c, int argc, char *const *argv,
              const size_t *argl, const unsigned char *redacted)
{
    if (core->nmonitors == 0)
        return;
    /* The scenario's detached internal client (setup, actions: id 0, no
     * socket) is the world acting, as an expiry is: never shown. */
    if (c->id == 0 && !(c->flags & CL_SCRIPT))
        return;
    char who[sizeof(c->addr) + 8];
    const char *w = c->addr;
    if (c->flags & CL_SCRIPT) {
        w = "lua";
    } else if (c->flags & CL_UNIX) {
        snprintf(who, sizeof(who), "unix:%s", core->cfg.unixsocket ? core->cfg.unixsocket : "");
        w = who;
    }
    struct buf line = BUF_INIT;
    buf_append(&line, "+", 1);
    int64_t now_us = clk_now_us(&core->clock);
    mon_format(&line, now_us < 0 ? 0 : now_us, c->dbi, w, argc, argv, argl, redacted);
    buf_append(&line, "\r\n", 2);
    for (size_t i = 0; i < core->nmonitors; i++) {
        struct client *m = core->monitors[i];
        if (m->flags & (CL_CLOSE_AFTER_REPLY | CL_CLOSE_ASAP))
            continue;
        size_t before = m->out.len;
        buf_append(&m->out, line.p, line.len);
        if (m != c && core->on_output)
            core->on_output(core->on_output_ud, m, before);
    }
    buf_free(&line);
}

static void monitor_cmd(struct call *k)
{
    struct client *c = k->c;
    /* A client that needs one reply per command (its EXEC) cannot be one. */
    if (c->flags & CL_DENY_BLOCKING) {
        reply_err(c, RT_MONITOR_DENY_BLOCKING);
        return;
    }
    if (c->flags & CL_MONITOR) /* already one: Redis answers nothing */
        return;
    mon_add(k->core, c);
    reply_ok(c);
}

// clang-format off
struct cmd_def cmd_monitor_table[] = {
    {.name = "monitor", .fn = monitor_cmd,
     .arity = 1, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS,
     .since = "1.0.0", .group = "server",
     .summary = "Shows every command the server runs, as it runs it."},
    {.name = NULL},
};
// clang-format on
