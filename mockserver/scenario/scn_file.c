/* scn_file.c - reading scenario files from disk.
 *
 * The only file I/O of the scenario module: everything else works on text
 * in memory (scn_parse.c). A scenario is read from a regular file only, of
 * at most SCN_FILE_MAX bytes, so that MOCK SCENARIO LOAD cannot hang the
 * server on a FIFO nor make it read a device or a huge file; what a client
 * over the network learns of a file that does not parse is its name and
 * the position of the first problem, never its text (scn_load_error). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem.h"
#include "mr_err.h"
#include "scn.h"
#include "scn_file.h"

/* Opens path for reading if it is a regular file of an accepted size.
 * stat() comes first so that a FIFO (open() would wait for a writer) or a
 * device (opening one may act) is never opened; the descriptor is then
 * checked to be that same file, in case it was swapped meanwhile. Returns
 * the descriptor, or -1 after appending the reason to diag. */
static int open_regular(const char *path, struct buf *diag)
{
    struct stat before, st;
    if (stat(path, &before) != 0) {
        buf_printf(diag, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(before.st_mode)) {
        buf_printf(diag, "%s: is a directory (give a scenario file)\n", path);
        return -1;
    }
    if (!S_ISREG(before.st_mode)) {
        buf_printf(diag, "%s: not a regular file\n", path);
        return -1;
    }
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        buf_printf(diag, "%s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_dev != before.st_dev ||
        st.st_ino != before.st_ino) {
        buf_printf(diag, "%s: not a regular file\n", path);
        close(fd);
        return -1;
    }
    if (st.st_size > SCN_FILE_MAX) {
        buf_printf(diag, "%s: file too large for a scenario (over %lld MiB)\n", path,
                   SCN_FILE_MAX >> 20);
        close(fd);
        return -1;
    }
    return fd;
}

int scn_load_file(const char *path, struct scn **out, struct buf *diag)
{
    *out = NULL;
    int fd = open_regular(path, diag);
    if (fd < 0)
        return MR_EIO;
    /* Read to the end, but never more than the limit (the file may grow). */
    struct buf text = BUF_INIT;
    for (;;) {
        char *dst = buf_reserve(&text, 65536);
        ssize_t n = read(fd, dst, 65536);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            buf_printf(diag, "%s: read error: %s\n", path, strerror(errno));
            close(fd);
            buf_free(&text);
            return MR_EIO;
        }
        if (n == 0)
            break;
        buf_commit(&text, (size_t)n);
        if ((long long)text.len > SCN_FILE_MAX) {
            buf_printf(diag, "%s: file too large for a scenario (over %lld MiB)\n", path,
                       SCN_FILE_MAX >> 20);
            close(fd);
            buf_free(&text);
            return MR_EIO;
        }
    }
    close(fd);
    int rc = scn_parse(text.p ? text.p : "", text.len, path, out, diag);
    buf_free(&text);
    return rc;
}

void scn_load_error(const char *path, int rc, const struct buf *diag, struct buf *out)
{
    const char *first = diag->p ? diag->p : "";
    size_t n = strcspn(first, "\n");
    size_t plen = strlen(path);
    int line = 0, col = 0;
    if (rc != MR_EPARSE) {
        buf_append(out, first, n); /* about the file, not from it */
        return;
    }
    /* "path:line:col: message": keep the position, drop the message, which
     * may quote the file. */
    if (n > plen && strncmp(first, path, plen) == 0 &&
        sscanf(first + plen, ":%d:%d:", &line, &col) == 2)
        buf_printf(out, "%s:%d:%d: ", path, line, col);
    else
        buf_printf(out, "%s: ", path);
    buf_puts(out, "not a valid scenario file (mockredis check FILE names the problems)");
}
