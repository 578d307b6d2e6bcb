#!/usr/bin/env bash
# Packages the generated crates as they would be published, in dependency order (runtime, the API
# crates of every pin in specs/, then the facade), and builds each from its packaged sources. Path dependencies on
# each other resolve to the crates packaged in the same run, so nothing needs to be published first.
# Extra arguments go to `cargo package` (e.g. --no-verify for a quick look).
set -euo pipefail
cd "$(dirname "$0")/.."
crates=(openrouter-langfuse-runtime)
while read -r api; do crates+=("openrouter-langfuse-$api"); done < <(bash scripts/apis.sh)
crates+=(openrouter-langfuse)
args=()
for crate in "${crates[@]}"; do args+=(-p "$crate"); done
# --allow-dirty: this checks what a publish would contain, also mid-change; whether the tree is
# committed is the publisher's concern.
cargo package --allow-dirty "${args[@]}" "$@"
for crate in "${crates[@]}"; do
  listing=$(cargo package --allow-dirty --list -p "$crate")
  for file in LICENSE-MIT LICENSE-APACHE README.md Cargo.toml; do
    grep -qx "$file" <<<"$listing" || { echo "$crate: the package lacks $file" >&2; exit 1; }
  done
done
echo "package: ${crates[*]}: ok"
