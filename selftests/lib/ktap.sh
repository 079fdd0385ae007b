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

# The kernel's reports: oops, BUG (KASAN, KFENCE, sleeping in atomic
# context, ...), WARN (suspicious RCU usage, ...), lockdep, UBSAN, list
# corruption, hung tasks, RCU stalls.
KERNEL_REPORTS='Oops|BUG:|BUG at|WARNING:|KASAN|KFENCE|UBSAN|lockdep|possible circular|possible recursive|inconsistent lock state|suspicious RCU|sleeping function called|list_add corruption|list_del corruption|list corruption|INFO: task .* blocked|general protection|Call Trace|RCU stall|rcu_.*detected stall'

# kernel_log_clean: fails when the kernel log shows one of the kernel's
# reports that may be pvhook's: any report once pvhook was first loaded,
# and, before that, any that names KVM. A report of the kernel's own boot
# that names neither (a debug kernel with KASAN_VMALLOC made one at every
# boot, no module of ours in memory) is noted, not counted, unless it
# switched lockdep off for the rest of the run (KASAN's reports do). It
# prints the whole log, then the first report that counts again with the
# 19 lines after it, so that the end of a CI log shows what went wrong.
kernel_log_clean() {
	local bad log first='' loaded line
	log=$(dmesg)
	# A debug kernel's boot banner names lockdep without reporting.
	bad=$(grep -nE "$KERNEL_REPORTS" <<<"$log" |
		grep -v 'RCU lockdep checking is enabled' | cut -d: -f1 || true)
	[ -z "$bad" ] && return 0
	loaded=$(grep -n -m1 pvhook <<<"$log" | cut -d: -f1)
	for line in $bad; do
		if [ -n "$loaded" ] && [ "$line" -lt "$loaded" ] &&
		   ! sed -n "$line,$((loaded - 1))p" <<<"$log" | head -n 60 |
			grep -qi kvm; then
			note "before pvhook was loaded, not counted: $(sed -n "${line}p" <<<"$log")"
			continue
		fi
		first=$line
		break
	done
	if [ -z "$first" ]; then
		# A report that switched lockdep off leaves the run unchecked.
		grep -q 'Disabling lock debugging' <<<"$log" || return 0
		note "lock debugging was switched off by that report: nothing after it was checked for locking errors"
		return 1
	fi
	sed 's/^/# /' <<<"$log"
	# Short, as CI shows only the last few dozen lines of a run.
	note "kernel reports: $(wc -w <<<"$bad") lines; the first that counts, line $first, and what follows it:"
	sed -n "$first,$((first + 19))p" <<<"$log" | sed 's/^/# | /'
	return 1
}

# have_kmemleak: whether the running kernel has kmemleak on (debug kernels)
have_kmemleak() {
	[ -e /sys/kernel/debug/kmemleak ] ||
		mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	[ -e /sys/kernel/debug/kmemleak ]
}

# kmemleak_clean: scan for leaks (twice, as kmemleak reports an object
# only once it has looked unreferenced for a while) and fail on any leak
# whose allocation trace names pvhook or KVM; other leaks are counted in a
# note (the kernel's own boot-time ones are not ours to fix).
kmemleak_clean() {
	local k=/sys/kernel/debug/kmemleak report ours total
	echo scan >"$k" || return 1
	sleep 6
	echo scan >"$k" || return 1
	report=$(cat "$k")
	total=$(grep -c '^unreferenced object' <<<"$report" || true)
	ours=$(awk '/^unreferenced object/ { if (obj ~ /pvhook|kvm/) n++; obj = "" }
		    { obj = obj $0 "\n" }
		    END { if (obj ~ /pvhook|kvm/) n++; print n + 0 }' <<<"$report")
	note "kmemleak: $total unreferenced objects, $ours of them pvhook's or KVM's"
	if [ "$ours" != 0 ]; then
		sed 's/^/# /' <<<"$report"
		return 1
	fi
}
