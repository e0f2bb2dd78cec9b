#!/usr/bin/env bats
# run_shim.bats - P1 with the preload shim inside dynamic guest programs: far fewer tracer
# stops, and the guest cannot tell (docs/design/ptrace.md, "P1 with the preload shim inside").

load helpers/common

setup() {
	common_setup
}

# stops: the tracer stop count UDOCKERC_PT_STATS=1 printed on stderr.
stops() {
	printf '%s\n' "$stderr" | sed -n 's/^udockerc: P1: \([0-9]*\) tracer stops.*/\1/p'
}

# A metadata-heavy guest job: stat, lstat, open and readlink over /usr/lib, printed.
WALK='import os
n = 0
for d, subs, files in os.walk("/usr/lib"):
    for f in files:
        p = os.path.join(d, f)
        st = os.lstat(p)
        n += 1
        if os.path.islink(p):
            os.readlink(p)
print(n, os.stat("/etc/passwd").st_uid, os.path.exists("/etc/debian_version"))'

@test "shim: a stat-heavy walk stops the tracer far less, with the same answers" {
	deb_container
	udc setup --execmode=P1 deb >/dev/null
	UDOCKERC_PT_STATS=1 run --separate-stderr udc run deb python3 -c "$WALK"
	assert_success
	with=$output on=$(stops)
	[[ $stderr == *"(preload shim on)"* ]] || fail "shim not on: $stderr"
	UDOCKERC_PT_STATS=1 UDOCKERC_PT_SHIM=0 run --separate-stderr udc run deb python3 -c "$WALK"
	assert_success
	[[ $stderr == *"(preload shim off)"* ]] || fail "shim not off: $stderr"
	assert_output "$with"
	off=$(stops)
	n=${with%% *}
	[ "$n" -gt 1000 ] || fail "the walk saw only $n files"
	# without the shim every lstat stops; with it, about what loading python takes
	[ "$off" -gt "$n" ] || fail "shim off: $off stops for $n files"
	[ "$on" -lt $((n / 4)) ] || fail "shim on: $on stops for $n files (off: $off)"
}

@test "shim: owners, ls -a /, /proc/self/exe and cwd look the same with and without it" {
	deb_container
	udc setup --execmode=P1 deb >/dev/null
	cmd='cd /tmp && touch new && stat -c "%u:%g %n" /etc/passwd new /tmp &&
		ls -a / | tr "\n" " " && echo && readlink /proc/self/exe && pwd && /bin/pwd &&
		python3 -c "import os; print(os.getcwd(), os.readlink(\"/proc/self/exe\"))" &&
		id -u && rm new'
	run --separate-stderr udc run deb /bin/sh -c "$cmd"
	assert_success
	with=$output
	UDOCKERC_PT_SHIM=0 run --separate-stderr udc run deb /bin/sh -c "$cmd"
	assert_success
	assert_output "$with"
	[[ $with != *udockerc* ]] || fail "the shim's directory shows: $with"
	[[ $with == *"/usr/bin/readlink"* ]] || fail "/proc/self/exe: $with"
}

@test "shim: a program started with an empty environment still sees the guest" {
	deb_container
	udc setup --execmode=P1 deb >/dev/null
	run --separate-stderr udc run deb /usr/bin/env -i /usr/bin/python3 -c \
		'import os; print(open("/etc/debian_version").read()[:2], os.path.realpath("/bin"),
		 [k for k in os.environ if k.startswith("UDOCKERC")])'
	assert_success
	assert_output "12 /usr/bin []"
}

@test "shim: the guest's own LD_PRELOAD is kept next to it" {
	deb_container
	udc setup --execmode=P1 deb >/dev/null
	run --separate-stderr udc run deb /bin/sh -c '
		cd /tmp && printf "%s\n" "#include <stdio.h>" \
			"__attribute__((constructor)) static void hi(void) { fputs(\"pre\\n\", stderr); }" >p.c &&
		gcc -shared -fPIC -o /tmp/libp.so p.c &&
		LD_PRELOAD=/tmp/libp.so stat -c %n /etc/hostname 2>&1'
	assert_success
	assert_output $'pre\n/etc/hostname'
}

@test "shim: chroot in a shim-carrying program hands translation to the tracer" {
	deb_container
	udc setup --execmode=P1 deb >/dev/null
	run --separate-stderr udc run deb python3 -c '
import os
os.makedirs("/tmp/j/etc", exist_ok=True)
open("/tmp/j/etc/marker", "w").write("inside\n")
os.chroot("/tmp/j")
print(open("/etc/marker").read().strip(), os.path.exists("/usr"), os.listdir("/"), os.stat("/etc/marker").st_size)'
	assert_success
	assert_output "inside False ['etc'] 7"
}

@test "shim: a :ro volume refuses writes from a shim-carrying program too" {
	deb_container
	udc setup --execmode=P1 deb >/dev/null
	mkdir ro && echo data >ro/f
	run --separate-stderr udc run -v "$PWD/ro:/ro:ro" deb python3 -c '
import os
for what, f in (("open", lambda: open("/ro/f", "w")), ("mkdir", lambda: os.mkdir("/ro/d")),
                ("unlink", lambda: os.unlink("/ro/f")), ("chmod", lambda: os.chmod("/ro/f", 0o600))):
    try:
        f(); print(what, "ok")
    except OSError as e:
        print(what, e.strerror)
print(open("/ro/f").read().strip())'
	assert_success
	assert_output $'open Read-only file system\nmkdir Read-only file system\nunlink Read-only file system\nchmod Read-only file system\ndata'
	[ "$(cat ro/f)" = data ]
	[ "$(ls ro)" = f ]
}

@test "shim: getcwd (threads, volumes, a removed cwd), fstat owners and eaccess answer as the tracer" {
	deb_container
	udc setup --execmode=P1 deb >/dev/null
	mkdir -p vol/sub
	prog='import os, threading
def cwd():
    try:
        return os.getcwd()
    except OSError as e:
        return e.strerror
out = [cwd()]
for d in ("/vol/sub", "/usr/lib", "/vol", "/tmp"):
    os.chdir(d); out.append(cwd())
t = threading.Thread(target=os.chdir, args=("/vol/sub",)); t.start(); t.join()
out.append(cwd())
os.makedirs("/tmp/gone", exist_ok=True); os.chdir("/tmp/gone"); os.rmdir("/tmp/gone")
out.append(cwd()); os.chdir("/")
fd = os.open("/tmp/mine", os.O_CREAT | os.O_WRONLY, 0o600)
st = os.fstat(fd)
out.append("%d:%d" % (st.st_uid, st.st_gid))
out.append(str([os.access(p, os.X_OK, effective_ids=True) for p in ("/bin/sh", "/etc/passwd", "/nope")]))
print(" ".join(out))'
	run --separate-stderr udc run -v "$PWD/vol:/vol" deb python3 -c "$prog"
	assert_success
	with=$output
	UDOCKERC_PT_SHIM=0 run --separate-stderr udc run -v "$PWD/vol:/vol" deb python3 -c "$prog"
	assert_success
	assert_output "$with"
	assert_output "/ /vol/sub /usr/lib /vol /tmp /vol/sub No such file or directory 0:0 [True, False, False]"
}

@test "shim: a path through /proc/self/root is in the guest's root, under P1 and F1" {
	deb_container
	mkdir -p "$(container_root deb)/opt/udc-guest-only"
	for mode in P1 F1; do
		udc setup --execmode=$mode deb >/dev/null
		run --separate-stderr udc run deb python3 -c '
import os
os.mkdir("/proc/self/root/opt/udc-guest-only/d")
os.rename("/proc/self/root/opt/udc-guest-only/d", "/proc/%d/root/opt/udc-guest-only/e" % os.getpid())
print(sorted(os.listdir("/opt/udc-guest-only")))
os.rmdir("/proc/thread-self/root/opt/udc-guest-only/e")
print(sorted(os.listdir("/opt/udc-guest-only")), os.path.isdir("/proc/self/root/opt/udc-guest-only"))'
		assert_success
		assert_output $'[\'e\']\n[] True'
	done
}
