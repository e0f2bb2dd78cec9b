#!/usr/bin/env bats
# run_notif.bats - P1 on Linux 6.6+: the dynamic loader's openat, newfstatat and access calls
# answered through seccomp user notification by a second tracer thread instead of ptrace stops
# (docs/design/ptrace.md, "User notification for the loader's calls"), with the same answers.

load helpers/common

setup() {
	common_setup
	deb_container
	udc setup --execmode=P1 deb >/dev/null
}

# The "notified:" counts UDOCKERC_PT_STATS=1 printed on stderr ("" when notification is off).
notified() {
	printf '%s\n' "$stderr" | sed -n 's/^udockerc: notified: //p'
}

# udc_t ARGS...: udc with a time limit (a notification never answered would hang the run).
udc_t() {
	local root=()
	is_root && root=(--allow-root)
	timeout 120 "${UDOCKERC:-udockerc}" "${root[@]}" "$@"
}

# Skip where the kernel offers no synchronous wake-up (before 6.6): P1 traps every call there.
need_notif() {
	UDOCKERC_PT_STATS=1 run --separate-stderr udc run deb /bin/true
	assert_success
	[ -n "$(notified)" ] || skip "no seccomp user notification with sync wake-up on $(uname -r)"
}

@test "notif: the loader's calls need no tracer stop, and UDOCKERC_PT_NOTIF=0 turns it off" {
	need_notif
	cmd='for i in 1 2 3 4 5; do /bin/true; done; ls /etc/debian_version; cat /etc/hostname >/dev/null'
	UDOCKERC_PT_STATS=1 run --separate-stderr udc run deb /bin/sh -c "$cmd"
	assert_success
	assert_output /etc/debian_version
	on=$(printf '%s\n' "$stderr" | sed -n 's/^udockerc: P1: \([0-9]*\) tracer stops.*/\1/p')
	counts=$(notified)
	[[ $counts =~ ^openat\ ([0-9]+),\ newfstatat\ ([0-9]+),\ access\ ([0-9]+)$ ]] ||
		fail "notified: '$counts'"
	# each of the 8 dynamic execs: the program, ld.so.cache, libc, the shim (and more)
	[ "${BASH_REMATCH[1]}" -ge 24 ] && [ "${BASH_REMATCH[2]}" -ge 16 ] &&
		[ "${BASH_REMATCH[3]}" -ge 7 ] || fail "too few notifications: $counts"
	UDOCKERC_PT_STATS=1 UDOCKERC_PT_NOTIF=0 run --separate-stderr udc run deb /bin/sh -c "$cmd"
	assert_success
	assert_output /etc/debian_version
	[ -z "$(notified)" ] || fail "UDOCKERC_PT_NOTIF=0 still notifies: $stderr"
	off=$(printf '%s\n' "$stderr" | sed -n 's/^udockerc: P1: \([0-9]*\) tracer stops.*/\1/p')
	[ "$on" -lt $((off / 2)) ] || fail "stops with notification $on, without $off"
}

# A program without the shim (UDOCKERC_PT_SHIM=0) makes every open, fstat and access itself:
# relative paths from its cwd, /proc/self, fstat owners under fake root, errors, a volume.
PROBE='import os
out = []
os.chdir("/etc")
with open("passwd") as f:
    st = os.fstat(f.fileno())
    out.append("%s %d:%d %d" % (f.readline().split(":")[0], st.st_uid, st.st_gid, st.st_size > 0))
out.append(open("/proc/self/cmdline").read().split("\0")[0])
out.append(os.path.basename(os.readlink("/proc/self/exe")))
out.append(str(os.fstat(os.open("/proc/self/fd/0", os.O_RDONLY | os.O_CLOEXEC)).st_size >= 0))
for p in ("/etc/passwd", "group", "/nope", "/vol/f", "/vol/sub"):
    out.append("%s:%s" % (p, os.access(p, os.R_OK)))
for p in ("/nope", "/etc/passwd/x", "/vol/f"):
    try:
        out.append(open(p).read().strip())
    except OSError as e:
        out.append(e.strerror)
try:
    os.fstat(987)
except OSError as e:
    out.append(e.strerror)
d = os.open("/vol", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
os.fchdir(d)
out.append(open("sub/g").read().strip())
out.append(str(sorted(os.listdir("."))))
print(" | ".join(out))'

@test "notif: relative paths, /proc/self, owners, errors and volumes answer as the tracer does" {
	need_notif
	mkdir -p vol/sub && echo vol-data >vol/f && echo sub-data >vol/sub/g
	UDOCKERC_PT_STATS=1 UDOCKERC_PT_SHIM=0 run --separate-stderr \
		udc run -v "$PWD/vol:/vol" deb python3 -c "$PROBE"
	assert_success
	with=$output
	[ -n "$(notified)" ] || fail "no notifications: $stderr"
	UDOCKERC_PT_SHIM=0 UDOCKERC_PT_NOTIF=0 run --separate-stderr \
		udc run -v "$PWD/vol:/vol" deb python3 -c "$PROBE"
	assert_success
	assert_output "$with"
	assert_output "root 0:0 1 | python3 | python3.11 | True | /etc/passwd:True | group:True | /nope:False | /vol/f:True | /vol/sub:True | No such file or directory | Not a directory | vol-data | Bad file descriptor | sub-data | ['f', 'sub']"
}

@test "notif: fstat of an O_PATH symlink, a pipe, a socket, a deleted file and a memfd" {
	need_notif
	# the notified fstat is a stat of /proc/PID/fd/N: the same inode for every kind of fd
	prog='import os, socket, stat
out = []
fd = os.open("/lib64", os.O_PATH | os.O_NOFOLLOW)
out.append(stat.S_ISLNK(os.fstat(fd).st_mode))
r, w = os.pipe()
out.append(stat.S_ISFIFO(os.fstat(r).st_mode))
s = socket.socket()
out.append(stat.S_ISSOCK(os.fstat(s.fileno()).st_mode))
f = open("/tmp/del", "w"); f.write("abc"); f.flush(); os.unlink("/tmp/del")
st = os.fstat(f.fileno())
out += [st.st_size, st.st_nlink]
m = os.memfd_create("x"); os.write(m, b"12345")
out.append(os.fstat(m).st_size)
print(*out)'
	UDOCKERC_PT_STATS=1 UDOCKERC_PT_SHIM=0 run --separate-stderr udc run deb python3 -c "$prog"
	assert_success
	assert_output "True True True 3 0 5"
	[ -n "$(notified)" ] || fail "no notifications: $stderr"
	UDOCKERC_PT_SHIM=0 UDOCKERC_PT_NOTIF=0 run --separate-stderr udc run deb python3 -c "$prog"
	assert_success
	assert_output "True True True 3 0 5"
}

@test "notif: a plain read-only open is inherited across exec, a close-on-exec one is not" {
	need_notif
	# libc's open() with O_RDONLY alone, Python's os.open with O_CLOEXEC (no shim: both notify)
	UDOCKERC_PT_STATS=1 UDOCKERC_PT_SHIM=0 run --separate-stderr udc run deb /bin/sh -c '
		exec 3</etc/debian_version; cat /dev/fd/3 | cut -c1-2
		python3 -c "import ctypes, os; keep = ctypes.CDLL(None).open(b\"/etc/hostname\", 0)
drop = os.open(\"/etc/hostname\", os.O_RDONLY)
os.execv(\"/bin/sh\", [\"sh\", \"-c\", \"[ -e /proc/self/fd/%d ] && echo kept; [ -e /proc/self/fd/%d ] || echo dropped\" % (keep, drop)])"'
	assert_success
	assert_output $'12\nkept\ndropped'
	[ -n "$(notified)" ] || fail "no notifications: $stderr"
}

@test "notif: a FIFO opened for reading waits for its writer while other calls go on" {
	need_notif
	# the reader blocks in open; the writer's shell and sleep still load and run meanwhile
	UDOCKERC_PT_SHIM=0 run --separate-stderr udc_t run deb /bin/sh -c '
		mkfifo /tmp/fifo &&
		(sleep 0.5; /bin/echo through-the-fifo >/tmp/fifo) &
		python3 -c "print(open(\"/tmp/fifo\").read().strip())"; wait'
	assert_success
	assert_output through-the-fifo
}

@test "notif: a guest killed while its call is being answered leaves the run sound" {
	need_notif
	run --separate-stderr udc_t run deb /bin/sh -c '
		i=0; while [ $i -lt 20 ]; do
			(while :; do /bin/true; done) & p=$!
			sleep 0.05; kill -9 $p; wait $p 2>/dev/null
			i=$((i + 1))
		done; echo survived $i'
	assert_success
	assert_output "survived 20"
}

@test "notif: where process_vm_readv is forbidden the probe says no, and every call traps" {
	need_notif
	need_nons
	mkdir -p vol/sub && echo vol-data >vol/f && echo sub-data >vol/sub/g
	# the tracer reads and writes guest memory with PEEKDATA/POKEDATA, which need a stop
	UDOCKERC_PT_STATS=1 UDOCKERC_PT_SHIM=0 run --separate-stderr \
		nons_udc --no-vm run -v "$PWD/vol:/vol" deb python3 -c "$PROBE"
	assert_success
	with=$output
	[ -z "$(notified)" ] || fail "notifications without process_vm_readv: $stderr"
	UDOCKERC_PT_SHIM=0 run --separate-stderr udc run -v "$PWD/vol:/vol" deb python3 -c "$PROBE"
	assert_success
	assert_output "$with"
}

@test "notif: where pidfd_getfd is forbidden the tracer asks for no listener, and every call traps" {
	need_notif
	need_nons
	# the tracer takes the listener from the guest with pidfd_getfd: no listener without it
	UDOCKERC_PT_STATS=1 UDOCKERC_PT_SHIM=0 run --separate-stderr \
		nons_udc --no-pidfd run deb python3 -c 'print(open("/etc/debian_version").read()[:2])'
	assert_success
	assert_output 12
	[ -z "$(notified)" ] || fail "notifications without pidfd_getfd: $stderr"
	[[ $stderr == *"tracer stops"* ]] || fail "no stats: $stderr"
}
