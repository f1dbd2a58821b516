"""Named filters for pictures: edge, blur and random, as conv2d weights.

Each returns ``(weight, bias)`` with ``weight`` (out_channels, in_channels,
size, size) and ``bias`` (out_channels,), ready for :func:`convanim.conv2d`.
"""
from __future__ import annotations

import numpy as np

from ..arguments import choice, positive_int
from ..statements import N_

FILTER_KINDS = ("edge", "blur", "random")
#: What a scene calls each kind (English message ids; the scene shows them in its language).
FILTER_NAMES = {"edge": N_("edge"), "blur": N_("blur"), "random": N_("random")}


def edge_filter(in_channels: int = 3, size: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """A vertical-edge detector, integer weights: left column −1, right column +1 (Prewitt for size 3).

    The same kernel on every input channel, so the map responds to a change
    of brightness from left to right.  ``size`` must be odd and at least 3.
    """
    in_channels, size = positive_int("in_channels", in_channels), positive_int("size", size)
    if size < 3 or size % 2 == 0:
        raise ValueError(f"edge filter size must be odd and at least 3; got {size}")
    kernel = np.zeros((size, size), dtype=np.int64)
    kernel[:, 0], kernel[:, -1] = -1, 1
    return np.broadcast_to(kernel, (1, in_channels, size, size)).copy(), np.zeros(1, dtype=np.int64)


def blur_filter(in_channels: int = 3, size: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """A box blur: every weight 1/(C·size²), so the map is the window's mean over all channels."""
    in_channels, size = positive_int("in_channels", in_channels), positive_int("size", size)
    weight = np.full((1, in_channels, size, size), 1.0 / (in_channels * size * size))
    return weight, np.zeros(1)


def random_filter(in_channels: int = 3, size: int = 20, out_channels: int = 1,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Weights drawn from N(0, 1/(C·size²)) (He-like scale) and bias from N(0, 1), from ``seed``."""
    in_channels, size = positive_int("in_channels", in_channels), positive_int("size", size)
    out_channels = positive_int("out_channels", out_channels)
    rng = np.random.default_rng(seed)
    weight = rng.normal(0, 1 / np.sqrt(in_channels * size * size), (out_channels, in_channels, size, size))
    return weight, rng.normal(0, 1, out_channels)


def named_filter(kind: str, size: int, in_channels: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``kind`` 'edge', 'blur' or 'random' (one output channel)."""
    choice("kind", kind, FILTER_KINDS)
    if kind == "edge":
        return edge_filter(in_channels, size)
    if kind == "blur":
        return blur_filter(in_channels, size)
    return random_filter(in_channels, size, 1, seed)
