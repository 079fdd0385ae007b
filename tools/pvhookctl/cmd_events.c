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

static const struct field event_fields[] = {
	{ "seq", NULL, "seq", FIELD_U64 },
	{ "vcpu", NULL, "vcpu", FIELD_U64 },
	{ "code", NULL, "code", FIELD_HEX },
	{ "data", NULL, "data", FIELD_HEX_LIST },
	{ "cpl", NULL, NULL, FIELD_U64 },
	{ "dropped", NULL, "dropped", FIELD_U64 },
};

static void print_event(const struct pvhook_msg *m)
{
	struct out o;

	out_begin(&o, OUT_RECORD, NULL, event_fields, ARRAY_SIZE(event_fields));
	put_u64(&o, m->seq);
	put_u64(&o, m->vcpu);
	put_u64(&o, m->nr);
	put_u64s(&o, m->args, 3);
	put_u64(&o, m->cpl);
	put_u64(&o, m->dropped);
	out_end(&o);
}

static const struct field record_fields[] = {
	{ "type", NULL, NULL, FIELD_STR },
	{ "seq", NULL, "seq", FIELD_U64 },
	{ "vcpu", NULL, "vcpu", FIELD_U64 },
	{ "slot", NULL, NULL, FIELD_U64 },
	{ "op", NULL, "op", FIELD_STR },
	{ "args", NULL, "args", FIELD_HEX_LIST },
	{ "time_ns", NULL, "time", FIELD_U64 },
	{ "cpu", NULL, "cpu", FIELD_U64 },
	{ "sync", NULL, NULL, FIELD_BOOL },
	{ NULL, NULL, "", FIELD_STR },		/* "sync" or "ring" */
	{ "dropped", NULL, "dropped", FIELD_U64 },
};

static void print_record(const struct pvhook_msg *m)
{
	bool sync = m->flags & PVHOOK_MSG_F_SYNC;
	char name[OP_NAME_SIZE];
	struct out o;

	out_begin(&o, OUT_RECORD, NULL, record_fields,
		  ARRAY_SIZE(record_fields));
	put_str(&o, "record");
	put_u64(&o, m->seq);
	put_u64(&o, m->vcpu);
	put_u64(&o, m->nr);
	put_str(&o, op_name(name, sizeof(name), m->nr));
	put_u64s(&o, m->args, 2);
	put_u64(&o, m->args[2]);
	put_u64(&o, m->args[3]);
	put_u64(&o, sync);
	put_str(&o, sync ? "sync" : "ring");
	put_u64(&o, m->dropped);
	out_end(&o);
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
