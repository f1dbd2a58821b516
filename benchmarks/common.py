"""Timing helpers shared by the benchmark scripts: medians of repeated runs, one table."""
from __future__ import annotations

import statistics
import time
from typing import Callable


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
