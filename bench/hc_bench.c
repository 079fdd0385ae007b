// SPDX-License-Identifier: GPL-2.0
/*
 * hc_bench: time one hypercall number from a guest loop.
 *
 *   hc_bench NR COUNT EXPECT
 *
 * Runs COUNT hypercalls of number NR (argument 0 in RBX) in a 64-bit guest
 * loop, after a warm-up, and prints "ns_per_call=<float> mismatches=<n>"
 * where mismatches counts results other than EXPECT. bench/run-bench.sh
 * alternates it with loading and unloading pvhook.ko.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vm.h"

int main(int argc, char **argv)
{
	struct hc_regs hc = { 0 };
	u64 count, expect, mismatches, ns;
	struct vcpu *vcpu;
	struct vm *vm;

	if (argc != 4) {
		fprintf(stderr, "usage: %s NR COUNT EXPECT\n", argv[0]);
		return 2;
	}
	hc.nr = strtoull(argv[1], NULL, 0);
	count = strtoull(argv[2], NULL, 0);
	expect = strtoull(argv[3], NULL, 0);

	vm = vm_create_one(VM_MODE_LONG64, &vcpu);
	if (!vm)
		return 1;
	if (vcpu_hypercall_loop(vcpu, &hc, 1000, expect, &mismatches, &ns) ||
	    vcpu_hypercall_loop(vcpu, &hc, count, expect, &mismatches, &ns))
		return 1;
	printf("ns_per_call=%.1f mismatches=%llu\n", (double)ns / count,
	       (unsigned long long)mismatches);
	vm_destroy(vm);
	return mismatches ? 1 : 0;
}
