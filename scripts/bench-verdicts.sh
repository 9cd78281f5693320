#!/bin/sh
# A benchmark of parbench's own verdicts on the machine it runs on (issue 10): false positives of
# `parbench compare` on back-to-back runs of this machine, its power against one core versus all
# cores, and its power against runs scaled to be 1.10x and 1.25x faster (tools/scale_result).
# Prints a table on standard output and progress on standard error. Run through `make bench-verdicts`.
set -u

usage() {
    cat <<'EOF'
usage: sh scripts/bench-verdicts.sh [--preset NAME] [--pairs N] [--threshold PCT] [--keep DIR]
                                    [-- PARBENCH-RUN-ARGS...]

Measures how often `parbench compare` is wrong on this machine and how often it sees a real
difference, and holds the results against the targets of issue 10 (PASS/MISS).
  1. false positives: N pairs of back-to-back runs of this machine, each pair compared;
  2. power: a run limited to one core (taskset -c 0) against the all-core run before it;
  3. power on real noise: the second run of each pair scaled to be 1.10x and 1.25x faster.
Exits 0 whatever the verdicts (a benchmark, not a test); 1 when the tooling failed, 2 on bad usage.

  --preset NAME    preset of every run (default quick)
  --pairs N        pairs of runs (default 5)
  --threshold PCT  threshold of `parbench compare`, in percent (default 5)
  --keep DIR       keep the result files in DIR (created) instead of a temporary directory
  -- ARGS...       more arguments for every `parbench run`, e.g. -- -w sgemm,triad

Environment: PARBENCH (default ./parbench), SCALE_RESULT (default build/tools/scale_result).
Example: make bench-verdicts VERDICT_ARGS="--preset standard --pairs 3"
EOF
}

die() { echo "bench-verdicts: $*" >&2; exit 1; }
bad_usage() { echo "bench-verdicts: $*" >&2; echo "run with --help for the options" >&2; exit 2; }
progress() { echo "bench-verdicts: $*" >&2; }

PB=${PARBENCH:-./parbench}
SCALE=${SCALE_RESULT:-build/tools/scale_result}
FACTORS="1.10 1.25"
preset=quick
pairs=5
threshold=5
keep=""

while [ $# -gt 0 ]; do
    case $1 in
    --preset | --pairs | --threshold | --keep)
        [ $# -ge 2 ] || bad_usage "$1 needs a value"
        case $1 in
        --preset) preset=$2 ;;
        --pairs) pairs=$2 ;;
        --threshold) threshold=$2 ;;
        --keep) keep=$2 ;;
        esac
        shift 2 ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    *) bad_usage "unknown option '$1'" ;;
    esac
done
# What is left in "$@" goes to every `parbench run`; the script owns the preset and the file.
for arg in "$@"; do
    case $arg in
    -p | --preset | --preset=* | -o | --output | --output=* | --no-save)
        bad_usage "'$arg' is set by this script: use its --preset; result files go to a temporary directory or --keep DIR" ;;
    esac
done
case $pairs in '' | *[!0-9]*) bad_usage "--pairs expects a whole number above 0, got '$pairs'" ;; esac
[ "$pairs" -ge 1 ] || bad_usage "--pairs expects a whole number above 0, got '$pairs'"
case $threshold in '' | . | *[!0-9.]* | *.*.*) bad_usage "--threshold expects a percentage such as 5, got '$threshold'" ;; esac
[ -x "$PB" ] || die "no parbench binary at '$PB': run make, or set PARBENCH"
[ -x "$SCALE" ] || die "no scale_result at '$SCALE': run make $SCALE, or set SCALE_RESULT"

if [ -n "$keep" ]; then
    mkdir -p "$keep" || die "cannot create '$keep'"
    T=$keep
    W=$(mktemp -d "${TMPDIR:-/tmp}/pbverdicts.XXXXXX") || die "cannot create a temporary directory"
else
    T=$(mktemp -d "${TMPDIR:-/tmp}/pbverdicts.XXXXXX") || die "cannot create a temporary directory"
    W=$T
fi
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
CASES=$W/cases.tsv
: >"$CASES"

# pb_run OUT PIN ARGS...: one `parbench run` into OUT (PIN=1: on core 0 only). A failed case makes
# parbench exit 1 with a file written; only a run that wrote no file is a failure of the tooling.
pb_run() {
    out=$1; pin=$2; shift 2
    log=$W/run.log
    start=$(date +%s)
    if [ "$pin" = 1 ]; then
        taskset -c 0 "$PB" run --preset "$preset" -o "$out" "$@" >"$log" 2>&1
    else
        "$PB" run --preset "$preset" -o "$out" "$@" >"$log" 2>&1
    fi
    rc=$?
    if [ ! -s "$out" ]; then
        echo "bench-verdicts: parbench run exited $rc without writing $out; its last lines:" >&2
        tail -n 15 "$log" >&2
        exit 1
    fi
    [ "$rc" -eq 0 ] || progress "  parbench run exited $rc (a case failed); its file is used"
    progress "  done in $(($(date +%s) - start)) s"
}

# Reads `parbench compare --format csv` and writes one tab-separated line per compared case:
# tag, workload, role, backend, threads, size, precision, ratio, ci_low, ci_high, median_a_s, verdict
# (faster, slower, same, uncertain, failed, not-run or other). Columns are found by their header.
# shellcheck disable=SC2016 # an awk program: its $ are awk's
EXTRACT='
function csv(line, f,    n, i, c, q, cur) {
    n = 0; cur = ""; q = 0
    for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (q) {
            if (c != "\"") cur = cur c
            else if (substr(line, i + 1, 1) == "\"") { cur = cur c; i++ }
            else q = 0
        } else if (c == "\"") q = 1
        else if (c == ",") { f[++n] = cur; cur = "" }
        else cur = cur c
    }
    f[++n] = cur
    return n
}
NR == 1 {
    n = csv($0, h)
    for (i = 1; i <= n; i++) col[h[i]] = i
    split("kind workload size precision role backend_a threads_a median_a_s ratio ci_low ci_high verdict", need, " ")
    for (i in need) if (!(need[i] in col)) { print "compare CSV lacks the column " need[i] > "/dev/stderr"; bad = 1; exit 1 }
    next
}
{
    csv($0, f)
    if (f[col["kind"]] != "case") next
    v = f[col["verdict"]]
    if (v == "no noticeable difference") v = "same"
    else if (v == "not run") v = "not-run"
    else if (v != "faster" && v != "slower" && v != "uncertain" && v != "failed") v = "other"
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", tag, f[col["workload"]], f[col["role"]],
        f[col["backend_a"]], f[col["threads_a"]], f[col["size"]], f[col["precision"]], f[col["ratio"]],
        f[col["ci_low"]], f[col["ci_high"]], f[col["median_a_s"]], v
    rows++
}
END { if (!bad && rows == 0) { print "compare CSV has no case rows" > "/dev/stderr"; exit 1 } }'

# pb_compare A B TAG: compares B against A and appends its cases to $CASES under TAG.
pb_compare() {
    "$PB" compare "$1" "$2" --format csv --threshold "$threshold" >"$W/cmp.csv" 2>"$W/cmp.err" ||
        die "parbench compare $1 $2 failed: $(cat "$W/cmp.err")"
    awk -v tag="$3" "$EXTRACT" "$W/cmp.csv" >>"$CASES" || die "could not read the output of parbench compare $1 $2"
}

cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo "?")
machine="$(uname -sm), $cpus CPUs"
when=$(date -u '+%Y-%m-%d %H:%M UTC')

i=1
while [ "$i" -le "$pairs" ]; do
    progress "pair $i of $pairs: first run ($preset preset)"
    pb_run "$T/pair$i-a.json" 0 "$@"
    progress "pair $i of $pairs: second run"
    pb_run "$T/pair$i-b.json" 0 "$@"
    pb_compare "$T/pair$i-a.json" "$T/pair$i-b.json" self
    for f in $FACTORS; do
        "$SCALE" "$T/pair$i-b.json" "$f" "$T/pair$i-b-x$f.json" || die "scale_result failed on pair $i"
        pb_compare "$T/pair$i-a.json" "$T/pair$i-b-x$f.json" "x$f"
    done
    i=$((i + 1))
done

# One core against all: compared with the latest all-core run, the one just before it.
power_skip=""
if ! command -v taskset >/dev/null 2>&1; then
    power_skip="no taskset on $(uname -s) to hold a process to one core"
elif ! taskset -c 0 true >/dev/null 2>&1; then
    power_skip="taskset -c 0 is refused here"
elif [ "$cpus" = 1 ]; then
    power_skip="one CPU: one core is all cores"
else
    progress "one-core run (taskset -c 0)"
    pb_run "$T/one-core.json" 1 "$@"
    pb_compare "$T/pair$pairs-b.json" "$T/one-core.json" power
fi

cat <<EOF
parbench verdict benchmark: $machine; $preset preset; $pairs pair(s); threshold $threshold%; $when
parbench: $("$PB" --version 2>/dev/null | head -n 1)
run arguments: --preset $preset${*:+ $*}
EOF

# shellcheck disable=SC2016 # an awk program: its $ are awk's
REPORT='
BEGIN { FS = "\t" }
{
    key = $2 "\t" $3 "\t" $4 "\t" $5
    if (!((key) in seen)) { seen[key] = 1; keys[++nkeys] = key }
    v = $12
    compared = (v == "faster" || v == "slower" || v == "same" || v == "uncertain")
    t = $1
    if (compared) { n[t]++; nk[t, key]++ } else bad[t]++
    cnt[t, v]++; cntk[t, key, v]++
    if (t != "power") next
    # The all-core file is A: its cpu-1 median, the same workload and size, gives the true ratio.
    pk = $2 "\t" $4 "\t" $6 "\t" $7
    if ($3 == "cpu-1") t1[pk] = $11
    if ($3 == "cpu-all") { np++; pkey[np] = pk; prow[np] = $0 }
    if ($3 != "cpu-1" || !compared) next
    n1++
    if (v == "same") s1++
    else miss1 = miss1 sprintf("  not the same: %s cpu-1 (%s): %s, ratio %s\n", $2, $4, v, $8)
}
# BSD awk reads a bare ">" or "?:" in a printf list badly: values are computed first.
function share(k, d) { return d ? sprintf("%d (%.1f%%)", k, 100 * k / d) : "-" }
function pct(k, d) { return d ? sprintf("%.1f%%", 100 * k / d) : "-" }
function num(x) { return x == "" ? "-" : sprintf("%.3f", x) }
function caseline(key,    a) {
    split(key, a, "\t")
    printf "%-11s %-8s %-7s %3s ", a[1], a[2], a[3], a[4]
}
function target(text, measured, measurable, ok, note,    result) {
    result = !measurable ? "MISS (nothing measured)" : ok ? "PASS" : "MISS"
    printf "%-62s %-10s %s%s\n", text, measured, result, note
}
function false_positives(    i, k, d, fp) {
    printf "\n1. False positives: %d pair(s) of back-to-back runs of this machine, the second compared with the first\n\n", pairs
    printf "%-11s %-8s %-7s %3s %8s  %-14s %-14s %s\n", "workload", "role", "backend", "thr", "verdicts", "faster/slower", "no difference", "uncertain"
    for (i = 1; i <= nkeys; i++) {
        k = keys[i]; d = nk["self", k]
        if (!d) continue
        caseline(k)
        fp = cntk["self", k, "faster"] + cntk["self", k, "slower"]
        printf "%8d  %-14s %-14s %s\n", d, share(fp, d), share(cntk["self", k, "same"], d), share(cntk["self", k, "uncertain"], d)
    }
    printf "%-11s %-8s %-7s %3s %8d  %-14s %-14s %s\n", "all", "", "", "", ns, share(fp_all, ns), share(same_all, ns),
        share(cnt["self", "uncertain"], ns)
    if (bad["self"]) printf "not counted (failed, not run or a verdict this script does not know): %d\n", bad["self"]
}
function power(    i, r, tr, has, inside, verdict, interval, contained, flat) {
    printf "\n2. Power: a run on one core (taskset -c 0) against the all-core run before it\n\n"
    if (power_skip != "") {
        printf "skipped: %s\n", power_skip
        return
    }
    printf "ratio: speed of the one-core run relative to the all-core run; true: the all-core run'"'"'s own\n"
    printf "median time of cpu-all / cpu-1 (1 / its speed-up), which the one-core cpu-all should match\n\n"
    printf "%-11s %-8s %-7s %3s %-10s %7s  %-17s %7s  %s\n", "workload", "role", "backend", "thr", "verdict", "ratio", "95% interval", "true", "contained"
    for (i = 1; i <= np; i++) {
        split(prow[i], r, "\t")
        tr = ""
        if ((pkey[i] in t1) && t1[pkey[i]] > 0) tr = r[11] / t1[pkey[i]]
        has = tr != "" && r[9] != "" && r[10] != ""
        inside = has && r[9] + 0 <= tr && tr <= r[10] + 0
        slow += (r[12] == "slower"); cont += inside
        if (tr != "" && tr > 1 / (1 + threshold / 100)) flat = flat sprintf(" %s", r[2])
        verdict = r[12] == "same" ? "no diff" : r[12]
        interval = has ? sprintf("[%.3f, %.3f]", r[9], r[10]) : "-"
        contained = !has ? "-" : inside ? "yes" : "no"
        caseline(r[2] "\t" r[3] "\t" r[4] "\t" r[5])
        printf "%-10s %7s  %-17s %7s  %s\n", verdict, num(r[8]), interval, num(tr), contained
    }
    printf "\ncpu-all read slower: %d of %d; interval contains the true ratio: %d of %d\n", slow, np, cont, np
    if (flat != "")
        printf "cannot read slower, as all cores are not faster than one by the threshold here:%s\n", flat
    printf "cpu-1 read \"no noticeable difference\": %s of %d\n", share(s1, n1), n1
    printf "%s", miss1
}
function scaled(    i, j, k, t) {
    printf "\n3. Power on real noise: the second run of each pair scaled to be faster, compared with the first\n\n"
    printf "%-6s %8s  %-14s %-14s %-14s %s\n", "factor", "verdicts", "faster", "slower", "no difference", "uncertain"
    for (j = 1; j <= nf; j++) {
        t = "x" fs[j]
        printf "%-6s %8d  %-14s %-14s %-14s %s\n", fs[j] "x", n[t], share(cnt[t, "faster"], n[t]), share(cnt[t, "slower"], n[t]),
            share(cnt[t, "same"], n[t]), share(cnt[t, "uncertain"], n[t])
    }
    printf "\nread faster, per case:\n%-11s %-8s %-7s %3s", "workload", "role", "backend", "thr"
    for (j = 1; j <= nf; j++) printf " %9s", fs[j] "x"
    printf "\n"
    for (i = 1; i <= nkeys; i++) {
        k = keys[i]
        if (!nk["x" fs[1], k]) continue
        caseline(k)
        for (j = 1; j <= nf; j++) printf " %9s", sprintf("%d/%d", cntk["x" fs[j], k, "faster"], nk["x" fs[j], k])
        printf "\n"
    }
}
function summary(    hi, note) {
    hi = "x" fs[nf]
    printf "\nSummary against the targets of issue 10\n\n"
    printf "%-62s %-10s %s\n", "target", "measured", "result"
    target("false positives <= 5% of same-machine verdicts", pct(fp_all, ns), ns, fp_all <= 0.05 * ns, "")
    if (power_skip != "") {
        printf "%-62s %-10s %s\n", "one core vs all: slower on every cpu-all case", "-", "SKIP (" power_skip ")"
        printf "%-62s %-10s %s\n", "one core vs all: interval contains the true ratio (cpu-all)", "-", "SKIP"
        printf "%-62s %-10s %s\n", "one core vs all: \"no noticeable difference\" on every cpu-1", "-", "SKIP"
    } else {
        target("one core vs all: slower on every cpu-all case", slow "/" np, np, slow == np, "")
        target("one core vs all: interval contains the true ratio (cpu-all)", cont "/" np, np, cont == np, "")
        target("one core vs all: \"no noticeable difference\" on every cpu-1", s1 "/" n1, n1, s1 == n1, "")
    }
    target("detected faster at " fs[nf] "x on >= 80% of cases", pct(cnt[hi, "faster"], n[hi]), n[hi],
        cnt[hi, "faster"] >= 0.8 * n[hi], "")
    note = preset == "standard" ? "" : " (the target is set at the standard preset)"
    target("\"no noticeable difference\" on >= 50% of same-machine verdicts", pct(same_all, ns), ns, same_all >= 0.5 * ns, note)
}
END {
    ns = n["self"] + 0; fp_all = cnt["self", "faster"] + cnt["self", "slower"]; same_all = cnt["self", "same"] + 0
    np += 0; slow += 0; cont += 0; n1 += 0; s1 += 0
    nf = split(factors, fs, " ")
    false_positives()
    power()
    scaled()
    summary()
}'

awk -v pairs="$pairs" -v threshold="$threshold" -v factors="$FACTORS" -v preset="$preset" -v power_skip="$power_skip" "$REPORT" "$CASES" ||
    die "could not summarise the comparisons"
[ -z "$keep" ] || progress "result files kept in $keep"
