#!/usr/bin/env bash
# Renders SARIF for the demo and every fixture, and validates it with Microsoft's SARIF
# multitool (npm @microsoft/sarif-multitool). The multitool exits 0 even when it reports
# errors, so its output is read: any ": error " line fails this script.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=".ci/node"
if [ ! -x "$tools/node_modules/.bin/sarif-multitool" ]; then
  mkdir -p "$tools"
  (cd "$tools" && npm install --no-audit --no-fund --silent @microsoft/sarif-multitool >/dev/null)
fi
bin=target/debug/schemaguard
[ -x "$bin" ] || cargo build --quiet
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Exit status 1 just means findings.
"$bin" check fixtures/demo --format sarif -o "$out/demo.sarif" || [ $? -eq 1 ]
"$bin" check fixtures --format sarif -o "$out/fixtures.sarif" || [ $? -eq 1 ]
status=0
for f in "$out"/*.sarif; do
  log="$out/$(basename "$f" .sarif).log"
  "$tools/node_modules/.bin/sarif-multitool" validate "$f" -o "$f.out" > "$log" 2>&1 || true
  if grep -q ": error " "$log"; then
    echo "SARIF validation failed for $(basename "$f"):"
    grep ": error " "$log" | head -50
    status=1
  else
    echo "$(basename "$f"): valid ($(grep -c ": warning " "$log" || true) multitool warnings)"
  fi
done
exit $status
