#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_rec into seeds/rec/ (see fuzz_rec.c for the
input format): realistic Redis conversations as the recorder's sink sees
them. Run from anywhere: python3 tests/fuzz/seeds_rec.py"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "seeds", "rec")

# options byte
NO_DELAYS, STATS, WARNING, CLOSE_ALL, SOURCE = 0x01, 0x10, 0x20, 0x40, 0x80
MIN_DELAY = {0: 0, 1: 1, 250: 2, 1000: 3, 5000: 4, 1000000: 5, -1: 6, 1 << 40: 7}
# op kinds
UP, DOWN, GAP, CLOSE, OPEN, TIME = 0, 1, 4, 5, 6, 7
FIN, RST, EOF = 0, 1, 2


def opts(*flags, min_delay=1000):
    v = MIN_DELAY[min_delay] << 1
    for f in flags:
        v |= f
    return bytes([v])


def op(slot, kind, arg=0):
    return bytes([slot | kind << 2 | arg << 5])


def open_(slot, syn=1):
    return op(slot, OPEN, syn)


def data(slot, kind, payload, step=0):
    """payload in pieces of at most 255 bytes; step * 250 us before each."""
    out = b""
    for i in range(0, len(payload), 255):
        piece = payload[i:i + 255]
        out += op(slot, kind, step) + bytes([len(piece)]) + piece
    return out


def up(slot, payload, step=0):
    return data(slot, UP, payload, step)


def down(slot, payload, step=0):
    return data(slot, DOWN, payload, step)


def gap(slot, server, n):
    return op(slot, GAP, 1 if server else 0) + bytes([n - 1])


def close(slot, how=FIN):
    return op(slot, CLOSE, how)


def wait_ms(ms):
    """time += d << (arg * 5) us: d ms is about d << 10 us (arg 2)."""
    return op(0, TIME, 2) + bytes([ms])


def cmd(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else a.encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def bulk(s):
    s = s if isinstance(s, bytes) else s.encode()
    return b"$%d\r\n%s\r\n" % (len(s), s)


def write(name, content):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(content)


HELLO3_MAP = (b"%7\r\n" + bulk("server") + bulk("redis") + bulk("version") + bulk("7.2.4") +
              bulk("proto") + b":3\r\n" + bulk("id") + b":5\r\n" + bulk("mode") +
              bulk("standalone") + bulk("role") + bulk("master") + bulk("modules") + b"*0\r\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    write("set_get", opts() + b"".join([
        open_(0),
        up(0, cmd("SET", "k", "v")), wait_ms(3), down(0, b"+OK\r\n"),
        up(0, cmd("GET", "k"), 2), down(0, bulk("v"), 1),
        up(0, cmd("INCR", "n"), 1), down(0, b":1\r\n", 3),
        close(0, FIN)]))
    # three commands in one segment, the replies split across two segments
    write("pipelined", opts(NO_DELAYS, CLOSE_ALL) + b"".join([
        open_(1),
        up(1, cmd("SET", "a", "1") + cmd("GET", "a") + cmd("DEL", "a", "b")),
        down(1, b"+OK\r\n$1"), down(1, b"\r\n1\r\n:1\r\n", 1)]))
    # RESP3: a map, a null, a double, a set, a push in between
    write("hello3_map", opts(STATS, min_delay=250) + b"".join([
        open_(0),
        up(0, cmd("HELLO", "3")), down(0, HELLO3_MAP, 2),
        up(0, cmd("GET", "missing")), down(0, b"_\r\n"),
        up(0, cmd("ZSCORE", "z", "m")), down(0, b",1.5\r\n"),
        up(0, cmd("SMEMBERS", "s")),
        down(0, b">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$2\r\nhi\r\n"),
        down(0, b"~2\r\n" + bulk("a") + bulk("b")),
        up(0, cmd("HGETALL", "h")), down(0, b"%1\r\n" + bulk("f") + bulk("v")),
        close(0, FIN)]))
    write("errors", opts(min_delay=0) + b"".join([
        open_(2),
        up(2, cmd("FOO")), down(2, b"-ERR unknown command 'FOO', with args beginning with: \r\n"),
        up(2, cmd("SET", "s", "x")), down(2, b"+OK\r\n"),
        up(2, cmd("LPUSH", "s", "1")),
        down(2, b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", 7),
        up(2, b"PING\r\n"), down(2, b"+PONG\r\n"),  # inline
        close(2, RST)]))
    write("nils", opts(WARNING) + b"".join([
        open_(0),
        up(0, cmd("GET", "nope")), down(0, b"$-1\r\n"),
        up(0, cmd("MGET", "a", "nope")), down(0, b"*2\r\n$1\r\n1\r\n$-1\r\n"),
        up(0, cmd("BLPOP", "l", "1")), wait_ms(250), wait_ms(250), wait_ms(250),
        wait_ms(250), down(0, b"*-1\r\n"),
        up(0, cmd("LRANGE", "l", "0", "-1")), down(0, b"*0\r\n")]))
    # the capture starts mid-conversation: the tail of a reply and of a
    # command, then whole ones
    write("midstream", opts(SOURCE) + b"".join([
        open_(3, syn=0),
        down(3, b"lue\r\n:7\r\n"), up(3, b"\r\n$1\r\nx\r\n"),
        up(3, cmd("GET", "x"), 1), down(3, bulk("42"), 2),
        up(3, cmd("EXISTS", "x")), down(3, b":1\r\n"),
        close(3, EOF)]))
    # a gap from the client, then one from the server on a second connection
    write("gaps", opts() + b"".join([
        open_(0), open_(1),
        up(0, cmd("SET", "k", "v") + cmd("GET", "k")), gap(0, False, 20),
        down(0, b"+OK\r\n$1\r\nv\r\n"),
        up(1, cmd("PING")), down(1, b"+PONG\r\n"),
        up(1, cmd("GET", "big")), down(1, b"$300\r\nxx"), gap(1, True, 200),
        down(1, b"+OK\r\n"), close(0), close(1)]))
    # two connections interleaved, one refused (maxclients), one subscribes
    write("interleaved", opts(STATS, CLOSE_ALL) + b"".join([
        open_(0), open_(1), open_(2),
        up(0, cmd("SET", "a", "1")), up(1, cmd("SET", "b", "2")),
        down(1, b"+OK\r\n", 1), down(0, b"+OK\r\n", 1),
        down(2, b"-ERR max number of clients reached\r\n"), close(2, FIN),
        up(1, cmd("SUBSCRIBE", "ch")),
        down(1, b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n"),
        down(1, b"*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n"),
        up(0, cmd("GET", "a")), wait_ms(9), down(0, bulk("1")),
        open_(2), up(2, cmd("PING")), close(2, RST)]))
    # a value larger than one op, arriving in several pieces; binary bytes
    big = bytes(range(256)) * 2
    write("large_binary", opts(NO_DELAYS) + b"".join([
        open_(0),
        up(0, cmd(b"SET", b"bin\x00\xff", big)), down(0, b"+OK\r\n"),
        up(0, cmd(b"GET", b"bin\x00\xff")), down(0, bulk(big)),
        close(0)]))


if __name__ == "__main__":
    main()
