#!/bin/bash
# Static checks, as TAP lines: the module with W=1 and with sparse (C=2) on
# every installed kernel, checkpatch, userspace with -Werror, every
# option of every --help completed and in the man pages, cppcheck, the
# shell linter, and each make target's Debian packages (tests/static/deps.sh).
# A check that cannot run (tool missing) fails: it is not a pass.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

tap() { # STATUS NAME [OUTPUT-FILE]
	if [ "$1" -eq 0 ]; then
		echo "ok - static: $2"
	else
		echo "not ok - static: $2"
		[ -n "${3:-}" ] && head -n 40 "$3" | sed 's/^/#   /'
		fail=1
	fi
}

# The module, in a scratch copy per kernel: one build with W=1 and sparse
# on every file (C=2); gcc's and sparse's complaints are told apart.
while read -r kver kdir; do
	d=$tmp/kmod-$kver
	mkdir -p "$d"
	cp -r Kbuild VERSION module "$d/"
	make -C "$kdir" M="$d" W=1 C=2 modules >"$d.log" 2>&1
	rc=$?
	# sparse prints "file:line:col: warning|error: ..." too, after its
	# CHECK line; gcc's follow a CC line.
	awk '/^  CHECK/ { tool = "sparse" } /^  CC/ { tool = "gcc" }
		/warning:|error:/ { print > (tool == "sparse" ? "'"$d"'.sparse" : "'"$d"'.gcc") }' "$d.log"
	touch "$d.sparse" "$d.gcc"
	[ $rc -ne 0 ] && [ ! -s "$d.gcc" ] && cp "$d.log" "$d.gcc"
	[ -s "$d.gcc" ]
	tap $((! $? || rc != 0)) "module builds with W=1 and no warning against $kver" "$d.gcc"
	[ -s "$d.sparse" ]
	tap $((! $?)) "sparse (make C=2) reports nothing against $kver" "$d.sparse"
done < <(KDIR='' KVER='' scripts/kernels.sh vm)

# checkpatch from Debian's kernel source package: the newest installed,
# linux-source-6.12 (scripts/deps.sh) where another is installed too.
cp=$(find /usr/src -maxdepth 3 -path '*/linux-source-*/scripts/checkpatch.pl' 2>/dev/null | sort -V | tail -n1)
if [ -z "$cp" ]; then
	mapfile -t tarballs < <(printf '%s\n' /usr/src/linux-source-*.tar.* | sort -Vr)
	for t in "${tarballs[@]}"; do
		[ -e "$t" ] || continue
		tar -xf "$t" -C "$tmp" --wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch' 2>/dev/null && break
	done
	cp=$(find "$tmp" -maxdepth 3 -path '*/scripts/checkpatch.pl' | head -n1)
fi
if [ -n "$cp" ]; then
	srcs=()
	for f in module/*.[ch] module/uapi/*.h; do
		[ "$f" = module/compat.h ] || srcs+=("$f")
	done
	{
		perl "$cp" --no-tree -f --terse --show-types "${srcs[@]}" 2>&1
		# compat.h exists to hold version tests.
		perl "$cp" --no-tree -f --terse --show-types \
			--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON module/compat.h 2>&1
	} | grep -E ': (ERROR|WARNING|CHECK):' >"$tmp/checkpatch"
	[ -s "$tmp/checkpatch" ]
	tap $((! $?)) "checkpatch.pl finds nothing in module/" "$tmp/checkpatch"
	# The eBPF programs, in kernel style too; kernel.h mirrors the
	# kernel's own typedefs (kuid_t...) for CO-RE.
	perl "$cp" --no-tree -f --terse --show-types --ignore NEW_TYPEDEFS bpf/*.[ch] 2>&1 |
		grep -E ': (ERROR|WARNING|CHECK):' >"$tmp/checkpatch-bpf"
	[ -s "$tmp/checkpatch-bpf" ]
	tap $((! $?)) "checkpatch.pl finds nothing in bpf/" "$tmp/checkpatch-bpf"
else
	echo "nothing" >"$tmp/checkpatch"
	tap 1 "checkpatch.pl available (install linux-source-6.12)" "$tmp/checkpatch"
fi

# Userspace from scratch with the project's warning flags (-Werror).
make -s BUILD="$tmp/ubuild" userspace helpers >"$tmp/user.log" 2>&1
tap $? "userspace builds with -Wall -Wextra -Werror" "$tmp/user.log"
# Each command's --help against its bash completion and its man page.
tests/static/cli-help.sh "$tmp/ubuild/bin" || fail=1

# make install into a scratch root: libdaudit (soname links, header,
# pkg-config file), its man page and Python module; an application builds
# against what was installed and, with no module here, is told so at once;
# make uninstall takes it all away again (configuration stays).
install_check() {
	local d=$tmp/root libdir so
	make -s install DESTDIR="$d" >/dev/null || return 1
	libdir=$(dirname "$(find "$d" -name libdaudit.so.1.0.0 | head -n1)")
	so=${libdir#"$d"}
	[ "$(readlink "$libdir/libdaudit.so.1")" = libdaudit.so.1.0.0 ] &&
		[ "$(readlink "$libdir/libdaudit.so")" = libdaudit.so.1.0.0 ] &&
		[ -f "$d/usr/include/daudit/actor.h" ] &&
		[ -f "$d/usr/share/man/man3/daudit_actor.3" ] &&
		[ -f "$d/usr/lib/python3/dist-packages/daudit_actor.py" ] || return 1
	objdump -p "$libdir/libdaudit.so.1.0.0" | grep -q 'SONAME *libdaudit.so.1$' || return 1
	printf '#include <daudit/actor.h>\n#include <stdio.h>\nint main(void) { printf("%%d\\n", daudit_actor_set("emp-01", NULL, NULL, 0)); return 0; }\n' >"$tmp/app.c"
	# shellcheck disable=SC2046 # pkg-config prints several flags
	cc -o "$tmp/app" "$tmp/app.c" $(PKG_CONFIG_SYSROOT_DIR="$d" \
		PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --cflags --libs libdaudit) || return 1
	[ "$(LD_LIBRARY_PATH="$libdir" "$tmp/app")" -lt 0 ] || return 1
	[ "$(PYTHONPATH="$d/usr/lib/python3/dist-packages" DAUDIT_LIBRARY="$libdir/libdaudit.so.1" \
		python3 -c 'import daudit_actor; print(daudit_actor.set("emp-01"))')" -lt 0 ] || return 1
	make -s uninstall DESTDIR="$d" >/dev/null || return 1
	[ -z "$(find "$d" -type f ! -path "$d/etc/*")" ] || return 1
	echo "installed and removed libdaudit at $so"
}
install_check >"$tmp/install" 2>&1
tap $? "make install: libdaudit, header, pkg-config, man page, Python module; an application builds and runs; uninstall removes them" "$tmp/install"

if command -v cppcheck >/dev/null; then
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
		--inline-suppr -D__GNUC__ -Imodule/uapi -Iuserspace/lib \
		userspace tests/helpers tests/unit tests/fleet >"$tmp/cppcheck" 2>&1
	tap $? "cppcheck finds nothing in userspace/ and tests/" "$tmp/cppcheck"
else
	echo "cppcheck not installed" >"$tmp/cppcheck"
	tap 1 "cppcheck available" "$tmp/cppcheck"
fi

if command -v shellcheck >/dev/null; then
	# The project's own scripts, found without git (a source tarball or a
	# CI checkout may have none): everything but build output.
	mapfile -t scripts < <({ find . -path ./build -prune -o -path ./.git -prune -o \
		-type f \( -name '*.sh' -o -name '*.bash' -o -name '*.bats' \) -print
		find dist/bash-completion -type f 2>/dev/null
		echo ./.ci/run
		echo ./tests/vm/init; } | sed 's|^\./||' | LC_ALL=C sort)
	shellcheck -x -s bash "${scripts[@]}" >"$tmp/shellcheck" 2>&1
	tap $? "shellcheck finds nothing in ${#scripts[@]} scripts" "$tmp/shellcheck"
else
	echo "shellcheck not installed" >"$tmp/shellcheck"
	tap 1 "shellcheck available" "$tmp/shellcheck"
fi
# Each make target's Debian packages (scripts/deps.sh) against the files
# its build opens and the programs it runs: one TAP line per target.
tests/static/deps.sh || fail=1
exit $fail
