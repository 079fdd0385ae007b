#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build, then run bench/run-bench.sh in a test VM with one CPU (fewer
# interruptions of the measuring vCPU).
#
# usage: run-bench.sh [-k KVER] [ROUNDS [CALLS [MODULE_DIR2]]]
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
exec scripts/vm-run.sh -k "$kver" -c 1 -t 3000 -- bench/run-bench.sh "build/$kver" "$@"
