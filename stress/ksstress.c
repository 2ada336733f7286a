// SPDX-License-Identifier: GPL-2.0
/*
 * ksstress: the user-space half of the reliability suite, run as root in
 * the test VM (two CPUs) by scripts/vm/stress.sh.  Counts are printed as
 * "KSS <test> <what> <number>", findings as "KSS-FAIL <test>: <what>";
 * the exit status is 1 if there was a finding.
 *
 *   ksstress toggle SECONDS
 *	Two processes, one on each CPU, write a random state to a random
 *	kill switch's sysctl as fast as they can, while traffic runs
 *	through the call sites, each path of paths[] in a process of its
 *	own with the rights it needs.  A third process unloads the module
 *	holding a call site (algif_aead) whenever it is idle and loads it
 *	again at once, and, where the kernel has function overrides, a
 *	fourth engages, disengages and tryengages an override of
 *	crypto_alloc_skcipher(), which one of the paths calls.  Then the
 *	traffic stops, both togglers write one final state to every switch,
 *	the override is engaged once more, each path makes FINAL_CALLS
 *	more calls, and the run passes if:
 *	  - every switch reads back its final state, in its sysctl and in
 *	    the status file;
 *	  - every final call is refused exactly when the final states say
 *	    (no state is lost between a sysctl and its call sites);
 *	  - the hits of each switch that refuses calls grew by exactly the
 *	    calls refused over the whole run (those of the switches that
 *	    copy instead are reported), and the override's by its refused
 *	    final calls;
 *	  - no call failed in any other way, except, on a path whose module
 *	    is unloaded, with the error of that module being away;
 *	  - after the override's disengage, its path's call runs again.
 *	The network namespaces ksa and ksb with ESP-in-UDP SAs (set up by
 *	scripts/vm/esp.sh) carry the ESP paths; without them they are
 *	skipped, as is every path whose switch the kernel does not have.
 *
 *   ksstress fuzz SECONDS
 *	For two thirds of the time, inputs one at a time to a random
 *	switch's sysctl, the control file and the retval file of an engaged
 *	override: random bytes (NULs included), mutations of good inputs,
 *	inputs that must be refused (wrong arity, values out of range, a
 *	NUL inside, longer than a command may be).  A refused input must
 *	change nothing (every switch's state, the overrides listed); an
 *	input that must be refused must be.  Then a command split over two
 *	writes, two commands on one descriptor and a second write to a
 *	sysctl; then, for the last third, two writers at once, one per CPU,
 *	after which every switch must read what its writer wrote last.
 *
 *   ksstress cmdline SWITCH...
 *	(On the host.)  Print a kernel command line of good and bad
 *	kill-switch items made from the switches named, and on a second
 *	line the switches it engages; see cmd_cmdline().
 *
 * KSS_SEED in the environment sets the seed of the random choices
 * (printed as "KSS seed N"); without it, it is taken from the clock.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_alg.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../bench/kscalls.h"

#ifndef AF_VSOCK
#define AF_VSOCK	40
#endif
#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP	2
#endif

#define SYSCTL_DIR	"/proc/sys/kernel/killswitch"
#define STATUS		"/sys/kernel/security/killswitch/status"
#define CONTROL		"/sys/kernel/security/killswitch/control"
#define DATA_FILE	"/tmp/ksstress.dat"
#define OVL_DIR		"/tmp/ksstress-ovl"	/* two lower layers and a mount point */
#define OVERRIDE_FN	"crypto_alloc_skcipher"
#define MAX_SWITCHES	32
#define FINAL_CALLS	8	/* calls per path after the final writes */
#define CHUNK		1024	/* bytes per call: one datagram through ESP */
#define TAG_LEN		16
#define NOBODY		1000	/* the VM's unprivileged user */

enum verdict { RAN, REFUSED, AWAY, BROKEN };
enum phase { TRAFFIC, FINAL_WRITES, FINAL, DONE };

/* A path through call sites; its process calls once() in a loop. */
struct path {
	const char *name;
	const char *sw;		/* whose hits count its refusals */
	bool copies;		/* sw copies, the path never sees a refusal */
	bool override;		/* refused by the override, not by sw */
	const char *module;	/* unloaded by the reloader */
	int (*setup)(struct path *p);	/* 0, or -1: the path is skipped */
	enum verdict (*once)(struct path *p);
	/* Must the calls after the final writes be refused? */
	bool (*final_refused)(const struct path *p);
	int refusals;		/* refused system calls of the last once() */
	int fd[5];		/* its sockets, file and pipe */
};

/* What a path's process reports, in memory shared with the parent. */
struct path_counts {
	long calls, refused, away;
	long final_calls, final_refused;
	long lost;		/* final calls not as the final states say */
	bool skipped, stopped;
	int broken;		/* failed calls other than refusals */
	char what[160];		/* the first of them */
};

static struct shared {
	int phase;
	int nr_switches;
	char names[MAX_SWITCHES][32];
	int final[MAX_SWITCHES];
	long writes[2];		/* per toggler */
	int write_errors;
	long reloads;
	long override_cmds;
	char what[160];		/* the first error of a toggler */
	struct path_counts counts[16];
} *sh;

static bool failed;
static long lost;	/* states lost: a write or a refusal that did not hold */
static uint32_t seed;	/* KSS_SEED, or the time: printed, to run again */

static void __printf(2, 3) finding(const char *test, const char *fmt, ...)
{
	va_list ap;

	printf("KSS-FAIL %s: ", test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failed = true;
}

/*
 * Random numbers: xorshift, a stream per process, each from the seed and
 * the order in which the process was started, so that a seed gives again
 * what it gave (as far as the processes' interleaving allows).
 */
static uint32_t rnd_state;

static void seed_rnd(uint32_t stream)
{
	rnd_state = (seed ^ (stream + 1) * 2654435761u) | 1;
}

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

static enum phase phase(void)
{
	return __atomic_load_n(&sh->phase, __ATOMIC_ACQUIRE);
}

static void set_phase(enum phase p)
{
	__atomic_store_n(&sh->phase, p, __ATOMIC_RELEASE);
}

static int switch_index(const char *name)
{
	int i;

	for (i = 0; i < sh->nr_switches; i++)
		if (!strcmp(sh->names[i], name))
			return i;
	return -1;
}

static bool final_state(const char *name)
{
	int i = switch_index(name);

	return i >= 0 && sh->final[i];
}

/* A row of the status file (a switch or an override): hits, -1 if absent. */
static long status_row(const char *name, char *state, size_t len)
{
	char line[512], row[64], st[32];
	long hits = -1, n;
	FILE *f = fopen(STATUS, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %31s %ld", row, st, &n) == 3 &&
		    !strcmp(row, name)) {
			hits = n;
			if (state)
				snprintf(state, len, "%s", st);
		}
	fclose(f);
	return hits;
}

static int read_sysctl(const char *name)
{
	char path[128], c = 0;
	int fd;

	snprintf(path, sizeof(path), SYSCTL_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == '0' || c == '1' ? c - '0' : -1;
}

static int write_sysctl(const char *name, int state)
{
	char path[128];

	snprintf(path, sizeof(path), SYSCTL_DIR "/%s", name);
	return write_file(path, state ? "1" : "0");
}

/* Load module @name with modprobe: 0, or its exit status, or -1. */
static int modprobe(const char *name)
{
	int status;
	pid_t pid = fork();

	if (!pid) {
		execlp("modprobe", "modprobe", name, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* --- the paths ---------------------------------------------------------- */

static int data_file(void)
{
	unsigned char chunk[CHUNK];
	int fd = open(DATA_FILE, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	memset(chunk, 0x5a, sizeof(chunk));
	if (fd < 0 || pwrite(fd, chunk, CHUNK, 0) != CHUNK)
		return -1;
	return fd;
}

/* fd[0] the spliced file, fd[1] and fd[2] a pipe */
static int file_pipe_setup(struct path *p)
{
	p->fd[0] = data_file();
	return p->fd[0] < 0 || pipe2(p->fd + 1, O_CLOEXEC) ? -1 : 0;
}

/* Splice a chunk of the file to @sock; on failure, empty the pipe for the next. */
static ssize_t splice_chunk(struct path *p, int sock)
{
	unsigned char left[CHUNK];
	ssize_t ret = splice_file(p->fd[0], p->fd + 1, sock, CHUNK);
	int n, err = errno;

	if (ret < 0 && !ioctl(p->fd[1], FIONREAD, &n) && n > 0)
		read(p->fd[1], left, sizeof(left));
	errno = err;
	return ret;
}

/* An AEAD operation socket, or -1 (with *bind_errno if bind() failed). */
static int aead_socket(int *bind_errno)
{
	static const unsigned char key[16] = "ksstress-aeskey";
	struct sockaddr_alg sa = {
		.salg_family = AF_ALG, .salg_type = "aead", .salg_name = "gcm(aes)",
	};
	int tfm, op = -1;

	*bind_errno = 0;
	tfm = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (tfm < 0)
		return -1;
	if (bind(tfm, (struct sockaddr *)&sa, sizeof(sa)))
		*bind_errno = errno;
	else if (!setsockopt(tfm, SOL_ALG, ALG_SET_KEY, key, sizeof(key)) &&
		 !setsockopt(tfm, SOL_ALG, ALG_SET_AEAD_AUTHSIZE, NULL, TAG_LEN))
		op = accept(tfm, NULL, NULL);
	close(tfm);
	return op;
}

/*
 * Copy Fail's way in: an encryption whose input is spliced from the page
 * cache, on a new socket each time so that algif_aead can go between two.
 * Refused with EPERM while copyfail is engaged and splice_copy is not
 * (with splice_copy engaged the pages come as a copy and the call runs).
 */
static enum verdict aead_splice(struct path *p)
{
	unsigned char out[CHUNK + TAG_LEN];
	enum verdict v = BROKEN;
	int op, bind_errno;

	op = aead_socket(&bind_errno);
	if (op < 0)
		return bind_errno == ENOENT ? AWAY : BROKEN;
	if (aead_start(op, NULL, 0, MSG_MORE) < 0)
		goto out;
	if (splice_chunk(p, op) < 0) {
		if (errno == EPERM) {
			p->refusals++;
			v = REFUSED;
		}
		goto out;
	}
	if (read(op, out, sizeof(out)) == sizeof(out))
		v = RAN;
out:
	close(op);
	return v;
}

static bool aead_splice_refused(const struct path *p)
{
	(void)p;
	return final_state("copyfail") && !final_state("splice_copy");
}

/* The same encryption with its input copied in: it runs in every state. */
static enum verdict aead_send(struct path *p)
{
	static const unsigned char in[CHUNK];
	unsigned char out[CHUNK + TAG_LEN];
	enum verdict v = BROKEN;
	int op, bind_errno;

	(void)p;
	op = aead_socket(&bind_errno);
	if (op < 0)
		return bind_errno == ENOENT ? AWAY : BROKEN;
	if (aead_start(op, in, CHUNK, 0) == CHUNK &&
	    read(op, out, sizeof(out)) == sizeof(out))
		v = RAN;
	close(op);
	return v;
}

/*
 * MSG_OOB on AF_UNIX: a byte sent out of band, then received, each
 * refused with EOPNOTSUPP while unix_oob is engaged; the ordinary byte
 * sent with it and ordinary data after it come through in every state.
 */
static enum verdict unix_oob(struct path *p)
{
	enum verdict v = BROKEN;
	int sv[2];
	char c[4];
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return BROKEN;
	n = send(sv[0], "ab", 2, MSG_OOB);
	if (n < 0 && errno == EOPNOTSUPP)
		p->refusals++;
	else if (n != 2)
		goto out;
	n = recv(sv[1], c, 1, MSG_OOB | MSG_DONTWAIT);
	if (n < 0 && errno == EOPNOTSUPP)
		p->refusals++;
	else if (n < 0 && !(p->refusals && errno == EINVAL))
		goto out;	/* EINVAL: nothing out of band, as sent */
	else if (n == 1 && c[0] != 'b')
		goto out;
	if (send(sv[0], "cd", 2, 0) == 2 && recv(sv[1], c, sizeof(c), 0) >= 1)
		v = p->refusals ? REFUSED : RAN;
out:
	close(sv[0]);
	close(sv[1]);
	return v;
}


/* AF_PACKET from a user and network namespace of the process's own. */
static int userns_setup(struct path *p)
{
	(void)p;
	return unshare(CLONE_NEWUSER | CLONE_NEWNET);
}

/* A socket of @family: made, or refused with EPERM. */
static enum verdict new_socket(struct path *p, int family, int type)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		close(fd);
		return RAN;
	}
	if (errno != EPERM)
		return BROKEN;
	p->refusals++;
	return REFUSED;
}

static enum verdict packet_socket(struct path *p)
{
	return new_socket(p, AF_PACKET, SOCK_DGRAM);
}

/*
 * The three below run as root of a user namespace of their own, where
 * netfilter_userns, tc_userns and ovl_userns refuse them with EPERM.
 */

/* ip_tables, in a user and network namespace of the process's own. */
static int xtables_setup(struct path *p)
{
	if (modprobe("ip_tables") || modprobe("iptable_filter"))
		return -1;	/* no x_tables in this kernel */
	return userns_setup(p);
}

/* What iptables -L asks first: the filter table's size. */
static enum verdict xtables_info(struct path *p)
{
	struct ipt_getinfo info = { .name = "filter" };
	socklen_t len = sizeof(info);
	enum verdict v = RAN;
	int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);

	if (fd < 0)
		return BROKEN;
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_INFO, &info, &len)) {
		v = BROKEN;
		if (errno == EPERM) {
			p->refusals++;
			v = REFUSED;
		}
	}
	close(fd);
	return v;
}

/* Send @req on @fd (rtnetlink) and return the error its ack carries. */
static int rtnl_request(int fd, struct nlmsghdr *req)
{
	struct {
		struct nlmsghdr h;
		struct nlmsgerr err;
	} ack;

	if (send(fd, req, req->nlmsg_len, 0) != (ssize_t)req->nlmsg_len ||
	    recv(fd, &ack, sizeof(ack), 0) < (ssize_t)sizeof(ack) ||
	    ack.h.nlmsg_type != NLMSG_ERROR)
		return -EIO;
	return ack.err.error;
}

/*
 * A qdisc on lo, in the path's own network namespace: pfifo made the
 * root one, then deleted.  Each request refused counts; a delete finds
 * nothing to delete only if the add was refused.
 */
static enum verdict tc_qdisc(struct path *p)
{
	struct {
		struct nlmsghdr h;
		struct tcmsg tc;
		struct rtattr kind;
		char name[8];
	} req = {
		.h.nlmsg_len = sizeof(req),
		.h.nlmsg_type = RTM_NEWQDISC,
		.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE,
		.tc.tcm_family = AF_UNSPEC,
		.tc.tcm_ifindex = 1,	/* lo */
		.tc.tcm_parent = TC_H_ROOT,
		.kind.rta_len = RTA_LENGTH(sizeof("pfifo")),
		.kind.rta_type = TCA_KIND,
		.name = "pfifo",
	};
	enum verdict v = BROKEN;
	int added, deleted;

	added = rtnl_request(p->fd[0], &req.h);
	/* Whatever the root is: without TCA_KIND. */
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.tc));
	req.h.nlmsg_type = RTM_DELQDISC;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	deleted = rtnl_request(p->fd[0], &req.h);
	if (added == -EPERM)
		p->refusals++;
	if (deleted == -EPERM)
		p->refusals++;
	if ((!added || added == -EPERM) &&
	    (!deleted || deleted == -EPERM || (added && deleted == -ENOENT)))
		v = p->refusals ? REFUSED : RAN;
	return v;
}

/* rtnetlink, in a user and network namespace of the process's own. */
static int rtnl_setup(struct path *p)
{
	if (userns_setup(p))
		return -1;
	p->fd[0] = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	return p->fd[0] < 0 ? -1 : 0;
}

/*
 * overlayfs, from a user and mount namespace of the process's own.  The
 * layers are made first, by root; an overlay of two lower layers needs
 * no upper one, so no xattrs that tmpfs in a user namespace lacks.
 */
static int ovl_setup(struct path *p)
{
	(void)p;
	if (modprobe("overlay"))
		return -1;	/* no overlayfs in this kernel */
	if ((mkdir(OVL_DIR, 0755) && errno != EEXIST) ||
	    (mkdir(OVL_DIR "/a", 0755) && errno != EEXIST) ||
	    (mkdir(OVL_DIR "/b", 0755) && errno != EEXIST) ||
	    (mkdir(OVL_DIR "/m", 0755) && errno != EEXIST))
		return -1;
	return unshare(CLONE_NEWUSER | CLONE_NEWNS);
}

/*
 * A read-only overlay, mounted and unmounted.  mount(2) reaches both
 * bases' call sites: 6.12 refuses when the context is made, 6.1 in
 * ovl_mount().
 */
static enum verdict ovl_mount(struct path *p)
{
	if (!mount("overlay", OVL_DIR "/m", "overlay", MS_RDONLY,
		   "lowerdir=" OVL_DIR "/a:" OVL_DIR "/b"))
		return umount2(OVL_DIR "/m", 0) ? BROKEN : RAN;
	if (errno != EPERM)
		return BROKEN;
	p->refusals++;
	return REFUSED;
}

/* vsock as an unprivileged user; root's are never refused. */
static int nobody_setup(struct path *p)
{
	int fd;

	(void)p;
	if (modprobe("vsock_loopback"))
		return -1;	/* no vsock in this kernel */
	fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	close(fd);
	return setgid(NOBODY) || setuid(NOBODY) ? -1 : 0;
}

static enum verdict vsock_socket(struct path *p)
{
	return new_socket(p, AF_VSOCK, SOCK_STREAM);
}

/* fd[3] sends to fd[4] over TCP on loopback. */
static int tcp_setup(struct path *p)
{
	return file_pipe_setup(p) || tcp_pair(&p->fd[3], &p->fd[4]) ? -1 : 0;
}

/* What the receiver must get of every call: the whole chunk, unchanged. */
static enum verdict received(int fd, size_t len)
{
	unsigned char got[CHUNK];
	size_t n = 0;
	ssize_t ret;

	while (n < len) {
		ret = recv(fd, got + n, len - n, 0);
		if (ret <= 0)
			return BROKEN;
		n += ret;
	}
	while (n--)
		if (got[n] != 0x5a)
			return BROKEN;
	return RAN;
}

/* splice into TCP: by reference, or copied while splice_copy is engaged. */
static enum verdict tcp_splice(struct path *p)
{
	if (splice_chunk(p, p->fd[3]) != CHUNK)
		return BROKEN;
	return received(p->fd[4], CHUNK);
}

/* The path's switch refuses it: it is engaged. */
static bool switch_refuses(const struct path *p)
{
	return final_state(p->sw);
}

static bool never_refused(const struct path *p)
{
	(void)p;
	return false;
}

/* A UDP socket of family @af in network namespace @ns. */
static int udp_in(const char *ns, int af)
{
	char path[64];
	int fd, s;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	s = setns(fd, CLONE_NEWNET) ? -1 : socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	close(fd);
	return s;
}

/*
 * ESP in UDP from ksa to ksb (scripts/vm/esp.sh): fd[3] sends to fd[4],
 * bound to the policy's port 7777, fd[0..2] the file and pipe; the
 * receiver's port 4500 socket hands the ESP packets to xfrm.
 */
static int esp_setup(struct path *p, int af, const char *dst)
{
	struct sockaddr_storage ss = { .ss_family = af };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len = af == AF_INET ? sizeof(*sin) : sizeof(*sin6);
	int encap, type = UDP_ENCAP_ESPINUDP, one = 1;
	struct timeval tv = { .tv_sec = 2 };
	in_port_t *port = af == AF_INET ? &sin->sin_port : &sin6->sin6_port;

	if (file_pipe_setup(p))
		return -1;
	encap = udp_in("ksb", af);
	*port = htons(4500);
	if (encap < 0 ||
	    (af == AF_INET6 && setsockopt(encap, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    bind(encap, (struct sockaddr *)&ss, len) ||
	    setsockopt(encap, SOL_UDP, UDP_ENCAP, &type, sizeof(type)))
		return -1;
	*port = htons(7777);
	if (inet_pton(af, dst, af == AF_INET ? (void *)&sin->sin_addr :
					       (void *)&sin6->sin6_addr) != 1)
		return -1;
	p->fd[4] = udp_in("ksb", af);
	if (p->fd[4] < 0 || bind(p->fd[4], (struct sockaddr *)&ss, len) ||
	    setsockopt(p->fd[4], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		return -1;
	p->fd[3] = udp_in("ksa", af);
	return p->fd[3] < 0 || connect(p->fd[3], (struct sockaddr *)&ss, len) ? -1 : 0;
}

static int esp4_setup(struct path *p)
{
	return esp_setup(p, AF_INET, "10.99.0.2");
}

static int esp6_setup(struct path *p)
{
	return esp_setup(p, AF_INET6, "fd99::2");
}

/* A datagram that carries a page-cache page: on ESP input, a shared fragment. */
static enum verdict udp_splice(struct path *p)
{
	if (splice_chunk(p, p->fd[3]) != CHUNK)
		return BROKEN;
	return received(p->fd[4], CHUNK);
}

/* Function overrides: the control file is there. */
static int override_setup(struct path *p)
{
	(void)p;
	return access(CONTROL, W_OK);
}

/* An AF_ALG skcipher's bind() allocates through crypto_alloc_skcipher(). */
static enum verdict skcipher_bind(struct path *p)
{
	struct sockaddr_alg sa = {
		.salg_family = AF_ALG, .salg_type = "skcipher", .salg_name = "cbc(aes)",
	};
	int fd = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	int ret;

	if (fd < 0)
		return BROKEN;
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ? errno : 0;
	close(fd);
	if (!ret)
		return RAN;
	if (ret != ENOENT)
		return BROKEN;
	p->refusals++;
	return REFUSED;
}

static bool always_refused(const struct path *p)
{
	(void)p;
	return true;
}

static struct path paths[] = {
	{ .name = "aead-splice", .sw = "copyfail", .module = "algif_aead",
	  .setup = file_pipe_setup, .once = aead_splice,
	  .final_refused = aead_splice_refused },
	{ .name = "aead-send", .module = "algif_aead",
	  .once = aead_send, .final_refused = never_refused },
	{ .name = "unix-oob", .sw = "unix_oob",
	  .once = unix_oob, .final_refused = switch_refuses },
	{ .name = "packet-userns", .sw = "packet_userns",
	  .setup = userns_setup, .once = packet_socket,
	  .final_refused = switch_refuses },
	{ .name = "vsock-unpriv", .sw = "vsock_unpriv",
	  .setup = nobody_setup, .once = vsock_socket,
	  .final_refused = switch_refuses },
	{ .name = "xtables-userns", .sw = "netfilter_userns",
	  .setup = xtables_setup, .once = xtables_info,
	  .final_refused = switch_refuses },
	{ .name = "tc-userns", .sw = "tc_userns",
	  .setup = rtnl_setup, .once = tc_qdisc,
	  .final_refused = switch_refuses },
	{ .name = "ovl-userns", .sw = "ovl_userns",
	  .setup = ovl_setup, .once = ovl_mount,
	  .final_refused = switch_refuses },
	{ .name = "tcp-splice", .sw = "splice_copy", .copies = true,
	  .setup = tcp_setup, .once = tcp_splice, .final_refused = never_refused },
	{ .name = "esp4-splice", .sw = "dirtyfrag", .copies = true,
	  .setup = esp4_setup, .once = udp_splice, .final_refused = never_refused },
	{ .name = "esp6-splice", .sw = "dirtyfrag", .copies = true,
	  .setup = esp6_setup, .once = udp_splice, .final_refused = never_refused },
	{ .name = "override", .override = true,
	  .setup = override_setup, .once = skcipher_bind,
	  .final_refused = always_refused },
};

_Static_assert(ARRAY_SIZE(paths) <= ARRAY_SIZE(((struct shared *)0)->counts),
	       "a path without its counts");

/* --- the processes -------------------------------------------------------- */

static void __printf(2, 3) note_broken(struct path_counts *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->broken++) {
		va_start(ap, fmt);
		vsnprintf(c->what, sizeof(c->what), fmt, ap);
		va_end(ap);
	}
}

/* Refused by its switch, or by the override, never by a switch that copies. */
static bool may_refuse(const struct path *p)
{
	return p->override || (p->sw && !p->copies);
}

static void __noreturn run_path(struct path *p, struct path_counts *c)
{
	static const char * const verdicts[] = { "ran", "refused", "away", "broken" };
	bool want;
	enum verdict v;
	int i;

	if (p->setup && p->setup(p)) {
		c->skipped = true;
		WRITE_ONCE(c->stopped, true);
		_exit(0);
	}
	while (phase() == TRAFFIC) {
		p->refusals = 0;
		errno = 0;
		v = p->once(p);
		c->calls++;
		c->refused += p->refusals;
		if (v == AWAY && p->module)
			c->away++;
		else if (v == BROKEN || v == AWAY || (v == REFUSED && !may_refuse(p)))
			note_broken(c, "call %ld %s: %s", c->calls, verdicts[v],
				    strerror(errno));
	}
	WRITE_ONCE(c->stopped, true);
	while (phase() < FINAL)
		usleep(1000);
	want = p->final_refused(p);
	for (i = 0; i < FINAL_CALLS; i++) {
		p->refusals = 0;
		errno = 0;
		v = p->once(p);
		c->final_calls++;
		c->final_refused += p->refusals;
		if (v != (want ? REFUSED : RAN) && ++c->lost)
			note_broken(c, "final call %d %s, not %s: %s", i,
				    verdicts[v], want ? "refused" : "ran",
				    strerror(errno));
	}
	_exit(0);
}

static bool paths_stopped(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(paths); i++)
		if (!READ_ONCE(sh->counts[i].stopped))
			return false;
	return true;
}

static void __printf(1, 2) toggler_error(const char *fmt, ...)
{
	va_list ap;

	if (!__atomic_fetch_add(&sh->write_errors, 1, __ATOMIC_RELAXED)) {
		va_start(ap, fmt);
		vsnprintf(sh->what, sizeof(sh->what), fmt, ap);
		va_end(ap);
	}
}

/* Random switches to random states, then every switch to its final state. */
static void __noreturn run_toggler(int cpu)
{
	int i, state;

	pin_to_cpu(cpu);
	while (phase() == TRAFFIC) {
		i = rnd() % sh->nr_switches;
		state = rnd() & 1;
		if (write_sysctl(sh->names[i], state))
			toggler_error("writing %d to %s: %s", state, sh->names[i],
				      strerror(errno));
		sh->writes[cpu]++;
	}
	while (!paths_stopped())
		usleep(1000);
	for (i = 0; i < sh->nr_switches; i++)
		if (write_sysctl(sh->names[i], sh->final[i]))
			toggler_error("final write to %s: %s", sh->names[i],
				      strerror(errno));
	_exit(0);
}

/* One control command; the errors it may meet in a race are not findings. */
static void override_cmd(const char *cmd, int allowed)
{
	sh->override_cmds++;
	if (write_file(CONTROL, cmd) && errno != allowed)
		toggler_error("'%s': %s", cmd, strerror(errno));
}

static void __noreturn run_overrider(void)
{
	while (phase() == TRAFFIC) {
		switch (rnd() % 3) {
		case 0:		/* EBUSY: a tryengage is counting */
			override_cmd("engage " OVERRIDE_FN " -2", EBUSY);
			break;
		case 1:		/* EBUSY: there is an override already */
			override_cmd("tryengage " OVERRIDE_FN " -2 1", EBUSY);
			break;
		default:	/* ENOENT: there is none */
			override_cmd("disengage " OVERRIDE_FN, ENOENT);
		}
	}
	while (!paths_stopped())
		usleep(1000);
	/* Made anew, so that its hits are the final calls'. */
	override_cmd("disengage " OVERRIDE_FN, ENOENT);
	override_cmd("engage " OVERRIDE_FN " -2", 0);
	_exit(0);
}

/* Load module @name, if it is not (fully) loaded: 0 or -1. */
static int load(const char *name)
{
	char path[96], state[16] = "";
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, state, sizeof(state) - 1);
		close(fd);
		if (n > 0 && !strncmp(state, "live", 4))
			return 0;
	}
	return modprobe(name) ? -1 : 0;
}

/*
 * Unload each module holding a call site whenever it is idle, and load
 * it again.  Between the two, its path's calls find it away: nothing
 * loads it on demand (algif_aead has no alias for af_alg's request).
 * modprobe may find one still on its way out, and do nothing: it is
 * loaded on the next round.
 */
static void __noreturn run_reloader(void)
{
	const char *mods[ARRAY_SIZE(paths)];
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(paths); i++)
		if (paths[i].module && !sh->counts[i].skipped &&
		    (!n || strcmp(mods[n - 1], paths[i].module)))
			mods[n++] = paths[i].module;
	while (phase() == TRAFFIC && n) {
		for (i = 0; i < n; i++) {
			if (syscall(SYS_delete_module, mods[i], O_NONBLOCK)) {
				if (errno == ENOENT && load(mods[i]))
					toggler_error("loading %s failed", mods[i]);
				else if (errno != ENOENT && errno != EWOULDBLOCK &&
					 errno != EBUSY)
					toggler_error("unloading %s: %s", mods[i],
						      strerror(errno));
				continue;
			}
			sh->reloads++;
			if (load(mods[i]))
				toggler_error("loading %s failed", mods[i]);
		}
		usleep(10000);
	}
	/* Loaded for the final calls. */
	for (i = 0; i < n; i++)
		if (load(mods[i]) && (usleep(100000), load(mods[i])))
			toggler_error("loading %s at the end failed", mods[i]);
	_exit(0);
}

static pid_t start(void (*fn)(int), int arg)
{
	static uint32_t started;
	pid_t pid;

	started++;
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		seed_rnd(started);
		fn(arg);
	}
	return pid;
}

static void start_path(int i)
{
	run_path(&paths[i], &sh->counts[i]);
}

static void start_overrider(int unused)
{
	(void)unused;
	run_overrider();
}

static void start_reloader(int unused)
{
	(void)unused;
	run_reloader();
}

static void read_switches(void)
{
	DIR *d = opendir(SYSCTL_DIR);
	struct dirent *e;

	if (!d)
		die("%s: %s", SYSCTL_DIR, strerror(errno));
	while ((e = readdir(d)) && sh->nr_switches < MAX_SWITCHES) {
		if (e->d_name[0] == '.')
			continue;
		if (strlen(e->d_name) >= sizeof(sh->names[0]))
			die("switch name too long: %s", e->d_name);
		strcpy(sh->names[sh->nr_switches++], e->d_name);
	}
	closedir(d);
	if (!sh->nr_switches)
		die("no kill switches in %s", SYSCTL_DIR);
}

static void reap(pid_t *pids, int n)
{
	int i, status;

	for (i = 0; i < n; i++)
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			finding("toggle", "process %d ended abnormally (status %#x)",
				pids[i], status);
}

/* The calls refused by switch @name over the run, -1 if no path can be. */
static long refused_by(const char *name)
{
	long refused = -1;
	size_t p;

	for (p = 0; p < ARRAY_SIZE(paths); p++)
		if (paths[p].sw && !strcmp(paths[p].sw, name) && !paths[p].copies &&
		    !sh->counts[p].skipped)
			refused = (refused < 0 ? 0 : refused) + sh->counts[p].refused +
				  sh->counts[p].final_refused;
	return refused;
}

/* Every switch reads back its final state; its hits match its refusals. */
static void check_switches(const long *before)
{
	char state[32] = "";
	long hits, refused;
	int i;

	for (i = 0; i < sh->nr_switches; i++) {
		hits = status_row(sh->names[i], state, sizeof(state)) - before[i];
		if ((read_sysctl(sh->names[i]) != sh->final[i] ||
		     strcmp(state, sh->final[i] ? "engaged" : "disengaged")) && ++lost)
			finding("toggle", "%s: last written %d, reads %d, status '%s'",
				sh->names[i], sh->final[i],
				read_sysctl(sh->names[i]), state);
		printf("KSS switch %s hits %ld\n", sh->names[i], hits);
		refused = refused_by(sh->names[i]);
		if (refused >= 0 && hits != refused)
			finding("toggle", "%s: %ld hits, %ld calls refused",
				sh->names[i], hits, refused);
	}
}

/* The override counted exactly its final calls, and its disengage holds. */
static void check_override(struct path *p, struct path_counts *c)
{
	char state[32] = "";
	long hits = status_row(OVERRIDE_FN, state, sizeof(state));

	if (hits != c->final_refused || strcmp(state, "engaged"))
		finding("toggle", OVERRIDE_FN ": '%s' with %ld hits after %ld refused calls",
			state, hits, c->final_refused);
	if (write_file(CONTROL, "disengage " OVERRIDE_FN))
		finding("toggle", "disengage " OVERRIDE_FN ": %s", strerror(errno));
	else if (p->once(p) != RAN)
		finding("toggle", OVERRIDE_FN ": disengaged, yet bind() fails: %s",
			strerror(errno));
}

static int cmd_toggle(const char *seconds)
{
	pid_t pids[ARRAY_SIZE(paths)] = { 0 }, others[4];
	long before[MAX_SWITCHES], calls = 0, refused = 0;
	int secs = atoi(seconds), nothers = 0, i;
	struct path_counts *c;
	size_t p;

	if (secs <= 0 || secs > 3600)
		die("SECONDS must be 1 to 3600, not '%s'", seconds);
	read_switches();
	for (i = 0; i < sh->nr_switches; i++) {
		before[i] = status_row(sh->names[i], NULL, 0);
		sh->final[i] = rnd() & 1;
	}
	/*
	 * AF_ALG's module, before the paths' first sockets: when three paths
	 * loaded it on demand at once, a socket() failed with EAFNOSUPPORT.
	 */
	modprobe("af_alg");
	for (p = 0; p < ARRAY_SIZE(paths); p++) {
		if (paths[p].sw && switch_index(paths[p].sw) < 0)
			sh->counts[p].skipped = sh->counts[p].stopped = true;
		else
			pids[p] = start(start_path, p);
	}
	usleep(200000);	/* the paths' setup, before the reloader reads it */
	others[nothers++] = start(run_toggler, 0);
	others[nothers++] = start(run_toggler, 1);
	others[nothers++] = start(start_reloader, 0);
	if (!access(CONTROL, W_OK))
		others[nothers++] = start(start_overrider, 0);
	sleep(secs);
	set_phase(FINAL_WRITES);
	reap(others, nothers);
	set_phase(FINAL);
	for (p = 0; p < ARRAY_SIZE(paths); p++)
		if (pids[p])
			reap(&pids[p], 1);

	printf("KSS toggle seconds %d\n", secs);
	printf("KSS toggle switches %d\n", sh->nr_switches);
	printf("KSS toggle writes %ld\n", sh->writes[0] + sh->writes[1]);
	printf("KSS toggle modules-reloaded %ld\n", sh->reloads);
	printf("KSS toggle override-commands %ld\n", sh->override_cmds);
	if (sh->write_errors)
		finding("toggle", "%d writes or commands failed, first: %s",
			sh->write_errors, sh->what);
	check_switches(before);
	for (p = 0; p < ARRAY_SIZE(paths); p++) {
		c = &sh->counts[p];
		if (c->skipped) {
			printf("KSS path %s skipped\n", paths[p].name);
			continue;
		}
		calls += c->calls + c->final_calls;
		refused += c->refused + c->final_refused;
		lost += c->lost;
		printf("KSS path %s calls %ld refused %ld away %ld broken %d\n",
		       paths[p].name, c->calls + c->final_calls,
		       c->refused + c->final_refused, c->away, c->broken);
		if (c->broken)
			finding("toggle", "%s: %d calls failed, first: %s",
				paths[p].name, c->broken, c->what);
		if (paths[p].override)
			check_override(&paths[p], c);
	}
	printf("KSS toggle calls %ld\n", calls);
	printf("KSS toggle refused %ld\n", refused);
	printf("KSS toggle lost-states %ld\n", lost);
	for (i = 0; i < sh->nr_switches; i++)
		write_sysctl(sh->names[i], 0);
	return failed;
}

/* --- fuzzed interfaces ------------------------------------------------------ */

#define ENGAGED		"/sys/kernel/security/killswitch/engaged"
#define RETVAL		"/sys/kernel/security/killswitch/fn/" OVERRIDE_FN "/retval"
#define INPUT_MAX	(1 << 16)

/* What the interfaces show: every switch's state and the overrides. */
struct snapshot {
	int sysctl[MAX_SWITCHES];
	char engaged[4096];	/* without the counts, which calls move */
};

static void take(struct snapshot *s)
{
	char line[512], *hits, *end;
	FILE *f;
	int i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < sh->nr_switches; i++)
		s->sysctl[i] = read_sysctl(sh->names[i]);
	f = fopen(ENGAGED, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		hits = strstr(line, " hits=");
		if (hits) {
			end = hits + 1 + strcspn(hits + 1, " \n");
			memmove(hits, end, strlen(end) + 1);
		}
		strncat(s->engaged, line, sizeof(s->engaged) - strlen(s->engaged) - 1);
	}
	fclose(f);
}

static bool same(const struct snapshot *a, const struct snapshot *b)
{
	return !memcmp(a->sysctl, b->sysctl, sizeof(a->sysctl)) &&
	       !strcmp(a->engaged, b->engaged);
}

/* The counts of one interface. */
struct fuzz_counts {
	const char *name;
	long inputs, refused, accepted;
};

static struct fuzz_counts fuzz_sysctl = { .name = "sysctl" };
static struct fuzz_counts fuzz_control = { .name = "control" };
static struct fuzz_counts fuzz_retval = { .name = "retval" };

/* Printable, blank, control and NUL bytes, and the odd high one. */
static size_t random_bytes(char *buf, size_t max)
{
	static const char alphabet[] = "01 \n\t-x+force=CAP_engagedisngtry_all:";
	size_t len = rnd() % 4 ? rnd() % 40 : rnd() % max;
	size_t i;

	for (i = 0; i < len; i++)
		switch (rnd() % 4) {
		case 0:
			buf[i] = rnd();
			break;
		default:
			buf[i] = alphabet[rnd() % (sizeof(alphabet) - 1)];
		}
	return len;
}

/* A refused input changes nothing; @must_refuse says it must be refused. */
static void judge(struct fuzz_counts *c, const char *in, size_t len, int err,
		  const struct snapshot *before, bool must_refuse)
{
	struct snapshot after;

	c->inputs++;
	take(&after);
	if (err) {
		c->refused++;
		if (!same(before, &after) && ++lost)
			finding("fuzz", "%s: refused input (%zu bytes, \"%.40s\") changed the state",
				c->name, len, in);
		return;
	}
	c->accepted++;
	if (must_refuse)
		finding("fuzz", "%s: accepted an input it must refuse (%zu bytes, \"%.40s\")",
			c->name, len, in);
}

/*
 * A switch takes "0" or "1", with an optional newline, in one write at
 * the start of the file; anything else is refused.
 */
static void fuzz_sysctl_once(char *buf)
{
	static const char * const near[] = {
		"0", "1", "0\n", "1\n", "2", "-1", " 1", "1 ", "01", "0x1", "+1",
		"1\n\n", "yes", "\n", "1\0", "99999999999999999999",
	};
	int i = rnd() % sh->nr_switches, err;
	struct snapshot before;
	char path[128];
	size_t len;
	bool valid;

	if (rnd() % 2) {
		const char *w = near[rnd() % ARRAY_SIZE(near)];

		len = strlen(w) + (!strcmp(w, "1") && rnd() % 4 == 0);	/* "1\0" */
		memcpy(buf, w, len);
	} else {
		len = random_bytes(buf, INPUT_MAX);
	}
	valid = (len == 1 || (len == 2 && buf[1] == '\n')) &&
		(buf[0] == '0' || buf[0] == '1');
	snprintf(path, sizeof(path), SYSCTL_DIR "/%s", sh->names[i]);
	take(&before);
	err = write_bytes(path, buf, len);
	if (!len) {	/* a write of nothing changes nothing */
		fuzz_sysctl.inputs++;
		fuzz_sysctl.refused++;
		return;
	}
	judge(&fuzz_sysctl, buf, len, err, &before, !valid);
	if (!err && valid && read_sysctl(sh->names[i]) != buf[0] - '0')
		finding("fuzz", "sysctl %s: '%c' accepted, reads %d", sh->names[i],
			buf[0], read_sysctl(sh->names[i]));
	if (!err)
		write_sysctl(sh->names[i], 0);
}

/* An input, NUL bytes and all. */
struct input {
	const char *bytes;
	size_t len;
};

#define IN(literal)	{ literal, sizeof(literal) - 1 }

static size_t copy_input(char *buf, const struct input *in)
{
	memcpy(buf, in->bytes, in->len);
	return in->len;
}

/* What the control file must refuse: wrong arity, values out of range. */
static const struct input bad_commands[] = {
	IN("engage"), IN("engage " OVERRIDE_FN), IN("engage " OVERRIDE_FN " x"),
	IN("engage " OVERRIDE_FN " 1"),		/* it returns a pointer */
	IN("engage " OVERRIDE_FN " -4096"), IN("engage " OVERRIDE_FN " 99999999999999999999"),
	IN("engage " OVERRIDE_FN " -2 force force"), IN("engage " OVERRIDE_FN " -2 forced"),
	IN("engage " OVERRIDE_FN " -2 unless=CAP_NO_SUCH"), IN("engage " OVERRIDE_FN " -2 unless="),
	IN("engage " OVERRIDE_FN " -2 unless=CAP_NET_ADMIN unless=CAP_NET_RAW"),
	IN("engage " OVERRIDE_FN " -2 a b c d"), IN("engage no_such_function_at_all -1"),
	IN("engage 9" OVERRIDE_FN " -2"), IN("engage " OVERRIDE_FN "! -2"), IN("engage :x -2"),
	IN("tryengage " OVERRIDE_FN " -2"), IN("tryengage " OVERRIDE_FN " -2 86401"),
	IN("tryengage " OVERRIDE_FN " -2 -1"), IN("tryengage " OVERRIDE_FN " -2 1x"),
	IN("disengage"), IN("disengage " OVERRIDE_FN " x"), IN("disengage_all x"),
	IN("disengage " OVERRIDE_FN),		/* nothing is engaged */
	IN("engagebpf " OVERRIDE_FN " 0"), IN("Engage " OVERRIDE_FN " -2"), IN("\n"), IN(" "),
	IN(""), IN("disengage_all\0"), IN("engage " OVERRIDE_FN "\0 -2"),
	IN("engage " OVERRIDE_FN " -2\0 x"), IN("\0disengage_all"),
};

/* What it takes; mutated, these may be taken or not. */
static const struct input good_commands[] = {
	IN("engage " OVERRIDE_FN " -2"), IN("engage " OVERRIDE_FN " -12 unless=CAP_NET_ADMIN\n"),
	IN("tryengage " OVERRIDE_FN " -2 0"), IN("disengage_all"), IN("\tdisengage_all \n"),
};

/* Change one byte of @buf[0..@len) to random one, or cut it short. */
static size_t mutate(char *buf, size_t len)
{
	if (rnd() % 4 == 0)
		return rnd() % (len + 1);
	buf[rnd() % len] = rnd();
	return len;
}

/*
 * Inputs for the control file: the refused ones above, and commands
 * longer than one may be, must change nothing; random bytes and
 * mutations of good commands may be taken, after which disengage_all
 * puts the state back.
 */
static void fuzz_control_once(char *buf)
{
	struct snapshot before;
	bool must_refuse = true;
	size_t len;
	int err;

	switch (rnd() % 4) {
	case 0:
		len = copy_input(buf, &bad_commands[rnd() % ARRAY_SIZE(bad_commands)]);
		break;
	case 1:
		len = copy_input(buf, &good_commands[rnd() % ARRAY_SIZE(good_commands)]);
		len = mutate(buf, len);
		must_refuse = !len;
		break;
	case 2:		/* a good command padded past the limit */
		len = 1025 + rnd() % (INPUT_MAX - 1025);
		memset(buf, ' ', len);
		memcpy(buf, "disengage_all", 13);
		break;
	default:
		len = random_bytes(buf, 2048);
		must_refuse = !len;
	}
	take(&before);
	err = write_bytes(CONTROL, buf, len);
	judge(&fuzz_control, buf, len, err, &before, must_refuse);
	if (!err && write_file(CONTROL, "disengage_all"))
		finding("fuzz", "control: disengage_all after an input: %s", strerror(errno));
}

/*
 * fn/<fn>/retval of an engaged override takes "<value>" or "<value>
 * force" in one write at the start, if the value passes the value rule.
 */
static void fuzz_retval_once(char *buf)
{
	static const struct input bad[] = {
		IN("1"), IN("-4096"), IN("x"), IN("-2 forc"), IN("-2 force x"), IN("- 2"),
		IN("99999999999999999999"), IN("0x"), IN("-0x1001"), IN(""), IN("-2\0"),
		IN("\0-2"), IN("-2\0 force"),
	};
	static const struct input good[] = {
		IN("-2"), IN("-12\n"), IN("0"), IN(" -5 "), IN("-0x10"),
	};
	struct snapshot before;
	bool must_refuse = false;
	size_t len;
	int err;

	if (write_file(CONTROL, "engage " OVERRIDE_FN " -2")) {
		finding("fuzz", "retval: engage " OVERRIDE_FN ": %s", strerror(errno));
		return;
	}
	switch (rnd() % 3) {
	case 0:
		len = copy_input(buf, &bad[rnd() % ARRAY_SIZE(bad)]);
		must_refuse = true;
		break;
	case 1:
		len = copy_input(buf, &good[rnd() % ARRAY_SIZE(good)]);
		len = mutate(buf, len);
		break;
	default:
		len = random_bytes(buf, 64);
	}
	take(&before);
	err = write_bytes(RETVAL, buf, len);
	judge(&fuzz_retval, buf, len, err, &before, must_refuse);
	if (write_file(CONTROL, "disengage_all"))
		finding("fuzz", "retval: disengage_all: %s", strerror(errno));
}

/* Write @in on the descriptor @fd, at wherever it is: 0 or an errno. */
static int write_fd(int fd, const char *in)
{
	ssize_t n = write(fd, in, strlen(in));

	return n < 0 ? errno : (size_t)n == strlen(in) ? 0 : EIO;
}

/*
 * Writes in pieces are not joined, and a second write on one descriptor
 * is a command of its own on the control file, and refused at a
 * switch's sysctl (it is not at the start of the file).
 */
static void fuzz_descriptors(void)
{
	struct snapshot before, after;
	char path[128];
	int fd, e1, e2;

	fd = open(CONTROL, O_WRONLY | O_CLOEXEC);
	take(&before);
	e1 = write_fd(fd, "engage " OVERRIDE_FN);
	e2 = write_fd(fd, " -2");
	take(&after);
	fuzz_control.inputs += 2;
	fuzz_control.refused += !!e1 + !!e2;
	if (!e1 || !e2 || !same(&before, &after))
		finding("fuzz", "control: a command in two writes was taken (%d, %d)", e1, e2);
	e1 = write_fd(fd, "engage " OVERRIDE_FN " -2");
	e2 = write_fd(fd, "disengage " OVERRIDE_FN);
	take(&after);
	fuzz_control.inputs += 2;
	fuzz_control.accepted += !e1 + !e2;
	if (e1 || e2 || !same(&before, &after))
		finding("fuzz", "control: two commands on one descriptor: %s, %s",
			strerror(e1), strerror(e2));
	close(fd);

	snprintf(path, sizeof(path), SYSCTL_DIR "/%s", sh->names[0]);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	e1 = write_fd(fd, "1");
	e2 = write_fd(fd, "0");
	close(fd);
	fuzz_sysctl.inputs += 2;
	fuzz_sysctl.accepted += !e1;
	fuzz_sysctl.refused += !!e2;
	if (e1 || !e2 || read_sysctl(sh->names[0]) != 1)
		finding("fuzz", "sysctl %s: \"1\" then \"0\" on one descriptor: %s, %s, reads %d",
			sh->names[0], strerror(e1), strerror(e2), read_sysctl(sh->names[0]));
	write_sysctl(sh->names[0], 0);
}

/*
 * Two writers at once, one per CPU, each to its own half of the switches
 * and both to the control file, with good commands; then every switch
 * must read what its writer wrote last.
 */
static void __noreturn run_writer(int cpu)
{
	static const char * const cmds[] = {
		"engage " OVERRIDE_FN " -2", "disengage " OVERRIDE_FN,
		"tryengage " OVERRIDE_FN " -2 0", "disengage_all",
	};
	int i, state;

	pin_to_cpu(cpu);
	while (phase() == TRAFFIC) {
		i = rnd() % sh->nr_switches;
		if (i % 2 != cpu)
			continue;
		state = rnd() & 1;
		if (write_sysctl(sh->names[i], state))
			toggler_error("writing %d to %s: %s", state, sh->names[i],
				      strerror(errno));
		else
			sh->final[i] = state;
		sh->writes[cpu]++;
		if (!access(CONTROL, W_OK)) {
			const char *cmd = cmds[rnd() % ARRAY_SIZE(cmds)];

			__atomic_add_fetch(&sh->override_cmds, 1, __ATOMIC_RELAXED);
			if (write_file(CONTROL, cmd) && errno != ENOENT && errno != EBUSY)
				toggler_error("'%s': %s", cmd, strerror(errno));
		}
	}
	_exit(0);
}

static void fuzz_concurrent(int secs)
{
	pid_t pids[2];
	int i;

	set_phase(TRAFFIC);
	pids[0] = start(run_writer, 0);
	pids[1] = start(run_writer, 1);
	sleep(secs);
	set_phase(DONE);
	reap(pids, 2);
	if (sh->write_errors)
		finding("fuzz", "%d concurrent writes failed, first: %s",
			sh->write_errors, sh->what);
	for (i = 0; i < sh->nr_switches; i++)
		if (read_sysctl(sh->names[i]) != sh->final[i] && ++lost)
			finding("fuzz", "%s: written %d last, reads %d", sh->names[i],
				sh->final[i], read_sysctl(sh->names[i]));
	printf("KSS fuzz concurrent-writes %ld\n", sh->writes[0] + sh->writes[1]);
	printf("KSS fuzz concurrent-commands %ld\n", sh->override_cmds);
}

static int cmd_fuzz(const char *seconds)
{
	struct fuzz_counts *counts[] = { &fuzz_sysctl, &fuzz_control, &fuzz_retval };
	int secs = atoi(seconds), i;
	bool overrides;
	int64_t end;
	char *buf;

	if (secs <= 0 || secs > 3600)
		die("SECONDS must be 1 to 3600, not '%s'", seconds);
	buf = malloc(INPUT_MAX);
	if (!buf)
		die("malloc: %s", strerror(errno));
	read_switches();
	overrides = !access(CONTROL, W_OK);
	if (overrides)
		write_file(CONTROL, "disengage_all");
	end = now_ns() + (int64_t)secs * 1000000000 * 2 / 3;
	while (now_ns() < end) {
		fuzz_sysctl_once(buf);
		if (overrides) {
			fuzz_control_once(buf);
			fuzz_retval_once(buf);
		}
	}
	if (overrides)
		fuzz_descriptors();
	fuzz_concurrent(secs - secs * 2 / 3 ?: 1);
	if (overrides && write_file(CONTROL, "disengage_all"))
		finding("fuzz", "disengage_all at the end: %s", strerror(errno));
	for (i = 0; i < sh->nr_switches; i++)
		write_sysctl(sh->names[i], 0);
	printf("KSS fuzz seconds %d\n", secs);
	printf("KSS fuzz lost-states %ld\n", lost);
	for (i = 0; i < (int)ARRAY_SIZE(counts); i++)
		if (counts[i]->inputs)
			printf("KSS fuzz %s inputs %ld refused %ld accepted %ld\n",
			       counts[i]->name, counts[i]->inputs, counts[i]->refused,
			       counts[i]->accepted);
	return failed;
}

/* --- generated command lines ----------------------------------------------- */

/* A word of random lower-case letters and '_' of 1 to @max characters. */
static void random_word(char *w, size_t max)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz_";
	size_t n = 1 + rnd() % max, i;

	for (i = 0; i < n; i++)
		w[i] = letters[rnd() % (sizeof(letters) - 1)];
	w[n] = '\0';
}

/*
 * Print a kernel command line of kill-switch parameters made from the
 * switches @names, good items and bad ones mixed, and on a second line
 * the switches it engages: a name in killswitch= or a disable_<name>
 * without a value.  Empty, unknown, duplicate and malformed items, values
 * given to disable_<name>, and function items that name no function
 * (never a real one: the boot must stay as the suite expects it) are
 * ignored by the kernel, with a warning.
 */
static int cmd_cmdline(int n, char **names)
{
	char line[1024] = "", list[768], word[40];
	bool engaged[MAX_SWITCHES] = { false };
	int i, items, k, lists = 1 + rnd() % 2;

	if (n < 1 || n > MAX_SWITCHES)
		die("cmdline takes 1 to %d switch names", MAX_SWITCHES);
	while (lists--) {
		list[0] = '\0';
		for (items = 1 + rnd() % 8; items--; ) {
			k = rnd() % n;
			random_word(word, 12);
			switch (rnd() % 8) {
			case 0: case 1: case 2:
				snprintf(word, sizeof(word), "%s", names[k]);
				engaged[k] = true;
				break;
			case 3:		/* looks like a function item: no function */
				snprintf(word, sizeof(word), "%s=%d", names[k], (int)(rnd() % 3) - 1);
				break;
			case 4:
				strcat(word, rnd() % 2 ? "_nosuchfn=-1" : "=");
				break;
			case 5:
				word[0] = rnd() % 2 ? '\0' : ',';
				word[1] = '\0';
				break;
			case 6:		/* not a name: upper case, digits, punctuation */
				word[0] = "A9:-."[rnd() % 5];
				break;
			default:	/* unknown */
				break;
			}
			strncat(list, word, sizeof(list) - strlen(list) - 2);
			if (items)
				strcat(list, ",");
		}
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
			 "%skillswitch=%s", *line ? " " : "", list);
	}
	for (items = rnd() % 4; items--; ) {
		k = rnd() % n;
		if (rnd() % 3) {
			engaged[k] = true;
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 " disable_%s", names[k]);
		} else {
			snprintf(line + strlen(line), sizeof(line) - strlen(line),
				 " disable_%s=%d", names[k], (int)(rnd() % 2));
		}
	}
	puts(line);
	for (i = k = 0; i < n; i++)
		if (engaged[i])
			printf("%s%s", k++ ? "," : "", names[i]);
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	const char *env = getenv("KSS_SEED");

	setvbuf(stdout, NULL, _IOLBF, 0);
	seed = env && *env ? strtoul(env, NULL, 0) : (uint32_t)now_ns();
	seed_rnd(0);
	if (strcmp(argv[1] ?: "", "cmdline"))
		printf("KSS seed %u\n", seed);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	if (argc == 3 && !strcmp(argv[1], "toggle"))
		return cmd_toggle(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "fuzz"))
		return cmd_fuzz(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "cmdline"))
		return cmd_cmdline(argc - 2, argv + 2);
	fprintf(stderr, "usage: ksstress toggle SECONDS | fuzz SECONDS | cmdline SWITCH...\n");
	return 2;
}
