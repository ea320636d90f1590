/* test_cluster_cmd.c - unit tests of the CLUSTER reply builders
 * (cmd_cluster.c, declared in cluster.h), on a cluster made by cluster_new
 * with no server attached: exact bytes of SLOTS and SHARDS in RESP2 and
 * RESP3, NODES lines (flags of myself, replicas, nodes down and failed;
 * migration annotations on the node's own line only), INFO's counts,
 * LINKS without the nodes that are down, and the epoch bump's rule.
 * integration.cluster_cmd compares the same replies with a real cluster. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "cluster.h"

static struct cluster *mk(int primaries, int replicas)
{
    char err[128];
    struct cluster *cl = cluster_new(primaries, replicas, 7, err, sizeof(err));
    assert_non_null(cl);
    for (int i = 0; i < cl->nnodes; i++)
        cluster_set_port(cl, i, 7000 + i);
    return cl;
}

static char *text(struct buf *b)
{
    buf_putc(b, '\0');
    return b->p;
}

static void test_slots_one_primary(void **state)
{
    (void)state;
    struct cluster *cl = mk(1, 0);
    struct buf b = BUF_INIT;
    cluster_slots_reply(&b, 2, cl);
    char want[256];
    snprintf(want, sizeof(want),
             "*1\r\n*3\r\n:0\r\n:16383\r\n*4\r\n$9\r\n127.0.0.1\r\n:7000\r\n$40\r\n%s\r\n*0\r\n",
             cl->nodes[0].id);
    assert_string_equal(text(&b), want);
    buf_free(&b);
    cluster_slots_reply(&b, 3, cl); /* the metadata is a map in RESP3 */
    want[strlen(want) - 4] = '%';
    assert_string_equal(text(&b), want);
    buf_free(&b);
    cluster_free(cl);
}

static void test_slots_ranges_and_replicas(void **state)
{
    (void)state;
    struct cluster *cl = mk(3, 1);
    cl->owner[100] = 1; /* 0-99, 100, 101-5460, ... */
    cl->owner[16383] = -1;
    cl->nodes[5].failed = 1; /* a failed replica is left out */
    struct buf b = BUF_INIT;
    cluster_slots_reply(&b, 2, cl);
    const char *t = text(&b);
    assert_memory_equal(t, "*5\r\n*4\r\n:0\r\n:99\r\n", 17);
    assert_non_null(strstr(t, "*4\r\n:100\r\n:100\r\n"));
    assert_non_null(strstr(t, "*3\r\n:10923\r\n:16382\r\n"));
    assert_null(strstr(t, cl->nodes[5].id));
    buf_free(&b);
    cluster_free(cl);
}

static void test_shards(void **state)
{
    (void)state;
    struct cluster *cl = mk(2, 1);
    cl->nodes[3].failed = 1;
    struct buf b = BUF_INIT;
    cluster_shards_reply(&b, 3, cl);
    const char *t = text(&b);
    assert_memory_equal(
        t, "*2\r\n%2\r\n$5\r\nslots\r\n*2\r\n:0\r\n:8191\r\n$5\r\nnodes\r\n*2\r\n%7\r\n",
        strlen("*2\r\n%2\r\n$5\r\nslots\r\n*2\r\n:0\r\n:8191\r\n$5\r\nnodes\r\n*2\r\n%7\r\n"));
    assert_non_null(strstr(t, "$4\r\nrole\r\n$7\r\nreplica\r\n$18\r\nreplication-offset\r\n:0\r\n"
                              "$6\r\nhealth\r\n$4\r\nfail\r\n"));
    assert_non_null(strstr(t, "$6\r\nhealth\r\n$6\r\nonline\r\n"));
    buf_free(&b);
    cluster_shards_reply(&b, 2, cl);
    assert_memory_equal(text(&b), "*2\r\n*4\r\n$5\r\nslots\r\n", 19);
    assert_non_null(strstr(b.p, "*14\r\n$2\r\nid\r\n"));
    buf_free(&b);
    cluster_free(cl);
}

static void test_node_lines(void **state)
{
    (void)state;
    struct cluster *cl = mk(3, 1);
    struct buf b = BUF_INIT;
    char want[256];
    cluster_node_line(&b, cl, 0, 0, 1234567);
    snprintf(want, sizeof(want),
             "%s 127.0.0.1:7000@17000 myself,master - 0 1234000 1 connected 0-5460",
             cl->nodes[0].id);
    assert_string_equal(text(&b), want);
    buf_free(&b);
    cluster_node_line(&b, cl, 3, 0, 1234567); /* a replica shows its primary's epoch */
    snprintf(want, sizeof(want), "%s 127.0.0.1:7003@17003 slave %s 0 1234000 1 connected",
             cl->nodes[3].id, cl->nodes[0].id);
    assert_string_equal(text(&b), want);
    buf_free(&b);
    cl->nodes[1].down = 1;
    cl->nodes[1].down_ms = 999123;
    cluster_node_line(&b, cl, 1, 0, 1234567);
    snprintf(want, sizeof(want),
             "%s 127.0.0.1:7001@17001 master,fail? - 999123 999000 2 disconnected 5461-10922",
             cl->nodes[1].id);
    assert_string_equal(text(&b), want);
    buf_free(&b);
    cl->nodes[1].failed = 1;
    cluster_node_line(&b, cl, 1, 0, 1234567);
    assert_non_null(strstr(text(&b), " master,fail - "));
    buf_free(&b);
    cl->owner[5] = -1;
    cl->owner[7] = -1;
    cluster_node_line(&b, cl, 0, 0, 0);
    assert_non_null(strstr(text(&b), " connected 0-4 6 8-5460"));
    buf_free(&b);
    cluster_free(cl);
}

static void test_migration_annotations(void **state)
{
    (void)state;
    struct cluster *cl = mk(3, 0);
    cl->migrating[100] = 1;
    cl->importing[100] = 0;
    cl->importer1[100] = 2; /* node 1 said IMPORTING */
    assert_int_equal(cluster_importer(cl, 100), 1);
    cl->importer1[100] = 0; /* not said: the migration's target */
    assert_int_equal(cluster_importer(cl, 100), 1);
    assert_int_equal(cluster_importer(cl, 101), -1);
    struct buf b = BUF_INIT;
    char want[128];
    cluster_node_line(&b, cl, 0, 0, 0);
    snprintf(want, sizeof(want), " 0-5460 [100->-%s]", cl->nodes[1].id);
    assert_non_null(strstr(text(&b), want));
    buf_free(&b);
    cluster_node_line(&b, cl, 1, 1, 0);
    snprintf(want, sizeof(want), " 5461-10922 [100-<-%s]", cl->nodes[0].id);
    assert_non_null(strstr(text(&b), want));
    buf_free(&b);
    cluster_node_line(&b, cl, 0, 1, 0); /* another node's line: no annotations */
    assert_null(strchr(text(&b), '['));
    buf_free(&b);
    cluster_free(cl);
}

static void test_info(void **state)
{
    (void)state;
    struct cluster *cl = mk(3, 1);
    struct buf b = BUF_INIT;
    cluster_info_text(&b, cl, 4);
    assert_string_equal(text(&b), "cluster_state:ok\r\ncluster_slots_assigned:16384\r\n"
                                  "cluster_slots_ok:16384\r\ncluster_slots_pfail:0\r\n"
                                  "cluster_slots_fail:0\r\ncluster_known_nodes:6\r\n"
                                  "cluster_size:3\r\ncluster_current_epoch:6\r\n"
                                  "cluster_my_epoch:2\r\ncluster_stats_messages_sent:0\r\n"
                                  "cluster_stats_messages_received:0\r\n"
                                  "total_cluster_links_buffer_limit_exceeded:0\r\n");
    buf_free(&b);
    cl->nodes[1].down = 1;
    cl->nodes[2].down = cl->nodes[2].failed = 1;
    cl->owner[0] = -1;
    cluster_info_text(&b, cl, 0);
    assert_non_null(strstr(text(&b), "cluster_state:fail\r\ncluster_slots_assigned:16383\r\n"
                                     "cluster_slots_ok:5460\r\ncluster_slots_pfail:5462\r\n"
                                     "cluster_slots_fail:5461\r\n"));
    buf_free(&b);
    cluster_free(cl);
}

static void test_links(void **state)
{
    (void)state;
    struct cluster *cl = mk(3, 0);
    cl->nodes[2].down = 1;
    struct buf b = BUF_INIT;
    cluster_links_reply(&b, 2, cl, 0, 42);
    const char *t = text(&b);
    assert_memory_equal(t, "*2\r\n*12\r\n$9\r\ndirection\r\n$2\r\nto\r\n", 32);
    assert_non_null(strstr(t, "$11\r\ncreate-time\r\n:42\r\n$6\r\nevents\r\n$1\r\nr\r\n"));
    assert_null(strstr(t, cl->nodes[2].id));
    buf_free(&b);
    cluster_links_reply(&b, 3, cl, 0, 42);
    assert_memory_equal(text(&b), "*2\r\n%6\r\n", 8);
    buf_free(&b);
    cluster_free(cl);
}

static void test_bump_epoch(void **state)
{
    (void)state;
    struct cluster *cl = mk(3, 0);                  /* epochs 1, 2, 3; current 3 */
    assert_int_equal(cluster_bump_epoch(cl, 2), 0); /* already the greatest: STILL */
    assert_int_equal(cluster_bump_epoch(cl, 0), 1);
    assert_int_equal(cl->nodes[0].config_epoch, 4);
    assert_int_equal(cl->current_epoch, 4);
    assert_int_equal(cluster_bump_epoch(cl, 0), 0);
    cluster_free(cl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slots_one_primary),
        cmocka_unit_test(test_slots_ranges_and_replicas),
        cmocka_unit_test(test_shards),
        cmocka_unit_test(test_node_lines),
        cmocka_unit_test(test_migration_annotations),
        cmocka_unit_test(test_info),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_bump_epoch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
