/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhookctl: inspect and drive pvhook from the host through /dev/pvhook.
 *
 * Error convention: whatever detects an error prints the one line
 * "pvhookctl: ..." through fatal() or usage_error(), which exit. Nothing
 * else prints to stderr.
 */
#ifndef PVHOOKCTL_H
#define PVHOOKCTL_H

#include <fcntl.h>
#include <err.h>
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <linux/pvhook.h>

typedef __u64 u64;
typedef __u32 u32;
typedef __s64 s64;

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit statuses. */
#define EXIT_ERROR	1	/* the request failed */
#define EXIT_USAGE	2	/* the command line is wrong */

/* KVM's "invalid argument" hypercall error, answered for a failed --exec. */
#define KVM_EINVAL	22

/* Global options (main.c). */
struct options {
	bool json;
	const char *device;
};

extern struct options opts;

/* A command: parses its arguments (argv[0] is its name) and runs. */
struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

/*
 * Errors: one line "pvhookctl: ..." on stderr, then exit. errx() checks
 * the format and, with program_invocation_short_name set by main(),
 * prints the prefix.
 */
#define fatal(...)	errx(EXIT_ERROR, __VA_ARGS__)
#define vm_gone()	fatal("the VM is gone")
/* A wrong command line: "pvhookctl: CMD: ...", exit status 2. */
#define usage_error(cmd, fmt, ...) \
	errx(EXIT_USAGE, "%s" fmt, cmd_prefix(cmd), ##__VA_ARGS__)
const char *cmd_prefix(const char *cmd);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

/*
 * How a command parses its options. Every longopts array has
 * { "help", no_argument, NULL, 'h' }: next_option() prints @help and exits
 * for it. Set optind to 0 before the first next_option() of an argv.
 */
struct optspec {
	const char *cmd;		/* for messages: "attach serve" */
	const char *help;		/* the command's usage text */
	const char *shortopts;		/* getopt's, without "+:" */
	const struct option *longopts;
	bool stop_at_operand;		/* a subcommand follows */
};

int next_option(int argc, char **argv, const struct optspec *spec);
void no_more_args(int argc, char **argv, const char *cmd);
void parse_help_only(int argc, char **argv, const char *cmd,
		     const char *help);

/* main.c: SIGINT/SIGTERM end the long-running commands cleanly */
extern bool stop_requested;
void signals_init(void);
int wait_readable(int fd, int timeout_ms);
void sleep_interruptible(double seconds);
void signals_default(void);

/* parse.c: strict number parsing */
int parse_u64(const char *s, u64 *out);
u64 arg_u64(const char *cmd, const char *what, const char *s, u64 max);
double arg_seconds(const char *cmd, const char *what, const char *s);
unsigned int arg_hc_nr(const char *cmd, const char *s);
void arg_hc_list(const char *cmd, const char *s, u64 bits[4]);
bool hc_bit(const u64 bits[4], unsigned int i);

/* device.c: /dev/pvhook and VM handles; errors are fatal */
int dev_open(int mode);
void dev_get_info(int dev, struct pvhook_info *info);
int dev_get_hc_info(int dev, u64 nr, struct pvhook_hc_info *hci);
int dev_attach(int dev, int vm_fd);
struct pvhook_vm_info *dev_list_vms(int dev, u32 *count);
int dev_vm_stats(int dev, u64 vm_id, struct pvhook_hc_stats *entries,
		 u32 *count);

/* A VM's paravirt-operation counts (PVHOOK_GET_VM_OPS). */
struct vm_ops {
	u32 n;			/* entries in st */
	u64 flushes;
	u64 rejected;
	struct pvhook_op_stats st[PVHOOK_OP_COUNT];
};

int dev_vm_ops(int dev, u64 vm_id, struct vm_ops *ops);
void vm_get_info(int h, struct pvhook_vm_info *vi);
void vm_get_policy(int h, struct pvhook_policy *pol);
void vm_set_policy(int h, const struct pvhook_policy *pol);
void vm_serve(int h, const struct pvhook_serve *srv);
void vm_events(int h, u32 queue_len, u32 flags);
size_t vm_wait_msgs(int h, struct pvhook_msg *msgs, size_t max);
int vm_reply(int h, u64 seq, u64 ret);

/* How many messages to read at once: @room, or fewer near @count. */
static inline size_t msg_batch(u64 count, u64 done, size_t room)
{
	return count && count - done < room ? count - done : room;
}

/* attach.c: take a VMM's KVM VM fd */
int vmm_vm_fd(pid_t pid, int fd);

/*
 * output.c: what a command prints, as fields it describes once and gives
 * values once; they print for people or, with --json, as JSON.
 */
enum field_kind {
	FIELD_U64,
	FIELD_S64,
	FIELD_HEX,		/* 0x... for people */
	FIELD_BOOL,		/* yes or no for people */
	FIELD_DOUBLE,		/* %.1f for people, %.3f in JSON */
	FIELD_STR,
	FIELD_WORDS,		/* space-separated; a JSON array of strings */
	FIELD_HEX_LIST,		/* numbers: "0x1 0x2" for people */
	FIELD_HC_SET,		/* offsets: ranges; JSON: absolute numbers */
};

/* A field, and where it prints: a NULL name leaves it out there. */
struct field {
	const char *key;	/* JSON member */
	const char *title;	/* table column */
	const char *label;	/* line or record; "": the value alone */
	enum field_kind kind;
};

enum out_style {
	OUT_LIST,		/* rows: a table, a JSON array of objects */
	OUT_OBJECT,		/* "label: value" lines, a JSON object */
	OUT_RECORD,		/* one line "label value ...", a JSON line */
};

/*
 * Fields being printed: each put_*() gives the next field's value. A JSON
 * object at the top is a document, on a line of its own.
 */
struct table;
struct out {
	const struct field *fields;
	int n;
	int next;		/* the field the next put_*() gives */
	enum out_style style;
	bool open;		/* JSON: a row is open; a record: begun */
	struct table *t;	/* a list's, for people */
};

void out_begin(struct out *o, enum out_style style, const char *key,
	       const struct field *f, int n);
void out_row(struct out *o);
void out_end(struct out *o);
void put_u64(struct out *o, u64 v);
void put_double(struct out *o, double v);
void put_str(struct out *o, const char *s);
void put_u64s(struct out *o, const u64 *v, int n);

/* Print for people only: nothing with --json. */
#define print_text(...)				\
	do {					\
		if (!opts.json)			\
			printf(__VA_ARGS__);	\
	} while (0)

#define OP_NAME_SIZE	24	/* room for any op_name() */
const char *op_name(char *buf, size_t size, u64 slot);

/* cmd_*.c: the commands */
int cmd_info(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_attach(int argc, char **argv);

/* Commands under "attach": parse with the handle not yet open, then run. */
struct attach_cmd {
	const char *name;
	void *(*parse)(int argc, char **argv);
	int (*run)(int h, void *args);
};

void *policy_parse(int argc, char **argv);
int policy_run(int h, void *args);
void *show_parse(int argc, char **argv);
int show_run(int h, void *args);
void *serve_parse(int argc, char **argv);
int serve_run(int h, void *args);
void *events_parse(int argc, char **argv);
int events_run(int h, void *args);

/* A VM's information, as show prints it: @key in JSON. */
void out_vm_info(const char *key, const struct pvhook_vm_info *vi);

#endif /* PVHOOKCTL_H */
