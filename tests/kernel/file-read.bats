#!/usr/bin/env bats
# Every read path of a protected file yields records with exact bytes,
# attributed to the process and the login user behind it.

load lib

setup_file() {
	load lib
	fresh_module
	load_policy
}

teardown_file() {
	unload_module
}

setup() {
	drain_records /dev/null # start each test with an empty ring
}

# check_path MODE [ARGS]: read customers.csv as alice through MODE; the
# records must add up to exactly what the reader got, name the read path,
# and be attributed to alice's login session.
check_path() {
	local mode=$1 paths=$2 f=$DATA/customers.csv n
	shift 2
	n=$(read_as alice "$mode" "$f" "$@")
	[ "$n" -eq 100000 ]
	drain_records
	cat "$RECS" >&2
	[ "$(bytes_for "$f")" -eq "$n" ]
	[ "$(field_of "$f" '.user.audit.id')" = 1001 ]
	[ "$(field_of "$f" '.daudit.read_paths | join(",")')" = "$paths" ]
}

@test "read(2): exact bytes, login user, process and dataset" {
	f=$DATA/customers.csv
	n=$(read_as alice read "$f")
	drain_records
	cat "$RECS" >&2
	[ "$(bytes_for "$f")" -eq "$n" ]
	[ "$(file_records "$f" | wc -l)" -eq 1 ]
	r=$(file_records "$f")
	[ "$(echo "$r" | jq -r '.user.id')" = 1001 ]
	[ "$(echo "$r" | jq -r '.user.name')" = alice ]
	[ "$(echo "$r" | jq -r '.user.audit.id')" = 1001 ]
	[ "$(echo "$r" | jq -r '.user.audit.name')" = alice ]
	[ "$(echo "$r" | jq -r '.process.name')" = reader ]
	[ "$(echo "$r" | jq -r '.process.executable')" = /opt/daudit/helpers/reader ]
	[ "$(echo "$r" | jq -r '.daudit.dataset')" = customers ]
	# 24 full 4 KiB reads and one of 1696 bytes; the read at EOF returns 0.
	[ "$(echo "$r" | jq -r '.daudit.calls')" -eq 25 ]
	[ "$(echo "$r" | jq -r '.daudit.offset.min')" -eq 0 ]
	[ "$(echo "$r" | jq -r '.daudit.offset.max')" -eq 100000 ]
	[ "$(echo "$r" | jq -r '.daudit.session.final')" = true ]
	[ "$(echo "$r" | jq -r '.event.reason')" = close ]
}

@test "pread64(2)" {
	check_path pread pread
}

@test "readv(2)" {
	check_path readv readv
}

@test "preadv(2)" {
	check_path preadv preadv
}

@test "preadv2(2)" {
	check_path preadv2 preadv2
}

@test "sendfile(2) from a protected file to a socket" {
	check_path sendfile-sock sendfile
}

@test "sendfile(2) from a protected file to a file" {
	check_path sendfile-file sendfile /tmp/sendfile.out
}

@test "splice(2) from a protected file into a pipe" {
	check_path splice splice
}

@test "copy_file_range(2)" {
	check_path copy copy_file_range /srv/public/out/copy.out
}

@test "io_uring IORING_OP_READ" {
	n=$(as_user alice uring-read read "$DATA/customers.csv" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	[ "$n" -eq 100000 ]
	drain_records
	[ "$(bytes_for "$DATA/customers.csv")" -eq "$n" ]
	[ "$(field_of "$DATA/customers.csv" '.daudit.read_paths | join(",")')" = io_uring_read ]
	[ "$(field_of "$DATA/customers.csv" '.user.audit.id')" = 1001 ]
}

@test "io_uring IORING_OP_READV" {
	n=$(as_user alice uring-read readv "$DATA/customers.csv" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	drain_records
	[ "$(bytes_for "$DATA/customers.csv")" -eq "$n" ]
	[ "$(field_of "$DATA/customers.csv" '.daudit.read_paths | join(",")')" = io_uring_readv ]
}

@test "io_uring IORING_OP_READ_FIXED" {
	n=$(as_user alice uring-read fixed "$DATA/customers.csv" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	drain_records
	[ "$(bytes_for "$DATA/customers.csv")" -eq "$n" ]
	[ "$(field_of "$DATA/customers.csv" '.daudit.read_paths | join(",")')" = io_uring_read_fixed ]
}

@test "io_uring read on a registered (fixed) file" {
	n=$(as_user alice uring-read fixedfile "$DATA/customers.csv" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	drain_records
	[ "$(bytes_for "$DATA/customers.csv")" -eq "$n" ]
}

@test "mmap: the mapping and the pages faulted in" {
	f=$DATA/customers.csv
	n=$(read_as alice mmap "$f")
	drain_records
	cat "$RECS" >&2
	r=$(file_records "$f" | jq -s '{len: (map(.daudit.mmap_len) | add), faulted: (map(.daudit.mmap_bytes) | add)}')
	echo "$r"
	[ "$(echo "$r" | jq .len)" -eq "$n" ]
	# Every page of the file is mapped once: 100000 bytes = 25 pages.
	[ "$(echo "$r" | jq .faulted)" -eq $((25 * 4096)) ]
	[ "$(field_of "$f" '.daudit.read_paths | join(",")')" = mmap ]
}

@test "a descriptor passed over SCM_RIGHTS is attributed to the process that reads" {
	f=$DATA/customers.csv
	out=$(as_user alice reader fdpass "$f")
	pid=$(echo "$out" | sed -n 's/.*pid=\([0-9]*\).*/\1/p')
	n=$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	drain_records
	cat "$RECS" >&2
	[ "$(bytes_for "$f" "$pid")" -eq "$n" ]
	[ "$(bytes_for "$f")" -eq "$n" ]
}

@test "reads of unprotected files produce no record" {
	as_user alice reader read /srv/public/readme.txt
	as_user alice reader mmap /srv/public/readme.txt
	as_user alice uring-read read /srv/public/readme.txt
	drain_records
	run jq -s '[.[] | select(.event.action == "file_read")] | length' "$RECS"
	[ "$output" -eq 0 ]
}

@test "a daemon without a login session is reported with audit id unset, never 0" {
	f=$DATA/2026/phones.csv
	as_daemon bob reader read "$f"
	drain_records
	[ "$(field_of "$f" '.user.id')" = 1002 ]
	[ "$(field_of "$f" '.user.audit.id')" = unset ]
	[ "$(field_of "$f" '.daudit.login_session')" = unset ]
}

@test "every record carries the full attribution" {
	f=$DATA/2026/phones.csv
	read_as carol read "$f" >/dev/null
	drain_records
	r=$(file_records "$f" | head -n1)
	echo "$r" | jq . >&2
	for k in .process.pid .process.thread.id .process.parent.pid .user.id .user.group.id \
		.user.effective.id .daudit.fsuid .user.audit.id .daudit.login_session .process.name \
		.daudit.cgroup_id .daudit.mnt_ns .daudit.pid_ns .file.inode .file.device \
		.daudit.dataset .daudit.session.id '."@timestamp"' .event.start .event.end; do
		v=$(echo "$r" | jq -r "$k")
		[ -n "$v" ] && [ "$v" != null ] || { echo "missing $k"; return 1; }
	done
	[ "$(echo "$r" | jq -r .file.inode)" = "$(stat -c %i "$f")" ]
	[ "$(echo "$r" | jq -r .file.path)" = "$f" ]
}

@test "a 32-bit (ia32) program's reads are recorded too" {
	f=$DATA/customers.csv
	n=$(as_user alice reader32 read "$f" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	[ "$n" -eq 100000 ]
	m=$(as_user alice reader32 pread "$f" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	drain_records
	cat "$RECS" >&2
	[ "$(bytes_for "$f")" -eq $((n + m)) ]
	[ "$(file_records "$f" | jq -r '.daudit.read_paths | join(",")' | sort | tr '\n' ' ')" = "pread read " ]
}

# Issue 18: what the person typed, not only the executable.  busybox's
# applets all run /bin/busybox, which is what evidence showed before.
@test "records carry the command line: busybox tar shows as tar, a long one is cut at 512 bytes, an exec brings the new one" {
	f=$DATA/customers.csv
	as_user alice tar cf - "$f" | cat >/dev/null
	nulls=()
	for _ in $(seq 60); do nulls+=(/dev/null); done
	as_user alice cat "$f" "${nulls[@]}" >/dev/null
	# sh reads the file itself (the builtin read), then becomes the
	# reader (a real exec: busybox may run its own applets without one).
	# shellcheck disable=SC2016 # sh expands them
	as_user alice sh -c 'read -r x <"$1"; exec reader read "$1"' sh "$f" >/dev/null
	drain_records
	jq -c 'select(.event.dataset == "daudit.process")' "$RECS" >&2

	# tar: the executable is busybox, the command line says tar.
	r=$(file_records "$f" | jq -c 'select(.process.name == "tar")' | head -n1)
	[ "$(echo "$r" | jq -r .process.executable)" = /bin/busybox ]
	[ "$(echo "$r" | jq -r .process.command_line)" = "tar cf - $f" ]

	# cat with 60 more arguments: 623 bytes, cut at 512 and marked.
	p=$(jq -c --arg f "$f" 'select(.event.dataset == "daudit.process" and
		.process.args[0] == "cat" and .process.args[1] == $f and
		.process.args_count > 2)' "$RECS" | head -n1)
	line=$(echo "$p" | jq -r .process.command_line)
	[[ $line == "cat $f /dev/null /dev/null "* ]]
	[[ $line == *" [truncated]" ]]
	# The arguments kept, with their NULs, are exactly 512 bytes (the
	# last NUL not counted), the last one cut short.
	[ "$(echo "$p" | jq -r '.process.args | join(" ") | length')" -eq 511 ] ||
		[ "$(echo "$p" | jq -r '.process.args | join(" ") | length')" -eq 512 ]
	[ "$(echo "$p" | jq -r '.process.args | length')" -eq "$(echo "$p" | jq -r .process.args_count)" ]

	# The exec: sh first seen with its own words, then the reader's.
	sh_pid=$(jq -r 'select(.event.action == "process-seen" and
		.process.args[0] == "sh" and .process.args[1] == "-c") | .process.pid' "$RECS" | head -n1)
	[ -n "$sh_pid" ]
	[ "$(jq -r --argjson p "$sh_pid" 'select(.event.action == "process-seen" and
		.process.pid == $p) | .process.command_line' "$RECS" | head -n1)" = "sh -c 'read -r x <\"\$1\"; exec reader read \"\$1\"' sh $f" ]
	[ "$(jq -r --argjson p "$sh_pid" 'select(.event.action == "process-exec" and
		.process.pid == $p) | .process.command_line' "$RECS")" = "reader read $f" ]
}
