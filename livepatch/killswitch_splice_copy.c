// SPDX-License-Identifier: GPL-2.0
/*
 * The splice_copy kill switch as a live patch (CVE-2026-31431,
 * CVE-2026-43284, CVE-2026-43500, CVE-2026-46300): user space hands no
 * socket a page by reference; the data is copied instead, and every
 * byte still arrives.
 *
 * The functions replaced are those of Debian's vmlinux where the pages
 * are taken (livepatch/routes lists the routes and
 * scripts/check-livepatch-routes.sh checks the list against the image):
 *
 * - splice(), sendfile() and vmsplice() then splice() reach every socket
 *   through the socket file's splice_to_socket() (6.12), which sends the
 *   pipe's pages with MSG_SPLICE_PAGES, or its sock_sendpage() (6.1),
 *   which hands each page to the protocol's sendpage.  The replacements
 *   do what the series' switch does: send without the flag, or through
 *   sock_no_sendpage(), and the protocol copies the data.
 * - MSG_ZEROCOPY sends (TCP, UDP; vsock on 6.12) and io_uring's
 *   zero-copy sends pin the sender's pages and hang them on the skb in
 *   __zerocopy_sg_from_iter(), TCP's through skb_zerocopy_iter_stream(),
 *   which alone knows the send's ubuf_info.  Both are replaced: the skb
 *   gets a copy of the data in pages allocated here, charged to the
 *   sender's memory cgroup, and the send's completion is marked as
 *   copied, as the kernel marks it when a device cannot take the pages.
 *   The series' switch decides earlier, in each protocol, and copies as
 *   for a device without scatter-gather; the data and the completion
 *   are the same.
 *
 * A hit is one send of spliced pages, or one skb filled by a copy.
 */
#define pr_fmt(fmt) "killswitch: " fmt
#define KS_LP_SWITCH "splice_copy"

#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/net.h>
#include <linux/pipe_fs_i.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/splice.h>
#include <linux/uio.h>
#include <linux/version.h>
#include <net/sock.h>
#include "killswitch_livepatch.h"

/*
 * skb_zerocopy_iter_stream()'s check: an skb can only point to one uarg.
 * This edge case happens when TCP appends to an skb, but
 * zerocopy_realloc triggered a new alloc.
 */
static int ks_skb_one_uarg(struct sk_buff *skb, struct ubuf_info *uarg)
{
	struct ubuf_info *orig_uarg = skb_zcopy(skb);

	return orig_uarg && uarg != orig_uarg ? -EEXIST : 0;
}

/*
 * What differs between the two kernel lines carried, Debian's 6.12 and
 * 6.1.  Spliced pages reach sockets by splice_to_socket() with
 * MSG_SPLICE_PAGES since 6.5, by each socket's sendpage before; the
 * zero-copy code gained ubuf_info operations and unreadable fragments
 * (device memory) since.  Not #ifdef MSG_SPLICE_PAGES: Debian's 6.1 has
 * the flag, backported, and still sends pages by sendpage.
 */
#if KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE

/* Not exported: vmlinux's own, through a livepatch relocation. */
void ks_pipe_wait_readable(struct pipe_inode_info *pipe);
KS_LP_SYMBOL(ks_pipe_wait_readable, vmlinux, pipe_wait_readable);

/*
 * fs/splice.c's wakeup_pipe_writers(): it is static there.  Its barrier
 * and check for waiting writers are wq_has_sleeper()'s.
 */
static void ks_wakeup_pipe_writers(struct pipe_inode_info *pipe)
{
	if (wq_has_sleeper(&pipe->wr_wait))
		wake_up_interruptible(&pipe->wr_wait);
	kill_fasync(&pipe->fasync_writers, SIGIO, POLL_OUT);
}

/* fs/splice.c's splice_to_socket(), sending without MSG_SPLICE_PAGES. */
static ssize_t ks_splice_to_socket(struct pipe_inode_info *pipe, struct file *out,
				   loff_t *ppos, size_t len, unsigned int flags)
{
	struct socket *sock = sock_from_file(out);
	struct bio_vec bvec[16];
	struct msghdr msg = {};
	ssize_t ret = 0;
	size_t spliced = 0;
	bool need_wakeup = false;

	pipe_lock(pipe);

	while (len > 0) {
		unsigned int head, tail, mask, bc = 0;
		size_t remain = len;

		/*
		 * Check for signal early to make process killable when there
		 * are always buffers available
		 */
		ret = -ERESTARTSYS;
		if (signal_pending(current))
			break;

		while (pipe_empty(pipe->head, pipe->tail)) {
			ret = 0;
			if (!pipe->writers)
				goto out;

			if (spliced)
				goto out;

			ret = -EAGAIN;
			if (flags & SPLICE_F_NONBLOCK)
				goto out;

			ret = -ERESTARTSYS;
			if (signal_pending(current))
				goto out;

			if (need_wakeup) {
				ks_wakeup_pipe_writers(pipe);
				need_wakeup = false;
			}

			ks_pipe_wait_readable(pipe);
		}

		head = pipe->head;
		tail = pipe->tail;
		mask = pipe->ring_size - 1;

		while (!pipe_empty(head, tail)) {
			struct pipe_buffer *buf = &pipe->bufs[tail & mask];
			size_t seg;

			if (!buf->len) {
				tail++;
				continue;
			}

			seg = min_t(size_t, remain, buf->len);

			ret = pipe_buf_confirm(pipe, buf);
			if (unlikely(ret)) {
				if (ret == -ENODATA)
					ret = 0;
				break;
			}

			bvec_set_page(&bvec[bc++], buf->page, seg, buf->offset);
			remain -= seg;
			if (remain == 0 || bc >= ARRAY_SIZE(bvec))
				break;
			tail++;
		}

		if (!bc)
			break;

		/* The switch: no MSG_SPLICE_PAGES, so the protocol copies. */
		ks_lp_hit();
		msg.msg_flags = 0;
		if (flags & SPLICE_F_MORE)
			msg.msg_flags |= MSG_MORE;
		if (remain && pipe_occupancy(pipe->head, tail) > 0)
			msg.msg_flags |= MSG_MORE;
		if (out->f_flags & O_NONBLOCK)
			msg.msg_flags |= MSG_DONTWAIT;

		iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bvec, bc,
			      len - remain);
		ret = sock_sendmsg(sock, &msg);
		if (ret <= 0)
			break;

		spliced += ret;
		len -= ret;
		tail = pipe->tail;
		while (ret > 0) {
			struct pipe_buffer *buf = &pipe->bufs[tail & mask];
			size_t seg = min_t(size_t, ret, buf->len);

			buf->offset += seg;
			buf->len -= seg;
			ret -= seg;

			if (!buf->len) {
				pipe_buf_release(pipe, buf);
				tail++;
			}
		}

		if (tail != pipe->tail) {
			pipe->tail = tail;
			if (pipe->files)
				need_wakeup = true;
		}
	}

out:
	pipe_unlock(pipe);
	if (need_wakeup)
		ks_wakeup_pipe_writers(pipe);
	return spliced ?: ret;
}

#define KS_SPLICE_FUNC { .old_name = "splice_to_socket", .new_func = ks_splice_to_socket }

static bool ks_frags_readable(struct sk_buff *skb)
{
	return skb_frags_readable(skb);
}

static void ks_zcopy_complete(struct ubuf_info *uarg, bool success)
{
	uarg->ops->complete(NULL, uarg, success);
}

/* Hang @skb on @uarg, as skb_zerocopy_iter_stream() does first. */
static int ks_zcopy_link_skb(struct sk_buff *skb, struct ubuf_info *uarg)
{
	if (uarg->ops->link_skb)
		return uarg->ops->link_skb(skb, uarg);
	return ks_skb_one_uarg(skb, uarg);
}

#else

/*
 * net/socket.c's sock_sendpage(), the sendpage of every socket file, as
 * the series' switch has it: sock_no_sendpage() sends a copy of the
 * page's data through sendmsg(), which knows "more to come" as MSG_MORE
 * only.
 */
static ssize_t ks_sock_sendpage(struct file *file, struct page *page,
				int offset, size_t size, loff_t *ppos, int more)
{
	struct socket *sock;
	int flags;

	sock = file->private_data;

	flags = (file->f_flags & O_NONBLOCK) ? MSG_DONTWAIT : 0;
	/* more is a combination of MSG_MORE and MSG_SENDPAGE_NOTLAST */
	flags |= more;

	ks_lp_hit();
	if (flags & MSG_SENDPAGE_NOTLAST)
		flags = (flags & ~MSG_SENDPAGE_NOTLAST) | MSG_MORE;
	return sock_no_sendpage(sock, page, offset, size, flags);
}

#define KS_SPLICE_FUNC { .old_name = "sock_sendpage", .new_func = ks_sock_sendpage }

static bool ks_frags_readable(struct sk_buff *skb)
{
	return true;
}

static void ks_zcopy_complete(struct ubuf_info *uarg, bool success)
{
	uarg->callback(NULL, uarg, success);
}

static int ks_zcopy_link_skb(struct sk_buff *skb, struct ubuf_info *uarg)
{
	return ks_skb_one_uarg(skb, uarg);
}

#endif

/*
 * What __zerocopy_sg_from_iter() does, but with copies: up to @length
 * bytes of @from go into pages allocated here, one fragment each,
 * instead of references to the sender's pages.  The skb gets at most as
 * many fragments as with the sender's pages, and the same errors:
 * -EMSGSIZE when they run out, else -EFAULT (the original's for any
 * failure to get the pages, ENOMEM included: the callers handle no other).
 * Its callers may sleep, as get_user_pages() does for the original.
 *
 * Then the zero-copy send of @uarg, if any, is marked as copied: its
 * completion (MSG_ZEROCOPY) or notification (io_uring) says so, as after
 * skb_copy_ubufs().  The reference taken for that is the one its
 * completion callback drops; the send's own references complete it as
 * before.
 */
static int ks_zerocopy_fill_by_copy(struct sock *sk, struct sk_buff *skb,
				    struct iov_iter *from, size_t length,
				    struct ubuf_info *uarg)
{
	unsigned long orig_size = skb->truesize;
	unsigned long truesize;
	int frag, ret = 0;

	ks_lp_hit();
	/* Fragments that io_uring held the references of get their own. */
	skb_zcopy_downgrade_managed(skb);
	frag = skb_shinfo(skb)->nr_frags;
	if (!ks_frags_readable(skb))
		ret = -EFAULT;

	while (!ret && length && iov_iter_count(from)) {
		size_t size = min3(length, iov_iter_count(from), PAGE_SIZE);
		struct page *page;

		if (frag == MAX_SKB_FRAGS) {
			ret = -EMSGSIZE;
			break;
		}
		page = alloc_page(GFP_KERNEL_ACCOUNT);
		if (!page || copy_page_from_iter(page, 0, size, from) != size) {
			if (page)
				__free_page(page);
			ret = -EFAULT;
			break;
		}
		length -= size;
		skb->data_len += size;
		skb->len += size;
		skb->truesize += PAGE_SIZE;
		skb_fill_page_desc_noacc(skb, frag++, page, 0, size);
	}

	if (uarg) {
		net_zcopy_get(uarg);
		ks_zcopy_complete(uarg, false);
	}

	/* From here, __zerocopy_sg_from_iter()'s accounting, unchanged. */
	truesize = skb->truesize - orig_size;
	if (sk && sk->sk_type == SOCK_STREAM) {
		sk_wmem_queued_add(sk, truesize);
		if (!skb_zcopy_pure(skb))
			sk_mem_charge(sk, truesize);
	} else {
		refcount_add(truesize, &skb->sk->sk_wmem_alloc);
	}
	return ret;
}

/*
 * net/core/datagram.c's __zerocopy_sg_from_iter(), filling by copy.  The
 * send's ubuf_info is io_uring's in @msg or the one already on @skb (UDP,
 * vsock); TCP's comes from ks_skb_zerocopy_iter_stream().
 */
static int ks_zerocopy_sg_from_iter(struct msghdr *msg, struct sock *sk,
				    struct sk_buff *skb, struct iov_iter *from,
				    size_t length)
{
	return ks_zerocopy_fill_by_copy(sk, skb, from, length,
					msg && msg->msg_ubuf ? msg->msg_ubuf : skb_zcopy(skb));
}

/* net/core/skbuff.c's skb_zerocopy_iter_stream(), filling by copy. */
static int ks_skb_zerocopy_iter_stream(struct sock *sk, struct sk_buff *skb,
				       struct msghdr *msg, int len,
				       struct ubuf_info *uarg)
{
	int err, orig_len = skb->len;

	err = ks_zcopy_link_skb(skb, uarg);
	if (err)
		return err;

	err = ks_zerocopy_fill_by_copy(sk, skb, &msg->msg_iter, len, uarg);
	if (err == -EFAULT || (err == -EMSGSIZE && skb->len == orig_len)) {
		struct sock *save_sk = skb->sk;

		/* Streams do not free skb on error. Reset to prev state. */
		iov_iter_revert(&msg->msg_iter, skb->len - orig_len);
		skb->sk = sk;
		___pskb_trim(skb, orig_len);
		skb->sk = save_sk;
		return err;
	}

	skb_zcopy_set(skb, uarg, NULL);
	return skb->len - orig_len;
}

static struct klp_func ks_vmlinux_funcs[] = {
	KS_SPLICE_FUNC,
	{
		.old_name = "__zerocopy_sg_from_iter",
		.new_func = ks_zerocopy_sg_from_iter,
	},
	{
		.old_name = "skb_zerocopy_iter_stream",
		.new_func = ks_skb_zerocopy_iter_stream,
	},
	{ }
};

static struct klp_object ks_objs[] = {
	KS_LP_VMLINUX_OBJECT(ks_vmlinux_funcs),
	{ }
};

static struct klp_patch ks_lp_patch = {
	.mod = THIS_MODULE,
	.objs = ks_objs,
};

MODULE_DESCRIPTION("Kill switch splice_copy (CVE-2026-31431, CVE-2026-43284, CVE-2026-43500, CVE-2026-46300) as a live patch");
