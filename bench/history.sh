#!/usr/bin/env bash
# History benchmark: `credlint scan --history` on a generated repository (COMMITS commits,
# COMMITS * FILES distinct blobs of mixed kinds, planted passwords that must be found) and on this
# checkout, with wall time, blobs per second and peak RSS (/usr/bin/time); then the two git
# backends side by side on the same repositories: the git CLI path credlint uses (one `git log
# --raw` pass, one `git cat-file --batch` reading every distinct blob) against gitoxide
# (bench/history/gix_probe.rs, built here in a temporary crate: credlint does not depend on gix).
# Not a test: numbers go in the README. Prints markdown tables.
#
#   bash bench/history.sh [REPO...]     COMMITS=10000 FILES=10 RUNS=3 by default; each REPO (a
#                                       clone of a large real repository) is measured too
set -euo pipefail
extras=()
for extra in "$@"; do
  extras+=("$(cd "$extra" && pwd)")
done
set -- "${extras[@]+"${extras[@]}"}"
cd "$(dirname "$0")/.."
here=$PWD
COMMITS=${COMMITS:-10000}
FILES=${FILES:-10}
cargo build --release -q
bin=$here/target/release/credlint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "generating $COMMITS commits x $FILES files with git fast-import..." >&2
repo=$work/generated
git init -q -b main "$repo"
start=$(date +%s.%N)
python3 bench/history/generate.py "$COMMITS" "$FILES" | git -C "$repo" fast-import --quiet
echo "generated in $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)") s" >&2

echo "building the gix probe..." >&2
probe_crate=$work/gix-probe
mkdir -p "$probe_crate"
cat > "$probe_crate/Cargo.toml" <<TOML
[package]
name = "gix-probe"
version = "0.0.0"
edition = "2024"
publish = false

[[bin]]
name = "gix-probe"
path = "$here/bench/history/gix_probe.rs"

[dependencies]
gix = { version = "0.68", default-features = false, features = ["max-performance-safe"] }

[profile.release]
codegen-units = 4
TOML
probe=""
if CARGO_TARGET_DIR=$here/target/bench-gix-probe cargo build --release -q --manifest-path "$probe_crate/Cargo.toml" 2>"$work/probe-build.log"; then
  probe=$here/target/bench-gix-probe/release/gix-probe
else
  echo "the gix probe did not build (see below); comparing without it" >&2
  tail -20 "$work/probe-build.log" >&2
fi

# timed OUT CMD...: runs CMD, writes "seconds max_rss_kb" to OUT.
timed() {
  local out=$1
  shift
  /usr/bin/time -f "%e %M" -o "$out" "$@"
}

# scan_row NAME DIR CONFIG: RUNS runs of a history scan; the median wall time, the largest RSS.
scan_row() {
  local name=$1 dir=$2 config=$3
  : > "$work/times"
  for _ in $(seq "${RUNS:-3}"); do
    (cd "$dir" && timed "$work/time" "$bin" scan --history $config --fail-on never --format json --output "$work/report.json" 2>/dev/null)
    cat "$work/time" >> "$work/times"
  done
  read -r seconds rss <<<"$(sort -n "$work/times" | awk '{ t[NR] = $1; if ($2 > m) m = $2 } END { print t[int((NR + 1) / 2)], m }')"
  python3 - "$name" "$seconds" "$rss" "$work/report.json" <<'PY'
import json, sys
name, seconds, rss, path = sys.argv[1:]
report = json.load(open(path))
summary = report["summary"]
blobs, commits = summary["blobs_scanned"], summary["commits_scanned"]
removed = sum(1 for f in report["findings"] if f["rule"] == "basic-auth-password" and f.get("removed_in"))
print(f"| {name} | {commits:,} | {blobs:,} | {summary['bytes_scanned'] / 1e6:.0f} | {float(seconds):.2f} | {blobs / max(float(seconds), 0.01):,.0f} | {int(rss) / 1024:.0f} | {len(report['findings'])} ({removed} removed passwords) |")
PY
}

echo
echo "### credlint scan --history"
echo
echo "| repository | commits | distinct blobs | MB | wall (s, median of ${RUNS:-3}) | blobs/s | peak RSS (MB) | findings |"
echo "|---|---|---|---|---|---|---|---|"
scan_row "generated" "$repo" --no-config
# The generated repository plants 5 passwords, each deleted 500 commits later.
found=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(len({f["location"]["path"] for f in r["findings"] if f["rule"]=="basic-auth-password" and f.get("removed_in") and f["location"]["path"].startswith("deploy/planted")}))' "$work/report.json")
# This checkout with its own .credlint.toml, which excludes the fixtures (planted on purpose).
scan_row "this checkout" "$here" ""
for extra in "$@"; do
  scan_row "$extra" "$extra" ""
done
if [ "$COMMITS" -ge 10000 ] && [ "$found" -ne 5 ]; then
  echo "error: expected the 5 planted passwords to be reported as removed, found $found" >&2
  exit 1
fi

backend_rows() {
  local name=$1 dir=$2
  # git CLI: the enumeration credlint runs, then cat-file over every distinct blob it lists.
  timed "$work/time-log" git -C "$dir" -c core.quotePath=false log --all --reverse --topo-order --format=%x01%H \
    --raw --no-abbrev --no-renames --root --diff-merges=first-parent -z --no-color -- > "$work/log"
  python3 - "$work/log" > "$work/blobs" <<'PY'
import sys
seen = set()
tokens = open(sys.argv[1], "rb").read().split(b"\0")
i = 0
while i < len(tokens):
    record = tokens[i].lstrip(b"\n")
    if record.startswith(b":"):
        fields = record[1:].split(b" ")
        if fields[1].startswith(b"100") and fields[3] not in seen and fields[3] != b"0" * 40:
            seen.add(fields[3])
            print(fields[3].decode())
        i += 1
    i += 1
PY
  timed "$work/time-read" sh -c "git -C '$dir' cat-file --batch < '$work/blobs' | wc -c > '$work/bytes'"
  read -r log_s log_rss < "$work/time-log"
  read -r read_s read_rss < "$work/time-read"
  local blobs bytes
  blobs=$(wc -l < "$work/blobs")
  # Content bytes, without cat-file's headers (untimed).
  bytes=$(git -C "$dir" cat-file --batch-check='%(objectsize)' < "$work/blobs" | awk '{ n += $1 } END { print n + 0 }')
  python3 - "$name" git-CLI "$blobs" "$bytes" "$log_s" "$read_s" "$log_rss" "$read_rss" <<'PY'
import sys
name, backend, blobs, size, enum_s, read_s, rss1, rss2 = sys.argv[1:]
total = float(enum_s) + float(read_s)
print(f"| {name} | {backend} | {int(blobs):,} | {int(size) / 1e6:.0f} | {float(enum_s):.2f} | {float(read_s):.2f} | {total:.2f} | {int(blobs) / max(total, 0.01):,.0f} | {max(int(rss1), int(rss2)) / 1024:.0f} |")
PY
  if [ -n "$probe" ]; then
    timed "$work/time-gix" "$probe" "$dir" > "$work/gix"
    read -r gix_s gix_rss < "$work/time-gix"
    python3 - "$name" "$(cat "$work/gix")" "$gix_rss" <<'PY'
import sys
name, line, rss = sys.argv[1:]
values = dict(part.split("=") for part in line.split())
total = float(values["total_s"])
print(f"| {name} | gix 0.68 | {int(values['blobs']):,} | {int(values['bytes']) / 1e6:.0f} | {float(values['enumerate_s']):.2f} | {float(values['read_s']):.2f} | {total:.2f} | {int(values['blobs']) / max(total, 0.01):,.0f} | {int(rss) / 1024:.0f} |")
PY
  fi
}

echo
echo "### git backends: enumerate every distinct blob reachable from the refs, then read each (single-threaded, no scanning)"
echo
echo "| repository | backend | distinct blobs | MB | enumerate (s) | read (s) | total (s) | blobs/s | peak RSS (MB) |"
echo "|---|---|---|---|---|---|---|---|---|"
backend_rows "generated" "$repo"
backend_rows "this checkout" "$here"
for extra in "$@"; do
  backend_rows "$extra" "$extra"
done
echo
echo "$(nproc) cores; $(git --version); timings are single runs and noisy when other work shares the machine." 
