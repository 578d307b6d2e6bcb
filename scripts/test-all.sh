#!/usr/bin/env bash
# Runs every check this repository has. Needs SPECS_MIRROR (a directory holding the pinned spec
# files) unless the specs are already in the cache (`cargo xtask fetch`).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }

step "fetch pinned specs (verifies sha256)"
cargo xtask fetch

step "drift check: generated/ matches the pinned specs"
cargo xtask check

step "generated crate: zero warnings, clippy -D warnings, per feature and both"
for features in "openrouter" "langfuse" "openrouter,langfuse"; do
  cargo clippy -q -p openrouter-langfuse --no-default-features --features "$features" --all-targets -- -D warnings
done

step "generated crate: docs build cleanly"
RUSTDOCFLAGS="-D warnings" cargo doc -q -p openrouter-langfuse --no-deps

step "install the conformance mock server (Stoplight Prism, pinned in conformance/package-lock.json)"
if [ ! -x conformance/node_modules/.bin/prism ]; then
  npm ci --prefix conformance --no-audit --no-fund
fi

step "tests (unit, fixtures, drift, round-trips, conformance against Prism, loopback, trybuild)"
log=$(mktemp)
set +e
cargo test --workspace 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run (cargo prints one per test binary, the last often a doc-test
# binary with nothing in it).
passed=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{ total += $1 } END { print total + 0 }')
failed=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) failed.*/\1/' | awk '{ total += $1 } END { print total + 0 }')
rm -f "$log"
echo
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
