#!/bin/bash
# The fleet store (issue 16) on the host: a private PostgreSQL 15 cluster
# from Debian (initdb and pg_ctl from /usr/lib/postgresql/15/bin, run as
# the unprivileged user postgres when this runs as root, as CI does; its
# own data directory and unix socket in a temporary directory, password
# authentication for the role daudit) and three dauditd instances playing
# three hosts (store_host host-1..3), each with its own SQLite database
# and journal, fed replayed record streams through a FIFO (--replay, no
# kernel: tests/fleet/gen.c writes them).  Three hosts are three
# processes here, not three VMs: what differs between hosts for the
# store is the name rows carry and the record streams.
#
# Checks: the schema's migrations are applied once and `daudit store
# migrate` finds them current; a wrong password is one clear error line
# and the records wait in the journal until the password file is fixed;
# a server that is down at start is one clear error line, records wait;
# PostgreSQL killed (SIGKILL) in the middle of a burst from three hosts
# and started again loses and doubles nothing (row counts and byte sums
# per host equal what was sent, in PostgreSQL and in each host's SQLite);
# a dauditd killed while PostgreSQL is down sends its journal after its
# restart, once; the user who reads 100 distinct files on each host is
# below the enumeration rule (200) in every host's own review and at 300
# across the fleet's rows; retention drops whole day partitions.
#
# Prints TAP lines "ok - fleet: ..." / "not ok - fleet: ...".  KEEP=1
# keeps the temporary directory.  About a minute.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
TAP_SUITE=fleet
# shellcheck source=tests/tap.sh
. tests/tap.sh

T=$(mktemp -d /tmp/daudit-fleet.XXXXXX)
chmod 755 "$T"
# shellcheck source=tests/fleet/pg.sh
. tests/fleet/pg.sh

# shellcheck disable=SC2317  # called by the trap
cleanup() {
	local f
	for f in "$T"/h*/dauditd.pid; do
		[ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	pg_teardown
	if [ "${KEEP:-0}" = 1 ]; then
		echo "# fleet: kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT

# shellcheck source=tests/replay-build.sh
. tests/replay-build.sh
build_replay tests/fleet/gen.c

# ---------------------------------------------------------------- PostgreSQL
pg_setup
ok=$?
tap $ok "a private PostgreSQL $("$PGBIN"/postgres --version | awk '{print $3}') cluster on a unix socket, role daudit with a password" "$T/pg.out"
[ $ok = 0 ] || exit 1

printf 'wrong-secret\n' >"$T/badpass"
chmod 600 "$T/badpass"

# ---------------------------------------------------------------- hosts
host_conf() { # N PASSFILE [URL]
	mkdir -p "$T/h$1"
	cat >"$T/h$1/dauditd.conf" <<EOF2
[collector]
database = $T/h$1/daudit.db
policy =
batch_ms = 50
# The records are of 2026-11-02: retention must not take them.
retention_days = 3650
store_review_interval = 1s
store = ${3:-$URL}
store_password_file = $2
store_host = host-$1

[rules]
# Not the point here, and they would flag the test's users on each host.
disabled = first_access, off_hours
EOF2
	[ -p "$T/h$1/records" ] || mkfifo "$T/h$1/records"
}
start_host() { # N
	$DAUDITD --config "$T/h$1/dauditd.conf" --replay "$T/h$1/records" >>"$T/h$1/dauditd.log" 2>&1 &
	echo $! >"$T/h$1/dauditd.pid"
	# The FIFO stays open for writing, so dauditd never sees its end.
	exec {fd}<>"$T/h$1/records"
	eval "W$1=$fd"
}
stop_host() { # N: SIGTERM, wait; returns its status
	local pid rc
	pid=$(cat "$T/h$1/dauditd.pid" 2>/dev/null) || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	rm -f "$T/h$1/dauditd.pid"
	return $rc
}
kill_host() { # N: SIGKILL
	local pid
	pid=$(cat "$T/h$1/dauditd.pid" 2>/dev/null) || return 0
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$T/h$1/dauditd.pid"
}
feed() { # N FROM TO
	local fd="W$1"
	"$T/gen" --host "$1" --from "$2" --to "$3" >&"${!fd}"
}
journal_records() { # N: records waiting in the host's journal
	python3 - "$T/h$1/daudit.db.journal" <<'EOF2'
import sqlite3, sys
try:
    c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
    print(c.execute("SELECT coalesce(sum(records),0) FROM batches").fetchone()[0])
except Exception:
    print(-1)
EOF2
}
sqlite_sum() { # N: "records bytes" of the host's own store
	python3 - "$T/h$1/daudit.db" <<'EOF2'
import sqlite3, sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(*c.execute("SELECT count(*), coalesce(sum(bytes),0) FROM events WHERE type = 5").fetchone())
EOF2
}
pg_sum() { # N: "records bytes" of host-N in PostgreSQL
	q "SELECT count(*) || ' ' || coalesce(sum(bytes),0) FROM daudit.events e JOIN daudit.hosts h ON h.id = e.host_id WHERE h.name = 'host-$1' AND type = 5" 2>/dev/null
}
wait_for() { # SECONDS COMMAND...: until COMMAND succeeds
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -ge $end ] && return 1
		sleep 0.2
	done
}
pg_has() { # N FROM TO: PostgreSQL holds exactly records FROM..TO of host N
	[ "$(pg_sum "$1")" = "$("$T/gen" --from "$2" --to "$3" --sum)" ]
}
gen_all() { # ARGS...: the generator's stream of each of host-1..3 (--host N ARGS), to it
	local h fd
	for h in 1 2 3; do
		fd="W$h"
		"$T/gen" --host $h "$@" >&"${!fd}"
	done
}
# shellcheck disable=SC2317  # called by wait_for
finding_is() { # RULE USER COLUMNS EXPECTED: the fleet finding's COLUMNS (SQL) read EXPECTED
	[ "$(q "SELECT $3 FROM daudit.findings WHERE rule = '$1' AND user_name = '$2'")" = "$4" ]
}
# Start host N with its store unusable, feed it COUNT records: they wait in
# its journal, and after a few retries its log has one store line, with
# PATTERN (grep -E).  Sets n to the count of such lines (not in a
# subshell: the host's FIFO and process stay this shell's); fails unless
# all holds.
waits_with_one_line() { # N COUNT PATTERN
	local rc
	start_host "$1"
	feed "$1" 0 "$2"
	wait_for 20 test "$(journal_records "$1")" = "$2"
	rc=$?
	sleep 3 # a few retries
	n=$(grep -c 'PostgreSQL store' "$T/h$1/dauditd.log")
	grep -Eq "$3" "$T/h$1/dauditd.log" && [ $rc = 0 ] && [ "$n" = 1 ]
}

# ---------------------------------------------------------------- 1. schema
$DAUDIT store migrate --store "$URL" --password-file "$PGPASS" >"$T/migrate.log" 2>&1
rc=$?
grep -q "schema version 4 (from 0)" "$T/migrate.log"
tap $((rc | $?)) "daudit store migrate creates the schema (version 4)" "$T/migrate.log"
$DAUDIT store migrate --store "$URL" --password-file "$PGPASS" >"$T/migrate2.log" 2>&1
rc=$?
grep -q "already at schema version 4" "$T/migrate2.log"
tap $((rc | $?)) "a second migrate finds it current and changes nothing" "$T/migrate2.log"
# Back to version 1 (what migrations 2 to 4 add, removed): migrated again.
q "DROP TABLE daudit.findings, daudit.rollup_day, daudit.rollup_done, daudit.day_rows; ALTER TABLE daudit.events DROP COLUMN cmdline; DELETE FROM daudit.schema_version WHERE version >= 2" >/dev/null
$DAUDIT store migrate --store "$URL" --password-file "$PGPASS" >"$T/migrate3.log" 2>&1
rc=$?
grep -q "schema version 4 (from 1)" "$T/migrate3.log"
tap $((rc | $?)) "a version 1 schema is brought to version 4 by migrations 2 to 4 alone" "$T/migrate3.log"
q "INSERT INTO daudit.schema_version (version) VALUES (5)" >/dev/null
$DAUDIT store migrate --store "$URL" --password-file "$PGPASS" >"$T/migrate4.log" 2>&1
rc=$?
grep -q "the store has schema version 5, this daudit knows version 4 only" "$T/migrate4.log"
tap $(( $? | (rc != 1) | ($(wc -l <"$T/migrate4.log") != 1) )) "a newer schema is refused in one line, exit 1" "$T/migrate4.log"
q "DELETE FROM daudit.schema_version WHERE version = 5" >/dev/null

# ---------------------------------------------------------------- 2. wrong password
host_conf 1 "$T/badpass"
waits_with_one_line 1 2000 'password authentication failed for user "daudit"; records wait in the journal'
tap $? "a wrong password is one error line ($n) and the 2000 records wait in the journal" "$T/h1/dauditd.log"
[ "$(pg_sum 1)" = "0 0" ]
tap $? "nothing of host-1 reached PostgreSQL meanwhile"
cp "$PGPASS" "$T/badpass"
wait_for 60 pg_has 1 0 2000
tap $? "the password file fixed, the next retry stores the 2000 records that waited" "$T/h1/dauditd.log"
grep -q 'reachable again' "$T/h1/dauditd.log"
tap $? "dauditd says when the store is reachable again" "$T/h1/dauditd.log"

# ---------------------------------------------------------------- 3. server down at start
pg_stop
host_conf 2 "$PGPASS"
waits_with_one_line 2 2000 "connection to server on socket .* failed: No such file or directory"
tap $? "a server that is down at start is one error line ($n) and the records wait in the journal" "$T/h2/dauditd.log"
pg_start
tap $? "PostgreSQL started again" "$T/pg.log"
wait_for 60 pg_has 2 0 2000
tap $? "host-2's 2000 records arrive once it is up" "$T/h2/dauditd.log"

# ---------------------------------------------------------------- 4. killed mid-burst
host_conf 3 "$PGPASS"
start_host 3
BURST=60000
feeders=()
for h in 1 2 3; do
	from=0
	[ $h != 3 ] && from=2000
	feed $h $from $BURST &
	feeders+=($!)
done
sleep 2
before=$(q "SELECT count(*) FROM daudit.events" 2>/dev/null)
pg_kill
wait "${feeders[@]}"
sleep 2
echo "# fleet: $before rows in PostgreSQL when it was killed (SIGKILL) mid-burst"
mid=0
for h in 1 2 3; do
	pg_has $h 0 $BURST && mid=1
done
tap $mid "the burst was not yet stored when PostgreSQL was killed (else the test proves nothing)"
pg_start
tap $? "PostgreSQL restarted after the kill (crash recovery)" "$T/pg.log"
ok=0
for h in 1 2 3; do
	wait_for 120 pg_has $h 0 $BURST || ok=1
done
tap $ok "after the restart every host's $BURST records are in PostgreSQL exactly once (count and byte sum per host)"
ok=0
for h in 1 2 3; do
	[ "$(sqlite_sum $h)" = "$("$T/gen" --from 0 --to $BURST --sum)" ] || ok=1
done
tap $ok "and in each host's own SQLite store, exactly once"
dups=$(q "SELECT count(*) FROM (SELECT 1 FROM daudit.events GROUP BY host_id, instance_id, cpu, seq HAVING count(*) > 1) d")
tap $((dups != 0)) "no (host, instance, cpu, seq) twice in PostgreSQL ($dups)"

# ---------------------------------------------------------------- 5. dauditd killed while the server is down
pg_stop
feed 1 $BURST $((BURST + 3000))
wait_for 20 test "$(journal_records 1)" -ge 3000
rc=$?
kill_host 1
tap $rc "host-1 killed (SIGKILL) with 3000 records waiting for the store"
start_host 1
sleep 2
pg_start
wait_for 60 pg_has 1 0 $((BURST + 3000))
tap $? "restarted, host-1 stores the journal's records in PostgreSQL once" "$T/h1/dauditd.log"

# ---------------------------------------------------------------- 6. stop while down
pg_stop
feed 2 $BURST $((BURST + 500))
wait_for 20 test "$(journal_records 2)" -ge 500
stop_host 2
rc=$?
grep -q 'stopping while it cannot be reached' "$T/h2/dauditd.log"
tap $(( $? | (rc != 1) )) "SIGTERM while the store is down exits 1 with one line, the records left in the journal ($(journal_records 2))" "$T/h2/dauditd.log"
pg_start
start_host 2
wait_for 60 pg_has 2 0 $((BURST + 500))
tap $? "the next start stores them" "$T/h2/dauditd.log"

# ---------------------------------------------------------------- 7. marks lost
# The marks of host-3 are deleted and a second dauditd calls itself host-3:
# its rows pass the marks but meet their key, and go through the staging
# table, where PostgreSQL skips them.
q "DELETE FROM daudit.hwm WHERE host_id = (SELECT id FROM daudit.hosts WHERE name = 'host-3')"
host_conf 4 "$PGPASS"
sed -i 's/^store_host = host-4$/store_host = host-3/' "$T/h4/dauditd.conf"
start_host 4
"$T/gen" --host 3 --from 0 --to 1000 >&"$W4"
wait_for 30 grep -q 'were stored already' "$T/h4/dauditd.log"
rc=$?
wait_for 30 test "$(journal_records 4)" = 0
pg_has 3 0 $BURST
tap $((rc | $?)) "a batch above the marks that meets its key goes through the staging table: host-3 still has each record once" "$T/h4/dauditd.log"
stop_host 4

# ---------------------------------------------------------------- 8. the fleet's review
reviewer() { # the host whose dauditd holds the review lock, one line per holder
	q "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid)
	   WHERE l.locktype = 'advisory' AND l.classid = 1682011492 AND l.objid = 3 AND l.granted"
}
one_reviewer() { [ "$(reviewer | wc -l)" = 1 ]; }
wait_for 30 finding_is enumeration '#1004' "count || ' ' || hosts || ' ' || by_host" \
	"300 3 host-1 100, host-2 100, host-3 100"
tap $? "the fleet review flags dave: enumeration, 300 files in one hour across 3 hosts (100 on each)" "$T/h1/dauditd.log"
n=$(q "SELECT count(*) FROM daudit.findings")
tap $((n != 1)) "and nothing else: carol's 50 files, read on every host, are not a finding ($n finding)"
one_reviewer
tap $? "exactly one dauditd holds the review lock: $(reviewer)"
sleep 3
n=$(q "SELECT count(*) FROM daudit.findings")
tap $((n != 1)) "reviews that follow find the same finding again, not a second one ($n)"
holder=$(reviewer | sed 's/^dauditd host-//')
# shellcheck disable=SC2317  # called by wait_for
taken_over() { one_reviewer && [ "$(reviewer)" != "dauditd host-$holder" ]; }
kill_host "$holder"
wait_for 30 taken_over
rc=$?
new=$(reviewer | sed 's/^dauditd host-//')
[ "$new" != "$holder" ]
tap $((rc | $?)) "the reviewer (host-$holder) killed, another host takes the lock: host-$new" "$T/h$new/dauditd.log"
start_host "$holder"
sleep 3
one_reviewer
tap $? "host-$holder back, still one reviewer: $(reviewer)"

# dave's days: one host a day for 14 days, then 25 MiB on each of three.
gen_all --spike
wait_for 60 finding_is volume_spike '#1004' "hosts || ' ' || count || ' ' || bytes || ' ' || by_host" \
	"3 14 78643200 host-1 26214400, host-2 26214400, host-3 26214400"
tap $? "the fleet review flags dave's day of 75 MiB over 3 hosts against 14 days of the fleet's baseline (volume_spike)" "$T/h$new/dauditd.log"
q "SELECT reason FROM daudit.findings WHERE rule = 'volume_spike'" | sed 's/^/#   /'
n=$(q "SELECT count(*) FROM daudit.findings")
tap $((n != 2)) "and nothing else ($n findings: dave's enumeration and spike)"

# ---------------------------------------------------------------- 9. the fleet's view
ok=0
for h in 1 2 3; do
	TZ=UTC $DAUDIT report --database "$T/h$h/daudit.db" --since 2026-11-02 --until 2026-11-17 --format csv >"$T/report$h.csv" 2>>"$T/report.log" || ok=1
	[ "$(wc -l <"$T/report$h.csv")" -le 1 ] || ok=1
done
tap $ok "no host's own review has a finding from 2026-11-02 to 11-17 (dave: 100 distinct files on each, the rule wants 200; at most 6 days of reads on each, volume_spike wants 7)" "$T/report.log"
files=$(q "SELECT count(DISTINCT path) FROM daudit.events WHERE user_name = '#1004' AND time_ns >= 1793613600000000000 AND time_ns < 1793617200000000000")
hosts=$(q "SELECT count(DISTINCT host_id) FROM daudit.events WHERE user_name = '#1004'")
[ "$files" = 300 ] && [ "$hosts" = 3 ]
tap $? "the fleet's rows show dave's 300 distinct files in that hour, from 3 hosts"

# daudit users --store: per person across the hosts, then per host.
TZ=UTC $DAUDIT users --store "$URL" --password-file "$PGPASS" --since 2026-11-02T10:00Z \
	--until 2026-11-02T11:00Z --format csv >"$T/users.csv" 2>"$T/users.log"
rc=$?
tr -d '\r' <"$T/users.csv" | awk -F, '$1 == "#1004"' >"$T/dave.csv"
[ "$(awk -F, '$3 == "" {print $4, $6}' "$T/dave.csv")" = "3 300" ] &&
	[ "$(awk -F, '$3 ~ /^host-/ {print $3, $4, $6}' "$T/dave.csv" | sort | tr '\n' ' ')" = \
		"host-1 1 100 host-2 1 100 host-3 1 100 " ]
tap $((rc | $?)) "daudit users --store: dave (#1004) read 300 files on 3 hosts, 100 on each" "$T/users.csv"
TZ=UTC $DAUDIT users --store "$URL" --password-file "$PGPASS" --since 2026-11-02T10:00Z \
	--until 2026-11-02T11:00Z >"$T/users.txt" 2>>"$T/users.log"
grep -q '^#1004 .*all (3) .* 300 .* 1 *30 ' "$T/users.txt"
tap $? "its table shows the fleet's line with the fleet review's finding (1, risk 30), then one per host" "$T/users.txt"
sed 's/^/#   /' "$T/users.txt"
# --fleet: the store and password file of dauditd.conf (host-1's).
DAUDIT_CONFIG=$T/h1/dauditd.conf TZ=UTC $DAUDIT users --fleet --since 2026-11-02T10:00Z \
	--until 2026-11-02T11:00Z --format csv >"$T/users-fleet.csv" 2>>"$T/users.log"
rc=$?
cmp -s "$T/users.csv" "$T/users-fleet.csv"
tap $((rc | $?)) "daudit users --fleet reads the store dauditd.conf names, as --store does" "$T/users.log"
DAUDIT_CONFIG=$T/h1/dauditd.conf $DAUDIT store migrate >"$T/migrate5.log" 2>&1
rc=$?
grep -q "already at schema version 4" "$T/migrate5.log"
tap $((rc | $?)) "daudit store migrate takes the store from dauditd.conf too" "$T/migrate5.log"

# daudit report --store: the fleet review.
TZ=UTC $DAUDIT report --store "$URL" --password-file "$PGPASS" --since 2026-11-02T10:00Z \
	--until 2026-11-02T11:00Z >"$T/report.txt" 2>>"$T/users.log"
rc=$?
grep -q '^1\. #1004 (login user): risk 30 from 1 finding$' "$T/report.txt" &&
	grep -q 'enumeration, 30 points, .* on 3 hosts' "$T/report.txt" &&
	grep -q 'per host: host-1 100, host-2 100, host-3 100' "$T/report.txt" &&
	! grep -q '#1005' "$T/report.txt"
tap $((rc | $?)) "daudit report --store: the fleet review names dave, his 300 files and each host's 100, and not carol" "$T/report.txt"
sed 's/^/#   /' "$T/report.txt"
TZ=UTC $DAUDIT report --store "$URL" --password-file "$PGPASS" --since 2026-11-02T10:00Z \
	--until 2026-11-02T11:00Z --format csv >"$T/report.csv" 2>>"$T/users.log"
[ "$(tr -d '\r' <"$T/report.csv" | awk -F, 'NR > 1 {print $1, $4, $8, $9}')" = "#1004 enumeration 3 300" ]
tap $? "its CSV has one row, the finding" "$T/report.csv"
# The store's URL as given, without its password: the header, and errors.
SECRETURL="postgresql://daudit:fleet-secret@/daudit?host=$T/sock&port=$PORT"
TZ=UTC $DAUDIT report --store "$SECRETURL" --since 2026-11-02T10:00Z \
	--until 2026-11-02T11:00Z >"$T/report-pw.txt" 2>&1
rc=$?
grep -qF "store postgresql://daudit@/daudit?host=$T/sock&port=$PORT" "$T/report-pw.txt" &&
	! grep -q 'fleet-secret' "$T/report-pw.txt" && grep -q '^1\. #1004' "$T/report-pw.txt"
tap $((rc | $?)) "a password in --store's URL connects, and the header shows the URL without it" "$T/report-pw.txt"
$DAUDIT users --store "postgresql://daudit:wrong-Secret7@/daudit?host=$T/sock&port=$PORT" >"$T/users-pw.log" 2>&1
rc=$?
$DAUDIT report --store "postgresql://daudit@/daudit?password=wrong-Secret7&host=$T/sock&port=$PORT" >>"$T/users-pw.log" 2>&1
rc2=$?
$DAUDIT store migrate --store "postgresql://daudit:wrong-Secret7@/daudit?host=$T/sock&port=$PORT" >>"$T/users-pw.log" 2>&1
rc3=$?
[ $rc = 1 ] && [ $rc2 = 1 ] && [ $rc3 = 1 ] && [ "$(grep -c 'password authentication failed' "$T/users-pw.log")" = 3 ] &&
	! grep -q 'wrong-Secret7' "$T/users-pw.log"
tap $? "a wrong password in the URL (user:password@ or password=) is refused in one line that does not print it" "$T/users-pw.log"
sed 's/^/#   /' "$T/users-pw.log"

# ---------------------------------------------------------------- 9b. an actor across the fleet
# emp-07, declared by the CRM application behind the account svc-crm (uid
# 990, no login), reads 100 distinct files on each host in one hour of
# 2026-11-16: below every threshold on each host, 300 files fleet-wide.
gen_all --actor
wait_for 30 finding_is enumeration emp-07 "login || ' ' || count || ' ' || hosts || ' ' || by_host" \
	"2 300 3 host-1 100, host-2 100, host-3 100"
tap $? "the fleet review flags the actor emp-07 (as an actor): enumeration, 300 files in one hour across 3 hosts (100 on each)" "$T/h1/dauditd.log"
n=$(q "SELECT count(*) FROM daudit.findings WHERE user_name <> '#1004'")
tap $((n != 1)) "and not the account it came through (svc-crm, #990), nor anyone else ($n finding)"
# shellcheck disable=SC2317  # called by wait_for
actor_stored() { # N: the host's own store has emp-07's 100 reads
	[ "$(python3 - "$T/h$1/daudit.db" <<'EOF2'
import sqlite3, sys
c = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
print(c.execute("SELECT count(DISTINCT path) FROM events WHERE login = 2").fetchone()[0])
EOF2
)" = 100 ]
}
ok=0
for h in 1 2 3; do
	wait_for 30 actor_stored $h || ok=1
	sleep 1 # the host's rollups and rules
	TZ=UTC $DAUDIT report --database "$T/h$h/daudit.db" --since 2026-11-02 --until 2026-11-17 --format csv >"$T/report-actor$h.csv" 2>>"$T/report.log" || ok=1
	[ "$(wc -l <"$T/report-actor$h.csv")" -le 1 ] || ok=1
	TZ=UTC $DAUDIT users --database "$T/h$h/daudit.db" --by actor --since 2026-11-16 --until 2026-11-17 --format csv >>"$T/users-actor.csv" 2>>"$T/report.log" || ok=1
done
[ "$(tr -d '\r' <"$T/users-actor.csv" | grep -c '^emp-07,')" = 3 ] || ok=1
tap $ok "no host's own review flags emp-07, who read 100 files on each (the rule wants 200)" "$T/users-actor.csv"
TZ=UTC $DAUDIT report --store "$URL" --password-file "$PGPASS" --since 2026-11-16 --until 2026-11-17 >"$T/report-actor.txt" 2>>"$T/users.log"
grep -q '^[0-9]*\. emp-07 (actor): risk 30 from 1 finding' "$T/report-actor.txt" &&
	grep -q 'per host: host-1 100, host-2 100, host-3 100' "$T/report-actor.txt"
tap $? "daudit report --store names emp-07 as an actor, with each host's 100 files" "$T/report-actor.txt"
TZ=UTC $DAUDIT report --store "$URL" --password-file "$PGPASS" --since 2026-11-16 --until 2026-11-17 --actor emp-07 --format csv >"$T/report-actor.csv" 2>>"$T/users.log"
rc=$?
[ "$(tr -d '\r' <"$T/report-actor.csv" | awk -F, 'NR > 1 {print $1, $2, $4}')" = "emp-07 actor enumeration" ]
tap $((rc | $?)) "daudit report --store --actor emp-07: the actor's finding only, not dave's spike that day" "$T/report-actor.csv"
# daudit user, top and events --store: one person, the ranking, the records.
S=(--store "$URL" --password-file "$PGPASS")
H10=(--since 2026-11-02T10:00Z --until 2026-11-02T11:00Z)
TZ=UTC $DAUDIT user '#1004' "${S[@]}" "${H10[@]}" --section hosts --format csv >"$T/user-hosts.csv" 2>"$T/user.log"
rc=$?
[ "$(tr -d '\r' <"$T/user-hosts.csv" | awk -F, 'NR > 1 {print $1, $4}' | tr '\n' ' ')" = \
	"all (3) 300 host-1 100 host-2 100 host-3 100 " ]
tap $((rc | $?)) "daudit user --store: dave's files per host (100 on each) and across the fleet (300)" "$T/user-hosts.csv"
TZ=UTC $DAUDIT user '#1004' "${S[@]}" "${H10[@]}" >"$T/user.txt" 2>>"$T/user.log"
rc=$?
grep -q '^User #1004 across the fleet' "$T/user.txt" && grep -q '^Per host:' "$T/user.txt" &&
	grep -q '^Hourly timeline' "$T/user.txt"
tap $((rc | $?)) "its table: the person across the fleet, per host, then datasets, files, executables and timeline" "$T/user.txt"
sed -n '1,/^Datasets/p' "$T/user.txt" | sed 's/^/#   /'
TZ=UTC $DAUDIT user --actor emp-07 "${S[@]}" --since 2026-11-16 --until 2026-11-17 --section hosts --format csv >"$T/user-actor.csv" 2>>"$T/user.log"
rc=$?
[ "$(tr -d '\r' <"$T/user-actor.csv" | awk -F, 'NR > 1 {print $1, $2, $4}' | tr '\n' ' ')" = \
	"all (3) 600000 300 host-1 200000 100 host-2 200000 100 host-3 200000 100 " ]
tap $((rc | $?)) "daudit user --actor --store: the actor emp-07's bytes and files per host and across the fleet" "$T/user-actor.csv"
TZ=UTC $DAUDIT top "${S[@]}" "${H10[@]}" --by files --format csv >"$T/top.csv" 2>"$T/top.log"
rc=$?
python3 - "$T/top.csv" >"$T/top.rows" <<'EOF2'
import csv, sys
for r in list(csv.reader(open(sys.argv[1], newline="")))[1:]:
    print("|".join([r[0], r[1], r[3], r[5], r[7]]))
EOF2
[ "$(cat "$T/top.rows")" = "1|#1004|3|300|host-1 100, host-2 100, host-3 100
2|#1005|3|50|host-1 50, host-2 50, host-3 50" ]
tap $((rc | $?)) "daudit top --store --by files: dave first (300 files, 100 on each host), then carol (50 on each)" "$T/top.rows"
TZ=UTC $DAUDIT events "${S[@]}" "${H10[@]}" --user '#1004' --host host-2 --limit 0 --format csv >"$T/events.csv" 2>"$T/events.log"
rc=$?
[ "$(tr -d '\r' <"$T/events.csv" | awk -F, 'NR > 1 {print $1, $4, $5}' | sort | uniq -c | awk '{print $1, $2, $3, $4}')" = \
	"100 host-2 file_read #1004" ]
tap $((rc | $?)) "daudit events --store --user --host: dave's 100 records on host-2, each with its host" "$T/events.csv"
TZ=UTC $DAUDIT events "${S[@]}" "${H10[@]}" --user '#1004' --limit 3 >"$T/events.txt" 2>>"$T/events.log"
rc=$?
[ "$(grep -c ' file_read ' "$T/events.txt")" = 3 ]
tap $((rc | $?)) "its table: the 3 newest, with the host" "$T/events.txt"
sed 's/^/#   /' "$T/events.txt"
$DAUDIT events "${S[@]}" --follow >"$T/follow-store.log" 2>&1
tap $(( $? != 2 )) "events --follow refuses --store (exit 2: $(cat "$T/follow-store.log"))"
# ---------------------------------------------------------------- 9c. the other rules
# Every host now runs every rule, and payroll has an allowlist; erin, on a
# Sunday, reads 12 MiB of payroll on each host with an unknown program,
# sends 1 MiB out a minute later and hard-links the file.  The fleet
# review: one first_access, off_hours and unapproved_reader finding over
# 3 hosts, and read_then_egress and hardlink once per host (a session and
# an alert live on one host), each naming its host.
for h in 1 2 3; do
	sed -i 's/^disabled = .*$/disabled =/' "$T/h$h/dauditd.conf"
	printf '\n[allowlist]\npayroll = /usr/bin/payroll-app\n' >>"$T/h$h/dauditd.conf"
	kill -HUP "$(cat "$T/h$h/dauditd.pid")"
done
sleep 1
gen_all --rules
# shellcheck disable=SC2317  # called by wait_for
erin_stored() {
	[ "$(q "SELECT count(*) FROM daudit.events WHERE uid = 1006")" = 9 ]
}
wait_for 60 erin_stored
tap $? "erin's reads, egress and alerts reach the store from every host (an egress record's extra once broke COPY)" "$T/h1/dauditd.log"
cmdlines=$(q "SELECT string_agg(DISTINCT coalesce(cmdline, '-'), '|') FROM daudit.events WHERE uid = 1006")
[ "$cmdlines" = "cat -v salaries.csv" ]
tap $? "each of her records carries her command line into the store (migration 4): $cmdlines" "$T/h1/dauditd.log"
cols=$(q "SELECT string_agg(type || ':' || coalesce(off_min::text, '-') || ':' || coalesce(off_max::text, '-') || ':' || coalesce(extra, '-'), ' ' ORDER BY type) FROM daudit.events WHERE user_name = '#1006' AND host_id = (SELECT id FROM daudit.hosts WHERE name = 'host-1') AND type IN (5, 8)")
case $cols in "5:0:12582912:- 8:-:-:marked_ns="*) rc=0 ;; *) rc=1 ;; esac
tap $rc "each value in its column: a read's offsets in off_min and off_max, an egress' detail in extra ($cols)"
# shellcheck disable=SC2317  # called by wait_for
erin_rules() {
	q "SELECT rule || ' ' || count(*) || ' ' || max(hosts) FROM daudit.findings WHERE user_name = '#1006' GROUP BY rule ORDER BY rule" | tr '\n' ',' >"$T/erin.rules"
	[ "$(cat "$T/erin.rules")" = "first_access 1 3,hardlink 3 1,off_hours 1 3,read_then_egress 3 1,unapproved_reader 1 3," ]
}
wait_for 60 erin_rules
tap $? "every rule runs over the fleet: first_access, off_hours and unapproved_reader once across 3 hosts, read_then_egress and hardlink once per host ($(cat "$T/erin.rules"))" "$T/h1/dauditd.log"
q "SELECT rule || ': ' || by_host || ': ' || reason FROM daudit.findings WHERE user_name = '#1006' ORDER BY rule, key" | sed 's/^/#   /'
[ "$(q "SELECT rule || ' ' || string_agg(split_part(by_host, ' ', 1), ',' ORDER BY by_host) FROM daudit.findings WHERE user_name = '#1006' AND rule IN ('hardlink', 'read_then_egress') GROUP BY rule ORDER BY rule" | tr '\n' ' ')" = \
	"hardlink host-1,host-2,host-3 read_then_egress host-1,host-2,host-3 " ] &&
	[ "$(q "SELECT by_host FROM daudit.findings WHERE user_name = '#1006' AND rule = 'off_hours'")" = "host-1 1, host-2 1, host-3 1" ]
tap $? "each finding names its host, or each host's part"
! grep -h 'fleet review, ' "$T"/h[123]/dauditd.log | grep -v 'server closed the connection\|terminating connection\|no connection to the server' >"$T/review-errors.log"
tap $? "no statement of the fleet review failed" "$T/review-errors.log"

$DAUDIT users --store "$URL" --password-file "$T/nosuchfile" >"$T/users-bad.log" 2>&1
rc=$?
[ $rc = 1 ] && [ "$(wc -l <"$T/users-bad.log")" = 1 ]
tap $? "a password file that is missing is one line and exit 1 ($(cat "$T/users-bad.log"))"

# ---------------------------------------------------------------- 10. TLS
# The server restarted with TLS on 127.0.0.1 (a test CA made now); the role
# daudit may come over TCP only with TLS.  host-5 verifies the server
# (sslmode=verify-full: the CA and the name localhost); host-6 is given
# another CA and must refuse the server, one line, records waiting.
pg_tls_setup
rc=$?
TLSURL="postgresql://daudit@localhost:$PORT/daudit?sslmode=verify-full&sslrootcert=$T/ca.pem"
host_conf 5 "$PGPASS" "$TLSURL"
start_host 5
feed 5 0 1000
wait_for 60 pg_has 5 0 1000
tap $((rc | $?)) "over TLS with sslmode=verify-full, host-5's records arrive" "$T/h5/dauditd.log"
tls=$(q "SELECT s.ssl || ' ' || s.version FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'dauditd host-5'")
case $tls in true\ TLS*) rc=0 ;; *) rc=1 ;; esac
tap $rc "its connection is encrypted ($tls)"
host_conf 6 "$PGPASS" "postgresql://daudit@localhost:$PORT/daudit?sslmode=verify-full&sslrootcert=$T/otherca.pem"
waits_with_one_line 6 500 'certificate verify failed; records wait in the journal'
tap $? "a server whose certificate another CA signed is refused: one line ($n), the records wait" "$T/h6/dauditd.log"
[ "$(pg_sum 6)" = "" ] || [ "$(pg_sum 6)" = "0 0" ]
tap $? "nothing of host-6 reached PostgreSQL"
stop_host 6
stop_host 5

# ---------------------------------------------------------------- 11. retention
parts=$(q "SELECT count(*) FROM pg_inherits WHERE inhparent = 'daudit.events'::regclass")
later=$(q "SELECT count(*) FROM daudit.events WHERE time_ns >= 1793577600000000000 + 86400000000000")
n=$(q "SELECT daudit.drop_days_before(1793577600000000000 + 86400000000000)")
left=$(q "SELECT count(*) FROM daudit.events")
[ "$parts" = 15 ] && [ "$n" = 1 ] && [ "$left" = "$later" ] &&
	[ "$(q "SELECT count(*) FROM pg_inherits WHERE inhparent = 'daudit.events'::regclass")" = 14 ]
tap $? "retention drops 2026-11-02's partition ($parts partitions, $n dropped, $left rows of the later days left), no DELETE"

# ---------------------------------------------------------------- 12. figures
# What a row of the fleet's daily rollups costs: 100,000 rows like the
# review writes (a person of 8 characters, dataset customers, a host, a
# day) in a copy of daudit.rollup_day with its indexes.
q "CREATE TABLE daudit.rollup_size (LIKE daudit.rollup_day INCLUDING ALL);
   INSERT INTO daudit.rollup_size SELECT 20400 + i % 30, 'user' || lpad((i / 30 % 1000)::text, 4, '0'),
     1, i / 30000 + 1, 'customers', 1000000 + i, 100 + i % 50, 10 + i % 7,
     1762560000000000000 + i, 1762560000000000000 + i * 2 FROM generate_series(0, 99999) i" >/dev/null
q "VACUUM ANALYZE daudit.rollup_size" >/dev/null
echo "# fleet: a daily rollup row takes $(q "SELECT pg_total_relation_size('daudit.rollup_size') / 100000 || ' bytes (' ||
	pg_relation_size('daudit.rollup_size') / 100000 || ' in the table, ' ||
	pg_indexes_size('daudit.rollup_size') / 100000 || ' in its two indexes)'")"
q "DROP TABLE daudit.rollup_size" >/dev/null
# A review reads the window's raw events (here up to 190,000 rows a day):
# dauditd says when one takes more than half the interval (1 s here).
grep -h 'the fleet review took' "$T"/h[123]/dauditd.log | sed 's/.*: the fleet review took /# fleet: a review took /; s/, more than.*/ (over half of the 1 s interval)/; s/, within.*/ (within half the interval again)/' | head -4

for h in 1 2 3; do
	stop_host $h
done
exit "$fail"
