#!/usr/bin/env python3
"""cmdrows.py - write Redis's facts about each command into our command rows.

Usage: scripts/cmdrows.py [--socket PATH | --port N] [--check] mockserver/cmd_*.c

Run by hand (never by the build) against a running redis-server 7.0.15:

    redis-server --port 0 --unixsocket /tmp/r.sock --save '' --daemonize yes
    scripts/cmdrows.py --socket /tmp/r.sock mockserver/cmd_*.c

It reads `COMMAND` and `COMMAND DOCS` (RESP3) and rewrites, in place, every
row of every `struct cmd_def NAME[] = {...}` table in the given files whose
command Redis knows: arity, Redis's flags, ACL categories, first/last/step,
key specs, tips, since, group, complexity, doc flags, argument tree. These
are facts, the same bytes Redis answers in COMMAND INFO and COMMAND DOCS.

What is ours is kept from the row as it is: the handler (.fn), our internal
flags (.flags; those Redis already states - write, no_auth, no_multi - are
derived by cmd_init and dropped here), the subcommand table (.subs), the
key extraction procedure (.getkeys) and the summary (our own words: the
script never writes Redis's summary or history text). A row whose command
Redis does not know (MOCK and its subcommands) is left untouched.

--check writes nothing and exits 1 when a file would change.
"""
import argparse
import re
import socket
import sys

# ---- a minimal RESP3 client -----------------------------------------------------------


class Conn:
    def __init__(self, path=None, port=None):
        if path:
            self.s = socket.socket(socket.AF_UNIX)
            self.s.connect(path)
        else:
            self.s = socket.create_connection(('127.0.0.1', port))
        self.f = self.s.makefile('rb')

    def cmd(self, *args):
        out = b'*%d\r\n' % len(args)
        for a in args:
            a = str(a).encode()
            out += b'$%d\r\n%s\r\n' % (len(a), a)
        self.s.sendall(out)
        return self.read()

    def read(self):
        line = self.f.readline()
        t, rest = line[:1], line[1:-2]
        if t in (b'+', b'-'):
            return rest.decode()
        if t == b':':
            return int(rest)
        if t in (b'$', b'='):
            n = int(rest)
            if n < 0:
                return None
            d = self.f.read(n + 2)[:-2].decode()
            return d[4:] if t == b'=' else d
        if t in (b'*', b'~'):
            return [self.read() for _ in range(int(rest))]
        if t == b'%':
            m = {}
            for _ in range(int(rest)):
                k = self.read()
                m[k] = self.read()
            return m
        if t == b'_':
            return None
        raise ValueError('unexpected reply %r' % line)


# ---- names: Redis's words -> our C constants, in Redis's reply order (cmd.h) -----------

RFLAGS = ['pubsub', 'write', 'denyoom', 'readonly', 'admin', 'noscript', 'loading', 'stale',
          'no_async_loading', 'blocking', 'fast', 'skip_slowlog', 'no_auth', 'no_multi',
          'allow_busy', 'skip_monitor', 'no_mandatory_keys', 'movablekeys', 'asking']
CATS = ['pubsub', 'keyspace', 'write', 'read', 'geo', 'stream', 'hash', 'string', 'set',
        'sortedset', 'list', 'bitmap', 'hyperloglog', 'admin', 'slow', 'fast', 'dangerous',
        'blocking', 'connection', 'transaction', 'scripting']
KSFLAGS = ['not_key', 'RW', 'RO', 'access', 'OW', 'insert', 'update', 'RM', 'delete',
           'incomplete', 'variable_flags']
ARGTYPES = {'string': 'ARG_STRING', 'integer': 'ARG_INTEGER', 'double': 'ARG_DOUBLE',
            'key': 'ARG_KEY', 'pattern': 'ARG_PATTERN', 'unix-time': 'ARG_UNIX_TIME',
            'pure-token': 'ARG_PURE_TOKEN', 'oneof': 'ARG_ONEOF', 'block': 'ARG_BLOCK'}
ARGFLAGS = {'optional': 'ARGF_OPTIONAL', 'multiple': 'ARGF_MULTIPLE',
            'multiple_token': 'ARGF_MULTIPLE_TOKEN'}
# Our internal flags that only restate a Redis flag: cmd_init derives them.
DERIVED = {'CMD_WRITE', 'CMD_NOAUTH', 'CMD_NOMULTI', 'CMD_NOSCRIPT'}


def cstr(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def bits(words, table, prefix):
    names = [prefix + w.upper() for w in table if w in words]
    unknown = set(words) - set(table)
    if unknown:
        raise SystemExit('unknown name(s) %s: update cmdrows.py and cmd.h' % sorted(unknown))
    return ' | '.join(names) if names else '0'


def keyspec(s):
    flags = bits([f for f in s['flags']], KSFLAGS, 'KS_')
    bs, fk = s['begin_search'], s['find_keys']
    if bs['type'] == 'index':
        b = 'BS_INDEX(%d)' % bs['spec']['index']
    elif bs['type'] == 'keyword':
        b = 'BS_KEYWORD(%s, %d)' % (cstr(bs['spec']['keyword']), bs['spec']['startfrom'])
    else:
        b = 'BS_UNKNOWN'
    if fk['type'] == 'range':
        f = 'FK_RANGE(%d, %d, %d)' % (fk['spec']['lastkey'], fk['spec']['keystep'],
                                      fk['spec']['limit'])
    elif fk['type'] == 'keynum':
        f = 'FK_KEYNUM(%d, %d, %d)' % (fk['spec']['keynumidx'], fk['spec']['firstkey'],
                                       fk['spec']['keystep'])
    else:
        f = 'FK_UNKNOWN'
    out = '{%s, %s, %s' % (flags, b, f)
    if 'notes' in s:
        out += ', .notes = %s' % cstr(s['notes'])
    return out + '}'


def args(lst, indent):
    rows = []
    for a in lst:
        r = '{.name = %s, .type = %s' % (cstr(a['name']), ARGTYPES[a['type']])
        if 'key_spec_index' in a:
            r += ', ARG_KS(%d)' % a['key_spec_index']
        if 'token' in a:
            r += ', .token = %s' % cstr(a['token'])
        if 'since' in a:
            r += ', .since = %s' % cstr(a['since'])
        if 'deprecated_since' in a:
            r += ', .deprecated_since = %s' % cstr(a['deprecated_since'])
        if a.get('flags'):
            r += ', .aflags = ' + ' | '.join(ARGFLAGS[f] for f in a['flags'])
        if 'arguments' in a:
            r += ',\n' + indent + ' SUBARGS(' + args(a['arguments'], indent + '         ') + ')'
        rows.append(r + '}')
    return (',\n' + indent).join(rows)


def row(ours, info, doc):
    """The C text of one row. ours: dict of the fields kept (C text)."""
    ind = '     '
    fl = [f for f in ours.get('flags', '0').replace(' ', '').split('|')
          if f and f != '0' and f not in DERIVED]
    first = '{.name = %s' % ours['name']
    for k in ('fn', 'subs', 'getkeys'):
        if ours.get(k) and ours[k] != 'NULL':
            first += ', .%s = %s' % (k, ours[k])
    if fl:
        first += ', .flags = ' + ' | '.join(fl)
    lines = [first + ',']
    line = '.arity = %d' % info[1]
    if info[2]:
        line += ', .rflags = ' + bits(info[2], RFLAGS, 'RF_')
    lines.append(line + ',')
    lines.append('.acl = %s,' % bits([c.lstrip('@') for c in info[6]], CATS, 'CAT_'))
    if info[3:6] != [0, 0, 0]:
        lines.append('.first = %d, .last = %d, .step = %d,' % (info[3], info[4], info[5]))
    if info[7]:
        lines.append('.tips = %s,' % cstr(' '.join(info[7])))
    if info[8]:
        lines.append('KEYSPECS(' + (',\n' + ind + '         ').join(keyspec(s) for s in info[8])
                     + '),')
    lines.append('.since = %s, .group = %s,' % (cstr(doc['since']), cstr(doc['group'])))
    if 'complexity' in doc:
        lines.append('.complexity = %s,' % cstr(doc['complexity']))
    if doc.get('doc_flags'):
        lines.append('.doc_flags = %s,' % ' | '.join('DOC_' + f.upper() for f in doc['doc_flags']))
    if 'deprecated_since' in doc:
        lines.append('.deprecated_since = %s,' % cstr(doc['deprecated_since']))
    if 'replaced_by' in doc:
        lines.append('.replaced_by = %s,' % cstr(doc['replaced_by']))
    if doc.get('arguments'):
        lines.append('ARGS(' + args(doc['arguments'], ind + '     ') + '),')
    lines.append('.summary = %s},' % ours['summary'])
    return '    ' + ('\n' + ind).join(lines)


# ---- reading our tables ------------------------------------------------------------------

TABLE = re.compile(r'struct cmd_def (\w+)\[\] = \{\n')
STR = r'"(?:[^"\\]|\\.)*"'


def entries(text, start):
    """(begin, end) offsets of each top-level {...} entry of the table whose
    body starts at start, and the offset of the table's closing brace."""
    out, i, depth, b = [], start, 0, None
    while True:
        ch = text[i]
        if ch == '"':
            i = re.compile(STR).match(text, i).end()
            continue
        if text.startswith('//', i) or text.startswith('/*', i):
            i = text.index('\n' if text[i + 1] == '/' else '*/', i) + 1
            continue
        if ch == '{':
            if depth == 0:
                b = i
            depth += 1
        elif ch == '}':
            if depth == 0:
                return out, i
            depth -= 1
            if depth == 0:
                out.append((b, i + 1))
        i += 1


def ours_of(entry):
    """The fields we keep, as C text, from an old positional row
    {"name", arity, flags, fn, subs, group, summary, 0} or a new one."""
    body = entry[1:-1].strip()
    if body.startswith('.'):
        o = {}
        for k in ('name', 'fn', 'subs', 'getkeys', 'flags'):
            m = re.search(r'\.%s = (%s|[\w| ]+?)(?=,|$)' % (k, STR), body)
            if m:
                o[k] = m.group(1).strip()
        m = re.search(r'\.summary = ((?:%s\s*)+)$' % STR, body, re.S)
        o['summary'] = m.group(1).strip() if m else 'NULL'
        return o
    parts, depth, cur, i = [], 0, '', 0
    while i < len(body):
        m = re.compile(STR).match(body, i)
        if m:
            cur += m.group(0)
            i = m.end()
            continue
        if body[i] == ',' and depth == 0:
            parts.append(cur.strip())
            cur = ''
        else:
            cur += body[i]
        i += 1
    parts.append(cur.strip())
    if parts[0] == 'NULL':
        return None
    return {'name': parts[0], 'flags': parts[2], 'fn': parts[3], 'subs': parts[4],
            'summary': re.sub(r'\s+', ' ', parts[6])}


def rewrite(text, info, docs, getkeys):
    out, pos = [], 0
    for m in TABLE.finditer(text):
        ents, close = entries(text, m.end())
        out.append(text[pos:m.end()])
        prev = m.end()
        for b, e in ents:
            o = ours_of(text[b:e])
            name = None if o is None else o['name'].strip('"')
            parent = TABLE_PARENT.get(m.group(1))
            key = None
            if name is not None and parent is None:
                key = name if name in info else None
            elif name is not None and parent in info:
                full = parent + '|' + name
                key = full if any(s[0] == full for s in info[parent][9]) else None
            if o is None:
                out.append(text[prev:b] + '{.name = NULL}')
            elif key is None:
                out.append(text[prev:e])
            else:
                if '|' in key:
                    p, s = key.split('|')
                    inf = [x for x in info[p][9] if x[0] == key][0]
                    doc = docs[p]['subcommands'][key]
                else:
                    inf, doc = info[key], docs[key]
                if key in getkeys:
                    o['getkeys'] = getkeys[key]
                # strip the leading indentation: row() writes its own
                out.append(text[prev:b].rstrip(' ') + row(o, inf, doc)[:-1])
            prev = e
        out.append(text[prev:close])
        pos = close
    out.append(text[pos:])
    return ''.join(out)


# Subcommand tables -> their container's name.
TABLE_PARENT = {'client_subs': 'client', 'config_subs': 'config', 'command_subs': 'command',
                'slowlog_subs': 'slowlog', 'latency_subs': 'latency', 'pubsub_subs': 'pubsub', 'mock_subs': 'mock',
                'script_subs': 'script', 'function_subs': 'function',
                'xgroup_subs': 'xgroup', 'xinfo_subs': 'xinfo', 'object_subs': 'object',
                'memory_subs': 'memory', 'cluster_subs': 'cluster'}
# Commands whose keys Redis finds with a procedure rather than the key specs
# (specs with an unknown part or variable_flags): our procedures in cmd.c.
GETKEYS = {'sort': 'cmd_getkeys_sort', 'sort_ro': 'cmd_getkeys_sort_ro', 'set': 'cmd_getkeys_set',
           'bitfield': 'cmd_getkeys_bitfield'}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--socket')
    ap.add_argument('--port', type=int, default=6379)
    ap.add_argument('--check', action='store_true')
    ap.add_argument('files', nargs='+')
    a = ap.parse_args()
    c = Conn(a.socket, a.port)
    c.cmd('HELLO', 3)
    info = {e[0]: e for e in c.cmd('COMMAND')}
    for e in info.values():
        e[2] = list(e[2])
        e[6] = list(e[6])
    docs = c.cmd('COMMAND', 'DOCS')
    changed = 0
    for path in a.files:
        text = open(path).read()
        new = rewrite(text, info, docs, GETKEYS)
        if new != text:
            changed += 1
            if a.check:
                print('%s: rows differ from redis-server\'s facts' % path)
            else:
                open(path, 'w').write(new)
    sys.exit(1 if a.check and changed else 0)


if __name__ == '__main__':
    main()
