# SPDX-License-Identifier: GPL-2.0
# Sums of KTAP totals for the test runners (run-tests.sh,
# run-debug-tests.sh, run-guest-tests.sh); sourced, never run.

passed=0
failed=0

# add_totals NAME LOG: add a KTAP log's "# Totals" to the sums; a log
# without one (a crash or a timeout) counts as one failure.
add_totals() {
	local totals p f
	totals=$(grep -a '^# Totals: pass:' "$2" | tail -n1)
	if [ -z "$totals" ]; then
		echo "not ok: $1 ended without a result (crash or timeout)"
		failed=$((failed + 1))
		return
	fi
	p=$(sed -E 's/^# Totals: pass:([0-9]+) .*/\1/' <<<"$totals")
	f=$(sed -E 's/^# Totals: pass:[0-9]+ fail:([0-9]+).*/\1/' <<<"$totals")
	echo "=== $1: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
}
