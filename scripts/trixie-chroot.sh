#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a command inside the cached trixie build tree, with /proc, /sys, /dev
# and the pvhook checkout (at the same path) mounted. Used to build modules
# for the 7.3 kernel with trixie's own gcc and headers.
#
# usage: trixie-chroot.sh CMD [ARG...]
set -euo pipefail
. "$(dirname "$0")/lib/config.sh"

[ -d "$TRIXIE_ROOT" ] || { echo "trixie-chroot: no tree at $TRIXIE_ROOT; run scripts/setup.sh" >&2; exit 1; }
top=$(cd "$(dirname "$0")/.." && pwd)

exec unshare --mount --propagation private sh -c '
	root=$1 top=$2; shift 2
	mount -t proc proc "$root/proc"
	mount --rbind /sys "$root/sys"
	mount --rbind /dev "$root/dev"
	mkdir -p "$root$top"
	mount --bind "$top" "$root$top"
	cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
	exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"
' sh "$TRIXIE_ROOT" "$top" "$@"
