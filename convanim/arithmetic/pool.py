"""max_pool2d, avg_pool2d, their global forms and relu with PyTorch's semantics."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import config
from ..arguments import as_image_batch, as_numeric_array, pair, real_number
from .geometry import WindowGeometry, sliding_geometry
from .padding import conv_pads, pad_input
from .windows import kernel_slice


@dataclass(frozen=True)
class PoolLayer:
    """Checked pooling arguments: ``x`` (N, C, H, W), geometry, options."""

    x: np.ndarray
    geometry: WindowGeometry
    ceil_mode: bool
    squeeze: bool

    def padded_input(self, value: float) -> np.ndarray:
        """Input padded with ``value`` on every side: (N, C, Hp, Wp) with room for ceil_mode.

        Every side gets its ``padding`` cells (whether a window reaches them
        or not); ceil_mode may let the last window run past the bottom/right
        padding, and the array grows to hold it.
        """
        return pad_input(self.x, self.room_pads, "zeros", value)

    @property
    def room_pads(self) -> tuple[int, int, int, int]:
        """(top, bottom, left, right) of :meth:`padded_input`: the padding, grown where ceil_mode needs room."""
        g = self.geometry
        t, b, l, r = g.pads
        need = [(o - 1) * s + d * (k - 1) + 1 for o, s, d, k in zip(g.out, g.stride, g.dilation, g.kernel)]
        return t, max(need[0] - g.input[0] - t, b), l, max(need[1] - g.input[1] - l, r)


def check_pool(x: object, kernel_size: object, stride: object, padding: object, dilation: object,
               ceil_mode: bool) -> PoolLayer:
    """Validate pooling arguments (PyTorch's rules; stride defaults to kernel_size)."""
    x4, squeeze = as_image_batch("input", x)
    kernel = pair("kernel_size", kernel_size, 1)
    if isinstance(padding, (tuple, list)) and len(padding) == 4:  # (top, bottom, left, right), as ONNX may pad
        pads = conv_pads(padding, kernel, (1, 1), (1, 1))
        if ceil_mode and (pads[0] != pads[1] or pads[2] != pads[3]):
            raise ValueError(f"ceil_mode with uneven padding {pads} (top, bottom, left, right) is not supported")
    else:
        ph, pw = pair("padding", padding, 0)
        pads = (ph, ph, pw, pw)
    if max(pads[:2]) > kernel[0] // 2 or max(pads[2:]) > kernel[1] // 2:
        shown = pads if isinstance(padding, (tuple, list)) and len(padding) == 4 else (pads[0], pads[2])
        raise ValueError(f"padding {shown} must be at most half of kernel_size {kernel} "
                         f"(padding <= kernel_size // 2 on each axis, as PyTorch requires)")
    geometry = sliding_geometry(x4.shape[2:], kernel, stride, pads, dilation, bool(ceil_mode),
                                stride_default=kernel)
    config.check_allocation("pooling output", (*x4.shape[:2], *geometry.out), 8)
    return PoolLayer(x4, geometry, bool(ceil_mode), squeeze)


def _lowest(dtype: np.dtype) -> float | int:
    return -np.inf if np.issubdtype(dtype, np.floating) else np.iinfo(dtype).min


def max_pool2d(input: object, kernel_size: object, stride: object = None, padding: object = 0,
               dilation: object = 1, ceil_mode: bool = False, return_indices: bool = False):
    """Max pooling as ``torch.nn.functional.max_pool2d``.

    ``input`` (N, C, H, W) or (C, H, W) -> (…, OH, OW).  Padding counts as
    -inf and may be at most half the kernel; four whole numbers
    ``(top, bottom, left, right)`` pad unevenly (not with ``ceil_mode``).  With ``return_indices`` also
    returns int64 indices ``h*W + w`` into the unpadded plane.  Ties go to the
    first maximum in row-major window order; a NaN wins (the last NaN when
    there are several) so NaN propagates; a window of all -inf reports its
    first cell inside the input.  dtype is kept.
    """
    layer = check_pool(input, kernel_size, stride, padding, dilation, ceil_mode)
    g = layer.geometry
    xp = layer.padded_input(_lowest(layer.x.dtype))
    taps = [(ky, kx) for ky in range(g.kernel[0]) for kx in range(g.kernel[1])]
    if not return_indices:
        out = xp[(..., *kernel_slice(0, 0, g.stride, g.dilation, g.out))].copy()
        for ky, kx in taps[1:]:
            np.maximum(out, xp[(..., *kernel_slice(ky, kx, g.stride, g.dilation, g.out))], out=out)
        return out[0] if layer.squeeze else out
    best, index = _max_with_indices(xp, g, taps)
    if layer.squeeze:
        return best[0], index[0]
    return best, index


def _max_with_indices(xp: np.ndarray, g: WindowGeometry, taps: list[tuple[int, int]]):
    t, _, l, _ = g.pads
    oy = np.arange(g.out[0])[:, None]
    ox = np.arange(g.out[1])[None, :]
    # The first in-bounds cell of each window is PyTorch's starting index.
    first_y = _first_inside(oy * g.stride[0] - t, g.dilation[0])
    first_x = _first_inside(ox * g.stride[1] - l, g.dilation[1])
    index = np.broadcast_to(first_y * g.input[1] + first_x, (*xp.shape[:2], *g.out)).astype(np.int64)
    best = np.full(index.shape, _lowest(xp.dtype), dtype=xp.dtype)
    for ky, kx in taps:
        value = xp[(..., *kernel_slice(ky, kx, g.stride, g.dilation, g.out))]
        y = oy * g.stride[0] + ky * g.dilation[0] - t
        x = ox * g.stride[1] + kx * g.dilation[1] - l
        inside = (y >= 0) & (y < g.input[0]) & (x >= 0) & (x < g.input[1])
        wins = inside & ((value > best) | _isnan(value))
        best = np.where(wins, value, best)
        index = np.where(wins, y * g.input[1] + x, index)
    return best, index


def _first_inside(start: np.ndarray, dilation: int) -> np.ndarray:
    return np.where(start < 0, start + (-start + dilation - 1) // dilation * dilation, start)


def _isnan(a: np.ndarray) -> np.ndarray:
    return np.isnan(a) if np.issubdtype(a.dtype, np.floating) else np.zeros(a.shape, dtype=bool)


def avg_pool2d(input: object, kernel_size: object, stride: object = None, padding: object = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: float | None = None) -> np.ndarray:
    """Average pooling as ``torch.nn.functional.avg_pool2d``.

    ``input`` (N, C, H, W) or (C, H, W) -> (…, OH, OW).  Each window's sum is
    divided by ``divisor_override`` if given, else by the window clipped to
    the padded input (``count_include_pad=True``) or to the input itself
    (``False``).  Integer inputs give float64 results (PyTorch truncates).
    """
    layer = check_pool(input, kernel_size, stride, padding, 1, ceil_mode)
    sums = window_sums(layer)
    divisor = pool_divisors(layer.geometry, count_include_pad, divisor_override)
    out = sums / divisor
    return out[0] if layer.squeeze else out


def window_sums(layer: PoolLayer) -> np.ndarray:
    """Sum of each pooling window over zero padding; (N, C, OH, OW), float."""
    g = layer.geometry
    dtype = np.result_type(layer.x.dtype, np.float32) if np.issubdtype(layer.x.dtype, np.floating) else np.float64
    xp = layer.padded_input(0).astype(dtype, copy=False)
    out = np.zeros((*xp.shape[:2], *g.out), dtype=dtype)
    for ky in range(g.kernel[0]):
        for kx in range(g.kernel[1]):
            out += xp[(..., *kernel_slice(ky, kx, g.stride, g.dilation, g.out))]
    return out


def pool_divisors(g: WindowGeometry, count_include_pad: bool, divisor_override: float | None) -> np.ndarray:
    """Divisor of each output cell, (OH, OW), by PyTorch's avg_pool2d rule."""
    if divisor_override is not None:
        real_number("divisor_override", divisor_override)
        if divisor_override == 0:
            raise ValueError("divisor_override must not be zero")
        return np.full(g.out, divisor_override, dtype=np.float64)
    rows, cols = (axis_extents(g.input[axis], g.kernel[axis], g.stride[axis], g.pads[2 * axis], g.out[axis],
                               count_include_pad) for axis in (0, 1))
    return (rows[:, None] * cols[None, :]).astype(np.float64)


def axis_extents(size: int, k: int, stride: int, padding: int, out: int, count_include_pad: bool) -> np.ndarray:
    """Along one axis, how many cells each of the ``out`` pooling windows counts, (out,) ints: the window
    clipped to the padded input (``count_include_pad``) or to the input itself.  An average pool's divisor is
    the product of its axes' extents (PyTorch's rule)."""
    start = np.arange(out) * stride - padding
    end = np.minimum(start + k, size + padding)
    if not count_include_pad:
        start, end = np.maximum(start, 0), np.minimum(end, size)
    return end - start


def relu(input: object) -> np.ndarray:
    """``max(x, 0)`` elementwise, dtype kept; NaN stays NaN (as torch.relu)."""
    x = as_numeric_array("input", input)
    return np.maximum(x, x.dtype.type(0))


def global_avg_pool2d(input: object) -> np.ndarray:
    """The mean of each map: (N, C, H, W) -> (N, C, 1, 1), or (C, H, W) -> (C, 1, 1), as
    ``torch.nn.AdaptiveAvgPool2d(1)`` and ONNX's GlobalAveragePool.  Integers are averaged as float64."""
    x, squeeze = as_image_batch("input", input)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    out = x.mean(axis=(2, 3), keepdims=True)
    return out[0] if squeeze else out


def global_max_pool2d(input: object) -> np.ndarray:
    """The largest value of each map: (N, C, H, W) -> (N, C, 1, 1), or (C, H, W) -> (C, 1, 1), as
    ``torch.nn.AdaptiveMaxPool2d(1)`` and ONNX's GlobalMaxPool; dtype kept, a NaN in a map gives NaN."""
    x, squeeze = as_image_batch("input", input)
    out = x.max(axis=(2, 3), keepdims=True)
    return out[0] if squeeze else out
