#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the pvhook Debian package from this checkout (tracked and new files,
# as they are now) into build/deb/. The version is the top-level VERSION.
#
# usage: scripts/build-deb.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
version=$(cat VERSION)
out=build/deb
tree=$out/pvhook-$version

rm -rf "$out"
mkdir -p "$tree"
git ls-files --cached --others --exclude-standard -z |
	xargs -0 cp --parents -t "$tree"
cat >"$tree/debian/changelog" <<CHANGES
pvhook ($version) unstable; urgency=medium

  * Built from the pvhook tree; see its git history.

 -- The pvhook developers <pvhook@localhost>  $(date -R)
CHANGES
(cd "$tree" && dpkg-buildpackage -b -us -uc >../build.log 2>&1) ||
	{ tail -n 30 "$out/build.log" >&2; exit 1; }
ls "$out"/pvhook_"$version"_*.deb
