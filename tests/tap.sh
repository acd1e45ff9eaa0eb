# shellcheck shell=bash disable=SC2034 # fail: read by the suite that sources this
# Sourced by the suites that print TAP lines themselves (tests/dkms,
# tests/deb).  Set TAP_SUITE to the suite's name first; tap sets fail=1 on
# a failure, so the suite can end with `exit $fail`.
fail=0

tap() { # STATUS NAME [LOG]: a TAP line; on failure the log's last 30 lines
	if [ "$1" -eq 0 ]; then
		echo "ok - $TAP_SUITE: $2"
	else
		echo "not ok - $TAP_SUITE: $2"
		[ -n "${3:-}" ] && tail -n 30 "$3" | sed 's/^/#   /'
		fail=1
	fi
}
