// Second half of a timestep for models with projection (PyTorch's proj_size):
//   h_t[b, p] = sum_k W_hr[p, k] * hRaw[b, k]
// written to hNext and to the layer output; inactive sequences (step >= length) keep
// hPrev and get a zero output row at time `step`, as in lstm_step.cl.
//
// Buffers: hRaw [B][Hp]; whr packed [Pp/8][H][8] (Pp = P rounded up to 8);
// hPrev/hNext [B][P]; out [T*B][outStride] from column outOffset.
// Work-item (batchTile, pb): PROJ_ROWS sequences x 8 projected units.
//
// Tunables: PROJ_ROWS (default 4).

#ifndef PROJ_ROWS
#define PROJ_ROWS 4
#endif

// Rows firstRow.. (up to PROJ_ROWS) of projected block pb. Shared by lstm_projection and
// the persistent lstm_recurrence (a real function, compiled once, as step_block).
void projection_block(
    const int firstRow, const int pb,
    __global const float *hRaw, __global const weight_t *whr,
    __global const float *hPrev, __global float *hNext, __global float *out,
    __global const int *lengths,
    int B, int H, int Hp, int P, int step, int reverse, int outStride, int outOffset)
{
    float8 acc[PROJ_ROWS];
    __global const float *rRow[PROJ_ROWS];
    #pragma unroll
    for (int i = 0; i < PROJ_ROWS; i++) {
        acc[i] = (float8)(0.0f);
        rRow[i] = hRaw + (size_t)min(firstRow + i, B - 1) * Hp;
    }
    __global const weight_t *panel = whr + (size_t)pb * H * 8;
    for (int k = 0; k < H; k++) {
        const float8 w = LOAD_W8(k, panel);
        #pragma unroll
        for (int i = 0; i < PROJ_ROWS; i++) acc[i] = fma((float8)(rRow[i][k]), w, acc[i]);
    }

    const int first = 8 * pb;
    const int count = min(8, P - first);
    #pragma unroll
    for (int i = 0; i < PROJ_ROWS; i++) {
        const int b = firstRow + i;
        if (b >= B) break;
        const int length = lengths[b];
        __global float *hOut = hNext + (size_t)b * P + first;
        if (step >= length) {
            __global float *zeroRow = out + (size_t)(step * B + b) * outStride + outOffset + first;
            for (int j = 0; j < count; j++) {
                hOut[j] = hPrev[(size_t)b * P + first + j];
                zeroRow[j] = 0.0f;
            }
            continue;
        }
        const int t = reverse ? length - 1 - step : step;
        __global float *outRow = out + (size_t)(t * B + b) * outStride + outOffset + first;
        float lanes[8];
        vstore8(acc[i], 0, lanes);
        for (int j = 0; j < count; j++) {
            hOut[j] = lanes[j];
            outRow[j] = lanes[j];
        }
    }
}

__kernel void lstm_projection(
    __global const float *hRaw, __global const weight_t *whr,
    __global const float *hPrev, __global float *hNext, __global float *out,
    __global const int *lengths,
    int B, int H, int Hp, int P, int stepIndex, int reverse, int outStride, int outOffset)
{
    const int pb = get_global_id(1);
    const int firstRow = get_global_id(0) * PROJ_ROWS;
    if (8 * pb >= P || firstRow >= B) return;
    projection_block(firstRow, pb, hRaw, whr, hPrev, hNext, out, lengths,
                     B, H, Hp, P, stepIndex, reverse, outStride, outOffset);
}
