#!/bin/sh
# deps.sh - install the Debian packages udockerc needs to build and test (root), or print
# the exact install line (anyone else). Used by `make deps`, `make demo` and `make check`;
# `make bench` runs `deps.sh bench`.
set -eu

BUILD_PKGS="gcc make pkg-config libtalloc-dev uthash-dev libarchive-dev libjansson-dev libssl-dev libcurl4-openssl-dev"
TEST_PKGS="bats bats-assert bats-support busybox-static debootstrap zstd gzip tar util-linux mount perl
	musl-tools docker-registry skopeo umoci apache2-utils jq curl openssl python3"
# `deps.sh bench`: also the established tools bench/ compares against.
BENCH_PKGS="proot fakechroot"
PKGS="$BUILD_PKGS $TEST_PKGS"
[ "${1:-}" != bench ] || PKGS="$PKGS $BENCH_PKGS"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# docker-registry's package starts a service on :5000 on every interface; the tests start
	# their own on 127.0.0.1. Keep the package from starting it (only where no policy exists).
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		trap 'rm -f "$policy"' EXIT
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
	fi
	# shellcheck disable=SC2086
	apt-get install -y -q $missing >/dev/null 2>&1 || {
		apt-get update -q >/dev/null
		apt-get install -y -q $missing
	}
else
	echo "deps: missing Debian packages; as root run:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 1
fi
