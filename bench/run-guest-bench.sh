#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run bench/guest_bench.sh in a Linux guest (L2) of this KVM test host (L1)
# with pvhook.ko loaded. Run on a test host as root, through
# scripts/run-bench.sh guest. Not a pass/fail test.
#
# usage: run-guest-bench.sh MODULE_DIR [ROUNDS [ITERATIONS]]
set -euo pipefail

dir=${1:?usage: run-guest-bench.sh MODULE_DIR [ROUNDS [ITERATIONS]]}
shift
top=$(cd "$(dirname "$0")/.." && pwd)

if grep -qw svm /proc/cpuinfo; then modprobe kvm_amd; else modprobe kvm_intel; fi
rmmod pvhook 2>/dev/null || true
insmod "$dir/pvhook.ko"
"$top/scripts/l2-run.sh" -t 2400 -c "${PVHOOK_L2_CPUS:-2}" \
	-m "${PVHOOK_L2_MEM:-512M}" -f "$top/bench" -f "$top/selftests/out" \
	-f "$dir/guest/pvhook_guest.ko" -f "$dir/bench/modules/pvg_op_bench.ko" \
	-- "$top/bench/guest_bench.sh" "$dir" "$@" \
	</dev/null
rmmod pvhook
