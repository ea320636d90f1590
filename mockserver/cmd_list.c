/* cmd_list.c - list commands. */
#include "cmd.h"
#include "reply.h"

struct cmd_def cmd_list_table[] = {
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
