/* fuzz_scn.c - libFuzzer target for the scenario parser (scn_parse.c) and
 * checker (scn_check.c).
 *
 * The input is parsed as a scenario file; when it parses, every reply value
 * in it is encoded in RESP2 and RESP3 (so the tree is walked completely),
 * the checks of `mockredis check` run on it (all but running the setup
 * block: that is the server's commands, which a DEBUG SLEEP would stall),
 * and the tree is freed. A check that fails must say where, as the parser
 * does. The input is also parsed as a single reply value.
 * The parser must never crash, leak or read out of bounds, whatever the
 * bytes; diagnostics must always be "file:line:col: ..." lines. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scn.h"
#include "scn_check.h"

static void walk_acts(const struct scn_act *acts, int n)
{
    for (int i = 0; i < n; i++) {
        if (acts[i].val) {
            struct buf b = BUF_INIT;
            scn_val_write(acts[i].val, &b, 2);
            scn_val_write(acts[i].val, &b, 3);
            buf_free(&b);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct buf diag = BUF_INIT;
    struct scn *s = NULL;
    if (scn_parse((const char *)data, size, "fuzz.scn", &s, &diag) == 0) {
        for (int i = 0; i < s->nrules; i++)
            walk_acts(s->rules[i].acts, s->rules[i].nacts);
        for (int i = 0; i < s->nevents; i++)
            walk_acts(s->events[i].acts, s->events[i].nacts);
        for (int i = 0; i < s->nstricts; i++)
            for (int j = 0; j < s->stricts[i].nsteps; j++) {
                struct buf b = BUF_INIT;
                scn_val_write(s->stricts[i].steps[j].reply, &b, 2);
                buf_free(&b);
            }
        if (diag.len != 0)
            abort(); /* success must come without diagnostics */
        if (scn_check(s, SCN_CHECK_NO_SETUP_RUN, &diag) == 0 ? diag.len != 0
                                                             : strncmp(diag.p, "fuzz.scn:", 9) != 0)
            abort(); /* checked: nothing to say, or where each problem is */
        scn_free(s);
    } else if (diag.len == 0 || strncmp(diag.p, "fuzz.scn:", 9) != 0) {
        abort(); /* a failure must say where */
    }
    buf_free(&diag);

    struct scn_val *v = NULL;
    if (scn_parse_value((const char *)data, size, "fuzz", &v, NULL) == 0) {
        struct buf b = BUF_INIT;
        scn_val_write(v, &b, 3);
        buf_free(&b);
        scn_val_free(v);
    }
    return 0;
}
