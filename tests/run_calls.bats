#!/usr/bin/env bats
# run_calls.bats - path-carrying calls the P engine emulates in the guest view: openat2's
# RESOLVE_* flags, AF_UNIX socket paths, chroot, and /proc/self/root (P1 and P2).

load helpers/common

# The helper programs these tests copy into ./src (tests/helpers/).
HELPERS=(openat2_try.c unix_sock.py)

setup() {
	common_setup
}

# The openat2 cases: a jail directory with a file, escaping symlinks and a volume below it.
openat2_cases() {
	mkdir vol
	echo VOLX >vol/x
	# shellcheck disable=SC2016
	run --separate-stderr udc run -v "$PWD/src:/src" -v "$PWD/vol:/w/jail/vol" deb /bin/sh -c '
		cd /src && gcc -o o2 openat2_try.c || exit 99
		mkdir -p /w/jail/sub; echo IN >/w/jail/f; echo OUT >/w/outside; echo TOP >/f
		ln -s /f /w/jail/abs; ln -s ../outside /w/jail/up; ln -s vol/x /w/jail/tovol
		for c in "f" "sub/../f beneath" "../outside beneath" "/f beneath" "abs beneath" \
			"up beneath" "/f in_root" "abs in_root" "../../f in_root" "up in_root" \
			"abs no_symlinks" "abs nofollow no_symlinks" "new beneath creat" \
			"/proc/self/root/f" "/proc/self/root/f no_magiclinks" "/proc/self/root/f beneath" \
			"abs no_xdev" "vol/x no_xdev" "vol/x beneath" "tovol in_root"; do
			set -- $c; p=$1; shift; printf "%s [%s]: " "$p" "$*"; /src/o2 /w/jail "$p" "$@"
		done
		cd /w/jail && printf "cwd: "; /src/o2 . ../outside beneath; printf "cwd: "; /src/o2 . f in_root
		ls /w/jail/new'
	assert_success
	assert_output - <<'OUT'
f []: /w/jail/f IN
sub/../f [beneath]: /w/jail/f IN
../outside [beneath]: EXDEV
/f [beneath]: EXDEV
abs [beneath]: EXDEV
up [beneath]: EXDEV
/f [in_root]: /w/jail/f IN
abs [in_root]: /w/jail/f IN
../../f [in_root]: /w/jail/f IN
up [in_root]: ENOENT
abs [no_symlinks]: ELOOP
abs [nofollow no_symlinks]: /w/jail/abs 
new [beneath creat]: /w/jail/new 
/proc/self/root/f []: /f TOP
/proc/self/root/f [no_magiclinks]: ELOOP
/proc/self/root/f [beneath]: EXDEV
abs [no_xdev]: /f TOP
vol/x [no_xdev]: EXDEV
vol/x [beneath]: /w/jail/vol/x VOLX
tovol [in_root]: /w/jail/vol/x VOLX
cwd: EXDEV
cwd: /w/jail/f IN
/w/jail/new
OUT
}

@test "calls: openat2 honours RESOLVE_BENEATH, IN_ROOT, NO_SYMLINKS, NO_MAGICLINKS, NO_XDEV (P1)" {
	deb_container "${HELPERS[@]}"
	openat2_cases
}

@test "calls: openat2 honours the RESOLVE_* flags under P2 too" {
	deb_container "${HELPERS[@]}"
	udc setup --execmode=P2 deb >/dev/null
	openat2_cases
}

@test "calls: AF_UNIX bind/connect in the guest's /tmp; the socket lands in the container" {
	deb_container "${HELPERS[@]}"
	run --separate-stderr udc run -v "$PWD/src:/src" deb /usr/bin/python3 /src/unix_sock.py /tmp sock
	assert_success
	assert_line -n 0 "bound /tmp/sock"
	# the peer's name is the server's bind string: relative when the host path was too long
	assert_line -n 1 --regexp '^peer /?tmp/sock$'
	assert_line -n 2 "got hello over /tmp/sock"
	assert_line -n 3 "relative /tmp/rel-sock True"
	root=$(udc inspect -p deb)
	[ -S "$root/tmp/sock" ]
	[ -S "$root/tmp/rel-sock" ]
	[ ! -e /tmp/sock ] || [ ! "/tmp/sock" -ef "$root/tmp/sock" ]
}

@test "calls: AF_UNIX paths longer than sun_path on the host still bind and connect" {
	deb_container "${HELPERS[@]}"
	udc setup --execmode=P2 deb >/dev/null
	deep=/tmp/$(printf 'd%.0s' $(seq 1 80))
	root=$(udc inspect -p deb)
	[ $((${#root} + ${#deep} + 2)) -gt 108 ]
	run --separate-stderr udc run -v "$PWD/src:/src" deb /usr/bin/python3 /src/unix_sock.py "$deep" s
	assert_success
	assert_line "bound $deep/s"
	assert_line "got hello over $deep/s"
	assert_line "relative $deep/rel-s True"
	[ -S "$root$deep/s" ]
}

@test "calls: busybox chroot runs a shell inside a guest directory, nested, and chroot / is a no-op" {
	need_busybox
	udc -q import "$BUSYBOX_TAR" bb:1 >/dev/null
	udc -q create --name=bb bb:1 >/dev/null
	# shellcheck disable=SC2016
	run --separate-stderr udc run bb /bin/sh -c '
		mkdir -p /srv/jail/bin /srv/jail/in/bin && cp /bin/busybox /srv/jail/bin/ &&
		cp /bin/busybox /srv/jail/in/bin/ && echo JAIL >/srv/jail/marker
		echo INNER >/srv/jail/in/marker
		chroot /srv/jail /bin/busybox sh -c "busybox cat /marker /../../marker; cd /bin && busybox pwd
			busybox ls /; busybox test -e /proc/self || echo no-proc
			chroot /in /bin/busybox cat /marker; chroot / /bin/busybox cat /marker"
		chroot / /bin/cat /etc/os-release | grep ^ID=
		chroot /nonexistent /bin/sh; chroot /etc/passwd /bin/sh; true'
	assert_success
	assert_output - <<'OUT'
JAIL
JAIL
/bin
bin
in
marker
no-proc
INNER
JAIL
ID=udockerc-busybox
OUT
	[[ $stderr == *"/nonexistent': No such file or directory"* ]]
	[[ $stderr == *"/etc/passwd': Not a directory"* ]]
}

@test "calls: readlink /proc/self/root is /, even with the host's / as a volume (P1 and P2)" {
	need_busybox
	udc -q import "$BUSYBOX_TAR" bb:1 >/dev/null
	udc -q create --name=bb bb:1 >/dev/null
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		# shellcheck disable=SC2016
		run --separate-stderr udc run -v /:/host bb /bin/sh -c \
			'readlink /proc/self/root; readlink /proc/$$/root; grep ^ID= /proc/self/root/etc/os-release'
		assert_success
		assert_output $'/\n/\nID=udockerc-busybox'
	done
}
