// SPDX-License-Identifier: GPL-2.0
/*
 * pvhook: runtime-extensible paravirtual hypercalls for KVM.
 *
 * Load order: the registry, the built-in hypercalls, the attachment to
 * KVM, so that no guest reaches pvhook before it can answer, and last
 * /dev/pvhook. Unload goes the other way; pvhook_kvm_detach() returns only
 * when no vCPU runs pvhook code, and then the VMs still alive are
 * forgotten. Unload cannot start while a VM handle is open: each holds a
 * reference on the module.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "pvhook.h"

static int __init pvhook_init(void)
{
	int ret;

	ret = pvhook_registry_init();
	if (ret)
		return ret;

	ret = pvhook_builtin_init();
	if (ret)
		goto registry_exit;

	ret = pvhook_kvm_attach();
	if (ret)
		goto builtin_exit;

	ret = pvhook_device_init();
	if (ret)
		goto kvm_detach;

	pr_info("ABI %u.%u, hypercalls 0x%lx-0x%lx, ftrace direct call on %s\n",
		PVHOOK_ABI_MAJOR, PVHOOK_ABI_MINOR, PVHOOK_HC_BASE,
		PVHOOK_HC_BASE + PVHOOK_HC_COUNT - 1, pvhook_kvm_attach_point());
	return 0;

kvm_detach:
	pvhook_kvm_detach();
	pvhook_vms_exit();
builtin_exit:
	pvhook_builtin_exit();
registry_exit:
	pvhook_registry_exit();
	return ret;
}

static void __exit pvhook_exit(void)
{
	pvhook_device_exit();
	pvhook_kvm_detach();
	pvhook_vms_exit();
	pvhook_builtin_exit();
	pvhook_registry_exit();
}

module_init(pvhook_init);
module_exit(pvhook_exit);

MODULE_DESCRIPTION("Runtime-extensible paravirtual hypercalls for KVM");
MODULE_AUTHOR("The pvhook developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PVHOOK_VERSION);
MODULE_SOFTDEP("pre: kvm");
