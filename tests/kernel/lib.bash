# Shared by the kernel test suites (bats, inside the VM).
# shellcheck shell=bash

DAUDIT_KO=/lib/modules/daudit.ko

load_module() {
	insmod "$DAUDIT_KO" "$@"
}

unload_module() {
	if grep -q '^daudit ' /proc/modules; then
		rmmod daudit
	fi
}

# uid_of USER
uid_of() {
	awk -F: -v u="$1" '$1 == u { print $3 }' /etc/passwd
}

# as_user USER CMD...: run CMD as USER inside a login session of USER
# (audit login uid set, as sshd/login would), without capabilities.
as_user() {
	local user=$1 uid
	shift
	uid=$(uid_of "$user")
	bash -c 'echo "$1" >/proc/self/loginuid && shift && exec setpriv --reuid="$0" --regid="$0" --clear-groups --inh-caps=-all -- "$@"' \
		"$uid" "$uid" "$@"
}

# as_daemon USER CMD...: as USER but with no login session (auid unset).
as_daemon() {
	local uid
	uid=$(uid_of "$1")
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all -- "$@"
}

# Fail with the kernel log's tail if the kernel complained.
check_dmesg_clean() {
	if dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace'; then
		dmesg | tail -n 60
		return 1
	fi
}

# slab_kb: unreclaimable slab plus vmalloc in KiB, after dropping caches
# (what a module that leaks makes grow).
slab_kb() {
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^SUnreclaim:/ { s = $2 } /^VmallocUsed:/ { v = $2 } END { print s + v }' /proc/meminfo
}

# slab_stable BEFORE AFTER: slab_kb grew less than 512 KiB.  Not on the
# debug kernel (DAUDIT_DEBUG_KERNEL, set by tests/vm/run.sh): KASAN keeps
# freed objects in its quarantine (up to 1/32 of memory) instead of
# freeing them: module.bats's 20 loads and unloads grew it 9.8 MiB.
# There the kmemleak scan after the last unload (tests/vm/init) is the
# leak check, and a stricter one (a single unreferenced object fails it).
slab_stable() {
	if [ -n "${DAUDIT_DEBUG_KERNEL:-}" ]; then
		echo "debug kernel: slab growth $(($2 - $1)) KiB not bounded (KASAN quarantine); kmemleak checks leaks"
		return 0
	fi
	[ $(($2 - $1)) -lt 512 ]
}

# --- protected data and records -------------------------------------------

DATA=/srv/customers
POLICY=/etc/daudit/policy.conf

# make_dataset: /srv/customers with files of known sizes, and a policy
# protecting the tree (dataset "customers"); /srv/public is not protected.
make_dataset() {
	mkdir -p "$DATA/2026" /srv/public/out /etc/daudit
	head -c 100000 /dev/urandom >"$DATA/customers.csv"
	head -c 4096 /dev/urandom >"$DATA/2026/phones.csv"
	head -c 1000000 /dev/urandom >"$DATA/accounts.db"
	head -c 50000 /dev/urandom >/srv/public/readme.txt
	chmod -R a+rX /srv
	chmod 1777 /srv/public/out
	cat >"$POLICY" <<'POL'
# test policy
dataset customers {
	tree /srv/customers
}
POL
}

load_policy() {
	daudit policy load "${1:-$POLICY}"
}

# fresh_module [PARAMS]: a freshly loaded module and the test data set,
# no policy yet (what every suite's setup_file starts from).
fresh_module() {
	unload_module
	load_module "$@"
	make_dataset
}

# drain_records [FILE]: every record the module holds now, as ECS JSON
# lines, into FILE (default $RECS).
RECS=${BATS_TEST_TMPDIR:-/tmp}/records.json
drain_records() {
	daudit monitor >"${1:-$RECS}"
}

# file_records PATH: the file_read records of PATH, one JSON per line.
file_records() {
	jq -c --arg p "$1" 'select(.event.action == "file_read" and .file.path == $p)' "$RECS"
}

# bytes_for PATH [PID]: bytes read from PATH in all records (of PID).
bytes_for() {
	jq -s --arg p "$1" --arg pid "${2:-}" \
		'[.[] | select(.event.action == "file_read" and .file.path == $p and
			($pid == "" or (.process.pid | tostring) == $pid)) | .daudit.bytes] | add // 0' "$RECS"
}

# field_of PATH JQ-EXPR: the expression on the first record of PATH.
field_of() {
	file_records "$1" | head -n1 | jq -r "$2"
}

# read_as USER MODE FILE [ARGS]: run the reader as USER in a login session,
# print its bytes (the test checks the records against it).
# PREEMPT_RT kernels have no transparent huge pages (in 6.1 and 6.12
# TRANSPARENT_HUGEPAGE depends on !PREEMPT_RT): the tmpfs trees of the
# suites are then plain, and the tests of huge mappings skip.
have_thp() {
	[ -d /sys/kernel/mm/transparent_hugepage ]
}

need_thp() {
	have_thp || skip "no transparent huge pages in this kernel (PREEMPT_RT)"
}

read_as() {
	local user=$1 out
	shift
	out=$(as_user "$user" reader "$@") || return 1
	echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p'
}

# --- the collector ---------------------------------------------------------

DAUDITD_PID=

# start_collector CONF LOG [READY [SECONDS]]: dauditd with CONF in the
# background, its log appended to LOG; returns once it is the module's
# consumer with its database open, or once READY holds: a jq condition on
# `daudit status --format json`, with $p dauditd's pid (ebpf.bats: the
# eBPF sensor runs); fails after SECONDS (default 60).  The CLI verbs
# then read that database (DAUDIT_CONFIG).
start_collector() {
	local deadline=$((SECONDS + ${4:-60}))
	export DAUDIT_CONFIG=$1
	dauditd --config "$1" >>"$2" 2>&1 3>&- &
	DAUDITD_PID=$!
	while [ "$SECONDS" -lt "$deadline" ]; do
		if daudit status --no-wait --format json 2>/dev/null | jq -e --argjson p "$DAUDITD_PID" \
			"${3:-.consumer_pid == \$p and .collector.state == \"running\"}" >/dev/null; then
			return 0
		fi
		kill -0 "$DAUDITD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "dauditd did not start; its log:" >&2
	cat "$2" >&2
	# Not left running: bats would wait for it at the end of the file.
	kill -KILL "$DAUDITD_PID" 2>/dev/null || true
	return 1
}

# stop_collector [SIGNAL]: SIGNAL (default TERM: flush, drain, commit,
# exit) to the dauditd start_collector started; waits and returns its
# exit status.
stop_collector() {
	local pid=$DAUDITD_PID rc=0
	[ -n "$pid" ] || return 0
	DAUDITD_PID=
	kill -"${1:-TERM}" "$pid" 2>/dev/null || true
	wait "$pid" || rc=$?
	return "$rc"
}

# settle_collector: wait (up to 20 s) until no ring holds a record: the
# collector has stored and acknowledged everything written so far.
settle_collector() {
	local _
	for _ in $(seq 200); do
		[ "$(daudit status --format json | jq '[.cpus[].ring_used] | add')" -eq 0 ] && return 0
		sleep 0.1
	done
	echo "records still waiting in the rings after 20 s" >&2
	return 1
}

# --- sockets and egress ----------------------------------------------------

# records_where JQ-FILTER: the records matching a jq boolean, one per line.
records_where() {
	jq -c "select($1)" "$RECS"
}

# sum_where JQ-FILTER: the sum of daudit.bytes of matching records.
sum_where() {
	jq -s "[.[] | select($1) | .daudit.bytes] | add // 0" "$RECS"
}

# start_bg NAME CMD...: run CMD in the background with its output in
# $BATS_FILE_TMPDIR/NAME.out, wait until it prints "ready", and remember its
# pid in BG_NAME for stop_bg.
start_bg() {
	local name=$1 out
	shift
	out=${BATS_FILE_TMPDIR:-/tmp}/$name.out
	"$@" >"$out" 2>&1 &
	export "BG_$name=$!"
	for _ in $(seq 100); do
		grep -q '^ready' "$out" && return 0
		sleep 0.1
	done
	echo "start_bg: $* did not get ready: $(cat "$out")" >&2
	return 1
}

stop_bg() {
	local pid
	eval "pid=\${BG_$1:-}"
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	[ -n "$pid" ] && wait "$pid" 2>/dev/null
	return 0
}

# coproc_fds NAME "${NAME[@]}": copy coprocess NAME's descriptors to NAME_R
# (its output) and NAME_W (its input). Bash closes its own copies, and
# unsets NAME, as soon as it reaps the coprocess: a coprocess that ends
# right after its last line would otherwise race the test's read of it.
coproc_fds() {
	local r w
	exec {r}<&"$2" {w}>&"$3"
	printf -v "$1_R" %s "$r"
	printf -v "$1_W" %s "$w"
}

# The eBPF sensor (ebpf.bats, lockdown.bats).
# ebpf_conf FILE DATABASE [EXTRA]: a dauditd.conf for the eBPF sensor.
ebpf_conf() {
	cat >"$1" <<CONF
[collector]
database = $2
policy = $POLICY
batch_ms = 50
${3:-sensor = ebpf}
CONF
}

# start_ebpf CONF LOG: dauditd in the background, back once it runs with
# the eBPF sensor (its programs loaded and attached).
start_ebpf() {
	# The verifier checks each program at every start: minutes under TCG
	# beside other guests (6.12 is the slower).
	# shellcheck disable=SC2016 # $p is jq's
	start_collector "$1" "$2" \
		'.sensor == "ebpf" and .collector.pid == $p and .collector.state == "running"' 600
}

# later: an hour from now, for daudit events --until (the sensor's
# records may carry a time a little ahead of the shell's).
later() {
	date -u -d "@$(($(date +%s) + 3600))" +%Y-%m-%dT%H:%M:%SZ
}

# reads_of PATH: the stored read events of PATH (JSON array), once at
# least one is there (the ring is read every batch_ms).
reads_of() {
	local _ ev
	for _ in $(seq 50); do
		ev=$(daudit events --type read --limit 0 --format json --until "$(later)" |
			jq -c --arg p "$1" 'map(select(.path == $p))')
		if [ "$(echo "$ev" | jq length)" -gt 0 ]; then
			echo "$ev"
			return 0
		fi
		sleep 0.1
	done
	echo "[]"
}
