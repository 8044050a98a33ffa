// Input projection of a step window of one layer and direction, as one GEMM:
//   G[s, n, b] = bias[n] + sum_k x[t(s, b), b, k] * W_ih[n, k]
// for the window's steps s = firstStep ... firstStep + rows / B - 1, with the gate columns n
// in the interleaved packed order (common.cl). Steps, not times, index G: the reverse
// direction at step s reads time t = length[b] - 1 - s, so one window serves both
// directions and per-sequence lengths alike (steps past a sequence's length compute a
// row nobody reads).
//
// x: [T][B][K] with row stride xStride (the layer input or the previous layer's output).
// GATES gates per unit (4 for LSTM, 3 for GRU); a block's panel row is GATES vectors wide.
// w: packed panels [Hp/VEC][K][GATES*VEC]. bias: packed [GATES*Hp] (the input-side biases the
// cell folds into G: bias_ih + bias_hh for LSTM gates and GRU r, z; see WeightPacking).
// G: [rows / B][Hp/VEC][B][GATES*VEC], block-major within a step so that the recurrence,
// which walks the sequences of one block in order, reads it sequentially (the hardware
// prefetcher follows; row-major G cost a cache miss per tile at large B).
// Work-item (rowGroup, u) computes GEMM_TILES register tiles of GEMM_ROWS rows x GATES*VEC
// columns of block u. The tiles walk the panel together, one PANEL_SLICE-deep slice of k at
// a time, so each slice comes from L2 once and is reused from L1 by every tile (one tile
// alone streams the whole panel per GEMM_ROWS rows); the accumulators of the tiles not being
// worked on wait in private memory. Rows are step-major (row r is step r / B, sequence r % B).
// Each output is one fma chain over k in order from its bias, whatever GEMM_ROWS, GEMM_TILES,
// PANEL_SLICE and VEC are.
//
// Tunables: GEMM_ROWS rows per register tile (default 4: GATES*GEMM_ROWS vector accumulators),
// GEMM_TILES register tiles per work-item (default 1), PANEL_SLICE (k per slice; the host
// sizes it to fit L1; half weights stage slices of half that depth, see GEMM_STAGED).

#ifndef GEMM_ROWS
#define GEMM_ROWS 4
#endif
#ifndef GEMM_TILES
#define GEMM_TILES 1
#endif
#ifndef PANEL_SLICE
#define PANEL_SLICE 64
#endif
#define GEMM_GROUP_ROWS (GEMM_ROWS * GEMM_TILES)

// Half weights with several tiles: each slice is converted to float once, into private
// memory that every tile then reads, instead of once per tile (the conversion takes a
// 512-bit FMA port on Intel: the f16 GEMM was 40 % slower than f32 at (512, 512, 1, 100)).
// The staged slice is half as deep, so its floats take what the half slice would have.
// Conversion is exact, so the products are bitwise those of the unstaged kernel.
#if WEIGHT_HALF && GEMM_TILES > 1
#define GEMM_STAGED 1
#define GEMM_SLICE (PANEL_SLICE > 1 ? PANEL_SLICE / 2 : 1)
#else
#define GEMM_STAGED 0
#define GEMM_SLICE PANEL_SLICE
#endif

// Rows rowGroup * GEMM_GROUP_ROWS .. (at most GEMM_GROUP_ROWS, up to `rows`) times block u.
__attribute__((always_inline)) inline void project_group(
    const int rowGroup, const int u, __global const float *x, const int rows, const int K, const int xStride,
    __global const weight_t *w, __global const float *bias, __global float *G, const int blocks, const int B,
    __global const int *lengths, const int firstStep, const int reverse)
{
    const int firstRow = rowGroup * GEMM_GROUP_ROWS;

    floatv partial[GEMM_TILES][GEMM_ROWS][GATES];
    __global const float *xRow[GEMM_GROUP_ROWS];
    for (int i = 0; i < GEMM_GROUP_ROWS; i++) {
        // Rows past the end repeat the last row; their results are not stored.
        const int r = min(firstRow + i, rows - 1);
        const int b = r % B;
        const int step = firstStep + r / B;
        const int t = max(reverse ? lengths[b] - 1 - step : step, 0);
        xRow[i] = x + ((size_t)t * B + b) * xStride;
        for (int g = 0; g < GATES; g++) partial[i / GEMM_ROWS][i % GEMM_ROWS][g] = VLOAD(GATES * u + g, bias);
    }

    // The last group of a window may hold fewer rows: only its tiles with a row to store run
    // (at batch 1, T = 100 and 24-row groups, 120 rows were computed for 100).
    const int tiles = min(GEMM_TILES, (rows - firstRow + GEMM_ROWS - 1) / GEMM_ROWS);
    __global const weight_t *panel = w + (size_t)u * K * BLOCK_COLUMNS;
#if GEMM_STAGED
    floatv staged[GEMM_SLICE][GATES];
#endif
    for (int kBegin = 0; kBegin < K; kBegin += GEMM_SLICE) {
        const int kEnd = min(kBegin + GEMM_SLICE, K);
#if GEMM_STAGED
        for (int k = kBegin; k < kEnd; k++) {
            #pragma unroll
            for (int g = 0; g < GATES; g++) staged[k - kBegin][g] = LOAD_W(GATES * k + g, panel);
        }
#endif
        #pragma unroll 1
        for (int s = 0; s < tiles; s++) {
            __global const float *tileRow[GEMM_ROWS];
            #pragma unroll
            for (int i = 0; i < GEMM_ROWS; i++) tileRow[i] = xRow[s * GEMM_ROWS + i];
            // TILE_GATES gates of the tile's rows at a time (all of them unless the registers
            // cannot hold GEMM_ROWS * GATES accumulators; common.cl).
            #pragma unroll
            for (int first = 0; first < GATES; first += TILE_GATES) {
                floatv acc[GEMM_ROWS][TILE_GATES];
                #pragma unroll
                for (int i = 0; i < GEMM_ROWS; i++) {
                    #pragma unroll
                    for (int g = 0; g < TILE_GATES; g++) {
                        if (first + g < GATES) acc[i][g] = partial[s][i][first + g];
                    }
                }
                // The weights pointer advances a panel row per k (indexed from k, the addresses
                // were rebuilt every k; see rows_product in lstm_step.cl).
                __global const weight_t *weights = panel + (size_t)kBegin * BLOCK_COLUMNS + first * VEC;
                // Two k per iteration, as in rows_product (lstm_step.cl): the GEMM took 0.90-0.97x
                // the time on a Zen 3.
                #pragma unroll 2
                for (int k = kBegin; k < kEnd; k++, weights += BLOCK_COLUMNS) {
                    floatv wv[TILE_GATES];
                    #pragma unroll
                    for (int g = 0; g < TILE_GATES; g++) {
#if GEMM_STAGED
                        if (first + g < GATES) wv[g] = staged[k - kBegin][first + g];
#else
                        if (first + g < GATES) wv[g] = LOAD_W(g, weights);
#endif
                    }
                    #pragma unroll
                    for (int i = 0; i < GEMM_ROWS; i++) {
                        const floatv xv = (floatv)(tileRow[i][k]);
                        #pragma unroll
                        for (int g = 0; g < TILE_GATES; g++) {
                            if (first + g < GATES) acc[i][g] = fma(xv, wv[g], acc[i][g]);
                        }
                    }
                }
                #pragma unroll
                for (int i = 0; i < GEMM_ROWS; i++) {
                    #pragma unroll
                    for (int g = 0; g < TILE_GATES; g++) {
                        if (first + g < GATES) partial[s][i][first + g] = acc[i][g];
                    }
                }
            }
        }
    }

    for (int i = 0; i < GEMM_GROUP_ROWS; i++) {
        const int r = firstRow + i;
        if (r < rows) {
            __global float *out = G + ((size_t)(r / B * blocks + u) * B + r % B) * BLOCK_COLUMNS;
            for (int g = 0; g < GATES; g++) VSTORE(partial[i / GEMM_ROWS][i % GEMM_ROWS][g], g, out);
        }
    }
}

// Work-item (rowGroup, u): one group of rows times one block.
__kernel void input_projection(
    __global const float *x, int rows, int K, int xStride,
    __global const weight_t *w, __global const float *bias,
    __global float *G, int blocks, int B,
    __global const int *lengths, int firstStep, int reverse)
{
    const int rowGroup = get_global_id(0);
    const int u = get_global_id(1);
    if (u >= blocks || rowGroup * GEMM_GROUP_ROWS >= rows) return;
    project_group(rowGroup, u, x, rows, K, xStride, w, bias, G, blocks, B, lengths, firstStep, reverse);
}

// The persistent form for CPU devices: `workers` groups of one work-item. Worker v owns a
// contiguous range of row groups and reads its own copy of the packed weights (copy
// v % copies, `copyElements` weights apart), so two cores never read the same x rows or the
// same panels: in a C model of this loop (Benchmarks/fma_peak/gemm_loop.c) two threads that
// shared either ran 15-20 % slower. A range's units (row group, block) run a band of
// `bandBlocks` blocks at a time, every row group of the range through the band's panels,
// which stay in L2 while the row group's x stays in L1. Workers claim runs of their own units
// from a counter, then take what is left of the others' (reading their x rows, still their own
// weights). The last worker to finish zeroes the counters for the next window's launch (the
// host zeroes them before each pass). Each output is the same fma chain as in input_projection, so the two forms
// give the same bits.
__kernel void input_projection_persistent(
    __global const float *x, int rows, int K, int xStride,
    __global const weight_t *w, int copyElements, int copies, __global const float *bias,
    __global float *G, int blocks, int B,
    __global const int *lengths, int firstStep, int reverse,
    __global int *claims, int bandBlocks)
{
    const int worker = get_group_id(0);
    const int workers = get_num_groups(0);
    const int rowGroups = (rows + GEMM_GROUP_ROWS - 1) / GEMM_GROUP_ROWS;
    __global const weight_t *copy = w + (size_t)(worker % copies) * copyElements;
    for (int v = 0; v < workers; v++) {
        const int owner = (worker + v) % workers;
        const int lo = (int)((long)rowGroups * owner / workers);
        const int hi = (int)((long)rowGroups * (owner + 1) / workers);
        const int units = (hi - lo) * blocks;
        const int bandUnits = (hi - lo) * bandBlocks;
        volatile __global int *counter = claims + owner * SYNC_STRIDE;
        int seen = *counter;
        while (seen < units) {
            const int size = max(1, (units - seen) / (4 * workers));
            const int before = atomic_cmpxchg(counter, seen, seen + size);
            if (before != seen) {
                seen = before;
                continue;
            }
            const int stop = min(seen + size, units);
            for (int n = seen; n < stop; n++) {
                const int band = n / bandUnits;
                const int width = min(bandBlocks, blocks - band * bandBlocks);
                const int rest = n - band * bandUnits;
                project_group(lo + rest / width, band * bandBlocks + rest % width, x, rows, K, xStride, copy, bias, G,
                              blocks, B, lengths, firstStep, reverse);
            }
            seen += size;
        }
    }
    volatile __global int *finished = claims + workers * SYNC_STRIDE;
    if (atomic_inc(finished) == workers - 1) {
        for (int v = 0; v < workers; v++) atomic_xchg(claims + v * SYNC_STRIDE, 0);
        atomic_xchg(finished, 0);
    }
}
