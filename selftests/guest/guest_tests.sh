#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest module's tests. Runs as root inside a Linux guest (L2) of a KVM
# host (L1) running pvhook.ko, booted for the purpose by
# selftests/guest/e2e.sh, and prints KTAP. The host side attaches to this
# guest (selftests/guest/host_agent.c): it keeps pvhook off until the
# guest's first probe, then turns it on, and counts the records it gets.
# This script ends with the guest's own totals of records the host took,
# one line per slot, which e2e.sh compares with the host's:
#   pvhook-e2e: slot=OP ring=N sync=N
#
# usage: guest_tests.sh MODULE_DIR   (MODULE_DIR/guest/pvhook_guest.ko)
set -u

dir=${1:?usage: guest_tests.sh MODULE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
storm=$here/../out/tlb_storm
ko=$dir/guest/pvhook_guest.ko
G=/sys/kernel/pvhook_guest
PLAN=11
. "$here/../lib/ktap.sh"

# PVHOOK_OP_* numbers, as in include/uapi/linux/pvhook.h
SLOTS=(flush_tlb_user flush_tlb_kernel flush_tlb_one_user flush_tlb_multi
       exit_mmap enter_mmap io_delay lock_kick lock_wait safe_halt halt)
declare -A RING SYNC

slot_get() { cat "$G/slots/$1/$2"; }	# slot_get SLOT FILE
set_mode() {				# set_mode MODE SLOT...
	local mode=$1 s
	shift
	for s in "$@"; do
		echo "$mode" >"$G/slots/$s/mode" ||
			{ note "cannot set $s to $mode"; return 1; }
	done
}

# The slots this kernel lets us hook, and the TLB ones among them; set by
# test_slots_reported.
SUPPORTED=()
HOT=()

test_refused_without_pvhook() {
	local log
	dmesg -c >/dev/null
	if insmod "$ko" 2>/dev/null; then
		note "loaded although the host had pvhook off for this VM"
		rmmod pvhook_guest
		return 1
	fi
	log=$(dmesg | grep pvhook_guest | grep -v -e 'taints kernel' -e 'module verification failed')
	note "kernel log: $log"
	[ ! -e /sys/module/pvhook_guest ] || { note "left behind"; return 1; }
	[ "$(grep -c . <<<"$log")" = 1 ] || { note "want exactly one line"; return 1; }
	grep -q 'the host does not offer pvhook' <<<"$log"
}

# The host agent turns pvhook on once it saw the refused probe.
test_load() {
	local i
	for i in $(seq 180); do
		insmod "$ko" 2>/dev/null && break
		sleep 1
	done
	[ -d "$G" ] || { note "not loaded after $i tries"; return 1; }
	dmesg | grep 'pvhook_guest:' | sed 's/^/# /'
	note "host ABI $(cat $G/host_abi), features $(cat $G/host_features), rings $(cat $G/rings)"
	[ "$(cut -d. -f1 $G/host_abi)" = 1 ] || return 1
	[ "$(cat $G/rings)" = "$(nproc)" ] || { note "want a ring per CPU"; return 1; }
}

test_slots_reported() {
	local s rc=0
	for s in "${SLOTS[@]}"; do
		note "$s: $(slot_get "$s" supported), target $(slot_get "$s" target)"
		if [ "$(slot_get "$s" supported)" != yes ]; then
			# Refused with an error, and nothing attached.
			if echo count >"$G/slots/$s/mode" 2>/dev/null; then
				note "$s: unsupported but accepted count mode"
				rc=1
			fi
			[ "$(slot_get "$s" attached)" = 0 ] || rc=1
			continue
		fi
		SUPPORTED+=("$s")
		case $s in flush_tlb_*) HOT+=("$s") ;; esac
	done
	note "TLB slots hooked in the following tests: ${HOT[*]}"
	# These must be hookable on every kernel pvhook supports.
	for s in flush_tlb_user flush_tlb_one_user flush_tlb_multi; do
		[ "$(slot_get "$s" supported)" = yes ] || { note "$s unsupported"; rc=1; }
	done
	return $rc
}

declare -A CALLS0 REC0 DROP0 CALLS REC DROP
snap0() { local s; for s in "${HOT[@]}"; do
	CALLS0[$s]=$(slot_get "$s" calls); REC0[$s]=$(slot_get "$s" records)
	DROP0[$s]=$(slot_get "$s" dropped); done; }
snap1() { local s; for s in "${HOT[@]}"; do
	CALLS[$s]=$(($(slot_get "$s" calls) - CALLS0[$s]))
	REC[$s]=$(($(slot_get "$s" records) - REC0[$s]))
	DROP[$s]=$(($(slot_get "$s" dropped) - DROP0[$s]))
	note "$s: calls +${CALLS[$s]} records +${REC[$s]} dropped +${DROP[$s]}"; done; }

# The operations the workload must drive on this guest.
want_calls() {
	local rc=0
	[ "${CALLS[flush_tlb_one_user]}" -gt 0 ] || rc=1
	if [ "$(nproc)" -gt 1 ] && [ "${CALLS[flush_tlb_multi]}" = 0 ]; then
		note "no remote TLB flush with $(nproc) CPUs"
		rc=1
	fi
	return $rc
}

# Every slot this kernel can hook, in count mode, under the workload.
# After a workload, the hooks of the TLB slots call their target past its
# __fentry__ call (one pass through ftrace per operation, not two), unless
# the CPU enforces IBT, where they must call the target itself.
want_callee() {
	local s callee target rc=0
	for s in "${HOT[@]}"; do
		[ "${CALLS[$s]}" -gt 0 ] || continue
		callee=$(slot_get "$s" callee)
		target=$(slot_get "$s" target)
		note "$s: hook calls $callee"
		if grep -qw ibt /proc/cpuinfo; then
			case $callee in "$target+0x0/"*) ;; *) rc=1 ;; esac
		else
			case $callee in "$target+0x0/"* | "") rc=1 ;; "$target+0x"*) ;; *) rc=1 ;; esac
		fi
	done
	return $rc
}

test_mode_count() {
	local s rc=0
	snap0
	set_mode count "${SUPPORTED[@]}" || return 1
	for s in "${SUPPORTED[@]}"; do
		[ "$(slot_get "$s" attached)" = 1 ] || { note "$s not attached"; rc=1; }
	done
	"$storm" -i 300 | sed 's/^/# /' || rc=1
	set_mode off "${SUPPORTED[@]}" || rc=1
	snap1
	for s in "${SUPPORTED[@]}"; do
		note "$s: $(slot_get "$s" calls) calls since load"
	done
	want_calls || rc=1
	want_callee || rc=1
	for s in "${SUPPORTED[@]}"; do
		[ "$(slot_get "$s" records)" = 0 ] || { note "$s: records in count mode"; rc=1; }
		[ "$(slot_get "$s" attached)" = 0 ] || { note "$s still attached"; rc=1; }
	done
	return $rc
}

# Records and sync calls must account for every call: none lost.
test_mode_records() {	# test_mode_records MODE ITERATIONS
	local mode=$1 s rc=0 op
	snap0
	set_mode "$mode" "${HOT[@]}" || return 1
	"$storm" -i "$2" | sed 's/^/# /' || rc=1
	set_mode off "${HOT[@]}" || rc=1
	echo 1 >"$G/flush"
	snap1
	want_calls || rc=1
	for s in "${HOT[@]}"; do
		if [ "${REC[$s]}" != "${CALLS[$s]}" ] || [ "${DROP[$s]}" != 0 ]; then
			note "$s: ${CALLS[$s]} calls but ${REC[$s]} records, ${DROP[$s]} dropped"
			rc=1
		fi
		op=$(slot_op "$s")
		if [ "$mode" = notify ]; then
			RING[$op]=$((${RING[$op]:-0} + REC[$s]))
		else
			SYNC[$op]=$((${SYNC[$op]:-0} + REC[$s]))
		fi
	done
	return $rc
}

slot_op() { local i; for i in "${!SLOTS[@]}"; do
	[ "${SLOTS[$i]}" = "$1" ] && echo "$i"; done; }

# Attach, detach and unload while every CPU runs the workload.
test_detach_unload_under_load() {
	local pid i rc=0
	"$storm" -i 3000 -f 50 >/dev/null &
	pid=$!
	for i in 1 2 3 4 5; do
		set_mode count "${HOT[@]}" || rc=1
		sleep 0.2
		set_mode off "${HOT[@]}" || rc=1
	done
	set_mode count "${HOT[@]}" || rc=1
	rmmod pvhook_guest || { note "rmmod failed under load"; rc=1; }
	insmod "$ko" hooks=flush_tlb_one_user:count,flush_tlb_user:count ||
		{ note "reload with hooks= failed"; rc=1; }
	[ "$(slot_get flush_tlb_one_user mode)" = count ] || rc=1
	sleep 0.5
	rmmod pvhook_guest || { note "second rmmod failed under load"; rc=1; }
	wait "$pid" || { note "the workload failed"; rc=1; }
	return $rc
}

test_bad_hooks_param() {
	local rc=0
	if insmod "$ko" hooks=no_such_slot:count 2>/dev/null; then rc=1; fi
	if insmod "$ko" hooks=flush_tlb_user:sideways 2>/dev/null; then rc=1; fi
	if insmod "$ko" ring_pages=0 2>/dev/null; then rc=1; fi
	[ ! -e /sys/module/pvhook_guest ] || { rmmod pvhook_guest; rc=1; }
	insmod "$ko" || { note "reload failed"; return 1; }
	return $rc
}

# A module loaded while a slot is hooked gets its paravirt call sites
# patched to the operation's original target, which the redirection covers:
# it must neither pin the guest module nor be left calling into it.
test_later_module() {
	local rc=0 mod=dummy
	modinfo "$mod" >/dev/null 2>&1 || { note "no $mod module to load"; return 1; }
	lsmod | grep -qw "$mod" && rmmod "$mod"
	set_mode count flush_tlb_one_user || return 1
	modprobe "$mod" || return 1
	rmmod pvhook_guest || { note "cannot unload after $mod came"; rc=1; }
	"$storm" -i 50 >/dev/null || rc=1
	rmmod "$mod" || rc=1
	return $rc
}

if [ "$(id -u)" != 0 ] || [ ! -e "$ko" ] || [ ! -x "$storm" ]; then
	echo "guest_tests: need root, $ko and $storm" >&2
	exit 2
fi

echo "TAP version 13"
echo "1..$PLAN"
note "pvhook guest tests on $(uname -r), $(nproc) CPUs"

test_refused_without_pvhook; result $? refused_without_pvhook
test_load; result $? load
test_slots_reported; result $? slots_reported
test_mode_count; result $? mode_count
test_detach_unload_under_load; result $? detach_and_unload_under_load
test_bad_hooks_param; result $? bad_parameters_refused
test_mode_records notify 300; result $? mode_notify
test_mode_records sync 100; result $? mode_sync
for i in "${!SLOTS[@]}"; do
	echo "pvhook-e2e: slot=$i ring=${RING[$i]:-0} sync=${SYNC[$i]:-0}"
done
test_later_module; result $? module_loaded_while_hooked
[ ! -e /sys/module/pvhook_guest ]; result $? unloaded
kernel_log_clean; result $? kernel_log_clean
[ "$n" = "$PLAN" ] || result 1 "plan_complete"

ktap_totals
[ "$fail" = 0 ]
