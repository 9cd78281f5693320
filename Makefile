# parbench — plain Makefile for GNU make 3.81 (macOS) and later.
#   make            build ./parbench
#   make run        build and run the standard benchmark
#   make test       build and run the test suite (SANITIZE=1: under ASan + UBSan)
#   make bench      CPU kernels against their references (own vs BLAS, STREAM-style triad)
#   make bench-learn  the steps of docs/LEARN.md (plain loop, thread pool, SIMD, kernels, BLAS)
# Optional backends are detected here; force one off with OPENCL=0, CUDA=0, BLAS=0, METAL=0.
# Another CPU target: NATIVE=-mcpu=NAME (or NATIVE= for the compiler's default) replaces the
# -march/-mcpu=native probe; a cross build also sets HOST_CC, e.g. scripts/arm64-check.sh:
#   make BUILD=build-arm64 CC="clang --target=aarch64-linux-gnu" NATIVE=-mcpu=apple-m1 HOST_CC=cc BLAS=0 OPENCL=0 CUDA=0

VERSION := 0.1.0
.DEFAULT_GOAL := all
UNAME_S := $(shell uname -s)
UNAME_M := $(shell uname -m)
CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif
# Programs the build runs (the kernel embedder) are compiled for this machine, also when CC
# cross-compiles (e.g. CC="clang --target=aarch64-linux-gnu" HOST_CC=cc).
HOST_CC ?= cc

# Native CPU tuning, recorded in every result file. NATIVE=FLAGS on the command line replaces the
# probe: a cross build names its target's CPU (NATIVE=-mcpu=apple-m1) or none (NATIVE=).
ifeq ($(UNAME_S)-$(UNAME_M),Darwin-arm64)
# Apple clang rejects -march=native, and an older one resolves -mcpu=native on a newer chip to
# "generic", weaker than its arm64 macOS default (apple-m1). So ask which CPU -mcpu=native means
# and name it only when it is a concrete one; else no flag. NATIVE_CPU=NAME replaces the question.
# (-\#\#\# is -### for make 3.81, which unescapes it, and for make 4.3+, whose shell does.)
NATIVE_CPU := $(firstword $(shell $(CC) -mcpu=native -\#\#\# -c -x c /dev/null 2>&1 | \
                sed -n 's/.*"-target-cpu" "\([^"]*\)".*/\1/p'))
NATIVE := $(if $(filter-out generic,$(NATIVE_CPU)),-mcpu=$(NATIVE_CPU))
else
# Where the compiler accepts it; a cross compiler rejects both, so it gets none of the host's.
NATIVE := $(shell $(CC) -march=native -E -x c /dev/null >/dev/null 2>&1 && echo -march=native)
ifeq ($(NATIVE),)
NATIVE := $(shell $(CC) -mcpu=native -E -x c /dev/null >/dev/null 2>&1 && echo -mcpu=native)
endif
endif

OPT ?= -O3
WARN := -Wall -Wextra
CSTD := -std=c11
# No implicit fusing of a*b + c into one multiply-add: clang contracts by default, gcc in ISO mode
# does not, and the same source must round alike everywhere. Kernels call fma where they mean one.
FP_FLAGS := -ffp-contract=off
ifeq ($(UNAME_S),Darwin)
PLATFORM_DEFS := -D_DARWIN_C_SOURCE
else
PLATFORM_DEFS := -D_GNU_SOURCE
endif

BUILD := build
ifeq ($(SANITIZE),1)
BUILD := build-san
OPT := -O1 -g
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

CFLAGS_USER := $(CFLAGS)
BASE_CFLAGS := $(CSTD) $(OPT) $(NATIVE) $(FP_FLAGS) $(WARN) $(SAN_FLAGS) $(PLATFORM_DEFS) $(CFLAGS_USER)
DEFS :=
LDLIBS := -lm -lpthread
LDFLAGS_ALL := $(SAN_FLAGS) $(LDFLAGS)
BACKENDS_BUILT := cpu

# ---- sources: the core library (everything but main) ------------------------------------------
LIB_SRC := $(wildcard src/core/*.c src/workloads/*.c src/results/*.c src/report/*.c \
                      src/backends/*.c src/backends/cpu/*.c)
LIB_SRC += $(filter-out src/cli/main.c,$(wildcard src/cli/*.c))
EXTRA_OBJ :=

# ---- optional backends (each section owns its detection; -DHAVE_X reaches only the registry and
# the backend's own folder by convention) --------------------------------------------------------
-include mk/blas.mk
-include mk/opencl.mk
-include mk/cuda.mk
-include mk/metal.mk
-include mk/kernels.mk
-include mk/bench.mk
-include mk/verdicts.mk

ALL_CFLAGS = $(BASE_CFLAGS) $(DEFS)
LIB_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRC)) $(EXTRA_OBJ)
DEPS := $(LIB_OBJ:.o=.d)

.PHONY: all run test bench clean
# Keep intermediate objects (the test harness) between runs.
.SECONDARY:
# ./parbench is the optimised build only: a sanitizer build (SANITIZE=1) stays in build-san/, so a
# later `make run` never times an instrumented binary. The copy is refreshed whenever it differs
# from build/parbench, whichever is newer.
ifeq ($(SANITIZE),1)
all: $(BUILD)/parbench
else
all: parbench
endif

.PHONY: parbench
ifeq ($(SANITIZE),1)
parbench: $(BUILD)/parbench
	@echo "SANITIZE=1 builds $<; ./parbench stays the optimised build"
else
parbench: $(BUILD)/parbench
	@cmp -s $< $@ || { echo "cp $< $@"; cp $< $@; }
endif

$(BUILD)/parbench: $(BUILD)/src/cli/main.o $(BUILD)/libparbench.a
	$(LINK_CC) -o $@ $^ $(LDFLAGS_ALL) $(LDLIBS)

LINK_CC ?= $(CC)

$(BUILD)/libparbench.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

# Build facts recorded in every result file. The user's CFLAGS change the code too, so they are
# recorded (without quotes, so the text stays one C string literal).
CFLAGS_RECORDED = $(strip $(OPT) $(NATIVE) $(FP_FLAGS) $(SAN_FLAGS) $(subst ",,$(subst ',,$(CFLAGS_USER))))
BUILDINFO_DEFS = -DPB_VERSION='"$(VERSION)"' -DPB_CFLAGS='"$(CFLAGS_RECORDED)"' \
                 -DPB_BACKENDS_BUILT='"$(BACKENDS_BUILT)"'
$(BUILD)/src/core/buildinfo.o: ALL_CFLAGS += $(BUILDINFO_DEFS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# ---- tests ---------------------------------------------------------------------------------------
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))

TEST_HARNESS := $(BUILD)/tests/pbtest.o $(BUILD)/tests/pbcase.o
$(BUILD)/tests/%: tests/%.c $(TEST_HARNESS) $(BUILD)/libparbench.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< $(TEST_HARNESS) $(BUILD)/libparbench.a $(LDFLAGS_ALL) $(LDLIBS)

test: $(BUILD)/parbench $(TEST_BIN) $(TEST_EXTRA)
	@PB_BUILD=$(BUILD) PB_SANITIZE=$(SANITIZE) sh tests/run.sh

run: parbench
	./parbench run

clean:
	rm -rf build build-san build-arm64-clang build-arm64-gcc parbench

-include $(DEPS)
-include $(TEST_BIN:=.d)
-include $(TEST_HARNESS:.o=.d)
