#!/usr/bin/env bats
# engine.bats - the engine suite: real programs of real images (Debian bookworm, trixie and
# bullseye, busybox, a dynamic musl program) under one execution mode, ENGINE_MODE (default P1;
# tests/run-all.sh runs the file once per mode of ENGINE_MODES). Every run goes through the
# nons sandbox (tests/tools/nons.c), where no namespace can be made: the engine must not need
# one. Test names carry the mode, so the TAP output of the runs tells them apart.
#
# One repository serves the whole file (setup_file): importing and creating the Debian
# containers costs seconds. Tests run one after the other, write into the containers only
# under names of their own (with the test number) and keep everything else in their own
# BATS_TEST_TMPDIR.

load helpers/common

: "${ENGINE_MODE:=P1}"
export ENGINE_MODE

# make_container TAR REF NAME: import TAR as REF and create NAME in ENGINE_MODE (a missing
# fixture is left to the tests' need_* checks, which name the reason).
make_container() {
	[ -n "$1" ] && [ -r "$1" ] || return 0
	udc -q import "$1" "$2" >/dev/null || fail "import $1 failed"
	udc -q create --name="$3" "$2" >/dev/null || fail "create $2 failed"
	udc setup --execmode="$ENGINE_MODE" "$3" >/dev/null || fail "setup --execmode=$ENGINE_MODE failed"
}

setup_file() {
	export HOME=$BATS_FILE_TMPDIR/home UDOCKERC_DIR=$BATS_FILE_TMPDIR/repo
	mkdir -p "$HOME"
	unset UDOCKER_DIR UDOCKERC_ENGINE
	make_container "${DEBIAN_TAR:-}" deb:12 deb
	make_container "${TRIXIE_TAR:-}" trixie:13 trixie
	make_container "${BULLSEYE_TAR:-}" bullseye:11 bullseye
	make_container "${BUSYBOX_TAR:-}" bb:1 bb
	make_container "${MUSL_TAR:-}" musl:1 musl
}

teardown_file() {
	chmod -R u+rwX "$BATS_FILE_TMPDIR" 2>/dev/null || true
}

setup() {
	common_setup
	export UDOCKERC_DIR=$BATS_FILE_TMPDIR/repo
	need_nons
	echo HOST-ONLY >"$BATS_TEST_TMPDIR/host-only"
}

# guest [RUN-OPTIONS...] CONTAINER CMD...: `udockerc run` under the nons sandbox.
guest() {
	nons_udc run "$@"
}

@test "engine $ENGINE_MODE: a shell pipeline runs in the guest" {
	need_debian
	run --separate-stderr guest deb /bin/sh -c \
		'printf "b\na\nc\n" | sort | head -n 2 | tr a-z A-Z'
	assert_success
	assert_output $'A\nB'
}

@test "engine $ENGINE_MODE: ls -l / and ls -l /usr/bin | head list the guest's tree" {
	need_debian
	local root
	root=$(container_root deb)
	run --separate-stderr guest -e LC_ALL=C deb /bin/ls -l /
	assert_success
	assert_line --regexp '^lrwxrwxrwx .* bin -> usr/bin$'
	assert_equal "$(printf '%s\n' "$output" | tail -n +2 | awk '{ print $9 }' | tr '\n' ' ')" \
		"$(cd "$root" && LC_ALL=C ls -1 | tr '\n' ' ')"
	run --separate-stderr guest -e LC_ALL=C deb /bin/sh -c 'ls -l /usr/bin | head -n 6'
	assert_success
	assert_equal "${lines[0]%% *}" total
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $5, $9 }')" \
		"$(cd "$root/usr/bin" && LC_ALL=C ls -1 | head -n 5 | xargs stat -c '%s %n')"
}

@test "engine $ENGINE_MODE: find / -xdev in the guest lists exactly the container root" {
	need_debian
	local root
	root=$(container_root deb)
	# --nosysdirs: no host /dev, /proc, /sys or /etc files bound in, so both sides must agree
	run --separate-stderr guest --nosysdirs deb /bin/sh -c 'find / -xdev | wc -l; find / -xdev'
	assert_success
	local n=${lines[0]}
	[ "$n" -gt 5000 ] || fail "the guest found only $n entries"
	assert_equal "$n" "$(find "$root" -xdev | wc -l)"
	diff <(printf '%s\n' "${lines[@]:1}" | LC_ALL=C sort) \
		<(cd "$root" && find . -xdev | sed -e 's#^\.##' -e 's#^$#/#' | LC_ALL=C sort) ||
		fail "the guest's find / differs from the container root (diff above)"
}

@test "engine $ENGINE_MODE: tar cf - /etc | tar tf - in the guest archives the guest's /etc" {
	need_debian
	local root
	root=$(container_root deb)
	run --separate-stderr guest --nosysdirs deb /bin/sh -c 'tar cf - /etc | tar tf -'
	assert_success
	assert_equal "$(printf '%s\n' "$output" | norm_names)" \
		"$(cd "$root" && find etc | norm_names)"
	run --separate-stderr guest deb /bin/sh -c 'cd / && tar cf - etc/debian_version | tar xOf -'
	assert_success
	assert_output "$(cat "$root/etc/debian_version")"
}

@test "engine $ENGINE_MODE: readlink -f /bin/sh follows merged /usr to the guest path" {
	need_debian
	run --separate-stderr guest deb /bin/sh -c \
		'readlink -f /bin/sh; readlink /bin; realpath /lib64/ld-linux-x86-64.so.2'
	assert_success
	assert_output $'/usr/bin/dash\nusr/bin\n/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'
}

@test "engine $ENGINE_MODE: python3 imports json, lists /, changes directory, runs a guest program" {
	need_debian
	local root
	root=$(container_root deb)
	run --separate-stderr guest deb /usr/bin/python3 -c '
import json, os, subprocess
os.chdir("/usr/share/doc")
out = subprocess.run(["cat", "../../../etc/debian_version"], capture_output=True, text=True)
print(json.dumps({"cwd": os.getcwd(), "root": sorted(os.listdir("/")),
                  "version": out.stdout.strip(), "rc": out.returncode}, sort_keys=True))'
	assert_success
	local want
	want=$(cd "$root" && python3 -c '
import json, os
print(json.dumps({"cwd": "/usr/share/doc", "root": sorted(os.listdir(".")),
                  "version": open("etc/debian_version").read().strip(), "rc": 0}, sort_keys=True))')
	assert_output "$want"
}

@test "engine $ENGINE_MODE: gcc compiles into a volume and the program runs in the guest" {
	need_debian
	mkdir src
	printf '#include <stdio.h>\nint main(int c, char **v) { printf("%%d %%s\\n", c, v[1]); return 42; }\n' >src/t.c
	run --separate-stderr guest -v "$PWD/src:/src" deb /bin/sh -c \
		'cd /src && gcc -O1 -o t t.c && ./t arg1 arg2'
	assert_equal "$status" 42
	assert_output '3 arg1'
	[ -x src/t ] || fail "the program did not land in the volume"
}

@test "engine $ENGINE_MODE: #! scripts keep their interpreter's option and every argument" {
	need_debian
	mkdir s
	printf '#!/bin/sh -e\nprintf "[%%s]" "$0" "$@"; echo\nfalse\necho not reached\n' >s/a.sh
	printf '#!/usr/bin/env python3\nimport sys\nprint(sys.argv)\n' >s/p.py
	chmod +x s/a.sh s/p.py
	run --separate-stderr guest -v "$PWD/s:/s" deb /s/a.sh 'x y' '' z
	assert_equal "$status" 1 # -e: false ends the script
	assert_output '[/s/a.sh][x y][][z]'
	run --separate-stderr guest -v "$PWD/s:/s" -w /s deb ./p.py 'x y' '' z
	assert_success
	assert_output "['./p.py', 'x y', '', 'z']"
}

@test "engine $ENGINE_MODE: the guest's exit status is run's" {
	need_debian
	run --separate-stderr guest deb /bin/sh -c 'exit 3'
	assert_equal "$status" 3
	run --separate-stderr guest deb /bin/false
	assert_equal "$status" 1
	run --separate-stderr guest deb /usr/bin/python3 -c 'import sys; sys.exit(200)'
	assert_equal "$status" 200
}

@test "engine $ENGINE_MODE: a guest killed by signal N gives 128+N" {
	need_debian
	run --separate-stderr guest deb /bin/sh -c 'kill -KILL $$'
	assert_equal "$status" 137
	run --separate-stderr guest deb /bin/sh -c 'kill -TERM $$'
	assert_equal "$status" 143
	run --separate-stderr guest deb /usr/bin/python3 -c 'import os; os.kill(os.getpid(), 10)'
	assert_equal "$status" 138
}

@test "engine $ENGINE_MODE: a host-only file is invisible from the guest by its host path" {
	need_debian
	local f=$BATS_TEST_TMPDIR/host-only
	run --separate-stderr guest deb /bin/cat "$f"
	assert_failure
	refute_output --partial HOST-ONLY
	run --separate-stderr guest deb /bin/sh -c "test -e '$f' || echo absent"
	assert_success
	assert_output absent
	run --separate-stderr guest deb /usr/bin/python3 -c "import os; print(os.path.exists('$f'))"
	assert_output False
}

@test "engine $ENGINE_MODE: a file the guest writes lands in the container root" {
	need_debian
	local root name=/opt/written-$BATS_TEST_NUMBER-$ENGINE_MODE
	root=$(container_root deb)
	rm -f "$root$name"
	run --separate-stderr guest deb /bin/sh -c "echo from-the-guest >$name && mkdir -p $name.d && ln -s ../x $name.d/l"
	assert_success
	assert_equal "$(cat "$root$name")" from-the-guest
	assert_equal "$(readlink "$root$name.d/l")" ../x
	[ ! -e "$name" ] || fail "the guest wrote $name on the host"
}

@test "engine $ENGINE_MODE: the busybox image runs its applets through absolute symlinks" {
	need_busybox
	run --separate-stderr guest bb /usr/bin/env sh -c \
		'grep ^ID= /etc/os-release; readlink /usr/bin/env; cd /etc && pwd; ls /bin | wc -l'
	assert_success
	assert_equal "${lines[0]}" ID=udockerc-busybox
	assert_equal "${lines[1]}" /bin/busybox
	assert_equal "${lines[2]}" /etc
	assert_equal "${lines[3]}" "$(ls "$(container_root bb)/bin" | wc -l)"
}

# ls_case CONTAINER MAJOR LIBC: the guest's ls lists its /usr/bin whole, on Debian MAJOR with
# its C library at LIBC.
ls_case() {
	local root
	root=$(container_root "$1")
	run --separate-stderr guest -e LC_ALL=C "$1" /bin/sh -c \
		"cat /etc/debian_version; ls $3; ls -l /usr/bin | wc -l"
	assert_success
	assert_output --regexp "^$2\\."
	assert_line --index 1 "$3"
	# ls -l: "total" plus one line per entry
	assert_equal "${lines[2]}" "$(($(ls -A "$root/usr/bin" | wc -l) + 1))"
}

@test "engine $ENGINE_MODE: trixie's ls runs with its newer glibc" {
	need_trixie
	ls_case trixie 13 /usr/lib/x86_64-linux-gnu/libc.so.6
}

@test "engine $ENGINE_MODE: trixie's python3 runs threads, subprocesses and faccessat2" {
	need_trixie
	run --separate-stderr guest trixie /usr/bin/python3 -c '
import os, platform, subprocess, sys, sysconfig, threading
box = []
t = threading.Thread(target=lambda: box.append(threading.get_native_id()))
t.start(); t.join()
print(platform.libc_ver()[1], sys.version_info[:2] >= (3, 13))
print(len(box) == 1 and box[0] != threading.get_native_id())
# effective_ids: faccessat with AT_EACCESS, which glibc 2.41 makes faccessat2
print(os.access(sysconfig.get_paths()["stdlib"], os.X_OK, effective_ids=True),
      os.access("/etc/debian_version", os.X_OK, effective_ids=True))
print(subprocess.run(["/usr/bin/cat", "/etc/debian_version"], capture_output=True,
                     text=True).stdout.strip()[:3])'
	assert_success
	assert_output $'2.41 True\nTrue\nTrue False\n13.'
}

@test "engine $ENGINE_MODE: bullseye's ls runs with its older glibc" {
	need_bullseye
	ls_case bullseye 11 /usr/lib/x86_64-linux-gnu/libc-2.31.so
}

@test "engine $ENGINE_MODE: bullseye's python3 runs, with a subprocess and a shell" {
	need_bullseye
	run --separate-stderr guest bullseye /usr/bin/python3 -c '
import os, platform, subprocess, sys
print(platform.libc_ver()[1], sys.argv[0], sys.executable == "/usr/bin/python3")
print(subprocess.run(["cat", "/etc/debian_version"], capture_output=True,
                     text=True).stdout.strip()[:3])
print(subprocess.run("cut -c1-3 /etc/debian_version | tr 1 X", shell=True,
                     capture_output=True, text=True).stdout.strip())
print(subprocess.run(["python3", "-c", "import sys; print(sys.argv)", "x"],
                     capture_output=True, text=True).stdout.strip())'
	assert_success
	assert_output "2.31 -c True
11.
XX.
['-c', 'x']"
}

@test "engine $ENGINE_MODE: a dynamic musl program runs with the image's musl loader" {
	need_musl
	run --separate-stderr guest musl /bin/musl-hello /etc/os-release
	assert_success
	assert_line --index 0 'musl-hello argc=2 argv0=/bin/musl-hello cwd=/'
	assert_line ID=udockerc-musl
	run --separate-stderr guest -w /tmp musl /bin/musl-hello "$BATS_TEST_TMPDIR/host-only"
	assert_equal "$status" 4
	assert_line --index 0 'musl-hello argc=2 argv0=/bin/musl-hello cwd=/tmp'
	refute_output --partial HOST-ONLY
	# run through a symlink (busybox-style multi-call programs): argv[0] is the name used,
	# also with musl's loader, which has no --argv0
	ln -s musl-hello "$(container_root musl)/bin/hello-$BATS_TEST_NUMBER"
	run --separate-stderr guest musl "/bin/hello-$BATS_TEST_NUMBER"
	assert_success
	assert_line --index 0 "musl-hello argc=1 argv0=/bin/hello-$BATS_TEST_NUMBER cwd=/"
}

@test "engine $ENGINE_MODE: the sandbox holds in the guest too: no namespace there either" {
	need_debian
	run --separate-stderr guest deb /bin/sh -c \
		'grep ^NoNewPrivs: /proc/self/status; unshare -U true || echo refused'
	assert_success
	assert_line --index 0 --regexp '^NoNewPrivs:[[:space:]]+1$'
	assert_line --index 1 refused
	[[ $stderr == *"Operation not permitted"* ]] || fail "unshare was not refused with EPERM: $stderr"
}

@test "engine $ENGINE_MODE: where ptrace is forbidden, run says so in one line" {
	# the F modes run busybox (static) under P1, so they show running without ptrace with
	# the dynamic Debian shell instead
	local c=bb
	case $ENGINE_MODE in
	P*) need_busybox ;;
	*) need_debian; c=deb ;;
	esac
	# LeakSanitizer stops the world with ptrace: it cannot check the sanitized build here
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		run --separate-stderr nons_udc --no-ptrace run "$c" /bin/sh -c 'echo ran'
	case $ENGINE_MODE in
	P*)
		assert_equal "$status" 2
		assert_one_error_line "ptrace" "--execmode=F1"
		refute_output ran
		;;
	*)
		# the F modes need no ptrace
		assert_success
		assert_output ran
		;;
	esac
}

@test "engine $ENGINE_MODE: P1 preloads the shim for each guest loader (glibc 2.31 with libdl, 2.36, 2.41, musl)" {
	[ "$ENGINE_MODE" = P1 ] || skip "the shim under the tracer is P1's"
	need_debian
	need_bullseye
	need_trixie
	need_musl
	local c
	for c in deb bullseye trixie; do
		run --separate-stderr guest "$c" /bin/cat /proc/self/maps
		assert_success
		assert_output --partial /libudockerc-preload.so
		refute_output --partial /libudockerc-preload-musl.so
	done
	# glibc before 2.34: the shim's dlsym comes from libdl.so.2, preloaded ahead of it
	run --separate-stderr guest bullseye /bin/cat /proc/self/maps
	assert_output --partial libdl-2.31.so
	run --separate-stderr guest musl /bin/musl-hello /proc/self/maps
	assert_success
	assert_output --partial /libudockerc-preload-musl.so
	# off on request: the tracer alone
	UDOCKERC_PT_SHIM=0 run --separate-stderr guest deb /bin/cat /proc/self/maps
	assert_success
	refute_output --partial libudockerc-preload
}
