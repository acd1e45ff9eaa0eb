#!/bin/bash
# make install / make uninstall.
#   install.sh [--uninstall] DESTDIR SBINDIR MANDIR SYSCONFDIR UNITDIR
# Installs daudit.ko for every kernel it was built for, the programs, the
# systemd unit, man pages and default configuration (never overwriting a
# configuration file that exists).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
uninstall=0
if [ "${1:-}" = --uninstall ]; then
	uninstall=1
	shift
fi
destdir=$1 sbindir=$2 mandir=$3 sysconfdir=$4 unitdir=$5

files=()
for ko in "$top"/build/kmod/*/daudit.ko; do
	[ -f "$ko" ] || continue
	kver=$(basename "$(dirname "$ko")")
	files+=("$ko:/lib/modules/$kver/updates/daudit.ko:644")
done
files+=("$top/build/bin/daudit:$sbindir/daudit:755"
	"$top/build/bin/dauditd:$sbindir/dauditd:755"
	"$top/dist/dauditd.service:$unitdir/dauditd.service:644")
for m in "$top"/docs/man/*.[0-9]; do
	[ -f "$m" ] || continue
	files+=("$m:$mandir/man${m##*.}/$(basename "$m"):644")
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
	echo "configuration in $destdir$sysconfdir/daudit left in place"
	exit 0
fi

for f in "${files[@]}"; do
	src=${f%%:*} rest=${f#*:}
	dst=${rest%:*} mode=${rest##*:}
	install -D -m "$mode" "$src" "$destdir$dst"
	echo "installed $destdir$dst"
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
	for ko in "$top"/build/kmod/*/daudit.ko; do
		[ -f "$ko" ] && depmod -a "$(basename "$(dirname "$ko")")"
	done
	if command -v systemctl >/dev/null; then
		systemctl daemon-reload 2>/dev/null || true
	fi
fi
