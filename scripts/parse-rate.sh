#!/usr/bin/env bash
# Share of SQL statements that fail to parse, per corpus category (target: under 1% for
# postgres-sql-migrations). "parsed" = sqlparser understood it, "recognized" = our own recogniser
# did (forms sqlparser lacks: DROP INDEX CONCURRENTLY, REINDEX, CLUSTER, DO...), "failed" =
# nobody did; each failure is an LN001 finding.
#
#   scripts/parse-rate.sh [CORPUS_DIR]      (default ../shared/corpus)
#   scripts/parse-rate.sh --failures DIR    list every failing statement with its message
set -euo pipefail
cd "$(dirname "$0")/.."
failures=""
if [ "${1:-}" = "--failures" ]; then failures="--failures"; shift; fi
corpus="${1:-../shared/corpus}"
if [ ! -d "$corpus" ]; then
  echo "corpus not found at $corpus: nothing to measure (pass its path as the first argument)"
  exit 0
fi
cargo build --release --quiet
bin=target/release/schemaguard
if [ -n "$failures" ]; then
  "$bin" debug parse-stats --failures "$corpus" 2>/dev/null \
    | python3 -c 'import json,sys
for l in sys.stdin:
    for m in json.loads(l).get("failures", []): print(m)'
  exit 0
fi
printf "%-32s %7s %10s %9s %11s %7s %8s\n" category files statements parsed recognized failed "failed%"
for dir in "$corpus"/*/; do
  name=$(basename "$dir")
  "$bin" debug parse-stats "$dir" 2>/dev/null | python3 -c '
import json, sys
name = sys.argv[1]
files = p = r = f = 0
for line in sys.stdin:
    row = json.loads(line)
    files += 1
    p += row.get("parsed", 0); r += row.get("recognized", 0); f += row.get("failed", 0)
total = p + r + f
if files:
    print("%-32s %7d %10d %9d %11d %7d %7.2f%%" % (name, files, total, p, r, f, 100.0 * f / max(total, 1)))
' "$name"
done
