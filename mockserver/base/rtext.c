/* rtext.c - the texts of rtext.h as an array indexed by enum rtext_id.
 *
 * Only the table: replying with an entry is the server's business
 * (reply_err in server/reply.c); the recorder and the tests read the same
 * array without linking the server. */
#include "rtext.h"

#include <string.h>

const char *const rtext[RT__COUNT] = {
#define RTEXT__STR(name, text) text,
    RTEXT_MAP(RTEXT__STR)
#undef RTEXT__STR
};

const char *rtext_msg(enum rtext_id id)
{
    static const char generic[] = "ERR ";
    const char *t = rtext[id];
    return strncmp(t, generic, sizeof(generic) - 1) == 0 ? t + sizeof(generic) - 1 : t;
}
