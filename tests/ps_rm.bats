#!/usr/bin/env bats
# ps_rm.bats - `udockerc ps [-m] [-s]` and `udockerc rm [-f] ID-OR-NAME...`.

load helpers/common

@test "ps: an empty repository lists only the header" {
	run --separate-stderr udc ps
	assert_success
	assert_equal "$(count_lines "$output")" 1
	assert_line --index 0 --regexp '^CONTAINER ID[[:space:]]+P[[:space:]]+M[[:space:]]+NAMES[[:space:]]+IMAGE'
}

@test "ps: a row shows the id, '.', W, the names and the image" {
	create_busybox work
	run --separate-stderr udc ps
	assert_success
	assert_line --index 1 --regexp "^$CID[[:space:]]+\.[[:space:]]+W[[:space:]]+\['work'\][[:space:]]+bb:1\.0[[:space:]]*$"
}

@test "ps: a protected container shows P" {
	create_busybox work
	run --separate-stderr udc protect work
	assert_success
	run --separate-stderr udc ps
	assert_line --index 1 --regexp "^$CID[[:space:]]+P[[:space:]]+W[[:space:]]"
}

@test "ps: -m adds the execution mode, P1 by default" {
	create_busybox work
	run --separate-stderr udc ps -m
	assert_success
	assert_line --index 1 --regexp "^$CID[[:space:]].*[[:space:]]P1[[:space:]]"
}

@test "ps: -s adds the size in MB" {
	create_busybox work
	run --separate-stderr udc ps -s
	assert_success
	assert_line --index 0 --regexp 'SIZE|MB'
	# the busybox root is about 2 MB: some number >= 1 appears in the row beyond the id
	local row=${lines[1]#"$CID"}
	[[ $row =~ (^|[[:space:]])[1-9][0-9]*(\.[0-9]+)?([[:space:]]|MB|$) ]] ||
		fail "no size in the row: ${lines[1]}"
}

@test "ps: lists every container once" {
	create_busybox a
	create_busybox b
	create_busybox c
	run --separate-stderr udc ps
	assert_equal "$(count_lines "$output")" 4
}

@test "rm: removes the container and its directory" {
	create_busybox
	run --separate-stderr udc rm "$CID"
	assert_success
	run --separate-stderr udc ps
	refute_line --regexp "^$CID"
	[ ! -e "$UDOCKERC_DIR/containers/$CID" ] || fail "containers/$CID is still there"
}

@test "rm: a container can be removed by name, and the name goes with it" {
	create_busybox work
	run --separate-stderr udc rm work
	assert_success
	[ ! -e "$UDOCKERC_DIR/containers/$CID" ]
	[ ! -L "$UDOCKERC_DIR/names/work" ] || fail "names/work is still there"
	run --separate-stderr udc inspect -p work
	assert_failure
}

@test "rm: several containers at once" {
	create_busybox a
	create_busybox b
	create_busybox c
	run --separate-stderr udc rm a b "$CID"
	assert_success
	run --separate-stderr udc ps
	assert_equal "$(count_lines "$output")" 1
}

@test "rm: a protected container is refused and kept" {
	create_busybox work
	udc protect work
	repo_snapshot
	run --separate-stderr udc rm work
	assert_error_unchanged work
	[ -d "$UDOCKERC_DIR/containers/$CID/ROOT" ]
}

@test "rm: unprotect makes the container removable again" {
	create_busybox work
	udc protect work
	run --separate-stderr udc unprotect work
	assert_success
	run --separate-stderr udc rm work
	assert_success
	[ ! -e "$UDOCKERC_DIR/containers/$CID" ]
}

@test "rm: -f removes a container" {
	create_busybox work
	run --separate-stderr udc rm -f work
	assert_success
	[ ! -e "$UDOCKERC_DIR/containers/$CID" ]
}

@test "rm: the image stays after its container is removed" {
	create_busybox work
	udc rm work
	run --separate-stderr udc images
	assert_line --regexp '^bb:1\.0[[:space:]]'
	run --separate-stderr udc verify bb:1.0
	assert_success
}

@test "rm: a container with read-only directories is removed completely" {
	mktar ro.tar <<-'T'
	d:0555 ro
	d:0555 ro/deeper
	f:0444 ro/deeper/file data
	d:0500 private
	f:0400 private/secret data
	T
	run --separate-stderr udc import --tocontainer --name=ro ro.tar
	assert_success
	local root
	root=$(container_root ro)
	[ -f "$root/ro/deeper/file" ]
	run --separate-stderr udc rm ro
	assert_success
	[ -z "$(ls -A "$UDOCKERC_DIR/containers")" ] ||
		fail "left in containers/: $(ls -A "$UDOCKERC_DIR/containers")"
	assert_tmp_empty
}
