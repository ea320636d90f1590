/* cmd_hash.c - hash commands. */
#include "cmd.h"
#include "reply.h"

struct cmd_def cmd_hash_table[] = {
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
