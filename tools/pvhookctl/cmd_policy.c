// SPDX-License-Identifier: GPL-2.0
/*
 * pvhookctl attach ... show | policy [show] | policy set: a VM's
 * information and the policy of what it may call.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pvhookctl.h"

static const char show_help[] =
"usage: pvhookctl [--json] attach --pid PID [--fd N] [show]\n"
"\n"
"Print the VM's information (pvhook's id, pid, KVM's stats id, vCPUs,\n"
"handles, calls, errors, throttled calls, events) and its policy.\n";

static const char policy_help[] =
"usage: pvhookctl [--json] attach --pid PID [--fd N] policy [show]\n"
"       pvhookctl [--json] attach --pid PID [--fd N] policy set OPTIONS\n"
"\n"
"Print the VM's policy, or change it: set reads the policy, applies the\n"
"options in the order given, writes it and prints the result.\n"
"\n"
"  --enable, --disable   turn pvhook on or off for the VM (off: the VM\n"
"                        sees a host without pvhook)\n"
"  --allow LIST          allow the VM to call these numbers\n"
"  --deny LIST           refuse them (the guest gets -1, KVM's -EPERM)\n"
"  --allow-user LIST     allow them from guest user mode too\n"
"  --deny-user LIST      refuse them from guest user mode\n"
"  --rate N              calls per second allowed to each vCPU; 0: no limit\n"
"\n"
"LIST: comma-separated numbers and ranges (0x80-0xff), absolute or as\n"
"offsets from 0x70760000, or 'all'.\n";

/* ------------------------------------------------------------------ */
/* Printing */

/* "enabled" and "rate_limit" read otherwise for people. */
static const struct field policy_fields[] = {
	{ "enabled", NULL, NULL, FIELD_BOOL },
	{ NULL, NULL, "policy", FIELD_STR },
	{ "rate_limit", NULL, NULL, FIELD_U64 },
	{ NULL, NULL, "rate limit", FIELD_STR },
	{ "allow", NULL, "allow", FIELD_HC_SET },
	{ "allow_user", NULL, "allow user", FIELD_HC_SET },
};

/* Print the VM's policy, alone or (@vi) after its information. */
static void show(const struct pvhook_vm_info *vi,
		 const struct pvhook_policy *pol)
{
	bool enabled = pol->flags & PVHOOK_POLICY_F_ENABLED;
	char rate[40] = "none";
	struct out doc, o;

	out_begin(&doc, OUT_OBJECT, NULL, NULL, 0);
	if (vi) {
		out_vm_info("vm", vi);
		print_text("\n");
	}
	out_begin(&o, OUT_OBJECT, "policy", policy_fields,
		  ARRAY_SIZE(policy_fields));
	put_u64(&o, enabled);
	put_str(&o, enabled ? "enabled" : "disabled");
	put_u64(&o, pol->rate_limit);
	if (pol->rate_limit)
		snprintf(rate, sizeof(rate), "%u calls/s per vCPU",
			 pol->rate_limit);
	put_str(&o, rate);
	put_u64s(&o, pol->allow, 4);
	put_u64s(&o, pol->allow_user, 4);
	out_end(&o);
	print_text("(numbers are offsets from 0x%lx)\n", PVHOOK_HC_BASE);
	out_end(&doc);
}

/* ------------------------------------------------------------------ */
/* show */

void *show_parse(int argc, char **argv)
{
	parse_help_only(argc, argv, "attach show", show_help);
	no_more_args(argc, argv, "attach show");
	return NULL;
}

int show_run(int h, void *args)
{
	struct pvhook_vm_info vi;
	struct pvhook_policy pol;

	(void)args;
	vm_get_info(h, &vi);
	vm_get_policy(h, &pol);
	show(&vi, &pol);
	return 0;
}

/* ------------------------------------------------------------------ */
/* policy */

/* Option values of policy set, also the kinds of change. */
enum {
	OPT_ENABLE = 256, OPT_DISABLE, OPT_ALLOW, OPT_DENY, OPT_ALLOW_USER,
	OPT_DENY_USER, OPT_RATE,
};

struct policy_change {
	int opt;		/* OPT_ALLOW .. OPT_DENY_USER */
	u64 bits[4];
};

struct policy_args {
	bool set;
	int enable;		/* 1: --enable, 0: --disable, -1: neither */
	bool set_rate;
	u32 rate;
	int nchanges;
	struct policy_change *changes;	/* in command-line order */
};

static void parse_set_option(struct policy_args *pa, int c)
{
	bool on = c == OPT_ENABLE;
	struct policy_change *ch;

	if (c == OPT_ENABLE || c == OPT_DISABLE) {
		if (pa->enable >= 0 && pa->enable != on)
			usage_error("attach policy set",
				    "give --enable or --disable, not both");
		pa->enable = on;
	} else if (c == OPT_RATE) {
		pa->rate = arg_u64("attach policy set", "rate", optarg,
				   UINT_MAX);
		pa->set_rate = true;
	} else {
		ch = &pa->changes[pa->nchanges++];
		ch->opt = c;
		arg_hc_list("attach policy set", optarg, ch->bits);
	}
}

static void parse_set(int argc, char **argv, struct policy_args *pa)
{
	static const struct option longopts[] = {
		{ "enable", no_argument, NULL, OPT_ENABLE },
		{ "disable", no_argument, NULL, OPT_DISABLE },
		{ "allow", required_argument, NULL, OPT_ALLOW },
		{ "deny", required_argument, NULL, OPT_DENY },
		{ "allow-user", required_argument, NULL, OPT_ALLOW_USER },
		{ "deny-user", required_argument, NULL, OPT_DENY_USER },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct optspec spec = {
		.cmd = "attach policy set", .help = policy_help,
		.shortopts = "h", .longopts = longopts,
	};
	int c;

	pa->set = true;
	pa->changes = xcalloc(argc, sizeof(*pa->changes));
	while ((c = next_option(argc, argv, &spec)) != -1)
		parse_set_option(pa, c);
	no_more_args(argc, argv, "attach policy set");
	if (pa->enable < 0 && !pa->set_rate && !pa->nchanges)
		usage_error("attach policy set", "nothing to change");
}

void *policy_parse(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct optspec spec = {
		.cmd = "attach policy", .help = policy_help, .shortopts = "h",
		.longopts = longopts, .stop_at_operand = true,
	};
	struct policy_args *pa = xcalloc(1, sizeof(*pa));

	pa->enable = -1;
	while (next_option(argc, argv, &spec) != -1)
		;
	argc -= optind;
	argv += optind;
	optind = 0;
	if (argc == 0 || !strcmp(argv[0], "show")) {
		parse_help_only(argc, argv, "attach policy show", policy_help);
		no_more_args(argc, argv, "attach policy show");
	} else if (!strcmp(argv[0], "set")) {
		parse_set(argc, argv, pa);
	} else {
		usage_error("attach policy", "unknown command '%s'", argv[0]);
	}
	return pa;
}

static void apply_change(struct pvhook_policy *pol,
			 const struct policy_change *ch)
{
	bool user = ch->opt == OPT_ALLOW_USER || ch->opt == OPT_DENY_USER;
	bool allow = ch->opt == OPT_ALLOW || ch->opt == OPT_ALLOW_USER;
	u64 *mask = user ? pol->allow_user : pol->allow;
	int i;

	for (i = 0; i < 4; i++) {
		if (allow)
			mask[i] |= ch->bits[i];
		else
			mask[i] &= ~ch->bits[i];
	}
}

static void apply_changes(struct pvhook_policy *pol,
			  const struct policy_args *pa)
{
	int i;

	if (pa->enable == 1)
		pol->flags |= PVHOOK_POLICY_F_ENABLED;
	else if (pa->enable == 0)
		pol->flags &= ~PVHOOK_POLICY_F_ENABLED;
	if (pa->set_rate)
		pol->rate_limit = pa->rate;
	for (i = 0; i < pa->nchanges; i++)
		apply_change(pol, &pa->changes[i]);
}

int policy_run(int h, void *args)
{
	struct policy_args *pa = args;
	struct pvhook_policy pol;

	vm_get_policy(h, &pol);
	if (pa->set) {
		apply_changes(&pol, pa);
		vm_set_policy(h, &pol);
		vm_get_policy(h, &pol);
	}
	show(NULL, &pol);
	free(pa->changes);
	return 0;
}
