#!/usr/bin/env bats
# nons.bats - the nons test sandbox (tests/tools/nons.c) forbids what it says, and only that:
# the engine suite relies on it to prove udockerc makes no namespace.

load helpers/common

setup() {
	common_setup
	need_nons
}

# sys_probe: python3 making raw syscalls (ctypes), printing "name=0" or "name=ERRNONAME".
sys_probe() {
	python3 - "$@" <<'PY'
import ctypes, errno, os, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
NR = {"clone": 56, "unshare": 272, "setns": 308, "clone3": 435, "ptrace": 101,
      "process_vm_readv": 310}
def call(name, *args):
    r = libc.syscall(NR[name], *[ctypes.c_long(a) for a in args])
    return "0" if r >= 0 else errno.errorcode[ctypes.get_errno()]
for what in sys.argv[1:]:
    if what == "clone-newuser":       # raw clone(CLONE_NEWUSER|SIGCHLD): a child on success
        r = libc.syscall(NR["clone"], ctypes.c_long(0x10000000 | 17), ctypes.c_long(0),
                         ctypes.c_long(0), ctypes.c_long(0), ctypes.c_long(0))
        if r == 0:
            os._exit(0)
        res = errno.errorcode[ctypes.get_errno()] if r < 0 else "0"
        if r > 0:
            os.waitpid(r, 0)
    elif what == "unshare-fs":        # unshare(CLONE_FS): no namespace, still refused
        res = call("unshare", 0x200)
    elif what == "setns":
        fd = os.open("/proc/self/ns/uts", os.O_RDONLY)
        res = call("setns", fd, 0)
        os.close(fd)
    elif what == "clone3":            # a NULL struct: EFAULT when the kernel looks at it
        res = call("clone3", 0, 88)
    elif what == "vm-read":           # process_vm_readv of ourselves, one byte
        buf = ctypes.create_string_buffer(b"x")
        iov = (ctypes.c_void_p * 2)(ctypes.addressof(buf), 1)
        res = call("process_vm_readv", os.getpid(), ctypes.addressof(iov), 1,
                   ctypes.addressof(iov), 1, 0)
    elif what == "ptrace-child":      # PTRACE_SEIZE a child of ours
        pid = os.fork()
        if pid == 0:
            time.sleep(5)
            os._exit(0)
        res = call("ptrace", 0x4206, pid, 0, 0)
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    elif what == "fork":
        pid = os.fork()
        if pid == 0:
            os._exit(7)
        res = "0" if os.waitpid(pid, 0)[1] >> 8 == 7 else "bad-status"
    elif what == "thread":            # glibc tries clone3 first and falls back to clone
        box = []
        t = threading.Thread(target=lambda: box.append(1))
        t.start()
        t.join()
        res = "0" if box == [1] else "not-run"
    print("%s=%s" % (what, res))
PY
}

@test "nons: a plain command runs and keeps its arguments and exit status" {
	run --separate-stderr "$NONS" sh -c 'echo "$#:$1:$2"; exit 3' sh 'a b' c
	assert_equal "$status" 3
	assert_output '2:a b:c'
	run --separate-stderr "$NONS" true
	assert_success
}

@test "nons: unshare -U fails with EPERM under it" {
	run --separate-stderr "$NONS" unshare -U true
	assert_failure
	[[ $stderr == *"Operation not permitted"* ]] || fail "unshare's error is not EPERM: $stderr"
}

@test "nons: clone with CLONE_NEWUSER, unshare and setns are EPERM; clone3 ENOSYS" {
	run --separate-stderr "$NONS" bash -c "$(declare -f sys_probe); sys_probe clone-newuser unshare-fs setns clone3"
	assert_success
	assert_output $'clone-newuser=EPERM\nunshare-fs=EPERM\nsetns=EPERM\nclone3=ENOSYS'
	# outside the sandbox clone3 reaches the kernel, which refuses the NULL struct
	run --separate-stderr sys_probe clone3 unshare-fs
	assert_output $'clone3=EFAULT\nunshare-fs=0'
}

@test "nons: fork and threads still work (glibc falls back from clone3 to clone)" {
	run --separate-stderr "$NONS" bash -c "$(declare -f sys_probe); sys_probe fork thread"
	assert_success
	assert_output $'fork=0\nthread=0'
}

@test "nons: ptrace works by default and is EPERM with --no-ptrace" {
	run --separate-stderr "$NONS" bash -c "$(declare -f sys_probe); sys_probe ptrace-child"
	assert_success
	assert_output 'ptrace-child=0'
	run --separate-stderr "$NONS" --no-ptrace bash -c "$(declare -f sys_probe); sys_probe ptrace-child"
	assert_success
	assert_output 'ptrace-child=EPERM'
}

@test "nons: process_vm_readv works by default and is EPERM with --no-vm" {
	run --separate-stderr "$NONS" bash -c "$(declare -f sys_probe); sys_probe vm-read"
	assert_success
	assert_output 'vm-read=0'
	run --separate-stderr "$NONS" --no-vm --no-ptrace bash -c "$(declare -f sys_probe); sys_probe vm-read ptrace-child"
	assert_success
	assert_output $'vm-read=EPERM\nptrace-child=EPERM'
}

@test "nons: no_new_privs is set for the command" {
	run --separate-stderr "$NONS" grep '^NoNewPrivs:' /proc/self/status
	assert_success
	assert_output --regexp '^NoNewPrivs:[[:space:]]+1$'
}

@test "nons: a missing command is exit status 127, no command a usage error (125)" {
	run -127 --separate-stderr "$NONS" /nonexistent-cmd
	assert_equal "$status" 127
	assert_equal "$stderr" "nons: /nonexistent-cmd: No such file or directory"
	run --separate-stderr "$NONS"
	assert_equal "$status" 125
	assert_equal "$stderr" "usage: nons [--no-ptrace] [--no-vm] [--no-pidfd] CMD [ARG...]"
}
