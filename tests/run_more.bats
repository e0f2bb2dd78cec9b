#!/usr/bin/env bats
# run_more.bats - the P engine's read-only volumes, CLONE_FS threads, foreign ABIs and fexecve
# (P1 and P2 each; the read-only volumes under F1 too).

load helpers/common

# The helper programs these tests copy into ./src (tests/helpers/).
HELPERS=(ro_try.py thr_cwd.py abi_try.c fexec_try.c hello_exe.c)

setup() {
	common_setup
}

# tree_state DIR: every entry of DIR with type, size, mode, owner, mtime and ctime, and the
# sha256 of every file: what any write would change.
tree_state() {
	(cd "$1" && find . -printf '%p %y %s %m %U %G %T@ %C@\n' | sort &&
		find . -type f -exec sha256sum {} + | sort)
}

# ro_cases MODE: writes into a :ro volume fail as on a read-only mount, the host directory is
# unchanged, reads work and the rw volume next to it takes writes.
ro_cases() {
	udc setup --execmode="$1" deb >/dev/null
	mkdir -p ro/sub rw
	echo data >ro/f
	echo w >rw/w
	ln -s f ro/lnk
	before=$(tree_state ro)
	run --separate-stderr udc run -v "$PWD/ro:/ro:ro" -v "$PWD/rw:/rw" -v "$PWD/src:/src" deb \
		/bin/sh -c '
		for c in "touch /ro/new" "touch /ro/f" "rm /ro/f" "mv /ro/f /ro/g" "mv /ro/f /rw/m" \
			"mkdir /ro/d" "ln -s f /ro/l" "ln /ro/f /ro/h" "chmod 600 /ro/f" "chmod 600 /ro/lnk" \
			"chown 0:0 /ro/f" "rmdir /ro/sub" "rmdir /ro" "truncate -s 0 /ro/f"; do
			if out=$($c 2>&1); then echo "$c: OK"; else echo "$c: ${out##*: }"; fi
		done
		(echo x >/ro/f) 2>&1 | sed "s/.*: //"
		cat /ro/f /ro/lnk /rw/m && echo new >/rw/new && cat /rw/new
		python3 /src/ro_try.py /ro /rw'
	assert_success
	assert_output - <<'OUT'
touch /ro/new: Read-only file system
touch /ro/f: Read-only file system
rm /ro/f: Read-only file system
mv /ro/f /ro/g: Read-only file system
mv /ro/f /rw/m: Read-only file system
mkdir /ro/d: Read-only file system
ln -s f /ro/l: Read-only file system
ln /ro/f /ro/h: Read-only file system
chmod 600 /ro/f: Read-only file system
chmod 600 /ro/lnk: Read-only file system
chown 0:0 /ro/f: Read-only file system
rmdir /ro/sub: Read-only file system
rmdir /ro: Device or resource busy
truncate -s 0 /ro/f: Read-only file system
Read-only file system
data
data
data
new
open O_RDWR EROFS
open O_WRONLY|O_APPEND EROFS
open O_RDONLY|O_TRUNC EROFS
open O_RDONLY|O_CREAT existing OK
open O_WRONLY|O_CREAT|O_EXCL existing EEXIST
open O_CREAT new EROFS
open O_WRONLY missing ENOENT
open O_WRONLY dir EISDIR
open O_TMPFILE EROFS
open /dev/null OK
mkdir EROFS
mkdir existing EEXIST
mkfifo EROFS
symlink EROFS
link EROFS
link into rw EXDEV
link from rw EROFS
unlink EROFS
unlink missing EROFS
rmdir EROFS
rename EROFS
rename to rw EXDEV
rename from rw EXDEV
chmod EROFS
chmod missing ENOENT
chown EROFS
utime EROFS
truncate EROFS
setxattr EROFS
removexattr EROFS
fchmod EROFS
fchown EROFS
futimens EROFS
fsetxattr EROFS
bind EROFS
read OK
rw write OK
OUT
	[ "$(tree_state ro)" = "$before" ] || fail "the read-only volume changed on the host"
	[ "$(cat rw/m)" = data ] && [ "$(cat rw/w2)" = x ]
}

@test "more: writes into a :ro volume fail with EROFS, the host side unchanged (P1)" {
	deb_container "${HELPERS[@]}"
	ro_cases P1
}

@test "more: writes into a :ro volume fail with EROFS, the host side unchanged (P2)" {
	deb_container "${HELPERS[@]}"
	ro_cases P2
}

@test "more: writes into a :ro volume fail with EROFS, the host side unchanged (F1)" {
	deb_container "${HELPERS[@]}"
	ro_cases F1
}

# thread_cases MODE: a thread's chdir and chroot reach the main thread's relative and absolute
# paths (the tracer's per-tracee cwd and view are shared by the CLONE_FS group).
thread_cases() {
	udc setup --execmode="$1" deb >/dev/null
	run --separate-stderr udc run -v "$PWD/src:/src" deb python3 /src/thr_cwd.py
	assert_success
	assert_output - <<'OUT'
in d /tmp/d
in jail False
OUT
}

@test "more: a thread's chdir and chroot are its process's (CLONE_FS) (P1)" {
	deb_container "${HELPERS[@]}"
	thread_cases P1
}

@test "more: a thread's chdir and chroot are its process's (CLONE_FS) (P2)" {
	deb_container "${HELPERS[@]}"
	thread_cases P2
}

# abi_cases MODE: i386 (int $0x80) and x32 calls from a 64-bit guest fail with ENOSYS, whether
# the path is the guest's or exists only on the host (untranslated, it would open there).
abi_cases() {
	udc setup --execmode="$1" deb >/dev/null
	echo secret >hostonly
	run --separate-stderr udc run -v "$PWD/src:/src" deb /bin/sh -c "
		cd /tmp && gcc -no-pie -o abi /src/abi_try.c || exit 99
		./abi /etc/hostname && ./abi '$PWD/hostonly'"
	assert_success
	assert_output - <<'OUT'
i386 open: -38
x32 open: -1 Function not implemented
i386 open: -38
x32 open: -1 Function not implemented
OUT
}

@test "more: int 0x80 and x32 syscalls of a 64-bit guest fail with ENOSYS (P1)" {
	deb_container "${HELPERS[@]}"
	abi_cases P1
}

@test "more: int 0x80 and x32 syscalls of a 64-bit guest fail with ENOSYS (P2)" {
	deb_container "${HELPERS[@]}"
	abi_cases P2
}

# fexec_cases MODE: fexecve of guest programs runs them with the guest's loader: one whose
# PT_INTERP exists only in the guest (/opt/myld.so), readlink, and python3's os.execve(fd).
fexec_cases() {
	udc setup --execmode="$1" deb >/dev/null
	run --separate-stderr udc run -v "$PWD/src:/src" deb /bin/sh -c '
		cd /tmp && cp /lib64/ld-linux-x86-64.so.2 /opt/myld.so || exit 99
		gcc -o fx /src/fexec_try.c && gcc -Wl,--dynamic-linker=/opt/myld.so -o hello \
			/src/hello_exe.c || exit 99
		./hello a && ./fx /tmp/hello b c && ./fx /usr/bin/readlink rl /proc/self/exe &&
		python3 -c "import os; os.execve(os.open(\"/tmp/hello\", os.O_RDONLY), [\"py\"], {})"'
	assert_success
	assert_output - <<'OUT'
./hello a exe=/tmp/hello
b c exe=/tmp/hello
/usr/bin/readlink
py exe=/tmp/hello
OUT
}

@test "more: fexecve of a guest program uses the guest's loader (P1)" {
	deb_container "${HELPERS[@]}"
	fexec_cases P1
}

@test "more: fexecve of a guest program uses the guest's loader (P2)" {
	deb_container "${HELPERS[@]}"
	fexec_cases P2
}
