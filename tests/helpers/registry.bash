# registry.bash - bats helpers around tests/fixtures/registry.sh: a loopback registry holding
# the test images (tests/fixtures/images.sh), started per file (setup_file) or per test.
#
#   setup_file()    { registry_start plain; }       # exports REGISTRY, REGISTRY_URL, ...
#   teardown_file() { registry_stop; }              # stops every registry this file started
#
# registry_start VARIANT [WORKDIR]  start plain|basic|tls|token|token-noscope|redirect
#                                   (WORKDIR defaults to $BATS_FILE_TMPDIR/registry-VARIANT)
#                                   and export the assignments of WORKDIR/env (see registry.sh)
# registry_use VARIANT|WORKDIR      export the env of a started registry again (for files that
#                                   run several variants)
# registry_stop [WORKDIR...]        stop the given registries, default all started by this file
# registry_curl ARGS...             curl -sS with the credentials, token or CA of the variant
# registry_manifest IMAGE [REF]     the manifest body (REF defaults to latest; an index or list
#                                   is returned as is)
# registry_platform_manifest IMAGE  the manifest of the host's entry (follows an index/list)
# registry_layer_digest IMAGE [N]   digest of layer N (0-based, default the last) of the host's
#                                   manifest
# registry_blob_path DIGEST         the stored data file of DIGEST (blobs are shared by repos)
# registry_corrupt_blob IMAGE [N [MODE]]  damage layer N of IMAGE in the storage, MODE flip
#                                   (default: one byte changed, same size), truncate (half) or
#                                   remove; prints the digest. The registry serves the damaged
#                                   bytes as they are (it never checks).
# registry_skopeo ARGS...           skopeo with --insecure-policy and its blob-info cache in
#                                   $BATS_FILE_TMPDIR (never /var/lib/containers, even as root)
# registry_expected IMAGE           path of the expected rootfs listing of IMAGE
# registry_list ROOT                list ROOT in the format of the expected listings
# shellcheck shell=bash

REGISTRY_FIXTURES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../fixtures" && pwd)
REGISTRY_ACCEPT='application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json'
export REGISTRY_FIXTURES_DIR REGISTRY_ACCEPT

# The variables an env file may set; cleared before loading one.
_REGISTRY_VARS=(REGISTRY REGISTRY_URL REGISTRY_VARIANT REGISTRY_PID REGISTRY_LOG REGISTRY_STORAGE
	REGISTRY_WORKDIR REGISTRY_IMAGES REGISTRY_USER REGISTRY_PASSWORD REGISTRY_CA REGISTRY_CERT_DIR
	REALM_URL REALM_PID REALM_DENY_URL REGISTRY_TOKEN REGISTRY_TOKEN_NONE CDN_URL CDN_PID CDN_LOG)

registry_start() {
	local variant=${1:?registry_start VARIANT [WORKDIR]} w=${2:-}
	[ -n "$w" ] || w=${BATS_FILE_TMPDIR:?registry_start needs BATS_FILE_TMPDIR or a WORKDIR}/registry-$variant
	"$REGISTRY_FIXTURES_DIR/registry.sh" start "$variant" "$w" </dev/null 3>&- || {
		echo "registry_start: tests/fixtures/registry.sh start $variant $w failed" >&2
		return 1
	}
	REGISTRY_WORKDIRS="${REGISTRY_WORKDIRS:+$REGISTRY_WORKDIRS:}$w"
	export REGISTRY_WORKDIRS
	registry_use "$w"
}

registry_use() {
	local w=${1:?registry_use VARIANT|WORKDIR} v
	[ -f "$w/env" ] || w=$BATS_FILE_TMPDIR/registry-$w
	[ -f "$w/env" ] || { echo "registry_use: no running registry in $w" >&2; return 1; }
	unset "${_REGISTRY_VARS[@]}"
	# shellcheck disable=SC1091
	source "$w/env"
	for v in "${_REGISTRY_VARS[@]}"; do
		[ -z "${!v+x}" ] || export "${v?}"
	done
}

registry_stop() {
	local -a ws
	local w rc=0
	if [ $# -gt 0 ]; then
		ws=("$@")
	else
		IFS=: read -r -a ws <<<"${REGISTRY_WORKDIRS:-}"
	fi
	for w in "${ws[@]}"; do
		[ -n "$w" ] || continue
		"$REGISTRY_FIXTURES_DIR/registry.sh" stop "$w" </dev/null 3>&- || rc=1
	done
	return $rc
}

registry_curl() {
	local -a a=(-sS)
	case ${REGISTRY_VARIANT:-} in
	basic) a+=(-u "$REGISTRY_USER:$REGISTRY_PASSWORD") ;;
	tls) a+=(--cacert "$REGISTRY_CA") ;;
	token) a+=(-H "Authorization: Bearer $REGISTRY_TOKEN") ;;
	esac
	curl "${a[@]}" "$@"
}

registry_manifest() {
	registry_curl -f -H "Accept: $REGISTRY_ACCEPT" "$REGISTRY_URL/v2/$1/manifests/${2:-latest}"
}

# _registry_host_arch: the host as an OCI architecture.
_registry_host_arch() {
	case $(uname -m) in
	x86_64) echo amd64 ;;
	aarch64) echo arm64 ;;
	*) dpkg --print-architecture ;;
	esac
}

registry_platform_manifest() {
	local m d
	m=$(registry_manifest "$1") || return 1
	if jq -e '.manifests' <<<"$m" >/dev/null; then
		d=$(jq -r --arg a "$(_registry_host_arch)" \
			'[.manifests[] | select(.platform.architecture == $a and .platform.os == "linux")][0].digest' <<<"$m")
		m=$(registry_manifest "$1" "$d") || return 1
	fi
	printf '%s\n' "$m"
}

registry_layer_digest() {
	registry_platform_manifest "$1" | jq -er --argjson n "${2:--1}" '.layers[$n].digest'
}

registry_blob_path() {
	local hex=${1#sha256:}
	echo "$REGISTRY_STORAGE/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}

registry_corrupt_blob() {
	local d f size off byte
	d=$(registry_layer_digest "$1" "${2:--1}") || return 1
	f=$(registry_blob_path "$d")
	[ -f "$f" ] || { echo "registry_corrupt_blob: no $f" >&2; return 1; }
	size=$(stat -c %s "$f")
	case ${3:-flip} in
	flip)
		off=$((size / 2))
		byte=$(od -An -tx1 -j "$off" -N1 "$f" | tr -d ' \n')
		if [ "$byte" = 41 ]; then byte=B; else byte=A; fi
		printf '%s' "$byte" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
		;;
	truncate) truncate -s $((size / 2)) "$f" ;;
	remove) rm -f "$f" ;;
	*) echo "registry_corrupt_blob: MODE is flip, truncate or remove" >&2; return 1 ;;
	esac
	echo "$d"
}

registry_skopeo() {
	local uid h=${BATS_FILE_TMPDIR:-${TMPDIR:-/tmp}}/skopeo-home
	uid=$(id -u)
	[ "$uid" -ne 0 ] || uid=65534
	mkdir -p "$h"
	HOME=$h XDG_DATA_HOME=$h/data XDG_CONFIG_HOME=$h/config XDG_RUNTIME_DIR=$h/run \
		_CONTAINERS_ROOTLESS_UID=$uid skopeo --insecure-policy "$@"
}

registry_expected() {
	echo "$REGISTRY_IMAGES/expected/$1.list"
}

registry_list() {
	"$REGISTRY_FIXTURES_DIR/images.sh" list "$1"
}
