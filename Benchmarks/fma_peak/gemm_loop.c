// input_projection.cl's work in plain C: how fast the GEMM's structure can run on this CPU,
// apart from PoCL. One window of (I, H, B) = (256, 256, 256), 32 steps: 8192 rows of x times
// 16 blocks of packed panels ([block][K][4 gate vectors]). A work-item is 4 register tiles of
// 4 rows x 4 gate vectors that walk the panel together in 64-deep slices, its accumulators
// waiting in memory between slices, and writes its 16 rows of G, as the kernel does with its
// default tuning. Threads are started once and meet at a barrier around every repetition.
//
//   order 0: blocks outer, row groups inner (each block's panel is reused from L2 by every
//            row group; x streams from beyond L2 once per block), like PoCL's work-groups;
//   order 1: row groups outer, blocks inner (each row group's x is reused from L1 by every
//            block; all 16 panels, 1 MiB, stay in L2).
// Thread t takes every threads-th block (order 0) or row group (order 1). PRIVATE_WEIGHTS 1
// gives every thread its own copy of the panels (the kernels' threads share one).
// Prints GFLOP/s per repetition and the median against the register-only FMA peak of as many
// threads (fma_peak.c's loop), measured before and after.
// Build and run:  cc -O2 -march=native -pthread Benchmarks/fma_peak/gemm_loop.c -o /tmp/gemm_loop
//                 /tmp/gemm_loop THREADS ORDER PRIVATE_WEIGHTS
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef __AVX512F__
#error "gemm_loop models the kernels at VEC 16: build it for an AVX-512 CPU (-march=native)"
#endif
typedef __m512 vec;
#define LANES 16
#define GATES 4
#define PANEL_ROW (GATES * LANES)
#define ROWS 4
#define TILES 4
#define SLICE 64
#define GROUP_ROWS (ROWS * TILES)
#define K 256
#define BLOCKS 16
#define TOTAL_ROWS 8192
#define REPEATS 11
#define PEAK_CHAINS 12

static float *x, *weightCopies[64], *gates;
static int threadCount, order, privateWeights;
static pthread_barrier_t barrier;
static double seconds[REPEATS];
static volatile float sink;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// One work-item of input_projection.cl: rows rowGroup * 16 .. + 15 times block u.
static void work_item(int rowGroup, int u, const float *weights) {
    const int firstRow = rowGroup * GROUP_ROWS;
    vec partial[TILES][ROWS][GATES];
    const float *xRow[GROUP_ROWS];
    _Pragma("GCC unroll 16") for (int i = 0; i < GROUP_ROWS; i++) {
        xRow[i] = x + (size_t)(firstRow + i) * K;
        _Pragma("GCC unroll 4") for (int g = 0; g < GATES; g++) partial[i / ROWS][i % ROWS][g] = _mm512_setzero_ps();
    }
    const float *panel = weights + (size_t)u * K * PANEL_ROW;
    for (int kBegin = 0; kBegin < K; kBegin += SLICE) {
        for (int s = 0; s < TILES; s++) {
            vec acc[ROWS][GATES];
            const float *row[ROWS];
            _Pragma("GCC unroll 4") for (int i = 0; i < ROWS; i++) {
                row[i] = xRow[s * ROWS + i];
                _Pragma("GCC unroll 4") for (int g = 0; g < GATES; g++) acc[i][g] = partial[s][i][g];
            }
            for (int k = kBegin; k < kBegin + SLICE; k++) {
                vec w[GATES];
                _Pragma("GCC unroll 4") for (int g = 0; g < GATES; g++) w[g] = _mm512_load_ps(panel + (size_t)k * PANEL_ROW + g * LANES);
                _Pragma("GCC unroll 4") for (int i = 0; i < ROWS; i++) {
                    const vec xv = _mm512_set1_ps(row[i][k]);
                    _Pragma("GCC unroll 4") for (int g = 0; g < GATES; g++) acc[i][g] = _mm512_fmadd_ps(xv, w[g], acc[i][g]);
                }
            }
            _Pragma("GCC unroll 4") for (int i = 0; i < ROWS; i++)
                _Pragma("GCC unroll 4") for (int g = 0; g < GATES; g++) partial[s][i][g] = acc[i][g];
        }
    }
    _Pragma("GCC unroll 16") for (int i = 0; i < GROUP_ROWS; i++) {
        float *out = gates + ((size_t)u * TOTAL_ROWS + firstRow + i) * PANEL_ROW;
        _Pragma("GCC unroll 4") for (int g = 0; g < GATES; g++) _mm512_store_ps(out + g * LANES, partial[i / ROWS][i % ROWS][g]);
    }
}

static void *worker(void *argument) {
    const int t = (int)(long)argument;
    const float *weights = weightCopies[privateWeights ? t : 0];
    const int groups = TOTAL_ROWS / GROUP_ROWS;
    for (int repeat = 0; repeat < REPEATS; repeat++) {
        pthread_barrier_wait(&barrier);
        const double start = now();
        if (order == 0) {
            for (int u = t; u < BLOCKS; u += threadCount)
                for (int g = 0; g < groups; g++) work_item(g, u, weights);
        } else {
            for (int g = t; g < groups; g += threadCount)
                for (int u = 0; u < BLOCKS; u++) work_item(g, u, weights);
        }
        pthread_barrier_wait(&barrier);
        if (t == 0) seconds[repeat] = now() - start;
    }
    return NULL;
}

// GFLOP/s of PEAK_CHAINS independent fma chains for about 0.1 s on one thread.
static void *peak_thread(void *result) {
    vec acc[PEAK_CHAINS];
    const vec a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < PEAK_CHAINS; i++) acc[i] = _mm512_set1_ps((float)i);
    long rounds = 0;
    const double start = now();
    while (now() - start < 0.1) {
        for (int n = 0; n < 100000; n++) {
            _Pragma("GCC unroll 12") for (int i = 0; i < PEAK_CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
        }
        rounds += 100000;
    }
    const double elapsed = now() - start;
    float total = 0;
    for (int i = 0; i < PEAK_CHAINS; i++) total += ((float *)&acc[i])[0];
    sink = total;
    *(double *)result = 2.0 * LANES * PEAK_CHAINS * rounds / elapsed / 1e9;
    return NULL;
}

// The register peak of threadCount threads running at once.
static double peak(void) {
    pthread_t threads[64];
    double rates[64], sum = 0;
    for (int t = 0; t < threadCount; t++) pthread_create(&threads[t], NULL, peak_thread, &rates[t]);
    for (int t = 0; t < threadCount; t++) {
        pthread_join(threads[t], NULL);
        sum += rates[t];
    }
    return sum;
}

static int compare(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    threadCount = argc > 1 ? atoi(argv[1]) : 1;
    order = argc > 2 ? atoi(argv[2]) : 0;
    privateWeights = argc > 3 ? atoi(argv[3]) : 0;
    if (threadCount < 1 || threadCount > 64 || (order != 0 && order != 1) || (privateWeights != 0 && privateWeights != 1)) {
        fprintf(stderr, "usage: gemm_loop [THREADS 1-64] [ORDER 0|1] [PRIVATE_WEIGHTS 0|1]\n");
        return 2;
    }
    x = aligned_alloc(64, (size_t)TOTAL_ROWS * K * sizeof(float));
    gates = aligned_alloc(64, (size_t)BLOCKS * TOTAL_ROWS * PANEL_ROW * sizeof(float));
    if (x == NULL || gates == NULL) return 1;
    for (size_t i = 0; i < (size_t)TOTAL_ROWS * K; i++) x[i] = 1e-3f * (float)(i % 5);
    for (int c = 0; c < (privateWeights ? threadCount : 1); c++) {
        weightCopies[c] = aligned_alloc(64, (size_t)BLOCKS * K * PANEL_ROW * sizeof(float));
        if (weightCopies[c] == NULL) return 1;
        for (size_t i = 0; i < (size_t)BLOCKS * K * PANEL_ROW; i++) weightCopies[c][i] = 1e-3f * (float)(i % 7);
    }
    memset(gates, 0, (size_t)BLOCKS * TOTAL_ROWS * PANEL_ROW * sizeof(float));

    const double before = peak();
    pthread_barrier_init(&barrier, NULL, (unsigned)threadCount);
    pthread_t threads[64];
    for (int t = 0; t < threadCount; t++) pthread_create(&threads[t], NULL, worker, (void *)(long)t);
    for (int t = 0; t < threadCount; t++) pthread_join(threads[t], NULL);
    const double after = peak();

    const double flops = 2.0 * TOTAL_ROWS * K * BLOCKS * PANEL_ROW;
    double rates[REPEATS];
    printf("gemm_loop, %d thread(s), order %d (%s), %s weights, GFLOP/s:", threadCount, order,
           order == 0 ? "blocks outer" : "row groups outer", privateWeights ? "private" : "shared");
    for (int r = 0; r < REPEATS; r++) {
        rates[r] = flops / seconds[r] / 1e9;
        printf(" %.0f", rates[r]);
    }
    qsort(rates, REPEATS, sizeof rates[0], compare);
    printf("\nmedian %.0f GFLOP/s, %.0f %% of the %d-thread register peak (%.0f before, %.0f after)\n",
           rates[REPEATS / 2], 100 * rates[REPEATS / 2] / ((before + after) / 2), threadCount, before, after);
    free(x);
    for (int c = 0; c < (privateWeights ? threadCount : 1); c++) free(weightCopies[c]);
    free(gates);
    return 0;
}
