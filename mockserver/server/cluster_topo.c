/* cluster_topo.c - topology changes of a simulated cluster: slot
 * migration, failover, nodes down and up; see cluster.h. */
#include <stdio.h>

#include "cluster.h"

static int not_yet(char *err, size_t errlen)
{
    snprintf(err, errlen, "%s", "topology changes are not implemented yet");
    return -1;
}

int cluster_migrate_start(struct cluster *cl, int slot, int to, char *err, size_t errlen)
{
    (void)cl, (void)slot, (void)to;
    return not_yet(err, errlen);
}

long long cluster_migrate_keys(struct cluster *cl, int slot, long long n, char *err, size_t errlen)
{
    (void)cl, (void)slot, (void)n;
    return not_yet(err, errlen);
}

int cluster_migrate_end(struct cluster *cl, int slot, char *err, size_t errlen)
{
    (void)cl, (void)slot;
    return not_yet(err, errlen);
}

int cluster_failover(struct cluster *cl, int r, char *err, size_t errlen)
{
    (void)cl, (void)r;
    return not_yet(err, errlen);
}

int cluster_node_down(struct cluster *cl, int i, int64_t now_ms, char *err, size_t errlen)
{
    (void)cl, (void)i, (void)now_ms;
    return not_yet(err, errlen);
}

int cluster_node_up(struct cluster *cl, int i, char *err, size_t errlen)
{
    (void)cl, (void)i;
    return not_yet(err, errlen);
}

void cluster_tick(struct cluster *cl, int64_t now_ms)
{
    (void)cl, (void)now_ms;
}
