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
