// SPDX-License-Identifier: GPL-2.0
/*
 * The hypercalls built into pvhook.ko. PROBE, FEATURES, PING and NOTIFY
 * never sleep; RING_FLUSH may, while it reads guest memory (records.c).
 */
#include <linux/kernel.h>
#include <linux/kvm_host.h>
#include <linux/module.h>

#include "pvhook.h"

static unsigned long pvhook_hc_probe(const struct pvhook_call *call)
{
	return PVHOOK_MAGIC | PVHOOK_ABI_VERSION;
}

/* What PVHOOK_HC_FEATURES and PVHOOK_GET_INFO report. */
u64 pvhook_features(void)
{
	return PVHOOK_F_PROBE | PVHOOK_F_FEATURES | PVHOOK_F_PING |
	       PVHOOK_F_MODULE_HC | PVHOOK_F_NOTIFY | PVHOOK_F_USER_HC |
	       PVHOOK_F_RING | PVHOOK_F_OP;
}

static unsigned long pvhook_hc_features(const struct pvhook_call *call)
{
	return pvhook_features();
}

unsigned long pvhook_hc_ping(const struct pvhook_call *call)
{
	return call->args[0];
}

/* The dispatcher made the VM known before calling us. */
unsigned long pvhook_hc_notify(const struct pvhook_call *call)
{
	struct pvhook_vm *vm = pvhook_vm_find_live(call->vcpu->kvm);

	return vm ? pvhook_events_post(vm, call) : 0;
}

static struct pvhook_hypercall pvhook_builtins[] = {
	{
		.nr = PVHOOK_HC_PROBE,
		.name = "probe",
		.handler = pvhook_hc_probe,
		.owner = THIS_MODULE,
	},
	{
		.nr = PVHOOK_HC_FEATURES,
		.name = "features",
		.handler = pvhook_hc_features,
		.owner = THIS_MODULE,
	},
	{
		.nr = PVHOOK_HC_PING,
		.name = "ping",
		.handler = pvhook_hc_ping,
		.owner = THIS_MODULE,
	},
	{
		.nr = PVHOOK_HC_NOTIFY,
		.name = "notify",
		.handler = pvhook_hc_notify,
		.owner = THIS_MODULE,
	},
	{
		.nr = PVHOOK_HC_RING_SETUP,
		.name = "ring_setup",
		.handler = pvhook_hc_ring_setup,
		.owner = THIS_MODULE,
	},
	{
		.nr = PVHOOK_HC_RING_FLUSH,
		.name = "ring_flush",
		.handler = pvhook_hc_ring_flush,
		.owner = THIS_MODULE,
	},
	{
		.nr = PVHOOK_HC_OP,
		.name = "op",
		.handler = pvhook_hc_op,
		.owner = THIS_MODULE,
	},
};

int pvhook_builtin_init(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(pvhook_builtins); i++) {
		ret = pvhook_registry_add(&pvhook_builtins[i]);
		if (ret) {
			while (--i >= 0)
				pvhook_registry_remove(&pvhook_builtins[i]);
			return ret;
		}
	}
	return 0;
}

void pvhook_builtin_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(pvhook_builtins); i++)
		pvhook_registry_remove(&pvhook_builtins[i]);
}
