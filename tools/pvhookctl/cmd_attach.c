// SPDX-License-Identifier: GPL-2.0
/*
 * pvhookctl attach: attach a VMM's VM, then run one command on its handle.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pvhookctl.h"

static const char attach_help[] =
"usage: pvhookctl [--json] attach --pid PID [--fd N] [COMMAND [ARGS]]\n"
"\n"
"Take the KVM VM file descriptor of process PID (pidfd_getfd(2): needs\n"
"ptrace rights over it), attach the VM to pvhook and run COMMAND on the\n"
"VM handle. The handle is closed when pvhookctl exits.\n"
"\n"
"  -p, --pid PID   the VMM process\n"
"  -f, --fd N      its VM fd, needed when it has several\n"
"\n"
"Commands ('pvhookctl attach COMMAND --help' for each):\n"
"  show                  the VM's information and policy (the default)\n"
"  policy [show]         the VM's policy\n"
"  policy set OPTIONS    change the VM's policy\n"
"  serve OPTIONS         answer a hypercall number from this process\n"
"  events OPTIONS        print the VM's PVHOOK_HC_NOTIFY events\n";

static const struct attach_cmd attach_cmds[] = {
	{ "show", show_parse, show_run },
	{ "policy", policy_parse, policy_run },
	{ "serve", serve_parse, serve_run },
	{ "events", events_parse, events_run },
};

static const struct attach_cmd *find_attach_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attach_cmds); i++)
		if (!strcmp(name, attach_cmds[i].name))
			return &attach_cmds[i];
	usage_error("attach", "unknown command '%s'", name);
}

struct attach_opts {
	pid_t pid;
	int fd;
};

static pid_t parse_pid(const char *s)
{
	pid_t pid = arg_u64("attach", "pid", s, INT_MAX);

	if (!pid)
		usage_error("attach", "pid 0 is no process");
	return pid;
}

/* --pid and --fd; optind is then at the command, if any. */
static void parse_attach_opts(int argc, char **argv, struct attach_opts *ao)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "fd", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct optspec spec = {
		.cmd = "attach", .help = attach_help, .shortopts = "p:f:h",
		.longopts = longopts, .stop_at_operand = true,
	};
	int c;

	ao->pid = 0;
	ao->fd = -1;
	while ((c = next_option(argc, argv, &spec)) != -1) {
		if (c == 'p')
			ao->pid = parse_pid(optarg);
		else if (c == 'f')
			ao->fd = arg_u64("attach", "fd", optarg, INT_MAX);
	}
}

int cmd_attach(int argc, char **argv)
{
	const struct attach_cmd *cmd = &attach_cmds[0];
	struct attach_opts ao;
	int vm_fd, dev, h, ret;
	void *args;

	parse_attach_opts(argc, argv, &ao);
	argc -= optind;
	argv += optind;
	if (argc > 0)
		cmd = find_attach_cmd(argv[0]);
	/*
	 * The command's options first: its --help needs no VM. No command
	 * is "show" without options (argc 0: getopt finds nothing).
	 */
	optind = 0;
	args = cmd->parse(argc, argv);
	if (ao.pid <= 0)
		usage_error("attach", "--pid is required");
	vm_fd = vmm_vm_fd(ao.pid, ao.fd);
	dev = dev_open(O_RDWR);
	h = dev_attach(dev, vm_fd);
	close(vm_fd);
	close(dev);
	ret = cmd->run(h, args);
	close(h);
	free(args);
	return ret;
}
