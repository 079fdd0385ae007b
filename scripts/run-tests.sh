#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test suite: build the modules and the selftests, then boot each test
# kernel (scripts/vm-run.sh) and run selftests/run_tests.sh inside it.
# Prints each kernel's KTAP and, last, "N passed, N failed" over all kernels.
#
# usage: run-tests.sh [KVER...]        (default: $PVHOOK_TEST_KERNELS)
set -uo pipefail
. "$(dirname "$0")/lib/config.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

kernels=("$@")
[ "${#kernels[@]}" -gt 0 ] || read -ra kernels <<<"$PVHOOK_TEST_KERNELS"

scripts/build-modules.sh "${kernels[@]}" || { echo "0 passed, 1 failed"; exit 1; }
make -s -C selftests || { echo "0 passed, 1 failed"; exit 1; }

mkdir -p build/logs
passed=0
failed=0
for kver in "${kernels[@]}"; do
	log="build/logs/selftests-$kver.log"
	echo "=== selftests on $kver"
	scripts/vm-run.sh -k "$kver" -t "${PVHOOK_VM_TIMEOUT:-1200}" -- \
		selftests/run_tests.sh "build/$kver" 2>&1 | tee "$log"
	totals=$(grep -a '^# Totals: pass:' "$log" | tail -n1)
	if [ -z "$totals" ]; then
		echo "not ok: $kver: the test VM ended without a result (crash or timeout)"
		failed=$((failed + 1))
		continue
	fi
	p=$(sed -E 's/^# Totals: pass:([0-9]+) .*/\1/' <<<"$totals")
	f=$(sed -E 's/^# Totals: pass:[0-9]+ fail:([0-9]+).*/\1/' <<<"$totals")
	echo "=== $kver: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "${passed} passed, ${failed} failed"
[ "$failed" = 0 ]
