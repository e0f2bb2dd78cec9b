#!/usr/bin/env bats
# inspect_verify.bats - `udockerc inspect [-p]` of images and containers, `udockerc verify`.

load helpers/common

# own_copy FILE: replace FILE by a private writable copy, so that damaging it cannot reach
# whatever it may be hard-linked to (import links the tarball when it can: the fixture).
own_copy() {
	cp "$1" "$1.own"
	chmod u+w "$1.own"
	mv -f "$1.own" "$1"
}

@test "inspect: an image prints its config as JSON" {
	import_busybox bb:1.0
	run --separate-stderr udc inspect bb:1.0
	assert_success
	assert_json "$output"
}

@test "inspect: a container prints its record as JSON naming its image" {
	create_busybox work
	run --separate-stderr udc inspect work
	assert_success
	assert_json "$output"
	assert_output --partial bb:1.0
}

@test "inspect: a container can be given by id" {
	create_busybox
	run --separate-stderr udc inspect "$CID"
	assert_success
	assert_json "$output"
}

@test "inspect: -p prints the container's root directory, holding its files" {
	create_busybox work
	run --separate-stderr udc inspect -p work
	assert_success
	assert_equal "$(count_lines "$output")" 1
	[ -d "$output" ]
	[ -x "$output/bin/busybox" ]
	assert_equal "$(readlink -f "$output")" "$(readlink -f "$UDOCKERC_DIR/containers/$CID/ROOT")"
}

@test "inspect: does not change the repository" {
	create_busybox work
	repo_snapshot
	udc inspect work >/dev/null
	udc inspect -p work >/dev/null
	udc inspect bb:1.0 >/dev/null
	assert_repo_unchanged
}

@test "verify: an intact image passes" {
	import_busybox bb:1.0
	run --separate-stderr udc verify bb:1.0
	assert_success
}

@test "verify: a corrupted layer fails and names the layer" {
	import_busybox bb:1.0
	local hex layer
	hex=$(layer_hex "$BUSYBOX_TAR")
	layer=$UDOCKERC_DIR/layers/$hex
	own_copy "$layer"
	# flip one byte in the middle, same size
	printf 'X' | dd of="$layer" bs=1 seek=$(($(stat -c %s "$layer") / 2)) conv=notrunc status=none
	run --separate-stderr udc verify bb:1.0
	assert_failure 1
	[[ "$output$stderr" == *"$hex"* ]] || fail "verify does not name layer $hex: $output $stderr"
}

@test "verify: a truncated layer fails and names the layer" {
	import_busybox bb:1.0
	local hex layer
	hex=$(layer_hex "$BUSYBOX_TAR")
	layer=$UDOCKERC_DIR/layers/$hex
	own_copy "$layer"
	truncate -s 1000 "$layer"
	run --separate-stderr udc verify bb:1.0
	assert_failure 1
	[[ "$output$stderr" == *"$hex"* ]] || fail "verify does not name layer $hex: $output $stderr"
}

@test "verify: a missing layer fails and names the layer" {
	import_busybox bb:1.0
	local hex
	hex=$(layer_hex "$BUSYBOX_TAR")
	rm -f "$UDOCKERC_DIR/layers/$hex"
	run --separate-stderr udc verify bb:1.0
	assert_failure 1
	[[ "$output$stderr" == *"$hex"* ]] || fail "verify does not name layer $hex: $output $stderr"
}

@test "verify: an unknown image is an error naming it" {
	import_busybox bb:1.0
	repo_snapshot
	run --separate-stderr udc verify nosuch:1
	assert_error_unchanged nosuch:1
}
