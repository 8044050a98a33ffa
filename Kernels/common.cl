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

// exp(x) for x in [-80, 80] (callers clamp): 2^n * e^r with n = round(x / ln 2) and
// |r| <= ln(2)/2 after a two-constant (Cody-Waite) reduction, e^r by a degree-6 Taylor
// polynomial (relative error < 2e-7). PoCL's exp and tanh are accurate to an ulp or two but
// cost several times more; the pointwise update was a quarter of a step at H = 256.
inline float8 exp8(const float8 x) {
    const float8 n = rint(x * 1.44269504088896341f);
    float8 r = fma(n, (float8)(-0.693145751953125f), x);
    r = fma(n, (float8)(-1.428606765330187045e-06f), r);
    float8 p = (float8)(1.0f / 720.0f);
    p = fma(p, r, (float8)(1.0f / 120.0f));
    p = fma(p, r, (float8)(1.0f / 24.0f));
    p = fma(p, r, (float8)(1.0f / 6.0f));
    p = fma(p, r, (float8)(0.5f));
    p = fma(p, r, (float8)(1.0f));
    p = fma(p, r, (float8)(1.0f));
    return p * as_float8((convert_int8(n) + 127) << 23);
}

// x limited to [-80, 80] with NaN kept (clamp, fmin and fmax would turn NaN into a bound,
// and a NaN input must give a NaN output).
inline float8 limit8(const float8 x) {
    const float8 low = select(x, (float8)(-80.0f), isless(x, (float8)(-80.0f)));
    return select(low, (float8)(80.0f), isgreater(low, (float8)(80.0f)));
}

// 1 + exp(-x), the denominator of sigmoid(x); x limited so it stays finite and a product
// of two stays below FLT_MAX.
inline float8 sigmoid_denominator8(const float8 x) {
    return 1.0f + exp8(limit8(-x));
}

inline float8 sigmoid8(const float8 x) {
    return 1.0f / sigmoid_denominator8(x);
}

// tanh(x) = sign(x) (1 - e) / (1 + e), e = exp(-2|x|) in (0, 1]: no overflow; the absolute
// error near 0 is about one ulp of 1.
inline float8 tanh8(const float8 x) {
    const float8 e = exp8(limit8(-2.0f * fabs(x)));
    return copysign((1.0f - e) / (1.0f + e), x);
}

// sigmoid(a) * tanh(b) with one division instead of two.
inline float8 sigmoid_tanh8(const float8 a, const float8 b) {
    const float8 e = exp8(limit8(-2.0f * fabs(b)));
    return copysign(1.0f - e, b) / (sigmoid_denominator8(a) * (1.0f + e));
}
