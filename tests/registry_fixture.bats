#!/usr/bin/env bats
# registry_fixture.bats - the loopback registry fixture itself works (curl and skopeo only, no
# udockerc): every variant answers as a client expects, every image is there with its media
# type, and the expected trees match what the layers say.

bats_require_minimum_version 1.5.0
export BATS_LIB_PATH="${BATS_LIB_PATH:-/usr/lib/bats}"
bats_load_library bats-support
bats_load_library bats-assert
# shellcheck source=tests/helpers/registry.bash
source "$BATS_TEST_DIRNAME/helpers/registry.bash"

VARIANTS="plain basic tls token token-noscope redirect"

setup_file() {
	local v
	for v in $VARIANTS; do
		registry_start "$v"
	done
}

teardown_file() {
	registry_stop
}

setup() {
	export HOME=$BATS_TEST_TMPDIR/home
	mkdir -p "$HOME"
	cd "$BATS_TEST_TMPDIR" || return 1
}

# header NAME: the value of header NAME in $output (a curl -D - dump), without the CR.
header() {
	printf '%s\n' "$output" | tr -d '\r' | sed -n "s/^$1: *//Ip" | head -n 1
}
# status_line: the HTTP status code of the last response in $output.
http_code() {
	printf '%s\n' "$output" | tr -d '\r' | sed -n 's/^HTTP\/[0-9.]* \([0-9]*\).*$/\1/p' | tail -n 1
}
# each_image: "NAME MEDIATYPE DIGEST" lines of index.txt.
each_image() {
	cat "$REGISTRY_IMAGES/index.txt"
}
host_arch() { _registry_host_arch; }

# assert_all_manifests: every image's manifest comes with its media type and digest.
assert_all_manifests() {
	local name mt dig
	while read -r name mt dig; do
		run registry_curl -f -D - -o "$BATS_TEST_TMPDIR/m" -H "Accept: $REGISTRY_ACCEPT" \
			"$REGISTRY_URL/v2/$name/manifests/latest"
		assert_success
		assert_equal "$(header Content-Type)" "$mt"
		assert_equal "$(header Docker-Content-Digest)" "$dig"
		assert_equal "sha256:$(sha256sum <"$BATS_TEST_TMPDIR/m" | cut -c1-64)" "$dig"
	done < <(each_image)
}

# ---- the images -----------------------------------------------------------------------------

@test "images: the cache lists five images with their manifest types" {
	registry_use plain
	run each_image
	assert_success
	assert_line --regexp '^busybox application/vnd\.oci\.image\.manifest\.v1\+json sha256:[0-9a-f]{64}$'
	assert_line --regexp '^layered application/vnd\.oci\.image\.manifest\.v1\+json sha256:'
	assert_line --regexp '^multi application/vnd\.oci\.image\.index\.v1\+json sha256:'
	assert_line --regexp '^busybox-v2s2 application/vnd\.docker\.distribution\.manifest\.v2\+json sha256:'
	assert_line --regexp '^multi-docker application/vnd\.docker\.distribution\.manifest\.list\.v2\+json sha256:'
	local name
	for name in busybox layered multi busybox-v2s2 multi-docker; do
		[ -s "$(registry_expected "$name")" ] || fail "no expected listing for $name"
		[ -s "$REGISTRY_IMAGES/expected/$name.config.json" ] || fail "no config for $name"
	done
	# Readable by anyone (the suites run again as an unprivileged user).
	run find "$REGISTRY_IMAGES" ! -perm -0444
	assert_output ''
}

@test "images: the expected tree of layered applies whiteouts, opaque dirs and replacements" {
	registry_use plain
	local l
	l=$(registry_expected layered)
	run cat "$l"
	assert_line --regexp '^f 0644 [0-9]+ deep/a/b/c/kept\.txt '
	refute_line --partial ' deep/a/b/c/removed.txt'
	refute_line --partial ' top-removed'
	refute_line --regexp ' dir-removed($|/)'
	# Opaque marker first (opq1) and after a sibling of the same layer (opq2).
	assert_line --regexp '^f .* opq1/new1 '
	refute_line --partial ' opq1/old1'
	refute_line --partial ' opq1/sub'
	assert_line --regexp '^f .* opq1/later/deeper/file '
	assert_line --regexp '^f .* opq2/new-before '
	assert_line --regexp '^f .* opq2/new-after '
	refute_line --partial ' opq2/old-'
	# File <-> directory, the 0555 directory filled by later layers, hard links, symlink.
	assert_line --regexp '^d 0755 - file-to-dir$'
	assert_line --regexp '^f 0644 [0-9]+ file-to-dir/inside '
	assert_line --regexp '^f 0600 [0-9]+ dir-to-file [0-9a-f]{64} 1$'
	refute_line --partial ' dir-to-file/'
	assert_line '^d 0555 - ro$' 2>/dev/null || assert_line 'd 0555 - ro'
	assert_line --regexp '^f .* ro/first '
	assert_line --regexp '^f .* ro/second '
	assert_line --regexp '^f .* ro/third '
	assert_line --regexp '^f 0644 27 hl/original [0-9a-f]{64} 2$'
	assert_line --regexp '^f 0644 27 hl2/b [0-9a-f]{64} 2$'
	assert_line 'l - - hl/link2 original'
	assert_line --regexp '^f .* long-name-directory-x+/and-a-file-name-long-enough-to-need-gnu-longlink\.txt '
	assert_line --regexp '^f .* pax-p{120} '
	assert_line --regexp '^f 0755 [0-9]+ bin/busybox '
}

@test "images: layered has gzip, zstd and uncompressed layers" {
	registry_use plain
	run registry_manifest layered
	assert_success
	run jq -r '.layers[].mediaType' <<<"$output"
	assert_output "application/vnd.oci.image.layer.v1.tar+gzip
application/vnd.oci.image.layer.v1.tar+gzip
application/vnd.oci.image.layer.v1.tar+zstd
application/vnd.oci.image.layer.v1.tar
application/vnd.oci.image.layer.v1.tar+gzip"
}

@test "images: the busybox config carries Env with spaces, Cmd, WorkingDir, User, Labels" {
	registry_use plain
	run jq -c '.config' "$REGISTRY_IMAGES/expected/busybox.config.json"
	assert_output --partial '"FIXTURE_GREETING=hello  wide world"'
	assert_output --partial '"Cmd":["/bin/sh","-c",'
	assert_output --partial '"WorkingDir":"/home"'
	assert_output --partial '"User":"root"'
	assert_output --partial '"org.udockerc.note":"a label with spaces"'
	refute_output --partial Entrypoint
}

@test "images: images.sh list reproduces the expected tree of an unpacked image" {
	registry_use plain
	registry_skopeo copy -q --src-tls-verify=false "docker://$REGISTRY/multi:latest" \
		"oci:$BATS_TEST_TMPDIR/l:x"
	umoci unpack --rootless --image "$BATS_TEST_TMPDIR/l:x" "$BATS_TEST_TMPDIR/b" >/dev/null
	run registry_list "$BATS_TEST_TMPDIR/b/rootfs"
	assert_success
	assert_output "$(cat "$(registry_expected multi)")"
	assert_line --regexp "^f 0644 [0-9]+ etc/fixture-arch "
	chmod -R u+rwX "$BATS_TEST_TMPDIR/b"
}

# ---- plain --------------------------------------------------------------------------------

@test "plain: /v2/ answers 200 with the API version header" {
	registry_use plain
	[[ $REGISTRY == 127.0.0.1:* ]]
	run curl -sS -D - -o /dev/null "$REGISTRY_URL/v2/"
	assert_success
	assert_equal "$(http_code)" 200
	assert_equal "$(header Docker-Distribution-Api-Version)" registry/2.0
}

@test "plain: every manifest comes with its media type and digest" {
	registry_use plain
	assert_all_manifests
}

@test "plain: an OCI manifest asked for without Accept is MANIFEST_UNKNOWN" {
	registry_use plain
	run curl -sS -w '\n%{http_code}' "$REGISTRY_URL/v2/busybox/manifests/latest"
	assert_line 404
	assert_output --partial MANIFEST_UNKNOWN
}

@test "plain: the first entry of multi and multi-docker is not the host, a later one is" {
	registry_use plain
	local name
	for name in multi multi-docker; do
		run registry_manifest "$name"
		assert_success
		run jq -r '.manifests[] | .platform.architecture + (if .platform.variant then "/" + .platform.variant else "" end)' <<<"$output"
		assert_equal "${lines[0]}" "$( [ "$(host_arch)" = arm64 ] && echo s390x || echo arm64)"
		assert_equal "${lines[1]}" arm/v7
		assert_equal "${lines[2]}" "$(host_arch)"
		run registry_platform_manifest "$name"
		assert_success
		run jq -r '.layers | length' <<<"$output"
		assert_output 2
	done
}

@test "plain: every child manifest of an index is fetchable by digest" {
	registry_use plain
	local name d
	for name in multi multi-docker; do
		for d in $(registry_manifest "$name" | jq -r '.manifests[].digest'); do
			run registry_curl -f -o /dev/null -H "Accept: $REGISTRY_ACCEPT" \
				"$REGISTRY_URL/v2/$name/manifests/$d"
			assert_success
		done
	done
}

@test "plain: skopeo copies every layer of layered with matching digests" {
	registry_use plain
	run registry_skopeo copy -q --src-tls-verify=false "docker://$REGISTRY/layered:latest" \
		"dir:$BATS_TEST_TMPDIR/d"
	assert_success
	local f n=0
	for f in "$BATS_TEST_TMPDIR"/d/*; do
		[[ ${f##*/} =~ ^[0-9a-f]{64}$ ]] || continue
		assert_equal "$(sha256sum <"$f" | cut -c1-64)" "${f##*/}"
		n=$((n + 1))
	done
	assert_equal "$n" 6 # five layers and the config
}

@test "plain: a blob answers Range requests with 206" {
	registry_use plain
	run curl -sS -D - -o "$BATS_TEST_TMPDIR/part" -H 'Range: bytes=100-199' \
		"$REGISTRY_URL/v2/busybox/blobs/$(registry_layer_digest busybox 0)"
	assert_equal "$(http_code)" 206
	assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/part")" 100
}

@test "plain: registry_corrupt_blob damages the stored bytes, and the registry serves them" {
	# A registry of its own: the blob files are shared by every repository of a storage.
	registry_start plain "$BATS_TEST_TMPDIR/reg"
	local d got
	d=$(registry_corrupt_blob busybox-v2s2 0 flip)
	got=$(curl -sSf "$REGISTRY_URL/v2/busybox-v2s2/blobs/$d" | sha256sum | cut -c1-64)
	[ "sha256:$got" != "$d" ] || fail "the blob $d is intact"
	run curl -sS -o /dev/null -w '%{http_code} %{size_download}' "$REGISTRY_URL/v2/busybox-v2s2/blobs/$d"
	assert_output "200 $(stat -c %s "$(registry_blob_path "$d")")"
	registry_corrupt_blob busybox-v2s2 0 remove
	run curl -sS -o /dev/null -w '%{http_code}' "$REGISTRY_URL/v2/busybox-v2s2/blobs/$d"
	assert_output 404
	registry_stop "$BATS_TEST_TMPDIR/reg"
}

@test "plain: registry_stop kills the servers it started and nothing else" {
	registry_start plain "$BATS_TEST_TMPDIR/reg"
	local pid=$REGISTRY_PID url=$REGISTRY_URL
	grep -q docker-registry "/proc/$pid/cmdline"
	registry_stop "$BATS_TEST_TMPDIR/reg"
	run curl -sS -o /dev/null "$url/v2/"
	assert_failure 7
	if [ -r "/proc/$pid/stat" ]; then
		run sed 's/^.*) \([A-Z]\).*$/\1/' "/proc/$pid/stat"
		assert_output Z
	fi
	[ ! -e "$BATS_TEST_TMPDIR/reg/env" ]
	# The file's other registries still answer.
	registry_use redirect
	run curl -sSf -o /dev/null "$REGISTRY_URL/v2/"
	assert_success
}

# ---- basic --------------------------------------------------------------------------------

@test "basic: /v2/ challenges with Basic, rejects a wrong password, accepts the right one" {
	registry_use basic
	run curl -sS -D - -o /dev/null "$REGISTRY_URL/v2/"
	assert_equal "$(http_code)" 401
	assert_equal "$(header Www-Authenticate)" 'Basic realm="registry-fixture"'
	run curl -sS -o /dev/null -w '%{http_code}' -u "$REGISTRY_USER:wrong" "$REGISTRY_URL/v2/"
	assert_output 401
	run curl -sS -o /dev/null -w '%{http_code}' -u "$REGISTRY_USER:$REGISTRY_PASSWORD" "$REGISTRY_URL/v2/"
	assert_output 200
	assert_equal "$REGISTRY_USER:$REGISTRY_PASSWORD" fixture:fixture-password
}

@test "basic: every manifest with credentials; skopeo needs --creds" {
	registry_use basic
	assert_all_manifests
	run registry_skopeo inspect --tls-verify=false "docker://$REGISTRY/busybox:latest"
	assert_failure
	run registry_skopeo inspect --tls-verify=false --creds "$REGISTRY_USER:$REGISTRY_PASSWORD" \
		"docker://$REGISTRY/busybox:latest"
	assert_success
}

# ---- tls ----------------------------------------------------------------------------------

@test "tls: curl works with the CA for 127.0.0.1 and localhost, fails without it" {
	registry_use tls
	[[ $REGISTRY_URL == https://127.0.0.1:* ]]
	run curl -sS -o /dev/null -w '%{http_code}' --cacert "$REGISTRY_CA" "$REGISTRY_URL/v2/"
	assert_output 200
	run curl -sS -o /dev/null -w '%{http_code}' --cacert "$REGISTRY_CA" "https://localhost:${REGISTRY##*:}/v2/"
	assert_output 200
	run curl -sS -o /dev/null "$REGISTRY_URL/v2/"
	assert_failure 60
	run curl -sS -o /dev/null -w '%{http_code}' "http://$REGISTRY/v2/"
	assert_output 400
}

@test "tls: every manifest over TLS; skopeo with --cert-dir, fails without it" {
	registry_use tls
	assert_all_manifests
	run registry_skopeo inspect --cert-dir "$REGISTRY_CERT_DIR" "docker://$REGISTRY/layered:latest"
	assert_success
	run registry_skopeo inspect "docker://$REGISTRY/layered:latest"
	assert_failure
	assert_output --partial 'x509'
}

# ---- token --------------------------------------------------------------------------------

@test "token: /v2/ and a manifest challenge with Bearer realm, service and scope" {
	registry_use token
	run curl -sS -D - -o /dev/null "$REGISTRY_URL/v2/"
	assert_equal "$(http_code)" 401
	assert_equal "$(header Www-Authenticate)" "Bearer realm=\"$REALM_URL\",service=\"fixture-registry\""
	run curl -sS -D - -o /dev/null -H "Accept: $REGISTRY_ACCEPT" "$REGISTRY_URL/v2/layered/manifests/latest"
	assert_equal "$(http_code)" 401
	assert_equal "$(header Www-Authenticate)" "Bearer realm=\"$REALM_URL\",service=\"fixture-registry\",scope=\"repository:layered:pull\""
}

@test "token: the realm's token opens every image; a push is refused" {
	registry_use token
	run curl -sSf "$REALM_URL?service=fixture-registry&scope=repository:busybox:pull"
	assert_success
	assert_equal "$(jq -r .token <<<"$output")" "$REGISTRY_TOKEN"
	assert_equal "$(jq -r .access_token <<<"$output")" "$REGISTRY_TOKEN"
	assert_all_manifests
	run registry_curl -o /dev/null -w '%{http_code}' -X POST "$REGISTRY_URL/v2/busybox/blobs/uploads/"
	assert_output 401 # the token grants pull only (and the storage is read-only: 405 after that)
}

@test "token: skopeo completes the 401, realm, Bearer flow" {
	registry_use token
	run registry_skopeo inspect --tls-verify=false "docker://$REGISTRY/multi-docker:latest"
	assert_success
	registry_skopeo inspect --tls-verify=false --raw "docker://$REGISTRY/multi:latest" >"$BATS_TEST_TMPDIR/raw"
	assert_equal "sha256:$(sha256sum <"$BATS_TEST_TMPDIR/raw" | cut -c1-64)" \
		"$(awk '$1 == "multi" { print $3 }' "$REGISTRY_IMAGES/index.txt")"
}

@test "token-noscope: the realm's token grants nothing: insufficient_scope" {
	registry_use token-noscope
	[[ $REALM_URL == */token-none ]]
	run curl -sSf "$REALM_URL"
	assert_success
	local tok
	tok=$(jq -r .token <<<"$output")
	run curl -sS -D - -o /dev/null -H "Authorization: Bearer $tok" -H "Accept: $REGISTRY_ACCEPT" \
		"$REGISTRY_URL/v2/busybox/manifests/latest"
	assert_equal "$(http_code)" 401
	assert_equal "$(header Www-Authenticate)" "Bearer realm=\"$REALM_URL\",service=\"fixture-registry\",scope=\"repository:busybox:pull\",error=\"insufficient_scope\""
	run registry_skopeo inspect --tls-verify=false "docker://$REGISTRY/busybox:latest"
	assert_failure
}

# ---- redirect -----------------------------------------------------------------------------

@test "redirect: a blob GET answers 307 to the CDN port, and the bytes match the digest" {
	registry_use redirect
	local d
	d=$(registry_layer_digest layered 2)
	run curl -sS -D - -o /dev/null "$REGISTRY_URL/v2/layered/blobs/$d"
	assert_equal "$(http_code)" 307
	assert_equal "$(header Location)" \
		"$CDN_URL/docker/registry/v2/blobs/sha256/${d:7:2}/${d#sha256:}/data"
	[ "${CDN_URL##*:}" != "${REGISTRY##*:}" ]
	run bash -c 'curl -sSfL "$0" | sha256sum | cut -c1-64' "$REGISTRY_URL/v2/layered/blobs/$d"
	assert_output "${d#sha256:}"
	grep -q "/${d#sha256:}/data" "$CDN_LOG" || fail "the CDN log does not show the blob"
}

@test "redirect: manifests are served directly; skopeo pulls through the redirects" {
	registry_use redirect
	assert_all_manifests
	run registry_skopeo copy -q --src-tls-verify=false "docker://$REGISTRY/busybox-v2s2:latest" \
		"dir:$BATS_TEST_TMPDIR/d"
	assert_success
}
