# Makefile - build, test, install and demo udockerc (see README.md and docs/HACKING.md).
# One Makefile, wildcards per folder; `V=1` shows full command lines.

PREFIX  ?= /usr/local
BUILD   ?= build
Q       := $(if $(V),,@)

PKGS    := talloc libarchive jansson libcrypto libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl, libarchive and libcrypto are bound at first use (common/lazy*.c), not linked: the
# binary needs only talloc, jansson and libc to start. Their sonames come from the build host.
PKG_LIBS   := $(shell pkg-config --libs talloc jansson 2>/dev/null) -ldl -lpthread
# Unit tests build their inputs with the libraries directly as well.
TEST_LIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -ldl -lpthread
soname = $(shell objdump -p "$$(pkg-config --variable=libdir $(1))/$(2)" 2>/dev/null | \
	awk '/SONAME/ { print $$2 }')
CURL_SONAME    := $(call soname,libcurl,libcurl.so)
ARCHIVE_SONAME := $(call soname,libarchive,libarchive.so)
CRYPTO_SONAME  := $(call soname,libcrypto,libcrypto.so)
LAZY_DEFS := $(if $(CURL_SONAME),-DLAZY_CURL_SONAME='"$(CURL_SONAME)"') \
	$(if $(ARCHIVE_SONAME),-DLAZY_ARCHIVE_SONAME='"$(ARCHIVE_SONAME)"') \
	$(if $(CRYPTO_SONAME),-DLAZY_CRYPTO_SONAME='"$(CRYPTO_SONAME)"')

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -I. $(WARN) $(PKG_CFLAGS) $(LAZY_DEFS) -MMD -MP
OPT_build     := -O2 -g -fvisibility=hidden
OPT_build-san := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                 -fno-sanitize-recover=undefined -fvisibility=hidden
LDOPT_build-san := -fsanitize=address,undefined

LIB_SRCS  := $(sort $(wildcard common/*.c pull/*.c ptrace/*.c fakeld/*.c))
CLI_SRCS  := $(sort $(wildcard cli/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
HELPER_SRCS := $(sort $(wildcard tests/unit/helper_*.c))
# The preload shim (preload/, docs/design/preload.md): loaded into guest processes, so plain
# -O2 -fPIC in every build directory (never a sanitizer), only libc (dlsym at GLIBC_2.2.5: libc
# from glibc 2.34, libdl.so.2 preloaded first before), old symbol versions.
SHIM_SRCS := $(sort $(wildcard preload/*.c)) $(sort $(wildcard common/pm_*.c)) common/ld_opts.c
SHIM_CFLAGS := -std=gnu11 -D_GNU_SOURCE -I. $(WARN) -O2 -g -fPIC -fvisibility=hidden \
               -fno-delete-null-pointer-checks -Wno-nonnull-compare -Wno-nonnull \
               -U_FORTIFY_SOURCE -MMD -MP
SHIM_LDFLAGS := -shared -Wl,-z,defs -Wl,--no-as-needed
MUSL_CC ?= $(shell command -v musl-gcc 2>/dev/null)
SHIM_LIBS = $(1)/lib/udockerc/libudockerc-preload.so \
            $(if $(MUSL_CC),$(1)/lib/udockerc/libudockerc-preload-musl.so)

objs = $(patsubst %.c,$(1)/%.o,$(2))

.PHONY: all san tools check check-unit check-e2e demo bench install deps lint clean

all: $(BUILD)/udockerc $(call SHIM_LIBS,$(BUILD))

# ---- per-build-directory rules (build/ and build-san/) -------------------------------
define BUILD_RULES
$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	@$(if $(V),,echo "  CC      $$@")
	$(Q)$(CC) $(BASE_CFLAGS) $(OPT_$(1)) $(CFLAGS) -c -o $$@ $$<

$(1)/libudockerc.a: $(call objs,$(1),$(LIB_SRCS))
	@$(if $(V),,echo "  AR      $$@")
	$(Q)rm -f $$@ && $(AR) rcs $$@ $$^

$(1)/udockerc: $(call objs,$(1),$(CLI_SRCS)) $(1)/libudockerc.a
	@$(if $(V),,echo "  LD      $$@")
	$(Q)$(CC) $(LDOPT_$(1)) $(LDFLAGS) -o $$@ $$^ $(PKG_LIBS)

$(1)/shim/%.o: %.c
	@mkdir -p $$(dir $$@)
	@$(if $(V),,echo "  CC      $$@")
	$(Q)$(CC) $(SHIM_CFLAGS) -c -o $$@ $$<

$(1)/shim-musl/%.o: %.c
	@mkdir -p $$(dir $$@)
	@$(if $(V),,echo "  MUSLCC  $$@")
	$(Q)$(MUSL_CC) $(SHIM_CFLAGS) -c -o $$@ $$<

$(1)/lib/udockerc/libudockerc-preload.so: $(call objs,$(1)/shim,$(SHIM_SRCS))
	@mkdir -p $$(dir $$@)
	@$(if $(V),,echo "  LD      $$@")
	$(Q)$(CC) $(SHIM_LDFLAGS) -o $$@ $$^

$(1)/lib/udockerc/libudockerc-preload-musl.so: $(call objs,$(1)/shim-musl,$(SHIM_SRCS))
	@mkdir -p $$(dir $$@)
	@$(if $(V),,echo "  LD      $$@")
	$(Q)$(MUSL_CC) $(SHIM_LDFLAGS) -o $$@ $$^

# Test tools (tests/tools/*.c): standalone programs on libc alone, for the bats suites.
$(1)/tests/%: $(1)/tests/tools/%.o
	@$(if $(V),,echo "  LD      $$@")
	$(Q)$(CC) $(LDOPT_$(1)) $(LDFLAGS) -o $$@ $$^

$(1)/tests/%: $(1)/tests/unit/%.o $(call objs,$(1),$(HELPER_SRCS)) $(1)/libudockerc.a
	@$(if $(V),,echo "  LD      $$@")
	$(Q)$(CC) $(LDOPT_$(1)) $(LDFLAGS) -o $$@ $$^ $(TEST_LIBS)
endef
$(eval $(call BUILD_RULES,build))
$(eval $(call BUILD_RULES,build-san))

UNIT_BINS := $(patsubst tests/unit/%.c,build-san/tests/%,$(UNIT_SRCS))
TOOL_SRCS := $(sort $(wildcard tests/tools/*.c))
TOOL_BINS := $(patsubst tests/tools/%.c,build-san/tests/%,$(TOOL_SRCS))
.SECONDARY:

san: build-san/udockerc $(call SHIM_LIBS,build-san) $(UNIT_BINS) $(TOOL_BINS)

# tools BUILD=DIR: the test tools of one build directory (tests/run-all.sh builds them).
tools: $(patsubst tests/tools/%.c,$(BUILD)/tests/%,$(TOOL_SRCS))

# ---- tests -------------------------------------------------------------------------
# `make check` runs every test: C unit tests and the bats end-to-end suites, both under
# AddressSanitizer/UBSan, as the invoking user and (when root) again as an unprivileged one.
# deps first, then a sub-make: pkg-config flags are read only once the -dev packages exist.
check: deps
	$(Q)$(MAKE) --no-print-directory san
	$(Q)tests/run-all.sh

check-unit: deps
	$(Q)$(MAKE) --no-print-directory san
	$(Q)tests/run-all.sh unit

check-e2e: deps
	$(Q)$(MAKE) --no-print-directory san
	$(Q)tests/run-all.sh e2e

# ---- demo, install, deps, lint ------------------------------------------------------
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/demo.sh $(BUILD)/udockerc

# Benchmarks (bench/): speed is measured there, never in tests.
# BENCH=quick|full: rounds of bench/run.sh (quick: 3 and 10, full: 10 and 40).
BENCH ?= quick
bench:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bench/run.sh $(BENCH) $(BUILD)/udockerc
	$(Q)bench/pull-create.sh $(BUILD)/udockerc

install: $(BUILD)/udockerc $(call SHIM_LIBS,$(BUILD))
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/udockerc
	install -m 0755 $(BUILD)/udockerc $(DESTDIR)$(PREFIX)/bin/udockerc
	install -m 0644 $(call SHIM_LIBS,$(BUILD)) $(DESTDIR)$(PREFIX)/lib/udockerc/

deps:
	$(Q)scripts/deps.sh

lint:
	$(Q)scripts/lint.sh

clean:
	rm -rf build build-san

-include $(shell find build build-san -name '*.d' 2>/dev/null)
