#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Checks what a SIEM receiver (or a file sink) got from dauditd against
the manifest tests/siem/gen.c wrote, for tests/siem/run.sh.

  check.py records --manifest M --from A --to B --label L --format F
           (--syslog FILE | --file FILE) [--mode fields|exact|report]
           [--wait SECONDS] [--facility N] [--pid PID]
  check.py wait STATUS-FILE --sinks a,b --after EPOCH [--timeout S]
  check.py get STATUS-FILE SINK FIELD[.SUB]

Each message is parsed the way a receiver parses its format (RFC 5424
header fields from rsyslog, CEF with its escapes, LEEF 2.0 by tab and
first '=', JSON), every string is decoded with the documented rule
(\\\\ and \\xHH), and compared with the bytes the generator put in the
record.  A record of a declared actor is checked against the mapping
of docs/siem.md ("Declared actors"): the actor as the user, the service
account apart.  Prints TAP lines "ok - siem: ..." / "not ok - siem: ...".
"""
import argparse
import collections
import datetime
import json
import os
import re
import socket
import sys
import time

INSTANCE = "00007265706c6179"
ESC = re.compile(rb'\\\\|\\x([0-9A-Fa-f]{2})')


def ecs_decode(value):
    """The escaping rule of docs/records.md, in reverse."""
    if value is None:
        return None
    return ESC.sub(lambda m: bytes([int(m[1], 16)]) if m[1] else b'\\',
                   value.encode('utf-8'))


def parse_cef(line):
    head, i, cur = [], 0, []
    while len(head) < 7:
        c = line[i]
        if c == '\\' and line[i + 1] in '|\\':
            cur.append(line[i + 1])
            i += 2
        elif c == '|':
            head.append(''.join(cur))
            cur = []
            i += 1
        else:
            cur.append(c)
            i += 1
    ext, kv, n = line[i:], {}, len(line) - i
    j = 0
    keystart = re.compile(r' ([A-Za-z0-9]+)=')
    while j < n:
        m = re.match(r'([A-Za-z0-9]+)=', ext[j:])
        if not m:
            raise ValueError('CEF: no key at %r' % ext[j:j + 40])
        key = m.group(1)
        j += m.end()
        val = []
        while j < n:
            if ext[j] == '\\':
                nxt = ext[j + 1]
                val.append({'\\': '\\', '=': '=', 'n': '\n', 'r': '\r'}[nxt])
                j += 2
                continue
            if ext[j] == ' ' and keystart.match(ext, j):
                j += 1
                break
            if ext[j] in '=\n\r':
                raise ValueError('CEF: raw %r in %s' % (ext[j], key))
            val.append(ext[j])
            j += 1
        if key in kv:
            raise ValueError('CEF: key %s twice' % key)
        kv[key] = ''.join(val)
    return head, kv


def parse_leef(line):
    parts = line.split('|', 6)
    if len(parts) != 7 or parts[0] != 'LEEF:2.0' or parts[5] != 'x09':
        raise ValueError('LEEF header: %r' % line[:80])
    kv = {}
    for field in parts[6].split('\t'):
        k, _, v = field.partition('=')
        if k in kv:
            raise ValueError('LEEF: key %s twice' % k)
        kv[k] = v
    if any(ord(c) < 0x20 and c != '\t' for c in line) or '|' in parts[6]:
        raise ValueError('LEEF: a raw control character or | in the attributes')
    return parts, kv


def dig(obj, path):
    for k in path.split('.'):
        if not isinstance(obj, dict) or k not in obj:
            return None
        obj = obj[k]
    return obj


def normalize(fmt, msg):
    """One message as a dict of comparable fields."""
    r = {}
    if fmt == 'ecs':
        o = json.loads(msg)
        ds = o['event']['dataset']
        r['type'] = ds[len('daudit.'):]
        r['id'] = dig(o, 'event.id')
        r['kind'] = dig(o, 'event.kind')
        r['pid'] = dig(o, 'process.pid')
        r['uid'] = dig(o, 'user.id')
        r['auid'] = dig(o, 'user.audit.id')
        if dig(o, 'daudit.actor.id') is not None:
            related = dig(o, 'related.user') or []
            r['uid'] = dig(o, 'process.user.id')
            r['actor'] = {
                'user.id': ecs_decode(dig(o, 'user.id')),
                'user.name': ecs_decode(dig(o, 'user.name')),
                'daudit.actor.id': ecs_decode(dig(o, 'daudit.actor.id')),
                'related.user[0]': ecs_decode(related[0] if related else None),
                'related.user': len(related),
                'request': ecs_decode(dig(o, 'daudit.actor.request')),
                'client': dig(o, 'daudit.actor.client.address'),
                'app': ecs_decode(dig(o, 'daudit.actor.app.executable'))}
        r['bytes'] = dig(o, 'daudit.bytes')
        r['fpath'] = ecs_decode(dig(o, 'file.path'))
        r['unix'] = ecs_decode(dig(o, 'daudit.unix.path'))
        r['comm'] = ecs_decode(dig(o, 'process.name'))
        r['exe'] = ecs_decode(dig(o, 'process.executable'))
        ip, port = dig(o, 'destination.ip'), dig(o, 'destination.port')
        r['dest'] = '%s:%s' % (ip, port) if r['type'] == 'egress' and ip else None
        r['time_us'] = iso_us(dig(o, '@timestamp'))
        r['finding'] = dig(o, 'rule.name')
        r['host'] = (dig(o, 'host.name'), dig(o, 'host.hostname'))
        r['message'] = dig(o, 'message')
    elif fmt == 'cef':
        head, kv = parse_cef(msg)
        if head[0] != 'CEF:0' or head[1:3] != ['daudit', 'daudit']:
            raise ValueError('CEF header %r' % head)
        sig = head[4]
        r['type'] = 'finding' if sig.startswith('finding:') else sig
        r['finding'] = sig[8:] if sig.startswith('finding:') else None
        r['severity'] = int(head[6])
        r['id'] = kv.get('externalId')
        r['pid'] = int(kv['spid']) if 'spid' in kv else None
        r['uid'] = kv.get('cs3') if kv.get('cs3Label') == 'uid' else None
        r['suid'] = kv.get('suid')
        if 'suser' in kv and 'suid' not in kv:
            # An actor: suser is its id (and no suid), the account apart.
            r['actor'] = {
                'suser': ecs_decode(kv.get('suser')),
                'suid': kv.get('suid'),
                'flexString1Label': kv.get('flexString1Label'),
                'request': ecs_decode(kv.get('flexString2'))
                if kv.get('flexString2Label') == 'actorRequest' else None}
        r['bytes'] = int(kv.get('in', kv.get('out', -1)))
        r['fpath'] = ecs_decode(kv.get('filePath'))
        r['unix'] = ecs_decode(kv.get('cs6')) if kv.get('cs6Label') == 'unixSocket' else None
        r['exe'] = ecs_decode(kv.get('sproc'))
        r['dest'] = '%s:%s' % (kv['dst'], kv['dpt']) if 'dst' in kv else None
        r['time_ms'] = int(kv['rt'])
    elif fmt == 'leef':
        head, kv = parse_leef(msg)
        r['type'] = 'finding' if head[4].startswith('finding:') else head[4]
        r['finding'] = kv.get('ruleName')
        r['id'] = kv.get('eventId')
        r['pid'] = int(kv['pid']) if 'pid' in kv else None
        r['uid'] = kv.get('uid')
        r['auid'] = kv.get('auid')
        if 'actor' in kv:
            r['uid'] = kv.get('actorAccountUid')
            r['actor'] = {
                'usrName': ecs_decode(kv.get('usrName')),
                'userName': ecs_decode(kv.get('userName')),
                'uid': ecs_decode(kv.get('uid')),
                'actor': ecs_decode(kv.get('actor')),
                'request': ecs_decode(kv.get('actorRequest')),
                'client': kv.get('actorClient'),
                'app': ecs_decode(kv.get('actorApp'))}
        r['bytes'] = int(kv['bytes']) if 'bytes' in kv else None
        r['fpath'] = ecs_decode(kv.get('filePath'))
        r['unix'] = ecs_decode(kv.get('unixPath'))
        r['comm'] = ecs_decode(kv.get('comm'))
        r['exe'] = ecs_decode(kv.get('exe'))
        r['dest'] = '%s:%s' % (kv['dst'], kv['dstPort']) if 'dst' in kv else None
        r['devtime'] = kv.get('devTime')
    elif fmt == 'ocsf':
        o = json.loads(msg)
        r['type'] = dig(o, 'metadata.log_name')[len('daudit.'):]
        r['class_uid'] = o['class_uid']
        r['type_uid'] = o['type_uid']
        r['id'] = dig(o, 'metadata.uid')
        r['finding'] = dig(o, 'finding_info.title')
        r['pid'] = dig(o, 'actor.process.pid')
        r['uid'] = dig(o, 'actor.process.user.uid')
        r['auid'] = dig(o, 'unmapped.user.audit.id')
        if dig(o, 'unmapped.daudit.actor') is not None:
            r['actor'] = {
                'actor.user.uid': ecs_decode(dig(o, 'actor.user.uid')),
                'actor.user.name': ecs_decode(dig(o, 'actor.user.name')),
                'unmapped.daudit.actor.id': ecs_decode(dig(o, 'unmapped.daudit.actor.id')),
                'request': ecs_decode(dig(o, 'unmapped.daudit.actor.request')),
                'client': dig(o, 'unmapped.daudit.actor.client.address'),
                'app': ecs_decode(dig(o, 'actor.app_name'))}
        r['bytes'] = dig(o, 'unmapped.daudit.bytes')
        r['fpath'] = ecs_decode(dig(o, 'file.path'))
        r['unix'] = ecs_decode(dig(o, 'unmapped.daudit.unix.path'))
        r['comm'] = ecs_decode(dig(o, 'actor.process.name'))
        r['exe'] = ecs_decode(dig(o, 'actor.process.file.path'))
        ip = dig(o, 'dst_endpoint.ip')
        r['dest'] = '%s:%s' % (ip, dig(o, 'dst_endpoint.port')) if ip and r['type'] == 'egress' else None
        r['time_ms'] = o['time']
        r['message'] = o.get('message')
    return r


def iso_us(t):
    """RFC 3339 with up to 9 fractional digits -> microseconds."""
    if t is None:
        return None
    m = re.match(r'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$', t)
    if not m:
        raise ValueError('time %r' % t)
    base = datetime.datetime.fromisoformat(m.group(1) + (
        '+00:00' if m.group(3) == 'Z' else m.group(3)))
    frac = (m.group(2) or '0')[:6].ljust(6, '0')
    return int(base.timestamp()) * 1000000 + int(frac)


# Where each format names the actor (the person) of a record: every one
# of these fields holds the actor id, escaped by the documented rule.
ACTOR_IDS = {'ecs': ('user.id', 'user.name', 'daudit.actor.id', 'related.user[0]'),
             'ocsf': ('actor.user.uid', 'actor.user.name', 'unmapped.daudit.actor.id'),
             'cef': ('suser',),
             'leef': ('usrName', 'userName', 'uid', 'actor')}


def expected_actor(fmt, rec):
    """What a format must say about the actor of manifest record @rec."""
    actor = bytes.fromhex(rec['actor'])
    want = {k: actor for k in ACTOR_IDS[fmt]}
    want['request'] = bytes.fromhex(rec['request'])
    if fmt == 'cef':
        # No suid: the id is the name.  flexString1 is the account's
        # name, when the collector knows one.
        want['suid'] = None
        return want
    want['client'] = rec['client']
    want['app'] = bytes.fromhex(rec['exe'])
    if fmt == 'ecs':
        want['related.user'] = 2            # the actor, and the account
    return want


def got_actor(fmt, got):
    a = dict(got['actor'])
    if fmt == 'cef':
        label = a.pop('flexString1Label')
        if label not in (None, 'actorAccount'):
            a['flexString1Label'] = label
    return a


OCSF_CLASS = {'file_read': (1001, 100102), 'socket_read': (4001, 400106),
              'alert': (1001, 100101)}
SEVERITY = {'file_read': 3, 'socket_read': 3, 'egress': 5, 'alert': 8,
            'process': 1}


def syslog_sev(sev):
    return 2 if sev >= 8 else 4 if sev >= 6 else 5 if sev >= 4 else 6


def compare(rec, got, fmt, problems):
    """Field by field, one record of the manifest against one message."""
    def want(name, expect, have):
        if expect != have:
            problems.append('record %d (%s%s): %s is %r, expected %r' % (
                rec['i'], rec['type'], ', hostile' if rec['hostile'] else '',
                name, have if not isinstance(have, bytes) or len(have) < 80
                else have[:60] + b'...', expect if not isinstance(expect, bytes)
                or len(expect) < 80 else expect[:60] + b'...'))

    want('type', rec['type'], got['type'])
    want('pid', rec['pid'], got['pid'])
    # The account: the record's real uid, with or without an actor.
    want('uid', str(rec['uid']), got['uid'])
    auid = 'unset' if rec['auid'] < 0 else str(rec['auid'])
    if 'actor' in rec:
        want('actor', expected_actor(fmt, rec),
             got_actor(fmt, got) if 'actor' in got else None)
    else:
        want('actor', None, got.get('actor'))
    if fmt == 'cef':
        if 'actor' not in rec:
            want('suid', auid if rec['auid'] >= 0 else str(rec['uid']), got['suid'])
        want('severity', SEVERITY[rec['type']], got['severity'])
        want('rt', rec['time_ns'] // 1000000, got['time_ms'])
    else:
        want('auid', auid, got['auid'])
    if 'bytes' in rec:
        want('bytes', rec['bytes'], got['bytes'])
    for k in ('fpath', 'unix'):
        want(k, bytes.fromhex(rec[k]) if k in rec else None, got[k])
    if fmt != 'cef':
        want('comm', bytes.fromhex(rec['comm']), got['comm'])
    want('exe', bytes.fromhex(rec['exe']), got['exe'])
    want('dest', rec.get('dest'), got['dest'])
    if fmt == 'ecs':
        want('@timestamp', rec['time_ns'] // 1000, got['time_us'])
    if fmt == 'ocsf':
        want('time', rec['time_ns'] // 1000000, got['time_ms'])
        if rec['type'] in OCSF_CLASS:
            want('class_uid/type_uid', OCSF_CLASS[rec['type']],
                 (got['class_uid'], got['type_uid']))
    if fmt == 'leef':
        t = rec['time_ns'] // 1000000
        dt = datetime.datetime.fromtimestamp(t // 1000, datetime.timezone.utc)
        want('devTime', dt.strftime('%Y-%m-%dT%H:%M:%S') + '.%03d+0000' % (t % 1000),
             got['devtime'])


def read_messages(args):
    """(message, syslog header dict or None) for each line."""
    out = []
    path = args.syslog or args.file
    if not os.path.exists(path):
        return out
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if not line:
                continue
            if args.syslog:
                j = json.loads(line)
                out.append((j['msg'], j))
            else:
                out.append((line, None))
    return out


def check_header(h, got, args, problems):
    pri = int(h['pri'])
    if h['version'] != '1':
        problems.append('not RFC 5424: version %r' % h['version'])
    if pri // 8 != args.facility:
        problems.append('facility %d, expected %d' % (pri // 8, args.facility))
    if h['app'] != 'daudit':
        problems.append('APP-NAME %r' % h['app'])
    if h['sd'] != '-':
        problems.append('STRUCTURED-DATA %r' % h['sd'])
    if h['host'] != socket.gethostname().split('.')[0] and h['host'] != socket.gethostname():
        problems.append('HOSTNAME %r' % h['host'])
    if args.pid and args.mode == 'fields' and h['procid'] != str(args.pid):
        problems.append('PROCID %r, expected %s' % (h['procid'], args.pid))
    if not h['procid'].isdigit():
        problems.append('PROCID %r' % h['procid'])
    if h['msgid'] != got['type']:
        problems.append('MSGID %r for a %s' % (h['msgid'], got['type']))
    return pri % 8


def records(args):
    manifest = {}
    with open(args.manifest) as f:
        for line in f:
            rec = json.loads(line)
            if args.lo <= rec['i'] < args.hi:
                manifest['%s-%d-%d' % (INSTANCE, rec['cpu'], rec['seq'])] = rec
    deadline = time.time() + args.wait
    while True:
        msgs = read_messages(args)
        ids = collections.Counter()
        for msg, _ in msgs:
            m = re.search(r'(?:"id":"|externalId=|eventId=|"uid":")(%s-\d+-\d+)' % INSTANCE, msg)
            if m:
                ids[m.group(1)] += 1
        if all(ids[k] for k in manifest) or time.time() >= deadline:
            break
        time.sleep(0.25)

    problems, order, findings, seen = [], [], collections.Counter(), collections.Counter()
    hostile = actors = 0
    actor_ids = {bytes.fromhex(r['actor']) for r in manifest.values() if 'actor' in r}
    actor_findings = set()
    for msg, head in msgs:
        try:
            got = normalize(args.format, msg)
        except (ValueError, KeyError, IndexError, json.JSONDecodeError) as e:
            problems.append('cannot parse a message (%s): %r' % (e, msg[:120]))
            continue
        sev = check_header(head, got, args, problems) if head else None
        # Issue 18: every ECS object names its host by host.name, and
        # every ECS and OCSF one says what it is in one line.
        if 'host' in got and (got['host'][0] is None or got['host'][0] != got['host'][1]):
            problems.append('host.name %r, host.hostname %r' % got['host'])
        if 'message' in got and not got['message']:
            problems.append('no message: %r' % msg[:120])
        if got['type'] == 'finding':
            # INSTANCE-finding-ID: two hosts' findings never share an id.
            if not re.match(r'^[0-9a-f]{16}-finding-[0-9]+$', got['id'] or ''):
                problems.append('finding id %r is not INSTANCE-finding-ID' % got['id'])
            findings[got['id']] += 1
            if not got.get('finding'):
                problems.append('finding without a rule name: %r' % msg[:120])
            if args.format == 'ecs' and got.get('kind') != 'alert':
                problems.append('finding %s is not event.kind alert' % got['id'])
            if 'actor' in got:
                # A finding about an actor names it where a record does.
                a = got['actor']
                names = {a[k] for k in ACTOR_IDS[args.format]}
                if len(names) != 1 or not names <= actor_ids:
                    problems.append('finding %s names actor %r, not one of the records\' ' % (
                        got['id'], names))
                actor_findings.add(got['id'])
            continue
        if got['id'] not in manifest:
            continue
        seen[got['id']] += 1
        rec = manifest[got['id']]
        order.append(rec['i'])
        if args.mode == 'fields' and seen[got['id']] == 1:
            compare(rec, got, args.format, problems)
            hostile += rec['hostile']
            actors += 'actor' in rec
            if sev is not None and sev != syslog_sev(SEVERITY[rec['type']]):
                problems.append('record %d: syslog severity %d' % (rec['i'], sev))
    missing = [manifest[k]['i'] for k in manifest if not seen[k]]
    twice = [manifest[k]['i'] for k in manifest if seen[k] > 1]
    if args.mode == 'report':
        print('# siem: %s: %d of %d records arrived, %d more than once' % (
            args.label, len(manifest) - len(missing), len(manifest), len(twice)))
        return 0
    if missing:
        problems.append('%d of %d records never arrived (first: %s)' % (
            len(missing), len(manifest), sorted(missing)[:8]))
    # A sink sends again only what it counted as "resent" (after a reset:
    # the receiver may have it): repeats are a resend of a stretch it had
    # sent, never more than it counted, and otherwise the order holds.
    repeats = sum(seen[k] - 1 for k in manifest if seen[k] > 1) + \
        sum(v - 1 for v in findings.values())
    restarts = sum(1 for a, b in zip(order, order[1:]) if b <= a)
    gaps = sum(1 for a, b in zip(order, order[1:]) if b > a + 1)
    if not args.resent:
        if twice:
            problems.append('%d records arrived more than once (first: %s)' % (
                len(twice), sorted(twice)[:8]))
        if order != sorted(order):
            problems.append('records out of order')
        dup_findings = [k for k, v in findings.items() if v > 1]
        if dup_findings:
            problems.append('findings more than once: %s' % dup_findings[:5])
    else:
        if repeats > args.resent:
            problems.append('%d messages arrived again, but dauditd sent again only %d' % (
                repeats, args.resent))
    if args.mode == 'exact' and gaps:
        problems.append('records out of order: %d jumps forward' % gaps)
    if args.mode == 'fields' and not findings:
        problems.append('no finding arrived')
    if args.mode == 'fields' and actor_ids and not actor_findings:
        problems.append('no finding about an actor arrived')
    if args.mode == 'fields':
        what = ('%d records field by field (%d with hostile strings, %d of declared '
                'actors), %d findings as alerts (%d about actors)') % (
            len(manifest), hostile, actors, len(findings), len(actor_findings))
    elif repeats:
        what = ('%d records in order, none missing; after a reset %d messages '
                'arrived again in %d stretch(es), of the %d dauditd counted as sent '
                'again; %d findings') % (len(manifest), repeats, restarts,
                                         args.resent, len(findings))
    else:
        what = '%d records exactly once, in order; %d findings once each' % (
            len(manifest), len(findings))
    if problems:
        print('not ok - siem: %s: %s' % (args.label, problems[0]))
        for p in problems[1:12]:
            print('#   %s' % p)
        return 1
    print('ok - siem: %s: %s' % (args.label, what))
    return 0


def load_status(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def idle(s):
    if s['type'] == 'file':
        return s.get('pending', 0) == 0
    return s['spool']['records'] == 0 and s.get('in_flight', 0) == 0


def wait(args):
    names = args.sinks.split(',')
    deadline = time.time() + args.timeout
    while time.time() < deadline:
        st = load_status(args.status)
        if st and iso_us(st['written']) / 1e6 > args.after:
            sinks = {s['name']: s for s in st['sinks']}
            if all(n in sinks and idle(sinks[n]) for n in names):
                return 0
        time.sleep(0.2)
    print('# siem: sinks %s not idle after %ds: %s' % (
        args.sinks, args.timeout, json.dumps(load_status(args.status))[:2000]))
    return 1


def get(args):
    st = load_status(args.status)
    for s in (st or {}).get('sinks', []):
        if s['name'] == args.sink:
            v = dig(s, args.field)
            print('' if v is None else v)
            return 0
    return 1


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    r = sub.add_parser('records')
    r.add_argument('--manifest', required=True)
    r.add_argument('--from', dest='lo', type=int, required=True)
    r.add_argument('--to', dest='hi', type=int, required=True)
    r.add_argument('--label', required=True)
    r.add_argument('--format', required=True, choices=['ecs', 'cef', 'leef', 'ocsf'])
    r.add_argument('--syslog')
    r.add_argument('--file')
    r.add_argument('--mode', default='fields', choices=['fields', 'exact', 'report'])
    r.add_argument('--wait', type=float, default=10)
    r.add_argument('--facility', type=int, default=10)
    r.add_argument('--pid', type=int)
    r.add_argument('--resent', type=int,
                   help='messages the sink counted as sent again (status "resent")')
    w = sub.add_parser('wait')
    w.add_argument('status')
    w.add_argument('--sinks', required=True)
    w.add_argument('--after', type=float, required=True)
    w.add_argument('--timeout', type=int, default=30)
    g = sub.add_parser('get')
    g.add_argument('status')
    g.add_argument('sink')
    g.add_argument('field')
    args = p.parse_args()
    return {'records': records, 'wait': wait, 'get': get}[args.cmd](args)


if __name__ == '__main__':
    sys.exit(main())
