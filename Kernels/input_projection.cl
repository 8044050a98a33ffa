// Input projection of a step window of one layer and direction, as one GEMM:
//   G[s, n, b] = bias[n] + sum_k x[t(s, b), b, k] * W_ih[n, k]
// for the window's steps s = firstStep ... firstStep + rows / B - 1, with the gate columns n
// in the interleaved packed order (common.cl). Steps, not times, index G: the reverse
// direction at step s reads time t = length[b] - 1 - s, so one window serves both
// directions and per-sequence lengths alike (steps past a sequence's length compute a
// row nobody reads).
//
// x: [T][B][K] with row stride xStride (the layer input or the previous layer's output).
// GATES gates per unit (4 for LSTM, 3 for GRU); a block's panel row is GATES float8 wide.
// w: packed panels [Hp/8][K][8·GATES]. bias: packed [GATES·Hp] (the input-side biases the
// cell folds into G: bias_ih + bias_hh for LSTM gates and GRU r, z; see WeightPacking).
// G: [rows / B][Hp/8][B][8·GATES], block-major within a step so that the recurrence, which walks
// the sequences of one block in order, reads it sequentially (the hardware prefetcher
// follows; row-major G cost a cache miss per tile at large B). A window small enough for the
// L3 cache is read back by the recurrence before it is evicted.
// Work-item (rowTile, u) computes GEMM_ROWS rows x 8·GATES columns of block u in registers;
// rows are step-major (row r is step r / B, sequence r % B).
//
// Tunables: GEMM_ROWS rows per work-item (default 4: 16 float8 accumulators).

#ifndef GEMM_ROWS
#define GEMM_ROWS 4
#endif
#ifndef GATES
#define GATES 4
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

    float8 acc[GEMM_ROWS][GATES];
    float8 biasVector[GATES];
    #pragma unroll
    for (int g = 0; g < GATES; g++) biasVector[g] = vload8(GATES * u + g, bias);
    __global const float *xRow[GEMM_ROWS];
    #pragma unroll
    for (int i = 0; i < GEMM_ROWS; i++) {
        #pragma unroll
        for (int g = 0; g < GATES; g++) acc[i][g] = biasVector[g];
        // Rows past the end repeat the last row; their results are not stored.
        const int r = min(firstRow + i, rows - 1);
        const int b = r % B;
        const int step = firstStep + r / B;
        const int t = max(reverse ? lengths[b] - 1 - step : step, 0);
        xRow[i] = x + ((size_t)t * B + b) * xStride;
    }

    __global const weight_t *panel = w + (size_t)u * K * (8 * GATES);
    for (int k = 0; k < K; k++) {
        float8 wv[GATES];
        #pragma unroll
        for (int g = 0; g < GATES; g++) wv[g] = LOAD_W8(GATES * k + g, panel);
        #pragma unroll
        for (int i = 0; i < GEMM_ROWS; i++) {
            const float8 xv = (float8)(xRow[i][k]);
            #pragma unroll
            for (int g = 0; g < GATES; g++) acc[i][g] = fma(xv, wv[g], acc[i][g]);
        }
    }

    #pragma unroll
    for (int i = 0; i < GEMM_ROWS; i++) {
        const int r = firstRow + i;
        if (r < rows) {
            __global float *out = G + ((size_t)(r / B * blocks + u) * B + r % B) * (8 * GATES);
            #pragma unroll
            for (int g = 0; g < GATES; g++) vstore8(acc[i][g], g, out);
        }
    }
}
