#!/bin/bash
# Build, once, the Debian 12 root file system the packaged-boot test boots,
# and print its directory.  Cached outside the work tree:
#   $BOOT_CACHE (default /var/cache/daudit-test)/root-KEY/
#     root.img               ext4 (mkfs.ext4 -d; no loop mount), raw
#     vmlinuz-KVER, initrd.img-KVER   copied out of the image's /boot
#     build.log, info        mmdebstrap's output; build time and sizes
# KEY hashes this script and the package list (kernels included), so a
# change to either builds a new image; older ones are left for the user
# to remove.  Needs root (mmdebstrap as root, device nodes, owners).
#
#   tests/boot/image.sh KVER...    the kernels the image holds (with headers)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${BOOT_CACHE:-/var/cache/daudit-test}
[ $# -gt 0 ] || { echo "usage: $0 KVER..." >&2; exit 2; }

# What a minimal systemd host running the packages needs, without network
# in the guest: dkms and the compiler, the runtime libraries the programs
# link (apt resolves the .debs' Depends from what is installed), a reader
# and sqlite3 for the checks.  The kernels are the host's own releases, by
# package name (linux-image-KVER), so the guest boots what the host's VM
# tests boot; the versions are never written here.
pkgs=(systemd-sysv udev kmod dkms gcc make initramfs-tools e2fsprogs
	libsqlite3-0 libjson-c5 libinih1 libgnutls30 libsystemd0 libpq5 libbpf1
	busybox sqlite3 procps)
for k in "$@"; do
	[ -r "/boot/vmlinuz-$k" ] || { echo "image: /boot/vmlinuz-$k missing on the host" >&2; exit 1; }
	pkgs+=("linux-image-$k" "linux-headers-$k")
done

# Apt's own Debian sources of the host (bookworm, updates, security);
# without any, mmdebstrap's default mirror.
mirrors=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] && grep -q -E '^[^#]*(deb\.debian\.org|security\.debian\.org)' "$f" && mirrors+=("$f")
done

key=$( { cat "$0" "$here/runner.sh" "$here/daudit-boot-stage.service"; printf '%s\n' "${pkgs[@]}"; } | sha256sum | cut -c1-16)
dir=$cache/root-$key
if [ -f "$dir/root.img" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
[ -f "$dir/root.img" ] && { echo "$dir"; exit 0; }

start=$(date +%s)
tmp=$(mktemp -d "$cache/.build-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
root=$tmp/root
echo "image: building $dir with mmdebstrap (${pkgs[*]})" >&2

# The hooks make it bootable from /dev/vda and add the stage runner: a
# unit that, when the kernel command line names daudit_boot_stage=NAME,
# mounts the second disk (/dev/vdb) and runs its stage.sh (runner.sh).
# shellcheck disable=SC2016 # "$1" is the hooks' own argument: the root
if ! mmdebstrap --variant=minbase --include="$(IFS=,; echo "${pkgs[*]}")" \
	--customize-hook='echo boottest >"$1/etc/hostname"' \
	--customize-hook='echo "127.0.1.1 boottest" >>"$1/etc/hosts"' \
	--customize-hook='echo "/dev/vda / ext4 defaults,errors=remount-ro 0 1" >"$1/etc/fstab"' \
	--customize-hook="upload $here/runner.sh /usr/local/sbin/daudit-boot-stage" \
	--customize-hook='chmod 755 "$1/usr/local/sbin/daudit-boot-stage"' \
	--customize-hook="upload $here/daudit-boot-stage.service /etc/systemd/system/daudit-boot-stage.service" \
	--customize-hook='chroot "$1" systemctl enable daudit-boot-stage.service' \
	--customize-hook='chroot "$1" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer' \
	bookworm "$root" "${mirrors[@]}" >"$tmp/build.log" 2>&1; then
	echo "image: mmdebstrap failed; last lines of its log:" >&2
	tail -n 30 "$tmp/build.log" >&2
	exit 1
fi

for k in "$@"; do
	cp "$root/boot/vmlinuz-$k" "$root/boot/initrd.img-$k" "$tmp/" || {
		echo "image: the image has no /boot/vmlinuz-$k or initrd.img-$k" >&2
		exit 1
	}
done
# Room for the packages, two DKMS builds per kernel and the database: the
# file is sparse, only what is written takes space.
used_mb=$(du -sm "$root" | cut -f1)
size_mb=$((used_mb + 3072))
mkfs.ext4 -q -L root -d "$root" "$tmp/root.img" "${size_mb}M" >>"$tmp/build.log" 2>&1 || {
	echo "image: mkfs.ext4 -d failed" >&2
	tail -n 10 "$tmp/build.log" >&2
	exit 1
}
rm -rf "$root"
secs=$(($(date +%s) - start))
{
	echo "built $(date -u +%FT%TZ) in $secs s"
	echo "tree ${used_mb} MiB, image ${size_mb} MiB apparent, $(du -sm "$tmp/root.img" | cut -f1) MiB on disk"
	echo "kernels $*"
	echo "packages ${pkgs[*]}"
} >"$tmp/info"
echo "image: built in $secs s; $(sed -n 2p "$tmp/info")" >&2
mv "$tmp" "$dir"
trap - EXIT
echo "$dir"
