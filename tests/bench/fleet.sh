#!/bin/bash
# make bench-collector, second part: ingest into the fleet's PostgreSQL
# store from 1 and from N concurrent instances (tests/bench/fleet.c), on
# a private PostgreSQL 15 cluster with Debian's defaults (fsync and
# synchronous_commit on) on this machine, and the bytes each record
# takes there (table and indexes).
#   tests/bench/fleet.sh BENCH-BINARY [RECORDS-PER-INSTANCE]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
bench=$1
records=${2:-200000}
T=$(mktemp -d /tmp/daudit-bench-fleet.XXXXXX)
chmod 755 "$T"
# shellcheck source=tests/fleet/pg.sh
. tests/fleet/pg.sh
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	pg_teardown
	rm -rf "$T"
}
trap cleanup EXIT
if ! pg_setup; then
	echo "fleet bench: cannot start PostgreSQL:" >&2
	tail -n 20 "$T/pg.out" >&2
	exit 1
fi
echo "PostgreSQL $("$PGBIN"/postgres --version | awk '{print $3}'), private cluster on a unix socket, $(nproc) CPUs shared with the instances"
for n in 1 3 6; do
	q "TRUNCATE daudit.events, daudit.hwm" 2>/dev/null
	"$bench" --store "$URL" --password-file "$PGPASS" --instances $n \
		--records "$records" || exit 1
	# Every record went in, once.
	got=$(q "SELECT count(*) FROM daudit.events")
	if [ "$got" != $((n * records)) ]; then
		echo "fleet bench: $got rows in PostgreSQL, not $((n * records))" >&2
		exit 1
	fi
done
# What the last run left: 6 instances' records.
rows=$(q "SELECT count(*) FROM daudit.events")
table=$(q "SELECT sum(pg_table_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'daudit.events'::regclass")
index=$(q "SELECT sum(pg_indexes_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'daudit.events'::regclass")
nidx=$(q "SELECT count(*) FROM pg_indexes WHERE schemaname = 'daudit' AND tablename = 'events'")
echo "postgresql bytes/record  $((table / rows)) in the table, $((index / rows)) in its $nidx indexes, $(((table + index) / rows)) in all ($rows rows)"
