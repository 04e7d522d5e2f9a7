#!/usr/bin/env bash
# Findings per rule on the YAML files of a corpus: every `*.yml` / `*.yaml` below the given
# folders (default: ../shared/corpus next to the repository) is linted, and the rules that fired
# are listed with their number of findings and files (see findings-per-rule.sh), followed by
# the LN008 count (Helm/Jinja templates skipped) and the totals. Use it to look for noise in the
# config YAML rules before shipping a change to them.
#
# usage: scripts/yaml-findings-per-rule.sh [FOLDER...] [-- CHECK-ARGS...]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

folders=()
extra=()
while [[ $# -gt 0 ]]; do
    if [[ "$1" == "--" ]]; then
        shift
        extra=("$@")
        break
    fi
    folders+=("$1")
    shift
done
if [[ ${#folders[@]} -eq 0 ]]; then
    folders=("$root/../shared/corpus")
fi
for f in "${folders[@]}"; do
    if [[ ! -d "$f" ]]; then
        echo "yaml-findings-per-rule: skipped, no such folder: $f" >&2
        exit 0
    fi
done

list="$(mktemp)"
trap 'rm -f "$list"' EXIT
find "${folders[@]}" -type f \( -name '*.yml' -o -name '*.yaml' \) -not -path '*/.git/*' | sort >"$list"
count="$(wc -l <"$list" | tr -d ' ')"
echo "YAML files: $count"
mapfile -t files <"$list"
# Only the rules that fired, plus the header and the totals.
"$root/scripts/findings-per-rule.sh" "${files[@]}" -- ${extra[@]+"${extra[@]}"} |
    awk 'NR == 1 || $1 == "total" || $1 == "files" || ($(NF-1) ~ /^[0-9]+$/ && $(NF-1) > 0)'
