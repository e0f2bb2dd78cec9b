#!/bin/bash
# tracer-mem.sh - the tracer's own peak resident memory during a build of many processes: a
# 200-file C project compiled with `make -j2` in the Debian minbase guest (gcc, cc1 and as per
# file: some 600 traced processes), under udockerc P1 and P2 and, when installed, PRoot.
# The tracer is the udockerc (or proot) process itself; its VmHWM is read from /proc while it
# runs, the last reading before it exits being its peak. Guest processes are not counted.
# Usage: bench/tracer-mem.sh [UDOCKERC] [FILES]   (UDOCKERC default build/udockerc)
# Results: bench/results/<date>-<host>-<commit>-tracer-mem.md
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
udockerc=$(realpath "${1:-$src/build/udockerc}")
files=${2:-200}

work=$(mktemp -d "${TMPDIR:-/tmp}/udockerc-bench.XXXXXX")
cleanup() { chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

udc() { UDOCKERC_DIR=$work/repo "$udockerc" -q "$@"; }
deb=$("$src/tests/fixtures/debootstrap.sh")
udc import "$deb" debian:bench >/dev/null
udc create --name=deb debian:bench >/dev/null
root=$(udc inspect -p deb)

# The project: FILES small translation units and a main, built into objects and one program.
mkdir -p "$work/proj"
for ((i = 0; i < files; i++)); do
	printf '#include <stdio.h>\nint f%d(int x) { char b[32]; snprintf(b, sizeof b, "%%d", x); return x + %d + b[0]; }\n' \
		"$i" "$i" >"$work/proj/f$i.c"
done
{
	for ((i = 0; i < files; i++)); do echo "int f$i(int);"; done
	echo 'int main(void) { int s = 0;'
	for ((i = 0; i < files; i++)); do echo "s += f$i($i);"; done
	echo 'return s == 0; }'
} >"$work/proj/main.c"
cat >"$work/proj/Makefile" <<'EOF'
SRCS := $(wildcard *.c)
prog: $(SRCS:.c=.o)
	gcc -o $@ $^
%.o: %.c
	gcc -O0 -c -o $@ $<
clean:
	rm -f *.o prog
EOF

# peak CMD...: run CMD in the background, print "VmHWM max-RssAnon" (kB) of its process:
# the high-water mark of all it maps (shared libraries included) and the largest sample of
# its private memory (heap, stacks), which is what the tracer itself allocates.
peak() {
	local pid hwm=0 anon=0 v
	"$@" >"$work/out" 2>&1 &
	pid=$!
	while v=$(awk '/^VmHWM:/ { h = $2 } /^RssAnon:/ { a = $2 } END { if (h) print h, a }' \
		"/proc/$pid/status" 2>/dev/null) && [ -n "$v" ]; do
		hwm=${v% *}
		((${v#* } > anon)) && anon=${v#* }
		[ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
		sleep 0.05
	done
	wait "$pid" || { echo "tracer-mem: $* failed:" >&2; tail -n 5 "$work/out" >&2; exit 1; }
	echo "$hwm $anon"
}
build_cmd() { echo "make -s -C /proj clean && make -s -C /proj -j2 && /proj/prog"; }

rows=()
for mode in P1 P2; do
	udc setup --execmode="$mode" deb >/dev/null
	read -r kb anon < <(peak env UDOCKERC_DIR="$work/repo" "$udockerc" -q run \
		-v "$work/proj:/proj" deb /bin/sh -c "$(build_cmd)")
	rows+=("| udockerc $mode | $kb | $anon |")
	echo "udockerc $mode: $kb kB, anon $anon kB" >&2
done
if command -v proot >/dev/null; then
	read -r kb anon < <(peak proot -0 -r "$root" -b /dev -b /proc -b "$work/proj:/proj" -w / \
		/bin/sh -c "$(build_cmd)")
	rows+=("| proot $(proot --version 2>&1 | grep -o '[0-9]\+\.[0-9.]\+' | head -n1) | $kb | $anon |")
	echo "proot: $kb kB, anon $anon kB" >&2
else
	rows+=("| proot | not installed (apt-get install proot) | |")
fi

mkdir -p "$here/results"
commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)
out=$here/results/$(date +%Y-%m-%d)-$(hostname)-$commit-tracer-mem.md
{
	echo "# Tracer peak resident memory: make -j2 of $files C files in Debian bookworm minbase"
	echo
	echo "About $((files * 3 + 4)) traced processes (gcc, cc1, as per file; make, the link)."
	echo
	echo "| tracer | peak VmHWM, kB | peak RssAnon, kB |"
	echo "|---|---:|---:|"
	printf '%s\n' "${rows[@]}"
	echo
	echo "VmHWM counts the pages of the shared libraries it maps too; RssAnon is the tracer's"
	echo "own memory (heap, stacks, relocated data)."
	echo
	echo "Run as $(id -un) on $(uname -r), $(nproc) CPUs; $("$udockerc" version)."
} >"$out"
cat "$out"
