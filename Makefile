# SPDX-License-Identifier: GPL-2.0
#
#   make               build pvhook.ko for the running kernel
#   make KDIR=DIR      build against another kernel's build directory
#   make tools         build pvhookctl (tools/pvhookctl)
#   make install-tools install pvhookctl and its man page (PREFIX, DESTDIR)
#   make check         everything CI runs: lint, then the VM test suite
#   make lint          checkpatch --strict and sparse over our sources
#   make test          the selftests on every test kernel (scripts/run-tests.sh)
#   make bench         the hypercall benchmark in a test VM
#   make dkms-install  copy the module sources to /usr/src/pvhook-VERSION and
#                      have DKMS build and install them (KVERS=... for other
#                      kernels than the running one)
#   make dkms-remove   remove them from DKMS again
#   make clean

KVER	?= $(shell uname -r)
KDIR	?= /lib/modules/$(KVER)/build
PWD	:= $(shell pwd)
VERSION	:= $(shell cat VERSION)
DKMS_SRC := /usr/src/pvhook-$(VERSION)
KVERS	?= $(KVER)

PREFIX	?= /usr/local

.PHONY: all modules clean lint test check bench selftests dkms-install dkms-remove \
	tools install-tools

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

tools:
	$(MAKE) -C tools/pvhookctl

install-tools: tools
	install -D -m 0755 tools/pvhookctl/pvhookctl $(DESTDIR)$(PREFIX)/sbin/pvhookctl
	install -D -m 0644 tools/pvhookctl/pvhookctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/pvhookctl.8

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || true
	$(MAKE) -C selftests clean
	rm -rf build

dkms-install: dkms-remove
	mkdir -p $(DKMS_SRC)
	cp -a Kbuild VERSION src include $(DKMS_SRC)/
	sed 's/@VERSION@/$(VERSION)/' dkms.conf.in >$(DKMS_SRC)/dkms.conf
	dkms add pvhook/$(VERSION)
	for k in $(KVERS); do dkms install pvhook/$(VERSION) -k $$k || exit 1; done

dkms-remove:
	if dkms status pvhook/$(VERSION) | grep -q .; then \
		dkms remove pvhook/$(VERSION) --all; fi
	rm -rf $(DKMS_SRC)

selftests:
	$(MAKE) -C selftests

lint:
	scripts/lint.sh

test:
	scripts/run-tests.sh

check: lint test

bench:
	scripts/run-bench.sh
