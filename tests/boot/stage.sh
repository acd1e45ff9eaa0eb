#!/bin/bash
# One stage of the packaged-boot test, inside the guest (tests/boot/run.sh
# puts it on the test disk; the image's runner starts it at boot as root).
# TAP lines on stdout, "ok - boot KVER: ..."; details on stderr (console).
#
#   stage.sh install    install the two packages, write the test policy
#   stage.sh check      module loaded at boot, dauditd active, a new read
#                       recorded with its exact bytes, earlier ones kept
#   stage.sh upgrade    check, then upgrade to the bumped packages and
#                       check the database, policy and records survive
#   stage.sh purge      check; then, with daudit.ko refused, the unit
#                       runs the eBPF sensor; then purge and report what
#                       is left
#
# The test disk (this directory) holds conf.sh (versions, package files)
# and state: the policy's checksum and one "read PATH BYTES KVER" line per
# read made so far, so that each boot checks every earlier one.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$here/conf.sh"
stage=${1:?stage}
kver=$(uname -r)
state=$here/state
tree=/srv/crm
user=alice
export DEBIAN_FRONTEND=noninteractive
fails=0

ok() { echo "ok - boot $kver: $*"; }
nok() { echo "not ok - boot $kver: $*"; fails=$((fails + 1)); }
check() { # DESCRIPTION CMD...: ok if CMD succeeds
	local d=$1
	shift
	if "$@" >&2; then ok "$d"; else nok "$d"; fi
}
note() { echo "# $*"; }

# The installs: from the local files only (the guest has no network and
# the image no package lists), so every dependency must already be in the
# image.  Not --no-download: apt 2.6 then refuses the local files
# ("Pathname to install is not absolute").
apt_install() {
	apt-get install -y -q -o Dpkg::Options::=--force-confdef \
		-o Dpkg::Options::=--force-confold "$@" >&2
}

# bytes_read PATH: the bytes of the read records of PATH by $user's login.
bytes_read() {
	daudit events --type file_read --login-user "$user" --path "$1" --since 30d \
		--limit 0 --format csv 2>&2 | awk -F, '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == "bytes") c = i; next }
		c { s += $c } END { print s + 0 }'
}

# wait_bytes PATH BYTES: until the database holds BYTES for PATH (30 s).
wait_bytes() {
	local i got
	for i in $(seq 1 60); do
		got=$(bytes_read "$1")
		[ "$got" = "$2" ] && return 0
		[ "$i" = 60 ] || sleep 0.5
	done
	echo "$1: $got bytes recorded, expected $2" >&2
	return 1
}

dkms_has() { # VERSION: daudit VERSION installed for every kernel with headers
	local d k rc=0
	for d in /lib/modules/*/build; do
		k=$(basename "$(dirname "$d")")
		if ! dkms status -m daudit -v "$1" -k "$k" | grep ': installed' >/dev/null; then
			echo "dkms: daudit/$1 not installed for $k" >&2
			rc=1
		fi
		ls -l "/lib/modules/$k/updates/dkms/daudit.ko"* >&2 || rc=1
	done
	return $rc
}

# A protected read as $user in a login session (audit login uid set, then
# no privileges), of a new file of a size this boot picks; remembered.
protected_read() { # WHEN: "after boot", "after the upgrade"
	local n f bytes got uid
	n=$(grep -c '^read ' "$state" 2>/dev/null)
	n=$((n + 1))
	f=$tree/read-$n.csv
	bytes=$((100000 + n * 1111))
	head -c "$bytes" /dev/urandom >"$f"
	chmod 644 "$f"
	uid=$(id -u "$user")
	got=$(bash -c 'echo "$1" >/proc/self/loginuid && exec setpriv --reuid="$1" --regid="$1" --clear-groups --inh-caps=-all -- cat "$2"' \
		_ "$uid" "$f" | wc -c)
	[ "$got" = "$bytes" ] || nok "$user read $got bytes of $f, not $bytes"
	echo "read $f $bytes $kver" >>"$state"
	daudit status >/dev/null 2>&1 # waits for the collector's backlog
	check "a read of $bytes bytes of $f by $user made $1 is recorded with its exact bytes (daudit events)" \
		wait_bytes "$f" "$bytes"
}

# Every read of earlier boots still has its bytes in the database.
earlier_reads() {
	local what=$1 path bytes k n=0 bad=0
	while read -r _ path bytes k; do
		n=$((n + 1))
		[ "$(bytes_read "$path")" = "$bytes" ] || {
			echo "lost: $path ($bytes bytes, read on $k): $(bytes_read "$path") recorded" >&2
			bad=1
		}
	done < <(grep '^read ' "$state")
	if [ "$bad" = 0 ]; then ok "$what: the $n earlier reads are still recorded with their bytes"; else nok "$what: earlier reads lost"; fi
}

# The checks of every boot once the packages are installed: VERSION is the
# package version expected.
boot_checks() {
	local want=$1
	check "daudit.ko loaded at boot (lsmod)" sh -c 'lsmod | grep -q "^daudit "'
	check "the loaded daudit.ko is the one DKMS installed for daudit $want" \
		sh -c "dkms status -m daudit -v '$want' -k '$kver' | grep ': installed' >/dev/null &&
			[ \"\$(modinfo -F srcversion daudit)\" = \"\$(cat /sys/module/daudit/srcversion)\" ]"
	if [ "$(systemctl is-active dauditd)" = active ]; then
		ok "dauditd active after boot"
	else
		nok "dauditd active after boot: $(systemctl is-active dauditd)"
		systemctl status --no-pager dauditd >&2
		journalctl -b --no-pager -u dauditd -n 30 >&2
		ls -l /dev/daudit >&2
	fi
	check "daudit and daudit-dkms $want installed" \
		sh -c "[ \"\$(dpkg-query -W -f='\${Version}' daudit)\" = '$want' ] &&
			[ \"\$(dpkg-query -W -f='\${Version}' daudit-dkms)\" = '$want' ]"
	check "the policy is the test's (checksum unchanged)" \
		sh -c "sha256sum /etc/daudit/policy.conf | cut -d' ' -f1 | grep -qx \"\$(cat '$here/policy.sha256')\""
	grep -q '^read ' "$state" && earlier_reads "after boot"
	protected_read "after boot"
	check "daudit users lists $user" sh -c "daudit users --since 30d --format csv | grep -q '^$user,'"
	# A review needs no root: the analyst group reads, anyone else is
	# told which group may (analyst_group = daudit).
	check "a member of group daudit, without root, reads daudit users" sh -c \
		"setpriv --reuid=$(id -u "$user") --regid=$(id -g "$user") --groups=$(getent group daudit | cut -d: -f3) --inh-caps=-all -- daudit users --since 30d --format csv | grep -q '^$user,'"
	check "a user not in group daudit is told that group may read the database" sh -c \
		"setpriv --reuid=$(id -u "$user") --regid=$(id -g "$user") --clear-groups --inh-caps=-all -- daudit users 2>&1 | grep -q 'only root and the group daudit may'"
}

# The packaged unit where daudit.ko cannot load (Secure Boot, a fleet
# that forbids modules): its modprobe is refused, the unit still starts,
# and dauditd (sensor = auto) runs the eBPF sensor inside the unit's
# sandbox (capabilities, system call filter) and records a read exactly.
ebpf_fallback() {
	systemctl stop dauditd
	rmmod daudit
	echo 'install daudit /bin/false' >/etc/modprobe.d/daudit-boot-refuse.conf
	systemctl start dauditd
	sleep 2
	if [ "$(systemctl is-active dauditd)" = active ] && ! lsmod | grep -q '^daudit '; then
		ok "with daudit.ko refused by modprobe, the packaged unit starts dauditd"
	else
		nok "with daudit.ko refused by modprobe, the packaged unit starts dauditd: $(systemctl is-active dauditd)"
		journalctl -b --no-pager -u dauditd -n 30 >&2
	fi
	check "daudit status names the eBPF sensor and why" sh -c 'daudit status | grep -E "^sensor: +ebpf .*does not exist"'
	protected_read "by the eBPF sensor under the packaged unit"
	rm -f /etc/modprobe.d/daudit-boot-refuse.conf
}

case $stage in
install)
	id "$user" >/dev/null 2>&1 || useradd -m -u 1001 "$user"
	mkdir -p "$tree"
	: >"$state"
	# BOOT_DKMS=seed: the modules the host built from these packages'
	# sources (seed.sh) stand in for the guest's compile.  The postinst
	# (dh_dkms) first removes any DKMS tree of its version, then adds the
	# source, then builds where `dkms status` does not say built, then
	# installs.  DKMS sources /etc/dkms/framework.conf.d/*.conf at every
	# call: this one puts a seed in place once a version's source is added
	# (and nothing else), so DKMS finds it built and installs it.
	# Without seed/, DKMS compiles in the guest (BOOT_DKMS=build).
	if [ -d "$here/seed" ]; then
		mkdir -p /var/lib/daudit-boot-seed /etc/dkms/framework.conf.d
		cp -r "$here"/seed/. /var/lib/daudit-boot-seed/
		cat >/etc/dkms/framework.conf.d/daudit-boot-seed.conf <<'EOF_SEED'
# tests/boot/stage.sh (BOOT_DKMS=seed): the host's builds of daudit.ko.
for _d in /var/lib/daudit-boot-seed/*/*; do
	_k=${_d##*/} _v=${_d%/*} _v=${_v##*/}
	_m=/var/lib/dkms/daudit/$_v/$_k/x86_64/module
	if [ -e "/var/lib/dkms/daudit/$_v/source" ] && [ -d "/lib/modules/$_k" ] && [ ! -d "$_m" ]; then
		mkdir -p "$_m" && cp "$_d"/daudit.ko* "$_m/"
	fi
done >/dev/null 2>&1
EOF_SEED
		note "DKMS seeded with the host's builds of daudit $(find "$here/seed" -mindepth 1 -maxdepth 1 -printf "%f ")(BOOT_DKMS=seed): no compile in the guest"
	else
		note "DKMS compiles daudit.ko in the guest (BOOT_DKMS=build)"
	fi
	start=$(date +%s)
	if apt_install "$here/$DEB_OLD" "$here/$DKMS_OLD"; then
		ok "apt-get install of daudit and daudit-dkms $V_OLD from the local files, no network ($(($(date +%s) - start)) s, DKMS builds included)"
	else
		nok "apt-get install of daudit and daudit-dkms $V_OLD from the local files"
	fi
	for l in /var/lib/dkms/daudit/"$V_OLD"/*/x86_64/log/make.log; do
		[ -f "$l" ] && note "dkms make.log $l: $(stat -c %y "$l")"
	done
	check "DKMS installed daudit $V_OLD for every kernel with headers" dkms_has "$V_OLD"
	note "dauditd right after install: $(systemctl is-active dauditd) / enabled: $(systemctl is-enabled dauditd)"
	# The package's example policy names paths this guest lacks: ours.
	printf 'dataset crm {\n\ttree %s\n}\n' "$tree" >/etc/daudit/policy.conf
	sha256sum /etc/daudit/policy.conf | cut -d' ' -f1 >"$here/policy.sha256"
	check "the test policy (tree $tree) checks" daudit policy check /etc/daudit/policy.conf
	check "dauditd enabled" systemctl enable dauditd
	;;
check)
	boot_checks "$V_OLD"
	;;
upgrade)
	boot_checks "$V_OLD"
	pid0=$(systemctl show -p MainPID --value dauditd)
	db=$(sed -n 's/^database *= *//p' /etc/daudit/dauditd.conf | tail -n1)
	db=${db:-/var/lib/daudit/daudit.db}
	ino0=$(stat -c %i "$db" 2>/dev/null)
	start=$(date +%s)
	if apt_install "$here/$DEB_NEW" "$here/$DKMS_NEW"; then
		ok "upgrade to $V_NEW from the local files ($(($(date +%s) - start)) s, DKMS builds included)"
	else
		nok "upgrade to $V_NEW from the local files"
	fi
	check "daudit and daudit-dkms $V_NEW installed" \
		sh -c "[ \"\$(dpkg-query -W -f='\${Version}' daudit)\" = '$V_NEW' ] &&
			[ \"\$(dpkg-query -W -f='\${Version}' daudit-dkms)\" = '$V_NEW' ]"
	check "DKMS installed daudit $V_NEW for every kernel with headers" dkms_has "$V_NEW"
	check "DKMS no longer holds daudit $V_OLD" sh -c "! dkms status -m daudit -v '$V_OLD' | grep -q ."
	sleep 2
	pid1=$(systemctl show -p MainPID --value dauditd)
	if [ "$(systemctl is-active dauditd)" = active ] && [ "$pid1" != "$pid0" ] && [ "$pid1" != 0 ]; then
		ok "dauditd restarted by the upgrade and active (pid $pid0 -> $pid1)"
	else
		nok "dauditd restarted by the upgrade and active: $(systemctl is-active dauditd), pid $pid0 -> $pid1"
		journalctl -b --no-pager -u dauditd -n 30 >&2
	fi
	note "running daudit.ko after the upgrade: srcversion $(cat /sys/module/daudit/srcversion 2>/dev/null), file's $(modinfo -F srcversion daudit 2>/dev/null)"
	check "the database $db is the same file (inode $ino0)" sh -c "[ \"\$(stat -c %i '$db')\" = '$ino0' ]"
	check "the policy file is unchanged by the upgrade (conffile kept)" \
		sh -c "sha256sum /etc/daudit/policy.conf | cut -d' ' -f1 | grep -qx \"\$(cat '$here/policy.sha256')\""
	earlier_reads "after the upgrade"
	protected_read "after the upgrade"
	;;
purge)
	boot_checks "$V_NEW"
	ebpf_fallback
	start=$(date +%s)
	if apt-get purge -y -q daudit daudit-dkms >&2; then
		ok "apt-get purge daudit daudit-dkms ($(($(date +%s) - start)) s)"
	else
		nok "apt-get purge daudit daudit-dkms"
	fi
	check "no package left installed" sh -c "! dpkg-query -W -f='\${db:Status-Status}\n' daudit daudit-dkms 2>/dev/null | grep -q -v -x -e not-installed -e ''"
	check "no dauditd unit left" sh -c '! systemctl cat dauditd >/dev/null 2>&1'
	check "dauditd not running" sh -c '! pgrep -x dauditd'
	check "no daudit.ko left under /lib/modules/*/updates/dkms" \
		sh -c '! ls /lib/modules/*/updates/dkms/daudit.ko* 2>/dev/null'
	check "DKMS holds no daudit" sh -c '! dkms status -m daudit | grep -q .'
	check "no /usr/src/daudit-* left" sh -c '! ls -d /usr/src/daudit-* 2>/dev/null'
	check "/etc/daudit removed by purge" sh -c '[ ! -e /etc/daudit ]'
	check "no daudit program left" sh -c '! command -v daudit && ! command -v dauditd'
	if [ -e /var/lib/daudit ]; then
		note "after purge /var/lib/daudit is kept: $(find /var/lib/daudit | wc -l) entries, $(du -sh /var/lib/daudit | cut -f1)"
	else
		note "after purge /var/lib/daudit is removed"
	fi
	note "after purge daudit.ko is $(lsmod | grep -q '^daudit ' && echo 'still loaded in the running kernel' || echo 'not loaded')"
	;;
*)
	nok "unknown stage $stage"
	;;
esac
echo "DAUDIT-STAGE-FAILS $fails"
