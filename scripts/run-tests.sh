#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test suite: build the modules and the selftests, then boot each test
# kernel (scripts/vm-run.sh) and run selftests/run_tests.sh inside it; then
# the guest module's end-to-end test on each test kernel, in a Linux guest
# of the test host (scripts/run-guest-tests.sh; PVHOOK_TEST_GUEST=0 skips
# it); then the DKMS installation test (scripts/test-dkms.sh;
# PVHOOK_TEST_DKMS=0 skips it); then the debug kernel's part
# (scripts/run-debug-tests.sh --ci, which builds the debug test host
# kernel, beside the tests before it, unless its cached build is current;
# PVHOOK_TEST_DEBUG=0 skips it).
# Prints each part's KTAP and, last, "N passed, N failed" over all.
#
# usage: run-tests.sh [KVER...]
#   default: $PVHOOK_TEST_KERNELS, and the host selftests alone on
#   $PVHOOK_HOST_TEST_KERNELS (bookworm's 6.1), and the debug kernel's
#   part; given kernels, those alone (PVHOOK_TEST_DEBUG=1 adds the debug
#   kernel's part)
set -uo pipefail
. "$(dirname "$0")/lib/config.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

case "${1:-}" in
-h|--help)
	echo "usage: run-tests.sh [KVER...]"
	echo "The test suite (make check): the host selftests and the guest end-to-end"
	echo "test on each test kernel, the DKMS test, then the debug kernel's part."
	echo "Given kernels, the selftests and the guest test run on those alone."
	echo "PVHOOK_TEST_GUEST=0, PVHOOK_TEST_DKMS=0, PVHOOK_TEST_DEBUG=0|1 skip or add parts."
	exit 0 ;;
-*)
	echo "run-tests: unknown option $1 (see --help)" >&2
	exit 2 ;;
esac

kernels=("$@")
host_kernels=()
debug=${PVHOOK_TEST_DEBUG:-0}
if [ "${#kernels[@]}" = 0 ]; then
	debug=${PVHOOK_TEST_DEBUG:-1}
	read -ra kernels <<<"$PVHOOK_TEST_KERNELS"
	read -ra host_kernels <<<"$PVHOOK_HOST_TEST_KERNELS"
fi

scripts/build-modules.sh "${host_kernels[@]}" "${kernels[@]}" || { echo "0 passed, 1 failed"; exit 1; }
make -s -C selftests || { echo "0 passed, 1 failed"; exit 1; }

mkdir -p build/logs
# The debug kernel's build (about 14 minutes on 2 cores from scratch; at
# once when cached) runs beside the test VMs at the lowest priority: a
# test VM keeps one core busy under single-threaded TCG, the build takes
# what is left.
debug_build=
if [ "$debug" = 1 ]; then
	nice -n 19 scripts/build-debug-kernel.sh >build/logs/debug-build.log 2>&1 &
	debug_build=$!
	trap '[ -n "$debug_build" ] && kill "$debug_build" 2>/dev/null' EXIT
fi
. "$top/scripts/lib/totals.sh"

for kver in "${host_kernels[@]}" "${kernels[@]}"; do
	log="build/logs/selftests-$kver.log"
	echo "=== selftests on $kver"
	scripts/vm-run.sh -k "$kver" -t "${PVHOOK_VM_TIMEOUT:-1200}" -- \
		selftests/run_tests.sh "build/$kver" 2>&1 | tee "$log"
	add_totals "$kver" "$log"
done

if [ "${PVHOOK_TEST_GUEST:-1}" = 1 ]; then
	args=()
	for kver in "${kernels[@]}"; do args+=(-k "$kver"); done
	# Each kernel's log is counted here, not its own summary line.
	scripts/run-guest-tests.sh --no-build "${args[@]}" |
		sed -u 's/^[0-9]* passed, [0-9]* failed$/=== guest end-to-end: &/'
	for kver in "${kernels[@]}"; do
		add_totals "guest $kver" "build/logs/guest-$kver.log"
	done
fi

if [ "${PVHOOK_TEST_DKMS:-1}" = 1 ]; then
	echo "=== DKMS"
	scripts/test-dkms.sh 2>&1 | tee build/logs/dkms.log
	add_totals dkms build/logs/dkms.log
fi

if [ -n "$debug_build" ]; then
	echo "=== debug kernel"
	wait "$debug_build"
	status=$?
	debug_build=
	cat build/logs/debug-build.log
	if [ "$status" = 0 ]; then
		# Its selftests' KTAP is in its output; its own summary is not
		# counted.
		scripts/run-debug-tests.sh --ci 2>&1 |
			sed -u 's/^[0-9]* passed, [0-9]* failed$/=== debug kernel: &/' |
			tee build/logs/debug.log
		add_totals "debug kernel" build/logs/debug.log
	else
		echo "not ok: the debug kernel did not build"
		failed=$((failed + 1))
	fi
fi

echo "${passed} passed, ${failed} failed"
[ "$failed" = 0 ]
