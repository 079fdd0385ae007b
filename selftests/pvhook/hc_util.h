/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the pvhook selftests; include after kselftest_harness.h. */
#ifndef PVHOOK_SELFTEST_HC_UTIL_H
#define PVHOOK_SELFTEST_HC_UTIL_H

#include <linux/pvhook.h>

#include "vm.h"

/* One hypercall; a failure to run the guest fails the test. */
static inline u64 __hc(struct __test_metadata *_metadata,
		       struct vcpu *vcpu, int cpl, u64 nr,
		       u64 a0, u64 a1, u64 a2, u64 a3)
{
	struct hc_regs regs = { .nr = nr, .args = { a0, a1, a2, a3 } };
	u64 ret = 0x5a5a5a5a5a5a5a5aULL;

	EXPECT_EQ(0, vcpu_hypercall(vcpu, cpl, &regs, &ret));
	return ret;
}

#define hc(vcpu, nr, a0)		__hc(_metadata, vcpu, 0, nr, a0, 0, 0, 0)
#define hc4(vcpu, nr, a0, a1, a2, a3)	__hc(_metadata, vcpu, 0, nr, a0, a1, a2, a3)
#define hc_user(vcpu, nr, a0)		__hc(_metadata, vcpu, 3, nr, a0, 0, 0, 0)

/* A fixed pseudo-random sequence (xorshift64), so failures reproduce. */
static inline u64 test_rand(u64 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

#endif /* PVHOOK_SELFTEST_HC_UTIL_H */
