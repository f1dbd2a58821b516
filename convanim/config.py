"""Memory limits shared by the core (change them with :func:`set_memory_budget`), and where convanim keeps
what it makes once per machine (:func:`cache_root`)."""
from __future__ import annotations

import os
from pathlib import Path

MiB = 1 << 20

#: Largest array a trace may hold for products or per-channel sums before it
#: switches to computing windows on demand (bytes).
TRACE_BUDGET = 64 * MiB
#: Largest single temporary the core allocates without being asked (bytes):
#: im2col matrices, chunks of a convolution.  Bigger requests raise.
ARRAY_LIMIT = 1024 * MiB
#: Size of the chunks conv2d works in (bytes of im2col rows per chunk).
CHUNK_BYTES = 32 * MiB


def cache_root() -> Path:
    """The folder for what convanim makes once per machine (voices, glyph outlines):
    ``$CONVANIM_CACHE``, else ``$XDG_CACHE_HOME/convanim``, else ``~/.cache/convanim``."""
    if os.environ.get("CONVANIM_CACHE"):
        return Path(os.environ["CONVANIM_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "convanim"


def set_memory_budget(trace_budget: int | None = None, array_limit: int | None = None) -> None:
    """Change the trace budget and/or the single-array limit (bytes)."""
    global TRACE_BUDGET, ARRAY_LIMIT
    if trace_budget is not None:
        TRACE_BUDGET = _positive("trace_budget", trace_budget)
    if array_limit is not None:
        ARRAY_LIMIT = _positive("array_limit", array_limit)


def check_allocation(what: str, shape: tuple[int, ...], itemsize: int, limit: int | None = None,
                     remedy: str = "convanim.set_memory_budget(array_limit=...)") -> None:
    """Raise ``MemoryError`` with a clear message if ``shape`` would pass ``limit`` bytes."""
    limit = ARRAY_LIMIT if limit is None else limit
    n = itemsize
    for s in shape:
        n *= int(s)
    if n > limit:
        raise MemoryError(
            f"{what} would need an array of shape {tuple(shape)} ({_size(n)}), over the "
            f"limit of {_size(limit)}; use a smaller input or raise the limit with {remedy}")


def _size(n: int) -> str:
    return f"{n / MiB:.1f} MiB" if n >= MiB else f"{n} bytes"


def _positive(name: str, value: int) -> int:
    if not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive number of bytes; got {value!r}")
    return value
