#!/usr/bin/env bats
# pull.bats - `pull` and `manifest inspect` against Debian's docker-registry on 127.0.0.1:
# OCI and Docker schema2 images, an OCI index and a Docker manifest list whose first entry is
# another architecture, multi-layer images checked against umoci's unpacking, digests, the
# layer store, and what a bad registry answer leaves behind (nothing).

load helpers/common
# shellcheck source=tests/helpers/registry.bash
source "$BATS_TEST_DIRNAME/helpers/registry.bash"

setup_file() {
	registry_start plain
}

teardown_file() {
	registry_stop
}

setup() {
	common_setup
	udc mkrepo "$UDOCKERC_DIR" >/dev/null # error tests compare against an existing repository
}

# pulled_root IMAGE: create a container of IMAGE and print its root directory.
pulled_root() {
	local id
	id=$(udc create "$1") || return 1
	udc inspect -p "$id"
}

@test "pull: an OCI image is stored under its registry name and verifies" {
	run --separate-stderr udc pull "$REGISTRY/busybox"
	assert_success
	run --separate-stderr udc images
	assert_line --regexp "^$REGISTRY/busybox:latest +\.$"
	run --separate-stderr udc verify "$REGISTRY/busybox:latest"
	assert_success
}

@test "pull: the image config comes along (Env with spaces, Cmd, WorkingDir)" {
	udc pull "$REGISTRY/busybox" >/dev/null
	run --separate-stderr udc inspect "$REGISTRY/busybox"
	assert_success
	assert_json "$output"
	expected=$(registry_curl -f "$REGISTRY_URL/v2/busybox/blobs/$(registry_platform_manifest busybox | jq -r .config.digest)" | jq -S .config.Env)
	[ "$(printf '%s' "$output" | jq -S .config.Env)" = "$expected" ]
}

@test "pull: a multi-layer image unpacks exactly as umoci unpacks it" {
	udc pull "$REGISTRY/layered" >/dev/null
	root=$(pulled_root "$REGISTRY/layered")
	run diff <(registry_list "$root") "$(registry_expected layered)"
	assert_success
}

@test "pull: a Docker schema2 image" {
	run --separate-stderr udc pull "$REGISTRY/busybox-v2s2"
	assert_success
	root=$(pulled_root "$REGISTRY/busybox-v2s2")
	[ -x "$root/bin/busybox" ]
}

@test "pull: from an OCI index the host's platform is chosen, not the first entry" {
	run --separate-stderr udc pull "$REGISTRY/multi"
	assert_success
	want=$(registry_platform_manifest multi | jq -r .config.digest)
	run --separate-stderr udc inspect "$REGISTRY/multi"
	[ "$(printf '%s' "$output" | jq -r .architecture)" = "$(_registry_host_arch)" ]
	grep -q "${want#sha256:}" "$UDOCKERC_DIR"/images/*multi*.json
}

@test "pull: from a Docker manifest list the host's platform is chosen" {
	run --separate-stderr udc pull "$REGISTRY/multi-docker"
	assert_success
	run --separate-stderr udc inspect "$REGISTRY/multi-docker"
	[ "$(printf '%s' "$output" | jq -r .architecture)" = "$(_registry_host_arch)" ]
}

@test "pull: --platform picks another entry of an index" {
	run --separate-stderr udc pull --platform=linux/arm64 "$REGISTRY/multi"
	assert_success
	run --separate-stderr udc inspect "$REGISTRY/multi"
	[ "$(printf '%s' "$output" | jq -r .architecture)" = arm64 ]
}

@test "pull: a platform the index does not have is an error naming it" {
	repo_snapshot
	run --separate-stderr udc pull --platform=linux/s390x "$REGISTRY/multi"
	assert_error_unchanged "linux/s390x" "multi"
}

@test "pull: by digest, stored as NAME@DIGEST" {
	d=$(registry_curl -sfI -H "Accept: $REGISTRY_ACCEPT" "$REGISTRY_URL/v2/busybox/manifests/latest" |
		tr -d '\r' | sed -n 's/^docker-content-digest: *//Ip')
	run --separate-stderr udc pull "$REGISTRY/busybox@$d"
	assert_success
	run --separate-stderr udc images
	assert_line --regexp "^$REGISTRY/busybox@$d +\.$"
	root=$(pulled_root "$REGISTRY/busybox@$d")
	[ -x "$root/bin/busybox" ]
}

@test "pull: a digest that does not match the manifest is refused" {
	repo_snapshot
	bad=sha256:$(printf 'x' | sha256sum | cut -d' ' -f1)
	run --separate-stderr udc pull "$REGISTRY/busybox@$bad"
	assert_equal "$status" 1
	assert_one_error_line "busybox"
	assert_repo_unchanged
}

@test "pull: a layer already in the store is not downloaded again" {
	udc pull "$REGISTRY/busybox" >/dev/null
	base=$(registry_layer_digest busybox 0)
	before=$(grep -c "blobs/$base" "$REGISTRY_LOG" || true)
	run --separate-stderr udc pull "$REGISTRY/layered"
	assert_success
	assert_output --partial "${base:7:12}: already exists"
	after=$(grep -c "blobs/$base" "$REGISTRY_LOG" || true)
	assert_equal "$after" "$before"
	[ "$(find "$UDOCKERC_DIR/layers" -name "${base#sha256:}" | wc -l)" -eq 1 ]
}

@test "pull: pulling again updates nothing and keeps one copy of each blob" {
	udc pull "$REGISTRY/layered" >/dev/null
	n=$(find "$UDOCKERC_DIR/layers" -type f | wc -l)
	run --separate-stderr udc pull "$REGISTRY/layered"
	assert_success
	[ "$(find "$UDOCKERC_DIR/layers" -type f | wc -l)" -eq "$n" ]
}

@test "pull: rmi of a pulled image deletes the blobs no other image uses" {
	udc pull "$REGISTRY/busybox" >/dev/null
	udc pull "$REGISTRY/layered" >/dev/null
	udc rmi "$REGISTRY/layered" 2>/dev/null
	base=$(registry_layer_digest busybox 0)
	run ls "$UDOCKERC_DIR/layers"
	assert_line "${base#sha256:}"
	assert_equal "${#lines[@]}" 2 # busybox's layer and config
	udc rmi "$REGISTRY/busybox" 2>/dev/null
	run ls "$UDOCKERC_DIR/layers"
	assert_output ""
}

@test "pull: an unknown tag is one error line naming the image, repository unchanged" {
	repo_snapshot
	run --separate-stderr udc pull "$REGISTRY/busybox:nope"
	assert_error_unchanged "busybox:nope" "404"
}

@test "pull: an unknown repository is one error line, repository unchanged" {
	repo_snapshot
	run --separate-stderr udc pull "$REGISTRY/nothere"
	assert_error_unchanged "nothere"
}

@test "pull: an unreachable registry is one error line naming it" {
	port=$(( (RANDOM % 1000) + 40000 ))
	while (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null; do port=$((port + 1)); done
	repo_snapshot
	run --separate-stderr udc pull "127.0.0.1:$port/busybox"
	assert_error_unchanged "127.0.0.1:$port"
}

@test "pull: an invalid name is one error line naming it" {
	repo_snapshot
	run --separate-stderr udc pull "$REGISTRY/Bad_Name"
	assert_error_unchanged "Bad_Name"
}

@test "pull: -q prints nothing on success" {
	run --separate-stderr udc -q pull "$REGISTRY/busybox"
	assert_success
	assert_output ""
	assert_equal "$stderr" ""
}

@test "pull: one progress line per blob when stdout is not a terminal" {
	run --separate-stderr udc pull "$REGISTRY/layered"
	assert_success
	n=$(registry_platform_manifest layered | jq '.layers | length')
	[ "$(printf '%s\n' "$output" | grep -c ': pull complete')" -eq $((n + 1)) ]
}

@test "pull: concurrent pulls of one image end with one consistent copy" {
	for i in 1 2 3 4; do
		udc -q pull "$REGISTRY/layered" >"out$i" 2>"err$i" &
	done
	wait
	for i in 1 2 3 4; do
		[ ! -s "err$i" ] || fail "pull $i: $(cat "err$i")"
	done
	run --separate-stderr udc verify "$REGISTRY/layered"
	assert_success
	[ -z "$(find "$UDOCKERC_DIR/tmp" -type f)" ] || fail "left in tmp: $(find "$UDOCKERC_DIR/tmp" -type f)"
}

@test "manifest inspect: prints the registry's index for a multi-platform image" {
	run --separate-stderr udc manifest inspect "$REGISTRY/multi"
	assert_success
	[ "$(printf '%s' "$output" | jq -r .mediaType)" = application/vnd.oci.image.index.v1+json ]
	[ "$(printf '%s' "$output" | jq -r '.manifests[0].platform.architecture')" = arm64 ]
}

@test "manifest inspect: --platform prints that platform's image manifest" {
	run --separate-stderr udc manifest inspect --platform=linux/arm64 "$REGISTRY/multi"
	assert_success
	[ "$(printf '%s' "$output" | jq '.layers | length')" -ge 1 ]
}

@test "search --list-tags: the tags of a repository" {
	run --separate-stderr udc search --list-tags "$REGISTRY/busybox"
	assert_success
	assert_output "latest"
}

@test "search --list-tags: an unknown repository is one error line naming it" {
	repo_snapshot
	run --separate-stderr udc search --list-tags "$REGISTRY/nothere"
	assert_error_unchanged "nothere"
}
