# The cuda backend: built when nvcc is found (on PATH, else /usr/local/cuda/bin/nvcc).
#   make NVCC=/opt/cuda-12.6/bin/nvcc   another toolkit         make CUDA=0   leave the backend out
# The kernels are compiled for sm_75 to sm_90 (whichever this nvcc still offers) plus compute_90
# PTX, which the driver compiles for newer GPUs. The CUDA runtime is linked statically and cuBLAS
# as a shared library; nothing links the driver library (libcuda), so the binary starts on
# machines without an NVIDIA driver and reports the backend unavailable there.
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
CUDA_HOME := $(patsubst %/,%,$(dir $(patsubst %/,%,$(dir $(CUDA_NVCC)))))
CUDA_LIBDIR := $(firstword $(wildcard $(CUDA_HOME)/lib64 $(CUDA_HOME)/lib))
CUDA_COMMA := ,

CUDA_SM_WANTED := 75 80 86 89 90
CUDA_SM_OFFERED := $(patsubst compute_%,%,$(shell $(CUDA_NVCC) --list-gpu-arch 2>/dev/null))
CUDA_SM := $(or $(filter $(CUDA_SM_WANTED),$(CUDA_SM_OFFERED)),$(CUDA_SM_WANTED))
CUDA_PTX := 90
CUDA_GENCODE := $(foreach sm,$(CUDA_SM),-gencode arch=compute_$(sm),code=sm_$(sm)) \
                -gencode arch=compute_$(CUDA_PTX),code=compute_$(CUDA_PTX)
# -fmad=false: no implicit multiply-add fusion, as the dialect asks of OpenCL and Metal; kernels
# write PB_FMA where they want one. Fused mandelbrot iterations drift from the reference.
NVCC_FLAGS := -O3 -std=c++17 -fmad=false -Xcompiler -Wall,-Wextra $(CUDA_GENCODE) $(NVCCFLAGS)

# Device code does not change with SANITIZE, so both builds share the one slow nvcc object, and
# the list of kernel files it includes (mk/kernels.mk) is made beside it.
CUDA_KERNEL_OBJ := build/cuda/cuda_kernels.o
CUDA_KERNEL_LIST := build/cuda/pb_kernels.h

LIB_SRC += src/backends/cuda/cuda_backend.c
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
