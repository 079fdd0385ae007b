#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest module's end-to-end test, on a KVM host (L1) booted for the
# purpose (scripts/run-guest-tests.sh boots one with scripts/vm-run.sh and
# runs this inside). Loads KVM and pvhook.ko, boots a Linux guest (L2)
# with scripts/l2-run.sh that runs guest_tests.sh (the guest module's
# tests), attaches host_agent to the guest's VM, and checks that the
# records the guest says the host took are the records the host delivered.
# Prints KTAP; guest_tests.sh's and host_agent's KTAP are subtests.
#
# usage: e2e.sh MODULE_DIR
#   MODULE_DIR holds pvhook.ko and guest/pvhook_guest.ko built for the
#   running kernel (scripts/build-modules.sh: build/$(uname -r)).
#
# PVHOOK_L2_TIMEOUT (seconds, default 600) bounds the guest's run;
# PVHOOK_L2_CPUS (default 2) and PVHOOK_L2_MEM (default 512M) size it.
set -euo pipefail

dir=${1:?usage: e2e.sh MODULE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ko=$dir/pvhook.ko
agent=$here/../out/host_agent
guest_tests=$here/guest_tests.sh
l2_timeout=${PVHOOK_L2_TIMEOUT:-600}
PLAN=8
. "$here/../lib/ktap.sh"

if [ "$(id -u)" != 0 ] || [ ! -e "$ko" ] || [ ! -x "$agent" ] ||
   [ ! -x "$guest_tests" ]; then
	echo "e2e: need root, $ko, $agent and $guest_tests" >&2
	exit 2
fi

# subtest FILE: a KTAP log indented as a subtest.
subtest() { sed 's/^/# /' "$1"; }

vendor_module() {
	if grep -qw svm /proc/cpuinfo; then echo kvm_amd; else echo kvm_intel; fi
}

# totals PREFIX FILE: "SLOT RING SYNC" for each "PREFIX: slot=.." line.
totals() {
	sed -nE "s/^(# )*$1: slot=([0-9]+) ring=([0-9]+) sync=([0-9]+)\r?$/\2 \3 \4/p" "$2"
}

# ops FILE: "SLOT RECORDS SYNC_CALLS" of host_agent's last snapshot.
ops() {
	sed -nE 's/^host-agent: ops slot=([0-9]+) records=([0-9]+) sync_calls=([0-9]+)$/\1 \2 \3/p' "$1"
}

# same NAME_A FILE_A NAME_B FILE_B: per-slot counts "SLOT X Y" in both
# files agree (a slot missing from one counts as zero); prints each slot.
same() {
	local -A a b
	local slot x y rc=0 s
	while read -r slot x y; do a[$slot]="$x $y"; done <"$2"
	while read -r slot x y; do b[$slot]="$x $y"; done <"$4"
	for s in $(printf '%s\n' "${!a[@]}" "${!b[@]}" | sort -nu); do
		if [ "${a[$s]:-0 0}" = "${b[$s]:-0 0}" ]; then
			note "slot $s: $1 ${a[$s]:-0 0}, $3 ${b[$s]:-0 0}"
		else
			note "slot $s: $1 ${a[$s]:-0 0}, $3 ${b[$s]:-0 0}: differ"
			rc=1
		fi
	done
	return $rc
}

test_load() {
	modprobe "$VENDOR" || return 1
	# pvhook stays off for the guest until host_agent has seen its probe,
	# even if the guest called before the agent attached.
	insmod "$ko" default_policy=deny || return 1
	[ -c /dev/pvhook ] || { note "no /dev/pvhook"; return 1; }
}

test_records_match() {
	local sum
	[ -s "$tmp/guest.tot" ] || { note "the guest printed no totals"; return 1; }
	[ -s "$tmp/agent.tot" ] || note "host_agent counted no records"
	same guest "$tmp/guest.tot" host "$tmp/agent.tot" || return 1
	sum=$(awk '{ s += $2 + $3 } END { print s + 0 }' "$tmp/guest.tot")
	note "$sum records in all"
	[ "$sum" -gt 0 ] || { note "no records at all: nothing was compared"; return 1; }
}

test_no_records_dropped() {
	local d
	d=$(sed -nE 's/^host-agent: dropped=([0-9]+)$/\1/p' "$tmp/agent.log")
	note "host_agent's queue dropped ${d:-?}"
	[ "$d" = 0 ]
}

# The host's own per-slot counts (PVHOOK_GET_VM_OPS, the agent's last
# snapshot) against the records it delivered.
test_host_ops_match() {
	ops "$tmp/agent.log" >"$tmp/ops.tot"
	[ -s "$tmp/ops.tot" ] || grep -q '^host-agent: ops flushes=' "$tmp/agent.log" ||
		{ note "no PVHOOK_GET_VM_OPS snapshot"; return 1; }
	grep '^host-agent: ops flushes=' "$tmp/agent.log" | sed 's/^/# /'
	same delivered "$tmp/agent.tot" counted "$tmp/ops.tot"
}

VENDOR=$(vendor_module)
tmp=$(mktemp -d)
agent_pid=
cleanup() {
	[ -n "$agent_pid" ] && kill "$agent_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..$PLAN"
note "pvhook end-to-end guest tests on $(uname -r), $VENDOR"

set +e
test_load; result $? load

"$agent" -w 600 >"$tmp/agent.log" 2>&1 &
agent_pid=$!

start=$SECONDS
# What guest_tests.sh needs in the guest: itself, the test programs, the
# guest module, and a module to load while the guest module's hooks are in
# pv_ops.
"$top/scripts/l2-run.sh" -t "$l2_timeout" -c "${PVHOOK_L2_CPUS:-2}" \
	-m "${PVHOOK_L2_MEM:-512M}" -f "$here" -f "$here/../lib" -f "$here/../out" \
	-f "$dir/guest/pvhook_guest.ko" -M dummy \
	-- "$guest_tests" "$dir" </dev/null 2>&1 |
	tee "$tmp/guest.log" | sed -u 's/^/# /'
guest_rc=${PIPESTATUS[0]}
note "guest finished after $((SECONDS - start)) s, status $guest_rc"
result "$guest_rc" guest_tests

# The VM is gone once its VMM is: the agent then ends by itself.
for _ in $(seq 600); do
	kill -0 "$agent_pid" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$agent_pid" 2>/dev/null; then
	note "host_agent still running 60 s after the guest ended; stopping it"
	kill "$agent_pid"
fi
wait "$agent_pid"
agent_rc=$?
agent_pid=
subtest "$tmp/agent.log"
result "$agent_rc" host_agent

totals pvhook-e2e "$tmp/guest.log" >"$tmp/guest.tot"
totals host-agent "$tmp/agent.log" >"$tmp/agent.tot"
test_records_match; result $? records_match
test_no_records_dropped; result $? no_records_dropped
test_host_ops_match; result $? host_counts_match_records
rmmod pvhook; result $? unload
kernel_log_clean; result $? kernel_log_clean
[ "$n" = "$PLAN" ] || result 1 "plan_complete"

ktap_totals
[ "$fail" = 0 ]
