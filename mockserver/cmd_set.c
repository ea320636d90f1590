/* cmd_set.c - set commands. */
#include "cmd.h"
#include "reply.h"

struct cmd_def cmd_set_table[] = {
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
