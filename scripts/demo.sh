#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine with Swift: installs the OpenCL packages if
# missing, builds the release binary (Swift runtime linked statically) and runs `lstm demo`.
# Extra arguments go to `lstm demo`. SCRATCH_PATH=dir builds in dir instead of .build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command -v swift >/dev/null 2>&1 || { echo "demo: swift is not on PATH; install Swift 6 from https://swift.org/install" >&2; exit 1; }
./scripts/install-opencl.sh

scratch=()
if [ -n "${SCRATCH_PATH:-}" ]; then scratch=(--scratch-path "$SCRATCH_PATH"); fi
flags=(-c release --static-swift-stdlib "${scratch[@]}")
swift build "${flags[@]}"
"$(swift build "${flags[@]}" --show-bin-path)/lstm" demo "$@"
