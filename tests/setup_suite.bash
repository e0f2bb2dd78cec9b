# setup_suite.bash - runs once per bats invocation: locate (or build, cached) the fixtures.
# run-all.sh builds them beforehand and exports the paths; a direct `bats tests/x.bats`
# builds them here. A fixture that cannot be built (non-root, no cache) does not stop the
# other suites: the tests that need it (need_debian, need_trixie, need_bullseye, need_musl) fail with the
# reason, kept in <VAR>_ERROR.
# shellcheck shell=bash

# locate_fixture VAR SCRIPT [ARG...]: VAR=the tarball SCRIPT prints, or VAR= and VAR_ERROR=
# its last line of stderr. Nothing happens when VAR is already set.
locate_fixture() {
	local var=$1 script=$2 err path
	shift 2
	[ -z "${!var:-}" ] || return 0
	if path=$("$script" "$@" 2>"$BATS_SUITE_TMPDIR/$var.err"); then
		export "$var=$path" "${var}_ERROR="
	else
		err=$(tail -n 1 "$BATS_SUITE_TMPDIR/$var.err")
		export "$var=" "${var}_ERROR=${err:-$(basename "$script") $* failed}"
	fi
}

setup_suite() {
	local dir
	dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	if [ -z "${BUSYBOX_TAR:-}" ]; then
		BUSYBOX_TAR=$("$dir/fixtures/busybox.sh") || {
			echo "setup_suite: tests/fixtures/busybox.sh failed" >&2
			return 1
		}
		export BUSYBOX_TAR
	fi
	locate_fixture DEBIAN_TAR "$dir/fixtures/debootstrap.sh" bookworm
	locate_fixture TRIXIE_TAR "$dir/fixtures/debootstrap.sh" trixie
	locate_fixture BULLSEYE_TAR "$dir/fixtures/debootstrap.sh" bullseye
	locate_fixture MUSL_TAR "$dir/fixtures/musl.sh"
}
