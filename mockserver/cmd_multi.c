/* cmd_multi.c - multi commands. */
#include "cmd.h"
#include "reply.h"

struct cmd_def cmd_multi_table[] = {
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
