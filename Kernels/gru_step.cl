// One GRU timestep of one layer and direction for the whole batch (torch.nn.GRU, gates
// r, z, n), fused with the cell update. G holds the input side W_i x + b of the step's
// three gates (input_projection.cl with GATES = 3); for r and z it already includes b_h.
//
// Linear before reset (PyTorch; ONNX linear_before_reset = 1), one launch per step:
//   gru_step:        r = σ(G_r + W_hr h), z = σ(G_z + W_hz h), a = b_hn + W_hn h,
//                    n = tanh(G_n + r⊙a), h' = (1 − z)⊙n + z⊙h
// (σ and tanh are ACT_F and ACT_G: an ONNX model's gate functions, common.cl)
// Reset before W_hn (ONNX's default linear_before_reset = 0; b_hn is folded into G_n),
// two launches per step, because W_hn needs r⊙h of every unit:
//   gru_reset_gate:  r = σ(G_r + W_hr h), rh = r⊙h
//   gru_candidate:   z = σ(G_z + W_hz h), n = tanh(G_n + W_hn rh), h' = (1 − z)⊙n + z⊙h
//
// Lengths follow packed-sequence semantics as in lstm_step.cl: at step s a sequence of
// length L is active when s < L, at time s (forward) or L-1-s (reverse); an inactive one
// keeps h and gets a zero output row at time s.
//
// Buffers: G [window steps][Hp/VEC][B][3*VEC] whose first step is windowStart; whh packed
// [Hp/VEC][H][3*VEC] (gate g of unit VEC*u + j at column VEC*g + j); recurrentBias b_hn [Hp];
// hPrev/hNext/resetHidden [B][H]; out [T*B][outStride], this direction's columns from
// outOffset. Work-item (rowTile, u): STEP_ROWS sequences x one block of VEC units; a partial
// last tile runs as single sequences. VEC and GATES (3 here) come from common.cl.
//
// Every accumulator is one sequential fma chain over k starting from G (or b_hn), so
// results are bitwise independent of how sequences are grouped into tiles.

#ifndef STEP_ROWS
#define STEP_ROWS 4
#endif

// acc[i][g] += W_hg · h_i over k, for the gates g in [firstGate, firstGate + GATE_SPAN).
// `rows` is a literal at every call (see rows_product in lstm_step.cl for why the loops run
// to STEP_ROWS). Each weight vector is loaded once per k and used for every row.
#define GRU_PRODUCT(NAME, FIRST_GATE, GATE_SPAN)                                                 \
__attribute__((always_inline)) inline void NAME(                                                \
    const int rows, __global const weight_t *panel, __global const float *vectors,              \
    const int firstRow, const int K, floatv (*acc)[GATE_SPAN])                                  \
{                                                                                                \
    __global const float *v[STEP_ROWS];                                                          \
    _Pragma("unroll")                                                                            \
    for (int i = 0; i < STEP_ROWS; i++) {                                                        \
        if (i < rows) v[i] = vectors + (size_t)(firstRow + i) * K;                              \
    }                                                                                            \
    /* Gates per pass, as in rows_product (lstm_step.cl): all unless TILE_GATES asks fewer. */ \
    const int passGates = rows * GATE_SPAN <= STEP_ROWS * TILE_GATES ? GATE_SPAN : TILE_GATES;   \
    _Pragma("unroll")                                                                            \
    for (int first = 0; first < GATE_SPAN; first += passGates) {                                 \
        __global const weight_t *weights = panel + (FIRST_GATE + first) * VEC;                   \
        _Pragma("unroll 2") /* two k per iteration, as in rows_product */                         \
        for (int k = 0; k < K; k++, weights += BLOCK_COLUMNS) {                                  \
            floatv w[GATE_SPAN];                                                                 \
            _Pragma("unroll")                                                                    \
            for (int g = 0; g < GATE_SPAN; g++) {                                                \
                if (g < passGates && first + g < GATE_SPAN) w[g] = LOAD_W(g, weights);           \
            }                                                                                    \
            _Pragma("unroll")                                                                    \
            for (int i = 0; i < STEP_ROWS; i++) {                                                \
                if (i < rows) {                                                                  \
                    const floatv hv = (floatv)(v[i][k]);                                         \
                    _Pragma("unroll")                                                            \
                    for (int g = 0; g < GATE_SPAN; g++) {                                        \
                        if (g < passGates && first + g < GATE_SPAN)                              \
                            acc[i][first + g] = fma(hv, w[g], acc[i][first + g]);                \
                    }                                                                            \
                }                                                                                \
            }                                                                                    \
        }                                                                                        \
    }                                                                                            \
}

GRU_PRODUCT(gru_product_all, 0, 3)
GRU_PRODUCT(gru_product_reset, 0, 1)
GRU_PRODUCT(gru_product_update, 1, 1)
GRU_PRODUCT(gru_product_candidate, 2, 1)

// The VEC units of block u of row b of a [B][H] array, zeros past H.
__attribute__((always_inline)) inline floatv load_units(__global const float *rows, const int b, const int u, const int H) {
    const int first = VEC * u;
    __global const float *row = rows + (size_t)b * H + first;
    if (first + VEC <= H) return VLOAD(0, row);
    float lanes[VEC];
    for (int j = 0; j < VEC; j++) lanes[j] = first + j < H ? row[j] : 0.0f;
    return VLOAD(0, lanes);
}

// Stores the VEC units of block u of row b of a [B][H] array, dropping lanes past H.
__attribute__((always_inline)) inline void store_units(const floatv value, __global float *rows, const int b, const int u, const int H) {
    const int first = VEC * u;
    __global float *row = rows + (size_t)b * H + first;
    if (first + VEC <= H) {
        VSTORE(value, 0, row);
        return;
    }
    float lanes[VEC];
    VSTORE(value, 0, lanes);
    for (int j = 0; j < VEC && first + j < H; j++) row[j] = lanes[j];
}

// Writes row b's new h for block u to hNext and to the output at its time; an inactive
// sequence keeps h and gets a zero output row at time `step`.
__attribute__((always_inline)) inline void gru_store(
    const floatv hNew, const int b, const int u, __global const float *hPrev, __global float *hNext,
    __global float *out, __global const int *lengths, int H, int step, int reverse, int B,
    int outStride, int outOffset)
{
    const int length = lengths[b];
    const int active = step < length;
    const int t = !active ? step : (reverse ? length - 1 - step : step);
    __global float *outRow = out + (size_t)(t * B + b) * outStride + outOffset;
    const floatv h = active ? hNew : load_units(hPrev, b, u, H);
    store_units(h, hNext, b, u, H);
    store_units(active ? hNew : (floatv)(0.0f), outRow, 0, u, H);
}

// One tile of gru_step: `rows` sequences from firstRow (a literal at each call).
__attribute__((always_inline)) inline void gru_step_tile(
    const int rows, const int firstRow, const int u,
    __global const float *G, __global const weight_t *whh, __global const float *recurrentBias,
    __global const float *hPrev, __global float *hNext, __global float *out, __global const int *lengths,
    int B, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    const floatv bhn = VLOAD(u, recurrentBias);
    floatv acc[STEP_ROWS][3];
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) {
            __global const float *g = G + ((size_t)u * B + firstRow + i) * BLOCK_COLUMNS;
            acc[i][0] = VLOAD(0, g);
            acc[i][1] = VLOAD(1, g);
            acc[i][2] = bhn;
        }
    }
    gru_product_all(rows, whh + (size_t)u * H * BLOCK_COLUMNS, hPrev, firstRow, H, acc);
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) {
            const int b = firstRow + i;
            const floatv gn = VLOAD(2, G + ((size_t)u * B + b) * BLOCK_COLUMNS);
            const floatv r = ACT_F(acc[i][0]);
            const floatv z = ACT_F(acc[i][1]);
            const floatv n = ACT_G(gn + r * acc[i][2]);
            const floatv h = load_units(hPrev, b, u, H);
            gru_store((1.0f - z) * n + z * h, b, u, hPrev, hNext, out, lengths, H, step, reverse, B, outStride, outOffset);
        }
    }
}

// One tile of gru_reset_gate.
__attribute__((always_inline)) inline void gru_reset_tile(
    const int rows, const int firstRow, const int u,
    __global const float *G, __global const weight_t *whh, __global const float *hPrev,
    __global float *resetHidden, int B, int H)
{
    floatv acc[STEP_ROWS][1];
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) acc[i][0] = VLOAD(0, G + ((size_t)u * B + firstRow + i) * BLOCK_COLUMNS);
    }
    gru_product_reset(rows, whh + (size_t)u * H * BLOCK_COLUMNS, hPrev, firstRow, H, acc);
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) {
            const int b = firstRow + i;
            store_units(ACT_F(acc[i][0]) * load_units(hPrev, b, u, H), resetHidden, b, u, H);
        }
    }
}

// One tile of gru_candidate.
__attribute__((always_inline)) inline void gru_candidate_tile(
    const int rows, const int firstRow, const int u,
    __global const float *G, __global const weight_t *whh, __global const float *hPrev,
    __global const float *resetHidden, __global float *hNext, __global float *out, __global const int *lengths,
    int B, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    floatv update[STEP_ROWS][1], candidate[STEP_ROWS][1];
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) {
            __global const float *g = G + ((size_t)u * B + firstRow + i) * BLOCK_COLUMNS;
            update[i][0] = VLOAD(1, g);
            candidate[i][0] = VLOAD(2, g);
        }
    }
    __global const weight_t *panel = whh + (size_t)u * H * BLOCK_COLUMNS;
    gru_product_update(rows, panel, hPrev, firstRow, H, update);
    gru_product_candidate(rows, panel, resetHidden, firstRow, H, candidate);
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        if (i < rows) {
            const int b = firstRow + i;
            const floatv z = ACT_F(update[i][0]);
            const floatv n = ACT_G(candidate[i][0]);
            const floatv h = load_units(hPrev, b, u, H);
            gru_store((1.0f - z) * n + z * h, b, u, hPrev, hNext, out, lengths, H, step, reverse, B, outStride, outOffset);
        }
    }
}

// Work-item (rowTile, u): its full tile, or the last, partial tile one sequence at a time.
#define GRU_DISPATCH(TILE, ...)                                                                  \
    const int u = get_global_id(1);                                                              \
    const int firstRow = get_global_id(0) * STEP_ROWS;                                           \
    if (u >= blocks || firstRow >= B) return;                                                    \
    const int step = stepIndex;                                                                  \
    G += (size_t)(step - windowStart) * blocks * B * BLOCK_COLUMNS;                                  \
    if (firstRow + STEP_ROWS <= B) {                                                             \
        TILE(STEP_ROWS, firstRow, u, __VA_ARGS__);                                               \
    } else {                                                                                     \
        for (int b = firstRow; b < B; b++) TILE(1, b, u, __VA_ARGS__);                           \
    }

__kernel void gru_step(
    __global const float *G, __global const weight_t *whh, __global const float *recurrentBias,
    __global const float *hPrev, __global float *hNext, __global float *out, __global const int *lengths,
    int B, int H, int blocks, int stepIndex, int reverse, int outStride, int outOffset, int windowStart)
{
    GRU_DISPATCH(gru_step_tile, G, whh, recurrentBias, hPrev, hNext, out, lengths,
                 B, H, blocks, step, reverse, outStride, outOffset)
}

// Every sequence gets its r⊙h, inactive ones too (their G rows exist), so gru_candidate
// never reads an unwritten row; it then keeps an inactive sequence's h.
__kernel void gru_reset_gate(
    __global const float *G, __global const weight_t *whh, __global const float *hPrev,
    __global float *resetHidden, int B, int H, int blocks, int stepIndex, int windowStart)
{
    GRU_DISPATCH(gru_reset_tile, G, whh, hPrev, resetHidden, B, H)
}

__kernel void gru_candidate(
    __global const float *G, __global const weight_t *whh, __global const float *hPrev,
    __global const float *resetHidden, __global float *hNext, __global float *out, __global const int *lengths,
    int B, int H, int blocks, int stepIndex, int reverse, int outStride, int outOffset, int windowStart)
{
    GRU_DISPATCH(gru_candidate_tile, G, whh, hPrev, resetHidden, hNext, out, lengths,
                 B, H, blocks, step, reverse, outStride, outOffset)
}
