#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host module installed as users install it: `make dkms-install`, with
# DKMS itself building the module, for the 6.12 and 6.1 kernels on this
# bookworm host and for the 7.3 kernel in the trixie tree (as a trixie user
# would). Then 6.12 and 6.1 test VMs load the installed module with plain
# `modprobe pvhook` (kvm comes in through the soft dependency), a 7.3 test
# VM loads the module DKMS built in the trixie tree, and everything is
# removed again with `make dkms-remove`. Then the same through the Debian package
# (scripts/build-deb.sh), installed and purged with apt-get. Prints KTAP.
set -uo pipefail
. "$(dirname "$0")/lib/config.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
version=$(cat VERSION)
n=0
pass=0
fail=0

result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		pass=$((pass + 1)); echo "ok $n $2"
	else
		fail=$((fail + 1)); echo "not ok $n $2"
	fi
}
indent() { sed 's/^/# /'; }

# check_modinfo CMD...: CMD prints the installed module's modinfo; check it.
check_modinfo() {
	local info
	info=$("$@" 2>&1) || { echo "$info" | indent; return 1; }
	echo "$info" | grep -E '^(filename|version|description|author|license|softdep|parm):' | indent
	grep -q "^filename:.*/updates/dkms/pvhook.ko" <<<"$info" &&
		grep -q "^version: *$version$" <<<"$info" &&
		grep -q '^description: .' <<<"$info" &&
		grep -q '^author: .' <<<"$info" &&
		grep -q '^license: *GPL' <<<"$info" &&
		grep -q '^softdep: *pre: kvm' <<<"$info" &&
		grep -q '^parm: *default_policy:.' <<<"$info"
}

# The files the Debian package must hold.
DEB_FILES=(
	"usr/src/pvhook-$version/dkms.conf" "usr/src/pvhook-$version/Kbuild"
	usr/sbin/pvhookctl usr/share/man/man8/pvhookctl.8.gz
	usr/include/linux/pvhook.h lib/udev/rules.d/60-pvhook.rules
)

test_deb_contents() {
	local deb=$1 list f
	list=$(dpkg-deb -c "$deb" | awk '{print $6}') || return 1
	for f in "${DEB_FILES[@]}"; do
		grep -qx "./$f" <<<"$list" || { echo "# missing $f"; return 1; }
	done
}

# apt-get installs it; DKMS builds for this host's 6.12 (and skips kernels
# pvhook does not support).
test_deb_install() {
	apt-get install -y -q --no-install-recommends "./$1" 2>&1 | tail -n 5 | indent
	dkms status "pvhook/$version" 2>/dev/null | indent
	dkms status "pvhook/$version" -k "$KVER_612" 2>/dev/null | grep -q ': installed' &&
		check_modinfo modinfo -k "$KVER_612" pvhook &&
		getent group pvhook >/dev/null && [ -x /usr/sbin/pvhookctl ]
}

test_deb_purge() {
	apt-get purge -y -q pvhook 2>&1 | tail -n 3 | indent
	[ -z "$(dkms status pvhook 2>/dev/null)" ] &&
		[ ! -e /usr/sbin/pvhookctl ] && [ ! -e "/usr/src/pvhook-$version" ] &&
		! modinfo -k "$KVER_612" pvhook >/dev/null 2>&1
}

echo "TAP version 13"
echo "1..13"

make -s dkms-install KVERS="$KVER_612 $KVER_61" 2>&1 | indent
check_modinfo modinfo -k "$KVER_612" pvhook
result $? "dkms_install_$KVER_612"
# The real module, not the one DKMS builds for unsupported kernels (which
# has no parameter: check_modinfo fails on it).
check_modinfo modinfo -k "$KVER_61" pvhook
result $? "dkms_install_$KVER_61"

scripts/trixie-chroot.sh make -s -C "$top" dkms-install KVERS="$KVER_73" 2>&1 | indent
# DKMS in a chroot without the kernel's modules writes no modules.dep, so
# look the module up by path there.
ko73=$(ls "$TRIXIE_ROOT/lib/modules/$KVER_73/updates/dkms/"pvhook.ko* 2>/dev/null | head -n1)
check_modinfo scripts/trixie-chroot.sh modinfo "${ko73#"$TRIXIE_ROOT"}"
result $? "dkms_install_$KVER_73"

scripts/vm-run.sh -k "$KVER_612" -t 600 -- sh -c '
	modprobe pvhook || exit 1
	lsmod | grep -E "^(pvhook|kvm) " || exit 1
	dmesg | grep "pvhook: ABI" || exit 1
	rmmod pvhook' 2>&1 | indent
result "${PIPESTATUS[0]}" "modprobe_installed_$KVER_612"

scripts/vm-run.sh -k "$KVER_61" -t 600 -- sh -c '
	modprobe pvhook || exit 1
	lsmod | grep -E "^(pvhook|kvm) " || exit 1
	dmesg | grep "pvhook: ABI" || exit 1
	rmmod pvhook' 2>&1 | indent
result "${PIPESTATUS[0]}" "modprobe_installed_$KVER_61"

# The test VM sees the host's files but mounts a tmpfs over /var/cache:
# hand it DKMS's module through the checkout's build directory.
mkdir -p build/dkms
cp "$ko73" build/dkms/ 2>/dev/null
scripts/vm-run.sh -k "$KVER_73" -t 600 -- sh -c "
	modprobe kvm || exit 1
	insmod build/dkms/$(basename "$ko73") || exit 1
	dmesg | grep 'pvhook: ABI' || exit 1
	rmmod pvhook" 2>&1 | indent
result "${PIPESTATUS[0]}" "load_dkms_built_$KVER_73"

make -s dkms-remove 2>&1 | indent
[ ! -e "/usr/src/pvhook-$version" ] && ! modinfo -k "$KVER_612" pvhook >/dev/null 2>&1 &&
	! modinfo -k "$KVER_61" pvhook >/dev/null 2>&1
result $? "dkms_remove_$KVER_612"
scripts/trixie-chroot.sh make -s -C "$top" dkms-remove 2>&1 | indent
[ -z "$(ls "$TRIXIE_ROOT/lib/modules/$KVER_73/updates/dkms/" 2>/dev/null)" ] &&
	[ ! -e "$TRIXIE_ROOT/usr/src/pvhook-$version" ]
result $? "dkms_remove_$KVER_73"

# The Debian package, built from the tree, installed with apt-get.
deb=$(scripts/build-deb.sh 2>&1 | tail -n1)
[ -f "$deb" ] && test_deb_contents "$deb"
result $? deb_builds

test_deb_install "$deb"
result $? "deb_installs_$KVER_612"

# What DKMS builds for a kernel pvhook does not support (see Kbuild), made
# here for 6.12 by pretending it is unsupported; loaded in the same VM.
build_stub() {
	rm -rf build/stub && mkdir -p build/stub &&
		cp -a Kbuild VERSION src include build/stub/ &&
		! make -s -C "/lib/modules/$KVER_612/build" M="$top/build/stub" \
			PVHOOK_FORCE_UNSUPPORTED=1 modules >/dev/null 2>&1 &&
		make -s -C "/lib/modules/$KVER_612/build" M="$top/build/stub" \
			PVHOOK_FORCE_UNSUPPORTED=1 PVHOOK_UNSUPPORTED=stub modules 2>&1 |
		indent
}
build_stub
# pvhookctl reports the ABI of the uapi header it was built with.
abi=$(sed -n -E 's/^#define PVHOOK_ABI_(MAJOR|MINOR)[[:space:]]+([0-9]+).*/\2/p' \
	include/uapi/linux/pvhook.h | paste -sd.)
vmlog=$(scripts/vm-run.sh -k "$KVER_612" -t 600 -- sh -c "
	modprobe pvhook || exit 1
	/usr/sbin/pvhookctl info | grep 'ABI version: *${abi//./\\.}\$' || exit 1
	rmmod pvhook || exit 1
	modprobe kvm
	insmod build/stub/pvhook.ko 2>&1 && exit 2
	dmesg | grep 'is not supported by pvhook' && echo STUB_REFUSED
	exit 0" 2>&1)
rc=$?
indent <<<"$vmlog"
result "$rc" "deb_module_and_pvhookctl_$KVER_612"
grep -q '^STUB_REFUSED' <<<"$vmlog" && [ -f build/stub/pvhook.ko ]
result $? unsupported_kernel_module_refuses_to_load

test_deb_purge
result $? deb_purge

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" = 0 ]
