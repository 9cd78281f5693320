# GPU kernel sources embedded into the binary: tools/embed.c turns kernels/pb_params.h +
# kernels/dialect.h + kernels/*.pbk into $(BUILD)/gen/pb_kernel_sources.c, which defines
# pb_kernel_source[] (declared in kernels/pb_kernel_sources.h). The embedder runs here during the
# build, so it is compiled with HOST_CC, also when CC cross-compiles.

KERNEL_FILES := kernels/pb_params.h kernels/dialect.h $(sort $(wildcard kernels/*.pbk))
EMBED := $(BUILD)/tools/pb_embed

$(EMBED): tools/embed.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(CSTD) -O1 $(WARN) -o $@ $<

$(BUILD)/gen/pb_kernel_sources.c: $(EMBED) $(KERNEL_FILES)
	@mkdir -p $(dir $@)
	$(EMBED) pb_kernel_source $@ $(KERNEL_FILES)

$(BUILD)/gen/pb_kernel_sources.o: $(BUILD)/gen/pb_kernel_sources.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

EXTRA_OBJ += $(BUILD)/gen/pb_kernel_sources.o

# The GPU launch plans (kernels/pb_launch.c): plain C that every GPU backend and the tests use, so
# it is part of the library whichever backends are built.
LIB_SRC += $(wildcard kernels/*.c)
