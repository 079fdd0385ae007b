// SPDX-License-Identifier: GPL-2.0
/*
 * What the shapes ARGS (6.12) and REGS (7.x) share, Kbuild's kernels after
 * 6.1: ftrace's ops-based direct-call API under its plain names, and an
 * owner on the operations of KVM's VM file. See kvm_hook.h.
 */
#include <linux/fs.h>
#include <linux/ftrace.h>
#include <linux/kvm_host.h>
#include <linux/magic.h>
#include <linux/module.h>
#include <linux/static_call_types.h>
#include <linux/string.h>

#include "kvm_hook.h"

/* ARGS and REGS use nothing of KVM besides the key of get_cs_db_l_bits(). */
int pvhook_kvm_helpers_get(void)
{
	return 0;
}

void pvhook_kvm_helpers_put(void)
{
}

int pvhook_register_direct(struct ftrace_ops *ops, unsigned long addr)
{
	return register_ftrace_direct(ops, addr);
}

void pvhook_unregister_direct(struct ftrace_ops *ops, unsigned long addr)
{
	unregister_ftrace_direct(ops, addr, true);
}

unsigned long pvhook_fregs_arg0(struct ftrace_regs *fregs)
{
	return ftrace_regs_get_argument(fregs, 0);
}

bool pvhook_kvm_is_vm_file(struct file *file)
{
	void *vendor_op;

	if (file_inode(file)->i_sb->s_magic != ANON_INODE_FS_MAGIC ||
	    strcmp(file_dentry(file)->d_name.name, "kvm-vm") ||
	    !file->f_op->owner)
		return false;
	/*
	 * KVM sets the owner of its VM file's operations to the vendor
	 * module (kvm_amd, kvm_intel), whose get_cs_db_l_bits() the static
	 * call key holds: a file of another module's is not KVM's. The file
	 * pins its owner, so the test cannot race with that module's unload.
	 */
	vendor_op = READ_ONCE(pvhook_cs_db_l_key->func);
	return vendor_op &&
	       within_module((unsigned long)vendor_op, file->f_op->owner);
}
