#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `make deb`: builds the Debian packages (debian/, dpkg-buildpackage with
# debhelper) from a copy of the checkout's files in OUT/src, so the checkout
# gets no build products; the .deb files land in OUT (default build-deb/),
# then lintian checks them (docs/packaging.md lists what it says and why).
# usage: scripts/deb.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-build-deb}" && cd "${1:-build-deb}" && pwd)
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
src=$out/src/ntlmssp-$version
rm -rf "$out/src" "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
mkdir -p "$src"
# the files git knows, committed or not (not the build directories)
git ls-files -z --cached --others --exclude-standard |
	grep -zvE '^(build|build-[^/]*|demo)/' |
	xargs -0 cp --parents -t "$src"
jobs=${JOBS:-2}
(cd "$src" && dpkg-buildpackage -us -uc -b -j"$jobs" >"$out/build.log" 2>&1) || {
	tail -40 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed; the whole log is $out/build.log" >&2
	exit 1
}
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/
rm -rf "$out/src"
ls -1 "$out"/*.deb
# Errors and warnings fail; each informational tag left is overridden in
# debian/*.lintian-overrides with its reason (docs/packaging.md).
rc=0
lintian --fail-on error,warning --info --show-overrides "$out"/*.changes >"$out/lintian.log" 2>&1 ||
	rc=$?
grep -v 'running with root privileges' "$out/lintian.log" || true
if [ $rc -ne 0 ]; then
	echo "deb: lintian reports errors or warnings (exit $rc)" >&2
	exit 1
fi
echo "deb: lintian clean (overrides: debian/*.lintian-overrides)"
