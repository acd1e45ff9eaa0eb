#!/usr/bin/env bats
# vm-suite-timeout: 1500
# The eBPF sensor (bpf/, docs/ebpf.md), with daudit.ko not loaded: its
# programs pass this kernel's verifier and attach; dauditd records reads
# of a protected file through read, pread64, readv, preadv and preadv2,
# and copies out of it by sendfile, splice and copy_file_range, as one
# session each with the exact bytes and the reader's uid and login uid,
# and nothing for an unprotected file or a splice into a protected one;
# reads from a protected unix socket and TCP and UDP endpoints by read,
# readv, recv, recvmsg, recvmmsg and splice as one socket session each with the
# exact bytes and the peer, and nothing from an unprotected TCP port;
# io_uring reads of files (READ, READV, READ_FIXED, SPLICE, with
# IOSQE_CQE_SKIP_SUCCESS, overflowing, polled, run by an io-wq worker or
# submitted by an SQPOLL thread) and of sockets (RECV, RECVMSG, READ,
# multishot) as the submitter's sessions
# with the exact bytes and the io_uring read paths, and nothing for an
# unprotected file or port; legacy AIO reads (PREAD, PREADV, O_DIRECT
# completed in an interrupt or a loop worker) as the submitter's
# sessions, read path aio;
# the same read calls by a 32-bit program;
# mmap: the mapping's length and every page of the file mapped, by
# faults, by PMD entries of huge pages and by userfaultfd's UFFDIO_CONTINUE;
# reads through a descriptor another thread swaps meanwhile; interim
# records by bytes and by age, and a last record of every open
# session at dauditd's stop;
# a full ring buffer is counted
# as lost records, never lost silently; daudit status shows the sensor's
# counters (reads, bytes, drops) exactly; and loading without CAP_BPF or
# CAP_PERFMON says which is missing.

load lib

F=/srv/customers/customers.csv		# 100,000 bytes
P=/srv/public/readme.txt		# not protected
THP=/srv/e-thp				# a tmpfs of huge pages, protected
# Declared actors (docs/actors.md): actor-read and actor-pool as
# applications the policy names with `app`, and actor-read again as a
# program it does not name (another inode); the pool's database socket.
E_APP=/usr/local/bin/e-crm-app
E_POOL=/usr/local/bin/e-crm-pool
E_OTHER=/usr/local/bin/e-not-app
E_SOCK=/run/e-actor-db.sock
# A trusted reader (policy `reader`): the reader helper copied, for its
# own dataset's file.
E_TRUSTED=/usr/local/bin/e-trusted
ET=/srv/e-trust/t.bin			# 100,000 bytes, dataset trustds

# reads_by_pid PATH PID: the stored read events of PATH by process PID
# (JSON array), once at least one is there.
reads_by_pid() {
	local _ ev
	for _ in $(seq 50); do
		ev=$(reads_of "$1" | jq -c --argjson p "$2" 'map(select(.pid == $p))')
		[ "$(echo "$ev" | jq length)" -ge 1 ] && break
		sleep 0.1
	done
	echo "$ev"
}

# check_copy MODE PATHS OFF [ARGS]: alice copies F from offset OFF to its
# end with the reader's MODE (ARGS after F); her process has exactly one
# session record of F: the bytes it moved, the read path PATHS, the offset
# range [OFF, 100000), her uid and login uid, the dataset, ended at close.
check_copy() {
	local mode=$1 paths=$2 off=$3 out n pid ev alice
	shift 3
	alice=$(uid_of alice)
	[ -n "$alice" ]
	out=$(as_user alice reader "$mode" "$F" "$@")
	echo "$mode: $out"
	n=$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	pid=$(echo "$out" | sed -n 's/.* pid=\([0-9]*\)$/\1/p')
	[ "$n" -eq $((100000 - off)) ]
	ev=$(reads_by_pid "$F" "$pid")
	echo "$ev" | jq -c '.[] | {pid, bytes, calls, paths, off_min, off_max, uid, auid, login_user, end_reason, final}'
	[ "$(echo "$ev" | jq length)" -eq 1 ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.bytes) \(.paths) \(.off_min) \(.off_max)"')" = "$n $paths $off 100000" ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.uid) \(.auid) \(.login_user) \(.dataset) \(.end_reason) \(.final)"')" = "$alice $alice alice customers close 1" ]
	[ "$(echo "$ev" | jq -r '.[0].exe')" = "$(command -v reader)" ]
}

# whole_read FILE OUT PATHS DS COMM PROG: OUT is what PROG printed
# ("bytes=N pid=P") after reading the whole of FILE, which the caller
# compared; PROG's process has exactly one session record of FILE: the
# bytes, the read path PATHS, alice's uid and login uid, dataset DS, the
# program's name COMM (PID replaced by the pid) and executable, ended at
# its exit (the program leaves FILE open).
whole_read() {
	local f=$1 out=$2 paths=$3 ds=$4 comm=$5 prog=$6 n pid ev alice
	alice=$(uid_of alice)
	[ -n "$alice" ]
	n=$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	pid=$(echo "$out" | sed -n 's/.* pid=\([0-9]*\)$/\1/p')
	[ "$n" -eq "$(stat -c %s "$f")" ]
	ev=$(reads_by_pid "$f" "$pid")
	echo "$ev" | jq -c '.[] | {pid, comm, bytes, calls, paths, uid, auid, login_user, dataset, end_reason, final}'
	[ "$(echo "$ev" | jq length)" -eq 1 ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.bytes) \(.paths)"')" = "$n $paths" ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.uid) \(.auid) \(.login_user) \(.dataset) \(.end_reason) \(.final)"')" = "$alice $alice alice $ds exit 1" ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.comm) \(.exe)"')" = "${comm//PID/$pid} $(command -v "$prog")" ]
}

# check_uring MODE PATHS FILE [ENV...]: alice reads the whole of FILE
# (protected, dataset customers unless DS is set) with uring-read MODE,
# ENV (VAR=VALUE) in its environment, into /tmp/e-uring.out; she obtained
# FILE, and whole_read holds: read path PATHS, the program's name and
# executable (never an io-wq worker's or a kernel thread's; with
# URING_COMM set, that name, PID replaced by the pid).  What uring-read
# printed is in $URING_OUT.
check_uring() {
	local mode=$1 paths=$2 f=$3
	shift 3
	URING_OUT=$(as_user alice env "$@" uring-read "$mode" "$f" /tmp/e-uring.out)
	echo "$mode: $URING_OUT"
	cmp "$f" /tmp/e-uring.out
	whole_read "$f" "$URING_OUT" "$paths" "${DS:-customers}" "${URING_COMM:-uring-read}" uring-read
}

# socket_reads SEL: the stored socket_read events for which the jq
# expression SEL holds (JSON array), once at least one is there.
socket_reads() {
	local _ ev
	for _ in $(seq 50); do
		ev=$(daudit events --type socket_read --limit 0 --format json --until "$(later)" |
			jq -c "map(select($1))")
		[ "$(echo "$ev" | jq length)" -gt 0 ] && break
		sleep 0.1
	done
	echo "$ev"
}

# net_get KIND ADDR MODE: alice's netpeer reads from ADDR with MODE;
# prints the bytes it received and its pid.
net_get() {
	local out
	out=$(as_user alice netpeer get "$@")
	echo "$3: $out" >&2
	echo "$out" | sed -n 's/^bytes=\([0-9]*\) pid=\([0-9]*\)$/\1 \2/p'
}

# check_sock KIND ADDR MODE PATHS PEER [EXTRA]: alice reads the whole of
# /srv/rows.bin (200,000 bytes) from the server at ADDR with netpeer's
# MODE; her process has exactly one socket session record: the bytes,
# the read path PATHS, the protected peer PEER as the collector stores it
# (the unix path, or ADDR:PORT/PROTO), her uid and login uid, dataset db,
# ended at close; and the stored extra (the unix server's pid and uid) is
# EXTRA if given.
check_sock() {
	local paths=$4 peer=$5 extra=${6:-} n pid ev alice
	alice=$(uid_of alice)
	[ -n "$alice" ]
	read -r n pid < <(net_get "$1" "$2" "$3")
	[ "$n" -eq 200000 ]
	ev=$(socket_reads ".pid == $pid")
	echo "$ev" | jq -c '.[] | {pid, path, extra, bytes, calls, paths, uid, auid, login_user, dataset, end_reason, final}'
	[ "$(echo "$ev" | jq length)" -eq 1 ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.bytes) \(.paths) \(.path)"')" = "$n $paths $peer" ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.uid) \(.auid) \(.login_user) \(.dataset) \(.end_reason) \(.final)"')" = "$alice $alice alice db close 1" ]
	[ -z "$extra" ] || [ "$(echo "$ev" | jq -r '.[0].extra')" = "$extra" ]
}

# stop_ebpf: SIGTERM to the dauditd of this file (started by setup_file,
# so not a child of this test's shell), back once it is gone.
stop_ebpf() {
	local pid _
	pid=$(cat "$BATS_FILE_TMPDIR/pid")
	kill -TERM "$pid" 2>/dev/null || return 0
	for _ in $(seq 200); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "dauditd $pid did not stop" >&2
	return 1
}

# The debug kernel (issue 19) is built without debug info, so without
# BTF: the sensor cannot load there, by design (docs/testing.md).  Each
# test then skips by name (setup), and nothing is set up or torn down.
have_btf() {
	[ -e /sys/kernel/btf/vmlinux ]
}

setup() {
	have_btf || skip "no BTF in this kernel (/sys/kernel/btf/vmlinux): the eBPF sensor needs it"
}

setup_file() {
	have_btf || return 0
	load lib
	unload_module
	make_dataset
	# The descriptor-swap tests' file (its own: other tests count reads of
	# accounts.db).
	head -c 1000000 /dev/urandom >"$DATA/e-swap.bin"
	chmod a+r "$DATA/e-swap.bin"
	# Made before the load: the loader's link scan protects its inode.
	ln -f "$DATA/accounts.db" /srv/public/e-hl.db
	# An xfs on a device with poll queues (null_blk, memory-backed), for
	# polled io_uring rings (6.12 refuses them on a device that cannot
	# poll), as coverage.bats makes it.
	modprobe -a xfs ext4 loop
	rmmod null_blk 2>/dev/null || true
	modprobe null_blk nr_devices=1 queue_mode=2 poll_queues=1 memory_backed=1 gb=1 bs=4096
	mkfs.xfs -q -f /dev/nullb0
	mkdir -p /srv/e-polled
	mount /dev/nullb0 /srv/e-polled
	mkdir -p /srv/e-polled/prot /srv/e-polled/pub
	chmod 1777 /srv/e-polled/pub
	head -c 1048576 /dev/urandom >/srv/e-polled/prot/direct.bin
	chmod a+r /srv/e-polled/prot/direct.bin
	# And an ext4 on a loop device, which cannot poll: a polled read
	# there is completed by the loop device's worker, outside the reader.
	truncate -s 32M /tmp/e-loop.img
	mkfs.ext4 -q -F /tmp/e-loop.img
	mkdir -p /srv/e-loop
	mount -o loop /tmp/e-loop.img /srv/e-loop
	mkdir -p /srv/e-loop/prot
	head -c 1048576 /dev/urandom >/srv/e-loop/prot/direct.bin
	chmod a+r /srv/e-loop/prot/direct.bin
	# A tmpfs whose files are huge folios (plain where the kernel has no
	# THP), as coverage.bats makes it: 4 MiB + 3 bytes, two PMDs and a
	# tail; and a small file for userfaultfd.
	mkdir -p "$THP"
	huge=huge=always,
	have_thp || huge=
	mount -t tmpfs -o "${huge}size=64m,mode=0755" e-thp "$THP"
	head -c 4194307 /dev/urandom >"$THP/big.bin"
	head -c 100003 /dev/urandom >"$THP/small.bin"
	head -c 4096 /dev/urandom >"$THP/marker.bin"
	chmod a+r "$THP"/*.bin
	cat >>"$POLICY" <<POL
dataset polled {
	tree /srv/e-polled/prot
	tree /srv/e-loop/prot
}
dataset hugepages {
	tree /srv/e-thp
}
dataset db {
	unix /run/db.sock
	tcp 127.0.0.1 port 5555
	udp 127.0.0.0/8 port 5556
}
dataset actordb {
	unix $E_SOCK
	app $E_APP
	app $E_POOL
}
dataset trustds {
	tree /srv/e-trust
	reader $E_TRUSTED
}
POL
	mkdir -p /srv/e-trust /usr/local/bin
	head -c 100000 /dev/urandom >"$ET"
	chmod a+r "$ET"
	cp /opt/daudit/helpers/reader "$E_TRUSTED"
	chmod 0755 "$E_TRUSTED"
	cp /opt/daudit/helpers/actor-read "$E_APP"
	cp /opt/daudit/helpers/actor-pool "$E_POOL"
	cp /opt/daudit/helpers/actor-read "$E_OTHER"
	chmod 0755 "$E_APP" "$E_POOL" "$E_OTHER"
	start_bg EPOOL "$E_POOL" serve "$E_SOCK"
	chmod 0666 "$E_SOCK"
	head -c 200000 /dev/urandom >/srv/rows.bin
	chmod a+r /srv/rows.bin
	start_bg UNIX netpeer serve unix /run/db.sock /srv/rows.bin
	start_bg TCP netpeer serve tcp 127.0.0.1:5555 /srv/rows.bin
	start_bg OTHER netpeer serve tcp 127.0.0.1:5557 /srv/rows.bin
	start_bg UDP netpeer serve udp 127.0.0.1:5556 /srv/rows.bin
	d=$BATS_FILE_TMPDIR
	ebpf_conf "$d/e.conf" "$d/e.db" "sensor = auto"
	start_ebpf "$d/e.conf" "$d/dauditd.log"
	echo "$DAUDITD_PID" >"$d/pid"
}

teardown_file() {
	have_btf || return 0
	stop_ebpf || true
	stop_bg UNIX
	stop_bg TCP
	stop_bg OTHER
	stop_bg UDP
	stop_bg EPOOL
	umount /srv/e-polled 2>/dev/null || true
	umount /srv/e-loop 2>/dev/null || true
	umount "$THP" 2>/dev/null || true
	losetup -j /tmp/e-loop.img | cut -d: -f1 | xargs -r losetup -d
	rm -f /tmp/e-loop.img
	rmmod null_blk 2>/dev/null || true
}

@test "ebpf: without daudit.ko, sensor = auto loads the eBPF programs: the verifier accepts them and they attach" {
	d=$BATS_FILE_TMPDIR
	cat "$d/dauditd.log"
	[ ! -e /dev/daudit ]
	grep -q 'sensor: ebpf (sensor = auto and /dev/daudit does not exist' "$d/dauditd.log"
	# The policy file's twelve sources, and one per hard-linked file the
	# link scan found: setup_file's, and any an earlier suite left in
	# the tree (make check runs the suites in one boot).
	linked=$(sed -n 's/.*: \([0-9]*\) hard-linked files in protected trees: protected under every name$/\1/p' "$d/dauditd.log" | head -n1)
	[ "${linked:-0}" -ge 1 ]
	grep -q "policy .* loaded into the eBPF sensor: 6 datasets, $((12 + linked)) sources" "$d/dauditd.log"
	st=$(daudit status --format json)
	echo "$st"
	[ "$(echo "$st" | jq -r '.module_loaded, .sensor, .collector.sensor')" = "false
ebpf
ebpf" ]
	daudit status | grep -q '^sensor:      ebpf (sensor = auto and /dev/daudit does not exist'
}

@test "ebpf: read, pread, readv, preadv and preadv2 of a protected file: one session each, exact bytes, uid and login uid" {
	alice=$(uid_of alice)
	for mode in read pread readv preadv preadv2; do
		n=$(read_as alice "$mode" "$F")
		echo "$mode: $n bytes"
		[ "$n" -eq 100000 ]
	done
	ev=$(reads_of "$F")
	for _ in $(seq 50); do
		[ "$(echo "$ev" | jq length)" -ge 5 ] && break
		sleep 0.1
		ev=$(reads_of "$F")
	done
	echo "$ev" | jq -c '.[] | {path, bytes, calls, uid, auid, user, login_user, paths, end_reason, final, exe}'
	[ "$(echo "$ev" | jq length)" -eq 5 ]
	[ "$(echo "$ev" | jq '[.[].bytes] | unique')" = "[
  100000
]" ]
	[ "$(echo "$ev" | jq -r '[.[].login_user] | unique | .[]')" = alice ]
	[ "$(echo "$ev" | jq -r '[.[].end_reason] | unique | .[]')" = close ]
	[ "$(echo "$ev" | jq -r '[.[].dataset] | unique | .[]')" = customers ]
	[ "$(echo "$ev" | jq -r '[.[].paths] | sort | join(" ")')" = "pread preadv preadv2 read readv" ]
	[ "$(echo "$ev" | jq -r '[.[].exe] | unique | .[]')" = "$(command -v reader)" ]
	[ -n "$alice" ]
	[ "$(echo "$ev" | jq -r '[.[] | "\(.uid) \(.auid)"] | unique | .[]')" = "$alice $alice" ]
	[ "$(echo "$ev" | jq -r '[.[] | "\(.off_min) \(.off_max)"] | unique | .[]')" = "0 100000" ]
}

# sensor_count FIELD: the eBPF sensor's counter FIELD as `daudit status`
# shows it (published by dauditd at most once a second; 0 before).
sensor_count() {
	daudit status --format json --no-wait |
		jq -r --arg f "$1" '.collector.sensor_counts[$f] // 0'
}

@test "ebpf: daudit status shows the sensor's counters: three reads of a protected file counted with their exact bytes" {
	local r0 b0 e0 r b _
	r0=$(sensor_count reads)
	b0=$(sensor_count read_bytes)
	e0=$(sensor_count sessions_ended)
	echo "before: $r0 reads, $b0 bytes, $e0 sessions ended"
	as_user alice dd if="$F" of=/dev/null bs=10000 count=3 status=none
	for _ in $(seq 100); do
		[ "$(sensor_count sessions_ended)" -gt "$e0" ] && break
		sleep 0.1
	done
	daudit status --format json | jq -c .collector.sensor_counts
	r=$(sensor_count reads)
	b=$(sensor_count read_bytes)
	echo "after: $r reads, $b bytes"
	[ $((r - r0)) -eq 3 ]
	[ $((b - b0)) -eq 30000 ]
	[ $(($(sensor_count sessions_ended) - e0)) -eq 1 ]
	# Nothing missed in a quiet VM, and the table says what it counted.
	[ "$(sensor_count uring_missed)" -eq 0 ]
	[ "$(sensor_count dropped)" -eq 0 ]
	daudit status | grep -E "^counted:     $r protected reads, $b bytes; [0-9]+ sessions ended; 0 records dropped \(ring buffer full\)$"
	[ "$(daudit status | grep -c '^missed:')" -eq 0 ]
}

@test "ebpf: a 32-bit (ia32) program's read, pread, readv, preadv, preadv2, sendfile, splice, copy_file_range and mmap of a protected file: one session each, exact bytes" {
	alice=$(uid_of alice)
	for mode in read pread readv preadv preadv2 sendfile-file splice copy mmap; do
		case $mode in
		sendfile-file | copy)
			rm -f /srv/public/out/e-32.out
			out=$(as_user alice reader32 "$mode" "$F" /srv/public/out/e-32.out)
			;;
		*) out=$(as_user alice reader32 "$mode" "$F") ;;
		esac
		echo "$mode: $out"
		n=$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
		pid=$(echo "$out" | sed -n 's/.* pid=\([0-9]*\)$/\1/p')
		[ "$n" -eq 100000 ]
		ev=$(reads_by_pid "$F" "$pid")
		echo "$ev" | jq -c '.[] | {bytes, mmap_bytes, extra, paths, auid}'
		[ "$(echo "$ev" | jq length)" -eq 1 ]
		case $mode in
		mmap) want="0 $((25 * 4096)) mmap" ;;
		sendfile-file) want="100000 0 sendfile" ;;
		copy) want="100000 0 copy_file_range" ;;
		*) want="100000 0 $mode" ;;
		esac
		[ "$(echo "$ev" | jq -r '.[0] | "\(.bytes) \(.mmap_bytes) \(.paths)"')" = "$want" ]
		[ "$(echo "$ev" | jq -r '.[0].auid')" = "$alice" ]
	done
}

@test "ebpf: reads of an unprotected file leave no record" {
	n=$(read_as alice read "$P")
	[ "$n" -eq 50000 ]
	# A protected read after it: once that is stored, so would the other be.
	read_as alice read "$DATA/2026/phones.csv" >/dev/null
	[ "$(reads_of "$DATA/2026/phones.csv" | jq length)" -eq 1 ]
	[ "$(daudit events --type read --limit 0 --format json --until "$(later)" |
		jq --arg p "$P" 'map(select(.path == $p)) | length')" -eq 0 ]
}

# mapped_sum: of the stored read events on stdin (a JSON array), the
# mmap_bytes, the mapping lengths ("mmap_len=N" in extra), the read paths,
# uids and login uids: "MAPPED LEN PATHS UID AUID".
mapped_sum() {
	jq -r '"\(map(.mmap_bytes) | add) \(map(.extra // "" | capture("mmap_len=(?<n>[0-9]+)").n // "0" | tonumber) | add) \(map(.paths) | unique | join(",")) \(map(.uid) | unique | join(",")) \(map(.auid) | unique | join(","))"'
}

# mapped_of FILE: mapped_sum of memread's stored records of FILE, once
# one is stored.
mapped_of() {
	reads_of "$1" | jq 'map(select(.comm == "memread"))' | mapped_sum
}

@test "ebpf: mmap of a protected file: the mapping's length and every page faulted in, read path mmap" {
	alice=$(uid_of alice)
	out=$(as_user alice reader mmap "$F")
	echo "$out"
	n=$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	pid=$(echo "$out" | sed -n 's/.* pid=\([0-9]*\)$/\1/p')
	[ "$n" -eq 100000 ]
	ev=$(reads_by_pid "$F" "$pid")
	echo "$ev" | jq -c '.[] | {comm, bytes, mmap_bytes, extra, calls, paths, end_reason}'
	r=$(echo "$ev" | mapped_sum)
	echo "mapped, length, paths, uid, auid: $r"
	# Every page of the file mapped once: 100,000 bytes are 25 pages.
	[ "$r" = "$((25 * 4096)) 100000 mmap $alice $alice" ]
	[ "$(echo "$ev" | jq '[.[].bytes] | add')" -eq 0 ]
}

@test "ebpf: transparent huge pages: a file mapped by PMD entries counts every byte mapped" {
	need_thp
	alice=$(uid_of alice)
	f=$THP/big.bin
	as_user alice memread thp "$f" /tmp/e-memread.out
	cmp "$f" /tmp/e-memread.out
	read -r m _ paths u a < <(mapped_of "$f")
	echo "# ebpf thp: mapped $m bytes of $(stat -c %s "$f")" >&3
	# Two PMDs of 2 MiB and the tail page: the whole file, no less.
	[ "$m" -ge 4194307 ]
	[ "$m" -le $((4194307 + 2 * 1048576)) ]
	[ "$paths $u $a" = "mmap $alice $alice" ]
	[ "$(reads_of "$f" | jq -r '.[0].dataset')" = hugepages ]
}

@test "ebpf: userfaultfd minor faults resolved with UFFDIO_CONTINUE count every page mapped" {
	alice=$(uid_of alice)
	f=$THP/small.bin
	run as_user alice memread uffd "$f" /tmp/e-memread.out
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$f" /tmp/e-memread.out
	read -r m _ paths u a < <(mapped_of "$f")
	echo "mapped $m bytes of $(stat -c %s "$f")"
	# 100,003 bytes are 25 pages, each mapped by one UFFDIO_CONTINUE.
	[ "$m" -ge $((25 * 4096)) ]
	[ "$m" -le $((26 * 4096)) ]
	[ "$paths $u $a" = "mmap $alice $alice" ]
}

@test "ebpf: mmap of an unprotected file leaves no record" {
	as_user alice reader mmap "$P"
	# A protected mapping after it: once that is stored, so would the other be.
	read_as alice mmap "$THP/marker.bin" >/dev/null
	[ "$(reads_of "$THP/marker.bin" | jq length)" -eq 1 ]
	[ "$(daudit events --type read --limit 0 --format json --until "$(later)" |
		jq --arg p "$P" 'map(select(.path == $p)) | length')" -eq 0 ]
}

@test "ebpf: a protected unix socket read with recv and with read: one socket session each, exact bytes, the server's path, pid and uid" {
	[ -n "$BG_UNIX" ]
	check_sock unix /run/db.sock recv recv /run/db.sock "peer_pid=$BG_UNIX peer_uid=0"
	check_sock unix /run/db.sock read read /run/db.sock "peer_pid=$BG_UNIX peer_uid=0"
}

@test "ebpf: a protected TCP server read with recv, recvmsg, read, readv and splice: one socket session each, exact bytes, the server's address and port" {
	for mode in recv recvmsg read readv splice; do
		check_sock tcp 127.0.0.1:5555 "$mode" "$mode" 127.0.0.1:5555/tcp
	done
}

@test "ebpf: UDP recvmmsg(2) from a protected endpoint (prefix match): the bytes received" {
	local n pid ev
	# UDP may drop datagrams a slow reader has no room for: what counts is
	# that the record says exactly what the reader received.
	read -r n pid < <(net_get udp 127.0.0.1:5556 recvmmsg)
	[ "$n" -gt 0 ]
	ev=$(socket_reads ".pid == $pid")
	echo "$ev" | jq -c '.[] | {pid, path, bytes, calls, paths, login_user, dataset, end_reason}'
	[ "$(echo "$ev" | jq length)" -eq 1 ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.bytes) \(.paths) \(.path) \(.login_user) \(.dataset)"')" = "$n recvmmsg 127.0.0.1:5556/udp alice db" ]
}

@test "ebpf: reads from an unprotected TCP port leave no socket record" {
	local n pid
	read -r n pid < <(net_get tcp 127.0.0.1:5557 read)
	[ "$n" -eq 200000 ]
	# A protected read after it: once that is stored, so would the other be.
	check_sock tcp 127.0.0.1:5555 read read 127.0.0.1:5555/tcp
	[ "$(daudit events --type socket_read --limit 0 --format json --until "$(later)" |
		jq --argjson p "$pid" 'map(select(.pid == $p)) | length')" -eq 0 ]
	[ "$(daudit events --type socket_read --limit 0 --format json --until "$(later)" |
		jq 'map(select(.path | test(":5557/"))) | length')" -eq 0 ]
}

@test "ebpf: io_uring READ and READV of a protected file: one session each, exact bytes, read path io_uring_read and io_uring_readv" {
	check_uring read io_uring_read "$F"
	check_uring readv io_uring_readv "$F"
}

@test "ebpf: io_uring READ_FIXED (a registered buffer) and READ of a registered file: one session each, exact bytes" {
	check_uring fixed io_uring_read_fixed "$F"
	check_uring fixedfile io_uring_read "$F"
}

@test "ebpf: io_uring READ with IOSQE_CQE_SKIP_SUCCESS: no completion posted, every byte recorded" {
	check_uring skip io_uring_read "$F"
}

@test "ebpf: io_uring READs completing into a full completion queue (overflow): every byte recorded" {
	check_uring overflow io_uring_read "$F"
	# The technique itself happened: the kernel flagged the overflow.
	echo "$URING_OUT" | grep -qx overflowed=1
}

@test "ebpf: io_uring READ, and READ with IOSQE_CQE_SKIP_SUCCESS, run by io-wq workers (IOSQE_ASYNC): the submitter's pid, name, uid and login uid" {
	check_uring read io_uring_read "$F" URING_ASYNC=1
	# The reads ran in workers: the process has them (iou-wrk-PID).
	n=$(echo "$URING_OUT" | sed -n 's/^iou_workers=//p')
	[ "${n:-0}" -ge 1 ]
	check_uring skip io_uring_read "$F" URING_ASYNC=1
	n=$(echo "$URING_OUT" | sed -n 's/^iou_workers=//p')
	[ "${n:-0}" -ge 1 ]
}

@test "ebpf: io_uring READ submitted by the ring's SQPOLL thread: the owner's process, uid and login uid, the thread's name as the module" {
	# req->task is the thread that submitted: the SQ thread, a thread of
	# the ring owner's process (the module's subject too).
	URING_COMM=iou-sqp-PID check_uring read io_uring_read "$F" URING_SQPOLL=1
}

@test "ebpf: io_uring SPLICE from a protected file into a pipe, from a registered file, and with IOSQE_CQE_SKIP_SUCCESS: every byte recorded" {
	check_uring splice io_uring_other "$F"
	check_uring splice-fixed io_uring_other "$F"
	check_uring splice-skip io_uring_other "$F"
}

@test "ebpf: io_uring READ on a polled ring (IORING_SETUP_IOPOLL), O_DIRECT on xfs on a device with poll queues, also with IOSQE_CQE_SKIP_SUCCESS" {
	DS=polled check_uring read io_uring_read /srv/e-polled/prot/direct.bin URING_O_DIRECT=1 URING_IOPOLL=1
	DS=polled check_uring skip io_uring_read /srv/e-polled/prot/direct.bin URING_O_DIRECT=1 URING_IOPOLL=1
}

@test "ebpf: io_uring READ on a polled ring over a device that cannot poll (completed by the loop device's worker, counted in the reader's process)" {
	if ! out=$(as_user alice env URING_O_DIRECT=1 URING_IOPOLL=1 uring-read skip /srv/e-loop/prot/direct.bin /tmp/e-uring.out 2>&1); then
		echo "$out"
		# The kernel, not the test, decides: 6.12 refuses such a ring's reads.
		echo "$out" | grep -q "Operation not supported"
		skip "this kernel refuses polled reads on a device that cannot poll (EOPNOTSUPP)"
	fi
	DS=polled check_uring read io_uring_read /srv/e-loop/prot/direct.bin URING_O_DIRECT=1 URING_IOPOLL=1
	DS=polled check_uring skip io_uring_read /srv/e-loop/prot/direct.bin URING_O_DIRECT=1 URING_IOPOLL=1
}

@test "ebpf: io_uring reads of an unprotected file leave no record" {
	out=$(as_user alice uring-read read "$P")
	echo "$out"
	[ "$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')" -eq 50000 ]
	# A protected read after it: once that is stored, so would the other be.
	check_uring read io_uring_read "$F"
	[ "$(daudit events --type read --limit 0 --format json --until "$(later)" |
		jq --arg p "$P" 'map(select(.path == $p)) | length')" -eq 0 ]
}

@test "ebpf: io_uring RECV, RECVMSG and READ from a protected TCP server, also with IOSQE_CQE_SKIP_SUCCESS: one socket session each, exact bytes" {
	check_sock tcp 127.0.0.1:5555 uring-recv io_uring_recv 127.0.0.1:5555/tcp
	check_sock tcp 127.0.0.1:5555 uring-recv-skip io_uring_recv 127.0.0.1:5555/tcp
	check_sock tcp 127.0.0.1:5555 uring-recvmsg-skip io_uring_recv 127.0.0.1:5555/tcp
	check_sock tcp 127.0.0.1:5555 uring-read io_uring_read 127.0.0.1:5555/tcp
}

@test "ebpf: io_uring RECV from a protected unix socket: one socket session, exact bytes, the server's path, pid and uid" {
	[ -n "$BG_UNIX" ]
	check_sock unix /run/db.sock uring-recv io_uring_recv /run/db.sock "peer_pid=$BG_UNIX peer_uid=0"
}

@test "ebpf: io_uring multishot RECV into provided buffers from a protected TCP server: every byte recorded" {
	check_sock tcp 127.0.0.1:5555 uring-recv-multi io_uring_recv 127.0.0.1:5555/tcp
}

@test "ebpf: io_uring RECV from an unprotected TCP port leaves no socket record" {
	local n pid
	read -r n pid < <(net_get tcp 127.0.0.1:5557 uring-recv)
	[ "$n" -eq 200000 ]
	# A protected read after it: once that is stored, so would the other be.
	check_sock tcp 127.0.0.1:5555 uring-recv io_uring_recv 127.0.0.1:5555/tcp
	[ "$(daudit events --type socket_read --limit 0 --format json --until "$(later)" |
		jq --argjson p "$pid" 'map(select(.pid == $p)) | length')" -eq 0 ]
}

# check_aio MODE FILE [DS]: alice reads the whole of FILE with aioread
# MODE (legacy AIO: io_submit, no read system call) into /tmp/e-aio.out;
# she obtained FILE, whole_read holds with read path aio and dataset DS
# (default customers), and no AIO read went unfollowed.
check_aio() {
	local mode=$1 f=$2 out
	out=$(as_user alice aioread "$mode" "$f" /tmp/e-aio.out)
	echo "$mode: $out"
	cmp "$f" /tmp/e-aio.out
	whole_read "$f" "$out" aio "${3:-customers}" aioread aioread
	[ "$(sensor_count aio_missed)" -eq 0 ]
}

@test "ebpf: legacy AIO IOCB_CMD_PREAD and PREADV of a protected file: one session each, exact bytes, read path aio" {
	check_aio pread "$F"
	check_aio preadv "$F"
}

@test "ebpf: legacy AIO with O_DIRECT, completed in the block layer's interrupt (xfs on null_blk) and by a loop device's worker (ext4): the submitter's session" {
	check_aio direct /srv/e-polled/prot/direct.bin polled
	check_aio direct /srv/e-loop/prot/direct.bin polled
}

@test "ebpf: legacy AIO reads of an unprotected file leave no record" {
	out=$(as_user alice aioread pread "$P" /tmp/e-aio.out)
	echo "$out"
	[ "$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')" -eq 50000 ]
	# A protected read after it: once that is stored, so would the other be.
	check_aio pread "$F"
	[ "$(daudit events --type read --limit 0 --format json --until "$(later)" |
		jq --arg p "$P" 'map(select(.path == $p)) | length')" -eq 0 ]
}

# fdswap_read READ SWAP: alice reads a protected file for 3 s with READ
# through a descriptor that another of her threads keeps swapping for
# /dev/null with SWAP (fdswap, as coverage.bats runs it against the
# module): every byte she obtained is stored for the file, hers, and
# the reads that ended with the descriptor elsewhere carry read path
# fd_swapped.  fdswap prints no pid: what the earlier tests' fdswap
# stored is subtracted.
fdswap_read() {
	local f=$DATA/e-swap.bin out got size sum ev before _
	size=$(stat -c %s "$f")
	before=$(daudit events --type read --limit 0 --format json --until "$(later)" |
		jq --arg p "$f" '[.[] | select(.path == $p and .comm == "fdswap") | .id] | max // 0')
	out=$(as_user alice fdswap "$f" 3 "$1" "$2")
	echo "$out"
	echo "$out" | grep -q ' same=yes$'
	got=$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	[ "$got" -gt 0 ]
	for _ in $(seq 100); do
		ev=$(reads_of "$f" | jq -c --argjson b "$before" 'map(select(.comm == "fdswap" and .id > $b))')
		sum=$(echo "$ev" | jq '[.[].bytes] | add // 0')
		[ "$sum" -ge $((got + size)) ] && break
		sleep 0.1
	done
	echo "# ebpf $1/$2: recorded $sum bytes; obtained $got, and $size read once first" >&3
	[ "$sum" -eq $((got + size)) ]
	[ "$(echo "$ev" | jq -r '[.[].auid] | unique | join(",")')" = "$(uid_of alice)" ]
	echo "$ev" | jq -r '.[].paths | split(",") | .[]' | sort -u | grep -qx fd_swapped
}

@test "ebpf: a descriptor swapped for /dev/null by dup2 from another thread during pread: every byte recorded" {
	fdswap_read pread dup2
}

@test "ebpf: a descriptor swapped for /dev/null by dup2 from another thread during 4 KiB preads: every byte recorded" {
	fdswap_read pread4k dup2
}

@test "ebpf: a descriptor closed and reopened by another thread during read(2): every byte recorded" {
	fdswap_read read close
}

@test "ebpf: a descriptor closed by close_range and reopened by another thread during pread: every byte recorded" {
	fdswap_read pread close_range
}

@test "ebpf: a descriptor closed by io_uring CLOSE in an io-wq worker (IOSQE_ASYNC) during pread: every byte recorded" {
	fdswap_read pread uring_close_async
}

@test "ebpf: a descriptor swapped for /dev/null by dup2 from another thread during readv: every byte recorded" {
	fdswap_read readv dup2
}

@test "ebpf: a descriptor replaced by a seccomp supervisor (SECCOMP_ADDFD_FLAG_SETFD) during pread: every byte recorded" {
	fdswap_read pread seccomp_setfd
}

@test "ebpf: reflink (FICLONE and FICLONERANGE) of a protected file on xfs: a read of the bytes cloned, read path reflink, and the clone stays protected" {
	alice=$(uid_of alice)
	f=/srv/e-polled/prot/direct.bin
	c=/srv/e-polled/pub/e-clone.bin
	for how in clone range; do
		rm -f "$c"
		if [ "$how" = clone ]; then
			out=$(as_user alice reflink clone "$f" "$c")
			n=1048576
		else
			out=$(as_user alice reflink range "$f" "$c" 65536)
			n=65536
		fi
		echo "$how: $out"
		cmp -n "$n" "$f" "$c"
		pid=$(echo "$out" | sed -n 's/.* pid=\([0-9]*\)$/\1/p')
		ev=$(reads_by_pid "$f" "$pid")
		echo "$ev" | jq -c '.[] | {comm, bytes, paths, off_min, off_max, dataset, auid}'
		[ "$(echo "$ev" | jq -r '.[0] | "\(.bytes) \(.paths) \(.off_min) \(.dataset) \(.auid)"')" = "$n reflink 0 polled $alice" ]
		[ "$(echo "$ev" | jq length)" -eq 1 ]
	done
	# The clone's own reads: recorded under its name, of the dataset.
	out=$(as_user alice reader read "$c")
	pid=$(echo "$out" | sed -n 's/.* pid=\([0-9]*\)$/\1/p')
	ev=$(reads_by_pid "$c" "$pid")
	echo "$ev" | jq -c '.[] | {path, bytes, paths, dataset}'
	[ "$(echo "$ev" | jq -r '.[0] | "\(.bytes) \(.paths) \(.dataset)"')" = "65536 read polled" ]
}

@test "ebpf: sendfile(2) of a protected file to a socket and to /dev/null: one session each, the bytes moved" {
	check_copy sendfile-sock sendfile 0
	check_copy sendfile-file sendfile 0 /dev/null
}

@test "ebpf: splice(2) from a protected file into a pipe: one session, the bytes moved" {
	check_copy splice splice 0
}

@test "ebpf: copy_file_range(2) from a protected file into an unprotected one: one session, the bytes copied" {
	out=/srv/public/out/e-copy.out
	check_copy copy copy_file_range 0 "$out"
	cmp "$F" "$out"
	# The copy is not protected: reading it is no protected read.
	[ "$(read_as alice read "$out")" -eq 100000 ]
	[ "$(daudit events --type read --limit 0 --format json --until "$(later)" |
		jq --arg p "$out" 'map(select(.path == $p)) | length')" -eq 0 ]
}

@test "ebpf: sendfile, splice and copy_file_range with the offset passed by pointer: the range copied" {
	check_copy sendfile-at sendfile 1000 /srv/public/out/e-sendfile-at.out 1000
	dd if="$F" bs=1000 skip=1 status=none | cmp - /srv/public/out/e-sendfile-at.out
	check_copy splice-at splice 99000 99000
	check_copy copy-at copy_file_range 5000 /srv/public/out/e-copy-at.out 5000
	dd if="$F" bs=5000 skip=1 status=none | cmp - /srv/public/out/e-copy-at.out
}

# actor_reads PID N: the stored read events of F by process PID (JSON
# array), once N are there.
actor_reads() {
	local _ ev
	for _ in $(seq 100); do
		ev=$(reads_of "$F" | jq -c --argjson p "$1" 'map(select(.pid == $p))')
		[ "$(echo "$ev" | jq length)" -ge "$2" ] && break
		sleep 0.1
	done
	echo "$ev"
}

# app_run N STATUS ARGS...: the daemon account runs ARGS (actor-read as
# one of the programs above), which prints status=STATUS first; sets out
# (what it printed), pid (its process) and ev (its read events of F, once
# N are there).
app_run() {
	local n=$1 st=$2
	shift 2
	out=$(as_daemon daemon "$@")
	echo "$out"
	echo "$out" | grep -qx "status=$st" || return 1
	pid=$(echo "$out" | sed -n 's/.* pid=\([0-9]*\).*/\1/p' | head -n1)
	ev=$(actor_reads "$pid" "$n")
	echo "$ev" | jq -c '.[] | {pid, tid, bytes, actor, request, client, exe, paths}'
}

@test "ebpf: declared actors: a read for an actor, then one for none, on one descriptor are two sessions, exact bytes, the actor's request and client" {
	app_run 2 1 "$E_APP" plain emp-02 "$F"
	[ "$(echo "$ev" | jq length)" -eq 2 ]
	[ "$(echo "$ev" | jq -r '.[] | select(.actor == "emp-02") | "\(.bytes) \(.request) \(.client)"')" = "100000 req-$pid 192.0.2.1:40001" ]
	[ "$(echo "$ev" | jq -r '.[] | select(.actor == null) | .bytes')" = 100000 ]
	[ "$(echo "$ev" | jq -r '[.[].exe] | unique | .[]')" = "$E_APP" ]
}

@test "ebpf: declared actors: a program the policy does not name is refused (EPERM), counted and alerted; its reads are recorded with no actor" {
	before=$(sensor_count actor_refused)
	app_run 1 -1 "$E_OTHER" plain emp-01 "$F"
	[ "$(echo "$ev" | jq length)" -eq 1 ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.bytes) \(.actor)"')" = "200000 null" ]
	for _ in $(seq 100); do
		a=$(daudit events --type alert --limit 0 --format json --until "$(later)" |
			jq -c --arg e "$E_OTHER" 'map(select(.pid == '"$pid"' and (tostring | contains($e))))')
		[ "$(echo "$a" | jq length)" -ge 1 ] && break
		sleep 0.1
	done
	echo "$a"
	[ "$(echo "$a" | jq length)" -eq 1 ]
	echo "$a" | grep -q 'not an app of the policy'
	for _ in $(seq 100); do
		[ "$(sensor_count actor_refused)" -eq $((before + 1)) ] && break
		sleep 0.1
	done
	[ "$(sensor_count actor_refused)" -eq $((before + 1)) ]
	daudit status | grep -q "^actors: .*$((before + 1)) registrations refused"
}

@test "ebpf: declared actors: 8 threads serve 8 actors over a pool of 4 unix connections: exact bytes per actor" {
	out=$(as_daemon daemon "$E_POOL" "$E_SOCK" 8 40 4 30000)
	echo "$out"
	echo "$out" | grep -qx 'status 1'
	for _ in $(seq 100); do
		pev=$(daudit events --type socket_read --limit 0 --format json --until "$(later)" |
			jq -c --arg e "$E_POOL" 'map(select(.exe == $e))')
		want=$(echo "$out" | awk '$1 ~ /^emp-/ { n += $2 } END { print n }')
		[ "$(echo "$pev" | jq '[.[].bytes] | add // 0')" -ge "$want" ] && break
		sleep 0.1
	done
	echo "$pev" | jq -c 'group_by(.actor) | map([.[0].actor, (map(.bytes) | add), length])'
	for i in $(seq 0 7); do
		want=$(echo "$out" | awk -v a="emp-0$i" '$1 == a { print $2 }')
		[ "$want" -gt 0 ]
		got=$(echo "$pev" | jq --arg a "emp-0$i" '[.[] | select(.actor == $a) | .bytes] | add // 0')
		echo "emp-0$i: read $want, recorded $got"
		[ "$got" -eq "$want" ]
	done
	# Every byte the pool read was some actor's, each record one actor's.
	[ "$(echo "$pev" | jq '[.[] | select(.actor == null)] | length')" -eq 0 ]
	[ "$(echo "$pev" | jq -r '.[].actor' | sort -u | wc -l)" -eq 8 ]
	r=$(echo "$pev" | jq -c '[.[] | select(.actor == "emp-03")][0]')
	[ "$(echo "$r" | jq -r .client)" = 192.0.2.4:40003 ]
	[[ "$(echo "$r" | jq -r .request)" == req-3-* ]]
}

@test "ebpf: declared actors: io_uring reads run by io-wq workers are the submitting thread's actor's; exec and a thread's exit end the declaration" {
	ACTOR_URING_ASYNC=1 app_run 1 1 "$E_APP" uring emp-12 "$F"
	[ "$(echo "$ev" | jq length)" -eq 1 ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.bytes) \(.actor) \(.paths)"')" = "100000 emp-12 io_uring_read" ]

	app_run 2 1 "$E_APP" exec emp-06 "$F" "$(command -v reader)" read "$F"
	[ "$(echo "$ev" | jq -r '.[] | select(.actor == "emp-06") | "\(.bytes) \(.exe)"')" = "100000 $E_APP" ]
	[ "$(echo "$ev" | jq -r '.[] | select(.actor == null) | "\(.bytes) \(.exe)"')" = "100000 $(command -v reader)" ]

	app_run 2 1 "$E_APP" thread emp-07 "$F"
	[ "$(echo "$ev" | jq -r '.[] | select(.actor == "emp-07") | .bytes')" = 100000 ]
	[ "$(echo "$ev" | jq -r '.[] | select(.actor == null) | .bytes')" = 100000 ]
	# Every registration so far has ended with its thread or its exec.
	for _ in $(seq 100); do
		[ "$(sensor_count actor_threads)" -eq 0 ] && break
		sleep 0.1
	done
	[ "$(sensor_count actor_threads)" -eq 0 ]
}

# trust_read ARGS...: alice runs ARGS (the trusted reader, as it is or
# with its environment changed) on ET; prints its pid once it read all.
trust_read() {
	local out
	out=$(as_user alice "$@")
	echo "$*: $out" >&2
	[ "$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')" -eq 100000 ] || return 1
	echo "$out" | sed -n 's/.* pid=\([0-9]*\)$/\1/p'
}

@test "ebpf: trusted readers: a dataset's trusted reader is only counted; with LD_PRELOAD or LD_LIBRARY_PATH, or mapping code of the user's, it is recorded, as another program" {
	lib=$(find /lib /usr/lib -name 'libc.so.6' | head -n1)
	[ -n "$lib" ]
	cp "$lib" /tmp/e-alice-plugin.so
	chown alice /tmp/e-alice-plugin.so
	t0=$(sensor_count trusted_reads)
	# Trusted: the program alone, and with a system library mapped again.
	p0=$(trust_read "$E_TRUSTED" read "$ET")
	p1=$(trust_read env "READER_MAP_EXEC=$lib" "$E_TRUSTED" read "$ET")
	# Not trusted.
	p2=$(trust_read env "LD_PRELOAD=$lib" "$E_TRUSTED" read "$ET")
	p3=$(trust_read env LD_LIBRARY_PATH=/tmp "$E_TRUSTED" read "$ET")
	p4=$(trust_read env READER_MAP_EXEC=/tmp/e-alice-plugin.so "$E_TRUSTED" read "$ET")
	p5=$(trust_read reader read "$ET")
	for p in $p2 $p3 $p4 $p5; do
		ev=$(reads_by_pid "$ET" "$p")
		echo "$p: $(echo "$ev" | jq -c '.[] | {pid, bytes, exe, dataset}')"
		[ "$(echo "$ev" | jq -r '.[] | "\(.bytes) \(.dataset)"')" = "100000 trustds" ]
	done
	all=$(reads_of "$ET")
	[ "$(echo "$all" | jq --argjson a "$p0" --argjson b "$p1" '[.[] | select(.pid == $a or .pid == $b)] | length')" -eq 0 ]
	[ "$(echo "$all" | jq length)" -eq 4 ]
	for _ in $(seq 100); do
		[ "$(sensor_count trusted_reads)" -ge $((t0 + 2)) ] && break
		sleep 0.1
	done
	echo "trusted reads counted: $t0 -> $(sensor_count trusted_reads)"
	[ "$(sensor_count trusted_reads)" -ge $((t0 + 2)) ]
	daudit status | grep -q '^trusted:     [0-9]* reads by trusted readers, not recorded$'
	rm -f /tmp/e-alice-plugin.so
}

@test "ebpf: splice(2) from a pipe into a protected file is no read of it" {
	G=$DATA/e-spliced-into.csv
	: >"$G"
	chown alice "$G"
	out=$(as_user alice reader splice-into "$G" 10000)
	echo "$out"
	[ "$out" = "bytes=10000 pid=${out##*pid=}" ]
	[ "$(stat -c %s "$G")" -eq 10000 ]
	# A read of it after: once that is stored, so would the splice be.
	[ "$(read_as alice read "$G")" -eq 10000 ]
	ev=$(reads_of "$G")
	echo "$ev" | jq -c '.[] | {pid, bytes, paths, login_user}'
	[ "$(echo "$ev" | jq -r 'map("\(.bytes) \(.paths) \(.login_user)") | join(",")')" = "10000 read alice" ]
	rm -f "$G"
}

@test "ebpf: many reads of one open file by one process make one session record" {
	n=$(read_as alice read "$DATA/accounts.db" 512)
	[ "$n" -eq 1000000 ]
	ev=$(reads_of "$DATA/accounts.db")
	echo "$ev" | jq -c '.[] | {path, bytes, calls, end_reason, final}'
	[ "$(echo "$ev" | jq length)" -eq 1 ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.bytes) \(.calls) \(.final)"')" = "1000000 $(((n + 511) / 512)) 1" ]
}

@test "ebpf: a process that exits while the file stays open elsewhere is reported at its exit; a child sharing it gets its own session" {
	G=$DATA/2026/phones.csv
	exec 8<"$G"
	# One read(2) each: dd with a block size (head reads ahead).
	as_user bob bash -c 'dd bs=1000 count=1 status=none <&8 >/dev/null; (dd bs=2000 count=1 status=none <&8 >/dev/null)'
	ev=$(reads_of "$G")
	for _ in $(seq 50); do
		[ "$(echo "$ev" | jq 'map(select(.login_user == "bob")) | length')" -ge 2 ] && break
		sleep 0.1
		ev=$(reads_of "$G")
	done
	exec 8<&-
	echo "$ev" | jq -c '.[] | {pid, login_user, bytes, end_reason, final}'
	bob=$(echo "$ev" | jq -c 'map(select(.login_user == "bob"))')
	[ "$(echo "$bob" | jq 'map(.pid) | unique | length')" -eq 2 ]
	[ "$(echo "$bob" | jq -r 'map(.end_reason) | unique | join(" ")')" = exit ]
	[ "$(echo "$bob" | jq 'map(.bytes) | sort | join(" ")')" = '"1000 2000"' ]
}

@test "ebpf: a symlink, a bind mount and a hard link made before the load do not bypass the policy" {
	ln -sfn "$F" /tmp/e-link.csv
	mkdir -p /mnt/e-bound
	mount --bind /srv/customers /mnt/e-bound
	read_as alice read /tmp/e-link.csv >/dev/null
	read_as alice read /mnt/e-bound/2026/phones.csv >/dev/null
	umount /mnt/e-bound
	read_as alice read /srv/public/e-hl.db >/dev/null
	ev=$(daudit events --type read --login-user alice --limit 0 --format json --until "$(later)")
	for _ in $(seq 50); do
		[ "$(echo "$ev" | jq 'map(select(.path == "/srv/public/e-hl.db")) | length')" -ge 1 ] && break
		sleep 0.1
		ev=$(daudit events --type read --login-user alice --limit 0 --format json --until "$(later)")
	done
	echo "$ev" | jq -c '.[-3:] | .[] | {path, bytes, dataset}'
	# The symlink's read is the file's: recorded under its own path.
	[ "$(echo "$ev" | jq 'map(select(.path == "'"$F"'" and .bytes == 100000)) | length')" -ge 2 ]
	# Through the bind mount, by the dentry's ancestry.
	[ "$(echo "$ev" | jq -r 'map(select(.path == "/mnt/e-bound/2026/phones.csv")) | .[0] | "\(.bytes) \(.dataset)"')" = "4096 customers" ]
	# The hard link outside the tree, by the inode.
	[ "$(echo "$ev" | jq -r 'map(select(.path == "/srv/public/e-hl.db")) | .[0] | "\(.bytes) \(.dataset)"')" = "1000000 customers" ]
}

@test "ebpf: SIGHUP loads a changed policy into the sensor: the new tree is protected, the old one no longer" {
	pid=$(cat "$BATS_FILE_TMPDIR/pid")
	log=$BATS_FILE_TMPDIR/dauditd.log
	cp "$POLICY" "$BATS_FILE_TMPDIR/policy.orig"
	cat >"$POLICY" <<'POL'
dataset public {
	tree /srv/public
}
POL
	kill -HUP "$pid"
	for _ in $(seq 100); do
		[ "$(grep -c 'loaded into the eBPF sensor' "$log")" -ge 2 ] && break
		sleep 0.1
	done
	grep 'loaded into the eBPF sensor' "$log"
	[ "$(grep -c 'loaded into the eBPF sensor' "$log")" -eq 2 ]
	read_as alice read /srv/public/readme.txt >/dev/null
	read_as alice read "$DATA/2026/phones.csv" >/dev/null
	ev=$(reads_of /srv/public/readme.txt)
	cp "$BATS_FILE_TMPDIR/policy.orig" "$POLICY"
	kill -HUP "$pid"
	echo "$ev" | jq -c '.[] | {path, bytes, dataset}'
	[ "$(echo "$ev" | jq -r '.[0] | "\(.bytes) \(.dataset)"')" = "50000 public" ]
	# alice read phones.csv once before (the unprotected-file test), and
	# under the new policy it is not protected.
	[ "$(reads_of "$DATA/2026/phones.csv" | jq 'map(select(.login_user == "alice")) | length')" -eq 1 ]
	for _ in $(seq 100); do
		[ "$(grep -c 'loaded into the eBPF sensor' "$log")" -ge 3 ] && break
		sleep 0.1
	done
	[ "$(grep -c 'loaded into the eBPF sensor' "$log")" -eq 3 ]
}

@test "ebpf: declared actors: a policy reload (SIGHUP) that no longer names the application ends its registrations at once" {
	dpid=$(cat "$BATS_FILE_TMPDIR/pid")
	log=$BATS_FILE_TMPDIR/dauditd.log
	loads=$(grep -c 'loaded into the eBPF sensor' "$log")
	coproc APPW { as_daemon daemon "$E_APP" wait emp-10 "$F"; }
	apid=$APPW_PID
	coproc_fds APPW "${APPW[@]}"
	read -r line <&"$APPW_R"
	echo "$line"
	[ "$line" = status=1 ]
	read -r line <&"$APPW_R"
	# The application's process (the coprocess is a shell above it).
	pid=$(echo "$line" | sed -n 's/.* pid=\([0-9]*\).*/\1/p')
	[ -n "$pid" ]
	read -r line <&"$APPW_R"
	[ "$line" = ready ]
	for _ in $(seq 100); do
		[ "$(sensor_count actor_threads)" -ge 1 ] && break
		sleep 0.1
	done
	[ "$(sensor_count actor_threads)" -eq 1 ]
	cp "$POLICY" "$BATS_FILE_TMPDIR/policy.apps"
	grep -v "app $E_APP\$" "$BATS_FILE_TMPDIR/policy.apps" >"$POLICY"
	kill -HUP "$dpid"
	for _ in $(seq 100); do
		[ "$(grep -c 'loaded into the eBPF sensor' "$log")" -gt "$loads" ] && break
		sleep 0.1
	done
	# The registration is gone as the policy comes into force.
	for _ in $(seq 100); do
		[ "$(sensor_count actor_threads)" -eq 0 ] && break
		sleep 0.1
	done
	[ "$(sensor_count actor_threads)" -eq 0 ]
	echo go >&"$APPW_W"
	cat <&"$APPW_R"
	exec {APPW_R}<&- {APPW_W}>&-
	wait "$apid" || true
	cp "$BATS_FILE_TMPDIR/policy.apps" "$POLICY"
	kill -HUP "$dpid"
	ev=$(actor_reads "$pid" 2)
	echo "$ev" | jq -c '.[] | {pid, bytes, actor}'
	[ "$(echo "$ev" | jq -r '.[] | select(.actor == "emp-10") | .bytes')" = 100000 ]
	[ "$(echo "$ev" | jq -r '.[] | select(.actor == null) | .bytes')" = 100000 ]
	for _ in $(seq 100); do
		[ "$(grep -c 'loaded into the eBPF sensor' "$log")" -ge $((loads + 2)) ] && break
		sleep 0.1
	done
	[ "$(grep -c 'loaded into the eBPF sensor' "$log")" -eq $((loads + 2)) ]
}

@test "ebpf: a full ring buffer is counted as lost records, not lost silently" {
	d=$BATS_TEST_TMPDIR
	stop_ebpf
	ebpf_conf "$d/r.conf" "$d/r.db" "ebpf_ring_kb = 4
sensor = ebpf"
	start_ebpf "$d/r.conf" "$d/dauditd.log"
	kill -STOP "$DAUDITD_PID"
	for _ in $(seq 100); do
		head -c 10 "$F" >/dev/null
	done
	kill -CONT "$DAUDITD_PID"
	sleep 1
	st=$(daudit status --format json)
	echo "$st" | jq -c .collector
	stored=$(daudit events --type read --limit 0 --format json --until "$(later)" |
		jq --arg p "$F" 'map(select(.path == $p)) | length')
	missing=$(echo "$st" | jq .collector.records_missing)
	echo "stored $stored read records, $missing missing"
	[ "$missing" -gt 0 ]
	[ "$stored" -lt 100 ]
	# The sensor's own count of drops is what the LOST records reported.
	for _ in $(seq 50); do
		st=$(daudit status --format json)
		[ "$(echo "$st" | jq '.collector.sensor_counts.dropped == .collector.records_missing')" = true ] && break
		sleep 0.2
	done
	echo "$st" | jq -c '{c: .collector.sensor_counts, missing: .collector.records_missing}'
	[ "$(echo "$st" | jq '.collector.sensor_counts.dropped')" -eq "$(echo "$st" | jq .collector.records_missing)" ]
	daudit status | grep -E "^counted: .*; $(echo "$st" | jq .collector.records_missing) records dropped \(ring buffer full\)$"
	cat "$d/dauditd.log"
	stop_collector
	export DAUDIT_CONFIG=$BATS_FILE_TMPDIR/e.conf
}

# hold_open D FILE N: alice's reader reads N bytes of FILE and keeps it
# open 60 s, in the background; back once it has read, with "N PID" of
# what it printed in $HOLD (its output in D/hold.out).
hold_open() {
	local _
	as_user alice reader hold "$2" "$3" 60 >"$1/hold.out" &
	for _ in $(seq 100); do
		grep -q '^bytes=' "$1/hold.out" && break
		sleep 0.1
	done
	HOLD=$(sed -n 's/^bytes=\([0-9]*\) pid=\([0-9]*\)$/\1 \2/p' "$1/hold.out")
	echo "holding: $HOLD"
	[ -n "$HOLD" ]
}

# parts_of EVENTS: each record of the JSON array EVENTS, in part order,
# as "PART BYTES REASON FINAL SESSION", one per line.
parts_of() {
	jq -r 'sort_by(.part) | .[] | "\(.part) \(.bytes) \(.end_reason) \(.final) \(.session_id)"'
}

@test "ebpf: dauditd's stop writes the last record of every session still open (reason unload): nothing read before the stop is lost" {
	d=$BATS_TEST_TMPDIR
	alice=$(uid_of alice)
	ebpf_conf "$d/s.conf" "$d/s.db"
	start_ebpf "$d/s.conf" "$d/dauditd.log"
	hold_open "$d" "$F" 100000
	read -r n pid <<<"$HOLD"
	[ "$n" -eq 100000 ]
	stop_collector
	cat "$d/dauditd.log"
	# Stored before dauditd exited: the database alone answers.
	ev=$(daudit events --type read --limit 0 --format json --until "$(later)" |
		jq -c --arg p "$F" --argjson pid "$pid" 'map(select(.path == $p and .pid == $pid))')
	kill "$pid"
	echo "$ev" | jq -c '.[] | {pid, bytes, calls, paths, part, end_reason, final, uid, auid}'
	[ "$(echo "$ev" | jq length)" -eq 1 ]
	[ "$(echo "$ev" | jq -r '.[0] | "\(.bytes) \(.paths) \(.end_reason) \(.final) \(.part) \(.uid) \(.auid)"')" = "100000 read unload 1 0 $alice $alice" ]
}

@test "ebpf: interim records at ebpf_flush_kb: 1,000,000 bytes read in 4 KiB reads with 256 KiB make three of 262,144 and a last one of the rest, one session" {
	d=$BATS_TEST_TMPDIR
	ebpf_conf "$d/b.conf" "$d/b.db" "sensor = ebpf
ebpf_flush_kb = 256
ebpf_flush_age_sec = 0"
	start_ebpf "$d/b.conf" "$d/dauditd.log"
	out=$(as_user alice reader read "$DATA/accounts.db")
	echo "$out"
	pid=$(echo "$out" | sed -n 's/.* pid=\([0-9]*\)$/\1/p')
	[ "$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')" -eq 1000000 ]
	for _ in $(seq 50); do
		ev=$(reads_by_pid "$DATA/accounts.db" "$pid")
		[ "$(echo "$ev" | jq length)" -ge 4 ] && break
		sleep 0.1
	done
	parts=$(echo "$ev" | parts_of)
	echo "$parts"
	sid=$(echo "$ev" | jq -r '.[0].session_id')
	[ "$parts" = "0 262144 bytes 0 $sid
1 262144 bytes 0 $sid
2 262144 bytes 0 $sid
3 213568 close 1 $sid" ]
	stop_collector
}

@test "ebpf: interim records at ebpf_flush_age_sec: a file read and held open gets an age record of its bytes, then a last one at its exit" {
	d=$BATS_TEST_TMPDIR
	ebpf_conf "$d/a.conf" "$d/a.db" "sensor = ebpf
ebpf_flush_age_sec = 1"
	start_ebpf "$d/a.conf" "$d/dauditd.log"
	hold_open "$d" "$F" 30000
	read -r n pid <<<"$HOLD"
	[ "$n" -eq 30000 ]
	# Within a second or two of the age threshold, while it is still open.
	for _ in $(seq 100); do
		ev=$(daudit events --type read --limit 0 --format json --until "$(later)" |
			jq -c --arg p "$F" --argjson pid "$pid" 'map(select(.path == $p and .pid == $pid))')
		[ "$(echo "$ev" | jq length)" -ge 1 ] && break
		sleep 0.1
	done
	echo "$ev" | parts_of
	[ "$(echo "$ev" | parts_of | cut -d' ' -f1-4)" = "0 30000 age 0" ]
	kill "$pid"
	ev=$(reads_by_pid "$F" "$pid")
	for _ in $(seq 50); do
		[ "$(echo "$ev" | jq length)" -ge 2 ] && break
		sleep 0.1
		ev=$(reads_by_pid "$F" "$pid")
	done
	echo "$ev" | parts_of
	sid=$(echo "$ev" | jq -r '.[0].session_id')
	# Nothing read after the interim record; the session ends at the exit.
	[ "$(echo "$ev" | parts_of)" = "0 30000 age 0 $sid
1 0 exit 1 $sid" ]
	stop_collector
}

@test "ebpf: kill -9 of dauditd leaves nothing attached: the kernel unloads the programs with their last descriptor" {
	d=$BATS_TEST_TMPDIR
	ebpf_conf "$d/k.conf" "$d/k.db"
	start_ebpf "$d/k.conf" "$d/dauditd.log"
	# The JIT's symbols name each loaded program (bpf_jit_kallsyms).
	grep -qE 'bpf_prog_[0-9a-f]+_sys_read([[:space:]]|$)' /proc/kallsyms
	grep -qE 'bpf_prog_[0-9a-f]+_sys_copy_file_range([[:space:]]|$)' /proc/kallsyms
	kill -KILL "$DAUDITD_PID"
	wait "$DAUDITD_PID" || true
	for _ in $(seq 100); do
		grep -qE 'bpf_prog_[0-9a-f]+_sys_read([[:space:]]|$)' /proc/kallsyms || break
		sleep 0.1
	done
	left=$(grep -E 'bpf_prog_[0-9a-f]+_(sys_read|sys_preadv2|sys_sendfile64|sys_splice|sys_copy_file_range|uring_read_exit|uring_recv_exit|file_put|proc_exit)([[:space:]]|$)' /proc/kallsyms || true)
	echo "left: $left"
	[ -z "$left" ]
	# And reads go on unrecorded, unhindered.
	[ "$(read_as alice read "$F")" -eq 100000 ]
}

@test "ebpf: with only the capabilities of the packaged unit's bounding set dauditd loads the sensor and records a copy" {
	d=$BATS_TEST_TMPDIR
	keep=$(sed -n 's/^CapabilityBoundingSet=//p' "$BATS_TEST_DIRNAME/dauditd.service" |
		tr 'A-Z ' 'a-z\n' | sed '/^$/d')
	echo "the unit keeps: $keep"
	echo "$keep" | grep -qx cap_bpf
	echo "$keep" | grep -qx cap_perfmon
	drop=$(capsh --print | sed -n 's/^Bounding set =//p' | tr , '\n' |
		grep -vxF -f <(echo "$keep") | tr '\n' , | sed 's/,$//')
	echo "dropped: $drop"
	echo "$drop" | grep -q cap_sys_admin
	ebpf_conf "$d/u.conf" "$d/u.db" "sensor = auto"
	# start_collector runs dauditd: here through capsh, exec all the way
	# so that its pid is dauditd's.
	# shellcheck disable=SC2317 # called by start_collector
	dauditd() {
		exec capsh --shell="$(command -v bash)" --drop="$drop" -- -c 'exec dauditd "$@"' dauditd "$@"
	}
	start_ebpf "$d/u.conf" "$d/dauditd.log"
	unset -f dauditd
	grep CapEff "/proc/$DAUDITD_PID/status"
	[ "$(capsh --decode="$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$DAUDITD_PID/status")" |
		sed 's/.*=//' | tr , '\n' | sort | tr '\n' ' ')" = "$(echo "$keep" | sort | tr '\n' ' ')" ]
	check_copy sendfile-sock sendfile 0
	stop_collector
}

@test "ebpf: loading without CAP_BPF or CAP_PERFMON names what is missing" {
	d=$BATS_TEST_TMPDIR
	ebpf_conf "$d/c.conf" "$d/c.db"
	run capsh --shell="$(command -v bash)" --drop=cap_bpf,cap_perfmon,cap_sys_admin -- -c "dauditd --config $d/c.conf"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'needs CAP_BPF and CAP_PERFMON (or root): CAP_BPF and CAP_PERFMON are missing'
	run capsh --shell="$(command -v bash)" --drop=cap_perfmon,cap_sys_admin -- -c "dauditd --config $d/c.conf"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'CAP_PERFMON is missing'
}
