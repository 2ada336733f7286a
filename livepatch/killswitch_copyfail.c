// SPDX-License-Identifier: GPL-2.0
/*
 * The copyfail kill switch as a live patch (CVE-2026-31431, "Copy
 * Fail"): an AF_ALG AEAD socket refuses input passed by page reference
 * (splice, sendfile, vmsplice then splice) with EPERM, as the series'
 * switch does; input copied in by sendmsg() keeps working, and so do
 * hashes and skciphers, spliced or not.
 *
 * The functions replaced are those of Debian's binaries through which
 * such input reaches the AEAD code (livepatch/routes lists them and
 * scripts/check-livepatch-routes.sh checks the list against the objects):
 *
 * - Since 6.5, spliced pages come with MSG_SPLICE_PAGES to the socket's
 *   sendmsg.  algif_aead's aead_sendmsg() checks nothing and hands over
 *   to af_alg_sendmsg(); aead_sendmsg_nokey(), used by sockets accepted
 *   before their key was set, checks the key and does the same, with
 *   aead_sendmsg() inlined into it.  Both are replaced.
 * - Before, they come through the socket's sendpage: af_alg's
 *   af_alg_sendpage(), which both AEAD socket kinds reach (the keyed
 *   one calls it directly, aead_sendpage_nokey() after the key check)
 *   and skcipher sockets too.  It is replaced by one that refuses AEAD
 *   sockets only.
 */
#define pr_fmt(fmt) "killswitch: " fmt
#define KS_LP_SWITCH "copyfail"

#include <crypto/aead.h>
#include <crypto/if_alg.h>
#include <linux/errno.h>
#include <linux/net.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/version.h>
#include <net/sock.h>
#include "killswitch_livepatch.h"

/*
 * proto_ops lost .sendpage in 6.5.  Not #ifdef MSG_SPLICE_PAGES: Debian's
 * 6.1 has the flag, backported, and still sends pages by sendpage.
 */
#if KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE

static int ks_aead_sendmsg(struct socket *sock, struct msghdr *msg,
			   size_t size)
{
	struct alg_sock *pask = alg_sk(alg_sk(sock->sk)->parent);
	struct crypto_aead *tfm = pask->private;

	if (msg->msg_flags & MSG_SPLICE_PAGES) {
		ks_lp_hit();
		return -EPERM;
	}
	return af_alg_sendmsg(sock, msg, size, crypto_aead_ivsize(tfm));
}

/* algif_aead.c's aead_check_key(), unchanged: it is static there. */
static int ks_aead_check_key(struct socket *sock)
{
	int err = 0;
	struct sock *psk;
	struct alg_sock *pask;
	struct crypto_aead *tfm;
	struct sock *sk = sock->sk;
	struct alg_sock *ask = alg_sk(sk);

	lock_sock(sk);
	if (!atomic_read(&ask->nokey_refcnt))
		goto unlock_child;

	psk = ask->parent;
	pask = alg_sk(ask->parent);
	tfm = pask->private;

	err = -ENOKEY;
	lock_sock_nested(psk, SINGLE_DEPTH_NESTING);
	if (crypto_aead_get_flags(tfm) & CRYPTO_TFM_NEED_KEY)
		goto unlock;

	atomic_dec(&pask->nokey_refcnt);
	atomic_set(&ask->nokey_refcnt, 0);

	err = 0;

unlock:
	release_sock(psk);
unlock_child:
	release_sock(sk);

	return err;
}

static int ks_aead_sendmsg_nokey(struct socket *sock, struct msghdr *msg,
				 size_t size)
{
	int err;

	err = ks_aead_check_key(sock);
	if (err)
		return err;

	return ks_aead_sendmsg(sock, msg, size);
}

static struct klp_func ks_algif_aead_funcs[] = {
	{
		.old_name = "aead_sendmsg",
		.new_func = ks_aead_sendmsg,
	},
	{
		.old_name = "aead_sendmsg_nokey",
		.new_func = ks_aead_sendmsg_nokey,
	},
	{ }
};

static struct klp_object ks_objs[] = {
	{
		.name = "algif_aead",
		.funcs = ks_algif_aead_funcs,
	},
	KS_LP_VMLINUX_OBJECT(KS_LP_NO_FUNCS),
	{ }
};

#else

/* af_alg.c's af_alg_sendpage(), but refusing AEAD sockets. */
static ssize_t ks_af_alg_sendpage(struct socket *sock, struct page *page,
				  int offset, size_t size, int flags)
{
	struct bio_vec bvec;
	struct msghdr msg = {
		.msg_flags = flags,
	};

	if (!strcmp(alg_sk(sock->sk)->type->name, "aead")) {
		ks_lp_hit();
		return -EPERM;
	}

	if (flags & MSG_SENDPAGE_NOTLAST)
		msg.msg_flags |= MSG_MORE;

	bvec_set_page(&bvec, page, size, offset);
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bvec, 1, size);
	return sock_sendmsg(sock, &msg);
}

static struct klp_func ks_af_alg_funcs[] = {
	{
		.old_name = "af_alg_sendpage",
		.new_func = ks_af_alg_sendpage,
	},
	{ }
};

static struct klp_object ks_objs[] = {
	{
		.name = "af_alg",
		.funcs = ks_af_alg_funcs,
	},
	KS_LP_VMLINUX_OBJECT(KS_LP_NO_FUNCS),
	{ }
};

#endif

static struct klp_patch ks_lp_patch = {
	.mod = THIS_MODULE,
	.objs = ks_objs,
};

MODULE_DESCRIPTION("Kill switch copyfail (CVE-2026-31431) as a live patch");
