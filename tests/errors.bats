#!/usr/bin/env bats
# errors.bats - every failure is exit status 1, exactly one "Error: " line on stderr naming
# the culprit, and a repository left exactly as it was.

load helpers/common

setup() {
	common_setup
	MNT=
	# a repository with one image and one named container to damage
	create_busybox work
	repo_snapshot
}

teardown() {
	if [ -n "${MNT:-}" ] && mountpoint -q "$MNT"; then
		umount "$MNT" || umount -l "$MNT"
	fi
	common_teardown
}

# small_repo_fs SIZE: (root) a tmpfs of SIZE inside this test's directory holding a fresh
# repository with the busybox image imported when IMPORT=1; UDOCKERC_DIR points there.
small_repo_fs() {
	is_root || skip "mounting a small tmpfs (a full disk) needs root"
	MNT=$BATS_TEST_TMPDIR/small
	mkdir -p "$MNT"
	mount -t tmpfs -o "size=$1,mode=0755" udockerc-test "$MNT" || skip "cannot mount a tmpfs here"
	export UDOCKERC_DIR=$MNT/repo
}

@test "import: a missing tarball is named" {
	run --separate-stderr udc import "$BATS_TEST_TMPDIR/no-such.tar" x:1
	assert_error_unchanged no-such.tar
}

@test "import: a directory instead of a tarball is named" {
	mkdir adir
	run --separate-stderr udc import adir x:1
	assert_error_unchanged adir
}

@test "import: a truncated tarball is named and stores nothing" {
	head -c $(($(stat -c %s "$BUSYBOX_TAR") / 2)) "$BUSYBOX_TAR" >half.tar
	run --separate-stderr udc import half.tar x:1
	assert_error_unchanged half.tar
}

@test "import: a file that is not a tar archive is named" {
	seq 1 20000 >numbers.txt
	run --separate-stderr udc import numbers.txt x:1
	assert_error_unchanged numbers.txt
}

@test "import: an empty file is named" {
	: >empty.tar
	run --separate-stderr udc import empty.tar x:1
	assert_error_unchanged empty.tar
}

@test "import: a corrupt gzip is named" {
	gzip -c "$BUSYBOX_TAR" >bad.tar.gz
	local size
	size=$(stat -c %s bad.tar.gz)
	head -c 4096 /dev/zero | dd of=bad.tar.gz bs=1 seek=$((size / 2)) conv=notrunc status=none
	run --separate-stderr udc import bad.tar.gz x:1
	assert_error_unchanged bad.tar.gz
}

@test "import: a truncated tarball does not become a container" {
	head -c $(($(stat -c %s "$BUSYBOX_TAR") / 2)) "$BUSYBOX_TAR" >half.tar
	run --separate-stderr udc import --tocontainer --name=half half.tar
	assert_error_unchanged half.tar
}

@test "import: an unreadable tarball is named" {
	is_root && skip "root reads files whatever their mode"
	cp "$BUSYBOX_TAR" locked.tar
	chmod 000 locked.tar
	run --separate-stderr udc import locked.tar x:1
	assert_error_unchanged locked.tar
}

@test "import: an invalid image name is named" {
	run --separate-stderr udc import "$BUSYBOX_TAR" 'NOT A NAME'
	assert_error_unchanged 'NOT A NAME'
}

@test "create: an unknown image is named" {
	run --separate-stderr udc create nosuch:1.0
	assert_error_unchanged nosuch:1.0
}

@test "create: a name already taken is named and no container is added" {
	run --separate-stderr udc create --name=work bb:1.0
	assert_error_unchanged work
}

@test "create: an invalid container name is named" {
	run --separate-stderr udc create --name=bad/name bb:1.0
	assert_error_unchanged bad/name
}

@test "rm: an unknown container is named" {
	run --separate-stderr udc rm nosuchcontainer
	assert_error_unchanged nosuchcontainer
}

@test "inspect: an unknown container or image is named" {
	run --separate-stderr udc inspect -p nosuchcontainer
	assert_error_unchanged nosuchcontainer
	run --separate-stderr udc inspect nosuchthing
	assert_error_unchanged nosuchthing
}

@test "export: an unknown container is named" {
	run --separate-stderr udc export -o out.tar nosuchcontainer
	assert_error_unchanged nosuchcontainer
	[ ! -e out.tar ] || fail "out.tar was created for an unknown container"
}

@test "export: a full disk (/dev/full) is one error naming the output" {
	[ -w /dev/full ] || skip "no writable /dev/full"
	run --separate-stderr udc export -o /dev/full work
	assert_error_unchanged /dev/full
}

@test "export: an output in a missing directory is named" {
	run --separate-stderr udc export -o "$BATS_TEST_TMPDIR/no/such/dir/out.tar" work
	assert_error_unchanged no/such/dir
}

@test "clone: an unknown container is named" {
	run --separate-stderr udc clone nosuchcontainer
	assert_error_unchanged nosuchcontainer
}

@test "protect: an unknown container is named" {
	run --separate-stderr udc protect nosuchcontainer
	assert_error_unchanged nosuchcontainer
}

@test "name: an unknown container is named" {
	run --separate-stderr udc name nosuchcontainer alias
	assert_error_unchanged nosuchcontainer
}

@test "general options: --repo naming a regular file is named" {
	: >not-a-dir
	run --separate-stderr udc --repo="$BATS_TEST_TMPDIR/not-a-dir" images
	assert_error_unchanged not-a-dir
}

@test "import: into a full disk fails cleanly and the next import works" {
	small_repo_fs 1m
	udc mkrepo "$UDOCKERC_DIR" >/dev/null 2>&1 || udc images >/dev/null
	repo_snapshot
	run --separate-stderr udc import "$BUSYBOX_TAR" big:1
	assert_error_unchanged
	[[ $stderr == *"No space left on device"* || $stderr == *"$BUSYBOX_TAR"* ]] ||
		fail "the error names neither the full disk nor the tarball: $stderr"
	assert_tmp_empty
	mktar small.tar <<-'T'
	f hello small
	T
	run --separate-stderr udc import small.tar small:1
	assert_success
}

@test "create: into a full disk fails cleanly and leaves no container" {
	# room for the layer (about 2 MB) but not for a second copy unpacked
	local kb
	kb=$(($(stat -c %s "$BUSYBOX_TAR") / 1024 * 3 / 2))
	small_repo_fs "${kb}k"
	run --separate-stderr udc import "$BUSYBOX_TAR" bb:1.0
	assert_success
	repo_snapshot
	run --separate-stderr udc create bb:1.0
	assert_error_unchanged
	[[ $stderr == *"No space left on device"* ]] || fail "the error does not say the disk is full: $stderr"
	assert_tmp_empty
}
