/* cmd_zset.c - zset commands. */
#include "cmd.h"
#include "reply.h"

struct cmd_def cmd_zset_table[] = {
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
