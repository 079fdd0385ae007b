// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/pvhook_guest:
 *   host_abi         the host's pvhook ABI, "MAJOR.MINOR"
 *   host_features    PVHOOK_F_* bits the host offers, hex
 *   rings            CPUs whose record ring the host accepted
 *   flush_errors     doorbells the host refused
 *   flush            write anything: send every CPU's records now
 *   slots/SLOT/      one directory per pv_ops slot:
 *     mode           off, count, notify or sync; write one to attach,
 *                    change or detach ("off")
 *     attached       1 while the hook is in the slot
 *     supported      "yes", or "no: " and why not on this kernel
 *     target         the function the slot holds
 *     callee         what the hook calls to run the operation: the
 *                    target past its __fentry__ call once the hook has
 *                    learnt where that is and the CPU allows it (e.g.
 *                    "native_flush_tlb_one_user+0x9/0x20"), else the
 *                    target itself ("+0x0"); empty when not supported
 *     calls          calls of the operation while its mode was not off
 *     records        records the host took
 *     dropped        records lost
 */
#include <linux/kobject.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "pvhook_guest.h"

struct kobject *pvg_kobj;
static struct kobject *pvg_slots_kobj;

#define to_slot(k) container_of(k, struct pvg_slot, kobj)

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  pvg_mode_names[READ_ONCE(to_slot(kobj)->mode)]);
}

static ssize_t mode_store(struct kobject *kobj, struct kobj_attribute *attr,
			  const char *buf, size_t len)
{
	int mode = sysfs_match_string(pvg_mode_names, buf);
	int ret;

	if (mode < 0)
		return mode;
	ret = pvg_slot_set_mode(to_slot(kobj), mode);
	return ret ?: len;
}

static ssize_t attached_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_slot(kobj)->attached));
}

static ssize_t supported_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	struct pvg_slot *s = to_slot(kobj);

	if (s->why)
		return sysfs_emit(buf, "no: %s\n", s->why);
	return sysfs_emit(buf, "yes\n");
}

static ssize_t target_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct pvg_slot *s = to_slot(kobj);
	void *target = s->pv_slot ? READ_ONCE(*s->pv_slot) : NULL;

	return sysfs_emit(buf, "%ps\n", target);
}

static ssize_t callee_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct pvg_slot *s = to_slot(kobj);

	if (!s->orig)
		return sysfs_emit(buf, "\n");
	return sysfs_emit(buf, "%pS\n", pvg_slot_callee(s));
}

static ssize_t calls_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct pvg_slot_stats sum;

	pvg_slot_totals(to_slot(kobj), &sum);
	return sysfs_emit(buf, "%llu\n", sum.calls);
}

static ssize_t records_show(struct kobject *kobj,
			    struct kobj_attribute *attr, char *buf)
{
	struct pvg_slot_stats sum;

	pvg_slot_totals(to_slot(kobj), &sum);
	return sysfs_emit(buf, "%llu\n", sum.records);
}

static ssize_t dropped_show(struct kobject *kobj,
			    struct kobj_attribute *attr, char *buf)
{
	struct pvg_slot_stats sum;

	pvg_slot_totals(to_slot(kobj), &sum);
	return sysfs_emit(buf, "%llu\n", sum.dropped);
}

static struct kobj_attribute calls_attr = __ATTR_RO(calls);
static struct kobj_attribute records_attr = __ATTR_RO(records);
static struct kobj_attribute dropped_attr = __ATTR_RO(dropped);
static struct kobj_attribute mode_attr = __ATTR_RW(mode);
static struct kobj_attribute attached_attr = __ATTR_RO(attached);
static struct kobj_attribute supported_attr = __ATTR_RO(supported);
static struct kobj_attribute target_attr = __ATTR_RO(target);
static struct kobj_attribute callee_attr = __ATTR_RO(callee);

static struct attribute *pvg_slot_attrs[] = {
	&mode_attr.attr,
	&attached_attr.attr,
	&supported_attr.attr,
	&target_attr.attr,
	&callee_attr.attr,
	&calls_attr.attr,
	&records_attr.attr,
	&dropped_attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(pvg_slot);

/* The slots are static; their kobjects only need to go from sysfs. */
static void pvg_slot_kobj_release(struct kobject *kobj)
{
}

static const struct kobj_type pvg_slot_ktype = {
	.release = pvg_slot_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = pvg_slot_groups,
};

static ssize_t host_abi_show(struct kobject *kobj,
			     struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu.%lu\n", pvg_host_abi >> 8,
			  pvg_host_abi & 0xff);
}

static ssize_t host_features_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%#lx\n", pvg_host_features);
}

static ssize_t rings_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", pvg_rings_registered());
}

static ssize_t flush_errors_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", pvg_rings_flush_errors());
}

static ssize_t flush_store(struct kobject *kobj, struct kobj_attribute *attr,
			   const char *buf, size_t len)
{
	pvg_rings_flush();
	return len;
}

static struct kobj_attribute host_abi_attr = __ATTR_RO(host_abi);
static struct kobj_attribute host_features_attr = __ATTR_RO(host_features);
static struct kobj_attribute rings_attr = __ATTR_RO(rings);
static struct kobj_attribute flush_errors_attr = __ATTR_RO(flush_errors);
static struct kobj_attribute flush_attr = __ATTR_WO(flush);

static struct attribute *pvg_top_attrs[] = {
	&host_abi_attr.attr,
	&host_features_attr.attr,
	&rings_attr.attr,
	&flush_errors_attr.attr,
	&flush_attr.attr,
	NULL,
};

static const struct attribute_group pvg_top_group = {
	.attrs = pvg_top_attrs,
};

/**
 * pvg_sysfs_init() - create /sys/kernel/pvhook_guest
 *
 * Return: 0, or a negative errno.
 */
int pvg_sysfs_init(void)
{
	unsigned int i;
	int ret;

	pvg_kobj = kobject_create_and_add("pvhook_guest", kernel_kobj);
	if (!pvg_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(pvg_kobj, &pvg_top_group);
	if (ret)
		goto err;
	pvg_slots_kobj = kobject_create_and_add("slots", pvg_kobj);
	if (!pvg_slots_kobj) {
		ret = -ENOMEM;
		goto err;
	}
	for (i = 0; i < pvg_nr_slots; i++) {
		ret = kobject_init_and_add(&pvg_slots[i].kobj, &pvg_slot_ktype,
					   pvg_slots_kobj, "%s",
					   pvg_slots[i].name);
		if (ret) {
			kobject_put(&pvg_slots[i].kobj);
			goto err_slots;
		}
	}
	return 0;

err_slots:
	while (i--)
		kobject_put(&pvg_slots[i].kobj);
	kobject_put(pvg_slots_kobj);
err:
	kobject_put(pvg_kobj);
	return ret;
}

/**
 * pvg_sysfs_exit() - remove /sys/kernel/pvhook_guest; no attribute runs
 *                    once it returns
 */
void pvg_sysfs_exit(void)
{
	unsigned int i;

	for (i = 0; i < pvg_nr_slots; i++)
		kobject_put(&pvg_slots[i].kobj);
	kobject_put(pvg_slots_kobj);
	kobject_put(pvg_kobj);
}
