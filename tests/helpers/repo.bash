# repo.bash - snapshot the whole repository and assert a command left it as it was.
# shellcheck shell=bash

# repo_listing [DIR]: one sorted line per path under DIR (default $UDOCKERC_DIR): type,
# mode, then size and sha256 for regular files, the target for symlinks. Directory sizes
# are left out (they depend on the file system's history, not on the content).
repo_listing() {
	local dir=${1:-$UDOCKERC_DIR}
	if [ ! -e "$dir" ]; then
		echo "<no repository at $dir>"
		return 0
	fi
	(
		cd "$dir" || exit 1
		find . -mindepth 1 -printf '%y\037%m\037%s\037%l\037%p\n' |
			while IFS=$'\037' read -r y m s l p; do
				case $y in
				f) printf '%s f %s %s %s\n' "$p" "$m" "$s" \
					"$(sha256sum <"$p" 2>/dev/null | cut -c1-64 || echo unreadable)" ;;
				l) printf '%s l -> %s\n' "$p" "$l" ;;
				*) printf '%s %s %s\n' "$p" "$y" "$m" ;;
				esac
			done | LC_ALL=C sort
	)
}

# repo_snapshot: remember the repository's current state for assert_repo_unchanged.
repo_snapshot() {
	REPO_SNAPSHOT=$BATS_TEST_TMPDIR/repo-snapshot.${1:-0}
	repo_listing >"$REPO_SNAPSHOT"
}

# assert_repo_unchanged: the repository is exactly as repo_snapshot saw it.
assert_repo_unchanged() {
	[ -n "${REPO_SNAPSHOT:-}" ] || fail "assert_repo_unchanged without repo_snapshot"
	local now diff
	now=$BATS_TEST_TMPDIR/repo-now
	repo_listing >"$now"
	if ! diff=$(diff -u "$REPO_SNAPSHOT" "$now"); then
		fail "the repository changed:
$diff"
	fi
}
