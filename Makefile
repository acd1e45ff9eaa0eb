# daudit: build, install and test.  `make help` lists every target.
#
# The module is built out of tree for the running kernel when its headers
# are installed, else for every installed kernel that has headers; KVER=
# or KDIR= pick one.  Userspace lands in build/bin/, libdaudit in build/lib/.

VERSION := $(shell cat VERSION)
BUILD   := build
BIN     := $(BUILD)/bin
OBJ     := $(BUILD)/obj
SOLIB   := $(BUILD)/lib

PREFIX  ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR ?= /lib/systemd/system
DESTDIR ?=
# libdaudit goes to Debian's multiarch directory when the compiler knows it.
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
LIBDIR  ?= $(PREFIX)/lib$(if $(MULTIARCH),/$(MULTIARCH))
INCLUDEDIR ?= $(PREFIX)/include
PYTHONDIR ?= $(PREFIX)/lib/python3/dist-packages
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
MODULESLOADDIR ?= /usr/lib/modules-load.d
# The module's source as DKMS builds it (/usr/src/daudit-VERSION).
DKMS_SRC := dkms.conf Kbuild VERSION module

CC      ?= gcc
PKGS    := sqlite3 json-c inih gnutls libsystemd libpq smartcols
CWARN   := -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wno-missing-field-initializers
CFLAGS  ?= -O2 -g
USER_CFLAGS = -std=c11 -D_GNU_SOURCE $(CWARN) $(CFLAGS) \
	-Imodule/uapi -Iuserspace/lib \
	-DDAUDIT_PKG_VERSION='"$(VERSION)"' \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
USER_LDLIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -pthread

LIB_SRCS    := $(wildcard userspace/lib/*.c)
DAUDIT_SRCS := $(wildcard userspace/daudit/*.c)
# The review rules are a folder of their own, one file per rule.
DAUDITD_SRCS := $(wildcard userspace/dauditd/*.c userspace/dauditd/rules/*.c)
USER_HDRS   := $(wildcard userspace/*/*.h userspace/dauditd/rules/*.h) \
	module/uapi/daudit.h

# libdaudit, the shared library applications link to declare actors:
# only its API is exported (-fvisibility=hidden), and it is never unloaded
# (-z nodelete) because daudit.ko keeps pointers into its thread areas.
LIBDAUDIT_SRCS := $(wildcard userspace/libdaudit/*.c)
LIBDAUDIT_REAL := libdaudit.so.1.0.0
LIBDAUDIT_CFLAGS = -std=c11 -D_GNU_SOURCE $(CWARN) $(CFLAGS) -fPIC \
	-fvisibility=hidden -Imodule/uapi

# The eBPF sensor (bpf/, its loader userspace/ebpf/, docs/ebpf.md): built
# into dauditd when clang, bpftool and libbpf's headers are here (x86-64:
# the programs attach to the x86-64 system call functions).  EBPF=0 leaves
# it out.
BPFTOOL ?= $(or $(shell command -v bpftool 2>/dev/null),$(wildcard /usr/sbin/bpftool))
BPF_CLANG ?= clang
ifeq ($(origin EBPF),undefined)
EBPF := $(if $(and $(BPFTOOL),$(shell command -v $(BPF_CLANG) 2>/dev/null),\
	$(shell pkg-config --exists libbpf 2>/dev/null && echo y),\
	$(filter x86_64-linux-gnu,$(MULTIARCH))),1,0)
endif
BPF_OUT     := $(BUILD)/bpf
BPF_SKEL    := $(BPF_OUT)/daudit.bpf.skel.h
EBPF_SRCS   := $(if $(filter 1,$(EBPF)),$(wildcard userspace/ebpf/*.c))
EBPF_OBJS   := $(EBPF_SRCS:%.c=$(OBJ)/%.o)
ifeq ($(EBPF),1)
USER_CFLAGS += -DDAUDIT_EBPF -I$(BPF_OUT)
DAUDITD_LDLIBS := $(shell pkg-config --libs libbpf 2>/dev/null)
endif

LIB_OBJS    := $(LIB_SRCS:%.c=$(OBJ)/%.o)
DAUDIT_OBJS := $(DAUDIT_SRCS:%.c=$(OBJ)/%.o)
DAUDITD_OBJS := $(DAUDITD_SRCS:%.c=$(OBJ)/%.o)

.PHONY: fleet-test report-test check-debug
.PHONY: all module module-prof userspace libdaudit helpers unit fuzz check check-matrix vm-test boot-test static demo bench debug-kernel \
	bench-collector install install-userspace install-dkms-src uninstall clean help deps \
	dkms-test dkms-install deb deps-build deps-vm

all: module userspace

help:
	@echo "daudit $(VERSION) targets:"
	@echo "  all (default)  build daudit.ko and the userspace programs"
	@echo "  module         build daudit.ko (KVER=release or KDIR=path to pick a kernel)"
	@echo "  module-prof    daudit.ko timing its own stages (build/kmod-prof; make bench uses it)"
	@echo "  userspace      build build/bin/daudit, build/bin/dauditd and libdaudit"
	@echo "                 (dauditd with the eBPF sensor of bpf/ when clang, bpftool and"
	@echo "                 libbpf-dev are installed; EBPF=0 leaves it out: docs/ebpf.md)"
	@echo "  libdaudit      build build/lib/libdaudit.so.1 (declared actors, daudit_actor(3))"
	@echo "  helpers        build the C helpers the VM tests run"
	@echo "  unit           host unit tests under ASan and UBSan"
	@echo "  fuzz           libFuzzer on the policy parser/decoder and the record decoder (FUZZ_SECONDS=20)"
	@echo "  vm-test        kernel tests: boot every installed kernel in qemu"
	@echo "                 (SUITES='file-read' to run some suites)"
	@echo "  boot-test      Debian 12 with systemd in qemu: install, reboot, upgrade and purge the packages"
	@echo "  static         W=1 and sparse module builds, cppcheck, shellcheck"
	@echo "  dkms-test      dkms add/build/install in a scratch tree for every kernel"
	@echo "  check          everything above; ends with 'N passed, N failed'"
	@echo "  check-matrix   check on six kernels: install the generic and rt flavours too"
	@echo "  check-debug    every kernel suite on the debug kernel (hours; make debug-kernel first)"
	@echo "  debug-kernel   build the KASAN/lockdep/kmemleak kernel once (cached; about 33 min); check-debug runs the suites on it"
	@echo "  demo           boot a VM, load the module, run the scenario, print the review"
	@echo "  bench          overhead ratios (instruction-counted) and rates (wall clock) in the VM, and collector ingest"
	@echo "  bench-collector  collector ingest (records/s, peak memory) on the host"
	@echo "  fleet-test     the PostgreSQL fleet store: a private PostgreSQL 15, three dauditd as three hosts"
	@echo "  report-test    daudit report --format html in headless Chromium: screenshot, console, top incident"
	@echo "  install        install module, programs, unit, config and libdaudit (DESTDIR honoured)"
	@echo "  install-userspace  install as install does, without daudit.ko (the Debian package's list)"
	@echo "  install-dkms-src  the module's DKMS source to /usr/src/daudit-VERSION (DESTDIR honoured)"
	@echo "  dkms-install   copy the sources to /usr/src/daudit-VERSION and dkms install them (KVER=release: for that kernel)"
	@echo "  deb            Debian packages daudit and daudit-dkms in build/deb/"
	@echo "                 (DEB_VERSION=0.1.1 builds another version; docs/packaging.md)"
	@echo "  uninstall      remove what install put in place"
	@echo "  deps           install missing Debian packages for building"
	@echo "  clean          remove build/"

deps:
	@scripts/deps.sh build

# Every target installs the Debian packages it needs before it builds
# (scripts/deps.sh; tests/static/deps.sh checks the lists against what the
# builds open).  Order-only, so that they never make anything out of date.
deps-build deps-vm:
	@scripts/deps.sh $(@:deps-%=%)

module: | deps-build
	@scripts/build-module.sh $(KBUILD_ARGS)

# daudit.ko timing its own stages (module/prof.h), for make bench only.
module-prof: | deps-build
	@KMOD_OUT=$(abspath $(BUILD))/kmod-prof scripts/build-module.sh DAUDIT_PROF=1 $(KBUILD_ARGS)

userspace: $(BIN)/daudit $(BIN)/dauditd libdaudit

libdaudit: $(SOLIB)/libdaudit.so.1 $(SOLIB)/libdaudit.so

$(SOLIB)/$(LIBDAUDIT_REAL): $(LIBDAUDIT_SRCS) userspace/libdaudit/daudit/actor.h \
		module/uapi/daudit.h | deps-build
	@mkdir -p $(SOLIB)
	$(CC) $(LIBDAUDIT_CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libdaudit.so.1 \
		-Wl,-z,nodelete -Wl,--no-undefined -o $@ $(LIBDAUDIT_SRCS) -pthread

$(SOLIB)/libdaudit.so.1 $(SOLIB)/libdaudit.so: $(SOLIB)/$(LIBDAUDIT_REAL)
	ln -sfn $(LIBDAUDIT_REAL) $@

$(OBJ)/%.o: %.c $(USER_HDRS) | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

$(BIN)/daudit: $(DAUDIT_OBJS) $(LIB_OBJS)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(USER_LDLIBS)

$(BIN)/dauditd: $(DAUDITD_OBJS) $(EBPF_OBJS) $(LIB_OBJS)
	@mkdir -p $(BIN)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(USER_LDLIBS) $(DAUDITD_LDLIBS)

# The BPF object: CO-RE (-g keeps the BTF its relocations need), linked
# by bpftool, which drops the DWARF; the skeleton embeds it in dauditd.
$(BPF_OUT)/daudit.bpf.o: bpf/daudit.bpf.c $(wildcard bpf/*.bpf.h) bpf/kernel.h bpf/sensor.h module/uapi/daudit.h | deps-build
	@mkdir -p $(BPF_OUT)
	$(BPF_CLANG) -target bpf -g -O2 -D__TARGET_ARCH_x86 -Wall -Werror \
		-Ibpf -Imodule/uapi -I/usr/include/$(MULTIARCH) \
		-c -o $(BPF_OUT)/daudit.bpf.tmp.o $<
	$(BPFTOOL) gen object $@ $(BPF_OUT)/daudit.bpf.tmp.o
	@rm -f $(BPF_OUT)/daudit.bpf.tmp.o

$(BPF_SKEL): $(BPF_OUT)/daudit.bpf.o
	$(BPFTOOL) gen skeleton $< name daudit_bpf > $@.tmp
	@mv $@.tmp $@

$(EBPF_OBJS) $(OBJ)/userspace/dauditd/sensors.o: $(if $(filter 1,$(EBPF)),$(BPF_SKEL)) bpf/sensor.h

# A CLI built for another ABI major, to test the mismatch message.
$(BUILD)/helpers/daudit-abi-test: $(DAUDIT_SRCS) $(LIB_SRCS) $(USER_HDRS) | deps-build
	@mkdir -p $(BUILD)/helpers
	$(CC) $(USER_CFLAGS) -DDAUDIT_TOOL_ABI_MAJOR=99 -o $@ \
		$(DAUDIT_SRCS) $(LIB_SRCS) $(USER_LDLIBS)

helpers: $(BUILD)/helpers/daudit-abi-test libdaudit | deps-vm
	@$(MAKE) -s -C tests/helpers OUT=$(abspath $(BUILD))/helpers \
		DAUDIT_LIB=$(abspath $(SOLIB))

unit:
	@scripts/deps.sh unit
	@$(MAKE) -s -j2 -C tests/unit OUT=$(abspath $(BUILD))/unit all
	@$(MAKE) -s -C tests/unit OUT=$(abspath $(BUILD))/unit run

# The fleet store against a private PostgreSQL 15 (tests/fleet/run.sh).
fleet-test: userspace
	@scripts/deps.sh fleet
	@tests/fleet/run.sh

# The HTML report in Debian's headless Chromium (tests/report/run.sh).
report-test: userspace
	@scripts/deps.sh report
	@tests/report/run.sh

fuzz:
	@scripts/deps.sh fuzz
	@tests/fuzz/run.sh

vm-test: all helpers
	@scripts/deps.sh vm
	@SUITES="$(SUITES)" KERNELS="$(KERNELS)" tests/vm/run.sh

boot-test:
	@scripts/deps.sh boot
	@tests/boot/run.sh

static:
	@scripts/deps.sh static
	@tests/static/run.sh

dkms-test:
	@scripts/deps.sh dkms
	@tests/dkms/run.sh

check:
	@scripts/deps.sh check
	@tests/run-all.sh

# make check on all six Debian kernels: 6.1 and 6.12, cloud, generic and rt.
check-matrix:
	@scripts/deps.sh matrix
	@DAUDIT_FLAVOURS=all tests/run-all.sh

# Debian's 6.12 with KASAN, lockdep and kmemleak, built once into
# /var/cache/daudit-test (scripts/debug-kernel.sh).  `make check-debug`
# and `make vm-test KERNELS=debug` boot it.
debug-kernel:
	@scripts/deps.sh debugkernel
	@scripts/debug-kernel.sh build

# Every kernel suite on the debug kernel (KASAN, lockdep, kmemleak): hours
# on two CPUs, so not part of make check (docs/testing.md).
check-debug: all helpers
	@scripts/deps.sh vm
	@scripts/debug-kernel.sh path >/dev/null || { echo "check-debug: the debug kernel is not built (make debug-kernel)" >&2; exit 1; }
	@KERNELS=debug VM_WORK=$(abspath $(BUILD))/vm-debug tests/vm/run.sh

demo:
	@scripts/deps.sh demo
	@$(MAKE) -s all helpers
	@tests/vm/run.sh --demo

bench:
	@scripts/deps.sh bench
	@$(MAKE) -s all helpers module-prof
	@tests/vm/run.sh --bench
	@$(MAKE) -s bench-collector

# Collector ingest on the host, one core (docs/performance.md).
# Then ingest into a private PostgreSQL 15 from 1, 3 and 6 instances.
bench-collector: $(BUILD)/bench/collector $(BUILD)/bench/fleet
	@$(BUILD)/bench/collector
	@scripts/deps.sh fleet
	@tests/bench/fleet.sh $(BUILD)/bench/fleet

$(BUILD)/bench/fleet: tests/bench/fleet.c userspace/dauditd/store_pg.c \
		$(LIB_SRCS) $(USER_HDRS) | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Iuserspace/dauditd -o $@ tests/bench/fleet.c \
		userspace/dauditd/store_pg.c $(LIB_SRCS) $(USER_LDLIBS)

$(BUILD)/bench/collector: tests/bench/collector.c tests/unit/synth.h \
		tests/unit/scenario.h $(filter-out %/main.c,$(DAUDITD_SRCS)) \
		$(EBPF_SRCS) $(if $(filter 1,$(EBPF)),$(BPF_SKEL)) \
		$(LIB_SRCS) $(USER_HDRS) | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -Iuserspace/dauditd -Itests/unit -o $@ \
		tests/bench/collector.c $(filter-out %/main.c,$(DAUDITD_SRCS)) \
		$(EBPF_SRCS) $(LIB_SRCS) $(USER_LDLIBS) $(DAUDITD_LDLIBS)

INSTALL_DIRS = "$(DESTDIR)" "$(SBINDIR)" "$(MANDIR)" "$(SYSCONFDIR)" "$(UNITDIR)" \
	"$(LIBDIR)" "$(INCLUDEDIR)" "$(PYTHONDIR)" "$(COMPLETIONDIR)" "$(MODULESLOADDIR)"

install: all
	scripts/install.sh $(INSTALL_DIRS)

# Everything install puts in place but daudit.ko: debian/rules uses it
# for the package daudit (daudit-dkms builds the module on the machine).
install-userspace: userspace
	scripts/install.sh --userspace $(INSTALL_DIRS)

# The module's source where DKMS expects it (DESTDIR honoured).
install-dkms-src:
	rm -rf $(DESTDIR)/usr/src/daudit-$(VERSION)
	mkdir -p $(DESTDIR)/usr/src/daudit-$(VERSION)
	cp -r $(DKMS_SRC) $(DESTDIR)/usr/src/daudit-$(VERSION)/

# Into this machine's /usr/src, whatever DESTDIR says.
dkms-install:
	@$(MAKE) -s install-dkms-src DESTDIR=
	dkms install daudit/$(VERSION)$(if $(KVER), -k $(KVER))

deb:
	@scripts/deps.sh deb
	@scripts/deb.sh

uninstall:
	scripts/install.sh --uninstall $(INSTALL_DIRS)

clean:
	rm -rf $(BUILD) *.o *.ko *.mod *.mod.c .*.cmd modules.order Module.symvers \
		module/*.o module/.*.cmd
