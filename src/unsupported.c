// SPDX-License-Identifier: GPL-2.0
/*
 * What DKMS builds for a kernel whose KVM pvhook does not know (see
 * Kbuild): a module that refuses to load and says why, so that installing
 * such a kernel does not fail on pvhook's account.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <generated/utsrelease.h>
#include <linux/module.h>

static int __init pvhook_unsupported_init(void)
{
	pr_err("Linux %s is not supported by pvhook %s: see \"Supported kernels\" in its admin guide\n",
	       UTS_RELEASE, PVHOOK_VERSION);
	return -EOPNOTSUPP;
}

module_init(pvhook_unsupported_init);

MODULE_DESCRIPTION("Runtime-extensible paravirtual hypercalls for KVM (not supported on this kernel)");
MODULE_AUTHOR("The pvhook developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PVHOOK_VERSION);
