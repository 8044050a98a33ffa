"""The share of CPU time the hypervisor took from this VM (the "steal" column of /proc/stat)
over a stretch of a run: on a shared VM the figure that says whether a row was measured on
a quiet machine. None where /proc/stat has no steal column (not Linux, or no hypervisor)."""


def _counters():
    try:
        with open("/proc/stat") as handle:
            fields = handle.readline().split()
    except OSError:
        return None
    if len(fields) < 9 or fields[0] != "cpu":
        return None
    ticks = [int(value) for value in fields[1:9]]  # user nice system idle iowait irq softirq steal
    return sum(ticks), ticks[7]


class StealMeter:
    """Started on creation; `share()` is the steal share since then (0.0 to 1.0) or None."""

    def __init__(self):
        self.start = _counters()

    def share(self):
        end = _counters()
        if self.start is None or end is None or end[0] == self.start[0]:
            return None
        return (end[1] - self.start[1]) / (end[0] - self.start[0])
