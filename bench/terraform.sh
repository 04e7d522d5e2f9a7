#!/usr/bin/env bash
# Benchmarks schemaguard against checkov on the same Terraform folders.
#
#   bench/terraform.sh [-n RUNS] [FOLDER...]
#
# Default folders: the whole Terraform corpus and two well-maintained modules from it.
# Installs checkov from PyPI into bench/.venv if it is missing, builds schemaguard in release
# mode, runs each tool RUNS times (default 3) per folder with /usr/bin/time -v, and prints wall
# time, CPU time (user + system) and peak RSS: every run, then medians and ratios.
# Raw measurements go to bench/results/ (gitignored).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$(cd "$here/../shared/corpus/terraform" 2>/dev/null && pwd || true)"
runs=3
folders=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) folders+=("$(cd "$1" && pwd)"); shift ;;
  esac
done
if [ ${#folders[@]} -eq 0 ]; then
  folders=(
    "$corpus"
    "$corpus/terraform-aws-modules__terraform-aws-rds-aurora"
    "$corpus/Azure__terraform-azurerm-avm-res-sql-server"
  )
fi

venv="$here/bench/.venv"
if [ ! -x "$venv/bin/checkov" ]; then
  echo "installing checkov into bench/.venv ..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet checkov
fi
(cd "$here" && cargo build --release --quiet)
sg="$here/target/release/schemaguard"
checkov="$venv/bin/checkov"

results="$here/bench/results"
mkdir -p "$results"
csv="$results/terraform-$(date +%Y%m%d-%H%M%S).csv"
echo "folder,tool,run,wall_s,cpu_s,max_rss_kb,findings" > "$csv"

measure() { # folder tool run -- command...
  local folder="$1" tool="$2" run="$3"; shift 4
  local tlog out
  tlog="$(mktemp)"; out="$(mktemp)"
  /usr/bin/time -v -o "$tlog" "$@" > "$out" 2>/dev/null || true
  local wall user sys rss findings
  wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tlog" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')"
  user="$(awk -F': ' '/User time/ {print $2}' "$tlog")"
  sys="$(awk -F': ' '/System time/ {print $2}' "$tlog")"
  rss="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tlog")"
  if [ "$tool" = schemaguard ]; then
    findings="$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: [A-Z]{2}[0-9]{3} ' "$out" || true)"
  else
    findings="$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
d=d if isinstance(d,list) else [d]
print(sum(len(x.get("results",{}).get("failed_checks",[])) for x in d if isinstance(x,dict)))' "$out" 2>/dev/null || echo "?")"
  fi
  echo "$folder,$tool,$run,$wall,$(echo "$user + $sys" | bc),$rss,$findings" >> "$csv"
  rm -f "$tlog" "$out"
}

for f in "${folders[@]}"; do
  name="$(basename "$f")"
  echo "== $name ($(find "$f" -name '*.tf' | wc -l) .tf files)" >&2
  for r in $(seq 1 "$runs"); do
    measure "$name" schemaguard "$r" -- "$sg" check --isolated --format concise --color never "$f"
    measure "$name" checkov "$r" -- "$checkov" -d "$f" --framework terraform --quiet --compact -o json \
      --skip-download --download-external-modules false
    tail -n 2 "$csv" >&2
  done
done

python3 - "$csv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
by = {}
for r in rows:
    by.setdefault((r["folder"], r["tool"]), []).append(r)
print(f"\n{'folder':<48} {'tool':<12} {'wall s':>8} {'cpu s':>8} {'RSS MiB':>8} {'findings':>8}")
med = {}
for (folder, tool), rs in by.items():
    w = statistics.median(float(r["wall_s"]) for r in rs)
    c = statistics.median(float(r["cpu_s"]) for r in rs)
    m = statistics.median(int(r["max_rss_kb"]) for r in rs) / 1024
    med[(folder, tool)] = (w, c, m)
    print(f"{folder:<48} {tool:<12} {w:>8.3f} {c:>8.3f} {m:>8.1f} {rs[0]['findings']:>8}")
print(f"\n{'folder':<48} {'wall x':>8} {'cpu x':>8} {'memory x':>9}")
for folder in dict.fromkeys(f for f, _ in by):
    if (folder, "schemaguard") in med and (folder, "checkov") in med:
        s, k = med[(folder, "schemaguard")], med[(folder, "checkov")]
        print(f"{folder:<48} {k[0]/max(s[0],1e-3):>8.0f} {k[1]/max(s[1],1e-3):>8.0f} {k[2]/max(s[2],1e-3):>9.1f}")
print(f"\nraw: {sys.argv[1]}")
PY
