// SPDX-License-Identifier: GPL-2.0
/*
 * Hypercalls that another host module (selftests/modules/pvhook_test_hc.ko)
 * registered through pvhook's in-kernel API. With PVHOOK_TEST_ABSENT=1 in
 * the environment, checks instead that the numbers are gone again.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "hc_util.h"

#define TEST_HC_ADD	PVHOOK_HC_MODULE_FIRST
#define TEST_HC_USER	(PVHOOK_HC_MODULE_FIRST + 1)

static bool expect_absent(void)
{
	const char *s = getenv("PVHOOK_TEST_ABSENT");

	return s && *s == '1';
}

FIXTURE(module) {
	struct vm *vm;
	struct vcpu *vcpu;
};

FIXTURE_VARIANT(module) {
	enum vm_mode mode;
};

FIXTURE_VARIANT_ADD(module, long64) { .mode = VM_MODE_LONG64 };
FIXTURE_VARIANT_ADD(module, prot32) { .mode = VM_MODE_PROT32 };

FIXTURE_SETUP(module)
{
	ASSERT_TRUE(module_loaded("pvhook"));
	ASSERT_EQ(!expect_absent(), module_loaded("pvhook_test_hc"));
	self->vm = vm_create_one(variant->mode, &self->vcpu);
	ASSERT_NE(NULL, self->vm);
}

FIXTURE_TEARDOWN(module)
{
	vm_destroy(self->vm);
}

TEST_F(module, registered_numbers)
{
	bool lm = variant->mode == VM_MODE_LONG64;
	u64 enosys = lm ? HC_ERR(KVM_ENOSYS) : HC_ERR32(KVM_ENOSYS);
	u64 eperm = lm ? HC_ERR(KVM_EPERM) : HC_ERR32(KVM_EPERM);

	if (expect_absent()) {
		EXPECT_EQ(enosys, hc4(self->vcpu, TEST_HC_ADD, 1, 2, 3, 4));
		EXPECT_EQ(enosys, hc(self->vcpu, TEST_HC_USER, 0));
		EXPECT_EQ(eperm, hc_user(self->vcpu, TEST_HC_USER, 0));
		return;
	}
	EXPECT_EQ(10, hc4(self->vcpu, TEST_HC_ADD, 1, 2, 3, 4));
	EXPECT_EQ(0, hc4(self->vcpu, TEST_HC_ADD, ~0ULL, 1, 0, 0));
	/* 32-bit callers get the sum truncated. */
	EXPECT_EQ(lm ? 0x200000000ULL : 0,
		  hc4(self->vcpu, TEST_HC_ADD, 0xffffffffULL, 1, 0xffffffffULL, 1));
	/* Not registered as callable from user mode. */
	EXPECT_EQ(eperm, __hc(_metadata, self->vcpu, 3, TEST_HC_ADD, 1, 2, 3, 4));
	/* Registered with PVHOOK_HC_F_USER: the handler sees the CPL. */
	EXPECT_EQ(3, hc_user(self->vcpu, TEST_HC_USER, 0));
	EXPECT_EQ(0, hc(self->vcpu, TEST_HC_USER, 0));
	/* The built-ins are still there and still refuse user mode. */
	EXPECT_EQ(PVHOOK_MAGIC | PVHOOK_ABI_VERSION, hc(self->vcpu, PVHOOK_HC_PROBE, 0));
	EXPECT_EQ(eperm, hc_user(self->vcpu, PVHOOK_HC_PING, 0));
}

TEST_HARNESS_MAIN
