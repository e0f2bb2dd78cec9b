#!/usr/bin/env bats
# run_ident.bats - the guest's identity under the P engine (P1 and P2): root by default even
# for an unprivileged user, -u/--user, chown without effect, file owners as the guest sees
# them, set*id inside the guest, dpkg -i as fake root, and uname under --kernel.

load helpers/common

setup() {
	common_setup
	bb_container
}

# fake_root: the options that make the guest a fake root: none for an unprivileged user; for
# real root (whom the engine does not fake: the guest is root already) gid 1 forces the fake.
fake_root() {
	FAKE=()
	! is_root || FAKE=(-u 0:1)
}

@test "run ident: id is root by default, for P1 and P2, whoever runs udockerc" {
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		run --separate-stderr udc run bb /bin/sh -c 'id; id -u; id -g'
		assert_success
		assert_line --index 0 --regexp '^uid=0\(root\) gid=0\(root\)'
		assert_line --index 1 0
		assert_line --index 2 0
	done
}

@test "run ident: -u 1000:1000 and --user=UID:GID are what the guest sees, for P1 and P2" {
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		run --separate-stderr udc run -u 1000:1000 bb /bin/sh -c 'id -u; id -g'
		assert_success
		assert_output $'1000\n1000'
		run --separate-stderr udc run --user=4242:4343 bb /bin/id -u
		assert_success
		assert_output 4242
	done
}

@test "run ident: -u takes names from the guest's passwd (Debian: nobody, daemon)" {
	deb_container
	for mode in P1 P2; do
		udc setup --execmode=$mode deb >/dev/null
		run --separate-stderr udc run -u nobody deb /usr/bin/id -un
		assert_success
		assert_output nobody
		run --separate-stderr udc run --user=daemon deb /usr/bin/id
		assert_success
		assert_output --regexp '^uid=1\(daemon\) gid=1\(daemon\)'
	done
}

@test "run ident: an unknown -u user is one error line naming it, exit status 2" {
	run --separate-stderr udc run -u nosuchuser bb /bin/true
	assert_equal "$status" 2
	assert_one_error_line nosuchuser
}

@test "run ident: chown succeeds without effect on the host, for P1 and P2" {
	fake_root
	mkdir vol
	touch vol/f
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		run --separate-stderr udc run "${FAKE[@]}" -v "$PWD/vol:/vol" bb /bin/sh -c \
			'chown 123:456 /vol/f && chown -h 7:8 /vol/f && chgrp 9 /vol/f && echo done'
		assert_success
		assert_output done
		assert_equal "$(stat -c %u:%g vol/f)" "$(id -u):$(id -g)"
		run --separate-stderr udc run bb /bin/chown 1:1 /nonexistent
		assert_failure
		[[ $stderr == *'No such file or directory'* ]] || fail "stderr: $stderr"
	done
}

@test "run ident: a fake non-root user may not give a file away (EPERM), but may keep it" {
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		run --separate-stderr udc run -u 1000:1000 bb /bin/sh -c \
			'touch /tmp/mine && chown 1000:1000 /tmp/mine && echo kept; chown 123 /tmp/mine'
		assert_failure
		assert_output kept
		[[ $stderr == *'Operation not permitted'* ]] || fail "stderr: $stderr"
	done
}

@test "run ident: a file the guest creates shows 0 0 in ls -ln, for P1 and P2" {
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		run --separate-stderr udc run bb /bin/sh -c \
			'touch /tmp/new && ls -ln /tmp/new && stat -c %u:%g /tmp/new && stat -L -c %u:%g /proc/self/exe'
		assert_success
		assert_line --index 0 --regexp '^-[rwx-]{9} +1 +0 +0 '
		assert_line --index 1 0:0
		assert_line --index 2 0:0
	done
}

@test "run ident: only the real user's files change owner in the guest's eyes" {
	# under -u 1000:1000 the real user's files are 1000's; another owner stays as it is
	local vols=(-v "$PWD/mine:/mine") other=/dev/null want
	touch mine
	want=$(stat -c %u:%g /dev/null)
	if is_root; then # /dev/null is the real user's: take a file of a third user
		touch theirs
		chown 4242:4343 theirs
		vols+=(-v "$PWD/theirs:/theirs")
		other=/theirs want=4242:4343
	fi
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		run --separate-stderr udc run -u 1000:1000 "${vols[@]}" bb /bin/stat -c %u:%g /mine "$other"
		assert_success
		assert_output "1000:1000
$want"
	done
}

@test "run ident: set*id calls in the guest follow the kernel's rules; children inherit" {
	fake_root
	deb_container
	for mode in P1 P2; do
		udc setup --execmode=$mode deb >/dev/null
		run --separate-stderr udc run "${FAKE[@]}" deb /usr/bin/python3 -u -c '
import os, threading
os.setgroups([4, 5]); print(os.getgroups())
os.setresgid(8, 9, 10); print(os.getresgid())
os.setresuid(5, 6, 7); print(os.getresuid())
try:
    os.setuid(0)
except PermissionError:
    print("EPERM")
os.setuid(7); print(os.getresuid())
os.system("/usr/bin/id -u; /bin/sh -c \"/usr/bin/id -u\"")
r = []
t = threading.Thread(target=lambda: r.append(os.geteuid())); t.start(); t.join(); print(r)
'
		assert_success
		assert_output "[4, 5]
(8, 9, 10)
(5, 6, 7)
EPERM
(5, 7, 7)
5
5
[7]"
	done
}

@test "run ident: dpkg -i of a package built in the guest installs it, for P1 and P2" {
	deb_container
	cat >build.sh <<'EOF'
set -e
cd /tmp
rm -rf pkg
mkdir -p pkg/DEBIAN pkg/usr/share/udc-hello
cat >pkg/DEBIAN/control <<'END'
Package: udc-hello
Version: 1.0
Architecture: all
Maintainer: udockerc tests <tests@example.org>
Description: a package built in the guest
END
echo hello >pkg/usr/share/udc-hello/hello.txt
dpkg-deb --build pkg udc-hello.deb >/dev/null
dpkg -i udc-hello.deb >/dev/null
dpkg -s udc-hello | grep '^Status:'
cat /usr/share/udc-hello/hello.txt
dpkg -r udc-hello >/dev/null
[ ! -e /usr/share/udc-hello/hello.txt ] && echo removed
EOF
	for mode in P1 P2; do
		udc setup --execmode=$mode deb >/dev/null
		run --separate-stderr udc run -v "$PWD/build.sh:/build.sh" deb /bin/sh /build.sh
		assert_success
		assert_output $'Status: install ok installed\nhello\nremoved'
	done
}

@test "run ident: --kernel=6.1.0 is what uname -r says, without it the host's, P1 and P2" {
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		run --separate-stderr udc run --kernel=6.1.0 bb /bin/uname -r
		assert_success
		assert_output 6.1.0
		run --separate-stderr udc run --kernel=5.15.0-91-generic -u 1000:1000 bb /bin/uname -r
		assert_success
		assert_output 5.15.0-91-generic
		run --separate-stderr udc run bb /bin/uname -r
		assert_success
		assert_output "$(uname -r)"
	done
}

@test "run ident: a --kernel that is no release is one error line naming it, exit status 2" {
	run --separate-stderr udc run --kernel=6.1.x bb /bin/true
	assert_equal "$status" 2
	assert_one_error_line "--kernel=6.1.x"
}
