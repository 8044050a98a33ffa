#!/usr/bin/env python3
"""Helpers of scripts/gpu-check.sh (standard library only, plus torch for `cudnn`).

  gpu_check_report.py cudnn BENCH_JSON[,BENCH_JSON...] OUT_JSON
                                                  time nn.LSTM on CUDA for every workload in
                                                  the bench results (cuDNN, fp32, TF32 off)
  gpu_check_report.py table OUTDIR                print the one summary table from the logs
"""
import json
import os
import re
import sys


def load_bench(path):
    """The JSON array `lstm bench --json` printed (ignoring anything around it)."""
    text = read(path)
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end < start:
        return []
    return json.loads(text[start:end + 1])


def workload_key(row):
    return (row["input_size"], row["hidden_size"], row["batch"], row["steps"], row["layers"],
            row["bidirectional"], row["proj_size"])


def cudnn(bench_paths, out_path):
    import torch

    if not torch.cuda.is_available():
        raise SystemExit("cudnn: torch.cuda.is_available() is False")
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    device = torch.device("cuda")
    results = []
    seen = set()
    for row in [row for path in bench_paths.split(",") for row in load_bench(path)]:
        key = workload_key(row)
        if key in seen or row.get("peepholes"):
            continue  # nn.LSTM has no peepholes
        seen.add(key)
        inputs, hidden, batch, steps, layers, bidirectional, proj = key
        torch.manual_seed(0)
        model = torch.nn.LSTM(inputs, hidden, num_layers=layers, bidirectional=bidirectional,
                              proj_size=proj).to(device).eval()
        x = torch.rand(steps, batch, inputs, device=device) * 2 - 1
        times = []
        with torch.inference_mode():
            for _ in range(5):
                model(x)
            torch.cuda.synchronize()
            for _ in range(30):
                start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                model(x)
                stop.record()
                stop.synchronize()
                times.append(start.elapsed_time(stop))
        times.sort()
        results.append({"workload": row["workload"], "key": list(key), "median_ms": times[len(times) // 2],
                        "min_ms": times[0], "torch": torch.__version__,
                        "cudnn": torch.backends.cudnn.version(), "gpu": torch.cuda.get_device_name(0)})
        print(f"{row['workload']}: {results[-1]['median_ms']:.3f} ms", flush=True)
    with open(out_path, "w") as handle:
        json.dump(results, handle, indent=2)


def read(path):
    try:
        with open(path, errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def registers(log):
    """(kernel, registers, shared bytes) from ptxas lines of -cl-nv-verbose build logs."""
    rows, kernel = [], None
    for line in log.splitlines():
        match = re.search(r"[Ff]unction properties for (\w+)|entry function '(\w+)'", line)
        if match:
            kernel = match.group(1) or match.group(2)
        match = re.search(r"Used (\d+) registers(?:, (\d+) bytes smem)?", line)
        if match and kernel:
            rows.append((kernel, match.group(1), match.group(2) or "0"))
    return sorted(set(rows))


def table(out):
    lines = ["", "=" * 30 + " GPU CHECK " + "=" * 30]
    lines += ["step: " + line for line in read(os.path.join(out, "steps.txt")).splitlines()]
    smi = read(os.path.join(out, "nvidia-smi.txt")).strip()
    if smi:
        lines.append("nvidia-smi: " + smi)
    for line in read(os.path.join(out, "devices.txt")).splitlines():
        if line.startswith("opencl:") or "Oclgrind" in line or "NVIDIA" in line:
            lines.append("device: " + line.strip())
    for name in ("verify-gpu.txt", "verify-cpu-family.txt"):
        for line in read(os.path.join(out, name)).splitlines():
            if "cases passed" in line or "FAIL" in line:
                lines.append("verify: " + line.strip())
    for line in read(os.path.join(out, "overhead.txt")).splitlines()[2:]:
        lines.append("launch overhead (us back-to-back, us launch+finish): " + " ".join(line.split()))
    regs = registers(read(os.path.join(out, "registers.err")))
    if regs:
        lines.append("registers: " + "; ".join(f"{k} {r} regs {s} B smem" for k, r, s in regs))
    else:
        lines.append("registers: no ptxas report found in registers.err")

    bench = []
    for name in ("bench.txt", "bench-deepbench.txt", "bench-f16.txt", "bench-cpu-family.txt"):
        bench += load_bench(os.path.join(out, name))
    cuda = {tuple(r["key"]): r for r in (json.loads(read(os.path.join(out, "cudnn.json")) or "[]"))}
    by_workload = {}
    for row in bench:
        precision = row.get("weight_precision", "f32")
        name = row["workload"] + ("" if precision == "f32" else f" {precision}")
        entry = by_workload.setdefault((workload_key(row), precision), {"name": name})
        entry[row["kernels"]] = row
    header = (f"{'WORKLOAD':30} {'CPU-FAM MS':>10} {'GPU-FAM MS':>10} {'GFLOP/S':>8} {'CUDNN MS':>9} "
              f"{'GPU/CUDNN':>9} {'MAX ERR':>8} {'CHECK':>5}")
    lines += ["", header, "-" * len(header)]

    def ms(row):
        return row.get("median_ms") if row else None

    def cell(value, width, spec=".3f"):
        return f"{value:>{width}{spec}}" if isinstance(value, (int, float)) else f"{'-':>{width}}"

    for (key, precision), rows in by_workload.items():
        cpu, gpu = rows.get("cpu"), rows.get("gpu")
        ref = cuda.get(key) if precision == "f32" else None
        checks = [r for r in (cpu, gpu) if r]
        check = "PASS" if checks and all(r["within_tolerance"] and not r["failed"] for r in checks) else "FAIL"
        ratio = (ms(gpu) / ref["median_ms"]) if ms(gpu) and ref else None
        error = max((r["max_abs_error"] for r in checks if not r["failed"]), default=None)
        lines.append(f"{rows['name'][:30]:30} {cell(ms(cpu), 10)} {cell(ms(gpu), 10)} "
                     f"{cell(gpu.get('gflops') if gpu else None, 8, '.0f')} "
                     f"{cell(ref['median_ms'] if ref else None, 9)} {cell(ratio, 9, '.2f')} "
                     f"{cell(error, 8, '.1e')} {check:>5}")
    if not bench:
        lines.append("(no bench results: see bench.err)")
    for name in ("tune.txt", "tune-large.txt"):
        lines += [name[:-4] + ": " + line for line in read(os.path.join(out, name)).splitlines()[-4:]]
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "cudnn":
        cudnn(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "table":
        table(sys.argv[2])
    else:
        raise SystemExit(__doc__)
