"""The Markdown table and the SVG plot (GFLOP/s against batch size) of a peers.py run."""

import math


def _ms(value):
    return "-" if value is None else (f"{value:.2f}" if value < 100 else f"{value:.1f}")


def _rate(workload, ms):
    return "-" if ms is None else f"{workload.flops / ms / 1e6:.0f}"


def _ratio(a, b):
    return "-" if a is None or b is None else f"{a / b:.2f}"


def share_of_peak(workload, ms, peak):
    """The fraction of an FMA peak (GFLOP/s) that `ms` per pass of `workload` is, as "52%"."""
    return "-" if ms is None or peak is None else f"{workload.flops / ms / 1e6 / peak:.0%}"


def table(rows, peers):
    """rows: dicts with workload, precision, ours, reference, error, steal (the hypervisor's share
    of CPU time over the row's rounds, or None), peak (the median FMA peak of the row's rounds
    in GFLOP/s, or None) and one median per peer. The peak columns appear when any row has one."""
    with_peak = any(row.get("peak") is not None for row in rows)
    head = ["Workload (I, H, B, T)", "weights", "ours ms", "GFLOP/s"]
    for peer in peers:
        head += [f"{peer} ms", "GFLOP/s"]
    head += [f"ours / {peer}" for peer in peers]
    if with_peak:
        head += ["FMA peak GFLOP/s", "ours of peak"] + [f"{peer} of peak" for peer in peers]
    head += ["CPU ref ms", "ref / ours", "max abs err", "VM steal"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        w = row["workload"]
        cells = [w.label, row["precision"], _ms(row["ours"]), _rate(w, row["ours"])]
        for peer in peers:
            cells += [_ms(row.get(peer)), _rate(w, row.get(peer))]
        cells += [_ratio(row["ours"], row.get(peer)) for peer in peers]
        if with_peak:
            peak = row.get("peak")
            cells += ["-" if peak is None else f"{peak:.0f}", share_of_peak(w, row["ours"], peak)]
            cells += [share_of_peak(w, row.get(peer), peak) for peer in peers]
        cells += [_ms(row.get("reference")), _ratio(row.get("reference"), row["ours"]),
                  "-" if row.get("error") is None else f"{row['error']:.1e}",
                  "-" if row.get("steal") is None else f"{100 * row['steal']:.0f} %"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


COLOURS = {"ours (OpenCL)": "#d62728", "ours f16": "#ff9896", "onnxruntime": "#1f77b4", "torch": "#2ca02c"}


def svg_plot(series, title, width=640, height=400):
    """series: {name: [(batch, gflops), ...]}; a log2 batch axis, a linear GFLOP/s axis."""
    left, right, top, bottom = 60, 170, 40, 50
    points = [p for values in series.values() for p in values]
    if not points:
        return ""
    batches = sorted({b for b, _ in points})
    top_rate = max(g for _, g in points) * 1.1
    lo, hi = math.log2(batches[0]), math.log2(batches[-1])
    span = max(hi - lo, 1)

    def x(batch):
        return left + (math.log2(batch) - lo) / span * (width - left - right)

    def y(rate):
        return height - bottom - rate / top_rate * (height - top - bottom)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2 - right / 2}" y="22" text-anchor="middle" font-size="14">{title}</text>',
           f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="black"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="black"/>',
           f'<text x="{(left + width - right) / 2}" y="{height - 12}" text-anchor="middle">batch size (log scale)</text>',
           f'<text x="16" y="{(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 {(top + height - bottom) / 2})">GFLOP/s</text>']
    for batch in batches:
        out.append(f'<text x="{x(batch):.1f}" y="{height - bottom + 16}" text-anchor="middle">{batch}</text>')
    step = 50 if top_rate > 150 else 25
    for tick in range(0, int(top_rate) + 1, step):
        out.append(f'<line x1="{left - 4}" y1="{y(tick):.1f}" x2="{width - right}" y2="{y(tick):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 8}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    for index, (name, values) in enumerate(series.items()):
        colour = COLOURS.get(name, "#7f7f7f")
        values = sorted(values)
        path = " ".join(f"{x(b):.1f},{y(g):.1f}" for b, g in values)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for b, g in values:
            out.append(f'<circle cx="{x(b):.1f}" cy="{y(g):.1f}" r="3.5" fill="{colour}"/>')
        legend_y = top + 10 + 20 * index
        out.append(f'<line x1="{width - right + 15}" y1="{legend_y}" x2="{width - right + 35}" y2="{legend_y}" stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{width - right + 40}" y="{legend_y + 4}">{name}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
