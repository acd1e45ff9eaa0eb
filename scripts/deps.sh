#!/bin/bash
# Install the Debian packages daudit needs for a purpose, if any is missing.
#   scripts/deps.sh build|check|demo|bench
# Needs root (or nothing to install).  Prints what it installs.
set -euo pipefail

build_pkgs=(make gcc libc6-dev pkg-config libsqlite3-dev libjson-c-dev libinih-dev
	liburing-dev libgnutls28-dev kmod
	linux-headers-cloud-amd64 linux-headers-6.12-cloud-amd64)
# gcc-multilib: `make helpers` builds a 32-bit reader too, for every VM
# boot (tests, demo, bench).
vm_pkgs=(qemu-system-x86 linux-image-cloud-amd64 linux-image-6.12-cloud-amd64
	busybox-static bats cpio gzip xz-utils util-linux mount procps jq gojq e2fsprogs dmsetup gcc-multilib)
# mmdebstrap and qemu-utils (qemu-img): tests/boot, the packaged boot.
check_pkgs=(auditd dkms sparse cppcheck shellcheck clang libclang-rt-14-dev libcmocka-dev linux-source-6.12
	libcap2-bin rsyslog rsyslog-gnutls openssl python3 postgresql-15 postgresql-client-15 xfsprogs
	python3-psycopg2 mmdebstrap qemu-utils)
# The demo's web service (tests/demo/): PostgreSQL, and Python with psycopg2
# (tests/vm/initramfs.sh copies them into the VM).
demo_pkgs=(postgresql-15 postgresql-client-15 python3 python3-psycopg2)

case "${1:-build}" in
build) want=("${build_pkgs[@]}") ;;
check) want=("${build_pkgs[@]}" "${vm_pkgs[@]}" "${check_pkgs[@]}") ;;
demo) want=("${build_pkgs[@]}" "${vm_pkgs[@]}" "${demo_pkgs[@]}") ;;
bench) want=("${build_pkgs[@]}" "${vm_pkgs[@]}" auditd) ;;
*)
	echo "usage: $0 build|check|demo|bench" >&2
	exit 2
	;;
esac

missing=()
for p in "${want[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages: ${missing[*]}" >&2
	echo "deps: run as root, or: apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
