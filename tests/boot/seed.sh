#!/bin/bash
# Build, on the host, what DKMS would build in the guest: for each
# daudit-dkms package given, its /usr/src tree through `dkms build` in a
# scratch DKMS tree, for each kernel; the modules go to
# OUT/VERSION/KVER/.  The guest copies them into /var/lib/dkms before
# installing the packages, so the postinst's DKMS finds them built and
# installs them (dkms skips the build of a module that is built).  Under
# TCG one compile of daudit.ko takes about 10 minutes per kernel (the
# measurement is in docs/testing.md); natively, seconds.  The host is
# Debian 12 with the same gcc-12 and the same kernel header packages.
#
# Each build is kept in $BOOT_CACHE/dkms/VERSION-SOURCEHASH-KVER.
#
#   tests/boot/seed.sh OUT DKMS_DEB... -- KVER...
set -euo pipefail
cache=${BOOT_CACHE:-/var/cache/daudit-test}/dkms
out=$1
shift
debs=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	debs+=("$1")
	shift
done
shift
tmp=$(mktemp -d)
mkdir -p "$tmp/tree" "$tmp/install"
trap 'rm -rf "$tmp"' EXIT
for deb in "${debs[@]}"; do
	x=$tmp/x-$(basename "$deb")
	dpkg-deb -x "$deb" "$x"
	src=$(find "$x/usr/src" -mindepth 1 -maxdepth 1 -type d -name 'daudit-*')
	[ -n "$src" ] || { echo "seed: $deb holds no /usr/src/daudit-*" >&2; exit 1; }
	v=${src##*/daudit-}
	# The same source for the same kernel is built once: kept by a hash
	# of the source's files.
	sum=$(cd "$src" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
	opts=(--dkmstree "$tmp/tree" --sourcetree "$x/usr/src" --installtree "$tmp/install")
	added=0
	for k in "$@"; do
		c=$cache/$v-$sum-$k
		if [ ! -d "$c" ]; then
			if [ $added = 0 ]; then
				dkms add "${opts[@]}" -m daudit -v "$v" >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; exit 1; }
				added=1
			fi
			dkms build "${opts[@]}" -m daudit -v "$v" -k "$k" >"$tmp/log" 2>&1 ||
				{ tail -n 30 "$tmp/log" >&2; exit 1; }
			mkdir -p "$c.tmp"
			cp "$tmp/tree/daudit/$v/$k/x86_64/module/"daudit.ko* "$c.tmp/"
			mv "$c.tmp" "$c"
			echo "seed: built daudit $v for $k" >&2
		fi
		mkdir -p "$out/$v/$k"
		cp "$c"/daudit.ko* "$out/$v/$k/"
	done
done
