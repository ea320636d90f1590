/* P4 misuse (c): a %-conversion that does not match its argument.
 *
 * Building a key with snprintf: "%d" reads an int, but the id is a long
 * long. On x86-64 it happens to work for small ids and silently prints
 * garbage for large ones -- the wrong key, never an error. snprintf is
 * declared with the format attribute, so -Wformat (part of -Wall) checks
 * every call and -Werror rejects this one.
 *
 * hiredis's redisCommand(c, "GET user:%d", id) has the same trap, but
 * hiredis 0.14 does not declare redisCommand with the format attribute:
 * the compiler cannot check it, the typed rc_* API (no format string at
 * all) is what removes the trap there.
 * Expected: "format specifies type 'int'" (clang) or
 * "format '%d' expects argument of type 'int'" (gcc). */
#include <stdio.h>

void user_key(char *key, size_t size, long long id);

void user_key(char *key, size_t size, long long id)
{
    snprintf(key, size, "user:%d", id);
}
