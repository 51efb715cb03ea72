#!/usr/bin/env bash
# Makes, once, a tarball of a minimal Debian bookworm root filesystem (debootstrap
# --variant=minbase, with bookworm-updates and bookworm-security applied and apt's lists
# removed). The image build and the packaging tests unpack a fresh copy of it each time.
# Usage: scripts/bookworm-rootfs.sh OUT.tar   (DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR override the mirrors)
# An existing OUT.tar is kept: delete it to take newer Debian updates.
set -euo pipefail

out=$1
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

# One build at a time: `make test` starts one in the background while the Swift code builds,
# and `make image` waits here for it, then finds the tarball made.
exec 9<"$0"
flock 9
if [ -s "$out" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "bookworm-rootfs.sh: debootstrap needs root" >&2
  exit 1
fi

mkdir -p "$(dirname "$out")"
work=$(mktemp -d "$(dirname "$out")/rootfs.XXXXXX")
root=$work/root
cleanup() {
  if mountpoint -q "$root/proc"; then umount -l "$root/proc"; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "debootstrap --variant=minbase bookworm from $mirror (a minute or two)"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 40 "$work/debootstrap.log" >&2
  echo "bookworm-rootfs.sh: debootstrap failed (log above)" >&2
  exit 1
}

cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security_mirror bookworm-security main
SOURCES
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$root/proc"
if ! { chroot "$root" apt-get update -qq && DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get upgrade -y -qq; } >"$work/upgrade.log" 2>&1; then
  tail -n 40 "$work/upgrade.log" >&2
  echo "bookworm-rootfs.sh: apt-get upgrade in the new root failed (log above)" >&2
  exit 1
fi
chroot "$root" apt-get clean
umount "$root/proc"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log "$root"/var/log/apt/*
: >"$root/etc/resolv.conf"

tar -C "$root" --numeric-owner --xattrs -cf "$out.tmp" .
mv "$out.tmp" "$out"
echo "wrote $out ($(du -h "$out" | cut -f1))"
