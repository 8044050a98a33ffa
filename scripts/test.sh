#!/usr/bin/env bash
# The test suite on a fresh Debian 12 machine with Swift: installs the OpenCL packages if
# missing, then runs `swift test` (extra arguments go to swift test, e.g. --filter CLITests).
# SCRATCH_PATH=dir builds in dir instead of .build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v swift >/dev/null 2>&1 || { echo "test: swift is not on PATH; install Swift 6 from https://swift.org/install" >&2; exit 1; }
./scripts/install-opencl.sh

scratch=()
if [ -n "${SCRATCH_PATH:-}" ]; then scratch=(--scratch-path "$SCRATCH_PATH"); fi
swift test "${scratch[@]}" "$@"
