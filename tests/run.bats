#!/usr/bin/env bats
# run.bats - `run CONTAINER CMD` in the suite's execution mode (ENGINE_MODE: tests/run-all.sh
# runs it once per mode): programs of the image see the container's files, volumes and their
# own exit status; setup --execmode switches modes.

load helpers/common

setup() {
	common_setup
	bb_container
	echo HOST-ONLY >"$BATS_TEST_TMPDIR/host-only"
}

@test "$MODE_TAG run: the guest reads the container's files, not the host's" {
	run --separate-stderr udc run bb /bin/cat /etc/os-release
	assert_success
	assert_line 'ID=udockerc-busybox'
	run --separate-stderr udc run bb /bin/cat "$BATS_TEST_TMPDIR/host-only"
	assert_failure
	refute_output --partial HOST-ONLY
}

@test "$MODE_TAG run: the guest's exit status is run's" {
	run --separate-stderr udc run bb /bin/sh -c 'exit 7'
	assert_equal "$status" 7
	run --separate-stderr udc run bb /bin/sh -c 'kill -TERM $$'
	assert_equal "$status" 143
}

@test "$MODE_TAG run: a shell pipeline, cd and pwd in the guest view" {
	run --separate-stderr udc run bb /bin/sh -c 'cd /etc && /bin/cat os-release | /bin/grep ^ID= && pwd'
	assert_success
	assert_output $'ID=udockerc-busybox\n/etc'
}

@test "$MODE_TAG run: -v binds a host directory, reads and writes land on the host" {
	mkdir vol
	echo IN >vol/in
	run --separate-stderr udc run -v "$PWD/vol:/data" bb /bin/sh -c 'cat /data/in; echo OUT >/data/out'
	assert_success
	assert_output IN
	assert_equal "$(cat vol/out)" OUT
}

@test "$MODE_TAG run: a volume at a deep guest path is reachable; its mount points are made in the container only" {
	mkdir -p vol other
	echo DEEP >vol/f
	echo FILE >file
	root=$(udc inspect -p bb)
	run --separate-stderr udc run -v "$PWD/vol:/data/sub/deep" -v "$PWD/file:/opt/x/file" \
		-v "$PWD/other:/mnt/o" -v "$PWD/vol:/mnt/o/in/side" bb \
		/bin/sh -c 'cat /data/sub/deep/f /opt/x/file; ls /; ls /data/sub'
	assert_success
	assert_line --index 0 DEEP
	assert_line --index 1 FILE
	assert_line data
	assert_line opt
	assert_line deep
	[ -d "$root/data/sub/deep" ] && [ -f "$root/opt/x/file" ] && [ ! -s "$root/opt/x/file" ]
	# nothing is created inside another bind (the user's directory other/)
	run ls -A other
	assert_output ''
}

@test "$MODE_TAG run: a missing command is one error line and exit status 2" {
	run --separate-stderr udc run bb /nonexistent
	assert_equal "$status" 2
	assert_one_error_line "/nonexistent"
}

@test "$MODE_TAG run: a missing volume source is one error line naming it, exit status 2" {
	run --separate-stderr udc run -v /nonexistent-src:/data bb /bin/true
	assert_equal "$status" 2
	assert_one_error_line "/nonexistent-src"
}

@test "$MODE_TAG run: an unknown container is exit status 1 naming it" {
	run --separate-stderr udc run --pull=never nosuch /bin/true
	assert_equal "$status" 1
	assert_one_error_line "nosuch"
}

@test "$MODE_TAG run: dynamic programs of a Debian image run with the image's own loader and libraries" {
	need_debian
	udc -q import "$DEBIAN_TAR" deb:1 >/dev/null
	udc -q create --name=deb deb:1 >/dev/null
	run --separate-stderr udc run deb /usr/bin/python3 -c 'print(open("/etc/debian_version").read().strip())'
	assert_success
	assert_output --regexp '^12\.'
}

@test "$MODE_TAG run: -e and --env-file set the guest environment, -w its working directory" {
	printf 'FROMFILE=file value\n# a comment\n' >envs
	run --separate-stderr udc run -e 'GREETING=hello world' --env-file=envs -w /etc bb \
		/bin/sh -c 'echo "$GREETING|$FROMFILE|$(pwd)"'
	assert_success
	assert_output 'hello world|file value|/etc'
}

@test "$MODE_TAG run: gcc of a Debian image compiles into a volume, and the result runs in the guest" {
	need_debian
	udc -q import "$DEBIAN_TAR" deb:1 >/dev/null
	udc -q create --name=deb deb:1 >/dev/null
	mkdir src
	printf '#include <stdio.h>\nint main(void) { puts("built in the guest"); return 42; }\n' >src/t.c
	run --separate-stderr udc run -v "$PWD/src:/src" deb /bin/sh -c 'cd /src && gcc -o t t.c && ./t'
	assert_equal "$status" 42
	assert_output "built in the guest"
	[ -x src/t ]
}

@test "$MODE_TAG setup: prints the execution mode, --execmode switches it and back, ps -m shows it" {
	local other=P2
	[ "$ENGINE_MODE" != P2 ] || other=P1
	run --separate-stderr udc setup bb
	assert_success
	assert_output "execmode: $ENGINE_MODE"
	run --separate-stderr udc setup --execmode=$other bb
	assert_output "execmode: $other"
	run --separate-stderr udc ps -m
	assert_line --regexp "^[0-9a-f-]{36} \. W $other +\['bb'\]"
	udc run bb /bin/true # the first run makes the mount points of /dev, /proc, ... (once)
	before=$(find "$(udc inspect -p bb)" -printf '%p %m %s\n' | sort | sha256sum)
	udc setup --execmode="$ENGINE_MODE" bb >/dev/null
	run --separate-stderr udc run bb /bin/cat /etc/os-release
	assert_success
	[ "$(find "$(udc inspect -p bb)" -printf '%p %m %s\n' | sort | sha256sum)" = "$before" ]
}

@test "$MODE_TAG setup: an unknown mode is one error line naming it, nothing changes" {
	repo_snapshot
	run --separate-stderr udc setup --execmode=Z9 bb
	assert_error_unchanged "Z9"
}
