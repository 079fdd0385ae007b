// SPDX-License-Identifier: GPL-2.0
/*
 * pvhookctl: fields printed for people (aligned tables, "label: value"
 * lines, one-line records) or as JSON, one compact document per line.
 */
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
static void table_str(struct table *t, const char *s)
{
	char *cell = xstrdup(s), *p;

	for (p = cell; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	table_add(t, cell);
}

/* A table with a column for each of @f that has a title. */
static struct table *table_new(const struct field *f, int n)
{
	struct table *t = xcalloc(1, sizeof(*t));
	int i;

	for (i = 0; i < n; i++) {
		if (!f[i].title)
			continue;
		table_str(t, f[i].title);
		t->ncols++;
	}
	return t;
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
static void table_print(struct table *t)
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

static unsigned int range_end(const u64 bits[4], unsigned int lo)
{
	while (lo + 1 < PVHOOK_HC_COUNT && hc_bit(bits, lo + 1))
		lo++;
	return lo;
}

#define HC_LIST_SIZE	1024	/* room for any fmt_hc_list() */

/*
 * A set of numbers as offsets from PVHOOK_HC_BASE, in ranges:
 * "0x00-0x3f,0x80", or "all", or "none". @size: HC_LIST_SIZE.
 */
static void fmt_hc_list(char *buf, size_t size, const u64 bits[4])
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

static void json_close(char c)
{
	putchar(c);
	json_depth--;
}

/* Begin @f's member for JSON; false when there is none. */
static bool json_key(const struct field *f)
{
	if (!opts.json || !f->key)
		return false;
	json_prefix(f->key);
	return true;
}

/* ------------------------------------------------------------------ */
/* Fields */

static const struct field *next_field(struct out *o)
{
	if (o->next == o->n)
		fatal("internal error: more values than fields");
	return &o->fields[o->next++];
}

/* Field @f for people, @text: a table's cell, a line or in a record. */
static void put_text(struct out *o, const struct field *f, const char *text)
{
	const char *name = o->t ? f->title : f->label;
	char label[32];

	if (opts.json || !name)
		return;
	if (o->t) {
		table_str(o->t, text);
	} else if (o->style == OUT_RECORD) {
		printf("%s%s%s%s", o->open ? " " : "", name,
		       *name ? " " : "", text);
		o->open = true;
	} else {
		snprintf(label, sizeof(label), "%s:", name);
		printf("%-14s%s\n", label, text);
	}
}

/* FIELD_U64, FIELD_S64, FIELD_HEX or FIELD_BOOL. */
void put_u64(struct out *o, u64 v)
{
	const struct field *f = next_field(o);
	char buf[32];

	if (f->kind == FIELD_BOOL)
		snprintf(buf, sizeof(buf), "%s", v ? "true" : "false");
	else if (f->kind == FIELD_S64)
		snprintf(buf, sizeof(buf), "%lld", (s64)v);
	else
		snprintf(buf, sizeof(buf), "%llu", v);
	if (json_key(f))
		fputs(buf, stdout);
	if (f->kind == FIELD_BOOL)
		snprintf(buf, sizeof(buf), "%s", v ? "yes" : "no");
	else if (f->kind == FIELD_HEX)
		snprintf(buf, sizeof(buf), "0x%llx", v);
	put_text(o, f, buf);
}

/* FIELD_DOUBLE. */
void put_double(struct out *o, double v)
{
	const struct field *f = next_field(o);
	char buf[32];

	if (json_key(f))
		printf("%.3f", v);
	snprintf(buf, sizeof(buf), "%.1f", v);
	put_text(o, f, buf);
}

/* FIELD_STR or FIELD_WORDS; a NULL @s leaves it out (not in tables). */
void put_str(struct out *o, const char *s)
{
	const struct field *f = next_field(o);
	char *words, *w, *save;

	if (!s)
		return;
	if (opts.json && f->key && f->kind == FIELD_WORDS) {
		words = xstrdup(s);
		json_open(f->key, '[');
		for (w = strtok_r(words, " ", &save); w;
		     w = strtok_r(NULL, " ", &save)) {
			json_prefix(NULL);
			json_quote(w);
		}
		json_close(']');
		free(words);
	} else if (json_key(f)) {
		json_quote(s);
	}
	put_text(o, f, s);
}

/* FIELD_HEX_LIST: @n numbers; FIELD_HC_SET: the bitmap's 4 words. */
void put_u64s(struct out *o, const u64 *v, int n)
{
	const struct field *f = next_field(o);
	bool set = f->kind == FIELD_HC_SET;
	char buf[HC_LIST_SIZE] = "";
	size_t len = 0;
	int i;

	if (opts.json && f->key) {
		json_open(f->key, '[');
		for (i = 0; i < (set ? PVHOOK_HC_COUNT : n); i++) {
			if (set && !hc_bit(v, i))
				continue;
			json_prefix(NULL);
			printf("%llu", set ? PVHOOK_HC_BASE + i : v[i]);
		}
		json_close(']');
	}
	if (set)
		fmt_hc_list(buf, sizeof(buf), v);
	for (i = 0; !set && i < n && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s0x%llx",
				i ? " " : "", v[i]);
	put_text(o, f, buf);
}

/* Begin printing @f in @style; @key: the JSON member, NULL at the top. */
void out_begin(struct out *o, enum out_style style, const char *key,
	       const struct field *f, int n)
{
	*o = (struct out){ .fields = f, .n = n, .style = style };
	if (opts.json)
		json_open(key, style == OUT_LIST ? '[' : '{');
	else if (style == OUT_LIST)
		o->t = table_new(f, n);
}

/* Start the next row of a list, ending the one before. */
void out_row(struct out *o)
{
	if (opts.json) {
		if (o->open)
			json_close('}');
		json_open(NULL, '{');
	}
	o->open = true;
	o->next = 0;
}

void out_end(struct out *o)
{
	if (!opts.json) {
		if (o->t)
			table_print(o->t);
		if (o->style == OUT_RECORD)
			putchar('\n');
		return;
	}
	if (o->style == OUT_LIST && o->open)
		json_close('}');
	json_close(o->style == OUT_LIST ? ']' : '}');
	if (!json_depth) {
		putchar('\n');
		json_need_comma[0] = false;
		fflush(stdout);
	}
}
