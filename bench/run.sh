#!/bin/bash
# run.sh - the engines side by side: each workload in the Debian minbase guest under native
# chroot, udockerc P1/P2 (and F1 when this udockerc has it), Debian's proot and fakechroot, in
# interleaved rounds (shared/notes/measuring.md: every mode once per round, the order rotating,
# each ratio to native taken within its round). A check pass first compares each mode's output
# hash with native's: a wrong answer is reported as WRONG, not timed.
# Usage: bench/run.sh [quick|full] [UDOCKERC]   (quick: 3/10 rounds; full: 10/40 rounds)
#        WORKLOADS="find-usr ls-lR" MODES="native P1 proot" narrow it down; a mode
#        P1+VAR=VALUE runs P1 with VAR=VALUE in udockerc's environment (experiments).
# Results: bench/results/<date>-<host>-<commit>-engines.md
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
level=${1:-quick}
udockerc=$(realpath "${2:-$src/build/udockerc}")
case $level in
quick) rounds=3 rounds_ms=10 ;;
full) rounds=10 rounds_ms=40 ;;
*) echo "run.sh: quick or full, not '$level'" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/udockerc-bench.XXXXXX")
cleanup() { chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export UDOCKERC_DIR=$work/repo

# ---- the guest: Debian minbase (python3, gcc, make) with a small C project in /opt/proj.
deb=$("$src/tests/fixtures/debootstrap.sh")
"$udockerc" -q import "$deb" debian:bench >/dev/null
"$udockerc" -q create --name=deb debian:bench >/dev/null
root=$("$udockerc" inspect -p deb)
proj=$root/opt/proj
mkdir -p "$proj"
for i in $(seq 1 12); do
	printf '#include <stdio.h>\n#include <string.h>\nint f%d(const char *s) { char b[64]; snprintf(b, sizeof b, "%%s-%d", s); return (int)strlen(b); }\n' \
		"$i" "$i" >"$proj/f$i.c"
done
{
	echo '#include <stdio.h>'
	for i in $(seq 1 12); do echo "int f$i(const char *);"; done
	echo 'int main(void) { int s = 0;'
	for i in $(seq 1 12); do echo "s += f$i(\"x\");"; done
	echo 'printf("%d\n", s); return 0; }'
} >"$proj/main.c"
printf 'OBJS := $(patsubst %%.c,%%.o,$(wildcard *.c))\nprog: $(OBJS)\n\tgcc -o $@ $^\n%%.o: %%.c\n\tgcc -O1 -c -o $@ $<\nclean:\n\trm -f *.o prog\n' \
	>"$proj/Makefile"

# ---- workloads: NAME, the timed command, the command whose output is checked against native.
declare -A timed check
names=(true-startup exec-loop find-usr ls-lR tar-usr-lib make-small-c python-imports)
timed[true-startup]='/bin/true'
check[true-startup]='/bin/true; echo $?'
timed[exec-loop]='i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i + 1)); done'
check[exec-loop]=${timed[exec-loop]}'; echo $i'
timed[find-usr]='find /usr -xdev | wc -l'
check[find-usr]='find /usr -xdev | sort'
timed[ls-lR]='ls -lR /usr/lib > /dev/null'
check[ls-lR]='ls -lR --time-style=+%s /usr/lib'
timed[tar-usr-lib]='tar cf - /usr/lib 2>/dev/null | cat > /dev/null'
check[tar-usr-lib]='tar cf - /usr/lib 2>/dev/null | tar tvf - --numeric-owner | sort'
timed[make-small-c]='make -s -C /opt/proj -j2 && make -s -C /opt/proj clean'
check[make-small-c]='make -s -C /opt/proj -j2 && /opt/proj/prog && make -s -C /opt/proj clean'
timed[python-imports]="python3 -c 'import json, email, http.client, argparse, asyncio'"
check[python-imports]="python3 -c 'import json, email, http.client, argparse, asyncio; print(json.dumps([1]))'"
ms_workloads=" true-startup python-imports "

# ---- modes: how each runs "sh -c CMD" in the guest, from the same clean environment.
envs=(PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LC_ALL=C)
has_f1=0
"$udockerc" -q setup --execmode=F1 deb >/dev/null 2>&1 && has_f1=1
mode_cmd() { # MODE CMD: run CMD in the guest under MODE (MODE+VAR=VALUE: with VAR set)
	local mode=${1%%+*} cmd=$2 extra=()
	[ "$1" = "$mode" ] || extra=("${1#*+}")
	case $mode in
	native) env -i "${envs[@]}" /usr/sbin/chroot "$root" /bin/sh -c "$cmd" ;;
	P1 | P2 | F1)
		env -i "${envs[@]}" "${extra[@]}" UDOCKERC_DIR="$UDOCKERC_DIR" "$udockerc" -q run \
			-e LC_ALL=C -e HOME=/root -e PATH="${envs[0]#PATH=}" "deb-$mode" /bin/sh -c "$cmd" ;;
	proot) env -i "${envs[@]}" proot -r "$root" -b /dev -b /proc -b /sys -w / /bin/sh -c "$cmd" ;;
	fakechroot)
		env -i "${envs[@]}" FAKECHROOT_ELFLOADER="$root/lib64/ld-linux-x86-64.so.2" \
			fakechroot /usr/sbin/chroot "$root" /bin/sh -c "$cmd" ;;
	esac
}
available() { # MODE: whether it can run here (reason on stdout when not)
	case ${1%%+*} in
	native) [ "$(id -u)" -eq 0 ] || echo "needs root (chroot)" ;;
	F1) [ "$has_f1" = 1 ] || echo "this udockerc has no F1" ;;
	proot | fakechroot) command -v "$1" >/dev/null || echo "not installed (apt-get install $1)" ;;
	esac
}
all_modes=(native P1 P2 F1 proot fakechroot)
modes=()
declare -A why
for m in ${MODES:-${all_modes[*]}}; do
	r=$(available "$m")
	if [ -n "$r" ]; then why[$m]=$r; else modes+=("$m"); fi
done
[ "$(id -u)" -eq 0 ] || { echo "run.sh: ratios are to native, which needs root (chroot)" >&2; exit 1; }
for m in P1 P2 F1; do # one container per udockerc mode, so a mode switch costs no run
	[[ " ${modes[*]} " == *" $m"[\ +]* ]] || continue
	"$udockerc" -q clone --name="deb-$m" deb >/dev/null 2>&1 ||
		"$udockerc" -q create --name="deb-$m" debian:bench >/dev/null
	"$udockerc" -q setup --execmode="$m" "deb-$m" >/dev/null
done

# ---- the check pass: every mode's output hash against native's.
declare -A wrong
for w in ${WORKLOADS:-${names[*]}}; do
	ref=$(mode_cmd native "${check[$w]}" 2>/dev/null | sha256sum)
	for m in "${modes[@]}"; do
		[ "$m" = native ] && continue
		h=$(mode_cmd "$m" "${check[$w]}" 2>/dev/null | sha256sum)
		[ "$h" = "$ref" ] || { wrong[$w/$m]=1; echo "check: $w under $m differs from native" >&2; }
	done
done

# ---- interleaved rounds
seconds() { # MODE CMD: wall seconds of one run
	local t0 t1
	t0=$EPOCHREALTIME
	mode_cmd "$1" "$2" >/dev/null 2>&1 || { echo "run.sh: $2 failed under $1" >&2; return 1; }
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (!NR) exit; m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
	printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'; }
declare -A cell
for w in ${WORKLOADS:-${names[*]}}; do
	n=$rounds
	[[ $ms_workloads == *" $w "* ]] && n=$rounds_ms
	: >"$work/$w.rounds"
	for m in "${modes[@]}"; do seconds "$m" "${timed[$w]}" >/dev/null || true; done # warm-up
	k=${#modes[@]}
	for ((i = 0; i < n; i++)); do # a line per round: the modes' seconds in the order of modes
		declare -A tm=()
		for ((j = 0; j < k; j++)); do # rotate the order each round
			m=${modes[$(((i + j) % k))]}
			tm[$m]=$(seconds "$m" "${timed[$w]}" || echo nan)
		done
		line=""
		for m in "${modes[@]}"; do line+="${tm[$m]} "; done
		echo "$line" >>"$work/$w.rounds"
	done
	nat=0 # the column of native (modes start with it: native is first in every list)
	for ((j = 0; j < k; j++)); do [ "${modes[$j]}" = native ] && nat=$((j + 1)); done
	for ((j = 0; j < k; j++)); do
		m=${modes[$j]}
		if [ "$m" = native ]; then
			cell[$w/$m]=$(awk -v c=$((j + 1)) '{ print $c }' "$work/$w.rounds" | median | cut -d' ' -f1)
			continue
		fi
		[ -n "${wrong[$w/$m]:-}" ] && { cell[$w/$m]="WRONG"; continue; }
		read -r med lo hi < <(awk -v c=$((j + 1)) -v n=$nat '$n > 0 && $c != "nan" { print $c / $n }' \
			"$work/$w.rounds" | median)
		cell[$w/$m]="${med}x (${lo}-${hi})"
	done
	echo "$w: $(for m in "${modes[@]}"; do printf '%s %s; ' "$m" "${cell[$w/$m]}"; done)" >&2
done

# ---- the table
mkdir -p "$here/results"
commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)
out=$here/results/$(date +%Y-%m-%d)-$(hostname)-$commit-engines.md
{
	echo "# Engines side by side ($level): median ratio to native (spread), native in seconds"
	echo
	printf '| workload |'; for m in "${modes[@]}"; do printf ' %s |' "$m"; done; echo
	printf '|---|'; for m in "${modes[@]}"; do printf -- '---:|'; done; echo
	for w in ${WORKLOADS:-${names[*]}}; do
		printf '| %s |' "$w"
		for m in "${modes[@]}"; do
			if [ "$m" = native ]; then printf ' %s s |' "${cell[$w/$m]}"; else printf ' %s |' "${cell[$w/$m]}"; fi
		done
		echo
	done
	echo
	for m in "${!why[@]}"; do echo "- $m not run: ${why[$m]}"; done
	echo "- rounds: $rounds ($rounds_ms for true-startup and python-imports), interleaved, order rotating, after one warm-up run of each mode; not pinned"
	echo "- WRONG: the check pass found output different from native's (not timed)"
	echo "- machine: $(nproc) CPUs, $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
	echo "- udockerc $("$udockerc" version 2>/dev/null | head -n1) at $commit; $(proot --version 2>/dev/null | grep -o '[0-9]\+\.[0-9.]\+' | head -n1 | sed 's/^/proot /'); $(dpkg-query -W -f='fakechroot ${Version}' fakechroot 2>/dev/null)"
	echo "- guest: Debian bookworm minbase (python3, gcc, make) from tests/fixtures/debootstrap.sh"
} >"$out"
cat "$out"
