#!/usr/bin/env bats
# pull_bad.bats - `pull` of images whose content is hostile or broken, made by hand as OCI
# layouts and pushed to a private registry on 127.0.0.1: a layer that climbs out of its root
# and a malformed config must fail with one line and leave the repository as it was.

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
	udc mkrepo "$UDOCKERC_DIR" >/dev/null
}

# blob DIR FILE: move FILE into DIR/blobs/sha256 under its digest; print "HEX SIZE".
blob() {
	local hex size
	hex=$(sha256sum <"$2" | cut -c1-64)
	size=$(stat -c %s "$2")
	mv "$2" "$1/blobs/sha256/$hex"
	echo "$hex $size"
}

# push_image NAME LAYER_TAR CONFIG_BYTES: a one-layer OCI image written by hand (the config
# exactly as given), pushed to the registry as NAME:latest.
push_image() {
	local d=$BATS_TEST_TMPDIR/layout-$1 l c m
	mkdir -p "$d/blobs/sha256"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
	gzip -nc "$2" >"$d/layer"
	read -r -a l < <(blob "$d" "$d/layer")
	printf '%s' "$3" >"$d/config"
	read -r -a c < <(blob "$d" "$d/config")
	jq -cn --arg c "sha256:${c[0]}" --argjson cs "${c[1]}" --arg l "sha256:${l[0]}" \
		--argjson ls "${l[1]}" '{schemaVersion: 2,
		mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
		layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $l,
			size: $ls}]}' | tr -d '\n' >"$d/manifest"
	read -r -a m < <(blob "$d" "$d/manifest")
	jq -cn --arg m "sha256:${m[0]}" --argjson ms "${m[1]}" '{schemaVersion: 2,
		manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $m,
			size: $ms, annotations: {"org.opencontainers.image.ref.name": "latest"}}]}' \
		>"$d/index.json"
	registry_skopeo copy --dest-tls-verify=false "oci:$d:latest" "docker://$REGISTRY/$1:latest" \
		>/dev/null
	echo "${l[0]}"
}

# config_for TAR: a valid image config whose diff_id is TAR's digest.
config_for() {
	jq -cn --arg d "sha256:$(sha256sum <"$1" | cut -c1-64)" \
		'{architecture: "amd64", os: "linux", config: {}, rootfs: {type: "layers", diff_ids: [$d]}}'
}

@test "pull: a layer with an entry climbing out of its root is refused, repository unchanged" {
	"$MKTAR" evil.tar <<-'SPEC'
		d etc
		f etc/ok fine
		f ../escaped gotcha
	SPEC
	hex=$(push_image evil evil.tar "$(config_for evil.tar)")
	repo_snapshot
	run --separate-stderr udc pull "$REGISTRY/evil"
	assert_error_unchanged "$hex" "../escaped"
	[ ! -e "$UDOCKERC_DIR/../escaped" ] && [ ! -e "$BATS_TEST_TMPDIR/escaped" ]
}

@test "pull: a malformed image config is refused, repository unchanged" {
	"$MKTAR" ok.tar <<-'SPEC'
		f hello world
	SPEC
	push_image badconfig ok.tar '{"architecture": "amd64", "os": ' >/dev/null
	repo_snapshot
	run --separate-stderr udc pull "$REGISTRY/badconfig"
	assert_error_unchanged "badconfig" "config"
}

@test "pull: a config whose diff_ids do not match the layers is refused" {
	"$MKTAR" ok.tar <<-'SPEC'
		f hello world
	SPEC
	push_image twodiffs ok.tar '{"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": ["sha256:0000000000000000000000000000000000000000000000000000000000000000", "sha256:1111111111111111111111111111111111111111111111111111111111111111"]}}' >/dev/null
	repo_snapshot
	run --separate-stderr udc pull "$REGISTRY/twodiffs"
	assert_error_unchanged "twodiffs"
}
