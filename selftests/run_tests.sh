#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the pvhook selftests on a KVM host, as root, and print KTAP.
# This changes the host's module state (kvm, pvhook): run it only on a test
# host booted for the purpose, e.g. through scripts/vm-run.sh.
#
# usage: run_tests.sh MODULE_DIR
#   MODULE_DIR holds pvhook.ko and selftests/modules/pvhook_test_hc.ko built
#   for the running kernel (scripts/build-modules.sh: build/$(uname -r)).
set -u

dir=${1:?usage: run_tests.sh MODULE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
ko=$dir/pvhook.ko
test_ko=$dir/selftests/modules/pvhook_test_hc.ko
. "$here/lib/ktap.sh"

if [ "$(id -u)" != 0 ] || [ ! -e "$ko" ] || [ ! -e "$test_ko" ]; then
	echo "run_tests: need root, $ko and $test_ko" >&2
	exit 2
fi

# subtest CMD...: run a kselftest program, its KTAP indented as a subtest;
# returns the program's exit status.
subtest() {
	"$@" 2>&1 | sed 's/^/# /'
	return "${PIPESTATUS[0]}"
}

# run_prog NAME CMD...: a subtest that is one top-level test.
run_prog() {
	local name=$1
	shift
	subtest "$@"
	result $? "$name"
}

vendor_module() {
	if grep -qw svm /proc/cpuinfo; then echo kvm_amd; else echo kvm_intel; fi
}

kvm_refcnt() { cat /sys/module/kvm/refcnt 2>/dev/null || echo none; }

traced_kvm_funcs() {
	grep -c -e 'kvm_emulate_hypercall' -e 'kvm_arch_destroy_vm' \
		/sys/kernel/tracing/enabled_functions 2>/dev/null
}

test_load_fails_without_kvm() {
	local log
	rmmod kvm_amd kvm_intel kvm 2>/dev/null
	if [ -e /sys/module/kvm ]; then
		note "kvm is still loaded"
		return 1
	fi
	dmesg -C
	if insmod "$ko" 2>/dev/null; then
		note "insmod succeeded without KVM"
		rmmod pvhook
		return 1
	fi
	# The module loader's own taint notices are not pvhook's to print.
	log=$(dmesg | grep 'pvhook' | grep -v -e 'taints kernel' -e 'module verification failed')
	note "kernel log: $log"
	[ -e /sys/module/pvhook ] && { note "pvhook left behind"; return 1; }
	[ "$(grep -c . <<<"$log")" = 1 ] || { note "want exactly one line"; return 1; }
	grep -q 'pvhook: KVM is not loaded' <<<"$log"
}

test_load() {
	modprobe "$VENDOR" || return 1
	KVM_REFCNT=$(kvm_refcnt)
	insmod "$ko" || return 1
	dmesg | grep 'pvhook: ABI' | sed 's/^/# /'
	[ "$(traced_kvm_funcs)" = 2 ] || { note "KVM's hypercall and VM destruction functions are not both hooked"; return 1; }
}

test_unload_restores_kvm() {
	rmmod pvhook || return 1
	[ ! -e /sys/module/pvhook ] || return 1
	[ "$(kvm_refcnt)" = "$KVM_REFCNT" ] ||
		{ note "kvm refcnt $(kvm_refcnt), was $KVM_REFCNT"; return 1; }
	[ "$(traced_kvm_funcs)" = 0 ] ||
		{ note "KVM functions are still hooked"; return 1; }
}

test_module_hc() {
	local rc=0
	insmod "$test_ko" || return 1
	subtest "$out/module_hc_test" || rc=1
	rmmod pvhook_test_hc || rc=1
	PVHOOK_TEST_ABSENT=1 subtest "$out/module_hc_test" || rc=1
	return $rc
}

# While pvhook is loaded, ftrace cannot be turned off (it would silence
# the VM destruction callback and leave destroyed VMs in pvhook's table);
# while ftrace is off, pvhook refuses to load, with one clear line. A
# kernel that never lets ftrace be turned off (7.3 answers EOPNOTSUPP
# without pvhook too) has nothing to guard: noted. pvhook is loaded again
# on every path, for the tests after this one.
test_ftrace_stays_on() {
	local f=/proc/sys/kernel/ftrace_enabled rc=0 mark err
	if echo 0 >"$f" 2>/dev/null; then
		note "kernel.ftrace_enabled=0 accepted while pvhook is loaded"
		rc=1
	fi
	[ "$(cat "$f")" = 1 ] || { note "ftrace_enabled is $(cat "$f")"; echo 1 >"$f"; rc=1; }
	rmmod pvhook || return 1
	if ! err=$( (echo 0 >"$f") 2>&1); then
		note "this kernel does not turn ftrace off, pvhook or not: ${err##*: }"
	else
		mark="pvhook ftrace test $RANDOM"
		echo "$mark" >/dev/kmsg
		if insmod "$ko" 2>/dev/null; then
			note "pvhook loaded with ftrace off"
			rmmod pvhook
			rc=1
		fi
		[ ! -e /sys/module/pvhook ] || { note "pvhook left behind"; rc=1; }
		dmesg | sed -n "/$mark/,\$p" | grep -q 'pvhook: .*ftrace is off' ||
			{ note "no message that ftrace is off"; rc=1; }
		echo 1 >"$f"
	fi
	insmod "$ko" || return 1
	[ "$(traced_kvm_funcs)" = 2 ] || { note "not hooked after ftrace came back"; rc=1; }
	return $rc
}

# The fuzzer of hostile callers; then pvhook must unload (no file of it
# left open) and leave KVM's reference count as before it was loaded, and
# loads again for the tests after this one.
test_reload() { insmod "$ko" && rmmod pvhook; }

test_ioctl_fuzz() {
	local before rc=0
	before=$(kvm_refcnt)
	subtest "$out/ioctl_fuzz" || rc=1
	[ "$(kvm_refcnt)" = "$before" ] ||
		{ note "kvm refcnt $(kvm_refcnt) after the fuzz, was $before"; rc=1; }
	rmmod pvhook || { note "rmmod pvhook failed after the fuzz"; return 1; }
	[ "$(kvm_refcnt)" = "$KVM_REFCNT" ] ||
		{ note "kvm refcnt $(kvm_refcnt) without pvhook, was $KVM_REFCNT"; rc=1; }
	[ "$(traced_kvm_funcs)" = 0 ] || { note "KVM functions are still hooked"; rc=1; }
	insmod "$ko" || return 1
	[ "$(traced_kvm_funcs)" = 2 ] || { note "not hooked again after reload"; rc=1; }
	return $rc
}

[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing
VENDOR=$(vendor_module)
KVM_REFCNT=none
# Debug kernels (scripts/run-debug-tests.sh) also get a leak scan.
KMEMLEAK=0
have_kmemleak && KMEMLEAK=1

# The tests in order: "NAME COMMAND..." (run_prog NAME COMMAND... when
# COMMAND is a program, else COMMAND's status is the result).
# PVHOOK_SELFTESTS="NAME..." runs those alone (the debug kernel's part of
# make check: scripts/run-debug-tests.sh --ci); load, the unload and the
# log scan always run.
tests=(
	"load_fails_without_kvm test_load_fails_without_kvm"
	"absent_before_load prog $out/absent_test"
	"load test_load"
	"hypercall prog $out/hypercall_test"
	"trace prog $out/trace_test"
	"module_hypercalls test_module_hc"
	"uapi prog $out/uapi_test"
	"policy prog $out/policy_test"
	"served_by_process prog $out/served_test"
	"events prog $out/events_test"
	"records prog $out/records_test"
	"hardening prog env PVHOOK_TEST_KO=$test_ko $out/hardening_test"
	"ftrace_stays_on test_ftrace_stays_on"
	"guest_fuzz prog $out/guest_fuzz"
	"ioctl_fuzz test_ioctl_fuzz"
	"pvhookctl prog $here/pvhook/pvhookctl_test.sh $here/../tools/pvhookctl/pvhookctl $out/vmm_stub"
	"load_unload_20_while_calling prog env PVHOOK_KO=$ko $out/load_unload_test"
	"unload_restores_kvm test_unload_restores_kvm"
	"absent_after_unload prog $out/absent_test"
	"reload test_reload"
)
always=" load unload_restores_kvm "
only=${PVHOOK_SELFTESTS:-}
if [ -n "$only" ]; then
	for name in $only; do
		printf '%s\n' "${tests[@]}" | grep -q "^$name " ||
			{ echo "run_tests: no test $name" >&2; exit 2; }
	done
fi
selected=()
for t in "${tests[@]}"; do
	name=${t%% *}
	if [ -z "$only" ] || [[ " $only " == *" $name "* ]] || [[ "$always" == *" $name "* ]]; then
		selected+=("$t")
	fi
done
PLAN=$((${#selected[@]} + KMEMLEAK + 1))

echo "TAP version 13"
echo "1..$PLAN"
note "pvhook selftests on $(uname -r), $VENDOR${only:+ (only: $only)}"

modprobe "$VENDOR"
for t in "${selected[@]}"; do
	read -ra cmd <<<"$t"
	name=${cmd[0]}
	start=$SECONDS
	if [ "${cmd[1]}" = prog ]; then
		run_prog "$name" "${cmd[@]:2}"
	else
		"${cmd[1]}"
		result $? "$name"
	fi
	note "$name took $((SECONDS - start)) s"
	# Without KVM, the next test (absent_before_load) needs it back.
	[ "$name" = load_fails_without_kvm ] && modprobe "$VENDOR"
done
[ "$KMEMLEAK" = 1 ] && { kmemleak_clean; result $? kmemleak_clean; }
kernel_log_clean; result $? kernel_log_clean
[ "$n" = "$PLAN" ] || result 1 "plan_complete"

ktap_totals
[ "$fail" = 0 ]
