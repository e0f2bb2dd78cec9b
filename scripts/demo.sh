#!/bin/sh
# demo.sh - `make demo`: a container from a local image, with no network. Builds a busybox
# root filesystem tarball (tests/fixtures/busybox.sh, from Debian's busybox-static), imports
# it as an image into a fresh demo repository, creates a named container, shows it and runs a
# command in it under the P engine.
set -eu

udockerc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
demo=${UDOCKERC_DEMO_DIR:-${TMPDIR:-/tmp}/udockerc-demo}
rm -rf "$demo"
mkdir -p "$demo"
UDOCKERC_DIR=$demo/repo
export UDOCKERC_DIR

step() { printf '\n$ %s\n' "$*"; "$@"; }

tarball=$("$here/tests/fixtures/busybox.sh")
echo "demo repository: $UDOCKERC_DIR"
step "$udockerc" import "$tarball" busybox:demo
step "$udockerc" images -l
step "$udockerc" verify busybox:demo
step "$udockerc" create --name=demo busybox:demo
step "$udockerc" ps -m -s
root=$("$udockerc" inspect -p demo)
printf '\n$ udockerc inspect -p demo\n%s\n' "$root"
printf '\n$ ls %s/bin | head -5\n' "$root"
ls "$root/bin" | head -5
step "$udockerc" export -o "$demo/demo.tar" demo
step "$udockerc" clone --name=demo2 demo
step "$udockerc" ps
step "$udockerc" run demo /bin/sh -c 'cat /etc/os-release; cd /etc && echo "cwd in the guest: $(pwd)"'
step "$udockerc" run --rm -v "$demo:/data" busybox:demo /bin/sh -c 'id; ls -l /data/demo.tar'
printf '\nThe containers are in %s (remove it when done).\n' "$UDOCKERC_DIR"
