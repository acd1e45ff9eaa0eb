#!/bin/bash
# make deb (docs/packaging.md): build the packages in a scratch directory,
# lintian (no error, no warning), what each package holds, what its
# maintainer scripts do, and that DEB_VERSION= builds packages of another
# version without touching the tree.  TAP out.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
ver=$(cat VERSION)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

TAP_SUITE=deb
# shellcheck source=tests/tap.sh
. tests/tap.sh

# has LIST PATTERN...: every pattern (a grep -x regex) names a line of LIST;
# the missing ones are printed.
has() {
	local list=$1 p rc=0
	shift
	for p in "$@"; do
		grep -qx -- "$p" "$list" || { echo "missing: $p"; rc=1; }
	done
	return $rc
}

# The version DEB_VERSION= is tested with: the last number plus one.
next=${ver%.*}.$((${ver##*.} + 1))
make -s deb DEB_OUT="$tmp/deb" >"$tmp/build.log" 2>&1
tap $? "make deb builds the packages of version $ver" "$tmp/build.log"
# The second build (binary packages only) runs while lintian reads the first.
make -s deb DEB_OUT="$tmp/next" DEB_VERSION="$next" DEB_BUILD_ARGS=-b \
	DEB_BUILD_OPTIONS=noautodbgsym >"$tmp/next.log" 2>&1 &
next_pid=$!

deb=$tmp/deb/daudit_${ver}_amd64.deb
dkms=$tmp/deb/daudit-dkms_${ver}_all.deb
[ -f "$deb" ] && [ -f "$dkms" ]
tap $? "it wrote daudit_${ver}_amd64.deb and daudit-dkms_${ver}_all.deb" "$tmp/build.log"
if [ ! -f "$deb" ] || [ ! -f "$dkms" ]; then
	wait $next_pid
	exit 1
fi

# lintian's default profile over the .changes: both packages and the source.
lintian "$tmp"/deb/*.changes >"$tmp/lintian" 2>"$tmp/lintian.err"
rc=$?
grep -E '^[EW]: ' "$tmp/lintian" >"$tmp/lintian.ew"
cat "$tmp/lintian.ew" "$tmp/lintian.err" >"$tmp/lintian.show"
[ ! -s "$tmp/lintian.ew" ] && [ $rc -eq 0 ]
tap $? "lintian reports no error and no warning (overrides have their reasons)" "$tmp/lintian.show"

# daudit: what make install-userspace installs, documentation, no module.
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/daudit.list"
want=(/usr/sbin/daudit /usr/sbin/dauditd /lib/systemd/system/dauditd.service
	'/usr/lib/[^/]*/libdaudit\.so\.1\.0\.0' '/usr/lib/[^/]*/libdaudit\.so\.1'
	'/usr/lib/[^/]*/libdaudit\.so' /usr/include/daudit/actor\.h
	'/usr/lib/[^/]*/pkgconfig/libdaudit\.pc' /usr/lib/python3/dist-packages/daudit_actor\.py
	/usr/share/bash-completion/completions/daudit /usr/share/bash-completion/completions/dauditd
	/usr/share/doc/daudit/copyright /usr/share/doc/daudit/README\.md\.gz)
for m in docs/man/*.[0-9]; do want+=("/usr/share/man/man${m##*.}/$(basename "$m")\.gz"); done
for d in docs/*.md; do want+=("/usr/share/doc/daudit/$(basename "$d")\.gz"); done
for c in dist/*.conf; do want+=("/etc/daudit/$(basename "$c")"); done
for c in dist/modules-load.d/*.conf; do
	[ -f "$c" ] && want+=("/usr/lib/modules-load.d/$(basename "$c")")
done
{
	has "$tmp/daudit.list" "${want[@]}"
	! grep -n '\.ko' "$tmp/daudit.list"
} >"$tmp/daudit.check" 2>&1
tap $? "daudit holds daudit, dauditd, libdaudit.so.1, header, pkg-config, Python module, unit, man pages, completion, docs (${#want[@]} files), no daudit.ko" "$tmp/daudit.check"

dpkg-deb -I "$deb" conffiles >"$tmp/conffiles" 2>&1
for c in dist/*.conf; do echo "/etc/daudit/${c#dist/}"; done | sort >"$tmp/conffiles.want"
sort "$tmp/conffiles" | diff "$tmp/conffiles.want" - >"$tmp/conffiles.diff"
tap $? "daudit's conffiles are exactly $(paste -sd' ' "$tmp/conffiles.want")" "$tmp/conffiles.diff"

dpkg-deb -I "$deb" postinst >"$tmp/postinst" 2>&1
grep -q "deb-systemd-helper enable 'dauditd.service'" "$tmp/postinst" &&
	grep -q "deb-systemd-invoke \$_dh_action 'dauditd.service'" "$tmp/postinst"
tap $? "daudit's postinst enables and starts dauditd.service" "$tmp/postinst"
# The analyst group first: dauditd shares the store with it when it starts.
awk '/groupadd --system daudit/ { g = NR } /deb-systemd-invoke/ && !s { s = NR }
	END { exit !(g && s && g < s) }' "$tmp/postinst"
tap $? "daudit's postinst makes the group daudit before it starts dauditd" "$tmp/postinst"

# postrm with /var/lib/daudit moved into the scratch directory and no
# systemd to talk to: remove and upgrade keep the database, purge not.
lib=$tmp/var-lib-daudit
dpkg-deb -I "$deb" postrm | sed -e "s|/var/lib/daudit|$lib|g" \
	-e "s|/run/systemd/system|$tmp/no-systemd|g" \
	-e "s|/usr/bin/deb-systemd-helper|$tmp/no-helper|g" >"$tmp/postrm"
postrm_check() {
	local a
	for a in upgrade remove; do
		mkdir -p "$lib/sinks" && touch "$lib/daudit.db"
		sh -e "$tmp/postrm" "$a" || return 1
		[ -f "$lib/daudit.db" ] || { echo "postrm $a removed the database"; return 1; }
	done
	sh -e "$tmp/postrm" purge || return 1
	[ ! -e "$lib" ] || { echo "postrm purge left $lib"; return 1; }
}
postrm_check >"$tmp/postrm.log" 2>&1
tap $? "daudit's postrm keeps /var/lib/daudit on remove and upgrade, removes it on purge" "$tmp/postrm.log"

# daudit-dkms: the module's source as make install-dkms-src lays it out,
# and dh_dkms's scripts.
dpkg-deb -c "$dkms" | awk '{ print $6 }' | sed 's|^\./||' >"$tmp/dkms.list"
src=usr/src/daudit-$ver
{
	want=("$src/dkms.conf" "$src/Kbuild" "$src/VERSION")
	while IFS= read -r f; do want+=("$src/$f"); done < <(find module -type f -name '*.[ch]' | sort)
	has "$tmp/dkms.list" "${want[@]}"
	dpkg-deb --fsys-tarfile "$dkms" | tar -xOf - "./$src/dkms.conf" >"$tmp/dkms.conf"
	grep -x 'BUILD_EXCLUSIVE_ARCH="x86_64"' "$tmp/dkms.conf" &&
		grep -x "PACKAGE_VERSION=\"$ver\"" "$tmp/dkms.conf"
} >"$tmp/dkms.check" 2>&1
tap $? "daudit-dkms holds /$src: dkms.conf with BUILD_EXCLUSIVE_ARCH=\"x86_64\", Kbuild, VERSION, every module/ source" "$tmp/dkms.check"

{
	dpkg-deb -f "$dkms" Depends | grep -E '(^|, )dkms( |,|$)' &&
		dpkg-deb -I "$dkms" postinst | grep -c -E "^DKMS_(NAME=daudit|VERSION=$ver)\$" | grep -qx 2 &&
		dpkg-deb -I "$dkms" prerm | grep -q "dkms remove -m \$DKMS_NAME -v \$DKMS_VERSION --all"
} >"$tmp/dkms.scripts" 2>&1
tap $? "daudit-dkms depends on dkms; its postinst has DKMS build daudit/$ver, its prerm removes it" "$tmp/dkms.scripts"

# DEB_VERSION: packages of another version; the tree's files keep theirs.
wait $next_pid
rc=$?
{
	cat "$tmp/next.log"
	[ $rc -eq 0 ] || exit 1
	d=$tmp/next/daudit_${next}_amd64.deb k=$tmp/next/daudit-dkms_${next}_all.deb
	[ "$(dpkg-deb -f "$d" Version)" = "$next" ] &&
		[ "$(dpkg-deb -f "$k" Version)" = "$next" ] || exit 1
	dpkg --compare-versions "$next" gt "$ver" || exit 1
	dpkg-deb --fsys-tarfile "$k" | tar -xOf - "./usr/src/daudit-$next/dkms.conf" |
		grep -x "PACKAGE_VERSION=\"$next\"" || exit 1
	dpkg-deb -x "$d" "$tmp/next/root" &&
		"$tmp/next/root/usr/sbin/daudit" --version | grep "^daudit $next " || exit 1
	[ "$(cat VERSION)" = "$ver" ] && grep -qx "PACKAGE_VERSION=\"$ver\"" dkms.conf &&
		[ "$(dpkg-parsechangelog -S Version)" = "$ver" ]
} >"$tmp/next.check" 2>&1
tap $? "make deb DEB_VERSION=$next builds daudit_${next}_amd64.deb and daudit-dkms_${next}_all.deb (daudit --version says $next); VERSION, dkms.conf and debian/changelog still say $ver" "$tmp/next.check"

# DEB_KEEP=DIR: both versions' packages kept there when every check
# passed (make check's packaged boot installs and upgrades with them).
if [ -n "${DEB_KEEP:-}" ]; then
	rm -rf "$DEB_KEEP"
	if [ "$fail" = 0 ]; then
		mkdir -p "$DEB_KEEP" &&
			cp "$deb" "$dkms" "$tmp/next/daudit_${next}_amd64.deb" \
				"$tmp/next/daudit-dkms_${next}_all.deb" "$DEB_KEEP/"
	fi
fi
exit $fail
