/* test_rc_cluster.c - the cluster client's pure parts (client/rc_cluster.c):
 * the slot function, address parsing and CLUSTER SLOTS parsing, without a
 * server.
 *
 * The expected slots are what redis-server 7.0.15 in cluster mode answered
 * to CLUSTER KEYSLOT for each key (the tricky hash tags of the issue among
 * them); the CLUSTER SLOTS replies are the bytes a real 3-node cluster sent
 * (node ids and ports as they were), fed to hiredis's reader, so the parser
 * sees the redisReply a connection would give it. The integration test
 * (integration.cluster_client) compares the slot function with a live
 * cluster's CLUSTER KEYSLOT on many more keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <hiredis/hiredis.h>

#include "rc_cluster.h"
#include "rc_internal.h"

#define S(lit) (lit), (sizeof(lit) - 1)

/* ---- the slot function ---------------------------------------------------------- */

static void test_slot_known_keys(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        unsigned slot;
    } cases[] = {
        /* redis-server 7.0.15, CLUSTER KEYSLOT */
        {"foo", 12182},
        {"bar", 5061},
        {"hello", 866},
        {"123456789", 12739}, /* CRC16/XMODEM's check value 0x31C3, mod 16384 */
        {"{user1000}.following", 3443},
        {"{a}", 15495},    /* the tag alone */
        {"{}", 15257},     /* an empty tag: the whole key */
        {"{}foo", 9500},   /* idem */
        {"x{}y", 16116},   /* idem */
        {"{{a}}", 10276},  /* the tag is "{a": up to the first '}' */
        {"a{b}{c}", 3300}, /* the first tag only: "b" */
        {"foo{", 7673},    /* not closed: the whole key */
        {"a}b{c}", 7365},  /* a '}' before the '{' does not count: tag "c" */
        {"", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned got = rc_cluster_slot(cases[i].key, strlen(cases[i].key));
        if (got != cases[i].slot)
            fail_msg("slot of \"%s\": %u, Redis says %u", cases[i].key, got, cases[i].slot);
    }
    /* A tag puts keys together, whatever surrounds it. */
    assert_int_equal(rc_cluster_slot(S("{user:42}:name")), rc_cluster_slot(S("user:42")));
    assert_int_equal(rc_cluster_slot(S("{user:42}:visits")), rc_cluster_slot(S("{user:42}")));
    assert_int_equal(rc_cluster_slot(S("a{b}{c}")), rc_cluster_slot(S("b")));
    /* Binary keys: NUL bytes are hashed, not a terminator. */
    assert_int_not_equal(rc_cluster_slot("a\0b", 3), rc_cluster_slot("a", 1));
    /* Always within 0..16383. */
    char key[16];
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(key, sizeof(key), "k%d", i);
        assert_true(rc_cluster_slot(key, (size_t)n) < RC_CLUSTER_SLOTS);
    }
}

/* ---- addresses -------------------------------------------------------------------- */

static void test_parse_addr(void **state)
{
    (void)state;
    struct rc__addr a;
    assert_int_equal(rc__parse_addr(S("127.0.0.1:7001"), &a), 0);
    assert_string_equal(a.host, "127.0.0.1");
    assert_int_equal(a.port, 7001);
    assert_int_equal(rc__parse_addr(S("[::1]:30001"), &a), 0);
    assert_string_equal(a.host, "::1");
    assert_int_equal(a.port, 30001);
    assert_int_equal(rc__parse_addr(S("node-a.example:6379"), &a), 0);
    assert_string_equal(a.host, "node-a.example");
    /* The length is the caller's: what follows is not read. */
    assert_int_equal(rc__parse_addr("127.0.0.1:7001,127.0.0.1:7002", 14, &a), 0);
    assert_int_equal(a.port, 7001);
    assert_int_equal(rc__parse_addr(S("127.0.0.1"), &a), -1);
    assert_int_equal(rc__parse_addr(S("127.0.0.1:"), &a), -1);
    assert_int_equal(rc__parse_addr(S("127.0.0.1:0"), &a), -1);
    assert_int_equal(rc__parse_addr(S("127.0.0.1:65536"), &a), -1);
    assert_int_equal(rc__parse_addr(S("127.0.0.1:99999999999999999999"), &a), -1);
    assert_int_equal(rc__parse_addr(S("127.0.0.1:70a1"), &a), -1);
}

/* ---- CLUSTER SLOTS ---------------------------------------------------------------- */

/* The reply in bytes, parsed by hiredis's reader as a connection would. */
static redisReply *reply_of(const char *bytes, size_t len)
{
    redisReader *rd = redisReaderCreate();
    assert_non_null(rd);
    assert_int_equal(redisReaderFeed(rd, bytes, len), REDIS_OK);
    void *r = NULL;
    assert_int_equal(redisReaderGetReply(rd, &r), REDIS_OK);
    assert_non_null(r);
    redisReaderFree(rd);
    return r;
}

/* What redis-server 7.0.15 sent for a fresh 3-node cluster (redis-cli
 * --cluster create): [start, end, [host, port, id, metadata]] per primary. */
static const char real_slots[] = "*3\r\n"
                                 "*3\r\n:0\r\n:5460\r\n*4\r\n$9\r\n127.0.0.1\r\n:53471\r\n"
                                 "$40\r\n669c0b2fc5f22943a305ce32a18ec4758792ada4\r\n*0\r\n"
                                 "*3\r\n:5461\r\n:10922\r\n*4\r\n$9\r\n127.0.0.1\r\n:44433\r\n"
                                 "$40\r\n3c1523a7be4066bcf29f0aef8405283e93877af0\r\n*0\r\n"
                                 "*3\r\n:10923\r\n:16383\r\n*4\r\n$9\r\n127.0.0.1\r\n:52943\r\n"
                                 "$40\r\n7668a1526af531871918b6b97cf3981cd5c9e8fb\r\n*0\r\n";

static void test_parse_slots_real(void **state)
{
    (void)state;
    static struct rc__slot_map map;
    char err[128];
    redisReply *r = reply_of(real_slots, sizeof(real_slots) - 1);
    assert_int_equal(rc__parse_cluster_slots(r, "10.0.0.9", &map, err, sizeof(err)), 16384);
    freeReplyObject(r);
    assert_int_equal(map.nnodes, 3);
    assert_int_equal(map.nodes[map.owner[0]].port, 53471);
    assert_int_equal(map.nodes[map.owner[5460]].port, 53471);
    assert_int_equal(map.nodes[map.owner[5461]].port, 44433);
    assert_int_equal(map.nodes[map.owner[12182]].port, 52943); /* "foo" */
    assert_string_equal(map.nodes[map.owner[16383]].host, "127.0.0.1");
}

/* After a migration: one slot is a range of its own, ranges out of order,
 * a replica after the primary, an empty host ("the node you asked") and a
 * primary whose address is unknown ("?"). */
static void test_parse_slots_shapes(void **state)
{
    (void)state;
    static const char bytes[] = "*4\r\n"
                                /* 0-99: primary on port 7000, a replica on 7003 (ignored) */
                                "*4\r\n:0\r\n:99\r\n*3\r\n$9\r\n127.0.0.1\r\n:7000\r\n$1\r\na\r\n"
                                "*3\r\n$9\r\n127.0.0.1\r\n:7003\r\n$1\r\nd\r\n"
                                /* 5000: moved alone to 7001 */
                                "*3\r\n:5000\r\n:5000\r\n*2\r\n$9\r\n127.0.0.1\r\n:7001\r\n"
                                /* 100-199: an empty host, port 7002 */
                                "*3\r\n:100\r\n:199\r\n*2\r\n$0\r\n\r\n:7002\r\n"
                                /* 200-299: address unknown */
                                "*3\r\n:200\r\n:299\r\n*2\r\n$1\r\n?\r\n:0\r\n";
    static struct rc__slot_map map;
    char err[128];
    redisReply *r = reply_of(bytes, sizeof(bytes) - 1);
    assert_int_equal(rc__parse_cluster_slots(r, "10.0.0.9", &map, err, sizeof(err)), 201);
    freeReplyObject(r);
    assert_int_equal(map.nnodes, 3);
    assert_int_equal(map.nodes[map.owner[99]].port, 7000);
    assert_int_equal(map.nodes[map.owner[5000]].port, 7001);
    assert_int_equal(map.owner[4999], -1);
    assert_int_equal(map.owner[5001], -1);
    assert_string_equal(map.nodes[map.owner[150]].host, "10.0.0.9");
    assert_int_equal(map.owner[250], -1);
    assert_int_equal(map.owner[300], -1);
}

static void parse_bad(const char *bytes, size_t len, const char *why)
{
    static struct rc__slot_map map;
    char err[128] = "";
    redisReply *r = reply_of(bytes, len);
    int got = rc__parse_cluster_slots(r, "127.0.0.1", &map, err, sizeof(err));
    freeReplyObject(r);
    if (got != -1)
        fail_msg("%s: parsed as %d slots", why, got);
    assert_non_null(strstr(err, why));
}

static void test_parse_slots_refused(void **state)
{
    (void)state;
    parse_bad(S("-ERR This instance has cluster support disabled\r\n"), "not an array");
    parse_bad(S("*1\r\n:5\r\n"), "a range is not");
    parse_bad(S("*1\r\n*2\r\n:0\r\n:5\r\n"), "a range is not");
    parse_bad(S("*1\r\n*3\r\n:10\r\n:5\r\n*2\r\n$1\r\nh\r\n:1\r\n"), "outside 0..16383");
    parse_bad(S("*1\r\n*3\r\n:0\r\n:16384\r\n*2\r\n$1\r\nh\r\n:1\r\n"), "outside 0..16383");
    parse_bad(S("*1\r\n*3\r\n:0\r\n:5\r\n*1\r\n$1\r\nh\r\n"), "a node is not");
    parse_bad(S("*1\r\n*3\r\n:0\r\n:5\r\n*2\r\n:1\r\n:1\r\n"), "a node is not");
    parse_bad(S("*1\r\n*3\r\n:0\r\n:5\r\n*2\r\n$1\r\nh\r\n:70000\r\n"), "outside 1..65535");
    /* No slots at all is a valid map (a cluster before ADDSLOTS). */
    static struct rc__slot_map map;
    redisReply *r = reply_of(S("*0\r\n"));
    assert_int_equal(rc__parse_cluster_slots(r, "h", &map, NULL, 0), 0);
    freeReplyObject(r);
    assert_int_equal(map.nnodes, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slot_known_keys),     cmocka_unit_test(test_parse_addr),
        cmocka_unit_test(test_parse_slots_real),    cmocka_unit_test(test_parse_slots_shapes),
        cmocka_unit_test(test_parse_slots_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
