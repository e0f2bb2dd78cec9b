#!/usr/bin/env bats
# unpack.bats - layer unpacking, seen through `import --tocontainer` / `create` + `inspect -p`:
# whiteouts, opaque directories, hard links, symlinks, replacements, refusal of escaping
# entries, and what an unprivileged user cannot create (setuid bits, device nodes).
# Multi-layer images cannot be imported yet: these are the single-layer cases.

load helpers/common

# UP: enough "../" to climb from any root to "/" (a relative path to a host file).
UP=../../../../../../../../../../../../../../../../../../../..

# unpack NAME < SPEC: build NAME.tar with mktar and import it as a container named NAME;
# sets ROOT to its root directory.
unpack() {
	mktar "$1.tar"
	run --separate-stderr udc import --tocontainer --name="$1" "$1.tar"
	assert_success
	ROOT=$(container_root "$1")
}

# assert_refused TARBALL: importing TARBALL into a container fails with one error line and
# leaves no image, no container and nothing in tmp/ (the escape checks are done by the test).
assert_refused() {
	udc images >/dev/null # the repository exists before the snapshot
	repo_snapshot
	run --separate-stderr udc import --tocontainer "$1"
	assert_error_unchanged
	run --separate-stderr udc ps
	assert_equal "$(count_lines "$output")" 1
}

@test "unpack: a whiteout at the top level is not extracted as a file" {
	unpack wh <<-'T'
	f keep k
	f .wh.gone
	T
	[ -f "$ROOT/keep" ]
	[ ! -e "$ROOT/.wh.gone" ] || fail ".wh.gone was extracted"
	[ ! -e "$ROOT/gone" ]
}

@test "unpack: a whiteout deep in the tree is not extracted as a file" {
	unpack whdeep <<-'T'
	d a
	d a/b
	d a/b/c
	f a/b/c/keep k
	f a/b/c/.wh.gone
	T
	[ -f "$ROOT/a/b/c/keep" ]
	[ ! -e "$ROOT/a/b/c/.wh.gone" ] || fail ".wh.gone was extracted"
}

@test "unpack: an opaque marker is not extracted and keeps the layer's own files" {
	unpack opq <<-'T'
	d dir
	f dir/.wh..wh..opq
	f dir/mine layer file
	d dir/sub
	f dir/sub/deeper x
	T
	[ -d "$ROOT/dir" ]
	[ ! -e "$ROOT/dir/.wh..wh..opq" ] || fail "the opaque marker was extracted"
	assert_equal "$(cat "$ROOT/dir/mine")" "layer file"
	[ -f "$ROOT/dir/sub/deeper" ]
}

@test "unpack: an opaque marker after the directory's files does not hide them" {
	unpack opqlate <<-'T'
	d dir
	f dir/mine layer file
	f dir/.wh..wh..opq
	T
	[ ! -e "$ROOT/dir/.wh..wh..opq" ]
	assert_equal "$(cat "$ROOT/dir/mine")" "layer file"
}

@test "unpack: hard links stay hard links (same inode)" {
	unpack hl <<-'T'
	d bin
	f:0755 bin/prog the program
	h bin/alias bin/prog
	d usr
	h usr/deep-alias bin/prog
	T
	[ "$(stat -c %i "$ROOT/bin/prog")" = "$(stat -c %i "$ROOT/bin/alias")" ] ||
		fail "bin/alias is not a hard link of bin/prog"
	[ "$(stat -c %i "$ROOT/bin/prog")" = "$(stat -c %i "$ROOT/usr/deep-alias")" ]
	assert_equal "$(stat -c %h "$ROOT/bin/prog")" 3
}

@test "unpack: an absolute symlink target is stored verbatim" {
	unpack abs <<-'T'
	d etc
	f etc/hello hi
	l etc/link /etc/hello
	l dangling /does/not/exist
	T
	assert_equal "$(readlink "$ROOT/etc/link")" /etc/hello
	assert_equal "$(readlink "$ROOT/dangling")" /does/not/exist
}

@test "unpack: a relative symlink target is stored verbatim" {
	unpack rel <<-'T'
	d usr
	d usr/lib
	f usr/lib/libx.so.1 x
	l usr/lib/libx.so libx.so.1
	d usr/bin
	l usr/bin/up ../lib/libx.so.1
	T
	assert_equal "$(readlink "$ROOT/usr/lib/libx.so")" libx.so.1
	assert_equal "$(readlink "$ROOT/usr/bin/up")" ../lib/libx.so.1
}

@test "unpack: a later file entry replaces an earlier directory" {
	unpack d2f <<-'T'
	d thing
	f thing/inside x
	f thing now a file
	T
	[ -f "$ROOT/thing" ] || fail "thing is not a regular file"
	assert_equal "$(cat "$ROOT/thing")" "now a file"
}

@test "unpack: a later directory entry replaces an earlier file" {
	unpack f2d <<-'T'
	f thing was a file
	d thing
	f thing/inside now a dir
	T
	[ -d "$ROOT/thing" ] || fail "thing is not a directory"
	assert_equal "$(cat "$ROOT/thing/inside")" "now a dir"
}

@test "unpack: a later symlink entry replaces an earlier file" {
	unpack f2l <<-'T'
	f thing was a file
	l thing target
	T
	[ -L "$ROOT/thing" ]
	assert_equal "$(readlink "$ROOT/thing")" target
}

@test "unpack: a later file entry replaces an earlier one with the same name" {
	unpack dup <<-'T'
	f same first
	f same second
	T
	assert_equal "$(cat "$ROOT/same")" second
}

@test "unpack: missing parent directories are created" {
	unpack parents <<-'T'
	f a/b/c/file deep
	T
	assert_equal "$(cat "$ROOT/a/b/c/file")" deep
}

@test "unpack: modes and modification times are kept" {
	unpack modes <<-'T'
	f:0750 script x
	f:0600 private y
	d:0711 dir
	T
	assert_equal "$(stat -c %a "$ROOT/script")" 750
	assert_equal "$(stat -c %a "$ROOT/private")" 600
	assert_equal "$(stat -c %a "$ROOT/dir")" 711
	assert_equal "$(stat -c %Y "$ROOT/script")" 1700000000
}

@test "unpack: read-only directories are filled and keep their mode" {
	unpack rodir <<-'T'
	d:0555 ro
	f:0444 ro/file inside
	d:0555 ro/sub
	f ro/sub/late later
	T
	assert_equal "$(cat "$ROOT/ro/file")" inside
	assert_equal "$(cat "$ROOT/ro/sub/late")" later
	assert_equal "$(stat -c %a "$ROOT/ro")" 555
}

@test "unpack: names longer than 100 bytes (GNU and PAX) are kept" {
	local long=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/cccccccccccccccccccccccccccccccccccccccc
	mkdir -p "tree/$long"
	echo long >"tree/$long/file-with-a-long-name"
	local fmt
	for fmt in gnu posix; do
		tar --format=$fmt -C tree -cf "long-$fmt.tar" aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
		run --separate-stderr udc import --tocontainer --name="long-$fmt" "long-$fmt.tar"
		assert_success
		assert_equal "$(cat "$(container_root "long-$fmt")/$long/file-with-a-long-name")" long
	done
}

@test "unpack: a ../ entry is refused, leaves nothing behind and writes nothing outside" {
	# five levels up from the root stays inside this run's temporary directory
	mktar evil.tar <<-'T'
	f ok fine
	f ../../../../../escaped-by-dotdot boo
	T
	assert_refused evil.tar
	run find "$BATS_RUN_TMPDIR" -name escaped-by-dotdot
	assert_output ''
}

@test "unpack: a ../ in the middle of a name is refused" {
	mktar evil2.tar <<-'T'
	d a
	f a/../../../../escaped-middle boo
	T
	assert_refused evil2.tar
	run find "$BATS_RUN_TMPDIR" -name escaped-middle
	assert_output ''
}

# assert_contained_or_refused: after importing a tarball that writes esc/pwned through a
# symlink aiming outside the root, either the import failed cleanly (one error line, no
# container) or the link was resolved inside the root (".." clamped at "/", as the guest
# sees it): never a file on the host.
assert_contained_or_refused() {
	[ ! -e "$BATS_TEST_TMPDIR/outside/pwned" ] || fail "a file was written outside the root"
	if [ "$status" -ne 0 ]; then
		assert_equal "$status" 1
		assert_one_error_line
		run --separate-stderr udc ps
		assert_equal "$(count_lines "$output")" 1
		assert_tmp_empty
	else
		local root
		root=$(container_root "$(printf '%s\n' "$output" | tail -n 1)")
		[ -f "$root$BATS_TEST_TMPDIR/outside/pwned" ] ||
			fail "esc/pwned is neither refused nor inside the root: $(cd "$root" && find . | head)"
	fi
}

@test "unpack: writing through a relative symlink that climbs out of the root stays inside" {
	mkdir -p "$BATS_TEST_TMPDIR/outside"
	mktar esc.tar <<-T
	l esc $UP$BATS_TEST_TMPDIR/outside
	f esc/pwned boo
	T
	udc images >/dev/null
	run --separate-stderr udc import --tocontainer esc.tar
	assert_contained_or_refused
}

@test "unpack: writing through an absolute symlink stays inside the root" {
	mkdir -p "$BATS_TEST_TMPDIR/outside"
	mktar abs-esc.tar <<-T
	l esc $BATS_TEST_TMPDIR/outside
	f esc/pwned boo
	T
	udc images >/dev/null
	run --separate-stderr udc import --tocontainer abs-esc.tar
	assert_contained_or_refused
}

@test "unpack: a hard link to a file outside the root is refused" {
	echo secret >"$BATS_TEST_TMPDIR/host-file"
	mktar hlesc.tar <<-T
	h stolen $UP$BATS_TEST_TMPDIR/host-file
	T
	assert_refused hlesc.tar
	assert_equal "$(stat -c %h "$BATS_TEST_TMPDIR/host-file")" 1
}

@test "unpack: unprivileged, setuid and setgid bits are dropped" {
	is_root && skip "as root the set-id bits may be kept; the unprivileged pass checks this"
	unpack suid <<-'T'
	d bin
	f:4755 bin/su x
	f:2755 bin/sg y
	T
	[ ! -u "$ROOT/bin/su" ] || fail "bin/su kept its setuid bit"
	[ ! -g "$ROOT/bin/sg" ] || fail "bin/sg kept its setgid bit"
	[ -x "$ROOT/bin/su" ]
}

@test "unpack: unprivileged, device nodes are skipped and the rest unpacks" {
	is_root && skip "root can create device nodes; the unprivileged pass checks this"
	unpack devs <<-'T'
	d dev
	c dev/null 1 3
	b dev/sda 8 0
	f after still here
	T
	[ ! -c "$ROOT/dev/null" ] && [ ! -b "$ROOT/dev/sda" ]
	assert_equal "$(cat "$ROOT/after")" "still here"
}

@test "unpack: a fifo entry becomes a fifo" {
	unpack fifo <<-'T'
	p run-fifo
	T
	[ -p "$ROOT/run-fifo" ]
}

@test "unpack: create of an image whose layer escapes fails and leaves no container" {
	mktar evil.tar <<-'T'
	f ok fine
	f ../../../../../escaped-by-create boo
	T
	run --separate-stderr udc import evil.tar evil:1
	if [ "$status" -ne 0 ]; then
		# refusing at import time is fine too
		assert_one_error_line
		return 0
	fi
	repo_snapshot
	run --separate-stderr udc create evil:1
	assert_error_unchanged
	run find "$BATS_RUN_TMPDIR" -name escaped-by-create
	assert_output ''
}
