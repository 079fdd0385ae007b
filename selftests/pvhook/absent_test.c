// SPDX-License-Identifier: GPL-2.0
/*
 * With pvhook.ko not loaded (before insmod, after rmmod), a guest sees a
 * plain KVM host: every pvhook number answers -KVM_ENOSYS and KVM's own
 * hypercalls work. Run by run_tests.sh in that state only.
 */
#include "kselftest_harness.h"
#include "hc_util.h"

FIXTURE(absent) {
	struct vm *vm;
	struct vcpu *vcpu;
};

FIXTURE_SETUP(absent)
{
	ASSERT_FALSE(module_loaded("pvhook"));
	self->vm = vm_create_one(VM_MODE_LONG64, &self->vcpu);
	ASSERT_NE(NULL, self->vm);
}

FIXTURE_TEARDOWN(absent)
{
	vm_destroy(self->vm);
}

TEST_F(absent, pvhook_numbers_enosys)
{
	u64 nr;

	for (nr = PVHOOK_HC_BASE; nr < PVHOOK_HC_BASE + PVHOOK_HC_COUNT; nr += 7)
		EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(self->vcpu, nr, nr));
	EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(self->vcpu, PVHOOK_HC_PROBE, 0));
	EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(self->vcpu, PVHOOK_HC_FEATURES, 0));
	EXPECT_EQ(HC_ERR(KVM_ENOSYS), hc(self->vcpu, PVHOOK_HC_PING, 5));
}

TEST_F(absent, kvm_builtin_works)
{
	EXPECT_EQ(0, hc(self->vcpu, KVM_HC_VAPIC_POLL_IRQ, 0));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->vcpu, KVM_HC_VAPIC_POLL_IRQ, 0));
	EXPECT_EQ(HC_ERR(KVM_EPERM), hc_user(self->vcpu, PVHOOK_HC_PING, 0));
}

TEST_HARNESS_MAIN
