# common.bash - loaded by every bats suite: libraries, a fresh repository and HOME per test,
# the fixtures, and small helpers around the installed `udockerc`.
# shellcheck shell=bash

bats_require_minimum_version 1.5.0
export BATS_LIB_PATH="${BATS_LIB_PATH:-/usr/lib/bats}"
bats_load_library bats-support
bats_load_library bats-assert

TESTS_DIR=$(cd "${BATS_TEST_DIRNAME}" && pwd)
SRC_DIR=$(cd "${TESTS_DIR}/.." && pwd)
export TESTS_DIR SRC_DIR
MKTAR=$TESTS_DIR/fixtures/mktar.sh
# shellcheck source=tests/helpers/repo.bash
source "$TESTS_DIR/helpers/repo.bash"

# The execution mode of a per-mode suite (tests/run-all.sh runs those once per mode of
# ENGINE_MODES with ENGINE_MODE set; default P1). Their test names start with $MODE_TAG, so
# the TAP output of the runs tells them apart. Under the F modes their busybox image is the
# dynamic one (the F engine runs a static program under P1: the shim would go untested).
: "${ENGINE_MODE:=P1}"
export ENGINE_MODE
MODE_TAG="[$ENGINE_MODE]"
if [[ $ENGINE_MODE == F* ]]; then
	BUSYBOX_TAR=${BUSYBOX_DYN_TAR:-}
	BUSYBOX_TAR_ERROR=${BUSYBOX_DYN_TAR_ERROR:-BUSYBOX_DYN_TAR is not set}
	export BUSYBOX_TAR BUSYBOX_TAR_ERROR
fi

# f_mode: the suite runs in an F mode. There the guest sees the host user (uid, gid, groups:
# -u, the image's User, set*id and chown are not emulated; docs/design/preload.md, Identity),
# and a run that asked for another uid or gid says so in one notice.
f_mode() { [[ $ENGINE_MODE == F* ]]; }

# assert_identity_notice UID GID: stderr (of `run --separate-stderr`) holds the F identity
# notice exactly once, naming UID and GID, when the run asked for UID:GID in an F mode and
# that is not the host user; otherwise it holds none.
assert_identity_notice() {
	local n want=0
	n=$(grep -c 'shows the guest the host user' <<<"${stderr:-}" || true)
	if f_mode && [ "$1:$2" != "$(id -u):$(id -g)" ]; then
		want=1
	fi
	[ "$n" -eq "$want" ] || fail "expected $want identity notice(s), got $n: ${stderr:-}"
	[ "$want" -eq 0 ] || [[ $stderr == *"(uid $1 gid $2)"* ]] ||
		fail "the notice does not name uid $1 gid $2: $stderr"
}

# host_user_in PASSWD: the name PASSWD gives the host's uid (what `id -un` in a guest with
# that file shows in an F mode).
host_user_in() {
	awk -F: -v u="$(id -u)" '$3 == u { print $1; exit }' "$1"
}

# A UUID as `create` prints it.
UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'

# common_setup: what every test starts from (suites that define setup() call it first).
common_setup() {
	export HOME=$BATS_TEST_TMPDIR/home
	export UDOCKERC_DIR=$BATS_TEST_TMPDIR/repo
	mkdir -p "$HOME"
	unset UDOCKER_DIR UDOCKERC_ENGINE
	# new containers (create, run IMAGE, run --location) get the suite's mode
	export UDOCKERC_DEFAULT_EXECUTION_MODE=$ENGINE_MODE
	cd "$BATS_TEST_TMPDIR" || return 1
	command -v "${UDOCKERC:-udockerc}" >/dev/null ||
		fail "udockerc is not on PATH (run the suites through tests/run-all.sh or make check)"
}

setup() {
	common_setup
}

# common_teardown: make everything in the test's directory removable again (container roots
# hold read-only directories, and bats removes the directory as this user).
common_teardown() {
	chmod -R u+rwX "$BATS_TEST_TMPDIR" 2>/dev/null || true
}

teardown() {
	common_teardown
}

# udc ARGS...: the installed udockerc; as root --allow-root goes first, because udocker
# refuses to run as root without it.
udc() {
	if [ "$(id -u)" -eq 0 ]; then
		"${UDOCKERC:-udockerc}" --allow-root "$@"
	else
		"${UDOCKERC:-udockerc}" "$@"
	fi
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# need_busybox / need_debian (bookworm): the fixture tarballs setup_suite.bash located or built.
need_busybox() {
	[ -n "${BUSYBOX_TAR:-}" ] && [ -r "$BUSYBOX_TAR" ] ||
		fail "busybox fixture missing: ${BUSYBOX_TAR_ERROR:-BUSYBOX_TAR is not set}"
}
need_debian() {
	[ -n "${DEBIAN_TAR:-}" ] && [ -r "$DEBIAN_TAR" ] ||
		fail "debian fixture missing: ${DEBIAN_TAR_ERROR:-DEBIAN_TAR is not set}"
}
# need_trixie: the Debian trixie minbase (+python3) tarball, a glibc newer than the host's.
need_trixie() {
	[ -n "${TRIXIE_TAR:-}" ] && [ -r "$TRIXIE_TAR" ] ||
		fail "trixie fixture missing: ${TRIXIE_TAR_ERROR:-TRIXIE_TAR is not set}"
}
# need_bullseye: the Debian bullseye minbase (+python3) tarball, an older glibc (2.31: its
# loader has no --argv0).
need_bullseye() {
	[ -n "${BULLSEYE_TAR:-}" ] && [ -r "$BULLSEYE_TAR" ] ||
		fail "bullseye fixture missing: ${BULLSEYE_TAR_ERROR:-BULLSEYE_TAR is not set}"
}
# need_musl: the image of one dynamic musl program and musl's loader (tests/fixtures/musl.sh).
need_musl() {
	[ -n "${MUSL_TAR:-}" ] && [ -r "$MUSL_TAR" ] ||
		fail "musl fixture missing: ${MUSL_TAR_ERROR:-MUSL_TAR is not set}"
}

# The nons sandbox (tests/tools/nons.c): no namespace can be made under it. make san builds
# it into build-san/tests/, tests/run-all.sh into the build directory it tests.
NONS=${NONS:-$SRC_DIR/${UDOCKERC_BUILD:-build-san}/tests/nons}
need_nons() {
	[ -x "$NONS" ] || fail "nons sandbox missing: $NONS (make san, or make tools BUILD=DIR)"
}

# nons_udc [--no-ptrace] [--no-vm] [--no-pidfd] ARGS...: the installed udockerc (as udc runs it) under nons.
nons_udc() {
	local -a box=("$NONS")
	while [[ ${1:-} == --no-ptrace || ${1:-} == --no-vm || ${1:-} == --no-pidfd ]]; do
		box+=("$1")
		shift
	done
	if is_root; then
		"${box[@]}" "${UDOCKERC:-udockerc}" --allow-root "$@"
	else
		"${box[@]}" "${UDOCKERC:-udockerc}" "$@"
	fi
}

# import_busybox [REF]: import the busybox fixture as REF (default bb:1.0), asserting success.
import_busybox() {
	need_busybox
	run --separate-stderr udc import "$BUSYBOX_TAR" "${1:-bb:1.0}"
	assert_success
}

# create_busybox [NAME]: import bb:1.0 if needed, create a container (named NAME when given);
# sets CID to the new container id.
create_busybox() {
	if ! udc inspect bb:1.0 >/dev/null 2>&1; then
		import_busybox bb:1.0
	fi
	if [ -n "${1:-}" ]; then
		run --separate-stderr udc -q create --name="$1" bb:1.0
	else
		run --separate-stderr udc -q create bb:1.0
	fi
	assert_success
	CID=$output
	[[ $CID =~ $UUID_RE ]] || fail "create printed '$CID', not a container id"
}

# bb_container: the busybox image bb:1 and a container of it named bb (setup of the run suites).
bb_container() {
	need_busybox
	udc -q import "$BUSYBOX_TAR" bb:1 >/dev/null
	udc -q create --name=bb bb:1 >/dev/null
}

# deb_container [HELPER...]: the Debian image deb:1 and a container of it named deb; each HELPER
# file of tests/helpers/ is copied into ./src (the tests bind it into the guest).
deb_container() {
	need_debian
	udc -q import "$DEBIAN_TAR" deb:1 >/dev/null
	udc -q create --name=deb deb:1 >/dev/null
	[ $# -eq 0 ] && return 0
	mkdir -p src
	for f in "$@"; do cp "$TESTS_DIR/helpers/$f" src/; done
}

# container_root ID-OR-NAME: the root directory `inspect -p` prints (must exist).
container_root() {
	local r
	r=$(udc inspect -p "$1") || fail "inspect -p $1 failed"
	[ -d "$r" ] || fail "inspect -p $1 printed '$r', which is not a directory"
	echo "$r"
}

# mktar OUT < SPEC: craft a tarball entry by entry (see tests/fixtures/mktar.sh).
mktar() {
	"$MKTAR" "$@"
}

# assert_one_error_line PATTERN...: stderr is exactly one line, starting with "Error: " and
# containing every PATTERN (fixed strings): the udocker error contract.
assert_one_error_line() {
	local n p
	n=$(printf '%s' "$stderr" | awk 'END { print NR }')
	if [ -z "$stderr" ] || [ "$n" -ne 1 ]; then
		fail "expected exactly one stderr line, got $n:
$stderr"
	fi
	[[ $stderr == "Error: "* ]] || fail "stderr does not start with 'Error: ': $stderr"
	for p in "$@"; do
		[[ $stderr == *"$p"* ]] || fail "stderr does not name '$p': $stderr"
	done
}

# assert_error_unchanged PATTERN...: the four assertions of an error test (status 1, one
# stderr line, the culprit named, repository unchanged since repo_snapshot).
assert_error_unchanged() {
	assert_equal "$status" 1
	assert_one_error_line "$@"
	assert_repo_unchanged
}

# count_lines TEXT: the number of lines of TEXT (0 for an empty string).
count_lines() {
	printf '%s' "$1" | awk 'END { print NR }'
}

# image_lines: the image rows of `images` (header skipped).
image_rows() {
	udc images | tail -n +2
}

# ps_rows: the container rows of `ps` (header skipped).
ps_rows() {
	udc ps | tail -n +2
}

# tmp_is_empty: the repository's staging directory holds nothing.
assert_tmp_empty() {
	local left
	# tmp/blobs/ (resumable downloads) is part of the layout: only what is in it counts
	left=$(find "$UDOCKERC_DIR/tmp" -mindepth 1 ! -path "$UDOCKERC_DIR/tmp/blobs" 2>/dev/null |
		head -n 5)
	[ -z "$left" ] || fail "tmp/ is not empty: $left"
}

# assert_json TEXT: TEXT parses as one JSON value (perl's core JSON::PP).
assert_json() {
	printf '%s' "$1" | perl -MJSON::PP -e 'local $/; my $t = <STDIN>; JSON::PP->new->allow_nonref->decode($t); 1' 2>/dev/null ||
		fail "not valid JSON: $(printf '%s' "$1" | head -c 400)"
}

# udc_exec ARGS...: exec udockerc in place of the calling (sub)shell, so that "$!" of
# `( udc_exec ... ) &` is udockerc itself (for kill -9).
udc_exec() {
	if [ "$(id -u)" -eq 0 ]; then
		exec "${UDOCKERC:-udockerc}" --allow-root "$@"
	else
		exec "${UDOCKERC:-udockerc}" "$@"
	fi
}

# layer_hex FILE: the sha256 of FILE (the name of its layer in layers/).
layer_hex() {
	sha256sum <"$1" | cut -c1-64
}

# norm_names: tar member names without a leading "./", sorted, without the root entry.
norm_names() {
	sed -e 's#^\./##' -e 's#/$##' | grep -v '^\.\?$' | LC_ALL=C sort -u
}
export -f udc udc_exec

# assert_success / assert_failure also show stderr (bats-assert prints only $output).
eval "bats_assert_success_orig() $(declare -f assert_success | tail -n +2)"
eval "bats_assert_failure_orig() $(declare -f assert_failure | tail -n +2)"
assert_success() {
	bats_assert_success_orig "$@" && return 0
	[ -z "${stderr:-}" ] || printf 'stderr : %s\n' "$stderr" >&2
	return 1
}
assert_failure() {
	bats_assert_failure_orig "$@" && return 0
	[ -z "${stderr:-}" ] || printf 'stderr : %s\n' "$stderr" >&2
	return 1
}
