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
// is left per worker, at least `claim` tiles), then steals from the other ranges, and waits
// until every tile of the step is done. Ownership keeps a worker on the same weights step
// after step, so its share of W_hh stays in its own L2 cache when it fits, and odd steps walk
// the ranges backwards so that even a share larger than L2 starts each step with the part it
// touched last (-10 % per step at batch 1).
//
// Rescue. A worker never waits long for another: when the step's done counter (which each
// worker advances after every claimed run of tiles) has not moved for `rescuePolls` polls (the
// host's LSTMCellKernels.rescuePolls), it computes every tile of the step that is not done yet
// itself, whoever claimed it. A partner that is merely slower keeps advancing the counter and
// is not rescued (that only computes its tiles twice: in one probe run of (512, 512, 64, 50)
// on a shared 2-vCPU VM a fixed poll count rescued 16 times, and 197 times under heavier load;
// this rule 4 times), and a worker skips the tiles of its claims that a rescuer has done.
// On a shared machine the hypervisor or the OS takes a worker off its core for milliseconds
// at a time; its partner then carries on alone, and the preempted worker, when it runs again,
// finishes the tile it was in, finds the steps after it done and catches up. (Before, the
// partner left the launch after a millisecond of spinning and the rest of the window ran on
// one worker: on a shared 2-vCPU VM that happened in most batch-1 windows.) It also makes the
// kernel finish however many of its groups run at once, without the co-residency guarantee
// OpenCL does not give: one group alone does all the work. Rescue is possible because a tile is a pure function of
// state that no launch overwrites: step s reads h and c from slot s and writes slot s + 1 of
// rings of `ringSlots` = window + 1 slots (step 0 reads the initial state, hInit and cInit),
// so a tile computed twice, or finished late by a preempted worker, writes the same values to
// the same places. The same code on the same inputs gives the same bits, so which worker
// computes a tile never changes the result.
// Completion: flags[phase][tile] counts the steps whose tile is done; the first worker to
// move it from s to s + 1 (compare-and-swap) adds the tile to the step's done counter.
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
// With FUSE_INPUT the gate tiles compute the input projection themselves (InputSide in
// lstm_step.cl) from x [T][B][xStride] (the layer input, I wide), wih and bias, and G is
// unused; without it x, wih and bias are unused.
// Per-direction buffers (the second set is ignored when directions == 1): G, whh, peephole,
// hInit [B][K] and cInit [B][Hp] (the state before step 0), the rings hRing [ringSlots][B][K],
// cRing and hRawRing [ringSlots][B][Hp], and whr. Direction 1 runs in reverse time and writes
// output columns from K (the output size) on.
// sync: ints [2 phases][flagStride tile flags], then [all steps of the layer][2 phases]
// [workers + 1 counters][SYNC_STRIDE]; one cache line per counter so the workers' claim
// counters do not share a line.

// The buffers and sizes of one launch, per direction where there are two (run_tile).
typedef struct {
    __global const float *G[2];
    __global const weight_t *whh[2];
    __global const float *peephole[2];
    __global float *hInit[2];
    __global float *cInit[2];
    __global float *hRing[2];
    __global float *cRing[2];
    __global float *hRawRing[2];
    __global const weight_t *whr[2];
    InputSide in[2];
    __global float *out;
    __global const int *lengths;
    int B, K, H, blocks, firstStep, outStride, ringSlots, rowGroups;
} Recurrence;

// The slot of step `step`'s input state in a ring of `slots` slots of `size` floats; step 0
// reads the initial state.
inline __global float *state_slot(__global float *ring, __global float *initial, int step, int slots, size_t size) {
    return step == 0 ? initial : ring + (size_t)(step % slots) * size;
}

// Computes tile `tile` of (step, phase) unless a worker has already done it, and returns 1
// when this call was the first to complete it. Tiles number direction 0's `perDirection`
// tiles, then direction 1's; `tile` also indexes the phase's flags.
inline int run_tile(const Recurrence *r, const int tile, const int perDirection, const int phase, const int step,
                    volatile __global int *flags)
{
    if (flags[tile] != step) return 0;
    const int d = tile >= perDirection;
    const int rest = tile - d * perDirection;
    const int B = r->B, K = r->K, H = r->H, blocks = r->blocks, outStride = r->outStride;
    const int Hp = blocks * VEC;
    const size_t hSize = (size_t)B * K, cSize = (size_t)B * Hp;
    __global float *hPrev = state_slot(r->hRing[d], r->hInit[d], step, r->ringSlots, hSize);
    __global float *hNext = r->hRing[d] + (size_t)((step + 1) % r->ringSlots) * hSize;
    __global float *cPrev = state_slot(r->cRing[d], r->cInit[d], step, r->ringSlots, cSize);
    __global float *cNext = r->cRing[d] + (size_t)((step + 1) % r->ringSlots) * cSize;
    __global float *hRaw = r->hRawRing[d] + (size_t)(step % r->ringSlots) * cSize;
    if (phase == 0) {
        __global const float *G = r->G[d] + (size_t)(step - r->firstStep) * blocks * B * BLOCK_COLUMNS;
        if (B == 1 && WIDE_BLOCKS * (rest + 1) <= blocks) {
            wide_step_tile(0, WIDE_BLOCKS * rest, G, &r->in[d], r->whh[d], r->peephole[d], hPrev, hNext, cPrev, cNext, r->out, hRaw,
                           r->lengths, B, K, H, blocks, step, d, outStride, d * K);
        } else if (B == 1) {
            for (int u = WIDE_BLOCKS * rest; u < blocks; u++) {
                step_block(0, u, G, &r->in[d], r->whh[d], r->peephole[d], hPrev, hNext, cPrev, cNext, r->out, hRaw, r->lengths,
                           B, K, H, blocks, step, d, outStride, d * K);
            }
        } else {
            const int u = rest / r->rowGroups;
            step_block((rest - u * r->rowGroups) * STEP_GROUP_ROWS, u, G, &r->in[d], r->whh[d], r->peephole[d], hPrev, hNext,
                       cPrev, cNext, r->out, hRaw, r->lengths, B, K, H, blocks, step, d, outStride, d * K);
        }
    }
#if HAS_PROJECTION
    else {
        const int projectionRowTiles = (B + PROJ_ROWS - 1) / PROJ_ROWS;
        const int pb = rest / projectionRowTiles;
        projection_block((rest - pb * projectionRowTiles) * PROJ_ROWS, pb, hRaw, r->whr[d],
                         hPrev, hNext, r->out, r->lengths, B, H, Hp, K, step, d, outStride, d * K);
    }
#endif
    return atomic_cmpxchg(flags + tile, step, step + 1) == step;
}

__kernel void lstm_recurrence(
    __global const float *G0, __global const float *G1,
    __global const weight_t *whh0, __global const weight_t *whh1,
    __global const float *peephole0, __global const float *peephole1,
    __global float *hInit0, __global float *hInit1, __global float *cInit0, __global float *cInit1,
    __global float *hRing0, __global float *hRing1, __global float *cRing0, __global float *cRing1,
    __global float *hRawRing0, __global float *hRawRing1,
    __global const weight_t *whr0, __global const weight_t *whr1,
    __global float *out, __global const int *lengths, __global int *sync,
    int B, int K, int H, int blocks, int firstStep, int stepCount, int directions, int outStride, int claim,
    int ringSlots, int flagStride, int rescuePolls,
    __global const float *x, __global const weight_t *wih0, __global const weight_t *wih1,
    __global const float *bias0, __global const float *bias1, int I, int xStride)
{
    const int worker = get_group_id(0);
    const int workers = get_num_groups(0);
    const int counterCount = workers + 1;
    const int rowGroups = (B + STEP_GROUP_ROWS - 1) / STEP_GROUP_ROWS;
    // Batch 1: tiles of WIDE_BLOCKS blocks (wide_step_tile); otherwise (row group, block).
    const int gateTiles = B == 1 ? (blocks + WIDE_BLOCKS - 1) / WIDE_BLOCKS : rowGroups * blocks;
#if HAS_PROJECTION
    const int projectionTiles = (B + PROJ_ROWS - 1) / PROJ_ROWS * ((K + VEC - 1) / VEC);
    const int phases = 2;
#else
    const int phases = 1;
#endif
    volatile __global int *counterBase = sync + 2 * flagStride;
    const Recurrence r = {
        {G0, G1}, {whh0, whh1}, {peephole0, peephole1}, {hInit0, hInit1}, {cInit0, cInit1}, {hRing0, hRing1},
        {cRing0, cRing1}, {hRawRing0, hRawRing1}, {whr0, whr1},
        {{x, wih0, bias0, I, xStride}, {x, wih1, bias1, I, xStride}}, out, lengths,
        B, K, H, blocks, firstStep, outStride, ringSlots, rowGroups};

    for (int step = firstStep; step < firstStep + stepCount; step++) {
        const int odd = step & 1;
        for (int phase = 0; phase < phases; phase++) {
            volatile __global int *counters = counterBase + (size_t)(step * 2 + phase) * counterCount * SYNC_STRIDE;
            volatile __global int *flags = sync + phase * flagStride;
#if HAS_PROJECTION
            const int perDirection = phase == 0 ? gateTiles : projectionTiles;
#else
            const int perDirection = gateTiles;
#endif
            const int total = directions * perDirection;
            volatile __global int *done = counters + workers * SYNC_STRIDE;
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
                    int finished = 0;
                    for (int claimed = start; claimed < stop; claimed++) {
                        // Odd steps walk each range backwards: the weights a worker used
                        // last are still in its L2 cache when it starts the next step.
                        const int tile = odd ? lo + hi - 1 - claimed : claimed;
                        finished += run_tile(&r, tile, perDirection, phase, step, flags);
                    }
                    if (finished > 0) atomic_add(done, finished);
                }
            }
            int last = *done;
            for (int poll = 0; last < total; poll++) {
                const int now = *done;
                if (now != last) {
                    last = now;
                    poll = 0;
                    continue;
                }
                if (poll < rescuePolls) continue;
                // Whoever holds the missing tiles is not running: compute them here. After
                // this pass every tile of the step is done, by this worker or another.
                int rescued = 0;
                for (int tile = 0; tile < total; tile++) rescued += run_tile(&r, tile, perDirection, phase, step, flags);
                if (rescued > 0) atomic_add(done, rescued);
                break;
            }
            // No load of the next phase may be executed (or compiled) before the barrier.
            atomic_or(done, 0);
        }
    }
}
