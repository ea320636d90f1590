/* bench_common.h - the set-up every benchmark shares. */
#ifndef MOCKREDIS_BENCH_COMMON_H
#define MOCKREDIS_BENCH_COMMON_H

/* Points $MOCKREDIS_BIN (what the harness starts) at bin_arg when given,
 * else keeps the environment's, else this build's mockredis; ignores
 * SIGPIPE; raises the open-file limit to the hard limit (servers started
 * later inherit it). Returns 0, or -1 after saying on stderr, prefixed by
 * name, that fewer than need_fds descriptors are available. */
int bench_setup(const char *name, const char *bin_arg, int need_fds);

#endif
