/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pvhook

#if !defined(_PVHOOK_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _PVHOOK_TRACE_H

#include <linux/kvm_host.h>
#include <linux/tracepoint.h>

#include "pvhook.h"

/*
 * pvhook_hypercall - one hypercall served by pvhook
 * vm: the VMM's pid (as in KVM's debugfs and stats ids), vcpu: vcpu_id
 */
TRACE_EVENT(pvhook_hypercall,
	    TP_PROTO(const struct pvhook_call *call, unsigned long ret),
	    TP_ARGS(call, ret),

	    TP_STRUCT__entry(__field(pid_t, vm)
			     __field(unsigned int, vcpu)
			     __field(unsigned long, nr)
			     __array(unsigned long, args, 4)
			     __field(int, cpl)
			     __field(unsigned long, ret)),

	    TP_fast_assign(__entry->vm = call->vcpu->kvm->userspace_pid;
			   __entry->vcpu = call->vcpu->vcpu_id;
			   __entry->nr = call->nr;
			   memcpy(__entry->args, call->args, sizeof(__entry->args));
			   __entry->cpl = call->cpl;
			   __entry->ret = ret;),

	    TP_printk("vm=%d vcpu=%u nr=0x%lx a0=0x%lx a1=0x%lx a2=0x%lx a3=0x%lx cpl=%d ret=0x%lx",
		      __entry->vm, __entry->vcpu, __entry->nr, __entry->args[0],
		      __entry->args[1], __entry->args[2], __entry->args[3],
		      __entry->cpl, __entry->ret)
);

#endif /* _PVHOOK_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
