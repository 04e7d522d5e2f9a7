#!/usr/bin/env bash
# The pre-commit case: one named file in a large repository. Builds a repository of 10,000
# lintable files (100 migration folders of 98 migrations, Terraform modules, compose files, and
# one unrelated 5 MB SQL dump at the top), then times `schemaguard check` on one file of each
# kind with GNU time: wall seconds and peak resident memory. Targets: under 50 ms and 30 MB.
#
# usage: scripts/bench-single-file.sh [BINARY]    (default: target/release/schemaguard)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/target/release/schemaguard}"
[[ -x "$bin" ]] || (cd "$root" && cargo build --release --quiet)
[[ -x /usr/bin/time ]] || { echo "bench-single-file: needs GNU time (/usr/bin/time)" >&2; exit 1; }

repo="$(mktemp -d)"
trap 'rm -rf "$repo"' EXIT
cd "$repo"
git init -q
for s in $(seq -w 1 100); do
  d="services/svc$s/db/migrations"
  mkdir -p "$d"
  for m in $(seq -w 1 98); do
    printf 'ALTER TABLE t%s ADD COLUMN c%s text;\n' "$s" "$m" > "$d/0000$m""_change.up.sql"
  done
  mkdir -p "services/svc$s/infra"
  printf 'resource "aws_db_instance" "db" {\n  engine = "postgres"\n  storage_encrypted = true\n}\n' > "services/svc$s/infra/main.tf"
  printf 'services:\n  db:\n    image: postgres:16.4\n' > "services/svc$s/docker-compose.yml"
done
# An unrelated large file, where the old context walk found it.
python3 - <<'EOF'
with open("dump.sql", "w") as f:
    row = "INSERT INTO events (id, payload) VALUES (1, 'x');\n"
    f.write(row * (5 * 1024 * 1024 // len(row)))
EOF
printf 'ALTER TABLE users DROP COLUMN email;\n' > top.sql
files=$(find . -type f -not -path './.git/*' | wc -l)
echo "repository: $files files ($(du -sh . | cut -f1)), binary: $bin"
printf '%-45s %10s %10s\n' "named file" "wall (s)" "peak (MB)"
for f in top.sql services/svc050/db/migrations/000045_change.up.sql services/svc050/infra/main.tf services/svc050/docker-compose.yml; do
  best_wall=999; best_rss=0
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f '%e %M' -o "$repo/.time" "$bin" check --isolated --exit-zero "$f" >/dev/null 2>&1
    read -r wall rss < "$repo/.time"
    if awk "BEGIN{exit !($wall < $best_wall)}"; then best_wall=$wall; best_rss=$rss; fi
  done
  printf '%-45s %10s %10.1f\n' "$f" "$best_wall" "$(awk "BEGIN{print $best_rss/1024}")"
done
echo "(best of 5 runs; targets: < 0.05 s, < 30 MB)"
