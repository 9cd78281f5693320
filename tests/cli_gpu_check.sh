#!/bin/sh
# scripts/gpu-check.sh walked to its end with a faked nvidia-smi, nvcc, make and parbench: the
# driver/toolkit check, one GPU by default in PCI bus order, --all-devices, and a summary that says
# "not measured" (never "BELOW the target") for what did not run.
. tests/cli_lib.sh
if ! command -v bash >/dev/null 2>&1; then
    skip gpu_check "bash is not installed (scripts/gpu-check.sh needs it)"
    finish; exit $?
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/pbgpucheck-XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/bin"

# nvidia-smi: FAKE_GPUS boards, a driver supporting CUDA $FAKE_DRIVER.
cat >"$T/bin/nvidia-smi" <<'EOF'
#!/bin/sh
i=0
case ${1:-} in
-L) while [ "$i" -lt "$FAKE_GPUS" ]; do echo "GPU $i: NVIDIA H200 (UUID: GPU-fake-$i)"; i=$((i + 1)); done ;;
--query-gpu=*) while [ "$i" -lt "$FAKE_GPUS" ]; do echo "$i, NVIDIA H200, 00000000:1$i:00.0, Disabled"; i=$((i + 1)); done ;;
*) echo "| NVIDIA-SMI 550.00    Driver Version: 550.00    CUDA Version: $FAKE_DRIVER |" ;;
esac
EOF
# nvcc: a CUDA $FAKE_TOOLKIT toolkit whose copy program runs and measures nothing.
cat >"$T/bin/nvcc" <<'EOF'
#!/bin/sh
if [ "${1:-}" = --version ]; then echo "Cuda compilation tools, release $FAKE_TOOLKIT, V$FAKE_TOOLKIT.0"; exit 0; fi
while [ $# -gt 0 ]; do
    if [ "$1" = -o ]; then printf '#!/bin/sh\necho "cuda_copy_bw: no CUDA device" >&2\nexit 2\n' >"$2"; chmod +x "$2"; fi
    shift
done
EOF
# parbench: lists a CUDA device, records which GPUs each run could see, writes no result file.
cat >"$T/bin/parbench" <<'EOF'
#!/bin/sh
case $1 in
list) echo "cuda  0  NVIDIA H200  sm_90" ;;
run) echo "run visible=${CUDA_VISIBLE_DEVICES:-all} order=${CUDA_DEVICE_ORDER:-none}" >>"$FAKE_RECORD" ;;
esac
exit 0
EOF
chmod +x "$T/bin/nvidia-smi" "$T/bin/nvcc" "$T/bin/parbench"

# gpu_check NAME GPUS DRIVER TOOLKIT ARGS...: runs the script with the fakes; output in $T/NAME.out.
gpu_check() {
    name=$1; gpus=$2; driver=$3; toolkit=$4; shift 4
    : >"$T/$name.record"
    PATH="$T/bin:$PATH" FAKE_GPUS=$gpus FAKE_DRIVER=$driver FAKE_TOOLKIT=$toolkit FAKE_RECORD="$T/$name.record" \
        NVCC="$T/bin/nvcc" PARBENCH="$T/bin/parbench" MAKE=true COPY_BW="$T/$name-copy" \
        bash scripts/gpu-check.sh "$@" "$T/$name" >"$T/$name.out" 2>&1
    echo $?
}
# has NAME FILE PATTERN: the file matches the pattern (ERE).
has() {
    if grep -Eq -- "$3" "$2"; then ok "$1"; else fail "$1" "$2 lacks /$3/: $(head -c 600 "$2")"; fi
}

rc=$(gpu_check nogpu 0 12.4 12.4)
if [ "$rc" -eq 2 ]; then ok no_gpu_exit; else fail no_gpu_exit "exit $rc, wanted 2"; fi
has no_gpu_message "$T/nogpu.out" 'no NVIDIA GPU here'

rc=$(gpu_check old_driver 1 12.2 13.0)
if [ "$rc" -eq 2 ]; then ok old_driver_exit; else fail old_driver_exit "exit $rc, wanted 2"; fi
has old_driver_message "$T/old_driver.out" 'driver supports CUDA 12\.2, this toolkit builds for CUDA 13\.0'
if [ -s "$T/old_driver.record" ]; then fail old_driver_no_run "ran parbench: $(cat "$T/old_driver.record")"
else ok old_driver_no_run; fi

rc=$(gpu_check minor_driver 1 12.2 12.4)
has minor_driver_note "$T/minor_driver.out" 'minor-version compatibility'

rc=$(gpu_check one 2 12.4 12.4)
# The copy program measured nothing, so that step failed: exit 1, and the summary says so plainly.
if [ "$rc" -eq 1 ]; then ok default_exit; else fail default_exit "exit $rc, wanted 1"; fi
has default_gpu0_only "$T/one.record" '^run visible=0 order=PCI_BUS_ID$'
if [ "$(grep -c . "$T/one.record")" -eq 2 ]; then ok default_two_runs; else fail default_two_runs "$(cat "$T/one.record")"; fi
has default_names_others "$T/one.out" 'measured GPU 0 of 2'
has default_not_measured "$T/one/summary.md" 'not measured'
if grep -q 'BELOW' "$T/one/summary.md"; then fail default_never_below "$(cat "$T/one/summary.md")"
else ok default_never_below; fi
has default_failed_step "$T/one.out" 'FAILED steps:.*copy'

gpu_check all 2 12.4 12.4 --all-devices >/dev/null
has all_gpu0 "$T/all.record" '^run visible=0 '
has all_gpu1 "$T/all.record" '^run visible=1 '
if [ "$(grep -c '^### GPU ' "$T/all/summary.md")" -eq 2 ]; then ok all_two_summaries
else fail all_two_summaries "$(cat "$T/all/summary.md")"; fi

finish
