#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_tcpre into seeds/tcpre/ (see fuzz_tcpre.c
for the input format). Run from anywhere: python3 tests/fuzz/seeds_tcpre.py"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "seeds", "tcpre")
LINKS = {"eth": 0, "null": 1, "raw": 2, "loop": 3, "sll": 4, "sll2": 5, "dlt12": 6}
PORTS = {0: 0, 6379: 1, 7000: 2}
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def mode(link, described, port):
    return bytes([LINKS[link] | (8 if described else 0) | (PORTS[port] << 4)])


def seg(conn, from_server, flags, seq, ack, plen, v6=0, cut=0, dt=1):
    return struct.pack(">BBHHBB", conn | from_server << 2 | v6 << 3 | cut << 4, flags,
                       seq, ack, plen, dt)


def conversation(conn, v6=0):
    # handshake; 14 bytes up, 7 down, pipelined 20 up in two pieces; FINs
    return b"".join([
        seg(conn, 0, SYN, 0, 0, 0, v6), seg(conn, 1, SYN | ACK, 0, 1, 0, v6),
        seg(conn, 0, ACK, 1, 1, 0, v6),
        seg(conn, 0, PSH | ACK, 1, 1, 14, v6), seg(conn, 1, PSH | ACK, 1, 15, 7, v6),
        seg(conn, 0, PSH | ACK, 15, 8, 12, v6), seg(conn, 0, PSH | ACK, 27, 8, 8, v6),
        seg(conn, 1, FIN | ACK, 8, 35, 0, v6), seg(conn, 0, FIN | ACK, 35, 9, 0, v6),
        seg(conn, 1, ACK, 9, 36, 0, v6)])


def eth_ip4_tcp(sport, dport, seq, ack, flags, payload=b"", frag=0):
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    a, b = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    if sport == 6379:  # the server's address answers
        a, b = b, a
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, frag, 64, 6, 0, a, b)
    return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip + tcp


def ip6_tcp(sport, dport, seq, ack, flags, payload=b"", ext=True):
    tcp = struct.pack(">HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    exts = b""
    nh = 6
    if ext:
        exts = bytes([60, 0]) + b"\0" * 6 + bytes([6, 0]) + b"\0" * 6  # hop-by-hop, dest opts
        nh = 0
    a, b = b"\xfd" + b"\0" * 14 + b"\x01", b"\xfd" + b"\0" * 14 + b"\x02"
    if sport == 6379:  # the server's address answers
        a, b = b, a
    ip = struct.pack(">IHBB16s16s", 0x60000000, len(exts) + len(tcp), nh, 64, a, b)
    return ip + exts + tcp


def raw_record(frame, cut=0):
    return struct.pack(">HB", len(frame), cut) + frame


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    base_wrap = struct.pack(">I", 0xfffffff0)
    base_zero = struct.pack(">I", 0)
    write("described_eth_handshake", mode("eth", 1, 0) + base_zero + conversation(0))
    write("described_sll2_two_conns_v6", mode("sll2", 1, 6379) + base_wrap +
          conversation(0) + conversation(1, v6=1))
    # out of order, retransmitted, overlapping, then a reset
    write("described_null_reorder", mode("null", 1, 0) + base_wrap + b"".join([
        seg(0, 0, SYN, 0, 0, 0), seg(0, 1, SYN | ACK, 0, 1, 0),
        seg(0, 0, ACK, 21, 1, 10), seg(0, 0, ACK, 11, 1, 10), seg(0, 0, ACK, 1, 1, 10),
        seg(0, 0, ACK, 5, 1, 20), seg(0, 0, ACK, 1, 1, 30),
        seg(0, 1, PSH | ACK, 1, 31, 40, cut=9), seg(0, 1, PSH | ACK, 41, 31, 5),
        seg(0, 0, RST, 31, 0, 0)]))
    # midstream connections on port 7000 (one client on the lower port 80)
    write("described_raw_midstream", mode("dlt12", 1, 7000) + base_zero + b"".join([
        seg(2, 0, PSH | ACK, 100, 200, 16), seg(2, 1, PSH | ACK, 210, 116, 8),
        seg(3, 1, PSH | ACK, 5, 9, 3, v6=1), seg(3, 0, PSH | ACK, 9, 8, 4, v6=1),
        seg(2, 0, SYN, 5000, 0, 0), seg(2, 1, SYN | ACK, 7000, 5001, 0)]))
    write("described_loop_sll", mode("loop", 1, 6379) + base_zero + conversation(1, v6=1))
    write("described_sll", mode("sll", 1, 0) + base_wrap + conversation(3))
    # raw frames: a conversation, ARP, a fragment, IPv6 with extension headers, a cut frame
    arp = b"\xff" * 6 + b"\x02\0\0\0\0\x01\x08\x06" + b"\0" * 28
    write("raw_eth_frames", mode("eth", 0, 0) + b"".join([
        raw_record(eth_ip4_tcp(40000, 6379, 100, 0, SYN)),
        raw_record(eth_ip4_tcp(6379, 40000, 900, 101, SYN | ACK)),
        raw_record(eth_ip4_tcp(40000, 6379, 101, 901, PSH | ACK, b"*1\r\n$4\r\nPING\r\n")),
        raw_record(eth_ip4_tcp(6379, 40000, 901, 115, PSH | ACK, b"+PONG\r\n"), cut=3),
        raw_record(arp),
        raw_record(eth_ip4_tcp(40000, 6379, 115, 908, ACK, b"frag", frag=0x2000)),
        raw_record(eth_ip4_tcp(40000, 6379, 115, 908, FIN | ACK))]))
    vlan = eth_ip4_tcp(40000, 6379, 100, 0, SYN)
    vlan = vlan[:12] + b"\x88\xa8\x00\x64\x81\x00\x00\xc8" + vlan[12:]  # two tags
    write("raw_eth_vlan", mode("eth", 0, 6379) + raw_record(vlan))
    write("raw_ip6_ext", mode("raw", 0, 6379) + b"".join([
        raw_record(ip6_tcp(40000, 6379, 1, 0, SYN)),
        raw_record(ip6_tcp(40000, 6379, 2, 9, ACK, b"GET k", ext=False)),
        raw_record(ip6_tcp(6379, 40000, 9, 7, ACK, b"$-1\r\n"))]))
    write("raw_null_v4", mode("null", 0, 0) + b"".join([
        raw_record(b"\x02\0\0\0" + eth_ip4_tcp(1234, 6379, 5, 0, SYN)[14:]),
        raw_record(b"\x02\0\0\0" + eth_ip4_tcp(1234, 6379, 6, 0, ACK, b"hello")[14:])]))


if __name__ == "__main__":
    main()
