#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the test suite on the debug test host kernel (KASAN,
# lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, kmemleak, KFENCE, UBSAN bounds,
# DEBUG_LIST; scripts/build-debug-kernel.sh builds it, or reuses its cached
# build): the host selftests with the full fuzz campaigns and a kmemleak
# scan, then the guest module's end-to-end test (the guest runs the same
# debug kernel). Every kernel report in the test host's log fails the run
# (selftests/lib/ktap.sh: kernel_log_clean), and so does a leak that names
# pvhook or KVM (kmemleak_clean).
# Prints each part's KTAP and, last, "N passed, N failed".
#
# usage: run-debug-tests.sh [--host-only] [--quick | --ci]
#   --host-only  skip the guest end-to-end test
#   --quick      the fuzz campaigns of make check, not the full ones
#   --ci         the part make check runs (scripts/run-tests.sh): the
#                selftests that drive pvhook's paths hardest, with short
#                fuzz campaigns, and no guest end-to-end test
# PVHOOK_FUZZ_OPS (default 300000) and PVHOOK_GUEST_FUZZ_CALLS (default
# 1000000) size the full campaigns; PVHOOK_FUZZ_SEED and
# PVHOOK_GUEST_FUZZ_SEED replay one.
set -uo pipefail
. "$(dirname "$0")/lib/config.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

guest=1
quick=0
only=
# What --ci runs (PVHOOK_SELFTESTS of selftests/run_tests.sh, which adds
# load, unload and the log and leak scans): every path of a hypercall,
# served calls, records, the hardening checks, both fuzzers and unload
# under load.
ci_tests="hypercall module_hypercalls served_by_process events records hardening guest_fuzz ioctl_fuzz load_unload_20_while_calling reload"
while [ $# -gt 0 ]; do
	case "$1" in
	--host-only) guest=0; shift ;;
	--quick) quick=1; shift ;;
	--ci) quick=1; guest=0; only=$ci_tests; shift ;;
	-h|--help)
		echo "usage: run-debug-tests.sh [--host-only] [--quick | --ci]"
		echo "The selftests (and the guest end-to-end test) on the debug test host kernel."
		exit 0 ;;
	*) echo "run-debug-tests: unknown argument $1" >&2; exit 2 ;;
	esac
done

limit=3600
[ -n "$only" ] && limit=1800
start=$SECONDS
kver=$(scripts/build-debug-kernel.sh | tail -n1) || { echo "0 passed, 1 failed"; exit 1; }
echo "=== debug kernel $kver ready after $((SECONDS - start)) s"
scripts/build-modules.sh "$kver" || { echo "0 passed, 1 failed"; exit 1; }
make -s -C selftests || { echo "0 passed, 1 failed"; exit 1; }

fuzz=()
for v in PVHOOK_FUZZ_SEED PVHOOK_GUEST_FUZZ_SEED; do
	[ -n "${!v:-}" ] && fuzz+=("$v=${!v}")
done
if [ "$quick" = 0 ]; then
	fuzz+=("PVHOOK_FUZZ_OPS=${PVHOOK_FUZZ_OPS:-300000}"
	       "PVHOOK_GUEST_FUZZ_CALLS=${PVHOOK_GUEST_FUZZ_CALLS:-1000000}")
elif [ -n "$only" ]; then
	fuzz+=("PVHOOK_FUZZ_OPS=${PVHOOK_FUZZ_OPS:-20000}"
	       "PVHOOK_GUEST_FUZZ_CALLS=${PVHOOK_GUEST_FUZZ_CALLS:-20000}"
	       "PVHOOK_SELFTESTS=$only")
fi

mkdir -p build/logs
. "$top/scripts/lib/totals.sh"

log=build/logs/selftests-$kver.log
echo "=== selftests on $kver"
t=$SECONDS
scripts/vm-run.sh -k "$kver" -t "${PVHOOK_DEBUG_TIMEOUT:-$limit}" -- \
	env "${fuzz[@]}" selftests/run_tests.sh "build/$kver" 2>&1 | tee "$log"
echo "=== selftests on $kver took $((SECONDS - t)) s"
add_totals "$kver" "$log"

if [ "$guest" = 1 ]; then
	t=$SECONDS
	PVHOOK_GUEST_TIMEOUT=${PVHOOK_GUEST_TIMEOUT:-2400} PVHOOK_L2_TIMEOUT=${PVHOOK_L2_TIMEOUT:-2000} \
		scripts/run-guest-tests.sh --no-build -k "$kver" |
		sed -u 's/^[0-9]* passed, [0-9]* failed$/=== guest end-to-end: &/'
	echo "=== guest end-to-end on $kver took $((SECONDS - t)) s"
	add_totals "guest $kver" "build/logs/guest-$kver.log"
fi

echo "=== debug run took $((SECONDS - start)) s"
echo "${passed} passed, ${failed} failed"
[ "$failed" = 0 ]
