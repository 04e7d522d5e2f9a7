#!/usr/bin/env bash
# CI's short fuzz run: builds the fuzz targets and runs each for a few seconds (default 15 s,
# FUZZ_SMOKE_SECONDS to change), after replaying the kept regressions. It catches a target that
# no longer builds and a crash that shows up at once; the real fuzzing is scripts/fuzz.sh with
# a budget of minutes to hours (see fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SMOKE_SECONDS:-15}"
# A dev build with optimised dependencies (fuzz/Cargo.toml): a fraction of the release build
# time, fast enough for a smoke run.
export FUZZ_BUILD_FLAGS="--dev"
exec scripts/fuzz.sh "$seconds" "$@"
