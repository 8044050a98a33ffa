#!/usr/bin/env bash
# Runs `lstm verify` (every kernel family) and a set of the GPU family's kernel tests on
# Oclgrind, a second OpenCL implementation that simulates a GPU, with its data-race detector
# on. Fails when a check fails or when Oclgrind reports a data race or an invalid memory
# access (it reports them on stderr and lets the kernel run on). Installs oclgrind if
# missing. Oclgrind installs no ICD file, so it is registered through a folder of our own
# named by OCL_ICD_VENDORS. Expects the debug build (`swift build`), or builds it.
# OCLGRIND_TESTS overrides the test filter (default: the GPU family's fast tests, GRU
# included, the persistent-timeout fallback forced at several points of a pass, and backends
# driven from two threads at once). Swift Testing
# runs tests in parallel; Oclgrind's runtime is not thread-safe, so OpenCLKit serialises every
# call into it (Sources/OpenCLKit/DriverSerialization.swift): without that, tests running side
# by side got NaN in places, which once looked like a bug of the timeout fallback.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/install-opencl.sh oclgrind
library=/usr/lib/oclgrind/liboclgrind-rt-icd.so
[ -f "$library" ] || { echo "oclgrind-check: $library not found (is the oclgrind package installed?)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/icd"
echo "$library" > "$work/icd/oclgrind.icd"
export OCL_ICD_VENDORS="$work/icd" OCLGRIND_DATA_RACES=1
# A cache of our own: binaries compiled by other drivers never apply, and none are left behind.
export LSTM_CACHE_DIR="$work/cache"

swift build
lstm=.build/debug/lstm
"$lstm" devices | tee "$work/devices.txt"
grep -q "Oclgrind" "$work/devices.txt" || { echo "oclgrind-check: Oclgrind is not among the OpenCL devices" >&2; exit 1; }

# Reports Oclgrind prints on stderr for memory errors and races.
problems='data race|Invalid (read|write)|invalid memory|out of bounds|Uninitialized|OCLGRIND FATAL'
status=0
check_log() {
    if grep -Eiq "$problems" "$1"; then
        echo "oclgrind-check: Oclgrind reported problems in $2:" >&2
        grep -Ei -m 20 "$problems" "$1" >&2
        status=1
    fi
}

echo "== lstm verify on Oclgrind (every kernel family), OCLGRIND_DATA_RACES=1"
if ! "$lstm" verify 2> "$work/verify.err"; then status=1; fi
cat "$work/verify.err" >&2
check_log "$work/verify.err" "lstm verify"

filter=${OCLGRIND_TESTS:-'GPUFamilyTests/(halfWeights|timeoutFallsBack|selection|gateFunctionSelection)|GPUFamilyGRUTests/halfWeights|GPUFallbackTests|ConcurrentBackendTests'}
echo "== swift test --filter '$filter' on Oclgrind"
if ! swift test --filter "$filter" 2> "$work/tests.err"; then status=1; fi
check_log "$work/tests.err" "the kernel tests"

[ "$status" -eq 0 ] && echo "oclgrind-check: PASS (no race or invalid access reported)"
exit "$status"
