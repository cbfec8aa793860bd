#!/usr/bin/env bash
# The GitHub Action's install step: builds credlint from the action's own checkout into
# $CREDLINT_BIN_DIR, unless the cache already restored a binary of the same sources there.
set -euo pipefail
bin_dir=${CREDLINT_BIN_DIR:?CREDLINT_BIN_DIR is set by action.yml}
if [ -x "$bin_dir/credlint" ] && "$bin_dir/credlint" --version >/dev/null 2>&1; then
  echo "credlint from the cache: $("$bin_dir/credlint" --version)"
  exit 0
fi
command -v cargo >/dev/null || { echo "::error::credlint's action needs cargo (GitHub's hosted runners have it)"; exit 2; }
cargo install --locked --quiet --root "$bin_dir.root" --path "${GITHUB_ACTION_PATH:?}"
mkdir -p "$bin_dir"
cp "$bin_dir.root/bin/credlint" "$bin_dir/credlint"
echo "credlint built: $("$bin_dir/credlint" --version)"
