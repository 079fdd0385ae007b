#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hypercall round-trip benchmark, run on a KVM test host as root (through
# scripts/run-bench.sh). In each round, on the same host and in one run:
#   a) KVM's no-op hypercall (KVM_HC_VAPIC_POLL_IRQ), pvhook.ko not loaded
#   b) the same, pvhook.ko loaded          (what pvhook costs everyone else)
#   c) PVHOOK_HC_PING, pvhook.ko loaded    (pvhook's own path)
# Prints each round, the medians, and the medians of the per-round ratios
# b/a and c/a. Not a pass/fail test.
#
# usage: run-bench.sh MODULE_DIR [ROUNDS [CALLS]]
set -euo pipefail

dir=${1:?usage: run-bench.sh MODULE_DIR [ROUNDS [CALLS]]}
rounds=${2:-11}
calls=${3:-20000}
bench="$(cd "$(dirname "$0")/.." && pwd)/selftests/out/hc_bench"
ping=$(printf '%d' 0x70760002)	# PVHOOK_HC_PING

if grep -qw svm /proc/cpuinfo; then modprobe kvm_amd; else modprobe kvm_intel; fi
rmmod pvhook 2>/dev/null || true

# One measurement: a short discarded run first, so that every measurement
# starts from the same state after the module was loaded or unloaded (text
# patching makes the emulator translate KVM's code anew).
ns() {
	"$bench" "$1" 2000 0 >/dev/null
	"$bench" "$1" "$calls" 0 | sed -n 's/^ns_per_call=\([0-9.]*\).*/\1/p'
}
load() { insmod "$dir/pvhook.ko"; sleep 1; }
unload() { rmmod pvhook; sleep 1; }

echo "# $(uname -r), $rounds rounds of $calls calls; ns per call"
echo "round a_kvm_unloaded b_kvm_loaded c_ping"
# Odd rounds measure a, b, c and even rounds c, b, a, so that a slow drift
# of the machine's speed does not favour one of them.
for r in $(seq "$rounds"); do
	if [ $((r % 2)) = 1 ]; then
		a=$(ns 1)
		load
		b=$(ns 1)
		c=$(ns "$ping")
		unload
	else
		load
		c=$(ns "$ping")
		b=$(ns 1)
		unload
		a=$(ns 1)
	fi
	echo "$r $a $b $c"
done | tee /tmp/pvhook-bench.txt

awk 'function median(v, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
NR > 1 { n++; a[n] = $2; b[n] = $3; c[n] = $4; ba[n] = $3 / $2; ca[n] = $4 / $2 }
END {
	printf "median ns/call: a=%.1f b=%.1f c=%.1f\n", median(a, n), median(b, n), median(c, n)
	printf "median of per-round ratios: b/a=%.3f c/a=%.3f\n", median(ba, n), median(ca, n)
}' /tmp/pvhook-bench.txt
