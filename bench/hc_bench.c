// SPDX-License-Identifier: GPL-2.0
/*
 * hc_bench: time one hypercall number from a guest loop.
 *
 *   hc_bench [--attach] [--vms N] [--blocks B] NR COUNT EXPECT
 *
 * Runs COUNT hypercalls of number NR (argument 0 in RBX) in a 64-bit guest
 * loop, after a warm-up, in B blocks (default 1) of COUNT / B calls, and
 * prints "ns_per_call=<float> mismatches=<n>" for the fastest block, where
 * mismatches counts results other than EXPECT. Interruptions, other VMs
 * and the emulator's own work only ever slow a block down, so the fastest
 * of many short blocks is a steadier measure than one long loop.
 * bench/run-bench.sh alternates it with loading and unloading pvhook.ko.
 *
 *   --attach  attach the VM through /dev/pvhook and give it a policy as a
 *             host operator would: an allow list (the built-ins and the
 *             module range) and a rate limit no loop reaches
 *   --vms N   first create N - 1 other VMs that pvhook knows (attached,
 *             and each with one hypercall made), kept until the end
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/pvhook.h>

#include "vm.h"

#define MAX_VMS	256

/* The policy of the benchmark's VM: see the usage above. */
static int attach_with_policy(int dev, struct vm *vm)
{
	struct pvhook_policy p = {
		.flags = PVHOOK_POLICY_F_ENABLED,
		.rate_limit = 4000000000u,
	};
	struct pvhook_attach a = { .vm_fd = vm->fd };
	unsigned int i;
	int h;

	for (i = 0; i < PVHOOK_HC_MODULE_LAST - PVHOOK_HC_BASE + 1; i++)
		p.allow[i / 64] |= 1ull << (i % 64);
	h = ioctl(dev, PVHOOK_ATTACH_VM, &a);
	if (h < 0) {
		perror("PVHOOK_ATTACH_VM");
		return -1;
	}
	if (ioctl(h, PVHOOK_VM_SET_POLICY, &p)) {
		perror("PVHOOK_VM_SET_POLICY");
		return -1;
	}
	return h;
}

int main(int argc, char **argv)
{
	struct vm *others[MAX_VMS] = { NULL };
	struct hc_regs hc = { 0 }, ping = { .nr = PVHOOK_HC_PING };
	u64 count, expect, mismatches, ns, m, best = ~0ull;
	unsigned int nr_vms = 1, blocks = 1, i;
	bool attach = false;
	int dev = -1, argi = 1;
	struct vcpu *vcpu;
	struct vm *vm;

	for (; argi < argc && argv[argi][0] == '-'; argi++) {
		if (!strcmp(argv[argi], "--attach")) {
			attach = true;
		} else if (!strcmp(argv[argi], "--blocks") && argi + 1 < argc) {
			blocks = strtoul(argv[++argi], NULL, 0);
			if (!blocks) {
				fprintf(stderr, "--blocks: at least 1\n");
				return 2;
			}
		} else if (!strcmp(argv[argi], "--vms") && argi + 1 < argc) {
			nr_vms = strtoul(argv[++argi], NULL, 0);
			if (!nr_vms || nr_vms > MAX_VMS) {
				fprintf(stderr, "--vms: 1 to %d\n", MAX_VMS);
				return 2;
			}
		} else {
			break;
		}
	}
	if (argc - argi != 3) {
		fprintf(stderr,
			"usage: %s [--attach] [--vms N] [--blocks B] NR COUNT EXPECT\n",
			argv[0]);
		return 2;
	}
	hc.nr = strtoull(argv[argi], NULL, 0);
	count = strtoull(argv[argi + 1], NULL, 0) / blocks;
	if (!count) {
		fprintf(stderr, "COUNT: at least one call per block\n");
		return 2;
	}
	expect = strtoull(argv[argi + 2], NULL, 0);

	if (attach || nr_vms > 1) {
		dev = open("/dev/pvhook", O_RDWR | O_CLOEXEC);
		if (dev < 0) {
			perror("/dev/pvhook");
			return 1;
		}
	}
	for (i = 1; i < nr_vms; i++) {
		struct vcpu *v;

		others[i] = vm_create_one(VM_MODE_LONG64, &v);
		if (!others[i] || attach_with_policy(dev, others[i]) < 0 ||
		    vcpu_hypercall_loop(v, &ping, 1, 0, &m, &ns))
			return 1;
	}

	vm = vm_create_one(VM_MODE_LONG64, &vcpu);
	if (!vm || (attach && attach_with_policy(dev, vm) < 0))
		return 1;
	if (vcpu_hypercall_loop(vcpu, &hc, 1000, expect, &mismatches, &ns))
		return 1;
	for (i = 0; i < blocks; i++) {
		if (vcpu_hypercall_loop(vcpu, &hc, count, expect, &m, &ns))
			return 1;
		mismatches += m;
		if (ns < best)
			best = ns;
	}
	printf("ns_per_call=%.1f mismatches=%llu\n", (double)best / count,
	       (unsigned long long)mismatches);
	vm_destroy(vm);
	for (i = 1; i < nr_vms; i++)
		vm_destroy(others[i]);
	return mismatches ? 1 : 0;
}
