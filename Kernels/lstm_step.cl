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
// Buffers: G [window steps][Hp/VEC][B][GATES*VEC] (input_projection.cl) whose first step is
// windowStart; whh packed [Hp/VEC][K][GATES*VEC] (K = recurrent size: H, or P with projection);
// peephole [3][Hp] (rows i, f, o); hPrev/hNext [B][K]; cPrev/cNext [B][Hp] (one buffer,
// updated in place, for lstm_step; per-step slots for the persistent recurrence); out [T*B][outStride],
// this direction's columns start at outOffset; hRaw [B][Hp].
//
// Work-item or claimed tile (row group, u): up to STEP_TILES row tiles of STEP_ROWS sequences.
// The tiles of a group walk block u's panel together, one PANEL_SLICE-deep slice of k at a
// time, so each slice is loaded from L2 once and reused from L1 by every tile of the group
// (one tile alone streams the whole panel, GATES * VEC * K floats, from L2 per STEP_ROWS
// sequences).
//
// Tunables: STEP_ROWS (default 4: 16 vector accumulators), STEP_TILES (row tiles per group,
// default 1), PANEL_SLICE (k per panel slice; the host sizes it to fit L1), WIDE_BLOCKS
// (blocks per batch-1 tile; default 32 / VEC), HAS_PEEPHOLES, HAS_PROJECTION (0 or 1).

#ifndef STEP_ROWS
#define STEP_ROWS 4
#endif
#ifndef STEP_TILES
#define STEP_TILES 1
#endif
#ifndef PANEL_SLICE
#define PANEL_SLICE 64
#endif
// Sequences per row group: the unit of work of lstm_step and of lstm_recurrence's claims.
#define STEP_GROUP_ROWS (STEP_ROWS * STEP_TILES)
#ifndef HAS_PEEPHOLES
#define HAS_PEEPHOLES 0
#endif
#ifndef HAS_PROJECTION
#define HAS_PROJECTION 0
#endif
#ifndef FUSE_INPUT
#define FUSE_INPUT 0
#endif

// The input side of the step when the input projection is fused into it (FUSE_INPUT, the
// persistent recurrence only): each gate accumulator starts from its bias and runs over
// the sequence's x row with W_ih before h with W_hh, the same fma chain as the GEMM and the
// step make together (input_projection.cl), so the results are bitwise the unfused ones and
// G is neither written nor read. x: the layer input [T][B][xStride]; w: W_ih's packed panels
// [Hp/VEC][I][GATES*VEC]; bias: packed [GATES*Hp]. Unused (all zero) without FUSE_INPUT.
typedef struct {
    __global const float *x;
    __global const weight_t *w;
    __global const float *bias;
    int I, xStride;
} InputSide;

// Every accumulator below is one sequential chain of fma over k starting from G (or, fused,
// from the bias over x and then h), whatever the tile shape: results are bitwise independent of how sequences and blocks are grouped
// into tiles, so running a batch in batch slices gives exactly the one-pass result.

// acc[j] += one sequence times the panels of blocks u .. u + WIDE_BLOCKS - 1. A single
// sequence has only GATES chains per block, and dependent fma are latency-bound; several
// blocks give more independent chains (and more weight streams in flight).
#ifndef WIDE_BLOCKS
#define WIDE_BLOCKS (32 / VEC)
#endif
__attribute__((always_inline)) inline void wide_row_product(
    __global const weight_t *firstPanel, __global const float *h, const int K, floatv (*acc)[GATES])
{
    __global const weight_t *panel[WIDE_BLOCKS];
    #pragma unroll
    for (int j = 0; j < WIDE_BLOCKS; j++) panel[j] = firstPanel + (size_t)j * K * BLOCK_COLUMNS;
    for (int k = 0; k < K; k++) {
        const floatv hv = (floatv)(h[k]);
        #pragma unroll
        for (int j = 0; j < WIDE_BLOCKS; j++) {
            #pragma unroll
            for (int g = 0; g < GATES; g++) acc[j][g] = fma(hv, LOAD_W(GATES * k + g, panel[j]), acc[j][g]);
        }
    }
}

// acc += the register tile of `rows` sequences (1 <= rows <= STEP_ROWS, a literal at every
// call) times k = kBegin .. kEnd - 1 of one block's panel: rows x GATES accumulators, each
// weight vector loaded once per k and used for every row. Every loop runs to the constant
// STEP_ROWS and skips rows past `rows`: with `rows` as the bound, PoCL's LLVM kept the
// accumulators in memory (24 stores per k). The weights pointer advances by a panel row per
// k: indexed as GATES * k + g, PoCL's LLVM rebuilt the four addresses every k from a
// sign-extended k (eight integer instructions per 16 FMAs; perf annotate of the built kernel);
// the recurrence took 4-6 % less time at B = 16 and 64 on an AVX-512 Xeon. K is the row
// length of hPrev.
// rows_product_of: the rows are given by their addresses (rows of h, or of x when fused).
__attribute__((always_inline)) inline void rows_product_of(
    const int rows, __global const weight_t *panel, __global const float *const *h,
    const int kBegin, const int kEnd, floatv (*acc)[GATES], __global const char *ahead, const int aheadLines)
{
#if PREFETCH_SLICES
    __global const char *const aheadEnd = ahead + CACHE_LINE * aheadLines;
#endif
    // Gates per pass: all of them when the rows' accumulators fit the registers a full tile
    // of TILE_GATES uses (pairs and single rows always), else TILE_GATES (common.cl).
    const int passGates = rows * GATES <= STEP_ROWS * TILE_GATES ? GATES : TILE_GATES;
    #pragma unroll
    for (int first = 0; first < GATES; first += passGates) {
        __global const weight_t *weights = panel + (size_t)kBegin * BLOCK_COLUMNS + first * VEC;
        // Two k per iteration: PoCL's LLVM spends a counter, a pointer step and a compare per
        // iteration beside 12 or 16 FMAs; on an AMD EPYC Zen 3 (AVX2) the unrolled loop took
        // the recurrence 0.88-0.93x the time (medians of 8 interleaved processes at B = 16,
        // 64 and 256; Benchmarks/RESULTS.md). The chains and their order are unchanged.
        #pragma unroll 2
        for (int k = kBegin; k < kEnd; k++, weights += BLOCK_COLUMNS) {
#if PREFETCH_SLICES
            // One line of the tile's share of the next slice per k (sliced_products), into
            // L2 (locality 2: PREFETCHT1), so the one in use stays in L1.
            if (ahead < aheadEnd) {
                __builtin_prefetch(ahead, 0, 2);
                ahead += CACHE_LINE;
            }
#endif
            floatv wv[GATES];
            #pragma unroll
            for (int g = 0; g < GATES; g++) {
                if (g < passGates && first + g < GATES) wv[g] = LOAD_W(g, weights);
            }
            #pragma unroll
            for (int i = 0; i < STEP_ROWS; i++) {
                if (i < rows) {
                    const floatv hv = (floatv)(h[i][k]);
                    #pragma unroll
                    for (int g = 0; g < GATES; g++) {
                        if (g < passGates && first + g < GATES) acc[i][first + g] = fma(hv, wv[g], acc[i][first + g]);
                    }
                }
            }
        }
    }
}

__attribute__((always_inline)) inline void rows_product(
    const int rows, __global const weight_t *panel, __global const float *hPrev, const int firstRow,
    const int kBegin, const int kEnd, const int K, floatv (*acc)[GATES])
{
    __global const float *h[STEP_ROWS];
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) h[i] = hPrev + (size_t)(firstRow + min(i, rows - 1)) * K;
    rows_product_of(rows, panel, h, kBegin, kEnd, acc, 0, 0);
}

// The x row the input projection reads for sequence b at step `step`: time step, or
// length - 1 - step in reverse (clamped to 0 past the length, as input_projection.cl does).
inline __global const float *input_row(const InputSide *in, const int b, const int B, const int step, const int reverse,
                                       __global const int *lengths)
{
    const int t = max(reverse ? lengths[b] - 1 - step : step, 0);
    return in->x + ((size_t)t * B + b) * in->xStride;
}

// The LSTM cell update of VEC units from their gate pre-activations z (G already added): pure
// arithmetic, so the caller can run several rows' exp/divide chains side by side.
__attribute__((always_inline)) inline void cell_update(
    const floatv *z, const floatv cPrev, __global const float *peephole, const int u, const int Hp,
    floatv *cNew, floatv *hNew)
{
    floatv zi = z[0], zf = z[1], zo = z[3];
#if HAS_PEEPHOLES
    zi = fma(VLOAD(u, peephole), cPrev, zi);
    zf = fma(VLOAD(u, peephole + Hp), cPrev, zf);
#endif
    const floatv inputGate = ACT_F(zi);
#if COUPLED_INPUT_FORGET
    const floatv forgetGate = 1.0f - inputGate;
#else
    const floatv forgetGate = ACT_F(zf);
#endif
    *cNew = forgetGate * cPrev + inputGate * ACT_G(z[2]);
#if HAS_PEEPHOLES
    zo = fma(VLOAD(u, peephole + 2 * Hp), *cNew, zo);
#endif
    *hNew = ACT_F(zo) * ACT_H(*cNew);
}

// Stores sequence b's new state for units VEC*u..: c, and h to hNext and the output (or to
// hRaw with projection). An inactive sequence (step >= length) keeps c and h and gets a
// zero output row at time `step`.
__attribute__((always_inline)) inline void store_row(
    const floatv cNew, const floatv hNew, const int b, const int u,
    __global const float *hPrev, __global float *hNext, __global const float *cPrev, __global float *cNext,
    __global float *out, __global float *hRaw, __global const int *lengths,
    int B, int K, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    const int Hp = blocks * VEC;
    const int firstUnit = VEC * u;
    const int unitsHere = min(VEC, H - firstUnit);
    const int length = lengths[b];
    if (step >= length) {
        VSTORE(VLOAD(0, cPrev + (size_t)b * Hp + firstUnit), 0, cNext + (size_t)b * Hp + firstUnit);
#if !HAS_PROJECTION
        __global float *zeroRow = out + (size_t)(step * B + b) * outStride + outOffset + firstUnit;
        for (int j = 0; j < unitsHere; j++) {
            hNext[(size_t)b * K + firstUnit + j] = hPrev[(size_t)b * K + firstUnit + j];
            zeroRow[j] = 0.0f;
        }
#endif
        return;
    }
    VSTORE(cNew, 0, cNext + (size_t)b * Hp + firstUnit);
#if HAS_PROJECTION
    VSTORE(hNew, 0, hRaw + (size_t)b * Hp + firstUnit);
#else
    const int t = reverse ? length - 1 - step : step;
    __global float *outRow = out + (size_t)(t * B + b) * outStride + outOffset + firstUnit;
    __global float *hOut = hNext + (size_t)b * K + firstUnit;
    if (unitsHere == VEC) {
        VSTORE(hNew, 0, hOut);
        VSTORE(hNew, 0, outRow);
    } else {
        float lanes[VEC];
        VSTORE(hNew, 0, lanes);
        for (int j = 0; j < unitsHere; j++) {
            hOut[j] = lanes[j];
            outRow[j] = lanes[j];
        }
    }
#endif
}

// The cell update and stores of `rows` sequences from firstRow whose gate pre-activations
// are complete in acc (a literal `rows` at each call).
__attribute__((always_inline)) inline void update_rows(
    const int rows, const int firstRow, const int u, floatv (*acc)[GATES], __global const float *peephole,
    __global const float *hPrev, __global float *hNext, __global const float *cPrev, __global float *cNext,
    __global float *out, __global float *hRaw, __global const int *lengths,
    int B, int K, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    const int Hp = blocks * VEC;
    // Every row's update first, branch-free, then the stores.
    floatv cNew[STEP_ROWS], hNew[STEP_ROWS];
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) {
            const floatv cOld = VLOAD(0, cPrev + (size_t)(firstRow + i) * Hp + VEC * u);
            cell_update(acc[i], cOld, peephole, u, Hp, &cNew[i], &hNew[i]);
        }
    }
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) {
            store_row(cNew[i], hNew[i], firstRow + i, u, hPrev, hNext, cPrev, cNext, out, hRaw, lengths,
                      B, K, H, blocks, step, reverse, outStride, outOffset);
        }
    }
}

// Accumulators start from G (input projection + biases; rows exist for inactive sequences
// too): its loads overlap the product instead of stalling the update.
__attribute__((always_inline)) inline void load_gates(
    const int rows, const int firstRow, const int u, __global const float *G, const int B, floatv (*acc)[GATES])
{
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) {
            __global const float *g = G + ((size_t)u * B + firstRow + i) * BLOCK_COLUMNS;
            #pragma unroll
            for (int gate = 0; gate < GATES; gate++) acc[i][gate] = VLOAD(gate, g);
        }
    }
}

// The accumulators' starting values: G (the GEMM's bias + W_ih x), or with FUSE_INPUT the
// bias and then W_ih x computed here, in the same order.
__attribute__((always_inline)) inline void start_gates(
    const int rows, const int firstRow, const int u, __global const float *G, const InputSide *in,
    __global const int *lengths, const int B, const int step, const int reverse, floatv (*acc)[GATES])
{
#if FUSE_INPUT
    __global const float *x[STEP_ROWS];
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        x[i] = input_row(in, firstRow + min(i, rows - 1), B, step, reverse, lengths);
        #pragma unroll
        for (int g = 0; g < GATES; g++) {
            if (i < rows) acc[i][g] = VLOAD(GATES * u + g, in->bias);
        }
    }
    rows_product_of(rows, in->w + (size_t)u * in->I * BLOCK_COLUMNS, x, 0, in->I, acc, 0, 0);
#else
    load_gates(rows, firstRow, u, G, B, acc);
#endif
}

// One tile: `rows` sequences from firstRow (a literal at each call), the whole panel at once.
__attribute__((always_inline)) inline void step_tile(
    const int rows, const int firstRow, const int u,
    __global const float *G, const InputSide *in, __global const weight_t *whh, __global const float *peephole,
    __global const float *hPrev, __global float *hNext, __global const float *cPrev, __global float *cNext,
    __global float *out, __global float *hRaw, __global const int *lengths,
    int B, int K, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    floatv acc[STEP_ROWS][GATES];
    start_gates(rows, firstRow, u, G, in, lengths, B, step, reverse, acc);
    rows_product(rows, whh + (size_t)u * K * BLOCK_COLUMNS, hPrev, firstRow, 0, K, K, acc);
    update_rows(rows, firstRow, u, acc, peephole, hPrev, hNext, cPrev, cNext, out, hRaw, lengths,
                B, K, H, blocks, step, reverse, outStride, outOffset);
}

#if STEP_TILES > 1
// partial[s] += the rows of tile s (rows[s], STEP_ROWS of them) times k = 0 .. depth - 1 of
// one block's panel, for `tiles` tiles, one PANEL_SLICE-deep slice at a time: each slice is
// loaded from L2 once and reused from L1 by every tile.
__attribute__((always_inline)) inline void sliced_products(
    const int tiles, __global const weight_t *panel, __global const float *(*rows)[STEP_ROWS], const int depth,
    floatv (*partial)[STEP_ROWS][GATES])
{
    for (int kBegin = 0; kBegin < depth; kBegin += PANEL_SLICE) {
        const int kEnd = min(kBegin + PANEL_SLICE, depth);
        #pragma unroll 1
        for (int s = 0; s < tiles; s++) {
            floatv acc[STEP_ROWS][GATES];
            #pragma unroll
            for (int i = 0; i < STEP_ROWS; i++) {
                #pragma unroll
                for (int g = 0; g < GATES; g++) acc[i][g] = partial[s][i][g];
            }
            // With PREFETCH_SLICES each tile also prefetches its share of the next slice's lines,
            // so the group's first tile on it finds the slice in L2 rather than beyond.
            const int nextLines = kEnd < depth
                ? (min(kEnd + PANEL_SLICE, depth) - kEnd) * BLOCK_COLUMNS * (int)sizeof(weight_t) / CACHE_LINE : 0;
            const int from = s * nextLines / tiles, to = (s + 1) * nextLines / tiles;
            __global const char *next = (__global const char *)(panel + (size_t)kEnd * BLOCK_COLUMNS) + CACHE_LINE * from;
            rows_product_of(STEP_ROWS, panel, rows[s], kBegin, kEnd, acc, next, to - from);
            #pragma unroll
            for (int i = 0; i < STEP_ROWS; i++) {
                #pragma unroll
                for (int g = 0; g < GATES; g++) partial[s][i][g] = acc[i][g];
            }
        }
    }
}

// `tiles` (2 .. STEP_TILES) full row tiles from firstRow, slice by slice of the panel. The
// accumulators of the tiles not being worked on wait in private memory (L1); each is still
// one fma chain over k in order from G, so the results are bitwise those of step_tile.
void step_tiles_sliced(
    const int tiles, const int firstRow, const int u,
    __global const float *G, const InputSide *in, __global const weight_t *whh, __global const float *peephole,
    __global const float *hPrev, __global float *hNext, __global const float *cPrev, __global float *cNext,
    __global float *out, __global float *hRaw, __global const int *lengths,
    int B, int K, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    floatv partial[STEP_TILES][STEP_ROWS][GATES];
#if FUSE_INPUT
    // W_ih x first, slice by slice like W_hh h below: each accumulator's chain runs from the
    // bias over x in k order, as in the GEMM.
    __global const float *x[STEP_TILES][STEP_ROWS];
    #pragma unroll 1
    for (int s = 0; s < tiles; s++) {
        #pragma unroll
        for (int i = 0; i < STEP_ROWS; i++) {
            x[s][i] = input_row(in, firstRow + s * STEP_ROWS + i, B, step, reverse, lengths);
            #pragma unroll
            for (int g = 0; g < GATES; g++) partial[s][i][g] = VLOAD(GATES * u + g, in->bias);
        }
    }
    sliced_products(tiles, in->w + (size_t)u * in->I * BLOCK_COLUMNS, x, in->I, partial);
#else
    #pragma unroll 1
    for (int s = 0; s < tiles; s++) load_gates(STEP_ROWS, firstRow + s * STEP_ROWS, u, G, B, partial[s]);
#endif
    __global const float *h[STEP_TILES][STEP_ROWS];
    #pragma unroll 1
    for (int s = 0; s < tiles; s++) {
        #pragma unroll
        for (int i = 0; i < STEP_ROWS; i++) h[s][i] = hPrev + (size_t)(firstRow + s * STEP_ROWS + i) * K;
    }
    sliced_products(tiles, whh + (size_t)u * K * BLOCK_COLUMNS, h, K, partial);
    #pragma unroll 1
    for (int s = 0; s < tiles; s++) {
        update_rows(STEP_ROWS, firstRow + s * STEP_ROWS, u, partial[s], peephole, hPrev, hNext, cPrev, cNext, out, hRaw,
                    lengths, B, K, H, blocks, step, reverse, outStride, outOffset);
    }
}
#endif

// Sequence b times blocks u .. u + WIDE_BLOCKS - 1 (the batch-1 tile of lstm_recurrence).
void wide_step_tile(
    const int b, const int u,
    __global const float *G, const InputSide *in, __global const weight_t *whh, __global const float *peephole,
    __global const float *hPrev, __global float *hNext, __global const float *cPrev, __global float *cNext,
    __global float *out, __global float *hRaw, __global const int *lengths,
    int B, int K, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    const int Hp = blocks * VEC;
    floatv acc[WIDE_BLOCKS][GATES];
    #pragma unroll
    for (int j = 0; j < WIDE_BLOCKS; j++) start_gates(1, b, u + j, G, in, lengths, B, step, reverse, acc + j);
    wide_row_product(whh + (size_t)u * K * BLOCK_COLUMNS, hPrev + (size_t)b * K, K, acc);
    floatv cNew[WIDE_BLOCKS], hNew[WIDE_BLOCKS];
    #pragma unroll
    for (int j = 0; j < WIDE_BLOCKS; j++) {
        const floatv cOld = VLOAD(0, cPrev + (size_t)b * Hp + VEC * (u + j));
        cell_update(acc[j], cOld, peephole, u + j, Hp, &cNew[j], &hNew[j]);
    }
    #pragma unroll
    for (int j = 0; j < WIDE_BLOCKS; j++) {
        store_row(cNew[j], hNew[j], b, u + j, hPrev, hNext, cPrev, cNext, out, hRaw, lengths,
                  B, K, H, blocks, step, reverse, outStride, outOffset);
    }
}

// Row group `firstRow / STEP_GROUP_ROWS` of block u: its full row tiles (sliced together
// when there are several), then for a partial last tile (B not a multiple of STEP_ROWS,
// e.g. B = 1) pairs then single sequences, so no multiply-add is wasted on padding rows.
// Shared by lstm_step and the persistent lstm_recurrence; a real function (not forced
// inline) so its tile instances are compiled once: forced inlining into both kernels
// tripled the cold program build (1.2 s to 3.2 s) at equal speed.
void step_block(
    const int firstRow, const int u,
    __global const float *G, const InputSide *in, __global const weight_t *whh, __global const float *peephole,
    __global const float *hPrev, __global float *hNext, __global const float *cPrev, __global float *cNext,
    __global float *out, __global float *hRaw, __global const int *lengths,
    int B, int K, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    const int end = min(firstRow + STEP_GROUP_ROWS, B);
    const int fullTiles = (end - firstRow) / STEP_ROWS;
#if STEP_TILES > 1
    if (fullTiles > 1) {
        step_tiles_sliced(fullTiles, firstRow, u, G, in, whh, peephole, hPrev, hNext, cPrev, cNext, out, hRaw, lengths,
                          B, K, H, blocks, step, reverse, outStride, outOffset);
    } else
#endif
    if (fullTiles == 1) {
        step_tile(STEP_ROWS, firstRow, u, G, in, whh, peephole, hPrev, hNext, cPrev, cNext, out, hRaw, lengths,
                  B, K, H, blocks, step, reverse, outStride, outOffset);
    }
    int b = firstRow + fullTiles * STEP_ROWS;
#if STEP_ROWS > 2
    for (; b + 2 <= end; b += 2) {
        step_tile(2, b, u, G, in, whh, peephole, hPrev, hNext, cPrev, cNext, out, hRaw, lengths,
                  B, K, H, blocks, step, reverse, outStride, outOffset);
    }
#endif
    for (; b < end; b++) {
        step_tile(1, b, u, G, in, whh, peephole, hPrev, hNext, cPrev, cNext, out, hRaw, lengths,
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
    const int firstRow = get_global_id(0) * STEP_GROUP_ROWS;
    if (u >= blocks || firstRow >= B) return;
    // Per-step launches always read G: the host fuses the input projection only into the
    // persistent recurrence.
    const InputSide none = {0, 0, 0, 0, 0};
    step_block(firstRow, u, G + (size_t)(stepIndex - windowStart) * blocks * B * BLOCK_COLUMNS, &none, whh, peephole, hPrev, hNext, c, c, out, hRaw, lengths,
               B, K, H, blocks, stepIndex, reverse, outStride, outOffset);
}
