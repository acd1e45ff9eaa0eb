#!/bin/bash
# Build the libFuzzer harnesses and run each for a bounded time, starting
# from its committed seeds in tests/fuzz/corpus/NAME/ (never written to:
# new inputs go to build/fuzz/corpus/NAME/).  One TAP line per harness.
#
#   FUZZ_SECONDS=60 tests/fuzz/run.sh          # default 20 s each
#   tests/fuzz/run.sh policy_parse              # only the named ones
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
secs=${FUZZ_SECONDS:-20}
out=$top/build/fuzz
mkdir -p "$out"

if ! make -s -C tests/fuzz OUT="$out" >"$out/build.log" 2>&1; then
	echo "not ok - fuzz: the harnesses build with clang"
	head -n 40 "$out/build.log" | sed 's/^/#   /'
	exit 1
fi
if [ $# -gt 0 ]; then
	names=("$@")
else
	read -r -a names < <(make -s -C tests/fuzz list)
fi

fail=0
for name in "${names[@]}"; do
	seeds=tests/fuzz/corpus/$name
	work=$out/corpus/$name
	log=$out/$name.log
	mkdir -p "$work"
	args=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048
		-print_final_stats=1 -artifact_prefix="$out/$name-")
	[ -f "tests/fuzz/$name.dict" ] && args+=(-dict="tests/fuzz/$name.dict")
	dirs=("$work")
	[ -d "$seeds" ] && dirs+=("$seeds")
	if [ ! -x "$out/$name" ]; then
		echo "not ok - fuzz: $name was not built"
		fail=1
		continue
	fi
	"$out/$name" "${args[@]}" "${dirs[@]}" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	if [ "$rc" -eq 0 ] && [ -n "$execs" ]; then
		echo "ok - fuzz: $name ran $execs execs without a crash"
	else
		echo "not ok - fuzz: $name crashed or failed (exit $rc; log $log)"
		grep -E -A12 '^==[0-9]+==ERROR|runtime error|^fuzz_policy:|^SUMMARY|Test unit written' "$log" |
			head -n 40 | sed 's/^/#   /'
		fail=1
	fi
done
exit $fail
