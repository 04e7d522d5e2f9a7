#!/usr/bin/env python3
"""Precision workflow: is a finding worth a reviewer's time?

The corpus (../shared/corpus, `<category>/<owner>__<repo>/...`) is split by repository, with a
fixed seed, into a *tune* set (look at it, change rules because of it) and a *holdout* set
(judge the result on it only). The split is decided by a hash of the seed and the repository,
before anyone looks at a finding, so it never depends on what the findings are.

  scripts/precision.py split                    # which repositories are in which set
  scripts/precision.py rates [--set all]        # findings per 1,000 files, per rule
  scripts/precision.py sample --set holdout --n 100 --out sample.md
                                                # a seeded, stratified sample to judge

  scripts/precision.py --select ALL sample --set tune --per-rule 10 --out rules.md
                                                # up to 10 findings of every rule, to judge
  scripts/precision.py defaults                 # precision/defaults.tsv from the verdicts:
                                                # which rules are on by default

`sample` writes each finding with its code (the lines around it) and a verdict line to fill in:
`verdict: worth | noise | false` and why. `tally FILE...` counts the filled-in verdicts per rule
and category. The verdicts are kept in precision/verdicts.tsv (no corpus text: paths, lines,
fingerprints and the judges' reasons), summarised in PRECISION.md:

  scripts/precision.py tally precision/verdicts.tsv --sample holdout-after
  scripts/precision.py record judged.md --sample NAME --commit REV
                                                # append a judged sample's verdicts there

Every command runs the release binary (built when missing) with `--isolated`, the default rule
set (or `--select`), and the JSON output.
"""

import argparse
import hashlib
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 20261203
CONTEXT = 4


def corpus_dir(arg):
    c = Path(arg) if arg else ROOT.parent / "shared" / "corpus"
    if not c.is_dir():
        sys.exit(f"precision: no corpus at {c}")
    return c


def repos(corpus):
    out = []
    for cat in sorted(p for p in corpus.iterdir() if p.is_dir()):
        for repo in sorted(p for p in cat.iterdir() if p.is_dir()):
            out.append(f"{cat.name}/{repo.name}")
    return out


def in_holdout(unit, seed):
    h = hashlib.sha256(f"{seed}|{unit}".encode()).hexdigest()
    return int(h, 16) % 4 == 0


def chosen(corpus, which, seed):
    units = repos(corpus)
    if which == "all":
        return units
    hold = which == "holdout"
    return [u for u in units if in_holdout(u, seed) == hold]


def binary(args):
    if args.bin:
        return args.bin
    exe = ROOT / "target" / "release" / "schemaguard"
    if not exe.exists():
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return str(exe)


def findings(args, corpus, units):
    """Active findings of the units, and how many files were checked."""
    cmd = [binary(args), "check", "--isolated", "--format", "json", "--exit-zero"]
    if args.select:
        cmd += ["--select", args.select]
    out = []
    files = 0
    # A unit at a time: no repository is read as context of another.
    for u in units:
        r = subprocess.run(cmd + [u], cwd=corpus, capture_output=True, text=True)
        doc = json.loads(r.stdout)
        files += doc["summary"]["files"]
        out.extend(d for d in doc["diagnostics"] if not d.get("suppression"))
    return out, files


def cmd_split(args):
    corpus = corpus_dir(args.corpus)
    for which in ("tune", "holdout"):
        units = chosen(corpus, which, args.seed)
        print(f"## {which} ({len(units)} repositories, seed {args.seed})")
        for u in units:
            print(u)
        print()


def cmd_rates(args):
    corpus = corpus_dir(args.corpus)
    units = chosen(corpus, args.set, args.seed)
    diags, files = findings(args, corpus, units)
    per = Counter(d["code"] for d in diags)
    name = {d["code"]: d["name"] for d in diags}
    print(f"{args.set} set, seed {args.seed}: {len(units)} repositories, {files} files, "
          f"{len(diags)} findings")
    print("| rule | name | findings | per 1,000 files |")
    print("|---|---|---:|---:|")
    for code, n in sorted(per.items()):
        print(f"| {code} | `{name[code]}` | {n} | {1000 * n / max(files, 1):.1f} |")


def snippet(corpus, d):
    path = corpus / d["file"]
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(unreadable)"
    a = d["range"]["start"]["line"]
    b = d["range"]["end"]["line"]
    lo, hi = max(1, a - CONTEXT), min(len(lines), b + CONTEXT)
    if hi - lo > 40:
        hi = lo + 40
    body = []
    for i in range(lo, hi + 1):
        mark = ">" if a <= i <= b else " "
        text = lines[i - 1] if i - 1 < len(lines) else ""
        body.append(f"{mark}{i:5} | {text[:200]}")
    return "\n".join(body)


def cmd_sample(args):
    corpus = corpus_dir(args.corpus)
    units = chosen(corpus, args.set, args.seed)
    diags, files = findings(args, corpus, units)
    # The split keeps its seed (the holdout stays the repositories set aside before any tuning);
    # a fresh draw from it takes its own, so a later sample is not the one judged before.
    sample_seed = args.sample_seed if args.sample_seed is not None else args.seed
    rng = random.Random(sample_seed)
    by_cat = defaultdict(list)
    for d in diags:
        by_cat[d["code"][:2]].append(d)
    # Stratified: every category gets its share of the sample, at least `--min-per-category`
    # where it has that many findings; the rest in proportion to its findings.
    cats = sorted(by_cat)
    quota = {c: min(len(by_cat[c]), args.min_per_category) for c in cats}
    left = args.n - sum(quota.values())
    total = sum(len(by_cat[c]) - quota[c] for c in cats) or 1
    for c in cats:
        quota[c] += min(len(by_cat[c]) - quota[c], round(left * (len(by_cat[c]) - quota[c]) / total))
    picked = []
    key = lambda d: (d["file"], d["range"]["start"]["offset"], d["code"])
    if args.per_rule:
        # Per rule instead of per category: up to K findings of every rule, to decide which
        # rules are on by default (`defaults`).
        by_rule = defaultdict(list)
        for d in diags:
            by_rule[d["code"]].append(d)
        for code in sorted(by_rule):
            pool = sorted(by_rule[code], key=key)
            picked.extend(rng.sample(pool, min(len(pool), args.per_rule)))
    else:
        for c in cats:
            picked.extend(rng.sample(sorted(by_cat[c], key=key), quota[c]))
    out = [f"# Precision sample: {args.set} set, split seed {args.seed}, sample seed {sample_seed}, "
           f"{len(picked)} of {len(diags)} "
           f"findings ({files} files, {len(units)} repositories)\n",
           "Judge each as a senior reviewer of the pull request would: `worth` (true and worth "
           "a reviewer's time), `noise` (true but not worth it: an initial schema, a dev-only "
           "file, a convention the project follows, the wrong engine...), `false` (not true).\n"]
    for i, d in enumerate(picked, 1):
        line = d["range"]["start"]["line"]
        out.append(f"## {i}. {d['code']} {d['name']} ({d['severity']}) {d['file']}:{line}\n")
        out.append(f"> {d['message']}\n")
        out.append("```\n" + snippet(corpus, d) + "\n```\n")
        out.append(f"fingerprint: {d['fingerprint']}\n")
        out.append("verdict: \n")
    text = "\n".join(out)
    if args.out:
        Path(args.out).write_text(text)
        print(f"wrote {len(picked)} findings to {args.out}")
    else:
        print(text)


def cmd_tally(args):
    per_rule = defaultdict(Counter)
    for f in args.files:
        text = Path(f).read_text()
        if f.endswith(".tsv"):
            # precision/verdicts.tsv: one row a verdict; `--sample` picks the sample.
            for line in text.splitlines():
                if line.startswith("#") or not line.strip():
                    continue
                row = line.split("\t")
                if args.sample and row[0] != args.sample:
                    continue
                per_rule[row[2]][row[8]] += 1
            continue
        for block in re.split(r"^## \d+\. ", text, flags=re.M)[1:]:
            code = block.split()[0]
            m = re.search(r"^verdict:\s*(\w+)", block, flags=re.M)
            if m:
                per_rule[code][m.group(1).lower()] += 1
    cats = defaultdict(Counter)
    for code, c in per_rule.items():
        cats[code[:2]].update(c)
    def row(name, c):
        n = sum(c.values())
        return f"| {name} | {n} | {c['worth']} | {c['noise']} | {c['false']} | {100 * c['worth'] / max(n, 1):.0f}% |"
    print("| rule | judged | worth | noise | false | precision |")
    print("|---|---:|---:|---:|---:|---:|")
    for code in sorted(per_rule):
        print(row(code, per_rule[code]))
    for cat in sorted(cats):
        print(row(f"**{cat}**", cats[cat]))
    print(row("**all**", sum(cats.values(), Counter())))


def cmd_record(args):
    """Appends the verdicts of a judged sample to precision/verdicts.tsv, one row a finding:
    the sample's name, the binary that reported it, the finding (code, name, severity, file,
    line, fingerprint: no corpus text), the verdict and its reason."""
    rows = []
    for f in args.files:
        text = Path(f).read_text()
        for block in re.split(r"^## \d+\. ", text, flags=re.M)[1:]:
            head = re.match(r"(\S+) (\S+) \((\w+)\) (.+):(\d+)\s*$", block.splitlines()[0])
            fp = re.search(r"^fingerprint:\s*(\S+)", block, flags=re.M)
            v = re.search(r"^verdict:\s*(worth|noise|false)\b\s*[-\u2014:]*\s*(.*)$", block,
                          flags=re.M | re.I)
            if not (head and fp and v):
                sys.exit(f"{f}: a finding without a verdict: {block.splitlines()[0]}")
            code, name, severity, file, line = head.groups()
            reason = v.group(2).replace("\t", " ").strip()
            rows.append("\t".join([args.sample, args.commit, code, name, severity, file, line,
                                   fp.group(1), v.group(1).lower(), reason]))
    with open(args.verdicts, "a") as out:
        out.write("\n".join(rows) + "\n")
    print(f"recorded {len(rows)} verdicts as {args.sample} in {args.verdicts}")


DEFAULTS_SAMPLE = "rules-20261207"


def cmd_defaults(args):
    """precision/defaults.tsv: per rule, its findings on the sample's set (every rule selected)
    and the verdicts of the deciding sample. The registry reads it: a rule is on by default only
    if at least 9 in 10 of its judged findings were worth a reviewer's time (src/registry.rs)."""
    corpus = corpus_dir(args.corpus)
    units = chosen(corpus, args.set, args.seed)
    args.select = "ALL"
    diags, files = findings(args, corpus, units)
    per = Counter(d["code"] for d in diags)
    verdicts = defaultdict(Counter)
    for line in Path(args.verdicts).read_text().splitlines():
        row = line.split("\t")
        if line.startswith("#") or len(row) < 9 or row[0] != args.sample:
            continue
        verdicts[row[2]][row[8]] += 1
    rules = json.loads(subprocess.run([binary(args), "rule", "--all", "--format", "json"],
                                      capture_output=True, text=True, check=True).stdout)
    out = ["# Which rules are on by default, decided by measured precision: written by",
           "# `scripts/precision.py defaults`, read by src/registry.rs (Precision).",
           f"# Sample {args.sample}: up to 10 findings of every rule (--select ALL), seeded, from the",
           f"# {args.set} set of split seed {args.seed} ({len(units)} repositories, {files} files).",
           "# A rule is on by default when worth * 10 >= judged * 9 and at least min(10, findings)",
           "# were judged; a rule with no findings is unmeasured and stays on; tool diagnostics",
           "# (LN) always run.",
           "# code\tfindings\tjudged\tworth\tnoise\tfalse"]
    for r in sorted(rules, key=lambda r: r["code"]):
        c = verdicts[r["code"]]
        out.append("\t".join(str(x) for x in (r["code"], per[r["code"]], sum(c.values()),
                                                c["worth"], c["noise"], c["false"])))
    Path(args.out).write_text("\n".join(out) + "\n")
    print(f"wrote {len(rules)} rules to {args.out}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--bin", help="the schemaguard binary (default: target/release, built when missing)")
    p.add_argument("--select", help="rules to run instead of the defaults")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("split")
    r = sub.add_parser("rates")
    r.add_argument("--set", choices=["tune", "holdout", "all"], default="all")
    s = sub.add_parser("sample")
    s.add_argument("--set", choices=["tune", "holdout", "all"], default="holdout")
    s.add_argument("--n", type=int, default=100)
    s.add_argument("--min-per-category", type=int, default=12)
    s.add_argument("--sample-seed", type=int, default=None,
                   help="seed of the draw (default: --seed); the split keeps --seed")
    s.add_argument("--per-rule", type=int, default=0,
                   help="up to K findings of every rule instead of a stratified --n")
    s.add_argument("--out")
    t = sub.add_parser("tally")
    t.add_argument("files", nargs="+", help="filled-in samples, or precision/verdicts.tsv")
    t.add_argument("--sample", help="with verdicts.tsv: tune-before, holdout-before, holdout-after...")
    rec = sub.add_parser("record")
    rec.add_argument("files", nargs="+", help="filled-in samples")
    rec.add_argument("--sample", required=True, help="the name the rows get")
    rec.add_argument("--commit", required=True, help="the binary's commit")
    rec.add_argument("--verdicts", default=str(ROOT / "precision" / "verdicts.tsv"))
    d = sub.add_parser("defaults")
    d.add_argument("--set", choices=["tune", "holdout", "all"], default="tune")
    d.add_argument("--sample", default=DEFAULTS_SAMPLE)
    d.add_argument("--verdicts", default=str(ROOT / "precision" / "verdicts.tsv"))
    d.add_argument("--out", default=str(ROOT / "precision" / "defaults.tsv"))
    args = p.parse_args()
    {"split": cmd_split, "rates": cmd_rates, "sample": cmd_sample, "tally": cmd_tally,
     "record": cmd_record, "defaults": cmd_defaults}[args.cmd](args)


if __name__ == "__main__":
    main()
