/* cmdline.h - what the mockredis command lines share: option numbers and
 * writing an output file whole.
 *
 * main.c (the server) and rec_cli.c (`mockredis record`) print their errors
 * as "PROG: message" on stderr; these helpers do the same with the PROG
 * they are given. */
#ifndef MOCKREDIS_CMDLINE_H
#define MOCKREDIS_CMDLINE_H

#include <stddef.h>

/* Parses s as a decimal number from min to max for option opt. Returns 0
 * and sets *out, or -1 after printing "PROG: OPT expects a number from MIN
 * to MAX, got 'S'". */
int cmdline_number(const char *prog, const char *opt, const char *s, long min, long max, long *out);

/* Writes p[0..n) to path through a new temporary file and a rename
 * (ofile_write: a link planted at path or at a temporary name is never
 * followed, and a reader never sees half a file); what names the file in
 * the message. Returns 0, or -1 after printing "PROG: cannot write WHAT
 * PATH: reason" (the temporary file is removed). */
int cmdline_write_file(const char *prog, const char *what, const char *path, const void *p,
                       size_t n);

#endif
