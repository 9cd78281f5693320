#!/bin/sh
# The CUDA part of the build, read from `make -n` (nothing is compiled but a probe and registry.c):
# when nvcc cannot compile with its host compiler, the rest is built without CUDA and the reason
# reaches `parbench list` through the registry; NVCC_CCBIN reaches nvcc as -ccbin; CUDA's home is
# found through symlinks; PTX is built for the newest architecture the toolkit offers. A stand-in
# nvcc covers all of it on any machine; a real nvcc, where there is one, meets a broken host
# compiler too.
. tests/cli_lib.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbcudabuild-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
real_tmp=$(cd -P "$tmp" && pwd)

# dry NAME MAKE_ARGS...: `make -n -B` of a scratch build directory's binary, output in $tmp/NAME.out
# (-B: the kernel object, shared by every build directory, may be up to date).
dry() {
    name=$1
    shift
    make -n -B BUILD="$tmp/$name" CUDA_PROBE_CACHE="$tmp/cache" "$@" "$tmp/$name/parbench" >"$tmp/$name.out" 2>&1
}
has() { grep -q -e "$2" "$tmp/$1.out"; }
check() { # NAME CMD...: ok when CMD succeeds, else fail with the dry run's last lines.
    name=$1
    shift
    if "$@"; then ok "$name"; else fail "$name" "$(tail -n 2 "$tmp/$dryname.out" | cut -c 1-300)"; fi
}
without_cuda() { ! has "$1" 'cuda_kernels' && ! has "$1" 'cuda_backend\.c' && ! has "$1" '-DHAVE_CUDA'; }
cpu_built() { has "$1" ' -c src/backends/cpu/cpu_sgemm\.c'; }
# The registry's compile line, run for real: the reason must be a valid C string in the object.
reason_compiled() { # NAME PATTERN
    line=$(grep -e ' -c src/backends/registry\.c' "$tmp/$1.out" | head -n 1)
    [ -n "$line" ] || return 1
    mkdir -p "$tmp/$1/src/backends" && sh -c "$line" >"$tmp/$1.cc" 2>&1 && grep -q -e "$2" "$tmp/$1/src/backends/registry.o"
}

# A stand-in toolkit, reached through a relative symlink to a symlinked home (as /usr/bin/nvcc ->
# /usr/local/cuda/bin/nvcc, /usr/local/cuda -> cuda-12.x): its nvcc lists architectures, rejects
# the host compiler "g++-13" as nvcc 12.0 rejects gcc 13, and compiles anything else.
mkdir -p "$tmp/toolkit-9.9/bin" "$tmp/toolkit-9.9/include" "$tmp/bin"
cat >"$tmp/toolkit-9.9/bin/nvcc" <<'EOS'
#!/bin/sh
prev=
for a in "$@"; do
    case $a in --list-gpu-arch) echo compute_75; echo compute_90; echo compute_120; echo compute_100; exit 0 ;; esac
    if [ "$prev" = -ccbin ] && [ "$a" = g++-13 ]; then
        echo 'host_config.h(143): error: #error -- unsupported GNU version! gcc versions later than 12 are not supported!' >&2
        exit 1
    fi
    prev=$a
done
exit 0
EOS
chmod +x "$tmp/toolkit-9.9/bin/nvcc"
ln -s toolkit-9.9 "$tmp/cuda"
ln -s ../cuda/bin/nvcc "$tmp/bin/nvcc"
FAKE=$tmp/bin/nvcc

dryname=fake; dry fake UNAME_S=Linux NVCC="$FAKE" NVCC_CCBIN=g++-12
check "a host compiler nvcc accepts: the backend is built" has fake '-DHAVE_CUDA'
check "NVCC_CCBIN reaches nvcc as -ccbin" has fake "nvcc .*-ccbin g++-12 .* -c src/backends/cuda/cuda_kernels\.cu"
check "CUDA's home is found through symlinks" has fake "-isystem $real_tmp/toolkit-9.9/include"
check "PTX for the newest architecture offered (compute_120)" has fake 'arch=compute_120,code=compute_120'
check "and for compute_90, which GPUs between the two need" has fake 'arch=compute_90,code=compute_90'

dryname=fake-broken; dry fake-broken UNAME_S=Linux NVCC="$FAKE" NVCC_CCBIN=g++-13
check "a host compiler nvcc rejects: no CUDA in the build" without_cuda fake-broken
check "the rest is still built" cpu_built fake-broken
check "the registry gets nvcc's reason" has fake-broken '-DPB_CUDA_MISSING_WHY=.*unsupported GNU version'
check "the reason names the fix" has fake-broken '-DPB_CUDA_MISSING_WHY=.*make clean && make NVCC_CCBIN='
check "the reason compiles into the registry" reason_compiled fake-broken 'could not compile a tiny kernel'

nvcc=$(command -v nvcc 2>/dev/null || { test -x /usr/local/cuda/bin/nvcc && echo /usr/local/cuda/bin/nvcc; })
if [ -z "$nvcc" ]; then
    skip "a real nvcc with a missing host compiler" "no nvcc here (on PATH or in /usr/local/cuda/bin)"
else
    dryname=real-broken; dry real-broken NVCC="$nvcc" NVCC_CCBIN=/nonexistent/g++
    check "a real nvcc with a missing host compiler: no CUDA in the build" without_cuda real-broken
    check "the rest is still built" cpu_built real-broken
    check "the reason names the host compiler" has real-broken '-DPB_CUDA_MISSING_WHY=.*(/nonexistent/g++)'
    check "the reason compiles into the registry" reason_compiled real-broken 'nvcc'
fi
finish
