/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhook_guest.ko: the in-kernel API it exports to other guest modules.
 * See Documentation/guest.rst.
 */
#ifndef _LINUX_PVHOOK_GUEST_H
#define _LINUX_PVHOOK_GUEST_H

#include <linux/list.h>
#include <uapi/linux/pvhook.h>
#include <linux/types.h>

struct module;

/**
 * struct pvhook_guest_hook - a function another module runs on a paravirt
 *                            operation
 * @op: the operation, PVHOOK_OP_* (below PVHOOK_OP_FIRST_FREE)
 * @fn: called after every call of the operation, with the operation's two
 *      arguments (see Documentation/guest.rst); it may run in any context,
 *      NMI included, on any CPU, with interrupts off: it must not sleep,
 *      take sleeping locks or call the operation it hooks
 * @owner: THIS_MODULE of the module that owns @fn
 * @node: used by pvhook_guest.ko
 */
struct pvhook_guest_hook {
	unsigned int op;
	void (*fn)(struct pvhook_guest_hook *hook, unsigned long arg0,
		   unsigned long arg1);
	struct module *owner;
	struct list_head node;
};

long pvhook_guest_hypercall(unsigned long nr, unsigned long a0,
			    unsigned long a1, unsigned long a2,
			    unsigned long a3);
int pvhook_guest_hook_register(struct pvhook_guest_hook *hook);
void pvhook_guest_hook_unregister(struct pvhook_guest_hook *hook);

#endif /* _LINUX_PVHOOK_GUEST_H */
