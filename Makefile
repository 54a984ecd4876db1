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
#   make newcomer                    make demo on a fresh clone with an empty cache
#   make mutants                     broken XTCPs the packet scenarios must catch
#   make checkpatch                  checkpatch.pl --strict on module/ uapi/
#   make sparse                      C=2 sparse build against stock headers
#
# KDIR defaults to the running kernel's build tree if it exists, else the
# newest Debian 6.1 stock headers (/lib/modules/6.1.0-N-amd64/build).
# Variables given on the command line (W=1, C=1, V=1...) pass through to
# kbuild. Modules are only built here: they are loaded in guests only.

SHELL := /bin/bash
STOCK_KDIR := $(shell bash -c '. scripts/lib.sh && stock_kdir' 2>/dev/null)
KDIR ?= $(if $(wildcard /lib/modules/$(shell uname -r)/build),/lib/modules/$(shell uname -r)/build,$(STOCK_KDIR))

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

mutants:
	@scripts/mutants.sh

newcomer:
	@scripts/newcomer.sh

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

.PHONY: all modules clean check demo bench mutants newcomer checkpatch sparse
