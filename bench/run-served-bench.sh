#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Round trip of a hypercall answered by a host process through pvhook,
# against stock KVM's exit to the VMM's own thread (KVM_HC_MAP_GPA_RANGE
# with KVM_CAP_EXIT_HYPERCALL), side by side in one run (served_bench).
# Run on a KVM test host as root, through scripts/run-bench.sh served.
# Prints every measurement pair, the medians and the median of the
# per-pair ratios served/exit; the last line, "result: ...", is for
# scripts/run-bench.sh. Not a pass/fail test.
#
# usage: run-served-bench.sh MODULE_DIR [ROUNDS [CALLS]]
set -euo pipefail

dir=${1:?usage: run-served-bench.sh MODULE_DIR [ROUNDS [CALLS]]}
rounds=${2:-5}
calls=${3:-5000}
bench="$(cd "$(dirname "$0")/.." && pwd)/selftests/out/served_bench"
out=/tmp/pvhook-served-bench.txt

if grep -qw svm /proc/cpuinfo; then modprobe kvm_amd; else modprobe kvm_intel; fi
rmmod pvhook 2>/dev/null || true
insmod "$dir/pvhook.ko"

{
echo "# $(uname -r), $rounds runs of 2 pairs of $calls calls; ns per call"
for r in $(seq "$rounds"); do
	"$bench" "$calls"
done
} | tee "$out"
rmmod pvhook

awk -F'[= ]' 'function median(v, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
/^exit_ns/ { n++; e[n] = $2; s[n] = $4; r[n] = $4 / $2 }
END {
	printf "median ns/call: exit=%.1f served=%.1f\n", median(e, n), median(s, n)
	printf "median of per-pair ratios: served/exit=%.3f (%d pairs)\n", median(r, n), n
	printf "result: served/exit=%.3f pairs=%d calls=%d cpus=%d\n", median(r, n), n, calls, cpus
}' calls="$calls" cpus="$(nproc)" "$out"
