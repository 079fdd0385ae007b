#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the pvhook Debian packages from this checkout (tracked and new files,
# as they are now) into build/deb/: pvhook (the host module, pvhookctl) and
# pvhook-guest (the guest module). The version is the top-level VERSION.
# Prints the two packages' paths, pvhook's first.
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
# Files deleted in the working tree but not yet in git are left out.
git ls-files --cached --others --exclude-standard -z |
	while IFS= read -r -d '' f; do
		if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
	done | xargs -0 cp --parents -t "$tree"
cat >"$tree/debian/changelog" <<CHANGES
pvhook ($version) unstable; urgency=medium

  * Built from the pvhook tree; see its git history.

 -- The pvhook developers <pvhook@localhost>  $(date -R)
CHANGES
(cd "$tree" && dpkg-buildpackage -b -us -uc >../build.log 2>&1) ||
	{ tail -n 30 "$out/build.log" >&2; exit 1; }
for pkg in pvhook pvhook-guest; do
	deb=$(ls "$out/${pkg}_${version}"_*.deb 2>/dev/null) ||
		{ echo "build-deb: no $pkg package in $out" >&2; exit 1; }
	echo "$deb"
done
