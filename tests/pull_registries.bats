#!/usr/bin/env bats
# pull_registries.bats - `pull`, `login` and `logout` against registries that ask more of a
# client: Basic auth, Bearer tokens from a realm, TLS with a private CA, blobs redirected to
# another server, and a registry that serves damaged blobs.

load helpers/common
# shellcheck source=tests/helpers/registry.bash
source "$BATS_TEST_DIRNAME/helpers/registry.bash"

setup_file() {
	local v
	for v in basic token token-noscope tls redirect; do
		registry_start "$v"
	done
}

teardown_file() {
	registry_stop
}

setup() {
	common_setup
	udc mkrepo "$UDOCKERC_DIR" >/dev/null
}

@test "pull: Basic auth without credentials is one error line naming the registry" {
	registry_use basic
	repo_snapshot
	run --separate-stderr udc pull "$REGISTRY/busybox"
	assert_error_unchanged "$REGISTRY" "401"
}

@test "login: wrong credentials are refused and nothing is stored" {
	registry_use basic
	repo_snapshot
	run --separate-stderr udc login --registry="$REGISTRY" --username=fixture --password=wrong
	assert_error_unchanged "$REGISTRY"
}

@test "login: then pull with Basic auth; the credentials file is private" {
	registry_use basic
	run --separate-stderr udc login --registry="$REGISTRY" --username="$REGISTRY_USER" \
		--password="$REGISTRY_PASSWORD"
	assert_success
	[ "$(stat -c %a "$UDOCKERC_DIR/credentials.json")" = 600 ]
	run --separate-stderr udc pull "$REGISTRY/busybox"
	assert_success
}

@test "login: --password-stdin reads the password from standard input" {
	registry_use basic
	run --separate-stderr udc login --registry="$REGISTRY" --username="$REGISTRY_USER" \
		--password-stdin <<<"$REGISTRY_PASSWORD"
	assert_success
	run --separate-stderr udc pull "$REGISTRY/busybox"
	assert_success
}

@test "logout: forgets the credentials; the next pull is refused" {
	registry_use basic
	udc login --registry="$REGISTRY" --username="$REGISTRY_USER" --password="$REGISTRY_PASSWORD" 2>/dev/null
	run --separate-stderr udc logout --registry="$REGISTRY"
	assert_success
	run --separate-stderr udc pull "$REGISTRY/busybox"
	assert_failure
}

@test "pull: credentials from ~/.docker/config.json are used" {
	registry_use basic
	mkdir -p "$HOME/.docker"
	auth=$(printf '%s:%s' "$REGISTRY_USER" "$REGISTRY_PASSWORD" | base64 -w0)
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REGISTRY" "$auth" >"$HOME/.docker/config.json"
	run --separate-stderr udc pull "$REGISTRY/busybox"
	assert_success
}

@test "pull: the Bearer token flow through the realm" {
	registry_use token
	run --separate-stderr udc pull "$REGISTRY/layered"
	assert_success
	run --separate-stderr udc verify "$REGISTRY/layered"
	assert_success
}

@test "pull: a token without the repository's scope is one error line" {
	registry_use token-noscope
	repo_snapshot
	run --separate-stderr udc pull "$REGISTRY/busybox"
	assert_error_unchanged "$REGISTRY"
}

@test "pull: TLS with a private CA given in UDOCKERC_CA_BUNDLE" {
	registry_use tls
	UDOCKERC_CA_BUNDLE=$REGISTRY_CA run --separate-stderr udc pull "$REGISTRY/busybox"
	assert_success
}

@test "pull: TLS with an unknown CA is refused, --insecure accepts it" {
	registry_use tls
	repo_snapshot
	run --separate-stderr udc pull "https://$REGISTRY/busybox" 2>/dev/null || true
	run --separate-stderr udc pull --registry="https://$REGISTRY" busybox
	assert_error_unchanged "$REGISTRY"
	run --separate-stderr udc pull --insecure --registry="https://$REGISTRY" busybox
	assert_success
}

@test "pull: blobs redirected to another server are fetched from it" {
	registry_use redirect
	run --separate-stderr udc pull "$REGISTRY/layered"
	assert_success
	grep -q "blobs/sha256" "$CDN_LOG" || fail "the CDN served nothing: $(cat "$CDN_LOG")"
	run --separate-stderr udc verify "$REGISTRY/layered"
	assert_success
}

@test "pull: a blob whose bytes do not match its digest is refused and nothing is kept" {
	registry_start plain "$BATS_TEST_TMPDIR/reg"
	d=$(registry_corrupt_blob layered -1 flip)
	repo_snapshot
	run --separate-stderr udc pull "$REGISTRY/layered"
	registry_stop "$BATS_TEST_TMPDIR/reg"
	assert_error_unchanged "${d#sha256:}" "layered"
}

@test "pull: a truncated blob fails naming it; no layer and no image are stored" {
	registry_start plain "$BATS_TEST_TMPDIR/reg"
	d=$(registry_corrupt_blob layered -1 truncate)
	before=$(ls "$UDOCKERC_DIR/layers" "$UDOCKERC_DIR/images")
	run --separate-stderr udc pull "$REGISTRY/layered"
	registry_stop "$BATS_TEST_TMPDIR/reg"
	assert_equal "$status" 1
	assert_one_error_line "${d#sha256:}"
	assert_equal "$(ls "$UDOCKERC_DIR/layers" "$UDOCKERC_DIR/images")" "$before"
}

@test "pull: a missing blob (404) is one error line naming the digest" {
	registry_start plain "$BATS_TEST_TMPDIR/reg"
	d=$(registry_corrupt_blob layered -1 remove)
	repo_snapshot
	run --separate-stderr udc pull "$REGISTRY/layered"
	registry_stop "$BATS_TEST_TMPDIR/reg"
	assert_error_unchanged "${d#sha256:}"
}

@test "pull: the general option --insecure accepts an unknown CA too" {
	registry_use tls
	run --separate-stderr udc --insecure pull --registry="https://$REGISTRY" busybox
	assert_success
}
