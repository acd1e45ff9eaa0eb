#!/bin/bash
# List the kernels daudit.ko is built and tested for, one "KVER KDIR" a line.
#   scripts/kernels.sh build   kernels with headers (what `make` builds for)
#   scripts/kernels.sh vm      kernels with headers and a bootable image
# KDIR=... or KVER=... in the environment select one kernel.  With neither,
# `build` prefers the running kernel when its headers are installed.
set -euo pipefail
mode=${1:-build}

release_of() { # KDIR -> kernel release
	cat "$1/include/config/kernel.release" 2>/dev/null ||
		basename "$(dirname "$1")"
}

if [ -n "${KDIR:-}" ]; then
	[ -d "$KDIR" ] || { echo "kernels: KDIR=$KDIR does not exist" >&2; exit 1; }
	echo "$(release_of "$KDIR") $KDIR"
	exit 0
fi
if [ -n "${KVER:-}" ]; then
	d=/lib/modules/$KVER/build
	[ -d "$d" ] || { echo "kernels: no headers for KVER=$KVER ($d missing)" >&2; exit 1; }
	echo "$KVER $d"
	exit 0
fi
if [ "$mode" = build ] && [ -d "/lib/modules/$(uname -r)/build" ]; then
	echo "$(uname -r) /lib/modules/$(uname -r)/build"
	exit 0
fi
found=0
for d in /lib/modules/*/build; do
	[ -d "$d" ] || continue
	kver=$(basename "$(dirname "$d")")
	if [ "$mode" = vm ] && [ ! -r "/boot/vmlinuz-$kver" ]; then
		continue
	fi
	echo "$kver $d"
	found=1
done
if [ $found = 0 ]; then
	echo "kernels: no kernel headers installed (apt-get install linux-headers-cloud-amd64)" >&2
	exit 1
fi
