#!/bin/bash
# dkms add, build and install of this tree for every installed kernel, in a
# scratch DKMS tree, then `make dkms-install` with a module signing key
# configured (docs/packaging.md, "Secure Boot").  The modules it builds
# are kept in build/dkms/KVER/ so the VM suites load them too.  TAP out.
#
# Nothing on the host changes: the script runs in a mount namespace of
# its own where /etc/dkms, /var/lib/dkms, /usr/src and /lib/modules are
# overlays whose writes go to a scratch directory.  (DKMS signs whatever
# it builds, and makes itself a key in /var/lib/dkms when none is
# configured; `make dkms-install` writes /usr/src and /lib/modules.)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
if [ -z "${DAUDIT_DKMS_NS:-}" ]; then
	DAUDIT_DKMS_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
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
for d in /etc/dkms /var/lib/dkms /usr/src /lib/modules; do
	o=$tmp/overlay/${d//\//_}
	mkdir -p "$d" "$o/upper" "$o/work"
	mount -t overlay overlay -o "lowerdir=$d,upperdir=$o/upper,workdir=$o/work" "$d" ||
		{ echo "dkms: cannot lay a scratch overlay over $d" >&2; exit 1; }
done
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

# Secure Boot: a machine owner key of one's own, named in DKMS's
# framework configuration, signs the module `make dkms-install` builds
# (the steps of docs/packaging.md, but mokutil, which needs firmware).
key=$tmp/mok/MOK.priv cert=$tmp/mok/MOK.der
mkdir -p "$tmp/mok" /etc/dkms/framework.conf.d
openssl req -new -x509 -nodes -days 36500 -subj "/CN=daudit test module signing key/" \
	-newkey rsa:2048 -keyout "$key" -outform DER -out "$cert" >"$tmp/openssl.log" 2>&1
tap $? "openssl makes a machine owner key" "$tmp/openssl.log"
printf 'mok_signing_key=%s\nmok_certificate=%s\n' "$key" "$cert" \
	>/etc/dkms/framework.conf.d/daudit-signing.conf
serial=$(openssl x509 -inform DER -in "$cert" -noout -serial | sed 's/^serial=//' | tr 'a-f' 'A-F')
while read -r kver _; do
	make -s dkms-install KVER="$kver" >"$tmp/signed-$kver.log" 2>&1
	rc=$?
	ko=$(find "/lib/modules/$kver/updates" -name 'daudit.ko*' 2>/dev/null | head -n1)
	[ -n "$ko" ] || rc=1
	tap $rc "make dkms-install KVER=$kver with a signing key configured installs daudit.ko" \
		"$tmp/signed-$kver.log"
	[ -n "$ko" ] || continue
	# modinfo reads compressed modules itself.
	signer=$(modinfo -F signer "$ko" 2>&1)
	sig_key=$(modinfo -F sig_key "$ko" 2>&1 | tr -d ':' | tr 'a-f' 'A-F')
	printf 'signer: %s (want: daudit test module signing key)\nsig_key: %s (want the certificate serial %s)\n' \
		"$signer" "$sig_key" "$serial" >"$tmp/sig-$kver.log"
	[ "$signer" = "daudit test module signing key" ] && [ "$sig_key" = "$serial" ]
	tap $? "modinfo shows the DKMS-installed module for $kver signed with that key" "$tmp/sig-$kver.log"
	dkms remove daudit/"$ver" -k "$kver" >/dev/null 2>&1
done < <(KDIR='' KVER='' scripts/kernels.sh vm)
exit $fail
