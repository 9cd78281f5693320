# macOS: the frameworks the fingerprint needs, and the metal backend (Metal + MPS).
#   make METAL=0   leave the backend out        make METAL=1   build it without probing the SDK
# The backend is one Objective-C file compiled with clang under ARC, plus plain C (metal_source.c;
# the launch plans are kernels/pb_launch.c, in every build).
# By default a one-line probe checks that the SDK has the Metal and MPS headers; a fresh Mac with
# Apple's command-line tools has them. On other systems this file adds nothing.
# The kernels are compiled at run time, not here: without fast math (metal_backend.m) and with
# contraction off by the dialect's #pragma METAL fp contract(off); tests/cli_build_flags.sh checks both.
ifeq ($(UNAME_S),Darwin)
# fingerprint_macos.c: power source (IOPowerSources) and GPU facts (IORegistry).
LDLIBS += -framework IOKit -framework CoreFoundation

# Apple's cc is clang; make's built-in default for OBJC is cc, which elsewhere may not be.
ifeq ($(origin OBJC),default)
OBJC := clang
endif
ifeq ($(origin OBJC),undefined)
OBJC := clang
endif
METAL_FOUND :=
ifeq ($(METAL),1)
METAL_FOUND := 1
else ifneq ($(METAL),0)
METAL_FOUND := $(shell printf '\043import <Metal/Metal.h>\n\043import <MetalPerformanceShaders/MetalPerformanceShaders.h>\n' | \
                 $(OBJC) -x objective-c -fobjc-arc -fsyntax-only - >/dev/null 2>&1 && echo 1)
endif

ifeq ($(METAL_FOUND),1)
METAL_OBJ := $(BUILD)/src/backends/metal/metal_backend.o
LIB_SRC += src/backends/metal/metal_source.c
EXTRA_OBJ += $(METAL_OBJ)
DEFS += -DHAVE_METAL
BACKENDS_BUILT += metal
# CoreGraphics: without it a command-line tool gets no default Metal device (MTLCreateSystemDefaultDevice).
LDLIBS += -framework Metal -framework MetalPerformanceShaders -framework Foundation -framework CoreGraphics

$(BUILD)/%.o: %.m
	@mkdir -p $(dir $@)
	$(OBJC) -x objective-c -fobjc-arc $(ALL_CFLAGS) -MMD -MP -c $< -o $@
endif
endif
