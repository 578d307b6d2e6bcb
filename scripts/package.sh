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
# Cargo treats a registry crate's version as immutable: it unpacks the crates packaged here once
# per version and keeps what it built from them, so a second run would verify the previous run's
# sources. Forget both, for our crates only.
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
target_dir="${CARGO_TARGET_DIR:-target}"
for crate in "${crates[@]}"; do
  rm -rf "$cargo_home"/registry/src/*/"$crate"-[0-9]* "$cargo_home"/registry/cache/*/"$crate"-[0-9]*.crate
  rm -rf "$target_dir"/debug/.fingerprint/"$crate"-* "$target_dir"/debug/deps/lib"${crate//-/_}"-* "$target_dir"/debug/deps/"${crate//-/_}"-*
done
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
