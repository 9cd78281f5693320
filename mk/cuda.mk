# The cuda backend: built when nvcc is found (on PATH, else /usr/local/cuda/bin/nvcc) and compiles
# a tiny kernel with its host compiler (mk/cuda_probe.sh).
#   make NVCC=/opt/cuda-12.6/bin/nvcc   another toolkit         make CUDA=0   leave the backend out
#   make NVCC_CCBIN=g++-12              nvcc's host compiler (-ccbin), when it rejects its default
# When the probe fails (gcc 13 with CUDA 12.0 to 12.3, say), everything else is built and
# `parbench list` gives nvcc's error as the reason CUDA is missing (PB_CUDA_MISSING_WHY).
# The kernels are compiled for sm_75 to sm_90 (whichever this nvcc still offers), plus PTX for
# compute_90 and for the newest architecture the toolkit offers, which the driver compiles for
# GPUs with no machine code here: PTX runs on its architecture and newer ones only, so the newest
# alone would leave an sm_100 GPU nothing when the toolkit also offers compute_120. The CUDA
# runtime is linked statically and cuBLAS as a shared library; nothing links the driver library
# (libcuda), so the binary starts on machines without an NVIDIA driver and reports the backend
# unavailable there.
CUDA_NVCC :=
ifneq ($(CUDA),0)
ifeq ($(origin NVCC),undefined)
CUDA_NVCC := $(shell command -v nvcc 2>/dev/null || \
                     { test -x /usr/local/cuda/bin/nvcc && echo /usr/local/cuda/bin/nvcc; })
else
CUDA_NVCC := $(shell command -v $(NVCC) 2>/dev/null)
endif
endif

ifneq ($(CUDA_NVCC),)
CUDA_SM_WANTED := 75 80 86 89 90
CUDA_SM_OFFERED := $(patsubst compute_%,%,$(shell $(CUDA_NVCC) --list-gpu-arch 2>/dev/null))
CUDA_SM := $(or $(filter $(CUDA_SM_WANTED),$(CUDA_SM_OFFERED)),$(CUDA_SM_WANTED))
CUDA_SM_NEWEST := $(shell printf '%s\n' $(CUDA_SM_OFFERED) | grep -E '^[0-9]+$$' | sort -n | tail -n 1)
CUDA_PTX := $(sort $(lastword $(CUDA_SM)) $(CUDA_SM_NEWEST))
CUDA_CCBIN := $(if $(NVCC_CCBIN),-ccbin $(NVCC_CCBIN))
# Where the probe keeps its successes (tests point it elsewhere).
CUDA_PROBE_CACHE ?= build/cuda
CUDA_PROBE := $(shell sh mk/cuda_probe.sh $(CUDA_PROBE_CACHE) $(CUDA_NVCC) $(CUDA_CCBIN) -std=c++17 \
                      -arch=sm_$(firstword $(CUDA_SM)) $(NVCCFLAGS))
ifneq ($(CUDA_PROBE),ok)
# The reason reaches the registry as a C string: no quotes of either kind inside.
CUDA_MISSING_WHY := not built: $(CUDA_NVCC) could not compile a tiny kernel with its host compiler \
    ($(or $(NVCC_CCBIN),its default)): $(CUDA_PROBE). Name one this nvcc supports and rebuild: \
    make clean && make NVCC_CCBIN=g++-12 (a version the toolkit release notes list)
$(BUILD)/src/backends/registry.o: ALL_CFLAGS += \
    -DPB_CUDA_MISSING_WHY='"$(subst ",,$(subst ',,$(strip $(CUDA_MISSING_WHY))))"'
CUDA_NVCC :=
endif
endif

ifneq ($(CUDA_NVCC),)
# CUDA's home: nvcc's folder's parent, through symlinks (/usr/bin/nvcc -> /usr/local/cuda/bin/nvcc,
# /usr/local/cuda -> cuda-12.6). Plain readlink and cd -P, which macOS has too (no readlink -f); the
# case patterns open with "(" so that make's $(shell) sees balanced parentheses.
CUDA_HOME := $(shell f='$(CUDA_NVCC)'; \
    while [ -L "$$f" ]; do \
        l=$$(readlink "$$f"); case $$l in (/*) f=$$l ;; (*) f=$$(dirname "$$f")/$$l ;; esac; \
    done; cd -P "$$(dirname "$$f")/.." && pwd)
CUDA_LIBDIR := $(firstword $(wildcard $(CUDA_HOME)/lib64 $(CUDA_HOME)/lib))
CUDA_COMMA := ,

CUDA_GENCODE := $(foreach sm,$(CUDA_SM),-gencode arch=compute_$(sm),code=sm_$(sm)) \
                $(foreach sm,$(CUDA_PTX),-gencode arch=compute_$(sm),code=compute_$(sm))
# -fmad=false: no implicit multiply-add fusion, as the dialect asks of OpenCL and Metal; kernels
# write PB_FMA where they want one. Fused mandelbrot iterations drift from the reference.
NVCC_FLAGS := -O3 -std=c++17 -fmad=false $(CUDA_CCBIN) -Xcompiler -Wall,-Wextra $(CUDA_GENCODE) $(NVCCFLAGS)

# Device code does not change with SANITIZE, so both builds share the one slow nvcc object, and
# the list of kernel files it includes (mk/kernels.mk) is made beside it.
CUDA_KERNEL_OBJ := build/cuda/cuda_kernels.o
CUDA_KERNEL_LIST := build/cuda/pb_kernels.h

LIB_SRC += $(wildcard src/backends/cuda/*.c)
EXTRA_OBJ += $(CUDA_KERNEL_OBJ)
DEFS += -DHAVE_CUDA
BACKENDS_BUILT += cuda
# cuBLAS only where used (--as-needed), so programs without the backend do not load its 500 MB.
LDLIBS += $(addprefix -L,$(CUDA_LIBDIR)) $(addprefix -Wl$(CUDA_COMMA)-rpath$(CUDA_COMMA),$(CUDA_LIBDIR)) \
          -Wl,--push-state,--as-needed -lcublas -lcublasLt \
          -Wl,--pop-state -lcudart_static -lrt -ldl -lpthread -lstdc++

$(BUILD)/src/backends/cuda/cuda_backend.o: ALL_CFLAGS += -isystem $(CUDA_HOME)/include \
                                                        -DPB_CUDA_MIN_SM=$(firstword $(CUDA_SM))

# Written under a temporary name and renamed, so an interrupted build never leaves a partial object.
$(CUDA_KERNEL_OBJ): src/backends/cuda/cuda_kernels.cu $(CUDA_KERNEL_LIST)
	@mkdir -p $(dir $@)
	$(CUDA_NVCC) $(NVCC_FLAGS) -I$(dir $(CUDA_KERNEL_LIST)) -I. -MD -MP -MT $@ -MF $(@:.o=.d) -c $< -o $@.tmp
	mv -f $@.tmp $@

$(CUDA_KERNEL_LIST): $(wildcard kernels/*.pbk)
	$(pb_kernel_includes)

-include $(CUDA_KERNEL_OBJ:.o=.d)
endif
