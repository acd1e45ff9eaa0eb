#!/usr/bin/env bats
# The rings: whole records, poll, drops counted per CPU and per kind and
# reported inline, and readers never blocked by a slow or absent consumer.

load lib

setup_file() {
	load lib
	unload_module
	# park_max=0: a session's last record that does not fit is dropped at
	# once, as when park_max sessions already wait for room, instead of
	# waiting (sessions.bats tests the wait): these tests are about drops.
	load_module ring_kb=64 park_max=0
	make_dataset
	mkdir -p /srv/customers/many
	for i in $(seq 600); do echo "row $i" >"/srv/customers/many/f$i.csv"; done
	chmod -R a+rX /srv/customers
	load_policy
}

teardown_file() {
	unload_module
}

@test "with no consumer and no room to wait (park_max=0), a full ring drops and counts; readers still finish" {
	drain_records /dev/null
	# 600 sessions, one record each, into 64 KiB rings: most cannot fit.
	# shellcheck disable=SC2016 # the inner shell expands it
	as_user alice bash -c 'for f in /srv/customers/many/f*.csv; do cat "$f" >/dev/null; done'
	st=$(daudit status --format json)
	echo "$st" | jq . >&2
	dropped=$(echo "$st" | jq .dropped)
	[ "$dropped" -gt 0 ]
	# Per CPU and per kind: they add up, and file_read (type 5) is among them.
	[ "$(echo "$st" | jq '[.cpus[].dropped_by_type[]] | add')" -eq "$dropped" ]
	[ "$(echo "$st" | jq '[.cpus[].dropped_by_type[5]] | add')" -gt 0 ]
	drain_records
	jq -c 'select(.event.action == "sequence-gap" or .event.action == "records-lost")' "$RECS" >&2
	# Inline LOST records report exactly what status counted ...
	[ "$(jq -s '[.[] | select(.event.action == "records-lost") | .daudit.lost.count] | add' "$RECS")" -eq "$dropped" ]
	# ... and explain every sequence gap: none is left unexplained.
	[ "$(jq -s '[.[] | select(.event.action == "sequence-gap")] | length' "$RECS")" -eq 0 ]
	# Nothing is lost silently: delivered + lost = every session, exactly.
	got=$(jq -s '[.[] | select(.event.action == "file_read")] | length' "$RECS")
	lost=$(jq -s '[.[] | select(.event.action == "records-lost") | .daudit.lost.by_type.file_read // 0] | add' "$RECS")
	echo "file_read records delivered $got, lost $lost" >&2
	[ $((got + lost)) -eq 600 ]
}

@test "read returns whole records; poll wakes a follower when one arrives" {
	drain_records /dev/null
	coproc MON { exec daudit monitor --follow --count 1 --type file_read; }
	coproc_fds MON "${MON[@]}"
	sleep 1
	as_user alice cat /srv/customers/2026/phones.csv >/dev/null
	read -r -t 30 line <&"$MON_R"
	exec {MON_R}<&- {MON_W}>&-
	echo "$line" | jq -e '.file.path == "/srv/customers/2026/phones.csv"'
	wait || true
}
