#!/usr/bin/env bash
# Fuzzes the safetensors and NumPy .npy readers with libFuzzer and keeps a minimised corpus.
#
# Usage: scripts/fuzz.sh [SECONDS]        (default 300)
#   FUZZ_BUILD=dir   build and scratch folder (default .build-fuzz, ignored by git)
#   FUZZ_JOBS=n      parallel fuzzing processes (default 1)
#
# How it is built: SwiftPM cannot link a libFuzzer binary from an executableTarget (libFuzzer
# supplies `main`), so swiftc compiles LSTMCore and LSTMFormats into static libraries with
# -sanitize=fuzzer,address (coverage + AddressSanitizer) as separate modules, exactly as
# SwiftPM would, so Tests/Fuzz/FuzzFormats.swift keeps its ordinary imports and sees only the
# public API. The entry point is @_cdecl("LLVMFuzzerTestOneInput").
#
# What it does: seeds a work corpus with valid files from Tests/Fuzz/make_seeds.py plus the
# committed corpus, fuzzes for SECONDS (inputs up to 4096 bytes, dictionary
# Tests/Fuzz/formats.dict), then merges (-merge=1) into a minimal set that keeps all edge coverage
# and replaces Tests/LSTMFormatsTests/Corpus/ with it. Crashing inputs are left in
# $FUZZ_BUILD/artifacts/ and the script fails; fix the reader, then copy the input into the
# corpus so the replay test (CorpusReplayTests) keeps it fixed.
set -euo pipefail

seconds="${1:-300}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FUZZ_BUILD:-$root/.build-fuzz}"
jobs="${FUZZ_JOBS:-1}"
corpus="$root/Tests/LSTMFormatsTests/Corpus"
flags=(-parse-as-library -O -g -sanitize=fuzzer,address -I "$build" -L "$build")

mkdir -p "$build" "$build/artifacts" "$corpus"
cd "$build"

# ld.gold warns about every ASan helper symbol it cannot export; the warnings are harmless.
quiet() { "$@" 2>&1 | { grep -v "Cannot export local symbol" || true; }; return "${PIPESTATUS[0]}"; }

echo "== building fuzz target in $build"
quiet swiftc "${flags[@]}" -module-name LSTMCore -emit-module -emit-library -static \
    -o libLSTMCore.a "$root"/Sources/LSTMCore/*.swift
quiet swiftc "${flags[@]}" -module-name LSTMFormats -emit-module -emit-library -static \
    -o libLSTMFormats.a "$root"/Sources/LSTMFormats/*.swift
quiet swiftc "${flags[@]}" -module-name LSTMFuzz -lLSTMFormats -lLSTMCore \
    -o fuzz-formats "$root/Tests/Fuzz/FuzzFormats.swift"

rm -rf work merged && mkdir -p work merged
python3 "$root/Tests/Fuzz/make_seeds.py" work
cp "$corpus"/* work/ 2>/dev/null || true

echo "== fuzzing for ${seconds}s with $jobs job(s)"
fuzz_args=(-max_len=4096 -dict="$root/Tests/Fuzz/formats.dict" -artifact_prefix="$build/artifacts/"
           -max_total_time="$seconds" -print_final_stats=1)
if [ "$jobs" -gt 1 ]; then
    fuzz_args+=(-fork="$jobs")
fi
./fuzz-formats "${fuzz_args[@]}" work

# -use_counters=0 keeps one input per covered edge rather than per hit-count bucket: the same
# edge coverage in a few hundred files instead of thousands.
echo "== merging into a minimal corpus"
./fuzz-formats -merge=1 -use_counters=0 -max_len=4096 merged work
rm -f "$corpus"/*
cp merged/* "$corpus"/
echo "== corpus: $(ls "$corpus" | wc -l) files, $(du -sk "$corpus" | cut -f1) KiB in $corpus"
