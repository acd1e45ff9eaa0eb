#!/bin/bash
# Install the Debian packages daudit needs for a purpose, if any is missing.
#   scripts/deps.sh build|vm|unit|fuzz|static|dkms|check|matrix|demo|bench|deb|boot|fleet|report|debugkernel
#   scripts/deps.sh --list PURPOSE   print the packages, installing nothing
# Needs root (or nothing to install).  Prints what it installs.  Each make
# target calls it for what it builds and runs; tests/static/deps.sh checks
# these lists against the files the builds open.  DAUDIT_NO_DEPS=1 in the
# environment makes it do nothing (debian/rules: Build-Depends apply).
set -euo pipefail

# cpio: scripts/build-module.sh copies the module's sources with it.
# clang, bpftool, libbpf-dev: the eBPF sensor (bpf/, docs/ebpf.md): clang
# compiles it, bpftool links it and makes its skeleton, dauditd links libbpf.
build_pkgs=(make gcc libc6-dev pkg-config libsqlite3-dev libjson-c-dev libinih-dev libpq-dev libsmartcols-dev
	liburing-dev libgnutls28-dev libsystemd-dev kmod cpio clang bpftool libbpf-dev
	linux-headers-cloud-amd64 linux-headers-6.12-cloud-amd64)
# gcc-multilib: `make helpers` builds a 32-bit reader too, for every VM
# boot (tests, demo, bench).
vm_pkgs=(qemu-system-x86 linux-image-cloud-amd64 linux-image-6.12-cloud-amd64
	busybox-static bats cpio gzip xz-utils util-linux mount procps jq gojq e2fsprogs dmsetup gcc-multilib)
# What the kernel suites use in the VM (tests/vm/initramfs.sh copies them):
# auditctl, capsh, mkfs.xfs, PostgreSQL (postgres.bats).
suite_pkgs=(auditd libcap2-bin xfsprogs postgresql-15 postgresql-client-15)
unit_pkgs=(libcmocka-dev python3)
fuzz_pkgs=(clang libclang-rt-14-dev)
# strace: tests/static/deps.sh traces the builds.
static_pkgs=(sparse cppcheck shellcheck linux-source-6.12 python3 strace)
dkms_pkgs=(dkms openssl)
check_pkgs=(rsyslog rsyslog-gnutls openssl python3 python3-psycopg2 postgresql-15 postgresql-client-15)
# The fleet store's tests and benchmark (tests/fleet, make bench-collector):
# a private PostgreSQL 15 cluster from Debian's server.
fleet_pkgs=(postgresql-15 postgresql-client-15 python3)
# The HTML report rendered in a browser (tests/report, make report-test):
# Debian's Chromium, headless; Python reads the screenshot's PNG header.
report_pkgs=(chromium python3)
# make deb: Debian's packaging tools (docs/packaging.md); libsystemd-dev
# is in the packages' Build-Depends.
# build-essential: dpkg-buildpackage checks for it (an implied
# Build-Depends), and a minbase root has gcc and make without it.
deb_pkgs=(build-essential debhelper dh-dkms lintian dpkg-dev fakeroot libsystemd-dev)
# The packaged boot (tests/boot): mmdebstrap makes its root, qemu-img its
# overlays; it also builds the packages (deb) and runs dkms on the host.
boot_pkgs=(mmdebstrap qemu-utils)
# The demo's web service (tests/demo/): PostgreSQL, and Python with psycopg2
# (tests/vm/initramfs.sh copies them into the VM).
demo_pkgs=(postgresql-15 postgresql-client-15 python3 python3-psycopg2)

# `make check-matrix`: Debian's generic and real-time flavours of both
# kernels too, with headers (docs/testing.md, "The kernel matrix").
matrix_pkgs=(linux-image-amd64 linux-headers-amd64 linux-image-6.12-amd64
	linux-headers-6.12-amd64 linux-image-rt-amd64 linux-headers-rt-amd64
	linux-image-6.12-rt-amd64 linux-headers-6.12-rt-amd64)
# `make debug-kernel` (scripts/debug-kernel.sh): Debian's kernel source and
# what building it needs (no BTF, so no dwarves).
debugkernel_pkgs=(linux-source-6.12 make gcc libc6-dev bc bison flex libssl-dev
	libelf-dev cpio xz-utils kmod)

list=0
if [ "${1:-}" = --list ]; then
	list=1
	shift
fi
case "${1:-build}" in
build) want=("${build_pkgs[@]}") ;;
vm) want=("${build_pkgs[@]}" "${vm_pkgs[@]}" "${suite_pkgs[@]}") ;;
unit) want=("${build_pkgs[@]}" "${unit_pkgs[@]}") ;;
fuzz) want=("${build_pkgs[@]}" "${fuzz_pkgs[@]}") ;;
static) want=("${build_pkgs[@]}" "${static_pkgs[@]}") ;;
dkms) want=("${build_pkgs[@]}" "${dkms_pkgs[@]}") ;;
check) want=("${build_pkgs[@]}" "${vm_pkgs[@]}" "${suite_pkgs[@]}" "${unit_pkgs[@]}" "${fuzz_pkgs[@]}"
	"${static_pkgs[@]}" "${dkms_pkgs[@]}" "${check_pkgs[@]}" "${deb_pkgs[@]}" "${boot_pkgs[@]}"
	"${report_pkgs[@]}") ;;
matrix) want=("${build_pkgs[@]}" "${vm_pkgs[@]}" "${suite_pkgs[@]}" "${unit_pkgs[@]}" "${fuzz_pkgs[@]}"
	"${static_pkgs[@]}" "${dkms_pkgs[@]}" "${check_pkgs[@]}" "${deb_pkgs[@]}" "${boot_pkgs[@]}"
	"${report_pkgs[@]}" "${matrix_pkgs[@]}") ;;
demo) want=("${build_pkgs[@]}" "${vm_pkgs[@]}" "${demo_pkgs[@]}") ;;
bench) want=("${build_pkgs[@]}" "${vm_pkgs[@]}" "${fleet_pkgs[@]}" auditd) ;;
fleet) want=("${build_pkgs[@]}" "${fleet_pkgs[@]}") ;;
report) want=("${build_pkgs[@]}" "${report_pkgs[@]}") ;;
deb) want=("${build_pkgs[@]}" "${deb_pkgs[@]}") ;;
boot) want=("${build_pkgs[@]}" "${vm_pkgs[@]}" "${dkms_pkgs[@]}" "${deb_pkgs[@]}" "${boot_pkgs[@]}") ;;
debugkernel) want=("${build_pkgs[@]}" "${debugkernel_pkgs[@]}") ;;
*)
	echo "usage: $0 [--list] build|vm|unit|fuzz|static|dkms|check|matrix|demo|bench|deb|boot|fleet|report|debugkernel" >&2
	exit 2
	;;
esac
if [ $list = 1 ]; then
	printf '%s\n' "${want[@]}" | sort -u
	exit 0
fi
# A package build (debian/rules) has its Build-Depends instead.
[ -n "${DAUDIT_NO_DEPS:-}" ] && exit 0

# One dpkg-query for all (make runs this for several targets in a row).
mapfile -t have < <(dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${want[@]}" 2>/dev/null |
	sed -n 's/^installed //p')
missing=()
for p in "${want[@]}"; do
	[[ " ${have[*]} ${missing[*]} " == *" $p "* ]] || missing+=("$p")
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
