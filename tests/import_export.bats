#!/usr/bin/env bats
# import_export.bats - `import` (file, stdin, compressed, --mv, --tocontainer, --clone) and
# `export` (-o, stdout, --clone).

load helpers/common

@test "import: a tarball becomes the image name:tag" {
	import_busybox bb:1.0
	run --separate-stderr udc images
	assert_line --regexp '^bb:1\.0[[:space:]]'
}

@test "import: the layer is stored byte for byte as layers/<sha256 of the tarball>" {
	import_busybox bb:1.0
	local hex
	hex=$(layer_hex "$BUSYBOX_TAR")
	[ -f "$UDOCKERC_DIR/layers/$hex" ] || fail "no layers/$hex: $(ls "$UDOCKERC_DIR/layers")"
	cmp "$BUSYBOX_TAR" "$UDOCKERC_DIR/layers/$hex"
}

@test "import: the tag defaults to latest" {
	import_busybox bb
	run --separate-stderr udc images
	assert_line --regexp '^bb:latest[[:space:]]'
}

@test "import: - reads the tarball from stdin" {
	need_busybox
	run --separate-stderr udc import - stdin:1 <"$BUSYBOX_TAR"
	assert_success
	run --separate-stderr udc images
	assert_line --regexp '^stdin:1[[:space:]]'
	[ -f "$UDOCKERC_DIR/layers/$(layer_hex "$BUSYBOX_TAR")" ]
}

@test "import: - from stdin defaults the tag to latest" {
	need_busybox
	run --separate-stderr udc import - frompipe <"$BUSYBOX_TAR"
	assert_success
	run --separate-stderr udc images
	assert_line --regexp '^frompipe:latest[[:space:]]'
}

@test "import: a gzip-compressed tarball is accepted and unpacks" {
	need_busybox
	gzip -c "$BUSYBOX_TAR" >bb.tar.gz
	run --separate-stderr udc import bb.tar.gz gz:1
	assert_success
	run --separate-stderr udc -q create gz:1
	assert_success
	local root
	root=$(container_root "$output")
	cmp "$root/etc/os-release" <(tar -xOf "$BUSYBOX_TAR" etc/os-release)
}

@test "import: a zstd-compressed tarball is accepted and unpacks" {
	need_busybox
	zstd -q -c "$BUSYBOX_TAR" >bb.tar.zst
	run --separate-stderr udc import bb.tar.zst zst:1
	assert_success
	run --separate-stderr udc -q create zst:1
	assert_success
	local root
	root=$(container_root "$output")
	[ -x "$root/bin/busybox" ]
}

@test "import: entries named ./x (tar -C dir .) unpack like x" {
	mkdir -p tree/etc
	echo dot-slash >tree/etc/marker
	tar --numeric-owner -C tree -cf dot.tar .
	run --separate-stderr udc import dot.tar dot:1
	assert_success
	run --separate-stderr udc -q create dot:1
	assert_success
	local root
	root=$(container_root "$output")
	assert_equal "$(cat "$root/etc/marker")" dot-slash
}

@test "import: the same tarball under two tags stores its layer once" {
	import_busybox bb:1.0
	import_busybox bb:2.0
	run ls "$UDOCKERC_DIR/layers"
	assert_output "$(layer_hex "$BUSYBOX_TAR")"
}

@test "import: --mv moves the tarball into the repository" {
	need_busybox
	cp "$BUSYBOX_TAR" mine.tar
	local hex
	hex=$(layer_hex mine.tar)
	run --separate-stderr udc import --mv mine.tar moved:1
	assert_success
	[ ! -e mine.tar ] || fail "mine.tar is still there after import --mv"
	[ "$(layer_hex "$UDOCKERC_DIR/layers/$hex")" = "$hex" ]
	run --separate-stderr udc images
	assert_line --regexp '^moved:1[[:space:]]'
}

@test "import: without --mv the tarball is left in place" {
	need_busybox
	cp "$BUSYBOX_TAR" mine.tar
	run --separate-stderr udc import mine.tar kept:1
	assert_success
	cmp mine.tar "$BUSYBOX_TAR"
}

@test "import: writing to the source tarball later does not change the stored layer" {
	need_busybox
	cp "$BUSYBOX_TAR" mine.tar
	chmod u+w mine.tar # the cached fixture is read-only, and so is a copy made by its owner
	local hex
	hex=$(layer_hex mine.tar)
	run --separate-stderr udc import mine.tar kept:1
	assert_success
	echo garbage >>mine.tar # in place: a hard link would share this write
	[ "$(layer_hex "$UDOCKERC_DIR/layers/$hex")" = "$hex" ]
	run --separate-stderr udc verify kept:1
	assert_success
}

@test "import: --tocontainer prints the id of a new container holding the rootfs" {
	need_busybox
	run --separate-stderr udc import --tocontainer "$BUSYBOX_TAR"
	assert_success
	local id
	id=$(printf '%s\n' "$output" | tail -n 1)
	[[ $id =~ $UUID_RE ]] || fail "import --tocontainer printed '$output', not a container id"
	run --separate-stderr udc ps
	assert_line --regexp "^$id[[:space:]]"
	local root
	root=$(container_root "$id")
	cmp "$root/bin/busybox" <(tar -xOf "$BUSYBOX_TAR" bin/busybox)
}

@test "import: --tocontainer --name=N names the new container" {
	need_busybox
	run --separate-stderr udc import --tocontainer --name=fromtar "$BUSYBOX_TAR"
	assert_success
	run --separate-stderr udc ps
	assert_line --regexp "\['fromtar'\]"
	container_root fromtar >/dev/null
}

@test "export: -o writes the container's files as a tar" {
	create_busybox work
	run --separate-stderr udc export -o out.tar work
	assert_success
	[ -s out.tar ]
	tar -tf out.tar | norm_names >got
	tar -tf "$BUSYBOX_TAR" | norm_names >want
	run comm -13 got want
	assert_output ''          # every file of the image is in the export
	cmp <(tar -xOf out.tar bin/busybox 2>/dev/null || tar -xOf out.tar ./bin/busybox) \
		<(tar -xOf "$BUSYBOX_TAR" bin/busybox)
}

@test "export: - writes the tar on stdout" {
	create_busybox work
	udc export - work >out.tar
	tar -tf out.tar | norm_names >got
	grep -qx 'etc/os-release' got || fail "no etc/os-release in the export: $(head got)"
}

@test "export: a file written into the container is in the export" {
	create_busybox work
	local root
	root=$(container_root work)
	echo "written in the container" >"$root/root/note"
	run --separate-stderr udc export -o out.tar work
	assert_success
	run bash -c 'tar -xOf out.tar root/note 2>/dev/null || tar -xOf out.tar ./root/note'
	assert_output "written in the container"
}

@test "export: the export imports again as an image with the same files" {
	create_busybox work
	run --separate-stderr udc export -o out.tar work
	assert_success
	run --separate-stderr udc import out.tar again:1
	assert_success
	run --separate-stderr udc -q create again:1
	assert_success
	local r1 r2
	r1=$(container_root work)
	r2=$(container_root "$output")
	diff <(cd "$r1" && find . | LC_ALL=C sort) <(cd "$r2" && find . | LC_ALL=C sort)
	cmp "$r1/bin/busybox" "$r2/bin/busybox"
}

@test "export: --clone and import --clone restore the container with its changes" {
	create_busybox work
	local root
	root=$(container_root work)
	echo "clone me" >"$root/root/note"
	run --separate-stderr udc export --clone -o clone.tar work
	assert_success
	[ -s clone.tar ]
	export UDOCKERC_DIR=$BATS_TEST_TMPDIR/other-repo
	run --separate-stderr udc import --clone clone.tar
	assert_success
	run --separate-stderr udc ps
	assert_equal "$(count_lines "$output")" 2
	local id
	id=$(printf '%s\n' "$output" | tail -n 1 | awk '{ print $1 }')
	[[ $id =~ $UUID_RE ]] || fail "ps row does not start with an id: $output"
	root=$(container_root "$id")
	assert_equal "$(cat "$root/root/note")" "clone me"
	[ -x "$root/bin/busybox" ]
}
