/* cmd_keys.c - keys commands. */
#include "cmd.h"
#include "reply.h"

struct cmd_def cmd_keys_table[] = {
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
