/* cmd_string.c - string commands: GET SET (more to come). */
#include "cmd.h"
#include "reply.h"

static void get_cmd(struct call *k)
{
    struct obj *o = db_lookup_read(core_db(k->c), k->argv[1], k->argl[1], core_now_ms(k->core));
    if (o == NULL) {
        reply_null(k->c);
        return;
    }
    if (o->type != OBJ_STRING) {
        reply_err(k->c, RT_WRONGTYPE);
        return;
    }
    reply_bulk(k->c, o->u.str.p, o->u.str.len);
}

static void set_cmd(struct call *k)
{
    if (k->argc != 3) {
        reply_err(k->c, RT_SYNTAX);
        return;
    }
    db_set(core_db(k->c), k->argv[1], k->argl[1], obj_new_string(k->argv[2], k->argl[2]), 0);
    reply_ok(k->c);
}

struct cmd_def cmd_string_table[] = {
    {"get", 2, 0, get_cmd, NULL, "string", "Returns the string value of a key.", 0},
    {"set", -3, CMD_WRITE, set_cmd, NULL, "string", "Sets the string value of a key.", 0},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
