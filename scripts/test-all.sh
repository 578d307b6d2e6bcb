#!/usr/bin/env bash
# Runs every check this repository has. Specs come from the cache (`.spec-cache/`), which the first
# step fills: from SPECS_MIRROR (a directory holding the pinned files and history/) when it is set,
# else from the pinned URLs. Tests read only the cache, never SPECS_MIRROR.
set -euo pipefail
# A relative SPECS_MIRROR means relative to where this script was started, not to the repository.
if [ -n "${SPECS_MIRROR:-}" ]; then
  SPECS_MIRROR=$(cd "$SPECS_MIRROR" && pwd) || { echo "SPECS_MIRROR=$SPECS_MIRROR: no such directory" >&2; exit 2; }
  export SPECS_MIRROR
fi
cd "$(dirname "$0")/.."
# Disk, not CPU, is what a CI machine runs out of first: a full run with incremental caches and full
# debug info left 11 GB in target/. Tests need neither: a panic still names its file and line.
export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=0
step() { printf '\n== %s\n' "$*"; }
mapfile -t apis < <(bash scripts/apis.sh)
all_apis=$(IFS=,; echo "${apis[*]}")

step "fetch pinned specs, current and history (verifies sha256)"
cargo xtask fetch
# Nothing after this line may depend on the mirror: the cache is the one source of spec bytes.
unset SPECS_MIRROR

step "drift check: generated/ matches the pinned specs"
cargo xtask check

step "the generator and its tools: clippy -D warnings"
cargo clippy -q -p codegen -p xtask -p test-support --all-targets -- -D warnings

step "generated crate: zero warnings, clippy -D warnings, per API feature (${all_apis}) alone, and all together with observe and the experiments' progress-bar"
for features in "${apis[@]}" "$all_apis,observe,progress-bar"; do
  cargo clippy -q -p openrouter-langfuse --no-default-features --features "$features" --all-targets -- -D warnings
done

step "per-tag features alone (a representative set; scripts/check-features.sh tries every one): zero warnings, clippy -D warnings"
for features in "openrouter-chat" "openrouter-models" "langfuse-prompts" "langfuse-ingestion" "openrouter-chat,observe" "langfuse-prompts,observe"; do
  cargo clippy -q -p openrouter-langfuse --no-default-features --features "$features,rustls-tls" -- -D warnings
done

step "generated crates: docs of every published crate build cleanly"
doc_crates=(-p openrouter-langfuse -p openrouter-langfuse-runtime)
for api in "${apis[@]}"; do doc_crates+=(-p "openrouter-langfuse-$api"); done
RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps --features openrouter-langfuse/observe,openrouter-langfuse/progress-bar "${doc_crates[@]}"
# The check is that they build; the 340 MB of pages would only add to the disk a CI run needs.
rm -rf "${CARGO_TARGET_DIR:-target}/doc"

step "generated crates: every public item documented (rustdoc -W missing-docs counts 0 on each)"
missing_total=0
for crate in openrouter-langfuse openrouter-langfuse-runtime "${apis[@]/#/openrouter-langfuse-}"; do
  output=$(cargo rustdoc -q -p "$crate" -- -W missing-docs 2>&1) || { echo "$output"; exit 1; }
  count=$(grep -c '^warning: missing documentation' <<<"$output" || true)
  echo "$crate: $count items without docs"
  if [ "$count" -gt 0 ]; then grep -A3 '^warning: missing documentation' <<<"$output" | head -20; fi
  missing_total=$((missing_total + count))
done
rm -rf "${CARGO_TARGET_DIR:-target}/doc"
if [ "$missing_total" -gt 0 ]; then
  echo "$missing_total public items without docs (cargo rustdoc -p <crate> -- -W missing-docs)"
  exit 1
fi

step "generated crates: package for publishing, in dependency order (each built from its packaged sources)"
bash scripts/package.sh

step "a new API from a pin file alone: regen, build and call it on loopback (ignored in the plain test run: slow)"
cargo test -q -p xtask --test new_api -- --ignored

step "the crate root's [dependencies] blocks build as written, outside the workspace (ignored in the plain test run: slow)"
cargo test -q -p spec-tests --test crate_root_manifest -- --ignored

step "the facade README's programs, exactly as shown: built outside the workspace with zero warnings and run against loopback OpenRouter and Langfuse, streaming errors included (ignored in the plain test run: slow)"
cargo test -q -p spec-tests --test readme_examples -- --ignored

step "hostile fixtures' generated code, every feature on: zero warnings, clippy -D warnings (ignored in the plain test run: slow)"
cargo test -q -p codegen --test hostile -- --ignored

step "every spec version under specs/history/: regenerated, and each API crate checked with all features, -D warnings (~1.5 min)"
cargo xtask check-history

step "the drift report of every history version against the pins, checked by the compiler: 0 missed, 0 invented (~2 min)"
cargo xtask verify-history

step "the drift report of every fixture pair (test-support/src/diff_pairs.rs), checked by the compiler: 0 missed, 0 invented (~1 min)"
cargo xtask verify-pairs

step "install the conformance mock server (Stoplight Prism, pinned in conformance/package-lock.json)"
if [ ! -x conformance/node_modules/.bin/prism ]; then
  npm ci --prefix conformance --no-audit --no-fund
fi

step "tests (unit, fixtures, drift, round-trips, conformance against Prism, loopback, trybuild)"
log=$(mktemp)
set +e
# --no-fail-fast: one failing test binary must not hide the failures of the binaries after it.
cargo test --workspace --no-fail-fast 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run (cargo prints one per test binary, the last often a doc-test
# binary with nothing in it), naming every failing test with the binary it is in.
summary=$(awk '
  /^ *Running / { binary = $0; sub(/^.*\//, "", binary); sub(/\)$/, "", binary); sub(/-[0-9a-f]+$/, "", binary); next }
  /^ *Doc-tests / { binary = "doc-tests " $2; next }
  /^test result:/ {
    if (match($0, /[0-9]+ passed/)) passed += substr($0, RSTART, RLENGTH - 7)
    if (match($0, /[0-9]+ failed/)) failed += substr($0, RSTART, RLENGTH - 7)
    next
  }
  /^test .* \.\.\. FAILED$/ { name = $0; sub(/^test /, "", name); sub(/ \.\.\. FAILED$/, "", name); names = names (names ? ", " : "") binary ": " name }
  END {
    printf "tests: %d passed, %d failed", passed, failed
    if (names) printf " (%s)", names
    printf "\n"
  }' "$log")
targets=$(grep -E '^error: .*target.* failed' "$log" || true)
rm -f "$log"
echo
if [ "$status" -ne 0 ] && ! grep -q "failed (" <<<"$summary"; then
  # cargo failed without a failing test line: a build error, or a test binary that crashed.
  echo "$summary; cargo test exited $status without naming a failing test (a build error or a crashed test binary, see above) ${targets}"
else
  echo "$summary"
fi
exit "$status"
