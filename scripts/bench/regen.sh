# `scripts/bench.sh regen [runs]`: the regeneration and feature-set build budgets. Sourced.
#   1. `cargo xtask regen` for both specs, whole process, release-built xtask: median of N runs.
#   2. Clean dev build of the generated crates only (dependencies already built), CARGO_INCREMENTAL=0.
bench_regen() {
  local runs="${1:-10}"
  cargo build -q --release -p xtask
  ./target/release/xtask fetch >/dev/null

  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    ./target/release/xtask regen >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000000 )))
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  echo "regen (whole process, both specs): median ${sorted[$(( runs / 2 ))]} ms, min ${sorted[0]} ms, max ${sorted[$(( runs - 1 ))]} ms over $runs runs"

  generated=(-p openrouter-langfuse -p openrouter-langfuse-runtime -p openrouter-langfuse-openrouter -p openrouter-langfuse-langfuse)
  cargo build -q "${generated[@]}"
  for features in "openrouter,langfuse" "openrouter" "langfuse"; do
    cargo clean -q "${generated[@]}"
    start=$(date +%s%N)
    CARGO_INCREMENTAL=0 cargo build -q -p openrouter-langfuse --no-default-features --features "$features"
    end=$(date +%s%N)
    echo "clean dev build of the generated crates, features [$features]: $(( (end - start) / 1000000 )) ms"
  done
}
