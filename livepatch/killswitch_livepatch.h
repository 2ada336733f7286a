/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every kill-switch live patch shares, included once by the one
 * source file of each.  A live patch is the kill switch of the same
 * name for a kernel without the series: loading its module engages it;
 * writing 0 to /sys/kernel/livepatch/<module>/enabled, then rmmod,
 * disengages it.  Each change is logged as the series logs a sysctl
 * write ("killswitch: <name> engaged by ..."), and the calls it refused
 * are counted in /sys/module/<module>/parameters/hits.
 *
 * The including file defines KS_LP_SWITCH, the switch's name, and pr_fmt
 * as "killswitch: " fmt; then the patch, ks_lp_patch, whose objects list
 * KS_LP_VMLINUX_OBJECT(funcs) last, and MODULE_DESCRIPTION.
 */
#ifndef KILLSWITCH_LIVEPATCH_H
#define KILLSWITCH_LIVEPATCH_H

#include <linux/atomic.h>
#include <linux/audit.h>
#include <linux/cred.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sysfs.h>

static atomic_long_t ks_lp_hits = ATOMIC_LONG_INIT(0);

/* Count one refused call. */
static void ks_lp_hit(void)
{
	atomic_long_inc(&ks_lp_hits);
}

static int ks_lp_hits_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&ks_lp_hits));
}

static const struct kernel_param_ops ks_lp_hits_ops = {
	.get = ks_lp_hits_get,
};
module_param_cb(hits, &ks_lp_hits_ops, NULL, 0444);
MODULE_PARM_DESC(hits, "calls refused since the module was loaded");

/*
 * Who enabled or disabled the patch: the callbacks before a transition
 * run in the context of the task that loaded the module or wrote to its
 * "enabled" file.  The fields are those of the series' log.
 */
static void ks_lp_log(const char *change)
{
	char comm[TASK_COMM_LEN];

	pr_notice("%s %s by live patch %s: pid=%d uid=%u auid=%u ses=%u comm=\"%s\"\n",
		  KS_LP_SWITCH, change, KBUILD_MODNAME, task_tgid_nr(current),
		  from_kuid(&init_user_ns, current_uid()),
		  from_kuid(&init_user_ns, audit_get_loginuid(current)),
		  audit_get_sessionid(current), get_task_comm(comm, current));
}

static int ks_lp_pre_patch(struct klp_object *obj)
{
	ks_lp_log("engaging");
	return 0;
}

/* After the transition, when every task runs the new functions. */
static void ks_lp_post_patch(struct klp_object *obj)
{
	pr_notice("%s engaged by live patch %s\n", KS_LP_SWITCH, KBUILD_MODNAME);
}

static void ks_lp_pre_unpatch(struct klp_object *obj)
{
	ks_lp_log("disengaging");
}

static void ks_lp_post_unpatch(struct klp_object *obj)
{
	pr_notice("%s disengaged by live patch %s\n", KS_LP_SWITCH, KBUILD_MODNAME);
}

/* The functions of a patch that replaces none of vmlinux's. */
#define KS_LP_NO_FUNCS ((struct klp_func []){ { } })

/*
 * The object "vmlinux", always loaded, with the functions it replaces
 * there and the callbacks that log the changes.
 */
#define KS_LP_VMLINUX_OBJECT(vmlinux_funcs)			\
	{							\
		.funcs = vmlinux_funcs,				\
		.callbacks = {					\
			.pre_patch = ks_lp_pre_patch,		\
			.post_patch = ks_lp_post_patch,		\
			.pre_unpatch = ks_lp_pre_unpatch,	\
			.post_unpatch = ks_lp_post_unpatch,	\
		},						\
	}

/*
 * KS_LP_SYMBOL(local, object, name): the function or variable @local,
 * declared but not defined by the including file, is @name of the module
 * @object, which may be static there or not loaded yet.  The module
 * loader cannot resolve it; scripts/klp-convert.c, run on the built
 * module, turns the references to @local into livepatch relocations,
 * which livepatch resolves and applies when @object loads.  The
 * annotation is an ELF note "ks_lp" of type 1 whose text is "local
 * object name", in a section that is not loaded.
 */
#define KS_LP_SYMBOL(local, object, name)				\
	asm(".pushsection .note.ks_lp_symbols, \"\", @note\n\t"	\
	    ".balign 4\n\t"						\
	    ".long 6, 2f - 1f, 1\n\t"					\
	    ".asciz \"ks_lp\"\n\t"					\
	    ".balign 4\n"						\
	    "1:\t.asciz \"" #local " " #object " " #name "\"\n"		\
	    "2:\t.balign 4\n\t"						\
	    ".popsection")

static struct klp_patch ks_lp_patch;	/* the including file's */

static int __init ks_lp_init(void)
{
	return klp_enable_patch(&ks_lp_patch);
}

/* Nothing to undo: rmmod is refused until the patch is disabled. */
static void __exit ks_lp_exit(void)
{
}

module_init(ks_lp_init);
module_exit(ks_lp_exit);
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");

#endif
