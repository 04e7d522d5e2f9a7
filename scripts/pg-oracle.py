#!/usr/bin/env python3
"""The exactness oracle for PostgreSQL (issue 15): every statement schemaguard reads, judged again
by PostgreSQL's own parser (pglast, which wraps libpg_query).

    scripts/pg-oracle.py [--bin target/release/schemaguard] [--show N] [--json]
                         [--as-read PATH]... [PATH...]

Each PATH is read as PostgreSQL (`schemaguard debug statements --dialect postgres`; files whose
path names another engine are left out): folders of PostgreSQL migrations, the fixtures. Each
`--as-read` PATH is read as schemaguard reads it, and only the files it reads as PostgreSQL are
judged (a corpus that mixes engines). A statement holding a template placeholder (`${schema}`,
`{{ .x }}`) or a client command (psql `\\set`, `DELIMITER`) is not judged: PostgreSQL never sees
it as written. For the others:

- agree, accept: PostgreSQL parses it; schemaguard parsed or recognised it;
- agree, reject: PostgreSQL refuses it; schemaguard reported a parse error (LN001) on it;
- false reject: PostgreSQL parses it; schemaguard reported a parse error;
- missed reject: PostgreSQL refuses it; schemaguard read it as valid.

Prints the counts and rates (with --json, one JSON object), and the first N disagreements of each
kind. Needs `pglast` importable (pip install pglast).
"""

import argparse
import json
import re
import subprocess
import sys

OTHER_ENGINE = re.compile(
    r"mysql|mariadb|sqlite|mssql|sqlserver|oracle|clickhouse|snowflake|bigquery|duckdb|h2|hsqldb|derby|cockroach|tidb",
    re.I,
)

# Syntax of a PostgreSQL release newer than the oracle's parser (pglast 8: PostgreSQL 18): not
# judged, and counted apart.
NEWER_THAN_ORACLE = re.compile(r"^\s*REPACK\b", re.I | re.M)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/schemaguard")
    ap.add_argument("--show", type=int, default=10)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--as-read", action="append", default=[])
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()
    try:
        import pglast  # noqa: F401
        from pglast.parser import parse_sql
    except ImportError:
        print("pg-oracle: pglast is not installed (pip install pglast)", file=sys.stderr)
        return 3

    rows = []
    skipped_other = 0
    for forced, paths in ((True, args.paths), (False, args.as_read)):
        if not paths:
            continue
        dialect = ["--dialect", "postgres"] if forced else []
        proc = subprocess.run(
            [args.bin, "debug", "statements", *dialect, *paths],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return 2
        for line in proc.stdout.splitlines():
            row = json.loads(line)
            if forced or row["dialect"] == "postgres":
                rows.append(row)
            else:
                skipped_other += 1
    counts = {
        "accept": 0,
        "reject": 0,
        "false_reject": 0,
        "missed_reject": 0,
        "skipped": 0,
        "newer": 0,
    }
    shown = {"false_reject": [], "missed_reject": []}
    counts["skipped"] += skipped_other
    for row in rows:
        if OTHER_ENGINE.search(row["file"]) or row["template"] or row["client"]:
            counts["skipped"] += 1
            continue
        if NEWER_THAN_ORACLE.search(row["text"]):
            counts["newer"] += 1
            continue
        try:
            parse_sql(row["text"])
            pg_ok = True
        except Exception as e:  # pglast.parser.ParseError, and anything libpg_query says
            pg_ok = False
            why = str(e)
        ours_ok = row["state"] != "failed"
        if pg_ok and ours_ok:
            kind = "accept"
        elif not pg_ok and not ours_ok:
            kind = "reject"
        elif pg_ok:
            kind = "false_reject"
        else:
            kind = "missed_reject"
        counts[kind] += 1
        if kind in shown and len(shown[kind]) < args.show:
            text = " ".join(row["text"].split())
            where = f'{row["file"]}:{row["line"]}'
            extra = "" if pg_ok else f"  [PostgreSQL: {why}]"
            shown[kind].append(f"{where}: {text[:160]}{extra}")
    accepts = counts["accept"] + counts["false_reject"]
    rejects = counts["reject"] + counts["missed_reject"]
    result = {
        **counts,
        "pg_accepts": accepts,
        "pg_rejects": rejects,
        "accept_agreement": counts["accept"] / accepts if accepts else 1.0,
        "reject_agreement": counts["reject"] / rejects if rejects else 1.0,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"statements judged {accepts + rejects} (skipped {counts['skipped']}: placeholders, "
            f"client commands, other engines; {counts['newer']} of PostgreSQL 19, newer than the oracle)"
        )
        print(
            f"PostgreSQL accepts {accepts}: schemaguard agrees on {counts['accept']} "
            f"({100 * result['accept_agreement']:.2f}%), reports a parse error on {counts['false_reject']}"
        )
        print(
            f"PostgreSQL rejects {rejects}: schemaguard agrees on {counts['reject']} "
            f"({100 * result['reject_agreement']:.2f}%), reads {counts['missed_reject']} as valid"
        )
    for kind, rows in shown.items():
        if rows:
            print(f"\n{kind.replace('_', ' ')} (first {len(rows)}):", file=sys.stderr)
            for r in rows:
                print(f"  {r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
