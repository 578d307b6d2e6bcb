# `scripts/bench.sh build [pairs]` and `scripts/bench.sh features FEATURES [runs]`: compile cost
# of the generated crates, ours against openapi-to-rust's output for the same pinned specs. Sourced.

OURS_PACKAGES=(-p openrouter-langfuse -p openrouter-langfuse-runtime -p openrouter-langfuse-openrouter -p openrouter-langfuse-langfuse)
OURS_TOUCHED=generated/openrouter/src/types.rs
BENCH_WORK=target/bench-work

bench_setup() {
  ensure_gnu_time
  mkdir -p "$BENCH_WORK"
  BENCH_WORK=$(cd "$BENCH_WORK" && pwd)
  BENCH_WRAPPER="$BENCH_WORK/rustc-wrapper"
  BENCH_RESULTS="$BENCH_WORK/results.tsv"
  : > "$BENCH_RESULTS"
  write_rustc_wrapper "$BENCH_WRAPPER"
  export BENCH_WRAPPER BENCH_RESULTS
  BENCH_LOAD_START=$(load_average)
  echo "load average at start: $BENCH_LOAD_START ($(nproc) cores)"
}

# ours/theirs CARGO-ARGS...: cargo on one side's generated crates only, from that side's workspace.
ours() { cargo "$@"; }
theirs() { (cd "$BENCH_WORK/theirs" && cargo "$@"); }

# clean_run SIDE NAME SUBCOMMAND: a crate-only clean build (or check) of one side, dependencies
# already built; non-incremental, since a clean build gains nothing from incremental state.
clean_run() {
  local side="$1" name="$2" sub="$3" packages
  if [ "$side" = ours ]; then packages=("${OURS_PACKAGES[@]}"); else packages=("${THEIRS_PACKAGES[@]}"); fi
  "$side" clean -q "${packages[@]}"
  if [ "$side" = ours ]; then
    measure "$name" env CARGO_INCREMENTAL=0 cargo "$sub" -q -p openrouter-langfuse
  else
    measure "$name" env CARGO_INCREMENTAL=0 sh -c "cd '$BENCH_WORK/theirs' && exec cargo $sub -q ${THEIRS_PACKAGES[*]}"
  fi
}

# touch_run SIDE NAME: what an edit-compile loop pays after one generated file changes (dev
# profile, incremental on, as cargo defaults to).
touch_run() {
  local side="$1" name="$2"
  if [ "$side" = ours ]; then
    touch "$OURS_TOUCHED"
    measure "$name" env CARGO_INCREMENTAL=1 cargo build -q -p openrouter-langfuse
  else
    touch "$THEIRS_LARGEST"
    measure "$name" env CARGO_INCREMENTAL=1 sh -c "cd '$BENCH_WORK/theirs' && exec cargo build -q ${THEIRS_PACKAGES[*]}"
  fi
}

bench_build() {
  local pairs="${1:-3}" i
  bench_setup
  ensure_theirs_installed
  theirs_generate "$BENCH_WORK/theirs"
  echo "their crates: $(find "$BENCH_WORK"/theirs/theirs-*/src -name '*.rs' -exec cat {} + | wc -l) lines; ours: $(find generated/*/src generated/src -name '*.rs' -exec cat {} + | wc -l) lines"
  echo "their largest file (touched for the incremental run): ${THEIRS_LARGEST#"$BENCH_WORK"/}"

  echo "building dependencies (untimed)"
  local sub
  for sub in build check; do
    ours "$sub" -q -p openrouter-langfuse
    theirs "$sub" -q "${THEIRS_PACKAGES[@]}"
  done

  # Alternating ours and theirs spreads any drift in machine load over both sides.
  for sub in build check; do
    echo "clean $sub, $pairs pairs:"
    for i in $(seq "$pairs"); do
      clean_run ours "ours-$sub" "$sub"
      clean_run theirs "theirs-$sub" "$sub"
    done
  done

  echo "incremental rebuild after touching one generated file, $pairs pairs:"
  # Warm up under the wrapper the measured runs use: cargo fingerprints the wrapper, so a warm-up
  # without it left the first measured rebuild a full one.
  CARGO_INCREMENTAL=1 RUSTC_WORKSPACE_WRAPPER="$BENCH_WRAPPER" ours build -q -p openrouter-langfuse
  CARGO_INCREMENTAL=1 RUSTC_WORKSPACE_WRAPPER="$BENCH_WRAPPER" theirs build -q "${THEIRS_PACKAGES[@]}"
  for i in $(seq "$pairs"); do
    touch_run ours ours-incr
    touch_run theirs theirs-incr
  done

  summary_table "clean build:ours-build:theirs-build" "clean check:ours-check:theirs-check" "touch rebuild:ours-incr:theirs-incr"
}

# FEATURES: a comma-separated list (a leading `--features` is accepted too), built with the default
# features off; the TLS backend stays as in the full build so no dependency is rebuilt.
bench_features() {
  local features="${1:?usage: scripts/bench.sh features FEATURES [runs]}" runs="${2:-3}" i
  features="${features#--features}"; features="${features#=}"; features="${features# }"
  bench_setup
  ours build -q -p openrouter-langfuse
  ours build -q -p openrouter-langfuse --no-default-features --features "rustls-tls,$features"
  for i in $(seq "$runs"); do
    ours clean -q "${OURS_PACKAGES[@]}"
    measure all env CARGO_INCREMENTAL=0 cargo build -q -p openrouter-langfuse
    ours clean -q "${OURS_PACKAGES[@]}"
    measure subset env CARGO_INCREMENTAL=0 cargo build -q -p openrouter-langfuse --no-default-features --features "rustls-tls,$features"
  done
  local all subset
  all=$(median_of all 2) subset=$(median_of subset 2)
  echo
  printf '%-34s %10s %10s %14s\n' "clean dev build (median of $runs)" "CPU s" "wall s" "peak rustc MB"
  printf '%-34s %10s %10s %14s\n' "both features (default)" "$all" "$(median_of all 3)" "$(median_of all 4)"
  printf '%-34s %10s %10s %14s\n' "--features $features" "$subset" "$(median_of subset 3)" "$(median_of subset 4)"
  echo "CPU ratio [$features] / both features: $(ratio "$subset" "$all" 3)"
  # The ratio of each alternating pair too: the medians can land on either side of a target that
  # the spread straddles, and the spread says how far to trust them.
  echo "per-pair ratios, in run order: $(awk -F'\t' '$1 == "all" { a[++n] = $2 } $1 == "subset" { s[++m] = $2 }
    END { for (i = 1; i <= m; i++) printf "%.3f ", s[i] / a[i]; printf "\n" }' "$BENCH_RESULTS")"
  echo "load average: start $BENCH_LOAD_START, end $(load_average) (CPU seconds move far less with load than wall time)"
}

# summary_table "LABEL:OURS_NAME:THEIRS_NAME"...
summary_table() {
  echo
  printf '%-15s %-14s %9s %9s %7s\n' "" "metric" "ours" "theirs" "ours/theirs"
  local row label o t col metric a b
  for row in "$@"; do
    IFS=: read -r label o t <<< "$row"
    for col in 2 3 4; do
      case "$col" in 2) metric="CPU s" ;; 3) metric="wall s" ;; 4) metric="peak rustc MB" ;; esac
      a=$(median_of "$o" "$col") b=$(median_of "$t" "$col")
      printf '%-15s %-14s %9s %9s %7s\n' "$label" "$metric" "$a" "$b" "$(ratio "$a" "$b")"
      label=""
    done
  done
  echo "(medians; raw runs in ${BENCH_RESULTS#"$(pwd)"/})"
  echo "load average: start $BENCH_LOAD_START, end $(load_average); CPU seconds move far less with load than wall time"
}
