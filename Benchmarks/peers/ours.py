"""Our timings, from `lstm bench --json` (a fresh process per call: program from the disk
cache, warm-up passes, then --repeat timed passes; the CLI also checks the result against the
CPU reference and reports max_abs_error)."""

import json
import os
import subprocess

# PoCL's pthread device pins worker thread i to core i with POCL_AFFINITY=1. Unpinned, the
# first passes of a fresh process (after the CLI's single-threaded CPU-reference pass) can
# run 2x slower until the scheduler spreads the workers over both cores. Ours get it unless
# the caller's environment says otherwise; the report states it.
ENVIRONMENT = dict(os.environ)
ENVIRONMENT.setdefault("POCL_AFFINITY", "1")


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
