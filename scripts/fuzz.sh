#!/usr/bin/env bash
# Fuzzes the safetensors and NumPy .npy readers, and the ONNX reader and importer, with
# libFuzzer and keeps a minimised corpus for each.
#
# Usage: scripts/fuzz.sh [SECONDS]        (default 300, per target)
#   FUZZ_TARGETS="formats onnx"   which targets to fuzz (default both)
#   FUZZ_BUILD=dir   build and scratch folder (default .build-fuzz, ignored by git)
#   FUZZ_JOBS=n      parallel fuzzing processes (default 1)
#
# How it is built: SwiftPM cannot link a libFuzzer binary from an executableTarget (libFuzzer
# supplies `main`), so swiftc compiles LSTMCore and LSTMFormats into static libraries with
# -sanitize=fuzzer,address (coverage + AddressSanitizer) as separate modules, exactly as
# SwiftPM would, so Tests/Fuzz/FuzzFormats.swift keeps its ordinary imports and sees only the
# public API. The entry point is @_cdecl("LLVMFuzzerTestOneInput").
#
# What it does, per target: seeds a work corpus with valid files (formats: Tests/Fuzz/make_seeds.py;
# onnx: the fixture models in Tests/Fixtures/onnx) plus the committed corpus, fuzzes for SECONDS
# (formats: inputs up to 4096 bytes, dictionary Tests/Fuzz/formats.dict; onnx: up to 16384 bytes),
# then merges (-merge=1) into a minimal set that keeps all edge coverage and replaces the
# committed corpus with it (Tests/LSTMFormatsTests/Corpus/, Tests/LSTMONNXTests/Corpus/). Crashing inputs are left in
# $FUZZ_BUILD/artifacts/ and the script fails; fix the reader, then copy the input into the
# corpus so the replay test (CorpusReplayTests) keeps it fixed.
set -euo pipefail

seconds="${1:-300}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FUZZ_BUILD:-$root/.build-fuzz}"
jobs="${FUZZ_JOBS:-1}"
targets="${FUZZ_TARGETS:-formats onnx}"
flags=(-parse-as-library -O -g -sanitize=fuzzer,address -I "$build" -L "$build")

mkdir -p "$build" "$build/artifacts"
cd "$build"

# ld.gold warns about every ASan helper symbol it cannot export; the warnings are harmless.
quiet() { "$@" 2>&1 | { grep -v "Cannot export local symbol" || true; }; return "${PIPESTATUS[0]}"; }

echo "== building fuzz targets in $build"
quiet swiftc "${flags[@]}" -module-name LSTMCore -emit-module -emit-library -static \
    -o libLSTMCore.a $(find "$root/Sources/LSTMCore" -name '*.swift' | sort)
quiet swiftc "${flags[@]}" -module-name LSTMFormats -emit-module -emit-library -static \
    -o libLSTMFormats.a "$root"/Sources/LSTMFormats/*.swift
quiet swiftc "${flags[@]}" -module-name LSTMONNX -emit-module -emit-library -static \
    -o libLSTMONNX.a "$root"/Sources/LSTMONNX/*.swift
quiet swiftc "${flags[@]}" -module-name LSTMFuzz -lLSTMFormats -lLSTMCore \
    -o fuzz-formats "$root/Tests/Fuzz/FuzzFormats.swift"
quiet swiftc "${flags[@]}" -module-name LSTMFuzzONNX -lLSTMONNX -lLSTMFormats -lLSTMCore \
    -o fuzz-onnx "$root/Tests/Fuzz/FuzzONNX.swift"

for target in $targets; do
    case "$target" in
        formats) corpus="$root/Tests/LSTMFormatsTests/Corpus"; max_len=4096
                 extra=(-dict="$root/Tests/Fuzz/formats.dict") ;;
        onnx)    corpus="$root/Tests/LSTMONNXTests/Corpus"; max_len=16384; extra=() ;;
        *) echo "unknown fuzz target $target" >&2; exit 64 ;;
    esac
    mkdir -p "$corpus"
    rm -rf work merged && mkdir -p work merged
    if [ "$target" = formats ]; then
        python3 "$root/Tests/Fuzz/make_seeds.py" work
    else
        for model in "$root"/Tests/Fixtures/onnx/*/model.onnx; do
            cp "$model" "work/seed-$(basename "$(dirname "$model")").onnx"
        done
    fi
    cp "$corpus"/* work/ 2>/dev/null || true

    echo "== fuzzing $target for ${seconds}s with $jobs job(s)"
    fuzz_args=(-max_len="$max_len" "${extra[@]}" -artifact_prefix="$build/artifacts/$target-"
               -max_total_time="$seconds" -print_final_stats=1)
    if [ "$jobs" -gt 1 ]; then
        fuzz_args+=(-fork="$jobs")
    fi
    "./fuzz-$target" "${fuzz_args[@]}" work

    # -use_counters=0 keeps one input per covered edge rather than per hit-count bucket: the same
    # edge coverage in a few hundred files instead of thousands.
    echo "== merging $target into a minimal corpus"
    "./fuzz-$target" -merge=1 -use_counters=0 -max_len="$max_len" merged work
    rm -f "$corpus"/*
    cp merged/* "$corpus"/
    echo "== corpus: $(ls "$corpus" | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB in $corpus"
done
