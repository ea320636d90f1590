/* mem.h - allocation wrappers that never return NULL.
 *
 * mockredis is a test server: when the machine is out of memory there is
 * nothing sensible left to do, so these abort with a message instead of
 * making every caller handle NULL (Redis's zmalloc does the same). */
#ifndef MOCKREDIS_MEM_H
#define MOCKREDIS_MEM_H

#include <stddef.h>

void *mem_alloc(size_t n);
void *mem_calloc(size_t count, size_t size);
void *mem_realloc(void *p, size_t n);
/* Copies n bytes and appends a NUL; the result holds n+1 bytes. */
char *mem_dup(const void *p, size_t n);
char *mem_strdup(const char *s);

#endif
