#!/bin/bash
# daudit report --format html in a real browser: Debian's Chromium,
# headless.  The scenario of tests/unit/scenario.h (build/bench/collector
# --scenario) is reviewed for its last day, TZ=UTC; the page is
# rendered to a screenshot, to its DOM and to a PDF (the page printed).
#
# A console error fails the page.  The page has no script, so the
# console can only speak of a resource it refused or could not load (a
# Content-Security-Policy violation, a broken reference): Chromium run
# with --enable-logging=stderr --v=0 writes every console message as a
# line holding ":CONSOLE" (":CONSOLE:N]" in Chromium 156, ":CONSOLE(N)"
# before), and any such line fails.  That the check sees one is proved
# first, on a page with a blocked image and a script error.
#
# Then: the screenshot is a PNG of the window's size and not blank; the
# DOM's first incident row names the person and score that 'daudit
# incident list' ranks first (mallory, 87, in this story); the PDF has
# pages; HTML is refused on a terminal.
#
# Prints TAP lines "ok - report: ..." / "not ok - report: ...".
# KEEP=1 keeps the temporary directory; REPORT_SHOT=FILE writes the
# screenshot there in 256 colours (tests/report/png_palette.py; that is
# how docs/img/report.png is made).  About 10 seconds.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
TAP_SUITE=report
# shellcheck source=tests/tap.sh
. tests/tap.sh

T=$(mktemp -d /tmp/daudit-report.XXXXXX)
if [ -n "${KEEP:-}" ]; then
	echo "# keeping $T"
else
	trap 'rm -rf "$T"' EXIT
fi
export TZ=UTC
DAY=(--since 2026-11-20 --until 2026-11-21)

CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$CHROMIUM" ]; then
	tap 1 "chromium available (apt-get install chromium)"
	exit 1
fi
if ! make -s build/bin/daudit build/bench/collector >"$T/build.log" 2>&1; then
	tap 1 "daudit and the scenario generator build" "$T/build.log"
	exit 1
fi
DAUDIT=$top/build/bin/daudit

# chromium_run LOG ARGS... URL: headless, its own profile, no network
# wanted (the page asks for none; --host-resolver-rules makes sure).
chromium_run() {
	local log=$1
	shift
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-extensions --hide-scrollbars \
		--user-data-dir="$T/profile" --host-resolver-rules="MAP * ~NOTFOUND" \
		--enable-logging=stderr --v=0 "$@" 2>"$log"
}

console_errors() { # LOG: the console's lines, if any
	grep -E ':CONSOLE[:(]' "$1"
}

# The check itself: a page with console errors must be caught.
cat >"$T/bad.html" <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy"
content="default-src 'none'"></head><body><img src="http://192.0.2.1/x.png">
<script>undefined_function();</script></body></html>
EOF
chromium_run "$T/bad.log" --dump-dom "file://$T/bad.html" >/dev/null
console_errors "$T/bad.log" >"$T/bad.console"
[ "$(wc -l <"$T/bad.console")" -ge 1 ]
tap $? "the console check sees a page's console errors (a blocked image, an uncaught script error)" "$T/bad.log"

build/bench/collector --scenario "$T/demo.db" >"$T/scenario.log" 2>&1
tap $? "the scenario's database is built" "$T/scenario.log"

start=$(date +%s%N)
"$DAUDIT" report --database "$T/demo.db" "${DAY[@]}" --format html \
	-o "$T/report.html" 2>"$T/daudit.err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ "$rc" -eq 0 ] && [ -s "$T/report.html" ]
tap $? "daudit report --format html writes the page ($(wc -c <"$T/report.html") bytes, $ms ms)" "$T/daudit.err"

chromium_run "$T/shot.log" --screenshot="$T/report.png" --window-size=1280,2800 \
	"file://$T/report.html" >/dev/null
chromium_run "$T/dom.log" --dump-dom "file://$T/report.html" >"$T/dom.html"
chromium_run "$T/pdf.log" --no-pdf-header-footer --print-to-pdf="$T/report.pdf" \
	"file://$T/report.html" >/dev/null
cat "$T/shot.log" "$T/dom.log" "$T/pdf.log" >"$T/chromium.log"
console_errors "$T/chromium.log" >"$T/console"
[ -s "$T/dom.html" ] && [ ! -s "$T/console" ]
tap $? "Chromium renders the page with no console error" "$T/console"

# The PNG's signature and size from its IHDR, and more than a blank page.
png_info() {
	python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
ok = d[:8] == b'\x89PNG\r\n\x1a\n' and d[12:16] == b'IHDR'
w, h = struct.unpack('>II', d[16:24]) if ok else (0, 0)
print(f"{'png' if ok else 'not-png'} {w}x{h} {len(d)}")
EOF
}
info=$(png_info "$T/report.png" 2>&1)
read -r kind dims size <<<"$info"
echo "# screenshot: $info"
[ "$kind" = png ] && [ "$dims" = 1280x2800 ] && [ "${size:-0}" -gt 40000 ]
tap $? "the screenshot is a 1280x2800 PNG with content ($size bytes)" "$T/shot.log"

# The top incident as the incident verb ranks it: score and person.
"$DAUDIT" incident list --database "$T/demo.db" "${DAY[@]}" --format csv \
	--no-headings >"$T/incidents.csv" 2>&1
IFS=, read -r _ _ score _ person _ <"$T/incidents.csv"
row=$(grep -o -m1 '<tr class="inc">.*</tr>' "$T/dom.html" | head -n 1)
echo "# top incident: $person, score $score"
[ "$person" = "mallory (uid 1002)" ] && [ "$score" = 87 ] &&
	[[ "$row" == *"<td class=\"who\">$person</td>"* ]] &&
	[[ "$row" == *"score high\">$score "* ]]
tap $? "the page's first incident is the one daudit incident list ranks first: $person, score $score" "$T/dom.html"

grep -q 'class="timeline"' "$T/dom.html" && grep -q 'class="daily"' "$T/dom.html" &&
	grep -q 'class="heat"' "$T/dom.html"
tap $? "the DOM holds the daily chart, the heat map and the incident timeline" "$T/dom.html"

# The page tree's /Count (Chromium's PDF keeps it outside object streams).
pages=$(grep -a -o '/Count [0-9]*' "$T/report.pdf" 2>/dev/null | awk '$2 > n { n = $2 } END { print n + 0 }')
[ "$(head -c 4 "$T/report.pdf" 2>/dev/null)" = "%PDF" ] && [ "${pages:-0}" -ge 2 ]
tap $? "the page prints (PDF, $pages pages of A4)" "$T/pdf.log"

# A terminal gets one line saying why, not a page of markup.
script -qec "$DAUDIT report --database $T/demo.db --format html" /dev/null \
	>"$T/tty.out" 2>&1
rc=$?
[ "$rc" -eq 2 ] && grep -q 'not for a terminal: give -o FILE, or redirect' "$T/tty.out"
tap $? "daudit report --format html refuses to write to a terminal (exit 2)" "$T/tty.out"

if [ -n "${REPORT_SHOT:-}" ]; then
	tests/report/png_palette.py "$T/report.png" "$REPORT_SHOT" &&
		echo "# screenshot, in 256 colours, written to $REPORT_SHOT ($(wc -c <"$REPORT_SHOT") bytes)"
fi
exit "$fail"
