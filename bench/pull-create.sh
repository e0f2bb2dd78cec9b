#!/bin/bash
# pull-create.sh - time `udockerc pull` + `create` of a Debian minbase image from a registry on
# 127.0.0.1 against the reference toolchain a user could script instead, `skopeo copy` +
# `umoci unpack --rootless`, in interleaved rounds (shared/notes/measuring.md: hyperfine runs
# one command's rounds in a block, which the machine's drift turns into false ratios).
# Usage: bench/pull-create.sh [UDOCKERC] [RUNS]   (UDOCKERC default build/udockerc)
# Results: bench/results/<date>-<host>-<commit>-pull-create.{md,json}
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
udockerc=$(realpath "${1:-$src/build/udockerc}")
runs=${2:-10}
for t in skopeo umoci jq gzip; do
	command -v "$t" >/dev/null || { echo "pull-create: $t is missing (apt-get install $t)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/udockerc-bench.XXXXXX")
cleanup() { "$src/tests/fixtures/registry.sh" stop "$work/reg" >/dev/null 2>&1 || true
	chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

skopeo_() { HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config \
	_CONTAINERS_ROOTLESS_UID=$(id -u | sed 's/^0$/65534/') skopeo --insecure-policy "$@"; }
mkdir -p "$work/home"

# The image: the debootstrap minbase fixture (python3, gcc, make) as one gzip layer.
deb=$("$src/tests/fixtures/debootstrap.sh")
gunzip -c "$deb" >"$work/rootfs.tar"
umoci init --layout "$work/layout" >/dev/null
umoci new --image "$work/layout:debian" >/dev/null
umoci raw add-layer --image "$work/layout:debian" "$work/rootfs.tar" >/dev/null
rm -f "$work/rootfs.tar"

"$src/tests/fixtures/registry.sh" start plain "$work/reg" >/dev/null
# shellcheck disable=SC1091
. "$work/reg/env"
skopeo_ copy --dest-tls-verify=false "oci:$work/layout:debian" "docker://$REGISTRY/debian:bench" >/dev/null
size=$(du -sh "$work/layout/blobs" | cut -f1)

udc() { UDOCKERC_DIR=$work/repo "$udockerc" -q "$@" >/dev/null; }
run_udockerc() { udc pull "$REGISTRY/debian:bench" && udc create "$REGISTRY/debian:bench"; }
run_reference() {
	skopeo_ copy --src-tls-verify=false "docker://$REGISTRY/debian:bench" "oci:$work/oci:debian" >/dev/null &&
		umoci unpack --rootless --image "$work/oci:debian" "$work/bundle" >/dev/null 2>&1
}
reset() { chmod -R u+rwX "$work/repo" "$work/oci" "$work/bundle" 2>/dev/null || true
	rm -rf "$work/repo" "$work/oci" "$work/bundle"; sync; }
# seconds TOOL: run one tool from a clean state, print its wall time.
seconds() {
	local t0 t1
	reset
	t0=$EPOCHREALTIME
	"run_$1" || { echo "pull-create: $1 failed" >&2; exit 1; }
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

# Interleaved rounds (shared/notes/measuring.md): both tools in every round, the order
# alternating, each round's ratio taken within the round. One warm-up round first.
seconds udockerc >/dev/null
seconds reference >/dev/null
: >"$work/rounds"
for ((i = 1; i <= runs; i++)); do
	if ((i % 2)); then
		u=$(seconds udockerc)
		r=$(seconds reference)
	else
		r=$(seconds reference)
		u=$(seconds udockerc)
	fi
	echo "$u $r" >>"$work/rounds"
	echo "round $i: udockerc $u s, skopeo+umoci $r s" >&2
done
stats() { # column -> "median min max"
	awk -v c="$1" '{ print (c == 3 ? $1 / $2 : $c) }' "$work/rounds" | sort -g |
		awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
			printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'
}
read -r u umin umax < <(stats 1)
read -r s smin smax < <(stats 2)
read -r ratio rmin rmax < <(stats 3)

mkdir -p "$here/results"
commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)
out=$here/results/$(date +%Y-%m-%d)-$(hostname)-$commit-pull-create
jq -Rn --arg size "$size" '{image: "debian bookworm minbase", compressed: $size,
	rounds: [inputs | split(" ") | {udockerc: (.[0] | tonumber), reference: (.[1] | tonumber)}]}' \
	<"$work/rounds" >"$out.json"
{
	echo "# pull + create of Debian bookworm minbase ($size compressed) from 127.0.0.1"
	echo
	echo "| tool | median s | min | max |"
	echo "|---|---:|---:|---:|"
	echo "| udockerc pull + create | $u | $umin | $umax |"
	echo "| skopeo copy + umoci unpack --rootless | $s | $smin | $smax |"
	echo
	echo "udockerc / reference, median of per-round ratios = $ratio (spread $rmin to $rmax; below 1 is faster)."
	echo "$runs interleaved rounds, order alternating, after one warm-up round;"
	echo "run as $(id -un) on $(uname -r), $(nproc) CPUs; $(skopeo --version); $(umoci --version); $("$udockerc" version)"
} >"$out.md"
cat "$out.md"
