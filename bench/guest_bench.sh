#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest module's cost, inside a guest (L2) of a pvhook host: the TLB
# flush workload (selftests/guest/tlb_storm, one thread: fewer scheduling
# effects between runs) unhooked and with the TLB
# slots hooked in count, notify and sync modes, in paired rounds (one run
# of each mode per round, in rotating order), and the cost per record
# through the ring against one hypercall per record. Not a pass/fail test.
#
#   ratio MODE       median over rounds of (ns per iteration in MODE) /
#                    (ns per iteration unhooked, same round)
#   per-record cost  (wall time in MODE - wall time in count mode) / records
#                    sent in MODE, for notify (ring) and sync (hypercall),
#                    medians; both measured the same way, so their ratio
#                    is what the ring saves
#
# usage: guest_bench.sh MODULE_DIR [ROUNDS [ITERATIONS]]
set -euo pipefail

dir=${1:?usage: guest_bench.sh MODULE_DIR [ROUNDS [ITERATIONS]]}
rounds=${2:-7}
iters=${3:-400}
here=$(cd "$(dirname "$0")/.." && pwd)
storm=$here/selftests/out/tlb_storm
G=/sys/kernel/pvhook_guest
SLOTS=(flush_tlb_user flush_tlb_kernel flush_tlb_one_user flush_tlb_multi)
MODES=(off count notify sync)

# The host may keep pvhook off until it saw a probe (selftests/guest/e2e.sh).
for i in $(seq 180); do
	insmod "$dir/guest/pvhook_guest.ko" 2>/dev/null && break
	sleep 1
done
[ -d "$G" ] || { echo "guest_bench: pvhook_guest did not load" >&2; exit 1; }

hooked=()
for s in "${SLOTS[@]}"; do
	[ "$(cat "$G/slots/$s/supported")" = yes ] && hooked+=("$s")
done

records() {
	local s sum=0
	for s in "${hooked[@]}"; do
		sum=$((sum + $(cat "$G/slots/$s/records")))
	done
	echo "$sum"
}

# run MODE: prints "MODE ns_per_iter records"
run() {
	local mode=$1 s r0 ns
	for s in "${hooked[@]}"; do echo "$mode" >"$G/slots/$s/mode"; done
	r0=$(records)
	ns=$("$storm" -t 1 -i "$iters" -f 0 | sed 's/.*ns_per_iter=//')
	for s in "${hooked[@]}"; do echo off >"$G/slots/$s/mode"; done
	echo 1 >"$G/flush"
	echo "$mode $ns $(($(records) - r0))"
}

echo "# $(uname -r), $(nproc) CPUs, slots ${hooked[*]}; $rounds rounds of $iters iterations of one thread"
out=$(for r in $(seq "$rounds"); do
	for k in 0 1 2 3; do
		run "${MODES[$(((k + r) % 4))]}"
	done | sort -k1,1 | sed "s/^/$r /"
done)
echo "$out" | sed 's/^/# round /'
rmmod pvhook_guest

echo "$out" | awk -v it="$iters" 'function median(v, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
{ ns[$1, $2] = $3; rec[$1, $2] = $4; if ($1 > rounds) rounds = $1 }
END {
	for (r = 1; r <= rounds; r++) {
		c[r] = ns[r, "count"] / ns[r, "off"]
		n[r] = ns[r, "notify"] / ns[r, "off"]
		s[r] = ns[r, "sync"] / ns[r, "off"]
		# extra wall time of the whole run, per record sent
		rn[r] = rec[r, "notify"] ? (ns[r, "notify"] - ns[r, "count"]) * it / rec[r, "notify"] : 0
		rs[r] = rec[r, "sync"] ? (ns[r, "sync"] - ns[r, "count"]) * it / rec[r, "sync"] : 0
	}
	printf "ratio count/unhooked  %.3f\n", median(c, rounds)
	printf "ratio notify/unhooked %.3f\n", median(n, rounds)
	printf "ratio sync/unhooked   %.3f\n", median(s, rounds)
	printf "ns per record: ring %.0f, hypercall %.0f\n", median(rn, rounds), median(rs, rounds)
	a = median(rn, rounds); b = median(rs, rounds)
	if (b > 0)
		printf "ring record / hypercall record %.3f\n", a / b
}'
