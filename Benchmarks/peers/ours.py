"""Our timings, from `lstm bench --json` (a fresh process per call: program from the disk
cache, warm-up passes, then --repeat timed passes; the CLI also checks the result against the
CPU reference and reports max_abs_error)."""

import json
import os
import subprocess

# `lstm` itself sets POCL_AFFINITY=1 (PoCL's worker threads pinned one per core) unless the
# caller's environment sets it, so ours runs exactly as a user's `lstm bench` does.
ENVIRONMENT = dict(os.environ)


class BenchError(RuntimeError):
    pass


def bench(binary, workload, device="opencl", repeat=5, warmup=2, precision="f32"):
    """The first result object of `lstm bench --json` for `workload` on `device`."""
    command = [binary, "bench", "--json", "--device", device, *workload.cli_flags(),
               "--repeat", str(repeat), "--warmup", str(warmup), "--weight-precision", precision]
    done = subprocess.run(command, capture_output=True, text=True, env=ENVIRONMENT)
    try:
        rows = json.loads(done.stdout)
    except json.JSONDecodeError as error:
        raise BenchError(f"{' '.join(command)} printed no JSON (exit {done.returncode}): {done.stderr.strip()[-500:]}") from error
    if not rows or rows[0].get("failed"):
        raise BenchError(f"{' '.join(command)} failed: {rows[0].get('note') if rows else done.stderr[-500:]}")
    return rows[0]
