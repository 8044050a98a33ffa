"""The workloads peers.py times: the five peer shapes of shared/PERF.md, DeepBench's LSTM
inference shapes and a stacked bidirectional model (the same lists as `lstm bench --suite`)."""

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Workload:
    input_size: int
    hidden: int
    batch: int
    steps: int
    layers: int = 1
    bidirectional: bool = False
    group: str = "standard"
    cell: str = "lstm"

    @property
    def gates(self) -> int:
        return 4 if self.cell == "lstm" else 3

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def flops(self) -> float:
        """2 * T * B * gates*H * (I_layer + H) per layer and direction (4 gates LSTM, 3 GRU)."""
        total = 0.0
        for layer in range(self.layers):
            layer_input = self.input_size if layer == 0 else self.hidden * self.directions
            total += 2.0 * self.steps * self.batch * self.gates * self.hidden * (layer_input + self.hidden) * self.directions
        return total

    @property
    def label(self) -> str:
        text = ("" if self.cell == "lstm" else "GRU ") + f"({self.input_size}, {self.hidden}, {self.batch}, {self.steps})"
        if self.layers > 1 or self.bidirectional:
            text += f" {self.layers} layers" + (" bidir" if self.bidirectional else "")
        return text

    def cli_flags(self) -> list:
        flags = ["--input-size", str(self.input_size), "--hidden", str(self.hidden),
                 "--batch", str(self.batch), "--steps", str(self.steps), "--layers", str(self.layers)]
        return flags + (["--bidirectional"] if self.bidirectional else []) + ["--cell", self.cell]


STANDARD = [
    Workload(512, 512, 1, 100),
    Workload(512, 512, 16, 100),
    Workload(512, 512, 64, 100),
    Workload(1024, 1024, 64, 50),
    Workload(256, 256, 256, 100),
]

STACKED = [Workload(256, 256, 16, 50, layers=2, bidirectional=True, group="stacked")]

DEEPBENCH = [Workload(h, h, b, 25, group="deepbench") for h in (512, 1024, 2048) for b in (1, 4)]


def suite(name: str, cell: str = "lstm") -> list:
    """standard (the five peer shapes), stacked, deepbench, or all, as LSTMs or GRUs."""
    lists = {"standard": STANDARD, "stacked": STACKED, "deepbench": DEEPBENCH,
             "all": STANDARD + STACKED + DEEPBENCH}
    if name not in lists:
        raise SystemExit(f"unknown suite {name!r}: use {', '.join(lists)}")
    return [replace(w, cell=cell) for w in lists[name]]
