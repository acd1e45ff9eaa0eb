#!/usr/bin/env bats
# Module life cycle, the device node, and the version/stats ioctls.

load lib

setup() {
	unload_module
}

teardown() {
	unload_module
}

@test "insmod and rmmod 20 times in a row: no warning, slab and vmalloc stable" {
	load_module && unload_module # warm caches
	before=$(slab_kb)
	for _ in $(seq 20); do
		load_module
		[ -c /dev/daudit ]
		unload_module
	done
	after=$(slab_kb)
	echo "unreclaimable slab + vmalloc: before ${before} KiB, after ${after} KiB"
	slab_stable "$before" "$after"
	check_dmesg_clean
	dmesg | grep -q 'daudit: loaded, version'
}

@test "module info: description, version and license" {
	modinfo "$DAUDIT_KO" | grep -q '^description: *Per-user audit of reads'
	modinfo "$DAUDIT_KO" | grep -q '^version: *[0-9]'
	modinfo "$DAUDIT_KO" | grep -q '^license: *GPL'
}

@test "a bad module parameter is refused and nothing is left loaded" {
	run insmod "$DAUDIT_KO" ring_kb=100
	[ "$status" -ne 0 ]
	run grep -q '^daudit ' /proc/modules
	[ "$status" -ne 0 ]
	dmesg | grep -q 'ring_kb=100: must be a power of two'
}

@test "/dev/daudit is a character device, mode 0600, owned by root" {
	load_module
	[ -c /dev/daudit ]
	[ "$(stat -c '%a %u %g' /dev/daudit)" = "600 0 0" ]
}

@test "an unprivileged user is refused when opening the device" {
	load_module
	run as_user alice devprobe open r
	echo "$output"
	[ "$output" = EACCES ]
	run as_user alice devprobe open w
	[ "$output" = EACCES ]
}

@test "root without CAP_SYS_ADMIN and CAP_AUDIT_READ is refused with EPERM" {
	load_module
	chmod 0666 /dev/daudit # let DAC pass so the capability check is what refuses
	run setpriv --bounding-set=-all --inh-caps=-all -- devprobe open r
	chmod 0600 /dev/daudit
	[ "$output" = EPERM ]
}

@test "a second concurrent consumer is refused with EBUSY; control handles are not" {
	load_module
	coproc HOLD { exec devprobe hold 60; }
	holder=$HOLD_PID
	read -r line <&"${HOLD[0]}"
	[ "$line" = HOLDING ]
	run devprobe open r
	[ "$output" = EBUSY ]
	run devprobe open rw
	[ "$output" = EBUSY ]
	run devprobe open w
	[ "$output" = OK ]
	kill "$holder"
	wait "$holder" || true
	run devprobe open r
	[ "$output" = OK ]
}

@test "daudit status with the module loaded prints version, ABI and counters; exits 3 until a policy is in force" {
	load_module
	run daudit status
	echo "$output"
	[ "$status" -eq 3 ]
	echo "$output" | grep -q '^policy: *NONE LOADED: nothing is protected'
	make_dataset
	load_policy
	run daudit status
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^module: *loaded, version [0-9.]*, ABI 1\.8'
	echo "$output" | grep -q '^records: *[0-9]* written, 0 dropped'
	echo "$output" | grep -q -E '^0 +[0-9]+ +0 +[0-9]+'
	run daudit status --format json
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '"abi_major":1'
}

@test "daudit status without the module says so in one line and exits non-zero" {
	run daudit status
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | grep -q 'daudit.ko is not loaded'
}

@test "daudit status names both ABI versions on a mismatch" {
	load_module
	run daudit-abi-test status
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	echo "$output" | grep -q 'ABI mismatch: daudit.ko .* speaks ABI 1\.8, this program speaks ABI 99\.8'
}

@test "the version ioctl rejects a wrong size with EINVAL" {
	load_module
	run devprobe version-size 8
	[ "$output" = EINVAL ]
	run devprobe version-size 4096
	[ "$output" = EINVAL ]
}

@test "the version ioctl rejects a bad pointer with EFAULT" {
	load_module
	run devprobe version-ptr
	[ "$output" = EFAULT ]
}

@test "the stats ioctl rejects a bad array pointer and non-zero reserved fields" {
	load_module
	run devprobe stats-ptr
	[ "$output" = EFAULT ]
	run devprobe stats-reserved
	[ "$output" = EINVAL ]
}

@test "unknown ioctls get ENOTTY; ack needs the consumer handle; reads need a big buffer" {
	load_module
	run devprobe ioctl-nr 99
	[ "$output" = ENOTTY ]
	run devprobe ack-ctl
	[ "$output" = EBADF ]
	run devprobe read-small
	[ "$output" = EINVAL ]
}

@test "the first record after load is the module load record, attributed to root" {
	load_module
	run devprobe first-record
	echo "$output"
	[ "$output" = "type=module event=1 abi=1.8 version=$(cat /sys/module/daudit/version) uid=0" ]
}

@test "the DKMS-built module loads, answers daudit status and unloads" {
	[ -f /lib/modules/dkms/daudit.ko ] || skip "no DKMS build in this image (make dkms-test builds it)"
	insmod /lib/modules/dkms/daudit.ko
	run daudit status
	echo "$output"
	# 3: it answered, and no policy is in force yet.
	[ "$status" -eq 3 ]
	echo "$output" | grep -q '^module: *loaded'
	rmmod daudit
}

@test "20,000 random ioctls (numbers, sizes, pointers, contents) leave the kernel clean" {
	load_module
	mkdir -p /srv/fuzz
	run devprobe fuzz-ioctl 20000 "$RANDOM"
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^EINVAL '
	echo "$output" | grep -q '^EFAULT '
	echo "$output" | grep -q '^ENOTTY '
	check_dmesg_clean
	# Still answering (0, or 3 if no fuzzed load left a policy in force),
	# and unloads cleanly.
	run daudit status
	[ "$status" -eq 0 ] || [ "$status" -eq 3 ]
	unload_module
}
