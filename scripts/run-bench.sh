#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build, then run a benchmark in a test VM:
#   run-bench.sh [-k KVER] [ROUNDS [CALLS [MODULE_DIR2]]]
#       bench/run-bench.sh, pvhook's cost on hypercalls, with one CPU
#       (fewer interruptions of the measuring vCPU)
#   run-bench.sh [-k KVER] served [ROUNDS [CALLS]]
#       bench/run-served-bench.sh, a process-served hypercall against
#       KVM's exit to the VMM, with two CPUs (vCPU and server thread)
#   run-bench.sh [-k KVER] guest [ROUNDS [ITERATIONS]]
#       bench/guest_bench.sh in a Linux guest of the test host: the guest
#       module's modes against unhooked, and a ring record against a
#       hypercall per record
set -euo pipefail
. "$(dirname "$0")/lib/config.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

kver=$KVER_612
if [ "${1:-}" = -k ]; then
	kver=$2
	shift 2
fi
scripts/build-modules.sh "$kver"
make -s -C selftests
if [ "${1:-}" = served ]; then
	shift
	exec scripts/vm-run.sh -k "$kver" -c 2 -t 3000 -- \
		bench/run-served-bench.sh "build/$kver" "$@"
fi
if [ "${1:-}" = guest ]; then
	shift
	# See scripts/run-guest-tests.sh for why this CPU model and one CPU.
	export PVHOOK_TCG_CPU=${PVHOOK_TCG_CPU:-qemu64,+svm,+npt}
	exec scripts/vm-run.sh -k "$kver" -c 1 -t 3000 -- \
		bench/run-guest-bench.sh "build/$kver" "$@"
fi
exec scripts/vm-run.sh -k "$kver" -c 1 -t 3000 -- bench/run-bench.sh "build/$kver" "$@"
