#!/usr/bin/env bash
# Runs `lstm run` on a small fixture under valgrind (memcheck, full leak check) on the CPU
# reference and on the first OpenCL device. Fails if valgrind finds a memory error or a
# definite leak outside the suppressed third-party internals (scripts/valgrind.supp).
# Usage: scripts/leakcheck.sh [path/to/lstm]   (default: a debug build, built if missing)
# The OpenCL run takes about two minutes: PoCL's compiler runs under valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "leakcheck: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
binary=${1:-}
if [ -z "$binary" ]; then
    swift build --product lstm >/dev/null
    binary="$(swift build --show-bin-path)/lstm"
fi
fixture=Tests/Fixtures/torch-stacked-bidirectional-projection
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for device in cpu opencl; do
    log="$work/valgrind-$device.log"
    if valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 \
        --suppressions=scripts/valgrind.supp --log-file="$log" \
        "$binary" run --weights "$fixture/model.safetensors" --input "$fixture/input.npy" \
        --h0 "$fixture/h0.npy" --c0 "$fixture/c0.npy" --output "$work/out-$device.npy" --device "$device"; then
        echo "leakcheck $device: clean ($(grep -o 'definitely lost: [0-9,]* bytes' "$log" || echo 'no leaks'))"
    else
        echo "leakcheck $device: FAILED; valgrind says:" >&2
        grep -E "^==[0-9]+== " "$log" | tail -40 >&2
        status=1
    fi
done
exit $status
