/* ofile.c - output files created with O_EXCL and renamed into place, see
 * ofile.h for why.
 *
 * The random part of a temporary name needs no cryptographic quality: it
 * only has to differ from names that exist, and O_EXCL turns a clash into
 * another try, never into writing someone else's file. It mixes the clock,
 * the process id and a counter (splitmix64). */
#include "ofile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mr_err.h"

#define TEMP_TRIES 100

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static uint64_t fresh_bits(void)
{
    static uint64_t counter;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t n = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
    return mix((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec) ^
           mix(((uint64_t)getpid() << 32) ^ n);
}

int ofile_temp(const char *path, char *tmp, size_t size)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    size_t n = strlen(path);
    if (n + 8 > size) {
        errno = ENAMETOOLONG;
        return MR_EINVAL;
    }
    for (int i = 0; i < TEMP_TRIES; i++) {
        uint64_t r = fresh_bits();
        memcpy(tmp, path, n);
        tmp[n] = '.';
        for (int k = 0; k < 6; k++) {
            tmp[n + 1 + (size_t)k] = chars[r % (sizeof(chars) - 1)];
            r /= sizeof(chars) - 1;
        }
        tmp[n + 7] = '\0';
        /* O_EXCL: fails on any existing name, a link included, which is
         * therefore never followed (O_NOFOLLOW is implied). */
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0)
            return fd;
        if (errno != EEXIST)
            return MR_ESYS;
    }
    return MR_ESYS; /* errno is EEXIST */
}

int ofile_commit(const char *tmp, const char *path)
{
    if (rename(tmp, path) == 0)
        return 0;
    int e = errno;
    unlink(tmp);
    errno = e;
    return MR_ESYS;
}

int ofile_open(const char *path)
{
    char tmp[PATH_MAX];
    int fd = ofile_temp(path, tmp, sizeof(tmp));
    if (fd < 0)
        return fd;
    int rc = ofile_commit(tmp, path);
    if (rc < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return rc;
    }
    return fd;
}

/* Writes all n bytes. Returns 0, or -1 with errno set. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int ofile_write(const char *path, const void *p, size_t n)
{
    char tmp[PATH_MAX];
    int fd = ofile_temp(path, tmp, sizeof(tmp));
    if (fd < 0)
        return fd;
    int ok = write_all(fd, p, n) == 0;
    int e = errno;
    if (close(fd) != 0 && ok) {
        ok = 0;
        e = errno;
    }
    if (!ok) {
        unlink(tmp);
        errno = e;
        return MR_EIO;
    }
    return ofile_commit(tmp, path);
}
