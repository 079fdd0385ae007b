#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a test kernel with virtme-ng and run a command inside it, as root, with
# this checkout as the working directory. The guest is our KVM test host: it
# has SVM or VMX, so it can load kvm_amd or kvm_intel and run VMs itself.
#
#   scripts/vm-run.sh [-k KVER] [-c CPUS] [-m MEM] [-t SECONDS] [--] CMD [ARG...]
#   scripts/vm-run.sh [-k KVER]              an interactive shell
#
# Acceleration: KVM when this machine's /dev/kvm boots a standard kernel and
# offers nested virtualization; otherwise QEMU's TCG with an emulated AMD CPU
# (SVM with nested paging), which is slower but real.
# PVHOOK_ACCEL=kvm|tcg overrides the probe. -m sets the memory (default 2G).
# PVHOOK_TCG_CPU sets QEMU's CPU model under TCG (default max); a test host
# that runs a Linux guest itself needs one without la57 (see
# scripts/run-guest-tests.sh). PVHOOK_TCG_THREAD=multi runs TCG
# multi-threaded, each vCPU on its own host thread, with the QEMU 10.0 of
# scripts/setup-qemu10.sh (QEMU 7.2's raced kernel text patching).
set -euo pipefail
. "$(dirname "$0")/lib/config.sh"
top=$(cd "$(dirname "$0")/.." && pwd)

kver=${KVER_612}
cpus=2
mem=2G
limit=0
while [ $# -gt 0 ]; do
	case "$1" in
	-k) kver=$2; shift 2 ;;
	-c) cpus=$2; shift 2 ;;
	-m) mem=$2; shift 2 ;;
	-t) limit=$2; shift 2 ;;
	--) shift; break ;;
	-h|--help) sed -n '3,/^set /{/^#/p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done

kernel_image() {
	local k
	for k in "/boot/vmlinuz-$1" "/lib/modules/$1/vmlinuz"; do
		[ -e "$k" ] && { echo "$k"; return; }
	done
	echo "vm-run: no kernel image for $1; run scripts/setup.sh" >&2
	exit 1
}

# Does KVM here boot a standard kernel, with nested virtualization on?
kvm_usable() {
	local nested
	[ -w /dev/kvm ] || return 1
	nested=$(cat /sys/module/kvm_intel/parameters/nested \
		     /sys/module/kvm_amd/parameters/nested 2>/dev/null | head -n1)
	case "$nested" in Y|1) ;; *) return 1 ;; esac
	timeout 60 qemu-system-x86_64 -accel kvm -cpu host -m 256 -nodefaults \
		-display none -serial stdio -no-reboot -kernel "$1" \
		-append "console=ttyS0 panic=-1" </dev/null 2>/dev/null |
		grep -a -m1 -q 'Linux version'
}

kimg=$(kernel_image "$kver")
accel=${PVHOOK_ACCEL:-}
if [ -z "$accel" ]; then
	if kvm_usable "$kimg"; then accel=kvm; else accel=tcg; fi
fi

args=(-r "$kimg" --cpus "$cpus" --memory "$mem")
[ -n "${PVHOOK_VM_VERBOSE:-}" ] && args+=(--verbose)
if [ "$accel" = kvm ]; then
	args+=(--qemu-opts="-cpu host")
else
	thread=${PVHOOK_TCG_THREAD:-single}
	case "$thread" in
	single) ;;
	multi)
		q10=$PVHOOK_CACHE/qemu10/bin
		[ -x "$q10/qemu-system-x86_64" ] ||
			{ echo "vm-run: no QEMU 10; run scripts/setup-qemu10.sh" >&2; exit 1; }
		PATH=$q10:$PATH ;;
	*) echo "vm-run: PVHOOK_TCG_THREAD is single or multi" >&2; exit 2 ;;
	esac
	args+=(--disable-kvm
	       --qemu-opts="-cpu ${PVHOOK_TCG_CPU:-max} -accel tcg,thread=$thread")
fi

echo "vm-run: $kver under $accel" >&2
cd "$top"
if [ $# -eq 0 ]; then
	exec vng "${args[@]}"
fi
cmd=$(printf '%q ' "$@")
if [ "$limit" -gt 0 ]; then
	# Not --foreground: vng runs QEMU through a shell and virtme-run, and
	# only a signal to the whole process group reaches QEMU. With
	# --foreground a stalled VM outlived its limit and held the caller's
	# pipe open for good. In its own group QEMU must not read the
	# terminal (SIGTTIN), so its input is /dev/null.
	exec timeout -k 10 "$limit" vng "${args[@]}" -e "$cmd" </dev/null
fi
exec vng "${args[@]}" -e "$cmd"
