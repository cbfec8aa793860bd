#!/usr/bin/env bash
# The GitHub Action's gate step: fails when the gated scan has a finding at or above
# INPUT_FAIL_ON (error, warning, note; never: always passes). Counts come from scan.sh.
set -euo pipefail
errors=${ERRORS:-0} warnings=${WARNINGS:-0} notes=${NOTES:-0}
case ${INPUT_FAIL_ON:-error} in
  never) over=0 ;;
  error) over=$errors ;;
  warning) over=$((errors + warnings)) ;;
  note) over=$((errors + warnings + notes)) ;;
  *) echo "::error::fail-on must be error, warning, note or never, not '${INPUT_FAIL_ON}'"; exit 2 ;;
esac
echo "credlint: $errors errors, $warnings warnings, $notes notes (fail-on ${INPUT_FAIL_ON:-error})"
[ "$over" -eq 0 ]
