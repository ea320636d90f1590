/* wire.h - network-order (big-endian) fields of packet headers.
 *
 * The capture writer (cap.c) builds Ethernet/IP/TCP headers and the
 * reassembler (rec_tcpre.c) reads them; both, and the tests that hand-make or
 * check frames, read and write their 16- and 32-bit fields with these.
 * p must have room for 2 (16) or 4 (32) bytes; no alignment is needed. */
#ifndef MOCKREDIS_WIRE_H
#define MOCKREDIS_WIRE_H

#include <stdint.h>

/* TCP header flags (RFC 9293), byte 13 of the header. */
#define WIRE_FIN 0x01
#define WIRE_SYN 0x02
#define WIRE_RST 0x04
#define WIRE_PSH 0x08
#define WIRE_ACK 0x10

static inline void wire_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void wire_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static inline uint16_t wire_get16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t wire_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
