# `scripts/bench.sh regen [runs]`: regeneration of both pinned specs, ours against openapi-to-rust
# 0.23.0's `generate`, alternating (A B A B …), whole processes, release builds. Sourced.
#   ours:   `target/release/xtask regen` (one process, both specs, writes generated/)
#   theirs: `openapi-to-rust generate` once per spec (its unit of work), into a scratch directory
bench_regen() {
  local runs="${1:-10}" i api spec out start end
  cargo build -q --release -p xtask
  ./target/release/xtask fetch >/dev/null
  ensure_theirs_installed
  out="target/bench-work/theirs-regen"
  local ours_ms=() theirs_ms=()
  for i in $(seq "$runs"); do
    start=$(date +%s%N)
    ./target/release/xtask regen >/dev/null
    end=$(date +%s%N)
    ours_ms+=($(( (end - start) / 1000000 )))
    rm -rf "$out"
    start=$(date +%s%N)
    for api in openrouter langfuse; do
      case "$api" in openrouter) spec=.spec-cache/openrouter.yaml ;; langfuse) spec=.spec-cache/langfuse.yml ;; esac
      "$THEIRS_BIN" generate "$spec" --output-dir "$out/$api" --module-name "$api" >/dev/null 2>&1
    done
    end=$(date +%s%N)
    theirs_ms+=($(( (end - start) / 1000000 )))
  done
  local ours theirs
  ours=$(printf '%s\n' "${ours_ms[@]}" | median) theirs=$(printf '%s\n' "${theirs_ms[@]}" | median)
  echo "regen, both specs, whole process, median of $runs alternating runs (ms):"
  echo "  ours   $ours   (runs: ${ours_ms[*]})"
  echo "  theirs $theirs   (runs: ${theirs_ms[*]})"
  echo "  ours / theirs: $(ratio "$ours" "$theirs")"
  echo "load average: $(load_average) ($(nproc) cores)"
}
