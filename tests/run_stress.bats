#!/usr/bin/env bats
# run_stress.bats - run as a part of pipelines (stdin and stdout streamed intact, large files
# included), exit statuses, --rm leaving the repository as it was, and 16 concurrent runs of
# one container, each with its own output, the container's record intact afterwards. In the
# suite's execution mode (ENGINE_MODE: tests/run-all.sh runs it once per mode).

load helpers/common

setup() {
	common_setup
	bb_container
}

@test "$MODE_TAG run stress: a pipe into and out of run" {
	run --separate-stderr bash -c 'printf "a\nb\n" | udc run bb sort -r'
	assert_success
	assert_output $'b\na'
	run --separate-stderr bash -c 'udc run bb cat /etc/os-release | grep ^ID='
	assert_success
	assert_output ID=udockerc-busybox
	run --separate-stderr udc run bb cat </dev/null
	assert_success
	assert_output ''
}

@test "$MODE_TAG run stress: cat < a 48 MiB file streams it intact through the guest" {
	head -c $((48 << 20)) /dev/urandom >big
	udc run bb cat <big >out
	assert_equal "$(sha256sum <out)" "$(sha256sum <big)"
	udc run bb sha256sum <big >sum
	assert_equal "$(cut -c1-64 sum)" "$(sha256sum <big | cut -c1-64)"
}

@test "$MODE_TAG run stress: the guest's exit status is run's: 0, 1, 42, 255, 128+signal, pipelines" {
	local code
	for code in 0 1 42 255; do
		run --separate-stderr udc run bb /bin/sh -c "exit $code"
		assert_equal "$status" "$code"
	done
	run --separate-stderr udc run bb /bin/false
	assert_equal "$status" 1
	run --separate-stderr udc run bb /bin/sh -c 'kill -KILL $$'
	assert_equal "$status" 137
	run --separate-stderr udc run bb /bin/sh -c 'false | true'
	assert_equal "$status" 0
	run --separate-stderr bash -c 'udc run bb /bin/sh -c "exit 3" | cat; echo "${PIPESTATUS[0]}"'
	assert_output 3
}

@test "$MODE_TAG run stress: --rm of an image run leaves the repository exactly as it was" {
	repo_snapshot
	run --separate-stderr udc run --rm bb:1 /bin/sh -c 'echo hi >/root/f; cat /root/f'
	assert_success
	assert_output hi
	assert_repo_unchanged
	run --separate-stderr udc run --rm -u 4242:4343 --name=tmpc bb:1 /bin/sh -c 'id; exit 3'
	assert_equal "$status" 3
	if f_mode; then # the guest is the host user there (not emulated), said in one notice
		assert_output --regexp "^uid=$(id -u)\([^)]*\) gid=$(id -g)\("
	else
		assert_output 'uid=4242(udoc4242) gid=4343(udoc4343)'
	fi
	assert_identity_notice 4242 4343
	assert_repo_unchanged
}

@test "$MODE_TAG run stress: 16 concurrent runs of one container all succeed with their own output" {
	local i rec pids=() st me=root odd
	rec=$(readlink -f "$UDOCKERC_DIR/names/bb")/container.json
	# in an F mode every run is the host user (-u is not emulated there), by the guest's name
	! f_mode || me=$(host_user_in "$(udc inspect -p bb)/etc/passwd")
	[ -f "$rec" ] || fail "no record at $rec"
	local before
	before=$(sha256sum <"$rec")
	for i in $(seq 16); do
		# odd runs are users the image lacks: each has its own identity files at once
		if [ $((i % 2)) -eq 1 ]; then
			(udc_exec run -u $((5000 + i)) bb /bin/sh -c \
				'echo "run $1 $(id -un) $(grep ^ID= /etc/os-release)"; touch /tmp/r$1' \
				sh "$i" >"out.$i" 2>"err.$i") &
		else
			(udc_exec run bb /bin/sh -c \
				'echo "run $1 $(id -un) $(grep ^ID= /etc/os-release)"; touch /tmp/r$1' \
				sh "$i" >"out.$i" 2>"err.$i") &
		fi
		pids+=($!)
	done
	for i in $(seq 16); do
		st=0
		wait "${pids[$((i - 1))]}" || st=$?
		[ "$st" -eq 0 ] || fail "run $i: status $st: $(cat "err.$i")"
	done
	for i in $(seq 16); do
		if [ $((i % 2)) -eq 1 ]; then
			odd=udoc$((5000 + i))
			! f_mode || odd=$me
			assert_equal "$(cat "out.$i")" "run $i $odd ID=udockerc-busybox"
			stderr=$(cat "err.$i") assert_identity_notice $((5000 + i)) 0
		else
			assert_equal "$(cat "out.$i")" "run $i $me ID=udockerc-busybox"
			stderr=$(cat "err.$i") assert_identity_notice 0 0
		fi
	done
	assert_equal "$(sha256sum <"$rec")" "$before"
	run --separate-stderr udc run bb /bin/sh -c 'ls /tmp | grep -c "^r"'
	assert_output 16
	assert_equal "$(ps_rows | wc -l)" 1
	assert_tmp_empty
}
