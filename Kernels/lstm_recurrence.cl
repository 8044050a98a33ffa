// All timesteps of a step window of one layer, both directions of a bidirectional layer at once,
// in a single launch: the persistent alternative to one lstm_step (+ lstm_projection) launch
// per step. On CPU devices a launch costs cross-core wake-ups (futex; ~10 us on a 2-vCPU VM),
// about a whole batch-1 step's work at H = 512; here the workers meet at a spin barrier.
// Per step this took (512, 512, 1, 100) from 7.8 to 4.0 ms.
//
// Launch: `workers` work-groups of one work-item each (global = workers, local = 1), once
// per step window (firstStep, stepCount): G holds the window's input projections.
// Per step and phase the work is a list of tiles, split into one contiguous range per
// worker. A worker claims runs of tiles from its own range from a counter (guided: a quarter of what
// is left per worker, at least `claim` tiles), then steals from the other ranges, adds the
// number of tiles it finished to a done counter and spins until that reaches the tile count.
// A worker only ever waits for tiles that another *running* worker has claimed, so the
// kernel cannot deadlock however many of its groups run at once (one alone does all the
// work): correct without the co-residency guarantee OpenCL does not give. On a CPU shared
// with other busy processes a worker can be preempted while it holds tiles; its partner
// then stops spinning after SPIN_LIMIT polls and leaves the launch to it (spinning on
// would keep the core from the preempted worker: 2-4x slower steps in that case). Ownership keeps a
// worker on the same weights step after step, so its share of W_hh stays in its own L2
// cache when it fits, and odd steps walk the ranges backwards so that even a share larger
// than L2 starts each step with the part it touched last (-10 % per step at batch 1).
//
// Fast-path assumptions (the host picks this kernel for CPU devices only): global atomics
// order the plain loads and stores around them and make one group's writes visible to
// another (PoCL on x86; GPU L1 caches need not be coherent); the sync buffer is zeroed
// before the layer's first window. PoCL's mem_fence is empty, so every synchronisation
// point is an atomic read-modify-write.
//
// Phases per step: 0 = gates and cell update (step_block of lstm_step.cl), tiles ordered
// (direction, block, row group) so consecutive tiles share a weight panel, or at batch 1
// (direction, group of WIDE_BLOCKS blocks) for enough independent fma chains; 1 =
// projection (HAS_PROJECTION only), which needs every unit of phase 0.
// Per-direction buffers (the second set is ignored when directions == 1): G, whh, peephole,
// the hidden pair hA/hB (hA is read at even steps), c, hRaw and whr. Direction 1 runs in
// reverse time and writes output columns from K (the output size) on.
// sync: ints [all steps of the layer][2 phases][workers + 1 counters][SYNC_STRIDE]; one
// cache line per counter so the workers' claim counters do not share a line.

#define SYNC_STRIDE 16

// A poll hits L1 and takes about 2 cycles (timed with the cycle counter on the Xeon), so
// 2^20 polls is about a millisecond. 2^18 (a quarter of that) was shorter than the pauses
// a shared VM gives a vCPU: at (512, 512, 64, 100) a worker gave up in 15-25 % of the
// windows, and the rest of each such window ran on one worker; 2^21 gave up 2-4x less often.
#ifndef SPIN_LIMIT
#define SPIN_LIMIT (1 << 20)
#endif

// Spin until *counter >= target, then an atomic read-modify-write so no later load can be
// executed (or compiled) before the barrier. Gives up after SPIN_LIMIT polls (about a
// millisecond, see above) and returns 0: the tiles it waits for belong to a worker the OS has taken
// off its core, and spinning on would keep that core from it.
inline int wait_for(volatile __global int *counter, const int target) {
    for (int poll = 0; poll < SPIN_LIMIT; poll++) {
        if (*counter >= target) {
            atomic_or(counter, 0);
            return 1;
        }
    }
    return 0;
}

__kernel void lstm_recurrence(
    __global const float *G0, __global const float *G1,
    __global const weight_t *whh0, __global const weight_t *whh1,
    __global const float *peephole0, __global const float *peephole1,
    __global float *hA0, __global float *hB0, __global float *hA1, __global float *hB1,
    __global float *c0, __global float *c1,
    __global float *hRaw0, __global float *hRaw1,
    __global const weight_t *whr0, __global const weight_t *whr1,
    __global float *out, __global const int *lengths, __global int *sync,
    int B, int K, int H, int blocks, int firstStep, int stepCount, int directions, int outStride, int claim)
{
    const int worker = get_group_id(0);
    const int workers = get_num_groups(0);
    const int counterCount = workers + 1;
    const int rowGroups = (B + STEP_GROUP_ROWS - 1) / STEP_GROUP_ROWS;
    // Batch 1: tiles of WIDE_BLOCKS blocks (wide_step_tile); otherwise (row group, block).
    const int wide = B == 1;
    const int gateTiles = wide ? (blocks + WIDE_BLOCKS - 1) / WIDE_BLOCKS : rowGroups * blocks;
#if HAS_PROJECTION
    const int Hp = blocks * VEC;
    const int projectionRowTiles = (B + PROJ_ROWS - 1) / PROJ_ROWS;
    const int projectionTiles = projectionRowTiles * ((K + VEC - 1) / VEC);
    const int phases = 2;
#else
    const int phases = 1;
#endif

    const size_t gatesPerStep = (size_t)blocks * B * BLOCK_COLUMNS;
    for (int step = firstStep; step < firstStep + stepCount; step++) {
        const int odd = step & 1;
        const size_t gateOffset = (step - firstStep) * gatesPerStep;
        for (int phase = 0; phase < phases; phase++) {
            volatile __global int *counters = sync + (size_t)(step * 2 + phase) * counterCount * SYNC_STRIDE;
#if HAS_PROJECTION
            const int perDirection = phase == 0 ? gateTiles : projectionTiles;
#else
            const int perDirection = gateTiles;
#endif
            const int total = directions * perDirection;
            int finished = 0;
            for (int v = 0; v < workers; v++) {
                const int owner = (worker + v) % workers;
                const int lo = (int)((long)total * owner / workers);
                const int hi = (int)((long)total * (owner + 1) / workers);
                volatile __global int *counter = counters + owner * SYNC_STRIDE;
                int seen = *counter;
                for (;;) {
                    // Guided self-scheduling: claims shrink with what is left of the range,
                    // so the step ends with small claims and little waiting at the barrier.
                    if (lo + seen >= hi) break;
                    const int size = max(claim, (hi - lo - seen) / (4 * workers));
                    const int before = atomic_cmpxchg(counter, seen, seen + size);
                    if (before != seen) {
                        seen = before;
                        continue;
                    }
                    const int start = lo + seen;
                    const int stop = min(start + size, hi);
                    seen += size;
                    for (int claimed = start; claimed < stop; claimed++) {
                        // Odd steps walk each range backwards: the weights a worker used
                        // last are still in its L2 cache when it starts the next step.
                        const int tile = odd ? lo + hi - 1 - claimed : claimed;
                        const int d = tile >= perDirection;
                        const int rest = tile - d * perDirection;
                        __global float *hA = d ? hA1 : hA0;
                        __global float *hB = d ? hB1 : hB0;
                        __global float *hPrev = odd ? hB : hA;
                        __global float *hNext = odd ? hA : hB;
                        __global float *hRaw = d ? hRaw1 : hRaw0;
                        __global const float *G = (d ? G1 : G0) + gateOffset;
                        __global const weight_t *whh = d ? whh1 : whh0;
                        __global const float *peephole = d ? peephole1 : peephole0;
                        __global float *c = d ? c1 : c0;
                        if (phase == 0 && wide && WIDE_BLOCKS * (rest + 1) <= blocks) {
                            wide_step_tile(0, WIDE_BLOCKS * rest, G, whh, peephole, hPrev, hNext, c, out, hRaw,
                                           lengths, B, K, H, blocks, step, d, outStride, d * K);
                        } else if (phase == 0 && wide) {
                            for (int u = WIDE_BLOCKS * rest; u < blocks; u++) {
                                step_block(0, u, G, whh, peephole, hPrev, hNext, c, out, hRaw, lengths,
                                           B, K, H, blocks, step, d, outStride, d * K);
                            }
                        } else if (phase == 0) {
                            const int u = rest / rowGroups;
                            step_block((rest - u * rowGroups) * STEP_GROUP_ROWS, u, G, whh, peephole, hPrev, hNext, c, out,
                                       hRaw, lengths, B, K, H, blocks, step, d, outStride, d * K);
                        }
#if HAS_PROJECTION
                        else {
                            const int pb = rest / projectionRowTiles;
                            projection_block((rest - pb * projectionRowTiles) * PROJ_ROWS, pb, hRaw, d ? whr1 : whr0,
                                             hPrev, hNext, out, lengths, B, H, Hp, K, step, d, outStride, d * K);
                        }
#endif
                    }
                    finished += stop - start;
                }
            }
            volatile __global int *done = counters + workers * SYNC_STRIDE;
            atomic_add(done, finished);
            // A worker that gives up leaves the launch; it has finished every tile it
            // claimed, and the others claim all of its range from the next step on.
            if (!wait_for(done, total)) return;
        }
    }
}
