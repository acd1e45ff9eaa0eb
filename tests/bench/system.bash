# shellcheck shell=bash
# The whole-system table of `make bench` (issue 14), sourced by run.sh
# after its read, socket and application tables, before auditd starts:
# what the module costs outside read(2), on a default boot.
#
# Rows (BENCH_ROWS, default all): pread4k read64 getppid write orc mmap
# exec tar exit pgselect pgtpcb.  The read 4 KiB row is the read table's
# own runs (section "read").  Columns: no module, module loaded with no
# policy, a protected tree elsewhere on the same file system (the file or
# tree measured is not in it), protected; and per row what else the issue
# asks (a consumer that renders, dauditd, sessions live elsewhere, ...).
# Each row alternates its configurations over ROUNDS rounds, rotating the
# order (run.sh's rotate); ratios are medians of each round's ratio to the
# same round's no-module run (run.sh's ratios).
#
# shellcheck disable=SC2154 # res is run.sh's associative array
# Uses from run.sh: B, res, rotate, stats, ratios, module_off,
# consumer_on, consumer_off, ROUNDS, READS.

SYS_ROWS=" ${BENCH_ROWS:-pread4k read64 getppid write orc mmap exec tar exit pgselect pgtpcb} "
sys_row() { [[ $SYS_ROWS == *" $1 "* ]]; }

# The sizes of docs/performance.md's run: each measurement also costs
# about a guest second of process starts and module loads around its loop.
SYS_READS=${SYS_READS:-10000}
CALLS=${CALLS:-100000}
# More opens than the 1 MiB ring holds records (about 3,550), so that the
# consumer must work during the run; the module alone (no consumer) fewer,
# so that it drops nothing.
OPENS=${OPENS:-6000}
OPENS_ALONE=${OPENS_ALONE:-2000}
FAULT_PAGES=${FAULT_PAGES:-256}
FAULT_ROUNDS=${FAULT_ROUNDS:-50}
SPAWNS=${SPAWNS:-50}
EXITS=${EXITS:-100}
EXIT_SESSIONS=${EXIT_SESSIONS:-3000}
TAR_FILES=${TAR_FILES:-3000}
PG_SELECT_TX=${PG_SELECT_TX:-1000}
PG_TPCB_TX=${PG_TPCB_TX:-300}
PG_BIN=/usr/lib/postgresql/15/bin
PGD=/var/lib/postgresql/bench

# Small files of 2 KiB: TAR_FILES in a plain and in a protected tree for
# tar, EXIT_SESSIONS more in the protected tree that holdfiles keeps open.
# Written with bash's own printf: thousands of forks cost minutes under TCG.
small=$(printf '%2048s' x)
for d in "$B/plain/tar" "$B/protected/tar" "$B/protected/tree"; do
	mkdir -p "$d"
	n=$TAR_FILES
	[ "$d" = "$B/protected/tree" ] && n=$EXIT_SESSIONS
	for i in $(seq "$n"); do printf '%s' "$small" >"$d/f$i"; done
done
chmod -R a+rX "$B"

# The module's state for a configuration: none, nopolicy, or a policy
# file.  A state is reused while nothing has read protected data under it
# (sys_dirty): a reader marks its login session for 15 minutes and
# writes anywhere then look for marked sessions, so every measurement
# starts from the state it names, not from what the previous one left.
# In a file: each measurement runs in a subshell (rotate).
SYS_STATE=/tmp/bench/sys.state
: >"$SYS_STATE"
sys_module() { # none | nopolicy | POLICY
	[ "$(cat "$SYS_STATE")" = "$1" ] && return 0
	module_off
	echo "$1" >"$SYS_STATE"
	[ "$1" = none ] && return 0
	load_module ring_kb=1024
	[ "$1" = nopolicy ] || daudit policy load "$1" >/dev/null
}
sys_dirty() { echo dirty >"$SYS_STATE"; }

dropped() { daudit status --no-wait --format json 2>/dev/null | jq .dropped; }

# PostgreSQL: a cluster of pgbench's tables (scale 1) in PGD, its unix
# socket in /run/postgresql, as postgres.bats starts one: no fsync (the
# guest has no disk), autovacuum off (it would run in some rounds only).
pg() { (cd / && as_daemon postgres "$@"); }
pgbench_tps() { # ARGS...: tps of a pgbench run as alice over the unix socket
	as_user alice "$PG_BIN/pgbench" -n -c 1 -h /run/postgresql -U postgres "$@" postgres 2>&1 |
		sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}
have_pg=0
if { sys_row pgselect || sys_row pgtpcb; } && [ -x "$PG_BIN/pgbench" ]; then
	mkdir -p /run/postgresql "$PGD"
	chown postgres:postgres /run/postgresql /var/lib/postgresql "$PGD"
	if pg "$PG_BIN/initdb" -D "$PGD" -U postgres --auth=trust --no-sync \
		--encoding=UTF8 --no-locale >/tmp/bench/initdb.log 2>&1; then
		cat >>"$PGD/postgresql.conf" <<'CONF'
listen_addresses = ''
unix_socket_directories = '/run/postgresql'
shared_buffers = 16MB
fsync = off
synchronous_commit = off
full_page_writes = off
autovacuum = off
checkpoint_timeout = 1d
max_wal_size = 4GB
log_timezone = 'UTC'
timezone = 'UTC'
CONF
		if pg "$PG_BIN/pg_ctl" -D "$PGD" -l "$PGD.log" -w -t 300 start >/dev/null &&
			pg "$PG_BIN/pgbench" -i -q -s 1 -h /run/postgresql -U postgres postgres \
				>/tmp/bench/pgbench-init.log 2>&1; then
			have_pg=1
			# Warm: the first run would read the tables into
			# shared_buffers for whichever configuration came first.
			pgbench_tps -S -t "$PG_SELECT_TX" >/dev/null
			pgbench_tps -t "$PG_TPCB_TX" >/dev/null
		else
			echo "(PostgreSQL did not start: $(tail -n 5 "$PGD.log" /tmp/bench/pgbench-init.log | tr '\n' ' '))"
		fi
	else
		echo "(initdb failed: $(tail -n 5 /tmp/bench/initdb.log | tr '\n' ' '))"
	fi
fi
cat >/tmp/bench/policy-pg-data.conf <<POL
dataset pg {
	tree $PGD
	reader $PG_BIN/postgres
}
POL
cat >/tmp/bench/policy-pg-all.conf <<POL
dataset pg {
	tree $PGD
	reader $PG_BIN/postgres
	unix /run/postgresql/.s.PGSQL.5432
}
POL

# tar of a tree piped to cat, as alice; guest ns (bash's clock, in µs).
tar_ns() { # DIR
	# shellcheck disable=SC2016 # expanded by the inner bash
	as_user alice bash -c 'a=${EPOCHREALTIME/./}; tar cf - -C "$1" . | cat >/dev/null
		b=${EPOCHREALTIME/./}; echo $(((b - a) * 1000))' tar "$1"
}

# A consumer that renders every record as JSON (the CLI), or dauditd.
monitor_on() {
	daudit monitor --follow >/dev/null 2>/tmp/bench/monitor.err &
	MONITOR=$!
	for _ in $(seq 100); do
		[ "$(daudit status --no-wait --format json 2>/dev/null | jq .consumer_pid)" = "$MONITOR" ] && return 0
		sleep 0.1
	done
	echo "daudit monitor did not attach" >&2
}
monitor_off() { kill "$MONITOR" 2>/dev/null; wait "$MONITOR" 2>/dev/null; }
cat >/tmp/bench/dauditd-sys.conf <<CONF
[collector]
database = /tmp/bench/sys.db
policy = /tmp/bench/policy.conf
CONF
dauditd_on() { start_collector /tmp/bench/dauditd-sys.conf /tmp/bench/dauditd-sys.log; }
dauditd_off() { stop_collector TERM; unset DAUDIT_CONFIG; }

HOLDER=
holder_on() { # N sessions live in another process (another login session)
	as_user alice holdfiles "$B/protected/tree" "$1" >/tmp/bench/hold.out 2>&1 &
	HOLDER=$!
	for _ in $(seq 600); do
		grep -q '^ready' /tmp/bench/hold.out && return 0
		sleep 0.1
	done
	echo "holdfiles did not get ready: $(cat /tmp/bench/hold.out)" >&2
}
holder_off() { kill "$HOLDER" 2>/dev/null; wait "$HOLDER" 2>/dev/null; }

# sys_measure ROW CONFIG: one measurement, its value on stdout.  Configs:
# none, nopolicy, elsewhere (policy.conf protects $B/protected; the file is
# in $B/plain), protected; and the row's extras.
sys_measure() {
	local row=$1 cfg=$2 file=$B/plain/data.dat mark="" pol=/tmp/bench/policy.conf v d0 each=""
	# protected0, monitor0, dauditd0: the same with wakeup_ms=0, the
	# consumer woken at every record (docs/transport.md).
	case $cfg in
	protected0 | monitor0 | dauditd0) each=${cfg%0} cfg=${cfg%0} ;;
	esac
	case $cfg in
	pgdata) pol=/tmp/bench/policy-pg-data.conf ;;
	pgall) pol=/tmp/bench/policy-pg-all.conf ;;
	esac
	case $cfg in
	none) sys_module none ;;
	nopolicy) sys_module nopolicy ;;
	*) sys_module "$pol" ;;
	esac
	case $cfg in
	protected | alone | monitor | dauditd | sessions) file=$B/protected/data.dat mark=$file ;;
	esac
	[ "$cfg" = none ] || d0=$(dropped)
	[ -n "$each" ] && echo 0 >/sys/module/daudit/parameters/wakeup_ms
	case $cfg in
	monitor) monitor_on ;;
	dauditd) dauditd_on ;;
	none | alone) ;;
	*) consumer_on ;;
	esac
	case $row in
	pread4k) v=$(as_user alice readbench pread "$file" "$SYS_READS") ;;
	read64) v=$(as_user alice readbench "$file" "$SYS_READS" 64) ;;
	getppid) v=$(as_user alice callbench getppid "$CALLS") ;;
	write)
		# after: another login session read protected data just before.
		[ "$cfg" = after ] && as_user bob cat "$B/protected/data.dat" >/dev/null
		v=$(as_user alice callbench write "$SYS_READS" ${mark:+"$mark"}) ;;
	orc)
		if [ "$cfg" = alone ]; then
			v=$(as_user alice readbench open "$file" "$OPENS_ALONE")
		else
			v=$(as_user alice readbench open "$file" "$OPENS")
		fi ;;
	mmap) v=$(as_user alice faultbench "$file" "$FAULT_PAGES" "$FAULT_ROUNDS") ;;
	exec) v=$(as_user alice spawnbench exec "$SPAWNS" ${mark:+"$mark"}) ;;
	tar)
		if [ -n "$mark" ]; then v=$(tar_ns "$B/protected/tar"); else v=$(tar_ns "$B/plain/tar"); fi ;;
	exit)
		[ "$cfg" = sessions ] && holder_on "$EXIT_SESSIONS"
		v=$(as_user alice spawnbench exit "$file" "$EXITS")
		[ "$cfg" = sessions ] && holder_off ;;
	pgselect | pgtpcb)
		if [ "$row" = pgselect ]; then
			v=$(pgbench_tps -S -t "$PG_SELECT_TX")
		else
			v=$(pgbench_tps -t "$PG_TPCB_TX")
		fi ;;
	esac
	case $cfg in
	monitor) monitor_off ;;
	dauditd) dauditd_off ;;
	none | alone) ;;
	*) consumer_off ;;
	esac
	if [ "$cfg" != none ]; then
		echo "$(($(dropped) - d0))" >>"/tmp/bench/drops.$row.$2"
	fi
	[ -n "$each" ] && echo 10 >/sys/module/daudit/parameters/wakeup_ms
	# No consumer ran: empty the rings after the count.
	[ "$cfg" = alone ] && drain_records /dev/null
	echo "$v"
}

declare -A sys_cfgs=(
	[pread4k]="none nopolicy elsewhere protected"
	[read64]="none nopolicy elsewhere protected"
	[getppid]="none nopolicy elsewhere"
	[write]="none nopolicy elsewhere after protected"
	[orc]="none nopolicy elsewhere protected alone monitor dauditd protected0 monitor0 dauditd0"
	[mmap]="none nopolicy elsewhere protected"
	[exec]="none nopolicy elsewhere protected"
	[tar]="none nopolicy elsewhere protected"
	[exit]="none nopolicy elsewhere protected sessions"
	[pgselect]="none nopolicy elsewhere pgdata pgall"
	[pgtpcb]="none nopolicy elsewhere pgdata pgall"
)
sys_order=(pread4k read64 getppid write orc mmap exec tar exit pgselect pgtpcb)
rows=()
for row in "${sys_order[@]}"; do
	sys_row "$row" || continue
	case $row in pg*) [ $have_pg = 1 ] || continue ;; esac
	rows+=("$row")
done
rm -f /tmp/bench/drops.*
sys_run() { # ROW:CONFIG
	local v
	v=$(sys_measure "${1%%:*}" "${1#*:}")
	# A measurement that printed nothing would shift every later round.
	echo "${v:-nan}"
	# Every protected configuration reads protected data.
	case ${1#*:} in nopolicy | none | elsewhere) ;; *) sys_dirty ;; esac
}
for r in $(seq "$ROUNDS"); do
	for row in "${rows[@]}"; do
		# shellcheck disable=SC2086 # the configurations are words
		keys=$(printf "$row:%s " ${sys_cfgs[$row]})
		# shellcheck disable=SC2086
		rotate "$r" sys_run $keys
	done
done
sys_module none

# cell ROW CONFIG: "1.016x (+91)": the median per-round ratio to no
# module, and the median value's difference (instructions per call under
# -icount); pgbench: the tps ratio alone.
cell() {
	local rm med base r25 r75
	[ -n "${res[$1:$2]:-}" ] || { echo; return; }
	read -r rm _ <<<"$(ratios "$1:$2" "$1:none")"
	# shellcheck disable=SC2086
	read -r med _ <<<"$(stats ${res[$1:$2]})"
	# shellcheck disable=SC2086
	read -r base _ <<<"$(stats ${res[$1:none]})"
	case $1 in
	pg*)
		read -r _ r25 r75 <<<"$(ratios "$1:$2" "$1:none")"
		printf '%.3fx (%.3f-%.3f; %.0f tps)' "$rm" "$r25" "$r75" "$med" ;;
	*) printf '%.3fx (%+.0f)' "$rm" "$(echo "$med $base" | awk '{ print $1 - $2 }')" ;;
	esac
}
drops_of() { # ROW CONFIG: dropped records per round
	[ -f "/tmp/bench/drops.$1.$2" ] && tr '\n' ' ' <"/tmp/bench/drops.$1.$2" | sed 's/ $//'
}
label_of() {
	case $1 in
	read4k) echo "read 4 KiB" ;;
	pread4k) echo "pread 4 KiB" ;;
	read64) echo "read 64 B" ;;
	getppid) echo "getppid (every syscall of every task)" ;;
	write) echo "write 4 KiB to /dev/null" ;;
	orc) echo "open + read 4 KiB + close" ;;
	mmap) echo "mmap page faults, per page ($FAULT_PAGES pages mapped, touched, unmapped)" ;;
	exec) echo "fork + exec + exit + wait" ;;
	tar) echo "tar of $TAR_FILES files of 2 KiB piped to cat" ;;
	exit) echo "fork, read 4 KiB, exit holding the file open, wait" ;;
	pgselect) echo "pgbench select-only, unix socket (tps)" ;;
	pgtpcb) echo "pgbench TPC-B-like, unix socket (tps)" ;;
	esac
}

# The read 4 KiB row comes from the read table's runs.
if [ -n "${res[none]:-}" ]; then
	for c in none no-policy unprotected protected; do
		k=$c
		case $c in no-policy) k=nopolicy ;; unprotected) k=elsewhere ;; esac
		res["read4k:$k"]=${res[$c]}
	done
	rows=(read4k "${rows[@]}")
fi

echo "## The whole system (issue 14)"
echo
echo "Kernel $(uname -r), $(nproc) vCPU, booted without audit=1 or slub_debug;"
echo "$ROUNDS rounds alternating the configurations of each row.  Cells: median of"
echo "the per-round ratios to no module (over no module, in guest ns of the"
echo "medians: instructions under -icount).  A consumer (devprobe drain, no"
echo "rendering) drains the rings in every module configuration except where"
echo "the row names another."
echo
echo "| workload | no module, ns | module, no policy | protected tree elsewhere on the fs | protected |"
echo "|---|---:|---:|---:|---:|"
for row in "${rows[@]}"; do
	# shellcheck disable=SC2086
	read -r base _ <<<"$(stats ${res[$row:none]})"
	prot=protected
	case $row in pg*) prot=pgall ;; esac
	case $row in pg*) base=$(printf '%.0f tps' "$base") ;; esac
	printf '| %s | %s | %s | %s | %s |\n' "$(label_of "$row")" "$base" \
		"$(cell "$row" nopolicy)" "$(cell "$row" elsewhere)" "$(cell "$row" $prot)"
done
echo
echo "Protected means: the file read (pread, read 64 B, open, mmap, exit) or the"
echo "tree (tar) is protected; write and fork + exec: the process read a protected"
echo "file first (its login session marked); pgbench: the data directory and"
echo "the server's unix socket protected, postgres its trusted reader."
echo
echo "### Further configurations"
echo
echo "| workload | configuration | ratio to no module | dropped records per round |"
echo "|---|---|---:|---|"
for row in "${rows[@]}"; do
	for c in ${sys_cfgs[$row]:-}; do
		case $c in none) continue ;; esac
		case $row:$c in
		write:after) l="unmarked, but another login session read protected data just before" ;;
		orc:nopolicy) l="module, no policy" ;;
		orc:elsewhere) l="protected tree elsewhere on the fs" ;;
		orc:protected) l="protected, devprobe draining (reads records, renders nothing)" ;;
		orc:alone) l="protected, no consumer during the run (the module alone; drained after)" ;;
		orc:monitor) l="protected, daudit monitor --follow rendering every record as ECS JSON" ;;
		orc:dauditd) l="protected, dauditd storing every record" ;;
		orc:protected0) l="protected, devprobe draining, wakeup_ms=0 (woken at every record)" ;;
		orc:monitor0) l="protected, daudit monitor --follow, wakeup_ms=0" ;;
		orc:dauditd0) l="protected, dauditd, wakeup_ms=0" ;;
		exit:protected) l="protected, no other sessions live" ;;
		exit:sessions) l="protected, $EXIT_SESSIONS sessions live in another process" ;;
		pg*:pgdata) l="data directory protected" ;;
		pg*:pgall) l="data directory and socket protected" ;;
		*) continue ;;
		esac
		printf '| %s | %s | %s | %s |\n' "$(label_of "$row")" "$l" "$(cell "$row" "$c")" \
			"$(drops_of "$row" "$c")"
	done
done
echo
echo "Every measurement of the whole-system table, in round order (ns per"
echo "operation; pgbench: tps), and the records dropped per round:"
echo
for row in "${rows[@]}"; do
	for c in ${sys_cfgs[$row]:-none nopolicy elsewhere protected}; do
		[ -n "${res[$row:$c]:-}" ] || continue
		echo "- $row:$c:${res[$row:$c]}"
		[ -f "/tmp/bench/drops.$row.$c" ] && echo "  (dropped: $(drops_of "$row" "$c"))"
	done
done
echo
if [ $have_pg = 1 ]; then
	pg "$PG_BIN/pg_ctl" -D "$PGD" -m fast -w stop >/dev/null 2>&1
fi
