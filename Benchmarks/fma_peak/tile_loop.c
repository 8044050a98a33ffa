// How close the kernels' register tile can come to the FMA peak on this CPU, one thread.
// The tile is the inner loop of input_projection.cl and lstm_step.cl: ROWS rows x 4 gate
// vectors of accumulators; per k, 4 weight vector loads, ROWS broadcasts and 4 * ROWS FMAs.
// It runs with the weights in L1 (a 64-deep panel), in L2 (a 2048-deep panel) and beyond L2
// (64 panels of 512, 8 MiB at 512-bit vectors), for ROWS = 4 and 6, and for 6 rows taking
// 2 gates per pass (the tile for 16 vector registers). Each measurement (40 ms)
// sits between two 20 ms runs of the register-only peak loop of fma_peak.c, and the figure is
// the median over 25 such triples of tile GFLOP/s / mean neighbouring peak: on a shared VM
// the peak itself moves from minute to minute, the ratio much less.
// Build and run:  cc -O2 -march=native Benchmarks/fma_peak/tile_loop.c -o /tmp/tile_loop && /tmp/tile_loop
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef __AVX512F__
typedef __m512 vec;
#define LANES 16
#define VLOAD _mm512_load_ps
#define VSET1 _mm512_set1_ps
#define VFMA _mm512_fmadd_ps
#define VZERO _mm512_setzero_ps
#else
typedef __m256 vec;
#define LANES 8
#define VLOAD _mm256_load_ps
#define VSET1 _mm256_set1_ps
#define VFMA _mm256_fmadd_ps
#define VZERO _mm256_setzero_ps
#endif
#define GATES 4
#define PANEL_ROW (GATES * LANES)
#define PEAK_CHAINS 12
#define SAMPLES 25

static volatile float sink;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// GFLOP/s of PEAK_CHAINS independent fma chains for about `seconds`.
static double peak(double seconds) {
    vec acc[PEAK_CHAINS];
    const vec a = VSET1(0.999999f), b = VSET1(1e-7f);
    for (int i = 0; i < PEAK_CHAINS; i++) acc[i] = VSET1((float)i);
    long rounds = 0;
    const double start = now();
    while (now() - start < seconds) {
        for (int n = 0; n < 100000; n++) {
            _Pragma("GCC unroll 12") for (int i = 0; i < PEAK_CHAINS; i++) acc[i] = VFMA(acc[i], a, b);
        }
        rounds += 100000;
    }
    const double elapsed = now() - start;
    float total = 0;
    for (int i = 0; i < PEAK_CHAINS; i++) total += ((float *)&acc[i])[0];
    sink = total;
    return 2.0 * LANES * PEAK_CHAINS * rounds / elapsed / 1e9;
}

// One register tile over the whole depth of one panel; x holds ROWS rows of `depth` floats.
#define TILE(ROWS)                                                                               \
    static void tile##ROWS(const float *restrict panel, const float *restrict x, int depth, vec *out) { \
        vec acc[ROWS][GATES];                                                                    \
        _Pragma("GCC unroll 6") for (int i = 0; i < ROWS; i++)                                   \
            _Pragma("GCC unroll 4") for (int g = 0; g < GATES; g++) acc[i][g] = VZERO();         \
        for (int k = 0; k < depth; k++) {                                                        \
            const float *row = panel + (size_t)k * PANEL_ROW;                                    \
            const vec w0 = VLOAD(row), w1 = VLOAD(row + LANES), w2 = VLOAD(row + 2 * LANES),     \
                      w3 = VLOAD(row + 3 * LANES);                                               \
            _Pragma("GCC unroll 6") for (int i = 0; i < ROWS; i++) {                             \
                const vec xv = VSET1(x[(size_t)i * depth + k]);                                  \
                acc[i][0] = VFMA(xv, w0, acc[i][0]);                                             \
                acc[i][1] = VFMA(xv, w1, acc[i][1]);                                             \
                acc[i][2] = VFMA(xv, w2, acc[i][2]);                                             \
                acc[i][3] = VFMA(xv, w3, acc[i][3]);                                             \
            }                                                                                    \
        }                                                                                        \
        _Pragma("GCC unroll 6") for (int i = 0; i < ROWS; i++)                                   \
            _Pragma("GCC unroll 4") for (int g = 0; g < GATES; g++) out[i * GATES + g] = acc[i][g]; \
    }
TILE(4)
TILE(6)

// The 16-register shape (TILE_GATES=2 in the kernels): 6 rows take 2 of the gate vectors
// through the k loop at a time, so 12 accumulators, 2 weight vectors and a broadcast fit in
// AVX2's 16 registers. Each pass reads the panel row's 2 gate vectors of its own.
static void tile6x2(const float *restrict panel, const float *restrict x, int depth, vec *out) {
    for (int pass = 0; pass < GATES; pass += 2) {
        vec acc[6][2];
        _Pragma("GCC unroll 6") for (int i = 0; i < 6; i++) acc[i][0] = acc[i][1] = VZERO();
        for (int k = 0; k < depth; k++) {
            const float *row = panel + (size_t)k * PANEL_ROW + pass * LANES;
            const vec w0 = VLOAD(row), w1 = VLOAD(row + LANES);
            _Pragma("GCC unroll 6") for (int i = 0; i < 6; i++) {
                const vec xv = VSET1(x[(size_t)i * depth + k]);
                acc[i][0] = VFMA(xv, w0, acc[i][0]);
                acc[i][1] = VFMA(xv, w1, acc[i][1]);
            }
        }
        _Pragma("GCC unroll 6") for (int i = 0; i < 6; i++) {
            out[i * GATES + pass] = acc[i][0];
            out[i * GATES + pass + 1] = acc[i][1];
        }
    }
}

typedef void (*TileFunction)(const float *, const float *, int, vec *);

struct Placement {
    const char *name;
    int panels, depth;
};

// GFLOP/s of the tile over every panel in turn for about `seconds`.
static double tile_rate(TileFunction tile, int rows, const float *weights, const float *x,
                        struct Placement placement, double seconds) {
    vec out[6 * GATES];
    double flops = 0;
    const double start = now();
    while (now() - start < seconds) {
        for (int p = 0; p < placement.panels; p++) {
            tile(weights + (size_t)p * placement.depth * PANEL_ROW, x, placement.depth, out);
            flops += 2.0 * rows * placement.depth * PANEL_ROW;
        }
    }
    const double elapsed = now() - start;
    sink = ((float *)&out[0])[0];
    return flops / elapsed / 1e9;
}

static int compare(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void) {
    const struct Placement placements[] = {{"L1 (64-deep panel)", 1, 64},
                                           {"L2 (2048-deep panel)", 1, 2048},
                                           {"beyond L2 (64 panels of 512)", 64, 512}};
    const struct { TileFunction function; int rows, gatesPerPass; } tiles[] = {{tile4, 4, GATES}, {tile6, 6, GATES}, {tile6x2, 6, 2}};
    const int tileCount = sizeof tiles / sizeof tiles[0];
    size_t largest = 0;
    for (int p = 0; p < 3; p++) {
        const size_t floats = (size_t)placements[p].panels * placements[p].depth * PANEL_ROW;
        if (floats > largest) largest = floats;
    }
    float *weights = aligned_alloc(64, largest * sizeof(float));
    float *x = aligned_alloc(64, 6 * 2048 * sizeof(float));
    if (weights == NULL || x == NULL) return 1;
    for (size_t i = 0; i < largest; i++) weights[i] = 1e-3f * (float)(i % 7);
    for (int i = 0; i < 6 * 2048; i++) x[i] = 1e-3f * (float)(i % 5);
    printf("tile loop against the register-only peak, %d-bit vectors, 1 thread (median of %d)\n", 32 * LANES, SAMPLES);
    for (int p = 0; p < 3; p++) {
        for (int t = 0; t < tileCount; t++) {
            double ratios[SAMPLES];
            for (int s = 0; s < SAMPLES; s++) {
                const double before = peak(0.02);
                const double rate = tile_rate(tiles[t].function, tiles[t].rows, weights, x, placements[p], 0.04);
                const double after = peak(0.02);
                ratios[s] = rate / ((before + after) / 2);
            }
            qsort(ratios, SAMPLES, sizeof ratios[0], compare);
            printf("%d rows x %d gate vectors (%d per pass), weights in %s: %.0f %% of peak (quartiles %.0f-%.0f %%)\n",
                   tiles[t].rows, GATES, tiles[t].gatesPerPass, placements[p].name, 100 * ratios[SAMPLES / 2],
                   100 * ratios[SAMPLES / 4], 100 * ratios[3 * SAMPLES / 4]);
        }
    }
    free(weights);
    free(x);
    return 0;
}
