#!/bin/bash
# `make check`: build, host unit tests, static checks, DKMS, the Debian
# packages, the kernel suites in qemu, and the packages installed,
# upgraded and purged in a booted Debian 12.  Every result is one TAP line
# on stdout; the last line is the summary CI reads: "N passed, N failed".
# Skipped tests are counted apart and listed just before it.
# The kernels: Debian's cloud flavour (6.1 and 6.12), the ones every
# test runs on; DAUDIT_FLAVOURS=all (`make check-matrix`) takes every
# installed kernel, generic and rt too (scripts/kernels.sh).  The debug
# kernel's suites (`make debug-kernel`, then `make check-debug`) take
# hours: make check says whether it is built, and does not run them.
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
if [ "$built" = 1 ]; then
	echo "# --- deb and boot run beside unit, siem, fleet, report, static, fuzz and dkms; their output follows dkms's"
	packaged >"$out/packaged.out" 2>&1 &
	packaged_pid=$!
fi
run_step unit unit_tap
run_step siem tests/siem/run.sh
run_step fleet tests/fleet/run.sh
run_step report tests/report/run.sh
run_step static tests/static/run.sh
FUZZ_SECONDS=${FUZZ_SECONDS:-10} run_step fuzz tests/fuzz/run.sh
if [ "$built" = 1 ]; then
	run_step dkms tests/dkms/run.sh
	wait "$packaged_pid"
	cat "$out/packaged.out"
	if [ -s "$out/results-packaged.tap" ]; then
		cat "$out/results-packaged.tap" >>"$all"
	else
		echo "not ok - deb and boot: no result (see $out/packaged.out)" | tee -a "$all"
	fi
	run_step vm tests/vm/run.sh
	# The debug kernel (KASAN, lockdep, kmemleak): every suite on it takes
	# hours on two CPUs, past this budget; `make check-debug` runs them.
	if scripts/debug-kernel.sh path >/dev/null; then
		echo "# debug kernel: built; its suites run in make check-debug (hours on two CPUs)"
	else
		echo "# debug kernel: not built (make debug-kernel, then make check-debug)"
	fi
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
