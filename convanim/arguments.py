"""Argument checking shared by every core function.

Each checker returns the argument in a normal form or raises ``TypeError`` /
``ValueError`` whose message names the argument, the value or shape it got
and the rule that failed.  Nothing here does arithmetic on the data.
"""
from __future__ import annotations

import numbers
from typing import Sequence

import numpy as np

Pair = tuple[int, int]


def as_image_batch(name: str, x: object) -> tuple[np.ndarray, bool]:
    """Return ``x`` as a 4-d (N, C, H, W) array and whether it was 3-d (C, H, W)."""
    arr = as_numeric_array(name, x)
    if arr.ndim == 3:
        return arr[None], True
    if arr.ndim == 4:
        return arr, False
    raise ValueError(
        f"{name} must be 3-d (C, H, W) or 4-d (N, C, H, W); got shape {arr.shape} ({arr.ndim}-d)"
    )


#: The axes of a batch with 1, 2 or 3 spatial axes, for messages.
SPATIAL_AXES = {1: "L", 2: "H, W", 3: "D, H, W"}


def as_batch(name: str, x: object, spatial: int) -> tuple[np.ndarray, bool]:
    """Return ``x`` as an (N, C, *spatial axes) array and whether it came without the batch axis: (C, L) or
    (N, C, L) for ``spatial=1``, (C, D, H, W) or (N, C, D, H, W) for 3."""
    arr = as_numeric_array(name, x)
    if arr.ndim == spatial + 1:
        return arr[None], True
    if arr.ndim == spatial + 2:
        return arr, False
    axes = SPATIAL_AXES[spatial]
    raise ValueError(f"{name} must be {spatial + 1}-d (C, {axes}) or {spatial + 2}-d (N, C, {axes}); got shape "
                     f"{arr.shape} ({arr.ndim}-d)")


def whole_numbers(name: str, value: object, minimum: int, n: int) -> tuple[int, ...]:
    """Normalise an int or a sequence of ``n`` ints (one per spatial axis), each at least ``minimum``."""
    if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool):
        result = (int(value),) * n
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == n and all(
        isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool) for v in value
    ):
        result = tuple(int(v) for v in value)
    else:
        shown = "an int" if n == 1 else f"an int or {n} ints ({SPATIAL_AXES[n].lower()})"
        raise TypeError(f"{name} must be {shown}; got {value!r}")
    if min(result) < minimum:
        raise ValueError(f"{name} must be >= {minimum}{'' if n == 1 else ' on every axis'}; got {value!r}")
    return result


def as_numeric_array(name: str, x: object) -> np.ndarray:
    """``np.asarray(x)`` after checking that it holds real numbers (bool, int or float)."""
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as err:  # ragged nested lists and the like
        raise TypeError(f"{name} must be an array of real numbers; numpy could not read it: {err}") from None
    if arr.dtype == bool:
        arr = arr.astype(np.int64)
    if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise TypeError(f"{name} must hold real numbers (int or float); got dtype {arr.dtype}")
    return arr


def as_weight(name: str, weight: object, layout: str) -> np.ndarray:
    """A 4-d numeric weight array; ``layout`` names its axes in the error message."""
    w = as_numeric_array(name, weight)
    if w.ndim != 4:
        raise ValueError(f"{name} must be 4-d {layout}; got shape {w.shape}")
    return w


def positive_int(name: str, value: object) -> int:
    """Check an int option such as ``groups`` (>= 1)."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r}")
    return int(value)


def pair(name: str, value: object, minimum: int) -> Pair:
    """Normalise an int or a pair of ints to ``(h, w)``, each at least ``minimum``."""
    if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool):
        result = (int(value), int(value))
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2 and all(
        isinstance(v, (numbers.Integral, np.integer)) and not isinstance(v, bool) for v in value
    ):
        result = (int(value[0]), int(value[1]))
    else:
        raise TypeError(f"{name} must be an int or a pair of ints (h, w); got {value!r}")
    if min(result) < minimum:
        raise ValueError(f"{name} must be >= {minimum} on both axes; got {value!r}")
    return result


def real_number(name: str, value: object) -> float:
    """Check a scalar option such as ``divisor_override``."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.number)):
        raise TypeError(f"{name} must be a number; got {value!r}")
    return value  # type: ignore[return-value]


def choice(name: str, value: object, allowed: Sequence[str]) -> str:
    """Check that ``value`` is one of the strings in ``allowed``."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, allowed))}; got {value!r}")
    return value  # type: ignore[return-value]


def result_dtype(*arrays: np.ndarray | None) -> np.dtype:
    """The dtype arithmetic on these arrays keeps: ints stay ints, floats stay floats."""
    return np.result_type(*[a for a in arrays if a is not None])
