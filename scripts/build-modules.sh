#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build pvhook.ko, pvhook_guest.ko and the selftest module for each test
# kernel, each in its own copy of the sources under build/KVER/ (Kbuild
# writes objects next to the sources). Kernels from trixie (7.x) are built inside the trixie tree
# with trixie's gcc, as a trixie user would build them.
#
# usage: build-modules.sh [KVER...]
#   (default: $PVHOOK_HOST_TEST_KERNELS $PVHOOK_TEST_KERNELS)
set -euo pipefail
. "$(dirname "$0")/lib/config.sh"
top=$(cd "$(dirname "$0")/.." && pwd)

kernels=("$@")
[ "${#kernels[@]}" -gt 0 ] ||
	read -ra kernels <<<"$PVHOOK_HOST_TEST_KERNELS $PVHOOK_TEST_KERNELS"

for kver in "${kernels[@]}"; do
	out="$top/build/$kver"
	mkdir -p "$out"
	# Copy only what Kbuild reads; keep objects from earlier builds.
	cp -a "$top/Kbuild" "$top/Makefile" "$top/VERSION" "$out/"
	rm -rf "$out/src" "$out/include" "$out/selftests" "$out/guest" "$out/bench"
	cp -a "$top/src" "$top/include" "$top/guest" "$out/"
	mkdir -p "$out/selftests" "$out/bench"
	cp -a "$top/selftests/modules" "$out/selftests/"
	cp -a "$top/bench/modules" "$out/bench/"

	run=()
	case "$kver" in
	7.*)	run=("$top/scripts/trixie-chroot.sh") ;;
	esac
	kdir="/usr/src/linux-headers-$kver"
	# A kernel built here (scripts/build-debug-kernel.sh) has its tree.
	[ -d "$kdir" ] || kdir="/lib/modules/$kver/build"
	echo "build-modules: $kver"
	"${run[@]}" make -s -C "$out" KDIR="$kdir" W=1 modules
	"${run[@]}" make -s -C "$kdir" M="$out/selftests/modules" W=1 \
		KBUILD_EXTRA_SYMBOLS="$out/Module.symvers" modules
	"${run[@]}" make -s -C "$kdir" M="$out/guest" W=1 modules
	"${run[@]}" make -s -C "$kdir" M="$out/bench/modules" W=1 \
		KBUILD_EXTRA_SYMBOLS="$out/Module.symvers" modules
done
