// Input projection of a chunk of timesteps of one layer and direction, as one GEMM:
//   G[s, n, b] = bias[n] + sum_k x[t(s, b), b, k] * W_ih[n, k]
// for the chunk's steps s = firstStep ... firstStep + rows / B - 1, with the gate columns n
// in the interleaved packed order (common.cl). Steps, not times, index G: the reverse
// direction at step s reads time t = length[b] - 1 - s, so one chunk serves both
// directions and per-sequence lengths alike (steps past a sequence's length compute a
// row nobody reads).
//
// x: [T][B][K] with row stride xStride (the layer input or the previous layer's output).
// w: packed panels [Hp/8][K][32]. bias: packed [4Hp] (bias_ih + bias_hh).
// G: [rows / B][Hp/8][B][32], block-major within a step so that the recurrence, which walks
// the sequences of one block in order, reads it sequentially (the hardware prefetcher
// follows; row-major G cost a cache miss per tile at large B). A chunk small enough for the
// L3 cache is read back by the recurrence before it is evicted.
// Work-item (rowTile, u) computes GEMM_ROWS rows x 32 columns of block u in registers;
// rows are step-major (row r is step r / B, sequence r % B).
//
// Tunables: GEMM_ROWS rows per work-item (default 4: 16 float8 accumulators).

#ifndef GEMM_ROWS
#define GEMM_ROWS 4
#endif

__kernel void input_projection(
    __global const float *x, int rows, int K, int xStride,
    __global const weight_t *w, __global const float *bias,
    __global float *G, int blocks, int B,
    __global const int *lengths, int firstStep, int reverse)
{
    const int rowTile = get_global_id(0);
    const int u = get_global_id(1);
    const int firstRow = rowTile * GEMM_ROWS;
    if (u >= blocks || firstRow >= rows) return;

    float8 acc[GEMM_ROWS][4];
    const float8 b0 = vload8(4 * u + 0, bias), b1 = vload8(4 * u + 1, bias);
    const float8 b2 = vload8(4 * u + 2, bias), b3 = vload8(4 * u + 3, bias);
    __global const float *xRow[GEMM_ROWS];
    #pragma unroll
    for (int i = 0; i < GEMM_ROWS; i++) {
        acc[i][0] = b0; acc[i][1] = b1; acc[i][2] = b2; acc[i][3] = b3;
        // Rows past the end repeat the last row; their results are not stored.
        const int r = min(firstRow + i, rows - 1);
        const int b = r % B;
        const int step = firstStep + r / B;
        const int t = max(reverse ? lengths[b] - 1 - step : step, 0);
        xRow[i] = x + ((size_t)t * B + b) * xStride;
    }

    __global const weight_t *panel = w + (size_t)u * K * 32;
    for (int k = 0; k < K; k++) {
        const float8 w0 = LOAD_W8(4 * k + 0, panel), w1 = LOAD_W8(4 * k + 1, panel);
        const float8 w2 = LOAD_W8(4 * k + 2, panel), w3 = LOAD_W8(4 * k + 3, panel);
        #pragma unroll
        for (int i = 0; i < GEMM_ROWS; i++) {
            const float8 xv = (float8)(xRow[i][k]);
            acc[i][0] = fma(xv, w0, acc[i][0]);
            acc[i][1] = fma(xv, w1, acc[i][1]);
            acc[i][2] = fma(xv, w2, acc[i][2]);
            acc[i][3] = fma(xv, w3, acc[i][3]);
        }
    }

    #pragma unroll
    for (int i = 0; i < GEMM_ROWS; i++) {
        const int r = firstRow + i;
        if (r < rows) {
            __global float *out = G + ((size_t)(r / B * blocks + u) * B + r % B) * 32;
            vstore8(acc[i][0], 0, out); vstore8(acc[i][1], 1, out);
            vstore8(acc[i][2], 2, out); vstore8(acc[i][3], 3, out);
        }
    }
}
