#!/bin/sh
# Golden files of `parbench compare`: fixed result files in tests/golden/ (box-gpu.json, a Linux
# box with an NVIDIA GPU; laptop-nogpu.json, a laptop with none, whose BLAS cases are too noisy to
# judge; laptop-quick.json, the laptop at the quick preset) and the exact output expected from
# them beside them (*.txt, *.md). The text must fit 80 columns unless told otherwise.
#
# After a deliberate change to the output, regenerate the expected files and review the diff:
#   make && PB_GOLDEN_UPDATE=1 sh tests/cli_golden.sh && git diff tests/golden/
. tests/cli_lib.sh
D=tests/golden
T=$(mktemp -d "${TMPDIR:-/tmp}/pbcli-golden-XXXXXX")
trap 'rm -rf "$T"' EXIT
unset COLUMNS NO_COLOR

# golden NAME EXPECTED -- ARGS...: `parbench ARGS` must print exactly the file $D/EXPECTED.
golden() {
    name=$1; expected=$D/$2; shift 3
    "$PB_BIN" "$@" >"$T/out" 2>&1; rc=$?
    if [ "$rc" -ne 0 ]; then fail "$name" "exit $rc: $(head -3 "$T/out")"; return; fi
    if [ -n "${PB_GOLDEN_UPDATE:-}" ]; then cp "$T/out" "$expected"; ok "$name (updated $expected)"; return; fi
    if diff -u "$expected" "$T/out" >"$T/diff"; then ok "$name"
    else fail "$name" "output differs from $expected (PB_GOLDEN_UPDATE=1 regenerates it):
$(head -40 "$T/diff")"; fi
}

# fits NAME WIDTH FILE: no line of FILE is wider than WIDTH characters.
fits() {
    widest=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$3")
    if [ "$widest" -le "$2" ]; then ok "$1"; else fail "$1" "a line of $widest columns, wanted at most $2"; fi
}

golden text_80 nogpu-vs-gpu.txt -- compare "$D/box-gpu.json" "$D/laptop-nogpu.json"
fits text_80_fits 80 "$D/nogpu-vs-gpu.txt"
golden wide nogpu-vs-gpu-wide.txt -- compare "$D/box-gpu.json" "$D/laptop-nogpu.json" --wide
golden markdown nogpu-vs-gpu.md -- compare "$D/box-gpu.json" "$D/laptop-nogpu.json" --format md
golden gpu_side nogpu-vs-gpu-reversed.txt -- compare "$D/laptop-nogpu.json" "$D/box-gpu.json"
fits gpu_side_fits 80 "$D/nogpu-vs-gpu-reversed.txt"

# The answer comes before any table, and says what the verdict rules say.
first_table=$(grep -n '^workload' "$D/nogpu-vs-gpu.txt" | head -1 | cut -d: -f1)
answer=$(grep -n '^B is faster on one core; slower on all cores; too noisy to say' "$D/nogpu-vs-gpu.txt" | cut -d: -f1)
if [ -n "$answer" ] && [ -n "$first_table" ] && [ "$answer" -lt "$first_table" ]; then ok answer_first
else fail answer_first "no answer line before the first table"; fi
expect too_noisy 0 'CPU library +too noisy to say: 1\.01x faster, 0\.92x to 1\.11x' -- \
    "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-nogpu.json"
expect no_gpu 0 "^B has no GPU: A's 4 GPU cases are not compared\." -- \
    "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-nogpu.json"
expect no_gpu_a 0 "^A has no GPU: B's 4 GPU cases are not compared\." -- \
    "$PB_BIN" compare "$D/laptop-nogpu.json" "$D/box-gpu.json"
if grep -q 'only in A: .* gpu' "$D/nogpu-vs-gpu.txt"; then fail no_gpu_rows "GPU cases listed as unmatched"
else ok no_gpu_rows; fi
sed '/^   "opencl"$/d; s/^   "blas",$/   "blas"/' "$D/laptop-nogpu.json" >"$T/no-backend.json"
expect no_gpu_backend 0 "B's parbench was built without a GPU backend \(built: cpu blas" -- \
    "$PB_BIN" compare "$D/box-gpu.json" "$T/no-backend.json"
# One convention for ratios: "1.56x slower" with its interval in times slower.
expect slower_interval 0 'cpu-all +16/8 +1\.56x slower +1\.48x to 1\.64x +slower' -- \
    "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-nogpu.json"
if grep -q '\[[0-9.]*, [0-9.]*\]' "$D/nogpu-vs-gpu.txt" "$D/nogpu-vs-gpu-wide.txt"; then
    fail one_convention "an interval written as speed ratios [lo, hi]"
else ok one_convention; fi
# The unstable warning shows the spread the flag judges, and names each case once.
expect unstable_spread 0 'sgemm +lib-cpu 1 thread \(A 7%, B 10%\), sgemm lib-cpu 16 threads' -- \
    env COLUMNS=400 "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-nogpu.json"
expect disturbed_once 0 'sgemm lib-cpu 1 thread \(3 of 6 rounds\), sgemm lib-cpu 8 threads \(3 of 6 rounds\)' -- \
    env COLUMNS=400 "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-nogpu.json"

# Widths: COLUMNS narrower and wider; --wide and Markdown keep every column.
COLUMNS=60 "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-nogpu.json" >"$T/60.txt"
fits columns_60 60 "$T/60.txt"
expect columns_200 0 '^workload +size +precision +role +backend +threads +A +B +B vs A +95% interval +p +verdict$' -- \
    env COLUMNS=200 "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-nogpu.json"
expect columns_bad 0 '^-{80}$' -- env COLUMNS=abc "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-nogpu.json"
if tr '\n' ' ' <"$D/nogpu-vs-gpu.txt" | grep -q 'Left out to fit: precision, backend, A, B and p (--wide shows every column)'
then ok left_out; else fail left_out "the text does not say which columns it left out"; fi
expect wide_sizes 0 '^sgemm +n=2048 +fp32 +cpu-1 +cpu +1 ' -- \
    "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-nogpu.json" --wide
expect md_every_column 0 '^\| workload \| size \| precision \| role \| backend \| threads \| A \| B \| B vs A \| 95% interval \| p \| verdict \|$' -- \
    env COLUMNS=40 "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-nogpu.json" --format md
expect csv_every_column 0 '^kind,a_file,b_file,workload,size,precision,role,backend_a,backend_b,threads_a,threads_b,unit,rate_a,rate_b,median_a_s,median_b_s,ratio,ci_low,ci_high,p_value,verdict,note$' -- \
    env COLUMNS=40 "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-nogpu.json" --format csv

# Mismatches: nothing in common is an error with the reason and the fix; the rest are warnings.
expect preset_mismatch 2 'have no case in common: A is standard, B is quick: run B with --preset standard$' -- \
    "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-quick.json"
expect preset_mismatch_json 2 'A is standard, B is quick' -- \
    "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-quick.json" --format json
sed 's/"sgemm"/"stencil"/; s/"triad"/"reduce"/; s/"nbody"/"mandelbrot"/' "$D/laptop-nogpu.json" >"$T/other-workloads.json"
expect workload_mismatch 2 'A ran sgemm,triad,nbody, B ran stencil,reduce,mandelbrot: run B with -w sgemm,triad,nbody$' -- \
    "$PB_BIN" compare "$D/box-gpu.json" "$T/other-workloads.json"
expect same_file 0 '^warning: A and B are the same file \(tests/golden/box-gpu\.json\): a run compared' -- \
    "$PB_BIN" compare "$D/box-gpu.json" "$D/box-gpu.json"
cp "$D/box-gpu.json" "$T/copy.json"
expect same_run 0 '^warning: A and B are the same run \(started 2026-11-20T10:00:00Z on box\)' -- \
    "$PB_BIN" compare "$D/box-gpu.json" "$T/copy.json"
sed 's/"started_at": "2026-11-20T10:00:00Z"/"started_at": "2026-11-23T10:00:00Z"/' "$D/box-gpu.json" >"$T/restamped.json"
expect same_samples 0 '^warning: A and B hold the very same samples, so they are one run' -- \
    "$PB_BIN" compare "$D/box-gpu.json" "$T/restamped.json"
sed 's/"seed": 1,/"seed": 7,/' "$D/laptop-nogpu.json" >"$T/seed7.json"
expect seeds_differ 0 '^warning: the runs used different input seeds \(A: 1, B: 7\), so their inputs' -- \
    "$PB_BIN" compare "$D/laptop-nogpu.json" "$T/seed7.json"
if "$PB_BIN" compare "$D/box-gpu.json" "$D/laptop-nogpu.json" | grep -Eq 'same file|same run|same samples|input seeds'; then
    fail no_false_alarm "a same-run or seed warning for two different runs"
else ok no_false_alarm; fi
finish
