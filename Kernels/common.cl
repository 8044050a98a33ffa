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

#ifndef VEC
#define VEC 8
#endif
#ifndef GATES
#define GATES 4
#endif
// Columns of one block's panel row: one vector per gate.
#define BLOCK_COLUMNS (GATES * VEC)

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
#define LOAD_W(offset, pointer) VLOAD_HALF((offset), (pointer))
#else
typedef float weight_t;
#define LOAD_W(offset, pointer) VLOAD((offset), (pointer))
#endif

// PoCL's exp and tanh (vectorised, an ulp or two, NaN in gives NaN out). A hand-written
// polynomial exp with fused divisions measured no faster at H = 256 or 512: the whole
// pointwise update is about 5 % of a step.
inline floatv sigmoidv(const floatv x) {
    return 1.0f / (1.0f + exp(-x));
}
