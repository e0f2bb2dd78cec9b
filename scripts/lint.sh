#!/bin/sh
# lint.sh - `make lint`: cppcheck, clang-tidy and the project's grep rules (CONVENTIONS.md 6).
set -u
cd "$(dirname "$0")/.." || exit 1
status=0
fail() { echo "lint: $*" >&2; status=1; }

# Rule 1: exit() only in cli/.
grep -n '\bexit(' common/*.c 2>/dev/null && fail "exit() outside cli/"
# Rule 2: no talloc in the path map (it is compiled into the preload shim).
grep -n 'talloc' common/pm_*.c common/pm.h 2>/dev/null && fail "talloc in pm_*"

dirs=""
for d in cli common pull ptrace fakeld preload; do [ -d "$d" ] && dirs="$dirs $d"; done
if command -v cppcheck >/dev/null; then
	# shellcheck disable=SC2086 # dirs is a list of plain folder names
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--inline-suppr --std=c11 -D_GNU_SOURCE -I. $dirs || fail "cppcheck"
fi
if command -v clang-tidy >/dev/null; then
	flags="-std=gnu11 -D_GNU_SOURCE -I. $(pkg-config --cflags talloc libarchive jansson libcrypto libcurl)"
	for f in cli/*.c common/*.c pull/*.c ptrace/*.c fakeld/*.c preload/*.c; do
		[ -e "$f" ] || continue
		# shellcheck disable=SC2086
		clang-tidy --quiet -warnings-as-errors='*' \
			-checks='-*,clang-analyzer-*,-clang-analyzer-security.insecureAPI.*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-bugprone-narrowing-conversions,-bugprone-assignment-in-if-condition' \
			"$f" -- $flags 2>/dev/null || fail "clang-tidy $f"
	done
fi
exit $status
