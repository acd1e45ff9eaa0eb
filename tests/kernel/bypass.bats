#!/usr/bin/env bats
# Protection follows the object, not the spelling of its path: none of the
# usual ways around a path-based rule escapes it.

load lib

F=/srv/customers/customers.csv
# A directory name of 200 bytes: 24 of them nest deeper than PATH_MAX.
LONG=$(printf 'd%.0s' $(seq 200))

setup_file() {
	load lib
	fresh_module
	# A hard link made before the policy exists, outside the tree.
	ln -f "$DATA/accounts.db" /srv/public/early-link.db
	load_policy
}

# remove_deep: the chain below $DATA/deep, taken down one relative step
# at a time (no path to it fits in PATH_MAX, and the suites after this
# one run chmod -R over /srv).
remove_deep() {
	[ -d "$DATA/deep" ] || return 0
	(
		cd -P "$DATA/deep" || exit 1
		depth=0
		while [ -d "$LONG" ]; do
			cd -P "$LONG" || exit 1
			depth=$((depth + 1))
		done
		rm -f f.csv
		while [ "$depth" -gt 0 ]; do
			cd -P .. && rmdir "$LONG" || exit 1
			depth=$((depth - 1))
		done
	)
	rmdir "$DATA/deep"
}

teardown_file() {
	remove_deep
	umount /mnt/bound 2>/dev/null || true
	for m in data opt lib lib64 usr; do umount "/tmp/jail/$m" 2>/dev/null || true; done
	unload_module
}

setup() {
	drain_records /dev/null
}

# expect_read PATH-READ CANONICAL: a read of PATH-READ as alice is recorded
# against CANONICAL with exact bytes.
expect_read() {
	local n
	n=$(read_as alice read "$1")
	drain_records
	cat "$RECS" >&2
	[ "$n" -gt 0 ]
	[ "$(bytes_for "$2")" -eq "$n" ]
	[ "$(field_of "$2" .daudit.dataset)" = customers ]
}

@test "a symlink into the tree" {
	ln -sf "$F" /tmp/link.csv
	ln -sfn /srv/customers /tmp/linkdir
	expect_read /tmp/link.csv "$F"
	expect_read /tmp/linkdir/2026/phones.csv "$DATA/2026/phones.csv"
}

@test "the tree bind-mounted elsewhere" {
	mkdir -p /mnt/bound
	mount --bind /srv/customers /mnt/bound
	expect_read /mnt/bound/customers.csv "$F"
	umount /mnt/bound
}

@test "relative paths after chdir" {
	cd /srv/customers/2026
	expect_read ./phones.csv "$DATA/2026/phones.csv"
	expect_read ../customers.csv "$F"
}

@test "a file renamed inside the tree is still protected, under its new name" {
	cp "$DATA/2026/phones.csv" "$DATA/moving.csv"
	chmod a+r "$DATA/moving.csv"
	exec 8<"$DATA/moving.csv"
	mv "$DATA/moving.csv" "$DATA/2026/moved.csv"
	expect_read "$DATA/2026/moved.csv" "$DATA/2026/moved.csv"
	exec 8<&-
}

@test "re-opening through /proc/self/fd/N" {
	exec 8<"$F"
	n=$(as_user alice bash -c 'reader read /proc/self/fd/8' | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	exec 8<&-
	drain_records
	[ "$(bytes_for "$F")" -eq "$n" ]
}

@test "a hard link made outside the tree: the link is an alert and its reads are caught" {
	rm -f /srv/public/hl.csv
	as_user mallory true # mallory exists
	ln "$F" /srv/public/hl.csv
	drain_records
	cat "$RECS" >&2
	a=$(jq -c 'select(.event.action == "hardlink-protected-file")' "$RECS")
	[ -n "$a" ]
	[ "$(echo "$a" | jq -r .event.kind)" = alert ]
	[ "$(echo "$a" | jq -r .file.path)" = "$F" ]
	[ "$(echo "$a" | jq -r .daudit.link_path)" = /srv/public/hl.csv ]
	[ "$(echo "$a" | jq -r .daudit.dataset)" = customers ]
	# Reads through the new name count as reads of the protected file.
	expect_read /srv/public/hl.csv "$F"
}

# expect_move_alert OLD NEW: the drained records hold one alert, by alice,
# for the protected OLD moved out of its tree to NEW.
expect_move_alert() {
	local a
	a=$(jq -c 'select(.event.action == "rename-protected-file")' "$RECS")
	[ "$(echo "$a" | wc -l)" -eq 1 ]
	[ "$(echo "$a" | jq -r .event.kind)" = alert ]
	[ "$(echo "$a" | jq -r .file.path)" = "$1" ]
	[ "$(echo "$a" | jq -r .daudit.link_path)" = "$2" ]
	[ "$(echo "$a" | jq -r .user.audit.id)" = "$(uid_of alice)" ]
}

@test "a protected file moved out of the tree stays protected, and the move is an alert" {
	# alice may write a directory of the tree; the target is world-writable.
	mkdir -p "$DATA/drop"
	head -c 30000 /dev/urandom >"$DATA/drop/moved.csv"
	chown -R alice "$DATA/drop"
	rm -f /srv/public/out/moved.csv
	drain_records /dev/null
	as_user alice mv "$DATA/drop/moved.csv" /srv/public/out/moved.csv
	n=$(read_as alice read /srv/public/out/moved.csv)
	as_user alice mv /srv/public/out/moved.csv "$DATA/drop/moved.csv"
	drain_records
	cat "$RECS" >&2
	expect_move_alert "$DATA/drop/moved.csv" /srv/public/out/moved.csv
	# The read under the new name is a read of the protected file.
	[ "$n" -eq 30000 ]
	[ "$(bytes_for "$DATA/drop/moved.csv")" -eq 30000 ]
	[ "$(field_of "$DATA/drop/moved.csv" .daudit.dataset)" = customers ]
}

@test "a directory moved out of the tree keeps its files protected, and the move is an alert" {
	mkdir -p "$DATA/drop/sub/deeper"
	head -c 25000 /dev/urandom >"$DATA/drop/sub/deeper/f.csv"
	chown -R alice "$DATA/drop"
	rm -rf /srv/public/out/sub
	drain_records /dev/null
	as_user alice mv "$DATA/drop/sub" /srv/public/out/sub
	n=$(read_as alice read /srv/public/out/sub/deeper/f.csv)
	# Moved back: inside its tree again, no alert.
	as_user alice mv /srv/public/out/sub "$DATA/drop/sub"
	drain_records
	cat "$RECS" >&2
	expect_move_alert "$DATA/drop/sub" /srv/public/out/sub
	# The read below the moved directory is a read of the protected file,
	# under its protected path.
	[ "$n" -eq 25000 ]
	[ "$(bytes_for "$DATA/drop/sub/deeper/f.csv")" -eq 25000 ]
	[ "$(field_of "$DATA/drop/sub/deeper/f.csv" .daudit.dataset)" = customers ]
	rm -rf "$DATA/drop/sub"
}

@test "a hard link made outside the tree, then the original name removed: reads are still caught" {
	mkdir -p "$DATA/drop"
	head -c 20000 /dev/urandom >"$DATA/drop/orig.csv"
	chown -R alice "$DATA/drop"
	rm -f /srv/public/out/keep.csv
	as_user alice ln "$DATA/drop/orig.csv" /srv/public/out/keep.csv
	as_user alice rm "$DATA/drop/orig.csv"
	drain_records /dev/null
	n=$(read_as alice read /srv/public/out/keep.csv)
	drain_records
	cat "$RECS" >&2
	[ "$n" -eq 20000 ]
	[ "$(bytes_for "$DATA/drop/orig.csv")" -eq 20000 ]
	[ "$(field_of "$DATA/drop/orig.csv" .daudit.dataset)" = customers ]
}

@test "a hard link made before the policy was loaded is caught too" {
	expect_read /srv/public/early-link.db "$DATA/accounts.db"
}

@test "a new mount namespace (unshare -m)" {
	n=$(unshare -m bash -c '
		mount --bind /srv/customers /mnt 2>/dev/null || exit 1
		. /opt/daudit/tests/lib.bash
		read_as alice read /mnt/customers.csv')
	drain_records
	[ "$(bytes_for "$F")" -eq "$n" ]
	[ "$(field_of "$F" .daudit.mnt_ns)" != "$(stat -L -c %i /proc/self/ns/mnt)" ]
}

@test "a chroot" {
	for m in opt lib lib64 usr data; do mkdir -p "/tmp/jail/$m"; done
	mount --bind /srv/customers /tmp/jail/data
	for m in opt lib lib64 usr; do mount --bind "/$m" "/tmp/jail/$m"; done
	# chroot needs CAP_SYS_CHROOT: enter as root, then become alice inside.
	n=$(bash -c 'echo 1001 >/proc/self/loginuid && exec chroot /tmp/jail \
		/usr/bin/setpriv --reuid=1001 --regid=1001 --clear-groups --inh-caps=-all -- \
		/opt/daudit/helpers/reader read /data/customers.csv' |
		sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	for m in data opt lib lib64 usr; do umount "/tmp/jail/$m"; done
	drain_records
	cat "$RECS" >&2
	[ "$n" -eq 100000 ]
	[ "$(bytes_for "$F")" -eq "$n" ]
}

# alert ACTION: the drained records' alerts of that action, one per line.
alerts() {
	jq -c --arg a "$1" 'select(.event.kind == "alert" and .event.action == $a)' "$RECS"
}

@test "root: a login uid rewritten after the session began is an alert naming both" {
	# A login as alice, then a process with CAP_AUDIT_CONTROL claims bob.
	bash -c 'echo 1001 >/proc/self/loginuid && echo 1002 >/proc/self/loginuid &&
		exec reader read /srv/customers/customers.csv' >/dev/null
	drain_records
	cat "$RECS" >&2
	a=$(alerts loginuid-changed)
	[ "$(echo "$a" | wc -l)" -eq 1 ]
	[ "$(echo "$a" | jq -r .daudit.previous.audit.id)" = 1001 ]
	[ "$(echo "$a" | jq -r .daudit.previous.audit.name)" = alice ]
	[ "$(echo "$a" | jq -r .user.audit.id)" = 1002 ]
	# Setting it once, from unset, is a login: no alert.
	drain_records /dev/null
	bash -c 'echo 1003 >/proc/self/loginuid'
	drain_records
	[ -z "$(alerts loginuid-changed)" ]
}

@test "root: kprobes disarmed through debugfs is an alert" {
	grep -q ' /sys/kernel/debug ' /proc/mounts ||
		mount -t debugfs debugfs /sys/kernel/debug
	echo 0 >/sys/kernel/debug/kprobes/enabled
	# Arming them again is not seen: the probe on that file is disarmed too.
	echo 1 >/sys/kernel/debug/kprobes/enabled
	[ "$(cat /sys/kernel/debug/kprobes/enabled)" = 1 ]
	drain_records
	cat "$RECS" >&2
	a=$(alerts kprobes-toggled)
	[ "$(echo "$a" | jq -r .daudit.kprobes.written)" = 0 ]
	[ "$(echo "$a" | jq -r .user.id)" = 0 ]
}

@test "a file deeper than PATH_MAX inside the tree is protected; its path keeps the root and the last names" {
	# 24 directories of 200 characters: 4,824 bytes of path below the
	# root, built and walked one relative step at a time.
	mkdir -p "$DATA/deep"
	(
		cd -P "$DATA/deep" || exit 1
		for _ in $(seq 24); do mkdir "$LONG" && cd -P "$LONG" || exit 1; done
		head -c 12345 /dev/urandom >f.csv
	)
	drain_records /dev/null
	# shellcheck disable=SC2016 # the inner shell expands it
	out=$(as_user alice bash -c 'cd /srv/customers/deep || exit 1
		for _ in $(seq 24); do cd -P "$1" || exit 1; done
		exec reader read f.csv' _ "$LONG")
	echo "$out"
	n=$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	[ "$n" -eq 12345 ]
	drain_records
	r=$(jq -c 'select(.event.action == "file_read" and .process.name == "reader")' "$RECS")
	echo "$r" | jq -c '{path: (.file.path | .[0:40] + "..." + .[-40:]), bytes: .daudit.bytes}' >&2
	[ "$(echo "$r" | jq -s 'map(.daudit.bytes) | add')" -eq 12345 ]
	[ "$(echo "$r" | jq -r .daudit.dataset | sort -u)" = customers ]
	p=$(echo "$r" | jq -r .file.path | head -n1)
	case $p in /srv/customers/.../*/f.csv) ;; *) echo "path: $p" >&2; false ;; esac
	[ "${#p}" -lt 4096 ]
	remove_deep
	[ ! -e "$DATA/deep" ]
	# What later suites do to /srv still works.
	chmod -R a+rX /srv
}
