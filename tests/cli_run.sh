#!/bin/sh
# CLI tests of run, list, info, selftest and bad input: exit codes, one-line messages, result
# files written whole or not at all, and Ctrl-C saving what was measured.
. tests/cli_lib.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pbrun-XXXXXX")
trap 'chmod 700 "$tmp/ro" 2>/dev/null; rm -rf "$tmp"' EXIT
case $PB_BIN in /*) abs_bin=$PB_BIN ;; *) abs_bin=$PWD/$PB_BIN ;; esac

expect "version" 0 '^parbench [0-9]+\.[0-9]+' -- "$PB_BIN" --version
expect "help" 0 'Commands:' -- "$PB_BIN" --help
for cmd in run list info selftest compare; do
    expect "help $cmd" 0 'usage: parbench' -- "$PB_BIN" $cmd --help
done
# A sanitizer build says its times are not the machine's; an optimised build says nothing of it.
sanitized_out=$("$PB_BIN" run --preset tiny -w triad -b cpu --no-save 2>&1)
if [ "${PB_SANITIZE:-0}" = 1 ]; then
    if printf '%s\n' "$sanitized_out" | grep -q 'built with sanitizers'; then ok "sanitizer build named"
    else fail "sanitizer build named" "no warning in: $(printf '%s\n' "$sanitized_out" | head -3)"; fi
elif printf '%s\n' "$sanitized_out" | grep -Eq 'built with|full optimisation'; then
    fail "optimised build unremarked" "$(printf '%s\n' "$sanitized_out" | grep 'built with')"
else ok "optimised build unremarked"; fi
# Only main turns a status into an exit code: no other code in src/ ends the program itself.
enders=$(grep -rnE '(^|[^_[:alnum:]])(exit|_Exit|quick_exit)[[:space:]]*\(' src/)
if [ -z "$enders" ]; then ok "only main sets the exit code"
else fail "only main sets the exit code" "$(printf '%s\n' "$enders" | head -3)"; fi
expect "unknown command" 2 "unknown command 'frobnicate'" -- "$PB_BIN" frobnicate
expect "unknown option" 2 "unknown option '--fast'" -- "$PB_BIN" run --fast
expect "unknown workload" 2 "unknown workload 'fft'" -- "$PB_BIN" run -w fft --no-save
expect "unknown backend" 2 "unknown backend 'vulkan'" -- "$PB_BIN" run -b vulkan --no-save
expect "unknown preset" 2 "preset" -- "$PB_BIN" run --preset huge --no-save
expect "malformed number" 2 "'1,5' is not a number" -- "$PB_BIN" run --min-time 1,5 --no-save
expect "threads zero" 2 "0 is not a thread count" -- "$PB_BIN" run --threads 0 --no-save
expect "threads too many" 2 "more than the" -- "$PB_BIN" run --threads 1,1000 --no-save
expect "threads malformed" 2 "'two' is not a whole number" -- "$PB_BIN" run --threads two --no-save
expect "missing value" 2 "needs a value" -- "$PB_BIN" run -o
expect "unwritable dir" 2 "does not exist" -- "$PB_BIN" run --preset tiny -o "$tmp/no/such/dir/r.json"
expect "output is a dir" 2 "is a directory" -- "$PB_BIN" run --preset tiny -o "$tmp"
: >"$tmp/file"
expect "parent is a file" 2 "does not exist" -- "$PB_BIN" run --preset tiny -o "$tmp/file/r.json"
# A directory this user cannot write to: one without write permission, where that stops the user
# (root ignores it), else a read-only file system where there is one (/proc on Linux).
mkdir "$tmp/ro" && chmod 500 "$tmp/ro"
if ! (: >"$tmp/ro/probe") 2>/dev/null; then
    ro=$tmp/ro
elif [ -d /proc/self ] && ! (: >/proc/parbench-probe) 2>/dev/null; then
    ro=/proc
else
    ro=
fi
if [ -n "$ro" ]; then
    expect "unwritable dir" 2 "not writable" -- "$PB_BIN" run --preset tiny -o "$ro/parbench-r.json"
else
    skip "unwritable dir" "no directory here that this user cannot write to"
fi
# Each error is one line.
lines=$("$PB_BIN" run --threads 0 2>&1 | wc -l)
if [ "$lines" -eq 1 ]; then ok "error is one line"; else fail "error is one line" "$lines lines"; fi
# No partial file after a usage error.
"$PB_BIN" run --threads 0 -o "$tmp/bad.json" >/dev/null 2>&1
if [ ! -e "$tmp/bad.json" ]; then ok "no file on bad input"; else fail "no file on bad input" "file exists"; fi

# --device: the OpenCL device 0 here (PoCL) can be chosen; one that is not there is bad usage, and
# the message names the devices there are.
if "$PB_BIN" list 2>/dev/null | grep -q '^  opencl  ready'; then
    expect "device 0" 0 'opencl-cpu' -- "$PB_BIN" run -b opencl -d 0 -w triad --preset tiny --no-save
    expect "device by name" 0 'opencl-cpu' -- "$PB_BIN" run -b opencl -d opencl:pthread -w triad --preset tiny --no-save
    expect "no device 5" 2 "no device 5: opencl has device 0 \(" -- "$PB_BIN" run -d 5 --no-save
    expect "no device by name" 2 "no device matches 'NoSuchGPU': opencl has device 0" -- "$PB_BIN" run -d NoSuchGPU --no-save
    expect "selftest device 5" 2 "no device 5: opencl has device 0" -- "$PB_BIN" selftest -d 5
else
    skip "device 0" "no OpenCL device here"
fi
expect "device on host backend" 2 "no device 0: no backend with devices of its own" -- "$PB_BIN" run -b cpu -d 0 --no-save
expect "device of unknown backend" 2 "unknown backend 'vulkan' in 'vulkan:0'" -- "$PB_BIN" run -d vulkan:0 --no-save
expect "device empty item" 2 "empty item" -- "$PB_BIN" run -d 0, --no-save
# No results directory either when a device is not there.
(cd "$tmp" && mkdir nodev && cd nodev && "$abs_bin" run -d 99 >/dev/null 2>&1)
left=$(ls -A "$tmp/nodev")
if [ -z "$left" ]; then ok "no results dir on bad device"; else fail "no results dir on bad device" "$left"; fi

expect "list" 0 'Backends:' -- "$PB_BIN" list
expect "list shows cpu" 0 'cpu +ready' -- "$PB_BIN" list
expect "info" 0 'logical' -- "$PB_BIN" info
expect "info extra arg" 2 "unexpected argument" -- "$PB_BIN" info bogus

# A tiny run writes a valid, complete result file and tells how to compare it.
expect "run tiny" 0 'parbench compare' -- "$PB_BIN" run --preset tiny -o "$tmp/tiny.json"
if [ -f "$tmp/tiny.json" ]; then
    if grep -q '"schema": "parbench-result"' "$tmp/tiny.json" && grep -q '"complete": true' "$tmp/tiny.json"; then
        ok "result file complete"
    else
        fail "result file complete" "missing schema or complete"
    fi
    if grep -q '"role": "cpu-all"' "$tmp/tiny.json" && grep -q '"role": "cpu-1"' "$tmp/tiny.json"; then
        ok "result file has both roles"
    else
        fail "result file has both roles" "roles missing"
    fi
    set -- "$tmp"/*.tmp.*
    if [ -e "$1" ]; then fail "no temp file left" "$*"; else ok "no temp file left"; fi
    expect "result file reads back" 0 'no noticeable difference' -- "$PB_BIN" compare "$tmp/tiny.json" "$tmp/tiny.json"
else
    fail "result file complete" "no file written"
fi

# A bad backend name leaves nothing behind, not even the results/ directory.
(cd "$tmp" && mkdir empty && cd empty && "$abs_bin" run -b vulkan >/dev/null 2>&1)
left=$(ls -A "$tmp/empty")
if [ -z "$left" ]; then ok "no results dir on bad input"; else fail "no results dir on bad input" "$left"; fi

# Default path: results/<label>-<stamp>.json under the working directory.
(cd "$tmp" && "$abs_bin" run --preset tiny -w triad --label "my box" >/dev/null 2>&1)
set -- "$tmp"/results/my-box-*.json
if [ -f "$1" ]; then ok "default result path"; else fail "default result path" "$(find "$tmp" | head)"; fi

# Ctrl-C: the run stops, saves the cases measured so far, marks the file incomplete, exits 1.
"$PB_BIN" run --preset quick -w sgemm,triad,nbody,mandelbrot -b cpu -o "$tmp/int.json" >"$tmp/int.out" 2>&1 &
pid=$!
# Interrupt once the second round has started, so every case has a measured round (slow under
# sanitizers).
i=0
while [ $i -lt 600 ] && ! grep -q '^round 2 ' "$tmp/int.out" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
wait $pid; rc=$?
if [ "$rc" -eq 1 ] && grep -q '"complete": false' "$tmp/int.json" 2>/dev/null; then
    ok "interrupt saves incomplete"
else
    fail "interrupt saves incomplete" "exit $rc; $(tail -3 "$tmp/int.out")"
fi
if grep -q '"status": "ok"' "$tmp/int.json" 2>/dev/null; then
    ok "interrupt keeps measured cases"
else
    fail "interrupt keeps measured cases" "no ok case in the file"
fi

expect "selftest" 0 '[0-9]+ passed, 0 failed' -- "$PB_BIN" selftest
finish
