// Second half of a timestep for models with projection (PyTorch's proj_size):
//   h_t[b, p] = sum_k W_hr[p, k] * hRaw[b, k]
// written to hNext and to the layer output; inactive sequences (step >= length) keep
// hPrev and get a zero output row at time `step`, as in lstm_step.cl.
//
// Buffers: hRaw [B][Hp]; whr packed [Pp/VEC][H][VEC] (Pp = P rounded up to VEC);
// hPrev/hNext [B][P]; out [T*B][outStride] from column outOffset.
// Work-item (batchTile, pb): PROJ_ROWS sequences x VEC projected units.
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
    floatv acc[PROJ_ROWS];
    __global const float *rRow[PROJ_ROWS];
    #pragma unroll
    for (int i = 0; i < PROJ_ROWS; i++) {
        acc[i] = (floatv)(0.0f);
        rRow[i] = hRaw + (size_t)min(firstRow + i, B - 1) * Hp;
    }
    __global const weight_t *panel = whr + (size_t)pb * H * VEC;
    for (int k = 0; k < H; k++) {
        const floatv w = LOAD_W(k, panel);
        #pragma unroll
        for (int i = 0; i < PROJ_ROWS; i++) acc[i] = fma((floatv)(rRow[i][k]), w, acc[i]);
    }

    const int first = VEC * pb;
    const int count = min(VEC, P - first);
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
        float lanes[VEC];
        VSTORE(acc[i], 0, lanes);
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
    if (VEC * pb >= P || firstRow >= B) return;
    projection_block(firstRow, pb, hRaw, whr, hPrev, hNext, out, lengths,
                     B, H, Hp, P, stepIndex, reverse, outStride, outOffset);
}
