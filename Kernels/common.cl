// Shared definitions for the LSTM kernels. The host concatenates this file first.
//
// Data layout (see Sources/LSTMOpenCL/WeightPacking.swift, which produces it):
// - Units are grouped in blocks of VEC (8 or 16: one vector register of the device; 16 on
//   AVX-512). Hp = hidden size rounded up to a multiple of VEC, and a block u covers units
//   VEC*u ... VEC*u + VEC-1. Padded units carry zero weights and stay zero.
// - Gate columns are interleaved by block: packed column n = GATES*VEC*u + VEC*g + j holds
//   gate g (LSTM: 0 i, 1 f, 2 g, 3 o) of unit VEC*u + j, so one vector holds one gate of
//   VEC units and the pointwise update needs no shuffles.
// - A weight matrix [GATES*H, K] is packed as panels [Hp/VEC][K][GATES*VEC]: the columns of
//   one block are contiguous for each k, so a work-item streams its panel linearly.
//
// Tunables (override with -D from the host):
//   VEC          units per block, the vector width: 4, 8 or 16. Default 8.
//   GATES        gate vectors per unit block (4 for an LSTM, 3 for a GRU). Default 4.
//   WEIGHT_HALF  1 to store weights as half (vload_half), arithmetic stays float. Default 0.
//   PREFETCH_SLICES  1 for the sliced recurrent product to prefetch each next panel slice
//                (lstm_step.cl; a clang builtin, set by the host for CPU devices only). Default 0.
//   CACHE_LINE   bytes per prefetch: the device's global memory cache line. Default 64.

// Ints per synchronisation counter of the persistent kernels (lstm_recurrence.cl and
// input_projection_persistent): one cache line each, so workers' counters never share a line.
#define SYNC_STRIDE 16

#ifndef VEC
#define VEC 8
#endif
#ifndef PREFETCH_SLICES
#define PREFETCH_SLICES 0
#endif
#ifndef CACHE_LINE
#define CACHE_LINE 64
#endif
#ifndef GATES
#define GATES 4
#endif
// Columns of one block's panel row: one vector per gate.
#define BLOCK_COLUMNS (GATES * VEC)
// Gate vectors per register tile of the CPU GEMM and recurrent tiles: the tile's rows take
// TILE_GATES of a block's gates through the k loop at a time. All GATES unless the host asks
// for fewer, where the vector registers cannot hold rows * GATES accumulators besides the
// weights (16 registers on AVX2). Each output is the same fma chain either way.
#ifndef TILE_GATES
#define TILE_GATES GATES
#endif
#if TILE_GATES > GATES || TILE_GATES < 1
#error "TILE_GATES must be in 1 ... GATES"
#endif

#if VEC == 16
typedef float16 floatv;
#define VLOAD vload16
#define VSTORE vstore16
#define VLOAD_HALF vload_half16
#elif VEC == 8
typedef float8 floatv;
#define VLOAD vload8
#define VSTORE vstore8
#define VLOAD_HALF vload_half8
#elif VEC == 4
typedef float4 floatv;
#define VLOAD vload4
#define VSTORE vstore4
#define VLOAD_HALF vload_half4
#else
#error "VEC must be 4, 8 or 16"
#endif

#ifndef WEIGHT_HALF
#define WEIGHT_HALF 0
#endif

#if WEIGHT_HALF
typedef half weight_t;
#if defined(__F16C__)
// Where the compiler targets a CPU with F16C (PoCL builds for the host CPU), a whole vector
// of halves converts in one instruction: PoCL's vload_half16 became two 256-bit vcvtph2ps
// and a vinsertf64x4 per vector (three uops on the FMA ports for one FMA's worth of weights;
// the batch-1 recurrence at H = 256 took 4.9 ms with it and 4.0 ms with this). Both convert
// exactly, so the results are the same.
typedef __fp16 halfv __attribute__((ext_vector_type(VEC)));
#define LOAD_W(offset, pointer) __builtin_convertvector(((__global const halfv *)(pointer))[offset], floatv)
#else
#define LOAD_W(offset, pointer) VLOAD_HALF((offset), (pointer))
#endif
#else
typedef float weight_t;
// A vector dereference, not vload: every weight pointer is a buffer base (OpenCL aligns those
// to CL_DEVICE_MEM_BASE_ADDR_ALIGN: at least 128 bytes, 64 in the embedded profile) plus a
// multiple of VEC floats, so the vector is naturally aligned. With
// vloadN PoCL's LLVM split three of the four weight loads of the recurrent tile into two
// 256-bit halves and an insert (the insert takes a 512-bit FMA port): 13 % of the
// recurrence's time at (512, 512, 64) on an AVX-512 Xeon.
#define LOAD_W(offset, pointer) (((__global const floatv *)(pointer))[offset])
#endif

// PoCL's exp and tanh (vectorised, an ulp or two, NaN in gives NaN out). A hand-written
// polynomial exp with fused divisions measured no faster at H = 256 or 512: the whole
// pointwise update is about 5 % of a step.
inline floatv sigmoidv(const floatv x) {
    return 1.0f / (1.0f + exp(-x));
}

// ONNX gate functions (GateFunctions on the host): the activation kinds GATE_F/G/H with
// their alphas and betas, GATE_CLIP (0: none) and COUPLED_INPUT_FORGET. The defaults are the
// standard cell (σ, tanh, tanh), for which gate_activation folds to sigmoidv and tanh.
#ifndef GATE_F
#define GATE_F 0
#define GATE_F_ALPHA 0.0f
#define GATE_F_BETA 0.0f
#define GATE_G 1
#define GATE_G_ALPHA 0.0f
#define GATE_G_BETA 0.0f
#define GATE_H 1
#define GATE_H_ALPHA 0.0f
#define GATE_H_BETA 0.0f
#define GATE_CLIP 0.0f
#define COUPLED_INPUT_FORGET 0
#endif

inline floatv gate_activation(floatv x, const int kind, const float alpha, const float beta) {
    if (GATE_CLIP > 0.0f) x = clamp(x, -GATE_CLIP, GATE_CLIP);
    switch (kind) {
    case 0: return sigmoidv(x);
    case 1: return tanh(x);
    case 2: return fmax(x, 0.0f);                                  // Relu
    case 3: return x / (1.0f + fabs(x));                           // Softsign
    case 4: return log1p(exp(x));                                  // Softplus
    case 5: return alpha * x + beta;                               // Affine
    case 6: return select(alpha * x, x, x >= 0.0f);                // LeakyRelu
    case 7: return select((floatv)(0.0f), x, x > alpha);           // ThresholdedRelu
    case 8: return alpha * tanh(beta * x);                         // ScaledTanh
    case 9: return clamp(alpha * x + beta, 0.0f, 1.0f);            // HardSigmoid
    default: return select(alpha * (exp(x) - 1.0f), x, x >= 0.0f); // Elu
    }
}
#define ACT_F(x) gate_activation((x), GATE_F, GATE_F_ALPHA, GATE_F_BETA)
#define ACT_G(x) gate_activation((x), GATE_G, GATE_G_ALPHA, GATE_G_BETA)
#define ACT_H(x) gate_activation((x), GATE_H, GATE_H_ALPHA, GATE_H_BETA)
