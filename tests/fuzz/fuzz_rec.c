/* fuzz_rec.c - libFuzzer target for rec.c, the recorder (TCP streams -> scenario).
 *
 * The input drives the recorder's sink the way tcpre would, always within
 * the contract of rec_tcpre.h: ids open in order from 1, once, before anything
 * else; data (never empty) and gap per direction; close at most once, and
 * nothing for an id after its close; timestamps never go back.
 *
 * Input: one options byte, then ops.
 *   options  bit 0     no_delays
 *            bits 1-3  min_delay_us: 0, 1, 250, 1000, 5000, 1 s, -1, 2^40
 *            bit 4     pass a struct tcpre_stats to rec_write
 *            bit 5     pass a warning (with a quote and a line break)
 *            bit 6     close every live connection (EOF) before rec_write,
 *                      else rec_write closes them itself
 *            bit 7     source: NULL, or a name with bytes to escape
 *   op       bits 0-1  slot (four connections live at once at most)
 *            bits 2-4  kind:
 *              0, 2  client data    [len] [len bytes]   time += arg * 250 us
 *              1, 3  server data    [len] [len bytes]   time += arg * 250 us
 *              4     gap            [n-1]   direction arg & 1
 *              5     close          how = arg % 3; the slot is free again
 *              6     open           syn = arg & 1 (a live slot: nothing)
 *              7     time           [d]     time += d << (arg * 5) us
 *            bits 5-7  arg
 *   Data, gap and close on a free slot first open a new id there (syn =
 *   arg & 1), so every call is one tcpre could make. A length that runs
 *   past the input is cut to what is left; a length of 0 makes no call.
 *
 * Checks, each an abort with what went wrong on stderr:
 *  - no crash, leak or undefined behaviour (ASan+UBSan, libFuzzer's leak
 *    check);
 *  - rec_write's text parses with scn_parse, with an empty diagnostic;
 *  - the steps parsed are as many as rec_write returned and rec_counts
 *    says; every step has a command and a reply whose RESP2 encoding is not
 *    empty and is exactly one complete reply (resp_scan: the recorder
 *    pairs whole replies); every strict block is for a connection number
 *    1..ids opened;
 *  - a second rec_write writes nothing and returns 0.
 * With FUZZ_REC_PRINT set in the environment, each scenario is printed (to
 * look at what the seeds record: fuzz_rec seeds/rec/NAME). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "buf.h"
#include "rec.h"
#include "rec_tcpre.h"
#include "resp.h"
#include "scn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SLOTS 4

static void fail(const char *what, const struct buf *text, const struct buf *diag)
{
    fprintf(stderr, "fuzz_rec: %s\n", what);
    if (diag && diag->len)
        fprintf(stderr, "--- diagnostic ---\n%.*s", (int)diag->len, diag->p);
    if (text && text->len)
        fprintf(stderr, "--- scenario ---\n%.*s\n", (int)text->len, text->p);
    abort();
}

struct drive {
    struct tcpre_sink s;
    int live[SLOTS]; /* id in the slot, 0 when free */
    int ids;         /* ids opened so far */
    int64_t ts;
};

static int slot_id(struct drive *d, int slot, int syn)
{
    if (d->live[slot] == 0) {
        struct tcpre_flow f;
        memset(&f, 0, sizeof(f));
        int id = ++d->ids;
        f.family = id % 3 == 0 ? AF_INET6 : AF_INET;
        f.cli_addr[0] = f.srv_addr[0] = f.family == AF_INET ? 127 : 0xfd;
        f.cli_addr[f.family == AF_INET ? 3 : 15] = 1;
        f.srv_addr[f.family == AF_INET ? 3 : 15] = 2;
        f.cli_port = (uint16_t)(40000 + id);
        f.srv_port = 6379;
        d->s.open(d->s.ud, id, &f, syn, d->ts);
        d->live[slot] = id;
    }
    return d->live[slot];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int64_t min_delays[8] = {0, 1, 250, 1000, 5000, 1000000, -1, 1LL << 40};
    if (size < 1)
        return 0;
    uint8_t o8 = data[0];
    struct rec_opts o;
    rec_opts_init(&o);
    o.no_delays = o8 & 1;
    o.min_delay_us = min_delays[(o8 >> 1) & 7];
    o.source = (o8 & 0x80) ? "cap \"x\"\\\n\x01.pcap" : NULL;
    struct rec *r = rec_new(&o);
    struct drive d;
    memset(&d, 0, sizeof(d));
    rec_sink(r, &d.s);
    d.ts = 1700000000000000LL;

    size_t pos = 1;
    while (pos < size) {
        uint8_t op = data[pos++];
        int slot = op & 3, kind = (op >> 2) & 7, arg = op >> 5;
        switch (kind) {
        case 0:
        case 1:
        case 2:
        case 3: {
            if (pos >= size)
                break;
            size_t len = data[pos++];
            if (len > size - pos)
                len = size - pos;
            d.ts += arg * 250;
            if (len == 0)
                break;
            int id = slot_id(&d, slot, arg & 1);
            uint8_t *p = malloc(len); /* exact size: ASan sees any over-read */
            if (p == NULL)
                abort();
            memcpy(p, data + pos, len);
            pos += len;
            d.s.data(d.s.ud, id, (kind & 1) ? TCPRE_S2C : TCPRE_C2S, p, len, d.ts);
            free(p);
            break;
        }
        case 4: {
            if (pos >= size)
                break;
            uint64_t n = (uint64_t)data[pos++] + 1;
            int id = slot_id(&d, slot, 1);
            d.s.gap(d.s.ud, id, (arg & 1) ? TCPRE_S2C : TCPRE_C2S, n, d.ts);
            break;
        }
        case 5: {
            int id = slot_id(&d, slot, arg & 1);
            static const enum tcpre_end hows[3] = {TCPRE_FIN, TCPRE_RST, TCPRE_EOF};
            d.s.close(d.s.ud, id, hows[arg % 3], d.ts);
            d.live[slot] = 0;
            break;
        }
        case 6: slot_id(&d, slot, arg & 1); break;
        default:
            if (pos >= size)
                break;
            d.ts += (int64_t)data[pos++] << (arg * 5);
            break;
        }
    }
    if (o8 & 0x40)
        for (int i = 0; i < SLOTS; i++)
            if (d.live[i])
                d.s.close(d.s.ud, d.live[i], TCPRE_EOF, d.ts);

    struct tcpre_stats st;
    memset(&st, 0, sizeof(st));
    st.frames = size;
    st.connections = d.ids;
    struct buf text = BUF_INIT, diag = BUF_INIT, sum = BUF_INIT;
    long long steps = rec_write(r, (o8 & 0x10) ? &st : NULL,
                                (o8 & 0x20) ? "cut \"short\"\nafter frame 41" : NULL, &text);
    rec_summary(r, &sum);
    struct rec_counts k;
    rec_counts(r, &k);

    if (getenv("FUZZ_REC_PRINT"))
        printf("%.*s\n", (int)text.len, text.p ? text.p : "");

    struct scn *s = NULL;
    if (scn_parse(text.p ? text.p : "", text.len, "rec.scn", &s, &diag) != 0 || diag.len != 0)
        fail("rec_write's text does not parse cleanly", &text, &diag);
    long long parsed = 0;
    for (int b = 0; b < s->nstricts; b++) {
        const struct scn_strict *blk = &s->stricts[b];
        if (blk->conn < 1 || blk->conn > d.ids)
            fail("a strict block for a connection never opened", &text, NULL);
        for (int i = 0; i < blk->nsteps; i++) {
            const struct scn_step *sp = &blk->steps[i];
            if (sp->cmd == NULL || sp->cmd->argc < 1 || sp->reply == NULL)
                fail("a strict step without a command or a reply", &text, NULL);
            struct buf enc = BUF_INIT;
            scn_val_write(sp->reply, &enc, 2);
            if (enc.len == 0)
                fail("a strict step's reply encodes to nothing", &text, NULL);
            size_t n = 0;
            if (resp_scan(enc.p, enc.len, &n) != 1 || n != enc.len)
                fail("a strict step's reply is not one complete RESP reply", &text, NULL);
            buf_free(&enc);
            parsed++;
        }
    }
    if (parsed != steps || steps != k.steps)
        fail("steps parsed, returned by rec_write and counted disagree", &text, NULL);
    if (k.connections != d.ids)
        fail("connections counted differ from ids opened", &text, NULL);

    struct buf again = BUF_INIT;
    if (rec_write(r, NULL, NULL, &again) != 0 || again.len != 0)
        fail("a second rec_write wrote something", &text, NULL);

    scn_free(s);
    buf_free(&text);
    buf_free(&diag);
    buf_free(&sum);
    buf_free(&again);
    rec_free(r);
    return 0;
}
