// SPDX-License-Identifier: GPL-2.0
/*
 * pvhook_guest.ko: makes a Linux guest's paravirt operations call pvhook
 * hooks. Loads only in a KVM guest whose host answers PVHOOK_HC_PROBE with
 * a compatible ABI; everything else gets -ENODEV and one line in the log,
 * after no hypercall but the probe.
 */
#include <linux/kernel.h>
#include <linux/kvm_para.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "pvhook_guest.h"

unsigned long pvg_host_abi;
unsigned long pvg_host_features;

static char *hooks;
module_param(hooks, charp, 0444);
MODULE_PARM_DESC(hooks,
		 "slots to hook at load: SLOT:MODE[,SLOT:MODE...], MODE one of count, notify, sync (default count); see /sys/kernel/pvhook_guest/slots");
module_param_named(ring_pages, pvg_ring_pages, uint, 0444);
MODULE_PARM_DESC(ring_pages, "pages per CPU record ring, 1-16 (default 4)");
module_param_named(flush_ms, pvg_flush_ms, uint, 0444);
MODULE_PARM_DESC(flush_ms,
		 "send waiting records to the host every this many milliseconds; 0: only when a ring is full or on demand (default 100)");

/* Find a pvhook host; on failure issue no hypercall but the probe. */
static int pvg_detect(void)
{
	long probe;

	if (!kvm_para_available()) {
		pr_info("pvhook_guest: not a KVM guest; not loading\n");
		return -ENODEV;
	}
	probe = kvm_hypercall0(PVHOOK_HC_PROBE);
	if ((probe & PVHOOK_MAGIC_MASK) != PVHOOK_MAGIC) {
		pr_info("pvhook_guest: the host does not offer pvhook (probe answered %ld); not loading\n",
			probe);
		return -ENODEV;
	}
	pvg_host_abi = probe & PVHOOK_VERSION_MASK;
	if (pvg_host_abi >> 8 != PVHOOK_ABI_MAJOR) {
		pr_info("pvhook_guest: the host's pvhook ABI %lu.%lu is not %u.x; not loading\n",
			pvg_host_abi >> 8, pvg_host_abi & 0xff,
			PVHOOK_ABI_MAJOR);
		return -ENODEV;
	}
	pvg_host_features = kvm_hypercall0(PVHOOK_HC_FEATURES);
	if ((long)pvg_host_features < 0)
		pvg_host_features = 0;
	return 0;
}

/* hooks=SLOT[:MODE],... */
static int pvg_apply_hooks(void)
{
	char *list, *cur, *item;
	int ret = 0;

	if (!hooks || !*hooks)
		return 0;
	list = kstrdup(hooks, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((item = strsep(&cur, ",")) && !ret) {
		char *mode_name = strchr(item, ':');
		int mode = PVG_MODE_COUNT;
		struct pvg_slot *s;

		if (mode_name) {
			*mode_name++ = '\0';
			mode = match_string(pvg_mode_names, PVG_NR_MODES,
					    mode_name);
		}
		s = pvg_slot_by_name(item, strlen(item));
		if (!s || mode < 0) {
			pr_err("pvhook_guest: hooks=: unknown %s '%s'\n",
			       s ? "mode" : "slot", s ? mode_name : item);
			ret = -EINVAL;
			break;
		}
		ret = pvg_slot_set_mode(s, mode);
		if (ret)
			pr_err("pvhook_guest: hooks=: cannot hook %s in %s mode: %s (%d)\n",
			       s->name, pvg_mode_names[mode],
			       s->why ?: "not offered by the host", ret);
	}
	kfree(list);
	return ret;
}

static void pvg_report_slots(void)
{
	unsigned int i;

	for (i = 0; i < pvg_nr_slots; i++)
		if (pvg_slots[i].why)
			pr_info("pvhook_guest: slot %s cannot be hooked on this kernel: %s\n",
				pvg_slots[i].name, pvg_slots[i].why);
}

static int __init pvg_init(void)
{
	int ret;

	if (pvg_ring_pages < 1 ||
	    pvg_ring_pages > PVHOOK_RING_SIZE_MAX / PAGE_SIZE) {
		pr_err("pvhook_guest: ring_pages must be 1-%lu\n",
		       PVHOOK_RING_SIZE_MAX / PAGE_SIZE);
		return -EINVAL;
	}
	ret = pvg_detect();
	if (ret)
		return ret;
	ret = pvg_slots_init();
	if (ret)
		return ret;
	ret = pvg_rings_init();
	if (ret)
		goto err_slots;
	ret = pvg_apply_hooks();
	if (ret)
		goto err_rings;
	ret = pvg_sysfs_init();
	if (ret)
		goto err_rings;
	pvg_report_slots();
	pr_info("pvhook_guest: host pvhook ABI %lu.%lu, features %#lx, record rings on %u CPUs\n",
		pvg_host_abi >> 8, pvg_host_abi & 0xff, pvg_host_features,
		pvg_rings_registered());
	return 0;

err_rings:
	/* Detach what hooks= attached before the rings go. */
	pvg_slots_exit();
	pvg_rings_exit();
	pvg_slots_free();
	return ret;
err_slots:
	pvg_slots_exit();
	pvg_slots_free();
	return ret;
}

static void __exit pvg_exit(void)
{
	pvg_sysfs_exit();
	pvg_slots_exit();
	pvg_rings_exit();
	pvg_slots_free();
}

module_init(pvg_init);
module_exit(pvg_exit);

MODULE_DESCRIPTION("pvhook guest: paravirt operations that call pvhook hooks on the host");
MODULE_AUTHOR("The pvhook developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PVHOOK_VERSION);
