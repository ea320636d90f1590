/* fuzz_keyslot.c - libFuzzer target for cluster_keyslot, Redis Cluster's
 * slot function (cluster.c).
 *
 * Input: the key, any bytes. cluster_keyslot's answer is compared with a
 * reference written here independently: CRC16 in its XMODEM form (the one
 * Redis Cluster uses: polynomial 0x1021, initial 0, no reflection, no final
 * xor) computed a byte at a time from a 256-entry table built at the first
 * call (cluster.c shifts bit by bit), and the hash tag found by a scan of
 * indexes (cluster.c uses memchr): the bytes after the first '{' up to the
 * first '}' after it, when that run is not empty; else the whole key. The
 * slot is the CRC modulo 16384. Known values (CLUSTER KEYSLOT on
 * redis-server 7.0.15: "foo" 12182, "{user1000}.following" 3443, "{}"
 * 15257) are checked first, so a reference drifting with the code under
 * test fails at once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint16_t table[256];
static int table_ready;

static void table_build(void)
{
    for (unsigned v = 0; v < 256; v++) {
        uint16_t r = (uint16_t)(v << 8);
        for (int b = 0; b < 8; b++)
            r = (uint16_t)((r & 0x8000u) ? (r << 1) ^ 0x1021u : (r << 1));
        table[v] = r;
    }
    table_ready = 1;
}

static uint16_t ref_crc16(const uint8_t *p, size_t n)
{
    uint16_t crc = 0;
    for (size_t i = 0; i < n; i++)
        crc = (uint16_t)((crc << 8) ^ table[((crc >> 8) ^ p[i]) & 0xffu]);
    return crc;
}

static unsigned ref_slot(const uint8_t *key, size_t n)
{
    size_t open = n, close = n;
    for (size_t i = 0; i < n; i++)
        if (key[i] == '{') {
            open = i;
            break;
        }
    for (size_t i = open + 1; open < n && i < n; i++)
        if (key[i] == '}') {
            close = i;
            break;
        }
    if (open < n && close < n && close > open + 1)
        return ref_crc16(key + open + 1, close - open - 1) % 16384u;
    return ref_crc16(key, n) % 16384u;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!table_ready) {
        table_build();
        if (ref_slot((const uint8_t *)"foo", 3) != 12182 ||
            ref_slot((const uint8_t *)"{user1000}.following", 20) != 3443 ||
            ref_slot((const uint8_t *)"{}", 2) != 15257)
            abort();
    }
    /* a copy of exactly size bytes: ASan sees any read past the key */
    uint8_t *key = malloc(size ? size : 1);
    if (key == NULL)
        return 0;
    memcpy(key, data, size);
    if (cluster_keyslot((const char *)key, size) != ref_slot(key, size))
        abort();
    free(key);
    return 0;
}
