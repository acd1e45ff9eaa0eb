#!/usr/bin/env bats
# A real data service: Debian's PostgreSQL 15 server in the guest with a
# generated customers table, read by alice with psql over the protected
# unix socket and over protected TCP.  The records must carry exactly the
# bytes psql received from the server.
#
# psql's output is not what it received: the server speaks the FE/BE
# protocol (version 3).  For one connection that runs one query, everything
# the server sends is accounted for exactly, from numbers the test gets from
# psql's output and from the server itself:
#
#   startup    AuthenticationOk ('R', int32 length, int32 0)            9
#              ParameterStatus per setting PostgreSQL 15 reports
#                ('S', int32 length, name NUL, value NUL)       7 + name + value
#              BackendKeyData ('K', int32 length, pid, key)             13
#              ReadyForQuery ('Z', int32 length, status)                 6
#              TCP only: 'N', the refusal of psql's SSLRequest           1
#   COPY t TO STDOUT
#              CopyOutResponse ('H', length, int8 format, int16 ncols,
#                int16 format per column)                        8 + 2 * ncols
#              CopyData per row ('d', int32 length, the row as psql
#                writes it, newline included)                    5 + row
#              CopyDone ('c', int32 length)                              5
#              CommandComplete ('C', int32 length, "COPY n" NUL)  6 + len("COPY n")
#              ReadyForQuery                                             6
#   SELECT, printed by psql -At -F, (fields, commas, newline)
#              RowDescription ('T', length, int16 ncols, per column
#                name NUL + 18 bytes of attributes)      7 + sum(name + 19)
#              DataRow per row ('D', int32 length, int16 ncols, per
#                field int32 length + bytes) = the printed row + 7 + 3 * ncols
#              CommandComplete ("SELECT n" NUL)                 6 + len("SELECT n")
#              ReadyForQuery                                             6
#
# psql then sends Terminate and closes; the server sends nothing more.  So
# the checks are equalities, not tolerances.  The startup values (server
# version, session user, application name, encodings, ...) are asked from
# the server in a separate connection of the same user.

load lib

PG_BIN=/usr/lib/postgresql/15/bin
PG_MAIN=/var/lib/postgresql/data       # the protected cluster, port 5432
PG_COPY=/var/lib/postgresql/staging    # an unprotected copy, port 5433
PG_SOCK=/run/postgresql/.s.PGSQL.5432
NCOLS=5
ROWS=20000
# What PostgreSQL 15 reports in ParameterStatus at startup (GUC_REPORT).
REPORTED="'application_name','client_encoding','DateStyle','default_transaction_read_only',
'in_hot_standby','integer_datetimes','IntervalStyle','is_superuser','server_encoding',
'server_version','session_authorization','standard_conforming_strings','TimeZone'"
export LC_ALL=C TZ=UTC

pg() { # CMD...: as the postgres user, no login session (a daemon)
	(cd / && as_daemon postgres "$@")
}

# psql_as USER HOST PORT ARGS...: psql as USER in a login session.
psql_as() {
	local user=$1 host=$2 port=$3
	shift 3
	as_user "$user" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -d crm "$@"
}

start_cluster() { # DATADIR
	pg "$PG_BIN/pg_ctl" -D "$1" -l "$1.log" -w -t 300 start >/dev/null || {
		cat "$1.log" >&2
		return 1
	}
}

setup_file() {
	load lib
	[ -x "$PG_BIN/postgres" ] || skip "postgresql-15 is not installed on the host"
	fresh_module
	mkdir -p /run/postgresql "$PG_MAIN"
	chown postgres:postgres /run/postgresql /var/lib/postgresql "$PG_MAIN"
	# Fast under TCG: no fsync anywhere, small shared memory.
	pg "$PG_BIN/initdb" -D "$PG_MAIN" -U postgres --auth=trust --no-sync \
		--encoding=UTF8 --no-locale >"$BATS_FILE_TMPDIR/initdb.log" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/initdb.log" >&2
		return 1
	}
	cat >>"$PG_MAIN/postgresql.conf" <<'CONF'
listen_addresses = '127.0.0.1'
port = 5432
unix_socket_directories = '/run/postgresql'
shared_buffers = 16MB
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_timezone = 'UTC'
CONF
	start_cluster "$PG_MAIN"
	pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h /run/postgresql -U postgres -d postgres <<SQL
CREATE ROLE alice LOGIN;
CREATE DATABASE crm;
\\c crm
CREATE TABLE customers (
	id integer PRIMARY KEY,
	account text NOT NULL,
	name text NOT NULL,
	phone text NOT NULL,
	email text NOT NULL
);
INSERT INTO customers
SELECT i,
	'DE' || lpad((i * 7919 % 100000000)::text, 8, '0') || lpad(i::text, 10, '0'),
	(ARRAY['Anna','Ben','Clara','David','Emma','Felix','Greta','Hugo'])[1 + i % 8] || ' ' ||
	(ARRAY['Schmidt','Meyer','Weber','Wagner','Becker','Hoffmann','Koch','Richter','Klein','Wolf'])[1 + (i / 8) % 10],
	'+49 30 ' || lpad((i * 104729 % 10000000)::text, 7, '0'),
	'customer' || i || '@example.com'
FROM generate_series(1, $ROWS) AS i;
GRANT SELECT ON customers TO alice;
SQL
	# A staging copy of the same cluster that the policy forgot: port 5433.
	pg "$PG_BIN/pg_ctl" -D "$PG_MAIN" -m fast -w -t 300 stop >/dev/null
	cp -a "$PG_MAIN" "$PG_COPY"
	echo 'port = 5433' >>"$PG_COPY/postgresql.conf"
	start_cluster "$PG_MAIN"
	start_cluster "$PG_COPY"
	# The cluster's files, its unix socket and its TCP endpoint; the server
	# is the trusted reader of its own files.
	cat >/tmp/pg.conf <<POL
dataset crm {
	tree $PG_MAIN
	reader $PG_BIN/postgres
	unix $PG_SOCK
	tcp 127.0.0.1 port 5432
}
POL
	daudit policy load /tmp/pg.conf
}

teardown_file() {
	local d
	for d in "$PG_MAIN" "$PG_COPY"; do
		[ -f "$d/postmaster.pid" ] && pg "$PG_BIN/pg_ctl" -D "$d" -m immediate -w stop >/dev/null 2>&1
	done
	unload_module
}

setup() {
	drain_records /dev/null
}

# startup_bytes HOST: what the server sends alice before her first query
# (see the top of this file), without the TCP SSL refusal.
startup_bytes() {
	local params
	params=$(psql_as alice "$1" 5432 -At -c \
		"SELECT sum(7 + octet_length(n) + octet_length(current_setting(n))) FROM unnest(ARRAY[$REPORTED]) AS n") ||
		return 1
	echo $((9 + params + 13 + 6))
}

# copy_bytes OUT ROWS: what the server sends for COPY ... TO STDOUT when
# psql wrote OUT bytes of ROWS rows.
copy_bytes() {
	local tag="COPY $2"
	echo $((8 + 2 * NCOLS + $1 + 5 * $2 + 5 + 6 + ${#tag} + 6))
}

# socket_reads: the socket_read records, all of which must be alice's psql.
socket_reads() {
	records_where '.event.action == "socket_read"' >"$BATS_TEST_TMPDIR/sock.json"
	[ -s "$BATS_TEST_TMPDIR/sock.json" ]
	[ "$(jq -r '"\(.process.name) \(.user.audit.id) \(.user.id) \(.daudit.dataset)"' "$BATS_TEST_TMPDIR/sock.json" | sort -u)" = \
		"psql 1001 1001 crm" ]
}

# check_copy HOST SELECTOR EXTRA: alice's COPY of the whole table over HOST
# is recorded with exactly the protocol bytes (EXTRA: the TCP SSL refusal).
check_copy() {
	local host=$1 sel=$2 extra=$3 fixed out rows expected got
	fixed=$(startup_bytes "$host")
	drain_records /dev/null
	psql_as alice "$host" 5432 -c 'COPY customers TO STDOUT' >"$BATS_TEST_TMPDIR/out.csv"
	drain_records
	out=$(wc -c <"$BATS_TEST_TMPDIR/out.csv")
	rows=$(wc -l <"$BATS_TEST_TMPDIR/out.csv")
	[ "$rows" -eq "$ROWS" ]
	expected=$((fixed + extra + $(copy_bytes "$out" "$rows")))
	got=$(sum_where "$sel")
	echo "# psql wrote $out bytes ($rows rows); protocol: $expected; recorded: $got" >&3
	[ "$got" -eq "$expected" ]
	socket_reads
	[ "$(sum_where '.event.action == "socket_read"')" -eq "$got" ]
}

@test "psql COPY over the protected unix socket: exactly the protocol bytes psql received" {
	check_copy /run/postgresql ".event.action == \"socket_read\" and .daudit.unix.path == \"$PG_SOCK\"" 0
	r=$(records_where '.event.action == "socket_read"' | head -n1)
	[ "$(echo "$r" | jq -r .network.transport)" = unix ]
	[ "$(echo "$r" | jq -r .server.address)" = "$PG_SOCK" ]
	[ "$(echo "$r" | jq -r .daudit.peer.uid)" = 999 ]
}

@test "psql COPY over protected TCP 127.0.0.1:5432: exactly the protocol bytes psql received" {
	check_copy 127.0.0.1 '.event.action == "socket_read" and .server.port == 5432' 1
	r=$(records_where '.event.action == "socket_read"' | head -n1)
	[ "$(echo "$r" | jq -r .network.transport)" = tcp ]
	[ "$(echo "$r" | jq -r .server.ip)" = 127.0.0.1 ]
	[ "$(echo "$r" | jq -r .client.port)" -gt 0 ]
}

@test "a zero-row COPY: the fixed part alone (startup, CopyOutResponse, CopyDone, CommandComplete, ReadyForQuery)" {
	for host in /run/postgresql 127.0.0.1; do
		fixed=$(startup_bytes "$host")
		extra=0
		[ "$host" = 127.0.0.1 ] && extra=1
		drain_records /dev/null
		psql_as alice "$host" 5432 -c 'COPY (SELECT * FROM customers WHERE false) TO STDOUT' >"$BATS_TEST_TMPDIR/zero.csv"
		drain_records
		[ ! -s "$BATS_TEST_TMPDIR/zero.csv" ]
		got=$(sum_where '.event.action == "socket_read"')
		echo "# $host: startup $fixed + $extra, zero-row COPY recorded $got" >&3
		[ "$got" -eq $((fixed + extra + $(copy_bytes 0 0))) ]
		socket_reads
	done
}

@test "psql SELECT over the unix socket: DataRow bytes from the printed rows, exactly" {
	fixed=$(startup_bytes /run/postgresql)
	drain_records /dev/null
	psql_as alice /run/postgresql 5432 -At -F, -c 'SELECT id, account, name, phone, email FROM customers' \
		>"$BATS_TEST_TMPDIR/select.csv"
	drain_records
	out=$(wc -c <"$BATS_TEST_TMPDIR/select.csv")
	rows=$(wc -l <"$BATS_TEST_TMPDIR/select.csv")
	[ "$rows" -eq "$ROWS" ]
	tag="SELECT $rows"
	rowdesc=$((7 + (2 + 19) + (7 + 19) + (4 + 19) + (5 + 19) + (5 + 19)))
	expected=$((fixed + rowdesc + out + rows * (7 + 3 * NCOLS) + 6 + ${#tag} + 6))
	got=$(sum_where '.event.action == "socket_read"')
	echo "# psql printed $out bytes ($rows rows); protocol: $expected; recorded: $got" >&3
	[ "$got" -eq "$expected" ]
	socket_reads
}

@test "psql's output file is an egress of exactly the bytes it wrote, in alice's session" {
	psql_as alice /run/postgresql 5432 -c 'COPY customers TO STDOUT' >"$BATS_TEST_TMPDIR/export.csv"
	drain_records
	out=$(wc -c <"$BATS_TEST_TMPDIR/export.csv")
	sel=".event.action == \"egress\" and .file.path == \"$BATS_TEST_TMPDIR/export.csv\""
	[ "$(sum_where "$sel")" -eq "$out" ]
	[ "$(records_where "$sel" | jq -r '"\(.process.name) \(.user.audit.id)"' | sort -u)" = "psql 1001" ]
	sid=$(records_where '.event.action == "socket_read"' | jq -r .daudit.login_session | sort -u)
	[ "$(records_where "$sel" | jq -r .daudit.login_session | sort -u)" = "$sid" ]
}

@test "the server: reads of its own files are trusted, reads of queries are not protected, nothing is alice's" {
	before=$(daudit status --format json | jq .trusted_reads)
	psql_as alice /run/postgresql 5432 -c 'SELECT count(*) FROM customers' >/dev/null
	psql_as alice 127.0.0.1 5432 -c 'SELECT count(*) FROM customers' >/dev/null
	drain_records
	after=$(daudit status --format json | jq .trusted_reads)
	echo "# trusted reads by the server: $before -> $after" >&3
	[ "$after" -gt "$before" ]
	# No read, socket or egress record from a postgres process (backends
	# are named "postgres" in comm); what there is of them (the module's
	# first sight of a backend touching the protected tree, "process-seen")
	# is the daemon's, not alice's; and every record of alice's is psql's.
	jq -c 'select(.process.name == "postgres")' "$RECS" >&2
	[ "$(jq -s '[.[] | select(.process.name == "postgres" and .event.action != "process-seen")] | length' "$RECS")" -eq 0 ]
	[ "$(jq -s '[.[] | select(.process.name == "postgres" and .user.audit.id != "unset")] | length' "$RECS")" -eq 0 ]
	[ "$(jq -s '[.[] | select((.user.audit.id | tostring) == "1001" and .process.name != "psql")] | length' "$RECS")" -eq 0 ]
	socket_reads
}

@test "the unprotected staging copy (port 5433): psql receives the table, no socket_read record" {
	psql_as alice /run/postgresql 5433 -c 'COPY customers TO STDOUT' >"$BATS_TEST_TMPDIR/u.csv"
	psql_as alice 127.0.0.1 5433 -c 'COPY customers TO STDOUT' >"$BATS_TEST_TMPDIR/t.csv"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/u.csv")" -eq "$ROWS" ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/t.csv")" -eq "$ROWS" ]
	drain_records
	[ "$(jq -s '[.[] | select(.event.action == "socket_read")] | length' "$RECS")" -eq 0 ]
}
