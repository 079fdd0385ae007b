/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pvhook: runtime-extensible paravirtual hypercalls for KVM.
 *
 * This header is shared by the host module, guests that issue pvhook
 * hypercalls and host tools. See Documentation/hypercall-abi.rst.
 */
#ifndef _UAPI_LINUX_PVHOOK_H
#define _UAPI_LINUX_PVHOOK_H

#include <linux/const.h>

/*
 * ABI version: major in bits 15..8, minor in bits 7..0. A guest accepts a
 * host whose major version equals its own; minor versions only add.
 */
#define PVHOOK_ABI_MAJOR	1
#define PVHOOK_ABI_MINOR	0
#define PVHOOK_ABI_VERSION	((PVHOOK_ABI_MAJOR << 8) | PVHOOK_ABI_MINOR)

/*
 * PVHOOK_HC_PROBE answers PVHOOK_MAGIC | PVHOOK_ABI_VERSION. The magic
 * occupies bits 31..16, so the answer survives the truncation to 32 bits
 * that a guest not in 64-bit mode sees, and it can never equal a KVM error
 * code (those are small negative numbers).
 */
#define PVHOOK_MAGIC		_AC(0x70760000, UL)	/* "pv" */
#define PVHOOK_MAGIC_MASK	_AC(0xffff0000, UL)
#define PVHOOK_VERSION_MASK	_AC(0x0000ffff, UL)

/*
 * Hypercall numbers. pvhook owns the 256 numbers from PVHOOK_HC_BASE.
 * KVM's own KVM_HC_* numbers are small integers (below 0x100) and Xen and
 * Hyper-V hypercalls never reach the generic KVM path, so the range cannot
 * collide with them. The range is split:
 *
 *   PVHOOK_HC_BASE + 0x00 .. 0x3f   built into pvhook.ko
 *   PVHOOK_HC_BASE + 0x40 .. 0x7f   registered by other host modules
 *   PVHOOK_HC_BASE + 0x80 .. 0xff   reserved for handlers in host processes
 */
#define PVHOOK_HC_BASE		_AC(0x70760000, UL)
#define PVHOOK_HC_COUNT		0x100
#define PVHOOK_HC_MODULE_FIRST	(PVHOOK_HC_BASE + 0x40)
#define PVHOOK_HC_MODULE_LAST	(PVHOOK_HC_BASE + 0x7f)
#define PVHOOK_HC_USER_FIRST	(PVHOOK_HC_BASE + 0x80)
#define PVHOOK_HC_USER_LAST	(PVHOOK_HC_BASE + 0xff)

/* Returns PVHOOK_MAGIC | PVHOOK_ABI_VERSION. */
#define PVHOOK_HC_PROBE		(PVHOOK_HC_BASE + 0x00)
/* Returns the PVHOOK_F_* bitmap of what this host offers. */
#define PVHOOK_HC_FEATURES	(PVHOOK_HC_BASE + 0x01)
/* Returns its first argument unchanged. */
#define PVHOOK_HC_PING		(PVHOOK_HC_BASE + 0x02)

/* Bits returned by PVHOOK_HC_FEATURES. */
#define PVHOOK_F_PROBE		_BITUL(0)
#define PVHOOK_F_FEATURES	_BITUL(1)
#define PVHOOK_F_PING		_BITUL(2)
#define PVHOOK_F_MODULE_HC	_BITUL(3)	/* modules may add numbers */

#endif /* _UAPI_LINUX_PVHOOK_H */
