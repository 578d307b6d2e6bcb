#!/usr/bin/env bash
# The scheduled spec-drift job: move every pin to its API's newest published spec, regenerate,
# build each changed API's crate with all its features, and write a Markdown report of what
# changed. Exit status: 0 nothing changed, 1 something did (the report is in $REPORT), 2 the job
# itself failed, 3 a regenerated crate does not compile (the report has its first compiler error
# beside the drift report).
# Environment: REPORT (default spec-drift.md); XTASK (default `cargo xtask`); DRIFT_BUILD, the
# command that builds one generated crate, given its package name (default
# `cargo build --all-features -p`); LATEST_URL_<api> to fetch an API's spec from elsewhere;
# SPECS_WORKSPACE_ROOT, SPECS_MIRROR.
set -uo pipefail
# A relative SPECS_MIRROR means relative to where this script was started, not to the checkout.
if [ -n "${SPECS_MIRROR:-}" ]; then
  SPECS_MIRROR=$(cd "$SPECS_MIRROR" && pwd) || { echo "SPECS_MIRROR=$SPECS_MIRROR: no such directory" >&2; exit 2; }
  export SPECS_MIRROR
fi
root="${SPECS_WORKSPACE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root"
xtask="${XTASK:-cargo xtask}"
build="${DRIFT_BUILD:-cargo build --quiet --all-features -p}"
report="${REPORT:-$root/spec-drift.md}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$report"
changed=()

# The semantic report compares with the pinned spec, so the cache must hold it (a fresh CI
# checkout has an empty cache): from the pinned URLs, or the mirror.
if ! $xtask fetch > "$work/fetch.txt" 2>&1; then
  cat "$work/fetch.txt" >&2
  exit 2
fi

for pin in specs/*.toml; do
  api=$(basename "$pin" .toml)
  before=$(grep '^sha256' "$pin")
  url_var="LATEST_URL_$api"
  if ! $xtask fetch --latest --api "$api" ${!url_var:+--url "${!url_var}"} > "$work/$api.txt" 2>&1; then
    cat "$work/$api.txt" >&2
    exit 2
  fi
  if [ "$before" != "$(grep '^sha256' "$pin")" ]; then
    { echo "## $api: the published spec changed"; echo; echo '```'; cat "$work/$api.txt"; echo '```'; echo; } >> "$report"
    changed+=("$api")
  fi
done

if [ ! -s "$report" ]; then
  echo "No spec drift: every pin is the latest published spec."
  exit 0
fi
$xtask regen > "$work/regen.txt" 2>&1 || { cat "$work/regen.txt" >&2; exit 2; }
{ echo "Regenerated: $(cat "$work/regen.txt")"; } >> "$report"

# `regen` and `check` never compile anything: a spec that regenerates into a crate that does not
# build must fail the job here, not in the first user's build after the merge.
status=1
for api in "${changed[@]}"; do
  package="openrouter-langfuse-$api"
  if ! $build "$package" > "$work/build-$api.txt" 2>&1; then
    {
      echo
      echo "## $api: the regenerated crate does not compile"
      echo
      echo "First compiler error of \`$build $package\` (the drift report for $api is above):"
      echo
      echo '```'
      # The first diagnostic: from its `error` line to the blank line that ends it.
      awk '/^error/ { on = 1 } on && /^$/ { exit } on' "$work/build-$api.txt" | head -n 60
      echo '```'
    } >> "$report"
    status=3
  fi
done
cat "$report"
exit "$status"
