#!/usr/bin/env python3
"""Benchmarks schemaguard side by side with the tools users would otherwise pick.

Runs each tool several times on the same files of the real corpus (../shared/corpus) and prints
medians of wall time, CPU time (user + system, children included), peak memory (max RSS), files/s
and MB/s, with ratios. Installs the comparison tools from PyPI into bench/.venv on first use.

    bench/bench.py                      # every suite
    bench/bench.py squawk               # PostgreSQL migrations: schemaguard vs squawk-cli
    bench/bench.py checkov              # Terraform: schemaguard vs checkov
    bench/bench.py sqlfluff             # a SQL sample: schemaguard vs sqlfluff lint
    bench/bench.py corpus scaling       # the whole corpus; 1x/2x/4x copies; 1 vs 2 threads
    bench/bench.py bigfile              # one 100 MB file (INSERTs, COPY data), limit raised
    bench/bench.py --runs 3 --json out.json squawk

Results go to standard output as Markdown tables (pasted into BENCHMARKS.md) and, with --json,
to a file.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "bench" / ".venv"
BIN = ROOT / "target" / "release" / "schemaguard"
PIP_TOOLS = {"squawk": "squawk-cli", "checkov": "checkov", "sqlfluff": "sqlfluff"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def venv_bin(name):
    return VENV / "bin" / name


def ensure_tool(name):
    exe = venv_bin(name)
    if exe.exists():
        return exe
    if not VENV.exists():
        log(f"creating {VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    log(f"installing {PIP_TOOLS[name]} from PyPI into {VENV}")
    subprocess.run([str(venv_bin("pip")), "install", "--quiet", PIP_TOOLS[name]], check=True)
    return exe


def ensure_schemaguard():
    log("building schemaguard (release)")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return BIN


def gnu_time():
    """GNU time, if installed: it measures a child forked from its own tiny process. Measured
    from Python with wait4 instead, a child's peak RSS is at least Python's own at the time of
    the fork (Linux carries the high-water mark of the memory image replaced by exec into the
    child's maximum), which inflates small numbers several times."""
    exe = shutil.which("time") or "/usr/bin/time"
    try:
        ok = subprocess.run([exe, "-f", "%M", "true"], capture_output=True).returncode == 0
    except OSError:
        ok = False
    return exe if ok else None


GNU_TIME = gnu_time()


def measure(cmd, cwd=None, env=None):
    """Runs cmd once; returns wall seconds, CPU seconds (user + system of the process and the
    children it waited for, e.g. sqlfluff's worker processes) and peak RSS in MiB (of the largest
    process in that tree: the kernel reports a maximum, not a sum)."""
    if GNU_TIME is None:
        log("warning: GNU time not found (apt-get install time): peak RSS includes Python's own")
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        cpu, rss_kib = usage.ru_utime + usage.ru_stime, usage.ru_maxrss
    else:
        with tempfile.NamedTemporaryFile("r", prefix="sg-time-") as out:
            start = time.perf_counter()
            code = subprocess.run(
                [GNU_TIME, "-f", "%M %U %S", "-o", out.name, *map(str, cmd)],
                cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ).returncode
            wall = time.perf_counter() - start
            fields = out.read().split()[-3:]
        rss_kib, cpu = int(fields[0]), float(fields[1]) + float(fields[2])
    # Exit codes 0/1 mean "ran"; anything else means the tool failed and the number is worthless.
    if code not in (0, 1):
        raise RuntimeError(f"{cmd[0]} exited with {code}: {' '.join(map(str, cmd[:6]))} ...")
    return {"wall": wall, "cpu": cpu, "rss_mib": rss_kib / 1024}


def runs(cmd, n, **kw):
    measure(cmd, **kw)  # warm the page cache
    samples = [measure(cmd, **kw) for _ in range(n)]
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def files_of(root, suffixes):
    out = []
    for p in sorted(Path(root).rglob("*")):
        if p.is_file() and p.name.lower().endswith(suffixes):
            out.append(p)
    return out


def size_mb(paths):
    return sum(p.stat().st_size for p in paths) / 1e6


def row(name, m, nfiles, mb):
    return {
        "tool": name,
        "files": nfiles,
        "mb": round(mb, 2),
        "wall_s": round(m["wall"], 3),
        "cpu_s": round(m["cpu"], 3),
        "peak_rss_mib": round(m["rss_mib"], 1),
        "files_per_s": round(nfiles / m["wall"], 1),
        "mb_per_s": round(mb / m["wall"], 2),
        "cores": round(m["cpu"] / m["wall"], 2) if m["wall"] else 0,
    }


def table(title, rows, baseline="schemaguard"):
    base = next(r for r in rows if r["tool"] == baseline)
    lines = [
        f"### {title}",
        "",
        "| tool | files | MB | wall (s) | CPU (s) | cores used | peak RSS (MiB) | files/s | MB/s | wall vs schemaguard | RSS vs schemaguard |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = r["wall_s"] / base["wall_s"] if base["wall_s"] else float("inf")
        mem = r["peak_rss_mib"] / base["peak_rss_mib"] if base["peak_rss_mib"] else float("inf")
        lines.append(
            f"| {r['tool']} | {r['files']} | {r['mb']} | {r['wall_s']} | {r['cpu_s']} | {r['cores']} | {r['peak_rss_mib']} | {r['files_per_s']} | {r['mb_per_s']} | {ratio:.1f}× | {mem:.1f}× |"
        )
    return "\n".join(lines) + "\n"


def rel(path):
    """A path as written in BENCHMARKS.md: relative to the repository's parent when below it."""
    path = Path(path)
    try:
        return str(Path("..") / path.relative_to(ROOT.parent))
    except ValueError:
        return str(path)


def linted_files(sg, target, env=None):
    """How many files schemaguard actually lints under target (its JSON summary)."""
    out = subprocess.run([str(sg), "check", str(target), "--format", "json", "--exit-zero"], env=env, capture_output=True, check=True)
    return json.loads(out.stdout)["summary"]["files"]


def suite_squawk(corpus, n):
    folder = corpus / "postgres-sql-migrations"
    files = files_of(folder, (".sql",))
    mb = size_mb(files)
    squawk = ensure_tool("squawk")
    sg = ensure_schemaguard()
    # Same files for both: squawk takes a glob, schemaguard walks the folder (it lints only the
    # .sql files there too).
    m_sg = runs([str(sg), "check", str(folder), "--format", "concise", "--exit-zero"], n)
    m_sq = runs([str(squawk), str(folder / "**" / "*.sql")], n)
    rows = [row("schemaguard", m_sg, len(files), mb), row("squawk-cli", m_sq, len(files), mb)]
    return "PostgreSQL migrations (postgres-sql-migrations): schemaguard vs squawk", rows, {
        "schemaguard": f"target/release/schemaguard check {rel(folder)} --format concise --exit-zero",
        "squawk": f"bench/.venv/bin/squawk '{rel(folder)}/**/*.sql'",
    }


def suite_checkov(corpus, n):
    folder = corpus / "terraform"
    files = files_of(folder, (".tf",))
    mb = size_mb(files)
    checkov = ensure_tool("checkov")
    sg = ensure_schemaguard()
    m_sg = runs([str(sg), "check", str(folder), "--format", "concise", "--exit-zero"], n)
    m_ck = runs([str(checkov), "-d", str(folder), "--framework", "terraform", "--quiet", "--compact", "--skip-download", "-o", "cli"], max(1, min(n, 3)))
    rows = [row("schemaguard", m_sg, len(files), mb), row("checkov", m_ck, len(files), mb)]
    return "Terraform (terraform): schemaguard vs checkov", rows, {
        "schemaguard": f"target/release/schemaguard check {rel(folder)} --format concise --exit-zero",
        "checkov": f"bench/.venv/bin/checkov -d {rel(folder)} --framework terraform --quiet --compact --skip-download -o cli",
    }


def suite_sqlfluff(corpus, n):
    # sqlfluff is a style linter and slow: compare on a fixed sample of PostgreSQL migrations,
    # every k-th file so that every repository of the folder is represented (the first 200 in
    # name order would be three projects' files).
    folder = corpus / "postgres-sql-migrations"
    every = files_of(folder, (".sql",))
    step = max(1, len(every) // 200)
    files = every[::step][:200]
    mb = size_mb(files)
    sqlfluff = ensure_tool("sqlfluff")
    sg = ensure_schemaguard()
    tmp = Path(tempfile.mkdtemp(prefix="sg-sqlfluff-"))
    try:
        for i, f in enumerate(files):
            shutil.copy(f, tmp / f"{i:04d}_{f.name}")
        m_sg = runs([str(sg), "check", str(tmp), "--format", "concise", "--exit-zero"], n)
        m_sf = runs([str(sqlfluff), "lint", "--dialect", "postgres", "--processes", "2", "--nofail", str(tmp)], 1)
    finally:
        shutil.rmtree(tmp)
    rows = [row("schemaguard", m_sg, len(files), mb), row("sqlfluff", m_sf, len(files), mb)]
    return f"SQL sample ({len(files)} PostgreSQL migrations, every {step}th file): schemaguard vs sqlfluff lint", rows, {
        "schemaguard": "target/release/schemaguard check SAMPLE --format concise --exit-zero",
        "sqlfluff": "bench/.venv/bin/sqlfluff lint --dialect postgres --processes 2 --nofail SAMPLE",
        "SAMPLE": "a temporary folder holding the sampled files (bench.py copies them)",
    }


def suite_corpus(corpus, n):
    sg = ensure_schemaguard()
    files = [p for p in corpus.rglob("*") if p.is_file()]
    mb = size_mb(files)
    linted = linted_files(sg, corpus)
    m = runs([str(sg), "check", str(corpus), "--format", "concise", "--exit-zero"], n)
    r = row("schemaguard", m, len(files), mb)
    return f"Whole corpus, all default rules ({len(files)} files given, {linted} linted)", [r], {
        "schemaguard": f"target/release/schemaguard check {rel(corpus)} --format concise --exit-zero",
    }


def link_tree(src, dst):
    """A copy of src at dst made of hard links (no disk, no copying) where the file system
    allows it, else of copies. Each file is a distinct path, so it is linted again."""
    def link_or_copy(a, b):
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)
    shutil.copytree(src, dst, copy_function=link_or_copy, ignore=shutil.ignore_patterns("MANIFEST.md"))


def suite_scaling(corpus, n):
    """1x, 2x and 4x copies of the corpus, each with 1 thread and with 2 (RAYON_NUM_THREADS sets
    both the parallel walk and the parallel lint). Linear time means wall(4x) = 4 x wall(1x);
    using both cores means wall(2 threads) = wall(1 thread) / 2."""
    sg = ensure_schemaguard()
    tmp = Path(tempfile.mkdtemp(prefix="sg-scale-"))
    rows = []
    try:
        for k in (1, 2, 4):
            target = tmp / f"x{k}"
            for i in range(k):
                link_tree(corpus, target / f"copy{i}")
            files = [p for p in target.rglob("*") if p.is_file()]
            mb = size_mb(files)
            linted = linted_files(sg, target)
            by_threads = {}
            for threads in ("1", "2"):
                env = dict(os.environ, RAYON_NUM_THREADS=threads)
                by_threads[threads] = runs([str(sg), "check", str(target), "--format", "concise", "--exit-zero"], n, env=env)
                log(f"  {k}x, {threads} thread(s): {by_threads[threads]['wall']:.3f} s")
            rows.append({"copies": k, "files": len(files), "linted": linted, "mb": round(mb, 2), "t1": by_threads["1"], "t2": by_threads["2"]})
    finally:
        shutil.rmtree(tmp)
    return "Scaling: input size and threads", rows, {
        "schemaguard": "RAYON_NUM_THREADS={1,2} target/release/schemaguard check COPIES --format concise --exit-zero",
        "COPIES": "a temporary folder holding 1, 2 or 4 copies of the corpus (hard links)",
    }


def scaling_table(title, rows):
    base1, base2 = rows[0]["t1"]["wall"], rows[0]["t2"]["wall"]
    lines = [
        f"### {title}",
        "",
        "| input | files (linted) | MB | wall 1 thread (s) | wall 2 threads (s) | speed-up 2 vs 1 | CPU 2 threads (s) | peak RSS 2 threads (MiB) | MB/s (2 threads) | wall vs 1× (1 thread) | wall vs 1× (2 threads) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        t1, t2 = r["t1"], r["t2"]
        lines.append(
            f"| {r['copies']}× corpus | {r['files']} ({r['linted']}) | {r['mb']} | {t1['wall']:.3f} | {t2['wall']:.3f} | "
            f"{t1['wall'] / t2['wall']:.2f}× | {t2['cpu']:.3f} | {t2['rss_mib']:.1f} | {r['mb'] / t2['wall']:.1f} | "
            f"{t1['wall'] / base1:.2f}× | {t2['wall'] / base2:.2f}× |"
        )
    return "\n".join(lines) + "\n"


def suite_bigfile(corpus, n):
    """One 100 MB file, linted with the size limit raised: a mysqldump-style file of INSERT
    statements (the worst case: 770,000 statements to parse) and a pg_dump-style one whose data
    is a COPY block."""
    sg = ensure_schemaguard()
    tmp = Path(tempfile.mkdtemp(prefix="sg-big-"))
    rows = []
    try:
        inserts = tmp / "inserts.sql"
        with inserts.open("w") as f:
            f.write("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text, created_at timestamptz);\n")
            size, i = 0, 0
            while size < 100 * 1024 * 1024:
                line = f"INSERT INTO users (id, email, name, created_at) VALUES ({i}, 'user{i}@example.com', 'User number {i}', '2024-01-01 00:00:00');\n"
                f.write(line)
                size += len(line)
                i += 1
        copy = tmp / "copy.sql"
        with copy.open("w") as f:
            f.write("CREATE TABLE users (id bigint NOT NULL, email text, name text);\nCOPY users (id, email, name) FROM stdin;\n")
            size, i = 0, 0
            while size < 100 * 1024 * 1024:
                line = f"{i}\tuser{i}@example.com\tUser number {i} with a longer name\n"
                f.write(line)
                size += len(line)
                i += 1
            f.write("\\.\n")
        for name, path in (("INSERT statements", inserts), ("COPY data", copy)):
            m = runs([str(sg), "check", str(path), "--format", "concise", "--exit-zero", "--max-file-size", "200MB"], max(1, min(n, 3)))
            rows.append(row(f"schemaguard, 100 MB of {name}", m, 1, path.stat().st_size / 1e6))
    finally:
        shutil.rmtree(tmp)
    return "One 100 MB file (--max-file-size 200MB)", rows, {
        "schemaguard": "target/release/schemaguard check BIG.sql --format concise --exit-zero --max-file-size 200MB",
    }, rows[0]["tool"]


SUITES = {
    "squawk": suite_squawk,
    "checkov": suite_checkov,
    "sqlfluff": suite_sqlfluff,
    "corpus": suite_corpus,
    "scaling": suite_scaling,
    "bigfile": suite_bigfile,
}


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suites", nargs="*", choices=[[]] + list(SUITES), default=[])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool (median reported; slow tools run fewer)")
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--json", help="also write the raw results here")
    args = ap.parse_args()
    corpus = Path(args.corpus).resolve()
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}; nothing to benchmark (pass --corpus)")
        return 0
    chosen = args.suites or list(SUITES)
    print(f"Machine: {machine()}")
    print(f"Load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    results = {}
    for name in chosen:
        log(f"suite {name}")
        out = SUITES[name](corpus, args.runs)
        title, rows, commands = out[0], out[1], out[2]
        baseline = out[3] if len(out) > 3 else "schemaguard"
        print(scaling_table(title, rows) if name == "scaling" else table(title, rows, baseline))
        print("Commands:\n")
        for tool, cmd in commands.items():
            print(f"- {tool}: `{cmd}`")
        print()
        results[name] = {"title": title, "rows": rows, "commands": commands}
    print(f"Load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
