// Input projection of a window of steps of one layer and direction, as one GEMM tiled in
// local memory:
//   G[m][n] = bias[n] + sum_k X[m][k] * W[k][n]
// for the window's rows m = (step - firstStep) * B + b, n in the gate-interleaved order of
// gpu_common.cl. Row m reads time t = step (forward) or length[b] - 1 - step (reverse), so one
// kernel serves both directions and per-sequence lengths (rows past a length are computed
// and never read).
//
// A work-group of 16 x 16 work-items owns a tile x tile block of G, each work-item a
// reg x reg register tile (rows tm + 16 i, columns tn + 16 j, so the stores of a row of
// work-items are contiguous). Per GEMM_KT values of k the group stages X and W tiles in
// local memory with coalesced loads (consecutive work-items read consecutive k of X and
// consecutive n of W). Two instances: 64 x 64 tiles (4 x 4 per work-item) for large
// windows, 16 x 16 (1 x 1) when a window has few rows (batch 1, short windows), where a 64-row
// tile would be mostly padding. Each output is one fma chain over ascending k then + bias,
// in both: the results do not depend on the tiling or the instance.

#define GEMM_KT 16
#define GEMM_SIDE 16
#define GEMM_THREADS (GEMM_SIDE * GEMM_SIDE)
#define GEMM_REG_MAX 4

// xs: [GEMM_KT][tile + 1], ws: [GEMM_KT][tile]. `tile` and `reg` are literals at each call.
__attribute__((always_inline)) inline void gpu_gemm(
    __local float *xs, __local float *ws, const int tile, const int reg,
    __global const float *x, const int rows, const int K, const int xStride,
    __global const weight_t *w, __global const float *bias, __global float *G, const int N, const int B,
    __global const int *lengths, const int firstStep, const int reverse)
{
    const int l = get_local_id(0);
    const int tm = l / GEMM_SIDE;
    const int tn = l - tm * GEMM_SIDE;
    const int m0 = get_group_id(0) * tile;
    const int n0 = get_group_id(1) * tile;
    const int loads = tile * GEMM_KT / GEMM_THREADS;

    // The X rows this work-item stages: element e = l + GEMM_THREADS * c of the tile is row
    // e / GEMM_KT, column e % GEMM_KT.
    __global const float *xRow[GEMM_REG_MAX];
    for (int c = 0; c < loads; c++) {
        const int m = m0 + (l + GEMM_THREADS * c) / GEMM_KT;
        xRow[c] = 0;
        if (m < rows) {
            const int b = m % B;
            const int step = firstStep + m / B;
            const int t = max(reverse ? lengths[b] - 1 - step : step, 0);
            xRow[c] = x + ((size_t)t * B + b) * xStride;
        }
    }

    float acc[GEMM_REG_MAX][GEMM_REG_MAX];
    for (int i = 0; i < reg; i++)
        for (int j = 0; j < reg; j++) acc[i][j] = 0.0f;

    for (int k0 = 0; k0 < K; k0 += GEMM_KT) {
        for (int c = 0; c < loads; c++) {
            const int e = l + GEMM_THREADS * c;
            const int kk = e % GEMM_KT;
            xs[kk * (tile + 1) + e / GEMM_KT] = (xRow[c] != 0 && k0 + kk < K) ? xRow[c][k0 + kk] : 0.0f;
            const int wk = e / tile;
            const int wn = e - wk * tile;
            ws[wk * tile + wn] = (k0 + wk < K && n0 + wn < N) ? LOAD_W((size_t)(k0 + wk) * N + n0 + wn, w) : 0.0f;
        }
        barrier(CLK_LOCAL_MEM_FENCE);
        const int span = min(GEMM_KT, K - k0);
        for (int k = 0; k < span; k++) {
            float a[GEMM_REG_MAX], b[GEMM_REG_MAX];
            for (int i = 0; i < reg; i++) a[i] = xs[k * (tile + 1) + tm + GEMM_SIDE * i];
            for (int j = 0; j < reg; j++) b[j] = ws[k * tile + tn + GEMM_SIDE * j];
            for (int i = 0; i < reg; i++)
                for (int j = 0; j < reg; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

    for (int i = 0; i < reg; i++) {
        const int m = m0 + tm + GEMM_SIDE * i;
        if (m >= rows) continue;
        for (int j = 0; j < reg; j++) {
            const int n = n0 + tn + GEMM_SIDE * j;
            if (n < N) G[(size_t)m * N + n] = acc[i][j] + bias[n];
        }
    }
}

__kernel __attribute__((reqd_work_group_size(GEMM_THREADS, 1, 1)))
void gpu_input_projection(
    __global const float *x, const int rows, const int K, const int xStride,
    __global const weight_t *w, __global const float *bias, __global float *G, const int N, const int B,
    __global const int *lengths, const int firstStep, const int reverse)
{
    __local float xs[GEMM_KT * (64 + 1)];
    __local float ws[GEMM_KT * 64];
    gpu_gemm(xs, ws, 64, 4, x, rows, K, xStride, w, bias, G, N, B, lengths, firstStep, reverse);
}

__kernel __attribute__((reqd_work_group_size(GEMM_THREADS, 1, 1)))
void gpu_input_projection_narrow(
    __global const float *x, const int rows, const int K, const int xStride,
    __global const weight_t *w, __global const float *bias, __global float *G, const int N, const int B,
    __global const int *lengths, const int firstStep, const int reverse)
{
    __local float xs[GEMM_KT * (16 + 1)];
    __local float ws[GEMM_KT * 16];
    gpu_gemm(xs, ws, 16, 1, x, rows, K, xStride, w, bias, G, N, B, lengths, firstStep, reverse);
}
