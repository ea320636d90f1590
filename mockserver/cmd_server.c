/* cmd_server.c - server commands. */
#include "cmd.h"
#include "reply.h"

struct cmd_def cmd_server_table[] = {
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
