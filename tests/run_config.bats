#!/usr/bin/env bats
# run_config.bats - run against an image whose config sets Entrypoint, Cmd, Env (with spaces),
# WorkingDir and a named User (built here with umoci from the busybox fixture): the command,
# the environment (Docker's precedence), -w, -e, --env-file, -u and their combinations, and
# the identity files of a user the image does not know (never written into the container).

load helpers/common

# The entrypoint of the image: what it sees, one fact a line.
SHOW_SCRIPT='#!/bin/sh
echo "argc=$#"
for a in "$@"; do echo "arg=[$a]"; done
echo "cwd=$(pwd)"
echo "id=$(id)"
env | sort | sed "s/^/env=/"'

# build_cfg_image LAYOUT: busybox plus a layer with user app (1234) and /opt/app/show, and
# the config: Entrypoint [show, "first arg"], Cmd ["default  cmd", second], Env with spaces,
# WorkingDir /srv/work, User app.
build_cfg_image() {
	local lay=$1 w=$BATS_FILE_TMPDIR/cfg-build
	mkdir -p "$w/l/etc" "$w/l/opt/app" "$w/l/srv/work" "$w/l/home/app"
	tar -xOf "$BUSYBOX_TAR" etc/passwd >"$w/l/etc/passwd"
	echo 'app:x:1234:1234:App:/home/app:/bin/sh' >>"$w/l/etc/passwd"
	tar -xOf "$BUSYBOX_TAR" etc/group >"$w/l/etc/group"
	echo 'app:x:1234:' >>"$w/l/etc/group"
	printf '%s\n' "$SHOW_SCRIPT" >"$w/l/opt/app/show"
	chmod 0755 "$w/l/opt/app/show"
	(cd "$w/l" && tar --numeric-owner --owner=0 --group=0 -cf "$w/layer.tar" etc opt srv home)
	umoci init --layout "$lay"
	umoci new --image "$lay:cfg"
	umoci raw add-layer --image "$lay:cfg" "$BUSYBOX_TAR"
	umoci raw add-layer --image "$lay:cfg" "$w/layer.tar"
	umoci config --image "$lay:cfg" --config.entrypoint /opt/app/show \
		--config.entrypoint 'first arg' --config.cmd 'default  cmd' --config.cmd second \
		--clear config.env --config.env 'PATH=/usr/bin:/bin' \
		--config.env 'GREETING=hello  wide world' --config.env 'OVER=image' \
		--config.workingdir /srv/work --config.user app
}

setup_file() {
	[ -n "${BUSYBOX_TAR:-}" ] || return 0 # need_busybox reports it in each test
	CFG_LAYOUT=$BATS_FILE_TMPDIR/oci
	build_cfg_image "$CFG_LAYOUT" >/dev/null
	export CFG_LAYOUT
}

setup() {
	common_setup
	need_busybox
	[ -d "${CFG_LAYOUT:-}" ] || fail "the config image was not built (umoci)"
	udc -q load -i "$CFG_LAYOUT" cfg >/dev/null
	udc -q create --name=c cfg:cfg >/dev/null
}

# assert_id UID GID RE: the entrypoint's id line of a run as UID:GID is "id=" then RE; in an F
# mode it is the host user's instead (not emulated there), with one identity notice when
# UID:GID is not the host user.
assert_id() {
	if f_mode; then
		assert_line --regexp "^id=uid=$(id -u)\([^)]*\) gid=$(id -g)\("
	else
		assert_line --regexp "^id=$3"
	fi
	assert_identity_notice "$1" "$2"
}

# show ARGS...: run ARGS (options, c, command) and keep stdout; fails the test on failure.
show() {
	run --separate-stderr udc run "$@"
	assert_success
}

@test "$MODE_TAG run config: no CMD runs Entrypoint + Cmd as the image's User, in WorkingDir, with Env" {
	show c
	assert_line --index 0 argc=3
	assert_line --index 1 'arg=[first arg]'
	assert_line --index 2 'arg=[default  cmd]'
	assert_line --index 3 'arg=[second]'
	assert_line cwd=/srv/work
	assert_id 1234 1234 'uid=1234\(app\) gid=1234\(app\)'
	assert_line 'env=GREETING=hello  wide world'
	assert_line env=PATH=/usr/bin:/bin
	assert_line env=HOME=/home/app
	assert_line env=USER=app
	assert_line env=LOGNAME=app
}

@test "$MODE_TAG run config: CMD replaces Cmd and keeps Entrypoint; arguments keep their spaces" {
	show c 'a  b' '' c
	assert_line --index 0 argc=4
	assert_line --index 1 'arg=[first arg]'
	assert_line --index 2 'arg=[a  b]'
	assert_line --index 3 'arg=[]'
	assert_line --index 4 'arg=[c]'
	refute_output --partial second
}

@test "$MODE_TAG run config: --entrypoint=X replaces Entrypoint and drops Cmd; --entrypoint= clears it" {
	show --entrypoint=/bin/echo c one 'two  three'
	assert_output 'one two  three'
	show --entrypoint=/bin/pwd c
	assert_output /srv/work
	show --entrypoint= c /bin/echo plain
	assert_output plain
	run --separate-stderr udc run --entrypoint= c
	assert_equal "$status" 2
	assert_one_error_line 'no command'
}

@test "$MODE_TAG run config: --nometa ignores Entrypoint, Cmd, Env, WorkingDir and User" {
	show --nometa c /opt/app/show x
	assert_line --index 0 argc=1
	assert_line --index 1 'arg=[x]'
	assert_line cwd=/
	assert_id 0 0 'uid=0\(root\) gid=0\(root\)'
	refute_output --partial GREETING
	assert_line "env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	assert_line env=HOME=/root
	run --separate-stderr udc run --nometa c
	assert_equal "$status" 2
	assert_one_error_line 'no command'
}

@test "$MODE_TAG run config: -w alone, -w inside a volume, -w through a symlink; a missing -w is exit 2" {
	mkdir -p vol/sub
	show -w /etc c
	assert_line cwd=/etc
	show -w /data/sub -v "$PWD/vol:/data" c
	assert_line cwd=/data/sub
	show -w /data/sub/ -v "$PWD/vol:/data" --entrypoint=/bin/sh c -c 'touch here && pwd'
	assert_output /data/sub
	[ -f vol/sub/here ] || fail "the guest's cwd was not the volume"
	run --separate-stderr udc run -w /nonexistent c
	assert_equal "$status" 2
	assert_one_error_line /nonexistent
	run --separate-stderr udc run -w /data/missing -v "$PWD/vol:/data" c
	assert_equal "$status" 2
	assert_one_error_line /data/missing
}

@test "$MODE_TAG run config: image Env < --env-file < -e K=V; -e K copies the host's value" {
	printf 'OVER=file\nFROMFILE=f  v\nBOTH=file\n' >envf
	show -e 'OVER=cli  value' c
	assert_line 'env=OVER=cli  value'
	assert_line 'env=GREETING=hello  wide world'
	show --env-file=envf c
	assert_line env=OVER=file
	assert_line 'env=FROMFILE=f  v'
	show --env-file=envf -e BOTH=cli -e FROMHOST c
	assert_line env=OVER=file
	assert_line env=BOTH=cli
	refute_line --partial env=FROMHOST
	FROMHOST='host  val' show -e FROMHOST c
	assert_line 'env=FROMHOST=host  val'
	show -e PATH=/bin c
	assert_line env=PATH=/bin
}

@test "$MODE_TAG run config: the host environment stays out but TERM; --hostenv passes it under the image's" {
	SECRET_X=leak TERM=vt100 OVER=host show c
	refute_output --partial SECRET_X
	assert_line env=TERM=vt100
	assert_line env=OVER=image
	SECRET_X=leak OVER=host show --hostenv c
	assert_line env=SECRET_X=leak
	assert_line env=OVER=image
	assert_line env=HOME=/home/app
}

@test "$MODE_TAG run config: udocker's container_uuid, container_names, container_execmode, container_root" {
	local id root other
	id=$(basename "$(readlink "$UDOCKERC_DIR/names/c")")
	[[ $id =~ $UUID_RE ]] || fail "names/c does not lead to a container id: $id"
	root=$(udc inspect -p c)
	show c
	assert_line "env=container_uuid=$id"
	assert_line env=container_names=c
	assert_line "env=container_execmode=$ENGINE_MODE"
	assert_line "env=container_root=$root"
	other=P2
	[ "$ENGINE_MODE" != P2 ] || other=P1
	udc setup --execmode=$other c >/dev/null
	show c
	assert_line env=container_execmode=$other
}

@test "$MODE_TAG run config: -u NAME, UID, UID:GID, NAME:GROUP and the image's User; HOME/USER/LOGNAME follow" {
	show -u root c
	assert_id 0 0 'uid=0\(root\) gid=0\(root\)'
	assert_line env=HOME=/root
	assert_line env=USER=root
	show -u 1234 c
	assert_id 1234 1234 'uid=1234\(app\) gid=1234\(app\)'
	assert_line env=LOGNAME=app
	show -u nobody:daemon c
	assert_id 65534 1 'uid=65534\(nobody\) gid=1\(daemon\)'
	assert_line env=HOME=/nonexistent
	show --user=1:65534 c
	assert_id 1 65534 'uid=1\(daemon\) gid=65534\(nogroup\)'
	run --separate-stderr udc run -u ghost c
	assert_equal "$status" 2
	assert_one_error_line ghost
}

@test "$MODE_TAG run config: -u of an unknown uid/gid: names from private copies; the container is not edited" {
	local root before
	root=$(udc inspect -p c)
	before=$(cat "$root/etc/passwd" "$root/etc/group" | sha256sum)
	show -u 4242 c
	assert_id 4242 0 'uid=4242\(udoc4242\) gid=0\(root\)'
	assert_line env=HOME=/
	assert_line env=USER=udoc4242
	assert_line env=LOGNAME=udoc4242
	show -u 4242:4343 --entrypoint=/bin/sh c -c 'id; tail -n 1 /etc/passwd; tail -n 1 /etc/group
		grep -c ^app: /etc/passwd; whoami'
	if f_mode; then
		# the private copies are the guest's files all the same; the process is the host user
		assert_line --index 0 --regexp "^uid=$(id -u)\([^)]*\) gid=$(id -g)\("
		assert_equal "$(printf '%s\n' "${lines[@]:1}")" "udoc4242:x:4242:4343:*UDOCKER*:/:/bin/sh
udoc4343:x:4343:
1
$(host_user_in "$root/etc/passwd")"
	else
		assert_output "uid=4242(udoc4242) gid=4343(udoc4343)
udoc4242:x:4242:4343:*UDOCKER*:/:/bin/sh
udoc4343:x:4343:
1
udoc4242"
	fi
	assert_identity_notice 4242 4343
	show -u app:777 c
	assert_id 1234 777 'uid=1234\(app\) gid=777\(udoc777\)'
	assert_equal "$(cat "$root/etc/passwd" "$root/etc/group" | sha256sum)" "$before"
	assert_tmp_empty
	# the copy is 0444 (real root may write it all the same: it is private and goes away)
	run --separate-stderr udc run -u 4242 --entrypoint=/bin/sh c -c 'echo x >>/etc/passwd'
	is_root || assert_failure
	assert_equal "$(cat "$root/etc/passwd" "$root/etc/group" | sha256sum)" "$before"
	assert_tmp_empty
}

@test "$MODE_TAG run config: --hostauth shows the host's passwd; an unknown uid is added to a copy of it" {
	run --separate-stderr udc run --hostauth c
	assert_equal "$status" 2
	assert_one_error_line 'user app' # the image's User is looked up in the host's files
	show --hostauth -u 0 --entrypoint=/bin/cat c /etc/passwd
	assert_equal "$output" "$(cat /etc/passwd)"
	# in an F mode the guest is the host user, named by the host's passwd it is shown
	local me=root you=udoc4242
	! f_mode || me=$(id -un) you=$(id -un)
	show --hostauth -u 0 --entrypoint=/bin/id c -un
	assert_output "$me"
	assert_identity_notice 0 0
	show --hostauth -u 4242 --entrypoint=/bin/sh c -c 'id -un; grep -c "^root:" /etc/passwd'
	assert_output "$you"$'\n1'
	assert_tmp_empty
}

@test "$MODE_TAG run config: -w, -e, --env-file and -u together" {
	mkdir -p vol/w
	echo 'FROMFILE=ff' >envf
	show -w /data/w -v "$PWD/vol:/data" -e 'X=1  2' --env-file=envf -u 4242:1234 c last
	assert_line --index 2 'arg=[last]'
	assert_line cwd=/data/w
	assert_id 4242 1234 'uid=4242\(udoc4242\) gid=1234\(app\)'
	assert_line 'env=X=1  2'
	assert_line env=FROMFILE=ff
	assert_line 'env=GREETING=hello  wide world'
	assert_line env=USER=udoc4242
}

@test "$MODE_TAG run config: kill -9 of a run with identity files: the next command removes its stage" {
	(udc_exec run -u 4242 --entrypoint=/bin/sleep c 30) &
	local pid=$! i
	for i in $(seq 100); do
		[ -z "$(find "$UDOCKERC_DIR/tmp" -name passwd 2>/dev/null)" ] || break
		sleep 0.1
	done
	[ -n "$(find "$UDOCKERC_DIR/tmp" -name passwd)" ] || fail "no identity file appeared"
	kill -9 "$pid"
	wait "$pid" || true
	for i in $(seq 50); do # a tracer process may outlive udockerc by a moment
		udc ps >/dev/null
		[ -z "$(find "$UDOCKERC_DIR/tmp" -name 'stage-*')" ] && break
		sleep 0.1
	done
	assert_tmp_empty
}

@test "$MODE_TAG run config: --location with an unknown uid: the identity files go under \$TMPDIR, then away" {
	local root
	root=$(udc inspect -p c)
	mkdir t
	local name=udoc4242 # in an F mode: the host user, by the guest's name for it
	! f_mode || name=$(host_user_in "$root/etc/passwd")
	TMPDIR=$PWD/t show --location="$root" -u 4242 /bin/sh -c 'id -un; tail -n 1 /etc/passwd'
	assert_output "$name"$'\nudoc4242:x:4242:0:*UDOCKER*:/:/bin/sh'
	assert_identity_notice 4242 0
	run find t -mindepth 1
	assert_output ''
}
