#!/usr/bin/env bash
# Builds the aseed container image without a container engine: a fresh copy of the minimal
# bookworm root filesystem (scripts/bookworm-rootfs.sh), aseed-appliance installed into it
# with apt from the local repository (its dependencies from Debian), written by
# scripts/oci-archive.py as an archive that docker load, podman load and skopeo accept.
# Usage: scripts/build-image.sh BASE_ROOTFS_TAR APT_REPO_DIR OUTPUT_ARCHIVE
set -euo pipefail

base=$1
repo=$(cd "$2" && pwd)
output=$3
here=$(cd "$(dirname "$0")" && pwd)
name=aseed-appliance

fail() { echo "build-image.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (chroot, files owned by other users)"
[ -s "$base" ] || fail "no base root filesystem at $base: run scripts/bookworm-rootfs.sh"
[ -s "$repo/Packages" ] || fail "no apt repository in $repo: run make apt-repo"

mkdir -p "$(dirname "$output")"
work=$(mktemp -d "$(dirname "$output")/image.XXXXXX")
root=$work/root
cleanup() {
  if mountpoint -q "$root/proc"; then umount -l "$root/proc"; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$root"
tar -C "$root" --numeric-owner -xf "$base"
cp -r "$repo" "$root/srv/aseed-repo"
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
echo "deb [trusted=yes] file:/srv/aseed-repo ./" >"$root/etc/apt/sources.list.d/aseed.list"
# Nothing is started while installing (no init in an image anyway).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"

chroot "$root" apt-get update -qq
DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends "$name" >"$work/apt.log" 2>&1 || {
  cat "$work/apt.log" >&2
  fail "apt-get install $name failed in the image root (log above)"
}
version=$(chroot "$root" dpkg-query -W -f='${Version}' "$name")

# The healthcheck probes the Kafka listener and the dashboard's /healthz.
install -m 755 "$here/../packaging/image-healthcheck" "$root/usr/local/bin/aseed-healthcheck"

umount "$root/proc"
rm -rf "$root/srv/aseed-repo"
rm -f "$root/etc/apt/sources.list.d/aseed.list" "$root/usr/sbin/policy-rc.d"
chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/debconf/*-old \
  "$root"/var/lib/dpkg/*-old "$root"/var/log/apt/* "$root"/var/log/dpkg.log "$root"/var/log/alternatives.log
: >"$root/etc/resolv.conf"
# Documentation other than copyright files is of no use in the image.
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/*

uid=$(chroot "$root" id -u aseed)
gid=$(chroot "$root" id -g aseed)
epoch=$(stat -c %Y "$root/usr/bin/aseed")
python3 "$here/oci-archive.py" --rootfs "$root" --output "$output" --name "$name" --version "$version" \
  --user "$uid:$gid" --healthcheck /usr/local/bin/aseed-healthcheck --epoch "$epoch"
