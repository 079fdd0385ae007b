#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run inside a KVM test host (L1, booted by scripts/vm-run.sh): boot a
# Linux guest (L2) on this host's KVM with the host's own kernel, run a
# command in it as root with this checkout's path as the working directory,
# print its output and exit with its status.
#
#   scripts/l2-run.sh [-c CPUS] [-m MEM] [-t SECONDS] [-f PATH]...
#                     [-M MODULE]... [--] CMD [ARG...]
#
#   -c CPUS      vCPUs of the guest (default 2)
#   -m MEM       its memory (default 512M)
#   -t SECONDS   stop the guest after this long and exit 124 (default 1200)
#   -f PATH      a file or directory of the checkout (or an absolute path)
#                the command needs; the command itself if it is a file
#   -M MODULE    a module of the host's kernel the guest may modprobe
#
# The guest's root is an initramfs made here from busybox, bash, kmod, the
# -f paths and the -M modules (with the libraries they link), not the
# host's root file system over 9p as virtme-ng does: under nested KVM on
# TCG, a virtme-ng guest did not get through its init script in 8 minutes,
# while this one boots to its command in about 20 s. Its output comes over
# a virtio console. kvm_amd or kvm_intel must be loaded. The
# guest's VMM is the one process named qemu-system-x86
# (selftests/guest/host_agent finds it by that name).
# PVHOOK_L2_VERBOSE=1 shows the guest kernel's log; PVHOOK_L2_APPEND adds to
# its command line.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
PATH=$PATH:/usr/sbin:/sbin

cpus=2
mem=512M
limit=1200
paths=()
mods=()
while [ $# -gt 0 ]; do
	case "$1" in
	-c) cpus=$2; shift 2 ;;
	-m) mem=$2; shift 2 ;;
	-t) limit=$2; shift 2 ;;
	-f) paths+=("$2"); shift 2 ;;
	-M) mods+=("$2"); shift 2 ;;
	--) shift; break ;;
	-h|--help) sed -n '3,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
if [ $# -eq 0 ]; then
	echo "l2-run: no command; see $0 --help" >&2
	exit 2
fi

kver=$(uname -r)
kimg=
for k in "/boot/vmlinuz-$kver" "/lib/modules/$kver/vmlinuz"; do
	[ -e "$k" ] && { kimg=$k; break; }
done
[ -n "$kimg" ] || { echo "l2-run: no kernel image for $kver" >&2; exit 1; }
[ -w /dev/kvm ] ||
	{ echo "l2-run: no usable /dev/kvm: load kvm_amd or kvm_intel" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

# add FILE...: copy into the initramfs at the same path, with the shared
# libraries an executable links.
add() {
	local f lib
	for f in "$@"; do
		mkdir -p "$root$(dirname "$f")"
		cp -a "$f" "$root$f"
		if [ ! -f "$f" ] || [ ! -x "$f" ]; then
			continue
		fi
		for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*' || true); do
			[ -e "$root$lib" ] && continue
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	done
}

# The initramfs is writable: /tmp and /run need no file system of their
# own (one over /tmp would also hide a checkout under /tmp).
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,run,root,etc}
cp /bin/busybox "$root/bin/"
for t in $(busybox --list); do
	[ -e "$root/bin/$t" ] || ln -s busybox "$root/bin/$t"
done
add /bin/bash /usr/bin/kmod
for t in insmod rmmod lsmod modprobe modinfo depmod; do
	ln -s /usr/bin/kmod "$root/sbin/$t"
done

# Modules: their files, with dependencies, and fresh indexes.
mdir=/lib/modules/$kver
mkdir -p "$root$mdir"
cp "$mdir"/modules.order "$mdir"/modules.builtin* "$root$mdir/" 2>/dev/null || true
for m in "${mods[@]}"; do
	for f in $(modprobe -S "$kver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }'); do
		add "$f"
	done
done
depmod -b "$root" "$kver"

# The checkout's paths, and the command if it is one of its files.
cd "$top"
for p in "${paths[@]}" "$1"; do
	[ -e "$p" ] || continue
	p=$(realpath -s "$p")
	add "$p"
	[ -d "$p" ] || continue
	# The libraries of the executables in it.
	while IFS= read -r -d '' f; do add "$f"; done < <(find "$p" -type f -perm -u+x -print0)
done
mkdir -p "$root$top"

cmd=$(printf '%q ' "$@")
cat >"$root/init" <<EOF
#!/bin/bash
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
exec </dev/null >/dev/hvc0 2>&1
cd $(printf '%q' "$top")
$cmd
echo "@@l2-run-status \$?"
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . -print0 | busybox cpio -o -H newc -0 2>/dev/null) >"$tmp/initrd"

append="panic=-1 rdinit=/init ${PVHOOK_L2_APPEND:-}"
serial=()
if [ -n "${PVHOOK_L2_VERBOSE:-}" ]; then
	# The kernel's log on a serial port, printed when the guest ends.
	append+=" console=ttyS0 earlyprintk=serial,ttyS0,115200 loglevel=7"
	serial=(-serial "file:$tmp/serial")
else
	append+=" console=hvc0 quiet"
fi

con=stdio,id=con,signal=off
vcon=virtconsole,chardev=con
qemu=(qemu-system-x86_64 -name l2 -accel kvm -cpu host -smp "$cpus"
      -m "$mem" -nodefaults -no-user-config -display none -no-reboot
      -kernel "$kimg" -initrd "$tmp/initrd" -append "$append"
      -chardev "$con"
      -device virtio-serial-pci -device "$vcon" "${serial[@]}")

echo "l2-run: $kver, $cpus vCPUs, $mem, initramfs $(($(stat -c %s "$tmp/initrd") >> 20)) MiB" >&2
start=$SECONDS
set +e
timeout --foreground -k 10 "$limit" "${qemu[@]}" </dev/null |
	sed -u 's/\r$//' | tee "$tmp/console" |
	grep --line-buffered -v '^@@l2-run-status '
rc=${PIPESTATUS[0]}
set -e
if [ -n "${PVHOOK_L2_VERBOSE:-}" ] && [ -e "$tmp/serial" ]; then
	sed 's/\r$//; s/^/l2-run: serial: /' "$tmp/serial" >&2
fi
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "l2-run: the guest did not finish in $limit s" >&2
	rc=124
elif [ "$rc" != 0 ]; then
	echo "l2-run: qemu failed ($rc)" >&2
else
	status=$(sed -n 's/^@@l2-run-status //p' "$tmp/console" | tail -n1)
	if [ -z "$status" ]; then
		echo "l2-run: the guest ended without the command's status" >&2
		rc=1
	else
		rc=$status
	fi
fi
echo "l2-run: exit status $rc after $((SECONDS - start)) s" >&2
exit "$rc"
