#!/usr/bin/env bash
# Prints the name of every pinned API, one a line: the top-level `name` of each `specs/*.toml`.
# The scripts loop over these, so a new pin is linted, documented and packaged without editing them.
set -euo pipefail
cd "$(dirname "$0")/.."
for pin in specs/*.toml; do
  awk -F'"' '/^\[/ { exit } /^name *=/ { print $2; exit }' "$pin"
done
