#!/bin/bash
# Boot every installed Debian kernel in qemu (TCG) with the project's
# initramfs, run the kernel test suites inside, and report TAP on stdout:
# one line per test per kernel, then one health line per kernel (a verdict
# arrived; no BUG/WARNING/Oops/Call Trace on the console; taint only O/E).
#
#   tests/vm/run.sh              all suites in tests/kernel/ on every kernel
#   SUITES="module" tests/vm/run.sh
#   KERNELS="6.1.0-56-cloud-amd64" tests/vm/run.sh
#   KERNELS=debug tests/vm/run.sh
#                                the debug kernel (KASAN, lockdep, kmemleak;
#                                `make debug-kernel`, scripts/debug-kernel.sh),
#                                alone or beside others; the module is built
#                                against it here.  Its suites get
#                                DEBUG_SUITE_TIMEOUT (default 3600) s each,
#                                the boot DEBUG_VM_TIMEOUT (default 21600) s
#                                and DEBUG_VM_MEM (default 2048) MiB, and a
#                                kmemleak scan after the last unload must
#                                find nothing
#   tests/vm/run.sh --demo       the demo scenario on the newest kernel
#   tests/vm/run.sh --bench      the benchmarks on every kernel, one at a time,
#                                each booted twice: wall-clock time, then
#                                instruction-counted time (qemu -icount,
#                                one vCPU); BENCH_CLOCKS="wall" for one.
#                                Booted as a server boots: without the
#                                suites' audit=1 and slub_debug.  ROUNDS,
#                                BENCH_SECTIONS, BENCH_ROWS and the sizes
#                                (tests/bench/run.sh) are passed to the guest
#   BATS_FILTER=REGEX            only the tests whose names match (bats
#                                --filter), while working on a suite; the
#                                others are not run, so not reported
#   VM_SMP=1                     vCPUs of the test VMs (default 2)
#   VM_PARALLEL=N                kernels booted at once (default: host CPUs)
#   VM_WORK=DIR                  keep the boots' files in DIR (default
#                                build/vm), so that two runs can go at once
#   A suite whose second line is "# vm-append: ARGS" (lockdown.bats) boots
#   alone, with ARGS added to the kernel's command line.
#   SUITE_TIMEOUT=600            seconds a suite may run in the VM (more for
#                                a suite whose first lines say "# vm-suite-
#                                timeout: N": N); one that
#                                runs longer is killed, its tasks' kernel
#                                stacks reported as TAP comments, and it
#                                fails with fewer results than its plan
#
# Exit status: 0 when every test and every health check passed.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# VM_WORK: where boots keep their files (two runs at once need two).
work=${VM_WORK:-$top/build/vm}
mode="test"
case "${1:-}" in
--demo) mode=demo ;;
--bench) mode=bench ;;
"") ;;
*)
	echo "usage: $0 [--demo|--bench]" >&2
	exit 2
	;;
esac

# Whole boots; a suite that hangs is stopped sooner (SUITE_TIMEOUT).  A
# bench boot of one kernel took 42 min on a loaded host (docs/performance.md).
timeout_s=${VM_TIMEOUT:-3600}
[ "$mode" = bench ] && timeout_s=${VM_TIMEOUT:-7200}
# Tests run the kernels side by side, a host thread each (single-threaded
# TCG: 2 vCPUs take turns on it).  The benchmarks run one kernel at a
# time with a host thread per vCPU, so that what runs on the other vCPU
# (the consumer, kernel threads) does not take turns with the timed loop.
if [ "$mode" = bench ]; then
	tcg_thread=${VM_TCG_THREAD:-multi}
else
	tcg_thread=${VM_TCG_THREAD:-single}
fi
mem=${VM_MEM:-1536}
parallel=${VM_PARALLEL:-$(nproc)}
cmdline="console=ttyS0 panic_on_warn=1 oops=panic slub_debug=FZPU panic=-1 loglevel=7 audit=1"
# The benchmarks boot as a server boots: no audit=1 (with audit on, every
# task takes the kernel's syscall-work path, which hides the module's share
# of it) and no slub_debug (its poisoning and checks on every allocation).
# bench/run.sh measures with audit on later in the same boot (auditd).
if [ "$mode" = bench ]; then
	cmdline=$(echo " $cmdline " | sed 's/ audit=1 / /; s/ slub_debug=FZPU / /; s/^ //; s/ $//')
fi
# What the benchmarks' run is told (tests/bench/run.sh: rounds, sizes,
# which sections and rows), passed on when set.
bench_vars=(ROUNDS READS AUDIT_READS NET_READS APP_REQS DECLS BENCH_SECTIONS BENCH_ROWS SYS_READS CALLS
	OPENS OPENS_ALONE FAULT_PAGES FAULT_ROUNDS SPAWNS EXITS TAR_FILES EXIT_SESSIONS PG_SELECT_TX PG_TPCB_TX CALIB_MAX
	STAGE_OPS)

if [ -n "${KERNELS:-}" ]; then
	kernels=$KERNELS
else
	kernels=$("$top/scripts/kernels.sh" vm | cut -d' ' -f1) || exit 1
fi
[ -n "$kernels" ] || { echo "vm: no kernel with headers and image installed" >&2; exit 1; }

# "debug" in KERNELS: the cached debug kernel, under its release name.
debug_dir="" debug_kver=""
case " $kernels " in
*" debug "*)
	debug_dir=$("$top/scripts/debug-kernel.sh" path) ||
		{ echo "vm: the debug kernel is not built (make debug-kernel)" >&2; exit 1; }
	debug_kver=$(cat "$debug_dir/kver")
	KDIR=$debug_dir/build "$top/scripts/build-module.sh" >&2 || exit 1
	kernels=$(echo " $kernels " | sed "s/ debug / $debug_kver /; s/^ //; s/ \$//")
	;;
esac
is_debug() { [ -n "$debug_kver" ] && [ "$1" = "$debug_kver" ]; }

if [ -z "${SUITES:-}" ]; then
	SUITES=$(find "$top/tests/kernel" -maxdepth 1 -name '*.bats' -printf '%f\n' |
		sed 's|\.bats$||' | sort | tr '\n' ' ')
fi

# vm_append SUITE: the kernel arguments the suite boots with, alone
# ("# vm-append: ARGS" as its second line); empty for the others.
vm_append() {
	sed -n '2s/^# vm-append: //p' "$top/tests/kernel/$1.bats" 2>/dev/null
}
# The suites of the shared boot, and those that boot alone.
plain_suites="" alone_suites=""
for s in $SUITES; do
	if [ -n "$(vm_append "$s")" ]; then
		alone_suites+="$s "
	else
		plain_suites+="$s "
	fi
done

mkdir -p "$work"
"$top/tests/vm/initramfs.sh" base "$work/base.cpio.gz" || exit 1
# The demo's own part (Python): not in base, every test boot would unpack it.
parts=("$work/base.cpio.gz")
if [ "$mode" = demo ]; then
	"$top/tests/vm/initramfs.sh" demo "$work/base.cpio.gz" "$work/demo.cpio.gz" || exit 1
	parts+=("$work/demo.cpio.gz")
fi

# boot KVER [CLOCK [SUITE]]: writes $work/KVER[.CLOCK][.SUITE]/{console,
# results}.log, returns qemu's status.  CLOCK (benchmarks): wall, or
# icount for a guest clock that advances 1 ns per guest instruction
# executed.  SUITE: a suite that boots alone (vm_append); otherwise the
# boot runs $plain_suites.
boot() {
	local kver=$1 dir=$work/$1${2:+.$2}${3:+.$3} accel=(-accel "tcg,thread=$tcg_thread") smp=${VM_SMP:-2}
	local image=/boot/vmlinuz-$1 modroot="" suite_timeout=${SUITE_TIMEOUT:-600} vm_timeout=$timeout_s vm_mem=$mem
	local append=$cmdline suites=${3:-$plain_suites}
	[ -n "${3:-}" ] && append+=" $(vm_append "$3")"
	# The debug kernel runs several times slower (KASAN, lockdep) and
	# needs memory for KASAN's shadow and kmemleak's metadata.
	if is_debug "$kver"; then
		image=$debug_dir/bzImage modroot=$debug_dir/mod
		suite_timeout=${DEBUG_SUITE_TIMEOUT:-3600}
		vm_timeout=${DEBUG_VM_TIMEOUT:-21600}
		vm_mem=${DEBUG_VM_MEM:-2048}
		# KASAN stopped two boots of this kernel in start_kernel, before
		# init and any module: an interrupt in identify_cpu() on an irq
		# descriptor in the 5-level direct map that -cpu max offers under
		# TCG (docs/testing.md).  Four-level paging, as on most servers.
		append+=" no5lvl"
	fi
	rm -rf "$dir"
	mkdir -p "$dir"
	# One vCPU: Debian's 6.1 never brings up a second CPU under -icount.
	if [ "${2:-}" = icount ]; then
		# shellcheck disable=SC2054 # qemu option values, not array elements
		accel=(-accel tcg,thread=single -icount shift=0,sleep=on)
		smp=1
	fi
	# The suites see how they are emulated (DAUDIT_VM_ACCEL): lifecycle.bats
	# refuses multi-threaded TCG, where changing kprobes crashes the guest.
	printf 'MODE=%s\nSUITES="%s"\nBENCH_CLOCK=%s\nSUITE_TIMEOUT=%s\nexport DAUDIT_VM_ACCEL="%s"\nBATS_FILTER=%q\n' \
		"$mode" "$suites" "${2:-}" "$suite_timeout" "${accel[*]}" "${BATS_FILTER:-}" >"$dir/vm.conf"
	echo "$suites" >"$dir/suites"
	# The suites know the debug kernel (tests/kernel/lib.bash slab_stable).
	is_debug "$kver" && echo "export DAUDIT_DEBUG_KERNEL=1" >>"$dir/vm.conf"
	if [ "$mode" = bench ]; then
		local v
		for v in "${bench_vars[@]}"; do
			[ -n "${!v:-}" ] && printf 'export %s=%q\n' "$v" "${!v}" >>"$dir/vm.conf"
		done
	fi
	MODULES_ROOT=$modroot "$top/tests/vm/initramfs.sh" kernel "$kver" "$dir/vm.conf" "$dir/kernel.cpio.gz" || return 1
	cat "${parts[@]}" "$dir/kernel.cpio.gz" >"$dir/initrd.gz"
	timeout --foreground -k 5 "$vm_timeout" \
		qemu-system-x86_64 "${accel[@]}" -cpu max -smp "$smp" -m "$vm_mem" \
		-nodefaults -display none -no-reboot \
		-kernel "$image" -initrd "$dir/initrd.gz" \
		-append "$append" \
		-serial "file:$dir/console.log" -serial "file:$dir/results.log" \
		</dev/null >"$dir/qemu.log" 2>&1
	echo $? >"$dir/qemu.status"
}

context() { # FILE PATTERN: console lines around the first match
	local n
	n=$(grep -n -m1 -E "$2" "$1" | cut -d: -f1)
	[ -n "$n" ] || { tail -n 40 "$1" | sed 's/^/#   /'; return; }
	sed -n "$((n > 15 ? n - 15 : 1)),$((n + 40))p" "$1" | sed 's/^/#   /'
}

# The debug kernel's detectors print these too (KASAN, lockdep, PROVE_RCU,
# DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS, kmemleak); most follow a "BUG:" or
# "WARNING:" line, all are named so that none depends on that.
bad_console='(BUG:|BUG |WARNING:|Oops|Call Trace|Kernel panic|general protection fault|UBSAN:|KASAN:|kernel BUG|list_add corruption|list_del corruption|INFO: task .* blocked|RCU stall|rcu_sched self-detected stall|Poison overwritten|Redzone|Object padding|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|ODEBUG:|unreferenced object|suspected memory leak)'

# kernel_label KVER: the version and Debian flavour, as TAP lines name a
# kernel: 6.1.0-57-cloud-amd64 -> "6.1.0 cloud", 6.1.0-57-amd64 -> "6.1.0
# generic", 6.12.118+deb12-rt-amd64 -> "6.12.118+deb12 rt".
kernel_label() {
	local ver=${1%%-*} rest=-${1#*-} flavour
	# The debug kernel: "6.12 debug".
	if is_debug "$1"; then
		ver=${ver%.*}
		echo "$ver debug"
		return
	fi
	rest=${rest%-amd64}
	flavour=${rest##*-}
	case $flavour in
	"" | [0-9]*) flavour=generic ;;
	esac
	echo "$ver $flavour"
}

# report KVER [CLOCK [SUITE]]: TAP lines for one boot; returns 1 if anything
# failed.
report() {
	local kver=$1 dir=$work/$1${2:+.$2}${3:+.$3} short fail=0 suite="" line taint
	local health="kernel health"
	short=$(kernel_label "$kver")
	[ -n "${3:-}" ] && health="kernel health ($3 boot: $(vm_append "$3"))"
	local results=$dir/results.log console=$dir/console.log
	# No initramfs (the module not built for this kernel): never booted.
	if [ ! -e "$dir/qemu.status" ]; then
		echo "not ok - [$short] $health: not booted: its initramfs could not be built (the reason is above)"
		return 1
	fi
	if [ "$mode" = test ]; then
		while IFS= read -r line; do
			line=${line%$'\r'}
			case $line in
			"DAUDIT-SUITE "*) suite=${line#DAUDIT-SUITE } ;;
			"ok "*)
				echo "ok - [$short] $suite: $(echo "${line#ok }" | sed -E 's/^[0-9]+ //; s/ in [0-9]+ms( # |$)/\1/')"
				;;
			"not ok "*)
				echo "not ok - [$short] $suite: $(echo "${line#not ok }" | sed -E 's/^[0-9]+ //; s/ in [0-9]+ms( # |$)/\1/')"
				fail=1
				;;
			"#"*) echo "$line" ;;
			esac
		done <"$results"
		# Every suite must report as many results as its plan announced: a
		# test that never ran is a failure, not a silence.
		local boot_suites
		read -r -a boot_suites <"$dir/suites"
		for s in "${boot_suites[@]}"; do
			line=$(awk -v s="$s" '{ sub(/\r$/, "") }
				$0 == "DAUDIT-SUITE " s { f = 1; next }
				/^DAUDIT-/ { f = 0 }
				f && /^1\.\.[0-9]+$/ { plan = substr($0, 4) }
				f && /^(ok|not ok) / { n++ }
				END { printf "%s %d", plan == "" ? "-" : plan, n }' "$results")
			plan=${line% *} ran=${line#* }
			if [ "$plan" = - ]; then
				echo "not ok - [$short] $s: suite did not run (no TAP plan)"
				fail=1
			elif [ "$ran" -ne "$plan" ]; then
				echo "not ok - [$short] $s: only $ran of $plan tests reported a result"
				fail=1
			fi
		done
	else
		grep -v -E '^DAUDIT-(BEGIN|TAINT|DONE|EXIT)' "$results" | tr -d '\r'
		grep -q '^DAUDIT-EXIT 0' "$results" || fail=1
	fi

	if ! grep -q '^DAUDIT-DONE' "$results"; then
		echo "not ok - [$short] $health: no verdict (panic, hang or timeout; qemu status $(cat "$dir/qemu.status" 2>/dev/null))"
		context "$console" "$bad_console"
		return 1
	fi
	# kmemleak (the debug kernel): what the scans after the last unload
	# reported, init copied as "DAUDIT-KMEMLEAK N" and the report.  Any
	# object fails, the module's or not: a leaked file or socket that
	# daudit forgot to put was allocated by the kernel, not by daudit.
	line=$(grep -a '^DAUDIT-KMEMLEAK' "$results" | tr -d '\r')
	if [ -n "$line" ]; then
		if [ "${line#DAUDIT-KMEMLEAK }" != 0 ]; then
			echo "not ok - [$short] $health: kmemleak reports ${line#DAUDIT-KMEMLEAK } unreferenced objects after the last unload"
			sed -n '/^DAUDIT-KMEMLEAK/,/^DAUDIT-/p' "$results" | grep -v '^DAUDIT-' | head -n 120 | sed 's/^/#   /'
			return 1
		fi
	elif is_debug "$kver"; then
		echo "not ok - [$short] $health: no kmemleak scan result"
		return 1
	fi
	if grep -q -E "$bad_console" "$console"; then
		echo "not ok - [$short] $health: console shows a kernel error"
		context "$console" "$bad_console"
		return 1
	fi
	taint=$(grep '^DAUDIT-TAINT' "$results" | awk '{print $2}' | tr -d '\r')
	# Allowed: O (4096, out-of-tree module) and E (8192, unsigned module).
	if [ -z "$taint" ] || [ $((taint & ~(4096 | 8192))) -ne 0 ]; then
		echo "not ok - [$short] $health: tainted $taint (only O and E are allowed)"
		context "$console" 'Tainted|taint'
		return 1
	fi
	[ "$mode" = test ] && echo "ok - [$short] $health: clean console, taint $taint${line:+, kmemleak clean}"
	return $fail
}

status=0
case $mode in
test)
	# At most VM_PARALLEL kernels at once (default: one per host CPU):
	# six kernels side by side on two CPUs would each run three times
	# slower and reach the suites' timeouts.
	running=0
	# A boot per kernel for the shared suites, and one per kernel for each
	# suite that boots alone.
	boots=()
	for k in $kernels; do
		[ -n "$plain_suites" ] && boots+=("$k")
		for s in $alone_suites; do boots+=("$k $s"); done
	done
	for b in "${boots[@]}"; do
		read -r k s <<<"$b"
		boot "$k" "" "$s" &
		running=$((running + 1))
		if [ "$running" -ge "$parallel" ]; then
			wait -n || true
			running=$((running - 1))
		fi
	done
	wait
	for b in "${boots[@]}"; do
		read -r k s <<<"$b"
		report "$k" "" "$s" || status=1
	done
	;;
demo)
	k=$(echo "$kernels" | tr ' ' '\n' | sort -V | tail -n1)
	echo "demo: booting $k in qemu (TCG); this takes a minute or two" >&2
	boot "$k"
	report "$k" || status=1
	;;
bench)
	for k in $kernels; do
		for clock in ${BENCH_CLOCKS:-wall icount}; do
			echo "bench: $k ($clock clock)" >&2
			boot "$k" "$clock"
			report "$k" "$clock" | tee "$work/$k.$clock/bench.out" || status=1
		done
	done
	;;
esac
exit $status
