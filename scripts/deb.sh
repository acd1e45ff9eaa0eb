#!/bin/bash
# make deb: the Debian packages daudit and daudit-dkms (docs/packaging.md).
#   scripts/deb.sh            version from VERSION
#   DEB_VERSION=0.1.1 scripts/deb.sh   another version (upgrade tests)
# Builds with dpkg-buildpackage in a copy of the tree (build/deb/src), so
# nothing tracked changes: for another version the copy's VERSION,
# dkms.conf and debian/changelog get it.  The packages, the source
# package and the .changes land in build/deb/ (DEB_OUT= for elsewhere);
# the .deb paths are printed last, one a line.  DEB_BUILD_ARGS= adds
# dpkg-buildpackage options (-b: binary packages only).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=${DEB_OUT:-$top/build/deb}
ver=${DEB_VERSION:-$(cat VERSION)}
# A native package's version: no Debian revision (no "-").
if ! [[ $ver =~ ^[0-9][A-Za-z0-9.+~]*$ ]]; then
	echo "deb: not a version for a native package: $ver" >&2
	exit 2
fi
src=$out/src

rm -rf "$src" "$out"/daudit[_-]* "$out/build.log"
mkdir -p "$src"
# The tree as it is (uncommitted changes too), without build output.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf - | tar -xf - -C "$src"
else
	tar --exclude=./build --exclude=./.git --exclude='*.o' --exclude='*.ko' \
		-cf - . | tar -xf - -C "$src"
fi

if [ "$ver" != "$(cat VERSION)" ]; then
	echo "$ver" >"$src/VERSION"
	sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$ver\"/" "$src/dkms.conf"
	maint=$(sed -n 's/^Maintainer: //p' debian/control)
	{
		printf 'daudit (%s) unstable; urgency=medium\n\n' "$ver"
		printf '  * Built by make deb DEB_VERSION=%s from the tree of %s.\n\n' "$ver" "$(cat VERSION)"
		printf ' -- %s  %s\n\n' "$maint" "$(date -R)"
		cat debian/changelog
	} >"$src/debian/changelog"
fi

# debian/rules must not see make deb's command line (MAKEFLAGS carries
# its variables) nor DEB_VERSION: dpkg's pkg-info.mk sets that from
# debian/changelog.
unset MAKEFLAGS MFLAGS MAKELEVEL DEB_VERSION
# shellcheck disable=SC2086 # DEB_BUILD_ARGS: options, split on blanks
(cd "$src" && dpkg-buildpackage -us -uc -j"$(nproc)" ${DEB_BUILD_ARGS:-}) >"$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed, whole log: $out/build.log" >&2
	exit 1
}
ls "$out"/*.deb
