# Shared by the kernel test suites (bats, inside the VM).
# shellcheck shell=bash

DAUDIT_KO=/lib/modules/daudit.ko

load_module() {
	insmod "$DAUDIT_KO" "$@"
}

unload_module() {
	if grep -q '^daudit ' /proc/modules; then
		rmmod daudit
	fi
}

# uid_of USER
uid_of() {
	awk -F: -v u="$1" '$1 == u { print $3 }' /etc/passwd
}

# as_user USER CMD...: run CMD as USER inside a login session of USER
# (audit login uid set, as sshd/login would), without capabilities.
as_user() {
	local user=$1 uid
	shift
	uid=$(uid_of "$user")
	bash -c 'echo "$1" >/proc/self/loginuid && shift && exec setpriv --reuid="$0" --regid="$0" --clear-groups --inh-caps=-all -- "$@"' \
		"$uid" "$uid" "$@"
}

# as_daemon USER CMD...: as USER but with no login session (auid unset).
as_daemon() {
	local uid
	uid=$(uid_of "$1")
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups --inh-caps=-all -- "$@"
}

# Fail with the kernel log's tail if the kernel complained.
check_dmesg_clean() {
	if dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace'; then
		dmesg | tail -n 60
		return 1
	fi
}

# --- protected data and records -------------------------------------------

DATA=/srv/customers
POLICY=/etc/daudit/policy.conf

# make_dataset: /srv/customers with files of known sizes, and a policy
# protecting the tree (dataset "customers"); /srv/public is not protected.
make_dataset() {
	mkdir -p "$DATA/2026" /srv/public/out /etc/daudit
	head -c 100000 /dev/urandom >"$DATA/customers.csv"
	head -c 4096 /dev/urandom >"$DATA/2026/phones.csv"
	head -c 1000000 /dev/urandom >"$DATA/accounts.db"
	head -c 50000 /dev/urandom >/srv/public/readme.txt
	chmod -R a+rX /srv
	chmod 1777 /srv/public/out
	cat >"$POLICY" <<'POL'
# test policy
dataset customers {
	tree /srv/customers
}
POL
}

load_policy() {
	daudit policy load "${1:-$POLICY}"
}

# drain_records [FILE]: every record the module holds now, as ECS JSON
# lines, into FILE (default $RECS).
RECS=${BATS_TEST_TMPDIR:-/tmp}/records.json
drain_records() {
	daudit monitor >"${1:-$RECS}"
}

# file_records PATH: the file_read records of PATH, one JSON per line.
file_records() {
	jq -c --arg p "$1" 'select(.event.action == "file-read" and .file.path == $p)' "$RECS"
}

# bytes_for PATH [PID]: bytes read from PATH in all records (of PID).
bytes_for() {
	jq -s --arg p "$1" --arg pid "${2:-}" \
		'[.[] | select(.event.action == "file-read" and .file.path == $p and
			($pid == "" or (.process.pid | tostring) == $pid)) | .daudit.bytes] | add // 0' "$RECS"
}

# field_of PATH JQ-EXPR: the expression on the first record of PATH.
field_of() {
	file_records "$1" | head -n1 | jq -r "$2"
}

# read_as USER MODE FILE [ARGS]: run the reader as USER in a login session,
# print its bytes (the test checks the records against it).
read_as() {
	local user=$1 out
	shift
	out=$(as_user "$user" reader "$@") || return 1
	echo "$out" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p'
}
