// The GPU family's per-step GRU kernels (torch.nn.GRU, gates r, z, n; GATES = 3), built on
// the tiles of gpu_step.cl: a work-group owns UNITS units x 3 gate rows for BATCH_TILE
// sequences, splits K into KSPLIT slices reduced in local memory in slice order, and fuses
// the cell update into the epilogue. G comes from gpu_input_projection with the input-side
// biases: b_ir + b_hr and b_iz + b_hz for r and z; for n, b_in alone when the linear part
// comes before the reset (b_hn then sits inside r's product, argument bhn) and b_in + b_hn
// when the reset comes first. h_{t-1} is history slot `step`, h_t goes to slot step + 1.
//
// Linear before reset (PyTorch; ONNX linear_before_reset = 1), one launch per step:
//   gpu_gru_step:      r = σ(G_r + W_hr h), z = σ(G_z + W_hz h),
//                      n = tanh(G_n + r⊙(W_hn h + b_hn)), h' = (1 − z)⊙n + z⊙h
// Reset before W_hn (ONNX's default, linear_before_reset = 0), two launches per step,
// because W_hn needs r⊙h of every unit (Kernels/gru_step.cl does the same on the CPU family):
//   gpu_gru_reset:     rh = σ(G_r + W_hr h)⊙h
//   gpu_gru_step:      z = σ(G_z + W_hz h), n = tanh(G_n + W_hn rh), h' = (1 − z)⊙n + z⊙h
// In the second form the rows of gate n multiply rh and the others h: both panels are staged.
//
// Every gate pre-activation follows the family's determinism rule (gpu_common.cl): G plus the
// KSPLIT slice partials in slice order, each an fma chain in ascending k, so unit tiles,
// batch tiles, batch slices and windows of steps give bitwise the same numbers.
// Packed-sequence semantics as in gpu_step.cl: an inactive sequence keeps h and gets a zero
// output row at time `step`.

#if GATES == 3

#ifndef LINEAR_BEFORE_RESET
#define LINEAR_BEFORE_RESET 1
#endif

// The GRU's candidate gate row within a unit's GATES rows.
#define GRU_CANDIDATE 2

// The epilogue of gpu_gru_step for gate tile `tile`: reduce, add G, update the UNITS units
// of the tile's sequences, store h to hNext and the output.
inline void gpu_gru_epilogue(
    __local const float *partial, const int tile, const int b0,
    __global const float *G, __global const float *bhn,
    __global const float *hPrev, __global float *hNext, __global float *out, __global const int *lengths,
    const int B, const int H, const int Hp, const int step, const int reverse, const int outStride, const int outOffset)
{
    const int N = GATES * Hp;
    for (int i = get_local_id(0); i < UNITS * BATCH_TILE; i += GROUP_SIZE) {
        const int bt = i / UNITS;
        const int u = i - bt * UNITS;
        const int b = b0 + bt;
        const int unit = tile * UNITS + u;
        // Padded units (H ..< Hp) have no h: K = H for a GRU.
        if (b >= B || unit >= H) continue;
        const int length = lengths[b];
        const float h = hPrev[(size_t)b * H + unit];
        if (step >= length) {
            hNext[(size_t)b * H + unit] = h;
            out[((size_t)step * B + b) * outStride + outOffset + unit] = 0.0f;
            continue;
        }
        __global const float *g = G + (size_t)b * N + unit * GATES;
        const float z = gpu_sigmoid(g[1] + gpu_reduce(partial, bt, u * GATES + 1));
#if LINEAR_BEFORE_RESET
        const float reset = gpu_sigmoid(g[0] + gpu_reduce(partial, bt, u * GATES));
        const float n = tanh(g[GRU_CANDIDATE] + reset * (gpu_reduce(partial, bt, u * GATES + GRU_CANDIDATE) + bhn[unit]));
#else
        const float n = tanh(g[GRU_CANDIDATE] + gpu_reduce(partial, bt, u * GATES + GRU_CANDIDATE));
#endif
        const float hNew = (1.0f - z) * n + z * h;
        const int t = reverse ? length - 1 - step : step;
        hNext[(size_t)b * H + unit] = hNew;
        out[((size_t)t * B + b) * outStride + outOffset + unit] = hNew;
    }
}

// G: this window's input projections, [window steps][B][N], the first being step windowStart.
// hist: hidden-state history, slot s at s * slotFloats ([B][H] each). rh: [B][H], r⊙h of
// this step (reset-first form; unused otherwise). bhn: b_hn [Hp] (linear-before-reset form).
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void gpu_gru_step(
    __global const float *G, __global const weight_t *whh, __global const float *bhn,
    __global float *hist, __global const float *rh, __global float *out, __global const int *lengths,
    const int B, const int H, const int Hp, const int step, const int windowStart,
    const int reverse, const int outStride, const int outOffset, const int slotFloats)
{
    GPU_TILE_LOCALS;
#if !LINEAR_BEFORE_RESET
    __local float hns[BATCH_TILE * KPANEL];
#endif
    const int tile = get_group_id(0);
    const int b0 = get_group_id(1) * BATCH_TILE;
    const int N = GATES * Hp;
    __global const float *hPrev = hist + (size_t)step * slotFloats;
    __global const weight_t *wRow = whh + tile * ROWS + r;
#define GPU_GLOBAL_WEIGHT(k) LOAD_W((size_t)(k) * N, wRow)
#if LINEAR_BEFORE_RESET
    GPU_TILE_PRODUCT(GPU_GLOBAL_WEIGHT, hPrev, H, H, b0, B);
#else
    GPU_TILE_PRODUCT_FROM(GPU_GLOBAL_WEIGHT, hPrev, H, H, b0, B, rh, hns, r % GATES == GRU_CANDIDATE);
#endif
#undef GPU_GLOBAL_WEIGHT
    gpu_gru_epilogue(partial, tile, b0, G + (size_t)(step - windowStart) * B * N, bhn, hPrev,
                     hist + (size_t)(step + 1) * slotFloats, out, lengths, B, H, Hp, step, reverse, outStride, outOffset);
}

#if !LINEAR_BEFORE_RESET
// rh = σ(G_r + W_hr h)⊙h for every sequence, inactive ones too, so gpu_gru_step never
// stages an unwritten row. The tile's z and n rows compute products nobody reads: the
// tile layout is shared with gpu_gru_step, and this launch is the smaller half of the step.
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void gpu_gru_reset(
    __global const float *G, __global const weight_t *whh, __global const float *hist, __global float *rh,
    const int B, const int H, const int Hp, const int step, const int windowStart, const int slotFloats)
{
    GPU_TILE_LOCALS;
    const int tile = get_group_id(0);
    const int b0 = get_group_id(1) * BATCH_TILE;
    const int N = GATES * Hp;
    __global const float *hPrev = hist + (size_t)step * slotFloats;
    __global const weight_t *wRow = whh + tile * ROWS + r;
#define GPU_GLOBAL_WEIGHT(k) LOAD_W((size_t)(k) * N, wRow)
    GPU_TILE_PRODUCT(GPU_GLOBAL_WEIGHT, hPrev, H, H, b0, B);
#undef GPU_GLOBAL_WEIGHT
    __global const float *Gs = G + (size_t)(step - windowStart) * B * N;
    for (int i = l; i < UNITS * BATCH_TILE; i += GROUP_SIZE) {
        const int bt = i / UNITS;
        const int u = i - bt * UNITS;
        const int b = b0 + bt;
        const int unit = tile * UNITS + u;
        if (b >= B || unit >= H) continue;
        const float reset = gpu_sigmoid(Gs[(size_t)b * N + unit * GATES] + gpu_reduce(partial, bt, u * GATES));
        rh[(size_t)b * H + unit] = reset * hPrev[(size_t)b * H + unit];
    }
}
#endif

#endif
