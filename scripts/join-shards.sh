#!/usr/bin/env bash
# Joins the slices that N shards (`lstm run --shard K/N`, e.g. the Slurm array job in
# scripts/slurm/lstm-shards.sbatch) wrote into FOLDER as y.K.npy, h_n.K.npy and c_n.K.npy:
# writes FOLDER/y.npy, h_n.npy and c_n.npy (c_n only where the slices have it), bitwise what
# one `lstm run` of the whole input writes.
#
#   scripts/join-shards.sh FOLDER N [--batch-first]     (LSTM=path/to/lstm to pick the binary)
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 FOLDER N [--batch-first]" >&2; exit 64; fi
folder="$1"; count="$2"; output_axis=1
if [ "${3:-}" = "--batch-first" ]; then output_axis=0; fi
lstm="${LSTM:-lstm}"

join() {  # join NAME AXIS
    local parts=()
    for ((k = 0; k < count; k++)); do parts+=("$folder/$1.$k.npy"); done
    "$lstm" join --axis "$2" --output "$folder/$1.npy" "${parts[@]}"
}
join y "$output_axis"
join h_n 1
if [ -e "$folder/c_n.0.npy" ]; then join c_n 1; fi
