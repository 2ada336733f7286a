// SPDX-License-Identifier: GPL-2.0
/*
 * ks_bench_livepatch: the livepatch way of closing the Copy Fail path,
 * which scripts/bench.sh times against the copyfail switch.  It replaces
 * algif_aead's aead_sendmsg() with one that refuses pages passed by
 * reference, as the switch does.  Modelled on
 * samples/livepatch/livepatch-sample.c.
 */
#include <crypto/aead.h>
#include <crypto/if_alg.h>
#include <linux/errno.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/socket.h>

static int ksb_aead_sendmsg(struct socket *sock, struct msghdr *msg,
			    size_t size)
{
	struct alg_sock *pask = alg_sk(alg_sk(sock->sk)->parent);
	struct crypto_aead *tfm = pask->private;

	if (msg->msg_flags & MSG_SPLICE_PAGES)
		return -EPERM;
	return af_alg_sendmsg(sock, msg, size, crypto_aead_ivsize(tfm));
}

static struct klp_func ksb_funcs[] = {
	{
		.old_name = "aead_sendmsg",
		.new_func = ksb_aead_sendmsg,
	},
	{ }
};

static struct klp_object ksb_objs[] = {
	{
		.name = "algif_aead",
		.funcs = ksb_funcs,
	},
	{ }
};

static struct klp_patch ksb_patch = {
	.mod = THIS_MODULE,
	.objs = ksb_objs,
};

static int __init ksb_livepatch_init(void)
{
	return klp_enable_patch(&ksb_patch);
}

static void __exit ksb_livepatch_exit(void)
{
}

module_init(ksb_livepatch_init);
module_exit(ksb_livepatch_exit);
MODULE_DESCRIPTION("Kill-switch benchmark: Copy Fail closed by livepatch");
MODULE_LICENSE("GPL");
MODULE_INFO(livepatch, "Y");
