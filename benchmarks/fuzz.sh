#!/usr/bin/env bash
# The longer fuzz run: the property-based tests of tests/test_fuzz.py with N times the examples
# of the default test run (random, not derandomised), e.g. `bash benchmarks/fuzz.sh 50`.
set -euo pipefail
cd "$(dirname "$0")/.."
export ECGKG_FUZZ_EXAMPLES="${1:-50}"
exec python -m pytest -q -p no:cacheprovider tests/test_fuzz.py -m "slow or not slow"
