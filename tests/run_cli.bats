#!/usr/bin/env bats
# run_cli.bats - the front end of `run`: an image by name (created, pulled per --pull from the
# registry on 127.0.0.1), --name, --rm, --location, --cpuset-cpus, --device, the default
# execution mode, combined short flags and the options accepted for compatibility.

load helpers/common
# shellcheck source=tests/helpers/registry.bash
source "$BATS_TEST_DIRNAME/helpers/registry.bash"

setup_file() {
	registry_start plain
}

teardown_file() {
	registry_stop
}

setup() {
	common_setup
	need_busybox
	udc -q import "$BUSYBOX_TAR" bb:1 >/dev/null
}

# containers: the ids of the repository's containers, one a line.
containers() {
	ls "$UDOCKERC_DIR/containers" 2>/dev/null || true
}

@test "$MODE_TAG run IMAGE: a new container of a local image runs; a second run makes another" {
	run --separate-stderr udc run bb:1 /bin/cat /etc/os-release
	assert_success
	assert_line ID=udockerc-busybox
	assert_equal "$(containers | wc -l)" 1
	udc run bb:1 /bin/true
	assert_equal "$(containers | wc -l)" 2
}

@test "$MODE_TAG run --rm: the container made for the run is gone afterwards, the exit status kept" {
	run --separate-stderr udc run --rm bb:1 /bin/sh -c 'echo ran; exit 3'
	assert_equal "$status" 3
	assert_output ran
	assert_equal "$(containers)" ''
	# an existing container goes as well (udocker's --rm), a protected one stays
	udc -q create --name=keep bb:1 >/dev/null
	udc protect keep
	run --separate-stderr udc run --rm keep /bin/true
	assert_success
	assert_equal "$(containers | wc -l)" 1
}

@test "$MODE_TAG run --name: names the new container; a taken name is one error, exit 1, nothing made" {
	run --separate-stderr udc run --name=web bb:1 /bin/true
	assert_success
	run --separate-stderr udc ps
	assert_line --regexp "\['web'\] +bb:1"
	run --separate-stderr udc run --name=web bb:1 /bin/true
	assert_equal "$status" 1
	assert_one_error_line "web"
	assert_equal "$(containers | wc -l)" 1
}

@test "$MODE_TAG run --pull=reuse --name: runs the container of that name instead of a new one" {
	udc run --name=box bb:1 /bin/sh -c 'echo kept >/root/mark'
	run --separate-stderr udc run --pull=reuse --name=box bb:1 /bin/cat /root/mark
	assert_success
	assert_output kept
	assert_equal "$(containers | wc -l)" 1
}

@test "$MODE_TAG run IMAGE: a missing image is pulled from the registry, then run with its config" {
	run --separate-stderr udc run "$REGISTRY/busybox"
	assert_success
	assert_output 'fixture says hello  wide world'
	run --separate-stderr udc images
	assert_line --regexp "^$REGISTRY/busybox:latest "
}

@test "$MODE_TAG run --pull=never: a missing image is one error line naming it, exit 1, nothing pulled" {
	run --separate-stderr udc run --pull=never "$REGISTRY/busybox" /bin/true
	assert_equal "$status" 1
	assert_one_error_line "$REGISTRY/busybox"
	run --separate-stderr udc images
	refute_output --partial "$REGISTRY"
	run --separate-stderr udc run --pull=sometimes bb:1 /bin/true
	assert_equal "$status" 1
	assert_one_error_line "sometimes"
}

@test "$MODE_TAG run --pull=always pulls a changed tag again; the default reuses the local image" {
	registry_skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
		"docker://$REGISTRY/busybox:latest" "docker://$REGISTRY/moving:1"
	udc -q pull "$REGISTRY/moving:1"
	registry_skopeo copy -q --src-tls-verify=false --dest-tls-verify=false \
		"docker://$REGISTRY/layered:latest" "docker://$REGISTRY/moving:1"
	run --separate-stderr udc run "$REGISTRY/moving:1" /bin/cat /etc/fixture-layer
	assert_failure
	run --separate-stderr udc run --pull=always "$REGISTRY/moving:1" /bin/cat /etc/fixture-layer
	assert_success
	assert_output --regexp '^layer [0-9]$'
}

@test "$MODE_TAG run: no container and no image of that name is one error line, exit 1" {
	run --separate-stderr udc run --pull=never nosuch /bin/true
	assert_equal "$status" 1
	assert_one_error_line nosuch
	run --separate-stderr udc run --pull=never 'Not/A:Valid:Ref' /bin/true
	assert_equal "$status" 1
}

@test "$MODE_TAG run --location=DIR: a root directory outside the repository, the command after it" {
	mkdir rootfs
	tar -xf "$BUSYBOX_TAR" -C rootfs 2>/dev/null || tar -xzf "$BUSYBOX_TAR" -C rootfs
	run --separate-stderr udc run --location="$PWD/rootfs" /bin/cat /etc/os-release
	assert_success
	assert_line ID=udockerc-busybox
	run --separate-stderr udc run --location="$PWD/rootfs"
	assert_equal "$status" 1
	assert_one_error_line "no command"
}

@test "$MODE_TAG run --cpuset-cpus: the guest runs on those CPUs; a bad list is one error, exit 2" {
	run --separate-stderr udc run --cpuset-cpus=0 bb:1 /bin/sh -c 'grep Cpus_allowed_list /proc/self/status'
	assert_success
	assert_output --regexp 'Cpus_allowed_list:[[:space:]]+0$'
	run --separate-stderr udc run --cpuset-cpus=0-x bb:1 /bin/true
	assert_equal "$status" 2
	assert_one_error_line "0-x"
}

@test "$MODE_TAG run --device: the device is bound even with --nosysdirs" {
	run --separate-stderr udc run --nosysdirs --device=/dev/null bb:1 /bin/sh -c 'echo x >/dev/null && echo ok; ls /dev'
	assert_success
	assert_output $'ok\nnull'
}

@test "$MODE_TAG run: UDOCKERC_DEFAULT_EXECUTION_MODE sets the mode of new containers; unknown: error" {
	UDOCKERC_DEFAULT_EXECUTION_MODE=P2 udc run --name=p2 bb:1 /bin/true
	run --separate-stderr udc setup p2
	assert_output "execmode: P2"
	UDOCKERC_DEFAULT_EXECUTION_MODE=Q7 run --separate-stderr udc run bb:1 /bin/true
	assert_equal "$status" 1
	assert_one_error_line Q7
	assert_equal "$(containers | wc -l)" 1
}

@test "$MODE_TAG run: -it, -i -t -a, --nobanner, --dri are accepted; -p and --dns warn once and run" {
	run --separate-stderr udc run -it --nobanner --dri bb:1 /bin/echo fine
	assert_success
	assert_output fine
	run --separate-stderr udc run -i -t -a -p 8080:80 --dns=1.1.1.1 bb:1 /bin/echo fine
	assert_success
	assert_output fine
	# plus, in an F mode as a user other than root, the notice that the guest is that user
	assert_identity_notice 0 0
	local notices=0
	! f_mode || is_root || notices=1
	assert_equal "$(grep -c '^Warning: ' <<<"$stderr")" $((2 + notices))
	[[ $stderr == *--publish* ]]
}
