#!/usr/bin/env bats
# load_save.bats - `load` of OCI image layouts and docker-save archives (directories, tars,
# stdin), `save` of pulled, loaded and imported images; round trips through a second
# repository, through skopeo and umoci; and what a bad archive leaves behind (nothing).

load helpers/common
# shellcheck source=tests/helpers/registry.bash
source "$BATS_TEST_DIRNAME/helpers/registry.bash"

setup_file() {
	# the registry fixture's cached images, without a registry
	REGISTRY_IMAGES=$("$REGISTRY_FIXTURES_DIR/images.sh") || return 1
	OCI=$REGISTRY_IMAGES/oci
	export REGISTRY_IMAGES OCI
}

setup() {
	common_setup
	udc mkrepo "$UDOCKERC_DIR" >/dev/null # error tests compare against an existing repository
}

# created_root IMAGE [REPO]: create a container of IMAGE (in REPO) and print its root.
created_root() {
	local id
	id=$(UDOCKERC_DIR=${2:-$UDOCKERC_DIR} udc -q create "$1") || return 1
	UDOCKERC_DIR=${2:-$UDOCKERC_DIR} udc inspect -p "$id"
}

# assert_tree ROOT IMAGE: ROOT is exactly what umoci unpacks for IMAGE.
assert_tree() {
	run diff <(registry_list "$1") "$(registry_expected "$2")"
	assert_success
}

# oci_blob DIGEST: the file of DIGEST in the cached layout.
oci_blob() {
	echo "$OCI/blobs/sha256/${1#sha256:}"
}

# oci_manifest IMAGE: the image manifest of IMAGE (ref.name) in the cached layout.
oci_manifest() {
	local d
	d=$(jq -r --arg n "$1" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $n) | .digest' "$OCI/index.json")
	cat "$(oci_blob "$d")"
}

# docker_archive IMAGE DIR [TAGS_JSON]: write IMAGE of the layout as a classic docker-save
# tree in DIR: <n>/layer.tar (uncompressed), <config hex>.json, manifest.json.
docker_archive() {
	local m cfg i=0 d mt layers=()
	m=$(oci_manifest "$1")
	mkdir -p "$2"
	cfg=$(jq -r .config.digest <<<"$m")
	cp "$(oci_blob "$cfg")" "$2/${cfg#sha256:}.json"
	while read -r d mt; do
		mkdir -p "$2/$i"
		case $mt in
		*zstd) zstd -dc <"$(oci_blob "$d")" >"$2/$i/layer.tar" ;;
		*gzip) gzip -dc <"$(oci_blob "$d")" >"$2/$i/layer.tar" ;;
		*) cp "$(oci_blob "$d")" "$2/$i/layer.tar" ;;
		esac
		layers+=("$i/layer.tar")
		i=$((i + 1))
	done < <(jq -r '.layers[] | "\(.digest) \(.mediaType)"' <<<"$m")
	jq -n --arg c "${cfg#sha256:}.json" --argjson t "${3:-[\"$1:latest\"]}" \
		'[{Config: $c, RepoTags: $t, Layers: $ARGS.positional}]' --args "${layers[@]}" \
		>"$2/manifest.json"
}

# tar_of DIR OUT: DIR's content as a tar file.
tar_of() {
	tar -C "$1" -cf "$2" .
}

# ---- load ---------------------------------------------------------------------------------

@test "load: an OCI layout directory loads every image under its ref.name" {
	run --separate-stderr udc load -i "$OCI"
	assert_success
	assert_equal "$output" "Loaded image: busybox:latest
Loaded image: layered:latest
Loaded image: multi:latest"
	run --separate-stderr udc verify layered:latest
	assert_success
	assert_tmp_empty
}

@test "load: an OCI layout tar (gzip) unpacks exactly as umoci unpacks it" {
	tar -C "$OCI" -czf oci.tar.gz .
	run --separate-stderr udc load --input=oci.tar.gz
	assert_success
	assert_tree "$(created_root layered)" layered
	assert_tmp_empty
}

@test "load: the config blob is stored and recorded (config_digest)" {
	udc load -i "$OCI" >/dev/null
	cfg=$(oci_manifest busybox | jq -r .config.digest)
	[ -f "$UDOCKERC_DIR/layers/${cfg#sha256:}" ]
	grep -q "\"config_digest\": *\"$cfg\"" "$UDOCKERC_DIR/images/busybox:latest.json"
}

@test "load: from an OCI index the host's platform is chosen" {
	udc load -i "$OCI" >/dev/null
	run --separate-stderr udc inspect multi
	assert_success
	[ "$(printf '%s' "$output" | jq -r .architecture)" = "$(_registry_host_arch)" ]
	assert_tree "$(created_root multi)" multi
}

@test "load: a docker-archive made by skopeo is loaded under its RepoTags" {
	registry_skopeo copy "oci:$OCI:busybox" "docker-archive:$BATS_TEST_TMPDIR/bb.tar:example.com/x/bb:1.0" >/dev/null
	run --separate-stderr udc load -i bb.tar
	assert_success
	assert_output "Loaded image: example.com/x/bb:1.0"
	assert_tree "$(created_root example.com/x/bb:1.0)" busybox
}

@test "load: a classic docker-save archive (uncompressed layer.tar) of a layered image" {
	docker_archive layered dsave
	tar_of dsave dsave.tar
	run --separate-stderr udc load -i dsave.tar
	assert_success
	assert_output "Loaded image: layered:latest"
	assert_tree "$(created_root layered)" layered
	run --separate-stderr udc verify layered
	assert_success
}

@test "load: from stdin, with and without -" {
	tar -C "$OCI" -cf oci.tar .
	run --separate-stderr udc load <oci.tar
	assert_success
	assert_line "Loaded image: busybox:latest"
	run --separate-stderr udc load - <oci.tar
	assert_success
	assert_line "Loaded image: multi:latest"
}

@test "load: REPO/IMAGE names an image the archive leaves unnamed" {
	docker_archive busybox dsave null
	run --separate-stderr udc load -i dsave example/named
	assert_success
	assert_output "Loaded image: example/named:latest"
}

@test "load: a tag moves to the newly loaded image and the old blobs go" {
	need_busybox
	udc import "$BUSYBOX_TAR" busybox:latest >/dev/null
	old=$(layer_hex "$BUSYBOX_TAR")
	run --separate-stderr udc load -i "$OCI"
	assert_success
	[ ! -e "$UDOCKERC_DIR/layers/$old" ] || [ "$old" = "$(oci_manifest busybox | jq -r '.layers[0].digest | ltrimstr("sha256:")')" ]
	grep -q config_digest "$UDOCKERC_DIR/images/busybox:latest.json"
}

@test "load: a layout with a corrupted blob is refused, naming the blob" {
	cp -r "$OCI" bad
	chmod -R u+w bad
	d=$(oci_manifest layered | jq -r '.layers[1].digest')
	printf 'X' | dd of="bad/blobs/sha256/${d#sha256:}" bs=1 seek=100 conv=notrunc status=none
	repo_snapshot
	run --separate-stderr udc load -i bad
	assert_error_unchanged "bad" "$d" "digest mismatch"
	tar_of bad bad.tar
	run --separate-stderr udc load -i bad.tar
	assert_error_unchanged "bad.tar" "$d" "digest mismatch"
}

@test "load: a tar without manifest.json or index.json is refused" {
	mktar nomf.tar <<<"f hello hi"
	repo_snapshot
	run --separate-stderr udc load -i nomf.tar
	assert_error_unchanged "nomf.tar" "manifest.json"
}

@test "load: a truncated archive is refused" {
	docker_archive busybox dsave
	tar_of dsave dsave.tar
	head -c $(($(stat -c %s dsave.tar) / 2)) dsave.tar >trunc.tar
	repo_snapshot
	run --separate-stderr udc load -i trunc.tar
	assert_error_unchanged "trunc.tar" "runcated"
}

@test "load: a layer escaping its root is refused and nothing stays" {
	docker_archive busybox dsave
	mktar dsave/0/layer.tar <<<"f ../escape gotcha"
	old=$(jq -r '.[0].Config' dsave/manifest.json)
	jq '.rootfs.diff_ids = ["sha256:'"$(layer_hex dsave/0/layer.tar)"'"]' "dsave/$old" >cfg
	hex=$(layer_hex cfg)
	rm "dsave/$old"
	mv cfg "dsave/$hex.json"
	jq --arg c "$hex.json" '.[0].Config = $c' dsave/manifest.json >m && mv m dsave/manifest.json
	tar_of dsave dsave.tar
	repo_snapshot
	run --separate-stderr udc load -i dsave.tar
	assert_error_unchanged "dsave.tar" "../escape"
}

@test "load: an archive entry escaping the archive is refused" {
	mktar evil.tar <<<"f ../manifest.json []"
	repo_snapshot
	run --separate-stderr udc load -i evil.tar
	assert_error_unchanged "evil.tar" "../manifest.json"
}

@test "load: an image without a name is refused" {
	docker_archive busybox dsave null
	repo_snapshot
	run --separate-stderr udc load -i dsave
	assert_error_unchanged "dsave" "no image name"
}

@test "load: a layer whose content is not the config's diff_id is refused" {
	docker_archive busybox dsave
	mktar dsave/0/layer.tar <<<"f other content"
	repo_snapshot
	run --separate-stderr udc load -i dsave
	assert_error_unchanged "dsave" "diff_id"
}

# ---- save ---------------------------------------------------------------------------------

# udc2 ARGS...: udockerc on a second repository.
udc2() {
	UDOCKERC_DIR=$BATS_TEST_TMPDIR/repo2 udc "$@"
}

# load_oci: load the cached layout into the test's repository.
load_oci() {
	udc load -i "$OCI" >/dev/null || fail "load of the cached OCI layout failed"
}

@test "save: a saved image loads into another repository and unpacks the same" {
	load_oci
	run --separate-stderr udc save -o saved.tar layered
	assert_success
	assert_output ""
	run --separate-stderr udc2 load -i saved.tar
	assert_success
	assert_output "Loaded image: layered:latest"
	assert_tree "$(created_root layered "$BATS_TEST_TMPDIR/repo2")" layered
	assert_tmp_empty
}

@test "save: layer.tar files are uncompressed and match the config's diff_ids" {
	load_oci
	udc save --output=saved.tar layered
	mkdir x && tar -C x -xf saved.tar
	cfg=$(jq -r '.[0].Config' x/manifest.json)
	cmp "x/$cfg" "$(oci_blob "$(oci_manifest layered | jq -r .config.digest)")"
	run jq -r '.[0].Layers[]' x/manifest.json
	i=0
	for l in "${lines[@]}"; do
		want=$(jq -r ".rootfs.diff_ids[$i]" "x/$cfg")
		[ "sha256:$(layer_hex "x/$l")" = "$want" ] || fail "$l is not $want"
		i=$((i + 1))
	done
	[ "$i" -eq 5 ]
	jq -e '.layered.latest' x/repositories >/dev/null
}

@test "save: skopeo reads the archive and umoci unpacks it as expected" {
	load_oci
	udc save -o saved.tar layered
	run registry_skopeo copy "docker-archive:$BATS_TEST_TMPDIR/saved.tar" "oci:$BATS_TEST_TMPDIR/oci:layered"
	assert_success
	run umoci unpack --rootless --image "$BATS_TEST_TMPDIR/oci:layered" bundle
	assert_success
	assert_tree bundle/rootfs layered
}

@test "save: an imported image gets a config with the diff_ids of its layer" {
	import_busybox bb:1.0
	udc save -o saved.tar bb:1.0
	mkdir x && tar -C x -xf saved.tar
	cfg=$(jq -r '.[0].Config' x/manifest.json)
	[ "sha256:$(layer_hex "x/$(jq -r '.[0].Layers[0]' x/manifest.json)")" = "$(jq -r '.rootfs.diff_ids[0]' "x/$cfg")" ]
	[ "$(jq -r .os "x/$cfg")" = linux ]
	[ "${cfg%.json}" = "$(layer_hex "x/$cfg")" ]
	run --separate-stderr udc2 load -i saved.tar
	assert_success
	assert_output "Loaded image: bb:1.0"
	run diff <(registry_list "$(created_root bb:1.0)") \
		<(registry_list "$(created_root bb:1.0 "$BATS_TEST_TMPDIR/repo2")")
	assert_success
}

@test "save: two images sharing a layer write it once" {
	load_oci
	udc tag busybox:latest other/bb:2
	udc save -o saved.tar layered busybox other/bb:2
	run jq -c '[.[] | .RepoTags]' <(tar -xOf saved.tar manifest.json)
	assert_output '[["layered:latest"],["busybox:latest","other/bb:2"]]'
	shared=$(jq -r '.[1].Layers[0]' <(tar -xOf saved.tar manifest.json))
	[ "$(tar -tf saved.tar | grep -c -x -F "$shared")" -eq 1 ]
	run --separate-stderr udc2 load -i saved.tar
	assert_success
	assert_equal "$(count_lines "$output")" 3
}

@test "save: to stdout, with - or without -o" {
	load_oci
	udc save busybox >out1.tar
	udc save - busybox >out2.tar
	cmp out1.tar out2.tar
	run --separate-stderr udc2 load <out1.tar
	assert_success
	assert_output "Loaded image: busybox:latest"
}

@test "save: an unknown image is refused and no file is written" {
	load_oci
	repo_snapshot
	run --separate-stderr udc save -o saved.tar busybox nosuch:1
	assert_error_unchanged "nosuch:1"
	[ ! -e saved.tar ]
	[ -z "$(find . -maxdepth 1 -name 'saved.tar*')" ]
}

@test "save: a full device is an error naming it" {
	load_oci
	repo_snapshot
	run --separate-stderr udc save -o /dev/full busybox
	assert_error_unchanged "/dev/full"
}

@test "save: an existing output file is refused" {
	load_oci
	echo keep >saved.tar
	repo_snapshot
	run --separate-stderr udc save -o saved.tar busybox
	assert_error_unchanged "saved.tar" "exists"
	[ "$(cat saved.tar)" = keep ]
}
