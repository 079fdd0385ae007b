# SPDX-License-Identifier: GPL-2.0
#
#   make               build pvhook.ko for the running kernel
#   make KDIR=DIR      build against another kernel's build directory
#   make guest         build the guest module, guest/pvhook_guest.ko
#   make tools         build pvhookctl (tools/pvhookctl)
#   make install-tools install pvhookctl and its man page (PREFIX, DESTDIR)
#   make check         everything CI runs: lint, then the VM test suite
#   make lint          checkpatch --strict and sparse over our sources
#   make test          the selftests on every test kernel (scripts/run-tests.sh)
#   make check-debug   the selftests, full fuzz campaigns and the guest test on
#                      the debug test host kernel (KASAN, lockdep, kmemleak, ...;
#                      built once from linux-source, then cached)
#   make bench         the hypercall benchmark in a test VM
#   make dkms-install  copy the module sources to /usr/src/pvhook-VERSION and
#                      have DKMS build and install them (KVERS=... for other
#                      kernels than the running one)
#   make dkms-remove   remove them from DKMS again
#   make dkms-install-guest, make dkms-remove-guest
#                      the same for the guest module (pvhook-guest-VERSION)
#   make clean

KVER	?= $(shell uname -r)
KDIR	?= /lib/modules/$(KVER)/build
PWD	:= $(shell pwd)
VERSION	:= $(shell cat VERSION)
DKMS_SRC := /usr/src/pvhook-$(VERSION)
DKMS_GUEST_SRC := /usr/src/pvhook-guest-$(VERSION)
KVERS	?= $(KVER)

PREFIX	?= /usr/local

.PHONY: all modules guest clean lint test check check-debug bench selftests dkms-install dkms-remove \
	dkms-install-guest dkms-remove-guest \
	tools install-tools

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

guest:
	$(MAKE) -C $(KDIR) M=$(PWD)/guest modules

tools:
	$(MAKE) -C tools/pvhookctl

install-tools: tools
	install -D -m 0755 tools/pvhookctl/pvhookctl $(DESTDIR)$(PREFIX)/sbin/pvhookctl
	install -D -m 0644 tools/pvhookctl/pvhookctl.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/pvhookctl.8

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean 2>/dev/null || true
	$(MAKE) -C $(KDIR) M=$(PWD)/guest clean 2>/dev/null || true
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

# The guest module's DKMS tree: guest/ with the headers and VERSION beside.
dkms-install-guest: dkms-remove-guest
	mkdir -p $(DKMS_GUEST_SRC)/include/linux $(DKMS_GUEST_SRC)/include/uapi/linux
	cp -a VERSION guest/Kbuild guest/*.c guest/*.h $(DKMS_GUEST_SRC)/
	cp -a include/linux/pvhook_guest.h \
		$(DKMS_GUEST_SRC)/include/linux/
	cp -a include/uapi/linux/pvhook.h $(DKMS_GUEST_SRC)/include/uapi/linux/
	sed 's/@VERSION@/$(VERSION)/' guest/dkms.conf.in >$(DKMS_GUEST_SRC)/dkms.conf
	dkms add pvhook-guest/$(VERSION)
	for k in $(KVERS); do dkms install pvhook-guest/$(VERSION) -k $$k || exit 1; done

dkms-remove-guest:
	if dkms status pvhook-guest/$(VERSION) | grep -q .; then \
		dkms remove pvhook-guest/$(VERSION) --all; fi
	rm -rf $(DKMS_GUEST_SRC)

selftests:
	$(MAKE) -C selftests

lint:
	scripts/lint.sh

test:
	scripts/run-tests.sh

check: lint test

check-debug:
	scripts/run-debug-tests.sh

bench:
	scripts/run-bench.sh
