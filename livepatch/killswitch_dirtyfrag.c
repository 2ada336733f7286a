// SPDX-License-Identifier: GPL-2.0
/*
 * The dirtyfrag kill switch as a live patch (CVE-2026-43284,
 * CVE-2026-43500, CVE-2026-46300: Dirty Frag and Fragnesia): ESP input
 * never decrypts in place over the paged fragments of a received skb.
 * Each such skb is first copied into a private linear buffer by
 * skb_cow_data(), whatever SKBFL_SHARED_FRAG says, and counts one hit,
 * as with the series' switch.  IPsec keeps working, with one copy per
 * paged packet.
 *
 * The functions replaced are esp4's esp_input() and esp6's esp6_input(),
 * the only functions of Debian's esp4 and esp6 that call
 * crypto_aead_decrypt() (livepatch/routes lists them and
 * scripts/check-livepatch-routes.sh checks the list against the objects).
 * Both are the same in 6.1 and 6.12 and differ from each other only in
 * the module's functions they call; the replacements share one copy,
 * unchanged but for the switch.  Those functions stay esp4's and esp6's
 * own, reached through livepatch relocations (KS_LP_SYMBOL): above all
 * the completion callbacks handed to asynchronous crypto, which may run
 * after this module is gone.  A patch of a module not loaded yet is
 * applied when it loads.
 */
#define pr_fmt(fmt) "killswitch: " fmt
#define KS_LP_SWITCH "dirtyfrag"

#include <crypto/aead.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <net/esp.h>
#include <net/xfrm.h>
#include "killswitch_livepatch.h"

/* What esp_input() calls of its module: esp4's or esp6's functions. */
void *ks_esp4_alloc_tmp(struct crypto_aead *aead, int nfrags, int extralen);
void *ks_esp6_alloc_tmp(struct crypto_aead *aead, int nfrags, int extralen);
int ks_esp4_input_done2(struct sk_buff *skb, int err);
int ks_esp6_input_done2(struct sk_buff *skb, int err);
/* The completion callbacks, of crypto_completion_t's type (6.1 or 6.12's). */
typeof(*(crypto_completion_t)NULL) ks_esp4_input_done, ks_esp4_input_done_esn;
typeof(*(crypto_completion_t)NULL) ks_esp6_input_done, ks_esp6_input_done_esn;

KS_LP_SYMBOL(ks_esp4_alloc_tmp, esp4, esp_alloc_tmp);
KS_LP_SYMBOL(ks_esp4_input_done, esp4, esp_input_done);
KS_LP_SYMBOL(ks_esp4_input_done_esn, esp4, esp_input_done_esn);
KS_LP_SYMBOL(ks_esp4_input_done2, esp4, esp_input_done2);
KS_LP_SYMBOL(ks_esp6_alloc_tmp, esp6, esp_alloc_tmp);
KS_LP_SYMBOL(ks_esp6_input_done, esp6, esp_input_done);
KS_LP_SYMBOL(ks_esp6_input_done_esn, esp6, esp_input_done_esn);
KS_LP_SYMBOL(ks_esp6_input_done2, esp6, esp6_input_done2);

/* From here to ks_esp_input(), esp4.c's and esp6.c's, unchanged. */
struct esp_skb_cb {
	struct xfrm_skb_cb xfrm;
	void *tmp;
};

struct esp_output_extra {
	__be32 seqhi;
	u32 esphoff;
};

#define ESP_SKB_CB(__skb) ((struct esp_skb_cb *)&((__skb)->cb[0]))

static inline void *esp_tmp_extra(void *tmp)
{
	return PTR_ALIGN(tmp, __alignof__(struct esp_output_extra));
}

static inline u8 *esp_tmp_iv(struct crypto_aead *aead, void *tmp, int extralen)
{
	return crypto_aead_ivsize(aead) ?
	       PTR_ALIGN((u8 *)tmp + extralen,
			 crypto_aead_alignmask(aead) + 1) : tmp + extralen;
}

static inline struct aead_request *esp_tmp_req(struct crypto_aead *aead, u8 *iv)
{
	struct aead_request *req;

	req = (void *)PTR_ALIGN(iv + crypto_aead_ivsize(aead),
				crypto_tfm_ctx_alignment());
	aead_request_set_tfm(req, aead);
	return req;
}

static inline struct scatterlist *esp_req_sg(struct crypto_aead *aead,
					     struct aead_request *req)
{
	return (void *)ALIGN((unsigned long)(req + 1) +
			     crypto_aead_reqsize(aead),
			     __alignof__(struct scatterlist));
}

static void esp_restore_header(struct sk_buff *skb, unsigned int offset)
{
	struct ip_esp_hdr *esph = (void *)(skb->data + offset);
	void *tmp = ESP_SKB_CB(skb)->tmp;
	__be32 *seqhi = esp_tmp_extra(tmp);

	esph->seq_no = esph->spi;
	esph->spi = *seqhi;
}

static void esp_input_restore_header(struct sk_buff *skb)
{
	esp_restore_header(skb, 0);
	__skb_pull(skb, 4);
}

static void esp_input_set_header(struct sk_buff *skb, __be32 *seqhi)
{
	struct xfrm_state *x = xfrm_input_state(skb);
	struct ip_esp_hdr *esph;

	/* For ESN we move the header forward by 4 bytes to
	 * accommodate the high bits.  We will move it back after
	 * decryption.
	 */
	if ((x->props.flags & XFRM_STATE_ESN)) {
		esph = skb_push(skb, 4);
		*seqhi = esph->spi;
		esph->spi = esph->seq_no;
		esph->seq_no = XFRM_SKB_CB(skb)->seq.input.hi;
	}
}

/*
 * esp_input() with the switch, on the functions of its module.  Always
 * inlined into the replacements, so that these calls stay direct ones.
 */
static __always_inline int
ks_esp_input(struct xfrm_state *x, struct sk_buff *skb,
	     typeof(ks_esp4_alloc_tmp) *esp_alloc_tmp,
	     crypto_completion_t esp_input_done,
	     crypto_completion_t esp_input_done_esn,
	     typeof(ks_esp4_input_done2) *esp_input_done2)
{
	struct crypto_aead *aead = x->data;
	struct aead_request *req;
	struct sk_buff *trailer;
	int ivlen = crypto_aead_ivsize(aead);
	int elen = skb->len - sizeof(struct ip_esp_hdr) - ivlen;
	int nfrags;
	int assoclen;
	int seqhilen;
	__be32 *seqhi;
	void *tmp;
	u8 *iv;
	struct scatterlist *sg;
	int err = -EINVAL;

	if (!pskb_may_pull(skb, sizeof(struct ip_esp_hdr) + ivlen))
		goto out;

	if (elen <= 0)
		goto out;

	assoclen = sizeof(struct ip_esp_hdr);
	seqhilen = 0;

	if (x->props.flags & XFRM_STATE_ESN) {
		seqhilen += sizeof(__be32);
		assoclen += seqhilen;
	}

	if (!skb_cloned(skb)) {
		if (!skb_is_nonlinear(skb)) {
			nfrags = 1;

			goto skip_cow;
		}
		/*
		 * The switch: where the vendor's code decrypts in place
		 * unless the skb has a frag list or SKBFL_SHARED_FRAG, the
		 * fragments are always copied.
		 */
		ks_lp_hit();
	}

	err = skb_cow_data(skb, 0, &trailer);
	if (err < 0)
		goto out;

	nfrags = err;

skip_cow:
	err = -ENOMEM;
	tmp = esp_alloc_tmp(aead, nfrags, seqhilen);
	if (!tmp)
		goto out;

	ESP_SKB_CB(skb)->tmp = tmp;
	seqhi = esp_tmp_extra(tmp);
	iv = esp_tmp_iv(aead, tmp, seqhilen);
	req = esp_tmp_req(aead, iv);
	sg = esp_req_sg(aead, req);

	esp_input_set_header(skb, seqhi);

	sg_init_table(sg, nfrags);
	err = skb_to_sgvec(skb, sg, 0, skb->len);
	if (unlikely(err < 0)) {
		kfree(tmp);
		goto out;
	}

	skb->ip_summed = CHECKSUM_NONE;

	if ((x->props.flags & XFRM_STATE_ESN))
		aead_request_set_callback(req, 0, esp_input_done_esn, skb);
	else
		aead_request_set_callback(req, 0, esp_input_done, skb);

	aead_request_set_crypt(req, sg, sg, elen + ivlen, iv);
	aead_request_set_ad(req, assoclen);

	err = crypto_aead_decrypt(req);
	if (err == -EINPROGRESS)
		goto out;

	if ((x->props.flags & XFRM_STATE_ESN))
		esp_input_restore_header(skb);

	err = esp_input_done2(skb, err);

out:
	return err;
}

static int ks_esp4_input(struct xfrm_state *x, struct sk_buff *skb)
{
	return ks_esp_input(x, skb, ks_esp4_alloc_tmp, ks_esp4_input_done,
			    ks_esp4_input_done_esn, ks_esp4_input_done2);
}

static int ks_esp6_input(struct xfrm_state *x, struct sk_buff *skb)
{
	return ks_esp_input(x, skb, ks_esp6_alloc_tmp, ks_esp6_input_done,
			    ks_esp6_input_done_esn, ks_esp6_input_done2);
}

static struct klp_func ks_esp4_funcs[] = {
	{
		.old_name = "esp_input",
		.new_func = ks_esp4_input,
	},
	{ }
};

static struct klp_func ks_esp6_funcs[] = {
	{
		.old_name = "esp6_input",
		.new_func = ks_esp6_input,
	},
	{ }
};

static struct klp_object ks_objs[] = {
	{
		.name = "esp4",
		.funcs = ks_esp4_funcs,
	},
	{
		.name = "esp6",
		.funcs = ks_esp6_funcs,
	},
	KS_LP_VMLINUX_OBJECT(KS_LP_NO_FUNCS),
	{ }
};

static struct klp_patch ks_lp_patch = {
	.mod = THIS_MODULE,
	.objs = ks_objs,
};

MODULE_DESCRIPTION("Kill switch dirtyfrag (CVE-2026-43284, CVE-2026-43500, CVE-2026-46300) as a live patch");
