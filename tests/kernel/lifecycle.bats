#!/usr/bin/env bats
# Load and unload the module 30 times under full load: protected and
# unprotected readers, mmap, io_uring reads, a recv on a protected socket
# pending across the unload (a syscall and an io_uring one), egress to a
# socket and to a file, exec churn, and a consumer attaching and detaching.
# No warning; every background read returns every byte, every time; the
# module unloads each time; slab and vmalloc stay where they were.
#
# Only under single-threaded TCG (see docs/testing.md, "Loading and
# unloading under load"): with multi-threaded TCG, adding or removing a
# kprobe on a function another vCPU is running crashes the guest, daudit.ko
# or not, and this suite would measure the emulator.

load lib

WARMUP=3  # cycles under load before slab and vmalloc are measured
CYCLES=22 # cycles measured (25 in all: the issue asks for 25 or more)
# The pace of the loads.  On the debug kernel (KASAN, lockdep) under this
# load an exec takes seconds, a protected recv round (4 s of server delay)
# 30 s, and daudit monitor tens of seconds to attach: 25 cycles of a 1 s
# dwell saw 10 rounds of 20 execs, 40 recv rounds, 5 attaches and a recv
# pending at 10 unloads in 1,201 s (2026-12-07), every read whole.  There
# the module stays loaded 10 s a cycle, an exec round is 4 programs, the
# protected servers answer 30 s late (so that a recv is pending at most
# unloads), and a recv round is expected once a cycle, as every other
# load's, instead of every 10 s: "each load went on across the cycles"
# then measures the module, not the emulator.  With that pace a consumer
# still attached only 5 times in 25 cycles there: daudit monitor, started
# at nice 10 among eight busy workers, took longer to start than the
# module stayed loaded.  So there the consumer runs at nice 0, as a real
# collector does, and is given 30 s to attach: 59 attaches in 25 cycles
# then, and a recv pending at 13 unloads (2026-12-07), but a cycle of
# 81 s was shorter than an egress round there (88 s): egress, recv and
# io_uring recv ran 23-24 rounds in 25 cycles.  So there the module stays
# loaded 30 s a cycle.  The other bars are the same.
if [ -n "${DAUDIT_DEBUG_KERNEL:-}" ]; then
	DWELL=30 EXEC_ROUND=4 SERVER_DELAY_MS=30000 CONSUMER_NICE=0 ATTACH_WAIT=300
else
	DWELL=1 EXEC_ROUND=20 SERVER_DELAY_MS=4000 CONSUMER_NICE=10 ATTACH_WAIT=100
fi
F=/srv/customers/customers.csv # 100,000 bytes
DB=/srv/customers/accounts.db  # 1,000,000 bytes
PUB=/srv/public/readme.txt     # 50,000 bytes
ROWS=/srv/rows.bin             # 200,000 bytes, served on protected sockets

setup_file() {
	load lib
	unload_module
	make_dataset
	head -c 200000 /dev/urandom >"$ROWS"
	chmod a+r "$ROWS"
	cat >/tmp/lifecycle.conf <<'POL'
dataset customers { tree /srv/customers }
dataset db {
	unix /run/db.sock
	tcp 127.0.0.1 port 5555
}
POL
	# Protected servers that answer each connection 4 s (SERVER_DELAY_MS) late: their
	# clients wait in recv meanwhile, across loads and unloads.
	start_bg DBUNIX netpeer serve unix /run/db.sock "$ROWS" "$SERVER_DELAY_MS"
	start_bg DBTCP netpeer serve tcp 127.0.0.1:5555 "$ROWS" "$SERVER_DELAY_MS"
	start_bg SINK netpeer sink tcp 127.0.0.1:9000
}

teardown_file() {
	stop_bg DBUNIX
	stop_bg DBTCP
	stop_bg SINK
	unload_module
}

W=/tmp/lifecycle
WORKERS=()

teardown() {
	touch "$W/stop"
	[ "${#WORKERS[@]}" -eq 0 ] || wait "${WORKERS[@]}" 2>/dev/null || true
	unload_module || true
}

# expect_bytes N CMD...: CMD succeeds and reports "bytes=N".
expect_bytes() {
	local want=$1 out
	shift
	out=$("$@" 2>&1) || { echo "$out"; return 1; }
	[ "${out%% *}" = "bytes=$want" ] || { echo "$out"; return 1; }
}

# egress: a protected file piped to the sink, and copied out of the tree.
egress() {
	nc 127.0.0.1 9000 <"$F" && cp "$F" /srv/public/out/loot.csv && cmp "$F" /srv/public/out/loot.csv
}

# exec_churn: EXEC_ROUND short processes.
exec_churn() {
	local i
	for ((i = 0; i < EXEC_ROUND; i++)); do
		/bin/true || return 1
	done
}

# holds_device PID: PID has /dev/daudit open (builtins only: this runs
# every 0.1 s).
holds_device() {
	local fd
	for fd in /proc/"$1"/fd/*; do
		[ "$fd" -ef /dev/daudit ] && return 0
	done
	return 1
}

# consume: attach as the consumer (daudit monitor holds the device) for a
# second, then detach for one (the window rmmod needs); attaching may take
# ATTACH_WAIT tenths of a second.  "absent" when
# the module was not loaded (monitor refused and said so).
consume() {
	local m rc=0
	daudit monitor --follow >>"$W/records.json" 2>"$W/consumer.err" &
	m=$!
	for _ in $(seq "$ATTACH_WAIT"); do
		holds_device "$m" && break
		kill -0 "$m" 2>/dev/null || break
		sleep 0.1
	done
	if ! holds_device "$m"; then
		kill "$m" 2>/dev/null && echo "not attached after $((ATTACH_WAIT / 10)) s"
		wait "$m" || true
		grep -q 'not loaded' "$W/consumer.err" || { cat "$W/consumer.err"; return 1; }
		sleep 1
		echo absent
		return 0
	fi
	sleep 1
	kill -TERM "$m"
	wait "$m" || rc=$?
	[ "$rc" -eq 0 ] || { echo "monitor exited $rc:"; cat "$W/consumer.err"; return 1; }
	sleep 1
	echo attached
}

# worker NAME CMD...: CMD again and again until $W/stop exists; one line
# per run in $W/NAME.log: "ok [what CMD printed]" or "fail WHAT".  At nice
# 10 (NICE): the workers take every cycle the test leaves, and the loads
# and unloads do not wait behind nine busy loops on two emulated CPUs.
worker() {
	local name=$1 out
	shift
	renice -n "${NICE:-10}" -p "$BASHPID" >/dev/null || return 1
	while [ ! -e "$W/stop" ]; do
		if out=$("$@" 2>&1); then
			echo "ok $out"
		else
			echo "fail $(echo "$out" | tr '\n' ' ')"
		fi
	done >>"$W/$name.log" 2>&1
}

# start_worker NAME USER CMD...: a worker in the background, in one login
# session of USER (root: as this shell, no session).
start_worker() {
	local name=$1 user=$2
	shift 2
	if [ "$user" = root ]; then
		worker "$name" "$@" 3>&- &
	else
		# shellcheck disable=SC2016 # the inner shell expands it
		as_user "$user" bash -c 'worker "$@"' _ "$name" "$@" 3>&- &
	fi
	WORKERS+=($!)
}

# pending_recvs: clients of the protected servers asleep in the kernel
# (in recv, or in io_uring waiting for its recv) right now.
pending_recvs() {
	local pid st a1 n=0
	for pid in $(pidof netpeer); do
		read -r st 2>/dev/null <"/proc/$pid/stat" || continue
		[[ "$st" == *"(netpeer) S "* ]] || continue
		{ IFS= read -r -d '' _ && IFS= read -r -d '' a1; } 2>/dev/null <"/proc/$pid/cmdline" || continue
		[ "$a1" = get ] && n=$((n + 1))
	done
	echo "$n"
}

start_workers() {
	rm -f "$W/stop"
	start_worker protected alice expect_bytes 100000 reader read "$F"
	start_worker public bob expect_bytes 50000 reader read "$PUB"
	start_worker mmap alice expect_bytes 1000000 reader mmap "$DB"
	start_worker uring bob expect_bytes 1000000 uring-read read "$DB"
	start_worker recv carol expect_bytes 200000 netpeer get unix /run/db.sock recv
	start_worker uringrecv carol expect_bytes 200000 netpeer get tcp 127.0.0.1:5555 uring-recv
	start_worker egress mallory egress
	start_worker exec alice exec_churn
	NICE=$CONSUMER_NICE start_worker consumer root consume
}

stop_workers() {
	touch "$W/stop"
	wait "${WORKERS[@]}"
	WORKERS=()
}

# cycles N: N times insmod, policy load, DWELL seconds of work, rmmod (retried
# while the consumer holds the device); a line per cycle in $W/cycles.log.
cycles() {
	local t0 t1 t2 p r
	for _ in $(seq "$1"); do
		t0=$SECONDS
		load_module
		[ -c /dev/daudit ]
		load_policy /tmp/lifecycle.conf >/dev/null
		t1=$SECONDS
		sleep "$DWELL"
		p=$(pending_recvs)
		t2=$SECONDS
		r=$(unload_when_free)
		if grep -q '^daudit ' /proc/modules; then return 1; fi
		echo "load+policy $((t1 - t0)) s, pending recvs $p, rmmod after $((SECONDS - t2)) s and $r refusals" >>"$W/cycles.log"
		sleep 0.3
	done
}

# unload_when_free: rmmod, retried for up to 20 s while a consumer holds
# the device (rmmod refuses a module in use); prints how often it was
# refused.
unload_when_free() {
	local tries
	for tries in $(seq 0 200); do
		if rmmod daudit 2>/dev/null; then
			echo "$tries"
			return 0
		fi
		sleep 0.1
	done
	rmmod daudit
}

@test "the harness runs this suite under single-threaded TCG with 2 or more vCPUs" {
	echo "accel: ${DAUDIT_VM_ACCEL:-unset}; vCPUs: $(nproc)"
	# Multi-threaded TCG crashes on kprobe changes under load (docs/testing.md).
	[[ "${DAUDIT_VM_ACCEL:-}" == *"tcg,thread=single"* ]]
	[ "$(nproc)" -ge 2 ]
}

@test "$((WARMUP + CYCLES)) loads and unloads under full load: no warning, every read whole, slab stable" {
	[[ "${DAUDIT_VM_ACCEL:-}" == *"tcg,thread=single"* ]] || skip "needs single-threaded TCG (the test above fails)"
	rm -rf "$W"
	mkdir -p "$W"
	chmod 1777 "$W"
	export W F EXEC_ROUND
	export -f worker expect_bytes egress exec_churn consume holds_device
	start=$SECONDS
	# Warm-up: the workload's own kernel caches fill, then the workers stop
	# for the measure.
	start_workers
	cycles "$WARMUP"
	stop_workers
	unload_module
	before=$(slab_kb)
	start_workers
	cycles "$CYCLES"
	stop_workers
	after=$(slab_kb)
	cycles_s=$((SECONDS - start))
	total=$((WARMUP + CYCLES))
	sed 's/^/cycle: /' "$W/cycles.log"
	[ "$(wc -l <"$W/cycles.log")" -eq "$total" ]
	refused=$(awk '{ s += $(NF - 1) } END { print s }' "$W/cycles.log")
	pending=$(grep -c -v 'pending recvs 0,' "$W/cycles.log" || true)

	{
		echo "$total cycles in ${cycles_s} s; rmmod refused $refused times while the consumer held the device;" \
			"a protected recv was pending at $pending of the $total unloads"
		for w in protected public mmap uring recv uringrecv egress exec consumer; do
			echo "$w: $(grep -c '^ok' "$W/$w.log") ok, $(grep -c '^fail' "$W/$w.log") failed"
		done | paste -s -d';' | sed 's/;/; /g'
		attached=$(grep -c '^ok attached' "$W/consumer.log")
		received=$(sed -n 's/^received=//p' "$BATS_FILE_TMPDIR/SINK.out" | sort | uniq -c | tr '\n' ' ')
		echo "consumer attached $attached times; sink received (count, bytes): $received"
		echo "unreclaimable slab + vmalloc: before ${before} KiB, after ${after} KiB"
	} >"$W/summary"
	cat "$W/summary"
	sed 's/^/# /' "$W/summary" >&3

	# Nothing failed, and every kind of load kept going across the cycles.
	if grep '^fail' "$W"/*.log; then false; fi
	for w in protected public mmap uring egress exec; do
		[ "$(grep -c '^ok' "$W/$w.log")" -ge "$total" ]
	done
	if [ -n "${DAUDIT_DEBUG_KERNEL:-}" ]; then
		recv_bar=$total
	else
		recv_bar=$((cycles_s / 10))
	fi
	[ "$(grep -c '^ok' "$W/recv.log")" -ge "$recv_bar" ]
	[ "$(grep -c '^ok' "$W/uringrecv.log")" -ge "$recv_bar" ]
	[ "$attached" -ge $((total / 2)) ]
	[ "$pending" -ge $((total / 2)) ]
	# Every egress reached the sink whole.
	[ "$(grep -c '^received=' "$BATS_FILE_TMPDIR/SINK.out")" -ge "$(grep -c '^ok' "$W/egress.log")" ]
	if grep '^received=' "$BATS_FILE_TMPDIR/SINK.out" | grep -v '^received=100000$'; then false; fi

	# The consumers saw the module at work while it was loaded, and never
	# a record of the unprotected reads.
	jq -e -s 'any(.[]; .event.action == "file_read" and .file.path == "/srv/customers/customers.csv")' "$W/records.json" >/dev/null
	jq -e -s 'any(.[]; .event.action == "socket_read" and .daudit.dataset == "db")' "$W/records.json" >/dev/null
	jq -e -s 'any(.[]; .event.action == "egress")' "$W/records.json" >/dev/null
	jq -e -s 'all(.[]; (.file.path // "" | startswith("/srv/public/readme")) | not)' "$W/records.json" >/dev/null

	slab_stable "$before" "$after"
	check_dmesg_clean
}
