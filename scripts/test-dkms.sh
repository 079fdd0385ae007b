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
# (scripts/build-deb.sh), installed and purged with apt-get.
#
# The guest module goes the same ways, alongside: `make dkms-install-guest`
# for 6.12, 6.1 and (in the trixie tree) 7.3, and the pvhook-guest package
# for the same kernels, installed before the host package to show it needs
# none of it. The test VMs above also load it; they run under TCG, not as
# KVM guests, so it must refuse with ENODEV and its one log line, which
# shows the installed module loads as far as its check. Prints KTAP.
set -uo pipefail
. "$(dirname "$0")/lib/config.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
version=$(cat VERSION)
. selftests/lib/ktap.sh

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

# check_guest_modinfo CMD...: CMD prints the installed guest module's
# modinfo; check it, and that every parameter the sources declare is there
# with a description ("parm: NAME:DESCRIPTION (TYPE)", not "NAME:TYPE").
check_guest_modinfo() {
	local info want got bad
	info=$("$@" 2>&1) || { echo "$info" | indent; return 1; }
	echo "$info" | grep -E '^(filename|version|description|author|license|parm):' | indent
	want=$(grep -ohP 'module_param[a-z_]*\(\s*\K[A-Za-z0-9_]+' guest/*.c | sort | paste -sd' ')
	got=$(sed -n 's/^parm: *\([^:]*\):.*/\1/p' <<<"$info" | sort | paste -sd' ')
	bad=$(grep '^parm:' <<<"$info" | grep -vE '^parm: *[A-Za-z0-9_]+:.*[^ ].* \([a-z ]+\)$')
	grep -q "^filename:.*/updates/dkms/pvhook_guest.ko" <<<"$info" ||
		{ echo "# not the DKMS-installed pvhook_guest.ko"; return 1; }
	grep -q "^version: *$version$" <<<"$info" || { echo "# version is not $version"; return 1; }
	grep -q '^description: .' <<<"$info" || { echo "# no description"; return 1; }
	grep -q '^author: .' <<<"$info" || { echo "# no author"; return 1; }
	grep -q '^license: *GPL' <<<"$info" || { echo "# no GPL license"; return 1; }
	if [ -z "$want" ] || [ "$got" != "$want" ]; then
		echo "# parameters: '$got', sources declare '$want'"; return 1
	fi
	[ -z "$bad" ] || { echo "# parameters without a description:"; indent <<<"$bad"; return 1; }
}

# guest/, VERSION and the two headers as `make dkms-install-guest` lays them
# out in /usr/src/pvhook-guest-VERSION (filled in below, from what the
# Makefile installed).
guest_tree=

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

# The guest package: the DKMS tree exactly as `make dkms-install-guest` makes
# it, nothing else but its documentation, no dependency on the host package.
test_guest_deb_contents() {
	local deb=$1 list tree other dep
	list=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}') || return 1
	tree=$(sed -n "s|^\./usr/src/pvhook-guest-$version/|./|p" <<<"$list" | sort)
	other=$(grep -v -e "^\./usr/src/pvhook-guest-$version/" \
		-e '^\./usr/share/doc/pvhook-guest/' <<<"$list")
	dep=$(dpkg-deb -f "$deb" Depends)
	echo "# Depends: $dep"
	if [ -z "$guest_tree" ] || [ "$tree" != "$guest_tree" ]; then
		echo "# the DKMS tree differs from make dkms-install-guest's:"
		diff <(echo "$guest_tree") <(echo "$tree") | indent
		return 1
	fi
	[ -z "$other" ] || { echo "# unexpected files:"; indent <<<"$other"; return 1; }
	! grep -qE '(^|[ ,])pvhook([ ,(]|$)' <<<"$dep" || { echo "# depends on pvhook"; return 1; }
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO "./usr/src/pvhook-guest-$version/dkms.conf" |
		grep -qx "PACKAGE_VERSION=\"$version\"" || { echo "# dkms.conf: not version $version"; return 1; }
}

# check_guest_deb_installed KVER: DKMS built and installed the guest module
# for KVER when the package was installed.
check_guest_deb_installed() {
	dkms status "pvhook-guest/$version" -k "$1" 2>/dev/null | grep -q ': installed' ||
		{ echo "# DKMS did not install pvhook-guest for $1"; return 1; }
	check_guest_modinfo modinfo -k "$1" pvhook_guest
}

test_guest_deb_purge() {
	apt-get purge -y -q pvhook-guest 2>&1 | tail -n 3 | indent
	[ -z "$(dkms status pvhook-guest 2>/dev/null)" ] &&
		[ ! -e "/usr/src/pvhook-guest-$version" ] &&
		! modinfo -k "$KVER_612" pvhook_guest >/dev/null 2>&1 &&
		! modinfo -k "$KVER_61" pvhook_guest >/dev/null 2>&1
}

# The VM's script for the guest module: load it (`modprobe`, which must
# find the DKMS-installed module, or `insmod FILE`); it must refuse with
# ENODEV and log exactly one line of its own (the module loader's taint
# notices aside): under TCG "not a KVM guest", under KVM (where the runner
# has it) that the host, which runs no pvhook, does not answer the probe.
mkdir -p build/dkms
cat >build/dkms/guest-load.sh <<'GUEST'
#!/bin/sh
if dmesg | grep -q 'Hypervisor detected: KVM'; then
	want='pvhook_guest: the host does not offer pvhook (probe answered -1000); not loading'
else
	want='pvhook_guest: not a KVM guest; not loading'
fi
if [ "$1" = modprobe ]; then
	f=$(modinfo -F filename pvhook_guest) || exit 1
	echo "module: $f"
	case $f in
	*/updates/dkms/pvhook_guest.ko*) ;;
	*) echo "not the DKMS-installed module"; exit 1 ;;
	esac
	out=$(modprobe pvhook_guest 2>&1)
	rc=$?
else
	out=$(insmod "$2" 2>&1)
	rc=$?
fi
echo "$out"
[ "$rc" != 0 ] || { echo "the guest module loaded"; exit 1; }
case $out in
*"No such device"*) ;;
*) echo "not refused with ENODEV"; exit 1 ;;
esac
got=$(dmesg | sed 's/^\[[^]]*\] *//' | grep '^pvhook_guest: ' |
	grep -v -e 'taints kernel' -e 'module verification failed')
echo "log: $got"
[ "$got" = "$want" ] || { echo "expected exactly: $want"; exit 1; }
! grep -q '^pvhook_guest ' /proc/modules
GUEST

# vm_result NAME LOG: the VM printed NAME=0 (a VM that ended without
# printing it failed).
vm_result() {
	[ "$(sed -n "s/^$1=//p" <<<"$2" | tail -n1)" = 0 ]
}

test_deb_purge() {
	apt-get purge -y -q pvhook 2>&1 | tail -n 3 | indent
	[ -z "$(dkms status pvhook 2>/dev/null)" ] &&
		[ ! -e /usr/sbin/pvhookctl ] && [ ! -e "/usr/src/pvhook-$version" ] &&
		! modinfo -k "$KVER_612" pvhook >/dev/null 2>&1
}

echo "TAP version 13"
echo "1..28"

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

make -s dkms-install-guest KVERS="$KVER_612 $KVER_61" 2>&1 | indent
guest_tree=$(cd "/usr/src/pvhook-guest-$version" 2>/dev/null && find . -type f | sort)
check_guest_modinfo modinfo -k "$KVER_612" pvhook_guest
result $? "guest_dkms_install_$KVER_612"
check_guest_modinfo modinfo -k "$KVER_61" pvhook_guest
result $? "guest_dkms_install_$KVER_61"

scripts/trixie-chroot.sh make -s -C "$top" dkms-install-guest KVERS="$KVER_73" 2>&1 | indent
gko73=$(ls "$TRIXIE_ROOT/lib/modules/$KVER_73/updates/dkms/"pvhook_guest.ko* 2>/dev/null | head -n1)
check_guest_modinfo scripts/trixie-chroot.sh modinfo "${gko73#"$TRIXIE_ROOT"}"
result $? "guest_dkms_install_$KVER_73"

# Each VM checks the host module, then the guest module: one boot, two
# results.
for k in "$KVER_612" "$KVER_61"; do
	vmlog=$(scripts/vm-run.sh -k "$k" -t 600 -- sh -c '
		(
			modprobe pvhook || exit 1
			lsmod | grep -E "^(pvhook|kvm) " || exit 1
			dmesg | grep "pvhook: ABI" || exit 1
			rmmod pvhook
		); echo "HOST_RC=$?"
		sh build/dkms/guest-load.sh modprobe; echo "GUEST_RC=$?"' 2>&1)
	indent <<<"$vmlog"
	vm_result HOST_RC "$vmlog"
	result $? "modprobe_installed_$k"
	vm_result GUEST_RC "$vmlog"
	result $? "guest_modprobe_enodev_$k"
done

# The test VM sees the host's files but mounts a tmpfs over /var/cache:
# hand it DKMS's modules through the checkout's build directory.
cp "$ko73" "$gko73" build/dkms/ 2>/dev/null
vmlog=$(scripts/vm-run.sh -k "$KVER_73" -t 600 -- sh -c "
	(
		modprobe kvm || exit 1
		insmod build/dkms/$(basename "$ko73") || exit 1
		dmesg | grep 'pvhook: ABI' || exit 1
		rmmod pvhook
	); echo HOST_RC=\$?
	sh build/dkms/guest-load.sh insmod build/dkms/$(basename "$gko73"); echo GUEST_RC=\$?" 2>&1)
indent <<<"$vmlog"
vm_result HOST_RC "$vmlog"
result $? "load_dkms_built_$KVER_73"
vm_result GUEST_RC "$vmlog"
result $? "guest_load_dkms_built_$KVER_73"

make -s dkms-remove 2>&1 | indent
[ ! -e "/usr/src/pvhook-$version" ] && ! modinfo -k "$KVER_612" pvhook >/dev/null 2>&1 &&
	! modinfo -k "$KVER_61" pvhook >/dev/null 2>&1
result $? "dkms_remove_$KVER_612"
scripts/trixie-chroot.sh make -s -C "$top" dkms-remove 2>&1 | indent
! ls "$TRIXIE_ROOT/lib/modules/$KVER_73/updates/dkms/"pvhook.ko* >/dev/null 2>&1 &&
	[ ! -e "$TRIXIE_ROOT/usr/src/pvhook-$version" ]
result $? "dkms_remove_$KVER_73"

make -s dkms-remove-guest 2>&1 | indent
[ ! -e "/usr/src/pvhook-guest-$version" ] && [ -z "$(dkms status pvhook-guest 2>/dev/null)" ] &&
	! modinfo -k "$KVER_612" pvhook_guest >/dev/null 2>&1 &&
	! modinfo -k "$KVER_61" pvhook_guest >/dev/null 2>&1
result $? "guest_dkms_remove_$KVER_612"
scripts/trixie-chroot.sh make -s -C "$top" dkms-remove-guest 2>&1 | indent
! ls "$TRIXIE_ROOT/lib/modules/$KVER_73/updates/dkms/"pvhook_guest.ko* >/dev/null 2>&1 &&
	[ ! -e "$TRIXIE_ROOT/usr/src/pvhook-guest-$version" ]
result $? "guest_dkms_remove_$KVER_73"

# The Debian packages, built from the tree, installed with apt-get.
debs=$(scripts/build-deb.sh 2>&1)
indent <<<"$debs"
deb=$(grep -x "build/deb/pvhook_${version}_amd64.deb" <<<"$debs")
gdeb=$(grep -x "build/deb/pvhook-guest_${version}_amd64.deb" <<<"$debs")
[ -f "$deb" ] && test_deb_contents "$deb"
result $? deb_builds
[ -f "$gdeb" ] && test_guest_deb_contents "$gdeb"
result $? guest_deb_builds

# The guest package first, while the host package is not installed. DKMS
# builds for every kernel here with headers: this machine's own kernel is
# not in /lib/modules, so DKMS's postinst takes them all.
if dpkg-query -W -f '${Status}' pvhook 2>/dev/null | grep -q ' installed$'; then
	echo "# the pvhook package is installed already (left by an earlier run?)"
fi
apt-get install -y -q --no-install-recommends "./$gdeb" 2>&1 | tail -n 8 | indent
dkms status "pvhook-guest/$version" 2>/dev/null | indent
check_guest_deb_installed "$KVER_612" &&
	! dpkg-query -W -f '${Status}' pvhook 2>/dev/null | grep -q ' installed$'
result $? "guest_deb_installs_$KVER_612"
check_guest_deb_installed "$KVER_61"
result $? "guest_deb_installs_$KVER_61"

# On trixie, as a trixie guest installs it: in the trixie tree, where DKMS
# builds for its only kernel, 7.3.
scripts/trixie-chroot.sh apt-get install -y -q --no-install-recommends \
	"$top/$gdeb" 2>&1 | tail -n 8 | indent
gko73=$(ls "$TRIXIE_ROOT/lib/modules/$KVER_73/updates/dkms/"pvhook_guest.ko* 2>/dev/null | head -n1)
check_guest_modinfo scripts/trixie-chroot.sh modinfo "${gko73#"$TRIXIE_ROOT"}"
result $? "guest_deb_installs_$KVER_73"
scripts/trixie-chroot.sh apt-get purge -y -q pvhook-guest 2>&1 | tail -n 3 | indent
! ls "$TRIXIE_ROOT/lib/modules/$KVER_73/updates/dkms/"pvhook_guest.ko* >/dev/null 2>&1 &&
	[ ! -e "$TRIXIE_ROOT/usr/src/pvhook-guest-$version" ] &&
	! scripts/trixie-chroot.sh dpkg-query -W -f '${Status}' pvhook-guest 2>/dev/null |
		grep -q ' installed$'
result $? "guest_deb_purge_$KVER_73"

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
# The guest package's module in the same VM.
vmlog=$(scripts/vm-run.sh -k "$KVER_612" -t 600 -- sh -c "
	(
		modprobe pvhook || exit 1
		/usr/sbin/pvhookctl info | grep 'ABI version: *${abi//./\\.}\$' || exit 1
		rmmod pvhook || exit 1
		modprobe kvm
		insmod build/stub/pvhook.ko 2>&1 && exit 2
		dmesg | grep 'is not supported by pvhook' && echo STUB_REFUSED
		exit 0
	); echo HOST_RC=\$?
	sh build/dkms/guest-load.sh modprobe; echo GUEST_RC=\$?" 2>&1)
indent <<<"$vmlog"
vm_result HOST_RC "$vmlog"
result $? "deb_module_and_pvhookctl_$KVER_612"
grep -q '^STUB_REFUSED' <<<"$vmlog" && [ -f build/stub/pvhook.ko ]
result $? unsupported_kernel_module_refuses_to_load
vm_result GUEST_RC "$vmlog"
result $? "guest_deb_modprobe_enodev_$KVER_612"

test_deb_purge
result $? deb_purge
test_guest_deb_purge
result $? guest_deb_purge

ktap_totals
[ "$fail" = 0 ]
