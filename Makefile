# SPDX-License-Identifier: GPL-2.0
#
#   make               build pvhook.ko for the running kernel
#   make KDIR=DIR      build against another kernel's build directory
#   make check         everything CI runs: lint, then the VM test suite
#   make lint          checkpatch --strict and sparse over our sources
#   make test          the selftests on every test kernel (scripts/run-tests.sh)
#   make bench         the hypercall benchmark in a test VM
#   make clean

KVER	?= $(shell uname -r)
KDIR	?= /lib/modules/$(KVER)/build
PWD	:= $(shell pwd)

-include scripts/lib/config.mk

.PHONY: all modules clean lint checkpatch sparse test check bench selftests

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || true
	$(MAKE) -C selftests clean
	rm -rf build

selftests:
	$(MAKE) -C selftests

lint:
	scripts/lint.sh

test:
	scripts/run-tests.sh

check: lint test

bench:
	scripts/run-bench.sh
