#!/bin/sh
# CLI tests of `parbench scale`: the help, the scale table (speed-up, efficiency, Amdahl column and
# fit) after run's own output, a result file compare reads, "n/a" with one thread, and bad input
# exiting 2 with its message.
. tests/cli_lib.sh
T=$(mktemp -d "${TMPDIR:-/tmp}/pbcli-scalecmd-XXXXXX")
trap 'rm -rf "$T"' EXIT

expect help_lists_scale 0 '^  scale ' -- "$PB_BIN" help
expect scale_help 0 'usage: parbench scale' -- "$PB_BIN" scale --help
expect help_scale 0 'Amdahl' -- "$PB_BIN" help scale

expect table 0 'speed-up +efficiency +Amdahl' -- "$PB_BIN" scale --preset tiny -w triad -o "$T/s.json"
expect fit_line 0 'Amdahl fit: (serial fraction -?[0-9]|n/a)' -- "$PB_BIN" scale --preset tiny -w triad -o "$T/s.json"
expect one_thread_row 0 '^  all cores +1 +[0-9.e+]+ +1\.00x +100%' -- "$PB_BIN" scale -p tiny -w triad -o "$T/s.json"
expect run_threads 0 'parbench run -b cpu -t 1[,0-9]*\)' -- "$PB_BIN" scale -p tiny -w triad -o "$T/s.json"
expect saved_like_run 0 '"role": "cpu-1"' -- cat "$T/s.json"
expect compare_reads_it 0 'triad' -- "$PB_BIN" compare "$T/s.json" "$T/s.json"
if command -v taskset >/dev/null 2>&1 && taskset -c 0 true 2>/dev/null; then
    expect one_cpu_na 0 'Amdahl fit: n/a \(fewer than 2 thread counts' -- \
        taskset -c 0 "$PB_BIN" scale -p tiny -w triad -o "$T/one.json"
else
    skip one_cpu_na "no taskset here"
fi

expect bad_workload 2 "unknown workload 'triadd'; did you mean 'triad'" -- "$PB_BIN" scale -w triadd -o "$T/x.json"
expect bad_preset 2 "huge" -- "$PB_BIN" scale --preset huge -o "$T/x.json"
expect bad_option 2 "unknown option '--threads' for 'parbench scale'" -- "$PB_BIN" scale --threads 2
expect bad_argument 2 "unexpected argument 'triad'" -- "$PB_BIN" scale triad
expect bad_output 2 "does not exist" -- "$PB_BIN" scale -p tiny -w triad -o "$T/no/dir/x.json"
if [ -e "$T/x.json" ]; then fail nothing_written "bad input wrote $T/x.json"; else ok nothing_written; fi
finish
