// Shared definitions of the GPU kernel family (gpu_*.cl). The host concatenates the gpu_*
// files, this one first, into one program separate from the CPU family's (common.cl ...).
// OpenCL C 1.2 only: no subgroups, no cl_khr_fp16 (vload_half is core), no C11 atomics.
//
// Data layout (Sources/LSTMOpenCL/GPUWeightPacking.swift produces it):
// - Gate rows are interleaved by unit: row n = GATES * unit + gate (gates i, f, g, o for an
//   LSTM), so the GATES pre-activations of one unit are adjacent and one work-group tile of
//   UNITS units owns whole cells. N = GATES * Hp rows, Hp = hidden size rounded up to 8;
//   padded units have zero weights and stay zero.
// - Weight matrices are stored k-major, [K][N]: for a fixed k the rows of a tile are
//   contiguous, so the work-items of a tile (consecutive rows) read consecutive addresses.
// - G, the input projection, is [steps][B][N] in the same row order.
// - Hidden states live in a history buffer, one slot per step ([B][K], slots padded to 32
//   floats so no two slots share a 128-byte line): step s reads slot s and writes slot s + 1,
//   a fresh address, which the persistent kernel needs (L1 caches are not coherent).
//
// Determinism: every gate pre-activation is G + sum over s = 0..KSPLIT-1 (in order) of the
// partial sum of the k = s (mod KSPLIT) terms (in ascending k). Nothing in that order depends
// on the batch, the batch tile, the unit tile or the K panel, and the per-step and persistent
// kernels share it, so a batch slice, a window of steps or a fallback gives bitwise the same
// numbers. KSPLIT is therefore not a tunable: the host derives it from the model's recurrent
// size alone (GPUKernelSet.kSplit(recurrentSize:)), 16 from K = 512 on, fewer below so that
// every slice keeps at least 32 terms.
//
// Tunables (-D from the host): UNITS (units per work-group tile: 1, 2, 4 or 8), BATCH_TILE
// (sequences per work-group: 1..8), SPIN_LIMIT (polls before a grid barrier gives up),
// WEIGHT_HALF, HAS_PEEPHOLES, HAS_PROJECTION, GATES (4 for an LSTM, 3 for a GRU: gpu_gru.cl),
// LINEAR_BEFORE_RESET (GRU). The LSTM kernels (gpu_step, gpu_projection, gpu_persistent)
// are built when GATES is 4, the GRU ones (gpu_gru.cl) when it is 3.

#ifndef GATES
#define GATES 4
#endif
#ifndef WEIGHT_HALF
#define WEIGHT_HALF 0
#endif
#ifndef HAS_PEEPHOLES
#define HAS_PEEPHOLES 0
#endif
#ifndef HAS_PROJECTION
#define HAS_PROJECTION 0
#endif
#ifndef UNITS
#define UNITS 4
#endif
#ifndef BATCH_TILE
#define BATCH_TILE 4
#endif
#ifndef SPIN_LIMIT
#define SPIN_LIMIT (1 << 16)
#endif

// Work-items of a recurrence work-group: ROWS gate rows x KSPLIT slices of K (1 ... 16, a
// power of two).
#ifndef KSPLIT
#define KSPLIT 16
#endif
#define ROWS (UNITS * GATES)
#define GROUP_SIZE (ROWS * KSPLIT)
// h_{t-1} is staged in local memory in panels of KPANEL values per sequence (a multiple of
// KSPLIT, so a work-item's k stay congruent to its slice across panels).
#define KPANEL 256
// Ints between two flags of the persistent kernel: one 128-byte line each.
#define FLAG_STRIDE 32

#if WEIGHT_HALF
typedef half weight_t;
#define LOAD_W(index, pointer) vload_half((index), (pointer))
#else
typedef float weight_t;
#define LOAD_W(index, pointer) ((pointer)[index])
#endif

inline float gpu_sigmoid(const float x) {
    return 1.0f / (1.0f + exp(-x));
}

#if GATES == 4
// The cell update of one unit: gx holds the input part (W_ih x + biases, from G), gh the
// recurrent part (W_hh h) of each gate, kept apart so a GRU's reset gate can scale its
// recurrent part alone. Pure arithmetic; the only place that knows what a cell computes.
inline void gpu_cell_update(
    const float *gx, const float *gh, const float cPrev,
    __global const float *peephole, const int unit, const int Hp,
    float *cNew, float *hNew)
{
    float zi = gx[0] + gh[0], zf = gx[1] + gh[1], zg = gx[2] + gh[2], zo = gx[3] + gh[3];
#if HAS_PEEPHOLES
    zi = fma(peephole[unit], cPrev, zi);
    zf = fma(peephole[Hp + unit], cPrev, zf);
#endif
    const float c = gpu_sigmoid(zf) * cPrev + gpu_sigmoid(zi) * tanh(zg);
#if HAS_PEEPHOLES
    zo = fma(peephole[2 * Hp + unit], c, zo);
#endif
    *cNew = c;
    *hNew = gpu_sigmoid(zo) * tanh(c);
}
#endif

// Stages sequences b0 .. b0 + BATCH_TILE - 1 of h (row stride `stride`), values
// k0 .. k0 + span - 1, into hs[BATCH_TILE][KPANEL]; missing sequences read as 0 (the
// product reads no k past span).
inline void gpu_stage_panel(
    __local float *hs, __global const float *h, const int stride, const int b0, const int B,
    const int k0, const int span)
{
    for (int i = get_local_id(0); i < BATCH_TILE * span; i += GROUP_SIZE) {
        const int bt = i / span;
        const int k = i - bt * span;
        hs[bt * KPANEL + k] = b0 + bt < B ? h[(size_t)(b0 + bt) * stride + k0 + k] : 0.0f;
    }
}

// Sums the KSPLIT partials of row r, sequence bt, in slice order (the determinism rule).
inline float gpu_reduce(__local const float *partial, const int bt, const int r) {
    float sum = 0.0f;
    for (int s = 0; s < KSPLIT; s++) sum += partial[(bt * KSPLIT + s) * ROWS + r];
    return sum;
}
