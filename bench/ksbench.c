// SPDX-License-Identifier: GPL-2.0
/*
 * ksbench: the user-space half of scripts/bench.sh, run inside the
 * benchmark VM.  Every result is one line "KSB <kind> <name> <value>...".
 *
 *   ksbench loop NAME SECONDS
 *	Run one operation through a patched path for SECONDS (after a
 *	tenth of that to warm up) and print "KSB loop NAME <ns/op> ns".
 *	NAME: alg-hash, alg-aead, alg-aead-splice, udp-lo, esp-udp,
 *	esp-udp-splice (the esp ones need the namespaces ksa and ksb and
 *	their SAs, set up by scripts/vm/bench.sh), tcp-sendfile.
 *
 *   ksbench mitigate HOW [ARG]
 *	Time how long closing the Copy Fail path takes: a racing child on
 *	the other CPU splices a file into an AF_ALG AEAD socket in a loop;
 *	the parent then closes the path and the child notes when its first
 *	call is refused.  HOW: sysctl (writes 1 to kernel.killswitch.copyfail),
 *	override (engages ARG, "FUNCTION VALUE", through the function
 *	override control file), livepatch (loads the module ARG).  The
 *	live patch killswitch_splice_copy.ko closes another path: its
 *	racing child splices a file into a TCP connection, overwrites the
 *	file and reads what arrived, and is "refused" when what arrived is
 *	what was spliced, a copy, not the file's pages.  Prints
 *	"KSB mitigate HOW-refused <ns from the start of the closing call to
 *	the refusal> ns", "KSB mitigate HOW-call <ns in the closing call> ns"
 *	and "KSB mitigate HOW-racer <ns per racing iteration> ns" (the
 *	resolution of the first).
 *
 *   ksbench write NAME PATH TEXT
 *	Time writing TEXT to PATH, open() to close(): "KSB write NAME <ns> ns".
 *
 *   ksbench refused
 *	Exit 0 if splicing into an AEAD socket is refused with EPERM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_alg.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kscalls.h"

#define BUF_LEN		4096	/* AF_ALG payload: one page */
#define DGRAM_LEN	1024	/* UDP payload: fits the veth MTU after ESP */
#define RACE_LEN	64	/* the racing caller's: short loop, fine timing */
#define FILE_LEN	65536	/* TCP sendfile payload: sixteen pages */
#define TAG_LEN		16
#define DATA_FILE	"/tmp/ksbench.dat"
#define CONTROL		"/sys/kernel/security/killswitch/control"
#define SYSCTL		"/proc/sys/kernel/killswitch/copyfail"

static unsigned char buf[BUF_LEN + TAG_LEN];
static unsigned char out[BUF_LEN + TAG_LEN];
static unsigned char sink[FILE_LEN];

/* A file of @len bytes (a multiple of BUF_LEN) in the page cache, to splice from. */
static int data_file(size_t len)
{
	int fd = open(DATA_FILE, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t done;

	memset(buf, 0x5a, BUF_LEN);
	for (done = 0; fd >= 0 && done < len; done += BUF_LEN)
		if (write(fd, buf, BUF_LEN) != BUF_LEN)
			break;
	if (fd < 0 || done < len)
		die("cannot write %s: %s", DATA_FILE, strerror(errno));
	return fd;
}

/* An AF_ALG operation socket for TYPE/NAME, keyed with KEY if not NULL. */
static int alg_open(const char *type, const char *name, const void *key,
		    int keylen)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	int tfm, op;

	snprintf((char *)sa.salg_type, sizeof(sa.salg_type), "%s", type);
	snprintf((char *)sa.salg_name, sizeof(sa.salg_name), "%s", name);
	tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (tfm < 0 || bind(tfm, (struct sockaddr *)&sa, sizeof(sa)))
		die("AF_ALG %s %s: %s", type, name, strerror(errno));
	if (key && setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, keylen))
		die("ALG_SET_KEY for %s: %s", name, strerror(errno));
	if (key && setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, TAG_LEN))
		die("ALG_SET_AEAD_AUTHSIZE for %s: %s", name, strerror(errno));
	op = accept(tfm, NULL, NULL);
	if (op < 0)
		die("accept() on %s: %s", name, strerror(errno));
	close(tfm);
	return op;
}

static int aead_open(void)
{
	static const unsigned char key[16] = "ksbench-aes-key";

	return alg_open("aead", "gcm(aes)", key, sizeof(key));
}

/*
 * One Copy Fail shaped operation: an encryption of @len bytes spliced
 * from the page cache.  Returns 0, or -1 with errno from the failed call.
 */
static int aead_splice_once(int op, int file, int pipefd[2], size_t len)
{
	ssize_t n;

	if (aead_start(op, NULL, 0, MSG_MORE) < 0 ||
	    splice_file(file, pipefd, op, len) < 0)
		return -1;
	/* Exactly the output: algif_aead waits for another request to fill more. */
	n = read(op, out, len + TAG_LEN);
	if (n == (ssize_t)(len + TAG_LEN))
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

/* The paths the loops run through, set up once per loop. */
struct loop {
	const char *name;
	int (*setup)(struct loop *l);
	int (*once)(struct loop *l);	/* 0 or -1 with errno */
	int a, b, file;			/* sockets and the spliced file */
	int encap;			/* ESP in UDP: the receiver's port 4500 */
	int pipefd[2];
};

static int hash_setup(struct loop *l)
{
	l->a = alg_open("hash", "sha256", NULL, 0);
	return 0;
}

static int hash_once(struct loop *l)
{
	if (send(l->a, buf, BUF_LEN, 0) != BUF_LEN ||
	    read(l->a, out, 32) != 32)
		return -1;
	return 0;
}

static int aead_setup(struct loop *l)
{
	l->a = aead_open();
	l->file = data_file(BUF_LEN);
	if (pipe2(l->pipefd, O_CLOEXEC))
		die("pipe2: %s", strerror(errno));
	return 0;
}

static int aead_once(struct loop *l)
{
	if (aead_start(l->a, buf, BUF_LEN, 0) != BUF_LEN ||
	    read(l->a, out, BUF_LEN + TAG_LEN) != BUF_LEN + TAG_LEN)
		return -1;
	return 0;
}

static int aead_splice(struct loop *l)
{
	return aead_splice_once(l->a, l->file, l->pipefd, BUF_LEN);
}

/* A UDP socket in network namespace @ns (NULL: the current one). */
static int udp_socket(const char *ns)
{
	char path[64];
	int fd, s;

	if (ns) {
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET))
			die("cannot enter network namespace %s: %s", ns,
			    strerror(errno));
		close(fd);
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		die("socket(AF_INET): %s", strerror(errno));
	return s;
}

/* Receiver @l->b bound to @dst:7777 in @rx_ns, sender @l->a connected to it. */
static int udp_pair(struct loop *l, const char *tx_ns, const char *rx_ns,
		    uint32_t dst)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(7777),
		.sin_addr.s_addr = htonl(dst),
	};
	struct timeval tv = { .tv_sec = 1 };

	l->b = udp_socket(rx_ns);
	if (bind(l->b, (struct sockaddr *)&sin, sizeof(sin)) ||
	    setsockopt(l->b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("bind() the receiver: %s", strerror(errno));
	l->a = udp_socket(tx_ns);
	if (connect(l->a, (struct sockaddr *)&sin, sizeof(sin)))
		die("connect() the sender: %s", strerror(errno));
	l->file = data_file(BUF_LEN);
	if (pipe2(l->pipefd, O_CLOEXEC))
		die("pipe2: %s", strerror(errno));
	return 0;
}

static int udp_lo_setup(struct loop *l)
{
	return udp_pair(l, NULL, NULL, INADDR_LOOPBACK);
}

/*
 * ESP in UDP: ksa sends to 10.99.0.2:7777 in ksb, protected by the SAs.
 * The receiver takes ESP in UDP only on a port 4500 socket set up for it.
 */
static int esp_setup(struct loop *l)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(4500),
	};
	int type = UDP_ENCAP_ESPINUDP;

	l->encap = udp_socket("ksb");
	if (bind(l->encap, (struct sockaddr *)&sin, sizeof(sin)) ||
	    setsockopt(l->encap, SOL_UDP, UDP_ENCAP, &type, sizeof(type)))
		die("ESP-in-UDP socket on port 4500: %s", strerror(errno));
	return udp_pair(l, "ksa", "ksb", 0x0a630002);
}

static int udp_recv(struct loop *l)
{
	return recv(l->b, out, sizeof(out), 0) == DGRAM_LEN ? 0 : -1;
}

static int udp_once(struct loop *l)
{
	if (send(l->a, buf, DGRAM_LEN, 0) != DGRAM_LEN)
		return -1;
	return udp_recv(l);
}

/* The datagram carries a page-cache page: on ESP, a shared fragment. */
static int udp_splice(struct loop *l)
{
	if (splice_file(l->file, l->pipefd, l->a, DGRAM_LEN) != DGRAM_LEN)
		return -1;
	return udp_recv(l);
}

/* A TCP connection over loopback: @l->a the sender, non-blocking, @l->b the receiver. */
static int tcp_setup(struct loop *l)
{
	if (tcp_pair(&l->a, &l->b) || fcntl(l->a, F_SETFL, O_NONBLOCK))
		die("a TCP connection on 127.0.0.1: %s", strerror(errno));
	l->file = data_file(FILE_LEN);
	return 0;
}

/*
 * What a file server does: sendfile() the file's page-cache pages to the
 * connection, here read back on the other end as they arrive.  The sender
 * does not block, so that a full socket buffer waits for the reader.
 */
static int tcp_sendfile(struct loop *l)
{
	off_t off = 0;
	size_t got = 0;
	ssize_t n;

	while (got < FILE_LEN) {
		if (off < FILE_LEN) {
			n = sendfile(l->a, l->file, &off, FILE_LEN - off);
			if (n < 0 && errno != EAGAIN)
				return -1;
		}
		n = read(l->b, sink, sizeof(sink));
		if (n <= 0)
			return n ? -1 : (errno = EPIPE, -1);
		got += n;
	}
	return 0;
}

static struct loop loops[] = {
	{ .name = "alg-hash", .setup = hash_setup, .once = hash_once },
	{ .name = "alg-aead", .setup = aead_setup, .once = aead_once },
	{ .name = "alg-aead-splice", .setup = aead_setup, .once = aead_splice },
	{ .name = "udp-lo", .setup = udp_lo_setup, .once = udp_once },
	{ .name = "esp-udp", .setup = esp_setup, .once = udp_once },
	{ .name = "esp-udp-splice", .setup = esp_setup, .once = udp_splice },
	{ .name = "tcp-sendfile", .setup = tcp_setup, .once = tcp_sendfile },
};

static int cmd_loop(const char *name, const char *seconds)
{
	struct loop *l = NULL;
	int64_t ops = 0, start, end, warm;
	double secs = atof(seconds);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(loops); i++)
		if (!strcmp(loops[i].name, name))
			l = &loops[i];
	if (!l)
		die("no loop named '%s'", name);
	if (!(secs > 0 && secs <= 600))
		die("SECONDS must be in (0, 600], not '%s'", seconds);
	l->setup(l);
	warm = now_ns() + (int64_t)(secs * 1e8);
	while (now_ns() < warm)
		if (l->once(l))
			die("%s: %s", name, strerror(errno));
	start = now_ns();
	end = start + (int64_t)(secs * 1e9);
	do {
		if (l->once(l))
			die("%s: %s", name, strerror(errno));
		ops++;
	} while (now_ns() < end);
	printf("KSB loop %s %.1f ns\n", name, (double)(now_ns() - start) / ops);
	return 0;
}

/*
 * One splice_copy shaped operation: splice RACE_LEN bytes of 'a' from
 * @file into TCP connection @tx, overwrite them in the file with 'b', and
 * read them at @rx.  Returns 0 if 'b's arrived (the socket took the page
 * cache pages by reference), -1 with EPERM if 'a's did (it copied them),
 * or -1 with errno from the failed call.
 */
static int tcp_splice_once(int tx, int rx, int file, int pipefd[2])
{
	unsigned char got[RACE_LEN];
	size_t n = 0;
	ssize_t ret;

	memset(buf, 'a', RACE_LEN);
	if (pwrite(file, buf, RACE_LEN, 0) != RACE_LEN ||
	    splice_file(file, pipefd, tx, RACE_LEN) != RACE_LEN)
		return -1;
	memset(buf, 'b', RACE_LEN);
	if (pwrite(file, buf, RACE_LEN, 0) != RACE_LEN)
		return -1;
	while (n < RACE_LEN) {
		ret = read(rx, got + n, RACE_LEN - n);
		if (ret <= 0)
			return ret ? -1 : (errno = EPIPE, -1);
		n += ret;
	}
	if (got[0] == 'b' && !memcmp(got, got + 1, RACE_LEN - 1))
		return 0;
	errno = got[0] == 'a' ? EPERM : EIO;
	return -1;
}

/* What the racing child reports through shared memory. */
struct race {
	int64_t iterations;	/* completed operations */
	int64_t first_ns;	/* when the first one started */
	int64_t ready_ns;	/* when iteration 16 started */
	int64_t refused_ns;	/* when a call was refused */
	int err;		/* an errno other than EPERM */
};

/* The racing child: AEAD splices, or TCP ones if @tcp. */
static void racer(struct race *r, bool tcp)
{
	struct loop l = { .name = "racer" };
	int err;

	if (tcp) {
		tcp_setup(&l);
	} else {
		l.a = aead_open();
		l.file = data_file(BUF_LEN);
	}
	if (pipe2(l.pipefd, O_CLOEXEC))
		die("pipe2: %s", strerror(errno));
	pin_to_cpu(1);
	WRITE_ONCE(r->first_ns, now_ns());
	for (;;) {
		if (tcp)
			err = tcp_splice_once(l.a, l.b, l.file, l.pipefd);
		else
			err = aead_splice_once(l.a, l.file, l.pipefd, RACE_LEN);
		if (err) {
			if (errno == EPERM)
				WRITE_ONCE(r->refused_ns, now_ns());
			else
				WRITE_ONCE(r->err, errno);
			_exit(0);
		}
		WRITE_ONCE(r->iterations, r->iterations + 1);
		if (r->iterations == 16)
			WRITE_ONCE(r->ready_ns, now_ns());
	}
}

/* The closing action; its errors end the measurement. */
static int close_path(const char *how, const char *arg)
{
	char cmd[256];
	int fd, err;

	if (!strcmp(how, "sysctl"))
		return write_file(SYSCTL, "1");
	if (!strcmp(how, "override")) {
		snprintf(cmd, sizeof(cmd), "engage %s", arg);
		return write_file(CONTROL, cmd);
	}
	/* livepatch: load the module; the patch is enabled by its init. */
	fd = open(arg, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	err = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return err;
}

static int cmd_mitigate(const char *how, const char *arg)
{
	struct race *r;
	int64_t start, done;
	pid_t pid;
	int status;
	bool tcp;

	if (strcmp(how, "sysctl") && !arg)
		die("mitigate %s needs an argument", how);
	if (strcmp(how, "sysctl") && strcmp(how, "override") &&
	    strcmp(how, "livepatch"))
		die("unknown way to close the path: '%s'", how);
	tcp = !strcmp(how, "livepatch") && strstr(arg, "killswitch_splice_copy");
	r = mmap(NULL, sizeof(*r), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	pin_to_cpu(0);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid)
		racer(r, tcp);
	alarm(20);
	while (!READ_ONCE(r->ready_ns) && !READ_ONCE(r->refused_ns) &&
	       !READ_ONCE(r->err))
		usleep(1000);
	if (!READ_ONCE(r->ready_ns)) {
		kill(pid, SIGKILL);
		die("the racing caller did not get going: %s",
		    r->err ? strerror(r->err) : "refused before the path was closed");
	}
	start = now_ns();
	if (close_path(how, arg)) {
		kill(pid, SIGKILL);
		die("closing the path by %s failed: %s", how, strerror(errno));
	}
	done = now_ns();
	waitpid(pid, &status, 0);
	if (!r->refused_ns)
		die("the racing caller stopped without a refusal: %s",
		    strerror(r->err));
	printf("KSB mitigate %s-refused %lld ns\n", how,
	       (long long)(r->refused_ns - start));
	printf("KSB mitigate %s-call %lld ns\n", how, (long long)(done - start));
	printf("KSB mitigate %s-racer %.0f ns\n", how,
	       (double)(r->ready_ns - r->first_ns) / 16);
	return 0;
}

/* How long writing TEXT to PATH takes, from open() to close(). */
static int cmd_write(const char *name, const char *path, const char *text)
{
	int64_t start = now_ns();

	if (write_file(path, text))
		die("writing '%s' to %s: %s", text, path, strerror(errno));
	printf("KSB write %s %lld ns\n", name, (long long)(now_ns() - start));
	return 0;
}

static int cmd_refused(void)
{
	int op = aead_open(), file = data_file(BUF_LEN), pipefd[2];

	if (pipe2(pipefd, O_CLOEXEC))
		die("pipe2: %s", strerror(errno));
	return aead_splice_once(op, file, pipefd, RACE_LEN) && errno == EPERM ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "loop"))
		return cmd_loop(argv[2], argv[3]);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "mitigate"))
		return cmd_mitigate(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "write"))
		return cmd_write(argv[2], argv[3], argv[4]);
	if (argc == 2 && !strcmp(argv[1], "refused"))
		return cmd_refused();
	fprintf(stderr, "usage: ksbench loop NAME SECONDS | mitigate HOW [ARG] |\n"
		"               write NAME PATH TEXT | refused\n");
	return 2;
}
