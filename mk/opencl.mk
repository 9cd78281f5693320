# The opencl backend: built when the OpenCL headers and the library are found.
#   make OPENCL=0   leave the backend out        make OPENCL=1   build it without probing
#   make OPENCL_CFLAGS=-I/opt/ocl/include OPENCL_LIBS="-L/opt/ocl/lib -lOpenCL"   another SDK
# A tiny program must compile and link against the headers and the library: on macOS the OpenCL
# framework (1.2, deprecated, still shipped; probed like Metal, so a Mac without it builds without
# the backend), elsewhere <CL/cl.h> and -lOpenCL. A driver (ICD) is only needed at run time, and
# `parbench list` says when none is installed.
OPENCL_FOUND :=
ifeq ($(UNAME_S),Darwin)
OPENCL_CFLAGS ?= -DCL_SILENCE_DEPRECATION
OPENCL_LIBS ?= -framework OpenCL
OPENCL_HEADER := OpenCL/opencl.h
else
OPENCL_CFLAGS ?=
OPENCL_LIBS ?= -lOpenCL
OPENCL_HEADER := CL/cl.h
endif
ifeq ($(OPENCL),1)
OPENCL_FOUND := 1
else ifneq ($(OPENCL),0)
OPENCL_FOUND := $(shell echo 'int main(void) { cl_uint n; return (int)clGetPlatformIDs(0, 0, &n); }' | \
                  $(CC) $(OPENCL_CFLAGS) -DCL_TARGET_OPENCL_VERSION=120 -include $(OPENCL_HEADER) -x c - \
                  -o /dev/null $(LDFLAGS) $(OPENCL_LIBS) >/dev/null 2>&1 && echo 1)
endif

ifeq ($(OPENCL_FOUND),1)
LIB_SRC += $(wildcard src/backends/opencl/*.c)
DEFS += -DHAVE_OPENCL
LDLIBS += $(OPENCL_LIBS)
BACKENDS_BUILT += opencl
$(BUILD)/src/backends/opencl/%.o: ALL_CFLAGS += $(OPENCL_CFLAGS)
endif
