#!/usr/bin/env bats
# The kernel side of the policy: every byte checked again, atomic swap,
# loads are records, and a bad policy changes nothing.

load lib

setup_file() {
	load lib
	fresh_module
}

teardown_file() {
	unload_module
}

setup() {
	drain_records /dev/null
}

@test "the kernel checks every field of a binary policy again" {
	run devprobe policy-fields /srv/customers
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | head -n1)" = "valid OK" ]
	# Every corruption is refused; none is accepted.
	[ "$(echo "$output" | grep -c ' OK$')" -eq 1 ]
	echo "$output" | grep -q '^path-missing ENOENT$'
	echo "$output" | grep -q '^path-not-dir ENOTDIR$'
	echo "$output" | grep -q '^n_sources=70000 E2BIG$'
	echo "$output" | grep -q '^magic EINVAL$'
	# Dataset names are ASCII [A-Za-z0-9_.-] only, not Latin-1 letters.
	echo "$output" | grep -q '^name-latin1 EINVAL$'
	echo "$output" | grep -q '^name-high-bit EINVAL$'
	# A wrong request is refused before the policy is read ...
	echo "$output" | grep -q '^req-len=0 E2BIG$'
	echo "$output" | grep -q '^req-len=5MiB E2BIG$'
	echo "$output" | grep -q '^req-ptr-bad EFAULT$'
	echo "$output" | grep -q '^req-ptr-null EINVAL$'
	echo "$output" | grep -q '^req-reserved EINVAL$'
	echo "$output" | grep -q '^req-unmapped EFAULT$'
	# ... and, like every other attempt, leaves a policy record.
	drain_records
	n=$(echo "$output" | wc -l)
	[ "$(jq -s 'map(select(.event.action == "policy-load")) | length' "$RECS")" -eq "$n" ]
	[ "$(jq -s 'map(select(.event.action == "policy-load" and .event.outcome == "failure")) | length' "$RECS")" -eq $((n - 1)) ]
}

@test "a policy load is a record, and policy show prints what the kernel holds" {
	# Earlier loads' records out of the way: per-CPU rings do not order
	# records of two CPUs by time.
	drain_records /dev/null
	load_policy
	drain_records
	cat "$RECS" >&2
	p=$(jq -c 'select(.event.action == "policy-load")' "$RECS")
	[ "$(echo "$p" | wc -l)" -eq 1 ]
	[ "$(echo "$p" | jq -r .event.outcome)" = success ]
	[ "$(echo "$p" | jq -r .user.id)" = 0 ]
	run daudit policy show
	echo "$output"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^dataset customers'
	echo "$output" | grep -q 'tree /srv/customers'
}

@test "a policy with an error changes nothing and names the line" {
	load_policy
	gen=$(daudit status --format json | jq .policy_generation)
	# Records of the good load out of the way: the rings are per CPU, so
	# the file does not order records of two CPUs by time.
	drain_records
	cat >/tmp/bad.conf <<'POL'
dataset customers {
	tree /srv/customers
	tree /srv/does-not-exist
}
POL
	run daudit policy load /tmp/bad.conf
	echo "$output"
	[ "$status" -eq 1 ]
	echo "$output" | grep -q '/tmp/bad.conf:3:'
	[ "$(daudit status --format json | jq .policy_generation)" -eq "$gen" ]
	# The old policy still protects.
	n=$(read_as alice read /srv/customers/2026/phones.csv)
	drain_records
	[ "$(bytes_for /srv/customers/2026/phones.csv)" -eq "$n" ]
	# The refused attempt is itself on record, and is the only load since.
	[ "$(jq -r 'select(.event.action == "policy-load") | .event.outcome' "$RECS")" = failure ]
}

@test "1,000 protected roots load, and the last of them protects" {
	mkdir -p /srv/many
	{
		echo "dataset many {"
		for i in $(seq 1000); do
			mkdir -p "/srv/many/r$i"
			echo "	tree /srv/many/r$i"
		done
		echo "}"
		echo "dataset customers { tree /srv/customers }"
	} >/tmp/many.conf
	head -c 5000 /dev/urandom >/srv/many/r1000/x.csv
	chmod -R a+rX /srv/many
	# Files of /srv/customers with other names (earlier suites' hard
	# links) join the policy as linked sources.
	linked=$(find /srv/customers -xdev -type f -links +1 | wc -l)
	out=$(daudit policy load /tmp/many.conf)
	echo "$out"
	if [ "$linked" -gt 0 ]; then
		echo "$out" | grep -qx "$linked hard-linked files in protected trees: protected under every name"
	fi
	[ "$(daudit status --format json | jq .policy_sources)" -eq $((1001 + linked)) ]
	n=$(read_as alice read /srv/many/r1000/x.csv)
	drain_records
	[ "$(bytes_for /srv/many/r1000/x.csv)" -eq "$n" ]
	[ "$(field_of /srv/many/r1000/x.csv .daudit.dataset)" = many ]
	load_policy
}

# trusted_policy: the test policy with /usr/bin/trusted-reader (a copy of
# the reader helper) trusted for the customers dataset.
trusted_policy() {
	cp /opt/daudit/helpers/reader /usr/bin/trusted-reader
	cat >/tmp/trusted.conf <<'POL'
dataset customers {
	tree /srv/customers
	reader /usr/bin/trusted-reader
}
POL
	daudit policy load /tmp/trusted.conf
}

@test "trusted readers of a dataset are not recorded, others are" {
	trusted_policy
	as_user alice trusted-reader read /srv/customers/2026/phones.csv
	n=$(read_as alice read /srv/customers/2026/phones.csv)
	drain_records
	[ "$(file_records /srv/customers/2026/phones.csv | jq -r .process.name | sort -u)" = reader ]
	[ "$(bytes_for /srv/customers/2026/phones.csv)" -eq "$n" ]
	[ "$(daudit status --format json | jq .trusted_reads)" -gt 0 ]
	load_policy
}

@test "a trusted reader started with LD_PRELOAD (or LD_AUDIT, LD_LIBRARY_PATH) is not trusted: its reads are recorded" {
	trusted_policy
	lib=$(find /lib /usr/lib -name 'libc.so.6' | head -n1)
	[ -n "$lib" ]
	f=/srv/customers/2026/phones.csv
	# The program alone: trusted, not recorded.
	as_user alice trusted-reader read "$f" >/dev/null
	# The same program with code injected through the loader: recorded.
	n=$(as_user alice env "LD_PRELOAD=$lib" trusted-reader read "$f" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	m=$(as_user alice env "LD_LIBRARY_PATH=/tmp" trusted-reader read "$f" | sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	drain_records
	file_records "$f" | jq -c '{name: .process.name, bytes: .daudit.bytes}' >&2
	[ "$(file_records "$f" | wc -l)" -eq 2 ]
	[ "$(file_records "$f" | jq -r .process.name | sort -u)" = trusted-reader ]
	[ "$(bytes_for "$f")" -eq $((n + m)) ]
	load_policy
}

@test "a trusted reader that maps code from a file of the user's is not trusted; system libraries keep its trust" {
	trusted_policy
	f=/srv/customers/2026/phones.csv
	lib=$(find /lib /usr/lib -name 'libc.so.6' | head -n1)
	[ -n "$lib" ]
	# A plugin alice wrote (any bytes will do: it is only mapped).
	cp "$lib" /tmp/alice-plugin.so
	chown alice /tmp/alice-plugin.so
	# A system library mapped again: still trusted, not recorded.
	as_user alice env "READER_MAP_EXEC=$lib" trusted-reader read "$f" >/dev/null
	n=$(as_user alice env READER_MAP_EXEC=/tmp/alice-plugin.so trusted-reader read "$f" |
		sed -n 's/^bytes=\([0-9]*\) .*/\1/p')
	drain_records
	file_records "$f" | jq -c '{name: .process.name, bytes: .daudit.bytes}' >&2
	[ "$(file_records "$f" | wc -l)" -eq 1 ]
	[ "$n" -gt 0 ]
	[ "$(bytes_for "$f")" -eq "$n" ]
	rm -f /tmp/alice-plugin.so
	load_policy
}

@test "the fuzzers' policy seeds, and 1,000 mutations of each, through the kernel's decoder: clean answers, a good policy still protects" {
	corpus=/opt/daudit/tests/corpus/policy_decode
	# What the seeds name (tests/fuzz/corpus/policy_parse), so that they
	# load whole: trees are directories, files and programs files.
	mkdir -p /srv/crm /srv/data/customers "/srv/hr data" /srv/exports /g /x \
		/opt/crm/bin /run/postgresql /usr/lib/postgresql/15/bin
	touch /srv/hr.csv /srv/exports/vip.csv '/a"b\c#d' /e#f '/y z' '/{x};' /café \
		/opt/crm/bin/crm-python /usr/bin/pg /usr/bin/r
	[ -e /usr/lib/postgresql/15/bin/postgres ] || touch /usr/lib/postgresql/15/bin/postgres
	seed=${POLICY_CORPUS_SEED:-$RANDOM}
	echo "# seed $seed (POLICY_CORPUS_SEED reproduces a failure)" >&3
	seeds=("$corpus"/*.bin)
	run devprobe policy-corpus "$seed" 1000 "${seeds[@]}"
	echo "$output"
	[ "$status" -eq 0 ]
	# Every seed was answered, and loaded as it is.
	[ "$(echo "$output" | grep -c "^$corpus/")" -eq "${#seeds[@]}" ]
	[ "$(echo "$output" | grep -c "^$corpus/[a-z]*\.bin OK$")" -eq "${#seeds[@]}" ]
	# Every mutation got a clean accept or one of the decoder's errnos.
	mut=$(echo "$output" | sed -n 's/^mutations: //p')
	[ -n "$mut" ]
	echo "# seeds: $(echo "$output" | grep "^$corpus/" | sed "s|^$corpus/||" | paste -sd,); mutations: $mut" >&3
	echo "$mut" | awk '{ for (i = 1; i < NF; i += 2) print $i }' |
		grep -v -x -E 'OK|EINVAL|E2BIG|ENOENT|ENOTDIR|ENAMETOOLONG|ELOOP' && return 1
	total=$(echo "$mut" | awk '{ for (i = 2; i <= NF; i += 2) s += $i } END { print s }')
	[ "$total" -eq $((1000 * ${#seeds[@]})) ]
	check_dmesg_clean
	drain_records /dev/null
	load_policy
	n=$(read_as alice read /srv/customers/2026/phones.csv)
	drain_records
	[ "$(bytes_for /srv/customers/2026/phones.csv)" -eq "$n" ]
}

@test "module unload is on record in the kernel log and the audit trail" {
	rmmod daudit
	dmesg | grep -q 'daudit: unloaded: [0-9]* records written'
	dmesg | grep -q 'op=daudit_unload'
	load_module
	run devprobe first-record
	[ "${output%% *}" = type=module ]
	load_policy
}
