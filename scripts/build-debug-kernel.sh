#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug test host kernel: Debian's linux-source-6.12 configured by
# virtme-ng (virtme-configkernel --defconfig) plus
# scripts/debug-kernel/pvhook-debug.config (KASAN, lockdep, PROVE_RCU,
# DEBUG_ATOMIC_SLEEP, kmemleak, KFENCE, UBSAN bounds, DEBUG_LIST,
# DEBUG_OBJECTS_RCU_HEAD; KVM and kvm_amd as modules), and install it as
# /lib/modules/KVER/vmlinuz with its modules, where scripts/vm-run.sh finds
# it. Prints KVER (e.g. 6.12.118-pvhook-debug) as its last line.
#
# The build is cached under $PVHOOK_CACHE/debug-kernel and done again only
# when its inputs change: the linux-source package's version, the config
# fragment, this script, virtme-ng's version or the compiler.
#
# usage: build-debug-kernel.sh [-j JOBS]
set -euo pipefail
. "$(dirname "$0")/lib/config.sh"
top=$(cd "$(dirname "$0")/.." && pwd)

jobs=$(nproc)
while [ $# -gt 0 ]; do
	case "$1" in
	-j) jobs=$2; shift 2 ;;
	-h|--help)
		echo "usage: build-debug-kernel.sh [-j JOBS]"
		echo "Builds and installs the debug test host kernel; prints its version last."
		exit 0 ;;
	*) echo "build-debug-kernel: unknown argument $1" >&2; exit 2 ;;
	esac
done

log() { echo "build-debug-kernel: $*" >&2; }
die() { log "error: $*"; exit 1; }

cache=$PVHOOK_DEBUG_CACHE
frag=$top/scripts/debug-kernel/pvhook-debug.config
tarball=/usr/src/linux-source-$SRC_612.tar.xz
[ -e "$tarball" ] || die "$tarball is missing: run scripts/setup.sh"

src_version=$(dpkg-query -W -f='${Version}' "linux-source-$SRC_612")
key=$({
	echo "$src_version"
	cat "$frag" "$0"
	dpkg-query -W -f='${Version}\n' virtme-ng
	gcc --version | head -n1
} | sha256sum | cut -c1-16)

if [ -s "$cache/kver" ] && [ "$(cat "$cache/key" 2>/dev/null)" = "$key" ] &&
   [ -e "/lib/modules/$(cat "$cache/kver")/vmlinuz" ]; then
	log "up to date ($key)"
	cat "$cache/kver"
	exit 0
fi

start=$SECONDS
mkdir -p "$cache"
tree=$cache/linux
if [ "$(cat "$cache/src-version" 2>/dev/null)" != "$src_version" ] || [ ! -d "$tree" ]; then
	log "unpacking linux-source-$SRC_612 $src_version"
	rm -rf "$tree" "$cache/linux-source-$SRC_612" "$cache/src-version"
	tar -C "$cache" -xf "$tarball"
	mv "$cache/linux-source-$SRC_612" "$tree"
	echo "$src_version" >"$cache/src-version"
fi
rm -f "$cache/key"

log "configuring (virtme-ng defconfig + $(basename "$frag"))"
# virtme-ng's own items come last in its output, so ours are merged after.
(cd "$tree" && virtme-configkernel --defconfig &&
	scripts/kconfig/merge_config.sh -m .config "$frag" &&
	make olddefconfig) >"$cache/config.log" 2>&1 ||
	{ tail -n 20 "$cache/config.log" >&2; die "configuring failed"; }
# Every line of the fragment must have stuck: Kconfig drops what it cannot
# satisfy without a word.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$tree/.config" || { log "not set: $line"; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		! grep -q "^$opt=" "$tree/.config" || { log "not off: $opt"; bad=1; } ;;
	esac
done <"$frag"
[ "$bad" = 0 ] || die "the configuration lacks what the fragment asks"

log "building with $jobs jobs"
make -s -C "$tree" -j"$jobs" bzImage modules >"$cache/build.log" 2>&1 ||
	{ tail -n 40 "$cache/build.log" >&2; die "the build failed (log: $cache/build.log)"; }

# Known only once the build has written include/config/auto.conf.
kver=$(make -s -C "$tree" kernelrelease)
rm -rf "/lib/modules/$kver"
make -s -C "$tree" INSTALL_MOD_STRIP=1 modules_install >/dev/null
cp "$tree/arch/x86/boot/bzImage" "/lib/modules/$kver/vmlinuz"
ln -sfn "$tree" "/lib/modules/$kver/build"
depmod -a "$kver"

echo "$kver" >"$cache/kver"
echo "$key" >"$cache/key"
log "built and installed $kver in $((SECONDS - start)) s"
echo "$kver"
