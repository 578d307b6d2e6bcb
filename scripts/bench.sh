#!/usr/bin/env bash
# Performance budgets (a benchmark, not a test). Run after `cargo xtask fetch` (or with SPECS_MIRROR
# set, which the fetch then copies from).
#
#   scripts/bench.sh [regen] [runs]        regeneration of both specs, ours against openapi-to-rust
#                                          0.23.0's generate, alternating, whole processes (median
#                                          of runs, default 10)
#   scripts/bench.sh build [pairs]         ours against openapi-to-rust 0.23.0 on the same pinned
#                                          specs, alternating (default 3 pairs): clean build, clean
#                                          check, incremental rebuild after touching a generated file
#   scripts/bench.sh features LIST [runs]  clean build with only the features in LIST, against both
#   scripts/bench.sh versus REV [pairs]    clean check of the generated crates against those committed
#                                          at REV, alternating (default 3 pairs), then each crate's
#                                          rustc in instructions when valgrind is installed
#
# Builds time only the generated crates: dependencies are built first, untimed. Figures are CPU
# seconds (user+sys of the cargo process tree), wall seconds and the peak RSS of any one rustc.
# Needs cargo, GNU time (installed when missing and root) and the crates registry, nothing else
# (`versus` uses git too, and valgrind when it is there); everything it installs or generates
# stays under target/.
set -euo pipefail
# A relative SPECS_MIRROR means relative to where this script was started, not to the repository.
if [ -n "${SPECS_MIRROR:-}" ]; then
  SPECS_MIRROR=$(cd "$SPECS_MIRROR" && pwd) || { echo "SPECS_MIRROR=$SPECS_MIRROR: no such directory" >&2; exit 2; }
  export SPECS_MIRROR
fi
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
for helper in common regen theirs build versus; do
  # shellcheck source=/dev/null
  . "$here/bench/$helper.sh"
done

mode="${1:-regen}"
# A bare number is the run count of the default mode, as before the subcommands existed.
case "$mode" in [0-9]*) mode=regen ;; *) [ $# -gt 0 ] && shift ;; esac

case "$mode" in
  regen) bench_regen "$@" ;;
  build | features)
    cargo build -q --release -p xtask
    ./target/release/xtask fetch >/dev/null
    "bench_$mode" "$@"
    ;;
  versus) bench_versus "$@" ;;
  *) sed -n '2,20p' "$0" >&2; exit 2 ;;
esac
