// Shared definitions for the LSTM kernels. The host concatenates this file first.
//
// Data layout (see Sources/LSTMOpenCL/WeightPacking.swift, which produces it):
// - Units are grouped in blocks of 8. Hp = hidden size rounded up to a multiple of 8, and a
//   block u covers units 8u ... 8u+7. Padded units carry zero weights and stay zero.
// - Gate columns are interleaved by block: packed column n = 32u + 8g + j holds gate g
//   (0 i, 1 f, 2 g, 3 o) of unit 8u + j, so one float8 holds one gate of 8 units and the
//   pointwise update needs no shuffles.
// - A weight matrix [4H, K] is packed as panels [Hp/8][K][32]: the 32 columns of one block
//   are contiguous for each k, so a work-item streams its panel linearly.
//
// Tunables (override with -D from the host):
//   WEIGHT_HALF  1 to store weights as half (vload_half), arithmetic stays float. Default 0.

#ifndef WEIGHT_HALF
#define WEIGHT_HALF 0
#endif

#if WEIGHT_HALF
typedef half weight_t;
#define LOAD_W8(offset8, pointer) vload_half8((offset8), (pointer))
#else
typedef float weight_t;
#define LOAD_W8(offset8, pointer) vload8((offset8), (pointer))
#endif

// PoCL's exp and tanh (vectorised, an ulp or two, NaN in gives NaN out). A hand-written
// polynomial exp with fused divisions measured no faster at H = 256 or 512: the whole
// pointwise update is about 5 % of a step.
inline float8 sigmoid8(const float8 x) {
    return 1.0f / (1.0f + exp(-x));
}
