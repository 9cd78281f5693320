# The opencl backend: built when the OpenCL headers and the ICD loader are found.
#   make OPENCL=0   leave the backend out
#   make OPENCL_CFLAGS=-I/opt/ocl/include OPENCL_LIBS="-L/opt/ocl/lib -lOpenCL"   another SDK
# macOS ships OpenCL 1.2 as a framework (deprecated but present), so there it is always built. On
# Linux a tiny program must compile and link against <CL/cl.h> and -lOpenCL; a driver (ICD) is only
# needed at run time, and `parbench list` says when none is installed.
OPENCL_FOUND :=
ifneq ($(OPENCL),0)
ifeq ($(UNAME_S),Darwin)
OPENCL_FOUND := 1
OPENCL_CFLAGS ?= -DCL_SILENCE_DEPRECATION
OPENCL_LIBS ?= -framework OpenCL
else
OPENCL_CFLAGS ?=
OPENCL_LIBS ?= -lOpenCL
OPENCL_FOUND := $(shell echo 'int main(void) { cl_uint n; return (int)clGetPlatformIDs(0, 0, &n); }' | \
                  $(CC) $(OPENCL_CFLAGS) -DCL_TARGET_OPENCL_VERSION=120 -include CL/cl.h -x c - \
                  -o /dev/null $(LDFLAGS) $(OPENCL_LIBS) >/dev/null 2>&1 && echo 1)
endif
endif

ifeq ($(OPENCL_FOUND),1)
LIB_SRC += $(wildcard src/backends/opencl/*.c)
DEFS += -DHAVE_OPENCL
LDLIBS += $(OPENCL_LIBS)
BACKENDS_BUILT += opencl
$(BUILD)/src/backends/opencl/%.o: ALL_CFLAGS += $(OPENCL_CFLAGS)
endif
