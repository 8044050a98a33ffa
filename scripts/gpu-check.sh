#!/usr/bin/env bash
# One-call GPU check (shared/GPU.md): on an NVIDIA machine, from the folder this script
# travels in (with `lstm`, built with --static-swift-stdlib, and libOpenCL.so.1 beside it):
#   scripts/gpu-check.sh OUTDIR            # on the GPU machine
#   scripts/gpu-check.sh --prepare DIR     # here: build release and fill DIR (e.g. .gpu) to carry
#   scripts/gpu-check.sh --local OUTDIR    # here: the same steps on the local OpenCL (PoCL), small workloads
# Steps, most important first: register NVIDIA's OpenCL through OCL_ICD_VENDORS (its .icd
# file is often missing), `lstm devices`, `lstm overhead` (back-to-back empty kernels), the
# register report of every GPU-family kernel (-cl-nv-verbose), `lstm verify --kernels gpu`,
# the standard and DeepBench suites on the GPU family (`lstm bench --json`), PyTorch's nn.LSTM
# on CUDA (cuDNN, fp32, TF32 off, CUDA events, median) on the same workloads, f16 weights at
# batch 1, the CPU family at batch 1, `lstm tune --kernels gpu` at batch 1 and 64, and verify
# of the CPU family. Each step has a time limit, and all of them GPU_CHECK_BUDGET seconds.
# Logs go to OUTDIR/logs, packed into OUTDIR/logs.tar.gz after every step; the last thing
# printed is one table, also OUTDIR/table.txt (often only the end of the output comes back).
# A step that fails is recorded in the table and the script goes on; it exits 1 if any
# failed or was skipped for want of budget.
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
    rm -f "$dest/lstm" "$dest/lstm.gz"
    # Stripped and compressed: the unstripped static binary (~80 MB) is over the 64 MiB a
    # device call carries; the check unpacks it on the GPU machine.
    strip -o "$dest/lstm" "$root/.build/release/lstm"
    gzip -9 "$dest/lstm"
    cp "$library" "$dest/"
    cp "$here/gpu-check.sh" "$here/gpu_check_report.py" "$dest/"
    echo "gpu-check: $dest is ready to travel; run '$dest/gpu-check.sh OUTDIR' on the GPU machine"
    exit 0
fi

out=$(mkdir -p "$1" && cd "$1" && pwd)
if [ -z "${LSTM_BINARY:-}" ] && [ ! -x "$here/lstm" ] && [ -f "$here/lstm.gz" ]; then
    gunzip -c "$here/lstm.gz" > "$here/lstm" && chmod +x "$here/lstm"
fi
lstm=${LSTM_BINARY:-$here/lstm}
if [ ! -x "$lstm" ] && [ -x "$here/../.build/release/lstm" ]; then lstm=$here/../.build/release/lstm; fi
[ -x "$lstm" ] || { echo "gpu-check: no lstm binary at $lstm (run gpu-check.sh --prepare DIR first)" >&2; exit 1; }
# Logs go to OUTDIR/logs and, after every step, into OUTDIR/logs.tar.gz (a device call brings
# back at most 8 files); the summary table is OUTDIR/table.txt.
logs="$out/logs"
mkdir -p "$logs"
export LD_LIBRARY_PATH="$here${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LSTM_CACHE_DIR="$logs/cache" CUDA_CACHE_DISABLE=1
echo "gpu-check: logs in $logs, binary $lstm"
: > "$logs/steps.txt"
# The whole check stays inside GPU_CHECK_BUDGET seconds (default 480): a lent GPU is held for
# minutes, and one hung step must not eat the rest. Each step gets its own limit as well.
budget=${GPU_CHECK_BUDGET:-480}
started=$SECONDS

pack() {
    tar czf "$out/logs.tar.gz.part" -C "$out" --exclude=logs/cache --exclude=logs/icd logs 2>/dev/null \
        && mv "$out/logs.tar.gz.part" "$out/logs.tar.gz" || true
}

step() {  # step NAME LIMIT_S COMMAND...: output to logs/NAME.{txt,err}; records ok/FAILED/TIMEOUT/SKIPPED and seconds
    local name=$1 limit=$2
    shift 2
    local left=$((budget - (SECONDS - started)))
    if [ "$left" -lt 15 ]; then
        echo "$name SKIPPED (budget of ${budget}s spent)" >> "$logs/steps.txt"
        return
    fi
    [ "$limit" -le "$left" ] || limit=$left
    echo "== $name (limit ${limit}s): $*"
    local begin=$SECONDS code=0
    timeout -k 5 "$limit" "$@" > "$logs/$name.txt" 2> "$logs/$name.err" || code=$?
    local took=$((SECONDS - begin))
    if [ "$code" -eq 0 ]; then
        echo "$name ok (${took}s)" >> "$logs/steps.txt"
    elif [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then
        echo "$name TIMEOUT FAILED (over ${limit}s; see $name.err)" >> "$logs/steps.txt"
    else
        echo "$name FAILED (exit $code, ${took}s; see $name.err)" >> "$logs/steps.txt"
        tail -5 "$logs/$name.err" >&2 || true
    fi
    pack
}

if [ "$mode" = gpu ]; then
    nvidia=$(ls /usr/lib/x86_64-linux-gnu/libnvidia-opencl.so.1 /usr/local/nvidia/lib64/libnvidia-opencl.so.1 \
        /usr/lib64/libnvidia-opencl.so.1 2>/dev/null | head -1 || true)
    if [ -z "$nvidia" ]; then
        nvidia=$(find / -name 'libnvidia-opencl.so*' -not -path '/proc/*' 2>/dev/null | head -1 || true)
    fi
    if [ -n "$nvidia" ]; then
        mkdir -p "$logs/icd"
        echo "$nvidia" > "$logs/icd/nvidia.icd"
        export OCL_ICD_VENDORS="$logs/icd"
        echo "nvidia-opencl $nvidia" >> "$logs/steps.txt"
    else
        echo "nvidia-opencl NOT FOUND (no libnvidia-opencl.so on this machine: NVIDIA's OpenCL is not there)" >> "$logs/steps.txt"
    fi
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv,noheader \
        > "$logs/nvidia-smi.txt" 2>&1 || true
    nproc > "$logs/host.txt" 2>&1; lscpu >> "$logs/host.txt" 2>&1 || true
    suites=(--suite standard)
    deepbench=(--suite deepbench)
    repeats=(--repeat 10 --warmup 2)
    cpu_family=(--input-size 512 --hidden 512 --batch 1 --steps 100)
    tune=(--input-size 512 --hidden 512 --batch 1 --steps 100)
    tune_large=(--input-size 512 --hidden 512 --batch 64 --steps 100)
else
    suites=(--input-size 64 --hidden 64 --batch 4 --steps 10)
    deepbench=(--input-size 32 --hidden 32 --batch 1 --steps 5)
    cpu_family=("${suites[@]}")
    tune=("${suites[@]}")
    tune_large=(--input-size 32 --hidden 32 --batch 16 --steps 5)
    # -cl-nv-verbose is NVIDIA's: other compilers reject it.
    export LSTM_GPU_BUILD_OPTIONS=${LSTM_GPU_BUILD_OPTIONS:- }
    repeats=(--repeat 2 --warmup 1)
fi

# Most important first: whatever the budget leaves out comes last.
step devices 30 "$lstm" devices
step overhead 30 "$lstm" overhead
# Register report: a fresh build (no program cache) of each GPU-family program with the
# NVIDIA compiler's verbose output; ptxas prints registers and shared memory per kernel.
step registers 45 env LSTM_CACHE_DIR=off LSTM_PRINT_BUILD_LOG=1 \
    LSTM_GPU_BUILD_OPTIONS="${LSTM_GPU_BUILD_OPTIONS:--cl-nv-verbose}" \
    "$lstm" bench --input-size 512 --hidden 512 --batch 1 --steps 2 --kernels gpu --device auto --repeat 1 --warmup 0
step verify-gpu 100 "$lstm" verify --kernels gpu
step bench 170 "$lstm" bench "${suites[@]}" --device auto --kernels gpu "${repeats[@]}" --json
step bench-deepbench 60 "$lstm" bench "${deepbench[@]}" --device auto --kernels gpu "${repeats[@]}" --json
python=$(command -v python3 || true)
if [ -n "$python" ]; then
    step cudnn 60 "$python" "$here/gpu_check_report.py" cudnn "$logs/bench.txt,$logs/bench-deepbench.txt" "$logs/cudnn.json"
fi
step bench-f16 30 "$lstm" bench --input-size 512 --hidden 512 --batch 1 --steps 100 --device auto --kernels gpu \
    --weight-precision f16 "${repeats[@]}" --json
step bench-cpu-family 40 "$lstm" bench "${cpu_family[@]}" --device auto --kernels cpu "${repeats[@]}" --json
step tune 40 "$lstm" tune "${tune[@]}" --kernels gpu --device auto
step verify-cpu-family 80 "$lstm" verify --kernels cpu
step tune-large 40 "$lstm" tune "${tune_large[@]}" --kernels gpu --device auto

if [ -n "$python" ]; then
    "$python" "$here/gpu_check_report.py" table "$logs" | tee "$out/table.txt"
else
    echo "gpu-check: python3 not found: no cuDNN comparison and no table; logs are in $logs" >&2
    cat "$logs/steps.txt"
fi
pack
# A skipped step is not a passed one: the check fails unless every step ran and passed.
! grep -qE "FAILED|SKIPPED" "$logs/steps.txt"
