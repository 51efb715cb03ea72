#!/usr/bin/env bash
# Builds a flat local apt repository (Packages, Packages.gz, Release) holding the given .deb.
# Usage: scripts/build-apt-repo.sh DEB REPODIR
# Then: echo "deb [trusted=yes] file:$REPODIR ./" >/etc/apt/sources.list.d/aseed.list
set -euo pipefail

deb=$1
repo=$2

[ -f "$deb" ] || { echo "build-apt-repo.sh: no package at $deb: run make deb" >&2; exit 1; }
rm -rf "$repo"
mkdir -p "$repo"
cp "$deb" "$repo/"
cd "$repo"
repo=$(pwd)
apt-ftparchive packages . >Packages
gzip -9nk Packages
apt-ftparchive \
  -o APT::FTPArchive::Release::Origin=ASEED \
  -o APT::FTPArchive::Release::Label=ASEED \
  -o APT::FTPArchive::Release::Description="ASEED appliance, local repository" \
  release . >"$repo.Release"
mv "$repo.Release" Release
echo "apt repository in $(pwd): deb [trusted=yes] file:$(pwd) ./"
