# SPDX-License-Identifier: GPL-2.0
# Shared settings of the pvhook scripts; sourced, never run. Every value can
# be overridden from the environment.

# The test kernels: bookworm's own 6.1, Debian's 6.12 (bookworm-security's
# linux-6.12 line) and Debian's 7.3 (trixie-backports).
: "${KVER_61:=6.1.0-56-amd64}"
: "${KVER_612:=6.12.117+deb12-amd64}"
: "${SRC_612:=6.12}"
: "${KVER_73:=7.3.4+deb13-amd64}"
: "${DEBIAN_MIRROR:=http://deb.debian.org/debian}"

# Where the test bed keeps what it downloads and builds outside the tree.
: "${PVHOOK_CACHE:=/var/cache/pvhook}"
: "${TRIXIE_ROOT:=$PVHOOK_CACHE/trixie}"
: "${KSRC_EXTRACT:=$PVHOOK_CACHE/linux-source-$SRC_612}"
# The debug test host kernel (scripts/build-debug-kernel.sh): its build
# tree and cache; its version, once built, is in $PVHOOK_DEBUG_CACHE/kver.
: "${PVHOOK_DEBUG_CACHE:=$PVHOOK_CACHE/debug-kernel}"

# The kernels the test suite runs on, in order.
: "${PVHOOK_TEST_KERNELS:=$KVER_612 $KVER_73}"
# Kernels on which the test suite runs only the host selftests (no guest
# end-to-end test), first.
: "${PVHOOK_HOST_TEST_KERNELS:=$KVER_61}"

export KVER_61 KVER_612 SRC_612 KVER_73 DEBIAN_MIRROR PVHOOK_CACHE TRIXIE_ROOT \
	KSRC_EXTRACT PVHOOK_DEBUG_CACHE PVHOOK_TEST_KERNELS PVHOOK_HOST_TEST_KERNELS

# Module and package tools live in sbin; a root shell from `su` or a CI job
# may not have it in PATH.
case ":$PATH:" in
*:/usr/sbin:*) ;;
*) PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" ;;
esac
export PATH
