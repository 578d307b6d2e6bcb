#!/usr/bin/env bash
# Every cargo feature of the facade alone (each API, each API's tags), checked with clippy
# -D warnings: slow (one check per feature), so CI runs a representative set (scripts/test-all.sh)
# and this runs them all. Features are read from the generated manifest, so new tags are included.
set -euo pipefail
cd "$(dirname "$0")/.."
features=$(awk '/^\[features\]/ { on = 1; next } /^\[/ { on = 0 } on && /^[a-z0-9-]+ = / { print $1 }' generated/Cargo.toml \
  | grep -v -E '^(default|rustls-tls|rustls-tls-native-roots|native-tls)$')
failed=()
count=0
for feature in $features; do
  count=$((count + 1))
  if ! cargo clippy -q -p openrouter-langfuse --no-default-features --features "$feature,rustls-tls" -- -D warnings; then
    failed+=("$feature")
  fi
done
echo "features checked alone: $count, failed: ${#failed[@]} ${failed[*]:-}"
[ "${#failed[@]}" -eq 0 ]
