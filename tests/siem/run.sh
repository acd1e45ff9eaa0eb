#!/bin/bash
# dauditd's SIEM sinks against a real receiver: a private rsyslogd from
# Debian on 127.0.0.1 (its own configuration, pid file and work directory
# in a temporary directory) receiving RFC 5424 over UDP, TCP (octet
# counting) and TLS (server certificate verified; one input also demands
# a client certificate), with a test CA and certificates made by openssl
# now, never stored.  dauditd reads synthetic records from a FIFO
# (--replay, a test aid) written by tests/siem/gen.c, which also writes a
# manifest of what each record says; tests/siem/check.py compares what
# rsyslog and the file sinks wrote with it, field by field.
#
# Then: rsyslog is stopped while records flow and started again (every
# record arrives exactly once, in order, over TCP and TLS, or after a
# reset at least once with the repeats counted); rsyslog is frozen and
# killed with data unread (every record arrives); dauditd is
# stopped with a backlog in its spools and started again; certificates
# that must be refused are; a full spool refuses and counts; SIGHUP
# reopens a file sink that was moved away.
#
# Prints TAP lines "ok - siem: ..." / "not ok - siem: ...".  KEEP=1 keeps
# the temporary directory.  About half a minute.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
fail=0

tap() { # STATUS NAME [DETAIL-FILE]
	if [ "$1" -eq 0 ]; then
		echo "ok - siem: $2"
	else
		echo "not ok - siem: $2"
		[ -n "${3:-}" ] && [ -s "$3" ] && head -n 30 "$3" | sed 's/^/#   /'
		fail=1
	fi
}

need() {
	if ! command -v "$1" >/dev/null; then
		tap 1 "$1 available (apt-get install $2)"
		exit 1
	fi
}
need rsyslogd "rsyslog rsyslog-gnutls"
need openssl openssl
need python3 python3
if [ ! -e /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so ] &&
	! ls /usr/lib/*/rsyslog/lmnsd_gtls.so >/dev/null 2>&1; then
	tap 1 "rsyslog's GnuTLS driver available (apt-get install rsyslog-gnutls)"
	exit 1
fi

T=$(mktemp -d /tmp/daudit-siem.XXXXXX)
chmod 755 "$T"
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	[ -f "$T/dauditd.pid" ] && kill "$(cat "$T/dauditd.pid")" 2>/dev/null
	[ -f "$T/rsyslog.pid" ] && kill "$(cat "$T/rsyslog.pid")" 2>/dev/null
	sleep 0.2
	if [ "${KEEP:-0}" = 1 ]; then
		echo "# siem: kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

# shellcheck source=tests/replay-build.sh
. tests/replay-build.sh
build_replay tests/siem/gen.c
CHECK="python3 $top/tests/siem/check.py"

# ---------------------------------------------------------------- certs
cert() { # NAME SUBJECT EXTENSIONS [CA-NAME]
	local ca=${4:-ca}
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$1.key" -out "$T/$1.csr" -subj "$2" 2>>"$T/certs.log" &&
		printf '%s\n' "$3" >"$T/$1.ext" &&
		openssl x509 -req -in "$T/$1.csr" -CA "$T/$ca.pem" -CAkey "$T/$ca.key" \
			-CAcreateserial -out "$T/$1.pem" -days 1 -extfile "$T/$1.ext" 2>>"$T/certs.log"
}
ok=0
for ca in ca otherca; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$ca.key" -out "$T/$ca.pem" -days 1 \
		-subj "/CN=daudit test $ca" 2>>"$T/certs.log" || ok=1
done
cert server "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth" || ok=1
cert client "/CN=daudit collector" "extendedKeyUsage=clientAuth" || ok=1
tap $ok "a test CA with server and client certificates, made now" "$T/certs.log"
[ $ok -eq 0 ] || exit 1

# ---------------------------------------------------------------- rsyslog
read -r UDP TCP TLS TLSC < <(python3 -c '
import socket
ports = []
socks = []
while len(ports) < 4:
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        continue
    socks += [t, u]; ports.append(p)
print(*ports)')
mkdir -p "$T/rsyslog"
cat >"$T/rsyslog.conf" <<EOF
global(workDirectory="$T/rsyslog" maxMessageSize="256k"
       parser.escapeControlCharactersOnReceive="off"
       defaultNetstreamDriverCAFile="$T/ca.pem"
       defaultNetstreamDriverCertFile="$T/server.pem"
       defaultNetstreamDriverKeyFile="$T/server.key")
module(load="imudp")
module(load="imtcp" maxSessions="50")
template(name="fields" type="list" option.jsonf="on") {
  property(outname="pri" name="pri" format="jsonf")
  property(outname="time" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="host" name="hostname" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="version" name="protocol-version" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
}
ruleset(name="udp") { action(type="omfile" file="$T/rx-udp.json" template="fields") }
ruleset(name="tcp") { action(type="omfile" file="$T/rx-tcp.json" template="fields") }
ruleset(name="tls") { action(type="omfile" file="$T/rx-tls.json" template="fields") }
ruleset(name="tlsc") { action(type="omfile" file="$T/rx-tlsc.json" template="fields") }
# A socket buffer for a whole burst: loopback UDP drops only when it is
# full, which a loaded host (rsyslogd slow to read) otherwise reaches.
input(type="imudp" address="127.0.0.1" port="$UDP" ruleset="udp" rcvbufSize="8m")
input(type="imtcp" address="127.0.0.1" port="$TCP" ruleset="tcp")
input(type="imtcp" address="127.0.0.1" port="$TLS" ruleset="tls"
      streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imtcp" address="127.0.0.1" port="$TLSC" ruleset="tlsc"
      streamDriver.name="gtls" streamDriver.mode="1"
      streamDriver.authMode="x509/certvalid")
EOF

start_rsyslog() {
	rsyslogd -f "$T/rsyslog.conf" -i "$T/rsyslog.pid" >>"$T/rsyslog.log" 2>&1 || return 1
	python3 - "$TCP" "$TLS" "$TLSC" <<'EOF'
import socket, sys, time
end = time.time() + 10
for port in sys.argv[1:]:
    while True:
        try:
            socket.create_connection(("127.0.0.1", int(port)), 0.5).close()
            break
        except OSError:
            if time.time() > end:
                sys.exit(1)
            time.sleep(0.05)
EOF
}
stop_rsyslog() {
	local pid
	pid=$(cat "$T/rsyslog.pid" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	rm -f "$T/rsyslog.pid"
}
start_rsyslog
tap $? "a private rsyslogd listens on 127.0.0.1 for UDP $UDP, TCP $TCP, TLS $TLS and $TLSC" "$T/rsyslog.log"

# ---------------------------------------------------------------- dauditd
cat >"$T/dauditd.conf" <<EOF
[collector]
database = $T/daudit.db
policy =
batch_ms = 50

[sink udp]
type = syslog
transport = udp
host = 127.0.0.1
port = $UDP
format = ecs
reconnect_min = 1s
reconnect_max = 1s

[sink tcp]
type = syslog
transport = tcp
host = 127.0.0.1
port = $TCP
format = cef
reconnect_min = 1s
reconnect_max = 1s

[sink tls]
type = syslog
transport = tls
host = 127.0.0.1
port = $TLS
server_name = localhost
ca_file = $T/ca.pem
format = leef
facility = local3
reconnect_min = 1s
reconnect_max = 1s

[sink tlsc]
type = syslog
transport = tls
host = localhost
port = $TLSC
ca_file = $T/ca.pem
cert_file = $T/client.pem
key_file = $T/client.key
format = ocsf
reconnect_min = 1s
reconnect_max = 1s

[sink badca]
type = syslog
transport = tls
host = 127.0.0.1
port = $TLS
server_name = localhost
ca_file = $T/otherca.pem
reconnect_min = 1s
reconnect_max = 1s

[sink badname]
type = syslog
transport = tls
host = 127.0.0.1
port = $TLS
server_name = siem.example.com
ca_file = $T/ca.pem
reconnect_min = 1s
reconnect_max = 1s

[sink small]
type = syslog
transport = tcp
host = 127.0.0.1
port = 1
spool_max = 64K
reconnect_min = 1d
reconnect_max = 1d

[sink file-ecs]
type = file
path = $T/out-ecs.json

[sink file-cef]
type = file
path = $T/out-cef.log
format = cef

[sink file-leef]
type = file
path = $T/out-leef.log
format = leef

[sink file-ocsf]
type = file
path = $T/out-ocsf.json
format = ocsf
EOF
$DAUDITD --check-config --config "$T/dauditd.conf" >"$T/check.log" 2>&1
tap $? "dauditd --check-config accepts twelve sinks" "$T/check.log"

mkfifo "$T/records"
start_dauditd() {
	$DAUDITD --config "$T/dauditd.conf" --replay "$T/records" >>"$T/dauditd.log" 2>&1 &
	echo $! >"$T/dauditd.pid"
}
stop_dauditd() {
	local pid
	pid=$(cat "$T/dauditd.pid" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	local rc=$?
	rm -f "$T/dauditd.pid"
	return $rc
}
gen() { # FROM TO [DELAY-MS]
	"$T/gen" --from "$1" --to "$2" --delay-ms "${3:-0}" --manifest "$T/manifest.json" >"$T/records"
}
status=$T/daudit.db-sinks.json
live="udp,tcp,tls,tlsc,file-ecs,file-cef,file-leef,file-ocsf"
settle() { # sinks that must be idle
	local t
	t=$(date +%s.%N)
	$CHECK wait "$status" --sinks "$1" --after "$t" --timeout 30
}
records() { # LABEL FORMAT --syslog|--file PATH FROM TO MODE [extra...]
	local label=$1 fmt=$2 kind=$3 path=$4 from=$5 to=$6 mode=$7
	shift 7
	$CHECK records --manifest "$T/manifest.json" --from "$from" --to "$to" \
		--label "$label" --format "$fmt" "$kind" "$path" --mode "$mode" \
		--pid "$(cat "$T/dauditd.pid" 2>/dev/null || echo 0)" "$@" || fail=1
}

start_dauditd

# 1. Field by field, every transport and format, hostile strings included.
gen 0 140
settle "$live" || fail=1
records "udp, ECS JSON" ecs --syslog "$T/rx-udp.json" 0 140 fields
records "tcp with octet counting, CEF" cef --syslog "$T/rx-tcp.json" 0 140 fields
records "tls, LEEF 2.0" leef --syslog "$T/rx-tls.json" 0 140 fields --facility 19
records "tls with a client certificate, OCSF" ocsf --syslog "$T/rx-tlsc.json" 0 140 fields
records "file, ECS JSON lines" ecs --file "$T/out-ecs.json" 0 140 fields
records "file, CEF lines" cef --file "$T/out-cef.log" 0 140 fields
records "file, LEEF lines" leef --file "$T/out-leef.log" 0 140 fields
records "file, OCSF lines" ocsf --file "$T/out-ocsf.json" 0 140 fields

# 2. Certificates that must be refused are, and nothing is lost for it.
for s in badca badname; do
	err=$($CHECK get "$status" "$s" last_error)
	conn=$($CHECK get "$status" "$s" connected)
	held=$($CHECK get "$status" "$s" spool.records)
	echo "$err" >"$T/$s.err"
	[ "$conn" = False ] && [ "${held:-0}" -gt 100 ] &&
		echo "$err" | grep -q "not trusted"
	tap $? "tls sink $s refuses the receiver ($err), keeps $held records spooled" "$T/$s.err"
done

# 3. A full spool refuses and counts; status shows it.  (Findings and
#    alerts may use an eighth more than the cap.)
refused=$($CHECK get "$status" small refused)
held=$($CHECK get "$status" small spool.bytes)
[ "${refused:-0}" -gt 0 ] && [ "${held:-0}" -le $((65536 + 8192)) ]
tap $? "a spool capped at 64K holds $held bytes and counts $refused refused messages"

# 4. rsyslog stops while records flow, and starts again.
gen 140 1340 4 &
genpid=$!
sleep 1.5
stop_rsyslog
sleep 1.5
for s in tcp tls tlsc; do
	conn=$($CHECK get "$status" "$s" connected)
	held=$($CHECK get "$status" "$s" spool.records)
	[ "$conn" = False ] && [ "${held:-0}" -gt 0 ]
	tap $? "with rsyslog down, sink $s is disconnected and spools ($held records waiting)"
done
start_rsyslog || tap 1 "rsyslog starts again" "$T/rsyslog.log"
wait $genpid
settle "$live" || fail=1
# rsyslog's SIGTERM is a clean close (FIN) unless a batch arrived after it
# stopped reading: then it resets the connection, and dauditd sends again
# what was acknowledged in the last 3 s (docs/siem.md, "Delivery").  So:
# exactly once after a clean close; after a reset nothing missing, in
# order, and no more repeats than dauditd counted as sent again.
resent() { $CHECK get "$status" "$1" resent; }
records "tcp: rsyslog stopped and started under traffic" cef --syslog "$T/rx-tcp.json" 0 1340 exact --resent "$(resent tcp)"
records "tls: rsyslog stopped and started under traffic" leef --syslog "$T/rx-tls.json" 0 1340 exact --facility 19 --resent "$(resent tls)"
records "tls with a client certificate: rsyslog stopped and started under traffic" ocsf --syslog "$T/rx-tlsc.json" 0 1340 exact --resent "$(resent tlsc)"
records "udp (no acknowledgement in UDP syslog)" ecs --syslog "$T/rx-udp.json" 0 1340 report
records "file sink meanwhile" ecs --file "$T/out-ecs.json" 0 1340 exact

# 4b. rsyslog freezes (its TCP still acknowledges what arrives) and is
#     killed with that unread: a reset.  Nothing may be lost, and every
#     repeat is one dauditd counted.
declare -A was
for s in tcp tls tlsc; do was[$s]=$(resent $s); done
pid=$(cat "$T/rsyslog.pid")
kill -STOP "$pid"
gen 1340 1400
sleep 1
kill -KILL "$pid"
rm -f "$T/rsyslog.pid"
sleep 0.5
start_rsyslog || tap 1 "rsyslog starts again" "$T/rsyslog.log"
settle "$live" || fail=1
for s in tcp tls tlsc; do
	now=$(resent $s)
	[ "${now:-0}" -gt "${was[$s]:-0}" ]
	tap $? "sink $s saw the reset of a killed rsyslog and sent again $((${now:-0} - ${was[$s]:-0})) messages it had sent"
done
records "tcp: rsyslog killed with unread data" cef --syslog "$T/rx-tcp.json" 0 1400 exact --resent "$(resent tcp)"
records "tls: rsyslog killed with unread data" leef --syslog "$T/rx-tls.json" 0 1400 exact --facility 19 --resent "$(resent tls)"
records "tls with a client certificate: rsyslog killed with unread data" ocsf --syslog "$T/rx-tlsc.json" 0 1400 exact --resent "$(resent tlsc)"

# 5. dauditd stops with a backlog in its spools and starts again.
stop_rsyslog
gen 1400 1500
sleep 1
held=$($CHECK get "$status" tcp spool.records)
stop_dauditd
tap $? "dauditd stops cleanly with $held records spooled for tcp"
declare -A before
for s in tcp tls tlsc; do before[$s]=$(resent $s); done
start_rsyslog
start_dauditd
sleep 0.5
settle "tcp,tls,tlsc,file-ecs" || fail=1
total() { echo $((${before[$1]:-0} + $(resent "$1"))); }
records "tcp: spooled across a restart of dauditd" cef --syslog "$T/rx-tcp.json" 0 1500 exact --resent "$(total tcp)"
records "tls: spooled across a restart of dauditd" leef --syslog "$T/rx-tls.json" 0 1500 exact --facility 19 --resent "$(total tls)"
records "tls with a client certificate: spooled across a restart of dauditd" ocsf --syslog "$T/rx-tlsc.json" 0 1500 exact --resent "$(total tlsc)"
records "file sink across a restart of dauditd" ecs --file "$T/out-ecs.json" 0 1500 exact

# 6. SIGHUP reopens a file sink moved away (logrotate).
mv "$T/out-cef.log" "$T/out-cef.log.1"
kill -HUP "$(cat "$T/dauditd.pid")"
sleep 0.5
gen 1500 1520
settle "file-cef" || fail=1
records "file sink reopened on SIGHUP" cef --file "$T/out-cef.log" 1500 1520 exact
records "the moved file kept what it had" cef --file "$T/out-cef.log.1" 0 1500 exact

stop_dauditd
tap $? "dauditd stops cleanly"
if grep -E 'ERROR|Sanitizer|runtime error' "$T/dauditd.log" >"$T/errors.log"; then
	tap 1 "dauditd logged no internal error" "$T/errors.log"
fi
# On a failure, how each sink saw its connections end.
if [ "$fail" != 0 ]; then
	grep -E '^dauditd: sink (tcp|tls|tlsc):' "$T/dauditd.log" |
		grep -v -E 'connected to|cannot connect' | sed 's/^/# /'
fi
exit $fail
