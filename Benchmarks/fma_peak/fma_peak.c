// Measures the machine's single-precision FMA peak: each thread runs CHAINS independent
// chains of vector fma (enough to cover the FMA latency on two ports), on 256-bit and, where
// the CPU has AVX-512F, 512-bit vectors. Prints GFLOP/s per width for 1 and N threads.
// Build and run:  cc -O2 -march=native -pthread Benchmarks/fma_peak/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak
// (or `make fma-peak`). Median of 5 runs per configuration; run it on a quiet machine.
// `fma_peak --widest [threads]` prints only the widest width at `threads` (default: every
// core), one line: what peers.py samples between its rounds for the fraction of peak.
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHAINS 12
static long iterations = 20 * 1000 * 1000;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float sink;

static void *run256(void *unused) {
    (void)unused;
    __m256 acc[CHAINS];
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long n = 0; n < iterations; n++) {
        _Pragma("GCC unroll 12") for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    float total = 0;
    for (int i = 0; i < CHAINS; i++) {
        float lanes[8];
        _mm256_storeu_ps(lanes, acc[i]);
        total += lanes[0];
    }
    sink += total;
    return NULL;
}

#ifdef __AVX512F__
static void *run512(void *unused) {
    (void)unused;
    __m512 acc[CHAINS];
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long n = 0; n < iterations; n++) {
        _Pragma("GCC unroll 12") for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    float total = 0;
    for (int i = 0; i < CHAINS; i++) total += _mm512_reduce_add_ps(acc[i]);
    sink += total;
    return NULL;
}
#endif

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// GFLOP/s of `threads` threads each running `body` once, over 5 runs: prints the median and
// the best (on a shared machine the best is the closer estimate of the peak).
static void measure(const char *label, void *(*body)(void *), int threads, int lanes) {
    double rates[5];
    for (int run = 0; run < 5; run++) {
        pthread_t ids[64];
        const double start = now();
        for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, body, NULL);
        for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
        const double seconds = now() - start;
        rates[run] = 2.0 * lanes * CHAINS * (double)iterations * threads / seconds / 1e9;
    }
    qsort(rates, 5, sizeof rates[0], compare);
    printf("%s, %d thread%s: median %.1f, best %.1f GFLOP/s\n", label, threads, threads == 1 ? "" : "s", rates[2], rates[4]);
}

int main(int argc, char **argv) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const int widest = argc > 1 && strcmp(argv[1], "--widest") == 0;
    const int threadArgument = 1 + widest;
    int threads = argc > threadArgument ? atoi(argv[threadArgument]) : (int)cores;
    if (threads < 1 || threads > 64 || argc > threadArgument + 1) {
        fprintf(stderr, "usage: %s [--widest] [threads 1-64]\n", argv[0]);
        return 64;
    }
    if (widest) {
#ifdef __AVX512F__
        measure("512-bit", run512, threads, 16);
#else
        measure("256-bit", run256, threads, 8);
#endif
        return sink == 12345.0f;
    }
    printf("fma peak, %d chains per thread\n", CHAINS);
    measure("256-bit", run256, 1, 8);
    measure("256-bit", run256, threads, 8);
#ifdef __AVX512F__
    measure("512-bit", run512, 1, 16);
    measure("512-bit", run512, threads, 16);
#else
    printf("512-bit: not built (no AVX-512F with -march=native)\n");
#endif
    return sink == 12345.0f;  // keeps the results live
}
