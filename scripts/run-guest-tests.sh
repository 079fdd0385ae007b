#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest module's end-to-end test: for each test kernel, boot a KVM test
# host (L1) with scripts/vm-run.sh and run selftests/guest/e2e.sh in it,
# which boots a Linux guest (L2) on that host's KVM with the same kernel.
# Prints each kernel's KTAP (kept in build/logs/guest-KVER.log) and, last,
# "N passed, N failed" over all.
#
# usage: run-guest-tests.sh [--no-build] [-k KVER]...
#   -k KVER      a test kernel (default: $PVHOOK_TEST_KERNELS)
#   --no-build   use the modules and programs already built
#
# PVHOOK_GUEST_TIMEOUT (seconds, default 900) bounds each test host's run;
# PVHOOK_L2_* variables are passed on to e2e.sh.
# Under TCG the test host's CPU is PVHOOK_TCG_CPU, default qemu64,+svm,+npt:
# with QEMU's "max" CPU (vm-run.sh's default) a Linux guest of the test host
# stalled early in its boot (seen on 6.12; likely la57: 5-level nested
# paging). And the test host gets one CPU: with two, a Linux guest of it
# stalled at a random point in about half the boots (interrupts for the
# guest raised on the other CPU of the test host seem to get lost in TCG's
# nested SVM), while with one, 6 boots of 6 (1 and 2 vCPUs) finished in
# 9-16 s.
set -euo pipefail
. "$(dirname "$0")/lib/config.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export PVHOOK_TCG_CPU=${PVHOOK_TCG_CPU:-qemu64,+svm,+npt}

kernels=()
build=1
while [ $# -gt 0 ]; do
	case "$1" in
	-k) kernels+=("$2"); shift 2 ;;
	--no-build) build=0; shift ;;
	-h|--help) sed -n '3,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run-guest-tests: unknown argument $1" >&2; exit 2 ;;
	esac
done
[ "${#kernels[@]}" -gt 0 ] || read -ra kernels <<<"$PVHOOK_TEST_KERNELS"

if [ "$build" = 1 ]; then
	scripts/build-modules.sh "${kernels[@]}" || { echo "0 passed, 1 failed"; exit 1; }
	make -s -C selftests || { echo "0 passed, 1 failed"; exit 1; }
fi

# The guest's settings (PVHOOK_L2_*, see e2e.sh) go into the test host.
fwd=()
while IFS='=' read -r name _; do
	fwd+=("$name=${!name}")
done < <(env | grep -E '^PVHOOK_L2_[A-Z_]*=' || true)

mkdir -p build/logs
. "$top/scripts/lib/totals.sh"
for kver in "${kernels[@]}"; do
	log="build/logs/guest-$kver.log"
	rm -f "$log"
	echo "=== guest end-to-end on $kver"
	start=$SECONDS
	# A failure shows in the log's totals, or in their absence. A run
	# with no result at all is tried once more: nested guests under TCG
	# stall now and then (see above), and a stall is not a result. A
	# hang of pvhook's would end both tries the same way.
	for try in 1 2; do
		scripts/vm-run.sh -k "$kver" -c 1 -t "${PVHOOK_GUEST_TIMEOUT:-900}" -- \
			env "${fwd[@]}" selftests/guest/e2e.sh "build/$kver" 2>&1 |
			tee "$log" || true
		grep -aq '^# Totals: pass:' "$log" && break
		[ "$try" = 1 ] && echo "=== guest end-to-end on $kver: no result after $((SECONDS - start)) s; trying once more"
	done
	echo "=== guest end-to-end on $kver took $((SECONDS - start)) s"
	add_totals "guest $kver" "$log"
done

echo "${passed} passed, ${failed} failed"
[ "$failed" = 0 ]
