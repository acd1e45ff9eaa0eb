#!/bin/bash
# The packages on a fresh Debian 12 root (mmdebstrap, from the network):
# apt install of the two .debs (with the cloud kernel's headers) has DKMS
# build daudit.ko and enables dauditd; an upgrade to the next version
# keeps a changed conffile and /var/lib/daudit and rebuilds the module;
# remove keeps /etc/daudit and /var/lib/daudit, purge removes them.
# Needs root and a Debian mirror (DEB_MIRROR); a few minutes, so not part
# of make check (tests/deb/run.sh is).  TAP out.  docs/packaging.md.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
ver=$(cat VERSION)
next=${ver%.*}.$((${ver##*.} + 1))
mirror=${DEB_MIRROR:-http://deb.debian.org/debian}
tmp=$(mktemp -d)
root=$tmp/root
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local m
	for m in "$root/dev" "$root/proc"; do
		mountpoint -q "$m" && ! umount "$m" && { echo "# $m still mounted: $tmp kept"; return; }
	done
	# Never into a mount (/dev is the host's).
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
TAP_SUITE=deb-install
# shellcheck source=tests/tap.sh
. tests/tap.sh

in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive "$@"; }
apt_in_root() {
	in_root apt-get install -y -q -o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold "$@"
}

{
	DEB_OUT=$tmp/deb DEB_BUILD_ARGS=-b scripts/deb.sh &&
		DEB_OUT=$tmp/next DEB_VERSION=$next DEB_BUILD_ARGS=-b scripts/deb.sh
} >"$tmp/build.log" 2>&1
tap $? "packages of $ver and $next built" "$tmp/build.log"
mmdebstrap --variant=apt bookworm "$root" "deb $mirror bookworm main" >"$tmp/root.log" 2>&1
tap $? "a Debian 12 root made with mmdebstrap" "$tmp/root.log"
[ $fail = 0 ] || exit 1
mount -t proc proc "$root/proc" && mount --bind /dev "$root/dev"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/pk"
cp "$tmp"/deb/daudit_*.deb "$tmp"/deb/daudit-dkms_*.deb "$tmp"/next/daudit_*.deb \
	"$tmp"/next/daudit-dkms_*.deb "$root/pk/"

# dkms_kernels VERSION: the kernels DKMS says daudit/VERSION is installed for.
dkms_kernels() {
	in_root dkms status -m daudit -v "$1" | awk -F', ' '/: installed/ { print $2 }'
}

{
	in_root apt-get update -q &&
		apt_in_root "/pk/daudit_${ver}_amd64.deb" "/pk/daudit-dkms_${ver}_all.deb" \
			linux-headers-cloud-amd64 || exit 1
	k=$(dkms_kernels "$ver")
	echo "daudit/$ver installed for: $k"
	[ -n "$k" ] || exit 1
	for kv in $k; do [ -f "$root/lib/modules/$kv/updates/dkms/daudit.ko" ] || exit 1; done
	in_root daudit --version | grep "^daudit $ver " &&
		[ -L "$root/etc/systemd/system/multi-user.target.wants/dauditd.service" ] &&
		[ -f "$root/etc/daudit/dauditd.conf" ] && [ -f "$root/etc/daudit/policy.conf" ]
} >"$tmp/install.log" 2>&1
tap $? "apt install ./daudit_${ver}_amd64.deb ./daudit-dkms_${ver}_all.deb: DKMS builds daudit.ko for every kernel with headers, dauditd.service enabled, /etc/daudit in place" "$tmp/install.log"

{
	echo '# changed here' >>"$root/etc/daudit/policy.conf"
	mkdir -p "$root/var/lib/daudit/sinks" && echo db >"$root/var/lib/daudit/daudit.db"
	apt_in_root "/pk/daudit_${next}_amd64.deb" "/pk/daudit-dkms_${next}_all.deb" || exit 1
	[ -z "$(dkms_kernels "$ver")" ] && [ -n "$(dkms_kernels "$next")" ] &&
		in_root daudit --version | grep "^daudit $next " &&
		[ "$(tail -n1 "$root/etc/daudit/policy.conf")" = '# changed here' ] &&
		[ "$(cat "$root/var/lib/daudit/daudit.db")" = db ] && [ ! -e "$root/usr/src/daudit-$ver" ]
} >"$tmp/upgrade.log" 2>&1
tap $? "upgrade to $next: DKMS swaps daudit/$ver for daudit/$next, the changed policy.conf and /var/lib/daudit are kept" "$tmp/upgrade.log"

{
	in_root apt-get remove -y -q daudit daudit-dkms || exit 1
	[ -f "$root/etc/daudit/policy.conf" ] && [ -f "$root/var/lib/daudit/daudit.db" ] || exit 1
	! find "$root/lib/modules" -name 'daudit.ko*' | grep . && [ ! -e "$root/usr/sbin/dauditd" ]
} >"$tmp/remove.log" 2>&1
tap $? "apt remove: programs and every daudit.ko gone, /etc/daudit and /var/lib/daudit kept" "$tmp/remove.log"

{
	in_root apt-get purge -y -q daudit daudit-dkms || exit 1
	[ ! -e "$root/etc/daudit" ] && [ ! -e "$root/var/lib/daudit" ] &&
		! in_root dpkg -l 'daudit*' 2>/dev/null | grep -E '^(ii|rc) '
} >"$tmp/purge.log" 2>&1
tap $? "apt purge: /etc/daudit and /var/lib/daudit removed, nothing of daudit left in dpkg" "$tmp/purge.log"
exit $fail
