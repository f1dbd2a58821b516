"""Timing helpers shared by the benchmark scripts: medians of repeated runs, one table, and the record of a run
that the docs' benchmarks page shows (``--record``)."""
from __future__ import annotations

import contextlib
import io
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

RESULTS = Path(__file__).resolve().parent / "results"


def median_seconds(fn: Callable[[], object], repeats: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired_medians(ours: Callable[[], object], reference: Callable[[], object], repeats: int = 5,
                   warmup: int = 1) -> tuple[float, float]:
    """Median times of two functions run alternately, so both see the same machine state."""
    a, b = [], []
    for i in range(warmup + repeats):
        for fn, times in ((ours, a), (reference, b)):
            start = time.perf_counter()
            fn()
            if i >= warmup:
                times.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def print_table(headers: list[str], rows: list[list[object]]) -> None:
    """Print a Markdown table (pasted as is into the README)."""
    print("| " + " | ".join(headers) + " |")
    print("|" + "|".join("---" for _ in headers) + "|")
    for row in rows:
        print("| " + " | ".join(str(v) for v in row) + " |")


class Tee(io.TextIOBase):
    """Writes to every stream it holds."""

    def __init__(self, *streams):
        self.streams = streams

    def write(self, text: str) -> int:
        for stream in self.streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


@contextlib.contextmanager
def recorded(script: str, modes: tuple[str, ...] = ()) -> Iterator[None]:
    """With ``--record`` on the command line (taken off before the script parses its own), what the script prints
    is also written to ``benchmarks/results/<script>.md`` when it finishes, under a line saying how and where it
    ran; a run in one of ``modes`` (``--levers``) to ``<script>-levers.md``. The docs include those files as they
    are, and tests/test_docs.py checks every figure the README and the benchmarks page quote against them."""
    if "--record" not in sys.argv:
        yield
        return
    sys.argv.remove("--record")
    script_file = script
    script += "".join("-" + mode.lstrip("-") for mode in modes if mode in sys.argv)
    command = " ".join(["python", f"benchmarks/{script_file}.py", *sys.argv[1:]])
    captured = io.StringIO()
    stdout = sys.stdout
    sys.stdout = Tee(stdout, captured)
    try:
        yield
    finally:
        sys.stdout = stdout
    RESULTS.mkdir(exist_ok=True)
    header = (f"Recorded by `{command}` on {time.strftime('%Y-%m-%d')}: {platform.machine()}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}.\n\n")
    temporary = RESULTS / f".{script}.md.partial"
    temporary.write_text(header + captured.getvalue(), encoding="utf-8")
    os.replace(temporary, RESULTS / f"{script}.md")
    print(f"recorded benchmarks/results/{script}.md", file=sys.stderr)
