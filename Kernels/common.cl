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

// ONNX gate functions (GateFunctions on the host): the activation kinds GATE_F/G/H with
// their alphas and betas, GATE_CLIP (0: none) and COUPLED_INPUT_FORGET. The defaults are the
// standard cell (σ, tanh, tanh), for which gate_activation folds to sigmoid8 and tanh.
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

inline float8 gate_activation(float8 x, const int kind, const float alpha, const float beta) {
    if (GATE_CLIP > 0.0f) x = clamp(x, -GATE_CLIP, GATE_CLIP);
    switch (kind) {
    case 0: return sigmoid8(x);
    case 1: return tanh(x);
    case 2: return fmax(x, 0.0f);                                  // Relu
    case 3: return x / (1.0f + fabs(x));                           // Softsign
    case 4: return log1p(exp(x));                                  // Softplus
    case 5: return alpha * x + beta;                               // Affine
    case 6: return select(alpha * x, x, x >= 0.0f);                // LeakyRelu
    case 7: return select((float8)(0.0f), x, x > alpha);           // ThresholdedRelu
    case 8: return alpha * tanh(beta * x);                         // ScaledTanh
    case 9: return clamp(alpha * x + beta, 0.0f, 1.0f);            // HardSigmoid
    default: return select(alpha * (exp(x) - 1.0f), x, x >= 0.0f); // Elu
    }
}
#define ACT_F(x) gate_activation((x), GATE_F, GATE_F_ALPHA, GATE_F_BETA)
#define ACT_G(x) gate_activation((x), GATE_G, GATE_G_ALPHA, GATE_G_BETA)
#define ACT_H(x) gate_activation((x), GATE_H, GATE_H_ALPHA, GATE_H_BETA)
