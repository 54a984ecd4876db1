// SPDX-License-Identifier: GPL-2.0
/*
 * xtcpize: run an unmodified program with its TCP sockets made XTCP
 * sockets, the way mptcpize runs programs over MPTCP.
 *
 *   xtcpize run CMD [ARGS...]
 *   xtcpize --help
 *
 * Adds libxtcpize.so to LD_PRELOAD (after any libraries already there) and
 * execs CMD. The library is looked for beside this program (the build tree),
 * in ../lib/xtcp/ relative to it (the installed layout: PREFIX/bin/xtcpize,
 * PREFIX/lib/xtcp/libxtcpize.so), then in /usr/local/lib/xtcp/;
 * XTCPIZE_LIB names it explicitly. Programs LD_PRELOAD cannot reach (static
 * or 32-bit ELF executables) are refused with a clear error instead of
 * running silently over TCP. If the module is installed but not loaded,
 * one XTCP socket makes the kernel load it by its alias before CMD starts.
 * See libxtcpize.c for what is translated.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <linux/xtcp.h>
#include <unistd.h>

#define LIB_NAME "libxtcpize.so"
#define LIB_DEFAULT_DIR "/usr/local/lib/xtcp"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xtcpize run CMD [ARGS...]\n"
		"       xtcpize --help\n"
		"\n"
		"Runs CMD with its TCP sockets made XTCP sockets: libxtcpize.so, preloaded,\n"
		"turns socket(AF_INET or AF_INET6, SOCK_STREAM, 0 or IPPROTO_TCP) into an\n"
		"XTCP socket of the same family (IP protocol from\n"
		"/sys/module/xtcp/parameters/ipproto): IPv6 addresses, dual-stack listeners\n"
		"and IPV6_V6ONLY work as over TCP. If XTCP has no IPv6 (module built\n"
		"without it, ipv6.disable=1), AF_INET6 sockets become IPv4 XTCP sockets\n"
		"instead, their addresses translated (::, ::1, ::ffff:a.b.c.d); other IPv6\n"
		"addresses then fail (bind: EAFNOSUPPORT, connect: ENETUNREACH).\n"
		"\n"
		"Environment:\n"
		"  XTCPIZE_DEBUG=1     log each conversion and translation to stderr\n"
		"  XTCPIZE_FALLBACK=1  without the xtcp module, keep TCP sockets TCP (with a\n"
		"                      warning) instead of failing with EPROTONOSUPPORT\n"
		"  XTCPIZE_TRANSLATE6=1\n"
		"                      AF_INET6 sockets become IPv4 XTCP sockets with\n"
		"                      translated addresses even if XTCP has IPv6\n"
		"  XTCPIZE_LIB=PATH    the library to preload (default: beside xtcpize,\n"
		"                      then ../lib/xtcp/, then " LIB_DEFAULT_DIR "/)\n"
		"\n"
		"An installed but unloaded xtcp module is loaded by the kernel on xtcpize's\n"
		"first XTCP socket (module alias), as socket(AF_XTCP) would.\n"
		"Static and 32-bit programs cannot be xtcpized (exit 126).\n");
}

/* Directory of this program, from /proc/self/exe, into @dir. */
static bool self_dir(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	char *slash;

	if (n <= 0)
		return false;
	dir[n] = 0;
	slash = strrchr(dir, '/');
	if (!slash)
		return false;
	*slash = 0;
	return true;
}

/* @dir/@rel/LIB_NAME into @out, if it fits and is readable. */
static bool lib_at(char *out, size_t size, const char *dir, const char *rel)
{
	int n = snprintf(out, size, "%s%s/%s", dir, rel, LIB_NAME);

	return n > 0 && (size_t)n < size && !access(out, R_OK);
}

static bool find_lib(char *out, size_t size)
{
	const char *env = getenv("XTCPIZE_LIB");
	char dir[PATH_MAX];

	if (env && *env) {
		if (!realpath(env, out) || access(out, R_OK)) {
			fprintf(stderr, "xtcpize: XTCPIZE_LIB=%s: %s\n", env, strerror(errno));
			return false;
		}
		return true;
	}
	if (self_dir(dir, sizeof(dir))) {
		if (lib_at(out, size, dir, ""))
			return true;
		if (lib_at(out, size, dir, "/../lib/xtcp") && realpath(out, dir)) {
			snprintf(out, size, "%s", dir);
			return true;
		}
	}
	if (lib_at(out, size, LIB_DEFAULT_DIR, ""))
		return true;
	fprintf(stderr, "xtcpize: cannot find %s beside xtcpize, in ../lib/xtcp/ or in %s/ (set XTCPIZE_LIB)\n",
		LIB_NAME, LIB_DEFAULT_DIR);
	return false;
}

/* CMD as execvp() would find it, into @out; false with errno if not. */
static bool which(const char *cmd, char *out, size_t size)
{
	const char *path = getenv("PATH"), *p, *end;
	bool found_noexec = false;

	if (strchr(cmd, '/')) {
		snprintf(out, size, "%s", cmd);
		if (!access(out, X_OK))
			return true;
		return false;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		struct stat st;
		int len;

		end = strchrnul(p, ':');
		len = end - p;
		if (snprintf(out, size, "%.*s/%s", len ? len : 1, len ? p : ".",
			     cmd) < (int)size &&
		    !stat(out, &st) && S_ISREG(st.st_mode)) {
			if (!access(out, X_OK))
				return true;
			found_noexec = true;
		}
		if (!*end)
			break;
	}
	errno = found_noexec ? EACCES : ENOENT;
	return false;
}

/*
 * Can LD_PRELOAD of a 64-bit library reach @path? 0 yes (or not an ELF
 * file: a script's interpreter is checked when it is one, anything else is
 * left to execve), else a message in @why and 1.
 */
static int check_exe(const char *path, char *why, size_t size, int depth)
{
	unsigned char buf[256];
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	bool interp = false;
	ssize_t n;
	int fd, i;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n >= 2 && buf[0] == '#' && buf[1] == '!' && depth < 4) {
		char *s = (char *)buf + 2, *e;

		close(fd);
		buf[n] = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strcspn(s, " \t\n");
		*e = 0;
		return *s ? check_exe(s, why, size, depth + 1) : 0;
	}
	if (n < (ssize_t)EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG)) {
		close(fd);
		return 0;
	}
	if (buf[EI_CLASS] != ELFCLASS64) {
		close(fd);
		snprintf(why, size, "%s is a 32-bit program: the 64-bit %s cannot be preloaded into it",
			 path, LIB_NAME);
		return 1;
	}
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh)) {
		close(fd);
		return 0;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * eh.e_phentsize) !=
		    sizeof(ph))
			break;
		if (ph.p_type == PT_INTERP)
			interp = true;
	}
	close(fd);
	if (!interp) {
		snprintf(why, size, "%s is statically linked (no dynamic linker, as ldd says \"not a dynamic executable\"): LD_PRELOAD cannot reach its sockets",
			 path);
		return 1;
	}
	return 0;
}

/*
 * Is the module there? If not, one XTCP socket lets the kernel load an
 * installed one by its alias (net-pf-2-proto-253-type-1), as socket(AF_XTCP)
 * would; the library then finds it.
 */
static bool xtcp_loaded(void)
{
	int fd;

	if (!access("/sys/module/xtcp", F_OK) || getenv("XTCPIZE_PROTO"))
		return true;
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_XTCP);
	if (fd < 0)
		return false;
	close(fd);
	return !access("/sys/module/xtcp", F_OK);
}

static int run(char **argv)
{
	char lib[PATH_MAX], exe[PATH_MAX], why[PATH_MAX + 200];
	const char *old = getenv("LD_PRELOAD");
	char *preload;

	if (!find_lib(lib, sizeof(lib)))
		return 1;
	if (strpbrk(lib, " :")) {
		fprintf(stderr, "xtcpize: %s: LD_PRELOAD cannot hold a path with a space or a colon\n",
			lib);
		return 1;
	}
	if (!which(argv[0], exe, sizeof(exe))) {
		fprintf(stderr, "xtcpize: %s: %s\n", argv[0], strerror(errno));
		return errno == ENOENT ? 127 : 126;
	}
	if (check_exe(exe, why, sizeof(why), 0)) {
		fprintf(stderr, "xtcpize: cannot run over XTCP: %s\n", why);
		return 126;
	}
	if (!xtcp_loaded())
		fprintf(stderr, "xtcpize: warning: the xtcp module is not loaded: %s\n",
			getenv("XTCPIZE_FALLBACK") && strcmp(getenv("XTCPIZE_FALLBACK"), "0") ?
			"TCP sockets stay TCP (XTCPIZE_FALLBACK)" :
			"TCP sockets will fail with EPROTONOSUPPORT");
	if (old && *old && strstr(old, lib)) {
		preload = strdup(old);
	} else if (old && *old) {
		if (asprintf(&preload, "%s:%s", old, lib) < 0)
			preload = NULL;
	} else {
		preload = strdup(lib);
	}
	if (!preload || setenv("LD_PRELOAD", preload, 1)) {
		perror("xtcpize: LD_PRELOAD");
		return 1;
	}
	execv(exe, argv);
	fprintf(stderr, "xtcpize: %s: %s\n", exe, strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "run"))
		return run(argv + 2);
	usage(stderr);
	return 2;
}
