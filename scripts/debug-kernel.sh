#!/bin/bash
# The debug kernel (docs/testing.md, "The debug kernel"): Debian's
# linux-source-6.12 with scripts/debug-kernel.config merged onto
# x86_64_defconfig (KASAN, lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP,
# DEBUG_OBJECTS, kmemleak), built once and cached outside the work tree.
#   scripts/debug-kernel.sh build   build it unless the cached build exists
#   scripts/debug-kernel.sh path    print the cached build's directory, or
#                                   fail (status 1) when there is none
# The directory is $DEBUG_KERNEL_CACHE (default /var/cache/daudit-test)/
# debug-kernel-KEY, KEY a hash of this script, the config fragment, the
# source package's version and the compiler's: a change to any builds a
# new one.  It holds
#   build/      the build tree: KDIR for out-of-tree modules
#   bzImage     the kernel to boot
#   mod/        its modules (null_blk), as modules_install puts them:
#               mod/lib/modules/KVER/
#   kver        the kernel release
#   build-time  seconds the build took, and the date
# A build takes long on two cores (docs/testing.md); -jN: DEBUG_KERNEL_JOBS
# (default the host's CPUs).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${DEBUG_KERNEL_CACHE:-/var/cache/daudit-test}
tarball=/usr/src/linux-source-6.12.tar.xz
fragment=$top/scripts/debug-kernel.config
jobs=${DEBUG_KERNEL_JOBS:-$(nproc)}

key() {
	local srcver
	srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || echo none)
	{
		cat "$top/scripts/debug-kernel.sh" "$fragment"
		echo "$srcver"
		gcc --version | head -n1
	} | sha256sum | cut -c1-12
}

dir=$cache/debug-kernel-$(key)

case "${1:-build}" in
path)
	[ -f "$dir/kver" ] || exit 1
	echo "$dir"
	exit 0
	;;
build) ;;
*)
	echo "usage: $0 build|path" >&2
	exit 2
	;;
esac

if [ -f "$dir/kver" ]; then
	echo "debug-kernel: cached in $dir ($(cat "$dir/kver"); built in $(cat "$dir/build-time"))"
	exit 0
fi
[ -r "$tarball" ] || { echo "debug-kernel: $tarball missing (scripts/deps.sh debugkernel)" >&2; exit 1; }
mkdir -p "$cache"
# One build at a time; a second caller waits and then finds it cached.
exec 9>"$cache/debug-kernel.lock"
flock 9
if [ -f "$dir/kver" ]; then
	echo "debug-kernel: cached in $dir ($(cat "$dir/kver"))"
	exit 0
fi

start=$(date +%s)
rm -rf "$dir"
mkdir -p "$dir/src" "$dir/build"
echo "debug-kernel: unpacking $tarball into $dir/src"
tar -xJf "$tarball" -C "$dir/src" --strip-components=1
k=(make -s -C "$dir/src" O="$dir/build")
"${k[@]}" x86_64_defconfig
(cd "$dir/build" && "$dir/src/scripts/kconfig/merge_config.sh" -m -O "$dir/build" \
	"$dir/build/.config" "$fragment" >/dev/null)
"${k[@]}" olddefconfig
# Every option the fragment sets must have survived olddefconfig (a
# dependency it lacks silently drops it).
missing=0
while IFS= read -r line; do
	case $line in
	CONFIG_*=n)
		opt=${line%%=*}
		if grep -q "^$opt=" "$dir/build/.config"; then
			echo "debug-kernel: $opt is set though the fragment turns it off" >&2
			missing=1
		fi
		;;
	CONFIG_*)
		if ! grep -qxF "$line" "$dir/build/.config"; then
			echo "debug-kernel: $line did not survive olddefconfig: $(grep "^${line%%=*}=" "$dir/build/.config" || echo unset)" >&2
			missing=1
		fi
		;;
	esac
done <"$fragment"
[ "$missing" = 0 ] || exit 1

echo "debug-kernel: building bzImage and modules with -j$jobs (log: $dir/build.log)"
if ! "${k[@]}" -j"$jobs" bzImage modules >"$dir/build.log" 2>&1; then
	tail -n 40 "$dir/build.log" >&2
	exit 1
fi
"${k[@]}" INSTALL_MOD_PATH="$dir/mod" modules_install >>"$dir/build.log" 2>&1
cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage"
# The sources stay: the build tree's Makefile and headers point into them.
secs=$(($(date +%s) - start))
echo "$((secs / 60)) min $((secs % 60)) s with -j$jobs, $(date -u +%F)" >"$dir/build-time"
cat "$dir/build/include/config/kernel.release" >"$dir/kver"
echo "debug-kernel: built $(cat "$dir/kver") in $(cat "$dir/build-time"): $dir"
