// One recurrent timestep of one layer and direction for the whole batch, fused:
//   z = G[s, b] + W_hh * h_{t-1}[b]       (G holds W_ih * x_t + biases, packed order)
//   i, f, g, o = sigma(z_i + p_i*c), sigma(z_f + p_f*c), tanh(z_g), then c' = f*c + i*g,
//   o = sigma(z_o + p_o*c'), r = o * tanh(c')
// Without projection r is the new hidden state, written to hNext and to the layer output.
// With projection r goes to hRaw and lstm_projection (next launch) finishes the step.
// The tile functions here are shared with the persistent lstm_recurrence.cl.
//
// Per-sequence lengths follow packed-sequence semantics: at step s a sequence of length L
// is active when s < L; its time index is s (forward) or L-1-s (reverse). An inactive
// sequence keeps its state and gets a zero output row at time s, so every output row is
// written exactly once per direction.
//
// Buffers: G [window steps][Hp/8][B][32] (input_projection.cl) whose first step is
// windowStart; whh packed [Hp/8][K][32] (K = recurrent size: H, or P with projection);
// peephole [3][Hp] (rows i, f, o); hPrev/hNext [B][K]; c [B][Hp]; out [T*B][outStride],
// this direction's columns start at outOffset; hRaw [B][Hp].
// Work-item (batchTile, u): STEP_ROWS sequences x one block of 8 units, 4 gates; a partial
// last tile (B not a multiple of STEP_ROWS, e.g. B = 1) runs as pairs and single sequences.
//
// Tunables: STEP_ROWS (default 4: 16 float8 accumulators; 6 fits the 32 AVX-512 registers
// too but measured no faster), HAS_PEEPHOLES, HAS_PROJECTION (0 or 1).

#ifndef STEP_ROWS
#define STEP_ROWS 4
#endif
#ifndef HAS_PEEPHOLES
#define HAS_PEEPHOLES 0
#endif
#ifndef HAS_PROJECTION
#define HAS_PROJECTION 0
#endif

// Every accumulator below is one sequential chain of fma over k starting from G, whatever
// the tile shape: results are bitwise independent of how sequences and blocks are grouped
// into tiles, so running a batch in batch slices gives exactly the one-pass result.

// acc[j] += one sequence times the panels of blocks u .. u + WIDE_BLOCKS - 1. A single
// sequence has only four chains per block, and dependent fma are latency-bound; four blocks
// give 16 independent chains (and four weight streams in flight).
#define WIDE_BLOCKS 4
__attribute__((always_inline)) inline void wide_row_product(
    __global const weight_t *firstPanel, __global const float *h, const int K, float8 (*acc)[4])
{
    __global const weight_t *panel[WIDE_BLOCKS];
    #pragma unroll
    for (int j = 0; j < WIDE_BLOCKS; j++) panel[j] = firstPanel + (size_t)j * K * 32;
    for (int k = 0; k < K; k++) {
        const float8 hv = (float8)(h[k]);
        #pragma unroll
        for (int j = 0; j < WIDE_BLOCKS; j++) {
            acc[j][0] = fma(hv, LOAD_W8(4 * k + 0, panel[j]), acc[j][0]);
            acc[j][1] = fma(hv, LOAD_W8(4 * k + 1, panel[j]), acc[j][1]);
            acc[j][2] = fma(hv, LOAD_W8(4 * k + 2, panel[j]), acc[j][2]);
            acc[j][3] = fma(hv, LOAD_W8(4 * k + 3, panel[j]), acc[j][3]);
        }
    }
}

// acc += the register tile of `rows` sequences (1 <= rows <= STEP_ROWS, a literal at every
// call) times one block's panel: rows x 4 accumulators, each weight vector loaded once per k
// and used for every row. Every loop runs to the constant STEP_ROWS and skips rows past `rows`:
// with `rows` as the bound, PoCL's LLVM kept the accumulators in memory (24 stores per k).
__attribute__((always_inline)) inline void rows_product(
    const int rows, __global const weight_t *panel, __global const float *hPrev, const int firstRow,
    const int K, float8 (*acc)[4])
{
    __global const float *h[STEP_ROWS];
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) h[i] = hPrev + (size_t)(firstRow + i) * K;
    }
    for (int k = 0; k < K; k++) {
        const float8 w0 = LOAD_W8(4 * k + 0, panel), w1 = LOAD_W8(4 * k + 1, panel);
        const float8 w2 = LOAD_W8(4 * k + 2, panel), w3 = LOAD_W8(4 * k + 3, panel);
        #pragma unroll
        for (int i = 0; i < STEP_ROWS; i++) {
            if (i < rows) {
                const float8 hv = (float8)(h[i][k]);
                acc[i][0] = fma(hv, w0, acc[i][0]);
                acc[i][1] = fma(hv, w1, acc[i][1]);
                acc[i][2] = fma(hv, w2, acc[i][2]);
                acc[i][3] = fma(hv, w3, acc[i][3]);
            }
        }
    }
}

// The cell update of 8 units from their gate pre-activations z (G already added): pure
// arithmetic, so the caller can run several rows' exp/divide chains side by side.
__attribute__((always_inline)) inline void cell_update(
    const float8 *z, const float8 cPrev, __global const float *peephole, const int u, const int Hp,
    float8 *cNew, float8 *hNew)
{
    float8 zi = z[0], zf = z[1], zo = z[3];
#if HAS_PEEPHOLES
    zi = fma(vload8(u, peephole), cPrev, zi);
    zf = fma(vload8(u, peephole + Hp), cPrev, zf);
#endif
    const float8 inputGate = ACT_F(zi);
#if COUPLED_INPUT_FORGET
    const float8 forgetGate = 1.0f - inputGate;
#else
    const float8 forgetGate = ACT_F(zf);
#endif
    *cNew = forgetGate * cPrev + inputGate * ACT_G(z[2]);
#if HAS_PEEPHOLES
    zo = fma(vload8(u, peephole + 2 * Hp), *cNew, zo);
#endif
    *hNew = ACT_F(zo) * ACT_H(*cNew);
}

// Stores sequence b's new state for units 8u..: c, and h to hNext and the output (or to
// hRaw with projection). An inactive sequence (step >= length) keeps c and h and gets a
// zero output row at time `step`.
__attribute__((always_inline)) inline void store_row(
    const float8 cNew, const float8 hNew, const int b, const int u,
    __global const float *hPrev, __global float *hNext, __global float *c,
    __global float *out, __global float *hRaw, __global const int *lengths,
    int B, int K, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    const int Hp = blocks * 8;
    const int firstUnit = 8 * u;
    const int unitsHere = min(8, H - firstUnit);
    const int length = lengths[b];
    if (step >= length) {
#if !HAS_PROJECTION
        __global float *zeroRow = out + (size_t)(step * B + b) * outStride + outOffset + firstUnit;
        for (int j = 0; j < unitsHere; j++) {
            hNext[(size_t)b * K + firstUnit + j] = hPrev[(size_t)b * K + firstUnit + j];
            zeroRow[j] = 0.0f;
        }
#endif
        return;
    }
    vstore8(cNew, 0, c + (size_t)b * Hp + firstUnit);
#if HAS_PROJECTION
    vstore8(hNew, 0, hRaw + (size_t)b * Hp + firstUnit);
#else
    const int t = reverse ? length - 1 - step : step;
    __global float *outRow = out + (size_t)(t * B + b) * outStride + outOffset + firstUnit;
    __global float *hOut = hNext + (size_t)b * K + firstUnit;
    if (unitsHere == 8) {
        vstore8(hNew, 0, hOut);
        vstore8(hNew, 0, outRow);
    } else {
        float lanes[8];
        vstore8(hNew, 0, lanes);
        for (int j = 0; j < unitsHere; j++) {
            hOut[j] = lanes[j];
            outRow[j] = lanes[j];
        }
    }
#endif
}

// One tile: `rows` sequences from firstRow (a literal at each call).
__attribute__((always_inline)) inline void step_tile(
    const int rows, const int firstRow, const int u,
    __global const float *G, __global const weight_t *whh, __global const float *peephole,
    __global const float *hPrev, __global float *hNext, __global float *c,
    __global float *out, __global float *hRaw, __global const int *lengths,
    int B, int K, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    const int Hp = blocks * 8;
    __global const weight_t *panel = whh + (size_t)u * K * 32;
    // Accumulators start from G (input projection + biases; rows exist for inactive
    // sequences too): its loads overlap the product instead of stalling the update.
    float8 acc[STEP_ROWS][4];
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) {
            __global const float *g = G + ((size_t)u * B + firstRow + i) * 32;
            acc[i][0] = vload8(0, g); acc[i][1] = vload8(1, g);
            acc[i][2] = vload8(2, g); acc[i][3] = vload8(3, g);
        }
    }
    rows_product(rows, panel, hPrev, firstRow, K, acc);
    // Every row's update first, branch-free, then the stores.
    float8 cNew[STEP_ROWS], hNew[STEP_ROWS];
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) {
            const float8 cPrev = vload8(0, c + (size_t)(firstRow + i) * Hp + 8 * u);
            cell_update(acc[i], cPrev, peephole, u, Hp, &cNew[i], &hNew[i]);
        }
    }
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) {
            store_row(cNew[i], hNew[i], firstRow + i, u, hPrev, hNext, c, out, hRaw, lengths,
                      B, K, H, blocks, step, reverse, outStride, outOffset);
        }
    }
}

// Sequence b times blocks u .. u + WIDE_BLOCKS - 1 (the batch-1 tile of lstm_recurrence).
void wide_step_tile(
    const int b, const int u,
    __global const float *G, __global const weight_t *whh, __global const float *peephole,
    __global const float *hPrev, __global float *hNext, __global float *c,
    __global float *out, __global float *hRaw, __global const int *lengths,
    int B, int K, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    const int Hp = blocks * 8;
    float8 acc[WIDE_BLOCKS][4];
    #pragma unroll
    for (int j = 0; j < WIDE_BLOCKS; j++) {
        __global const float *g = G + ((size_t)(u + j) * B + b) * 32;
        acc[j][0] = vload8(0, g); acc[j][1] = vload8(1, g);
        acc[j][2] = vload8(2, g); acc[j][3] = vload8(3, g);
    }
    wide_row_product(whh + (size_t)u * K * 32, hPrev + (size_t)b * K, K, acc);
    float8 cNew[WIDE_BLOCKS], hNew[WIDE_BLOCKS];
    #pragma unroll
    for (int j = 0; j < WIDE_BLOCKS; j++) {
        const float8 cPrev = vload8(0, c + (size_t)b * Hp + 8 * (u + j));
        cell_update(acc[j], cPrev, peephole, u + j, Hp, &cNew[j], &hNew[j]);
    }
    #pragma unroll
    for (int j = 0; j < WIDE_BLOCKS; j++) {
        store_row(cNew[j], hNew[j], b, u + j, hPrev, hNext, c, out, hRaw, lengths,
                  B, K, H, blocks, step, reverse, outStride, outOffset);
    }
}

// Row tile `firstRow / STEP_ROWS` of block u: a full tile, or for the last, partial tile (B
// not a multiple of STEP_ROWS, e.g. B = 1) pairs then single sequences, so no multiply-add
// is wasted on padding rows. Shared by lstm_step and the persistent lstm_recurrence; a
// real function (not forced inline) so its three tile instances are compiled once: forced
// inlining into both kernels tripled the cold program build (1.2 s to 3.2 s) at equal speed.
void step_block(
    const int firstRow, const int u,
    __global const float *G, __global const weight_t *whh, __global const float *peephole,
    __global const float *hPrev, __global float *hNext, __global float *c,
    __global float *out, __global float *hRaw, __global const int *lengths,
    int B, int K, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    const int end = min(firstRow + STEP_ROWS, B);
    if (end - firstRow == STEP_ROWS) {
        step_tile(STEP_ROWS, firstRow, u, G, whh, peephole, hPrev, hNext, c, out, hRaw, lengths,
                  B, K, H, blocks, step, reverse, outStride, outOffset);
        return;
    }
    int b = firstRow;
#if STEP_ROWS > 2
    for (; b + 2 <= end; b += 2) {
        step_tile(2, b, u, G, whh, peephole, hPrev, hNext, c, out, hRaw, lengths,
                  B, K, H, blocks, step, reverse, outStride, outOffset);
    }
#endif
    for (; b < end; b++) {
        step_tile(1, b, u, G, whh, peephole, hPrev, hNext, c, out, hRaw, lengths,
                  B, K, H, blocks, step, reverse, outStride, outOffset);
    }
}

__kernel void lstm_step(
    __global const float *G, __global const weight_t *whh, __global const float *peephole,
    __global const float *hPrev, __global float *hNext, __global float *c,
    __global float *out, __global float *hRaw, __global const int *lengths,
    int B, int K, int H, int blocks, int stepIndex, int reverse, int outStride, int outOffset, int windowStart)
{
    const int u = get_global_id(1);
    const int firstRow = get_global_id(0) * STEP_ROWS;
    if (u >= blocks || firstRow >= B) return;
    step_block(firstRow, u, G + (size_t)(stepIndex - windowStart) * blocks * B * 32, whh, peephole, hPrev, hNext, c, out, hRaw, lengths,
               B, K, H, blocks, stepIndex, reverse, outStride, outOffset);
}
