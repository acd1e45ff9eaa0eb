# shellcheck shell=bash
# Sourced by the host suites that drive dauditd from a replayed record
# stream (tests/siem, tests/fleet).  build_replay GEN_C: build dauditd
# (unless DAUDITD names one, built elsewhere) and the suite's record
# generator GEN_C into $T/gen; on failure a TAP line through the suite's
# own tap() and exit 1.  Sets DAUDITD and DAUDIT.
build_replay() {
	if [ -z "${DAUDITD:-}" ] && ! make -s userspace >"$T/build.log" 2>&1; then
		tap 1 "dauditd builds" "$T/build.log"
		exit 1
	fi
	# The generator includes dauditd's headers (synth.h, loop.h), which
	# include libpq's: the same packages as dauditd.
	# shellcheck disable=SC2046 # pkg-config prints several flags
	if ! gcc -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror -Imodule/uapi \
		-Iuserspace/lib -Iuserspace/dauditd -Itests/unit \
		$(pkg-config --cflags json-c sqlite3 libpq) -o "$T/gen" "$1" \
		userspace/lib/record.c userspace/lib/escape.c userspace/lib/util.c \
		>"$T/build.log" 2>&1; then
		tap 1 "the record generator builds" "$T/build.log"
		exit 1
	fi
	DAUDITD=${DAUDITD:-$top/build/bin/dauditd}
	DAUDIT=${DAUDIT:-$top/build/bin/daudit}
}
