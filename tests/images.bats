#!/usr/bin/env bats
# images.bats - `udockerc images [-l]`: the image list.

load helpers/common

@test "images: an empty repository lists only the REPOSITORY header" {
	run --separate-stderr udc images
	assert_success
	assert_equal "$(count_lines "$output")" 1
	assert_line --index 0 --regexp '^REPOSITORY'
}

@test "images: an imported image is listed as name:tag with the '.' protection flag" {
	import_busybox bb:1.0
	run --separate-stderr udc images
	assert_success
	assert_line --index 0 --regexp '^REPOSITORY'
	assert_line --index 1 --regexp '^bb:1\.0[[:space:]]+\.[[:space:]]*$'
	assert_equal "$(count_lines "$output")" 2
}

@test "images: every image gets exactly one line" {
	import_busybox bb:1.0
	import_busybox other/name:2
	import_busybox third
	run --separate-stderr udc images
	assert_success
	assert_equal "$(count_lines "$output")" 4
	assert_line --regexp '^bb:1\.0[[:space:]]'
	assert_line --regexp '^other/name:2[[:space:]]'
	assert_line --regexp '^third:latest[[:space:]]'
}

@test "images: -l adds one line per layer with its size" {
	import_busybox bb:1.0
	run --separate-stderr udc images -l
	assert_success
	assert_line --index 1 --regexp '^bb:1\.0[[:space:]]'
	# one image with one layer: header, image, layer
	assert_equal "$(count_lines "$output")" 3
	assert_line --index 2 --regexp '[0-9]'
}

@test "images: a removed image is no longer listed" {
	import_busybox bb:1.0
	import_busybox bb:2.0
	run --separate-stderr udc rmi bb:1.0
	assert_success
	run --separate-stderr udc images
	assert_success
	refute_line --regexp '^bb:1\.0[[:space:]]'
	assert_line --regexp '^bb:2\.0[[:space:]]'
}

@test "images: listing does not change the repository" {
	import_busybox bb:1.0
	repo_snapshot
	run --separate-stderr udc images -l
	assert_success
	assert_repo_unchanged
}
