// All steps of a window of one layer and direction in one launch, for small batches (after
// Persistent RNNs, Diamos et al. 2016, and GRNN, Holmes et al. 2019): `groups` work-groups,
// at most one per compute unit, each owning tilesPerGroup consecutive gate tiles. A group
// copies its slice of W_hh into local memory once and keeps it there for every step, so
// each step streams only h_{t-1} (and G) instead of all of W_hh.
//
// Steps hand off through per-group flags: after a phase (gates, or the projection) a group
// makes its stores visible (barrier, mem_fence) and then publishes the number of phases it
// finished with atomic_xchg on its own flag, one 128-byte line per group; before the next
// phase every group polls all flags with atomic loads until each has reached the phase.
// h_t goes to a fresh address every step (the history slots of gpu_common.cl), as does r_t
// with projection, so no group can read a stale line from a non-coherent L1 cache; c lives
// in two buffers by step parity, so a group one phase ahead never overwrites a state that
// another still needs.
//
// OpenCL gives no co-residency guarantee, so a wait gives up after SPIN_LIMIT polls: the
// group raises status[0] and leaves, every other group leaves at its next wait, and the
// launches that follow in the same pass return at once. The host reads status after the
// pass and, when it is set, runs the pass again with the per-step kernels, which share the
// arithmetic (and the accumulation order) of this one: the results are bitwise those of a
// pass that never tried.
//
// Weights in local memory: wl[tilesPerGroup][K][ROWS] as float (f16 weights are widened
// exactly, so the products match the per-step kernels). The projection (if any) reads W_hr
// from global memory: a group's share of W_hh already fills most of the local memory.

#if GATES == 4
// Waits until every group's flag has reached `target`. Returns 0 (and raises status) when a
// poll limit ran out or another group gave up; every work-item returns the same answer.
// giveUp: give up without polling (the forced timeout of the tests, GPU_FORCED_GIVE_UP).
inline int gpu_grid_wait(
    __global int *flags, const int groups, const int target, __global int *status, __local int *verdict, const int giveUp)
{
    const int l = get_local_id(0);
    if (l == 0) *verdict = giveUp;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int i = l; i < groups; i += GROUP_SIZE) {
        int polls = 0;
        while (atomic_add(&flags[i * FLAG_STRIDE], 0) < target) {
            if (++polls >= SPIN_LIMIT || atomic_add(status, 0) != 0) {
                atomic_or(verdict, 1);
                break;
            }
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    const int failed = *verdict;
    if (failed && l == 0) atomic_xchg(status, 1);
    // Loads after the wait must not see anything older than the flags they waited for.
    mem_fence(CLK_GLOBAL_MEM_FENCE);
    barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
    return !failed;
}

// A test hook (GPUKernelTuning.forcedGiveUp): group 0 of launch GIVE_UP_LAUNCH (counted in
// the pass, from the launch's flag offset) gives up at the wait for phase GIVE_UP_PHASE as if
// its poll limit had run out, so tests can time a barrier out at any point of a pass.
#ifdef GIVE_UP_LAUNCH
#define GPU_FORCED_GIVE_UP(target) \
    (group == 0 && (flagOffset / FLAG_STRIDE - 1) / groups == GIVE_UP_LAUNCH && (target) == GIVE_UP_PHASE)
#else
#define GPU_FORCED_GIVE_UP(target) 0
#endif

// Publishes that this group finished `count` phases, after all of its stores.
inline void gpu_grid_signal(__global int *flag, const int count) {
    barrier(CLK_GLOBAL_MEM_FENCE);
    if (get_local_id(0) == 0) {
        mem_fence(CLK_GLOBAL_MEM_FENCE);
        atomic_xchg(flag, count);
    }
}

// sync: status (int 0, zero before the pass), then from flagOffset this launch's flags
// (groups x FLAG_STRIDE ints, zero before the launch). hRaw: r_t history [steps][rawSlotFloats] (projection).
__kernel __attribute__((reqd_work_group_size(GROUP_SIZE, 1, 1)))
void gpu_persistent(
    __global const float *G, __global const weight_t *whh, __global const float *peephole,
    __global float *hist, __global float *cA, __global float *cB,
    __global float *out, __global float *hRaw, __global const weight_t *whr, __global const int *lengths,
    __global int *sync, __local float *wl,
    const int B, const int K, const int H, const int Hp, const int P, const int firstStep, const int stepCount,
    const int reverse, const int outStride, const int outOffset, const int slotFloats, const int rawSlotFloats,
    const int tilesPerGroup, const int flagOffset)
{
    __global int *status = sync;
    __global int *flags = sync + flagOffset;
    GPU_TILE_LOCALS;
    __local int verdict;
    const int group = get_group_id(0);
    const int groups = get_num_groups(0);
    const int N = GATES * Hp;
    const int tiles = Hp / UNITS;
    const int firstTile = group * tilesPerGroup;
    const int ownTiles = min(tilesPerGroup, tiles - firstTile);

    // A launch after one that gave up does nothing (the host reruns the pass per step).
    if (l == 0) verdict = atomic_add(status, 0);
    barrier(CLK_LOCAL_MEM_FENCE);
    if (verdict != 0) return;

    for (int i = l; i < ownTiles * K * ROWS; i += GROUP_SIZE) {
        const int j = i / (K * ROWS);
        const int rest = i - j * K * ROWS;
        const int k = rest / ROWS;
        wl[i] = LOAD_W((size_t)k * N + (firstTile + j) * ROWS + (rest - k * ROWS), whh);
    }
    barrier(CLK_LOCAL_MEM_FENCE);

#if HAS_PROJECTION
    const int phases = 2;
    const int projectionTiles = (P + ROWS - 1) / ROWS;
#else
    const int phases = 1;
#endif
    __global int *ownFlag = flags + group * FLAG_STRIDE;
    for (int step = firstStep; step < firstStep + stepCount; step++) {
        const int q = (step - firstStep) * phases;
        __global float *hPrev = hist + (size_t)step * slotFloats;
        __global float *hNext = hPrev + slotFloats;
        __global float *cIn = (step & 1) ? cB : cA;
        __global float *cOut = (step & 1) ? cA : cB;
        __global float *raw = hRaw + (size_t)step * rawSlotFloats;
        __global const float *Gs = G + (size_t)(step - firstStep) * B * N;
        if (q > 0 && !gpu_grid_wait(flags, groups, q, status, &verdict, GPU_FORCED_GIVE_UP(q))) return;
        for (int j = 0; j < ownTiles; j++) {
            __local const float *wTile = wl + (size_t)j * K * ROWS + r;
            for (int b0 = 0; b0 < B; b0 += BATCH_TILE) {
#define GPU_LOCAL_WEIGHT(k) wTile[(k) * ROWS]
                GPU_TILE_PRODUCT(GPU_LOCAL_WEIGHT, hPrev, K, K, b0, B);
#undef GPU_LOCAL_WEIGHT
                gpu_gate_epilogue(partial, firstTile + j, b0, Gs, peephole, hPrev, hNext, cIn, cOut, out, raw,
                                  lengths, B, K, H, Hp, step, reverse, outStride, outOffset);
            }
        }
        gpu_grid_signal(ownFlag, q + 1);
#if HAS_PROJECTION
        if (!gpu_grid_wait(flags, groups, q + 1, status, &verdict, GPU_FORCED_GIVE_UP(q + 1))) return;
        for (int tile = group; tile < projectionTiles; tile += groups) {
            const int p = tile * ROWS + r;
            const int pc = min(p, P - 1);
            for (int b0 = 0; b0 < B; b0 += BATCH_TILE) {
#define GPU_PROJECTION_WEIGHT(k) (p < P ? LOAD_W((size_t)(k) * P + pc, whr) : 0.0f)
                GPU_TILE_PRODUCT(GPU_PROJECTION_WEIGHT, raw, Hp, H, b0, B);
#undef GPU_PROJECTION_WEIGHT
                gpu_projection_epilogue(partial, tile, b0, hPrev, hNext, out, lengths, B, P, step, reverse,
                                        outStride, outOffset);
            }
        }
        gpu_grid_signal(ownFlag, q + 2);
#endif
    }
}
#endif
