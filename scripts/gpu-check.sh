#!/usr/bin/env bash
# Checks parbench on a machine with an NVIDIA GPU: builds, runs the selftest and the standard preset
# on the cuda and cpu backends, then holds own sgemm against cuBLAS and own triad against a
# device-to-device copy. Result files, a Markdown summary and the full log (log.txt) go to DIR.
# Usage: scripts/gpu-check.sh DIR      About 5 minutes on an H100; needs bash, make, awk, nvcc.
set -u

if [ $# -ne 1 ] || [ "${1#-}" != "$1" ]; then
    echo "usage: scripts/gpu-check.sh DIR   (writes DIR/log.txt, DIR/*.json and DIR/summary.md)" >&2
    exit 2
fi
mkdir -p "$1" || exit 2
dir=$(cd "$1" && pwd)
cd "$(dirname "$0")/.." || exit 2
log=$dir/log.txt
: >"$log"
failed=""

say() { echo "$*" | tee -a "$log"; }
# GNU coreutils' timeout bounds each step; where it is missing (macOS) steps run unbounded.
command -v timeout >/dev/null 2>&1 || timeout() { shift; "$@"; }

# step NAME SECONDS CMD...: runs CMD under a time limit, its output to the terminal and the log.
step() {
    local name=$1 limit=$2 start rc
    shift 2
    say ""
    say "== $name: $* (limit ${limit}s)"
    start=$(date +%s)
    timeout "$limit" "$@" 2>&1 | tee -a "$log"
    rc=${PIPESTATUS[0]}
    say "== $name: exit $rc after $(($(date +%s) - start))s"
    [ "$rc" -eq 0 ] || failed="$failed $name"
    return "$rc"
}

say "parbench gpu-check, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -srm)"
say "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
    say "gpu-check: no NVIDIA GPU here (nvidia-smi is missing or lists no GPU): nothing to check."
    say "Run it on a machine with an NVIDIA GPU, its driver and the CUDA toolkit: scripts/gpu-check.sh DIR"
    exit 2
fi
nvcc=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
if [ ! -x "$nvcc" ]; then
    say "gpu-check: nvcc not found (looked on PATH and at /usr/local/cuda/bin/nvcc);" \
        "install the CUDA toolkit or set NVCC=/path/to/nvcc"
    exit 2
fi
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -n 1)
nvidia-smi >>"$log" 2>&1
"$nvcc" --version >>"$log" 2>&1
say "GPU: $gpu"

jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 4)
# A clean build: objects from another machine carry its -march=native.
step clean 60 make clean || true
step build 300 make -j"$jobs" NVCC="$nvcc" all || { say "gpu-check: the build failed; see $log"; exit 1; }
step list 60 ./parbench list
if ! ./parbench list 2>&1 | grep -q 'sm_[0-9]'; then
    say "gpu-check: parbench does not list a CUDA device; see the list output above"
    failed="$failed cuda-device"
fi
step selftest 120 ./parbench selftest
step standard 240 ./parbench run --preset standard -b cuda,cpu -o "$dir/standard.json"
# Large sizes for the focused comparison: the triad arrays (512 MiB each) dwarf any L2 cache.
step focus 120 ./parbench run --preset large -w sgemm,triad -b cuda -o "$dir/focus.json"
step copy-build 120 "$nvcc" -O2 -o build/cuda/cuda_copy_bw scripts/cuda_copy_bw.cu
step copy 60 build/cuda/cuda_copy_bw 512

# field FILE WORKLOAD IMPL KEY: from the ok cuda result with that workload and impl, the value of
# KEY ("value" is the rate, "n" the size). The result file has one key per line (docs/SCHEMA.md).
field() {
    [ -f "$1" ] || return 0
    awk -v want_w="$2" -v want_i="$3" -v key="\"$4\":" '
        function val(line) { sub(/^[^:]*: "?/, "", line); sub(/"?,?$/, "", line); return line }
        /"workload":/ { w = val($0); b = ""; i = ""; s = ""; n = "" }
        /"backend":/  { b = val($0) }
        /"impl":/     { i = val($0) }
        /"n":/        { n = val($0) }
        /"status":/   { s = val($0) }
        /"value":/    { if (w == want_w && b == "cuda" && i == want_i && s == "ok") {
                            print (key == "\"n\":" ? n : val($0)); exit } }' "$1"
}
pct() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.0f%%", 100 * a / b }'
}
meets() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { exit !(a != "" && b != "" && b + 0 > 0 && a / b >= t) }'; }
# num VALUE UNIT: "1234 GB/s", or "n/a" when the case did not run or failed (see the log).
num() { if [ -n "$1" ]; then printf '%.0f %s' "$1" "$2"; else printf 'n/a'; fi; }

own_sgemm=$(field "$dir/focus.json" sgemm own value)
blas_sgemm=$(field "$dir/focus.json" sgemm cublas value)
tf32_sgemm=$(field "$dir/focus.json" sgemm cublas-tf32 value)
own_triad=$(field "$dir/focus.json" triad own value)
sgemm_n=$(field "$dir/focus.json" sgemm cublas n)
triad_n=$(field "$dir/focus.json" triad own n)
copy=$(grep '^d2d_copy_GBps ' "$log" | tail -n 1 | awk '{ print $2 }')
verdict() { meets "$1" "$2" "$3" && echo "meets the $4 target" || echo "BELOW the $4 target"; }

sgemm_row="| sgemm n=${sgemm_n:-?}, fp32 | $(num "$own_sgemm" GFLOP/s) | cuBLAS fp32 $(num "$blas_sgemm" GFLOP/s)"
sgemm_row="$sgemm_row | $(pct "$own_sgemm" "$blas_sgemm") ($(verdict "$own_sgemm" "$blas_sgemm" 0.5 50%)) |"
tf32_row="| sgemm n=${sgemm_n:-?}, TF32 tensor cores (another precision) | - | cuBLAS TF32 $(num "$tf32_sgemm" GFLOP/s) | - |"
triad_row="| triad n=${triad_n:-?} | $(num "$own_triad" GB/s) | device-to-device copy $(num "$copy" GB/s)"
triad_row="$triad_row | $(pct "$own_triad" "$copy") ($(verdict "$own_triad" "$copy" 0.85 85%)) |"
{
    echo "### $gpu (parbench --preset large; CUDA-event kernel times, medians)"
    echo ""
    echo "| measure | own kernel | reference | own / reference |"
    echo "|---|---|---|---|"
    echo "$sgemm_row"
    echo "$tf32_row"
    echo "$triad_row"
} >"$dir/summary.md"
say ""
tee -a "$log" <"$dir/summary.md"
say ""
say "Files in $dir: log.txt, standard.json, focus.json, summary.md"
if [ -n "$failed" ]; then
    say "gpu-check: FAILED steps:$failed"
    exit 1
fi
say "gpu-check: every step ran"
