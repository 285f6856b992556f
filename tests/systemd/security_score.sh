#!/usr/bin/env bash
# Usage: security_score.sh UNIT MAX ACCEPTED...
# Fails when `systemd-analyze security --offline=true` rates UNIT's overall exposure above
# MAX (0.0 = perfect .. 10.0 = dangerous), or when it flags (✗) a check not named in
# ACCEPTED: the score is rounded, so a small loosening shows only in the list.
# Exits 77 (skipped) when systemd-analyze is not installed.
set -euo pipefail
unit=$1 max=$2
shift 2
accepted=$(printf '%s\n' "$@" | sort)

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$unit" "$tmp/nbsync.service"
output=$(SYSTEMD_LOG_COLOR=0 systemd-analyze security --offline=true --no-pager "$tmp/nbsync.service" 2>&1) || true
line=$(grep 'Overall exposure level for nbsync.service:' <<<"$output" || true)
score=$(sed -n 's/.*Overall exposure level for nbsync\.service: \([0-9][0-9]*\.[0-9]\).*/\1/p' <<<"$line")
if [ -z "$score" ]; then
  echo "FAIL: no 'Overall exposure level' line in:"
  echo "$output"
  exit 1
fi
echo "$line"
if awk -v s="$score" -v m="$max" 'BEGIN { exit !(s > m) }'; then
  echo "FAIL: exposure $score is above $max; settings that cost points:"
  grep '✗' <<<"$output" || true
  exit 1
fi
echo "ok: exposure $score <= $max"

flagged=$(awk '$1 == "✗" { print $2 }' <<<"$output" | sort)
if [ "$flagged" != "$accepted" ]; then
  echo "FAIL: the checks that cost points changed (< accepted, > flagged now):"
  diff <(echo "$accepted") <(echo "$flagged") || true
  exit 1
fi
echo "ok: only the accepted checks cost points: ${flagged//$'\n'/ }"
