#!/usr/bin/env bats
# Declared actors (issue 13, docs/actors.md): an application the policy
# names with `app` declares per thread whom it works for; every protected
# read of that thread is attributed to the actor, with exact bytes per
# actor, and nothing carries an actor it did not declare.

load lib

APP=/usr/local/bin/crm-app     # actor-read, named `app` in the policy
POOL=/usr/local/bin/crm-pool   # actor-pool, named `app` too
OTHER=/usr/local/bin/not-app   # actor-read again: another inode, not named
SOCK=/run/actor-db.sock
FILE=$DATA/accounts.db         # 1,000,000 bytes, protected

# The actor of a record, "-" when it has none.
ACTOR='(.daudit.actor.id // "-")'

setup_file() {
	load lib
	fresh_module
	mkdir -p /usr/local/bin
	cp /opt/daudit/helpers/actor-read "$APP"
	cp /opt/daudit/helpers/actor-pool "$POOL"
	cp /opt/daudit/helpers/actor-read "$OTHER"
	chmod 0755 "$APP" "$POOL" "$OTHER"
	cat >"$POLICY" <<POL
dataset customers {
	tree $DATA
	app $APP
}
dataset db {
	unix $SOCK
	app $POOL
}
POL
	cp "$POLICY" /tmp/actors-full.conf
	load_policy
	start_bg SERVER /opt/daudit/helpers/actor-pool serve "$SOCK"
	chmod 0666 "$SOCK"
}

teardown_file() {
	stop_bg SERVER
	unload_module
}

setup() {
	drain_records /dev/null
}

# A test that fails half-way must not leave the next one without the
# module or with the application dropped from the policy.
teardown() {
	if [ ! -e /sys/module/daudit ]; then
		load_module
		load_policy
	elif [ -e /tmp/actors-noapp.conf ]; then
		daudit policy load /tmp/actors-full.conf
	fi
	rm -f /tmp/actors-noapp.conf
}

# app_as MODE ARGS...: the application, as a daemon account (no login).
app_as() {
	as_daemon daemon "$APP" "$@"
}

# sum_actor ACTOR [EXE]: bytes of the file's records for ACTOR ("-": none).
sum_actor() {
	jq -s --arg a "$1" --arg p "$FILE" --arg e "${2:-}" \
		"[.[] | select(.event.action == \"file_read\" and .file.path == \$p and $ACTOR == \$a
			and (\$e == \"\" or .process.executable == \$e)) | .daudit.bytes] | add // 0" "$RECS"
}

@test "8 threads serve 8 actors over a pool of 4 connections: exact bytes per actor" {
	out=$(as_daemon daemon "$POOL" "$SOCK" 8 40 4 30000)
	echo "$out"
	echo "$out" | grep -qx 'status 1'
	drain_records
	sel=".event.action == \"socket_read\" and .process.executable == \"$POOL\""
	records_where "$sel" | jq -s -c "group_by($ACTOR) | map([(.[0] | $ACTOR), (map(.daudit.bytes) | add), length])"
	for i in $(seq -w 0 7); do
		want=$(echo "$out" | awk -v a="emp-0$i" '$1 == a { print $2 }')
		[ "$want" -gt 0 ]
		got=$(sum_where "$sel and $ACTOR == \"emp-0$i\"")
		echo "emp-0$i: read $want, recorded $got"
		[ "$got" -eq "$want" ]
	done
	# Every byte the pool read was some actor's; each record one actor's,
	# from a connection several actors shared.
	[ "$(records_where "$sel and $ACTOR == \"-\"" | wc -l)" -eq 0 ]
	[ "$(records_where "$sel" | jq -r "$ACTOR" | sort -u | wc -l)" -eq 8 ]
	r=$(records_where "$sel and $ACTOR == \"emp-03\"" | head -n1)
	[ "$(echo "$r" | jq -r .daudit.actor.client.ip)" = 192.0.2.4 ]
	[ "$(echo "$r" | jq -r .daudit.actor.client.port)" = 40003 ]
	[[ "$(echo "$r" | jq -r .daudit.actor.request)" == req-3-* ]]
}

@test "a program the policy does not name is refused: EPERM, counted, alerted" {
	before=$(daudit status --format json | jq .actor_refused)
	out=$(as_daemon daemon "$OTHER" plain emp-01 "$FILE")
	echo "$out"
	echo "$out" | grep -qx 'status=-1'
	drain_records
	[ "$(daudit status --format json | jq .actor_refused)" -eq $((before + 1)) ]
	a=$(records_where '.event.kind == "alert" and .event.action == "actor-refused"')
	echo "$a"
	[ "$(echo "$a" | wc -l)" -eq 1 ]
	echo "$a" | grep -qF "$OTHER"
	# Its reads are recorded, with no actor.
	[ "$(sum_actor - "$OTHER")" -eq 2000000 ]
	[ "$(sum_actor emp-01 "$OTHER")" -eq 0 ]
}

@test "no actor leaks across requests: declared, then cleared, on one descriptor" {
	out=$(app_as plain emp-02 "$FILE")
	echo "$out"
	echo "$out" | grep -qx 'status=1'
	drain_records
	[ "$(sum_actor emp-02)" -eq 1000000 ]
	[ "$(sum_actor -)" -eq 1000000 ]
	r=$(file_records "$FILE" | jq -c "select($ACTOR == \"emp-02\")" | head -n1)
	[ "$(echo "$r" | jq -r .process.executable)" = "$APP" ]
}

@test "two actors on one descriptor are two sessions, bytes exact" {
	out=$(app_as two emp-03 emp-04 "$FILE")
	echo "$out"
	drain_records
	[ "$(sum_actor emp-03)" -eq 500000 ]
	[ "$(sum_actor emp-04)" -eq 500000 ]
	[ "$(sum_actor -)" -eq 0 ]
}

@test "a forked child does not carry its parent's actor" {
	out=$(app_as fork emp-05 "$FILE")
	echo "$out"
	child=$(echo "$out" | sed -n 's/^phase=child .* pid=\([0-9]*\) .*/\1/p')
	drain_records
	[ "$(bytes_for "$FILE" "$child")" -eq 1000000 ]
	[ "$(file_records "$FILE" | jq -c "select(.process.pid == $child and $ACTOR != \"-\")" | wc -l)" -eq 0 ]
	[ "$(sum_actor emp-05)" -eq 1000000 ]
}

@test "exec ends the declaration: the new program carries no actor" {
	out=$(app_as exec emp-06 "$FILE" /opt/daudit/helpers/reader read "$FILE")
	echo "$out"
	drain_records
	[ "$(sum_actor emp-06)" -eq 1000000 ]
	[ "$(sum_actor - /opt/daudit/helpers/reader)" -eq 1000000 ]
}

@test "a thread's exit ends its declaration: the next thread carries none" {
	out=$(app_as thread emp-07 "$FILE")
	echo "$out"
	drain_records
	[ "$(sum_actor emp-07)" -eq 1000000 ]
	[ "$(sum_actor -)" -eq 1000000 ]
	[ "$(daudit status --format json | jq .actor_threads)" -eq 0 ]
}

@test "io_uring reads are the declaring thread's actor's" {
	out=$(app_as uring emp-08 "$FILE")
	echo "$out"
	drain_records
	[ "$(sum_actor emp-08)" -eq 1000000 ]
	[ "$(sum_actor -)" -eq 0 ]
	[ "$(file_records "$FILE" | jq -r '.daudit.read_paths | join(",")' | sort -u)" = io_uring_read ]
}

@test "io_uring reads run by an io-wq worker are the submitting thread's actor's" {
	out=$(ACTOR_URING_ASYNC=1 app_as uring emp-12 "$FILE")
	echo "$out"
	drain_records
	[ "$(sum_actor emp-12)" -eq 1000000 ]
	[ "$(sum_actor -)" -eq 0 ]
}

@test "mmap faults are the declaring thread's actor's" {
	out=$(app_as mmap emp-09 "$FILE")
	echo "$out"
	drain_records
	n=$(file_records "$FILE" | jq -s "[.[] | select($ACTOR == \"emp-09\") | .daudit.mmap_bytes] | add // 0")
	echo "mapped bytes recorded for emp-09: $n"
	[ "$n" -ge 1000000 ]
	[ "$(file_records "$FILE" | jq -c "select($ACTOR == \"-\")" | wc -l)" -eq 0 ]
}

@test "a policy reload that drops the application stops its declarations at once" {
	coproc APPW { app_as wait emp-10 "$FILE"; }
	pid=$APPW_PID
	coproc_fds APPW "${APPW[@]}"
	read -r line <&"$APPW_R"
	echo "$line" | grep -qx 'status=1'
	read -r line <&"$APPW_R"
	read -r line <&"$APPW_R"
	[ "$line" = ready ]
	[ "$(daudit status --format json | jq .actor_threads)" -eq 1 ]
	grep -v "app $APP" /tmp/actors-full.conf >/tmp/actors-noapp.conf
	daudit policy load /tmp/actors-noapp.conf
	[ "$(daudit status --format json | jq .actor_threads)" -eq 0 ]
	echo go >&"$APPW_W"
	cat <&"$APPW_R"
	exec {APPW_R}<&- {APPW_W}>&-
	wait "$pid"
	daudit policy load /tmp/actors-full.conf
	rm /tmp/actors-noapp.conf
	drain_records
	[ "$(sum_actor emp-10)" -eq 1000000 ]
	[ "$(sum_actor -)" -eq 1000000 ]
}

@test "a declaring application does not keep the module from unloading" {
	coproc APPW { app_as wait emp-11 "$FILE"; }
	pid=$APPW_PID
	coproc_fds APPW "${APPW[@]}"
	read -r line <&"$APPW_R"
	echo "$line" | grep -qx 'status=1'
	read -r line <&"$APPW_R"
	read -r line <&"$APPW_R"
	[ "$line" = ready ]
	[ "$(daudit status --format json | jq .actor_threads)" -eq 1 ]
	rmmod daudit
	# The application keeps serving without the module.
	echo go >&"$APPW_W"
	out=$(cat <&"$APPW_R")
	exec {APPW_R}<&- {APPW_W}>&-
	echo "$out"
	wait "$pid"
	echo "$out" | grep -q '^phase=after actor=emp-11 bytes=1000000 '
	load_module
	load_policy
	[ "$(daudit status --format json | jq .actor_threads)" -eq 0 ]
}

@test "the kernel log stays clean" {
	check_dmesg_clean
}
