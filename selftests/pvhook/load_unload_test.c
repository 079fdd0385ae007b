// SPDX-License-Identifier: GPL-2.0
/*
 * pvhook.ko unloaded and loaded again, 20 times, while two vCPUs issue
 * hypercalls in a loop: every answer must be what a host with pvhook, or
 * one without it, gives; never anything else, and the vCPUs never stall.
 * Needs PVHOOK_KO (path to pvhook.ko) and pvhook loaded at the start.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "hc_util.h"

#define CYCLES		20

struct worker {
	struct vcpu *vcpu;
	pthread_t thread;
	u64 served, absent, kvm_ok, bad, errors;
	u64 bad_value;
};

static atomic_bool stop;

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	u64 seq = (u64)w->vcpu->id << 56, ret;
	struct hc_regs ping = { .nr = PVHOOK_HC_PING };
	struct hc_regs kvm = { .nr = KVM_HC_VAPIC_POLL_IRQ };

	while (!atomic_load(&stop)) {
		ping.args[0] = ++seq;
		if (vcpu_hypercall(w->vcpu, 0, &ping, &ret)) {
			w->errors++;
			break;
		}
		if (ret == seq) {
			w->served++;
		} else if (ret == HC_ERR(KVM_ENOSYS)) {
			w->absent++;
		} else {
			w->bad++;
			w->bad_value = ret;
		}
		if (vcpu_hypercall(w->vcpu, 0, &kvm, &ret)) {
			w->errors++;
			break;
		}
		if (ret == 0)
			w->kvm_ok++;
		else
			w->bad++;
	}
	return NULL;
}

static int run(const char *cmd)
{
	int ret = system(cmd);

	return WIFEXITED(ret) ? WEXITSTATUS(ret) : -1;
}

FIXTURE(cycle) {
};

FIXTURE_SETUP(cycle)
{
}

FIXTURE_TEARDOWN(cycle)
{
}

/* Each unload waits for RCU-tasks grace periods: slow under emulation. */
TEST_F_TIMEOUT(cycle, load_unload_while_calling, 900)
{
	const char *ko = getenv("PVHOOK_KO");
	char insmod[512];
	struct worker w[2] = { 0 };
	u64 served = 0, absent = 0;
	struct timespec t0, t1;
	struct vm *vm;
	int i, cycles = 0;

	ASSERT_NE(NULL, ko);
	ASSERT_TRUE(module_loaded("pvhook"));
	snprintf(insmod, sizeof(insmod), "insmod %s", ko);

	vm = vm_create(VM_MODE_LONG64);
	ASSERT_NE(NULL, vm);
	for (i = 0; i < 2; i++) {
		w[i].vcpu = vm_vcpu_add(vm);
		ASSERT_NE(NULL, w[i].vcpu);
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, worker_fn, &w[i]));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < CYCLES; i++) {
		usleep(100 * 1000);
		if (run("rmmod pvhook"))
			break;
		usleep(100 * 1000);
		if (run(insmod))
			break;
		cycles++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("%d cycles in %.1f s", cycles,
	       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	usleep(100 * 1000);
	atomic_store(&stop, true);
	for (i = 0; i < 2; i++) {
		pthread_join(w[i].thread, NULL);
		TH_LOG("vcpu %d: served %llu absent %llu kvm %llu bad %llu (0x%llx) err %llu",
		       i, (unsigned long long)w[i].served,
		       (unsigned long long)w[i].absent,
		       (unsigned long long)w[i].kvm_ok,
		       (unsigned long long)w[i].bad,
		       (unsigned long long)w[i].bad_value,
		       (unsigned long long)w[i].errors);
		EXPECT_EQ(0, w[i].bad);
		EXPECT_EQ(0, w[i].errors);
		served += w[i].served;
		absent += w[i].absent;
	}
	vm_destroy(vm);

	EXPECT_EQ(CYCLES, cycles);
	EXPECT_TRUE(module_loaded("pvhook"));
	/* Both states were seen, so the calls really raced the cycles. */
	EXPECT_LT(0, served);
	EXPECT_LT(0, absent);
}

TEST_HARNESS_MAIN
