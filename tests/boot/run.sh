#!/bin/bash
# The packaged-boot test: a minimal Debian 12 with systemd (tests/boot/
# image.sh, built once and cached) boots under qemu (TCG) on every
# installed kernel, installs daudit and daudit-dkms, upgrades them to a
# rebuilt version and purges them.  TAP on stdout, "ok - boot KVER: ...".
#
# One image holds every kernel, as a host would: the daudit-dkms postinst
# builds for all of them.  Each boot is its own qemu run on one qcow2
# overlay of the cached image (the base stays clean), with the stage on
# the kernel command line; the stages' script and state are on a second
# disk.  With kernels K1 < ... < Kn:
#   K1 install   install the packages, write the test policy, enable
#   Ki check     (1 < i < n) module loaded at boot, dauditd active, a
#                protected read made after boot recorded with its exact
#                bytes, earlier reads kept
#   Kn upgrade   the checks of a boot (the old version), then install the
#                bumped packages: restarted, database, policy and records
#                kept, a new read recorded
#   K1 purge     the checks of a boot (the upgraded version, on another
#                kernel); daudit.ko refused by modprobe: the unit starts
#                dauditd on the eBPF sensor, a read recorded exactly;
#                then purge and check what is left
# Every kernel boots the packages at least once: Kn the old version, K1
# the new one (one kernel: install, upgrade and purge on it).
#
# Packages: `make deb` of VERSION and of VERSION+boot1 (DEB_VERSION) in
# BOOT_DEB_TREE (default this tree), built into build/boot; or ready ones,
# BOOT_DEBS=DIR holding daudit_V_amd64.deb and daudit-dkms_V_all.deb of
# two versions (the older is installed, the newer is the upgrade).
#   KERNELS="..."     the kernels (default: the cloud ones of scripts/kernels.sh vm)
#   BOOT_CACHE=DIR    the image cache (default /var/cache/daudit-test)
#   BOOT_TIMEOUT=900  seconds one boot may take
#   VM_TCG_THREAD     single (default, as tests/vm) or multi
#   BOOT_DKMS=seed    (default) the guest's DKMS finds the modules built by
#                     the host's dkms from the packages' sources (seed.sh);
#                     build: DKMS compiles in the guest, about 10 min per
#                     kernel and version under TCG
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/boot
work=$top/build/boot
timeout_s=${BOOT_TIMEOUT:-900}

if [ -n "${KERNELS:-}" ]; then
	kernels=$KERNELS
else
	# The cloud flavour, what servers run: every kernel in the image is
	# another DKMS build and boot (other flavours: KERNELS=...).
	kernels=$(DAUDIT_FLAVOURS=cloud "$top/scripts/kernels.sh" vm | cut -d' ' -f1) || exit 1
fi
kernels=$(echo "$kernels" | tr ' ' '\n' | sed '/^$/d' | sort -V)
[ -n "$kernels" ] || { echo "not ok - boot: no kernel with headers and image installed"; exit 1; }
first=$(echo "$kernels" | head -n1)
last=$(echo "$kernels" | tail -n1)
t0=$(date +%s)

# shellcheck disable=SC2086 # one argument per kernel
img=$("$here/image.sh" $kernels) || { echo "not ok - boot: image build failed"; exit 1; }
echo "# boot: image $img ($(sed -n 1,2p "$img/info" | tr '\n' ';'))"

rm -rf "$work"
mkdir -p "$work/disk"

# The packages: two versions.
debs=$work/debs
mkdir -p "$debs"
if [ -n "${BOOT_DEBS:-}" ]; then
	cp "$BOOT_DEBS"/daudit_*_amd64.deb "$BOOT_DEBS"/daudit-dkms_*_all.deb "$debs/" || exit 1
else
	tree=${BOOT_DEB_TREE:-$top}
	v=$(cat "$tree/VERSION")
	for ver in "$v" "$v+boot1"; do
		if ! make -s -C "$tree" deb DEB_VERSION="$ver" DEB_OUT="$work/deb-$ver" >"$work/deb.log" 2>&1; then
			echo "not ok - boot: make deb DEB_VERSION=$ver in $tree failed"
			tail -n 20 "$work/deb.log" | sed 's/^/#   /'
			exit 1
		fi
		cp "$work/deb-$ver/daudit_${ver}_amd64.deb" "$work/deb-$ver/daudit-dkms_${ver}_all.deb" "$debs/" || exit 1
	done
fi
versions=$(find "$debs" -name 'daudit_*_amd64.deb' -printf '%f\n' | sed -E 's/^daudit_(.*)_amd64\.deb$/\1/' | sort -V)
v_old=$(echo "$versions" | head -n1)
v_new=$(echo "$versions" | tail -n1)
if [ "$(echo "$versions" | wc -l)" -ne 2 ] || dpkg --compare-versions "$v_new" le "$v_old"; then
	echo "not ok - boot: need packages of two versions, have: $(echo "$versions" | tr '\n' ' ')"
	exit 1
fi
for v in "$v_old" "$v_new"; do
	[ -f "$debs/daudit-dkms_${v}_all.deb" ] || { echo "not ok - boot: no daudit-dkms_${v}_all.deb"; exit 1; }
done
echo "# boot: packages $v_old, upgrade to $v_new"

# The test disk: the debs, the stage script, its configuration and state,
# and (BOOT_DKMS=seed) the modules DKMS would compile in the guest.
cp "$debs"/*.deb "$here/stage.sh" "$work/disk/"
if [ "${BOOT_DKMS:-seed}" = seed ]; then
	start=$(date +%s)
	# shellcheck disable=SC2086 # one argument per kernel
	if ! "$here/seed.sh" "$work/disk/seed" "$debs"/daudit-dkms_*_all.deb -- $kernels >"$work/seed.log" 2>&1; then
		echo "not ok - boot: dkms build on the host of the packages' sources (seed.sh)"
		tail -n 20 "$work/seed.log" | sed 's/^/#   /'
		exit 1
	fi
	echo "# boot: DKMS builds on the host for the guest: $(($(date +%s) - start)) s"
fi
cat >"$work/disk/conf.sh" <<EOF
V_OLD='$v_old'
V_NEW='$v_new'
DEB_OLD='daudit_${v_old}_amd64.deb'
DKMS_OLD='daudit-dkms_${v_old}_all.deb'
DEB_NEW='daudit_${v_new}_amd64.deb'
DKMS_NEW='daudit-dkms_${v_new}_all.deb'
EOF
mkfs.ext4 -q -L boottest -d "$work/disk" "$work/test.img" 64M >/dev/null || exit 1
qemu-img create -q -f qcow2 -b "$img/root.img" -F raw "$work/root.qcow2" || exit 1

# boot N KVER STAGE: one qemu run; its console and results in $work/N-STAGE.
# Returns 0 when every check passed, 1 when one failed, 2 when the stage
# did not finish (no later stage can run).
boot() {
	local n=$1 kver=$2 stage=$3 dir start status
	dir=$work/$n-$stage
	mkdir -p "$dir"
	start=$(date +%s)
	timeout --foreground -k 5 "$timeout_s" \
		qemu-system-x86_64 -accel "tcg,thread=${VM_TCG_THREAD:-single}" -cpu max \
		-smp "${VM_SMP:-2}" -m 2G -nodefaults -display none \
		-kernel "$img/vmlinuz-$kver" -initrd "$img/initrd.img-$kver" \
		-append "root=/dev/vda rw console=ttyS0 daudit_boot_stage=$stage" \
		-drive "file=$work/root.qcow2,if=virtio,format=qcow2" \
		-drive "file=$work/test.img,if=virtio,format=raw" \
		-serial "file:$dir/console.log" -serial "file:$dir/results.log" \
		</dev/null >"$dir/qemu.log" 2>&1
	status=$?
	tr -d '\r' <"$dir/results.log" | grep -E '^(ok|not ok|#)'
	echo "# boot: $kver $stage: $(($(date +%s) - start)) s, qemu status $status"
	if ! grep -q "^DAUDIT-STAGE-END $stage" "$dir/results.log"; then
		echo "not ok - boot $kver: stage $stage did not finish (qemu status $status; console: $dir/console.log)"
		tail -n 30 "$dir/console.log" | tr -d '\r' | sed 's/^/#   /'
		return 2
	fi
	grep -q '^DAUDIT-STAGE-FAILS 0' <(tr -d '\r' <"$dir/results.log") || return 1
}

# A failed check does not stop the later stages (what an upgrade or a
# purge does is worth knowing even then); a stage that did not finish does.
fail=0
n=1
boot $n "$first" install
rc=$?
for k in $kernels; do
	# K1's boot checks come in its purge boot, on the upgraded packages.
	[ "$k" = "$first" ] && [ "$k" != "$last" ] && continue
	[ $rc -lt 2 ] || break
	[ $rc = 0 ] || fail=1
	n=$((n + 1))
	stage=check
	[ "$k" = "$last" ] && stage=upgrade
	boot $n "$k" $stage
	rc=$?
done
if [ $rc -lt 2 ]; then
	[ $rc = 0 ] || fail=1
	n=$((n + 1))
	boot $n "$first" purge
	rc=$?
fi
[ $rc = 0 ] || fail=1
echo "# boot: $n boots, $(($(date +%s) - t0)) s in all"
exit $fail
