#!/usr/bin/env bash
# Benchmark: credlint against ripgrep searching credlint's own prefilter keywords, on the same
# trees, in the same run. Reports medians (hyperfine), throughput and the credlint/rg ratio, and
# peak memory (/usr/bin/time -v). Not a test: numbers go in the README.
#
#   bash bench/run.sh [TREE...]        default trees: ~/.cargo/registry/src, the Python stdlib, this checkout
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in rg hyperfine; do
  command -v "$tool" >/dev/null || { echo "installing $tool"; apt-get install -y -qq ripgrep hyperfine >/dev/null; }
done
cargo build --release -q
bin=$PWD/target/release/credlint
keywords=$(mktemp)
"$bin" rules --keywords > "$keywords"
if [ $# -eq 0 ]; then
  set -- "$HOME/.cargo/registry/src" "$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')" "$PWD"
fi
printf '| tree | files | MB | credlint median (s) | rg median (s) | credlint MB/s | ratio | credlint peak RSS (MB) | rg peak RSS (MB) |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for tree in "$@"; do
  json=$(mktemp)
  hyperfine --warmup 1 --runs "${RUNS:-5}" --ignore-failure --export-json "$json" -N \
    "$bin scan --no-config --fail-on never --format json --output /dev/null $tree" \
    "rg -i -F -c --no-messages -f $keywords $tree" >/dev/null 2>&1
  read -r cred rg <<<"$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(r[0]["median"], r[1]["median"])' "$json")"
  stats=$("$bin" scan --no-config --fail-on never --format json "$tree" 2>/dev/null | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print(s["files_scanned"], s["bytes_scanned"])')
  read -r files bytes <<<"$stats"
  rss_cred=$( { /usr/bin/time -v "$bin" scan --no-config --fail-on never --format json --output /dev/null "$tree" >/dev/null 2>/dev/null; } 2>&1 | awk '/Maximum resident/ {print $6}' || true)
  [ -n "$rss_cred" ] || rss_cred=$( (/usr/bin/time -v "$bin" scan --no-config --fail-on never --format json --output /dev/null "$tree" >/dev/null) 2>&1 | awk '/Maximum resident/ {print $6}')
  rss_rg=$( (/usr/bin/time -v rg -i -F -c --no-messages -f "$keywords" "$tree" >/dev/null) 2>&1 | awk '/Maximum resident/ {print $6}')
  python3 - "$tree" "$files" "$bytes" "$cred" "$rg" "$rss_cred" "$rss_rg" <<'PY'
import sys
tree, files, size, cred, rg, rss_c, rss_r = sys.argv[1:]
mb = int(size) / 1e6
print(f"| {tree} | {files} | {mb:.0f} | {float(cred):.3f} | {float(rg):.3f} | {mb/float(cred):.0f} | {float(cred)/float(rg):.2f} | {int(rss_c)/1024:.0f} | {int(rss_r)/1024:.0f} |")
PY
  rm -f "$json"
done
rm -f "$keywords"
