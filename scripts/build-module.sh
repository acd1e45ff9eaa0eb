#!/bin/bash
# Build daudit.ko for each kernel scripts/kernels.sh lists, each in its own
# copy of the sources under build/kmod/KVER/ (Kbuild builds in place).
#   scripts/build-module.sh [extra kbuild args, e.g. W=1 C=2]
# KMOD_OUT=dir builds there instead (make module-prof: build/kmod-prof).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${KMOD_OUT:-$top/build/kmod}

kernels=$("$top/scripts/kernels.sh" build)
if [ -z "${KDIR:-}${KVER:-}" ] && [ ! -d "/lib/modules/$(uname -r)/build" ]; then
	list=$(echo "$kernels" | cut -d' ' -f1 | tr '\n' ' ')
	echo "module: no headers for the running kernel $(uname -r);" \
		"building for every installed kernel with headers: $list"
fi

while read -r kver kdir; do
	dst=$out/$kver
	mkdir -p "$dst"
	# Copy only what changed so Kbuild's own dependency tracking works.
	cp -u "$top/Kbuild" "$top/VERSION" "$dst/"
	mkdir -p "$dst/module"
	(cd "$top/module" && find . -type f \( -name '*.[ch]' \) -print0 |
		cpio -0 -pdmu --quiet "$dst/module")
	echo "module: building for $kver"
	make -s -C "$kdir" M="$dst" "$@" modules
	echo "module: $dst/daudit.ko"
done <<<"$kernels"
