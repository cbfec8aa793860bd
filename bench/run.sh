#!/usr/bin/env bash
# Benchmark: credlint against ripgrep searching the union of credlint's prefilter keywords, on
# the same trees, in the same run. Not a test: the tables it prints go in the README.
#
#   bash bench/run.sh [TREE...]
#
# Default trees: ~/.cargo/registry/src, the Python standard library, this checkout, and a
# generated tree (bench/gen_tree.py, TREE_MB megabytes, default 520) with planted credentials,
# which the run checks were all found. Then the pathological inputs (bench/hostile.py), each at
# two sizes, to show that time grows with size and no faster.
#
# Environment: RUNS (hyperfine runs per command, default 5), BENCH_DIR (where generated inputs
# are kept between runs, default /tmp/credlint-bench), TREE_MB, HOSTILE_ONLY (only the
# pathological inputs).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/credlint-bench}
runs=${RUNS:-5}
for tool in rg hyperfine; do
  command -v "$tool" >/dev/null || { echo "installing $tool" >&2; apt-get install -y -qq ripgrep hyperfine >/dev/null; }
done
[ -x /usr/bin/time ] || apt-get install -y -qq time >/dev/null
cargo build --release -q
bin=$PWD/target/release/credlint
mkdir -p "$work"
keywords=$work/keywords.txt
"$bin" rules --keywords > "$keywords"
scan=("$bin" scan --no-config --fail-on never --output /dev/null)
grep_=(rg -i -F -c --no-messages -f "$keywords")

# Median seconds of each command (hyperfine), as "credlint rg".
medians() {
  local json
  json=$(mktemp)
  hyperfine --warmup 1 --runs "$runs" --ignore-failure --export-json "$json" -N "$1" "$2" >/dev/null 2>&1
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[0]["median"], r[1]["median"])' "$json"
  rm -f "$json"
}
# Peak resident set size in KB of a command (GNU time writes it to its stderr).
peak() { ( /usr/bin/time -v "$@" >/dev/null 2>/tmp/credlint-bench-time.$$ ) 2>/dev/null || true; awk '/Maximum resident/ {print $6}' /tmp/credlint-bench-time.$$; rm -f /tmp/credlint-bench-time.$$; }

echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//'), $(free -g | awk '/Mem:/ {print $2}') GB RAM; $(date -u +%Y-%m-%d); credlint $("$bin" --version | cut -d' ' -f2), $(rg --version | sed -n 1p)"

# HOSTILE_ONLY=1: the pathological inputs alone (the trees take far longer).
if [ -z "${HOSTILE_ONLY:-}" ]; then
tree=$work/tree
if [ ! -f "$tree/planted.json" ]; then
  echo "generating ${TREE_MB:-520} MB tree in $tree" >&2
  python3 bench/gen_tree.py "$tree" "${TREE_MB:-520}"
fi
if [ $# -eq 0 ]; then
  set -- "$HOME/.cargo/registry/src" "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')" "$PWD" "$tree"
fi

echo
printf '| tree | files | MB | credlint median (s) | rg median (s) | credlint MB/s | ratio | credlint peak RSS (MB) | rg peak RSS (MB) |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for dir in "$@"; do
  read -r cred rg <<<"$(medians "${scan[*]} --format json $dir" "${grep_[*]} $dir")"
  read -r files bytes <<<"$("$bin" scan --no-config --fail-on never --format json "$dir" 2>/dev/null | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["files_scanned"], s["bytes_scanned"])')"
  rss_cred=$(peak "${scan[@]}" --format json "$dir")
  rss_rg=$(peak "${grep_[@]}" "$dir")
  python3 - "$dir" "$files" "$bytes" "$cred" "$rg" "$rss_cred" "$rss_rg" <<'PY'
import sys
tree, files, size, cred, rg, rss_c, rss_r = sys.argv[1:]
mb = int(size) / 1e6
print(f"| {tree} | {files} | {mb:.0f} | {float(cred):.3f} | {float(rg):.3f} | {mb/float(cred):.0f} | {float(cred)/float(rg):.2f} | {int(rss_c)/1024:.0f} | {int(rss_r)/1024:.0f} |")
PY
done

echo
"$bin" scan --no-config --fail-on never --format json "$tree" 2>/dev/null | python3 -c '
import json, sys
planted = json.load(open(sys.argv[1] + "/planted.json"))
report = json.load(sys.stdin)
root = sys.argv[1].rstrip("/") + "/"
# Every rule of each finding: one place reports several rules as one finding (`rules`).
found = {(f["location"]["path"].replace(root, "", 1), f["location"]["start"]["line"], r) for f in report["findings"] for r in f["rules"]}
wanted = {(p["path"], p["line"], p["rule"]) for p in planted["planted"]}
largest = max(len(open(sys.argv[1] + "/" + p, "rb").read()) for p in {w[0] for w in wanted})
print(f"generated tree: {planted['"'"'files'"'"']} files; {len(wanted & found)} of {len(wanted)} planted findings reported, "
      f"{len(found - wanted)} other findings, {len(report['"'"'problems'"'"'])} file problems")
missed = sorted(wanted - found)
if missed:
    print("MISSED:", missed[:10])
    sys.exit(1)
' "$tree"
fi

echo
echo "Pathological inputs, each at two sizes (growth = time at 2x / time at 1x; 2.0 is linear):"
echo
for scale in 1 2; do
  [ -d "$work/hostile/$scale/keyword-line" ] || python3 bench/hostile.py "$work/hostile/$scale" "$scale"
done
printf '| case | size 1x (MB) | credlint 1x (s) | credlint 2x (s) | growth | rg 1x (s) | rg 2x (s) | credlint peak RSS 2x (MB) |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for case in minified short-lines dense-config deep-yaml tiny-files ini-sections dotted-keys npmrc-scopes \
    rust-bindings long-line many-findings keyword-line huge-skipped; do
  # The 1 GB file is the size cap's case: the default cap must skip it unread. The output cases
  # are written in the format whose growth they test.
  case $case in
    huge-skipped) cap=(--format json) ;;
    long-line) cap=(--max-file-size 1G --format human) ;;
    many-findings) cap=(--max-file-size 1G --format sarif) ;;
    *) cap=(--max-file-size 1G --format json) ;;
  esac
  one=$work/hostile/1/$case
  two=$work/hostile/2/$case
  read -r c1 r1 <<<"$(medians "${scan[*]} ${cap[*]} $one" "${grep_[*]} $one")"
  read -r c2 r2 <<<"$(medians "${scan[*]} ${cap[*]} $two" "${grep_[*]} $two")"
  size=$(du -sb --apparent-size "$one" | cut -f1)
  rss=$(peak "${scan[@]}" "${cap[@]}" "$two")
  python3 -c '
import sys
case, size, c1, c2, r1, r2, rss = sys.argv[1:]
print(f"| {case} | {int(size)/1e6:.1f} | {float(c1):.3f} | {float(c2):.3f} | {float(c2)/float(c1):.2f} | {float(r1):.3f} | {float(r2):.3f} | {int(rss)/1024:.0f} |")
' "$case" "$size" "$c1" "$c2" "$r1" "$r2" "$rss"
done
