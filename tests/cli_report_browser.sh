#!/bin/sh
# `parbench report` in a real browser: headless Chromium renders the page of three result files (one
# with the host name <script>alert(1)</script>) without a console message, its screenshot is not
# blank, its DOM has every section and one workload chart per workload, the hostile name is text,
# and it prints to PDF. Skipped, with the reason, where no Chromium is installed (.ci/run installs
# Debian's chromium).
. tests/cli_lib.sh

browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
    skip report_in_browser "no chromium, chromium-browser or google-chrome on the PATH (Debian: apt-get install chromium)"
    finish
    exit
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/pbcli-browser-XXXXXX")
case "$T" in /*) ;; *) T=$(pwd)/$T ;; esac
trap 'rm -rf "$T"' EXIT
limit=""
if command -v timeout >/dev/null 2>&1; then limit="timeout 60"; fi

# browse LOG RESULT ARGS...: one headless run with a fresh profile; the browser's own log (console
# messages included) goes to LOG, its standard output to LOG.out. RESULT is the file the run must
# leave (LOG.out for --dump-dom): headless Chromium now and then exits without doing its work, so a
# run that leaves none is tried once more.
browse() {
    log=$1; result=$2; shift 2
    for _ in 1 2; do
        profile=$(mktemp -d "$T/profile-XXXXXX")
        # $limit is empty or "timeout 60": split into words on purpose.
        # shellcheck disable=SC2086
        HOME=$T $limit "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
            --user-data-dir="$profile" --enable-logging=stderr --v=0 "$@" >"$log.out" 2>"$log"
        [ -s "$result" ] && return
    done
}

# How console errors are seen: with --enable-logging=stderr --v=0 Chromium logs every console
# message of the page, including each load or script the page's Content-Security-Policy blocks, as
# a line with ":CONSOLE" in it. The page runs no script, so any such line is an error. First the
# check is shown to work: a page that logs to its console must be caught.
printf '<!DOCTYPE html><html><body><p>x</p><script>console.error("planted")</script></body></html>\n' \
    >"$T/control.html"
browse "$T/control.log" "$T/control.log.out" --dump-dom "file://$T/control.html"
if grep -q ':CONSOLE' "$T/control.log"; then ok "the console check sees a planted console message"
else fail "the console check sees a planted console message" "no :CONSOLE line: $(tail -n 2 "$T/control.log")"; fi

A=tests/golden/laptop-nogpu.json
B=tests/golden/box-gpu.json
C=tests/golden/report/scale-4t.json
sed 's/"hostname": "[^"]*"/"hostname": "<script>alert(1)<\/script>"/' "$A" >"$T/hostile.json"
if ! "$PB_BIN" report "$T/hostile.json" "$B" "$C" -o "$T/r.html" >"$T/report.out" 2>&1; then
    fail "the report is written" "$(cat "$T/report.out")"
    finish
    exit
fi
ok "the report is written"

browse "$T/dom.log" "$T/dom.log.out" --dump-dom "file://$T/r.html"
browse "$T/shot.log" "$T/page.png" --screenshot="$T/page.png" --window-size=1280,2000 "file://$T/r.html"
browse "$T/phone.log" "$T/phone.png" --screenshot="$T/phone.png" --window-size=390,1400 "file://$T/r.html"
browse "$T/pdf.log" "$T/page.pdf" --print-to-pdf="$T/page.pdf" "file://$T/r.html"
dom=$T/dom.log.out

if grep ':CONSOLE' "$T/dom.log" "$T/shot.log" "$T/phone.log" "$T/pdf.log" >"$T/console" 2>/dev/null; then
    fail "no console errors" "$(head -n 3 "$T/console")"
else
    ok "no console errors"
fi

for id in machines summary workloads roofline scaling sweep verification; do
    if grep -q "<section id=\"$id\">" "$dom"; then ok "the DOM has section #$id"
    else fail "the DOM has section #$id" "missing from the rendered page"; fi
done
# One chart per workload of the three files.
want=$(sed -n 's/.*"workload": *"\([^"]*\)".*/\1/p' "$A" "$B" "$C" | sort -u | wc -l | tr -d ' ')
got=$(grep -o '<figure class="chart workload"' "$dom" | wc -l | tr -d ' ')
if [ "$got" -eq "$want" ] && [ "$want" -gt 0 ]; then ok "one workload chart per workload ($got)"
else fail "one workload chart per workload" "$got charts for $want workloads"; fi
if grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$dom" && ! grep -q '<script' "$dom"; then
    ok "the hostile host name is text, and the page has no script"
else
    fail "the hostile host name is text, and the page has no script" "$(grep -o '.\{20\}alert(1).\{20\}' "$dom" | head -n 2)"
fi

# A blank 1280x2000 screenshot is about 12 KB of few distinct bytes; the page is far larger.
not_blank() { # NAME PNG MIN_BYTES
    if [ ! -s "$2" ]; then fail "$1" "no screenshot was written"; return; fi
    size=$(wc -c <"$2" | tr -d ' ')
    distinct=$(od -An -v -tu1 "$2" | tr -s ' ' '\n' | grep -v '^$' | sort -u | wc -l | tr -d ' ')
    if [ "$size" -gt "$3" ] && [ "$distinct" -gt 200 ]; then ok "$1 ($size bytes)"
    else fail "$1" "$size bytes, $distinct distinct byte values: blank?"; fi
}
not_blank "the screenshot is not blank" "$T/page.png" 40000
not_blank "the phone-width screenshot is not blank" "$T/phone.png" 20000

# Decoded, a blank page is a few pixel values; this one has text and colours. Needs python3.
if command -v python3 >/dev/null 2>&1 && [ -s "$T/page.png" ]; then
    if python3 - "$T/page.png" <<'EOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
i, idat = 8, b""
while i < len(data):
    n, = struct.unpack(">I", data[i:i + 4])
    if data[i + 4:i + 8] == b"IDAT":
        idat += data[i + 8:i + 8 + n]
    i += 12 + n
raw = zlib.decompress(idat)
inked = sum(1 for b in raw if b not in (0, 255)) / len(raw)
sys.exit(0 if len(set(raw)) > 16 and inked > 0.005 else 1)
EOF
    then ok "the screenshot's pixels are not one colour"; else fail "the screenshot's pixels are not one colour" "blank"; fi
else
    skip "the screenshot's pixels are not one colour" "python3 is not installed (or no screenshot): the size check stands alone"
fi

if [ -s "$T/page.pdf" ] && head -c 5 "$T/page.pdf" | grep -q '%PDF' && [ "$(wc -c <"$T/page.pdf")" -gt 20000 ]; then
    ok "the page prints to PDF"
else
    fail "the page prints to PDF" "no PDF, or a tiny one: $(tail -n 2 "$T/pdf.log")"
fi
finish
