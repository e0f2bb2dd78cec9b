#!/usr/bin/env bats
# create.bats - `udockerc create [--name=N] [--force] IMAGE`.

load helpers/common

@test "create: -q prints only the container id" {
	import_busybox bb:1.0
	run --separate-stderr udc -q create bb:1.0
	assert_success
	assert_equal "$(count_lines "$output")" 1
	[[ $output =~ $UUID_RE ]] || fail "not a container id: '$output'"
}

@test "create: the new container is listed by ps with its image" {
	create_busybox
	run --separate-stderr udc ps
	assert_success
	assert_line --regexp "^$CID[[:space:]].*[[:space:]]bb:1\.0[[:space:]]*$"
}

@test "create: the container root holds the unpacked image" {
	create_busybox
	local root
	root=$(container_root "$CID")
	cmp "$root/bin/busybox" <(tar -xOf "$BUSYBOX_TAR" bin/busybox)
	cmp "$root/etc/os-release" <(tar -xOf "$BUSYBOX_TAR" etc/os-release)
	assert_equal "$(readlink "$root/bin/sh")" busybox
	assert_equal "$(stat -c %a "$root/tmp")" 1777
}

@test "create: every file of the image is in the container root" {
	create_busybox
	local root
	root=$(container_root "$CID")
	tar -tf "$BUSYBOX_TAR" | norm_names >want
	(cd "$root" && find . -mindepth 1 | norm_names) >got
	diff want got
}

@test "create: the container lives in containers/<id>/ROOT with containers/<id>/container.json" {
	create_busybox
	[ -d "$UDOCKERC_DIR/containers/$CID/ROOT" ]
	[ -f "$UDOCKERC_DIR/containers/$CID/container.json" ]
	assert_json "$(cat "$UDOCKERC_DIR/containers/$CID/container.json")"
	[ -x "$UDOCKERC_DIR/containers/$CID/ROOT/bin/busybox" ]
}

@test "create: two creates of one image give two containers" {
	create_busybox
	local first=$CID
	create_busybox
	[ "$first" != "$CID" ] || fail "both creates returned $CID"
	run --separate-stderr udc ps
	assert_equal "$(count_lines "$output")" 3
}

@test "create: --name=N names the container" {
	create_busybox work
	run --separate-stderr udc ps
	assert_line --regexp "^$CID[[:space:]].*\['work'\]"
	assert_equal "$(container_root work)" "$(container_root "$CID")"
}

@test "create: --name N (separate value) names the container" {
	import_busybox bb:1.0
	run --separate-stderr udc -q create --name work2 bb:1.0
	assert_success
	[[ $output =~ $UUID_RE ]] || fail "not a container id: '$output'"
	run --separate-stderr udc ps
	assert_line --regexp "\['work2'\]"
}

@test "create: --force creates the container when the name is taken and leaves the name (udocker)" {
	create_busybox work
	local old=$CID
	run --separate-stderr udc create --force --name=work bb:1.0
	assert_success
	local new=$output
	[[ $new =~ $UUID_RE ]] || fail "not a container id: '$new'"
	[ "$new" != "$old" ]
	[[ $stderr == *"work"* ]] || fail "no warning naming the taken name: '$stderr'"
	run --separate-stderr udc inspect -p work
	assert_success
	assert_output --partial "$old"
	run --separate-stderr udc inspect -p "$new"
	assert_success
}

@test "create: an image given without a tag means :latest" {
	import_busybox bb
	run --separate-stderr udc -q create bb
	assert_success
	[[ $output =~ $UUID_RE ]]
	run --separate-stderr udc ps
	assert_line --regexp "[[:space:]]bb:latest[[:space:]]*$"
}

@test "create: the image and its layer are left unchanged" {
	import_busybox bb:1.0
	local hex
	hex=$(layer_hex "$BUSYBOX_TAR")
	run --separate-stderr udc -q create bb:1.0
	assert_success
	cmp "$BUSYBOX_TAR" "$UDOCKERC_DIR/layers/$hex"
	run --separate-stderr udc verify bb:1.0
	assert_success
}

@test "create: the staging area tmp/ is empty afterwards" {
	create_busybox
	assert_tmp_empty
}
