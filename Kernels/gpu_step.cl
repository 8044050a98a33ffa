// One recurrent step of one layer and direction (the per-step kernels of the GPU family):
//   gpu_step: z = G[s, b] + W_hh h_{t-1}[b] and the fused cell update;
//   gpu_projection (models with proj_size): h_t = W_hr r_t, r_t = o * tanh(c_t).
// A work-group cooperates on one tile: ROWS rows (UNITS units x GATES gates, or ROWS
// projected units) for BATCH_TILE sequences. Work-item l takes row r = l % ROWS and K slice
// s = l / ROWS: it multiplies the k = s (mod KSPLIT) terms, reading W[k][n0 + r], so the
// ROWS work-items of a slice read consecutive addresses, and h_{t-1} from the panel staged
// in local memory. The KSPLIT partials are reduced in local memory, in slice order, by the
// epilogue, which also runs the cell update (no extra launch, no round trip through memory).
// The grid is (row tiles, batch tiles): at batch 1 there are Hp / UNITS work-groups; the
// host picks UNITS so that this is at least the device's compute-unit count when H allows.
//
// Packed-sequence semantics as in the CPU family (lstm_step.cl): at step s a sequence of
// length L is active when s < L, at time s (forward) or L - 1 - s (reverse); an inactive one
// keeps h and c and gets a zero output row at time s.
//
// These functions are shared with gpu_persistent.cl (weights in local memory there), which
// is why the product is a macro over how a weight is fetched.

// The local-memory panels GPU_TILE_PRODUCT uses and this work-item's place in its tile:
// row r and K slice s. Every tile kernel of the family opens with it.
#define GPU_TILE_LOCALS                                                                         \
    __local float hs[BATCH_TILE * KPANEL];                                                      \
    __local float partial[BATCH_TILE * KSPLIT * ROWS];                                          \
    const int l = get_local_id(0);                                                              \
    const int r = l % ROWS;                                                                     \
    const int s = l / ROWS

// Partial products of the tile's row r, slice s, for sequences b0 .. b0 + BATCH_TILE - 1 of
// h (row stride `stride`, K values), left in partial[BATCH_TILE][KSPLIT][ROWS].
// WEIGHT_AT(k) is the weight of row r at k. Starts and ends with a barrier, so hs and
// partial can be reused by the next tile.
#define GPU_TILE_PRODUCT(WEIGHT_AT, h, stride, K, b0, B) \
    GPU_TILE_PRODUCT_FROM(WEIGHT_AT, h, stride, K, b0, B, 0, hs, 0)

// GPU_TILE_PRODUCT where the rows for which USE_SECOND holds read `second` (same stride and
// K, staged in the local panel secondLocal) instead of h: the reset-first GRU's candidate
// rows read r⊙h (gpu_gru.cl). A literal 0 for `second` stages nothing more.
#define GPU_TILE_PRODUCT_FROM(WEIGHT_AT, h, stride, K, b0, B, second, secondLocal, USE_SECOND)    \
    do {                                                                                        \
        float acc_[BATCH_TILE];                                                                 \
        for (int bt_ = 0; bt_ < BATCH_TILE; bt_++) acc_[bt_] = 0.0f;                            \
        __local const float *source_ = (USE_SECOND) ? (secondLocal) : hs;                       \
        for (int k0_ = 0; k0_ < (K); k0_ += KPANEL) {                                           \
            const int span_ = min(KPANEL, (K) - k0_);                                           \
            barrier(CLK_LOCAL_MEM_FENCE);                                                       \
            gpu_stage_panel(hs, (h), (stride), (b0), (B), k0_, span_);                          \
            if ((second) != 0) gpu_stage_panel((secondLocal), (second), (stride), (b0), (B), k0_, span_); \
            barrier(CLK_LOCAL_MEM_FENCE);                                                       \
            for (int k_ = s; k_ < span_; k_ += KSPLIT) {                                        \
                const float w_ = WEIGHT_AT(k0_ + k_);                                           \
                for (int bt_ = 0; bt_ < BATCH_TILE; bt_++)                                      \
                    acc_[bt_] = fma(w_, source_[bt_ * KPANEL + k_], acc_[bt_]);                 \
            }                                                                                   \
        }                                                                                       \
        for (int bt_ = 0; bt_ < BATCH_TILE; bt_++) partial[(bt_ * KSPLIT + s) * ROWS + r] = acc_[bt_]; \
        barrier(CLK_LOCAL_MEM_FENCE);                                                           \
    } while (0)

#if GATES == 4
// The epilogue of gate tile `tile`: reduce, add G, update the cells of UNITS units for the
// tile's sequences, store c (to cOut: the cell state alternates between two buffers by step
// parity) and h (hNext and the output, or hRaw with projection).
inline void gpu_gate_epilogue(
    __local const float *partial, const int tile, const int b0,
    __global const float *G, __global const float *peephole,
    __global const float *hPrev, __global float *hNext, __global const float *cIn, __global float *cOut,
    __global float *out, __global float *hRaw, __global const int *lengths,
    const int B, const int K, const int H, const int Hp, const int step, const int reverse,
    const int outStride, const int outOffset)
{
    const int N = GATES * Hp;
    for (int i = get_local_id(0); i < UNITS * BATCH_TILE; i += GROUP_SIZE) {
        const int bt = i / UNITS;
        const int u = i - bt * UNITS;
        const int b = b0 + bt;
        if (b >= B) continue;
        const int unit = tile * UNITS + u;
        const int length = lengths[b];
        const float cPrev = cIn[(size_t)b * Hp + unit];
        if (step >= length) {
            cOut[(size_t)b * Hp + unit] = cPrev;
#if !HAS_PROJECTION
            if (unit < H) {
                hNext[(size_t)b * K + unit] = hPrev[(size_t)b * K + unit];
                out[((size_t)step * B + b) * outStride + outOffset + unit] = 0.0f;
            }
#endif
            continue;
        }
        float gx[GATES], gh[GATES];
        for (int g = 0; g < GATES; g++) {
            gx[g] = G[(size_t)b * N + unit * GATES + g];
            gh[g] = gpu_reduce(partial, bt, u * GATES + g);
        }
        float c, h;
        gpu_cell_update(gx, gh, cPrev, peephole, unit, Hp, &c, &h);
        cOut[(size_t)b * Hp + unit] = c;
#if HAS_PROJECTION
        hRaw[(size_t)b * Hp + unit] = h;
#else
        if (unit < H) {
            const int t = reverse ? length - 1 - step : step;
            hNext[(size_t)b * K + unit] = h;
            out[((size_t)t * B + b) * outStride + outOffset + unit] = h;
        }
#endif
    }
}

// The epilogue of projection tile `tile` (ROWS projected units): reduce and store h_t.
inline void gpu_projection_epilogue(
    __local const float *partial, const int tile, const int b0,
    __global const float *hPrev, __global float *hNext, __global float *out, __global const int *lengths,
    const int B, const int P, const int step, const int reverse, const int outStride, const int outOffset)
{
    for (int i = get_local_id(0); i < ROWS * BATCH_TILE; i += GROUP_SIZE) {
        const int bt = i / ROWS;
        const int rr = i - bt * ROWS;
        const int b = b0 + bt;
        const int p = tile * ROWS + rr;
        if (b >= B || p >= P) continue;
        const int length = lengths[b];
        if (step >= length) {
            hNext[(size_t)b * P + p] = hPrev[(size_t)b * P + p];
            out[((size_t)step * B + b) * outStride + outOffset + p] = 0.0f;
            continue;
        }
        const float v = gpu_reduce(partial, bt, rr);
        const int t = reverse ? length - 1 - step : step;
        hNext[(size_t)b * P + p] = v;
        out[((size_t)t * B + b) * outStride + outOffset + p] = v;
    }
}

// G: this window's input projections, [window steps][B][N], the first being step windowStart.
// hist: hidden-state history, slot s at s * slotFloats. cIn/cOut: [B][Hp].
// hRaw: [B][Hp] (projection only).
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void gpu_step(
    __global const float *G, __global const weight_t *whh, __global const float *peephole,
    __global float *hist, __global const float *cIn, __global float *cOut,
    __global float *out, __global float *hRaw, __global const int *lengths,
    const int B, const int K, const int H, const int Hp, const int step, const int windowStart,
    const int reverse, const int outStride, const int outOffset, const int slotFloats)
{
    GPU_TILE_LOCALS;
    const int tile = get_group_id(0);
    const int b0 = get_group_id(1) * BATCH_TILE;
    const int N = GATES * Hp;
    __global const float *hPrev = hist + (size_t)step * slotFloats;
    __global const weight_t *wRow = whh + tile * ROWS + r;
#define GPU_GLOBAL_WEIGHT(k) LOAD_W((size_t)(k) * N, wRow)
    GPU_TILE_PRODUCT(GPU_GLOBAL_WEIGHT, hPrev, K, K, b0, B);
#undef GPU_GLOBAL_WEIGHT
    gpu_gate_epilogue(partial, tile, b0, G + (size_t)(step - windowStart) * B * N, peephole,
                      hPrev, hist + (size_t)(step + 1) * slotFloats, cIn, cOut, out, hRaw, lengths,
                      B, K, H, Hp, step, reverse, outStride, outOffset);
}

// hRaw: [B][Hp]; whr: [H][P] (k-major). Tiles of ROWS projected units.
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void gpu_projection(
    __global const float *hRaw, __global const weight_t *whr, __global float *hist,
    __global float *out, __global const int *lengths,
    const int B, const int H, const int Hp, const int P, const int step, const int reverse,
    const int outStride, const int outOffset, const int slotFloats)
{
    GPU_TILE_LOCALS;
    const int tile = get_group_id(0);
    const int b0 = get_group_id(1) * BATCH_TILE;
    const int p = tile * ROWS + r;
    const int pc = min(p, P - 1);
#define GPU_PROJECTION_WEIGHT(k) (p < P ? LOAD_W((size_t)(k) * P + pc, whr) : 0.0f)
    GPU_TILE_PRODUCT(GPU_PROJECTION_WEIGHT, hRaw, Hp, H, b0, B);
#undef GPU_PROJECTION_WEIGHT
    gpu_projection_epilogue(partial, tile, b0, hist + (size_t)step * slotFloats, hist + (size_t)(step + 1) * slotFloats,
                            out, lengths, B, P, step, reverse, outStride, outOffset);
}
#endif
