/* P4 misuse (a): calling the client layer without including its header.
 *
 * Without rc.h the compiler has never seen rc_get's prototype. C89 would
 * guess "int rc_get()" and pass the arguments unchecked (a size_t length
 * goes through the default promotions, the enum result is read as int).
 * C99 removed implicit declarations, but compilers still accept them with
 * a warning; the project's -Werror turns it into a build failure.
 * Expected: "implicit declaration of function 'rc_get'". */
#include <stddef.h>

/* #include "rc.h"   <- forgotten */

int lookup(void *conn, void *out);

int lookup(void *conn, void *out)
{
    return rc_get(conn, "user:42", 7, out);
}
