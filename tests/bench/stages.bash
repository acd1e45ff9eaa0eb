# shellcheck shell=bash
# Issue 14, item 4: what each stage of the module's paths costs, from the
# stage-timing build of daudit.ko (make module-prof, module/prof.h): each
# stage is timed with two clock reads, summed per CPU and read from
# debugfs.  Sourced by tests/bench/run.sh (section "stages"): it uses its
# $B, policy, consumer and helpers.  Under -icount shift=0 (BENCH_CLOCKS=
# icount) a guest ns is an instruction, so the figures are instructions.
#
# A stage's figure includes its inner stages (read_slow holds get_slow,
# which holds verdict, which holds classify (and render) and alloc;
# account holds create, which holds alloc, trusted, subject and
# proc_seen; release and exit hold end_file or the exit's ends, which
# hold emit, which holds ring and wake) and one clock-read pair per timed
# stage inside it: the row "empty" is that pair's own cost, to be taken
# off each.
#
#   STAGE_OPS  operations per workload (default 2000)

PROF_KO=/lib/modules/prof/daudit.ko
STAGE_OPS=${STAGE_OPS:-2000}
STAGES=/sys/kernel/debug/daudit/stages

stages_run() { # TITLE POLICY OPS CMD... -> a markdown table
	local title=$1 policy=$2 ops=$3
	shift 3
	module_off
	insmod "$PROF_KO" || return 1
	daudit policy load "$policy" >/dev/null || return 1
	consumer_on
	# Warm: the first pass pays for caches (dentries, pools) once.
	"$@" >/dev/null
	echo 0 >"$STAGES"
	"$@" >/dev/null
	cp "$STAGES" /tmp/bench/stages.out
	consumer_off
	module_off
	echo "### $title ($ops operations)"
	echo
	echo "| stage | calls | per call | per operation |"
	echo "|---|---:|---:|---:|"
	awk -v ops="$ops" '$2 > 0 {
		printf "| %s | %d | %.1f | %.1f |\n", $1, $2, $3 / $2, $3 / ops
	}' /tmp/bench/stages.out
	echo
}

if [ ! -f "$PROF_KO" ]; then
	echo "## Stages: not run (no stage-timing build; make module-prof)"
	echo
else
	grep -q ' /sys/kernel/debug debugfs ' /proc/mounts ||
		mount -t debugfs none /sys/kernel/debug
	P=$B/protected/data.dat
	U=$B/plain/data.dat
	FP=${FAULT_PAGES:-256}
	echo "## Cost per stage (issue 14, item 4), clock ${BENCH_CLOCK:-wall}"
	echo
	echo "The stage-timing build (make module-prof) with $B/protected protected and"
	echo "devprobe draining; \"per operation\" is the stage's total over the operations"
	echo "the helper made (alice, in a login session), after one warm-up pass."
	echo
	stages_run "read(2) of 4 KiB, protected" /tmp/bench/policy.conf "$STAGE_OPS" \
		as_user alice readbench "$P" "$STAGE_OPS"
	stages_run "read(2) of 4 KiB, unprotected, a protected tree on the same fs" \
		/tmp/bench/policy.conf "$STAGE_OPS" as_user alice readbench "$U" "$STAGE_OPS"
	stages_run "open + read 4 KiB + close, protected" /tmp/bench/policy.conf "$STAGE_OPS" \
		as_user alice readbench open "$P" "$STAGE_OPS"
	stages_run "open + read 4 KiB + close, unprotected, a protected tree on the same fs" \
		/tmp/bench/policy.conf "$STAGE_OPS" as_user alice readbench open "$U" "$STAGE_OPS"
	stages_run "mmap page faults, protected (per page)" /tmp/bench/policy.conf \
		$((FP * 20)) as_user alice faultbench "$P" "$FP" 20
	stages_run "mmap page faults, unprotected, a protected tree on the same fs (per page)" \
		/tmp/bench/policy.conf $((FP * 20)) as_user alice faultbench "$U" "$FP" 20
	stages_run "fork, read 4 KiB protected, exit holding it open, wait" /tmp/bench/policy.conf \
		200 as_user alice spawnbench exit "$P" 200
fi
