# `scripts/bench.sh versus REV [pairs]`: what `cargo check` of the generated crates costs now
# against what it cost as committed at REV (a budget such as "no more than 5 % over the commit
# before this change"). Sourced.
#
# Both sides are checked in one scratch worktree, switched between REV and this checkout (HEAD
# with this checkout's `generated/` copied over it, uncommitted edits included): the same paths
# and target directory, so dependencies are built once per side and only the generated crates
# are timed. A worktree per side would give the crates other `-C metadata`; one workspace with the
# other side's `generated/` alone fails where its other members need newer features. CPU time of one rustc moves by ±10 % from run
# to run on a loaded 2-core machine, so when valgrind is installed each generated crate's rustc
# is also counted in instructions (cachegrind, no cache simulation), which repeat to the
# thousandth.

bench_versus() {
  local rev="${1:?usage: scripts/bench.sh versus REV [pairs]}" pairs="${2:-3}" i side
  git rev-parse --verify -q "$rev^{commit}" >/dev/null || { echo "bench: $rev is not a commit here" >&2; exit 2; }
  bench_setup
  # Its own target directory, never this checkout's, kept from run to run: the dependencies of
  # both sides take minutes to build and do not change.
  export CARGO_TARGET_DIR="$BENCH_WORK/versus-target"
  local work="$BENCH_WORK/versus" tree="$BENCH_WORK/versus/tree"
  git worktree remove --force "$tree" 2>/dev/null || true
  rm -rf "$work" && mkdir -p "$work/now"
  git worktree add -q --detach "$tree" HEAD
  # This checkout as it is, uncommitted edits included: what the budget is about.
  cp -r generated "$work/now/"
  local base_commit head_commit
  base_commit=$(git rev-parse "$rev^{commit}") head_commit=$(git rev-parse HEAD)
  use_side() {
    git -C "$tree" checkout -q -f --detach "$([ "$1" = base ] && echo "$base_commit" || echo "$head_commit")"
    git -C "$tree" clean -q -f -d -- generated
    if [ "$1" = now ]; then rm -rf "$tree/generated" && cp -r "$work/now/generated" "$tree/generated"; fi
  }
  lines() { find "$tree/generated" -name '*.rs' -exec cat {} + | wc -l; }
  use_side base && echo "base: $(git rev-parse --short "$rev"), $(lines) generated lines"
  use_side now && echo "now: $(lines) generated lines"
  in_tree() { (cd "$tree" && "$@"); }
  echo "building dependencies (untimed)"
  for side in base now; do use_side "$side" && in_tree cargo check -q -p openrouter-langfuse; done

  echo "clean check, $pairs pairs:"
  for i in $(seq "$pairs"); do
    for side in base now; do
      use_side "$side"
      in_tree cargo clean -q "${OURS_PACKAGES[@]}"
      (cd "$tree" && measure "$side" env CARGO_INCREMENTAL=0 cargo check -q -p openrouter-langfuse)
    done
  done
  echo
  printf '%-18s %9s %9s %9s\n' "clean check" "base" "now" "now/base"
  local col metric a b
  for col in 2 3 4; do
    case "$col" in 2) metric="CPU s" ;; 3) metric="wall s" ;; 4) metric="peak rustc MB" ;; esac
    a=$(median_of base "$col") b=$(median_of now "$col")
    printf '%-18s %9s %9s %9s\n' "$metric" "$a" "$b" "$(ratio "$b" "$a" 3)"
  done
  echo "(medians of $pairs; raw runs in ${BENCH_RESULTS#"$(pwd)"/}; load average: start $BENCH_LOAD_START, end $(load_average))"

  if ! command -v valgrind >/dev/null; then
    echo "valgrind is not installed: no instruction counts (they are what settles a few per cent)"
    return
  fi
  local counter="$work/count-instructions"
  cat > "$counter" <<'COUNT'
#!/usr/bin/env bash
# Runs one rustc under cachegrind and appends "crate instructions" to $BENCH_IR_FILE.
crate=""; previous=""
for arg in "$@"; do [ "$previous" = --crate-name ] && crate="$arg"; previous="$arg"; done
log=$(mktemp)
valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null --log-file="$log" "$@"
status=$?
echo "$crate $(awk '/I *refs:/ { gsub(",", "", $NF); print $NF }' "$log" | tail -1)" >> "$BENCH_IR_FILE"
rm -f "$log"
exit $status
COUNT
  chmod +x "$counter"
  echo
  echo "instructions of each generated crate's rustc (cachegrind, a few minutes per side):"
  for side in base now; do
    use_side "$side"
    in_tree cargo clean -q "${OURS_PACKAGES[@]}"
    : > "$work/ir-$side"
    (cd "$tree" && BENCH_IR_FILE="$work/ir-$side" RUSTC_WORKSPACE_WRAPPER="$counter" CARGO_INCREMENTAL=0 cargo check -q -p openrouter-langfuse)
  done
  printf '%-34s %16s %16s %9s\n' "crate" "base" "now" "now/base"
  # `___` and nameless runs are cargo asking rustc what it can build; %.0f: counts pass 2^31.
  awk 'NF < 2 || $1 == "___" { next } FNR == NR { base[$1] = $2; next } { now[$1] = $2 }
    END { for (c in now) if (c in base) { printf "%-34s %16.0f %16.0f %9.3f\n", c, base[c], now[c], now[c] / base[c]; tb += base[c]; tn += now[c] }
          printf "%-34s %16.0f %16.0f %9.3f\n", "all generated crates", tb, tn, tn / tb }' "$work/ir-base" "$work/ir-now"
  git worktree remove --force "$tree"
}
