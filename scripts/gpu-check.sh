#!/usr/bin/env bash
# One-call GPU check (shared/GPU.md): on an NVIDIA machine, from the folder this script
# travels in (with `lstm`, built with --static-swift-stdlib, and libOpenCL.so.1 beside it):
#   scripts/gpu-check.sh OUTDIR            # on the GPU machine
#   scripts/gpu-check.sh --prepare DIR     # here: build release and fill DIR (e.g. .gpu) to carry
#   scripts/gpu-check.sh --local OUTDIR    # here: the same steps on the local OpenCL (PoCL), small workloads
# Steps: register NVIDIA's OpenCL through OCL_ICD_VENDORS (its .icd file is often missing),
# `lstm devices`, `lstm verify` (both kernel families), `lstm overhead` (back-to-back empty
# kernels), the register report of every GPU-family kernel (-cl-nv-verbose), the standard and
# DeepBench suites on both families (`lstm bench --json`), and PyTorch's nn.LSTM on CUDA
# (cuDNN, fp32, TF32 off, CUDA events, median) on the same workloads. Full logs go to OUTDIR;
# the last thing printed is one table (often only the end of the output comes back).
# A step that fails is recorded in the table and the script goes on; it exits 1 if any did.
# It changes no GPU setting (no clocks, power, MIG, persistence or reset).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mode=gpu
case "${1:-}" in
    --prepare) mode=prepare; shift ;;
    --local) mode=local; shift ;;
esac
[ $# -eq 1 ] || { echo "usage: gpu-check.sh [--prepare|--local] DIR" >&2; exit 64; }

if [ "$mode" = prepare ]; then
    dest=$1
    root=$(cd "$here/.." && pwd)
    (cd "$root" && swift build -c release --static-swift-stdlib)
    library=$(dpkg -L ocl-icd-libopencl1 2>/dev/null | grep 'libOpenCL.so.1$' | head -1 || true)
    [ -n "$library" ] || { echo "gpu-check: libOpenCL.so.1 not found (apt-get install ocl-icd-libopencl1)" >&2; exit 1; }
    mkdir -p "$dest"
    cp "$root/.build/release/lstm" "$library" "$dest/"
    cp "$here/gpu-check.sh" "$here/gpu_check_report.py" "$dest/"
    echo "gpu-check: $dest is ready to travel; run '$dest/gpu-check.sh OUTDIR' on the GPU machine"
    exit 0
fi

out=$(mkdir -p "$1" && cd "$1" && pwd)
lstm=${LSTM_BINARY:-$here/lstm}
if [ ! -x "$lstm" ] && [ -x "$here/../.build/release/lstm" ]; then lstm=$here/../.build/release/lstm; fi
[ -x "$lstm" ] || { echo "gpu-check: no lstm binary at $lstm (run gpu-check.sh --prepare DIR first)" >&2; exit 1; }
export LD_LIBRARY_PATH="$here${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LSTM_CACHE_DIR="$out/cache" CUDA_CACHE_DISABLE=1
echo "gpu-check: logs in $out, binary $lstm"
: > "$out/steps.txt"

step() {  # step NAME COMMAND...: runs the command, its output to OUTDIR/NAME.txt, records ok/FAILED
    local name=$1
    shift
    echo "== $name: $*"
    if "$@" > "$out/$name.txt" 2> "$out/$name.err"; then
        echo "$name ok" >> "$out/steps.txt"
    else
        echo "$name FAILED (exit $?; see $name.err)" >> "$out/steps.txt"
        tail -5 "$out/$name.err" >&2 || true
    fi
}

if [ "$mode" = gpu ]; then
    nvidia=$(ls /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 /usr/local/nvidia/lib64/libnvidia-opencl.so.1 \
        /usr/lib64/libnvidia-opencl.so.1 2>/dev/null | head -1 || true)
    if [ -z "$nvidia" ]; then
        nvidia=$(find / -name 'libnvidia-opencl.so*' -not -path '/proc/*' 2>/dev/null | head -1 || true)
    fi
    if [ -n "$nvidia" ]; then
        mkdir -p "$out/icd"
        echo "$nvidia" > "$out/icd/nvidia.icd"
        export OCL_ICD_VENDORS="$out/icd"
        echo "nvidia-opencl $nvidia" >> "$out/steps.txt"
    else
        echo "nvidia-opencl NOT FOUND (no libnvidia-opencl.so on this machine: NVIDIA's OpenCL is not there)" >> "$out/steps.txt"
    fi
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader > "$out/nvidia-smi.txt" 2>&1 || true
    suites=(--suite all)
    repeats=(--repeat 10 --warmup 2)
else
    suites=(--input-size 64 --hidden 64 --batch 4 --steps 10)
    # -cl-nv-verbose is NVIDIA's: other compilers reject it.
    export LSTM_GPU_BUILD_OPTIONS=${LSTM_GPU_BUILD_OPTIONS:- }
    repeats=(--repeat 2 --warmup 1)
fi

step devices "$lstm" devices
step verify "$lstm" verify
step overhead "$lstm" overhead
# Register report: a fresh build (no program cache) of each GPU-family program with the
# NVIDIA compiler's verbose output; ptxas prints registers and shared memory per kernel.
step registers env LSTM_CACHE_DIR=off LSTM_PRINT_BUILD_LOG=1 \
    LSTM_GPU_BUILD_OPTIONS="${LSTM_GPU_BUILD_OPTIONS:--cl-nv-verbose}" \
    "$lstm" bench --input-size 512 --hidden 512 --batch 1 --steps 2 --kernels gpu --device auto --repeat 1 --warmup 0
step bench "$lstm" bench "${suites[@]}" --device auto --kernels cpu --kernels gpu "${repeats[@]}" --json

python=$(command -v python3 || true)
if [ -n "$python" ]; then
    step cudnn "$python" "$here/gpu_check_report.py" cudnn "$out/bench.txt" "$out/cudnn.json"
    "$python" "$here/gpu_check_report.py" table "$out" | tee "$out/table.txt"
else
    echo "gpu-check: python3 not found: no cuDNN comparison and no table; logs are in $out" >&2
    cat "$out/steps.txt"
fi
! grep -q "FAILED" "$out/steps.txt"
