/* scn_file.c - reading scenario files from disk and `mockredis check`.
 *
 * The only file I/O of the scenario module: everything else works on text
 * in memory (scn_parse.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "mr_err.h"
#include "scn.h"
#include "scn_file.h"

#define SCN_MAX_FILE (64 * 1024 * 1024)

int scn_load_file(const char *path, struct scn **out, struct buf *diag)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        buf_printf(diag, "%s: cannot open: %s\n", path, strerror(errno));
        return MR_EIO;
    }
    struct buf text = BUF_INIT;
    for (;;) {
        char *dst = buf_reserve(&text, 65536);
        size_t n = fread(dst, 1, 65536, f);
        buf_commit(&text, n);
        if (n < 65536)
            break;
        if (text.len > SCN_MAX_FILE) {
            buf_printf(diag, "%s: file too large for a scenario (over 64 MiB)\n", path);
            fclose(f);
            buf_free(&text);
            return MR_EIO;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        buf_printf(diag, "%s: read error\n", path);
        buf_free(&text);
        return MR_EIO;
    }
    int rc = scn_parse(text.p ? text.p : "", text.len, path, out, diag);
    buf_free(&text);
    return rc;
}

int scn_check_main(int argc, char **argv)
{
    int status = 0;
    if (argc < 1) {
        fprintf(stderr, "usage: mockredis check FILE...\n");
        return 2;
    }
    for (int i = 0; i < argc; i++) {
        struct buf diag = BUF_INIT;
        struct scn *s;
        if (scn_load_file(argv[i], &s, &diag) < 0) {
            fputs(diag.p ? diag.p : "", stderr);
            status = 2;
        } else {
            int steps = 0;
            for (int k = 0; k < s->nstricts; k++)
                steps += s->stricts[k].nsteps;
            printf("%s: ok (%d rules, %d timed events, %d strict steps, %d expectations)\n", argv[i],
                   s->nrules, s->nevents, steps, s->nexpects);
            scn_free(s);
        }
        buf_free(&diag);
    }
    return status;
}
