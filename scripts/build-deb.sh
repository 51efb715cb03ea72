#!/usr/bin/env bash
# Builds aseed-appliance_<version>_<arch>.deb from a release binary and packaging/.
# Usage: scripts/build-deb.sh BINARY OUTDIR   (prints the path of the .deb on its last line)
# The binary must have the Swift runtime linked statically (swift build -c release
# --static-swift-stdlib); Depends is computed by dpkg-shlibdeps from what it links.
set -euo pipefail

binary=$1
outdir=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
packaging=$repo/packaging
package=aseed-appliance

fail() { echo "build-deb.sh: $*" >&2; exit 1; }

[ -x "$binary" ] || fail "no executable at $binary: build it with make release"
version=$("$binary" --version)
arch=$(dpkg --print-architecture)
changelog_version=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$packaging/changelog")
[ "$version" = "$changelog_version" ] ||
  fail "aseed --version says $version but packaging/changelog starts with $changelog_version: add a changelog entry"

# Only system libraries may be linked dynamically: the Swift runtime is inside the binary.
libraries=$(ldd "$binary")
if grep -Eq 'not found|libswift|libFoundation|libdispatch|libBlocksRuntime|/opt/|/usr/local/' <<<"$libraries"; then
  echo "$libraries" >&2
  fail "$binary links libraries that are not Debian system libraries (build with --static-swift-stdlib)"
fi

mkdir -p "$outdir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
doc=$root/usr/share/doc/$package

install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/etc/aseed" \
  "$doc" "$root/usr/share/man/man1"
install -m 0755 "$binary" "$root/usr/bin/aseed"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/aseed"
install -m 0644 "$packaging/aseed.service" "$root/lib/systemd/system/aseed.service"
install -m 0644 "$packaging/aseed.conf.example" "$root/etc/aseed/aseed.conf"
install -m 0644 "$packaging/copyright" "$doc/copyright"
gzip -9n <"$packaging/changelog" >"$doc/changelog.gz"
help2man --no-info --no-discard-stderr --version-string="$version" \
  --include="$packaging/aseed.h2m" "$root/usr/bin/aseed" >"$work/aseed.1"
gzip -9n <"$work/aseed.1" >"$root/usr/share/man/man1/aseed.1.gz"
chmod 0644 "$doc/changelog.gz" "$root/usr/share/man/man1/aseed.1.gz"
for script in postinst prerm postrm; do
  install -m 0755 "$packaging/$script" "$root/DEBIAN/$script"
done
echo /etc/aseed/aseed.conf >"$root/DEBIAN/conffiles"

# Depends: what dpkg-shlibdeps finds for the libraries the binary links, adduser for the
# postinst, and Chart.js, which the dashboard serves from /usr/share/javascript.
mkdir -p "$work/src/debian"
printf 'Source: aseed\n\nPackage: %s\nArchitecture: any\n' "$package" >"$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O -e"$root/usr/bin/aseed" | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || fail "dpkg-shlibdeps found no dependencies for the binary"
depends="adduser, $shlibs, libjs-chart.js"

installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@INSTALLED_SIZE@/$installed_size/" \
  -e "s/@DEPENDS@/$depends/" "$packaging/control" >"$root/DEBIAN/control"
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
  xargs -0 md5sum) >"$root/DEBIAN/md5sums"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles" "$root/DEBIAN/md5sums"

# Reproducible: every file dated by the changelog's top entry.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(date -d "$(sed -n 's/^ -- .*>  //p' "$packaging/changelog" | head -n 1)" +%s)}
find "$root" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +

deb=$outdir/${package}_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "Depends: $depends"
echo "$deb ($(du -h "$deb" | cut -f1))"
echo "$deb"
