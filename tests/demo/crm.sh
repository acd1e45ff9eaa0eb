# Part 1 of the demo: an internal customer-lookup web service over a real
# PostgreSQL customer database.  Sourced by run.sh, which provides say,
# at, pass, fail and the collector.
# shellcheck shell=bash
#
# The database (100,000 customers) is protected by its unix socket; the
# PostgreSQL server is the trusted reader of its own files.  The web
# service (tests/demo/crm_server.py) runs as svc-crm, with no login
# session, from its own copy of the Python interpreter, the program the
# policy lets declare actors (`app`).  Twenty employees use it over HTTP
# (tests/demo/employees.py) for two working weeks; in the second week two
# of them, emp-07 and emp-13, page through the whole customer table in the
# evenings, and emp-13 has the service export what she pulls.

PG_BIN=/usr/lib/postgresql/15/bin
PG_DATA=/var/lib/postgresql/data
PG_SOCK=/run/postgresql/.s.PGSQL.5432
CRM=/opt/crm
CRM_PY=$CRM/bin/crm-python
CRM_PORT=8080
CRM_LOG=/var/log/crm-server.log
EXPORTS=/srv/exports
N_CUSTOMERS=100000
CRM_DAYS=(2026-11-09 2026-11-10 2026-11-11 2026-11-12 2026-11-13
	2026-11-16 2026-11-17 2026-11-18 2026-11-19 2026-11-20)
CRM_WEEKS=(--since 2026-11-09 --until 2026-11-21)
# The review: the second week (a first week teaches the rules each
# employee's usual days).
CRM_REVIEW=(--since 2026-11-16 --until 2026-11-21)

crm_available() {
	[ -x "$PG_BIN/postgres" ] && [ -x /usr/bin/python3.11 ] &&
		/usr/bin/python3.11 -c 'import psycopg2' 2>/dev/null
}

pg() { # CMD...: as the postgres user, no login session (a daemon)
	(cd / && as_daemon postgres "$@")
}

pg_sql() { # DB [ARGS]: SQL on stdin, as the database superuser
	local db=$1
	shift
	pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h /run/postgresql -U postgres -d "$db" "$@"
}

# crm_setup: the database and the service's files, before the policy is
# loaded (initdb and the bulk load are not anybody's reads).
crm_setup() {
	say "part 1: PostgreSQL 15 with $N_CUSTOMERS customers, and the CRM web service"
	mkdir -p /run/postgresql "$PG_DATA"
	chown postgres:postgres /run/postgresql /var/lib/postgresql "$PG_DATA"
	pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust --no-sync \
		--encoding=UTF8 --no-locale >/tmp/initdb.log 2>&1 || {
		cat /tmp/initdb.log
		return 1
	}
	# Fast under TCG: no fsync, small shared memory.
	cat >>"$PG_DATA/postgresql.conf" <<'CONF'
listen_addresses = ''
unix_socket_directories = '/run/postgresql'
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
autovacuum = off
timezone = 'UTC'
log_timezone = 'UTC'
CONF
	pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l /var/lib/postgresql/server.log -w -t 300 start >/dev/null || {
		cat /var/lib/postgresql/server.log
		return 1
	}
	# The customers, generated (names, phone numbers, account ids).
	awk -v n="$N_CUSTOMERS" -v seed=7 '
	function pick(a, k) { return a[int(rand() * k) + 1] }
	BEGIN {
		srand(seed)
		nf = split("Maria Jonas Sofia Lukas Emma Noah Mia Elias Hannah Paul Lea Ben Anna Felix Lena Max Laura Tim Julia Leon Sarah David Nina Jan Clara Tom Eva Luca Ida Finn Marie Karl Greta Otto", F, " ")
		nl = split("Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf Neumann Schwarz Braun Zimmermann Hartmann Kruger Lange Werner Krause Lehmann Schmitt Walter Peters Vogel Jung Roth", L, " ")
		nc = split("Berlin:30 Hamburg:40 Munich:89 Cologne:221 Frankfurt:69 Stuttgart:711 Leipzig:341 Dresden:351 Bremen:421 Hanover:511", C, " ")
		for (i = 1; i <= n; i++) {
			fn = pick(F, nf); ln = pick(L, nl); split(pick(C, nc), c, ":")
			printf "%d,AC-%07d,%s,%s,+49 %s %07d,%s.%s%d@example.com,%s\n",
				i, (i * 7919) % 10000000, fn, ln, c[2], int(rand() * 10000000),
				tolower(fn), tolower(ln), i, c[1]
		}
	}' >/tmp/customers.csv
	chmod 644 /tmp/customers.csv
	pg_sql postgres <<'SQL'
CREATE ROLE crm_web LOGIN;
CREATE DATABASE crm;
\c crm
CREATE TABLE customers (
	id integer PRIMARY KEY,
	account_id text NOT NULL,
	first_name text NOT NULL,
	last_name text NOT NULL,
	phone text NOT NULL,
	email text NOT NULL,
	city text NOT NULL
);
COPY customers FROM '/tmp/customers.csv' WITH (FORMAT csv);
CREATE INDEX customers_last_name ON customers (last_name);
ANALYZE customers;
GRANT SELECT ON customers TO crm_web;
SQL
	rm -f /tmp/customers.csv
	# The table as text: what paging through all of it must at least pull.
	CRM_TABLE_BYTES=$(echo 'COPY customers TO STDOUT' | pg_sql crm | wc -c)
	echo "  $(echo 'SELECT count(*) FROM customers' | pg_sql crm -At) customers," \
		"$((CRM_TABLE_BYTES / 1024)) KiB as text; the table begins:"
	echo 'SELECT * FROM customers ORDER BY id LIMIT 3' | pg_sql crm | sed 's/^/    /'

	# The service: its own interpreter (a copy, not a link: the policy
	# names the file), its program, the export share.
	mkdir -p "$CRM/bin" "$EXPORTS"
	cp /usr/bin/python3.11 "$CRM_PY"
	cp /opt/daudit/demo/crm_server.py "$CRM/"
	chmod 0755 "$CRM_PY"
	chown svc-crm:svc-crm "$EXPORTS"
}

# The policy's part for this case.
crm_policy() {
	cat <<POL
# The CRM database: its unix socket; the server reads its own files.
dataset customers {
	unix $PG_SOCK
	tree $PG_DATA
	reader $PG_BIN/postgres
	app $CRM_PY
}
POL
}

crm_allowlist() {
	echo "customers = $CRM_PY"
}

crm_start_service() {
	local _
	: >"$CRM_LOG"
	chown svc-crm:svc-crm "$CRM_LOG"
	# as_daemon, with exec: $CRM_PID is the service's own pid.
	(cd "$CRM" && exec setpriv --reuid="$(uid_of svc-crm)" --regid="$(uid_of svc-crm)" \
		--clear-groups --inh-caps=-all -- \
		"$CRM_PY" "$CRM/crm_server.py" --port "$CRM_PORT" --exports "$EXPORTS" \
		--dsn "host=/run/postgresql dbname=crm user=crm_web" >>"$CRM_LOG" 2>&1) &
	CRM_PID=$!
	for _ in $(seq 300); do
		grep -q '^ready' "$CRM_LOG" && break
		kill -0 "$CRM_PID" 2>/dev/null || break
		sleep 0.1
	done
	grep -q '^ready' "$CRM_LOG" || {
		echo "the CRM service did not start:"
		cat "$CRM_LOG"
		return 1
	}
	echo "  $(ps -o user,pid,args | awk -v p="$CRM_PY" '$3 == p' | head -n1)"
	echo "  $(head -n1 "$CRM_LOG")"
}

crm_stop_service() {
	[ -n "${CRM_PID:-}" ] || return 0
	kill -TERM "$CRM_PID" 2>/dev/null || true
	wait "$CRM_PID" 2>/dev/null || true
	CRM_PID=
}

# employees ARGS: tests/demo/employees.py; if it fails, the service's log.
employees() {
	/usr/bin/python3.11 /opt/daudit/demo/employees.py "$@" && return 0
	echo "employees.py $* failed; the service's log:"
	sed 's/^/    /' "$CRM_LOG"
	return 1
}

crm_run() {
	local day
	say "part 1: the CRM web service, as svc-crm (no login session), on port $CRM_PORT"
	at "${CRM_DAYS[0]}" 08:05
	crm_start_service
	echo "  Per request it declares to daudit.ko the employee named by the SSO proxy's"
	echo "  X-Employee header, the request id and the client's address (daudit_actor.set),"
	echo "  queries PostgreSQL over the protected socket, answers, and clears the declaration."
	say "part 1: two working weeks; twenty employees look customers up over HTTP"
	echo "  (each from an address of their own, 127.0.0.101 to 127.0.0.120, via the SSO proxy's X-Employee header)"
	for day in "${CRM_DAYS[@]}"; do
		employees workday "$day"
		case $day in
		2026-11-18)
			echo "  $(date -d "$day" +%a) $day, in the evening:"
			employees page emp-07 "$day" 20:10 0 50
			employees page emp-13 "$day" 21:05 0 50
			;;
		2026-11-19)
			echo "  $(date -d "$day" +%a) $day, in the evening:"
			employees page emp-07 "$day" 19:45 50 100
			employees page emp-13 "$day" 21:20 0 100 --export
			;;
		esac
		settle_collector
		echo "demo: $(cut -d' ' -f1 /proc/uptime)s: $day done" >/dev/console
	done
	CRM_STATS=$(crm_stats)
	echo "  the service's own count: $CRM_STATS"
	crm_stop_service
}

# The service's counters: requests, declarations in force, and refused
# ones by errno (-1 EPERM: not an `app` of the policy, -2 ENOENT: no
# /dev/daudit-actor, -79 ELIBACC: libdaudit not found).
crm_stats() {
	/usr/bin/python3.11 -c '
import json, sys, urllib.request
print(json.dumps(json.load(urllib.request.urlopen(sys.argv[1]))))' "http://127.0.0.1:$CRM_PORT/stats"
}

# jq on a table command's JSON: its rows, whatever the wrapping.
rows_of() {
	jq -c 'if type == "array" then .[] else (.rows // .users // [])[] end'
}

crm_review() {
	local r users actors ranked first2 others b who
	say "daudit users ${CRM_WEEKS[*]}   (part 1's two weeks, per login user and account)"
	daudit users "${CRM_WEEKS[@]}"
	say "daudit users --by actor ${CRM_WEEKS[*]}   (the same reads, per person the service declared)"
	daudit users --by actor "${CRM_WEEKS[@]}"
	say "daudit report --evidence 2 ${CRM_REVIEW[*]}   (the review of the second week)"
	daudit report --evidence 2 "${CRM_REVIEW[@]}"
	say "daudit incident list ${CRM_REVIEW[*]}   (the same findings as incidents)"
	daudit incident list "${CRM_REVIEW[@]}"

	say "part 1: the demo's checks"
	if echo "$CRM_STATS" | jq -e '.requests > 0 and .declared == .requests' >/dev/null; then
		pass "the service declared the employee for each of its $(echo "$CRM_STATS" | jq .requests) requests"
	else
		fail "the service could not declare every employee: $CRM_STATS"
	fi
	users=$(daudit users --format json "${CRM_WEEKS[@]}" | rows_of | jq -r .user | sort -u | tr '\n' ' ')
	if [ "$users" = "svc-crm " ] || [ "$users" = "svc-crm (no login) " ]; then
		pass "by login user and account, only svc-crm read the customer database"
	else
		fail "by login user and account, the readers are: ${users:-nobody }(not svc-crm alone)"
	fi
	actors=$(daudit users --by actor --format json "${CRM_WEEKS[@]}" | rows_of | jq -r .actor | sort -u | tr '\n' ' ')
	if [ "$actors" = "$(printf 'emp-%02d ' $(seq 1 20))" ]; then
		pass "by actor, the twenty employees emp-01 to emp-20"
	else
		fail "by actor: ${actors:-nobody }(not the twenty employees)"
	fi
	r=$(daudit report --format json "${CRM_REVIEW[@]}")
	ranked=$(echo "$r" | jq -r '[.users[] | .user] | join(" ")')
	first2=$(echo "$r" | jq -r '[.users[:2][] | .user] | sort | join(" ")')
	others=$(echo "$r" | jq -r '[.users[2:][] | .user] | join(" ")')
	if [ "$first2" = "emp-07 emp-13" ]; then
		pass "the review names emp-07 and emp-13 first"
	else
		fail "the review ranks: ${ranked:-nobody} (not emp-07 and emp-13 first)"
	fi
	for who in emp-07 emp-13; do
		b=$(echo "$r" | jq --arg u "$who" '[.users[] | select(.user == $u) | .bytes] | add // 0')
		if [ "$b" -ge "$CRM_TABLE_BYTES" ]; then
			pass "$who pulled $b bytes from PostgreSQL that week, at least the whole table ($CRM_TABLE_BYTES bytes as text); findings: $(echo "$r" | jq -r --arg u "$who" '[.users[] | select(.user == $u) | .findings[].rule] | unique | join(" ")')"
		else
			fail "$who: the review shows $b bytes, less than the table ($CRM_TABLE_BYTES bytes as text)"
		fi
	done
	# Both had the table sent out for them: emp-07's pages to her own
	# machine, emp-13's also to the export share.
	for who in emp-07 emp-13; do
		if echo "$r" | jq -e --arg u "$who" '[.users[] | select(.user == $u) | .findings[].rule] | index("read_then_egress")' >/dev/null; then
			pass "$who's findings include read_then_egress (what she pulled left the server for her)"
		else
			fail "no read_then_egress finding for $who"
		fi
	done
	if [ -z "$others" ]; then
		pass "no other employee, and nobody else, is flagged"
	else
		fail "findings for $others too"
	fi
}
