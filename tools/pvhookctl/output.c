// SPDX-License-Identifier: GPL-2.0
/*
 * pvhookctl: aligned tables for people and JSON for programs. The JSON
 * writer prints one compact document per line (json_end_line()).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pvhookctl.h"

/* ------------------------------------------------------------------ */
/* Tables */

struct table {
	int ncols;
	int ncells;
	int room;
	char **cells;		/* row-major, the headers first */
};

struct table *table_new(const char *const *headers, int ncols)
{
	struct table *t = xcalloc(1, sizeof(*t));
	int i;

	t->ncols = ncols;
	for (i = 0; i < ncols; i++)
		table_str(t, headers[i]);
	return t;
}

/* Add a cell; a row is full after table->ncols cells. */
static void table_add(struct table *t, char *cell)
{
	if (t->ncells == t->room) {
		t->room = t->room ? 2 * t->room : 64;
		t->cells = realloc(t->cells, t->room * sizeof(*t->cells));
		if (!t->cells)
			fatal("out of memory");
	}
	t->cells[t->ncells++] = cell;
}

/* A cell for a terminal: control characters become '?'. */
void table_str(struct table *t, const char *s)
{
	char *cell = xstrdup(s), *p;

	for (p = cell; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	table_add(t, cell);
}

/* A cell formatted like printf(). */
static void table_fmt(struct table *t, const char *fmt, ...)
{
	char buf[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	table_str(t, buf);
}

void table_u64(struct table *t, u64 v)
{
	table_fmt(t, "%llu", v);
}

void table_s64(struct table *t, s64 v)
{
	table_fmt(t, "%lld", v);
}

void table_hex(struct table *t, u64 v)
{
	table_fmt(t, "0x%llx", v);
}

/* A rate per second, one decimal. */
void table_rate(struct table *t, double v)
{
	table_fmt(t, "%.1f", v);
}

static int column_width(const struct table *t, int col)
{
	int i, w = 0, len;

	for (i = col; i < t->ncells; i += t->ncols) {
		len = strlen(t->cells[i]);
		if (len > w)
			w = len;
	}
	return w;
}

/* Print the table, columns two spaces apart, and free it. */
void table_print(struct table *t)
{
	int *width = xcalloc(t->ncols, sizeof(*width));
	int i, col;

	for (col = 0; col < t->ncols; col++)
		width[col] = column_width(t, col);
	for (i = 0; i < t->ncells; i++) {
		col = i % t->ncols;
		if (col == t->ncols - 1)
			printf("%s\n", t->cells[i]);
		else
			printf("%-*s  ", width[col], t->cells[i]);
		free(t->cells[i]);
	}
	free(width);
	free(t->cells);
	free(t);
}

const char *yes_no(bool v)
{
	return v ? "yes" : "no";
}

static unsigned int range_end(const u64 bits[4], unsigned int lo)
{
	while (lo + 1 < PVHOOK_HC_COUNT && hc_bit(bits, lo + 1))
		lo++;
	return lo;
}

/*
 * A set of numbers as offsets from PVHOOK_HC_BASE, in ranges:
 * "0x00-0x3f,0x80", or "all", or "none". @size: HC_LIST_SIZE.
 */
void fmt_hc_list(char *buf, size_t size, const u64 bits[4])
{
	unsigned int lo, hi;
	size_t len = 0;

	snprintf(buf, size, "none");
	for (lo = 0; lo < PVHOOK_HC_COUNT && len < size; lo = hi + 1) {
		hi = lo;
		if (!hc_bit(bits, lo))
			continue;
		hi = range_end(bits, lo);
		if (lo == 0 && hi == PVHOOK_HC_COUNT - 1)
			len += snprintf(buf, size, "all");
		else if (hi == lo)
			len += snprintf(buf + len, size - len, "%s0x%02x",
					len ? "," : "", lo);
		else
			len += snprintf(buf + len, size - len,
					"%s0x%02x-0x%02x", len ? "," : "",
					lo, hi);
	}
}

/*
 * The name of a paravirt-operation slot (PVHOOK_OP_*), as pv_ops names
 * the operation, or "op<N>" for the slots free for other guest modules.
 */
const char *op_name(char *buf, size_t size, u64 slot)
{
	static const char *const names[PVHOOK_OP_FIRST_FREE] = {
		[PVHOOK_OP_FLUSH_TLB_USER] = "flush_tlb_user",
		[PVHOOK_OP_FLUSH_TLB_KERNEL] = "flush_tlb_kernel",
		[PVHOOK_OP_FLUSH_TLB_ONE_USER] = "flush_tlb_one_user",
		[PVHOOK_OP_FLUSH_TLB_MULTI] = "flush_tlb_multi",
		[PVHOOK_OP_EXIT_MMAP] = "exit_mmap",
		[PVHOOK_OP_ENTER_MMAP] = "enter_mmap",
		[PVHOOK_OP_IO_DELAY] = "io_delay",
		[PVHOOK_OP_LOCK_KICK] = "lock_kick",
		[PVHOOK_OP_LOCK_WAIT] = "lock_wait",
		[PVHOOK_OP_SAFE_HALT] = "safe_halt",
		[PVHOOK_OP_HALT] = "halt",
	};

	if (slot < ARRAY_SIZE(names) && names[slot])
		snprintf(buf, size, "%s", names[slot]);
	else
		snprintf(buf, size, "op%llu", slot);
	return buf;
}

/* ------------------------------------------------------------------ */
/* JSON */

#define JSON_MAX_DEPTH	8

static int json_depth;
static bool json_need_comma[JSON_MAX_DEPTH + 1];

/* Length of the valid UTF-8 sequence at @s, or 0 if it is not valid. */
static int utf8_len(const unsigned char *s)
{
	int len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, UTF-16 surrogates, beyond U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return len;
}

/* Print the character at @p as JSON; returns its length in bytes. */
static int json_char(const unsigned char *p)
{
	int len;

	switch (*p) {
	case '"':
	case '\\':
		printf("\\%c", *p);
		return 1;
	case '\n':
		fputs("\\n", stdout);
		return 1;
	case '\t':
		fputs("\\t", stdout);
		return 1;
	}
	if (*p < 0x20) {
		printf("\\u%04x", *p);
		return 1;
	}
	len = *p < 0x80 ? 1 : utf8_len(p);
	if (!len) {
		fputs("\\ufffd", stdout);	/* not UTF-8 */
		return 1;
	}
	fwrite(p, 1, len, stdout);
	return len;
}

/* @s as a JSON string; bytes that are not UTF-8 become U+FFFD. */
static void json_quote(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	while (*p)
		p += json_char(p);
	putchar('"');
}

/* What precedes a value: a comma after a sibling, and "key": in objects. */
static void json_prefix(const char *key)
{
	if (json_need_comma[json_depth])
		putchar(',');
	json_need_comma[json_depth] = true;
	if (key) {
		json_quote(key);
		putchar(':');
	}
}

static void json_open(const char *key, char c)
{
	if (json_depth == JSON_MAX_DEPTH)
		fatal("internal error: JSON nested too deep");
	json_prefix(key);
	putchar(c);
	json_need_comma[++json_depth] = false;
}

void json_obj_begin(const char *key)
{
	json_open(key, '{');
}

void json_obj_end(void)
{
	putchar('}');
	json_depth--;
}

void json_arr_begin(const char *key)
{
	json_open(key, '[');
}

void json_arr_end(void)
{
	putchar(']');
	json_depth--;
}

void json_str(const char *key, const char *s)
{
	json_prefix(key);
	json_quote(s);
}

void json_u64(const char *key, u64 v)
{
	json_prefix(key);
	printf("%llu", v);
}

void json_s64(const char *key, s64 v)
{
	json_prefix(key);
	printf("%lld", v);
}

void json_bool(const char *key, bool v)
{
	json_prefix(key);
	fputs(v ? "true" : "false", stdout);
}

void json_double(const char *key, double v)
{
	json_prefix(key);
	printf("%.3f", v);
}

/* End a top-level document: one per line. */
void json_end_line(void)
{
	putchar('\n');
	json_need_comma[0] = false;
	fflush(stdout);
}
