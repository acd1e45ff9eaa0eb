#!/bin/bash
# Why the load/unload tests run under single-threaded TCG: boot a Debian
# kernel in qemu with nothing of daudit's (busybox and this init only),
# keep one vCPU in a tight read(2) loop (vfs_read, a function every read
# runs), and on the other vCPU add, arm, disarm and remove a kprobe on that
# function through the kernel's own /sys/kernel/tracing/kprobe_events,
# again and again.  See docs/testing.md, "Loading and unloading under load".
# Not part of make check.
#
#   tests/vm/kprobe-repro.sh [KVER]   newest kernel of scripts/kernels.sh vm
#                                     by default
#   REPRO_TCG_THREAD=multi            qemu's TCG mode (multi or single)
#   REPRO_SECONDS=240                 stop the kprobe loop after this long
#                                     (guest clock)
#   REPRO_FUNC=vfs_read               the function probed and hammered
#   VM_WORK=build/vm                  the console log goes to
#                                     $VM_WORK/kprobe-repro-KVER-MODE/
#
# Prints one line: the guest survived N rounds, or crashed after N rounds
# with the first line of its report (and the console around it).
# Exit status: 0 when the guest survived, 1 when it crashed or hung.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kver=${1:-$("$top/scripts/kernels.sh" vm | cut -d' ' -f1 | sort -V | tail -n1)}
thread=${REPRO_TCG_THREAD:-multi}
seconds=${REPRO_SECONDS:-240}
func=${REPRO_FUNC:-vfs_read}
dir=${VM_WORK:-$top/build/vm}/kprobe-repro-$kver-$thread
[ -r "/boot/vmlinuz-$kver" ] || { echo "kprobe-repro: no /boot/vmlinuz-$kver" >&2; exit 2; }

rm -rf "$dir"
mkdir -p "$dir"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,etc}
cp /bin/busybox "$root/bin/busybox"
printf 'FUNC=%s\nSECONDS_MAX=%s\n' "$func" "$seconds" >"$root/etc/repro.conf"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tracefs tracefs /sys/kernel/tracing
. /etc/repro.conf
t=/sys/kernel/tracing
echo "REPRO-BEGIN $(uname -r) cpus=$(nproc) func=$FUNC"
grep -q "^$FUNC\$" $t/available_filter_functions || echo "REPRO-NOTE $FUNC is not an ftrace site"
# vCPU 1: read(2) of one byte at a time, as fast as it goes.
taskset 2 dd if=/dev/zero of=/dev/null bs=1 count=2000000000 2>/dev/null &
# vCPU 0: the probe, added, armed, disarmed and removed, round after round.
up() { cut -d. -f1 /proc/uptime; }
end=$(($(up) + SECONDS_MAX))
i=0
while [ "$(up)" -lt "$end" ]; do
	taskset -p 1 $$ >/dev/null
	echo "p:repro $FUNC" >$t/kprobe_events || break
	echo 1 >$t/events/kprobes/repro/enable || break
	echo 0 >$t/events/kprobes/repro/enable || break
	echo "-:repro" >>$t/kprobe_events || break
	i=$((i + 1))
	[ $((i % 10)) -eq 0 ] && echo "REPRO-ROUNDS $i"
done
echo "REPRO-SURVIVED $i rounds in $SECONDS_MAX s"
poweroff -f
INIT
chmod 755 "$root/init"
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio -0 -o -H newc -R 0:0 --quiet) |
	gzip -1 >"$dir/initrd.gz"

echo "kprobe-repro: $kver, -accel tcg,thread=$thread -smp 2, $func for $seconds s; console in $dir/console.log" >&2
start=$SECONDS
rc=0
timeout --foreground -k 5 $((seconds * 4 + 300)) \
	qemu-system-x86_64 -accel "tcg,thread=$thread" -cpu max -smp 2 -m 512 \
	-nodefaults -display none -no-reboot \
	-kernel "/boot/vmlinuz-$kver" -initrd "$dir/initrd.gz" \
	-append "console=ttyS0 panic_on_warn=1 oops=panic panic=-1 loglevel=7" \
	-serial "file:$dir/console.log" </dev/null >"$dir/qemu.log" 2>&1 || rc=$?
took=$((SECONDS - start))
rounds=$(grep -a -o 'REPRO-ROUNDS [0-9]*' "$dir/console.log" | tail -n1 | cut -d' ' -f2 || true)
bad='(BUG:|WARNING:|Oops|Call Trace|Kernel panic|general protection fault|int3)'
if grep -a -q '^REPRO-SURVIVED' "$dir/console.log" && ! grep -a -q -E "$bad" "$dir/console.log"; then
	echo "$kver tcg,thread=$thread: survived $(grep -a -o 'REPRO-SURVIVED.*' "$dir/console.log" | cut -d' ' -f2-) (host ${took} s)"
	exit 0
fi
first=$(grep -a -m1 -E "$bad" "$dir/console.log" || echo "no report (qemu status $rc)")
echo "$kver tcg,thread=$thread: crashed after ${rounds:-fewer than 10} rounds (host ${took} s): $first"
n=$(grep -a -n -m1 -E "$bad" "$dir/console.log" | cut -d: -f1 || true)
[ -n "$n" ] && sed -n "$((n > 5 ? n - 5 : 1)),$((n + 30))p" "$dir/console.log" | sed 's/^/#   /'
exit 1
