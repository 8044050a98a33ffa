# Shortcuts for the scripts in scripts/ (which also work without make).
#   make demo     install OpenCL packages if missing, build release, run `lstm demo`
#   make test     install OpenCL packages if missing, run `swift test`
#   make build    debug build
#   make release  release build with the Swift runtime linked statically
#   make bench    release build, then `lstm bench` (BENCH_ARGS="--suite all --json" for more)
#   make verify   release build, then `lstm verify`
#   make fma-peak the machine's measured FMA peak (Benchmarks/fma_peak), for RESULTS.md
#   make tile-loop the kernels' register tile against that peak, weights in L1, L2 or beyond
#   make gemm-loop the input-projection GEMM's structure in plain C, 1 and 2 threads
SWIFT ?= swift
BENCH_ARGS ?=
RELEASE_FLAGS = -c release --static-swift-stdlib

.PHONY: demo test build release bench verify deps fma-peak tile-loop gemm-loop

deps:
	./scripts/install-opencl.sh

demo:
	./scripts/demo.sh

test:
	./scripts/test.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

bench: release
	"$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/lstm" bench $(BENCH_ARGS)

verify: release
	"$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/lstm" verify

fma-peak:
	mkdir -p .build
	$${CC:-cc} -O2 -march=native -pthread Benchmarks/fma_peak/fma_peak.c -o .build/fma_peak
	./.build/fma_peak

tile-loop:
	mkdir -p .build
	$${CC:-cc} -O2 -march=native Benchmarks/fma_peak/tile_loop.c -o .build/tile_loop
	./.build/tile_loop

gemm-loop:
	mkdir -p .build
	$${CC:-cc} -O2 -march=native -pthread Benchmarks/fma_peak/gemm_loop.c -o .build/gemm_loop
	./.build/gemm_loop 1 1 0
	./.build/gemm_loop 2 1 0
	./.build/gemm_loop 2 1 1
	./.build/gemm_loop 2 0 0
