#!/usr/bin/env bats
# cli_compat.bats - udocker's command-line grammar: general options, --help of every command,
# version, showconf, mkrepo, "--opt value" and "--opt=value", option scanning.

load helpers/common

COMMANDS="images import export create ps rm rmi tag inspect verify clone name rmname rename
	protect unprotect mkrepo showconf version help"

@test "version: prints the version number" {
	run --separate-stderr udc version
	assert_success
	assert_output --regexp '[0-9]+\.[0-9]+(\.[0-9]+)?'
}

@test "-V: prints the same version as the version command" {
	local want
	want=$(udc version | grep -Eo '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -n 1)
	run --separate-stderr udc -V
	assert_success
	assert_output --partial "$want"
	run --separate-stderr udc --version
	assert_success
	assert_output --partial "$want"
}

@test "-h: prints the general help listing every command" {
	run --separate-stderr udc -h
	assert_success
	local c
	for c in $COMMANDS; do
		assert_output --partial "$c"
	done
	run --separate-stderr udc --help
	assert_success
	assert_output --partial import
}

@test "help: the help command lists the commands" {
	run --separate-stderr udc help
	assert_success
	assert_output --partial create
	assert_output --partial images
}

@test "--help: every command prints its usage and exits 0" {
	local c bad=""
	for c in $COMMANDS; do
		run --separate-stderr udc "$c" --help
		if [ "$status" -ne 0 ] || [ -z "$output" ] || [[ $output != *"$c"* ]] || [ -n "$stderr" ]; then
			bad+="$c (status $status, stderr '$stderr'); "
		fi
	done
	[ -z "$bad" ] || fail "--help failed for: $bad"
}

@test "--help: a command's usage names its options" {
	run --separate-stderr udc create --help
	assert_success
	assert_output --partial --name
	assert_output --partial --force
	run --separate-stderr udc ps --help
	assert_output --partial -m
	assert_output --partial -s
}

@test "--help: prints help even with other arguments and changes nothing" {
	import_busybox bb:1.0
	repo_snapshot
	run --separate-stderr udc rmi --help bb:1.0
	assert_success
	assert_repo_unchanged
}

@test "general options: an unknown command is one error line naming it" {
	run --separate-stderr udc frobnicate
	assert_failure 1
	assert_one_error_line frobnicate
}

@test "general options: an unknown general option is one error line naming it" {
	run --separate-stderr udc --bogus-option images
	assert_failure 1
	assert_one_error_line --bogus-option
}

@test "general options: an unknown command option is one error line naming it" {
	run --separate-stderr udc images --bogus-option
	assert_failure 1
	assert_one_error_line --bogus-option
}

@test "general options: a command without its required argument is one error line" {
	run --separate-stderr udc create
	assert_failure 1
	assert_one_error_line
}

@test "general options: an option without its value is one error line naming it" {
	import_busybox bb:1.0
	repo_snapshot
	run --separate-stderr udc create --name
	assert_failure 1
	assert_one_error_line --name
	assert_repo_unchanged
}

@test "general options: --repo=DIR selects the repository" {
	import_busybox bb:1.0
	run --separate-stderr udc --repo="$BATS_TEST_TMPDIR/r2" import "$BUSYBOX_TAR" only:r2
	assert_success
	run --separate-stderr udc --repo="$BATS_TEST_TMPDIR/r2" images
	assert_line --regexp '^only:r2[[:space:]]'
	refute_line --regexp '^bb:1\.0[[:space:]]'
	run --separate-stderr udc images
	refute_line --regexp '^only:r2[[:space:]]'
}

@test "general options: --repo DIR (separate value) selects the repository" {
	need_busybox
	run --separate-stderr udc --repo "$BATS_TEST_TMPDIR/r2" import "$BUSYBOX_TAR" only:r2
	assert_success
	run --separate-stderr udc --repo "$BATS_TEST_TMPDIR/r2" images
	assert_line --regexp '^only:r2[[:space:]]'
	run --separate-stderr udc images
	refute_line --regexp '^only:r2[[:space:]]'
}

@test "general options: the repository defaults to \$HOME/.udockerc without UDOCKERC_DIR" {
	unset UDOCKERC_DIR
	import_busybox home:1
	[ -d "$HOME/.udockerc/layers" ] || fail "no $HOME/.udockerc/layers"
	[ -f "$HOME/.udockerc/layers/$(layer_hex "$BUSYBOX_TAR")" ]
}

@test "general options: UDOCKERC_DIR selects the repository" {
	import_busybox env:1
	[ -f "$UDOCKERC_DIR/layers/$(layer_hex "$BUSYBOX_TAR")" ]
	[ ! -e "$HOME/.udockerc" ] || fail "$HOME/.udockerc was created"
}

@test "general options: -q silences everything but errors" {
	need_busybox
	run --separate-stderr udc -q import "$BUSYBOX_TAR" quiet:1
	assert_success
	assert_equal "$stderr" ""
	run --separate-stderr udc --quiet rmi quiet:1
	assert_success
	assert_equal "$stderr" ""
}

@test "general options: -D still runs the command" {
	run --separate-stderr udc -D images
	assert_success
	assert_line --index 0 --regexp '^REPOSITORY'
	run --separate-stderr udc --debug images
	assert_success
}

@test "general options: --allow-root is accepted" {
	run --separate-stderr "${UDOCKERC:-udockerc}" --allow-root images
	assert_success
	assert_line --index 0 --regexp '^REPOSITORY'
}

@test "general options: after the command they are command arguments, not general options" {
	run --separate-stderr udc images -V
	assert_failure 1
	assert_one_error_line -V
}

@test "option scanning: stops at the first positional argument" {
	need_busybox
	cp "$BUSYBOX_TAR" mine.tar
	# "--mv" after the tarball is the image name, not the option: the file must stay
	run --separate-stderr udc import mine.tar --mv
	[ -f mine.tar ] || fail "import moved mine.tar: --mv after a positional was taken as an option"
	assert_failure 1
	assert_one_error_line --mv
}

@test "option scanning: an option after the image is not applied to create" {
	import_busybox bb:1.0
	run --separate-stderr udc create bb:1.0 --name=late
	assert_failure 1
	assert_one_error_line
	[ ! -e "$UDOCKERC_DIR/names/late" ] || fail "--name=late after the image was applied"
}

@test "showconf: prints the configuration with the repository directory" {
	run --separate-stderr udc showconf
	assert_success
	assert_output --partial "$UDOCKERC_DIR"
}

@test "showconf: --repo=DIR shows that directory" {
	run --separate-stderr udc --repo="$BATS_TEST_TMPDIR/elsewhere" showconf
	assert_success
	assert_output --partial "$BATS_TEST_TMPDIR/elsewhere"
}

@test "mkrepo: creates a usable repository in DIR" {
	run --separate-stderr udc mkrepo "$BATS_TEST_TMPDIR/newrepo"
	assert_success
	local d
	for d in layers images containers; do
		[ -d "$BATS_TEST_TMPDIR/newrepo/$d" ] || fail "mkrepo made no $d/"
	done
	need_busybox
	run --separate-stderr udc --repo="$BATS_TEST_TMPDIR/newrepo" import "$BUSYBOX_TAR" mk:1
	assert_success
	run --separate-stderr udc --repo="$BATS_TEST_TMPDIR/newrepo" images
	assert_line --regexp '^mk:1[[:space:]]'
	[ ! -e "$UDOCKERC_DIR/layers" ] || [ -z "$(ls -A "$UDOCKERC_DIR/layers")" ]
}

@test "mkrepo: on an existing repository keeps its content" {
	import_busybox bb:1.0
	run --separate-stderr udc mkrepo "$UDOCKERC_DIR"
	run --separate-stderr udc images
	assert_line --regexp '^bb:1\.0[[:space:]]'
	run --separate-stderr udc verify bb:1.0
	assert_success
}
