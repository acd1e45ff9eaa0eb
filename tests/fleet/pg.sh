# shellcheck shell=bash disable=SC2034 # URL, PGPASS: read by the scripts that source this
# A private PostgreSQL 15 cluster for the fleet store's tests and
# benchmark, sourced after T (a temporary directory) is set:
# initdb and pg_ctl from Debian's postgresql-15, run as the unprivileged
# user postgres when the caller is root (PostgreSQL refuses root; CI runs
# as root), else as the caller; data, unix socket and log under $T; no
# TCP.  The role daudit logs in with a password (scram-sha-256), the
# cluster's owner by trust.
#   pg_setup     initdb, start, role and database daudit; sets URL, PGPASS
#   pg_start     start (after a stop or a kill)
#   pg_stop      a fast shutdown
#   pg_kill      SIGKILL the postmaster and its backends: a crash
#   pg_teardown  stop at once (for a trap)
#   pg_tls_setup a test CA (and another), a server certificate for
#                localhost; restart with TLS on 127.0.0.1:$PORT, TCP for
#                the role daudit only with TLS (hostssl)
#   q SQL        one query in database daudit, unaligned
PGBIN=/usr/lib/postgresql/15/bin
if [ "$(id -u)" = 0 ]; then
	as_pg() { runuser -u postgres -- "$@"; }
	PGOWNER=postgres
else
	as_pg() { "$@"; }
	PGOWNER=$(id -un)
fi
PGDATA=$T/pgdata
SOCK=$T/sock

pg_start() {
	as_pg "$PGBIN"/pg_ctl -D "$PGDATA" -l "$T/pg.log" -w -t 30 \
		-o "-k $SOCK -p $PORT -c listen_addresses='' ${PGOPTS:-}" start >>"$T/pg.out" 2>&1
}
pg_stop() {
	as_pg "$PGBIN"/pg_ctl -D "$PGDATA" -m fast -w stop >>"$T/pg.out" 2>&1
}
pg_teardown() {
	as_pg "$PGBIN"/pg_ctl -D "$PGDATA" -m immediate stop >/dev/null 2>&1
}
pg_kill() {
	local pid
	pid=$(head -n 1 "$PGDATA/postmaster.pid" 2>/dev/null) || return 0
	kill -9 "$pid" 2>/dev/null
	# Its backends notice the postmaster's death and end.
	for _ in $(seq 100); do
		pgrep -u "$PGOWNER" -f "postgres.*$PGDATA" >/dev/null || break
		sleep 0.1
	done
	pkill -9 -u "$PGOWNER" -f -- "-D $PGDATA" 2>/dev/null
	rm -f "$SOCK/.s.PGSQL.$PORT" "$SOCK/.s.PGSQL.$PORT.lock"
}
admin() { as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" -d "${DB:-postgres}" "$@"; }
q() { DB=daudit admin -At -c "$1"; }

pg_setup() {
	[ -x "$PGBIN/initdb" ] || { echo "no $PGBIN/initdb (apt-get install postgresql-15)" >"$T/pg.out"; return 1; }
	mkdir -p "$SOCK" "$PGDATA"
	touch "$T/pg.log"
	chown "$PGOWNER" "$SOCK" "$PGDATA" "$T/pg.log"
	chmod 700 "$PGDATA"
	PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	as_pg "$PGBIN"/initdb -D "$PGDATA" -A trust -U "$PGOWNER" -E UTF8 \
		--locale=C.UTF-8 >"$T/pg.out" 2>&1 || return 1
	printf 'local all daudit scram-sha-256\nlocal all all trust\n' >"$T/hba"
	as_pg cp "$T/hba" "$PGDATA/pg_hba.conf" || return 1
	pg_start || return 1
	admin -c "CREATE ROLE daudit LOGIN PASSWORD 'fleet-secret'" \
		-c "CREATE DATABASE daudit OWNER daudit" >>"$T/pg.out" 2>&1 || return 1
	URL="postgresql://daudit@/daudit?host=$SOCK&port=$PORT"
	PGPASS=$T/pgpass
	printf 'fleet-secret\n' >"$PGPASS"
	chmod 600 "$PGPASS"
}

pg_tls_setup() {
	local ca
	for ca in ca otherca; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout "$T/$ca.key" -out "$T/$ca.pem" -days 1 \
			-subj "/CN=daudit test $ca" >>"$T/certs.log" 2>&1 || return 1
	done
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/server.key" -out "$T/server.csr" -subj "/CN=localhost" \
		>>"$T/certs.log" 2>&1 || return 1
	printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$T/server.ext"
	openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
		-CAcreateserial -out "$T/server.pem" -days 1 -extfile "$T/server.ext" \
		>>"$T/certs.log" 2>&1 || return 1
	install -o "$PGOWNER" -m 600 "$T/server.key" "$PGDATA/server.key" || return 1
	install -o "$PGOWNER" -m 644 "$T/server.pem" "$PGDATA/server.crt" || return 1
	printf 'local all daudit scram-sha-256\nlocal all all trust\nhostssl all daudit 127.0.0.1/32 scram-sha-256\n' >"$T/hba"
	as_pg cp "$T/hba" "$PGDATA/pg_hba.conf" || return 1
	pg_stop
	PGOPTS="-c ssl=on -c listen_addresses=127.0.0.1"
	pg_start
}
