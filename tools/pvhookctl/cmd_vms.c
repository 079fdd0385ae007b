// SPDX-License-Identifier: GPL-2.0
/*
 * pvhookctl list, stats and watch: the VMs pvhook knows, their numbers'
 * statistics and their guests' paravirt operations.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pvhookctl.h"

static const char list_help[] =
"usage: pvhookctl [--json] list\n"
"\n"
"List the VMs pvhook knows: its id, the VMM's pid, KVM's stats id, vCPUs,\n"
"whether pvhook is enabled, open handles, and the VM's calls, errors,\n"
"throttled calls and events.\n";

static const char stats_help[] =
"usage: pvhookctl [--json] stats [VM]\n"
"\n"
"Per-number statistics of one VM, or of every VM: calls, errors,\n"
"throttled calls, and the 50th and 99th percentile and maximum of the time\n"
"pvhook spent answering, from its power-of-two histogram (a bound such as\n"
"\"<65.6us\"). --json gives the raw histogram instead.\n"
"\n"
"Then the VM's paravirt operations, if its guest reported any (ABI 1.2):\n"
"per operation, the records taken from its rings and the synchronous\n"
"PVHOOK_HC_OP calls, with the doorbells that took records and what was\n"
"rejected.\n"
"\n"
"VM is pvhook's id, the VMM's pid or KVM's stats id (kvm-PID); a plain\n"
"number is an id if a VM has that id, else a pid. \"id:N\" and \"pid:N\"\n"
"say which.\n";

static const char watch_help[] =
"usage: pvhookctl [--json] watch [--interval SEC] [--count N]\n"
"\n"
"Every interval, print each VM's calls, errors and throttled calls per\n"
"second, then a \"top\" of the guests' paravirt operations: each VM's\n"
"operations by records and synchronous calls per second, busiest first.\n"
"The screen is cleared first when standard output is a terminal; --json\n"
"prints one JSON object per line per refresh.\n"
"\n"
"  -i, --interval SEC   seconds between refreshes (default 1, fractions\n"
"                       allowed)\n"
"  -c, --count N        stop after N refreshes (default: until SIGINT)\n";

/* A VM's information: a row of list, or show's lines. */
static const struct field vm_fields[] = {
	{ "id", "ID", "VM id", FIELD_U64 },
	{ "pid", "PID", "pid", FIELD_S64 },
	{ "stats_id", "STATS_ID", "stats id", FIELD_STR },
	{ "nr_vcpus", "VCPUS", "vCPUs", FIELD_U64 },
	{ "enabled", "ENABLED", "enabled", FIELD_BOOL },
	{ "attached", NULL, NULL, FIELD_BOOL },
	{ "nr_handles", "HANDLES", "handles", FIELD_U64 },
	{ "calls", "CALLS", "calls", FIELD_U64 },
	{ "errors", "ERRORS", "errors", FIELD_U64 },
	{ "throttled", "THROTTLED", "throttled", FIELD_U64 },
	{ "events", "EVENTS", "events", FIELD_U64 },
};

static void put_vm_info(struct out *o, const struct pvhook_vm_info *vi)
{
	put_u64(o, vi->id);
	put_u64(o, vi->pid);
	put_str(o, vi->stats_id);
	put_u64(o, vi->nr_vcpus);
	put_u64(o, vi->flags & PVHOOK_VM_F_ENABLED);
	put_u64(o, vi->flags & PVHOOK_VM_F_ATTACHED);
	put_u64(o, vi->nr_handles);
	put_u64(o, vi->calls);
	put_u64(o, vi->errors);
	put_u64(o, vi->throttled);
	put_u64(o, vi->events);
}

void out_vm_info(const char *key, const struct pvhook_vm_info *vi)
{
	struct out o;

	out_begin(&o, OUT_OBJECT, key, vm_fields, ARRAY_SIZE(vm_fields));
	put_vm_info(&o, vi);
	out_end(&o);
}

/* ------------------------------------------------------------------ */
/* list */

int cmd_list(int argc, char **argv)
{
	struct pvhook_vm_info *vms;
	struct out doc, o;
	int dev;
	u32 n, i;

	parse_help_only(argc, argv, "list", list_help);
	no_more_args(argc, argv, "list");
	dev = dev_open(O_RDONLY);
	vms = dev_list_vms(dev, &n);
	out_begin(&doc, OUT_OBJECT, NULL, NULL, 0);
	out_begin(&o, OUT_LIST, "vms", vm_fields, ARRAY_SIZE(vm_fields));
	for (i = 0; i < n; i++) {
		out_row(&o);
		put_vm_info(&o, &vms[i]);
	}
	out_end(&o);
	out_end(&doc);
	free(vms);
	close(dev);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Choosing a VM */

enum vm_key { BY_ID, BY_PID, BY_STATS_ID };

static bool vm_matches(const struct pvhook_vm_info *vi, enum vm_key key,
		       u64 num, const char *str)
{
	switch (key) {
	case BY_ID:
		return vi->id == num;
	case BY_PID:
		return vi->pid >= 0 && (u64)vi->pid == num;
	default:
		return !strcmp(vi->stats_id, str);
	}
}

/* The one VM that matches; none or several is an error. */
static const struct pvhook_vm_info *
select_one(const struct pvhook_vm_info *vms, u32 n, enum vm_key key,
	   u64 num, const char *sel)
{
	const struct pvhook_vm_info *found = NULL;
	u32 i, matches = 0;

	for (i = 0; i < n; i++) {
		if (!vm_matches(&vms[i], key, num, sel))
			continue;
		found = &vms[i];
		matches++;
	}
	if (!matches)
		fatal("pvhook knows no VM '%s' (see 'pvhookctl list')", sel);
	if (matches > 1)
		fatal("%u VMs match '%s'; give the id (see 'pvhookctl list')",
		      matches, sel);
	return found;
}

static bool has_id(const struct pvhook_vm_info *vms, u32 n, u64 id)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (vms[i].id == id)
			return true;
	return false;
}

/* "id:N", "pid:N", N (an id if one VM has it, else a pid) or a stats id. */
static const struct pvhook_vm_info *
select_vm(const struct pvhook_vm_info *vms, u32 n, const char *sel)
{
	u64 num;

	if (!strncmp(sel, "id:", 3))
		return select_one(vms, n, BY_ID,
				  arg_u64("stats", "VM id", sel + 3, ~0ULL),
				  sel);
	if (!strncmp(sel, "pid:", 4))
		return select_one(vms, n, BY_PID,
				  arg_u64("stats", "pid", sel + 4, ~0ULL), sel);
	if (parse_u64(sel, &num))
		return select_one(vms, n, BY_STATS_ID, 0, sel);
	return select_one(vms, n, has_id(vms, n, num) ? BY_ID : BY_PID, num,
			  sel);
}

/* ------------------------------------------------------------------ */
/* stats */

#define HIST_LAST	(PVHOOK_HIST_BUCKETS - 1)

/* The histogram bucket that holds the @pct percentile; -1 if empty. */
static int hist_percentile(const u64 *hist, unsigned int pct)
{
	u64 total = 0, rank, sum = 0;
	int b;

	for (b = 0; b <= HIST_LAST; b++)
		total += hist[b];
	if (!total)
		return -1;
	rank = total / 100 * pct + ((total % 100) * pct + 99) / 100;
	for (b = 0; b < HIST_LAST; b++) {
		sum += hist[b];
		if (sum >= rank)
			break;
	}
	return b;
}

static int hist_max(const u64 *hist)
{
	int b;

	for (b = HIST_LAST; b >= 0; b--)
		if (hist[b])
			return b;
	return -1;
}

/* @ns in ns, us, ms or s with three digits, rounded up or down. */
static void fmt_ns(char *buf, size_t size, u64 ns, bool up)
{
	static const struct { u64 scale; const char *unit; } units[] = {
		{ 1000000000, "s" }, { 1000000, "ms" }, { 1000, "us" },
	};
	u64 scale = 1, frac = 1, v;
	const char *unit = "ns";
	size_t i;

	/* The largest unit @ns reaches. */
	for (i = 0; i < ARRAY_SIZE(units); i++)
		if (ns >= units[i].scale)
			break;
	if (i < ARRAY_SIZE(units)) {
		scale = units[i].scale;
		unit = units[i].unit;
	}
	if (scale > 1 && ns / scale < 10)
		frac = 100;
	else if (scale > 1 && ns / scale < 100)
		frac = 10;
	v = (ns * frac + (up ? scale - 1 : 0)) / scale;
	if (frac == 100)
		snprintf(buf, size, "%llu.%02llu%s", v / 100, v % 100, unit);
	else if (frac == 10)
		snprintf(buf, size, "%llu.%llu%s", v / 10, v % 10, unit);
	else
		snprintf(buf, size, "%llu%s", v, unit);
}

/* A histogram bucket as a bound: "<65.6us", ">=2.14s", or "-". */
static void fmt_bucket(char *buf, size_t size, int b)
{
	if (b < 0) {
		snprintf(buf, size, "-");
	} else if (b == HIST_LAST) {
		buf[0] = '>';
		buf[1] = '=';
		fmt_ns(buf + 2, size - 2, 1ULL << HIST_LAST, false);
	} else {
		buf[0] = '<';
		fmt_ns(buf + 1, size - 1, 1ULL << (b + 1), true);
	}
}

/* A number's statistics: a table's row for people. */
static const struct field number_fields[] = {
	{ "nr", "NR", NULL, FIELD_HEX },
	{ "name", NULL, NULL, FIELD_STR },	/* an in-kernel number's */
	{ NULL, "NAME", NULL, FIELD_STR },
	{ "calls", "CALLS", NULL, FIELD_U64 },
	{ "errors", "ERRORS", NULL, FIELD_U64 },
	{ "throttled", "THROTTLED", NULL, FIELD_U64 },
	{ NULL, "P50", NULL, FIELD_STR },
	{ NULL, "P99", NULL, FIELD_STR },
	{ NULL, "MAX", NULL, FIELD_STR },
	{ "time_hist", NULL, NULL, FIELD_HEX_LIST },
};

static void put_hc_stats(struct out *o, int dev,
			 const struct pvhook_hc_stats *s)
{
	bool user = s->nr >= PVHOOK_HC_USER_FIRST &&
		    s->nr <= PVHOOK_HC_USER_LAST;
	struct pvhook_hc_info hci;
	const char *name = NULL;
	char buf[32];

	if (!dev_get_hc_info(dev, s->nr, &hci))
		name = hci.name;
	put_u64(o, s->nr);
	put_str(o, name);
	put_str(o, name ? name : user ? "(user range)" : "-");
	put_u64(o, s->calls);
	put_u64(o, s->errors);
	put_u64(o, s->throttled);
	fmt_bucket(buf, sizeof(buf), hist_percentile(s->time_hist, 50));
	put_str(o, buf);
	fmt_bucket(buf, sizeof(buf), hist_percentile(s->time_hist, 99));
	put_str(o, buf);
	fmt_bucket(buf, sizeof(buf), hist_max(s->time_hist));
	put_str(o, buf);
	put_u64s(o, s->time_hist, PVHOOK_HIST_BUCKETS);
}

/* A VM's paravirt operations: stats has the first two, watch all. */
static const struct field ops_fields[] = {
	{ "flushes", NULL, NULL, FIELD_U64 },
	{ "rejected", NULL, NULL, FIELD_U64 },
	{ "flushes_per_s", NULL, NULL, FIELD_DOUBLE },
	{ "rejected_per_s", NULL, NULL, FIELD_DOUBLE },
};

/* An operation: stats has its counts (op_fields[1..4]), watch all. */
static const struct field op_fields[] = {
	{ NULL, "VM", NULL, FIELD_U64 },
	{ "slot", "SLOT", NULL, FIELD_U64 },
	{ "op", "OP", NULL, FIELD_STR },
	{ "records", "RECORDS", NULL, FIELD_U64 },
	{ "sync_calls", "SYNC", NULL, FIELD_U64 },
	{ "records_per_s", "RECORDS/S", NULL, FIELD_DOUBLE },
	{ "sync_per_s", "SYNC/S", NULL, FIELD_DOUBLE },
};

static void put_op(struct out *o, const struct pvhook_op_stats *st)
{
	char name[OP_NAME_SIZE];

	put_u64(o, st->slot);
	put_str(o, op_name(name, sizeof(name), st->slot));
	put_u64(o, st->records);
	put_u64(o, st->sync_calls);
}

static void put_vm_ops(const struct vm_ops *ops)
{
	struct out o, slots;
	u32 i;

	print_text("\nparavirt operations: %llu flushes, %llu rejected\n",
		   ops->flushes, ops->rejected);
	out_begin(&o, OUT_OBJECT, "ops", ops_fields, 2);
	put_u64(&o, ops->flushes);
	put_u64(&o, ops->rejected);
	out_begin(&slots, OUT_LIST, "slots", op_fields + 1, 4);
	for (i = 0; i < ops->n; i++) {
		out_row(&slots);
		put_op(&slots, &ops->st[i]);
	}
	out_end(&slots);
	out_end(&o);
}

/* A VM in stats: for people, a heading line instead. */
static const struct field vm_stats_fields[] = {
	{ "id", NULL, NULL, FIELD_U64 },
	{ "pid", NULL, NULL, FIELD_S64 },
	{ "stats_id", NULL, NULL, FIELD_STR },
};

/*
 * Print the statistics of one VM, a row of @vms. A VM destroyed since the
 * list was read is an error only when it was asked for by name (@must).
 */
static void show_vm_stats(struct out *vms, int dev,
			  const struct pvhook_vm_info *vi, bool must,
			  bool first)
{
	struct pvhook_hc_stats *st = xcalloc(PVHOOK_HC_COUNT, sizeof(*st));
	struct vm_ops *ops = xcalloc(1, sizeof(*ops));
	bool ops_ok;
	struct out o;
	u32 n, i;

	if (dev_vm_stats(dev, vi->id, st, &n)) {
		if (must)
			fatal("VM %llu is gone", vi->id);
		goto out;
	}
	ops_ok = !dev_vm_ops(dev, vi->id, ops);
	out_row(vms);
	put_u64(vms, vi->id);
	put_u64(vms, vi->pid);
	put_str(vms, vi->stats_id);
	print_text("%sVM %llu (pid %d, %s)\n", first ? "" : "\n", vi->id,
		   vi->pid, vi->stats_id);
	out_begin(&o, OUT_LIST, "numbers", number_fields,
		  ARRAY_SIZE(number_fields));
	for (i = 0; i < n; i++) {
		out_row(&o);
		put_hc_stats(&o, dev, &st[i]);
	}
	out_end(&o);
	/* For people, only operations a guest reported. */
	if (ops_ok && (opts.json || ops->n || ops->flushes || ops->rejected))
		put_vm_ops(ops);
out:
	free(ops);
	free(st);
}

int cmd_stats(int argc, char **argv)
{
	const struct pvhook_vm_info *one = NULL;
	struct pvhook_vm_info *vms;
	const char *sel = NULL;
	struct out doc, o;
	int dev;
	u32 n, i;

	parse_help_only(argc, argv, "stats", stats_help);
	if (optind < argc)
		sel = argv[optind++];
	no_more_args(argc, argv, "stats");
	dev = dev_open(O_RDONLY);
	vms = dev_list_vms(dev, &n);
	if (sel)
		one = select_vm(vms, n, sel);
	out_begin(&doc, OUT_OBJECT, NULL, NULL, 0);
	out_begin(&o, OUT_LIST, "vms", vm_stats_fields,
		  ARRAY_SIZE(vm_stats_fields));
	if (one)
		show_vm_stats(&o, dev, one, true, true);
	for (i = 0; !one && i < n; i++)
		show_vm_stats(&o, dev, &vms[i], false, i == 0);
	out_end(&o);
	if (!sel && !n)
		print_text("pvhook knows no VMs\n");
	out_end(&doc);
	free(vms);
	close(dev);
	return 0;
}

/* ------------------------------------------------------------------ */
/* watch */

struct sample {
	struct pvhook_vm_info *vms;
	struct vm_ops *ops;	/* by VM, as vms; n 0 for a VM without */
	u32 n;
	double time;		/* CLOCK_MONOTONIC, seconds */
};

static void take_sample(int dev, struct sample *s)
{
	struct timespec ts;
	u32 i;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->vms = dev_list_vms(dev, &s->n);
	s->time = ts.tv_sec + ts.tv_nsec / 1e9;
	s->ops = xcalloc(s->n, sizeof(*s->ops));
	/* A VM gone since the list, or a module before ABI 1.2: no ops. */
	for (i = 0; i < s->n; i++)
		dev_vm_ops(dev, s->vms[i].id, &s->ops[i]);
}

static void free_sample(struct sample *s)
{
	free(s->vms);
	free(s->ops);
}

/* The index of the VM with @id in @s, or -1: a VM new since then. */
static int sample_index(const struct sample *s, u64 id)
{
	u32 i;

	for (i = 0; i < s->n; i++)
		if (s->vms[i].id == id)
			return i;
	return -1;
}

/* The VM with @id in @s; a VM new since then counts from zero. */
static const struct pvhook_vm_info *sample_vm(const struct sample *s, u64 id)
{
	static const struct pvhook_vm_info none;
	int i = sample_index(s, id);

	return i < 0 ? &none : &s->vms[i];
}

static const struct vm_ops *sample_ops(const struct sample *s, u64 id)
{
	static const struct vm_ops none;
	int i = sample_index(s, id);

	return i < 0 ? &none : &s->ops[i];
}

/* One operation of one VM in the "top". */
struct op_row {
	const struct pvhook_vm_info *vi;
	const struct pvhook_op_stats *cur;
	double records, sync;	/* per second */
};

/* @slot's counters in @ops, or zeros. */
static struct pvhook_op_stats op_prev(const struct vm_ops *ops, u32 slot)
{
	struct pvhook_op_stats none = { .slot = slot };
	u32 i;

	for (i = 0; i < ops->n; i++)
		if (ops->st[i].slot == slot)
			return ops->st[i];
	return none;
}

static int op_row_cmp(const void *a, const void *b)
{
	const struct op_row *x = a, *y = b;
	double rx = x->records + x->sync, ry = y->records + y->sync;

	if (rx != ry)
		return rx < ry ? 1 : -1;
	if (x->vi->id != y->vi->id)
		return x->vi->id < y->vi->id ? -1 : 1;
	return x->cur->slot < y->cur->slot ? -1 : 1;
}

/* Every VM's operations with their rates, VM by VM; free() them. */
static struct op_row *op_rows(const struct sample *prev,
			      const struct sample *cur, u32 *count)
{
	double secs = cur->time - prev->time;
	struct op_row *rows;
	struct pvhook_op_stats p;
	const struct vm_ops *ops;
	u32 i, j, n = 0;

	rows = xcalloc((size_t)cur->n * PVHOOK_OP_COUNT, sizeof(*rows));
	for (i = 0; i < cur->n; i++) {
		ops = &cur->ops[i];
		for (j = 0; j < ops->n; j++) {
			p = op_prev(sample_ops(prev, cur->vms[i].id),
				    ops->st[j].slot);
			rows[n].vi = &cur->vms[i];
			rows[n].cur = &ops->st[j];
			rows[n].records = (ops->st[j].records - p.records) / secs;
			rows[n].sync = (ops->st[j].sync_calls - p.sync_calls) /
				       secs;
			n++;
		}
	}
	*count = n;
	return rows;
}

static void put_op_rate(struct out *o, const struct op_row *row)
{
	put_u64(o, row->vi->id);
	put_op(o, row->cur);
	put_double(o, row->records);
	put_double(o, row->sync);
}

/* For people: every VM's operations, busiest first. */
static void print_op_top(struct op_row *rows, u32 n)
{
	struct out o;
	u32 i;

	if (!n)
		return;
	qsort(rows, n, sizeof(*rows), op_row_cmp);
	printf("\nparavirt operations\n");
	out_begin(&o, OUT_LIST, NULL, op_fields, ARRAY_SIZE(op_fields));
	for (i = 0; i < n; i++) {
		out_row(&o);
		put_op_rate(&o, &rows[i]);
	}
	out_end(&o);
}

/* In JSON: the "ops" of VM @i of @cur, whose operations are @rows. */
static void put_vm_op_rates(const struct sample *prev,
			    const struct sample *cur, u32 i,
			    const struct op_row *rows)
{
	const struct vm_ops *ops = &cur->ops[i];
	const struct vm_ops *pops = sample_ops(prev, cur->vms[i].id);
	double secs = cur->time - prev->time;
	struct out o, slots;
	u32 j;

	out_begin(&o, OUT_OBJECT, "ops", ops_fields, ARRAY_SIZE(ops_fields));
	put_u64(&o, ops->flushes);
	put_u64(&o, ops->rejected);
	put_double(&o, (ops->flushes - pops->flushes) / secs);
	put_double(&o, (ops->rejected - pops->rejected) / secs);
	out_begin(&slots, OUT_LIST, "slots", op_fields, ARRAY_SIZE(op_fields));
	for (j = 0; j < ops->n; j++) {
		out_row(&slots);
		put_op_rate(&slots, &rows[j]);
	}
	out_end(&slots);
	out_end(&o);
}

static const struct field watch_fields[] = {
	{ "time", NULL, NULL, FIELD_U64 },
	{ "interval", NULL, NULL, FIELD_DOUBLE },
};

static const struct field rate_fields[] = {
	{ "id", "ID", NULL, FIELD_U64 },
	{ "pid", "PID", NULL, FIELD_S64 },
	{ "stats_id", "STATS_ID", NULL, FIELD_STR },
	{ "calls", "CALLS", NULL, FIELD_U64 },
	{ "errors", NULL, NULL, FIELD_U64 },
	{ "throttled", NULL, NULL, FIELD_U64 },
	{ "calls_per_s", "CALLS/S", NULL, FIELD_DOUBLE },
	{ "errors_per_s", "ERRORS/S", NULL, FIELD_DOUBLE },
	{ "throttled_per_s", "THROTTLED/S", NULL, FIELD_DOUBLE },
};

static void put_rates(const struct sample *prev, const struct sample *cur)
{
	double secs = cur->time - prev->time;
	const struct pvhook_vm_info *vi, *p;
	struct op_row *rows;
	struct out doc, o;
	u32 i, n, first = 0;

	if (!opts.json && isatty(STDOUT_FILENO))
		fputs("\033[H\033[2J", stdout);
	print_text("pvhook: %u VMs, rates over %.1f s\n\n", cur->n, secs);
	rows = op_rows(prev, cur, &n);
	out_begin(&doc, OUT_OBJECT, NULL, watch_fields,
		  ARRAY_SIZE(watch_fields));
	put_u64(&doc, time(NULL));
	put_double(&doc, secs);
	out_begin(&o, OUT_LIST, "vms", rate_fields, ARRAY_SIZE(rate_fields));
	for (i = 0; i < cur->n; i++) {
		vi = &cur->vms[i];
		p = sample_vm(prev, vi->id);
		out_row(&o);
		put_u64(&o, vi->id);
		put_u64(&o, vi->pid);
		put_str(&o, vi->stats_id);
		put_u64(&o, vi->calls);
		put_u64(&o, vi->errors);
		put_u64(&o, vi->throttled);
		put_double(&o, (vi->calls - p->calls) / secs);
		put_double(&o, (vi->errors - p->errors) / secs);
		put_double(&o, (vi->throttled - p->throttled) / secs);
		if (opts.json)
			put_vm_op_rates(prev, cur, i, rows + first);
		first += cur->ops[i].n;
	}
	out_end(&o);
	if (!opts.json)
		print_op_top(rows, n);
	out_end(&doc);
	free(rows);
}

static void watch(int dev, double interval, u64 count)
{
	struct sample prev, cur;
	u64 i;

	take_sample(dev, &prev);
	for (i = 0; !count || i < count; i++) {
		sleep_interruptible(interval);
		if (stop_requested)
			break;
		take_sample(dev, &cur);
		put_rates(&prev, &cur);
		free_sample(&prev);
		prev = cur;
	}
	free_sample(&prev);
}

int cmd_watch(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct optspec spec = {
		.cmd = "watch", .help = watch_help, .shortopts = "i:c:h",
		.longopts = longopts,
	};
	double interval = 1;
	u64 count = 0;
	int c, dev;

	while ((c = next_option(argc, argv, &spec)) != -1) {
		if (c == 'i')
			interval = arg_seconds("watch", "interval", optarg);
		else if (c == 'c')
			count = arg_u64("watch", "count", optarg, ~0ULL);
	}
	no_more_args(argc, argv, "watch");
	dev = dev_open(O_RDONLY);
	signals_init();
	watch(dev, interval, count);
	close(dev);
	return 0;
}
