# The blas backend (src/backends/blas): found at build time, never required. macOS: Accelerate.
# Elsewhere: OpenBLAS or another CBLAS through pkg-config, else a test link with -lopenblas or
# -lcblas. BLAS=0 leaves it out; `parbench list` then says how to add one.
BLAS_DEFS :=
BLAS_LIBS :=
ifneq ($(BLAS),0)
ifeq ($(UNAME_S),Darwin)
BLAS_DEFS := -DPB_BLAS_ACCELERATE -DPB_BLAS_PROVIDER='"Accelerate"'
BLAS_LIBS := -framework Accelerate
else
BLAS_PC := $(firstword $(foreach m,openblas cblas,$(shell pkg-config --exists $(m) 2>/dev/null && echo $(m))))
ifneq ($(BLAS_PC),)
BLAS_DEFS := $(shell pkg-config --cflags $(BLAS_PC)) \
             -DPB_BLAS_PROVIDER='"$(BLAS_PC) $(shell pkg-config --modversion $(BLAS_PC))"'
BLAS_LIBS := $(shell pkg-config --libs $(BLAS_PC))
ifeq ($(BLAS_PC),openblas)
BLAS_DEFS += -DPB_BLAS_OPENBLAS
endif
else
BLAS_PROBE = printf '\#include <cblas.h>\nint main(void){float a=1,b=1,c=0;cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,1,1,1,1.0f,&a,1,&b,1,0.0f,&c,1);return (int)c-1;}\n' | \
             $(CC) -x c - -o /dev/null $(1) >/dev/null 2>&1 && echo $(1)
BLAS_LIBS := $(firstword $(shell $(call BLAS_PROBE,-lopenblas)) $(shell $(call BLAS_PROBE,-lcblas)))
ifeq ($(BLAS_LIBS),-lopenblas)
BLAS_DEFS := -DPB_BLAS_OPENBLAS -DPB_BLAS_PROVIDER='"openblas"'
else ifeq ($(BLAS_LIBS),-lcblas)
BLAS_DEFS := -DPB_BLAS_PROVIDER='"cblas"'
endif
endif
endif
endif

ifneq ($(BLAS_LIBS),)
DEFS += -DHAVE_BLAS $(BLAS_DEFS)
LDLIBS += $(BLAS_LIBS)
LIB_SRC += $(wildcard src/backends/blas/*.c)
BACKENDS_BUILT += blas
endif
