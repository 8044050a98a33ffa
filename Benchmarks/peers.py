#!/usr/bin/env python3
"""Times our OpenCL LSTM against onnxruntime's CPU LSTM (and PyTorch's where installed) on
the same machine, interleaved: every round runs each implementation once per workload, in
rotating order, and each implementation's time is the median over rounds of its per-round
median. Ratios are ratios of those medians, so slow drifts of a shared, noisy machine hit
both sides alike.

Ours comes from `lstm bench --json --device opencl ...` (one process per round and workload;
the CLI also checks every result against the CPU reference and reports max_abs_error); the
CPU reference's own time from one `lstm bench --device cpu --repeat 1` per workload.

Writes a Markdown table (stdout, and with context to --output) and an SVG plot of GFLOP/s
against batch size; progress goes to stderr. Each row also gives the share of CPU time the
hypervisor took from this VM during its rounds (/proc/stat's steal): a row measured with
more than a few percent stolen was not measured on a quiet machine. Unless --no-peak, every
round also samples the machine's FMA peak (Benchmarks/fma_peak, widest vectors, every core)
in the same rotation, and each row gives ours' and each peer's fraction of the median peak
of its own rounds.

    python3 Benchmarks/peers.py --lstm .build/release/lstm --rounds 5 --output Benchmarks/RESULTS.md
"""

import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from peers import onnx_lstm, ours, report, torch_lstm  # noqa: E402
from peers.peak import PeakMeter  # noqa: E402
from peers.steal import StealMeter  # noqa: E402
from peers.workloads import suite  # noqa: E402


def progress(message):
    print(message, file=sys.stderr, flush=True)


def time_peer(run, repeat):
    """Median of `repeat` timed calls, in ms, after one untimed call."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def machine():
    model, cores = platform.processor() or "unknown CPU", os.cpu_count()
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{model}, {cores} logical cores, {platform.system()} {platform.release()}"


def opencl_device(binary):
    """The first OpenCL device line of `lstm devices`, whitespace squeezed."""
    try:
        text = subprocess.run([binary, "devices"], capture_output=True, text=True).stdout
    except OSError:
        return "unknown"
    lines = [" ".join(line.split()) for line in text.splitlines() if line.startswith("opencl:")]
    return lines[0] if lines else "none found"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lstm", default=".build/release/lstm", help="our CLI (default: .build/release/lstm)")
    parser.add_argument("--suite", default="all", help="standard, stacked, deepbench or all (default: all)")
    parser.add_argument("--cell", choices=["lstm", "gru"], default="lstm",
                        help="the cell of every workload (GRU peers: onnxruntime with linear_before_reset=1, nn.GRU)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default: 5)")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes per implementation per round (default: 5)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed passes of ours per call (default: 3)")
    parser.add_argument("--f16", choices=["b1", "all", "none"], default="b1",
                        help="also time ours with f16 weights: batch-1 workloads, all, or none (default: b1)")
    parser.add_argument("--threads", type=int, default=None, help="intra-op threads of the peers (default: theirs)")
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch even when installed")
    parser.add_argument("--no-reference", action="store_true", help="skip timing our CPU reference")
    parser.add_argument("--no-peak", action="store_true", help="skip sampling the FMA peak between rounds")
    parser.add_argument("--output", help="write the report (machine, command, date, table) to this Markdown file")
    parser.add_argument("--plot", default=None, help="SVG plot path (default: beside --output, else none)")
    parser.add_argument("--json", help="write every measurement as JSON here")
    args = parser.parse_args()

    if not os.access(args.lstm, os.X_OK):
        raise SystemExit(f"{args.lstm} is not an executable: build it (swift build -c release) or pass --lstm")
    workloads = suite(args.suite, args.cell)
    peers = ["onnxruntime"] + ([] if args.no_torch or not torch_lstm.available() else ["torch"])
    progress(f"peers: {', '.join(peers)}; {len(workloads)} workloads x {args.rounds} rounds")

    peak = None if args.no_peak else PeakMeter()
    rows, raw = [], []
    for index, workload in enumerate(workloads, 1):
        tag = f"[{index}/{len(workloads)}] {workload.label}"
        runners = {"onnxruntime": onnx_lstm.session(workload, args.threads)}
        if "torch" in peers:
            runners["torch"] = torch_lstm.runner(workload, args.threads)
        precisions = ["f32"] + (["f16"] if args.f16 == "all" or (args.f16 == "b1" and workload.batch == 1) else [])
        samples = {name: [] for name in peers + [f"ours {p}" for p in precisions]}
        errors = {p: [] for p in precisions}
        order = [f"ours {p}" for p in precisions] + peers + ([] if peak is None else ["peak"])
        peaks = []
        meter = StealMeter()
        for round_index in range(args.rounds):
            shift = round_index % len(order)
            for name in order[shift:] + order[:shift]:
                progress(f"{tag} round {round_index + 1}/{args.rounds}: {name}")
                if name == "peak":
                    peaks.append(peak.sample())
                    raw.append({"workload": workload.label, "implementation": "fma peak", "round": round_index,
                                "gflops": peaks[-1], "vector_bits": peak.width, "threads": peak.threads})
                elif name.startswith("ours"):
                    precision = name.split()[1]
                    result = ours.bench(args.lstm, workload, repeat=args.repeat, warmup=args.warmup, precision=precision)
                    samples[name].append(result["median_ms"])
                    errors[precision].append(result["max_abs_error"])
                    raw.append({"workload": workload.label, "implementation": name, "round": round_index, **result})
                else:
                    median = time_peer(runners[name], args.repeat)
                    samples[name].append(median)
                    raw.append({"workload": workload.label, "implementation": name, "round": round_index, "median_ms": median})
        steal = meter.share()
        reference = None
        if not args.no_reference:
            progress(f"{tag}: CPU reference (one pass)")
            reference = ours.bench(args.lstm, workload, device="cpu", repeat=1, warmup=0)["median_ms"]
        for precision in precisions:
            row = {"workload": workload, "precision": precision,
                   "ours": statistics.median(samples[f"ours {precision}"]),
                   "reference": reference, "error": max(errors[precision]), "steal": steal,
                   "peak": statistics.median(peaks) if peaks else None}
            row.update({peer: statistics.median(samples[peer]) for peer in peers})
            rows.append(row)
            ratios = ", ".join(f"{row['ours'] / row[p]:.2f}x {p}" for p in peers)
            fraction = "" if row["peak"] is None else \
                f"; {report.share_of_peak(workload, row['ours'], row['peak'])} of a {row['peak']:.0f} GFLOP/s peak"
            progress(f"{tag} {precision}: ours {row['ours']:.2f} ms ({ratios}{fraction})")

    if peak is not None:
        peak.close()
    markdown = report.table(rows, peers)
    print(markdown)
    plot_path = args.plot or (os.path.join(os.path.dirname(args.output) or ".", "peers_gflops.svg") if args.output else None)
    if plot_path:
        series = {}
        for row in rows:
            w = row["workload"]
            if w.layers != 1 or w.input_size != 512 or w.hidden != 512:
                continue
            names = [("ours (OpenCL)" if row["precision"] == "f32" else "ours f16", row["ours"])]
            names += [(peer, row[peer]) for peer in peers] if row["precision"] == "f32" else []
            for name, ms in names:
                points = dict(series.setdefault(name, []))
                if w.batch not in points or w.steps == 100:  # prefer T = 100 over DeepBench's T = 25
                    points[w.batch] = w.flops / ms / 1e6
                series[name] = sorted(points.items())
        with open(plot_path, "w") as handle:
            handle.write(report.svg_plot(series, "LSTM I = H = 512: GFLOP/s against batch size"))
        progress(f"plot: {plot_path}")
    if args.output:
        command = "python3 " + " ".join(shlex.quote(a) for a in sys.argv)
        peers_text = f"onnxruntime {onnx_lstm.version()}" + (f", PyTorch {torch_lstm.version()}" if "torch" in peers else "")
        with open(args.output, "w") as handle:
            handle.write(f"# Benchmark results\n\n- Date: {datetime.datetime.now().isoformat(timespec='minutes')}\n"
                         f"- Machine: {machine()}\n- OpenCL device: {opencl_device(args.lstm)}\n"
                         f"- Peers: {peers_text}\n- Command: `{command}`\n"
                         f"- Protocol: {args.rounds} interleaved rounds, {args.repeat} timed passes per round "
                         f"({args.warmup} untimed before ours, 1 before each peer); medians of per-round medians; "
                         "ratios of medians. Ours run with POCL_AFFINITY="
                         f"{ours.ENVIRONMENT.get('POCL_AFFINITY', '1 (set by lstm itself)')}."
                         + ("" if peak is None else f" FMA peak: Benchmarks/fma_peak, {peak.width}-bit vectors, {peak.threads} threads, "
                            "sampled once per round in the same rotation; each row's fraction of peak uses the median of its rounds.")
                         + "\n\n")
            handle.write(markdown + "\n")
            if plot_path:
                handle.write(f"\n![GFLOP/s against batch size]({os.path.basename(plot_path)})\n")
        progress(f"report: {args.output}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(raw, handle, indent=1, default=str)


if __name__ == "__main__":
    main()
