/* test_pubsub.c - unit tests of the Pub/Sub registry (pubsub.c).
 *
 * A core without any socket and clients made by core_client_new: the
 * registry's figures as clients come and go, what ps_publish writes into
 * each receiver's output, and when it calls core->on_output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmd.h"
#include "core.h"
#include "pubsub.h"

/* What on_output was told: the last client and offset, and a count. */
struct seen {
    struct client *c;
    size_t from;
    int calls;
};

static void on_output(void *ud, struct client *c, size_t from)
{
    struct seen *s = ud;
    s->c = c;
    s->from = from;
    s->calls++;
}

static void out_is(struct client *c, const char *want)
{
    if (c->out.len != strlen(want) || memcmp(c->out.p, want, c->out.len) != 0)
        fail_msg("out is \"%.*s\", want \"%s\"", (int)c->out.len, c->out.p ? c->out.p : "", want);
    buf_clear(&c->out);
}

/* Subscriptions are counted per kind and per name; a repeated one is not
 * new; the last subscriber leaving removes the name. */
static void test_counts(void **state)
{
    (void)state;
    struct core core;
    cmd_init();
    core_init(&core);
    struct client *a = core_client_new(&core), *b = core_client_new(&core);
    assert_int_equal(ps_total(a), 0);
    assert_int_equal(ps_subscribe(&core, a, PS_CHANNEL, "x", 1), 1);
    assert_int_equal(ps_subscribe(&core, a, PS_CHANNEL, "x", 1), 0);
    assert_int_equal(ps_subscribe(&core, b, PS_CHANNEL, "x", 1), 1);
    assert_int_equal(ps_subscribe(&core, a, PS_PATTERN, "x*", 2), 1);
    assert_int_equal(ps_subscribe(&core, b, PS_PATTERN, "x*", 2), 1);
    assert_int_equal(ps_subscribe(&core, a, PS_SHARD, "x", 1), 1);
    assert_int_equal(ps_total(a), 3);
    assert_int_equal(ps_count(a, PS_PATTERN), 1);
    assert_int_equal(ps_nchannels(&core, 0), 1);
    assert_int_equal(ps_nchannels(&core, 1), 1);
    assert_int_equal(ps_npatterns(&core), 1); /* distinct patterns */
    assert_int_equal(ps_numsub(&core, 0, "x", 1), 2);
    assert_int_equal(ps_numsub(&core, 1, "x", 1), 1);
    assert_int_equal(ps_unsubscribe(&core, a, PS_CHANNEL, "nope", 4), 0);
    assert_int_equal(ps_unsubscribe(&core, a, PS_CHANNEL, "x", 1), 1);
    assert_int_equal(ps_numsub(&core, 0, "x", 1), 1);
    size_t len;
    const char *first = ps_first(a, PS_PATTERN, &len);
    assert_non_null(first);
    assert_int_equal(len, 2);
    /* Unsubscribing by the pointer ps_first gave is fine. */
    assert_int_equal(ps_unsubscribe(&core, a, PS_PATTERN, first, len), 1);
    assert_null(ps_first(a, PS_PATTERN, &len));
    core_client_free(b); /* its subscriptions go with it */
    assert_int_equal(ps_nchannels(&core, 0), 0);
    assert_int_equal(ps_npatterns(&core), 0);
    assert_int_equal(ps_nchannels(&core, 1), 1);
    core_destroy(&core); /* a is freed with its shard channel */
}

/* Messages: arrays in RESP2, pushes in RESP3; channel subscribers first,
 * then patterns; a client with both gets it twice; on_output for every
 * receiver but the publisher; nothing written to a client being closed,
 * but it is counted. */
static void test_publish(void **state)
{
    (void)state;
    struct core core;
    struct seen seen = {NULL, 0, 0};
    cmd_init();
    core_init(&core);
    core.on_output = on_output;
    core.on_output_ud = &seen;
    struct client *a = core_client_new(&core), *b = core_client_new(&core);
    struct client *p = core_client_new(&core);
    b->proto = 3;
    ps_subscribe(&core, a, PS_CHANNEL, "ch", 2);
    ps_subscribe(&core, a, PS_PATTERN, "c?", 2);
    ps_subscribe(&core, b, PS_PATTERN, "[a-c]h", 6);
    ps_subscribe(&core, p, PS_CHANNEL, "ch", 2);
    buf_append(&a->out, "+x\r\n", 4); /* output already waiting */

    assert_int_equal(ps_publish(&core, p, 0, "ch", 2, "m", 1), 4);
    out_is(a, "+x\r\n*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n"
              "*4\r\n$8\r\npmessage\r\n$2\r\nc?\r\n$2\r\nch\r\n$1\r\nm\r\n");
    out_is(b, ">4\r\n$8\r\npmessage\r\n$6\r\n[a-c]h\r\n$2\r\nch\r\n$1\r\nm\r\n");
    out_is(p, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n");
    assert_int_equal(seen.calls, 3); /* a twice, b once, p never */
    assert_ptr_equal(seen.c, b);
    assert_int_equal(seen.from, 0);

    assert_int_equal(ps_publish(&core, NULL, 1, "ch", 2, "m", 1), 0); /* shard: nobody */
    assert_int_equal(ps_publish(&core, NULL, 0, "zz", 2, "m", 1), 0);

    a->flags |= CL_CLOSE_ASAP;
    seen.calls = 0;
    assert_int_equal(ps_publish(&core, NULL, 0, "ch", 2, "", 0), 4);
    assert_int_equal(a->out.len, 0);
    assert_int_equal(seen.calls, 2); /* b and p */
    out_is(b, ">4\r\n$8\r\npmessage\r\n$6\r\n[a-c]h\r\n$2\r\nch\r\n$0\r\n\r\n");
    out_is(p, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$0\r\n\r\n");

    ps_forget(&core, a);
    assert_int_equal(ps_total(a), 0);
    assert_int_equal(ps_publish(&core, NULL, 0, "ch", 2, "m", 1), 2);
    core_destroy(&core);
}

/* PUBSUB CHANNELS' walk: in subscription order, filtered by a glob. */
struct names {
    char text[64];
};

static void collect(void *ud, const char *name, size_t len)
{
    struct names *n = ud;
    strncat(n->text, name, len);
    strcat(n->text, " ");
}

static void test_each_channel(void **state)
{
    (void)state;
    struct core core;
    cmd_init();
    core_init(&core);
    struct names n = {""};
    ps_each_channel(&core, 0, NULL, 0, collect, &n); /* no registry yet */
    assert_string_equal(n.text, "");
    struct client *a = core_client_new(&core);
    ps_subscribe(&core, a, PS_CHANNEL, "news.uk", 7);
    ps_subscribe(&core, a, PS_CHANNEL, "sport", 5);
    ps_subscribe(&core, a, PS_CHANNEL, "news.fr", 7);
    ps_subscribe(&core, a, PS_SHARD, "news.de", 7);
    ps_each_channel(&core, 0, NULL, 0, collect, &n);
    assert_string_equal(n.text, "news.uk sport news.fr ");
    n.text[0] = '\0';
    ps_each_channel(&core, 0, "news.*", 6, collect, &n);
    assert_string_equal(n.text, "news.uk news.fr ");
    n.text[0] = '\0';
    ps_each_channel(&core, 1, "*", 1, collect, &n);
    assert_string_equal(n.text, "news.de ");
    core_destroy(&core);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_publish),
        cmocka_unit_test(test_each_channel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
