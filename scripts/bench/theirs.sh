# The comparison generator, openapi-to-rust 0.23.0: installed into a cache under target/ (ignored
# by git and reused across runs), run on our pinned specs into a scratch workspace. Sourced by
# scripts/bench.sh; nothing it writes is committed.

THEIRS_VERSION=0.23.0
THEIRS_ROOT="target/bench-tools/openapi-to-rust-$THEIRS_VERSION"
THEIRS_BIN="$THEIRS_ROOT/bin/openapi-to-rust"

ensure_theirs_installed() {
  [ -x "$THEIRS_BIN" ] && return
  echo "installing openapi-to-rust $THEIRS_VERSION into $THEIRS_ROOT (once)" >&2
  cargo install -q --locked --version "$THEIRS_VERSION" openapi-to-rust --root "$THEIRS_ROOT"
}

# theirs_generate WORK: one crate per API under WORK, in one workspace so cargo builds them in
# parallel, as it does ours. Sets THEIRS_PACKAGES and THEIRS_LARGEST (the file touched for the
# incremental run).
theirs_generate() {
  local work="$1" root
  root=$(pwd)
  rm -rf "$work"
  mkdir -p "$work"
  local api spec
  for api in openrouter langfuse; do
    case "$api" in
      openrouter) spec="$root/.spec-cache/openrouter.yaml" ;;
      langfuse) spec="$root/.spec-cache/langfuse.yml" ;;
    esac
    [ -f "$spec" ] || { echo "bench: $spec missing: run \`cargo xtask fetch\` first" >&2; exit 2; }
    theirs_generate_crate "$work/theirs-$api" "$spec" "$api"
  done
  theirs_workspace_manifest "$work"
  # Starting from our lock file resolves the shared dependencies to the versions ours builds with;
  # cargo adds whatever only their output needs.
  cp Cargo.lock "$work/Cargo.lock"
  THEIRS_PACKAGES=(-p theirs-openrouter -p theirs-langfuse)
  THEIRS_LARGEST=$(find "$work"/theirs-*/src -name '*.rs' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
}

# The same profile tweaks as our workspace (they optimise proc-macro crates such as syn, which
# speeds up every derive), so a difference in the measured build is a difference in the code.
theirs_workspace_manifest() {
  local work="$1"
  {
    printf '[workspace]\nresolver = "2"\nmembers = ["theirs-openrouter", "theirs-langfuse"]\n\n'
    awk '/^\[profile\.dev\.package\./ { keep = 1 } /^\[/ && !/^\[profile\.dev\.package\./ { keep = 0 } keep' Cargo.toml
  } > "$work/Cargo.toml"
}

# Direct mode needs no config file; the generator writes the dependencies its output uses as a
# Cargo.toml fragment (REQUIRED_DEPS.toml), which becomes the crate's dependency list.
theirs_generate_crate() {
  local dir="$1" spec="$2" api="$3"
  mkdir -p "$dir/src"
  "$THEIRS_BIN" generate "$spec" --output-dir "$dir/src/$api" --module-name "$api" >/dev/null 2>&1 || "$THEIRS_BIN" generate "$spec" --output-dir "$dir/src/$api" --module-name "$api"
  printf 'pub mod %s;\n' "$api" > "$dir/src/lib.rs"
  {
    printf '[package]\nname = "theirs-%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n' "$api"
    grep -v '^#' "$dir/src/$api/REQUIRED_DEPS.toml"
  } > "$dir/Cargo.toml"
  rm "$dir/src/$api/REQUIRED_DEPS.toml"
}
