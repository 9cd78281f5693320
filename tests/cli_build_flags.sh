#!/bin/sh
# The build's flags on every platform, read from `make -n` with the platform forced (UNAME_S,
# UNAME_M) and the compiler replaced by a stand-in where a probe asks it something: no FMA
# contraction on any compile line (C, Objective-C, CUDA; Metal and OpenCL in the kernel source),
# the native-CPU flag on Apple silicon only when the compiler names the CPU, the OpenCL framework
# probed on macOS, and a cross build that keeps the host's flags to itself.
. tests/cli_lib.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbflags-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# dry NAME MAKE_ARGS...: `make -n` of a scratch build directory's binary (./parbench may already be
# up to date), output in $tmp/NAME.out.
dry() {
    name=$1
    shift
    make -n BUILD="$tmp/$name" "$@" "$tmp/$name/parbench" >"$tmp/$name.out" 2>&1
}
# compile_lines NAME: the lines of $tmp/NAME.out that compile a C or Objective-C source file.
compile_lines() { grep -E ' -c [^ ]+\.(c|m)( |$)' "$tmp/$1.out"; }
# all_compiles_have NAME WORD: every compile line has WORD (and there are compile lines at all).
all_compiles_have() {
    n=$(compile_lines "$1" | wc -l)
    [ "$n" -gt 0 ] || { echo "no compile lines: $(tail -n 3 "$tmp/$1.out")"; return 1; }
    missing=$(compile_lines "$1" | grep -v -e " $2 " | head -n 1)
    [ -z "$missing" ] || { echo "a line without $2: $missing"; return 1; }
}
check() { # NAME CMD...: ok when CMD succeeds, else fail with its output.
    name=$1
    shift
    if why=$("$@" 2>&1); then ok "$name"; else fail "$name" "$why"; fi
}

# A stand-in compiler: -### prints a clang-style job line naming $FAKE_CPU (unset: none); any
# other call fails, unless FAKE_OK=1, so a probe finds what the test asks for.
cat >"$tmp/fakecc" <<'EOF'
#!/bin/sh
for a in "$@"; do
    if [ "$a" = "-###" ]; then
        echo ' "/usr/bin/clang" "-cc1" "-triple" "arm64-apple-macosx14.0.0" "-emit-obj"' \
            ${FAKE_CPU:+"\"-target-cpu\" \"$FAKE_CPU\""} '"-x" "c" "/dev/null"' >&2
        exit 0
    fi
done
[ "${FAKE_OK:-0}" = 1 ]
EOF
chmod +x "$tmp/fakecc"
FAKE=$tmp/fakecc
export FAKE_CPU FAKE_OK

# 1. -ffp-contract=off reaches every compile line, kernels included, on Linux and on macOS (both
# architectures, with the Metal and OpenCL backends forced in), and is recorded in the result file.
dry linux UNAME_S=Linux UNAME_M=x86_64 CUDA=0 OPENCL=1
check "Linux: every C compile line has -ffp-contract=off" all_compiles_have linux -ffp-contract=off
check "Linux: the CPU kernels are compiled with -ffp-contract=off" \
    sh -c "grep -E -- '-ffp-contract=off.* -c src/backends/cpu/cpu_sgemm\.c' '$tmp/linux.out'"
for m in arm64 x86_64; do
    dry "darwin-$m" UNAME_S=Darwin UNAME_M="$m" CC="$FAKE" CUDA=0 METAL=1 OPENCL=1
    check "Darwin $m: every C and Objective-C compile line has -ffp-contract=off" \
        all_compiles_have "darwin-$m" -ffp-contract=off
done
check "Darwin: the Metal host file is compiled with -ffp-contract=off" \
    sh -c "grep -E -- '-ffp-contract=off.* -c src/backends/metal/metal_backend\.m' '$tmp/darwin-arm64.out'"
check "the recorded CFLAGS name -ffp-contract=off" \
    sh -c "grep -E -- '-DPB_CFLAGS=.*-ffp-contract=off' '$tmp/linux.out'"
# CUDA: any nvcc will do for `make -n` (true stands in); no implicit fused multiply-add. -B, since
# the kernel object (shared by every build directory) may be up to date.
dry cuda -B UNAME_S=Linux NVCC=true
check "nvcc compiles the kernels with -fmad=false" sh -c "grep -E -- '-fmad=false.* -c src/backends/cuda/cuda_kernels\.cu' '$tmp/cuda.out'"
# Metal and OpenCL compile the kernels at run time: the source itself says no contraction, and the
# Metal backend asks for exact (non-fast) math.
check "the kernel dialect turns contraction off for OpenCL and Metal" \
    sh -c "grep -q '^#pragma OPENCL FP_CONTRACT OFF' kernels/dialect.h && grep -q '^#pragma METAL fp contract(off)' kernels/dialect.h"
check "the Metal backend compiles with safe (not fast) math" \
    sh -c "grep -q 'MTLMathModeSafe' src/backends/metal/metal_backend.m && grep -q 'fastMathEnabled = NO' src/backends/metal/metal_backend.m"

# 2. Apple silicon: -mcpu=NAME only when the compiler resolves -mcpu=native to a concrete CPU.
FAKE_CPU=apple-m3 dry m3 UNAME_S=Darwin UNAME_M=arm64 CC="$FAKE" CUDA=0 METAL=0
check "Darwin arm64: a named CPU becomes -mcpu=apple-m3" all_compiles_have m3 -mcpu=apple-m3
check "Darwin arm64: the CPU used is recorded" sh -c "grep -q -- '-DPB_CFLAGS=.*-mcpu=apple-m3' '$tmp/m3.out'"
for cpu in generic ""; do
    FAKE_CPU=$cpu dry generic UNAME_S=Darwin UNAME_M=arm64 CC="$FAKE" CUDA=0 METAL=0
    if compile_lines generic | grep -q -e '-mcpu=' -e '-march='; then
        fail "Darwin arm64: no CPU flag when -mcpu=native means '${cpu:-nothing}'" "$(compile_lines generic | head -n 1)"
    else
        ok "Darwin arm64: no CPU flag when -mcpu=native means '${cpu:-nothing}'"
    fi
done
FAKE_CPU=generic dry override UNAME_S=Darwin UNAME_M=arm64 CC="$FAKE" CUDA=0 METAL=0 NATIVE_CPU=apple-m2
check "Darwin arm64: NATIVE_CPU=apple-m2 replaces the probe" all_compiles_have override -mcpu=apple-m2
dry native-cmdline UNAME_S=Linux CUDA=0 NATIVE=-mcpu=apple-m1
check "NATIVE=-mcpu=apple-m1 on the command line replaces the probe" all_compiles_have native-cmdline -mcpu=apple-m1

# 3. OpenCL on macOS is probed like Metal: absent when the framework does not link, present when it
# does or when forced, absent when turned off.
opencl_built() { grep -q -e '-DHAVE_OPENCL' "$tmp/$1.out" && grep -q -e '-framework OpenCL' "$tmp/$1.out"; }
opencl_absent() { ! grep -q -e 'HAVE_OPENCL' -e 'framework OpenCL' -e 'opencl_backend' "$tmp/$1.out"; }
FAKE_OK=0 dry ocl-none UNAME_S=Darwin UNAME_M=arm64 CC="$FAKE" CUDA=0 METAL=0
check "Darwin: no OpenCL framework, no opencl backend" opencl_absent ocl-none
FAKE_OK=1 dry ocl-found UNAME_S=Darwin UNAME_M=arm64 CC="$FAKE" CUDA=0 METAL=0
check "Darwin: the OpenCL framework links, the backend is built" opencl_built ocl-found
FAKE_OK=0 dry ocl-forced UNAME_S=Darwin UNAME_M=arm64 CC="$FAKE" CUDA=0 METAL=0 OPENCL=1
check "Darwin: OPENCL=1 builds it without probing" opencl_built ocl-forced
FAKE_OK=1 dry ocl-off UNAME_S=Darwin UNAME_M=arm64 CC="$FAKE" CUDA=0 METAL=0 OPENCL=0
check "Darwin: OPENCL=0 leaves it out" opencl_absent ocl-off

# 4. Cross builds: the build's own tools are compiled by HOST_CC, the code by CC; a cross compiler
# gets none of this machine's -march=native.
dry cross UNAME_S=Linux CC="$FAKE" HOST_CC=host-cc-here CUDA=0 OPENCL=0 BLAS=0
check "the kernel embedder is built with HOST_CC" sh -c "grep -E '^host-cc-here .*tools/embed\.c' '$tmp/cross.out'"
check "the kernels are built with CC" sh -c "grep -E '^$FAKE .* -c src/backends/cpu/cpu_sgemm\.c' '$tmp/cross.out'"
for cc in "clang --target=aarch64-linux-gnu" aarch64-linux-gnu-gcc; do
    if ! command -v "${cc%% *}" >/dev/null 2>&1; then
        skip "a cross build with $cc gets no native flag" "${cc%% *} is not installed (scripts/arm64-check.sh installs it)"
        continue
    fi
    dry cross-real UNAME_S=Linux CC="$cc" CUDA=0 OPENCL=0 BLAS=0
    if ! compile_lines cross-real | grep -q .; then
        fail "a cross build with $cc gets no native flag" "no compile lines: $(tail -n 3 "$tmp/cross-real.out")"
    elif compile_lines cross-real | grep -q -e '=native'; then
        fail "a cross build with $cc gets no native flag" "$(compile_lines cross-real | head -n 1)"
    else
        ok "a cross build with $cc gets no native flag"
    fi
done
finish
