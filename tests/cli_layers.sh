#!/bin/sh
# The layering of DESIGN.md §3 is a test, not a wish: dependencies point one way,
#   cli -> report -> results -> core <- workloads <- backends (kernels/ included),
# with the workloads below results and report too (they name workloads' sizes and checks, and
# need no backend), and a backend never includes another backend's folder. Every
# `#include "..."` (and `#import "..."`) in src/ and kernels/ is resolved to the file it names
# and checked against those rules; each one that points the wrong way is named with its file,
# line and the rule it breaks. The checker first runs on small fixture trees, so the test is
# seen to fail when an include is wrong.
. tests/cli_lib.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pblayers-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The rules, read by the awk program below: each layer and the layers it may include.
# kernels/pb_params.h belongs to the workloads: it is their scalar parameters, which the kernels
# read too. The rest of kernels/ (sources, launch plan) is the backends' shared folder.
# shellcheck disable=SC2016 # an awk program: its $ are awk's fields, not the shell's
LAYER_PROGRAM='
function resolve(path,   n, parts, k, i, out) {
    n = split(path, parts, "/")
    k = 0
    for (i = 1; i <= n; i++) {
        if (parts[i] == "" || parts[i] == ".")
            continue
        if (parts[i] == ".." && k > 0 && stack[k] != "..")
            k--
        else
            stack[++k] = parts[i]
    }
    out = ""
    for (i = 1; i <= k; i++)
        out = out (i > 1 ? "/" : "") stack[i]
    return out
}
function layer(path) {
    if (path == "kernels/pb_params.h") return "workloads"
    if (path ~ /^kernels\//) return "backends"
    if (path ~ /^src\/(core|workloads|backends|results|report|cli)\//) {
        sub(/^src\//, "", path)
        sub(/\/.*/, "", path)
        return path
    }
    return ""
}
# The backend folder a file is in: a backend name, "kernels" (shared by every GPU backend), or ""
# for the files every backend shares (src/backends/*.h, the registry).
function folder(path) {
    if (path == "kernels/pb_params.h") return ""
    if (path ~ /^kernels\//) return "kernels"
    if (path !~ /^src\/backends\/[^\/]+\//) return ""
    sub(/^src\/backends\//, "", path)
    sub(/\/.*/, "", path)
    return path
}
BEGIN {
    may["core"] = "core"
    may["workloads"] = "core workloads"
    may["backends"] = "core workloads backends"
    may["results"] = "core results"
    may["report"] = "core results report"
    may["cli"] = "core workloads backends results report cli"
}
{
    file = $0; sub(/:.*/, "", file)
    line = substr($0, length(file) + 2); sub(/:.*/, "", line)
    name = $0; sub(/^[^"]*"/, "", name); sub(/".*/, "", name)
    dir = file; sub(/\/[^\/]*$/, "", dir)
    target = resolve(dir "/" name)
    from = layer(file); to = layer(target)
    checked++
    where = file ":" line ": #include \"" name "\""
    if (from == "") {
        print file ": is in no layer of DESIGN.md §3: move it under src/<layer>/ or kernels/"; bad = 1
    } else if (to == "") {
        print where " names " target ", outside src/ and kernels/: sources include only sources"; bad = 1
    } else if (index(" " may[from] " ", " " to " ") == 0) {
        print where " reaches " to " (" target "): " from " may include only " may[from]; bad = 1
    } else if (from == "backends" && folder(file) != "" && folder(target) != "" &&
               folder(target) != "kernels" && folder(file) != folder(target)) {
        print where " reaches another backend (" target "): a backend includes only its own folder, " \
              "src/backends/*.h and kernels/"; bad = 1
    }
}
END {
    if (!bad)
        print "checked " checked + 0 " includes"
    exit bad
}'

# layers_check ROOT: checks every quoted include in ROOT/src and ROOT/kernels. Prints one line per
# include that breaks a rule (or the number checked); exits 1 when one does.
layers_check() {
    (
        cd "$1" || exit 2
        find src kernels -type f \( -name '*.c' -o -name '*.h' -o -name '*.m' -o -name '*.cu' \
            -o -name '*.pbk' \) 2>/dev/null | sort |
            xargs grep -nE '^[[:space:]]*#[[:space:]]*(include|import)[[:space:]]*"' /dev/null |
            awk "$LAYER_PROGRAM"
    )
}

# fixture DIR: a small tree whose includes all follow the rules.
fixture() {
    mkdir -p "$1/src/core" "$1/src/workloads" "$1/src/results" "$1/src/backends/cpu" \
        "$1/src/backends/gpu" "$1/src/cli" "$1/kernels"
    printf '#include "status.h"\n' >"$1/src/core/pool.h"
    printf '#include "../core/pool.h"\n#include "../../kernels/pb_params.h"\n' >"$1/src/workloads/workload.h"
    printf '#include "../core/pool.h"\n' >"$1/src/results/result.h"
    printf '#include "../workloads/workload.h"\n' >"$1/src/backends/backend.h"
    printf '#include "../backend.h"\n#include "../../../kernels/plan.h"\n#include "gpu.h"\n' \
        >"$1/src/backends/gpu/gpu.c"
    printf '#include "../backend.h"\n' >"$1/src/backends/cpu/cpu.c"
    printf '#include "../src/workloads/workload.h"\n' >"$1/kernels/plan.h"
    printf '#include "../backends/backend.h"\n#include "../results/result.h"\n' >"$1/src/cli/main.c"
}

# wrong NAME FILE LINE_TEXT PATTERN: the fixture with LINE_TEXT added as line 2 of FILE must fail,
# naming FILE:2 and the rule (PATTERN).
wrong() {
    dir="$tmp/$1"
    fixture "$dir"
    { head -n 1 "$dir/$2"; printf '%s\n' "$3"; } >"$dir/$2.new" && mv "$dir/$2.new" "$dir/$2"
    if layers_check "$dir" >"$tmp/out" 2>&1; then
        fail "the check fails on $1" "it passed: $(cat "$tmp/out")"
    elif grep -q "^$2:2: .*$4" "$tmp/out"; then
        ok "the check fails on $1"
    else
        fail "the check fails on $1" "wanted $2:2 and /$4/, got: $(head -n 3 "$tmp/out")"
    fi
}

fixture "$tmp/good"
if layers_check "$tmp/good" >"$tmp/out" 2>&1; then ok "the check passes a tree that follows the rules"
else fail "the check passes a tree that follows the rules" "$(head -n 3 "$tmp/out")"; fi
wrong "core including results" src/core/pool.h '#include "../results/result.h"' 'reaches results.*core may include only core$'
wrong "core including a backend" src/core/pool.h '#include "../backends/backend.h"' 'core may include only core$'
wrong "results including the backend contract" src/results/result.h '#include "../backends/backend.h"' \
    'results may include only core results$'
wrong "results including a workload" src/results/result.h '#include "../workloads/workload.h"' \
    'reaches workloads.*results may include only core results$'
wrong "a workload including kernels" src/workloads/workload.h '#include "../../kernels/plan.h"' \
    'reaches backends'
wrong "a backend including another" src/backends/gpu/gpu.c '#include "../cpu/cpu.c"' 'reaches another backend'
wrong "kernels including one backend" kernels/plan.h '#include "../src/backends/gpu/gpu.c"' 'reaches another backend'
wrong "a source including a test file" src/cli/main.c '#include "../../tests/pbtest.h"' 'outside src/ and kernels/'

if layers_check . >"$tmp/out" 2>&1; then
    ok "every include in src/ and kernels/ follows DESIGN.md §3 ($(cat "$tmp/out"))"
else
    fail "every include in src/ and kernels/ follows DESIGN.md §3" "$(cat "$tmp/out")"
fi
finish
