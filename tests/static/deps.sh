#!/bin/bash
# Does each make target install, through scripts/deps.sh, every Debian
# package its build and run use?  TAP, one line per target:
#   ok - static: deps of make demo are in scripts/deps.sh demo
# and for a failure, one "#   FILE -> PACKAGE (not in ...)" line per file
# (three per package at most).
#
#   tests/static/deps.sh [DEPS_SH]    (default scripts/deps.sh)
#
# The builds run, under strace, in a scratch copy of the tree with a
# stand-in compiler (tests/static/cc-trace.sh) that preprocesses every
# source and links with the real tools and the same flags but compiles
# nothing: every header, library, start file and program they open is
# seen, in seconds.  The VM's initramfs is built the same way (it copies
# host programs, libraries and Python modules).  What runs only at test
# time (qemu, the kernel images, sparse, rsyslogd...) is listed below,
# beside the targets, and resolved the same way.  Each file maps to its
# package through dpkg's file lists (/usr-merged; a path through a
# symlinked directory also needs the symlink's package: /usr/include/bits
# is gcc-multilib's, through libc6-dev-i386).  A file is covered when its
# package is in the target's deps.sh list or pulled in by one of them
# (Depends and Pre-Depends, first alternative, as installed here), or is
# on a fresh Debian 12 minbase root (Essential or Priority required, and
# make).  Kernels count only when their headers package is covered: the
# host may have more than a fresh machine would.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
deps=${1:-$top/scripts/deps.sh}
name=${deps#"$top"/}
tmp=$(mktemp -d)
if [ -n "${KEEP:-}" ]; then
	echo "# deps: keeping $tmp" >&2
else
	trap 'rm -rf "$tmp"' EXIT
fi
fail=0
# Where each purpose's covered packages go (the self-test has its own).
covdir=$tmp

for t in strace dpkg-query; do
	if ! command -v "$t" >/dev/null; then
		echo "not ok - static: deps check needs $t (scripts/deps.sh static)"
		exit 1
	fi
done

# Programs and files the targets use when they run, not when they build.
# A command name is looked up in PATH, a path taken as is (globs allowed);
# the kernel images are added below.
declare -A run_uses
run_uses[unit]="python3"
run_uses[vm]="qemu-system-x86_64 timeout"
run_uses[static]="sparse cppcheck shellcheck perl objdump cc pkg-config python3 strace /usr/src/linux-source-6.12.tar.*"
run_uses[dkms]="dkms xz modinfo openssl unshare mount"
run_uses[siem]="rsyslogd openssl python3 gcc /usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so"
# script(1) is bsdutils' (Essential).
run_uses[report]="chromium python3 script timeout"
# What initramfs.sh copies only when it is installed, and the target does
# not need: its package (and what that pulls in) is not required.
declare -A optional
optional[demo]="auditd libcap2-bin xfsprogs"
optional[bench]="libcap2-bin xfsprogs postgresql-15 postgresql-client-15"

# --- packages -------------------------------------------------------------
# Installed packages: status, name, Essential, Priority, Provides,
# Pre-Depends and Depends.
dpkg-query -W -f '${db:Status-Status}\t${Package}\t${Essential}\t${Priority}\t${Provides}\t${Pre-Depends}, ${Depends}\n' |
	awk -F'\t' '$1 == "installed"' >"$tmp/pkgs"
# path<TAB>package, /usr-merged (/bin/x is /usr/bin/x).
awk '{ p = FILENAME; sub(/.*\//, "", p); sub(/(:[a-z0-9]+)?\.list$/, "", p)
	f = $0; sub(/^\/(bin|sbin|lib|lib32|lib64|libx32)(\/|$)/, "/usr&", f)
	print f "\t" p }' /var/lib/dpkg/info/*.list >"$tmp/owners"
owner() { # PATH: its packages, /usr-merged
	local p=$1
	case $p in /bin/* | /sbin/* | /lib/* | /lib32/* | /lib64/* | /libx32/*) p=/usr$p ;; esac
	awk -F'\t' -v p="$p" '$1 == p { print $2 }' "$tmp/owners"
}

# closure LIST...: what LIST pulls in when installed without recommends,
# as installed here, with the minbase packages.
mapfile -t base < <(awk -F'\t' '$3 == "yes" || $4 == "required" { print $2 }' "$tmp/pkgs")
base+=(make)
closure() {
	printf '%s\n' "$@" | awk -F'\t' '
		FILENAME == "-" { want[$1] = 1; next }
		{ inst[$2] = 1; dep[$2] = $6
		  n = split($5, pv, /, */)
		  for (i = 1; i <= n; i++) { v = pv[i]; sub(/ .*/, "", v); if (v != "") prov[v] = prov[v] " " $2 } }
		END {
			for (p in want) if (p in inst) q[++qn] = p
			for (i = 1; i <= qn; i++) {
				p = q[i]; if (p in got) continue; got[p] = 1
				n = split(dep[p], cl, /, */)
				for (j = 1; j <= n; j++) {
					m = split(cl[j], alt, / *\| */)
					for (k = 1; k <= m; k++) {
						a = alt[k]; sub(/^ */, "", a); sub(/[ :(].*/, "", a)
						if (a == "") continue
						if (a in inst) { q[++qn] = a; break }
						if (a in prov) { split(prov[a], pp, " "); for (x in pp) q[++qn] = pp[x]; break }
					}
				}
			}
			for (p in got) print p
		}' - "$tmp/pkgs"
}
listed() { # PURPOSE: the closure of its list, in $tmp/covered-PURPOSE
	local list
	list=$(bash "$deps" --list "$1") || return 1
	# shellcheck disable=SC2086 # a list of package names
	closure "${base[@]}" $list >"$covdir/covered-$1"
}

# The kernels a fresh machine would build for: those whose headers come
# from a package the build list covers.
listed build || { echo "not ok - static: $deps --list build failed"; exit 1; }
kernels=()
while read -r kver _; do
	for p in $(owner "/lib/modules/$kver/build"); do
		if grep -qx -- "$p" "$tmp/covered-build"; then
			kernels+=("$kver")
			break
		fi
	done
done < <(for d in /lib/modules/*/build; do [ -d "$d" ] && echo "${d:13:-6}"; done)
for k in "${kernels[@]}"; do
	[ -r "/boot/vmlinuz-$k" ] && run_uses[vm]+=" /boot/vmlinuz-$k"
done

# --- the builds, traced, three chains at once ------------------------------
mkdir -p "$tmp/tree" "$tmp/cc" "$tmp/tr" "$tmp/log"
tar -C "$top" --exclude=./build --exclude=./.git -cf - . | tar -C "$tmp/tree" -xf -
# deps.sh itself is what is under test; in the copy it installs nothing.
printf '#!/bin/sh\nexit 0\n' >"$tmp/tree/scripts/deps.sh"
for c in gcc clang; do
	printf '#!/bin/sh\nREAL_CC=%s exec %s "$@"\n' "$c" "$top/tests/static/cc-trace.sh" >"$tmp/cc/$c"
	chmod +x "$tmp/cc/$c"
done
export CC_TRACE_DIR=$tmp/cc
trace() { # STEP CMD...: run CMD in the copy under strace
	local step=$1
	shift
	(cd "$tmp/tree" && strace --seccomp-bpf -f -qq -z -y -e trace=execve,openat \
		-e signal=none -o "$tmp/tr/$step" "$@") >"$tmp/log/$step" 2>&1 || {
		echo "step $step failed: $*" >>"$tmp/failed"
		tail -n 20 "$tmp/log/$step" >>"$tmp/failed"
	}
}
b=$tmp/tree/build
echo "MODE=test" >"$tmp/vm.conf"
{
	for k in "${kernels[@]}"; do
		trace "module-$k" make -s CC="$tmp/cc/gcc" module KVER="$k"
		[ -r "/boot/vmlinuz-$k" ] &&
			trace "vmkernel-$k" tests/vm/initramfs.sh kernel "$k" "$tmp/vm.conf" "$b/k.cpio.gz"
	done
} &
{
	trace userspace make -s CC="$tmp/cc/gcc" userspace
	trace helpers make -s CC="$tmp/cc/gcc" helpers
	trace collector make -s CC="$tmp/cc/gcc" build/bench/collector
	trace vmbase tests/vm/initramfs.sh base "$b/base.cpio.gz"
	trace vmdemo tests/vm/initramfs.sh demo "$b/base.cpio.gz" "$b/demo.cpio.gz"
} &
{
	trace unit make -s -C tests/unit CC="$tmp/cc/gcc" OUT="$b/unit" all
	trace fuzz make -s -C tests/fuzz CLANG="$tmp/cc/clang" OUT="$b/fuzz" all
} &
wait
if [ -s "$tmp/failed" ]; then
	echo "not ok - static: deps check: a build failed in the scratch copy"
	sed 's/^/#   /' "$tmp/failed"
	fail=1
fi

# --- files used, per step ------------------------------------------------
# STEP<TAB>path for each absolute path executed or opened (as named, and
# as resolved), each hop of a symlink chain (/usr/bin/cc ->
# /etc/alternatives/cc -> /usr/bin/gcc -> gcc-12), and each symlinked
# directory a path goes through.  A run-time use not installed here is
# "missing:NAME".
hops() { # STEP: paths on stdin
	local p d via
	local -A link # directory -> 1 when a symlink, 0 when not
	sort -u | while read -r p; do
		case $p in
		/*) ;;
		*) printf '%s\t%s\n' "$1" "$p"; continue ;;
		esac
		case $p in */./* | */../* | *//*) p=$(realpath -s -m -- "$p") ;; esac
		# A directory read is no input of its own; its files are.
		[ -d "$p" ] && [ ! -L "$p" ] && continue
		# A path through a symlinked directory, or a symlink, is "~path":
		# its hops are checked, it only if a package owns it (the
		# alternatives' /usr/bin/cc, /usr/include/bits/... through
		# /usr/include/bits are not).
		while :; do
			via=""
			d=${p%/*}
			while [ -n "$d" ]; do
				if [ -z "${link[$d]:-}" ]; then
					link[$d]=0
					[ -L "$d" ] && link[$d]=1
				fi
				[ "${link[$d]}" = 1 ] && printf '%s\t%s\n' "$1" "$d" && via="~"
				d=${d%/*}
			done
			[ -L "$p" ] && via="~"
			printf '%s\t%s\n' "$1" "$via$p"
			[ -L "$p" ] || break
			p=$(cd "${p%/*}/" && realpath -s -m -- "$(readlink "$p")")
		done
	done | sort -u
}
for f in "$tmp"/tr/*; do
	s=${f##*/}
	s=${s%%-[0-9]*}
	sed -n -E 's/^[0-9]+ +execve\("(\/[^"]*)".*/\1/p
		s/^[0-9]+ +openat\(.*, "(\/[^"]*)".* = [0-9]+<(\/[^>]*)>$/\1\n\2/p' "$f" |
		grep -v -E "^(/(proc|sys|dev|run|tmp)/|/\$|$top/)" | hops "$s"
done >"$tmp/used"
for k in "${!run_uses[@]}"; do
	for n in ${run_uses[$k]}; do
		case $n in
		/*) [ -e "$n" ] && echo "$n" || echo "missing:$n" ;;
		*) command -v "$n" || echo "missing:$n" ;;
		esac
	done | hops "run-$k"
done >>"$tmp/used"

# STEP<TAB>path<TAB>packages for every path that is a build input: what
# is left out is configuration and state, files the C library, binutils
# (their /usr/lib/bfd-plugins), OpenSSL, Python (site's .pth files) and
# clang (its look for CUDA) load because the host has them (nsswitch
# modules, plugins, openssl.cnf, message catalogs), and what
# maintainer scripts generate (depmod's indexes, locale archives, gconv's
# cache, byte-compiled Python: the .py counts).
awk -F'\t' '
	FILENAME ~ /owners$/ { own[$1] = own[$1] " " $2; next }
	{
		p = $2; via = sub(/^~/, "", p)
		if (p ~ /^missing:/) { print $1 "\t" p "\t"; next }
		if (p ~ /^\/(etc|var|root|home)\// || p ~ /^\/usr\/lib\/locale\// || p ~ /\/libnss_[a-z]+\.so/ ||
		    p ~ /\/modprobe\.d\// || p ~ /^\/(usr\/)?lib\/modules\/[^\/]+\/modules\.[a-z.]+$/ ||
		    p ~ /\/gconv-modules\.cache$/ || p ~ /^\/usr\/share\/locale\// || p ~ /^\/usr\/lib\/ssl\// ||
		    p ~ /^\/usr\/lib\/bfd-plugins\// || p ~ /\.pth$/ || p ~ /^\/usr\/local\/cuda/) next
		if (p ~ /\/__pycache__\/[^\/]*\.pyc$/) { sub(/__pycache__\//, "", p); sub(/\.cpython-[0-9]+(\.opt-[0-9])?\.pyc$/, ".py", p) }
		q = p; sub(/^\/(bin|sbin|lib|lib32|lib64|libx32)(\/|$)/, "/usr&", q)
		if (!(q in own) && via) next
		print $1 "\t" p "\t" own[q]
	}' "$tmp/owners" "$tmp/used" | sort -u >"$tmp/joined"
# The plugins binutils load from /usr/lib/bfd-plugins when installed
# (LLVMgold.so pulls in libLLVM), what Python's site runs from .pth files
# (setuptools' _distutils_hack), and the 32-bit and x32 loaders ldd tries
# when they are there: optional everywhere.
rtlds=$(sed -n 's/^RTLDLIST="\(.*\)"$/\1/p' "$(command -v ldd)")
# shellcheck disable=SC2086 # a list of paths
mapfile -t plugins < <(for f in /usr/lib/bfd-plugins/* /usr/lib/python3/dist-packages/*.pth $rtlds; do
	[ -e "$f" ] && owner "$(realpath "$f")"
done | sort -u)

# check TARGET PURPOSE STEP...: one TAP line
check() {
	local target=$1 purpose=$2 missing
	shift 2
	if [ ! -f "$covdir/covered-$purpose" ] && ! listed "$purpose"; then
		echo "not ok - static: deps of make $target: $name --list $purpose failed"
		fail=1
		return
	fi
	# shellcheck disable=SC2086 # a list of package names
	closure "${plugins[@]}" ${optional[$target]:-} >"$covdir/optional"
	missing=$(printf '%s\n' "$@" | awk -F'\t' -v deps="$name $purpose" '
		FILENAME == "-" { step[$1] = 1; next }
		FILENAME ~ /covered-[a-z]*$/ { cov[$1] = 1; next }
		FILENAME ~ /optional$/ { opt[$1] = 1; next }
		!($1 in step) { next }
		{
			p = $2
			if (p ~ /^missing:/) { print "#   " substr(p, 9) ": not installed here, so its package is unknown"; next }
			n = split($3, o, " ")
			if (n == 0) { print "#   " p ": in no package"; next }
			ok = 0
			for (i = 1; i <= n; i++) if (o[i] in cov || o[i] in opt) ok = 1
			if (ok) next
			pk = o[1]; if (++shown[pk] > 3) next
			print "#   " p " -> " pk " (not in " deps ")"
		}' - "$covdir/covered-$purpose" "$covdir/optional" "$tmp/joined" | sort -u)
	if [ "$target" = all ] && [ ${#kernels[@]} = 0 ]; then
		missing+=$'\n'"#   no installed kernel has its headers from a package in $name $purpose"
	fi
	if [ -z "$missing" ]; then
		echo "ok - static: deps of make $target are in $name $purpose"
	else
		echo "not ok - static: deps of make $target are in $name $purpose"
		echo "$missing" | sed '/^$/d'
		fail=1
	fi
}
vm_steps=(module userspace helpers vmbase vmkernel run-vm)
# The check itself: with gcc-multilib taken out of the list, make helpers
# (its 32-bit reader) must fail, naming the symlink /usr/include/bits and
# libc6-dev-i386: the bug that made `make demo` fail on a fresh machine
# with "bits/wordsize.h: No such file or directory".
selftest() {
	local covdir=$tmp/selftest
	local deps=$covdir/deps.sh name="scripts/deps.sh without gcc-multilib" out
	mkdir -p "$covdir"
	sed -E 's/ gcc-multilib([ )])/\1/' "$1" >"$deps"
	out=$(check helpers vm userspace helpers)
	if [[ $out == "not ok "*"/usr/include/bits -> libc6-dev-i386"* ]]; then
		echo "ok - static: deps check fails make helpers when scripts/deps.sh vm lacks gcc-multilib"
	else
		echo "not ok - static: deps check fails make helpers when scripts/deps.sh vm lacks gcc-multilib"
		printf '#   %s\n' "${out//$'\n'/$'\n'#   }"
		return 1
	fi
}
check all build module userspace
check helpers vm userspace helpers
check unit unit unit run-unit
check fuzz fuzz fuzz
check vm-test vm "${vm_steps[@]}"
check demo demo "${vm_steps[@]}" vmdemo
check bench bench "${vm_steps[@]}" collector
check static static userspace run-static
check report-test report userspace collector run-report
check dkms-test dkms module run-dkms
check check check "${vm_steps[@]}" collector unit run-unit fuzz run-static run-dkms run-siem run-report
selftest "$deps" || fail=1
exit $fail
