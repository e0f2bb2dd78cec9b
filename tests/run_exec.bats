#!/usr/bin/env bats
# run_exec.bats - the P engine's view of the guest's own program (/proc/self/exe, AT_EXECFN)
# when dynamic programs run through the guest's loader, signals sent to udockerc reaching the
# guest, and the tracer's death taking the guest with it. P1 and P2 each.

load helpers/common

# wait_gone PATTERN TRIES: poll (every 0.1 s, TRIES times at most) until no process matches.
wait_gone() {
	local i
	for ((i = 0; i < $2; i++)); do
		pgrep -f "$1" >/dev/null || return 0
		sleep 0.1
	done
}

setup() {
	common_setup
	bb_container
}

# udc_bg OUT ARGS...: udockerc ARGS in the background, stdout in OUT, stderr in OUT.err, its pid
# in UDC_PID. SIGINT and SIGQUIT start at their default: a non-interactive shell's background
# job ignores them, and a signal ignored when udockerc starts stays ignored (as for nohup).
udc_bg() {
	local out=$1 root=()
	shift
	is_root && root=(--allow-root)
	env --default-signal=INT,QUIT "${UDOCKERC:-udockerc}" "${root[@]}" "$@" >"$out" 2>"$out.err" &
	UDC_PID=$!
}

# wait_for_line FILE LINE: poll (at most 10 s) until FILE holds LINE.
wait_for_line() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -qx -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "'$2' never appeared in $1: $(cat "$1" "$1.err" 2>/dev/null)"
}

# wait_status PID: wait for PID, its exit status in STATUS.
wait_status() {
	STATUS=0
	wait "$1" || STATUS=$?
}

@test "run_exec: a dynamic program's /proc/self/exe is the program, not the loader (P1, P2)" {
	deb_container
	for mode in P1 P2; do
		udc setup --execmode=$mode deb >/dev/null
		run --separate-stderr udc run deb /usr/bin/readlink /proc/self/exe /proc/thread-self/exe
		assert_success
		assert_output $'/usr/bin/readlink\n/usr/bin/readlink'
		# another tracee's link by pid; the shell's own through /proc/$$
		run --separate-stderr udc run deb /bin/sh -c \
			'readlink /proc/$$/exe; sleep 30 & i=0
			# the child runs dash until its exec of sleep: wait for that (bounded), then look
			while [ "$(readlink /proc/$!/exe)" = /usr/bin/dash ] && [ $i -lt 200 ]; do
				i=$((i + 1)); sleep 0.05; done
			readlink /proc/$!/exe /proc/$!/task/$!/exe; kill $!'
		assert_success
		assert_output $'/usr/bin/dash\n/usr/bin/sleep\n/usr/bin/sleep'
		run --separate-stderr udc run deb /usr/bin/python3 -c '
import hashlib, os, sys
h = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
print(sys.executable, os.readlink("/proc/self/exe"), h("/proc/self/exe") == h("/usr/bin/python3.11"))'
		assert_success
		assert_output '/usr/bin/python3 /usr/bin/python3.11 True'
	done
}

@test "run_exec: a program re-executes itself through /proc/self/exe (P1, P2)" {
	deb_container
	for mode in P1 P2; do
		udc setup --execmode=$mode deb >/dev/null
		run --separate-stderr udc run deb /bin/bash -c \
			'[ -n "$AGAIN" ] && { echo "again $BASH"; exit; }; AGAIN=1 exec /proc/self/exe -c "$BASH_EXECUTION_STRING"'
		assert_success
		assert_output 'again /proc/self/exe'
	done
}

@test "run_exec: AT_EXECFN and /proc/self/exe of C programs built by the guest's gcc (P1, P2)" {
	deb_container
	mkdir src
	cat >src/t.c <<-'EOF'
		#include <stdio.h>
		#include <sys/auxv.h>
		#include <unistd.h>
		int main(void)
		{
			char b[4096];
			ssize_t n = readlink("/proc/self/exe", b, sizeof(b) - 1);

			b[n < 0 ? 0 : n] = '\0';
			printf("%s %s\n", (const char *)getauxval(AT_EXECFN), b);
			return 0;
		}
	EOF
	run --separate-stderr udc run -v "$PWD/src:/src" deb /bin/sh -c \
		'cd /src && gcc -o t t.c && gcc -static -o ts t.c'
	assert_success
	for mode in P1 P2; do
		udc setup --execmode=$mode deb >/dev/null
		run --separate-stderr udc run -v "$PWD/src:/src" deb /bin/sh -c \
			'cd /src && ./ts && ../src/ts && /src/t && ./t'
		assert_success
		# static: the name as exec'd, as the kernel gives it; dynamic: glibc's loader points
		# AT_EXECFN at the program path it was given, the canonical guest path
		assert_output $'./ts /src/ts\n../src/ts /src/ts\n/src/t /src/t\n/src/t /src/t'
	done
}

@test "run_exec: busybox (static) readlink /proc/self/exe is busybox, cwd and fd whole (P1, P2)" {
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		run --separate-stderr udc run bb /bin/readlink /proc/self/exe
		assert_success
		assert_output /bin/busybox
		# busybox asks with 80 bytes first: the kernel cuts the host target, the guest's is whole
		run --separate-stderr udc run -w /etc bb /bin/sh -c \
			'readlink /proc/self/cwd; readlink /proc/self/fd/3 3</etc/os-release'
		assert_success
		assert_output $'/etc\n/etc/os-release'
	done
}

@test "run_exec: SIGINT and SIGTERM sent to udockerc reach the guest's handler (P1, P2)" {
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		for sig in INT TERM; do
			udc_bg out run bb /bin/sh -c \
				"trap 'echo got $sig; exit 3' $sig; echo ready; while :; do sleep 0.1; done"
			wait_for_line out ready
			kill -s $sig "$UDC_PID"
			wait_status "$UDC_PID"
			assert_equal "$STATUS" 3
			assert_equal "$(cat out)" $'ready\ngot '$sig
		done
	done
}

@test "run_exec: a guest without a handler dies of the forwarded signal: 128+N (P1, P2)" {
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		udc_bg out run bb /bin/sh -c 'echo ready; exec sleep 30'
		wait_for_line out ready
		kill -s TERM "$UDC_PID"
		wait_status "$UDC_PID"
		assert_equal "$STATUS" 143
		udc_bg out run bb /bin/sh -c 'echo ready; while :; do sleep 0.1; done'
		wait_for_line out ready
		kill -s USR1 "$UDC_PID"
		wait_status "$UDC_PID"
		assert_equal "$STATUS" 138
	done
}

@test "run_exec: a signal ignored when udockerc starts stays ignored, for the guest too" {
	local root=()
	is_root && root=(--allow-root)
	"${UDOCKERC:-udockerc}" "${root[@]}" run bb /bin/sh -c \
		"trap 'echo got INT; exit 3' INT; echo ready; while :; do sleep 0.1; done" \
		>out 2>out.err &
	pid=$! # a background job of this shell: SIGINT ignored
	wait_for_line out ready
	kill -s INT "$pid"
	sleep 0.3
	kill -0 "$pid" || fail "udockerc died of an ignored SIGINT"
	kill -s TERM "$pid"
	wait_status "$pid"
	assert_equal "$STATUS" 143
	assert_equal "$(cat out)" ready
}

@test "run_exec: kill -9 of udockerc leaves no guest process behind (P1, P2)" {
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		mark=$((100000 + RANDOM * 4 + ${#mode}))
		udc_bg out run bb /bin/sh -c "sleep $mark & sleep $mark; echo ready $mark"
		for ((i = 0; i < 100; i++)); do
			[ "$(pgrep -cf "^sleep $mark\$")" -eq 2 ] && break
			sleep 0.1
		done
		assert_equal "$(pgrep -cf "^sleep $mark\$")" 2
		kill -9 "$UDC_PID"
		wait_status "$UDC_PID"
		assert_equal "$STATUS" 137
		wait_gone "$mark" 100
		run pgrep -af "$mark"
		assert_failure
		assert_output ''
	done
}

@test "run_exec: the container ends with its first process: background children are killed (P1, P2)" {
	for mode in P1 P2; do
		udc setup --execmode=$mode bb >/dev/null
		mark=$((200000 + RANDOM * 4 + ${#mode}))
		# the shell exits at once; its child would sleep for minutes
		start=$SECONDS
		run --separate-stderr udc run bb /bin/sh -c "sleep $mark & echo started; exit 4"
		assert_equal "$status" 4
		assert_output started
		[ $((SECONDS - start)) -lt 30 ] || fail "run waited for the background child"
		wait_gone "^sleep $mark\$" 50
		run pgrep -af "^sleep $mark\$"
		assert_failure
	done
}
