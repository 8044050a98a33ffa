"""The machine's FMA peak, sampled between a peers.py run's rounds: `Benchmarks/fma_peak`
built for this CPU (cc -O2 -march=native) and run as `fma_peak --widest N` on every core.
On a shared VM the peak moves from minute to minute, so each row's fraction of peak divides
by the peak measured during that row's own rounds, not by one figure for the whole run."""

import atexit
import os
import re
import shutil
import subprocess
import tempfile

SOURCE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fma_peak", "fma_peak.c")


class PeakMeter:
    """Builds the program once into a temporary folder (removed at exit or by `close()`);
    `sample()` returns one median GFLOP/s of the widest vectors."""

    def __init__(self, threads=None):
        compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("clang") or shutil.which("gcc")
        if compiler is None:
            raise SystemExit("sampling the FMA peak needs a C compiler (cc, clang or gcc) for Benchmarks/fma_peak; or pass --no-peak")
        self.folder = tempfile.mkdtemp(prefix="fma_peak.")
        atexit.register(self.close)  # the build folder goes however the run ends
        self.binary = os.path.join(self.folder, "fma_peak")
        build = subprocess.run([compiler, "-O2", "-march=native", "-pthread", SOURCE, "-o", self.binary],
                               capture_output=True, text=True)
        if build.returncode != 0:
            raise SystemExit(f"building {SOURCE} failed:\n{build.stderr}")
        self.threads = threads or os.cpu_count() or 1
        self.width = None

    def sample(self):
        run = subprocess.run([self.binary, "--widest", str(self.threads)], capture_output=True, text=True)
        match = re.match(r"(\d+)-bit, \d+ threads?: median ([\d.]+)", run.stdout)
        if run.returncode != 0 or match is None:
            raise SystemExit(f"fma_peak failed: {run.stdout}{run.stderr}")
        self.width = int(match.group(1))
        return float(match.group(2))

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)
