/* cmd_conn.c - connection commands: PING ECHO QUIT SELECT AUTH HELLO RESET
 * and CLIENT (ID SETNAME GETNAME LIST INFO KILL NO-EVICT PAUSE UNPAUSE REPLY HELP, and
 * client tracking's TRACKING CACHING GETREDIR TRACKINGINFO, whose registry
 * is tracking.c's).
 *
 * Users: there is one, "default", as in a Redis without an ACL file. It has
 * no password unless requirepass is set; AUTH and HELLO ... AUTH check
 * against core->cfg.requirepass. ACL rules and other users are
 * deliberately absent. CLIENT PAUSE/UNPAUSE hold commands (pause.h),
 * CLIENT REPLY's modes are applied by cmd_dispatch, CLIENT NO-EVICT only
 * sets its flag (e).
 *
 * CLIENT LIST prints Redis 7.0's line, field for field in Redis's order:
 *   id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free
 *   argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp
 * Fields about Redis's memory layout (argv-mem, rbs, tot-mem, ...) are
 * plausible figures derived from our own buffers, not Redis's.
 *
 * Killing another client closes its socket at once through the network side
 * (srv_close_client); a client that kills itself gets its reply first, then
 * is closed (CL_CLOSE_AFTER_REPLY). Without a network side (unit tests) a
 * killed client is only flagged CL_CLOSE_ASAP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "block.h"
#include "cluster.h"
#include "cmd.h"
#include "mem.h"
#include "monitor.h"
#include "pause.h"
#include "pubsub.h"
#include "reply.h"
#include "server.h"
#include "tracking.h"
#include "util.h"
#include "version.h"
#include "watch.h"

/* Argument i as a Redis integer, without replying: 1 on success. */
static int arg_int(const struct call *k, int i, long long *out)
{
    return util_str2ll(k->argv[i], k->argl[i], out);
}

/* ---- small commands -------------------------------------------------------- */

static void ping_cmd(struct call *k)
{
    if (k->argc > 2) {
        reply_errf(k->c, rtext[RT_ARITY_FMT], "ping");
        return;
    }
    if (k->c->proto == 2 && ps_total(k->c) > 0) {
        /* A subscribed RESP2 client gets an array, the form messages take. */
        reply_array(k->c, 2);
        reply_cstr(k->c, "pong");
        reply_bulk(k->c, k->argc == 2 ? k->argv[1] : "", k->argc == 2 ? k->argl[1] : 0);
    } else if (k->argc == 2) {
        reply_bulk(k->c, k->argv[1], k->argl[1]);
    } else {
        reply_simple(k->c, "PONG");
    }
}

static void echo_cmd(struct call *k)
{
    reply_bulk(k->c, k->argv[1], k->argl[1]);
}

static void quit_cmd(struct call *k)
{
    reply_ok(k->c);
    k->c->flags |= CL_CLOSE_AFTER_REPLY;
}

static void select_cmd(struct call *k)
{
    long long id;
    if (arg_ll(k, 1, &id) < 0)
        return;
    /* cluster mode has db 0 only; SELECT 0 is fine */
    if (k->core->cluster != NULL && id != 0) {
        reply_err(k->c, RT_CL_SELECT);
        return;
    }
    if (id < 0 || id >= DB_COUNT) {
        reply_err(k->c, RT_DBINDEX);
        return;
    }
    k->c->dbi = (int)id;
    reply_ok(k->c);
}

/* ---- authentication ------------------------------------------------------------ */

/* Redis's ACLAuthenticateUser for the one user we have: 1 when user/pass
 * would log in as "default". Without requirepass any password is accepted
 * (the default user is "nopass"). */
static int auth_check(struct core *core, const char *user, size_t ulen, const char *pass,
                      size_t plen)
{
    if (ulen != 7 || memcmp(user, "default", 7) != 0)
        return 0;
    const char *want = core->cfg.requirepass;
    if (want == NULL)
        return 1;
    return core->cfg.requirepass_len == plen && memcmp(want, pass, plen) == 0;
}

static void auth_cmd(struct call *k)
{
    if (k->argc > 3) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    /* Monitors see the arguments as "(redacted)", however AUTH ends. */
    arg_redact(k, 1);
    if (k->argc == 3)
        arg_redact(k, 2);
    const char *user = "default", *pass;
    size_t ulen = 7, plen;
    if (k->argc == 2) {
        if (k->core->cfg.requirepass == NULL) {
            reply_err(k->c, RT_AUTH_NOPASS);
            return;
        }
        pass = k->argv[1];
        plen = k->argl[1];
    } else {
        user = k->argv[1];
        ulen = k->argl[1];
        pass = k->argv[2];
        plen = k->argl[2];
    }
    if (!auth_check(k->core, user, ulen, pass, plen)) {
        reply_err(k->c, RT_WRONGPASS);
        return;
    }
    k->c->authed = 1;
    reply_ok(k->c);
}

/* Redis's validateClientName: every byte printable ASCII, no space. */
static int name_valid(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '!' || p[i] > '~')
            return 0;
    return 1;
}

static void set_name(struct client *c, const char *p, size_t n)
{
    free(c->name);
    c->name = n ? mem_dup(p, n) : NULL;
}

static void hello_cmd(struct call *k)
{
    struct client *c = k->c;
    long long ver = 0;
    int i = 1;
    if (k->argc >= 2) {
        if (!arg_int(k, 1, &ver)) {
            reply_err(c, RT_HELLO_PROTO_NOTINT);
            return;
        }
        if (ver < 2 || ver > 3) {
            reply_err(c, RT_NOPROTO);
            return;
        }
        i = 2;
    }
    /* Each option acts as Redis 7.0.15 reads it, at once: an error further
     * on leaves an AUTH done and a name set. */
    for (; i < k->argc; i++) {
        int more = k->argc - 1 - i;
        if (arg_is(k, i, "auth") && more >= 2) {
            arg_redact(k, i + 1); /* for monitors, from here on */
            arg_redact(k, i + 2);
            if (!auth_check(k->core, k->argv[i + 1], k->argl[i + 1], k->argv[i + 2],
                            k->argl[i + 2])) {
                reply_err(c, RT_WRONGPASS);
                return;
            }
            c->authed = 1;
            i += 2;
        } else if (arg_is(k, i, "setname") && more >= 1) {
            if (!name_valid(k->argv[i + 1], k->argl[i + 1])) {
                reply_err(c, RT_CLIENT_NAME_INVALID);
                return;
            }
            set_name(c, k->argv[i + 1], k->argl[i + 1]);
            i++;
        } else {
            reply_errf(c, rtext[RT_HELLO_OPT_FMT], k->argv[i]);
            return;
        }
    }
    if (!c->authed) {
        reply_err(c, RT_HELLO_NOAUTH);
        return;
    }
    if (ver)
        c->proto = (int)ver;
    reply_map(c, 7);
    reply_cstr(c, "server");
    reply_cstr(c, "redis");
    reply_cstr(c, "version");
    reply_cstr(c, MOCKREDIS_REDIS_VERSION);
    reply_cstr(c, "proto");
    reply_int(c, c->proto);
    reply_cstr(c, "id");
    reply_int(c, (long long)c->id);
    reply_cstr(c, "mode");
    reply_cstr(c, k->core->cluster ? "cluster" : "standalone");
    reply_cstr(c, "role"); /* a replica node of a cluster is one */
    reply_cstr(c, k->core->cluster && cluster_self(k->core)->primary >= 0 ? "replica" : "master");
    reply_cstr(c, "modules");
    reply_array(c, 0);
}

static void reset_cmd(struct call *k)
{
    struct client *c = k->c;
    for (int i = 0; i < c->mq_len; i++)
        resp_argv_free(c->mq[i]);
    c->mq_len = 0;
    c->flags &= ~(CL_MULTI | CL_DIRTY_EXEC);
    watch_forget(k->core, c);
    ps_forget(k->core, c);
    mon_remove(k->core, c); /* before RESET is shown: not to itself */
    tracking_disable(k->core, c);
    c->proto = 2;
    c->dbi = 0;
    set_name(c, NULL, 0);
    c->authed = k->core->cfg.requirepass == NULL;
    reply_simple(c, "RESET");
}

/* ---- CLIENT ---------------------------------------------------------------------- */

struct fullname_search {
    const struct cmd_def *def;
    char *out;
    size_t size;
    int found;
};

static void fullname_visit(const struct cmd_def *cmd, void *ud)
{
    struct fullname_search *fs = ud;
    if (fs->found)
        return;
    if (cmd == fs->def) {
        cmd_fullname(cmd, NULL, fs->out, fs->size);
        fs->found = 1;
        return;
    }
    for (const struct cmd_def *s = cmd->subs; s && s->name; s++) {
        if (s == fs->def) {
            cmd_fullname(s, cmd, fs->out, fs->size);
            fs->found = 1;
            return;
        }
    }
}

/* "client|list" for a subcommand: c->lastcmd is its entry in the command
 * table, found by address (names are not unique: GET and CONFIG GET). */
static void lastcmd_name(const struct client *c, char *out, size_t size)
{
    struct fullname_search fs = {c->lastcmd, out, size, 0};
    if (c->lastcmd)
        cmd_each(fullname_visit, &fs);
    if (!fs.found)
        snprintf(out, size, "%s", "NULL");
}

/* Appends one CLIENT LIST line, "\n" included. Of the pending output,
 * obl is the part in what would be Redis's 16 KiB static buffer, omem the
 * rest: what client-output-buffer-limit counts (obuf.h). */
/* Whether c has client tracking on (tracking.h). */
static int tracking_on(const struct client *c)
{
    return c->trk != NULL && (c->trk->flags & TRK_ON);
}

static void client_line(struct buf *b, const struct client *c, int64_t now)
{
    char flags[12], cmd[96];
    int nf = 0;
    if (c->flags & CL_MONITOR)
        flags[nf++] = 'O';
    if (ps_total(c) > 0)
        flags[nf++] = 'P';
    if (c->flags & CL_MULTI)
        flags[nf++] = 'x';
    if (c->flags & CL_BLOCKED)
        flags[nf++] = 'b';
    if (tracking_on(c))
        flags[nf++] = 't';
    if (tracking_on(c) && (c->trk->flags & TRK_BROKEN))
        flags[nf++] = 'R';
    if (tracking_on(c) && (c->trk->flags & TRK_BCAST))
        flags[nf++] = 'B';
    if (c->flags & CL_DIRTY_CAS)
        flags[nf++] = 'd';
    if (c->flags & CL_CLOSE_AFTER_REPLY)
        flags[nf++] = 'c';
    if (c->flags & CL_CLOSE_ASAP)
        flags[nf++] = 'A';
    if (c->flags & CL_UNIX)
        flags[nf++] = 'U';
    if (c->flags & CL_NO_EVICT)
        flags[nf++] = 'e';
    if (nf == 0)
        flags[nf++] = 'N';
    flags[nf] = '\0';
    lastcmd_name(c, cmd, sizeof(cmd));
    /* Redis's qbuf: what its query buffer holds, the running command's
     * batch included; qbuf-free: the rest of the buffer as Redis 7.0.15
     * (jemalloc) sizes it after a read of up to 16 KiB (20474 bytes). */
    size_t qbuf = c->in.len + c->qbuf_running;
    size_t qfree = qbuf == 0          ? 0
                   : qbuf < 20474     ? 20474 - qbuf
                   : c->in.cap > qbuf ? c->in.cap - qbuf
                                      : 0;
    size_t mmem = 0;
    for (int i = 0; i < c->mq_len; i++)
        for (int j = 0; j < c->mq[i]->argc; j++)
            mmem += c->mq[i]->argl[j];
    size_t rbs = c->out.cap > 1024 ? c->out.cap : 1024;
    size_t omem = obuf_counted(c->out.len + c->out_held);
    size_t obl = c->out.len + c->out_held - omem;
    buf_printf(b,
               "id=%llu addr=%s laddr=%s fd=%d name=%s age=%lld idle=%lld flags=%s db=%d "
               "sub=%zu psub=%zu ssub=%zu multi=%d qbuf=%zu qbuf-free=%zu argv-mem=0 multi-mem=%zu "
               "rbs=%zu rbp=%zu obl=%zu oll=0 omem=%zu tot-mem=%zu events=%s cmd=%s user=default "
               "redir=%lld resp=%d\n",
               (unsigned long long)c->id, c->addr, c->laddr, c->fd, c->name ? c->name : "",
               (long long)((now - c->ctime_ms) / 1000), (long long)((now - c->atime_ms) / 1000),
               flags, c->dbi, ps_count(c, PS_CHANNEL), ps_count(c, PS_PATTERN),
               ps_count(c, PS_SHARD), (c->flags & CL_MULTI) ? c->mq_len : -1, qbuf, qfree, mmem,
               rbs, c->out.len, obl, omem, sizeof(*c) + c->in.cap + rbs + mmem,
               c->out.len ? "rw" : "r", cmd, tracking_on(c) ? c->trk->redirect : -1LL, c->proto);
}

void cmd_client_info(struct buf *b, const struct client *c, int64_t now_ms)
{
    client_line(b, c, now_ms);
    if (b->len > 0 && b->p[b->len - 1] == '\n')
        b->p[--b->len] = '\0';
}

/* Clients in connection order (oldest first), like Redis's client list. */
static struct client *oldest_client(struct core *core)
{
    struct client *c = core->clients;
    while (c && c->next)
        c = c->next;
    return c;
}

/* Redis's getClientTypeByName: 0 normal, 1 replica, 2 pubsub, 3 master. */
static int client_type(const char *s)
{
    if (!strcasecmp(s, "normal"))
        return 0;
    if (!strcasecmp(s, "slave") || !strcasecmp(s, "replica"))
        return 1;
    if (!strcasecmp(s, "pubsub"))
        return 2;
    if (!strcasecmp(s, "master"))
        return 3;
    return -1;
}

/* The type c is of (client_type's numbers): we have no replicas nor
 * masters, and a client with subscriptions is "pubsub", in RESP3 too. */
static int client_kind(const struct client *c)
{
    return ps_total(c) > 0 ? 2 : 0;
}

static struct client *client_by_id(struct core *core, unsigned long long id)
{
    for (struct client *c = core->clients; c; c = c->next)
        if (c->id == id)
            return c;
    return NULL;
}

static void client_id_cmd(struct call *k)
{
    reply_int(k->c, (long long)k->c->id);
}

static void client_setname_cmd(struct call *k)
{
    if (!name_valid(k->argv[2], k->argl[2])) {
        reply_err(k->c, RT_CLIENT_NAME_INVALID);
        return;
    }
    set_name(k->c, k->argv[2], k->argl[2]);
    reply_ok(k->c);
}

static void client_getname_cmd(struct call *k)
{
    if (k->c->name)
        reply_cstr(k->c, k->c->name);
    else
        reply_null(k->c);
}

static void client_list_cmd(struct call *k)
{
    struct buf b = BUF_INIT;
    int64_t now = cmd_now(k);
    int type = -1;
    if (k->argc == 4 && arg_is(k, 2, "type")) {
        type = client_type(k->argv[3]);
        if (type < 0) {
            reply_errf(k->c, rtext[RT_CLIENT_TYPE_FMT], k->argv[3]);
            return;
        }
    } else if (k->argc > 3 && arg_is(k, 2, "id")) {
        for (int i = 3; i < k->argc; i++) {
            long long id;
            if (!arg_int(k, i, &id)) {
                buf_free(&b);
                reply_err(k->c, RT_CLIENT_ID_INVALID);
                return;
            }
            struct client *c = client_by_id(k->core, (unsigned long long)id);
            if (c)
                client_line(&b, c, now);
        }
        reply_verbatim(k->c, b.p ? b.p : "", b.len);
        buf_free(&b);
        return;
    } else if (k->argc != 2) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    for (struct client *c = oldest_client(k->core); c; c = c->prev)
        if (type == -1 || type == client_kind(c))
            client_line(&b, c, now);
    reply_verbatim(k->c, b.p ? b.p : "", b.len);
    buf_free(&b);
}

static void client_info_cmd(struct call *k)
{
    struct buf b = BUF_INIT;
    client_line(&b, k->c, cmd_now(k));
    reply_verbatim(k->c, b.p, b.len);
    buf_free(&b);
}

/* Closes another client now, or flags it when there is no network side or
 * when it is the one whose command is running (a scenario event run from
 * inside it): its caller closes it once the command is over. */
static void kill_other(struct core *core, struct client *victim)
{
    if (core->srv && victim->io && victim != core->running)
        srv_close_client(core->srv, victim);
    else
        victim->flags |= CL_CLOSE_ASAP;
}

/* CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends another client's BLPOP & co. */
static void client_unblock_cmd(struct call *k)
{
    long long id;
    if (k->argc > 4) {
        reply_errf(k->c, rtext[RT_SUBCMD_SYNTAX_FMT], k->argv[1], "CLIENT");
        return;
    }
    int error = 0; /* the reason is checked before the id, as in Redis */
    if (k->argc == 4) {
        if (arg_is(k, 3, "error")) {
            error = 1;
        } else if (!arg_is(k, 3, "timeout")) {
            reply_err(k->c, RT_UNBLOCK_REASON);
            return;
        }
    }
    if (arg_ll(k, 2, &id) < 0)
        return;
    for (struct client *c = k->core->clients; c; c = c->next) {
        if (c->id == (unsigned long long)id) {
            reply_int(k->c, block_unblock(k->core, c, error));
            return;
        }
    }
    reply_int(k->c, 0);
}

static void client_kill_cmd(struct call *k)
{
    const char *addr = NULL, *laddr = NULL;
    int type = -1, skipme = 1;
    long long id = 0;

    if (k->argc == 3) {
        addr = k->argv[2]; /* the old form: CLIENT KILL addr:port, may kill oneself */
        skipme = 0;
    } else {
        for (int i = 2; i < k->argc; i += 2) {
            int more = k->argc > i + 1;
            if (arg_is(k, i, "id") && more) {
                if (!arg_int(k, i + 1, &id) || id < 1) {
                    reply_err(k->c, RT_CLIENT_ID_NOTPOS);
                    return;
                }
            } else if (arg_is(k, i, "type") && more) {
                type = client_type(k->argv[i + 1]);
                if (type < 0) {
                    reply_errf(k->c, rtext[RT_CLIENT_TYPE_FMT], k->argv[i + 1]);
                    return;
                }
            } else if (arg_is(k, i, "addr") && more) {
                addr = k->argv[i + 1];
            } else if (arg_is(k, i, "laddr") && more) {
                laddr = k->argv[i + 1];
            } else if (arg_is(k, i, "user") && more) {
                if (strcmp(k->argv[i + 1], "default") != 0) {
                    reply_errf(k->c, rtext[RT_NO_SUCH_USER_FMT], k->argv[i + 1]);
                    return;
                }
            } else if (arg_is(k, i, "skipme") && more) {
                if (arg_is(k, i + 1, "yes")) {
                    skipme = 1;
                } else if (arg_is(k, i + 1, "no")) {
                    skipme = 0;
                } else {
                    reply_err(k->c, RT_SYNTAX);
                    return;
                }
            } else {
                reply_err(k->c, RT_SYNTAX);
                return;
            }
        }
    }

    long long killed = 0;
    int kill_self = 0;
    struct client *c = k->core->clients, *next;
    for (; c; c = next) {
        next = c->next;
        if (addr && strcmp(c->addr, addr) != 0)
            continue;
        if (laddr && strcmp(c->laddr, laddr) != 0)
            continue;
        if (type != -1 && type != client_kind(c))
            continue;
        if (id != 0 && c->id != (unsigned long long)id)
            continue;
        if (c == k->c && skipme)
            continue;
        if (c == k->c)
            kill_self = 1;
        else
            kill_other(k->core, c);
        killed++;
    }
    if (k->argc == 3) {
        if (killed == 0)
            reply_err(k->c, RT_NO_SUCH_CLIENT);
        else
            reply_ok(k->c);
    } else {
        reply_int(k->c, killed);
    }
    if (kill_self)
        k->c->flags |= CL_CLOSE_AFTER_REPLY;
}

static void client_noevict_cmd(struct call *k)
{
    if (arg_is(k, 2, "on"))
        k->c->flags |= CL_NO_EVICT;
    else if (arg_is(k, 2, "off"))
        k->c->flags &= ~CL_NO_EVICT;
    else {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    reply_ok(k->c);
}

/* CLIENT REPLY ON|OFF|SKIP: cmd_dispatch drops the replies (CL_REPLY_*). */
static void client_reply_cmd(struct call *k)
{
    struct client *c = k->c;
    if (arg_is(k, 2, "on")) {
        c->flags &= ~(CL_REPLY_OFF | CL_REPLY_SKIP | CL_REPLY_SKIP_NEXT);
        reply_ok(c);
    } else if (arg_is(k, 2, "off")) {
        c->flags |= CL_REPLY_OFF;
    } else if (arg_is(k, 2, "skip")) {
        if (!(c->flags & CL_REPLY_OFF))
            c->flags |= CL_REPLY_SKIP_NEXT;
    } else {
        reply_err(c, RT_SYNTAX);
    }
}

/* CLIENT PAUSE timeout [WRITE|ALL]: pause.h. */
static void client_pause_cmd(struct call *k)
{
    long long ms;
    enum pause_mode mode = PAUSE_ALL;
    if (k->argc > 4) {
        reply_errf(k->c, rtext[RT_SUBCMD_SYNTAX_FMT], k->argv[1], "CLIENT");
        return;
    }
    if (!arg_int(k, 2, &ms)) {
        reply_err(k->c, RT_TIMEOUT_NOTINT);
        return;
    }
    if (ms < 0) {
        reply_err(k->c, RT_TIMEOUT_NEGATIVE);
        return;
    }
    if (k->argc == 4) {
        if (arg_is(k, 3, "write")) {
            mode = PAUSE_WRITE;
        } else if (!arg_is(k, 3, "all")) {
            reply_err(k->c, RT_PAUSE_MODE);
            return;
        }
    }
    /* As Redis: now + timeout in 64 bits, wrapping past the end of time
     * (a pause then already over). */
    int64_t now = cmd_now(k);
    int64_t end = ms > 0 ? (int64_t)((uint64_t)now + (uint64_t)ms) : now;
    pause_start(k->core, end, mode);
    reply_ok(k->c);
}

/* ---- client tracking: the registry is tracking.c's ------------------------------ */

static void client_getredir_cmd(struct call *k)
{
    reply_int(k->c, tracking_on(k->c) ? k->c->trk->redirect : -1);
}

/* CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT]
 * [NOLOOP]: the options are read first, whatever argument 2 is, as Redis
 * does (so its errors come before a bad ON/OFF's syntax error). */
static void client_tracking_cmd(struct call *k)
{
    long long redir = 0;
    unsigned flags = 0;
    int npfx = 0;
    char **pfx = mem_alloc((size_t)k->argc * sizeof(*pfx));
    size_t *pfxlen = mem_alloc((size_t)k->argc * sizeof(*pfxlen));
    for (int j = 3; j < k->argc; j++) {
        int more = k->argc - 1 - j;
        if (arg_is(k, j, "redirect") && more) {
            j++;
            if (redir != 0) {
                reply_err(k->c, RT_TRK_REDIR_ONE);
                goto out;
            }
            if (arg_ll(k, j, &redir) < 0)
                goto out;
            int found = 0;
            for (struct client *o = k->core->clients; o && !found; o = o->next)
                found = redir > 0 && o->id == (unsigned long long)redir;
            if (!found) {
                reply_err(k->c, RT_TRK_REDIR_MISSING);
                goto out;
            }
        } else if (arg_is(k, j, "bcast")) {
            flags |= TRK_BCAST;
        } else if (arg_is(k, j, "optin")) {
            flags |= TRK_OPTIN;
        } else if (arg_is(k, j, "optout")) {
            flags |= TRK_OPTOUT;
        } else if (arg_is(k, j, "noloop")) {
            flags |= TRK_NOLOOP;
        } else if (arg_is(k, j, "prefix") && more) {
            j++;
            pfx[npfx] = k->argv[j];
            pfxlen[npfx++] = k->argl[j];
        } else {
            reply_err(k->c, RT_SYNTAX);
            goto out;
        }
    }
    if (arg_is(k, 2, "on")) {
        if (tracking_check_on(k->c, flags, pfx, pfxlen, npfx) < 0)
            goto out; /* (1: an error, then on and +OK, as Redis) */
        tracking_enable(k->core, k->c, redir, flags, pfx, pfxlen, npfx);
        reply_ok(k->c);
    } else if (arg_is(k, 2, "off")) {
        tracking_disable(k->core, k->c);
        reply_ok(k->c);
    } else {
        reply_err(k->c, RT_SYNTAX);
    }
out:
    free(pfx);
    free(pfxlen);
}

static void client_caching_cmd(struct call *k)
{
    struct client *c = k->c;
    if (!tracking_on(c)) {
        reply_err(c, RT_TRK_CACHING_OFF);
        return;
    }
    if (arg_is(k, 2, "yes")) {
        if (!(c->trk->flags & TRK_OPTIN)) {
            reply_err(c, RT_TRK_CACHING_YES);
            return;
        }
    } else if (arg_is(k, 2, "no")) {
        if (!(c->trk->flags & TRK_OPTOUT)) {
            reply_err(c, RT_TRK_CACHING_NO);
            return;
        }
    } else {
        reply_err(c, RT_SYNTAX);
        return;
    }
    c->trk->flags |= TRK_CACHING;
    reply_ok(c);
}

/* CLIENT TRACKINGINFO: flags (a set in RESP3), redirect, prefixes. */
static void client_trackinginfo_cmd(struct call *k)
{
    struct client *c = k->c;
    const struct trk_client *t = tracking_on(c) ? c->trk : NULL;
    const char *fl[8];
    int n = 0;
    if (t == NULL) {
        fl[n++] = "off";
    } else {
        fl[n++] = "on";
        if (t->flags & TRK_BCAST)
            fl[n++] = "bcast";
        if (t->flags & TRK_OPTIN) {
            fl[n++] = "optin";
            if (t->flags & TRK_CACHING)
                fl[n++] = "caching-yes";
        }
        if (t->flags & TRK_OPTOUT) {
            fl[n++] = "optout";
            if (t->flags & TRK_CACHING)
                fl[n++] = "caching-no";
        }
        if (t->flags & TRK_NOLOOP)
            fl[n++] = "noloop";
        if (t->flags & TRK_BROKEN)
            fl[n++] = "broken_redirect";
    }
    reply_map(c, 3);
    reply_cstr(c, "flags");
    reply_set(c, n);
    for (int i = 0; i < n; i++)
        reply_cstr(c, fl[i]);
    reply_cstr(c, "redirect");
    reply_int(c, t ? t->redirect : -1);
    reply_cstr(c, "prefixes");
    reply_array(c, t ? t->npfx : 0);
    for (int i = 0; t && i < t->npfx; i++)
        reply_bulk(c, t->pfx[i], t->pfxlen[i]);
}

static void client_unpause_cmd(struct call *k)
{
    pause_stop(k->core); /* the waiting commands run once this one is over */
    reply_ok(k->c);
}

static void client_help_cmd(struct call *k)
{
    static const char *const lines[] = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(k->c, lines, sizeof(lines) / sizeof(lines[0]));
}

// clang-format off
static struct cmd_def client_subs[] = {
    {.name = "id", .fn = client_id_cmd,
     .arity = 2, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "5.0.0", .group = "connection",
     .complexity = "O(1)",
     .summary = "Returns the unique client ID of the connection."},
    {.name = "setname", .fn = client_setname_cmd,
     .arity = 3, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "2.6.9", .group = "connection",
     .complexity = "O(1)",
     ARGS({.name = "connection-name", .type = ARG_STRING}),
     .summary = "Sets the connection name."},
    {.name = "getname", .fn = client_getname_cmd,
     .arity = 2, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "2.6.9", .group = "connection",
     .complexity = "O(1)",
     .summary = "Returns the name of the connection."},
    {.name = "list", .fn = client_list_cmd,
     .arity = -2, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS | CAT_CONNECTION,
     .tips = "nondeterministic_output",
     .since = "2.4.0", .group = "connection",
     .complexity = "O(N) where N is the number of client connections",
     ARGS({.name = "normal_master_replica_pubsub", .type = ARG_ONEOF, .token = "TYPE", .since = "5.0.0", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "normal", .type = ARG_PURE_TOKEN, .token = "NORMAL"},
                   {.name = "master", .type = ARG_PURE_TOKEN, .token = "MASTER"},
                   {.name = "replica", .type = ARG_PURE_TOKEN, .token = "REPLICA"},
                   {.name = "pubsub", .type = ARG_PURE_TOKEN, .token = "PUBSUB"})},
          {.name = "id", .type = ARG_BLOCK, .token = "ID", .since = "6.2.0", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "client-id", .type = ARG_INTEGER, .aflags = ARGF_MULTIPLE})}),
     .summary = "Lists open connections."},
    {.name = "info", .fn = client_info_cmd,
     .arity = 2, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .tips = "nondeterministic_output",
     .since = "6.2.0", .group = "connection",
     .complexity = "O(1)",
     .summary = "Returns information about the connection."},
    {.name = "kill", .fn = client_kill_cmd,
     .arity = -3, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS | CAT_CONNECTION,
     .since = "2.4.0", .group = "connection",
     .complexity = "O(N) where N is the number of client connections",
     ARGS({.name = "filter", .type = ARG_ONEOF,
           SUBARGS({.name = "ip:port", .type = ARG_STRING, .deprecated_since = "2.8.12"},
                   {.name = "new-format", .type = ARG_ONEOF, .aflags = ARGF_MULTIPLE,
                    SUBARGS({.name = "client-id", .type = ARG_INTEGER, .token = "ID", .since = "2.8.12", .aflags = ARGF_OPTIONAL},
                            {.name = "normal_master_slave_pubsub", .type = ARG_ONEOF, .token = "TYPE", .since = "2.8.12", .aflags = ARGF_OPTIONAL,
                             SUBARGS({.name = "normal", .type = ARG_PURE_TOKEN, .token = "NORMAL"},
                                     {.name = "master", .type = ARG_PURE_TOKEN, .token = "MASTER", .since = "3.2.0"},
                                     {.name = "slave", .type = ARG_PURE_TOKEN, .token = "SLAVE"},
                                     {.name = "replica", .type = ARG_PURE_TOKEN, .token = "REPLICA", .since = "5.0.0"},
                                     {.name = "pubsub", .type = ARG_PURE_TOKEN, .token = "PUBSUB"})},
                            {.name = "username", .type = ARG_STRING, .token = "USER", .aflags = ARGF_OPTIONAL},
                            {.name = "ip:port", .type = ARG_STRING, .token = "ADDR", .aflags = ARGF_OPTIONAL},
                            {.name = "ip:port", .type = ARG_STRING, .token = "LADDR", .since = "6.2.0", .aflags = ARGF_OPTIONAL},
                            {.name = "yes/no", .type = ARG_STRING, .token = "SKIPME", .aflags = ARGF_OPTIONAL})})}),
     .summary = "Terminates open connections."},
    {.name = "unblock", .fn = client_unblock_cmd,
     .arity = -3, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS | CAT_CONNECTION,
     .since = "5.0.0", .group = "connection",
     .complexity = "O(log N) where N is the number of client connections",
     ARGS({.name = "client-id", .type = ARG_INTEGER},
          {.name = "timeout_error", .type = ARG_ONEOF, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "timeout", .type = ARG_PURE_TOKEN, .token = "TIMEOUT"},
                   {.name = "error", .type = ARG_PURE_TOKEN, .token = "ERROR"})}),
     .summary = "Unblocks a client blocked by a blocking command from a different connection."},
    {.name = "no-evict", .fn = client_noevict_cmd,
     .arity = 3, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS | CAT_CONNECTION,
     .since = "7.0.0", .group = "connection",
     .complexity = "O(1)",
     ARGS({.name = "enabled", .type = ARG_ONEOF,
           SUBARGS({.name = "on", .type = ARG_PURE_TOKEN, .token = "ON"},
                   {.name = "off", .type = ARG_PURE_TOKEN, .token = "OFF"})}),
     .summary = "Sets the client eviction mode of the connection."},
    {.name = "tracking", .fn = client_tracking_cmd,
     .arity = -3, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "6.0.0", .group = "connection",
     .complexity = "O(1). Some options may introduce additional complexity.",
     ARGS({.name = "status", .type = ARG_ONEOF,
           SUBARGS({.name = "on", .type = ARG_PURE_TOKEN, .token = "ON"},
                   {.name = "off", .type = ARG_PURE_TOKEN, .token = "OFF"})},
          {.name = "client-id", .type = ARG_INTEGER, .token = "REDIRECT", .aflags = ARGF_OPTIONAL},
          {.name = "prefix", .type = ARG_STRING, .token = "PREFIX", .aflags = ARGF_OPTIONAL | ARGF_MULTIPLE | ARGF_MULTIPLE_TOKEN},
          {.name = "bcast", .type = ARG_PURE_TOKEN, .token = "BCAST", .aflags = ARGF_OPTIONAL},
          {.name = "optin", .type = ARG_PURE_TOKEN, .token = "OPTIN", .aflags = ARGF_OPTIONAL},
          {.name = "optout", .type = ARG_PURE_TOKEN, .token = "OPTOUT", .aflags = ARGF_OPTIONAL},
          {.name = "noloop", .type = ARG_PURE_TOKEN, .token = "NOLOOP", .aflags = ARGF_OPTIONAL}),
     .summary = "Turns client tracking (server-assisted client-side caching) on or off for the connection."},
    {.name = "caching", .fn = client_caching_cmd,
     .arity = 3, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "6.0.0", .group = "connection",
     .complexity = "O(1)",
     ARGS({.name = "mode", .type = ARG_ONEOF,
           SUBARGS({.name = "yes", .type = ARG_PURE_TOKEN, .token = "YES"},
                   {.name = "no", .type = ARG_PURE_TOKEN, .token = "NO"})}),
     .summary = "Tells OPTIN/OPTOUT tracking whether to remember the keys of the next command."},
    {.name = "trackinginfo", .fn = client_trackinginfo_cmd,
     .arity = 2, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "6.2.0", .group = "connection",
     .complexity = "O(1)",
     .summary = "Returns the connection's client tracking settings."},
    {.name = "getredir", .fn = client_getredir_cmd,
     .arity = 2, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "6.0.0", .group = "connection",
     .complexity = "O(1)",
     .summary = "Returns the client ID to which the connection's tracking notifications are redirected."},
    {.name = "pause", .fn = client_pause_cmd,
     .arity = -3, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS | CAT_CONNECTION,
     .since = "2.9.50", .group = "connection",
     .complexity = "O(1)",
     ARGS({.name = "timeout", .type = ARG_INTEGER},
          {.name = "mode", .type = ARG_ONEOF, .since = "6.2.0", .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "write", .type = ARG_PURE_TOKEN, .token = "WRITE"},
                   {.name = "all", .type = ARG_PURE_TOKEN, .token = "ALL"})}),
     .summary = "Suspends commands processing."},
    {.name = "reply", .fn = client_reply_cmd,
     .arity = 3, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "3.2.0", .group = "connection",
     .complexity = "O(1)",
     ARGS({.name = "on_off_skip", .type = ARG_ONEOF,
           SUBARGS({.name = "on", .type = ARG_PURE_TOKEN, .token = "ON"},
                   {.name = "off", .type = ARG_PURE_TOKEN, .token = "OFF"},
                   {.name = "skip", .type = ARG_PURE_TOKEN, .token = "SKIP"})}),
     .summary = "Instructs the server whether to reply to commands."},
    {.name = "unpause", .fn = client_unpause_cmd,
     .arity = 2, .rflags = RF_ADMIN | RF_NOSCRIPT | RF_LOADING | RF_STALE,
     .acl = CAT_ADMIN | CAT_SLOW | CAT_DANGEROUS | CAT_CONNECTION,
     .since = "6.2.0", .group = "connection",
     .complexity = "O(N) Where N is the number of paused clients",
     .summary = "Resumes processing of clients that were paused."},
    {.name = "help", .fn = client_help_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE,
     .acl = CAT_SLOW | CAT_CONNECTION,
     .since = "5.0.0", .group = "connection",
     .complexity = "O(1)",
     .summary = "Returns helpful text about the different subcommands."},
    {.name = NULL},
};
// clang-format on

// clang-format off
struct cmd_def cmd_conn_table[] = {
    {.name = "ping", .fn = ping_cmd, .flags = CMD_PUBSUB_OK,
     .arity = -1, .rflags = RF_FAST,
     .acl = CAT_FAST | CAT_CONNECTION,
     .tips = "request_policy:all_shards response_policy:all_succeeded",
     .since = "1.0.0", .group = "connection",
     .complexity = "O(1)",
     ARGS({.name = "message", .type = ARG_STRING, .aflags = ARGF_OPTIONAL}),
     .summary = "Returns the server's liveliness response."},
    {.name = "echo", .fn = echo_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE | RF_FAST,
     .acl = CAT_FAST | CAT_CONNECTION,
     .since = "1.0.0", .group = "connection",
     .complexity = "O(1)",
     ARGS({.name = "message", .type = ARG_STRING}),
     .summary = "Returns the given string."},
    {.name = "quit", .fn = quit_cmd, .flags = CMD_NOQUEUE | CMD_PUBSUB_OK,
     .arity = -1, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE | RF_FAST | RF_NO_AUTH | RF_ALLOW_BUSY,
     .acl = CAT_FAST | CAT_CONNECTION,
     .since = "1.0.0", .group = "connection",
     .complexity = "O(1)",
     .summary = "Closes the connection."},
    {.name = "select", .fn = select_cmd,
     .arity = 2, .rflags = RF_LOADING | RF_STALE | RF_FAST,
     .acl = CAT_FAST | CAT_CONNECTION,
     .since = "1.0.0", .group = "connection",
     .complexity = "O(1)",
     ARGS({.name = "index", .type = ARG_INTEGER}),
     .summary = "Changes the selected database."},
    {.name = "auth", .fn = auth_cmd,
     .arity = -2, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE | RF_FAST | RF_NO_AUTH | RF_ALLOW_BUSY,
     .acl = CAT_FAST | CAT_CONNECTION,
     .since = "1.0.0", .group = "connection",
     .complexity = "O(N) where N is the number of passwords defined for the user",
     ARGS({.name = "username", .type = ARG_STRING, .since = "6.0.0", .aflags = ARGF_OPTIONAL},
          {.name = "password", .type = ARG_STRING}),
     .summary = "Authenticates the connection."},
    {.name = "hello", .fn = hello_cmd,
     .arity = -1, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE | RF_FAST | RF_NO_AUTH | RF_ALLOW_BUSY,
     .acl = CAT_FAST | CAT_CONNECTION,
     .since = "6.0.0", .group = "connection",
     .complexity = "O(1)",
     ARGS({.name = "arguments", .type = ARG_BLOCK, .aflags = ARGF_OPTIONAL,
           SUBARGS({.name = "protover", .type = ARG_INTEGER},
                   {.name = "username_password", .type = ARG_BLOCK, .token = "AUTH", .aflags = ARGF_OPTIONAL,
                    SUBARGS({.name = "username", .type = ARG_STRING},
                            {.name = "password", .type = ARG_STRING})},
                   {.name = "clientname", .type = ARG_STRING, .token = "SETNAME", .aflags = ARGF_OPTIONAL})}),
     .summary = "Handshakes with the Redis server."},
    {.name = "reset", .fn = reset_cmd, .flags = CMD_NOQUEUE | CMD_PUBSUB_OK,
     .arity = 1, .rflags = RF_NOSCRIPT | RF_LOADING | RF_STALE | RF_FAST | RF_NO_AUTH | RF_ALLOW_BUSY,
     .acl = CAT_FAST | CAT_CONNECTION,
     .since = "6.2.0", .group = "connection",
     .complexity = "O(1)",
     .summary = "Resets the connection."},
    {.name = "client", .subs = client_subs,
     .arity = -2,
     .acl = CAT_SLOW,
     .since = "2.4.0", .group = "connection",
     .complexity = "Depends on subcommand.",
     .summary = "Groups the commands about client connections."},
    {.name = NULL},
};
// clang-format on
