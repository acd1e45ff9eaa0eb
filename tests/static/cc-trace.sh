#!/bin/bash
# A stand-in compiler for tests/static/deps.sh: REAL_CC=gcc|clang and
# CC_TRACE_DIR=DIR (scratch) in the environment, then the arguments make
# gives the compiler.  It opens what the real build would open (every
# header, through the preprocessor with the same flags; every library and
# start file, through the real linker with the same flags) without the
# cost of compiling: the objects it writes are an empty translation unit
# compiled once per set of flags, and links ignore unresolved symbols.
# Anything but a compile or a link (version probes, -print-*, -E) runs as
# is.
set -uo pipefail
real=$REAL_CC
dir=$CC_TRACE_DIR
mode="link"
for a in "$@"; do
	case $a in
	-E | -S | -M | -MM | -print-* | -dump* | --version | -v | '-###' | -) exec "$real" "$@" ;;
	-c) mode=compile ;;
	esac
done
srcs=() rest=() noflags=() keyflags=() out="" skip="" kernel=0 nostdinc=0
for a in "$@"; do
	case $skip in
	o) out=$a skip=""; continue ;;
	include) rest+=("$a") skip=""; continue ;;
	esac
	case $a in
	-o) skip=o ;;
	-c) ;;
	*.c) srcs+=("$a") ;;
	-include) rest+=("$a") skip=include ;;
	-Wp,-M* | -MD | -MMD | -MF* | -MT* | -MQ* | -MP) rest+=("$a") ;;
	*)
		rest+=("$a")
		noflags+=("$a")
		case $a in
		-D__KERNEL__) kernel=1 ;;
		-nostdinc) nostdinc=1 ;;
		esac
		# Kbuild names each file in its flags.
		case $a in -DKBUILD_*) ;; *) keyflags+=("$a") ;; esac
		;;
	esac
done
# noflags: the flags without dependency output and forced includes, for
# the empty unit; keyflags: those that are not a file's name either.
if [ ${#srcs[@]} = 0 ]; then
	# A link of objects the stand-in wrote, or a compiler probe.
	[ $mode = link ] && [ -n "$out" ] && exec "$real" "$@" -Wl,--unresolved-symbols=ignore-all
	exec "$real" "$@"
fi

# The headers: preprocess every source with the build's flags (Kbuild's
# -Wp,-MMD dependency file is written here, as by the real compile).  With
# -nostdinc (the kernel's builds) the include directories alone say which
# packages a header can come from: one source per set of flags is enough.
key=$(printf '%s\n' "$real" "${keyflags[@]}" | cksum | tr ' ' -)
if [ $nostdinc = 1 ] && ! mkdir "$dir/pp-$key" 2>/dev/null; then
	for a in "${rest[@]}"; do
		case $a in -Wp,-MMD,*) echo "$out: ${srcs[0]}" >"${a#-Wp,-MMD,}" ;; esac
	done
else
	for s in "${srcs[@]}"; do
		"$real" "${rest[@]}" -E -o /dev/null "$s" || exit 1
	done
fi

# The empty unit, compiled once per set of flags (modpost wants a licence).
obj=$dir/empty-$key.o
if [ ! -f "$obj" ]; then
	src=$dir/empty-$$.c
	echo 'typedef int daudit_cc_trace_empty;' >"$src"
	[ $kernel = 1 ] &&
		echo 'static const char l[] __attribute__((used, section(".modinfo"))) = "license=GPL";' >>"$src"
	"$real" "${noflags[@]}" -c -o "$obj.$$" "$src" && mv "$obj.$$" "$obj" || exit 1
fi
if [ $mode = compile ]; then
	exec cp "$obj" "$out"
fi
exec "$real" "$obj" "${noflags[@]}" -o "$out" -Wl,--unresolved-symbols=ignore-all
