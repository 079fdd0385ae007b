#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A private copy of QEMU 10.0 from bookworm-backports, run by
# scripts/setup.sh, for multi-threaded TCG (scripts/vm-run.sh with
# PVHOOK_TCG_THREAD=multi), whose vCPUs run in parallel on separate host
# threads. It is unpacked under $PVHOOK_CACHE/qemu10 with a wrapper that
# points QEMU at its own firmware and modules; the system's QEMU 7.2 and
# its packages stay as they are, and apt's own lists are not touched.
# Idempotent. See
# Documentation/testing.rst, "vCPUs that really run at once".
#
# usage: setup-qemu10.sh
set -euo pipefail
. "$(dirname "$0")/lib/config.sh"

dest=$PVHOOK_CACHE/qemu10

# The wrapper: QEMU 10's firmware and its own modules, not 7.2's (which it
# would otherwise try to load, and refuse, noisily).
write_wrapper() {
	mkdir -p "$dest/bin"
	printf '#!/bin/sh\nQEMU_MODULE_DIR=%s/usr/lib/x86_64-linux-gnu/qemu exec %s/usr/bin/qemu-system-x86_64 -L %s/usr/share/qemu "$@"\n' \
		"$dest" "$dest" "$dest" >"$dest/bin/qemu-system-x86_64"
	chmod +x "$dest/bin/qemu-system-x86_64"
}

if [ -x "$dest/usr/bin/qemu-system-x86_64" ]; then
	write_wrapper
	"$dest/bin/qemu-system-x86_64" --version | head -n1
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
echo "deb $DEBIAN_MIRROR bookworm-backports main" >"$work/sources.list"
apt_opts=(-o Dir::Etc::SourceList="$work/sources.list"
	  -o Dir::Etc::SourceParts=/dev/null
	  -o Dir::State::Lists="$work/lists"
	  -o Dir::Cache="$work/cache"
	  -o APT::Sandbox::User=root)
apt-get "${apt_opts[@]}" update >/dev/null
(cd "$work/debs" && apt-get "${apt_opts[@]}" download \
	qemu-system-x86 qemu-system-common qemu-system-data seabios >/dev/null)
rm -rf "$dest"
mkdir -p "$dest"
for deb in "$work"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dest"
done
write_wrapper
"$dest/bin/qemu-system-x86_64" --version | head -n1
