# SPDX-License-Identifier: GPL-2.0
#
# KTAP output for the shell test runners, sourced by selftests/run_tests.sh,
# selftests/guest/e2e.sh, selftests/guest/guest_tests.sh (inside L2) and
# scripts/test-dkms.sh. The caller prints the plan ("1..N") itself.

n=0
pass=0
fail=0

# result STATUS NAME: one numbered test line, "ok" when STATUS is 0
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		pass=$((pass + 1))
		echo "ok $n $2"
	else
		fail=$((fail + 1))
		echo "not ok $n $2"
	fi
}

# note TEXT...: a diagnostic line
note() { echo "# $*"; }

# ktap_totals: the closing totals line
ktap_totals() {
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
}

# kernel_log_clean: fails, printing the kernel log, when it shows an oops,
# a WARN, a sanitizer or lockdep report, a hung task or an RCU stall
kernel_log_clean() {
	local bad
	bad=$(dmesg | grep -E 'Oops|BUG:|WARNING:|KASAN|UBSAN|lockdep|possible circular|possible recursive|INFO: task .* blocked|general protection|Call Trace|RCU stall|rcu_.*detected stall' || true)
	if [ -n "$bad" ]; then
		dmesg | sed 's/^/# /'
		return 1
	fi
}
