/* cmdline.c - option numbers and whole-file output for the command lines, see
 * cmdline.h. Only main.c and rec_cli.c use it; nothing here runs in the event
 * loop. */
#include "cmdline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofile.h"

int cmdline_number(const char *prog, const char *opt, const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *s == '\0' || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "%s: %s expects a number from %ld to %ld, got '%s'\n", prog, opt, min, max,
                s);
        return -1;
    }
    *out = v;
    return 0;
}

int cmdline_write_file(const char *prog, const char *what, const char *path, const void *p,
                       size_t n)
{
    if (ofile_write(path, p, n) < 0) {
        fprintf(stderr, "%s: cannot write %s %s: %s\n", prog, what, path, strerror(errno));
        return -1;
    }
    return 0;
}
