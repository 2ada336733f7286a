// SPDX-License-Identifier: GPL-2.0
/*
 * What make fleet runs on each host to see the Copy Fail path with real
 * system calls, whatever closes it there (the series' switch, the live
 * patch, or the fallback's install line): a file's page cache spliced
 * into an AF_ALG AEAD operation socket, then the same encryption with
 * the data copied by sendmsg(), which the switch and the live patch must
 * leave working.
 *
 * Usage: copyfail-probe closed|open
 * Prints what it saw; exits 0 if the splice was refused with EPERM
 * (closed) or went through (open), and the copied encryption worked.
 */
#define _GNU_SOURCE
#include "../bench/kscalls.h"

#define LEN	4096
#define TAG	16

static int aead_op(void)
{
	struct sockaddr_alg sa = {
		.salg_family = AF_ALG, .salg_type = "aead", .salg_name = "gcm(aes)",
	};
	unsigned char key[16] = { 0 };
	int tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), op;

	if (tfm < 0)
		return -1;	/* no AF_ALG AEAD: the fallback's install line */
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa)) ||
	    setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, sizeof(key)) ||
	    setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, TAG)) {
		close(tfm);
		return -1;
	}
	op = accept4(tfm, NULL, NULL, SOCK_CLOEXEC);
	close(tfm);
	return op;
}

int main(int argc, char **argv)
{
	static unsigned char data[LEN], out[LEN + TAG];
	char path[] = "/tmp/copyfail-probe.XXXXXX";
	int want_closed, op, file, pipefd[2], spliced, copied;
	ssize_t n;

	if (argc != 2 || (strcmp(argv[1], "closed") && strcmp(argv[1], "open")))
		die("usage: copyfail-probe closed|open");
	want_closed = !strcmp(argv[1], "closed");

	file = mkstemp(path);
	if (file < 0 || write(file, data, LEN) != LEN || pipe(pipefd))
		die("setup: %s", strerror(errno));
	unlink(path);

	op = aead_op();
	if (op < 0) {
		printf("no AF_ALG AEAD socket: %s\n", strerror(errno));
		/* Closed by the fallback: the whole socket type is gone. */
		return want_closed && (errno == EAFNOSUPPORT || errno == ENOENT) ? 0 : 1;
	}
	if (aead_start(op, NULL, 0, MSG_MORE) < 0)
		die("sendmsg: %s", strerror(errno));
	n = splice_file(file, pipefd, op, LEN);
	spliced = n == LEN && read(op, out, sizeof(out)) == sizeof(out);
	printf("splice of page cache into AEAD: %s\n",
	       spliced ? "went through" : n < 0 ? strerror(errno) : "short");
	if (!spliced && !(n < 0 && errno == EPERM))
		return 1;
	close(op);

	op = aead_op();
	copied = op >= 0 && aead_start(op, data, LEN, 0) == LEN &&
		 read(op, out, sizeof(out)) == sizeof(out);
	printf("copied AEAD encryption: %s\n", copied ? "works" : strerror(errno));
	return copied && spliced != want_closed ? 0 : 1;
}
