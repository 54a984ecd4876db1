// SPDX-License-Identifier: GPL-2.0
/*
 * xtcp_kprof.so: a QEMU TCG plugin that counts the instructions the guest
 * kernel executes, per translation block, for `make profile`
 * (scripts/profile.sh). Under TCG perf cannot profile the guest (no PMU,
 * and cpu-clock samples land where interrupts are re-enabled); the
 * emulator itself can count exactly what ran.
 *
 *   qemu-system-x86_64 ... -plugin PATH/xtcp_kprof.so,dir=DIR
 *
 * Every block at a kernel address (top half of the address space) gets an
 * inline counter of its executions. When the file DIR/kprof.req appears,
 * its first line is a label and the plugin writes DIR/kprof.LABEL: one line
 * per block, "ADDRESS INSNS EXECUTIONS" (hexadecimal, decimal, decimal),
 * then removes the request. Instructions in a block times its executions,
 * summed over the blocks of a function (from the guest's /proc/kallsyms),
 * is what the function executed; two snapshots bracket a measured run.
 * A REP-prefixed instruction counts once per iteration, as TCG runs it.
 *
 * The counters are not atomic: with several vCPUs an increment is lost
 * now and then. Both protocols are measured the same way.
 *
 * QEMU installs no header for plugins (Debian's qemu-system-x86 has none),
 * so the few entry points used are declared here: plugin API version 1,
 * QEMU 7.2 and later.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
	void (*cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb));
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
	enum qemu_plugin_op op, void *ptr, uint64_t imm);

#define EXPORT __attribute__((visibility("default")))

EXPORT int qemu_plugin_version = 1;

/* Open addressing; a key is the block's address with its length on top. */
#define TAB_BITS 21
#define TAB_SIZE (1u << TAB_BITS)
#define KERNEL_BASE 0xffff800000000000ull
#define ADDR_MASK 0x00ffffffffffffffull
#define MAX_INSNS 255

struct block {
	uint64_t key;
	uint64_t execs;
};

static struct block *tab;
static unsigned int used;
static pthread_mutex_t tab_lock = PTHREAD_MUTEX_INITIALIZER;
static char dir[512] = ".";

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t va = qemu_plugin_tb_vaddr(tb);
	uint64_t n = qemu_plugin_tb_n_insns(tb);
	uint64_t key, h;

	if (va < KERNEL_BASE || n > MAX_INSNS)
		return;
	key = (va & ADDR_MASK) | (n << 56);
	pthread_mutex_lock(&tab_lock);
	h = (key * 0x9e3779b97f4a7c15ull) >> (64 - TAB_BITS);
	while (tab[h].key && tab[h].key != key)
		h = (h + 1) & (TAB_SIZE - 1);
	if (!tab[h].key) {
		if (used >= TAB_SIZE / 2) {	/* full enough: stop adding */
			pthread_mutex_unlock(&tab_lock);
			return;
		}
		used++;
		tab[h].key = key;
	}
	pthread_mutex_unlock(&tab_lock);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
						 &tab[h].execs, 1);
}

static void snapshot(const char *label)
{
	char path[600], tmp[610];
	FILE *f;

	snprintf(path, sizeof(path), "%s/kprof.%s", dir, label);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	for (unsigned int i = 0; i < TAB_SIZE; i++) {
		uint64_t key = tab[i].key, execs = tab[i].execs;

		if (key && execs)
			fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
				(uint64_t)((key & ADDR_MASK) | ~ADDR_MASK),
				key >> 56, execs);
	}
	if (fclose(f) == 0)
		rename(tmp, path);
}

/* Waits for DIR/kprof.req; a label is letters, digits, '.', '_', '-'. */
static void *requests(void *arg)
{
	char req[600], label[64];

	snprintf(req, sizeof(req), "%s/kprof.req", dir);
	for (;;) {
		FILE *f = fopen(req, "r");
		size_t len;

		if (!f) {
			usleep(50000);
			continue;
		}
		label[0] = 0;
		if (!fgets(label, sizeof(label), f))
			label[0] = 0;
		fclose(f);
		len = strcspn(label, "\n");
		label[len] = 0;
		/* The guest may still be writing it: retry an empty label. */
		if (!len) {
			usleep(50000);
			continue;
		}
		if (strspn(label, "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == len)
			snapshot(label);
		unlink(req);
	}
	return NULL;
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
			       const struct qemu_info_t *info,
			       int argc, char **argv)
{
	pthread_t t;

	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "dir=", 4)) {
			snprintf(dir, sizeof(dir), "%s", argv[i] + 4);
		} else {
			fprintf(stderr, "xtcp_kprof: unknown argument %s\n", argv[i]);
			return -1;
		}
	}
	tab = calloc(TAB_SIZE, sizeof(*tab));
	if (!tab)
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	if (pthread_create(&t, NULL, requests, NULL))
		return -1;
	pthread_detach(t);
	return 0;
}
