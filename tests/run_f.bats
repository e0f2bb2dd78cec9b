#!/usr/bin/env bats
# run_f.bats - what is specific to the F engine (F1, the LD_PRELOAD shim): the shim's own
# build (NEEDED, symbol versions), programs that clear their environment before exec, long
# pipelines, gcc and python in the guest, the static-program fallback to P1, the identity
# notice and switching modes back and forth. Runs go through the nons sandbox, as engine.bats.

load helpers/common

# make_container TAR REF NAME: import TAR as REF, create NAME in F1.
make_container() {
	[ -n "$1" ] && [ -r "$1" ] || return 0
	udc -q import "$1" "$2" >/dev/null || fail "import $1 failed"
	udc -q create --name="$3" "$2" >/dev/null || fail "create $2 failed"
	udc setup --execmode=F1 "$3" >/dev/null || fail "setup --execmode=F1 failed"
}

setup_file() {
	export HOME=$BATS_FILE_TMPDIR/home UDOCKERC_DIR=$BATS_FILE_TMPDIR/repo
	mkdir -p "$HOME"
	unset UDOCKER_DIR UDOCKERC_ENGINE
	make_container "${DEBIAN_TAR:-}" deb:12 deb
	make_container "${BUSYBOX_TAR:-}" bb:1 bb
	make_container "${BULLSEYE_TAR:-}" bullseye:11 bullseye
}

teardown_file() {
	chmod -R u+rwX "$BATS_FILE_TMPDIR" 2>/dev/null || true
}

setup() {
	common_setup
	export UDOCKERC_DIR=$BATS_FILE_TMPDIR/repo
	need_nons
}

guest() {
	nons_udc run "$@"
}

# shim_dir: where the installed udockerc keeps the shim builds.
shim_dir() {
	local bin
	bin=$(command -v "${UDOCKERC:-udockerc}")
	echo "$(dirname "$bin")/../lib/udockerc"
}

# marker: a file only the guest has (in the container root), printed content GUEST-ONLY-N.
marker() {
	local root
	root=$(container_root deb)
	echo "GUEST-ONLY-$BATS_TEST_NUMBER" >"$root/opt/marker-$BATS_TEST_NUMBER"
	[ ! -e "/opt/marker-$BATS_TEST_NUMBER" ] ||
		fail "/opt/marker-$BATS_TEST_NUMBER exists on the host"
}

@test "run_f: the shim needs only libc, dlsym at GLIBC_2.2.5, and only old glibc symbol versions" {
	local so
	so=$(shim_dir)/libudockerc-preload.so
	[ -r "$so" ] || fail "no shim at $so"
	run readelf -d "$so"
	assert_success
	local needed
	needed=$(printf '%s\n' "$output" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
	assert_equal "$needed" "libc.so.6 "
	# dlsym at its first version: libc's compat symbol from glibc 2.34, libdl.so.2's before
	# (the engines preload libdl.so.2 ahead of the shim for such loaders)
	run objdump -T "$so"
	assert_line --regexp 'UND.* \(GLIBC_2\.2\.5\) +dlsym$'
	# bullseye's glibc (2.31) and older must load it: nothing newer than GLIBC_2.14 (memcpy)
	run objdump -T "$so"
	assert_success
	local newest
	newest=$(printf '%s\n' "$output" | grep -o 'GLIBC_2\.[0-9]*' | sort -t. -k2 -n | tail -n 1)
	assert_equal "$newest" GLIBC_2.14
	# a plain -O2 build: no sanitizer runtime in it
	refute_output --partial __asan
	refute_output --partial __ubsan
	if [ -r "$(shim_dir)/libudockerc-preload-musl.so" ]; then
		run readelf -d "$(shim_dir)/libudockerc-preload-musl.so"
		assert_equal "$(printf '%s\n' "$output" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')" libc.so
	fi
}

@test "run_f: a program that calls clearenv() and then execs keeps the guest view" {
	need_debian
	marker
	mkdir src
	cat >src/ce.c <<'C'
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	clearenv();
	setenv("ONLY", "this", 1);
	execl("/bin/sh", "sh", "-c", "cat \"$0\"; env | sort", argv[1], (char *)NULL);
	return 99;
}
C
	run --separate-stderr guest -v "$PWD/src:/src" deb /bin/sh -c \
		"cd /src && gcc -o ce ce.c && ./ce /opt/marker-$BATS_TEST_NUMBER"
	assert_success
	assert_line --index 0 "GUEST-ONLY-$BATS_TEST_NUMBER"
	assert_line ONLY=this
	# and the shim's settings came back for the next program
	assert_line --regexp '^LD_PRELOAD=/.*/libudockerc-preload\.so$'
	assert_line --regexp '^UDOCKERC_PM=pm1 '
}

@test "run_f: a pipeline of five guest programs reads and transforms a guest-only file" {
	need_debian
	marker
	run --separate-stderr guest deb /bin/sh -c \
		"cat /opt/marker-$BATS_TEST_NUMBER | tr A-Z a-z | sed s/guest/in-guest/ | rev | cut -c1-20"
	assert_success
	assert_output "$(echo "in-guest-only-$BATS_TEST_NUMBER" | rev | cut -c1-20)"
}

@test "run_f: gcc compiles two units, archives one, links with -lm; the program runs" {
	need_debian
	mkdir src
	printf 'double half(double x);\n' >src/h.h
	printf '#include "h.h"\ndouble half(double x) { return x / 2; }\n' >src/a.c
	printf '#include <math.h>\n#include <stdio.h>\n#include "h.h"\n' >src/m.c
	printf 'int main(void) { printf("%%.1f\\n", sqrt(half(32.0))); return 0; }\n' >>src/m.c
	run --separate-stderr guest -v "$PWD/src:/src" -w /src deb /bin/sh -c \
		'gcc -c a.c && ar rcs liba.a a.o && gcc -o m m.c -L. -la -lm && ./m && ldd ./m | grep -c libm'
	assert_success
	assert_output $'4.0\n1'
	[ -x src/m ] || fail "the program did not land in the volume"
}

@test "run_f: python subprocess runs guest programs, with an empty environment too" {
	need_debian
	marker
	run --separate-stderr guest deb /usr/bin/python3 -c "
import subprocess
p = '/opt/marker-$BATS_TEST_NUMBER'
print(subprocess.run(['cat', p], capture_output=True, text=True).stdout.strip())
print(subprocess.run(['/bin/cat', p], env={}, capture_output=True,
                     text=True).stdout.strip())
print(subprocess.run('cat ' + p + ' | wc -c', shell=True, capture_output=True,
                     text=True).stdout.strip())
print(subprocess.check_output(['/usr/bin/python3', '-c', 'import os; print(os.getcwd())'],
                              cwd='/usr/share', text=True).strip())"
	assert_success
	assert_output "GUEST-ONLY-$BATS_TEST_NUMBER
GUEST-ONLY-$BATS_TEST_NUMBER
$(echo "GUEST-ONLY-$BATS_TEST_NUMBER" | wc -c)
/usr/share"
}

@test "run_f: the static busybox image runs under P1, with one notice" {
	need_busybox
	run --separate-stderr guest bb /bin/sh -c \
		'cat /etc/os-release | grep ^ID=; readlink /proc/self/exe'
	assert_success
	assert_output $'ID=udockerc-busybox\n/bin/busybox'
	[ "$(printf '%s\n' "$stderr" | grep -c 'statically linked')" -eq 1 ] ||
		fail "expected one notice about the static program: $stderr"
	[[ $stderr == *P1* ]] || fail "the notice does not name P1: $stderr"
}

@test "run_f: the guest is shown the host user, with a notice when another was asked for" {
	need_debian
	run --separate-stderr guest -u 4242 deb /usr/bin/id -u
	assert_success
	assert_output "$(id -u)"
	[[ $stderr == *"host user"* ]] || fail "no notice of the host user: $stderr"
	run --separate-stderr guest -u "$(id -u)" deb /usr/bin/id -u
	assert_success
	assert_output "$(id -u)"
	[[ $stderr != *"host user"* ]] || fail "a notice although the user is the host's: $stderr"
}

@test "run_f: setup --execmode=F1, then P1 and back: the container runs in each" {
	need_debian
	marker
	local m
	for m in P1 F1 P1 F1; do
		run udc setup --execmode="$m" deb
		assert_success
		run --separate-stderr guest deb /bin/cat "/opt/marker-$BATS_TEST_NUMBER"
		assert_success
		assert_output "GUEST-ONLY-$BATS_TEST_NUMBER"
		run --separate-stderr guest deb /bin/sh -c 'echo ${LD_PRELOAD:-none}'
		case $m in
		P1) assert_output none ;;
		F1) assert_output --regexp '/libudockerc-preload\.so$' ;;
		esac
	done
}

@test "run_f: /proc/self/exe is the guest program, not its loader (python, a C program)" {
	need_debian
	run --separate-stderr guest deb /usr/bin/python3 -c '
import os, subprocess, sys
print(sys.executable)
print(os.readlink("/proc/self/exe"))
print(os.readlink("/proc/%d/exe" % os.getpid()))
print(os.readlink("/proc/thread-self/exe"))
print(os.path.realpath("/proc/self/exe"))
print(open("/proc/self/exe", "rb").read(4))
print(subprocess.run(["/proc/self/exe", "-c", "print(6 * 7)"], capture_output=True,
                     text=True).stdout.strip())
print(os.environ.get("UDOCKERC_EXE", "unset"))'
	assert_success
	assert_output "/usr/bin/python3
/usr/bin/python3.11
/usr/bin/python3.11
/usr/bin/python3.11
/usr/bin/python3.11
b'\x7fELF'
42
unset"
	mkdir src
	cat >src/exe.c <<'C'
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(void)
{
	char a[PATH_MAX], b[PATH_MAX], *r = realpath("/proc/self/exe", NULL);
	ssize_t n = readlink("/proc/self/exe", a, sizeof(a) - 1);
	ssize_t m = readlinkat(AT_FDCWD, "/proc/self/exe", b, sizeof(b) - 1);

	if (n < 0 || m < 0 || !r)
		return 1;
	a[n] = b[m] = '\0';
	printf("%s\n%s\n%s\n", a, b, r);
	return 0;
}
C
	run --separate-stderr guest -v "$PWD/src:/src" -w /src deb /bin/sh -c \
		'gcc -o exe exe.c && ./exe && cp exe /usr/local/bin/x && x'
	assert_success
	assert_output $'/src/exe\n/src/exe\n/src/exe\n/usr/local/bin/x\n/usr/local/bin/x\n/usr/local/bin/x'
}

@test "run_f: system() and popen() run the guest's /bin/sh (C, python os.system, os.popen)" {
	need_debian
	marker
	local root
	root=$(container_root deb)
	mkdir src
	# the shell's own mappings: files of the container root when it is the guest's shell
	printf '%s\n' "awk '{print \$6}' /proc/\$\$/maps | grep -c '^$root/' | sed 's/^[1-9].*/guest/'" \
		>src/which.sh
	cat >src/sys.c <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
int main(int argc, char **argv)
{
	char line[256], cmd[256];
	FILE *r, *w;
	int st;

	if (argc < 3)
		return 2;
	st = system("cat /etc/os-release | grep ^ID=; . /src/which.sh; exit 3");
	printf("system: %d\n", WEXITSTATUS(st));
	snprintf(cmd, sizeof(cmd), ". /src/which.sh; cat %s", argv[2]);
	r = popen(cmd, "r");
	while (r && fgets(line, sizeof(line), r))
		printf("popen r: %s", line);
	printf("pclose r: %d\n", r ? pclose(r) : -1);
	w = popen("tr a-z A-Z >/src/w.out", "w");
	fputs(argv[1], w);
	printf("pclose w: %d\n", pclose(w));
	printf("system(NULL): %d\n", system(NULL));
	return 0;
}
C
	run --separate-stderr guest -v "$PWD/src:/src" -w /src deb /bin/sh -c \
		"gcc -o sys sys.c && ./sys written /opt/marker-$BATS_TEST_NUMBER && cat w.out && echo &&
		 python3 -c 'import os; print(os.system(\". /src/which.sh; exit 5\") >> 8)
print(os.popen(\". /src/which.sh\").read().strip())'"
	assert_success
	assert_output "ID=debian
guest
system: 3
popen r: guest
popen r: GUEST-ONLY-$BATS_TEST_NUMBER
pclose r: 0
pclose w: 0
system(NULL): 1
WRITTEN
guest
5
guest"
}

@test "run_f: bullseye (glibc 2.31, no --argv0): argv[0], /proc/self/exe, os.system" {
	need_bullseye
	run --separate-stderr guest bullseye /usr/bin/python3 -c '
import os, sys
print(sys.executable, os.readlink("/proc/self/exe"), flush=True)
print(os.system("exec cat /etc/debian_version | cut -c1-3") >> 8)
print(os.environ.get("UDOCKERC_ARGV0", "unset"), os.environ.get("UDOCKERC_EXE", "unset"))'
	assert_success
	assert_output $'/usr/bin/python3 /usr/bin/python3.9\n11.\n0\nunset unset'
}

@test "run_f: fts walks the guest tree (physical, no-chdir, fts_children), not the host's" {
	need_debian
	marker
	local root
	root=$(container_root deb)
	mkdir -p src "$root/opt/fts-$BATS_TEST_NUMBER/d/e"
	touch "$root/opt/fts-$BATS_TEST_NUMBER/d/e/f"
	ln -s /etc "$root/opt/fts-$BATS_TEST_NUMBER/abs-link"
	cp "$BATS_TEST_DIRNAME/helpers/fts_try.c" src/
	run --separate-stderr guest -v "$PWD/src:/src" -w /src deb /bin/sh -c "
		gcc -o fts_try fts_try.c || exit 1
		for m in phys nochdir; do
			for d in /etc /opt /src /; do
				./fts_try \$m \$d | grep -v '^/proc/' | sort >fts.out
				find \$d | grep -v '^/proc/' | sort >find.out
				cmp -s fts.out find.out && echo \"same \$m \$d\"
				grep -h '^BAD ' fts.out
			done
		done
		./fts_try phys /opt/fts-$BATS_TEST_NUMBER/ $BATS_TEST_TMPDIR
		./fts_try children /opt
		find /opt -mindepth 1 -maxdepth 1 | sort"
	assert_success
	for m in phys nochdir; do
		for d in /etc /opt /src /; do
			assert_line "same $m $d"
		done
	done
	refute_line --regexp '^BAD '
	# a trailing '/' is kept on the root only, as natively; a host-only directory is not there
	local t=/opt/fts-$BATS_TEST_NUMBER
	assert_line "$t/"
	assert_line "$t/abs-link"
	assert_line "$t/d/e/f"
	assert_line "NS $BATS_TEST_TMPDIR"
	assert_line "root /opt"
	assert_line "/opt/marker-$BATS_TEST_NUMBER"
	[ "$(grep -c "^/opt/marker-$BATS_TEST_NUMBER\$" <<<"$output")" = 2 ] ||
		fail "fts_children and find disagree on /opt"
}

@test "run_f: loader command line: empty library dirs skipped until changed, no glibc-hwcaps probes" {
	need_debian
	# /proc/self/cmdline of a guest program is its loader's command line
	run --separate-stderr guest deb /bin/sh -c '
		args() { cat /proc/self/cmdline | tr "\0" "\n"; }
		args | grep -c -x -e --glibc-hwcaps-mask
		args | grep -A1 -x -e --library-path | grep -c /usr/local/lib
		mkdir -p /opt/hw/glibc-hwcaps
		LD_LIBRARY_PATH=/opt/hw cat /proc/self/cmdline | tr "\0" "\n" |
			grep -c -x -e --glibc-hwcaps-mask
		cd /tmp && printf "int udct(void) { return 42; }\n" >l.c &&
		printf "int udct(void);\nint main(void) { return udct() != 42; }\n" >m.c &&
		gcc -shared -fPIC -o /usr/local/lib/libudct.so l.c &&
		gcc -o m m.c -L/usr/local/lib -ludct && ./m && echo found
		args | grep -A1 -x -e --library-path | grep -c /usr/local/lib
		rm -f /usr/local/lib/libudct.so; rm -r /opt/hw'
	assert_success
	assert_output $'1\n0\n0\nfound\n1'
}

@test "run_f: xattr reads: symlinks anywhere, a volume, a directory replaced by a symlink between calls" {
	[ -n "${DEBIAN_TAR:-}" ] || skip "debian fixture missing"
	mkdir -p src vol
	cp "$TESTS_DIR/helpers/xattr_try.py" src/
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.t", b"1")' vol ||
		skip "no user xattrs on $PWD"
	# the guest directory lies in the container's own tree (the root entry: the fast path), at
	# a guest path that is also a host directory holding the same names tagged "host": a
	# symlink followed on the host instead of in the guest view reads those
	local w=$PWD/m
	mkdir -p m/d/sub m/q
	touch m/d/f m/d/sub/f m/q/f
	python3 -c 'import os, sys; [os.setxattr(f, "user.t", b"host") for f in sys.argv[1:]]' \
		m/d m/d/f m/d/sub/f m/q/f
	run --separate-stderr guest -v "$PWD/src:/src" -v "$PWD/vol:/vol" deb /bin/sh -c \
		"rm -rf $w && python3 /src/xattr_try.py $w /vol"
	assert_success
	assert_output - <<'OUT'
plain get plain
plain lget plain
plain list user.t
plain llist user.t
dir get dir
dir lget dir
dir list user.t
dir llist user.t
rel get deep
rel lget deep
rel list user.t
rel llist user.t
abs get deep
abs lget deep
abs list user.t
abs llist user.t
lastabs get plain
lastabs lget ENODATA
lastabs list user.t
lastabs llist -
tovol get volume
tovol lget volume
tovol list user.t
tovol llist user.t
vol get volume
vol lget volume
vol list user.t
vol llist user.t
missing get ENOENT
missing lget ENOENT
missing list ENOENT
missing llist ENOENT
missingdir get ENOENT
missingdir lget ENOENT
missingdir list ENOENT
missingdir llist ENOENT
notdir get ENOTDIR
notdir lget ENOTDIR
notdir list ENOTDIR
notdir llist ENOTDIR
replace1 get before
replace1 lget before
replace1 list user.t
replace1 llist user.t
replace2 get after
replace2 lget after
replace2 list user.t
replace2 llist user.t
replace3 get before
replace3 lget before
replace3 list user.t
replace3 llist user.t
OUT
}
