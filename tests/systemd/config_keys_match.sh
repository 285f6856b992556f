#!/usr/bin/env bash
# Usage: config_keys_match.sh EXAMPLE INSTALLED
# The installed default config (systemd/nbsync.toml) must document every key, set or
# commented out, of the documented example (systemd/nbsync.example.toml), in the same
# sections, and no other. `<key>_file` and `<key>` count as one key (a secret given as a
# file or as "credential:"/"env:").
set -euo pipefail

keys() {
  awk '
    { line = $0; sub(/^[ \t]*#?[ \t]*/, "", line) }
    line ~ /^\[\[?[a-z_.]+\]\]?/ { section = line; sub(/\].*/, "]", section); sub(/^\[+/, "", section); sub(/\]+$/, "", section); next }
    line ~ /^[a-z_]+[ \t]*=/ { key = line; sub(/[ \t]*=.*/, "", key); sub(/_file$/, "", key); print section "." key }
  ' "$1" | sort -u
}

if ! diff <(keys "$1") <(keys "$2"); then
  echo "FAIL: the keys of $2 (>) differ from those of $1 (<): keep the two configs in step"
  exit 1
fi
echo "ok: $2 documents the same $(keys "$1" | wc -l) keys as $1"
