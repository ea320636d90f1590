/* mem.c - allocation wrappers: abort on out-of-memory, see mem.h. */
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mem__oom(size_t n)
{
    fprintf(stderr, "mockredis: out of memory allocating %zu bytes\n", n);
    abort();
}

void *mem_alloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p == NULL)
        mem__oom(n);
    return p;
}

void *mem_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL)
        mem__oom(count * size);
    return p;
}

void *mem_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        mem__oom(n);
    return q;
}

char *mem_dup(const void *p, size_t n)
{
    char *s = mem_alloc(n + 1);
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

char *mem_strdup(const char *s)
{
    return mem_dup(s, strlen(s));
}
