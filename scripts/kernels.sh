#!/bin/bash
# List the kernels daudit.ko is built and tested for, one "KVER KDIR" a line.
#   scripts/kernels.sh build   kernels with headers (what `make` builds for)
#   scripts/kernels.sh vm      kernels with headers and a bootable image
# KDIR=... or KVER=... in the environment select one kernel.  With neither,
# `build` prefers the running kernel when its headers are installed.
# DAUDIT_FLAVOURS="cloud rt ..." keeps only kernels of those Debian
# flavours (cloud, generic, rt); unset or "all" keeps every one.  `make
# check` sets it to cloud (the two kernels every test runs on), `make
# check-matrix` to all.
set -euo pipefail
mode=${1:-build}
flavours=${DAUDIT_FLAVOURS:-all}
for f in $flavours; do
	case $f in
	all | cloud | generic | rt) ;;
	*) echo "kernels: DAUDIT_FLAVOURS: unknown flavour '$f' (cloud, generic, rt or all)" >&2; exit 2 ;;
	esac
done

flavour_of() { # KVER -> cloud, rt or generic (Debian's -amd64)
	case $1 in
	*-cloud-*) echo cloud ;;
	*-rt-*) echo rt ;;
	*) echo generic ;;
	esac
}

wanted() { # KVER: is its flavour one of DAUDIT_FLAVOURS?
	[ "$flavours" = all ] && return 0
	case " $flavours " in
	*" $(flavour_of "$1") "*) return 0 ;;
	esac
	return 1
}

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
if [ "$mode" = build ] && [ -d "/lib/modules/$(uname -r)/build" ] && wanted "$(uname -r)"; then
	echo "$(uname -r) /lib/modules/$(uname -r)/build"
	exit 0
fi
found=0
for d in /lib/modules/*/build; do
	[ -d "$d" ] || continue
	kver=$(basename "$(dirname "$d")")
	wanted "$kver" || continue
	if [ "$mode" = vm ] && [ ! -r "/boot/vmlinuz-$kver" ]; then
		continue
	fi
	echo "$kver $d"
	found=1
done
if [ $found = 0 ]; then
	if [ "$flavours" = all ]; then
		echo "kernels: no kernel headers installed (apt-get install linux-headers-cloud-amd64)" >&2
	else
		echo "kernels: no kernel of flavour '$flavours' installed with headers (and, to boot, an image); DAUDIT_FLAVOURS=all takes every kernel" >&2
	fi
	exit 1
fi
