# setup_suite.bash - runs once per bats invocation: locate (or build, cached) the fixtures.
# run-all.sh builds them beforehand and exports the paths; a direct `bats tests/x.bats`
# builds them here. A Debian fixture that cannot be built (non-root, no cache) does not stop
# the other suites: debian.bats fails with the reason.
# shellcheck shell=bash

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
	if [ -z "${DEBIAN_TAR:-}" ]; then
		local err
		if DEBIAN_TAR=$("$dir/fixtures/debootstrap.sh" 2>"$BATS_SUITE_TMPDIR/debootstrap.err"); then
			export DEBIAN_TAR
		else
			err=$(tail -n 1 "$BATS_SUITE_TMPDIR/debootstrap.err")
			export DEBIAN_TAR= DEBIAN_TAR_ERROR="${err:-tests/fixtures/debootstrap.sh failed}"
		fi
	fi
}
