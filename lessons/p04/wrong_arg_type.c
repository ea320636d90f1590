/* P4 misuse (b): an int where the typed API expects a pointer.
 *
 * rc_set takes the value as (const char *val, size_t vallen). Passing the
 * number itself would send whatever lives at address 42 -- or crash.
 * With the prototype in scope, the compiler sees the int-to-pointer
 * conversion and -Werror rejects it. (redisCommand's "%s" with an int is
 * the same bug, but there nothing checks it: see bad_format.c.)
 * Expected: "incompatible integer to pointer conversion" (clang) or
 * "makes pointer from integer without a cast" (gcc). */
#include "rc.h"

enum rc_status store_count(struct rc_conn *c, int count);

enum rc_status store_count(struct rc_conn *c, int count)
{
    return rc_set(c, "count", 5, count, sizeof(count), 0);
}
