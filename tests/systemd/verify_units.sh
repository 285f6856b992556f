#!/usr/bin/env bash
# Usage: verify_units.sh UNIT BINARY SYSUSERS
# Runs `systemd-analyze verify` on the generated nbsync.service, with ExecStart pointed at
# the freshly built BINARY (verify insists that it exists), and fails on anything it says
# about nbsync. Then applies SYSUSERS to an empty root and checks it creates the nbsync
# user and group. Exits 77 (skipped) when systemd-analyze is not installed.
set -euo pipefail
unit=$1 binary=$2 sysusers=$3

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze is not installed"
  exit 77
fi
[ -x "$binary" ] || { echo "FAIL: $binary is not an executable (build the nbsync target)"; exit 1; }
grep -q '^ExecStart=/[^ ]*/nbsync daemon ' "$unit" || { echo "FAIL: $unit: no 'ExecStart=<path>/nbsync daemon ...' line"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|^ExecStart=/[^ ]*/nbsync |ExecStart=$binary |" "$unit" >"$tmp/nbsync.service"

# verify also reports problems of unrelated units installed on this machine: keep ours.
output=$(SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$tmp/nbsync.service" 2>&1) || status=$?
ours=$(grep -i 'nbsync' <<<"$output" || true)
if [ -n "$ours" ] || [ "${status:-0}" -ne 0 ]; then
  echo "FAIL: systemd-analyze verify (exit ${status:-0}) on $unit:"
  echo "$output"
  exit 1
fi
echo "ok: systemd-analyze verify has nothing to say about nbsync.service"

if command -v systemd-sysusers >/dev/null; then
  mkdir -p "$tmp/root/etc"
  systemd-sysusers --root="$tmp/root" "$sysusers"
  grep -q '^nbsync:x:[0-9]*:[0-9]*:.*:/var/lib/nbsync:/usr/sbin/nologin$' "$tmp/root/etc/passwd" ||
    { echo "FAIL: $sysusers did not create the nbsync user:"; cat "$tmp/root/etc/passwd"; exit 1; }
  grep -q '^nbsync:x:' "$tmp/root/etc/group" || { echo "FAIL: $sysusers did not create the nbsync group"; exit 1; }
  echo "ok: $sysusers creates the system user and group nbsync"
fi
