#!/bin/bash
# make install / make uninstall.
#   install.sh [--uninstall] [--userspace] DESTDIR SBINDIR MANDIR SYSCONFDIR \
#              UNITDIR LIBDIR INCLUDEDIR PYTHONDIR COMPLETIONDIR MODULESLOADDIR
# Installs daudit.ko for every kernel it was built for, the programs, the
# systemd unit, the modules-load.d file, man pages, bash completion,
# default configuration (never overwriting a configuration file that
# exists), and libdaudit for applications: the shared library with its
# symbolic links, header, pkg-config file and Python module.
# --userspace leaves daudit.ko out: the Debian package daudit-dkms builds
# the module on the machine instead (debian/rules).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
uninstall=0 module=1
while [ $# -gt 0 ]; do
	case $1 in
	--uninstall) uninstall=1 ;;
	--userspace) module=0 ;;
	*) break ;;
	esac
	shift
done
destdir=$1 sbindir=$2 mandir=$3 sysconfdir=$4 unitdir=$5
libdir=${6:-/usr/lib} includedir=${7:-/usr/include}
pythondir=${8:-/usr/lib/python3/dist-packages}
completiondir=${9:-/usr/share/bash-completion/completions}
modulesloaddir=${10:-/usr/lib/modules-load.d}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

files=()
kos=()
[ $module = 1 ] && kos=("$top"/build/kmod/*/daudit.ko)
for ko in "${kos[@]}"; do
	[ -f "$ko" ] || continue
	kver=$(basename "$(dirname "$ko")")
	files+=("$ko:/lib/modules/$kver/updates/daudit.ko:644")
done
files+=("$top/build/bin/daudit:$sbindir/daudit:755"
	"$top/build/bin/dauditd:$sbindir/dauditd:755"
	"$top/dist/dauditd.service:$unitdir/dauditd.service:644")
# libdaudit: the real file, then NAME:TARGET symbolic links beside it.
sed -e "s|@LIBDIR@|$libdir|" -e "s|@INCLUDEDIR@|$includedir|" \
	-e "s|@VERSION@|$(cat "$top/VERSION")|" \
	"$top/userspace/libdaudit/libdaudit.pc.in" >"$tmp/libdaudit.pc"
files+=("$top/build/lib/libdaudit.so.1.0.0:$libdir/libdaudit.so.1.0.0:644"
	"$top/userspace/libdaudit/daudit/actor.h:$includedir/daudit/actor.h:644"
	"$tmp/libdaudit.pc:$libdir/pkgconfig/libdaudit.pc:644"
	"$top/userspace/python/daudit_actor.py:$pythondir/daudit_actor.py:644")
links=("$libdir/libdaudit.so.1:libdaudit.so.1.0.0"
	"$libdir/libdaudit.so:libdaudit.so.1.0.0")
for m in "$top"/docs/man/*.[0-9]; do
	[ -f "$m" ] || continue
	files+=("$m:$mandir/man${m##*.}/$(basename "$m"):644")
done
for c in "$top"/dist/bash-completion/*; do
	[ -f "$c" ] || continue
	files+=("$c:$completiondir/$(basename "$c"):644")
done
# Loads daudit.ko at boot, before dauditd.service starts.
for c in "$top"/dist/modules-load.d/*.conf; do
	[ -f "$c" ] || continue
	files+=("$c:$modulesloaddir/$(basename "$c"):644")
done
configs=()
for c in "$top"/dist/*.conf; do
	[ -f "$c" ] || continue
	configs+=("$c:$sysconfdir/daudit/$(basename "$c"):644")
done

if [ $uninstall = 1 ]; then
	for f in "${files[@]}"; do
		dst=${f#*:}
		dst=${dst%:*}
		rm -f "$destdir$dst" && echo "removed $destdir$dst"
	done
	for l in "${links[@]}"; do
		rm -f "$destdir${l%%:*}" && echo "removed $destdir${l%%:*}"
	done
	rmdir --ignore-fail-on-non-empty "$destdir$includedir/daudit" 2>/dev/null || true
	[ -z "$destdir" ] && command -v ldconfig >/dev/null && ldconfig
	echo "configuration in $destdir$sysconfdir/daudit left in place"
	exit 0
fi

for f in "${files[@]}"; do
	src=${f%%:*} rest=${f#*:}
	dst=${rest%:*} mode=${rest##*:}
	install -D -m "$mode" "$src" "$destdir$dst"
	echo "installed $destdir$dst"
done
for l in "${links[@]}"; do
	ln -sfn "${l#*:}" "$destdir${l%%:*}"
	echo "installed $destdir${l%%:*} -> ${l#*:}"
done
for f in "${configs[@]}"; do
	src=${f%%:*} rest=${f#*:}
	dst=${rest%:*} mode=${rest##*:}
	if [ -e "$destdir$dst" ]; then
		echo "kept existing $destdir$dst"
	else
		install -D -m "$mode" "$src" "$destdir$dst"
		echo "installed $destdir$dst"
	fi
done
if [ -z "$destdir" ]; then
	for ko in "${kos[@]}"; do
		[ -f "$ko" ] && depmod -a "$(basename "$(dirname "$ko")")"
	done
	command -v ldconfig >/dev/null && ldconfig
	if command -v systemctl >/dev/null; then
		systemctl daemon-reload 2>/dev/null || true
	fi
fi
