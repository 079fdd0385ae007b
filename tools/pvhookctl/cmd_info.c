// SPDX-License-Identifier: GPL-2.0
/*
 * pvhookctl info: what the loaded pvhook offers.
 */
#include <string.h>
#include <unistd.h>

#include "pvhookctl.h"

static const char info_help[] =
"usage: pvhookctl [--json] info\n"
"\n"
"Print pvhook's ABI version, its features, its hypercall number range, how\n"
"many VMs it knows, and the numbers served in the kernel (by pvhook.ko or\n"
"another host module) with their name, owner and whether guest user mode\n"
"may call them.\n";

/* PVHOOK_F_* bit names, in bit order. */
static const char *const feature_names[] = {
	"probe", "features", "ping", "module_hc", "notify", "user_hc", "ring",
	"op",
};

/* The names of the bits set in @features, each followed by a space. */
static void feature_words(char *buf, size_t size, u64 features)
{
	unsigned int bit;
	size_t len = 0;

	buf[0] = '\0';
	for (bit = 0; bit < 64 && len < size; bit++) {
		if (!(features & (1ULL << bit)))
			continue;
		if (bit < ARRAY_SIZE(feature_names))
			len += snprintf(buf + len, size - len, "%s ",
					feature_names[bit]);
		else
			len += snprintf(buf + len, size - len, "bit%u ", bit);
	}
}

/* The number of offsets the registered bitmap covers. */
static unsigned int hc_count(const struct pvhook_info *info)
{
	return info->hc_count < PVHOOK_HC_COUNT ? info->hc_count :
						  PVHOOK_HC_COUNT;
}

static const struct field hc_fields[] = {
	{ "nr", "NR", NULL, FIELD_HEX },
	{ "name", "NAME", NULL, FIELD_STR },
	{ "owner", "OWNER", NULL, FIELD_STR },
	{ "builtin", NULL, NULL, FIELD_BOOL },
	{ "user", "USER", NULL, FIELD_BOOL },
};

static void put_hypercalls(int dev, const struct pvhook_info *info)
{
	struct pvhook_hc_info hci;
	unsigned int i;
	struct out o;

	out_begin(&o, OUT_LIST, "hypercalls", hc_fields, ARRAY_SIZE(hc_fields));
	for (i = 0; i < hc_count(info); i++) {
		if (!hc_bit(info->registered, i) ||
		    dev_get_hc_info(dev, info->hc_base + i, &hci))
			continue;
		out_row(&o);
		put_u64(&o, hci.nr);
		put_str(&o, hci.name);
		put_str(&o, hci.owner);
		put_u64(&o, hci.hc_flags & PVHOOK_HC_INFO_F_BUILTIN);
		put_u64(&o, hci.hc_flags & PVHOOK_HC_INFO_F_USER);
	}
	out_end(&o);
}

/* For people, "features" and "numbers" stand for the members after them. */
static const struct field info_fields[] = {
	{ "abi_version", NULL, "ABI version", FIELD_STR },
	{ "abi_major", NULL, NULL, FIELD_U64 },
	{ "abi_minor", NULL, NULL, FIELD_U64 },
	{ "features", NULL, NULL, FIELD_WORDS },
	{ NULL, NULL, "features", FIELD_STR },
	{ "feature_bits", NULL, NULL, FIELD_U64 },
	{ NULL, NULL, "numbers", FIELD_STR },
	{ "hc_base", NULL, NULL, FIELD_U64 },
	{ "hc_count", NULL, NULL, FIELD_U64 },
	{ "nr_vms", NULL, "VMs known", FIELD_U64 },
};

static void put_info(int dev, const struct pvhook_info *info)
{
	unsigned int major = (info->abi_version >> 8) & 0xff;
	unsigned int minor = info->abi_version & 0xff;
	char words[512], text[sizeof(words) + 32];
	struct out o;

	out_begin(&o, OUT_OBJECT, NULL, info_fields, ARRAY_SIZE(info_fields));
	snprintf(text, sizeof(text), "%u.%u", major, minor);
	put_str(&o, text);
	put_u64(&o, major);
	put_u64(&o, minor);
	feature_words(words, sizeof(words), info->features);
	put_str(&o, words);
	snprintf(text, sizeof(text), "%s(0x%llx)", words, info->features);
	put_str(&o, text);
	put_u64(&o, info->features);
	snprintf(text, sizeof(text), "0x%llx..0x%llx (%u)", info->hc_base,
		 info->hc_base + info->hc_count - 1, info->hc_count);
	put_str(&o, text);
	put_u64(&o, info->hc_base);
	put_u64(&o, info->hc_count);
	put_u64(&o, info->nr_vms);
	print_text("\n");
	put_hypercalls(dev, info);
	out_end(&o);
}

int cmd_info(int argc, char **argv)
{
	struct pvhook_info info;
	int dev;

	parse_help_only(argc, argv, "info", info_help);
	no_more_args(argc, argv, "info");
	dev = dev_open(O_RDONLY);
	dev_get_info(dev, &info);
	put_info(dev, &info);
	close(dev);
	return 0;
}
