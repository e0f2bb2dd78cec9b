#!/usr/bin/env bats
# tag_rmi.bats - `udockerc tag SRC DST` and `udockerc rmi [-f] IMAGE`.

load helpers/common

@test "tag: the new tag is listed beside the old one" {
	import_busybox bb:1.0
	run --separate-stderr udc tag bb:1.0 bb:latest
	assert_success
	run --separate-stderr udc images
	assert_line --regexp '^bb:1\.0[[:space:]]'
	assert_line --regexp '^bb:latest[[:space:]]'
}

@test "tag: both tags share the one layer" {
	import_busybox bb:1.0
	udc tag bb:1.0 copy:2
	run ls "$UDOCKERC_DIR/layers"
	assert_output "$(layer_hex "$BUSYBOX_TAR")"
}

@test "tag: a container can be created from the new tag" {
	import_busybox bb:1.0
	udc tag bb:1.0 other/name:x
	run --separate-stderr udc -q create other/name:x
	assert_success
	[ -x "$(container_root "$output")/bin/busybox" ]
}

@test "tag: an invalid new name is refused" {
	import_busybox bb:1.0
	repo_snapshot
	run --separate-stderr udc tag bb:1.0 'Bad Name!'
	assert_error_unchanged 'Bad Name!'
}

@test "tag: an unknown source image is an error" {
	import_busybox bb:1.0
	repo_snapshot
	run --separate-stderr udc tag nosuch:1 bb:2
	assert_error_unchanged nosuch:1
}

@test "rmi: removes the tag and keeps the other tags of the layer" {
	import_busybox bb:1.0
	udc tag bb:1.0 bb:2.0
	run --separate-stderr udc rmi bb:1.0
	assert_success
	run --separate-stderr udc images
	refute_line --regexp '^bb:1\.0[[:space:]]'
	assert_line --regexp '^bb:2\.0[[:space:]]'
	[ -f "$UDOCKERC_DIR/layers/$(layer_hex "$BUSYBOX_TAR")" ]
	run --separate-stderr udc verify bb:2.0
	assert_success
}

@test "rmi: removing the last image of a layer deletes the layer" {
	import_busybox bb:1.0
	run --separate-stderr udc rmi bb:1.0
	assert_success
	[ -z "$(ls -A "$UDOCKERC_DIR/layers")" ] || fail "left in layers/: $(ls -A "$UDOCKERC_DIR/layers")"
}

@test "rmi: -f removes an image" {
	import_busybox bb:1.0
	run --separate-stderr udc rmi -f bb:1.0
	assert_success
	run --separate-stderr udc images
	assert_equal "$(count_lines "$output")" 1
}

@test "rmi: an existing container keeps working after its image is removed" {
	create_busybox work
	run --separate-stderr udc rmi -f bb:1.0
	assert_success
	[ -x "$(container_root work)/bin/busybox" ]
	run --separate-stderr udc ps
	assert_line --regexp "^$CID[[:space:]]"
}

@test "rmi: an unknown image is an error" {
	import_busybox bb:1.0
	repo_snapshot
	run --separate-stderr udc rmi nosuch:1
	assert_error_unchanged nosuch:1
}
