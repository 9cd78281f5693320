#!/bin/sh
# Whether nvcc compiles a tiny kernel with its host compiler, for mk/cuda.mk: prints "ok", or the
# first error nvcc gave, in characters safe inside a C string and a make variable. nvcc rejects a
# host compiler newer than its release supports (gcc 13 with CUDA 12.0 to 12.3), and then the
# build goes on without the backend instead of failing as a whole.
#   sh mk/cuda_probe.sh CACHE_DIR NVCC [NVCC_FLAGS...]      (the flags: -ccbin, -std, -arch, ...)
# A success is cached in CACHE_DIR under a checksum of nvcc (path and file), the flags and the host
# compiler's version line: nvcc takes a second or more and every make asks. A failure is not
# cached, so a fixed setup is found at once.
cache_dir=$1
nvcc=$2
shift 2
host=g++ # nvcc's own default on Linux
prev=
for a in "$@"; do
    [ "$prev" = -ccbin ] && host=$a
    prev=$a
done
key=$({
    printf '%s\n' "$nvcc" "$*"
    ls -lL "$nvcc" 2>/dev/null
    "$host" --version 2>&1 | head -n 1
} | cksum | cut -d ' ' -f 1)
cache=$cache_dir/probe-$key
if [ -f "$cache" ]; then
    cat "$cache"
    exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbnvcc-XXXXXX") || { echo "could not make a temporary directory"; exit 0; }
trap 'rm -rf "$tmp"' EXIT
printf '__global__ void pb_probe(float *x) { x[0] = 1.0f; }\n' >"$tmp/probe.cu"
if "$nvcc" "$@" -c "$tmp/probe.cu" -o "$tmp/probe.o" >"$tmp/log" 2>&1; then
    mkdir -p "$cache_dir" 2>/dev/null && echo ok >"$cache"
    echo ok
    exit 0
fi
line=$(grep -i -e error -e fatal "$tmp/log" | head -n 1)
[ -n "$line" ] || line=$(head -n 1 "$tmp/log")
printf '%s' "${line:-nvcc failed without a message}" | tr -c 'A-Za-z0-9 ._:,;()/+=<>!?-' ' ' | cut -c 1-200 | sed 's/[. ]*$//'
