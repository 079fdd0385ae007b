// SPDX-License-Identifier: GPL-2.0
/*
 * A host module that adds hypercalls through pvhook's in-kernel API, for
 * the selftests:
 *
 *   PVHOOK_TEST_HC_ADD  (PVHOOK_HC_MODULE_FIRST)      returns a0 + a1 + a2 + a3
 *   PVHOOK_TEST_HC_USER (PVHOOK_HC_MODULE_FIRST + 1)  returns the caller's
 *                                                     CPL; callable from CPL 3
 *
 * It also checks, at load, that the API refuses what it must refuse; the
 * load fails if it does not.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/pvhook.h>

#define PVHOOK_TEST_HC_ADD	PVHOOK_HC_MODULE_FIRST
#define PVHOOK_TEST_HC_USER	(PVHOOK_HC_MODULE_FIRST + 1)

static unsigned long test_hc_add(const struct pvhook_call *call)
{
	return call->args[0] + call->args[1] + call->args[2] + call->args[3];
}

static unsigned long test_hc_user(const struct pvhook_call *call)
{
	return call->cpl;
}

static struct pvhook_hypercall test_hcs[] = {
	{
		.nr = PVHOOK_TEST_HC_ADD,
		.name = "test_add",
		.handler = test_hc_add,
		.owner = THIS_MODULE,
	},
	{
		.nr = PVHOOK_TEST_HC_USER,
		.flags = PVHOOK_HC_F_USER,
		.name = "test_user",
		.handler = test_hc_user,
		.owner = THIS_MODULE,
	},
};

/* Registrations that must fail, with the error they must fail with. */
static int test_refusals(void)
{
	struct pvhook_hypercall bad = test_hcs[0];
	int ret;

	bad.nr = PVHOOK_HC_PING;		/* built-in range */
	ret = pvhook_register_hypercall(&bad);
	if (ret != -EINVAL)
		goto fail;
	bad.nr = PVHOOK_HC_USER_FIRST;		/* user range */
	ret = pvhook_register_hypercall(&bad);
	if (ret != -EINVAL)
		goto fail;
	bad.nr = PVHOOK_HC_BASE + PVHOOK_HC_COUNT;	/* outside */
	ret = pvhook_register_hypercall(&bad);
	if (ret != -EINVAL)
		goto fail;
	bad.nr = PVHOOK_TEST_HC_ADD;
	bad.flags = 0x80;			/* unknown flag */
	ret = pvhook_register_hypercall(&bad);
	if (ret != -EINVAL)
		goto fail;
	bad.flags = 0;
	bad.handler = NULL;
	ret = pvhook_register_hypercall(&bad);
	if (ret != -EINVAL)
		goto fail;
	bad.handler = test_hc_add;		/* taken by test_hcs[0] */
	ret = pvhook_register_hypercall(&bad);
	if (ret != -EBUSY)
		goto fail;
	return 0;
fail:
	pr_err("nr 0x%lx: registration returned %d\n", bad.nr, ret);
	return -EINVAL;
}

static int __init test_hc_init(void)
{
	int ret;

	ret = pvhook_register_hypercall(&test_hcs[0]);
	if (ret)
		return ret;
	ret = test_refusals();
	if (ret)
		goto out_add;
	ret = pvhook_register_hypercall(&test_hcs[1]);
	if (ret)
		goto out_add;
	return 0;

out_add:
	pvhook_unregister_hypercall(&test_hcs[0]);
	return ret;
}

static void __exit test_hc_exit(void)
{
	pvhook_unregister_hypercall(&test_hcs[1]);
	pvhook_unregister_hypercall(&test_hcs[0]);
}

module_init(test_hc_init);
module_exit(test_hc_exit);

MODULE_DESCRIPTION("pvhook selftest: hypercalls registered by another module");
MODULE_LICENSE("GPL");
