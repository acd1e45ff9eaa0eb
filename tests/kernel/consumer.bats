#!/usr/bin/env bats
# The consumer's side of /dev/daudit in the states a production server
# reaches: a ring full of records delivered but not acknowledged, a CPU
# taken offline with a loss report pending, read() buffers that fault
# part-way, and a collector killed again and again during a burst.  A
# blocked reader always sleeps and always dies on SIGKILL; no record is
# ever skipped without a LOST record that covers it; a stream of records
# wakes a sleeping reader at most every wakeup_ms, not at each record.

load lib

setup_file() {
	load lib
	unload_module
	make_dataset
	mkdir -p /srv/customers/many
	for i in $(seq 600); do echo "row $i" >"/srv/customers/many/f$i.csv"; done
	chmod -R a+rX /srv/customers
	# One reader process opens, reads and closes them all (a fork and
	# exec per file would take minutes under emulation).
	find /srv/customers/many -name 'f*.csv' >/tmp/many.list
	chmod a+r /tmp/many.list
}

teardown() {
	[ -n "${BG:-}" ] && kill -9 "$BG" 2>/dev/null
	[ -n "${BG:-}" ] && wait "$BG" 2>/dev/null
	BG=
	stop_collector KILL 2>/dev/null || true
	echo 1 >/sys/devices/system/cpu/cpu1/online 2>/dev/null || true
}

teardown_file() {
	unload_module
}

# fresh: a new module with 64 KiB rings and the test policy.  park_max=0:
# a session's last record that does not fit is dropped at once, as when
# park_max sessions already wait for room (sessions.bats tests the wait):
# these tests are about losses and their reports.
fresh() {
	unload_module
	load_module ring_kb=64 park_max=0
	load_policy
}

# fill_cpu CPU: alice opens and reads the 600 small files on CPU, one
# record each: far more than a 64 KiB ring holds.
fill_cpu() {
	as_user alice taskset -c "$1" reader list /tmp/many.list >/dev/null
}

# collector_here NAME: $BATS_TEST_TMPDIR/NAME.conf, a collector storing
# into NAME.db there, committing every 50 ms.
collector_here() {
	cat >"$BATS_TEST_TMPDIR/$1.conf" <<CONF
[collector]
database = $BATS_TEST_TMPDIR/$1.db
policy = $POLICY
batch_ms = 50
CONF
}

dropped() {
	daudit status --format json | jq .dropped
}

# state_of PID: the task's state letter; ticks_of PID: its utime + stime.
state_of() {
	awk '{ print $3 }' "/proc/$1/stat"
}

ticks_of() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# wakeups_of PID: context switches of all its threads so far.
wakeups_of() {
	cat /proc/"$1"/task/*/status |
		awk '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { print n }'
}

# assert_sleeps PID: the task sleeps in the kernel and burns no CPU.
assert_sleeps() {
	local t0 t1
	t0=$(ticks_of "$1")
	sleep 2
	t1=$(ticks_of "$1")
	echo "state $(state_of "$1"), $((t1 - t0)) ticks in 2 s" >&2
	[ "$(state_of "$1")" = S ]
	[ $((t1 - t0)) -le 2 ]
}

# assert_killed_fast PID: SIGKILL ends it within a second (KILL_MS).  A
# task stuck in the kernel would never end; the bound is the shell's
# polling and forks on a busy guest.  On the debug kernel (KASAN,
# lockdep) beside other VMs those alone took 1,060 ms once (2026-12-07),
# so it is 5 s there.
if [ -n "${DAUDIT_DEBUG_KERNEL:-}" ]; then KILL_MS=5000; else KILL_MS=1000; fi
assert_killed_fast() {
	local t0 ms i
	t0=${EPOCHREALTIME/./}
	kill -9 "$1"
	for i in $(seq 200); do
		if [ ! -e "/proc/$1/stat" ] || [ "$(state_of "$1")" = Z ]; then
			break
		fi
		sleep 0.01
	done
	wait "$1" 2>/dev/null || true
	ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
	echo "gone $ms ms after SIGKILL" >&2
	[ "$ms" -lt "$KILL_MS" ]
}

@test "ack mode, ring full of unacknowledged records, a loss pending: the blocked reader sleeps, SIGKILL ends it within 1 s (5 s on the debug kernel), rmmod then works" {
	fresh
	devprobe no-ack >"$BATS_TEST_TMPDIR/noack.out" 2>&1 &
	BG=$!
	fill_cpu 0
	fill_cpu 1
	[ "$(dropped)" -gt 0 ]
	# Everything delivered, nothing acknowledged: the ring is full and
	# the loss report has no room until an acknowledgement.
	sleep 1
	tail -n 1 "$BATS_TEST_TMPDIR/noack.out" >&2
	daudit status --format json | jq -c '[.cpus[] | {cpu, ring_used, dropped}]' >&2
	assert_sleeps "$BG"
	assert_killed_fast "$BG"
	BG=
	rmmod daudit
	if grep -q '^daudit ' /proc/modules; then false; fi
	check_dmesg_clean
}

@test "a loss pending on an offline CPU: a reader gets its LOST record at once, then sleeps and dies on SIGKILL within 1 s (5 s on the debug kernel)" {
	[ -e /sys/devices/system/cpu/cpu1/online ]
	fresh
	drain_records /dev/null
	fill_cpu 1
	d=$(dropped)
	[ "$d" -gt 0 ]
	echo 0 >/sys/devices/system/cpu/cpu1/online
	devprobe consume >"$BATS_TEST_TMPDIR/consume.out" 2>&1 &
	BG=$!
	for _ in $(seq 50); do
		grep -q '^lost 1 ' "$BATS_TEST_TMPDIR/consume.out" && break
		sleep 0.1
	done
	grep '^lost' "$BATS_TEST_TMPDIR/consume.out" >&2
	# The report for CPU 1, written while it is offline, counts every drop.
	[ "$(awk '$1 == "lost" { s += $4 } END { print s + 0 }' "$BATS_TEST_TMPDIR/consume.out")" -eq "$d" ]
	[ "$(awk '$1 == "lost" && $2 == 1 { s += $4 } END { print s + 0 }' "$BATS_TEST_TMPDIR/consume.out")" -gt 0 ]
	assert_sleeps "$BG"
	assert_killed_fast "$BG"
	BG=
	echo 1 >/sys/devices/system/cpu/cpu1/online
	rmmod daudit
	check_dmesg_clean
}

@test "dauditd with a CPU offline and a loss pending: under 1% CPU and at most 30 wake-ups over 10 s, and the loss is stored" {
	fresh
	fill_cpu 1
	d=$(dropped)
	[ "$d" -gt 0 ]
	echo 0 >/sys/devices/system/cpu/cpu1/online
	collector_here c
	start_collector "$BATS_TEST_TMPDIR/c.conf" "$BATS_TEST_TMPDIR/dauditd.log"
	sleep 1
	t0=$(ticks_of "$DAUDITD_PID")
	w0=$(wakeups_of "$DAUDITD_PID")
	sleep 10
	t1=$(ticks_of "$DAUDITD_PID")
	w1=$(wakeups_of "$DAUDITD_PID")
	st=$(daudit status --format json)
	echo "dauditd: $((t1 - t0)) ticks, $((w1 - w0)) wake-ups in 10 s; $(echo "$st" | jq -c '{dropped, collector: .collector | {records_stored, gaps, records_missing}}')" >&2
	# Idle, it sleeps until the device has records: the indexer's
	# once-a-second tick (no sinks here) and nothing else, whatever
	# batch_ms says (50 here: polling at it would be 200).
	[ $((w1 - w0)) -le 30 ]
	# 1% of 10 s at USER_HZ 100.
	[ $((t1 - t0)) -lt 10 ]
	[ "$(echo "$st" | jq .collector.records_missing)" -eq "$d" ]
	echo 1 >/sys/devices/system/cpu/cpu1/online
	stop_collector
	check_dmesg_clean
}

# drain_while_filling MS: with wakeup_ms=MS, a consumer asleep in read()
# (devprobe drain) takes the 600 records of fill_cpu 1; sets DRAIN_READS
# (the reads it needed: one per wake-up) and DRAIN_MS (how long the fill
# took).  Every record must arrive.
drain_while_filling() {
	local out=$BATS_TEST_TMPDIR/drain.$1 t0 t1 got _
	echo "$1" >/sys/module/daudit/parameters/wakeup_ms
	drain_records /dev/null
	devprobe drain 600 >"$out" &
	BG=$!
	for _ in $(seq 50); do
		[ "$(state_of "$BG")" = S ] && break
		sleep 0.1
	done
	[ "$(state_of "$BG")" = S ]
	t0=${EPOCHREALTIME/./}
	fill_cpu 1
	t1=${EPOCHREALTIME/./}
	wait "$BG"
	BG=
	got=$(tail -n 1 "$out")
	echo "# wakeup_ms=$1: $got records in $(wc -l <"$out") reads; the fill took $(((t1 - t0) / 1000)) ms" >&3
	[ "$got" -ge 600 ]
	DRAIN_READS=$(wc -l <"$out")
	DRAIN_MS=$(((t1 - t0) / 1000))
}

@test "records streaming in wake a sleeping consumer at most every wakeup_ms (10 by default), not at each record; 0 wakes it at each; none is missed" {
	unload_module
	load_module
	load_policy
	p=/sys/module/daudit/parameters/wakeup_ms
	[ "$(cat "$p")" -eq 10 ]
	# Outside 0..1000: refused, the value stays.
	run sh -c "echo 1001 >$p"
	[ "$status" -ne 0 ]
	[ "$(cat "$p")" -eq 10 ]
	drain_while_filling 10
	batched=$DRAIN_READS
	# One wake-up per timer period at most (10 ms is 3 jiffies at HZ
	# 250: 12 ms), and a few besides: the first, and the end.
	[ "$batched" -le $((DRAIN_MS / 10 + 5)) ]
	drain_while_filling 0
	[ "$DRAIN_READS" -gt "$batched" ]
	# And the same value at load time.
	unload_module
	run insmod "$DAUDIT_KO" wakeup_ms=5000
	[ "$status" -ne 0 ]
	load_module wakeup_ms=0
	[ "$(cat "$p")" -eq 0 ]
	check_dmesg_clean
}

# fault_read_ok MODE: devprobe fault-read under a flood, then its checks.
fault_read_ok() {
	fresh
	stop=$BATS_TEST_TMPDIR/flood-done
	rm -f "$stop"
	(as_user alice reader list /tmp/many.list 4 >/dev/null
		touch "$stop") &
	BG=$!
	rc=0
	out=$(devprobe fault-read "$stop" "$@" 2>&1) || rc=$?
	wait "$BG"
	BG=
	echo "$out" >&2
	[ "$rc" -eq 0 ]
	line=$(echo "$out" | tail -n 1)
	val() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
	[ "$(val holes)" -eq 0 ]
	[ "$(val dups)" -eq 0 ]
	[ "$(val late)" -eq 0 ]
	# Four passes over 600 files: a record each, delivered or lost.
	[ $(($(val records) + $(val lost))) -ge 2400 ]
	# Reads did fault, part-way through records that were waiting.
	[ "$(val partial)" -gt 0 ]
	# What the module counted as dropped, the LOST records reported.
	[ "$(val lost)" -eq "$(dropped)" ]
	check_dmesg_clean
}

@test "reads whose buffer faults part-way lose nothing: every sequence number arrives once or inside a LOST range" {
	fault_read_ok
}

@test "the same in ack mode: acknowledging the highest sequence received never covers a record not received" {
	fault_read_ok ack
}

@test "five kill -9 of dauditd during a burst: every drop is a stored LOST record, and nothing else is missing" {
	fresh
	collector_here k
	log=$BATS_TEST_TMPDIR/dauditd.log
	start_collector "$BATS_TEST_TMPDIR/k.conf" "$log"
	# The burst goes on until the fifth restart (alice must see the file:
	# not in the test's own directory).
	stop=/tmp/consumer-burst-done
	rm -f "$stop"
	# shellcheck disable=SC2016 # the inner shell expands it
	as_user alice bash -c 'until [ -e "$1" ]; do reader list /tmp/many.list >/dev/null; done' _ "$stop" &
	BG=$!
	for _ in 1 2 3 4 5; do
		sleep 1
		rc=0
		stop_collector KILL || rc=$?
		[ "$rc" -eq 137 ]
		start_collector "$BATS_TEST_TMPDIR/k.conf" "$log"
	done
	touch "$stop"
	wait "$BG"
	BG=
	rm -f "$stop"
	settle_collector
	stop_collector
	st=$(daudit status --format json)
	echo "$st" | jq -c '{dropped, records, collector: .collector | {records_stored, gaps, records_missing}}' >&2
	# Every sequence number the module used is stored or inside a stored
	# LOST range: what is missing is exactly what the module dropped.
	[ "$(echo "$st" | jq .collector.records_missing)" -eq "$(echo "$st" | jq .dropped)" ]
	# Nothing was left unacknowledged for the next consumer.
	daudit monitor >"$BATS_TEST_TMPDIR/after.json"
	[ "$(jq -s 'map(select(.event.action == "file_read")) | length' "$BATS_TEST_TMPDIR/after.json")" -eq 0 ]
	check_dmesg_clean
}

@test "a verb refused by the module names the capability it lacks, in one line, exit 1" {
	fresh
	run setpriv --bounding-set=-all --inh-caps=-all -- daudit status
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "daudit: status needs CAP_AUDIT_READ, CAP_AUDIT_CONTROL or CAP_SYS_ADMIN (or root) to open /dev/daudit" ]
	run setpriv --bounding-set=-all,+audit_control --inh-caps=-all -- daudit status
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "daudit: status needs CAP_AUDIT_READ or CAP_SYS_ADMIN (or root) to read the counters of /dev/daudit" ]
	run setpriv --bounding-set=-all,+audit_read --inh-caps=-all -- daudit policy load --no-link-scan "$POLICY"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${lines[${#lines[@]} - 1]}" = "daudit: policy load needs CAP_AUDIT_CONTROL or CAP_SYS_ADMIN (or root) to load a policy into daudit.ko" ]
	run setpriv --bounding-set=-all --inh-caps=-all -- daudit monitor
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "daudit: monitor needs CAP_AUDIT_READ or CAP_SYS_ADMIN (or root) to open /dev/daudit" ]
}

@test "a handle opened with CAP_AUDIT_CONTROL alone: version and policy loads yes, counters no (EPERM)" {
	fresh
	run setpriv --bounding-set=-all,+audit_control --inh-caps=-all -- devprobe ctl-stats
	echo "$output"
	[ "$output" = "version=OK stats=EPERM load=E2BIG" ]
	run setpriv --bounding-set=-all,+audit_read --inh-caps=-all -- devprobe ctl-stats
	echo "$output"
	[ "$output" = "version=OK stats=OK load=EPERM" ]
}
