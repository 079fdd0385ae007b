// SPDX-License-Identifier: GPL-2.0
/*
 * pvhookctl attach ... events: print the events the VM posts with
 * PVHOOK_HC_NOTIFY and, with --records, its paravirt-operation records.
 */
#include <stdlib.h>

#include "pvhookctl.h"

static const char events_help[] =
"usage: pvhookctl [--json] attach --pid PID [--fd N] events [--queue N]\n"
"           [--count N] [--records]\n"
"\n"
"Receive the VM's PVHOOK_HC_NOTIFY events and print each one: its sequence\n"
"number, vCPU, code, three data words, and how many events the queue has\n"
"dropped so far.\n"
"\n"
"  -q, --queue N    events the queue holds before it drops new ones,\n"
"                   1..65536 (default 256)\n"
"  -c, --count N    exit after N events and records (default: until SIGINT\n"
"                   or SIGTERM)\n"
"  -r, --records    the guest's paravirt-operation records too: sequence\n"
"                   number, vCPU, operation, its two arguments, the guest's\n"
"                   time and CPU, \"ring\" or \"sync\" (PVHOOK_HC_OP), and\n"
"                   the drop count; they share the queue with the events\n";

struct events_args {
	u32 queue;
	u64 count;
	bool records;
};

void *events_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "queue", required_argument, NULL, 'q' },
		{ "count", required_argument, NULL, 'c' },
		{ "records", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct optspec spec = {
		.cmd = "attach events", .help = events_help,
		.shortopts = "q:c:rh", .longopts = longopts,
	};
	struct events_args *ea = xcalloc(1, sizeof(*ea));
	int c;

	ea->queue = PVHOOK_EVENTS_QUEUE_DEFAULT;
	while ((c = next_option(argc, argv, &spec)) != -1) {
		if (c == 'q')
			ea->queue = arg_u64("attach events", "queue", optarg,
					    PVHOOK_EVENTS_QUEUE_MAX);
		else if (c == 'c')
			ea->count = arg_u64("attach events", "count", optarg,
					    ~0ULL);
		else if (c == 'r')
			ea->records = true;
	}
	no_more_args(argc, argv, "attach events");
	if (!ea->queue)
		usage_error("attach events", "queue must be 1 or more");
	return ea;
}

static void print_event(const struct pvhook_msg *m)
{
	if (opts.json) {
		json_obj_begin(NULL);
		json_u64("seq", m->seq);
		json_u64("vcpu", m->vcpu);
		json_u64("code", m->nr);
		json_arr_begin("data");
		json_u64(NULL, m->args[0]);
		json_u64(NULL, m->args[1]);
		json_u64(NULL, m->args[2]);
		json_arr_end();
		json_u64("cpl", m->cpl);
		json_u64("dropped", m->dropped);
		json_obj_end();
		json_end_line();
		return;
	}
	printf("seq %llu vcpu %u code 0x%llx", m->seq, m->vcpu, m->nr);
	printf(" data 0x%llx 0x%llx 0x%llx dropped %llu\n", m->args[0],
	       m->args[1], m->args[2], m->dropped);
}

static void print_record(const struct pvhook_msg *m)
{
	const char *how = m->flags & PVHOOK_MSG_F_SYNC ? "sync" : "ring";
	char name[OP_NAME_SIZE];

	op_name(name, sizeof(name), m->nr);
	if (opts.json) {
		json_obj_begin(NULL);
		json_str("type", "record");
		json_u64("seq", m->seq);
		json_u64("vcpu", m->vcpu);
		json_u64("slot", m->nr);
		json_str("op", name);
		json_arr_begin("args");
		json_u64(NULL, m->args[0]);
		json_u64(NULL, m->args[1]);
		json_arr_end();
		json_u64("time_ns", m->args[2]);
		json_u64("cpu", m->args[3]);
		json_bool("sync", m->flags & PVHOOK_MSG_F_SYNC);
		json_u64("dropped", m->dropped);
		json_obj_end();
		json_end_line();
		return;
	}
	printf("seq %llu vcpu %u op %s args 0x%llx 0x%llx", m->seq, m->vcpu,
	       name, m->args[0], m->args[1]);
	printf(" time %llu cpu %llu %s dropped %llu\n", m->args[2], m->args[3],
	       how, m->dropped);
}

int events_run(int h, void *args)
{
	struct events_args *ea = args;
	struct pvhook_msg msgs[16];
	u64 done = 0;
	size_t n, i;

	signals_init();
	vm_events(h, ea->queue, ea->records ? PVHOOK_EVENTS_F_RECORDS : 0);
	while (!ea->count || done < ea->count) {
		n = msg_batch(ea->count, done, ARRAY_SIZE(msgs));
		n = vm_wait_msgs(h, msgs, n);
		if (!n)
			break;
		for (i = 0; i < n; i++) {
			if (msgs[i].type == PVHOOK_MSG_EVENT)
				print_event(&msgs[i]);
			else if (msgs[i].type == PVHOOK_MSG_RECORD)
				print_record(&msgs[i]);
			else
				continue;
			done++;
		}
	}
	return 0;
}
