#!/usr/bin/env bash
# The scheduled spec-drift job: move every pin to its API's newest published spec, regenerate,
# and write a Markdown report of what changed. Exit status: 0 nothing changed, 1 something did
# (the report is in $REPORT), 2 the job itself failed.
# Environment: REPORT (default spec-drift.md); XTASK (default `cargo xtask`);
# LATEST_URL_<api> to fetch an API's spec from elsewhere; SPECS_WORKSPACE_ROOT, SPECS_MIRROR.
set -uo pipefail
# A relative SPECS_MIRROR means relative to where this script was started, not to the checkout.
if [ -n "${SPECS_MIRROR:-}" ]; then
  SPECS_MIRROR=$(cd "$SPECS_MIRROR" && pwd) || { echo "SPECS_MIRROR=$SPECS_MIRROR: no such directory" >&2; exit 2; }
  export SPECS_MIRROR
fi
root="${SPECS_WORKSPACE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}"
cd "$root"
xtask="${XTASK:-cargo xtask}"
report="${REPORT:-$root/spec-drift.md}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: > "$report"

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
  fi
done

if [ ! -s "$report" ]; then
  echo "No spec drift: every pin is the latest published spec."
  exit 0
fi
$xtask regen > "$work/regen.txt" 2>&1 || { cat "$work/regen.txt" >&2; exit 2; }
{ echo "Regenerated: $(cat "$work/regen.txt")"; } >> "$report"
cat "$report"
exit 1
