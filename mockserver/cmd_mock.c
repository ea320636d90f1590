/* cmd_mock.c - mock commands. */
#include "cmd.h"
#include "reply.h"

struct cmd_def cmd_mock_table[] = {
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
