"""Pixel shuffle: channels become space (and back), as ``torch.nn.functional.pixel_shuffle``.

Shi et al. (2016), "Real-Time Single Image and Video Super-Resolution Using
an Efficient Sub-Pixel Convolutional Neural Network": a convolution makes
C·r² channels at low resolution, and the shuffle lays each group of r²
channels out as one r×r block of a C-channel image r times larger:

    out[..., c, h·r + i, w·r + j] = in[..., c·r² + i·r + j, h, w]

:func:`pixel_unshuffle` is its inverse.  Values are moved, never changed.
"""
from __future__ import annotations

import numpy as np

from ..arguments import as_numeric_array, positive_int


def _check(name: str, input: object, factor_name: str, factor: object) -> tuple[np.ndarray, int]:
    x = as_numeric_array("input", input)
    r = positive_int(factor_name, factor)
    if x.ndim < 3:
        raise ValueError(f"{name} needs input (*, C, H, W) with at least 3 dimensions; got shape {x.shape}")
    return x, r


def pixel_shuffle(input: object, upscale_factor: int) -> np.ndarray:
    """(*, C·r², H, W) -> (*, C, H·r, W·r) with r = ``upscale_factor``: channel c·r² + i·r + j of each
    pixel (h, w) goes to pixel (h·r + i, w·r + j) of channel c."""
    x, r = _check("pixel_shuffle", input, "upscale_factor", upscale_factor)
    *batch, c, h, w = x.shape
    if c % (r * r):
        raise ValueError(f"pixel_shuffle needs the channels ({c}, shape {x.shape}) divisible by "
                         f"upscale_factor² = {r}² = {r * r}")
    blocks = x.reshape(*batch, c // (r * r), r, r, h, w)                 # (*, C, i, j, h, w)
    n = len(batch)
    order = [*range(n), n, n + 3, n + 1, n + 4, n + 2]                     # (*, C, h, i, w, j)
    return np.ascontiguousarray(blocks.transpose(order)).reshape(*batch, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: object, downscale_factor: int) -> np.ndarray:
    """(*, C, H·r, W·r) -> (*, C·r², H, W) with r = ``downscale_factor``: the inverse of
    :func:`pixel_shuffle`, each r×r block of a channel becoming r² channels of one pixel."""
    x, r = _check("pixel_unshuffle", input, "downscale_factor", downscale_factor)
    *batch, c, hr, wr = x.shape
    if hr % r or wr % r:
        raise ValueError(f"pixel_unshuffle needs height and width ({hr}×{wr}, shape {x.shape}) divisible by "
                         f"downscale_factor = {r}")
    h, w = hr // r, wr // r
    blocks = x.reshape(*batch, c, h, r, w, r)                              # (*, C, h, i, w, j)
    n = len(batch)
    order = [*range(n), n, n + 2, n + 4, n + 1, n + 3]                     # (*, C, i, j, h, w)
    return np.ascontiguousarray(blocks.transpose(order)).reshape(*batch, c * r * r, h, w)


def shuffle_destinations(shape: tuple[int, int, int], upscale_factor: int) -> np.ndarray:
    """Where :func:`pixel_shuffle` puts each value of an input of ``shape`` (C·r², H, W): an int array
    (C·r², H, W, 3) of (channel, row, column) in the (C, H·r, W·r) output."""
    c, h, w = (positive_int("shape", n) for n in shape)
    r = positive_int("upscale_factor", upscale_factor)
    places = pixel_shuffle(np.arange(c * h * w).reshape(c, h, w), r)   # each output cell: its input's flat index
    out = np.empty((c * h * w, 3), dtype=np.int64)
    out[places.ravel()] = np.argwhere(np.ones(places.shape, dtype=bool))
    return out.reshape(c, h, w, 3)
