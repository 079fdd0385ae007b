#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything a fresh Debian 12 (bookworm) machine needs to build and
# test pvhook: build tools, QEMU, virtme-ng, busybox-static, sparse, DKMS,
# bookworm's 6.1 kernel (image and headers), the Debian 6.12 kernel (image,
# headers and source, from bookworm-security's linux-6.12 line) and the
# Debian 7.3 kernel (trixie-backports). Kernels are named exactly: a glob
# such as linux-image-6.1.0-*-amd64 would install every ABI and flavour.
#
# The host stays a pure bookworm system. Trixie packages are only ever
# *downloaded* here, with a private apt state under $PVHOOK_CACHE:
#  - virtme-ng (architecture all; its dependencies resolve from bookworm),
#  - the 7.3 kernel image and modules, unpacked into /lib/modules/$KVER_73,
#  - a debootstrapped trixie tree (the way a trixie user builds modules)
#    holding gcc-14 and the 7.3 headers, used to build pvhook for 7.3.
# And QEMU 10.0 from bookworm-backports, unpacked privately for
# multi-threaded TCG (scripts/setup-qemu10.sh); the system keeps QEMU 7.2.
#
# Idempotent: a second run does nothing and prints nothing but its last line.
set -euo pipefail

. "$(dirname "$0")/lib/config.sh"

log() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

# Run a command quietly; show its output only if it fails.
quiet() {
	local out
	if ! out=$("$@" 2>&1); then
		echo "$out" >&2
		die "failed: $*"
	fi
}

[ "$(id -u)" = 0 ] || die "run as root (it installs packages)"
grep -q 'VERSION_CODENAME=bookworm' /etc/os-release ||
	die "this script sets up Debian 12 (bookworm) hosts"

export DEBIAN_FRONTEND=noninteractive
APT_Q=(-q -y -o Dpkg::Use-Pty=0 -o APT::Install-Recommends=false)
APT_UPDATED=

apt_update() {
	[ -n "$APT_UPDATED" ] && return
	quiet apt-get -qq update
	APT_UPDATED=1
}

missing_pkgs() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

# --- 1. bookworm packages ----------------------------------------------------
HOST_PKGS=(
	build-essential make gcc bc flex bison libelf-dev kmod cpio xz-utils
	zstd git python3 file busybox-static qemu-system-x86 sparse
	debootstrap ca-certificates procps util-linux dkms debhelper dh-dkms
	python3-requests python3-argcomplete python3-pkg-resources python3-docutils
	"linux-image-$KVER_61" "linux-headers-$KVER_61"
	"linux-image-$KVER_612" "linux-headers-$KVER_612" "linux-source-$SRC_612"
)
mapfile -t need < <(missing_pkgs "${HOST_PKGS[@]}")
if [ "${#need[@]}" -gt 0 ]; then
	log "installing ${need[*]}"
	apt_update
	quiet apt-get "${APT_Q[@]}" install "${need[@]}"
fi

# --- 2. private apt state for trixie downloads -------------------------------
TX="$PVHOOK_CACHE/apt-trixie"
TX_OPTS=(-o "Dir::Etc::SourceList=$TX/sources.list" -o Dir::Etc::SourceParts=/dev/null
	 -o "Dir::State::Lists=$TX/lists" -o "Dir::Cache=$TX/cache"
	 -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
tx_download() {	# tx_download DIR PKG...
	local dir=$1; shift
	mkdir -p "$TX/lists/partial" "$TX/cache/archives/partial" "$dir"
	if [ ! -s "$TX/sources.list" ]; then
		printf 'deb %s trixie main\ndeb %s trixie-backports main\n' \
			"$DEBIAN_MIRROR" "$DEBIAN_MIRROR" >"$TX/sources.list"
	fi
	if [ ! -e "$TX/lists/.updated" ]; then
		quiet apt-get -qq "${TX_OPTS[@]}" update
		touch "$TX/lists/.updated"
	fi
	(cd "$dir" && quiet apt-get -qq "${TX_OPTS[@]}" download "$@")
}

# --- 3. virtme-ng (trixie, arch all, bookworm dependencies) ------------------
if ! command -v vng >/dev/null; then
	log "installing virtme-ng from trixie (.deb only)"
	tx_download "$PVHOOK_CACHE/debs" virtme-ng
	apt_update
	quiet apt-get "${APT_Q[@]}" install "$PVHOOK_CACHE"/debs/virtme-ng_*_all.deb
fi

# --- 4. the 7.3 test kernel: image and modules, not installed by dpkg --------
if [ ! -e "/lib/modules/$KVER_73/vmlinuz" ]; then
	log "unpacking the $KVER_73 kernel into /lib/modules/$KVER_73"
	tx_download "$PVHOOK_CACHE/debs" "linux-binary-$KVER_73" "linux-modules-$KVER_73"
	tmp=$(mktemp -d)
	for d in "$PVHOOK_CACHE"/debs/linux-binary-"$KVER_73"_*.deb \
		 "$PVHOOK_CACHE"/debs/linux-modules-"$KVER_73"_*.deb; do
		dpkg -x "$d" "$tmp"
	done
	mkdir -p "/lib/modules/$KVER_73"
	cp -a "$tmp/usr/lib/modules/$KVER_73/." "/lib/modules/$KVER_73/"
	rm -rf "$tmp"
	# The package has no modules.order: depmod warns, and orders by name.
	depmod -a "$KVER_73" 2>/dev/null
fi

# --- 5. the trixie build tree for 7.x modules --------------------------------
TRIXIE_PKGS=(make gcc libc6-dev kmod dkms "linux-headers-$KVER_73")
if [ ! -e "$TRIXIE_ROOT/.pvhook-debootstrapped" ]; then
	log "creating the trixie build tree in $TRIXIE_ROOT (takes a few minutes)"
	rm -rf "$TRIXIE_ROOT"
	mkdir -p "$(dirname "$TRIXIE_ROOT")"
	quiet debootstrap --variant=minbase trixie "$TRIXIE_ROOT" "$DEBIAN_MIRROR"
	printf 'deb %s trixie main\ndeb %s trixie-backports main\n' \
		"$DEBIAN_MIRROR" "$DEBIAN_MIRROR" >"$TRIXIE_ROOT/etc/apt/sources.list"
	touch "$TRIXIE_ROOT/.pvhook-debootstrapped"
fi
need=$("$(dirname "$0")/trixie-chroot.sh" dpkg-query -W -f='${Package} ${Status}\n' \
	"${TRIXIE_PKGS[@]}" 2>/dev/null | grep -c ' install ok installed$' || true)
if [ "$need" != "${#TRIXIE_PKGS[@]}" ]; then
	log "installing ${TRIXIE_PKGS[*]} in the trixie tree"
	quiet "$(dirname "$0")/trixie-chroot.sh" sh -c "
		export DEBIAN_FRONTEND=noninteractive
		apt-get -qq update &&
		apt-get -q -y -o Dpkg::Use-Pty=0 --no-install-recommends install \
			${TRIXIE_PKGS[*]} &&
		apt-get clean"
fi

# --- 6. files read from the installed linux-source package -------------------
KSRC_FILES=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch
	    scripts/kernel-doc tools/testing/selftests/kselftest.h
	    tools/testing/selftests/kselftest_harness.h)
missing=()
for f in "${KSRC_FILES[@]}"; do
	[ -e "$KSRC_EXTRACT/$f" ] || missing+=("linux-source-$SRC_612/$f")
done
if [ "${#missing[@]}" -gt 0 ]; then
	log "extracting ${#missing[@]} files (checkpatch, kernel-doc, kselftest) from linux-source-$SRC_612"
	mkdir -p "$KSRC_EXTRACT"
	tar -C "$KSRC_EXTRACT" --strip-components=1 \
		-xf "/usr/src/linux-source-$SRC_612.tar.xz" "${missing[@]}"
fi

# --- 7. QEMU 10.0 for vCPUs that really run at once ---------------------------
# The debug kernel's part of the tests runs its test host with two vCPUs on
# two host threads (multi-threaded TCG), which QEMU 7.2 cannot do safely.
[ -x "$PVHOOK_CACHE/qemu10/usr/bin/qemu-system-x86_64" ] ||
	log "unpacking QEMU 10.0 from bookworm-backports into $PVHOOK_CACHE/qemu10"
quiet "$(dirname "$0")/setup-qemu10.sh"

echo "setup: ok (kernels: $KVER_61, $KVER_612, $KVER_73)"
