#!/bin/bash
# `make check`: build, host unit tests, static checks, DKMS, the Debian
# packages, the kernel suites in qemu, and the packages installed,
# upgraded and purged in a booted Debian 12.  Every result is one TAP line
# on stdout; the last line is the summary CI reads: "N passed, N failed".
# Skipped tests are counted apart and listed just before it.
# The kernels: Debian's cloud flavour (6.1 and 6.12), the ones every
# test runs on; DAUDIT_FLAVOURS=all (`make check-matrix`) takes every
# installed kernel, generic and rt too (scripts/kernels.sh).  The debug
# kernel (KASAN, lockdep, kmemleak; `make debug-kernel`): when its build
# is cached, make check runs DEBUG_CHECK_SUITES on it (module and policy:
# loads and unloads, 20,000 random ioctls, the fuzzers' policy corpus,
# kmemleak after the last unload) beside everything else; every suite
# on it takes hours, and `make check-debug` runs them all.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
export DAUDIT_FLAVOURS=${DAUDIT_FLAVOURS:-cloud}
out=$top/build/check
mkdir -p "$out"
all=$out/results.tap
: >"$all"

# run_step NAME CMD...: run CMD, keep its TAP lines, show everything.
run_step() {
	local name=$1 start rc
	shift
	start=$(date +%s)
	echo "# --- $name"
	"$@" 2>&1 | tee "$out/$name.log" | grep -E '^(ok|not ok)|^#' | tee -a "$all"
	rc=${PIPESTATUS[0]}
	echo "# --- $name: exit $rc, $(($(date +%s) - start)) s"
	return "$rc"
}

# Build; if it fails nothing else can run, and that is one failure.
if make -s all helpers >"$out/build.log" 2>&1; then
	echo "ok - build: daudit.ko for every kernel, daudit, dauditd and test helpers" | tee -a "$all"
	built=1
else
	echo "not ok - build: see below" | tee -a "$all"
	tail -n 40 "$out/build.log" | sed 's/^/#   /'
	built=0
fi

unit_tap() {
	make -s unit 2>&1 | awk '
		/^# unit / { group = $3; next }
		/^ok [0-9]+ - / { sub(/^ok [0-9]+ - /, ""); print "ok - unit " group ": " $0; next }
		/^not ok [0-9]+ - / { sub(/^not ok [0-9]+ - /, ""); print "not ok - unit " group ": " $0; next }
		/^not ok - / { print; next }
		/^1\.\./ { next }
		{ print "# " $0 }'
}
# The packages and their boot in Debian 12 run beside the host steps:
# each side keeps about one CPU busy (the boot is one single-threaded
# qemu), and the two together take about as long as the longer one.  Their
# output is printed when both are done.  The VM suites come last: they
# keep both CPUs busy on their own.
packaged() {
	all=$out/results-packaged.tap
	: >"$all"
	# The packaged boot installs the deb step's packages (two versions);
	# if that step failed, it builds its own.
	rm -rf "$out/debs"
	DEB_KEEP=$out/debs run_step deb tests/deb/run.sh
	if [ -d "$out/debs" ]; then
		BOOT_DEBS=$out/debs run_step boot tests/boot/run.sh
	else
		run_step boot tests/boot/run.sh
	fi
}
# The debug kernel's part, in its own VM from the start: it is the
# longest single step (one CPU for the whole of make check), so it runs
# beside all the others and its output comes last.
debug_smoke() {
	all=$out/results-debug.tap
	: >"$all"
	KERNELS=debug SUITES="${DEBUG_CHECK_SUITES:-module policy}" \
		VM_WORK=$top/build/vm-debug-check run_step debug tests/vm/run.sh
}
debug_pid=""
# collect PID NAME WHAT: wait for a step run beside the others, show its
# output and keep its TAP lines (results-NAME.tap); none is a failure.
collect() {
	wait "$1"
	cat "$out/$2.out"
	if [ -s "$out/results-$2.tap" ]; then
		cat "$out/results-$2.tap" >>"$all"
	else
		echo "not ok - $3: no result (see $out/$2.out)" | tee -a "$all"
	fi
}
if [ "$built" = 1 ]; then
	echo "# --- deb and boot run beside unit, siem, fleet, report, static, fuzz and dkms; their output follows dkms's"
	packaged >"$out/packaged.out" 2>&1 &
	packaged_pid=$!
	if scripts/debug-kernel.sh path >/dev/null; then
		echo "# --- debug kernel: built; ${DEBUG_CHECK_SUITES:-module policy} run on it beside the other steps, its output last (every suite: make check-debug)"
		debug_smoke >"$out/debug.out" 2>&1 &
		debug_pid=$!
	else
		echo "# debug kernel: not built, so not run (make debug-kernel builds it once, then make check runs part of it and make check-debug all)"
	fi
fi
run_step unit unit_tap
run_step siem tests/siem/run.sh
run_step fleet tests/fleet/run.sh
run_step report tests/report/run.sh
run_step static tests/static/run.sh
FUZZ_SECONDS=${FUZZ_SECONDS:-10} run_step fuzz tests/fuzz/run.sh
if [ "$built" = 1 ]; then
	run_step dkms tests/dkms/run.sh
	collect "$packaged_pid" packaged "deb and boot"
	run_step vm tests/vm/run.sh
	[ -n "$debug_pid" ] && collect "$debug_pid" debug "debug kernel"
fi

passed=$(grep -E '^ok ' "$all" | grep -v -i -c -E '# skip')
failed=$(grep -c -E '^not ok ' "$all")
skipped=$(grep -E '^ok ' "$all" | grep -i -E '# skip' || true)
nskip=0
[ -n "$skipped" ] && nskip=$(echo "$skipped" | wc -l)
echo "skipped: $nskip"
if [ -n "$skipped" ]; then
	while IFS= read -r s; do echo "  $s"; done <<<"$skipped"
fi
if [ "$failed" -gt 0 ]; then
	echo "failures:"
	grep -E '^not ok ' "$all" | sed 's/^/  /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
