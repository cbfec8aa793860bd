#!/usr/bin/env bash
# False-positive review of real repositories (issue #16). Not a test: CI has no mirrors.
#
#   bash bench/review/run.sh MIRRORS [--credlint BIN] [REPO...]
#
# MIRRORS holds git mirrors as <owner>+<name>/repo (the `fetch` tool's layout, /work/.mirror).
# For each repository (default: the nine below) it extracts HEAD with ../shared/corpora/extract.py
# into ${TMPDIR:-/tmp}/credlint-review/<owner>+<name> (no .git: a mirror may lack its largest
# blobs, which stops `git archive`), records the commit, scans the tree as a new user would
# (its own .credlint.toml if any; `credlint scan --format json --min-severity note
# --fail-on never --today 2026-12-05 .` from the tree's root) and writes
# bench/review/<owner>+<name>.md with secrets masked. Verdicts are read back from
# bench/review/verdicts/<owner>+<name>.tsv (keyed by rule, path, line and a hash of the masked
# line); listed findings without a verdict are added there as `?`. bench/review/PRECISION.md
# gets the precision per repository, rule and severity.
#
# BIN defaults to $CREDLINT, else target/release/credlint (built if missing). The credlint
# commit recorded is $CREDLINT_COMMIT, else the last commit of this checkout that touched the
# code the binary is built from (src, rules, build.rs, Cargo.*).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
usage() { echo "usage: bash bench/review/run.sh MIRRORS [--credlint BIN] [OWNER+NAME...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
mirrors_arg=$1; shift
bin=${CREDLINT:-}; repos=()
while [ $# -gt 0 ]; do
  case $1 in
    --credlint) bin=${2:?--credlint needs a BIN}; shift 2 ;;
    -*) usage ;;
    *) repos+=("$1"); shift ;;
  esac
done
[ ${#repos[@]} -gt 0 ] || repos=(jenkinsci+jenkins netbox-community+netbox laravel+framework
  heartcombo+devise axios+axios traefik+traefik psf+requests andygrunwald+go-jira ankitpokhrel+jira-cli)
mirrors=$(cd "$mirrors_arg" 2>/dev/null && pwd) || { echo "error: no such mirror folder: $mirrors_arg" >&2; exit 2; }
tools=${CORPORA_TOOLS:-}
if [ -z "$tools" ]; then
  for t in "$here/../shared/corpora" "$here/../../shared/corpora"; do
    [ -f "$t/extract.py" ] && { tools=$(cd "$t" && pwd); break; }
  done
fi
[ -n "$tools" ] && [ -f "$tools/extract.py" ] || { echo "error: extract.py not found; set CORPORA_TOOLS" >&2; exit 2; }
for r in "${repos[@]}"; do
  git --git-dir "$mirrors/$r/repo" rev-parse -q --verify HEAD >/dev/null 2>&1 \
    || { echo "error: mirror missing or not a git dir: $mirrors/$r/repo" >&2; exit 2; }
done
if [ -z "$bin" ]; then
  bin=$here/target/release/credlint
  [ -x "$bin" ] || (cd "$here" && cargo build --release -q)
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
commit=${CREDLINT_COMMIT:-$(git -C "$here" log -1 --format=%h -- src rules build.rs Cargo.toml Cargo.lock)}
scratch=${TMPDIR:-/tmp}/credlint-review
mkdir -p "$scratch"
for r in "${repos[@]}"; do
  gd=$mirrors/$r/repo
  rev=$(git --git-dir "$gd" rev-parse HEAD)
  date=$(git --git-dir "$gd" log -1 --format=%cs HEAD)
  tree=$scratch/$r
  rm -rf "$tree"; mkdir -p "$tree"
  extracted=$(python3 "$tools/extract.py" "$gd" "$tree" HEAD)
  (cd "$tree" && "$bin" scan --format json --min-severity note --fail-on never --today 2026-12-05 . \
     > "$scratch/$r.json" 2> "$scratch/$r.stderr") || { cat "$scratch/$r.stderr" >&2; echo "error: credlint failed on $r" >&2; exit 1; }
  python3 "$here/bench/review/review.py" report --repo "$r" --tree "$tree" --scan "$scratch/$r.json" \
    --rev "$rev" --rev-date "$date" --extracted "$extracted" --credlint-commit "$commit" \
    --verdicts "$here/bench/review/verdicts/$r.tsv" --out "$here/bench/review/$r.md"
done
python3 "$here/bench/review/review.py" precision --dir "$here/bench/review" --out "$here/bench/review/PRECISION.md"
