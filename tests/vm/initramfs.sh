#!/bin/bash
# Build the test initramfs.
#   initramfs.sh base OUT.cpio.gz      everything common to all kernels
#   initramfs.sh demo BASE OUT         what only the demo needs (Python)
#                                      that base archive BASE lacks
#   initramfs.sh kernel KVER CONF OUT  the module for KVER and the run config
# The kernel unpacks concatenated cpio archives, so a VM boots with
# base + kernel part (the demo: base + demo + kernel part).  Needs no
# root: cpio -R 0:0 owns everything by root.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)

# Host programs the tests run, with their shared libraries.  Optional ones
# are included when installed.  The guest's jq is gojq (Debian's, jq's
# language): under TCG, jq 1.6 takes about 280 ms to start (it compiles its
# builtins each time) and the suites run it thousands of times.
required_bins=(bash setpriv flock unshare nsenter gojq taskset losetup mkfs.ext4 dmsetup)
optional_bins=(auditctl auditd capsh mkfs.xfs)

copy_with_libs() { # ROOT BIN
	local root=$1 bin=$2 lib
	mkdir -p "$root$(dirname "$bin")"
	cp -L "$bin" "$root$bin"
	# A static program has no libraries ("not a dynamic executable").
	{ ldd "$bin" 2>/dev/null || true; } | { grep -o '/[^ ]*' || true; } | while read -r lib; do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

make_cpio() { # DIR OUT
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		cpio -0 -o -H newc -R 0:0 --quiet) | gzip -1 >"$2"
}

# --- PostgreSQL (tests/kernel/postgres.bats) --------------------------------
# When Debian's postgresql-15 is installed: the server, initdb, pg_ctl,
# psql and pgbench (tests/bench/system.bash) with their libraries, the two
# modules initdb loads (plpgsql, the snowball dictionaries), the share
# directory without manuals and contrib extensions, UTC, and a postgres
# user and group (999).  Without it the suite skips.
add_postgresql() { # ROOT
	local root=$1 b
	local bin=/usr/lib/postgresql/15/bin lib=/usr/lib/postgresql/15/lib share=/usr/share/postgresql/15
	[ -x "$bin/postgres" ] && [ -x "$bin/psql" ] || return 0
	for b in postgres initdb pg_ctl psql pgbench; do
		copy_with_libs "$root" "$bin/$b"
	done
	for b in plpgsql dict_snowball; do
		copy_with_libs "$root" "$lib/$b.so"
	done
	mkdir -p "$root$share/extension" "$root/usr/share/zoneinfo/Etc"
	find "$share" -mindepth 1 -maxdepth 1 ! -name man ! -name extension ! -name contrib \
		-exec cp -r {} "$root$share/" \;
	cp "$share"/extension/plpgsql* "$root$share/extension/"
	cp /usr/share/zoneinfo/Etc/UTC "$root/usr/share/zoneinfo/Etc/UTC"
	ln -s Etc/UTC "$root/usr/share/zoneinfo/UTC"
	echo 'postgres:x:999:999:PostgreSQL administrator:/var/lib/postgresql:/bin/bash' >>"$root/etc/passwd"
	echo 'postgres:x:999:' >>"$root/etc/group"
	mkdir -p "$root/var/lib/postgresql"
}
# --- end PostgreSQL -----------------------------------------------------------

# --- Python and psycopg2 (the demo's CRM web service, tests/demo/) -----------
# When Debian's python3.11 and python3-psycopg2 are installed: the
# interpreter and the part of its standard library the demo's programs
# import, found by importing those modules in the host's interpreter and
# copying every file that loaded (with its compiled .pyc and the source's
# modification time, which the .pyc records: compiling under TCG would
# cost seconds at every start), and psycopg2.  No test suites, tkinter,
# idle, ensurepip, lib2to3 or pydoc_data.  Without them the demo fails and
# says what to install (scripts/deps.sh demo).
py_bin=/usr/bin/python3.11
py_modules=(site sitecustomize http.server http.client socketserver threading
	json ctypes ctypes.util urllib.request urllib.parse urllib.error logging
	random csv argparse signal socket select selectors ipaddress contextlib
	time datetime _strptime traceback
	encodings.ascii encodings.latin_1 encodings.utf_8 encodings.idna
	psycopg2 psycopg2.pool psycopg2.extras psycopg2.extensions psycopg2.errors)

add_python() { # ROOT
	local root=$1 f
	[ -x "$py_bin" ] && [ -d /usr/lib/python3/dist-packages/psycopg2 ] || return 0
	copy_with_libs "$root" "$py_bin"
	ln -s python3.11 "$root/usr/bin/python3"
	# Every loaded module's file: .py with its .pyc, or an extension (.so).
	# -E -s: no environment, no user site; only Debian's own directories.
	"$py_bin" -E -s -c '
import sys, importlib, importlib.util
for m in sys.argv[1:]:
    importlib.import_module(m)
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if not f or not f.startswith(("/usr/lib/python3.11/", "/usr/lib/python3/dist-packages/psycopg2/")):
        continue
    print(f)
    if f.endswith(".py"):
        print(importlib.util.cache_from_source(f))
' "${py_modules[@]}" | sort -u | while read -r f; do
		[ -e "$f" ] || continue
		mkdir -p "$root$(dirname "$f")"
		case $f in
		*.so) copy_with_libs "$root" "$f" ;;
		*) cp -pL "$f" "$root$f" ;;
		esac
	done
}
# --- end Python ---------------------------------------------------------------

base() {
	local out=$1 root b f
	root=$(mktemp -d)
	trap 'rm -rf "$root"' RETURN
	chmod 755 "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,run,root,home,var/log,lib/modules,opt/daudit}
	chmod 1777 "$root/tmp"
	cp /bin/busybox "$root/bin/busybox"
	# kmod's insmod/rmmod/modinfo, as on a real server.
	copy_with_libs "$root" /bin/kmod
	for b in insmod rmmod modinfo lsmod modprobe; do
		ln -s /bin/kmod "$root/sbin/$b"
	done
	for b in "${required_bins[@]}"; do
		f=$(command -v "$b") || { echo "initramfs: $b not installed" >&2; exit 1; }
		copy_with_libs "$root" "$f"
	done
	for b in "${optional_bins[@]}"; do
		f=$(command -v "$b" || true)
		[ -n "$f" ] && copy_with_libs "$root" "$f"
	done
	ln -s gojq "$root/usr/bin/jq"
	# Linux audit, the anchor of the benchmarks.
	if [ -f /etc/audit/auditd.conf ]; then
		mkdir -p "$root/etc" "$root/var/log/audit" "$root/var/run"
		cp -r /etc/audit "$root/etc/"
		chmod -R go-w "$root/etc/audit"
	fi
	# bats-core, as Debian installs it.
	dpkg -L bats | grep -E '^/usr/(bin|lib|libexec)/' | while read -r f; do
		[ -f "$f" ] || continue
		mkdir -p "$root$(dirname "$f")"
		cp "$f" "$root$f"
	done
	# Our programs, test helpers and suites.
	mkdir -p "$root/opt/daudit/bin" "$root/opt/daudit/helpers" "$root/opt/daudit/tests"
	for f in "$top"/build/bin/* "$top"/build/helpers/*; do
		[ -x "$f" ] || continue
		case $f in */helpers/*) d=helpers ;; *) d=bin ;; esac
		copy_with_libs "$root" "$f"
		mv "$root$f" "$root/opt/daudit/$d/"
	done
	cp -r "$top/tests/kernel/." "$root/opt/daudit/tests/"
	# The packaged unit, whose capabilities ebpf.bats runs dauditd with.
	cp "$top/dist/dauditd.service" "$root/opt/daudit/tests/"
	# The fuzzers' binary policy seeds, for the kernel's decoder (policy.bats).
	mkdir -p "$root/opt/daudit/tests/corpus"
	cp -r "$top/tests/fuzz/corpus/policy_decode" "$root/opt/daudit/tests/corpus/"
	[ -d "$top/tests/demo" ] && cp -r "$top/tests/demo" "$root/opt/daudit/demo"
	[ -d "$top/tests/bench" ] && cp -r "$top/tests/bench" "$root/opt/daudit/bench"
	cp "$top/tests/vm/init" "$root/init"
	chmod 755 "$root/init"
	# Test users; uids are what the suites expect.
	cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/:/bin/false
alice:x:1001:1001:Alice Store:/home/alice:/bin/bash
bob:x:1002:1002:Bob Support:/home/bob:/bin/bash
carol:x:1003:1003:Carol DBA:/home/carol:/bin/bash
mallory:x:1004:1004:Mallory Contractor:/home/mallory:/bin/bash
svc-crm:x:990:990:CRM web service:/opt/crm:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
	# daudit: the analyst group the Debian package creates (analyst_group).
	cat >"$root/etc/group" <<'GR'
root:x:0:
daemon:x:1:
adm:x:4:
alice:x:1001:
bob:x:1002:
carol:x:1003:
mallory:x:1004:
svc-crm:x:990:
daudit:x:998:
nogroup:x:65534:
GR
	echo "hosts: files" >"$root/etc/nsswitch.conf"
	printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
	for u in alice bob carol mallory; do mkdir -p "$root/home/$u"; done
	add_postgresql "$root"
	make_cpio "$root" "$out"
}

# The demo's part: Python with psycopg2 (about 6 MB compressed, a second
# more of every boot under TCG, so not in base), libdaudit and its Python
# binding when they are built.  Files BASE already holds (the C library,
# libpq, ...) are left out.
demo() {
	local base=$1 out=$2 root f
	root=$(mktemp -d)
	trap 'rm -rf "$root"' RETURN
	chmod 755 "$root"
	add_python "$root"
	# Where `make install` puts them: the soname in the multiarch library
	# directory, the binding beside psycopg2.
	if [ -f "$top/build/lib/libdaudit.so.1" ]; then
		mkdir -p "$root/usr/lib/x86_64-linux-gnu"
		cp -L "$top/build/lib/libdaudit.so.1" "$root/usr/lib/x86_64-linux-gnu/libdaudit.so.1"
	fi
	if [ -f "$top/userspace/python/daudit_actor.py" ]; then
		mkdir -p "$root/usr/lib/python3/dist-packages"
		cp "$top/userspace/python/daudit_actor.py" "$root/usr/lib/python3/dist-packages/"
	fi
	gzip -dc "$base" | cpio -t --quiet | while read -r f; do
		if [ -f "$root/$f" ]; then rm -f "$root/$f"; fi
	done
	make_cpio "$root" "$out"
}

kernel() {
	local kver=$1 conf=$2 out=$3 root ko
	root=$(mktemp -d)
	trap 'rm -rf "$root"' RETURN
	chmod 755 "$root"
	ko=$top/build/kmod/$kver/daudit.ko
	[ -f "$ko" ] || { echo "initramfs: $ko not built" >&2; exit 1; }
	mkdir -p "$root/lib/modules" "$root/etc"
	cp "$ko" "$root/lib/modules/daudit.ko"
	if [ -f "$top/build/dkms/$kver/daudit.ko" ]; then
		mkdir -p "$root/lib/modules/dkms"
		cp "$top/build/dkms/$kver/daudit.ko" "$root/lib/modules/dkms/daudit.ko"
	fi
	# The stage-timing build (make module-prof), for make bench's stages.
	if [ -f "$top/build/kmod-prof/$kver/daudit.ko" ]; then
		mkdir -p "$root/lib/modules/prof"
		cp "$top/build/kmod-prof/$kver/daudit.ko" "$root/lib/modules/prof/daudit.ko"
	fi
	cp "$conf" "$root/etc/daudit-vm.conf"
	kernel_modules "$kver" "$root"
	make_cpio "$root" "$out"
}

# The file systems and devices the suites mount (overlayfs in a user
# namespace, xfs for reflinks, ext4 (built in on the cloud kernels, a
# module on the generic and rt ones), loop devices, null_blk for a device with
# poll queues, the device mapper for a device below a file system), from
# the kernel's own package, with what they depend on, for modprobe in the
# guest.  MODULES_ROOT: where the kernel's modules are installed instead of
# / (the debug kernel's: lib/modules/KVER below it; most of these are
# built in there, modules.builtin says which).
fs_modules=(overlay xfs ext4 loop null_blk dm-mod)

kernel_modules() {
	local kver=$1 root=$2 m f dst modroot=${MODULES_ROOT:-}
	for m in "${fs_modules[@]}"; do
		modprobe -d "${modroot:-/}" -S "$kver" --show-depends "$m" 2>/dev/null |
			sed -n 's/^insmod \([^ ]*\).*/\1/p'
	done | sort -u | while read -r f; do
		f=${f#"$modroot"}
		dst=$root${f%.xz}
		f=$modroot$f
		mkdir -p "$(dirname "$dst")"
		case $f in
		*.xz) xz -dc "$f" >"$dst" ;;
		*) cp "$f" "$dst" ;;
		esac
	done
	mkdir -p "$root/lib/modules/$kver"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		cp "$modroot/lib/modules/$kver/$f" "$root/lib/modules/$kver/"
	done
	depmod -b "$root" "$kver"
}

case "${1:-}" in
base) base "$2" ;;
demo) demo "$2" "$3" ;;
kernel) kernel "$2" "$3" "$4" ;;
*)
	echo "usage: $0 base OUT | demo BASE OUT | kernel KVER CONF OUT" >&2
	exit 2
	;;
esac
