#!/bin/bash
# What each command's --help lists against what is installed beside the
# programs: the bash completion (dist/bash-completion/) offers every
# option of every daudit verb and of dauditd, and the man pages
# (docs/man/) document every one of them.  TAP lines on stdout, as
# tests/static/run.sh prints them; exits 1 if any fails.
#   tests/static/cli-help.sh BINDIR   (BINDIR holds daudit and dauditd)
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:?usage: $0 BINDIR}
fail=0

tap() { # STATUS NAME [DETAIL]
	if [ "$1" -eq 0 ]; then
		echo "ok - static: $2"
	else
		echo "not ok - static: $2"
		[ -n "${3:-}" ] && echo "#   $3"
		fail=1
	fi
}

# help_options PROGRAM ARGS...: the options PROGRAM ARGS --help lists in
# its option column (two spaces in), long ones and short ones, one a line.
help_options() {
	"$@" --help 2>&1 | sed -n 's/^  \(-.*\)$/\1/p' | sed 's/   *.*//' |
		grep -oE -- '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[ ,]*//' | sort -u
}

# complete_words SCRIPT FUNCTION WORD...: what the completion FUNCTION
# of SCRIPT offers for the command line WORD... (the last one is being
# typed), one a line, sorted.
complete_words() {
	local script=$1 fn=$2
	shift 2
	bash -c '
		script=$1 fn=$2
		shift 2
		# shellcheck disable=SC1090 # the script under test
		. "$script"
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		"$fn"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$script" "$fn" "$@" 2>/dev/null | sort -u
}

comp=$top/dist/bash-completion
verbs="status users user top events report monitor"

# Exact answers for a few command lines.
check_completion() { # WANT WORD...
	local want=$1 got
	shift
	got=$(complete_words "$comp/daudit" _daudit daudit "$@" | tr '\n' ' ')
	[ "$got" = "$want " ]
	tap $? "bash completion: 'daudit $*' offers $want" "got: $got"
}
check_completion "events" e
check_completion "status store" st
check_completion "bytes egress files" top --by ''
check_completion "show suppress suppressions" incident s
check_completion "--since --state --store" incident list --s
check_completion "file_read,egress" monitor --type file_read,e
check_completion "--follow" events --fol
check_completion "load" policy l
got=$(complete_words "$comp/dauditd" _dauditd dauditd --c | tr '\n' ' ')
[ "$got" = "--check-config --config " ]
tap $? "bash completion: 'dauditd --c' offers --check-config --config" "got: $got"

# A --help that lists nothing would make every check below pass.
for v in $verbs; do
	n=$(help_options "$bin/daudit" "$v" | wc -l)
	[ "$n" -ge 3 ]
	tap $? "daudit $v --help lists its options ($n)" "$bin/daudit $v --help: no option read"
done

# Every long option of each verb's --help is offered after it.
for v in $verbs; do
	missing=$(comm -23 <(help_options "$bin/daudit" "$v" | grep -- '^--') \
		<(complete_words "$comp/daudit" _daudit daudit "$v" --))
	[ -z "$missing" ]
	tap $? "bash completion offers every option of daudit $v --help" "missing: ${missing//$'\n'/ }"
done
for v in "incident list" "incident show" "incident ack" "incident note" "incident suppress" \
	"incident suppressions" "policy load" "policy show" "store migrate"; do
	# shellcheck disable=SC2086 # the verb and its subcommand
	help_options "$bin/daudit" $v | grep -- '^--'
done | sort -u >"${TMPDIR:-/tmp}/cli-help.$$"
# incident's --help is one for all its subcommands: each option is
# offered by at least one of them.
offered=$(for s in "incident list" "incident show" "incident ack" "incident note" \
	"incident suppress" "incident suppressions" "policy load" "policy show" "store migrate"; do
	# shellcheck disable=SC2086 # the verb and its subcommand
	complete_words "$comp/daudit" _daudit daudit $s --
done | sort -u)
missing=$(comm -23 "${TMPDIR:-/tmp}/cli-help.$$" <(echo "$offered"))
rm -f "${TMPDIR:-/tmp}/cli-help.$$"
[ -z "$missing" ]
tap $? "bash completion offers every option of daudit incident, policy and store --help" "missing: ${missing//$'\n'/ }"
missing=$(comm -23 <(help_options "$bin/dauditd" | grep -- '^--') \
	<(complete_words "$comp/dauditd" _dauditd dauditd --))
[ -z "$missing" ]
tap $? "bash completion offers every option of dauditd --help" "missing: ${missing//$'\n'/ }"

# Every option, long and short, of every --help is in the man page of
# its program, spelt as groff wants it (\-\-since, \-f).
in_man() { # PAGE OPTION...: the ones PAGE does not mention
	local page=$1 o g
	shift
	for o in "$@"; do
		g=${o//-/\\-}
		grep -qF -- "$g" "$page" || { printf "%s\n" "$o"; continue; }
		# A short option must stand alone: \-f, not the start of \-\-format.
		if [[ $o != --* ]]; then
			grep -qE -- "${g//\\/\\\\}([^A-Za-z0-9\\-]|$)" "$page" || printf "%s\n" "$o"
		fi
	done
}
for v in $verbs "incident" "policy check" "policy load" "policy show" "store migrate"; do
	# shellcheck disable=SC2046,SC2086 # one option a word; the verb and its subcommand
	missing=$(in_man "$top/docs/man/daudit.8" $(help_options "$bin/daudit" $v))
	[ -z "$missing" ]
	tap $? "daudit.8 documents every option of daudit $v --help" "missing: ${missing//$'\n'/ }"
done
# shellcheck disable=SC2046 # one option a word
missing=$(in_man "$top/docs/man/dauditd.8" $(help_options "$bin/dauditd"))
[ -z "$missing" ]
tap $? "dauditd.8 documents every option of dauditd --help" "missing: ${missing//$'\n'/ }"
exit $fail
