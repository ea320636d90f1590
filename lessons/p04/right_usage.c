/* P4, the control: the same three things done right. It must compile
 * cleanly with the same flags, which proves the other files fail because
 * of their misuse and not because of the command line. */
#include <stdio.h>

#include "rc.h"

enum rc_status lookup(struct rc_conn *c, struct rc_value *out);
enum rc_status store_count(struct rc_conn *c, int count);
void user_key(char *key, size_t size, long long id);

enum rc_status lookup(struct rc_conn *c, struct rc_value *out)
{
    return rc_get(c, RC_LIT("user:42"), out);
}

enum rc_status store_count(struct rc_conn *c, int count)
{
    char text[24];
    int n = snprintf(text, sizeof(text), "%d", count); /* the value as bytes */
    return rc_set(c, RC_LIT("count"), text, (size_t)n, 0);
}

void user_key(char *key, size_t size, long long id)
{
    snprintf(key, size, "user:%lld", id);
}
