/* scn_file.h - scenario files on disk. */
#ifndef MOCKREDIS_SCN_FILE_H
#define MOCKREDIS_SCN_FILE_H

#include "buf.h"

struct scn;

/* Reads and parses the file at path. Returns 0 with *out set, MR_EIO when
 * the file cannot be read, MR_EPARSE when it is not a valid scenario; the
 * messages ("path: ..." or "path:line:col: ...") are appended to diag. */
int scn_load_file(const char *path, struct scn **out, struct buf *diag);

/* `mockredis check FILE...`: checks each file, prints "FILE: ok (...)" on
 * stdout or every problem on stderr. Returns the exit status: 0, or 2 when
 * any file is invalid or unreadable. */
int scn_check_main(int argc, char **argv);

#endif
