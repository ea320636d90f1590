/* test_ofile.c - unit tests of ofile.c: output files never follow a link.
 *
 * Each test plants a symbolic link where an output file is to be written,
 * pointing to a "victim" file (or to a name that does not exist yet), and
 * checks that the victim keeps its bytes (or is never created) while the
 * output path becomes a regular file with the new content. Files live in
 * a scratch directory of the harness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mh.h"
#include "mr_err.h"
#include "ofile.h"

static char tmpdir[64];

static const char *path(const char *name)
{
    return mh_scratch_path(tmpdir, name);
}

static void write_text(const char *p, const char *text)
{
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* Requires p to be a regular file (not a link) holding exactly text. */
static void expect_regular(const char *p, const char *text)
{
    struct stat st;
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    char got[256] = "";
    FILE *f = fopen(p, "r");
    assert_non_null(f);
    size_t n = fread(got, 1, sizeof(got) - 1, f);
    fclose(f);
    got[n] = '\0';
    assert_string_equal(got, text);
}

/* The number of entries in the scratch directory (no temporary left behind). */
static int entries(void)
{
    DIR *d = opendir(tmpdir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void test_write_replaces_link(void **state)
{
    (void)state;
    write_text(path("victim"), "precious\n");
    assert_int_equal(symlink(path("victim"), path("out")), 0);
    assert_int_equal(ofile_write(path("out"), "new\n", 4), 0);
    expect_regular(path("victim"), "precious\n");
    expect_regular(path("out"), "new\n");
    assert_int_equal(entries(), 2);
    unlink(path("out"));
    unlink(path("victim"));
}

static void test_write_dangling_link_creates_nothing_there(void **state)
{
    (void)state;
    assert_int_equal(symlink(path("nowhere"), path("out")), 0);
    assert_int_equal(ofile_write(path("out"), "x", 1), 0);
    expect_regular(path("out"), "x");
    assert_int_equal(access(path("nowhere"), F_OK), -1);
    assert_int_equal(entries(), 1);
    unlink(path("out"));
}

static void test_write_replaces_file(void **state)
{
    (void)state;
    write_text(path("out"), "old content, longer\n");
    assert_int_equal(ofile_write(path("out"), "new\n", 4), 0);
    expect_regular(path("out"), "new\n");
    assert_int_equal(entries(), 1);
    unlink(path("out"));
}

static void test_open_replaces_link(void **state)
{
    (void)state;
    write_text(path("victim"), "precious\n");
    assert_int_equal(symlink(path("victim"), path("grow")), 0);
    int fd = ofile_open(path("grow"));
    assert_true(fd >= 0);
    /* the file at the path is ours from now on: later writes land there */
    assert_int_equal(write(fd, "a", 1), 1);
    assert_int_equal(write(fd, "b", 1), 1);
    assert_int_equal(close(fd), 0);
    expect_regular(path("grow"), "ab");
    expect_regular(path("victim"), "precious\n");
    assert_int_equal(entries(), 2);
    unlink(path("grow"));
    unlink(path("victim"));
}

static void test_temp_is_new_and_private_to_us(void **state)
{
    (void)state;
    char t1[PATH_MAX], t2[PATH_MAX];
    int a = ofile_temp(path("f"), t1, sizeof(t1));
    int b = ofile_temp(path("f"), t2, sizeof(t2));
    assert_true(a >= 0 && b >= 0);
    assert_string_not_equal(t1, t2);
    assert_int_equal(strncmp(t1, path("f"), strlen(path("f"))), 0);
    assert_int_equal(strlen(t1), strlen(path("f")) + 7);
    assert_true(fcntl(a, F_GETFD) & FD_CLOEXEC);
    close(a);
    close(b);
    /* mode 0666 less the umask, as fopen would give */
    mode_t mask = umask(022);
    umask(mask);
    struct stat st;
    assert_int_equal(lstat(t1, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
    unlink(t1);
    unlink(t2);
}

static void test_errors(void **state)
{
    (void)state;
    char small[8];
    errno = 0;
    assert_int_equal(ofile_temp(path("f"), small, sizeof(small)), MR_EINVAL);
    assert_int_equal(errno, ENAMETOOLONG);
    /* a directory that does not exist: nothing written anywhere */
    assert_int_equal(ofile_write(path("missing/out"), "x", 1), MR_ESYS);
    assert_int_equal(errno, ENOENT);
    assert_true(ofile_open(path("missing/out")) < 0);
    /* the target is a directory: rename fails, the temporary is removed */
    assert_int_equal(mkdir(path("d"), 0700), 0);
    assert_int_equal(ofile_write(path("d"), "x", 1), MR_ESYS);
    assert_int_equal(entries(), 1);
    rmdir(path("d"));
}

static int setup(void **state)
{
    (void)state;
    return mh_scratch_make(tmpdir, sizeof(tmpdir), "test_ofile");
}

static int teardown(void **state)
{
    (void)state;
    return mh_scratch_remove(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_replaces_link),
        cmocka_unit_test(test_write_dangling_link_creates_nothing_there),
        cmocka_unit_test(test_write_replaces_file),
        cmocka_unit_test(test_open_replaces_link),
        cmocka_unit_test(test_temp_is_new_and_private_to_us),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
