#!/usr/bin/env bats
# debian.bats - a real distribution: the debootstrap bookworm minbase rootfs (python3, gcc,
# make) imported, created and verified. One import and one create for the whole file.

load helpers/common

setup_file() {
	export DEB_REPO=$BATS_FILE_TMPDIR/repo
	[ -n "${DEBIAN_TAR:-}" ] && [ -r "$DEBIAN_TAR" ] || return 0
	local allow=()
	[ "$(id -u)" -ne 0 ] || allow=(--allow-root)
	"${UDOCKERC:-udockerc}" "${allow[@]}" --repo="$DEB_REPO" import "$DEBIAN_TAR" debian:bookworm \
		>"$BATS_FILE_TMPDIR/import.out" 2>"$BATS_FILE_TMPDIR/import.err"
	echo $? >"$BATS_FILE_TMPDIR/import.rc"
	"${UDOCKERC:-udockerc}" "${allow[@]}" --repo="$DEB_REPO" -q create --name=deb debian:bookworm \
		>"$BATS_FILE_TMPDIR/create.out" 2>"$BATS_FILE_TMPDIR/create.err"
	echo $? >"$BATS_FILE_TMPDIR/create.rc"
}

teardown_file() {
	chmod -R u+rwX "$BATS_FILE_TMPDIR" 2>/dev/null || true
}

setup() {
	common_setup
	need_debian
	export UDOCKERC_DIR=$DEB_REPO
}

# need_container: the file's container was created; sets ROOT.
need_container() {
	[ "$(cat "$BATS_FILE_TMPDIR/create.rc")" = 0 ] ||
		fail "create failed: $(cat "$BATS_FILE_TMPDIR/create.err")"
	ROOT=$(container_root deb)
}

@test "debian: the debootstrap rootfs imports" {
	[ "$(cat "$BATS_FILE_TMPDIR/import.rc")" = 0 ] ||
		fail "import failed: $(cat "$BATS_FILE_TMPDIR/import.err")"
	run --separate-stderr udc images
	assert_line --regexp '^debian:bookworm[[:space:]]'
}

@test "debian: the image verifies" {
	run --separate-stderr udc verify debian:bookworm
	assert_success
}

@test "debian: create succeeds and prints only the container id" {
	[ "$(cat "$BATS_FILE_TMPDIR/create.rc")" = 0 ] ||
		fail "create failed: $(cat "$BATS_FILE_TMPDIR/create.err")"
	[[ $(cat "$BATS_FILE_TMPDIR/create.out") =~ $UUID_RE ]]
}

@test "debian: the container root has /usr/bin/python3, gcc and make" {
	need_container
	[ -e "$ROOT/usr/bin/python3" ] || fail "no usr/bin/python3"
	[ -f "$(readlink -f "$ROOT/usr/bin/python3")" ]
	[ -e "$ROOT/usr/bin/gcc" ] && [ -e "$ROOT/usr/bin/make" ]
	[ -f "$ROOT/etc/debian_version" ]
}

@test "debian: every file of the rootfs is in the container" {
	need_container
	tar -tzf "$DEBIAN_TAR" | norm_names >want
	(cd "$ROOT" && find . -mindepth 1 | norm_names) >got
	# unprivileged, device nodes are skipped
	if ! is_root; then
		tar -tvzf "$DEBIAN_TAR" | awk '$1 ~ /^[cb]/ { print $NF }' | norm_names >devs
		comm -23 want devs >want.nodev
		mv want.nodev want
	fi
	run comm -23 want got
	assert_output ''
}

@test "debian: hard links of the rootfs stay hard links" {
	need_container
	tar -tvzf "$DEBIAN_TAR" | awk '$1 ~ /^h/ { print $(NF-3) " " $NF }' >links
	[ -s links ] || fail "the fixture has no hard links to check"
	local name target n=0
	while read -r name target; do
		name=${name#./} target=${target#./}
		[ "$(stat -c %i "$ROOT/$name")" = "$(stat -c %i "$ROOT/$target")" ] ||
			fail "$name is not a hard link of $target"
		n=$((n + 1))
	done <links
	[ "$n" -gt 0 ]
}

@test "debian: regular file contents match the rootfs" {
	need_container
	local f
	for f in usr/bin/python3.11 usr/lib/os-release usr/bin/make etc/passwd; do
		cmp "$ROOT/$f" <(tar -xzOf "$DEBIAN_TAR" "./$f") || fail "$f differs"
	done
}

@test "debian: unprivileged, setuid bits are dropped and /dev nodes are skipped" {
	is_root && skip "root keeps set-id bits and device nodes; the unprivileged pass checks this"
	need_container
	[ -e "$ROOT/usr/bin/su" ] && [ ! -u "$ROOT/usr/bin/su" ] || fail "usr/bin/su kept setuid"
	[ ! -c "$ROOT/dev/null" ] || fail "dev/null was created as a device"
}
