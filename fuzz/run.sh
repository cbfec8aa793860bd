#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600) each, one after the other, seeded from the
# fixtures and rule files, and prints each target's executions. Needs cargo-fuzz
# (`cargo install cargo-fuzz`); on a stable toolchain RUSTC_BOOTSTRAP=1 lets it pass its -Z flags.
# Usage: bash fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(ls fuzz_targets | sed 's/\.rs$//')
fi
export RUSTC_BOOTSTRAP=1
python3 seed.py
# No sanitizer: the code is safe Rust, and the fuzzer runs several times faster without ASan.
# Debug assertions on: integer overflow and slice-bound checks are what a fuzzer should hit.
flags=(-s none -O -a)
cargo fuzz build "${flags[@]}"
mkdir -p logs
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  # -max_len: large enough for real config files, small enough to keep executions fast.
  # -timeout: generous, so that a loaded machine is not mistaken for a hang.
  if cargo fuzz run "${flags[@]}" "$target" "corpus/$target" -- \
      -max_total_time="$seconds" -max_len=65536 -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
      > "logs/$target.log" 2>&1; then
    status=ok
  else
    status="FAILED (see fuzz/logs/$target.log and fuzz/artifacts/$target/)"
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "logs/$target.log" | grep -o '[0-9]*$' || echo '?')
  printf '%-22s %8ss %12s executions  %s\n' "$target" "$seconds" "$runs" "$status"
done
