# Shared helpers for scripts/bench.sh: sourced, not run. Expects to be at the repository root.

# GNU time reports the user+sys of everything the measured process waited for (cargo waits for
# every rustc), which is why CPU seconds come from it rather than from summing per-process figures.
ensure_gnu_time() {
  if [ -x /usr/bin/time ] && /usr/bin/time -f '%M' true 2>/dev/null; then return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing GNU time (Debian package \`time\`)" >&2
    apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
  else
    echo "bench: GNU time is needed at /usr/bin/time (Debian/Ubuntu: apt-get install time)" >&2
    exit 2
  fi
}

# Median of the numbers on stdin (mean of the middle two for an even count).
median() {
  sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan"; exit }
    if (NR % 2) printf "%.2f\n", v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B [PLACES]: A / B to PLACES decimals (default 2).
ratio() { awk -v a="$1" -v b="$2" -v p="${3:-2}" 'BEGIN { if (b > 0) printf "%.*f\n", p, a / b; else print "nan" }'; }

# Peak RSS is per rustc process, not per cargo run: cargo itself and the sum over parallel rustcs
# would hide how much memory one crate needs. Workspace members only, because only they are rebuilt.
write_rustc_wrapper() {
  local wrapper="$1"
  mkdir -p "$(dirname "$wrapper")"
  cat > "$wrapper" <<'WRAP'
#!/usr/bin/env bash
if [ -n "${BENCH_RSS_FILE:-}" ]; then
  exec /usr/bin/time -f '%M' -a -o "$BENCH_RSS_FILE" "$@"
fi
exec "$@"
WRAP
  chmod +x "$wrapper"
}

# measure NAME CMD...: runs CMD in the current directory and appends
#   NAME <tab> cpu_s <tab> wall_s <tab> peak_rustc_rss_mb
# to $BENCH_RESULTS, echoing the same for the log. BENCH_WRAPPER must be set (write_rustc_wrapper).
measure() {
  local name="$1"; shift
  local tfile rss_file
  tfile=$(mktemp) rss_file=$(mktemp)
  BENCH_RSS_FILE="$rss_file" RUSTC_WORKSPACE_WRAPPER="$BENCH_WRAPPER" \
    /usr/bin/time -f '%e %U %S' -o "$tfile" "$@"
  local line
  line=$(awk -v name="$name" -v rss_file="$rss_file" '
    BEGIN { peak = 0; while ((getline r < rss_file) > 0) if (r + 0 > peak) peak = r + 0 }
    NR == 1 { printf "%s\t%.2f\t%.2f\t%.0f\n", name, $2 + $3, $1, peak / 1024 }' "$tfile")
  rm -f "$tfile" "$rss_file"
  printf '%s\n' "$line" >> "$BENCH_RESULTS"
  printf '  %-28s cpu %7s s  wall %7s s  peak rustc %6s MB\n' $line
}

# median_of NAME COLUMN: median of one column (2 cpu, 3 wall, 4 rss) over every run recorded as NAME.
median_of() { awk -F'\t' -v n="$1" -v c="$2" '$1 == n { print $c }' "$BENCH_RESULTS" | median; }

load_average() { uptime | sed 's/.*load average: *//'; }
