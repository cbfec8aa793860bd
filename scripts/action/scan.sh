#!/usr/bin/env bash
# The GitHub Action's scan step. Two scans:
#  1. every finding, as SARIF, for code scanning (a result missing from an upload is closed as
#     fixed, so the upload must hold them all; never fails);
#  2. the gate's scan: on a pull request only the lines changed since its base (or INPUT_SINCE),
#     with the baseline when the file exists, as workflow commands that annotate the pull
#     request; its counts go to $GITHUB_OUTPUT for gate.sh and the workflow.
# Environment: CREDLINT (the binary), INPUT_PATH, INPUT_SINCE, INPUT_BASELINE, INPUT_SARIF_FILE,
# INPUT_ARGS, and what GitHub sets: GITHUB_OUTPUT, GITHUB_EVENT_NAME, GITHUB_BASE_REF,
# GITHUB_WORKSPACE, RUNNER_TEMP.
set -euo pipefail
credlint=${CREDLINT:-credlint}
cd "${GITHUB_WORKSPACE:-.}"
path=${INPUT_PATH:-.}
sarif=${INPUT_SARIF_FILE:-credlint.sarif}
read -r -a extra <<<"${INPUT_ARGS:-}"
out=${GITHUB_OUTPUT:?GITHUB_OUTPUT is set by GitHub}
tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}

"$credlint" scan --format sarif --output "$sarif" --fail-on never --quiet "${extra[@]}" "$path"
echo "sarif-file=$sarif" >> "$out"

gate=()
since=${INPUT_SINCE:-}
if [ -z "$since" ] && [ "${GITHUB_EVENT_NAME:-}" = pull_request ] && [ -n "${GITHUB_BASE_REF:-}" ]; then
  since="origin/$GITHUB_BASE_REF"
  # A checkout of one commit has no base branch to compare with: fetch it.
  if ! git rev-parse -q --verify "$since^{commit}" >/dev/null; then
    git fetch --no-tags --quiet origin "+refs/heads/$GITHUB_BASE_REF:refs/remotes/origin/$GITHUB_BASE_REF" || true
  fi
fi
[ -n "$since" ] && gate+=(--since "$since")
baseline=${INPUT_BASELINE:-}
[ -n "$baseline" ] && [ -f "$baseline" ] && gate+=(--baseline "$baseline")

# Annotations first (workflow commands on stdout), then the counts from the JSON summary.
status=0
"$credlint" scan --format github --fail-on never --quiet "${gate[@]}" "${extra[@]}" "$path" || status=$?
"$credlint" scan --format json --min-severity note --fail-on never --quiet "${gate[@]}" "${extra[@]}" "$path" > "$tmp/credlint-gate.json" || status=$?
if [ "$status" -ne 0 ]; then
  echo "::error::credlint could not scan (exit $status)"
  exit "$status"
fi
python3 - "$tmp/credlint-gate.json" "$out" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))["summary"]
with open(sys.argv[2], "a") as out:
    for key in ("errors", "warnings", "notes"):
        out.write(f"{key}={summary[key]}\n")
PY
