#!/usr/bin/env bash
# Benchmarks schemaguard against checkov on the same Terraform folders.
#
#   bench/terraform.sh [-n RUNS] [FOLDER...]
#
# Default folders: the whole Terraform corpus (../shared/corpus/terraform) and two
# well-maintained modules from it. Installs checkov from PyPI into bench/.venv if it is missing,
# builds schemaguard in release mode, runs each tool RUNS times (default 3) per folder, and
# prints wall time, CPU time (user + system, the process and its children) and peak RSS of every
# run, then medians and ratios. Wall and CPU time come from os.wait4 (microsecond resolution),
# peak RSS from /usr/bin/time. Raw measurements go to bench/results/ (gitignored).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$(cd "$here/../shared/corpus/terraform" 2>/dev/null && pwd || true)"
runs=3
folders=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
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
mkdir -p "$here/bench/results"

exec python3 - "$here" "$runs" "${folders[@]}" <<'PY'
import csv, json, os, re, statistics, subprocess, sys, time

here, runs, folders = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
sg = os.path.join(here, "target/release/schemaguard")
checkov = os.path.join(here, "bench/.venv/bin/checkov")
out_csv = os.path.join(here, "bench/results", time.strftime("terraform-%Y%m%d-%H%M%S.csv"))

def commands(folder):
    return {
        "schemaguard": [sg, "check", "--isolated", "--format", "concise", "--color", "never", folder],
        "checkov": [checkov, "-d", folder, "--framework", "terraform", "--quiet", "--compact",
                    "-o", "json", "--skip-download", "--download-external-modules", "false"],
    }

def findings(tool, out):
    if tool == "schemaguard":
        return len(re.findall(rb"(?m)^\S+:\d+:\d+: [A-Z]{2}\d{3} ", out))
    try:
        d = json.loads(out)
    except ValueError:
        return -1
    d = d if isinstance(d, list) else [d]
    return sum(len(x.get("results", {}).get("failed_checks", [])) for x in d if isinstance(x, dict))

def measure(cmd):
    # Wall and CPU time from wait4 (microseconds); peak RSS from GNU time, which forks the tool
    # from a small process (a child forked from Python would start with Python's RSS).
    rss_file = os.path.join(here, "bench/results/.rss")
    cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, _, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = 0  # reaped by wait4
    with open(rss_file) as f:
        rss = int(f.read().split()[-1])
    return wall, ru.ru_utime + ru.ru_stime, rss, out

rows = []
for folder in folders:
    name = os.path.basename(folder.rstrip("/"))
    ntf = sum(f.endswith(".tf") for _, _, fs in os.walk(folder) for f in fs)
    print(f"== {name} ({ntf} .tf files)", file=sys.stderr, flush=True)
    for run in range(1, runs + 1):
        for tool, cmd in commands(folder).items():
            wall, cpu, rss, out = measure(cmd)
            row = dict(folder=name, tool=tool, run=run, wall_s=round(wall, 4), cpu_s=round(cpu, 4),
                       max_rss_kb=rss, findings=findings(tool, out))
            rows.append(row)
            print("  " + ",".join(str(v) for v in row.values()), file=sys.stderr, flush=True)

with open(out_csv, "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)

by = {}
for r in rows:
    by.setdefault((r["folder"], r["tool"]), []).append(r)
med = {}
print(f"{'folder':<48} {'tool':<12} {'wall s':>9} {'cpu s':>9} {'RSS MiB':>8} {'findings':>8}")
for (folder, tool), rs in by.items():
    w = statistics.median(r["wall_s"] for r in rs)
    c = statistics.median(r["cpu_s"] for r in rs)
    m = statistics.median(r["max_rss_kb"] for r in rs) / 1024
    med[(folder, tool)] = (w, c, m)
    print(f"{folder:<48} {tool:<12} {w:>9.3f} {c:>9.3f} {m:>8.1f} {rs[0]['findings']:>8}")
print(f"\n{'folder (median checkov / median schemaguard)':<48} {'wall':>8} {'cpu':>8} {'memory':>8}")
for folder in dict.fromkeys(f for f, _ in by):
    s, k = med.get((folder, "schemaguard")), med.get((folder, "checkov"))
    if s and k:
        print(f"{folder:<48} {k[0]/s[0]:>7.0f}x {k[1]/max(s[1], 1e-4):>7.0f}x {k[2]/s[2]:>7.1f}x")
print(f"\nraw: {out_csv}")
PY
