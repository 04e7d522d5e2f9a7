#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ for a time budget each, seeded from the project's own
# fixtures. A crash stops the target and leaves its input in fuzz/artifacts/<target>/; copy it to
# fixtures/fuzz-regressions/<target>/ (tests/fuzz_regressions.rs replays that folder).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    default: 300 s, every target
#   FUZZ_SANITIZER=address scripts/fuzz.sh 1200 sql     with AddressSanitizer (slower build)
#   FUZZ_JOBS=2 scripts/fuzz.sh 600 sql                 two fuzzing processes
#   FUZZ_BUILD_FLAGS=--dev scripts/fuzz.sh 30             quicker build, slower runs
#
# Works on the stable toolchain: cargo-fuzz passes `-Z` flags to rustc, which stable accepts
# with RUSTC_BOOTSTRAP=1. cargo-fuzz is installed from crates.io when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
budget="${1:-300}"
shift || true
targets=("$@")
sanitizer="${FUZZ_SANITIZER:-none}"
# -O (release, the default) or --dev (faster to build; scripts/fuzz-smoke.sh uses it).
build="${FUZZ_BUILD_FLAGS:--O}"
jobs="${FUZZ_JOBS:-1}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz from crates.io"
  cargo install --locked --quiet cargo-fuzz
fi
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cd fuzz && cargo fuzz list)
fi

# Seeds: the fixtures of the kind each target reads (copied: libFuzzer writes into its corpus).
seed() {
  local target="$1" dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  local pattern
  case "$target" in
    sql) pattern='*.sql' ;;
    hcl) pattern='*.tf' ;;
    yaml) pattern='*.y*ml' ;;
    xml) pattern='*.xml' ;;
    python) pattern='*.py' ;;
    *) pattern='*' ;;
  esac
  # Each seed gets a leading byte: the fuzz targets read the first byte as the file-name pick.
  find fixtures -type f -name "$pattern" -size -64k -print0 | while IFS= read -r -d '' f; do
    out="$dir/seed-$(printf '%s' "$f" | cksum | cut -d' ' -f1)"
    [ -e "$out" ] || { printf '\000'; cat "$f"; } > "$out"
  done
  if [ -d "fixtures/fuzz-regressions/$target" ]; then
    cp -n fixtures/fuzz-regressions/"$target"/* "$dir"/ 2>/dev/null || true
  fi
}

# Build every target first, so a target that no longer compiles is reported as that and not
# as a crash.
if ! (cd fuzz && cargo fuzz build --sanitizer "$sanitizer" $build); then
  echo "!!! the fuzz targets do not build (see the compiler errors above)"
  exit 1
fi

status=0
for t in "${targets[@]}"; do
  seed "$t"
  parallel=()
  [ "$jobs" -gt 1 ] && parallel=("-jobs=$jobs" "-workers=$jobs")
  dict=()
  [ -f "fuzz/dict/$t.dict" ] && dict=("-dict=dict/$t.dict")
  echo "=== fuzzing $t for ${budget}s (sanitizer: $sanitizer, jobs: $jobs)"
  # -max_len: deep nesting and long statements need room; -timeout: a single input taking
  # longer than this is a hang; -rss_limit_mb: a memory blow-up is a failure too.
  if ! (cd fuzz && cargo fuzz run --sanitizer "$sanitizer" $build "$t" "corpus/$t" -- \
      -max_total_time="$budget" -max_len=131072 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 "${parallel[@]}" "${dict[@]}"); then
    echo "!!! $t: a crash, hang or out-of-memory; its input is in fuzz/artifacts/$t/"
    status=1
  fi
done
exit $status
