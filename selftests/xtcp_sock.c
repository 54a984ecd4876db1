// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_sock - open one socket, for shell tests that need one.
 *
 *   xtcp_sock [-w] [-e ERRNO] FAMILY TYPE PROTOCOL
 *
 * FAMILY, TYPE and PROTOCOL are numbers (or xtcp/inet/inet6, stream/dgram,
 * xtcp).
 * Prints "ok" or "error NAME (message)". -w holds the socket open: it prints
 * "ok", then waits for SIGTERM or SIGINT, then closes it.
 * -e ERRNO: succeed only if socket() fails with that errno.
 * Exit: 0 as expected, 1 otherwise, 2 usage.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/xtcp.h>

static const struct {
	const char *name;
	int val;
} names[] = {
	{ "xtcp", AF_XTCP }, { "inet", AF_INET }, { "stream", SOCK_STREAM },
	{ "dgram", SOCK_DGRAM }, { "ipproto_xtcp", IPPROTO_XTCP },
	{ "EAFNOSUPPORT", EAFNOSUPPORT }, { "EPROTONOSUPPORT", EPROTONOSUPPORT },
	{ "ESOCKTNOSUPPORT", ESOCKTNOSUPPORT }, { "EINVAL", EINVAL },
	{ "inet6", AF_INET6 },
};

static const char *errname(int e)
{
	unsigned int i;

	for (i = 3; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].val == e && names[i].name[0] == 'E')
			return names[i].name;
	return "other";
}

static int num(const char *s)
{
	unsigned int i;
	char *end;
	long v;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i].name, s))
			return names[i].val;
	v = strtol(s, &end, 0);
	if (*end) {
		fprintf(stderr, "xtcp_sock: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	int hold = 0, expect = 0, fd, o;
	struct sigaction sa;
	sigset_t block, old;

	while ((o = getopt(argc, argv, "we:")) != -1) {
		switch (o) {
		case 'w':
			hold = 1;
			break;
		case 'e':
			expect = num(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 3)
		goto usage;

	/* Block the signals first so an early SIGTERM still closes cleanly. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	fd = socket(num(argv[optind]), num(argv[optind + 1]),
		    num(argv[optind + 2]));
	if (fd < 0) {
		int e = errno;

		printf("error %s (%s)\n", errname(e), strerror(e));
		return expect == e ? 0 : 1;
	}
	printf("ok\n");
	fflush(stdout);
	if (expect)
		return 1;
	if (hold)
		while (!stop)
			sigsuspend(&old);
	if (close(fd)) {
		perror("close");
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: xtcp_sock [-w] [-e ERRNO] FAMILY TYPE PROTOCOL\n");
	return 2;
}
