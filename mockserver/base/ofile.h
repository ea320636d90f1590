/* ofile.h - creating output files that a planted link cannot redirect.
 *
 * mockredis writes files at paths its user names: the capture (--pcap
 * FILE), its notes (FILE.notes), the port file (--port-file), the verdict
 * (--report) and recorded scenarios (`record -o`). Such paths are often in
 * a shared directory (/tmp), where someone else may plant a symbolic link
 * at the name, or at the name of a temporary file next to it, and have us
 * overwrite a file they could not write themselves. So no output file is
 * ever opened by name with O_CREAT|O_TRUNC. Instead:
 *
 *  1. a new file is created in the target's directory under a fresh random
 *     name (PATH.XXXXXX) with O_CREAT|O_EXCL: that fails when the name
 *     exists in any form, a link included, so nothing is followed and
 *     nothing is checked before being opened (no window between a check
 *     and an open);
 *  2. the file is renamed over the target: rename() replaces the directory
 *     entry, so a link found at the target is replaced by our regular file,
 *     and what it pointed to stays untouched.
 *
 * Whole files (port file, report, scenario) are filled before the rename,
 * so a reader sees the old file or the complete new one (ofile_write).
 * Growing files (capture, notes) are renamed into place at once and then
 * written through the descriptor (ofile_open): the file at the target is
 * then one we created, whatever was there before.
 *
 * Not protected: links in the directories of the path (the user chose
 * them), and a target replaced again after our rename (it is no longer
 * ours to write). Nothing here keeps state or allocates. */
#ifndef MOCKREDIS_OFILE_H
#define MOCKREDIS_OFILE_H

#include <stddef.h>

/* Creates a new, empty regular file next to path, named path plus "." and
 * six random characters, opened write-only, close-on-exec, with mode 0666
 * less the umask (what fopen gives). Returns the descriptor (>= 0) and
 * puts the name in tmp (size bytes), or a negative code (mr_err.h) with
 * errno set: MR_EINVAL and ENAMETOOLONG when the name does not fit in tmp,
 * MR_ESYS when open() failed. The caller renames it (ofile_commit) or
 * unlinks it. */
int ofile_temp(const char *path, char *tmp, size_t size);

/* Renames tmp to path, replacing whatever entry path names (a link is
 * replaced, its target untouched). Returns 0, or MR_ESYS with errno set
 * after unlinking tmp. */
int ofile_commit(const char *tmp, const char *path);

/* A new regular file at path, for writing while it grows: ofile_temp then
 * ofile_commit at once. Returns the descriptor (the caller closes it), or
 * a negative code with errno set as ofile_temp and ofile_commit do. */
int ofile_open(const char *path);

/* Writes p[0..n) as the whole new content of path: ofile_temp, write,
 * close, ofile_commit. Returns 0, or a negative code with errno set
 * (MR_EIO: write or close failed); on failure path is unchanged and the
 * temporary file removed. */
int ofile_write(const char *path, const void *p, size_t n);

#endif
