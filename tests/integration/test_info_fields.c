/* test_info_fields.c - INFO has every field of Redis 7.0.15's, in its order.
 *
 * INFO everything from a redis-server and from mockredis: in every section
 * but Memory (its fields are the memory model's) and the per-command or
 * per-database ones (commandstats, errorstats, latencystats, keyspace),
 * each field redis-server lists must be in mockredis's section too, in the
 * same order (mockredis may add its own, e.g. mockredis_version). Values
 * vary and are not compared, except a few that both servers must count
 * alike after the same commands (rdb_changes_since_last_save,
 * total_error_replies, rdb_saves on mockredis). The servers' startup may
 * count changes of its own: the changes are compared as differences. */
#include "it.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* The names of section's fields in an INFO text, in order, one per line. */
static void fields_of(const struct buf *info, const char *section, struct buf *out)
{
    char head[64];
    snprintf(head, sizeof(head), "# %s\r\n", section);
    buf_clear(out);
    const char *p = info->p, *end = info->p + info->len;
    const char *at = NULL;
    for (const char *q = p; q + strlen(head) <= end; q++)
        if (memcmp(q, head, strlen(head)) == 0) {
            at = q + strlen(head);
            break;
        }
    if (at == NULL)
        return;
    while (at < end && *at != '#' && *at != '\r') {
        const char *eol = memchr(at, '\n', (size_t)(end - at));
        const char *colon = memchr(at, ':', (size_t)(end - at));
        if (eol == NULL || colon == NULL || colon > eol)
            break;
        buf_append(out, at, (size_t)(colon - at));
        buf_putc(out, '\n');
        at = eol + 1;
    }
}

static struct buf info_of(struct mh_conn *c)
{
    struct buf r = BUF_INIT;
    assert_int_equal(mh_call(c, "INFO everything", &r, 5000), MH_REPLY);
    assert_true(r.len > 0 && r.p[0] == '$');
    return r;
}

/* The value of field in an INFO text, as a number (-1 when missing). */
static long long value_of(const struct buf *info, const char *field)
{
    char key[96];
    snprintf(key, sizeof(key), "\n%s:", field);
    size_t kl = strlen(key);
    for (size_t i = 0; i + kl <= info->len; i++)
        if (memcmp(info->p + i, key, kl) == 0)
            return strtoll(info->p + i + kl, NULL, 10);
    return -1;
}

static void test_fields_in_order(void **state)
{
    (void)state;
    struct mh_server *redis = it_redis(NULL), *mock = it_mock(NULL);
    struct mh_conn rc, mc;
    assert_int_equal(mh_conn_open(&rc, mh_server_port(redis)), 0);
    assert_int_equal(mh_conn_open(&mc, mh_server_port(mock)), 0);
    static const char *const sections[] = {"Server",      "Clients", "Persistence", "Stats",
                                           "Replication", "CPU",     "Modules",     "Cluster"};
    struct buf ri = info_of(&rc), mi = info_of(&mc);
    struct buf rf = BUF_INIT, mf = BUF_INIT;
    int total = 0;
    for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
        fields_of(&ri, sections[s], &rf);
        fields_of(&mi, sections[s], &mf);
        /* every redis field, in order, as a subsequence of mockredis's */
        const char *m = mf.p ? mf.p : "", *mend = m + mf.len;
        const char *r = rf.p ? rf.p : "", *rend = r + rf.len;
        while (r < rend) {
            const char *re = memchr(r, '\n', (size_t)(rend - r));
            size_t rl = (size_t)(re - r);
            int found = 0;
            while (m < mend) {
                const char *me = memchr(m, '\n', (size_t)(mend - m));
                size_t ml = (size_t)(me - m);
                m = me + 1;
                if (ml == rl && memcmp(m - ml - 1, r, rl) == 0) {
                    found = 1;
                    break;
                }
            }
            if (!found)
                fail_msg("INFO %s: field %.*s missing in mockredis or out of Redis's order",
                         sections[s], (int)rl, r);
            total++;
            r = re + 1;
        }
    }
    assert_true(total > 100);
    buf_free(&ri);
    buf_free(&mi);
    buf_free(&rf);
    buf_free(&mf);
    mh_conn_close(&rc);
    mh_conn_close(&mc);
    it_stop_ok(redis);
    it_stop_ok(mock);
}

/* The same commands make both servers count the same changes and errors. */
static void test_counted_alike(void **state)
{
    (void)state;
    struct mh_server *redis = it_redis(NULL), *mock = it_mock(NULL);
    struct mh_conn c[2];
    assert_int_equal(mh_conn_open(&c[0], mh_server_port(redis)), 0);
    assert_int_equal(mh_conn_open(&c[1], mh_server_port(mock)), 0);
    static const char *const cmds[] = {
        "CONFIG RESETSTAT", "SET a 1", "MSET b 2 c 3", "DEL a nosuch", "INCR b", "GET c",
        "LPUSH c x",        "GET a b", "NOSUCH",       "EXPIRE b 100",
    };
    long long changes[2], errors[2];
    for (int i = 0; i < 2; i++) {
        struct buf before = info_of(&c[i]);
        long long changes0 = value_of(&before, "rdb_changes_since_last_save");
        buf_free(&before);
        struct buf r = BUF_INIT;
        for (size_t j = 0; j < sizeof(cmds) / sizeof(cmds[0]); j++)
            assert_int_equal(mh_call(&c[i], cmds[j], &r, 5000), MH_REPLY);
        /* a protocol error is an error reply too */
        struct mh_conn bad;
        assert_int_equal(mh_conn_open(&bad, i == 0 ? mh_server_port(redis) : mh_server_port(mock)),
                         0);
        assert_int_equal(mh_send(bad.fd, "*1\r\n$abc\r\n", 11), 0);
        assert_int_equal(mh_read_reply(&bad, &r, 5000), MH_REPLY);
        mh_conn_close(&bad);
        buf_free(&r);
        struct buf info = info_of(&c[i]);
        changes[i] = value_of(&info, "rdb_changes_since_last_save") - changes0;
        errors[i] = value_of(&info, "total_error_replies");
        buf_free(&info);
    }
    assert_int_equal(changes[0], 6);
    assert_int_equal(changes[1], changes[0]);
    assert_int_equal(errors[0], 4);
    assert_int_equal(errors[1], errors[0]);
    /* SAVE on mockredis (redis-server would write a file): the changes
     * start over, rdb_saves counts it, LASTSAVE is now */
    struct buf r = BUF_INIT;
    it_line_expect(&c[1], "SAVE", "+OK\r\n");
    struct buf info = info_of(&c[1]);
    assert_int_equal(value_of(&info, "rdb_changes_since_last_save"), 0);
    assert_int_equal(value_of(&info, "rdb_saves"), 1);
    assert_int_equal(value_of(&info, "rdb_last_bgsave_time_sec"), 0);
    buf_free(&info);
    it_line_expect(&c[1], "SET z 1", "+OK\r\n");
    info = info_of(&c[1]);
    assert_int_equal(value_of(&info, "rdb_changes_since_last_save"), 1);
    buf_free(&info);
    buf_free(&r);
    mh_conn_close(&c[0]);
    mh_conn_close(&c[1]);
    it_stop_ok(redis);
    it_stop_ok(mock);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_in_order),
        cmocka_unit_test(test_counted_alike),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
