#!/usr/bin/env bats
# names.bats - `udockerc name ID alias`, `rmname alias`, `rename alias new`.

load helpers/common

@test "name: gives a container an alias that commands accept" {
	create_busybox
	run --separate-stderr udc name "$CID" alias1
	assert_success
	run --separate-stderr udc ps
	assert_line --regexp "^$CID[[:space:]].*\['alias1'\]"
	assert_equal "$(container_root alias1)" "$(container_root "$CID")"
}

@test "name: names/<alias> is a symlink to the container" {
	create_busybox
	udc name "$CID" alias1
	[ -L "$UDOCKERC_DIR/names/alias1" ] || fail "names/alias1 is not a symlink"
	[ "$(readlink -f "$UDOCKERC_DIR/names/alias1")" = "$(readlink -f "$UDOCKERC_DIR/containers/$CID")" ]
}

@test "name: a container can carry two names" {
	create_busybox first
	run --separate-stderr udc name first second
	assert_success
	run --separate-stderr udc ps
	assert_line --regexp "^$CID[[:space:]].*'first'.*'second'|^$CID[[:space:]].*'second'.*'first'"
}

@test "name: a name taken by another container is refused" {
	create_busybox taken
	create_busybox
	repo_snapshot
	run --separate-stderr udc name "$CID" taken
	assert_error_unchanged taken
}

@test "name: a name with a slash is refused" {
	create_busybox
	repo_snapshot
	run --separate-stderr udc name "$CID" ../escape
	assert_error_unchanged ../escape
	[ ! -e "$UDOCKERC_DIR/escape" ]
}

@test "rmname: removes the alias and keeps the container" {
	create_busybox work
	run --separate-stderr udc rmname work
	assert_success
	[ ! -L "$UDOCKERC_DIR/names/work" ]
	run --separate-stderr udc ps
	assert_line --regexp "^$CID[[:space:]]"
	refute_line --regexp "'work'"
	[ -d "$(container_root "$CID")" ]
}

@test "rmname: an unknown name is an error" {
	create_busybox work
	repo_snapshot
	run --separate-stderr udc rmname nosuchname
	assert_error_unchanged nosuchname
}

@test "rename: the old name goes, the new one points to the same container" {
	create_busybox old
	run --separate-stderr udc rename old new
	assert_success
	run --separate-stderr udc ps
	assert_line --regexp "^$CID[[:space:]].*\['new'\]"
	refute_line --regexp "'old'"
	assert_equal "$(container_root new)" "$(container_root "$CID")"
}

@test "rename: to a name another container has is refused and changes nothing" {
	create_busybox one
	create_busybox two
	repo_snapshot
	run --separate-stderr udc rename one two
	assert_error_unchanged two
}
