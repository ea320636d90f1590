/* cmd_conn.c - connection commands: PING ECHO QUIT SELECT (more to come). */
#include "cmd.h"
#include "reply.h"

static void ping_cmd(struct call *k)
{
    if (k->argc > 2) {
        reply_errf(k->c, rtext[RT_ARITY_FMT], "ping");
        return;
    }
    if (k->argc == 2)
        reply_bulk(k->c, k->argv[1], k->argl[1]);
    else
        reply_simple(k->c, "PONG");
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
    if (id < 0 || id >= DB_COUNT) {
        reply_err(k->c, RT_DBINDEX);
        return;
    }
    k->c->dbi = (int)id;
    reply_ok(k->c);
}

struct cmd_def cmd_conn_table[] = {
    {"ping", -1, 0, ping_cmd, NULL, "connection", "Returns the server's liveliness response.", 0},
    {"echo", 2, 0, echo_cmd, NULL, "connection", "Returns the given string.", 0},
    {"quit", -1, CMD_NOAUTH | CMD_NOQUEUE, quit_cmd, NULL, "connection", "Closes the connection.", 0},
    {"select", 2, 0, select_cmd, NULL, "connection", "Changes the selected database.", 0},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
