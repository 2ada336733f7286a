// SPDX-License-Identifier: GPL-2.0
/*
 * ks_bench_micro: times many calls of two functions that differ only by a
 * KILLSWITCH_POINT(), for scripts/bench.sh.
 *
 *   echo "point 2000000" >/sys/module/ks_bench_micro/parameters/run
 *   cat /sys/module/ks_bench_micro/parameters/run    # "point 2000000 <ns>"
 *
 * "plain" calls ksb_plain(), "point" calls ksb_point().  The bodies are
 * as small as a function gets, so the ratio of the two is the worst case
 * of what a disengaged point adds to the function holding it.  The
 * point uses the copyfail switch: engage it to time the engaged point,
 * or override ksb_plain() through the function-override interface to
 * time a kprobe override.
 */
#include <linux/errno.h>
#include <linux/killswitch.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/sysfs.h>

/* Calls between two chances to reschedule: long runs must not hog the CPU. */
#define KSB_CHUNK	65536

static int ksb_sink;
static char ksb_result[64];

/* The same body twice; only the kill-switch point differs. */
static noinline int ksb_plain(int x)
{
	WRITE_ONCE(ksb_sink, x);
	return 0;
}

static noinline int ksb_point(int x)
{
	KILLSWITCH_POINT(copyfail, -EPERM);
	WRITE_ONCE(ksb_sink, x);
	return 0;
}

/*
 * Direct calls in both loops: an indirect call would dilute the ratio.
 * The results are summed so that the compiler keeps the return value
 * (and the name) that a function override needs.
 */
#define KSB_TIMER(fn)							\
static u64 fn##_time(unsigned long calls)				\
{									\
	u64 start = ktime_get_ns();					\
	unsigned long i;						\
	int sum = 0;							\
									\
	for (i = 0; i < calls; i++) {					\
		sum += fn(i);						\
		if (!((i + 1) % KSB_CHUNK))				\
			cond_resched();					\
	}								\
	start = ktime_get_ns() - start;					\
	WRITE_ONCE(ksb_sink, sum);					\
	return start;							\
}

KSB_TIMER(ksb_plain)
KSB_TIMER(ksb_point)

static int ksb_run_set(const char *val, const struct kernel_param *kp)
{
	unsigned long calls;
	char name[8];
	u64 ns;

	if (sscanf(val, "%7s %lu", name, &calls) != 2 || !calls ||
	    calls > 100000000)
		return -EINVAL;
	if (!strcmp(name, "plain"))
		ns = ksb_plain_time(calls);
	else if (!strcmp(name, "point"))
		ns = ksb_point_time(calls);
	else
		return -EINVAL;
	snprintf(ksb_result, sizeof(ksb_result), "%s %lu %llu", name, calls, ns);
	return 0;
}

static int ksb_run_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", ksb_result);
}

static const struct kernel_param_ops ksb_run_ops = {
	.set = ksb_run_set,
	.get = ksb_run_get,
};
module_param_cb(run, &ksb_run_ops, NULL, 0600);
MODULE_PARM_DESC(run, "write \"plain|point CALLS\" to time CALLS calls; read the result");

MODULE_DESCRIPTION("Kill-switch benchmark: cost of a KILLSWITCH_POINT()");
MODULE_LICENSE("GPL");
