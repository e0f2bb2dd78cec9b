#!/usr/bin/env bats
# concurrency.bats - many processes on one repository, and processes killed in the middle:
# every mutation is atomic, so nothing half-written is ever visible.

load helpers/common
# (bats' own helpers assign a global "i": loops that call run or assert_* count with k)

N=8

# parallel_udc TAG ARGS...: run udockerc ARGS... N times at once (%i in an argument becomes
# the process number); waits for all, leaves TAG.$i.{out,err,rc}.
parallel_udc() {
	local tag=$1 i a
	shift
	local -a args
	for ((i = 1; i <= N; i++)); do
		args=()
		for a in "$@"; do args+=("${a//%i/$i}"); done
		(
			udc "${args[@]}" >"$tag.$i.out" 2>"$tag.$i.err"
			echo $? >"$tag.$i.rc"
		) &
	done
	wait
}

# assert_all_succeeded TAG: every process of parallel_udc TAG exited 0 with nothing on stderr.
assert_all_succeeded() {
	local i bad=""
	for ((i = 1; i <= N; i++)); do
		[ "$(cat "$1.$i.rc")" = 0 ] || bad+="#$i: status $(cat "$1.$i.rc"): $(cat "$1.$i.err"); "
	done
	[ -z "$bad" ] || fail "failed: $bad"
}

# assert_containers_complete: every containers/<id> has its record and root, every name
# points to an existing container (nothing half-written).
assert_containers_complete() {
	local d n
	for d in "$UDOCKERC_DIR"/containers/*; do
		[ -e "$d" ] || continue
		[ -f "$d/container.json" ] || fail "$d has no container.json"
		[ -x "$d/ROOT/bin/busybox" ] || [ -d "$d/ROOT/usr" ] || fail "$d/ROOT is incomplete"
	done
	for n in "$UDOCKERC_DIR"/names/*; do
		[ -L "$n" ] || continue
		[ -d "$n/" ] || fail "name $(basename "$n") points to nothing"
	done
}

@test "create: $N concurrent creates of one image all succeed" {
	import_busybox bb:1.0
	parallel_udc create -q create bb:1.0
	assert_all_succeeded create
	local ids
	ids=$(cat create.*.out | LC_ALL=C sort -u)
	assert_equal "$(count_lines "$ids")" $N
	run --separate-stderr udc ps
	assert_equal "$(count_lines "$output")" $((N + 1))
	local id
	for id in $ids; do
		assert_line --regexp "^$id[[:space:]]"
		cmp "$(container_root "$id")/bin/busybox" <(tar -xOf "$BUSYBOX_TAR" bin/busybox)
	done
	assert_containers_complete
	assert_tmp_empty
	run --separate-stderr udc verify bb:1.0
	assert_success
}

@test "import: $N concurrent imports all succeed" {
	need_busybox
	parallel_udc import import "$BUSYBOX_TAR" bb:%i
	assert_all_succeeded import
	run --separate-stderr udc images
	assert_equal "$(count_lines "$output")" $((N + 1))
	local images=$output k
	for ((k = 1; k <= N; k++)); do
		[[ $images == *"bb:$k "* ]] || fail "bb:$k is not listed: $images"
		run --separate-stderr udc verify "bb:$k"
		assert_success
	done
	run ls "$UDOCKERC_DIR/layers"
	assert_output "$(layer_hex "$BUSYBOX_TAR")"
	assert_tmp_empty
}

@test "import: $N concurrent imports of different tarballs all succeed" {
	need_busybox
	local k
	for ((k = 1; k <= N; k++)); do
		mktar "t$k.tar" <<<"f file-$k content $k"
	done
	parallel_udc import import "t%i.tar" img%i:1
	assert_all_succeeded import
	run --separate-stderr udc images
	assert_equal "$(count_lines "$output")" $((N + 1))
	for ((k = 1; k <= N; k++)); do
		run --separate-stderr udc verify "img$k:1"
		assert_success
	done
	assert_equal "$(ls "$UDOCKERC_DIR/layers" | wc -l)" $N
}

@test "create: $N concurrent creates claiming one name: exactly one wins" {
	import_busybox bb:1.0
	parallel_udc claim -q create --name=same bb:1.0
	local i ok=0 bad=""
	for ((i = 1; i <= N; i++)); do
		if [ "$(cat "claim.$i.rc")" = 0 ]; then
			ok=$((ok + 1))
		else
			[ "$(wc -l <"claim.$i.err")" = 1 ] && grep -q '^Error: .*same' "claim.$i.err" ||
				bad+="#$i: $(cat "claim.$i.err"); "
		fi
	done
	assert_equal "$ok" 1
	[ -z "$bad" ] || fail "losers without one error line naming 'same': $bad"
	run --separate-stderr udc ps
	assert_equal "$(count_lines "$output")" 2
	assert_containers_complete
	assert_tmp_empty
}

@test "import: kill -9 in the middle leaves no image, and the next import cleans up and works" {
	need_busybox
	udc images >/dev/null
	mkfifo feed
	(udc_exec import - killed:1 <feed) &
	local pid=$!
	exec 7>feed
	# half the tarball: the write returns only once the importer has read most of it
	head -c $(($(stat -c %s "$BUSYBOX_TAR") / 2)) "$BUSYBOX_TAR" >&7
	kill -9 "$pid"
	wait "$pid" || true
	exec 7>&-
	run --separate-stderr udc images
	refute_line --regexp '^killed:1[[:space:]]'
	[ -z "$(ls -A "$UDOCKERC_DIR/layers")" ] || fail "a layer appeared: $(ls -A "$UDOCKERC_DIR/layers")"
	run --separate-stderr udc import "$BUSYBOX_TAR" after:1
	assert_success
	assert_tmp_empty
	run --separate-stderr udc verify after:1
	assert_success
}

@test "create: kill -9 at any point leaves no container or a complete one, and the next create works" {
	# the larger the image, the surer the kill lands in the middle; either way the
	# repository must only ever hold complete containers
	local tarball=$BUSYBOX_TAR
	[ -n "${DEBIAN_TAR:-}" ] && [ -r "$DEBIAN_TAR" ] && tarball=$DEBIAN_TAR
	run --separate-stderr udc import "$tarball" big:1
	assert_success
	(udc_exec -q create --name=victim big:1 >victim.out 2>victim.err) &
	local pid=$! i
	# wait (without a clock) until the create has started filling its staging area
	for ((i = 0; i < 20000; i++)); do
		[ -n "$(find "$UDOCKERC_DIR/tmp" -mindepth 2 -maxdepth 4 2>/dev/null | head -n 1)" ] && break
		kill -0 "$pid" 2>/dev/null || break
	done
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" || true
	run --separate-stderr udc ps
	if [ "$(count_lines "$output")" -gt 1 ]; then
		echo "# the create had finished before the kill" >&3
		assert_line --regexp "\['victim'\]"
	else
		[ ! -L "$UDOCKERC_DIR/names/victim" ] || fail "names/victim exists without a container"
	fi
	[ -z "$(ls -A "$UDOCKERC_DIR/containers" 2>/dev/null)" ] ||
		[ "$(count_lines "$output")" -gt 1 ] || fail "containers/ holds a half container"
	assert_containers_complete
	run --separate-stderr udc -q create --force --name=victim big:1
	assert_success
	assert_tmp_empty
	assert_containers_complete
	run --separate-stderr udc verify big:1
	assert_success
}
