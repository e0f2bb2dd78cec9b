#!/usr/bin/env bats
# search.bats - `search TERM` against a Docker index's search API (a small fake of it on
# 127.0.0.1: Docker Hub is not reachable from the tests).

load helpers/common

setup_file() {
	export INDEX_LOG=$BATS_FILE_TMPDIR/index.log
	coproc INDEX { exec python3 "$BATS_TEST_DIRNAME/helpers/fake_index.py" "$INDEX_LOG" 2>/dev/null 3>&-; }
	read -r port <&"${INDEX[0]}"
	export INDEX_URL=http://127.0.0.1:$port INDEX_PID
	echo "$INDEX_PID" >"$BATS_FILE_TMPDIR/index.pid"
}

teardown_file() {
	kill "$(cat "$BATS_FILE_TMPDIR/index.pid")" 2>/dev/null || true
}

@test "search: lists the index's matches with Docker's columns" {
	run --separate-stderr udc search --index="$INDEX_URL" busybox
	assert_success
	assert_line --index 0 --regexp '^NAME +DESCRIPTION +STARS +OFFICIAL$'
	assert_line --regexp '^busybox +Busybox base image\. +3300 +\[OK\]$'
	assert_line --regexp '^someone/busybox-tools '
	refute_line --regexp '^debian '
}

@test "search: long descriptions are cut unless --no-trunc" {
	run --separate-stderr udc search --index="$INDEX_URL" busybox-tools
	assert_success
	assert_line --regexp '^someone/busybox-tools +A busybox with extra tools .{15}\.\.\. +7 *$'
	run --separate-stderr udc search --index="$INDEX_URL" --no-trunc busybox-tools
	assert_line --partial "A busybox with extra tools A busybox with extra tools A busybox"
}

@test "search: the term is sent URL-encoded" {
	run --separate-stderr udc search --index="$INDEX_URL" "a b&c"
	assert_success
	grep -q 'q=a%20b%26c' "$INDEX_LOG"
}

@test "search: an unreachable index is one error line naming it" {
	port=$(( (RANDOM % 1000) + 41000 ))
	while (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
	run --separate-stderr udc search --index="http://127.0.0.1:$port" busybox
	assert_equal "$status" 1
	assert_one_error_line "127.0.0.1:$port"
}
