/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the user-space tools run in the test VMs (bench/ksbench.c,
 * stress/ksstress.c) share: errors, time, CPUs, and the calls that reach
 * the AF_ALG AEAD call site.
 */
#ifndef KSCALLS_H
#define KSCALLS_H

#include <errno.h>
#include <fcntl.h>
#include <linux/if_alg.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef SOL_ALG
#define SOL_ALG		279
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __noreturn	__attribute__((__noreturn__))
#define __printf(a, b)	__attribute__((__format__(printf, a, b)))
/* Shared between processes: plain loads and stores, never torn or cached */
#define READ_ONCE(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define IV_LEN		12	/* gcm(aes) */

static inline void __noreturn __printf(1, 2) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static inline int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Write @len bytes of @buf to @path in one write() on a new descriptor:
 * 0, or the errno (EIO if it took only part).
 */
static inline int write_bytes(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t n;

	if (fd < 0)
		return errno;
	n = write(fd, buf, len);
	if (n < 0)
		err = errno;
	else if ((size_t)n != len)
		err = EIO;
	close(fd);
	return err;
}

/* Write @text to @path in one write(): 0, or -1 with errno. */
static inline int write_file(const char *path, const char *text)
{
	errno = write_bytes(path, text, strlen(text));
	return errno ? -1 : 0;
}

/* Start an encryption on AEAD socket @op: the operation, IV and AAD
 * length, and @len bytes of @data (none with MSG_MORE: the data follows
 * by splice).
 */
static inline ssize_t aead_start(int op, const void *data, size_t len, int flags)
{
	union {
		char buf[2 * CMSG_SPACE(sizeof(uint32_t)) +
			 CMSG_SPACE(sizeof(struct af_alg_iv) + IV_LEN)];
		struct cmsghdr align;
	} control = { 0 };
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
	struct af_alg_iv *iv;

	cmsg->cmsg_level = SOL_ALG;
	cmsg->cmsg_type = ALG_SET_OP;
	cmsg->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(cmsg) = ALG_OP_ENCRYPT;
	cmsg = CMSG_NXTHDR(&msg, cmsg);
	cmsg->cmsg_level = SOL_ALG;
	cmsg->cmsg_type = ALG_SET_IV;
	cmsg->cmsg_len = CMSG_LEN(sizeof(*iv) + IV_LEN);
	iv = (struct af_alg_iv *)CMSG_DATA(cmsg);
	iv->ivlen = IV_LEN;
	memset(iv->iv, 1, IV_LEN);
	cmsg = CMSG_NXTHDR(&msg, cmsg);
	cmsg->cmsg_level = SOL_ALG;
	cmsg->cmsg_type = ALG_SET_AEAD_ASSOCLEN;
	cmsg->cmsg_len = CMSG_LEN(sizeof(uint32_t));
	*(uint32_t *)CMSG_DATA(cmsg) = 0;
	return sendmsg(op, &msg, flags);
}

/* Move @len bytes of @file, by page reference, through @pipefd to @sock. */
static inline ssize_t splice_file(int file, int pipefd[2], int sock, size_t len)
{
	loff_t off = 0;
	ssize_t n;

	n = splice(file, &off, pipefd[1], NULL, len, 0);
	if (n != (ssize_t)len)
		return n < 0 ? n : (errno = EIO, -1);
	return splice(pipefd[0], NULL, sock, NULL, len, 0);
}

/* A TCP connection over loopback, from *@tx to *@rx: 0, or -1 with errno. */
static inline int tcp_pair(int *tx, int *rx)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(sin);
	int lsn = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	*tx = *rx = -1;
	if (lsn < 0)
		return -1;
	if (bind(lsn, (struct sockaddr *)&sin, sizeof(sin)) || listen(lsn, 1) ||
	    getsockname(lsn, (struct sockaddr *)&sin, &len))
		goto out;
	*tx = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*tx < 0 || connect(*tx, (struct sockaddr *)&sin, sizeof(sin)))
		goto out;
	*rx = accept(lsn, NULL, NULL);
out:
	err = errno;
	close(lsn);
	errno = err;
	return *rx < 0 ? -1 : 0;
}

#endif /* KSCALLS_H */
