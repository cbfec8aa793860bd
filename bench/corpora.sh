#!/usr/bin/env bash
# Recall and false positives of credlint on the six labeled corpora (issue #16). Not a test:
# CI has no mirrors, and nothing in `cargo test` runs this.
#
#   bash bench/corpora.sh MIRRORS [--misses DIR] [--credlint BIN]
#
# MIRRORS is a folder of git mirrors laid out as <owner>+<name>/repo (the layout the `fetch`
# tool produces under /work/.mirror, and the one ../shared/corpora/build.py expects) holding
# semgrep/semgrep-rules, PyCQA/bandit, Yelp/detect-secrets, find-sec-bugs/juliet-test-suite,
# SonarSource/sonar-python and securego/gosec. Nothing is downloaded.
#
# Steps: build the corpora with build.py into a scratch dir (OUT_ROOT, default
# ${TMPDIR:-/tmp}/credlint-corpora), scan each with
#   credlint scan --format json --min-severity note --fail-on never --no-config .
# from inside the corpus dir, convert each finding's PRIMARY location (path, start line) to the
# scorer's JSONL (related locations are left out: they point at the connection or another use,
# not at what a user is told is the problem), score with score.py --json, print one markdown table.
# --misses DIR writes DIR/<corpus>.md: every missed flag case and every flagged clean case with
# its source line (raw: the corpus's own fake secrets; DIR is for reading, never commit it).
#
# BIN defaults to $CREDLINT, else target/release/credlint (built with `cargo build --release`
# if missing). The corpus tools are found at $CORPORA_TOOLS, else ../shared/corpora or
# ../../shared/corpora from the checkout (a worktree under /work/wt sits one level deeper).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
usage() { echo "usage: bash bench/corpora.sh MIRRORS [--misses DIR] [--credlint BIN]" >&2; exit 2; }
[ $# -ge 1 ] || usage
mirrors=$1; mirrors_arg=$1; shift
misses=""; bin=${CREDLINT:-}
while [ $# -gt 0 ]; do
  case $1 in
    --misses) misses=${2:?--misses needs a DIR}; shift 2 ;;
    --credlint) bin=${2:?--credlint needs a BIN}; shift 2 ;;
    *) usage ;;
  esac
done
tools=${CORPORA_TOOLS:-}
if [ -z "$tools" ]; then
  for t in "$here/../shared/corpora" "$here/../../shared/corpora"; do
    [ -f "$t/build.py" ] && { tools=$(cd "$t" && pwd); break; }
  done
fi
[ -n "$tools" ] && [ -f "$tools/build.py" ] && [ -f "$tools/score.py" ] \
  || { echo "error: corpus tools (build.py, score.py) not found; set CORPORA_TOOLS" >&2; exit 2; }
mirrors=$(cd "$mirrors" 2>/dev/null && pwd) || { echo "error: no such mirror folder: $mirrors_arg" >&2; exit 2; }
missing=0
for repo in semgrep+semgrep-rules PyCQA+bandit Yelp+detect-secrets find-sec-bugs+juliet-test-suite \
            SonarSource+sonar-python securego+gosec; do
  if ! git --git-dir "$mirrors/$repo/repo" rev-parse -q --verify HEAD >/dev/null 2>&1; then
    echo "error: mirror missing or not a git dir: $mirrors/$repo/repo" >&2; missing=1
  fi
done
[ $missing = 0 ] || exit 2
if [ -z "$bin" ]; then
  bin=$here/target/release/credlint
  [ -x "$bin" ] || (cd "$here" && cargo build --release -q)
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
[ -x "$bin" ] || { echo "error: credlint binary not found: $bin" >&2; exit 2; }
out=${OUT_ROOT:-${TMPDIR:-/tmp}/credlint-corpora}
rm -rf "$out"; mkdir -p "$out"
work=$out/.results; mkdir -p "$work"
MIRROR_ROOT=$mirrors OUT_ROOT=$out python3 "$tools/build.py" > "$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; echo "error: build.py failed" >&2; exit 1; }
corpora=(bandit detect-secrets gosec juliet-java semgrep-rules sonar-python)
for c in "${corpora[@]}"; do
  [ -f "$out/$c/truth.jsonl" ] || { echo "error: build.py did not write $out/$c/truth.jsonl" >&2; exit 1; }
  (cd "$out/$c" && "$bin" scan --format json --min-severity note --fail-on never --no-config . \
      > "$work/$c.json" 2> "$work/$c.stderr") \
    || { cat "$work/$c.stderr" >&2; echo "error: credlint failed on $c" >&2; exit 1; }
  python3 "$here/bench/corpora_table.py" convert "$work/$c.json" > "$work/$c.jsonl"
  python3 "$tools/score.py" --tool credlint --findings "$work/$c.jsonl" --corpus "$out/$c" \
    --json "$work/$c.score.json" > "$work/$c.score.md"
done
args=(table --work "$work" --corpora "$out" --tools "$tools")
[ -n "$misses" ] && args+=(--misses "$misses")
python3 "$here/bench/corpora_table.py" "${args[@]}" "${corpora[@]}"
