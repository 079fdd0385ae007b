#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmarks, each in a test VM booted for it (scripts/vm-run.sh).
#
#   run-bench.sh [-k KVER]... [--quick] [--json FILE]
#       make bench: the whole table on each test kernel (default: all of
#       $PVHOOK_HOST_TEST_KERNELS $PVHOOK_TEST_KERNELS): the hypercall
#       ratios (hc), the process-served round trip on one and on two CPUs
#       (served), and the guest module's notify mode (guest). Prints the
#       table and writes it as JSON (default: build/bench/bench.json) with
#       the kernel, measure, ratio, target, sizes, command and commit of
#       every row. --quick: fewer rounds, for a smoke run.
#   run-bench.sh [-k KVER] hc [ROUNDS [CALLS [MODULE_DIR2]]]
#       bench/run-bench.sh: pvhook's cost on hypercalls, with one CPU
#       (fewer interruptions of the measuring vCPU); MODULE_DIR2, another
#       build of the modules, is measured side by side
#   run-bench.sh [-k KVER] served [-c CPUS] [ROUNDS [CALLS]]
#       bench/run-served-bench.sh, a process-served hypercall against
#       KVM's exit to the VMM (default two CPUs: vCPU and server thread)
#   run-bench.sh [-k KVER] guest [ROUNDS [ITERATIONS]]
#       bench/guest_bench.sh in a Linux guest of the test host: the guest
#       module's modes against unhooked, and a ring record against a
#       hypercall per record
#
# Under TCG only ratios measured side by side in one run mean anything;
# where the runner uses KVM, the table also gives nanoseconds per call.
set -euo pipefail
. "$(dirname "$0")/lib/config.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

kernels=()
json=build/bench/bench.json
quick=0
while [ $# -gt 0 ]; do
	case "$1" in
	-k) kernels+=("$2"); shift 2 ;;
	--json) json=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	-h|--help)
		sed -n '/^# The benchmarks/,/^# where the runner/p' "$0" | sed 's/^# \{0,1\}//'
		exit 0 ;;
	*) break ;;
	esac
done
mode=${1:-table}
[ $# -gt 0 ] && shift

# The benchmarks, each in its own test VM, for kernel $kver.
run_hc() {
	scripts/vm-run.sh -k "$kver" -c 1 -t 3000 -- \
		bench/run-bench.sh "build/$kver" "$@"
}
run_served() {
	local cpus=2
	if [ "${1:-}" = -c ]; then cpus=$2; shift 2; fi
	scripts/vm-run.sh -k "$kver" -c "$cpus" -t 3000 -- \
		bench/run-served-bench.sh "build/$kver" "$@"
}
run_guest() {
	# See scripts/run-guest-tests.sh for why this CPU model.
	PVHOOK_TCG_CPU=${PVHOOK_TCG_CPU:-qemu64,+svm,+npt} \
		scripts/vm-run.sh -k "$kver" -c 1 -t 3000 -- \
		bench/run-guest-bench.sh "build/$kver" "$@"
}

case "$mode" in
hc|served|guest)
	[ "${#kernels[@]}" -le 1 ] || { echo "run-bench: one -k for $mode" >&2; exit 2; }
	kver=${kernels[0]:-$KVER_612}
	scripts/build-modules.sh "$kver"
	make -s -C selftests
	"run_$mode" "$@"
	exit ;;
table) ;;
*) echo "run-bench: unknown benchmark $mode (hc, served, guest)" >&2; exit 2 ;;
esac

# The table: every benchmark on every kernel, each log in build/bench/.
[ "${#kernels[@]}" -gt 0 ] ||
	read -ra kernels <<<"$PVHOOK_HOST_TEST_KERNELS $PVHOOK_TEST_KERNELS"
if [ "$quick" = 1 ]; then
	hc=(5 5000) served=(3 2000) guest=(5 100)
else
	hc=(21 20000) served=(11 5000) guest=(31 200)
fi
scripts/build-modules.sh "${kernels[@]}"
make -s -C selftests
mkdir -p build/bench "$(dirname "$json")"
logs=()
for kver in "${kernels[@]}"; do
	for run in hc served1 served2 guest; do
		log=build/bench/$kver-$run.log
		case $run in
		hc)      args=(hc "${hc[@]}") ;;
		served1) args=(served -c 1 "${served[@]}") ;;
		served2) args=(served -c 2 "${served[@]}") ;;
		guest)   args=(guest "${guest[@]}") ;;
		esac
		cmd="scripts/run-bench.sh -k $kver ${args[*]}"
		echo "=== $cmd"
		"run_${args[0]}" "${args[@]:1}" 2>&1 | tee "$log" |
			grep -E '^(result|median|ratio|count|notify|vm-run)' || true
		echo "command: $cmd" >>"$log"
		logs+=("$kver" "$run" "$log")
	done
done
python3 scripts/lib/bench_table.py --json "$json" \
	--commit "$(git rev-parse HEAD)$(git diff --quiet HEAD || echo -dirty)" "${logs[@]}"
