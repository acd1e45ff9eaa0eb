#!/usr/bin/env bats
# Reads an insider might use to dodge per-page accounting of a mapping
# (issue 12): each test proves the data was really obtained (the copy the
# reader made equals the file) and checks the bytes recorded.

load lib

THP=/srv/thp
SHM=/srv/shm
XFS=/srv/xfs
EXT4=/srv/ext4
POLLED=/srv/polled
DM=/srv/dm

setup_file() {
	load lib
	fresh_module
	# A tmpfs whose files are huge folios, protected as a tree of its own
	# (a tree does not cross into another mount).
	mkdir -p "$THP"
	huge_always=huge=always, huge_advise=huge=advise,
	have_thp || { huge_always=''; huge_advise=''; }
	mount -t tmpfs -o "${huge_always}size=64m,mode=0755" daudit-thp "$THP"
	# And one whose files have small pages unless a mapping asks
	# (huge=advise), where MADV_COLLAPSE makes huge ones.
	mkdir -p "$SHM"
	mount -t tmpfs -o "${huge_advise}size=64m,mode=0755" daudit-shm "$SHM"
	head -c 4194307 /dev/urandom >"$SHM/big.bin"
	chmod a+r "$SHM/big.bin"
	cat >>"$POLICY" <<POL
dataset hugepages {
	tree $THP
	tree $SHM
}
dataset db {
	tcp 127.0.0.1 port 5565
}
POL
	head -c 200000 /dev/urandom >/srv/rows.bin
	chmod a+r /srv/rows.bin
	# 4 MiB + 3 bytes: two whole huge pages and a 3-byte tail.
	head -c 4194307 /dev/urandom >"$THP/big.bin"
	head -c 100003 /dev/urandom >"$THP/small.bin"
	chmod a+r "$THP"/*.bin
	# An xfs (reflinks) on a loop device: a protected tree and a place
	# anyone may write.
	modprobe -a overlay xfs ext4 loop
	truncate -s 320M /tmp/daudit-xfs.img
	mkfs.xfs -q /tmp/daudit-xfs.img
	mkdir -p "$XFS"
	mount -o loop /tmp/daudit-xfs.img "$XFS"
	mkdir -p "$XFS/prot" "$XFS/pub"
	chmod 1777 "$XFS/pub"
	head -c 1000003 /dev/urandom >"$XFS/prot/big.bin"
	chmod a+r "$XFS/prot/big.bin"
	echo "daudit-raw-marker-$$-$RANDOM" >"$XFS/prot/marker.txt"
	head -c 1048576 /dev/urandom >"$XFS/prot/direct.bin"
	chmod a+r "$XFS/prot/direct.bin"
	# An xfs on a device with poll queues (null_blk, memory-backed), for
	# polled io_uring rings: 6.12 refuses them on a device that cannot
	# poll.
	modprobe null_blk nr_devices=1 queue_mode=2 poll_queues=1 memory_backed=1 gb=1 bs=4096
	mkfs.xfs -q /dev/nullb0
	mkdir -p "$POLLED"
	mount /dev/nullb0 "$POLLED"
	mkdir -p "$POLLED/prot"
	head -c 1048576 /dev/urandom >"$POLLED/prot/direct.bin"
	chmod a+r "$POLLED/prot/direct.bin"
	# An ext4 on a loop device.
	truncate -s 64M /tmp/daudit-ext4.img
	mkfs.ext4 -q -F /tmp/daudit-ext4.img
	mkdir -p "$EXT4"
	mount -o loop /tmp/daudit-ext4.img "$EXT4"
	mkdir -p "$EXT4/prot"
	head -c 1048576 /dev/urandom >"$EXT4/prot/direct.bin"
	chmod a+r "$EXT4/prot/direct.bin"
	# A second name, outside the tree, made before the policy exists.
	head -c 300007 /dev/urandom >"$EXT4/prot/ledger.csv"
	chmod a+r "$EXT4/prot/ledger.csv"
	mkdir -p "$EXT4/pub"
	ln "$EXT4/prot/ledger.csv" "$EXT4/pub/early.csv"
	# An ext4 on a device-mapper linear device over a loop device: the
	# loop device is a member, its blocks the file system's.
	modprobe dm-mod
	truncate -s 32M /tmp/daudit-dm.img
	dmsetup create daudit-lin --table "0 65536 linear $(losetup -f --show /tmp/daudit-dm.img) 0"
	# No udev in the guest: dmsetup makes the /dev/mapper node itself.
	dmsetup mknodes daudit-lin
	mkfs.ext4 -q /dev/mapper/daudit-lin
	mkdir -p "$DM"
	mount /dev/mapper/daudit-lin "$DM"
	mkdir -p "$DM/prot"
	echo "daudit-dm-marker-$$-$RANDOM" >"$DM/prot/marker.txt"
	sync
	cat >>"$POLICY" <<POL
dataset mapped {
	tree $DM/prot
}
dataset reflinked {
	tree $XFS/prot
}
dataset polled {
	tree $POLLED/prot
}
dataset ext4 {
	tree $EXT4/prot
}
POL
	load_policy
	start_bg TCP netpeer serve tcp 127.0.0.1:5565 /srv/rows.bin
}

teardown_file() {
	stop_bg TCP
	unload_module
	umount "$THP" 2>/dev/null || true
	umount "$XFS" 2>/dev/null || true
	umount "$EXT4" 2>/dev/null || true
	umount "$SHM" 2>/dev/null || true
	umount "$POLLED" 2>/dev/null || true
	umount "$DM" 2>/dev/null || true
	dmsetup remove daudit-lin 2>/dev/null || true
	losetup -j /tmp/daudit-dm.img | cut -d: -f1 | xargs -r losetup -d
	rmmod null_blk 2>/dev/null || true
	rm -rf /tmp/ovl-alice /tmp/daudit-xfs.img /tmp/daudit-ext4.img /tmp/daudit-dm.img
}

setup() {
	drain_records /dev/null
	rm -f /tmp/memread.out
}

# mapped_bytes PATH: mmap bytes recorded for PATH (memread's records).
mapped_bytes() {
	jq -s --arg p "$1" '[.[] | select(.event.action == "file_read" and .file.path == $p and .process.name == "memread") | .daudit.mmap_bytes // 0] | add // 0' "$RECS"
}

# reader_auid PATH: the audit login ids of memread's records of PATH.
reader_auid() {
	jq -r --arg p "$1" 'select(.event.action == "file_read" and .file.path == $p and .process.name == "memread") | .user.audit.id' "$RECS" | sort -u
}

@test "transparent huge pages: a file mapped by PMD entries counts every byte mapped" {
	need_thp
	f=$THP/big.bin
	out=$(as_user alice memread thp "$f" /tmp/memread.out)
	echo "$out"
	cmp "$f" /tmp/memread.out
	drain_records
	file_records "$f" >&2
	m=$(mapped_bytes "$f")
	echo "mapped $m bytes of $(stat -c %s "$f")" >&2
	# Two PMDs of 2 MiB and the tail page: the whole file, no less.
	[ "$m" -ge 4194307 ]
	[ "$m" -le $((4194307 + 2 * 1048576)) ]
	[ "$(field_of "$f" .daudit.dataset)" = hugepages ]
	[ "$(reader_auid "$f")" = "$(uid_of alice)" ]
}

@test "MADV_COLLAPSE of a tmpfs file's small pages, then a later mapping by PMD entries: every byte mapped counted" {
	need_thp
	f=$SHM/big.bin
	collapsed=
	for _ in 1 2 3 4 5; do
		if out=$(as_user alice memread collapse "$f" /tmp/memread.out 2>&1); then
			collapsed=1
			break
		fi
		# EAGAIN: no huge page could be had at that moment (madvise(2):
		# transient).  Compact memory, forget the attempt's records, retry.
		[[ "$out" == *"madvise(MADV_COLLAPSE): Resource temporarily unavailable"* ]] || break
		echo "$out" >&2
		echo 1 >/proc/sys/vm/compact_memory
		drain_records /dev/null
		sleep 1
	done
	if [ -z "$collapsed" ]; then
		echo "$out"
		# The kernel, not the test, decides: 6.1 refuses this collapse.
		[[ "$out" == *"madvise(MADV_COLLAPSE): Invalid argument"* ]]
		skip "this kernel refuses MADV_COLLAPSE of a tmpfs file's mapping (EINVAL)"
	fi
	echo "$out"
	cmp "$f" /tmp/memread.out
	# The technique happened: the later mapping is by PMD entries.
	pmd=$(echo "$out" | sed -n 's/.* pmd_kb=\([0-9]*\)$/\1/p')
	[ "$pmd" -ge 4096 ]
	drain_records
	file_records "$f" >&2
	m=$(mapped_bytes "$f")
	echo "mapped $m bytes of $(stat -c %s "$f")" >&2
	echo "# collapse: mapped $m bytes of 4194307 in two mappings; pmd_kb=$pmd" >&3
	# Two mappings, each of the whole file (the collapse maps the first
	# at once): every byte twice, within a page.
	[ "$m" -ge $((2 * 4194307)) ]
	[ "$m" -le $((2 * (4194304 + 4096))) ]
	[ "$(reader_auid "$f")" = "$(uid_of alice)" ]
}

@test "MADV_HUGEPAGE mapping of a protected file on xfs: every byte mapped counted" {
	need_thp
	f=$XFS/prot/big.bin
	out=$(as_user alice memread thp "$f" /tmp/memread.out)
	echo "$out"
	cmp "$f" /tmp/memread.out
	drain_records
	m=$(mapped_bytes "$f")
	echo "# xfs MADV_HUGEPAGE: mapped $m bytes of $(stat -c %s "$f")" >&3
	[ "$m" -ge "$(stat -c %s "$f")" ]
	[ "$m" -le $(($(stat -c %s "$f") + 2 * 1048576)) ]
	[ "$(reader_auid "$f")" = "$(uid_of alice)" ]
}

@test "userfaultfd minor faults resolved with UFFDIO_CONTINUE count every page mapped" {
	f=$THP/small.bin
	run as_user alice memread uffd "$f" /tmp/memread.out
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$f" /tmp/memread.out
	drain_records
	file_records "$f" >&2
	m=$(mapped_bytes "$f")
	echo "mapped $m bytes of $(stat -c %s "$f")" >&2
	# 100,003 bytes are 25 pages, each mapped by one UFFDIO_CONTINUE.
	[ "$m" -ge $((25 * 4096)) ]
	[ "$m" -le $((26 * 4096)) ]
	[ "$(reader_auid "$f")" = "$(uid_of alice)" ]
}

# expect_read_by SEL BYTES PATHS: the records matching the jq filter SEL
# (drained already) count BYTES in all, all of alice's, all by way of the
# read paths PATHS.
expect_read_by() {
	records_where "$1" >&2
	[ "$(sum_where "$1")" -eq "$2" ]
	[ "$(records_where "$1" | jq -r .user.audit.id | sort -u)" = "$(uid_of alice)" ]
	[ "$(records_where "$1" | jq -r '.daudit.read_paths | join(",")' | sort -u)" = "$3" ]
}

# xfs_device: the block device the xfs is mounted from.
xfs_device() {
	local dev
	dev=$(awk -v m="$XFS" '$2 == m { print $1 }' /proc/mounts)
	[ -b "$dev" ]
	echo "$dev"
}

# marker_phys: where the protected file marker.txt's bytes are on that
# device (a multiple of 4096).
marker_phys() {
	local ext phys
	ext=$(reflink extent "$XFS/prot/marker.txt")
	echo "$ext" >&2
	phys=$(echo "$ext" | sed -n 's/^physical=\([0-9]*\) .*/\1/p')
	[ -n "$phys" ]
	[ $((phys % 4096)) -eq 0 ]
	echo "$phys"
}

# expect_raw_read DEV PROG BYTES PATHS [TREE DATASET]: /tmp/raw.blk, read
# from DEV, holds the marker of TREE (default: the xfs's protected tree)
# (the data really was obtained); root's PROG is recorded reading BYTES of
# DEV as DATASET (reflinked), by the read paths PATHS.
expect_raw_read() {
	local sel
	# Without the NULs: busybox grep misses a match in a "line" of
	# megabytes of zeros.
	tr -d '\000' </tmp/raw.blk | grep -a -q -F "$(cat "${5:-$XFS/prot}/marker.txt")"
	rm -f /tmp/raw.blk
	drain_records
	sel=".event.action == \"file_read\" and .file.path == \"$1\" and .process.name == \"$2\""
	records_where "$sel" | head -n 3 >&2
	[ "$(sum_where "$sel")" -eq "$3" ]
	[ "$(records_where "$sel" | jq -r .daudit.dataset | sort -u)" = "${6:-reflinked}" ]
	[ "$(records_where "$sel" | jq -r .user.id | sort -u)" = 0 ]
	[ "$(records_where "$sel" | jq -r '.daudit.read_paths | join(",")' | sort -u)" = "$4" ]
}

# aio_file MODE [FILE]: legacy AIO MODE of FILE (default: a protected
# tmpfs file) by alice: exact bytes, attributed to her, read path "aio",
# no probe missed.
aio_file() {
	f=${2:-$DATA/accounts.db}
	out=$(as_user alice aioread "$1" "$f" /tmp/memread.out)
	echo "$out"
	cmp "$f" /tmp/memread.out
	drain_records
	expect_read_by ".event.action == \"file_read\" and .file.path == \"$f\" and .process.name == \"aioread\"" \
		"$(stat -c %s "$f")" aio
	[ "$(daudit status --format json | jq .probes_missed)" -eq 0 ]
}

@test "legacy AIO: io_submit IOCB_CMD_PREAD of a protected file" {
	aio_file pread
}

@test "legacy AIO: io_submit IOCB_CMD_PREADV of a protected file" {
	aio_file preadv
}

@test "legacy AIO: io_submit IOCB_CMD_PREAD with O_DIRECT on xfs (completed from the interrupt)" {
	aio_file direct "$XFS/prot/direct.bin"
}

@test "legacy AIO: io_submit IOCB_CMD_PREAD of a protected file on ext4" {
	aio_file pread "$EXT4/prot/direct.bin"
}

@test "legacy AIO: io_submit IOCB_CMD_PREAD with O_DIRECT on ext4 (completed from the interrupt)" {
	aio_file direct "$EXT4/prot/direct.bin"
}

@test "legacy AIO: O_DIRECT through overlayfs in a user namespace over a protected xfs tree" {
	f=$XFS/prot/direct.bin
	out=$(OVL_LOWER=$XFS/prot in_overlay aioread direct /tmp/ovl-alice/m/direct.bin /tmp/ovl-alice/out)
	echo "$out"
	cmp "$f" /tmp/ovl-alice/out
	drain_records
	# Recorded under the protected file's own path, not the overlay's.
	expect_read_by ".event.action == \"file_read\" and .file.path == \"$f\" and .process.name == \"aioread\"" \
		"$(stat -c %s "$f")" aio
	[ "$(daudit status --format json | jq .probes_missed)" -eq 0 ]
}

@test "root: legacy AIO O_DIRECT read of the block device holding a protected tree" {
	dev=$(xfs_device)
	phys=$(marker_phys)
	out=$(aioread direct "$dev" /tmp/raw.blk "$phys" 65536)
	echo "$out"
	[ "$(stat -c %s /tmp/raw.blk)" -eq 65536 ]
	expect_raw_read "$dev" aioread 65536 aio
	[ "$(daudit status --format json | jq .probes_missed)" -eq 0 ]
}

@test "legacy AIO: io_submit IOCB_CMD_PREAD on a protected TCP socket" {
	out=$(as_user alice aioread tcp 127.0.0.1:5565 /tmp/memread.out)
	echo "$out"
	cmp /srv/rows.bin /tmp/memread.out
	drain_records
	expect_read_by '.event.action == "socket_read" and .server.port == 5565' 200000 aio
}

# fdswap_read READ SWAP: alice reads a protected file for 3 s with READ
# through a descriptor that another of her threads keeps swapping for
# /dev/null with SWAP (fdswap): every byte she obtained is recorded for
# the file, hers, and the reads that ended with the descriptor elsewhere
# carry read path "fd_swapped".  Before, none of them was recorded.
fdswap_read() {
	local f=$DATA/accounts.db sel out got size
	size=$(stat -c %s "$f")
	out=$(as_user alice fdswap "$f" 3 "$1" "$2")
	echo "$out"
	echo "$out" | grep -q ' same=yes$'
	got=$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	[ "$got" -gt 0 ]
	drain_records
	sel=".event.action == \"file_read\" and .file.path == \"$f\" and .process.name == \"fdswap\""
	echo "# $1/$2: recorded $(sum_where "$sel") bytes; obtained $got ($out), and $size read once first" >&3
	[ "$(sum_where "$sel")" -eq $((got + size)) ]
	[ "$(records_where "$sel" | jq -r .user.audit.id | sort -u)" = "$(uid_of alice)" ]
	records_where "$sel" | jq -r '.daudit.read_paths[]' | sort -u | grep -qx fd_swapped
	[ "$(daudit status --format json | jq .probes_missed)" -eq 0 ]
}

@test "a descriptor swapped for /dev/null by dup2 from another thread during pread: every byte recorded" {
	fdswap_read pread dup2
}

@test "a descriptor swapped for /dev/null by dup2 from another thread during 4 KiB preads: every byte recorded" {
	fdswap_read pread4k dup2
}

@test "a descriptor closed and reopened by another thread during read(2): every byte recorded" {
	fdswap_read read close
}

@test "a descriptor closed by close_range and reopened by another thread during pread: every byte recorded" {
	fdswap_read pread close_range
}

@test "a descriptor closed by io_uring CLOSE and reopened by another thread during pread: every byte recorded" {
	fdswap_read pread uring_close
}

@test "a descriptor closed by io_uring CLOSE in an io-wq worker (IOSQE_ASYNC) during pread: every byte recorded" {
	fdswap_read pread uring_close_async
}

@test "a descriptor swapped for /dev/null by dup2 from another thread during readv: every byte recorded" {
	fdswap_read readv dup2
}

@test "a descriptor replaced by a seccomp supervisor (SECCOMP_ADDFD_FLAG_SETFD) during pread: every byte recorded" {
	fdswap_read pread seccomp_setfd
}

# uring_file MODE PATHS: a protected file read by alice with uring-read
# MODE: exact bytes, her login user, read paths PATHS.  What uring-read
# printed is left in /tmp/uring-read.out.
uring_file() {
	local out
	f=$DATA/accounts.db
	out=$(as_user alice uring-read "$1" "$f" /tmp/memread.out)
	echo "$out" | tee /tmp/uring-read.out
	cmp "$f" /tmp/memread.out
	drain_records
	expect_read_by ".event.action == \"file_read\" and .file.path == \"$f\" and .process.name == \"uring-read\"" \
		"$(stat -c %s "$f")" "$2"
}

@test "io_uring SPLICE from a protected file into a pipe" {
	uring_file splice io_uring_other
}

@test "io_uring SPLICE from a registered file (SPLICE_F_FD_IN_FIXED)" {
	uring_file splice-fixed io_uring_other
}

@test "io_uring SPLICE with IOSQE_CQE_SKIP_SUCCESS: no completion, every byte recorded" {
	uring_file splice-skip io_uring_other
}

# in_overlay CMD...: CMD as alice in a user and mount namespace of her own,
# where a read-only overlayfs at /tmp/ovl-alice/m has the protected tree
# (OVL_LOWER, default /srv/customers) as its top lower layer.  No
# privilege: overlayfs mounts in a user namespace, which an ordinary user
# may create.
in_overlay() {
	# shellcheck disable=SC2016 # expanded by the inner shell
	as_user alice env OVL_LOWER="${OVL_LOWER:-/srv/customers}" unshare -rm sh -c '
		mkdir -p /tmp/ovl-alice/empty /tmp/ovl-alice/m &&
		mount -t overlay daudit-ovl \
			-o lowerdir="$OVL_LOWER":/tmp/ovl-alice/empty /tmp/ovl-alice/m &&
		exec "$@"' sh "$@"
}

@test "overlayfs in a user namespace over the protected tree: read(2)" {
	f=$DATA/customers.csv
	out=$(in_overlay sh -c 'reader read /tmp/ovl-alice/m/customers.csv &&
		cat /tmp/ovl-alice/m/customers.csv >/tmp/ovl-alice/out')
	echo "$out"
	cmp "$f" /tmp/ovl-alice/out
	n=$(echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	[ "$n" -eq "$(stat -c %s "$f")" ]
	drain_records
	# The reader's read(2)s and cat's sendfile: alice read the file twice.
	expect_read_by ".event.action == \"file_read\" and .file.path == \"$f\" and .process.name == \"reader\"" \
		"$n" read
	[ "$(sum_where ".event.action == \"file_read\" and .file.path == \"$f\" and .user.audit.id == \"$(uid_of alice)\"")" -eq $((2 * n)) ]
	[ "$(field_of "$f" .daudit.dataset)" = customers ]
	# The record names the protected file itself, not the overlay's inode.
	[ "$(field_of "$f" .file.inode)" = "$(stat -c %i "$f")" ]
}

@test "overlayfs in a user namespace over the protected tree: mmap" {
	f=$DATA/customers.csv
	out=$(in_overlay memread map /tmp/ovl-alice/m/customers.csv /tmp/ovl-alice/out)
	echo "$out"
	cmp "$f" /tmp/ovl-alice/out
	drain_records
	file_records "$f" >&2
	m=$(mapped_bytes "$f")
	echo "mapped $m bytes of $(stat -c %s "$f")" >&2
	# 100,000 bytes are 25 pages.
	[ "$m" -ge "$(stat -c %s "$f")" ]
	[ "$m" -le $((25 * 4096)) ]
	[ "$(reader_auid "$f")" = "$(uid_of alice)" ]
}

@test "io_uring READ with IOSQE_CQE_SKIP_SUCCESS: no completion posted, every byte recorded" {
	uring_file skip io_uring_read
	[ "$(daudit status --format json | jq .probes_missed)" -eq 0 ]
}

# reflinked BYTES: alice's reflink of $XFS/prot/big.bin made BYTES of it
# hers (read path "reflink"), and her cat of the clone, $XFS/pub/clone.bin,
# counts as a read of the protected file too.
reflinked() {
	f=$XFS/prot/big.bin
	cat "$XFS/pub/clone.bin" >/tmp/memread.out
	drain_records
	expect_read_by ".event.action == \"file_read\" and .file.path == \"$f\" and .process.name == \"reflink\"" \
		"$1" reflink
	[ "$(field_of "$f" .daudit.dataset)" = reflinked ]
	as_user alice cat "$XFS/pub/clone.bin" >/dev/null
	drain_records
	[ "$(sum_where ".event.action == \"file_read\" and .file.path == \"$f\" and .process.name == \"cat\" and .user.audit.id == \"$(uid_of alice)\"")" -eq "$(stat -c %s "$XFS/pub/clone.bin")" ]
}

@test "io_uring READ with IOSQE_CQE_SKIP_SUCCESS, O_DIRECT on xfs (completed asynchronously)" {
	f=$XFS/prot/direct.bin
	as_user alice env URING_O_DIRECT=1 uring-read skip "$f" /tmp/memread.out
	cmp "$f" /tmp/memread.out
	drain_records
	expect_read_by ".event.action == \"file_read\" and .file.path == \"$f\" and .process.name == \"uring-read\"" \
		1048576 io_uring_read
}

@test "io_uring READs completing into a full completion queue (overflow): every byte recorded" {
	uring_file overflow io_uring_read
	# The technique itself happened: the kernel flagged the overflow.
	grep -qx overflowed=1 /tmp/uring-read.out
}

# polled_run MODE FILE: alice reads FILE (1 MiB, protected, O_DIRECT) with
# uring-read MODE on a polled ring (IORING_SETUP_IOPOLL); what it printed
# is in /tmp/uring-read.out.  polled_check FILE: she obtained FILE, and
# the records say so: exact bytes, hers, read path io_uring_read.
polled_run() {
	as_user alice env URING_O_DIRECT=1 URING_IOPOLL=1 uring-read "$1" "$2" /tmp/memread.out \
		>/tmp/uring-read.out 2>&1
}

polled_check() {
	cat /tmp/uring-read.out
	cmp "$1" /tmp/memread.out
	drain_records
	expect_read_by ".event.action == \"file_read\" and .file.path == \"$1\" and .process.name == \"uring-read\"" \
		1048576 io_uring_read
	[ "$(daudit status --format json | jq .probes_missed)" -eq 0 ]
}

@test "io_uring READ on a polled ring (IORING_SETUP_IOPOLL), O_DIRECT on xfs on a device with poll queues" {
	polled_run read "$POLLED/prot/direct.bin"
	polled_check "$POLLED/prot/direct.bin"
}

@test "io_uring READ on a polled ring with IOSQE_CQE_SKIP_SUCCESS (no completion posted)" {
	polled_run skip "$POLLED/prot/direct.bin"
	polled_check "$POLLED/prot/direct.bin"
}

@test "io_uring READs on a polled ring completing into a full completion queue (overflow)" {
	polled_run overflow "$POLLED/prot/direct.bin"
	polled_check "$POLLED/prot/direct.bin"
	grep -qx overflowed=1 /tmp/uring-read.out
}

@test "io_uring READ on a polled ring over a device that cannot poll (completed by the loop device's worker)" {
	if ! polled_run skip "$XFS/prot/direct.bin"; then
		cat /tmp/uring-read.out
		# The kernel, not the test, decides: 6.12 refuses such a ring's reads.
		grep -q "Operation not supported" /tmp/uring-read.out
		skip "this kernel refuses polled reads on a device that cannot poll (EOPNOTSUPP)"
	fi
	polled_check "$XFS/prot/direct.bin"
}

@test "reflink (FICLONE) of a protected file on xfs: a copy of every byte, and the clone stays protected" {
	f=$XFS/prot/big.bin
	rm -f "$XFS/pub/clone.bin"
	out=$(as_user alice reflink clone "$f" "$XFS/pub/clone.bin")
	echo "$out"
	cmp "$f" "$XFS/pub/clone.bin"
	reflinked "$(stat -c %s "$f")"
}

@test "reflink (FICLONERANGE) of part of a protected file on xfs: the bytes cloned" {
	f=$XFS/prot/big.bin
	rm -f "$XFS/pub/clone.bin"
	out=$(as_user alice reflink range "$f" "$XFS/pub/clone.bin" 65536)
	echo "$out"
	cmp -n 65536 "$f" "$XFS/pub/clone.bin"
	reflinked 65536
}

@test "root: a loop device set up over a protected file is an alert, by losetup (LOOP_CONFIGURE) and busybox losetup (LOOP_SET_FD)" {
	img=$DATA/disk.img pub=/srv/public/disk.img
	head -c 1048576 /dev/urandom >"$img"
	cp "$img" "$pub"
	drain_records /dev/null
	dev=$(losetup -f --show "$img")
	losetup -d "$dev"
	dev2=$(busybox losetup -f)
	busybox losetup "$dev2" "$img"
	busybox losetup -d "$dev2"
	# The same over a file that is not protected: no alert.
	dev3=$(losetup -f --show "$pub")
	losetup -d "$dev3"
	rm -f "$img" "$pub"
	drain_records
	sel='.event.action == "loop-protected-file"'
	records_where "$sel" >&2
	[ "$(records_where "$sel" | wc -l)" -eq 2 ]
	[ "$(records_where "$sel" | jq -r .file.path | sort -u)" = "$img" ]
	[ "$(records_where "$sel" | jq -r .daudit.loop.device | sort | tr '\n' ' ')" = "$(printf '%s\n' "$dev" "$dev2" | sort | tr '\n' ' ')" ]
	[ "$(records_where "$sel" | jq -r .daudit.dataset | sort -u)" = customers ]
	[ "$(records_where "$sel" | jq -r .user.id | sort -u)" = 0 ]
	[ "$(records_where "$sel" | jq -r '.event.kind' | sort -u)" = alert ]
}

@test "root: open_by_handle_at of a protected file whose dentry the cache dropped (no parent known)" {
	f=$XFS/prot/big.bin
	fhandle save "$f" /tmp/big.handle
	# Nothing holds the file's dentry: the kernel drops it, so the file
	# opened by its handle gets a dentry with no known parent.
	sync
	echo 3 >/proc/sys/vm/drop_caches
	out=$(fhandle read "$XFS" /tmp/big.handle /tmp/fh.out)
	echo "$out"
	cmp "$f" /tmp/fh.out
	rm -f /tmp/fh.out /tmp/big.handle
	drain_records
	sel='.event.action == "file_read" and .process.name == "fhandle"'
	records_where "$sel" >&2
	[ "$(sum_where "$sel")" -eq "$(stat -c %s "$f")" ]
	[ "$(records_where "$sel" | jq -r .daudit.dataset | sort -u)" = reflinked ]
	[ "$(records_where "$sel" | jq -r .user.id | sort -u)" = 0 ]
	# Where the file lies was not known: the record says so.
	[ "$(records_where "$sel" | jq -r .file.path | sort -u)" = "$XFS/prot/.../(inode $(stat -c %i "$f"), name unknown)" ]
}

@test "a hard link made before the policy was loaded, read after the dentry cache dropped the tree's name" {
	f=$EXT4/prot/ledger.csv
	# The loader found the file's second name and added it by inode.
	daudit policy show | grep -Fx "	linked $f"
	# Nothing holds the in-tree name now: the kernel drops it, and the
	# link outside the tree is all a later open finds in the cache.
	sync
	echo 2 >/proc/sys/vm/drop_caches
	as_user alice cat "$EXT4/pub/early.csv" >/tmp/early.out
	cmp "$f" /tmp/early.out
	rm -f /tmp/early.out
	drain_records
	sel='.event.action == "file_read" and .process.name == "cat"'
	records_where "$sel" >&2
	[ "$(sum_where "$sel")" -eq "$(stat -c %s "$f")" ]
	[ "$(records_where "$sel" | jq -r .file.path | sort -u)" = "$f" ]
	[ "$(records_where "$sel" | jq -r .daudit.dataset | sort -u)" = ext4 ]
	[ "$(records_where "$sel" | jq -r .user.audit.id | sort -u)" = "$(uid_of alice)" ]
}

@test "root: a raw read of the device below a device mapper holding a protected tree" {
	dev=$(losetup -j /tmp/daudit-dm.img | cut -d: -f1)
	[ -b "$dev" ]
	# The loader found it in sysfs, a member of the device mapper's device.
	daudit policy show | grep -Fx "	device $dev"
	dd if="$dev" of=/tmp/raw.blk bs=1M count=32 2>/dev/null
	expect_raw_read "$dev" dd 33554432 read "$DM/prot" mapped
}

@test "root: a raw read of the block device holding a protected tree" {
	dev=$(xfs_device)
	phys=$(marker_phys)
	# Read the protected file's block only (the whole device is 320 MiB,
	# minutes under emulation).
	dd if="$dev" of=/tmp/raw.blk bs=4096 skip=$((phys / 4096)) count=1 2>/dev/null
	expect_raw_read "$dev" dd 4096 read
}
