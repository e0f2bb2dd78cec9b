#!/usr/bin/env bats
# install.bats - `make install PREFIX=...` gives a relocatable installation.

load helpers/common

# src_tree: a source tree this user may build in: the real one when writable, else a copy
# (without .git) in this test's directory; sets SRC.
src_tree() {
	[ -f "$SRC_DIR/Makefile" ] || skip "no source tree next to the tests ($SRC_DIR)"
	if [ -w "$SRC_DIR" ] && [ -w "$SRC_DIR/${UDOCKERC_BUILD:-build-san}" ]; then
		SRC=$SRC_DIR
	else
		SRC=$BATS_TEST_TMPDIR/src
		mkdir -p "$SRC"
		tar -C "$SRC_DIR" --exclude=./.git --exclude=./build -cf - . | tar -C "$SRC" -xf -
	fi
}

# make_install PREFIX [VAR=value...]: make install from the tree the tests were built from.
make_install() {
	local prefix=$1
	shift
	run make -C "$SRC" --no-print-directory install PREFIX="$prefix" \
		BUILD="${UDOCKERC_BUILD:-build-san}" "$@"
	assert_success
}

@test "install: puts an executable udockerc in PREFIX/bin" {
	src_tree
	make_install "$BATS_TEST_TMPDIR/a"
	[ -x "$BATS_TEST_TMPDIR/a/bin/udockerc" ]
	assert_equal "$(stat -c %a "$BATS_TEST_TMPDIR/a/bin/udockerc")" 755
	run --separate-stderr "$BATS_TEST_TMPDIR/a/bin/udockerc" version
	assert_success
}

@test "install: the installation still works after its prefix is moved" {
	src_tree
	make_install "$BATS_TEST_TMPDIR/a"
	mv "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/moved"
	[ ! -e "$BATS_TEST_TMPDIR/a" ]
	UDOCKERC=$BATS_TEST_TMPDIR/moved/bin/udockerc
	run --separate-stderr udc version
	assert_success
	import_busybox bb:1.0
	run --separate-stderr udc -q create bb:1.0
	assert_success
	[ -x "$(container_root "$output")/bin/busybox" ]
}

@test "install: DESTDIR stages the installation under DESTDIR/PREFIX" {
	src_tree
	make_install /opt/udockerc-test DESTDIR="$BATS_TEST_TMPDIR/stage"
	[ -x "$BATS_TEST_TMPDIR/stage/opt/udockerc-test/bin/udockerc" ]
	[ ! -e /opt/udockerc-test ] || fail "make install wrote outside DESTDIR"
}

@test "install: the binary starts on talloc, jansson and libc; libcurl, libarchive, libcrypto load on use" {
	local bin
	need_busybox
	bin=$(command -v "${UDOCKERC:-udockerc}")
	run readelf -d "$bin"
	assert_success
	refute_output --partial libcurl
	refute_output --partial libarchive
	refute_output --partial libcrypto
	# and what needs them still works: an import (libarchive, libcrypto) and an export
	udc -q import "$BUSYBOX_TAR" lazy:1 >/dev/null
	run udc verify lazy:1
	assert_success
}
