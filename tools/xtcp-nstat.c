// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp-nstat: XTCP's counters (/proc/net/xtcp_stat) the way nstat shows
 * the kernel's: by default what changed since the last run (kept in a
 * history file), nonzero values only.
 *
 *   xtcp-nstat [-a] [-z] [-r] [-n] [-s] [PATTERN...]
 *     -a  absolute values, not deltas     -z  show zero values too
 *     -r  reset: forget the history first -n  update the history, print nothing
 *     -s  do not update the history
 *   PATTERN: shell patterns (fnmatch) on the printed names, e.g. 'XtcpSyncookies*'
 * History: $XTCP_NSTAT_HISTORY, else /tmp/.xtcp-nstat.u<uid>. Gauges
 * (MemoryAllocated, MemoryPressure) are printed as values, never deltas.
 */
#include <fnmatch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_COUNTERS 256

struct counter {
	char name[64];
	long long value;
};

static int load(const char *path, struct counter *c)
{
	FILE *f = fopen(path, "r");
	int n = 0;

	if (!f)
		return -1;
	while (n < MAX_COUNTERS && fscanf(f, "%63s %lld", c[n].name, &c[n].value) == 2)
		n++;
	fclose(f);
	return n;
}

static bool is_gauge(const char *name)
{
	return !strcmp(name, "MemoryAllocated") || !strcmp(name, "MemoryPressure");
}

static bool wanted(const char *name, char **patterns, int npatterns)
{
	int i;

	if (!npatterns)
		return true;
	for (i = 0; i < npatterns; i++)
		if (!fnmatch(patterns[i], name, 0))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static struct counter now[MAX_COUNTERS], old[MAX_COUNTERS];
	bool absolute = false, zeros = false, reset = false, quiet = false;
	bool keep = false;
	const char *hist = getenv("XTCP_NSTAT_HISTORY");
	char histbuf[64], full[80];
	int n, nold = 0, i, j, c;
	FILE *f;

	while ((c = getopt(argc, argv, "azrns")) != -1) {
		switch (c) {
		case 'a': absolute = true; break;
		case 'z': zeros = true; break;
		case 'r': reset = true; break;
		case 'n': quiet = true; break;
		case 's': keep = true; break;
		default:
			fprintf(stderr, "usage: xtcp-nstat [-a] [-z] [-r] [-n] [-s] [PATTERN...]\n");
			return 1;
		}
	}
	if (!hist) {
		snprintf(histbuf, sizeof(histbuf), "/tmp/.xtcp-nstat.u%u", getuid());
		hist = histbuf;
	}
	n = load("/proc/net/xtcp_stat", now);
	if (n < 0) {
		perror("xtcp-nstat: /proc/net/xtcp_stat (is xtcp loaded?)");
		return 2;
	}
	if (!reset && !absolute) {
		nold = load(hist, old);
		if (nold < 0)
			nold = 0;
	}
	if (!quiet) {
		printf("#kernel\n");
		for (i = 0; i < n; i++) {
			long long v = now[i].value;

			if (!is_gauge(now[i].name))
				for (j = 0; j < nold; j++)
					if (!strcmp(old[j].name, now[i].name)) {
						v -= old[j].value;
						break;
					}
			snprintf(full, sizeof(full), "Xtcp%.63s", now[i].name);
			if ((v || zeros) && wanted(full, argv + optind, argc - optind))
				printf("%-34s %lld\n", full, v);
		}
	}
	if (keep)
		return 0;
	f = fopen(hist, "w");
	if (!f) {
		perror(hist);
		return 2;
	}
	for (i = 0; i < n; i++)
		fprintf(f, "%s %lld\n", now[i].name, now[i].value);
	return fclose(f) ? 2 : 0;
}
