# SPDX-License-Identifier: GPL-2.0
#
# XTCP top-level Makefile. The kernel objects are described in Kbuild; this
# file only drives kbuild and the scripts.
#
#   make [modules] [KDIR=...] [W=1]  build xtcp.ko in place
#   make clean                       remove build products and out/
#   make check                       full test run in stock + debug guests
#   make demo                        show XTCP in a stock guest
#   make bench                       XTCP against the kernel's TCP in one stock
#                                    guest boot (~25 min; XTCP_BENCH_QUICK=1
#                                    ~5 min): table, out/bench/bench.json
#   make profile                     guest kernel instructions per rr/crr/bulk
#                                    operation, XTCP and TCP, by function
#                                    (QEMU plugin, ~10 min): out/profile/
#   make newcomer                    make demo on a fresh clone with an empty cache
#   make mutants                     broken XTCPs the packet scenarios must catch
#   make checkpatch                  checkpatch.pl --strict on module/ uapi/
#   make sparse                      C=2 sparse build against stock headers
#   make install [KDIR=...]          module into /lib/modules/KVER/updates (+ depmod),
#                                    uapi header into /usr/include/linux, tools into
#                                    /usr/local/bin; staged with DESTDIR=/some/root
#   make uninstall                   the reverse
#   make dkms-install / dkms-remove  register with DKMS (dkms.conf) for future kernels
#
# KDIR defaults to the running kernel's build tree if it exists, else the
# newest Debian 6.1 stock headers (/lib/modules/6.1.0-N-amd64/build).
# Variables given on the command line (W=1, C=1, V=1...) pass through to
# kbuild. Modules are only built here: they are loaded in guests only.

SHELL := /bin/bash
STOCK_KDIR := $(shell bash -c '. scripts/lib.sh && stock_kdir' 2>/dev/null)
KDIR ?= $(if $(wildcard /lib/modules/$(shell uname -r)/build),/lib/modules/$(shell uname -r)/build,$(STOCK_KDIR))

XTCP_VERSION := 0.4.0
# The release the module was built for, from its own vermagic (Debian's
# header packages report the upstream version from `make kernelrelease`).
KVER = $(firstword $(shell modinfo -F vermagic xtcp.ko 2>/dev/null))
DESTDIR ?=
PREFIX ?= /usr/local
MODDIR = $(DESTDIR)/lib/modules/$(KVER)/updates

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(if $(wildcard $(KDIR)/Makefile),$(MAKE) -C $(KDIR) M=$(CURDIR) clean)
	rm -rf out
	$(if $(wildcard selftests/Makefile),-$(MAKE) -C selftests clean)

check:
	@scripts/check.sh

demo:
	@scripts/demo.sh

bench:
	@scripts/bench.sh

profile:
	@scripts/profile.sh

mutants:
	@scripts/mutants.sh

newcomer:
	@scripts/newcomer.sh

# kbuild's modules_install skips depmod without a System.map (Debian's
# headers have none), so depmod runs here, on DESTDIR's tree.
install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=updates INSTALL_MOD_STRIP=1 CONFIG_MODULE_SIG_ALL= \
		modules_install
	depmod -a $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)
	install -D -m 0644 uapi/linux/xtcp.h $(DESTDIR)/usr/include/linux/xtcp.h
	$(MAKE) -C tools install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

uninstall: modules
	rm -f $(addprefix $(MODDIR)/,xtcp.ko xtcp_diag.ko xtcp_kunit.ko) \
		$(DESTDIR)/usr/include/linux/xtcp.h
	depmod -a $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)
	$(MAKE) -C tools uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

DKMS_SRC = $(DESTDIR)/usr/src/xtcp-$(XTCP_VERSION)

dkms-install:
	@grep -q '^PACKAGE_VERSION="$(XTCP_VERSION)"' dkms.conf || \
		{ echo "dkms.conf's PACKAGE_VERSION is not $(XTCP_VERSION)"; exit 1; }
	mkdir -p $(DKMS_SRC)
	cp -r Kbuild dkms.conf module uapi $(DKMS_SRC)/
	dkms add -m xtcp -v $(XTCP_VERSION)
	dkms install -m xtcp -v $(XTCP_VERSION) -k $(KVER)

dkms-remove:
	dkms remove -m xtcp -v $(XTCP_VERSION) --all
	rm -rf $(DKMS_SRC)

CHECKPATCH_FILES = $(wildcard module/*.[ch] uapi/linux/*.h)

checkpatch:
	@cp=$$(bash -c '. scripts/lib.sh && checkpatch_pl') && \
	perl "$$cp" --strict --no-tree --show-types -f $(CHECKPATCH_FILES)

# C=2 runs sparse on every file, built or not; fail when it complains.
sparse:
	@mkdir -p out; set -o pipefail; \
	$(MAKE) -C $(STOCK_KDIR) M=$(CURDIR) C=2 modules 2>&1 | tee out/sparse.log; \
	rc=$$?; \
	if grep -qE '(warning|error):' out/sparse.log; then \
		echo "sparse: warnings above (out/sparse.log)"; exit 1; \
	fi; exit $$rc

.PHONY: all modules clean check demo bench profile mutants newcomer checkpatch sparse \
	install uninstall dkms-install dkms-remove
