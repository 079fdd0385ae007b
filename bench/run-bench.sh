#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hypercall round-trip benchmark, run on a KVM test host as root (through
# scripts/run-bench.sh). In each round, on the same host and in one run:
#   a) KVM's no-op hypercall (KVM_HC_VAPIC_POLL_IRQ), pvhook.ko not loaded
#   b) the same, pvhook.ko loaded          (what pvhook costs everyone else)
#   c) PVHOOK_HC_PING, pvhook.ko loaded, on a VM attached with a policy (an
#      allow list and a rate limit), statistics on, the trace event off
#      (pvhook's own path, as a host operator would run it)
#   d) c with 63 other VMs known to pvhook and every module-range number
#      registered (bench/modules/pvhook_bench_hc.ko)
# and, given a second module directory (another build of pvhook.ko, to
# compare two versions side by side), b2, c2 and d2 with that module.
# Prints each round, the medians, the medians of the per-round ratios to
# a, and of d/c; the last line, "result: ...", is for scripts/run-bench.sh.
# Not a pass/fail test.
#
# usage: run-bench.sh MODULE_DIR [ROUNDS [CALLS [MODULE_DIR2]]]
set -euo pipefail

dir=${1:?usage: run-bench.sh MODULE_DIR [ROUNDS [CALLS [MODULE_DIR2]]]}
rounds=${2:-11}
calls=${3:-20000}
dir2=${4:-}
bench="$(cd "$(dirname "$0")/.." && pwd)/selftests/out/hc_bench"
. "$(dirname "$0")/../selftests/lib/uapi.sh"
ping=$(($(uapi_hc PING)))
out=/tmp/pvhook-bench.txt

if grep -qw svm /proc/cpuinfo; then modprobe kvm_amd; else modprobe kvm_intel; fi
rmmod pvhook 2>/dev/null || true

# One measurement: a short discarded run first, so that every measurement
# starts from the same state after the module was loaded or unloaded (text
# patching makes the emulator translate KVM's code anew).
# ns [OPTION...] NR: hc_bench's time per call
ns() {
	"$bench" "$@" 2000 0 >/dev/null
	"$bench" "$@" "$calls" 0 | sed -n 's/^ns_per_call=\([0-9.]*\).*/\1/p'
}
load() { insmod "$1/pvhook.ko"; sleep 1; }
unload() { rmmod pvhook; sleep 1; }

# measure_loaded DIR: prints "b c d" for that module, load to unload.
measure_loaded() {
	local b c d
	load "$1"
	if [ $((r % 2)) = 1 ]; then
		b=$(ns 1); c=$(ns --attach "$ping")
	else
		c=$(ns --attach "$ping"); b=$(ns 1)
	fi
	insmod "$1/bench/modules/pvhook_bench_hc.ko"
	d=$(ns --attach --vms 64 "$ping")
	rmmod pvhook_bench_hc
	unload
	echo "$b $c $d"
}

{
echo "# $(uname -r), $rounds rounds of $calls calls; ns per call"
echo "# modules: $dir${dir2:+ (b, c) and $dir2 (b2, c2)}"
echo "round a b c d${dir2:+ b2 c2 d2}"
# Odd rounds measure a first and even rounds last, and the order of the
# rest flips too, so that a slow drift of the machine's speed favours none.
for r in $(seq "$rounds"); do
	if [ $((r % 2)) = 1 ]; then
		a=$(ns 1)
		m1=$(measure_loaded "$dir")
		m2=${dir2:+$(measure_loaded "$dir2")}
	else
		m2=${dir2:+$(measure_loaded "$dir2")}
		m1=$(measure_loaded "$dir")
		a=$(ns 1)
	fi
	echo "$r $a $m1 $m2"
done
} | tee "$out"

awk 'function median(v, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
$1 == "round" { for (k = 2; k <= NF; k++) name[k] = $k; cols = NF; next }
/^#/ { next }
{
	n++
	for (k = 2; k <= cols; k++) { v[k, n] = $k; rt[k, n] = $k / $2 }
}
END {
	line = "median ns/call:"
	for (k = 2; k <= cols; k++) {
		for (i = 1; i <= n; i++) t[i] = v[k, i]
		line = line sprintf(" %s=%.1f", name[k], median(t, n))
	}
	print line
	line = "median of per-round ratios:"
	res = "result:"
	for (k = 3; k <= cols; k++) {
		for (i = 1; i <= n; i++) t[i] = rt[k, i]
		r = sprintf(" %s/a=%.3f", name[k], median(t, n))
		line = line r
		res = res r
		# d/c: what 64 VMs and a full table of numbers cost
		if (name[k] ~ /^d/) {
			for (i = 1; i <= n; i++) t[i] = v[k, i] / v[k - 1, i]
			r = sprintf(" %s/%s=%.3f", name[k], name[k - 1], median(t, n))
			line = line r
			res = res r
		}
	}
	print line
	printf "%s rounds=%d calls=%d\n", res, n, calls
}' calls="$calls" "$out"
