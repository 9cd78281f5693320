#!/bin/sh
# Every shell script in the repository passes shellcheck as the shell it declares: a `#!/bin/sh`
# script is checked as POSIX sh (so a bash-only construct fails), a sourced file names its shell
# with a `# shellcheck shell=` line. And none uses a GNU-only option or a Linux-only path without
# a guard, since the suite must pass on macOS too. Where the shellcheck program is not installed
# that part is skipped with the reason (CI installs it).
. tests/cli_lib.sh
tmp=$(mktemp "${TMPDIR:-/tmp}/pbshellcheck-XXXXXX")
trap 'rm -f "$tmp"' EXIT

# The scripts: every *.sh outside the build directories, and every file in .ci/ and scripts/ that
# starts with a shell's #! line.
list_scripts() {
    find . \( -name 'build*' -o -name results -o -name .git \) -prune -o -type f -name '*.sh' -print
    for f in .ci/* scripts/*; do
        [ -f "$f" ] || continue
        case $f in *.sh) continue ;; esac
        case $(head -n 1 "$f") in '#!'*sh*) echo "./$f" ;; esac
    done
}

scripts=$(list_scripts | sed 's|^\./||' | sort)
[ -n "$scripts" ] || fail "shell scripts" "none found (run from the repository root)"

# GNU-only options and tools, and Linux-only paths: each pattern (ERE), then after a % what to do
# instead. A line that also tests for the thing (command -v, [ -d /...], a fallback after ||) is
# guarded, and so is every use of a tool in a file that checks for it or defines a fallback for it.
PORTABILITY="sed -i%sed -i differs on BSD sed: write to a temporary file
grep +-[A-Za-z]*P%grep -P is GNU-only: use grep -E
(grep|sed) [^|]*[\"'][^\"']*[\\][|]%\\| is GNU BRE alternation: use grep -E 'a|b'
readlink -f%readlink -f is GNU-only: cd to the directory and use pwd
stat -c%stat -c is GNU-only
date -d%date -d is GNU-only
(^|[^-_a-z])seq %seq is not everywhere: count with a while loop
(^|[^-_a-z])nproc%nproc is GNU-only: use getconf _NPROCESSORS_ONLN
(^|[^-_a-z.])timeout %timeout is GNU coreutils: check for it with command -v timeout
/(proc|sys)/%/proc and /sys are Linux-only: test for them first"
guarded='command -v|\[ -[derfx] /|\|\|'
unportable() { # FILE: prints "line N: what to do" for each unguarded use
    printf '%s\n' "$PORTABILITY" | while IFS='%' read -r pattern why; do
        tool=${why%% *}
        grep -qE "command -v $tool|^ *$tool\(\)" "$1" && continue
        grep -nE -- "$pattern" "$1" | grep -vE "$guarded" | grep -vE '^[0-9]+: *#' |
            while IFS=: read -r n _; do echo "line $n: $why"; done
    done
}
for f in $scripts; do
    [ "$f" = tests/cli_shellcheck.sh ] && continue # it names the patterns
    unportable "$f" >"$tmp"
    if [ -s "$tmp" ]; then fail "$f is portable" "$(cat "$tmp")"; else ok "$f is portable"; fi
done

if ! command -v shellcheck >/dev/null 2>&1; then
    skip "shellcheck" "shellcheck is not installed (Debian/Ubuntu: apt-get install shellcheck; macOS: brew install shellcheck)"
    finish
    exit
fi
for f in $scripts; do
    first=$(head -n 1 "$f")
    case $first in
        '#!/bin/sh' | '#!/usr/bin/env sh' | '#!/bin/bash' | '#!/usr/bin/env bash' | '# shellcheck shell='*) ;;
        *)
            fail "$f declares its shell" "first line is '$first': start it with #!/bin/sh (or bash), or '# shellcheck shell=sh' if it is sourced"
            continue
            ;;
    esac
    # -x follows `. tests/cli_lib.sh`, which is named relative to the repository root, as here.
    if shellcheck -x "$f" >"$tmp" 2>&1; then
        ok "shellcheck $f"
    else
        fail "shellcheck $f" "$(grep -E '^In |SC[0-9]+' "$tmp" | head -n 6)"
    fi
done
finish
