#!/usr/bin/env bash
# Checks parbench on a machine with NVIDIA GPUs: checks that the driver can run what the toolkit
# builds, builds, runs the selftest and the standard preset on the cuda and cpu backends, then holds
# own sgemm against cuBLAS and own triad against a device-to-device copy. Result files, a Markdown
# summary and the full log (log.txt) go to DIR.
#
# Usage: scripts/gpu-check.sh [--all-devices] DIR
#   About 5 minutes per GPU on an H100. By default only the first GPU is measured (an 8-GPU server
#   would otherwise take 40 minutes); --all-devices measures each in turn. GPUs are numbered in PCI
#   bus order (CUDA_DEVICE_ORDER=PCI_BUS_ID), the order nvidia-smi uses, so "GPU 3" names the same
#   board in both. Needs bash, make, awk, nvcc and nvidia-smi.
# Environment: NVCC (default: nvcc on PATH, else /usr/local/cuda/bin/nvcc), PARBENCH (default
# ./parbench), MAKE (default make), COPY_BW (where the copy program is built; default
# build/cuda/cuda_copy_bw).
set -u

usage() {
    echo "usage: scripts/gpu-check.sh [--all-devices] DIR   (writes DIR/log.txt, DIR/*.json and DIR/summary.md)" >&2
    exit 2
}
all_devices=0
case ${1:-} in
--all-devices) all_devices=1; shift ;;
-h | --help) usage ;;
esac
if [ $# -ne 1 ] || [ "${1#-}" != "$1" ]; then usage; fi
mkdir -p "$1" || exit 2
dir=$(cd "$1" && pwd)
cd "$(dirname "$0")/.." || exit 2
log=$dir/log.txt
: >"$log"
failed=""
pb=${PARBENCH:-./parbench}
make_cmd=${MAKE:-make}
export CUDA_DEVICE_ORDER=PCI_BUS_ID

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
nvidia-smi >>"$log" 2>&1
"$nvcc" --version >>"$log" 2>&1

# The driver runs programs built by a toolkit of its CUDA version or older. With a newer toolkit
# every CUDA call fails with error 35, which looks like a machine without a GPU: say which it is
# before spending minutes on a build.
driver_cuda=$(nvidia-smi 2>/dev/null | sed -n 's/.*CUDA Version: *\([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n 1)
toolkit_cuda=$("$nvcc" --version 2>/dev/null | sed -n 's/.*release \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n 1)
say "driver supports CUDA ${driver_cuda:-unknown}; toolkit (nvcc) is CUDA ${toolkit_cuda:-unknown}"
# version_lt A B: whether version A (major.minor) is older than B.
version_lt() { awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, "."); split(b, y, "."); exit !(x[1] < y[1] || (x[1] == y[1] && x[2] < y[2])) }'; }
if [ -n "$driver_cuda" ] && [ -n "$toolkit_cuda" ] && version_lt "$driver_cuda" "$toolkit_cuda"; then
    if [ "${driver_cuda%%.*}" != "${toolkit_cuda%%.*}" ]; then
        say "gpu-check: the driver supports CUDA $driver_cuda, this toolkit builds for CUDA $toolkit_cuda:" \
            "programs it builds cannot run here. Update the NVIDIA driver, or build with a CUDA" \
            "${driver_cuda%%.*}.x toolkit (NVCC=/usr/local/cuda-${driver_cuda%%.*}/bin/nvcc scripts/gpu-check.sh DIR)."
        exit 2
    fi
    say "note: the driver (CUDA $driver_cuda) is older than the toolkit (CUDA $toolkit_cuda) within one" \
        "major version: minor-version compatibility usually lets it run; if CUDA calls fail with error" \
        "35 or 222, update the driver"
fi

# The GPUs, in PCI bus order: "index, name, bus id, MIG mode" per line.
gpus=$(nvidia-smi --query-gpu=index,name,pci.bus_id,mig.mode.current --format=csv,noheader 2>/dev/null)
ngpus=$(printf '%s\n' "$gpus" | grep -c .)
say "GPUs (PCI bus order, as CUDA numbers them here):"
printf '%s\n' "$gpus" | sed 's/^/  /' | tee -a "$log"
if printf '%s\n' "$gpus" | grep -q 'Enabled'; then
    say "note: MIG is enabled on at least one GPU; a MIG slice has a fraction of the GPU's SMs and memory"
fi

jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 4)
# A clean build: objects from another machine carry its -march=native.
step clean 60 "$make_cmd" clean || true
step build 300 "$make_cmd" -j"$jobs" NVCC="$nvcc" all || { say "gpu-check: the build failed; see $log"; exit 1; }
step list 60 "$pb" list
if ! "$pb" list 2>&1 | grep -q 'sm_[0-9]'; then
    say "gpu-check: parbench does not list a CUDA device; see the list output above"
    failed="$failed cuda-device"
fi
step selftest 120 "$pb" selftest
# The copy ceiling, built for this machine's GPUs (-arch=native needs CUDA 11.6; older toolkits
# build their default architecture).
copy_bin=${COPY_BW:-build/cuda/cuda_copy_bw}
mkdir -p "$(dirname "$copy_bin")"
say ""
if timeout 120 "$nvcc" -O2 -arch=native -o "$copy_bin" scripts/cuda_copy_bw.cu >>"$log" 2>&1; then
    say "== copy-build: built $copy_bin for the native architecture"
else
    step copy-build 120 "$nvcc" -O2 -o "$copy_bin" scripts/cuda_copy_bw.cu
fi

# measure_gpu INDEX SUFFIX: the standard run, the large sgemm/triad run and the copy ceiling on one
# GPU, made the only one CUDA sees, so each file holds that GPU alone.
measure_gpu() {
    local i=$1 sfx=$2
    say ""
    say "=== GPU $i: $(printf '%s\n' "$gpus" | sed -n "$((i + 1))p")"
    export CUDA_VISIBLE_DEVICES=$i
    step "standard$sfx" 240 "$pb" run --preset standard -b cuda,cpu -o "$dir/standard$sfx.json"
    # Large sizes for the focused comparison: the triad arrays (512 MiB each) dwarf any L2 cache.
    step "focus$sfx" 120 "$pb" run --preset large -w sgemm,triad -b cuda -o "$dir/focus$sfx.json"
    if [ -x "$copy_bin" ]; then step "copy$sfx" 60 "$copy_bin" 512; fi
    unset CUDA_VISIBLE_DEVICES
}

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
meets() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { exit !(a / b >= t) }'; }
# num VALUE UNIT: "1234 GB/s", or "not measured" when the case did not run or failed (see the log).
num() { if [ -n "$1" ]; then printf '%.0f %s' "$1" "$2"; else printf 'not measured'; fi; }
# verdict OWN REFERENCE SHARE TEXT: a target can only be met or missed when both sides were measured.
verdict() {
    if [ -z "$1" ] || [ -z "$2" ] || ! awk -v b="$2" 'BEGIN { exit !(b + 0 > 0) }'; then
        echo "not measured: see log.txt"
    elif meets "$1" "$2" "$3"; then echo "meets the $4 target"
    else echo "BELOW the $4 target"; fi
}

# summarize SUFFIX NAME: the summary table of one GPU's files.
summarize() {
    local sfx=$1 name=$2 focus=$dir/focus$1.json copy own_sgemm blas_sgemm tf32_sgemm own_triad sgemm_n triad_n
    own_sgemm=$(field "$focus" sgemm own value)
    blas_sgemm=$(field "$focus" sgemm cublas value)
    tf32_sgemm=$(field "$focus" sgemm cublas-tf32 value)
    own_triad=$(field "$focus" triad own value)
    sgemm_n=$(field "$focus" sgemm cublas n)
    triad_n=$(field "$focus" triad own n)
    copy=$(sed -n "/^== copy$sfx: /,/^== copy$sfx: exit/p" "$log" | awk '$1 == "d2d_copy_GBps" { v = $2 } END { print v }')
    echo "### $name (parbench --preset large; CUDA-event kernel times, medians)"
    echo ""
    echo "| measure | own kernel | reference | own / reference |"
    echo "|---|---|---|---|"
    echo "| sgemm n=${sgemm_n:-?}, fp32 | $(num "$own_sgemm" GFLOP/s) | cuBLAS fp32 $(num "$blas_sgemm" GFLOP/s) |" \
         "$(pct "$own_sgemm" "$blas_sgemm") ($(verdict "$own_sgemm" "$blas_sgemm" 0.5 50%)) |"
    echo "| sgemm n=${sgemm_n:-?}, TF32 tensor cores (another precision) | - | cuBLAS TF32 $(num "$tf32_sgemm" GFLOP/s) | - |"
    echo "| triad n=${triad_n:-?} | $(num "$own_triad" GB/s) | device-to-device copy $(num "$copy" GB/s) |" \
         "$(pct "$own_triad" "$copy") ($(verdict "$own_triad" "$copy" 0.85 85%)) |"
    echo ""
}

: >"$dir/summary.md"
if [ "$all_devices" -eq 1 ]; then
    i=0
    while [ "$i" -lt "$ngpus" ]; do
        measure_gpu "$i" "-gpu$i"
        summarize "-gpu$i" "GPU $i: $(printf '%s\n' "$gpus" | sed -n "$((i + 1))p" | cut -d, -f2 | sed 's/^ *//')" >>"$dir/summary.md"
        i=$((i + 1))
    done
else
    measure_gpu 0 ""
    summarize "" "$(printf '%s\n' "$gpus" | sed -n 1p | cut -d, -f2 | sed 's/^ *//')" >>"$dir/summary.md"
    [ "$ngpus" -le 1 ] || say "note: measured GPU 0 of $ngpus; scripts/gpu-check.sh --all-devices DIR measures each"
fi
say ""
tee -a "$log" <"$dir/summary.md"
say "Files in $dir: log.txt, standard*.json, focus*.json, summary.md"
if [ -n "$failed" ]; then
    say "gpu-check: FAILED steps:$failed"
    exit 1
fi
say "gpu-check: every step ran"
