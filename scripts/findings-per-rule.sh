#!/usr/bin/env bash
# Prints how often each rule fires on some paths, so noise is visible before a rule ships.
#
#   scripts/findings-per-rule.sh [options] [PATH...]     (default PATH: ../shared/corpus)
#
#   --rule CODE      list every finding of that rule (file:line:col message) instead
#   --by-repo        break each rule's count down by the first folder under each PATH
#   --bin FILE       the schemaguard binary (default: target/release/schemaguard, built if missing)
#   -- ARGS          pass the rest to `schemaguard check` (e.g. -- --select IS,SD)
#
# Examples:
#   scripts/findings-per-rule.sh ../shared/corpus/terraform
#   scripts/findings-per-rule.sh --by-repo ../shared/corpus/terraform
#   scripts/findings-per-rule.sh --rule IS104 ../shared/corpus/terraform/terraform-aws-modules__terraform-aws-rds-aurora
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
bin="$here/target/release/schemaguard"
rule=""
by_repo=0
paths=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rule) rule="$2"; shift 2 ;;
    --by-repo) by_repo=1; shift ;;
    --bin) bin="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) paths+=("$1"); shift ;;
  esac
done
[ ${#paths[@]} -eq 0 ] && paths=("$here/../shared/corpus")
if [ ! -x "$bin" ]; then
  (cd "$here" && cargo build --release --quiet)
fi

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
# Exit status 1 only means "found something".
"$bin" check --isolated --format concise --color never --exit-zero "${extra[@]}" "${paths[@]}" >"$out" 2>/dev/null || true

if [ -n "$rule" ]; then
  grep -E "^[^ ]+:[0-9]+:[0-9]+: $rule " "$out" || echo "no $rule findings"
  exit 0
fi

summary="$(tail -n 1 "$out")"
# Concise lines: path:line:col: CODE [severity] message
grep -E '^[^ ]+:[0-9]+:[0-9]+: [A-Z]{2}[0-9]{3} \[' "$out" | awk -v by_repo="$by_repo" -v roots="${paths[*]}" '
  BEGIN { n = split(roots, r, " ") }
  {
    split($0, head, ": ");
    code = $2; sev = $3; gsub(/[\[\]]/, "", sev);
    count[code]++; severity[code] = sev; files[code, head[1]] = 1;
    if (by_repo) {
      path = head[1]; repo = path;
      for (i = 1; i <= n; i++) {
        root = r[i]; sub(/\/$/, "", root);
        if (index(path, root "/") == 1) { rest = substr(path, length(root) + 2); split(rest, parts, "/"); repo = parts[1]; break }
      }
      per[code, repo]++; repos[repo] = 1;
    }
  }
  END {
    for (k in files) { split(k, p, SUBSEP); nfiles[p[1]]++ }
    printf "%-7s %-8s %8s %7s\n", "rule", "severity", "findings", "files";
    for (c in count) printf "%-7s %-8s %8d %7d\n", c, severity[c], count[c], nfiles[c] | "sort";
    close("sort");
    if (by_repo) {
      print "";
      for (k in per) { split(k, p, SUBSEP); printf "%-7s %6d  %s\n", p[1], per[k], p[2] | "sort -k1,1 -k2,2nr" }
      close("sort -k1,1 -k2,2nr");
    }
  }'
echo
echo "$summary"
