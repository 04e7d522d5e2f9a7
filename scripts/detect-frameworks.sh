#!/usr/bin/env bash
# Prints each migration folder of the corpus (or of the folders given) with the framework
# schemaguard detects for it: `<folder> <framework> <migrations> <files>`, then a count per
# framework. Folders of SQL files that no framework claims print as `plain` (linted as plain SQL).
#
#   scripts/detect-frameworks.sh                 # ../shared/corpus migration categories
#   scripts/detect-frameworks.sh path/to/repo    # any folders
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
if [ "$#" -eq 0 ]; then
  corpus="${CORPUS:-../shared/corpus}"
  set -- "$corpus/flyway-projects" "$corpus/liquibase-changelogs" "$corpus/alembic-migrations" \
    "$corpus/golang-migrate-goose-dbmate" "$corpus/postgres-sql-migrations" "$corpus/mysql-sql-migrations"
fi
out="$(./target/debug/schemaguard frameworks "$@")"
printf '%s\n' "$out" | awk -F'\t' '{ root = ($5 != "") ? "  (changelog tree of " $5 ")" : ""; printf "%-14s %5s migrations %5s files  %s%s\n", $2, $3, $4, $1, root }'
echo
echo "folders per framework:"
printf '%s\n' "$out" | awk -F'\t' '{ n[$2]++ } END { for (f in n) printf "  %-14s %d\n", f, n[f] }' | sort
