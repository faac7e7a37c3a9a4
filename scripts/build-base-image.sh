#!/usr/bin/env bash
# Builds the local R base image the tests use in place of rocker/r-ver (no registry is reachable here).
# It is Debian bookworm's R (4.2.2) with compilers, so that source packages build as they do on rocker.
# Skips the work when the image already exists.
set -euo pipefail
IMAGE="${RDEPLOY_TEST_BASE_IMAGE:-rdeploy-test/r-base:bookworm}"
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image $IMAGE already present"; exit 0
fi
if ! command -v debootstrap >/dev/null; then
  # shellcheck source=scripts/lib-apt.sh
  . "$(dirname "$0")/lib-apt.sh"
  apt_install debootstrap
fi
ROOTFS="$(mktemp -d /tmp/rdeploy-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
PKGS=r-base-core,r-base-dev,r-cran-jsonlite,ca-certificates,passwd
debootstrap --variant=minbase --include="$PKGS" bookworm "$ROOTFS" http://deb.debian.org/debian >"$ROOTFS.log" 2>&1 \
  || { tail -20 "$ROOTFS.log"; exit 1; }
rm -rf "$ROOTFS/var/cache/apt/archives/"*.deb "$ROOTFS/var/lib/apt/lists/"*
# The machine's own trust store goes in too: where egress passes a TLS-inspecting proxy, CRAN is
# only reachable over https with the host's CAs (users' rocker images have their own).
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
fi
tar -C "$ROOTFS" -c . | docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["R"]' - "$IMAGE" >/dev/null
rm -f "$ROOTFS.log"
echo "built base image $IMAGE"
