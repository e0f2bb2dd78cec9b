#!/bin/bash
# run-all.sh - run every test of udockerc and print one summary line (the last line).
#
# Usage: tests/run-all.sh [all|unit|e2e]     (make check, make check-unit, make check-e2e)
#   unit: every build-san/tests/test_* binary (TAP)
#   e2e:  installs the sanitized CLI into a temporary prefix (first on PATH), builds the
#         fixtures (cached in /var/tmp/udockerc-fixtures), runs tests/*.bats as the current
#         user and, when root, again as an unprivileged user (uid/gid 65534). The per-mode
#         suites (MODE_SUITES: the engine suite and the run suites) run once per execution
#         mode of ENGINE_MODES, with ENGINE_MODE set.
# Every TAP stream is kept and summed by tests/tap-summary. Exit status: 0 when nothing failed.
# Environment: BUILD (default build-san), BATS_ARGS (extra bats options, e.g. "-f create"),
#   SUITES (suite names to run instead of all, e.g. "run engine"),
#   ENGINE_MODES (default "P1 P2 F1": the modes the per-mode suites run in),
#   MODE_SUITES (default "engine run run_config run_stress run_cli": the per-mode suites),
#   KEEP_TEST_DIR=1 keeps the temporary directory for a post-mortem.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
what=${1:-all}
case $what in all | unit | e2e) ;; *)
	echo "usage: tests/run-all.sh [all|unit|e2e]" >&2
	exit 2
	;;
esac
BUILD=${BUILD:-build-san}
ENGINE_MODES=${ENGINE_MODES:-P1 P2 F1}
MODE_SUITES=${MODE_SUITES:-engine run run_config run_stress run_cli}
export LC_ALL=C.UTF-8

# Sanitizers: leaks are errors; the first error stops the process with a distinctive status.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=86:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:detect_invalid_pointer_pairs=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export LSAN_OPTIONS="exitcode=88${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

work=$(mktemp -d "${TMPDIR:-/tmp}/udockerc-check.XXXXXX") || exit 1
chmod 0755 "$work"
tapdir=$work/tap
mkdir -p "$tapdir"

cleanup() {
	if [ -n "${KEEP_TEST_DIR:-}" ]; then
		echo "run-all: kept $work" >&2
		return
	fi
	if [ "$(id -u)" -eq 0 ]; then
		# A test that died before its teardown may leave a mount (errors.bats' small tmpfs).
		findmnt -rn -o TARGET | grep -F "$work/" | sort -r | xargs -r -d '\n' umount -l 2>/dev/null
	fi
	chmod -R u+rwX "$work" 2>/dev/null
	rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# tap_fail NAME REASON: record a failure that happened outside any TAP producer.
tap_fail() {
	printf 'not ok 1 - %s: %s\n1..1\n' "$1" "$2" >"$tapdir/$1.tap"
	echo "run-all: FAIL $1: $2" >&2
}

run_unit() {
	local bin name rc found=0
	mkdir -p "$work/unit"
	for bin in "$src/$BUILD"/tests/test_*; do
		[ -f "$bin" ] && [ -x "$bin" ] || continue
		found=1
		name=$(basename "$bin")
		echo "# unit: $name" >&2
		mkdir -p "$work/unit/$name"
		(cd "$work/unit/$name" && TMPDIR=$work/unit/$name timeout -k 10 1800 "$bin") \
			>"$tapdir/unit-$name.tap" 2>"$work/unit/$name.err"
		rc=$?
		echo "# exit status $rc" >>"$tapdir/unit-$name.tap"
		sed 's/^/  /' "$tapdir/unit-$name.tap" >&2
		if [ "$rc" -ne 0 ] && [ -s "$work/unit/$name.err" ]; then
			sed 's/^/  stderr: /' "$work/unit/$name.err" | head -n 200 >&2
		fi
	done
	[ "$found" = 1 ] || echo "# unit: no test binaries in $src/$BUILD/tests" >&2
}

# run_bats TAG RUNNER... -- SUITE...: bats on SUITEs as whoever RUNNER makes us, TAP into
# TAG.tap.
run_bats() {
	local tag=$1
	shift
	local -a runner=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		runner+=("$1")
		shift
	done
	shift
	echo "# e2e ($tag): $# suites" >&2
	# shellcheck disable=SC2086
	"${runner[@]}" bats --tap ${BATS_ARGS:-} "$@" </dev/null 2>"$work/bats-$tag.err" |
		tee "$tapdir/e2e-$tag.tap" | sed 's/^/  /' >&2
	local rc=${PIPESTATUS[0]}
	echo "# exit status $rc" >>"$tapdir/e2e-$tag.tap"
	if [ -s "$work/bats-$tag.err" ]; then
		sed 's/^/  bats stderr: /' "$work/bats-$tag.err" | head -n 100 >&2
	fi
}

# run_suites TAG DIR RUNNER...: every suite of DIR (RUNNER ends with env: NAME=VALUE words
# can follow it); the suites of MODE_SUITES once per mode of ENGINE_MODES, as TAG-MODE.
run_suites() {
	local tag=$1 dir=$2 f m
	shift 2
	local -a suites=() moded=() all=()
	if [ -n "${SUITES:-}" ]; then
		for f in $SUITES; do all+=("$dir/$f.bats"); done
	else
		all=("$dir"/*.bats)
	fi
	for f in "${all[@]}"; do
		[ -e "$f" ] || continue
		f=${f##*/}
		if [[ " $MODE_SUITES " == *" ${f%.bats} "* ]]; then
			moded+=("$dir/$f")
		else
			suites+=("$dir/$f")
		fi
	done
	if [ ${#suites[@]} -gt 0 ]; then
		run_bats "$tag" "$@" -- "${suites[@]}"
	elif [ ${#moded[@]} -eq 0 ]; then
		echo "# e2e: no suites in $dir" >&2
	fi
	[ ${#moded[@]} -gt 0 ] || return 0
	for m in $ENGINE_MODES; do
		run_bats "$tag-$m" "$@" ENGINE_MODE="$m" -- "${moded[@]}"
	done
}

# fixture VAR SCRIPT [ARG...]: VAR=the tarball SCRIPT prints, or VAR= and VAR_ERROR=its last
# line of stderr (the suites that need it fail with that reason; the others run).
fixture() {
	local var=$1 script=$2 err path
	shift 2
	if path=$("$script" "$@" 2>"$work/$var.err"); then
		export "$var=$path" "${var}_ERROR="
	else
		err=$(tail -n 1 "$work/$var.err")
		export "$var=" "${var}_ERROR=${err:-$(basename "$script") $* failed}"
	fi
}

run_e2e() {
	local inst=$work/inst
	if ! make -C "$src" --no-print-directory install PREFIX="$inst" BUILD="$BUILD" \
		>"$work/install.log" 2>&1; then
		sed 's/^/  /' "$work/install.log" >&2
		tap_fail install "make install PREFIX=$inst BUILD=$BUILD failed"
		return
	fi
	# The suites' test tools (the nons sandbox) of the same build, found in $BUILD/tests/.
	if ! make -C "$src" --no-print-directory tools BUILD="$BUILD" >"$work/tools.log" 2>&1; then
		sed 's/^/  /' "$work/tools.log" >&2
		tap_fail tools "make tools BUILD=$BUILD failed"
		return
	fi
	chmod -R a+rX "$inst"
	export PATH="$inst/bin:$PATH" UDOCKERC_BUILD=$BUILD

	# Fixtures (cached); a fixture that cannot be built is a failure, not a skip.
	# The Debian ones are built as root (debootstrap); anyone else uses the cache.
	if ! BUSYBOX_TAR=$("$here/fixtures/busybox.sh" 2>"$work/busybox.err"); then
		tap_fail fixture-busybox "$(tail -n 1 "$work/busybox.err")"
		return
	fi
	export BUSYBOX_TAR
	# the dynamic busybox image: what the per-mode suites run under the F modes
	fixture BUSYBOX_DYN_TAR "$here/fixtures/busybox.sh" dynamic
	fixture DEBIAN_TAR "$here/fixtures/debootstrap.sh" bookworm
	fixture TRIXIE_TAR "$here/fixtures/debootstrap.sh" trixie
	fixture BULLSEYE_TAR "$here/fixtures/debootstrap.sh" bullseye
	fixture MUSL_TAR "$here/fixtures/musl.sh"

	local me
	me=$(id -un 2>/dev/null || id -u)
	mkdir -p "$work/tmp-$me"
	TMPDIR=$work/tmp-$me BATS_TMPDIR=$work/tmp-$me run_suites "$me" "$here" env

	[ "$(id -u)" -eq 0 ] || return 0
	# Again as an unprivileged user, with a private HOME and TMPDIR and a clean environment.
	local uid=65534 gid=65534 uhome=$work/unpriv tests_dir=$here
	mkdir -p "$uhome/tmp"
	chown -R "$uid:$gid" "$uhome"
	chmod 0700 "$uhome"
	if ! setpriv --reuid=$uid --regid=$gid --clear-groups \
		test -r "$here/helpers/common.bash" -a -r "$src/Makefile" 2>/dev/null; then
		# The tree is not readable by that user: run a copy (without .git).
		mkdir -p "$work/src"
		tar -C "$src" --exclude=./.git -cf - . | tar -C "$work/src" -xf -
		chmod -R a+rX "$work/src"
		tests_dir=$work/src/tests
	fi
	(cd "$uhome" && run_suites unprivileged "$tests_dir" \
		setpriv --reuid=$uid --regid=$gid --clear-groups --inh-caps=-all \
		env -i PATH="$PATH" HOME="$uhome" TMPDIR="$uhome/tmp" BATS_TMPDIR="$uhome/tmp" \
		LANG=C.UTF-8 LC_ALL=C.UTF-8 CI="${CI:-}" \
		ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS" LSAN_OPTIONS="$LSAN_OPTIONS" \
		BUSYBOX_TAR="$BUSYBOX_TAR" BUSYBOX_DYN_TAR="$BUSYBOX_DYN_TAR" \
		BUSYBOX_DYN_TAR_ERROR="$BUSYBOX_DYN_TAR_ERROR" \
		DEBIAN_TAR="$DEBIAN_TAR" DEBIAN_TAR_ERROR="$DEBIAN_TAR_ERROR" \
		TRIXIE_TAR="$TRIXIE_TAR" TRIXIE_TAR_ERROR="$TRIXIE_TAR_ERROR" \
		BULLSEYE_TAR="$BULLSEYE_TAR" BULLSEYE_TAR_ERROR="$BULLSEYE_TAR_ERROR" \
		MUSL_TAR="$MUSL_TAR" MUSL_TAR_ERROR="$MUSL_TAR_ERROR" \
		UDOCKERC_BUILD="$BUILD")
}

case $what in
all) run_unit; run_e2e ;;
unit) run_unit ;;
e2e) run_e2e ;;
esac

shopt -s nullglob
taps=("$tapdir"/*.tap)
if [ ${#taps[@]} -eq 0 ]; then
	echo "0 passed, 0 failed, 0 skipped"
	exit 0
fi
"$here/tap-summary" "${taps[@]}"
