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

static void feature_name(char *buf, size_t size, unsigned int bit)
{
	if (bit < ARRAY_SIZE(feature_names))
		snprintf(buf, size, "%s", feature_names[bit]);
	else
		snprintf(buf, size, "bit%u", bit);
}

static void print_features(u64 features)
{
	char name[16];
	unsigned int bit;

	for (bit = 0; bit < 64; bit++) {
		if (!(features & (1ULL << bit)))
			continue;
		feature_name(name, sizeof(name), bit);
		printf("%s ", name);
	}
	printf("(0x%llx)\n", features);
}

static void json_features(u64 features)
{
	char name[16];
	unsigned int bit;

	json_arr_begin("features");
	for (bit = 0; bit < 64; bit++) {
		if (!(features & (1ULL << bit)))
			continue;
		feature_name(name, sizeof(name), bit);
		json_str(NULL, name);
	}
	json_arr_end();
	json_u64("feature_bits", features);
}

/* The number of offsets the registered bitmap covers. */
static unsigned int hc_count(const struct pvhook_info *info)
{
	return info->hc_count < PVHOOK_HC_COUNT ? info->hc_count :
						  PVHOOK_HC_COUNT;
}

static void print_hypercalls(int dev, const struct pvhook_info *info)
{
	static const char *const headers[] = { "NR", "NAME", "OWNER", "USER" };
	struct table *t = table_new(headers, ARRAY_SIZE(headers));
	struct pvhook_hc_info hci;
	unsigned int i;

	for (i = 0; i < hc_count(info); i++) {
		if (!hc_bit(info->registered, i) ||
		    dev_get_hc_info(dev, info->hc_base + i, &hci))
			continue;
		table_hex(t, hci.nr);
		table_str(t, hci.name);
		table_str(t, hci.owner);
		table_str(t, yes_no(hci.hc_flags & PVHOOK_HC_INFO_F_USER));
	}
	table_print(t);
}

static void json_hypercalls(int dev, const struct pvhook_info *info)
{
	struct pvhook_hc_info hci;
	unsigned int i;

	json_arr_begin("hypercalls");
	for (i = 0; i < hc_count(info); i++) {
		if (!hc_bit(info->registered, i) ||
		    dev_get_hc_info(dev, info->hc_base + i, &hci))
			continue;
		json_obj_begin(NULL);
		json_u64("nr", hci.nr);
		json_str("name", hci.name);
		json_str("owner", hci.owner);
		json_bool("builtin", hci.hc_flags & PVHOOK_HC_INFO_F_BUILTIN);
		json_bool("user", hci.hc_flags & PVHOOK_HC_INFO_F_USER);
		json_obj_end();
	}
	json_arr_end();
}

static void print_info(int dev, const struct pvhook_info *info)
{
	printf("ABI version:  %u.%u\n", (info->abi_version >> 8) & 0xff,
	       info->abi_version & 0xff);
	printf("features:     ");
	print_features(info->features);
	printf("numbers:      0x%llx..0x%llx (%u)\n", info->hc_base,
	       info->hc_base + info->hc_count - 1, info->hc_count);
	printf("VMs known:    %u\n\n", info->nr_vms);
	print_hypercalls(dev, info);
}

static void json_info(int dev, const struct pvhook_info *info)
{
	char version[16];

	snprintf(version, sizeof(version), "%u.%u",
		 (info->abi_version >> 8) & 0xff, info->abi_version & 0xff);
	json_obj_begin(NULL);
	json_str("abi_version", version);
	json_u64("abi_major", (info->abi_version >> 8) & 0xff);
	json_u64("abi_minor", info->abi_version & 0xff);
	json_features(info->features);
	json_u64("hc_base", info->hc_base);
	json_u64("hc_count", info->hc_count);
	json_u64("nr_vms", info->nr_vms);
	json_hypercalls(dev, info);
	json_obj_end();
	json_end_line();
}

int cmd_info(int argc, char **argv)
{
	struct pvhook_info info;
	int dev;

	parse_help_only(argc, argv, "info", info_help);
	no_more_args(argc, argv, "info");
	dev = dev_open(O_RDONLY);
	dev_get_info(dev, &info);
	if (opts.json)
		json_info(dev, &info);
	else
		print_info(dev, &info);
	close(dev);
	return 0;
}
