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

void json_vm_info(const char *key, const struct pvhook_vm_info *vi)
{
	json_obj_begin(key);
	json_u64("id", vi->id);
	json_s64("pid", vi->pid);
	json_str("stats_id", vi->stats_id);
	json_u64("nr_vcpus", vi->nr_vcpus);
	json_bool("enabled", vi->flags & PVHOOK_VM_F_ENABLED);
	json_bool("attached", vi->flags & PVHOOK_VM_F_ATTACHED);
	json_u64("nr_handles", vi->nr_handles);
	json_u64("calls", vi->calls);
	json_u64("errors", vi->errors);
	json_u64("throttled", vi->throttled);
	json_u64("events", vi->events);
	json_obj_end();
}

/* ------------------------------------------------------------------ */
/* list */

static void print_vm_list(const struct pvhook_vm_info *vms, u32 n)
{
	static const char *const headers[] = {
		"ID", "PID", "STATS_ID", "VCPUS", "ENABLED", "HANDLES",
		"CALLS", "ERRORS", "THROTTLED", "EVENTS",
	};
	struct table *t = table_new(headers, ARRAY_SIZE(headers));
	const struct pvhook_vm_info *vi;

	for (vi = vms; vi < vms + n; vi++) {
		table_u64(t, vi->id);
		table_s64(t, vi->pid);
		table_str(t, vi->stats_id);
		table_u64(t, vi->nr_vcpus);
		table_str(t, yes_no(vi->flags & PVHOOK_VM_F_ENABLED));
		table_u64(t, vi->nr_handles);
		table_u64(t, vi->calls);
		table_u64(t, vi->errors);
		table_u64(t, vi->throttled);
		table_u64(t, vi->events);
	}
	table_print(t);
}

static void json_vm_list(const struct pvhook_vm_info *vms, u32 n)
{
	u32 i;

	json_obj_begin(NULL);
	json_arr_begin("vms");
	for (i = 0; i < n; i++)
		json_vm_info(NULL, &vms[i]);
	json_arr_end();
	json_obj_end();
	json_end_line();
}

int cmd_list(int argc, char **argv)
{
	struct pvhook_vm_info *vms;
	int dev;
	u32 n;

	parse_help_only(argc, argv, "list", list_help);
	no_more_args(argc, argv, "list");
	dev = dev_open(O_RDONLY);
	vms = dev_list_vms(dev, &n);
	if (opts.json)
		json_vm_list(vms, n);
	else
		print_vm_list(vms, n);
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

/* The name of an in-kernel number, "(user range)" or "-". */
static void hc_name(int dev, u64 nr, char *buf, size_t size)
{
	struct pvhook_hc_info hci;

	if (!dev_get_hc_info(dev, nr, &hci))
		snprintf(buf, size, "%s", hci.name);
	else if (nr >= PVHOOK_HC_USER_FIRST && nr <= PVHOOK_HC_USER_LAST)
		snprintf(buf, size, "(user range)");
	else
		snprintf(buf, size, "-");
}

static void stats_row(struct table *t, int dev, const struct pvhook_hc_stats *s)
{
	char buf[32];

	table_hex(t, s->nr);
	hc_name(dev, s->nr, buf, sizeof(buf));
	table_str(t, buf);
	table_u64(t, s->calls);
	table_u64(t, s->errors);
	table_u64(t, s->throttled);
	fmt_bucket(buf, sizeof(buf), hist_percentile(s->time_hist, 50));
	table_str(t, buf);
	fmt_bucket(buf, sizeof(buf), hist_percentile(s->time_hist, 99));
	table_str(t, buf);
	fmt_bucket(buf, sizeof(buf), hist_max(s->time_hist));
	table_str(t, buf);
}

static void print_vm_stats(int dev, const struct pvhook_vm_info *vi,
			   const struct pvhook_hc_stats *st, u32 n)
{
	static const char *const headers[] = {
		"NR", "NAME", "CALLS", "ERRORS", "THROTTLED",
		"P50", "P99", "MAX",
	};
	struct table *t = table_new(headers, ARRAY_SIZE(headers));
	u32 i;

	printf("VM %llu (pid %d, %s)\n", vi->id, vi->pid, vi->stats_id);
	for (i = 0; i < n; i++)
		stats_row(t, dev, &st[i]);
	table_print(t);
}

static void json_hc_stats(int dev, const struct pvhook_hc_stats *s)
{
	struct pvhook_hc_info hci;
	int b;

	json_obj_begin(NULL);
	json_u64("nr", s->nr);
	if (!dev_get_hc_info(dev, s->nr, &hci))
		json_str("name", hci.name);
	json_u64("calls", s->calls);
	json_u64("errors", s->errors);
	json_u64("throttled", s->throttled);
	json_arr_begin("time_hist");
	for (b = 0; b <= HIST_LAST; b++)
		json_u64(NULL, s->time_hist[b]);
	json_arr_end();
	json_obj_end();
}

/* The members of a VM's object in "stats --json". */
static void json_vm_stats(int dev, const struct pvhook_vm_info *vi,
			  const struct pvhook_hc_stats *st, u32 n)
{
	u32 i;

	json_u64("id", vi->id);
	json_s64("pid", vi->pid);
	json_str("stats_id", vi->stats_id);
	json_arr_begin("numbers");
	for (i = 0; i < n; i++)
		json_hc_stats(dev, &st[i]);
	json_arr_end();
}

static bool has_ops(const struct vm_ops *ops)
{
	return ops->n || ops->flushes || ops->rejected;
}

static void print_vm_ops(const struct vm_ops *ops)
{
	static const char *const headers[] = {
		"SLOT", "OP", "RECORDS", "SYNC",
	};
	struct table *t = table_new(headers, ARRAY_SIZE(headers));
	char name[OP_NAME_SIZE];
	u32 i;

	printf("\nparavirt operations: %llu flushes, %llu rejected\n",
	       ops->flushes, ops->rejected);
	for (i = 0; i < ops->n; i++) {
		table_u64(t, ops->st[i].slot);
		table_str(t, op_name(name, sizeof(name), ops->st[i].slot));
		table_u64(t, ops->st[i].records);
		table_u64(t, ops->st[i].sync_calls);
	}
	table_print(t);
}

static void json_vm_ops(const struct vm_ops *ops)
{
	char name[OP_NAME_SIZE];
	u32 i;

	json_obj_begin("ops");
	json_u64("flushes", ops->flushes);
	json_u64("rejected", ops->rejected);
	json_arr_begin("slots");
	for (i = 0; i < ops->n; i++) {
		json_obj_begin(NULL);
		json_u64("slot", ops->st[i].slot);
		json_str("op", op_name(name, sizeof(name), ops->st[i].slot));
		json_u64("records", ops->st[i].records);
		json_u64("sync_calls", ops->st[i].sync_calls);
		json_obj_end();
	}
	json_arr_end();
	json_obj_end();
}

/*
 * Print the statistics of one VM. A VM destroyed since the list was read
 * is an error only when it was asked for by name (@must).
 */
static void show_vm_stats(int dev, const struct pvhook_vm_info *vi,
			  bool must, bool first)
{
	struct pvhook_hc_stats *st = xcalloc(PVHOOK_HC_COUNT, sizeof(*st));
	struct vm_ops *ops = xcalloc(1, sizeof(*ops));
	bool ops_ok;
	u32 n;

	if (dev_vm_stats(dev, vi->id, st, &n)) {
		if (must)
			fatal("VM %llu is gone", vi->id);
		goto out;
	}
	ops_ok = !dev_vm_ops(dev, vi->id, ops);
	if (opts.json) {
		json_obj_begin(NULL);
		json_vm_stats(dev, vi, st, n);
		if (ops_ok)
			json_vm_ops(ops);
		json_obj_end();
	} else {
		if (!first)
			putchar('\n');
		print_vm_stats(dev, vi, st, n);
		if (ops_ok && has_ops(ops))
			print_vm_ops(ops);
	}
out:
	free(ops);
	free(st);
}

int cmd_stats(int argc, char **argv)
{
	const struct pvhook_vm_info *one = NULL;
	struct pvhook_vm_info *vms;
	const char *sel = NULL;
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
	if (opts.json) {
		json_obj_begin(NULL);
		json_arr_begin("vms");
	}
	if (one)
		show_vm_stats(dev, one, true, true);
	for (i = 0; !one && i < n; i++)
		show_vm_stats(dev, &vms[i], false, i == 0);
	if (opts.json) {
		json_arr_end();
		json_obj_end();
		json_end_line();
	} else if (!sel && !n) {
		printf("pvhook knows no VMs\n");
	}
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

struct rates {
	double calls, errors, throttled;
};

static struct rates vm_rates(const struct pvhook_vm_info *prev,
			     const struct pvhook_vm_info *cur, double secs)
{
	struct rates r = {
		.calls = (cur->calls - prev->calls) / secs,
		.errors = (cur->errors - prev->errors) / secs,
		.throttled = (cur->throttled - prev->throttled) / secs,
	};

	return r;
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

/* Every VM's operations with their rates, busiest first; free() them. */
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
	qsort(rows, n, sizeof(*rows), op_row_cmp);
	*count = n;
	return rows;
}

static void print_op_rates(const struct sample *prev, const struct sample *cur)
{
	static const char *const headers[] = {
		"VM", "SLOT", "OP", "RECORDS", "SYNC", "RECORDS/S", "SYNC/S",
	};
	struct op_row *rows;
	char name[OP_NAME_SIZE];
	struct table *t;
	u32 i, n;

	rows = op_rows(prev, cur, &n);
	if (n) {
		printf("\nparavirt operations\n");
		t = table_new(headers, ARRAY_SIZE(headers));
		for (i = 0; i < n; i++) {
			table_u64(t, rows[i].vi->id);
			table_u64(t, rows[i].cur->slot);
			table_str(t, op_name(name, sizeof(name),
					     rows[i].cur->slot));
			table_u64(t, rows[i].cur->records);
			table_u64(t, rows[i].cur->sync_calls);
			table_rate(t, rows[i].records);
			table_rate(t, rows[i].sync);
		}
		table_print(t);
	}
	free(rows);
}

static void print_rates(const struct sample *prev, const struct sample *cur)
{
	static const char *const headers[] = {
		"ID", "PID", "STATS_ID", "CALLS", "CALLS/S", "ERRORS/S",
		"THROTTLED/S",
	};
	struct table *t = table_new(headers, ARRAY_SIZE(headers));
	double secs = cur->time - prev->time;
	const struct pvhook_vm_info *vi;
	struct rates r;

	if (isatty(STDOUT_FILENO))
		fputs("\033[H\033[2J", stdout);
	printf("pvhook: %u VMs, rates over %.1f s\n\n", cur->n, secs);
	for (vi = cur->vms; vi < cur->vms + cur->n; vi++) {
		r = vm_rates(sample_vm(prev, vi->id), vi, secs);
		table_u64(t, vi->id);
		table_s64(t, vi->pid);
		table_str(t, vi->stats_id);
		table_u64(t, vi->calls);
		table_rate(t, r.calls);
		table_rate(t, r.errors);
		table_rate(t, r.throttled);
	}
	table_print(t);
	print_op_rates(prev, cur);
}

/* The "ops" member of VM @i of @cur in watch's JSON. */
static void json_op_rates(const struct sample *prev, const struct sample *cur,
			  u32 i, double secs)
{
	const struct vm_ops *ops = &cur->ops[i];
	const struct vm_ops *pops = sample_ops(prev, cur->vms[i].id);
	char name[OP_NAME_SIZE];
	struct pvhook_op_stats p;
	u32 j;

	json_obj_begin("ops");
	json_u64("flushes", ops->flushes);
	json_u64("rejected", ops->rejected);
	json_double("flushes_per_s", (ops->flushes - pops->flushes) / secs);
	json_double("rejected_per_s", (ops->rejected - pops->rejected) / secs);
	json_arr_begin("slots");
	for (j = 0; j < ops->n; j++) {
		p = op_prev(pops, ops->st[j].slot);
		json_obj_begin(NULL);
		json_u64("slot", ops->st[j].slot);
		json_str("op", op_name(name, sizeof(name), ops->st[j].slot));
		json_u64("records", ops->st[j].records);
		json_u64("sync_calls", ops->st[j].sync_calls);
		json_double("records_per_s",
			    (ops->st[j].records - p.records) / secs);
		json_double("sync_per_s",
			    (ops->st[j].sync_calls - p.sync_calls) / secs);
		json_obj_end();
	}
	json_arr_end();
	json_obj_end();
}

static void json_rates(const struct sample *prev, const struct sample *cur)
{
	double secs = cur->time - prev->time;
	const struct pvhook_vm_info *vi;
	struct rates r;
	u32 i;

	json_obj_begin(NULL);
	json_u64("time", time(NULL));
	json_double("interval", secs);
	json_arr_begin("vms");
	for (i = 0; i < cur->n; i++) {
		vi = &cur->vms[i];
		r = vm_rates(sample_vm(prev, vi->id), vi, secs);
		json_obj_begin(NULL);
		json_u64("id", vi->id);
		json_s64("pid", vi->pid);
		json_str("stats_id", vi->stats_id);
		json_u64("calls", vi->calls);
		json_u64("errors", vi->errors);
		json_u64("throttled", vi->throttled);
		json_double("calls_per_s", r.calls);
		json_double("errors_per_s", r.errors);
		json_double("throttled_per_s", r.throttled);
		json_op_rates(prev, cur, i, secs);
		json_obj_end();
	}
	json_arr_end();
	json_obj_end();
	json_end_line();
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
		if (opts.json)
			json_rates(&prev, &cur);
		else
			print_rates(&prev, &cur);
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
