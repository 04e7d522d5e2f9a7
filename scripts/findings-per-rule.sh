#!/usr/bin/env bash
# How often each rule fires on a set of files: one row per rule with its code, name, number of
# (unsuppressed) findings and number of files with at least one. Used to look for noise on the
# real-world corpus before shipping a rule.
#
# usage: scripts/findings-per-rule.sh [PATH...] [-- CHECK-ARGS...]
#   PATH        files or folders to lint (default: ../shared/corpus, next to the repository)
#   CHECK-ARGS  extra arguments for `schemaguard check`, e.g. -- --select LK --dialect postgres
#
# Builds the debug binary if it is missing or stale. Reads `--format json` with jq when it is
# installed, python3 otherwise.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

paths=()
extra=()
while [[ $# -gt 0 ]]; do
    if [[ "$1" == "--" ]]; then
        shift
        extra=("$@")
        break
    fi
    paths+=("$1")
    shift
done
if [[ ${#paths[@]} -eq 0 ]]; then
    paths=("$root/../shared/corpus")
fi

missing=()
for p in "${paths[@]}"; do
    [[ -e "$p" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "findings-per-rule: skipped, no such path: ${missing[*]}" >&2
    echo "  (the real-world corpus lives in ../shared/corpus next to the repository; pass other paths as arguments)" >&2
    exit 0
fi

if ! command -v jq >/dev/null 2>&1 && ! command -v python3 >/dev/null 2>&1; then
    echo "findings-per-rule: needs jq or python3 to read the JSON report" >&2
    exit 2
fi

cargo build --quiet --manifest-path "$root/Cargo.toml" --bin schemaguard
bin="$root/target/debug/schemaguard"

report="$(mktemp)"
rules="$(mktemp)"
trap 'rm -f "$report" "$rules"' EXIT
# Exit status 1 only means "findings"; 2 is a real error.
status=0
"$bin" check --isolated --format json --fail-on never ${extra[@]+"${extra[@]}"} "${paths[@]}" >"$report" || status=$?
if [[ $status -ne 0 ]]; then
    echo "findings-per-rule: schemaguard exited with status $status" >&2
    exit "$status"
fi

# Every rule (so silent ones show up with 0), then the counts. In a file: the rules' docs are
# larger than one command-line argument may be.
"$bin" rule --all --format json >"$rules"

if command -v jq >/dev/null 2>&1; then
    jq -r --slurpfile rules "$rules" '
        [.diagnostics[] | select(.suppression == null)] as $d
        | .summary.files as $files
        | ($rules[0] | if type == "array" then . else .rules end) as $all
        | ["CODE", "NAME", "FINDINGS", "FILES"],
          ($all[] | .code as $c
            | [$c, .name,
               ($d | map(select(.code == $c)) | length),
               ($d | map(select(.code == $c) | .file) | unique | length)]),
          ["", "total", ($d | length), ($d | map(.file) | unique | length)],
          ["", "files linted", $files, ""]
        | @tsv' "$report" | column -t -s $'\t'
else
    python3 - "$report" "$rules" <<'PY'
import json, sys
from collections import defaultdict

report = json.load(open(sys.argv[1]))
rules = json.load(open(sys.argv[2]))
if isinstance(rules, dict):
    rules = rules["rules"]
findings = defaultdict(int)
files = defaultdict(set)
active = [d for d in report["diagnostics"] if d.get("suppression") is None]
for d in active:
    findings[d["code"]] += 1
    files[d["code"]].add(d["file"])
rows = [("CODE", "NAME", "FINDINGS", "FILES")]
for r in rules:
    rows.append((r["code"], r["name"], str(findings[r["code"]]), str(len(files[r["code"]]))))
rows.append(("", "total", str(len(active)), str(len({d["file"] for d in active}))))
rows.append(("", "files linted", str(report["summary"]["files"]), ""))
widths = [max(len(row[i]) for row in rows) for i in range(4)]
for row in rows:
    print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
PY
fi
