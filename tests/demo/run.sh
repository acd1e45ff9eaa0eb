#!/bin/bash
# The demo, run inside the VM by `make demo` (tests/vm/run.sh --demo).
#
# Part 1 (tests/demo/crm.sh): an internal customer-lookup web service,
# running as svc-crm over a PostgreSQL database of 100,000 customers, used
# over HTTP by twenty employees for two working weeks; two of them page
# through the whole customer table in the evenings, one also exports what
# she pulled.  The service declares, per request, the employee it works
# for (daudit_actor).
# Part 2 (tests/demo/files.sh): the CRM's customer files, three people in
# login sessions of their own for two more weeks, one insider.
#
# daudit.ko records every read, dauditd collects and judges, and each
# part's review is printed as the person who has to read it would see it.
# Exits 1 unless both reviews are right (see each part's checks).
set -euo pipefail

# as_user, as_daemon, uid_of, start_collector, settle_collector, stop_collector.
# shellcheck source=tests/kernel/lib.bash
. /opt/daudit/tests/lib.bash
# shellcheck source=tests/demo/crm.sh
. /opt/daudit/demo/crm.sh
# shellcheck source=tests/demo/files.sh
. /opt/daudit/demo/files.sh

LOG=/var/log/dauditd.log
RANDOM=20261109 # the same "random" behaviour on every run
FAILED=0

say() {
	printf '\n== %s\n' "$*"
	# How long each step took, on the VM's console (build/vm*/KVER/console.log).
	# (The uptime: the clock jumps.)
	echo "demo: $(cut -d' ' -f1 /proc/uptime)s: $*" >/dev/console
}

pass() {
	echo "ok: $*"
}

fail() {
	echo "FAILED: $*"
	FAILED=$((FAILED + 1))
}

# at DAY HH:MM: set the VM's clock (see the introduction below).
at() {
	local t
	printf -v t '%s %s:%02d' "$1" "$2" $((RANDOM % 60))
	date -s "$t" >/dev/null
}

cat <<'INTRO'
daudit demo: one server, four simulated working weeks.
  part 1: a customer-lookup web service over PostgreSQL, twenty employees
          who reach it over HTTP, two of whom take the whole customer table
  part 2: the CRM's customer files, three users, one insider

Weeks cannot pass in a demo.  Before each activity the VM's clock is set
forward to the simulated day and time (`date -s`); the kernel stamps every
record with that clock, so the times, working hours, daily totals and each
person's baseline below are those of the simulated days.  Only the pauses
between activities are skipped.  The VM's local time is UTC.  The VM has no
network: the employees' machines are addresses on its loopback interface,
and so is the "outside host" 203.0.113.5 of part 2; the USB stick is a
tmpfs on /media/usb0.
INTRO

if ! crm_available; then
	fail "part 1 needs PostgreSQL 15 and Python 3 with psycopg2 in the VM: on the host," \
		"scripts/deps.sh demo (postgresql-15, python3-psycopg2), then make demo"
	exit 1
fi

# --- the server: data, policy, collector ------------------------------------

at "${CRM_DAYS[0]}" 07:00
insmod /lib/modules/daudit.ko
crm_setup
files_setup

say "the policy and the collector's configuration"
mkdir -p /etc/daudit /var/lib/daudit
{
	echo "# What daudit protects on this server."
	crm_policy
	files_policy
} >/etc/daudit/policy.conf
cat >/etc/daudit/dauditd.conf <<CONF
[collector]
database = /var/lib/daudit/daudit.db
policy = /etc/daudit/policy.conf

[rules]
# These data sets are a few MB: judge a session that read 1 MiB of them
# and then sent data out (the default, 10M, suits real data sets).
egress_read_bytes = 1M
# The VM has no network: the outside host and the employees' machines are
# addresses on the loopback interface, so sends to loopback count as
# egress here.  (The web service's answers to an employee are delivered
# to her machine: counted apart from egress, but what she pulls there
# after reading it is her read then egress, like anything sent out.)
egress_loopback = yes

[allowlist]
# The programs that are meant to read each dataset.
$(crm_allowlist)
$(files_allowlist)
CONF
sed 's/^/    /' /etc/daudit/policy.conf
echo "    (/etc/daudit/dauditd.conf: default rules and working hours, Mon-Fri 08:00-18:00;"
echo "     the allowlists: the service's interpreter for customers, crm-lookup and crm-export for the files)"

say "loading the policy and starting dauditd (simulated time from ${CRM_DAYS[0]})"
at "${CRM_DAYS[0]}" 07:50
start_collector /etc/daudit/dauditd.conf "$LOG"
unset DAUDIT_CONFIG # the CLI finds /etc/daudit/dauditd.conf itself
tail -n 2 "$LOG" | sed 's/^/    /'

# --- part 1: the web service ------------------------------------------------

crm_run
crm_review

# --- part 2: the files --------------------------------------------------------

files_run
files_review

say "daudit status"
daudit status
stop_collector TERM

say "the demo's verdict"
if [ "$FAILED" -ne 0 ]; then
	echo "$FAILED check(s) FAILED; the collector's log:"
	sed 's/^/    /' "$LOG"
	exit 1
fi
echo "every check passed"
