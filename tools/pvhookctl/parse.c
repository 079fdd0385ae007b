// SPDX-License-Identifier: GPL-2.0
/*
 * pvhookctl: strict parsing of numbers, hypercall numbers and lists.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pvhookctl.h"

/*
 * strtoull() base 0, but the whole string must be one unsigned number:
 * no sign, no blanks, no trailing characters, no overflow.
 */
int parse_u64(const char *s, u64 *out)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (*end)
		return -EINVAL;
	if (errno)
		return -ERANGE;
	*out = v;
	return 0;
}

u64 arg_u64(const char *cmd, const char *what, const char *s, u64 max)
{
	int err;
	u64 v;

	err = parse_u64(s, &v);
	if (err == -EINVAL)
		usage_error(cmd, "%s '%s' is not a number", what, s);
	if (err || v > max)
		usage_error(cmd, "%s '%s' is too large (at most %llu)", what, s,
			    max);
	return v;
}

/* A positive number of seconds up to an hour, fractions allowed. */
double arg_seconds(const char *cmd, const char *what, const char *s)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (!isdigit((unsigned char)s[0]) || errno || *end || !isfinite(v) ||
	    v < 0.001 || v > 3600)
		usage_error(cmd, "%s '%s' is not 0.001 to 3600 seconds",
			    what, s);
	return v;
}

/*
 * A hypercall number, absolute (0x70760080) or an offset from
 * PVHOOK_HC_BASE (0x80, any value below PVHOOK_HC_COUNT): its offset.
 */
unsigned int arg_hc_nr(const char *cmd, const char *s)
{
	int err;
	u64 v;

	err = parse_u64(s, &v);
	if (err == -EINVAL)
		usage_error(cmd, "hypercall number '%s' is not a number", s);
	if (!err && v < PVHOOK_HC_COUNT)
		return v;
	if (err || v < PVHOOK_HC_BASE || v >= PVHOOK_HC_BASE + PVHOOK_HC_COUNT)
		usage_error(cmd, "hypercall number '%s' is outside %#lx..%#lx",
			    s, PVHOOK_HC_BASE,
			    PVHOOK_HC_BASE + PVHOOK_HC_COUNT - 1);
	return v - PVHOOK_HC_BASE;
}

bool hc_bit(const u64 bits[4], unsigned int i)
{
	return bits[i / 64] & (1ULL << (i % 64));
}

static void set_range(u64 bits[4], unsigned int lo, unsigned int hi)
{
	unsigned int i;

	for (i = lo; i <= hi; i++)
		bits[i / 64] |= 1ULL << (i % 64);
}

/* One item of a list: "all", NR or NR-NR. */
static void parse_hc_item(const char *cmd, char *item, u64 bits[4])
{
	char *dash = strchr(item, '-');
	unsigned int lo, hi;

	if (!strcmp(item, "all")) {
		set_range(bits, 0, PVHOOK_HC_COUNT - 1);
		return;
	}
	if (dash == item || (dash && !dash[1]))
		usage_error(cmd, "'%s' is not a number or a range", item);
	if (dash)
		*dash = '\0';
	lo = arg_hc_nr(cmd, item);
	hi = dash ? arg_hc_nr(cmd, dash + 1) : lo;
	if (hi < lo)
		usage_error(cmd, "range '%s-%s' ends before it starts", item,
			    dash + 1);
	set_range(bits, lo, hi);
}

/*
 * A comma-separated list of numbers and ranges (offsets or absolute), or
 * "all": sets the bits of its numbers' offsets in @bits.
 */
void arg_hc_list(const char *cmd, const char *s, u64 bits[4])
{
	char *copy = xstrdup(s), *rest = copy, *item;

	memset(bits, 0, 4 * sizeof(bits[0]));
	if (!*s)
		usage_error(cmd, "empty list of hypercall numbers");
	while ((item = strsep(&rest, ",")))
		parse_hc_item(cmd, item, bits);
	free(copy);
}
