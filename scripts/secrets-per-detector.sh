#!/usr/bin/env bash
# Findings of the sensitive-data rules (SD) per rule and detector on a corpus, for review.
#
#   scripts/secrets-per-detector.sh [CORPUS_DIR] [--list]     (default ../shared/corpus)
#
# Part 1 lints the corpus with the SD rules (SQL migrations, Liquibase changelogs, Alembic
# revisions, Terraform, .env/properties/conf/ini files) and counts findings per rule and
# detector (the finding's label). Part 2 runs the
# engine alone (`scan_text`) over every file of every kind, YAML and Terraform included, and
# counts matches per detector. --list also prints each finding (positions, messages and the
# line with the secret masked: never a secret).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="../shared/corpus"
list=""
for arg in "$@"; do
  case "$arg" in
    --list) list=1 ;;
    *) corpus="$arg" ;;
  esac
done
if [ ! -d "$corpus" ]; then
  echo "corpus not found at $corpus (pass its path as the first argument)"
  exit 0
fi
cargo build --quiet --bin schemaguard --example secrets-scan
bin=target/debug/schemaguard
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== 1. linter: SD rules on $corpus"
"$bin" check "$corpus" --isolated --select SD --format json --exit-zero --no-respect-gitignore \
  >"$tmp/lint.json" 2>/dev/null || true
jq -r '.diagnostics[] | select(.suppression == null) | "\(.code) \(.name) | \(.label)"' "$tmp/lint.json" \
  | sort | uniq -c | sort -k2,2 -k1,1nr
if [ -n "$list" ]; then
  jq -r '.diagnostics[] | select(.suppression == null)
    | "\(.code)\t\(.label)\t\(.file):\(.range.start.line):\(.range.start.column)\t\(.message)"' \
    "$tmp/lint.json" | sort
fi

echo
echo "== 2. engine: scan_text over every file of $corpus"
target/debug/examples/secrets-scan "$corpus" >"$tmp/scan.tsv"
cut -f1,3 "$tmp/scan.tsv" | awk -F'\t' '{ k = $1 ($2 == "weak" ? " (weak)" : ""); n[k]++ } END { for (k in n) printf "%7d %s\n", n[k], k }' | sort -k2
if [ -n "$list" ]; then
  sort "$tmp/scan.tsv"
fi
