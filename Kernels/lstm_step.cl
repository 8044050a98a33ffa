// One recurrent timestep of one layer and direction for the whole batch, fused:
//   z = G[t, b] + W_hh * h_{t-1}[b]       (G holds W_ih * x_t + biases, packed order)
//   i, f, g, o = sigma(z_i + p_i*c), sigma(z_f + p_f*c), tanh(z_g), then c' = f*c + i*g,
//   o = sigma(z_o + p_o*c'), r = o * tanh(c')
// Without projection r is the new hidden state, written to hNext and to the layer output.
// With projection r goes to hRaw and lstm_projection (next launch) finishes the step.
//
// Per-sequence lengths follow packed-sequence semantics: at step s a sequence of length L
// is active when s < L; its time index is s (forward) or L-1-s (reverse). An inactive
// sequence keeps its state and gets a zero output row at time s, so every output row is
// written exactly once per direction.
//
// Buffers: G [T*B][4Hp]; whh packed [Hp/8][K][32] (K = recurrent size: H, or P with
// projection); peephole [3][Hp] (rows i, f, o); hPrev/hNext [B][K]; c [B][Hp];
// out [T*B][outStride], this direction's columns start at outOffset; hRaw [B][Hp].
// Work-item (batchTile, u): STEP_ROWS sequences x one block of 8 units, 4 gates.
//
// Tunables: STEP_ROWS (default 2), HAS_PEEPHOLES, HAS_PROJECTION (0 or 1).

#ifndef STEP_ROWS
#define STEP_ROWS 2
#endif
#ifndef HAS_PEEPHOLES
#define HAS_PEEPHOLES 0
#endif
#ifndef HAS_PROJECTION
#define HAS_PROJECTION 0
#endif

__kernel void lstm_step(
    __global const float *G, __global const weight_t *whh, __global const float *peephole,
    __global const float *hPrev, __global float *hNext, __global float *c,
    __global float *out, __global float *hRaw, __global const int *lengths,
    int B, int K, int H, int blocks, int step, int reverse, int outStride, int outOffset)
{
    const int u = get_global_id(1);
    const int firstRow = get_global_id(0) * STEP_ROWS;
    if (u >= blocks || firstRow >= B) return;
    const int N = blocks * 32;
    const int Hp = blocks * 8;

    float8 acc[STEP_ROWS][4];
    __global const float *hRow[STEP_ROWS];
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        acc[i][0] = acc[i][1] = acc[i][2] = acc[i][3] = (float8)(0.0f);
        hRow[i] = hPrev + (size_t)min(firstRow + i, B - 1) * K;
    }
    __global const weight_t *panel = whh + (size_t)u * K * 32;
    for (int k = 0; k < K; k++) {
        const float8 w0 = LOAD_W8(4 * k + 0, panel), w1 = LOAD_W8(4 * k + 1, panel);
        const float8 w2 = LOAD_W8(4 * k + 2, panel), w3 = LOAD_W8(4 * k + 3, panel);
        #pragma unroll
        for (int i = 0; i < STEP_ROWS; i++) {
            const float8 hv = (float8)(hRow[i][k]);
            acc[i][0] = fma(hv, w0, acc[i][0]);
            acc[i][1] = fma(hv, w1, acc[i][1]);
            acc[i][2] = fma(hv, w2, acc[i][2]);
            acc[i][3] = fma(hv, w3, acc[i][3]);
        }
    }

    const int firstUnit = 8 * u;
    const int unitsHere = min(8, H - firstUnit);
    #pragma unroll
    for (int i = 0; i < STEP_ROWS; i++) {
        const int b = firstRow + i;
        if (b >= B) break;
        const int length = lengths[b];
        if (step >= length) {
#if !HAS_PROJECTION
            __global float *zeroRow = out + (size_t)(step * B + b) * outStride + outOffset + firstUnit;
            for (int j = 0; j < unitsHere; j++) {
                hNext[(size_t)b * K + firstUnit + j] = hRow[i][firstUnit + j];
                zeroRow[j] = 0.0f;
            }
#endif
            continue;
        }
        const int t = reverse ? length - 1 - step : step;
        __global const float *g = G + (size_t)(t * B + b) * N + 32 * u;
        float8 zi = acc[i][0] + vload8(0, g);
        float8 zf = acc[i][1] + vload8(1, g);
        const float8 zg = acc[i][2] + vload8(2, g);
        float8 zo = acc[i][3] + vload8(3, g);
        __global float *cRow = c + (size_t)b * Hp + firstUnit;
        const float8 cPrev = vload8(0, cRow);
#if HAS_PEEPHOLES
        zi = fma(vload8(u, peephole), cPrev, zi);
        zf = fma(vload8(u, peephole + Hp), cPrev, zf);
#endif
        const float8 cNew = sigmoid8(zf) * cPrev + sigmoid8(zi) * tanh(zg);
#if HAS_PEEPHOLES
        zo = fma(vload8(u, peephole + 2 * Hp), cNew, zo);
#endif
        const float8 hNew = sigmoid8(zo) * tanh(cNew);
        vstore8(cNew, 0, cRow);
#if HAS_PROJECTION
        vstore8(hNew, 0, hRaw + (size_t)b * Hp + firstUnit);
#else
        __global float *outRow = out + (size_t)(t * B + b) * outStride + outOffset + firstUnit;
        __global float *hOut = hNext + (size_t)b * K + firstUnit;
        if (unitsHere == 8) {
            vstore8(hNew, 0, hOut);
            vstore8(hNew, 0, outRow);
        } else {
            float lanes[8];
            vstore8(hNew, 0, lanes);
            for (int j = 0; j < unitsHere; j++) {
                hOut[j] = lanes[j];
                outRow[j] = lanes[j];
            }
        }
#endif
    }
}
