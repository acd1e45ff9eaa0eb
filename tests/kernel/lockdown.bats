#!/usr/bin/env bats
# vm-append: lockdown=integrity module.sig_enforce=1
# A host under Secure Boot: the kernel locked down and enforcing module
# signatures.  tests/vm/run.sh boots this suite alone, with the line above
# added to the kernel's command line.  daudit.ko, unsigned or signed with a
# key the kernel does not trust, must be refused, cleanly and visibly
# (docs/packaging.md, "Secure Boot"), and the eBPF sensor must record in
# its place (docs/ebpf.md).

load lib

setup_file() {
	# The debug kernel has no securityfs (its tests skip, below); the
	# initramfs's busybox has no mountpoint applet.
	[ -d /sys/kernel/security ] || return 0
	grep -q ' /sys/kernel/security ' /proc/mounts ||
		mount -t securityfs securityfs /sys/kernel/security
}

# The debug kernel is built without module signing and the lockdown LSM
# (scripts/debug-kernel.config): what this suite tests is Debian's.
setup() {
	if [ -n "${DAUDIT_DEBUG_KERNEL:-}" ]; then
		skip "the debug kernel has no module signing or lockdown (scripts/debug-kernel.config)"
	fi
}

@test "the kernel booted locked down (integrity) and enforcing module signatures" {
	grep -q 'module.sig_enforce=1' /proc/cmdline
	cat /sys/kernel/security/lockdown
	grep -q '\[integrity\]' /sys/kernel/security/lockdown
	[ "$(cat /sys/module/module/parameters/sig_enforce)" = Y ]
}

@test "insmod of the unsigned daudit.ko is refused: Key was rejected by service" {
	dmesg -c >/dev/null
	run insmod "$DAUDIT_KO"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'Key was rejected by service'
	dmesg | grep -q 'Loading of unsigned module is rejected'
	if grep -q '^daudit ' /proc/modules; then false; fi
	[ ! -e /dev/daudit ]
}

@test "insmod of the DKMS-built daudit.ko, signed with a key the kernel does not trust, is refused" {
	ko=/lib/modules/dkms/daudit.ko
	# make check's dkms step builds it before the VM step; alone, say so.
	[ -f "$ko" ] || skip "no DKMS-built module in the image (run tests/dkms/run.sh first)"
	modinfo -F signer "$ko" | grep -q .
	dmesg -c >/dev/null
	run insmod "$ko"
	echo "$output"
	[ "$status" -ne 0 ]
	echo "$output" | grep -q 'Key was rejected by service'
	dmesg | grep -q 'Loading of module with unavailable key is rejected'
	if grep -q '^daudit ' /proc/modules; then false; fi
}

@test "daudit status says the module is not loaded, in one line, and fails" {
	run daudit status
	echo "$output"
	[ "$status" -ne 0 ]
	[ "$(echo "$output" | wc -l)" -eq 1 ]
	echo "$output" | grep -q -i 'not loaded'
}

@test "the eBPF sensor records the exact bytes of a protected read in the same boot (sensor = auto)" {
	make_dataset
	d=$BATS_TEST_TMPDIR
	ebpf_conf "$d/e.conf" "$d/e.db" "sensor = auto"
	start_ebpf "$d/e.conf" "$d/dauditd.log"
	cat "$d/dauditd.log"
	grep -q 'sensor: ebpf (sensor = auto and /dev/daudit does not exist' "$d/dauditd.log"
	n=$(read_as alice read /srv/customers/customers.csv)
	[ "$n" -eq 100000 ]
	ev=$(reads_of /srv/customers/customers.csv)
	stop_collector
	echo "$ev" | jq -c '.[] | {path, bytes, calls, login_user, exe}'
	[ "$(echo "$ev" | jq length)" -eq 1 ]
	[ "$(echo "$ev" | jq '.[0].bytes')" -eq 100000 ]
	[ "$(echo "$ev" | jq -r '.[0].login_user')" = alice ]
}

@test "the console is clean and the kernel untainted" {
	check_dmesg_clean
	[ "$(cat /proc/sys/kernel/tainted)" -eq 0 ]
}
