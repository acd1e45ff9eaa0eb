#!/bin/bash
# dkms add, build and install of this tree for every installed kernel, in a
# scratch DKMS tree (nothing on the host changes).  The modules it builds
# are kept in build/dkms/KVER/ so the VM suites load them too.  TAP out.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
ver=$(cat VERSION)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

TAP_SUITE=dkms
# shellcheck source=tests/tap.sh
. tests/tap.sh

if ! command -v dkms >/dev/null; then
	echo "dkms is not installed" >"$tmp/log"
	tap 1 "dkms available" "$tmp/log"
	exit 1
fi
grep -q "^PACKAGE_VERSION=\"$ver\"$" dkms.conf
tap $? "dkms.conf PACKAGE_VERSION matches VERSION ($ver)"

# The sources as make dkms-install and the package daudit-dkms lay them out.
make -s install-dkms-src DESTDIR="$tmp" >"$tmp/src.log" 2>&1
tap $? "make install-dkms-src lays out /usr/src/daudit-$ver" "$tmp/src.log"
mkdir -p "$tmp/tree" "$tmp/install"
opts=(--dkmstree "$tmp/tree" --sourcetree "$tmp/usr/src" --installtree "$tmp/install")

dkms add "${opts[@]}" -m daudit -v "$ver" >"$tmp/add.log" 2>&1
tap $? "dkms add daudit/$ver" "$tmp/add.log"

while read -r kver _; do
	dkms build "${opts[@]}" -m daudit -v "$ver" -k "$kver" >"$tmp/build-$kver.log" 2>&1
	tap $? "dkms build for $kver" "$tmp/build-$kver.log"
	mkdir -p "$tmp/install/$kver"
	dkms install "${opts[@]}" -m daudit -v "$ver" -k "$kver" --no-depmod \
		>"$tmp/install-$kver.log" 2>&1
	rc=$?
	ko=$(find "$tmp/install/$kver" -name 'daudit.ko*' 2>/dev/null | head -n1)
	[ -n "$ko" ] || rc=1
	tap $rc "dkms install for $kver puts daudit.ko in the module tree" "$tmp/install-$kver.log"
	if [ -n "$ko" ]; then
		mkdir -p "build/dkms/$kver"
		case $ko in
		*.xz) xz -dc "$ko" >"build/dkms/$kver/daudit.ko" ;;
		*.zst) zstd -qdc "$ko" >"build/dkms/$kver/daudit.ko" ;;
		*) cp "$ko" "build/dkms/$kver/daudit.ko" ;;
		esac
		modinfo -F vermagic "build/dkms/$kver/daudit.ko" | grep -q "^$kver "
		tap $? "the DKMS-built module for $kver carries its vermagic"
	fi
done < <(KDIR='' KVER='' scripts/kernels.sh vm)
exit $fail
