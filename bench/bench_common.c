/* bench_common.c - the set-up every benchmark shares, see bench_common.h. */
#include "bench_common.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#ifndef BENCH_MOCKREDIS_BIN
#define BENCH_MOCKREDIS_BIN "mockredis"
#endif

int bench_setup(const char *name, const char *bin_arg, int need_fds)
{
    if (bin_arg)
        setenv("MOCKREDIS_BIN", bin_arg, 1);
    else if (getenv("MOCKREDIS_BIN") == NULL)
        setenv("MOCKREDIS_BIN", BENCH_MOCKREDIS_BIN, 1);
    signal(SIGPIPE, SIG_IGN);

    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < (rlim_t)need_fds) {
        fprintf(stderr, "%s: need %d descriptors, the hard limit is %lu (ulimit -Hn)\n", name,
                need_fds, (unsigned long)rl.rlim_max);
        return -1;
    }
    return 0;
}
