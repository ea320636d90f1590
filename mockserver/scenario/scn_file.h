/* scn_file.h - scenario files on disk. */
#ifndef MOCKREDIS_SCN_FILE_H
#define MOCKREDIS_SCN_FILE_H

#include "buf.h"

struct scn;

/* The largest scenario file mockredis loads, in bytes (16 MiB). */
#define SCN_FILE_MAX (16LL * 1024 * 1024)

/* Reads and parses the file at path. Only a regular file of at most
 * SCN_FILE_MAX bytes is read (a symbolic link counts as its target); a
 * FIFO, device, socket or directory is refused without being opened, so a
 * load never blocks. Returns 0 with *out set, MR_EIO when the file cannot
 * be read or is not a regular file of an accepted size, MR_EPARSE when it
 * is not a valid scenario (in the language only: scn_check_load, in the
 * server library, also checks its commands and runs its setup); the messages ("path: ..." or
 * "path:line:col: ...") are appended to diag. Parse messages may quote the
 * file's text: fit for the terminal of whoever owns the file, not for a
 * network client (scn_load_error). */
int scn_load_file(const char *path, struct scn **out, struct buf *diag);

/* The one-line message for a client over the network after scn_load_file
 * (or scn_check_load, scn_check.h) failed with rc and diag, appended to
 * out without a newline: the I/O problem as it is ("path: cannot open: ...", "path: not a regular
 * file", "path: file too large ..."), but for a file that does not parse only "path:line:col: not a
 * valid scenario file (...)", never its bytes: a file that is not a scenario (/etc/shadow) is not
 * echoed. */
void scn_load_error(const char *path, int rc, const struct buf *diag, struct buf *out);

#endif
