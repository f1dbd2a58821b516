"""max_pool1d, avg_pool1d, max_pool3d and avg_pool3d with PyTorch's semantics, computed by the 2-D pools.

1-D pooling is 2-D pooling of a map one row high (window ``1×K``).  3-D pooling takes each output plane ``od``
from the input planes its window spans in depth (``od·s + kd·d − p``): the 2-D pool of each of those planes,
then the largest of them (max; ties to the first plane, a NaN wins as in the 2-D pool) or their sum divided by
the window's count (average: the product of each axis's count, :func:`~convanim.arithmetic.pool.axis_extents`).
"""
from __future__ import annotations

import numpy as np

from .. import config
from ..arguments import as_batch, whole_numbers
from .pool import _first_inside, _lowest, avg_pool2d, axis_extents, max_pool2d, real_number
from .shapes import output_size


def check_pool_nd(input: object, kernel_size: object, stride: object, padding: object, dilation: object,
                  ceil_mode: bool, spatial: int):
    """Check a 1-D (``spatial=1``) or 3-D (3) pooling call by PyTorch's rules (stride defaults to the kernel,
    padding at most half the kernel, the window inside the padded input).  Returns ``(x, kernel, stride,
    padding, dilation, out, squeeze)`` with ``x`` (N, C, *sizes) and one number per axis for the rest."""
    x, squeeze = as_batch("input", input, spatial)
    kernel = whole_numbers("kernel_size", kernel_size, 1, spatial)
    strides = kernel if stride is None else whole_numbers("stride", stride, 1, spatial)
    pads = whole_numbers("padding", padding, 0, spatial)
    dilations = whole_numbers("dilation", dilation, 1, spatial)
    shown = (lambda t: str(t[0])) if spatial == 1 else (lambda t: "×".join(map(str, t)))
    if any(p > k // 2 for p, k in zip(pads, kernel)):
        raise ValueError(f"padding {shown(pads)} must be at most half of kernel_size {shown(kernel)} "
                         f"(padding <= kernel_size // 2 on each axis, as PyTorch requires)")
    sizes = tuple(x.shape[2:])
    out = tuple(output_size(i, k, s, p, d, bool(ceil_mode))
                for i, k, s, p, d in zip(sizes, kernel, strides, pads, dilations))
    if min(out) < 1:
        raise ValueError(f"kernel_size {shown(kernel)} with dilation {shown(dilations)} does not fit the input "
                         f"{shown(sizes)} padded by {shown(pads)}; the output would be {shown(out)}")
    config.check_allocation("pooling output", (*x.shape[:2], *out), 8)
    return x, kernel, strides, pads, dilations, out, squeeze


def max_pool1d(input: object, kernel_size: object, stride: object = None, padding: object = 0,
               dilation: object = 1, ceil_mode: bool = False, return_indices: bool = False):
    """Max pooling as ``torch.nn.functional.max_pool1d``: ``input`` (N, C, L) or (C, L) -> (…, OL).

    Padding counts as -inf and may be at most half the kernel; ``return_indices`` also returns int64 indices
    into L.  Ties, NaN and dtype as :func:`~convanim.max_pool2d`."""
    x, (k,), (s,), (p,), (d,), _, squeeze = check_pool_nd(input, kernel_size, stride, padding, dilation,
                                                         ceil_mode, 1)
    result = max_pool2d(x[:, :, None, :], (1, k), (1, s), (0, p), (1, d), ceil_mode, return_indices)
    rows = [r[:, :, 0] for r in (result if return_indices else (result,))]
    rows = [r[0] for r in rows] if squeeze else rows
    return tuple(rows) if return_indices else rows[0]


def avg_pool1d(input: object, kernel_size: object, stride: object = None, padding: object = 0,
               ceil_mode: bool = False, count_include_pad: bool = True) -> np.ndarray:
    """Average pooling as ``torch.nn.functional.avg_pool1d``: ``input`` (N, C, L) or (C, L) -> (…, OL); the
    divisor as :func:`~convanim.avg_pool2d`'s."""
    x, (k,), (s,), (p,), _, _, squeeze = check_pool_nd(input, kernel_size, stride, padding, 1, ceil_mode, 1)
    out = avg_pool2d(x[:, :, None, :], (1, k), (1, s), (0, p), ceil_mode, count_include_pad)[:, :, 0]
    return out[0] if squeeze else out


def _planes(x: np.ndarray, kernel, strides, pads, dilations, out, fill) -> tuple[np.ndarray, list[np.ndarray]]:
    """The depth-padded input and, for each kernel depth kd, its planes as a batch of 2-D inputs,
    (N·OD, C, H, W); plus which of them lie inside the input, (OD, KD) booleans."""
    (kd, sd, pd, dd, od), n, c = (kernel[0], strides[0], pads[0], dilations[0], out[0]), *x.shape[:2]
    need = (od - 1) * sd + dd * (kd - 1) + 1  # ceil_mode may need room past the padding
    after = max(need - x.shape[2] - pd, pd)
    xd = np.pad(x, [(0, 0), (0, 0), (pd, after), (0, 0), (0, 0)], mode="constant", constant_values=fill)
    batches = [np.moveaxis(xd[:, :, t * dd: t * dd + sd * (od - 1) + 1: sd], 2, 1).reshape(n * od, c, *x.shape[3:])
               for t in range(kd)]
    depth = np.arange(od)[:, None] * sd + np.arange(kd)[None, :] * dd - pd
    return depth, batches


def max_pool3d(input: object, kernel_size: object, stride: object = None, padding: object = 0,
               dilation: object = 1, ceil_mode: bool = False, return_indices: bool = False):
    """Max pooling as ``torch.nn.functional.max_pool3d``: ``input`` (N, C, D, H, W) or (C, D, H, W) ->
    (…, OD, OH, OW).  Options are an int or three (depth, height, width).  ``return_indices`` also returns
    int64 indices ``d·H·W + h·W + w`` into the unpadded volume.  Ties go to the first maximum in (depth, row,
    column) order; a NaN wins; dtype is kept."""
    x, kernel, strides, pads, dilations, out, squeeze = check_pool_nd(input, kernel_size, stride, padding,
                                                                     dilation, ceil_mode, 3)
    n, c, (d_in, h_in, w_in) = x.shape[0], x.shape[1], x.shape[2:]
    depth, batches = _planes(x, kernel, strides, pads, dilations, out, _lowest(x.dtype))
    inside = (depth >= 0) & (depth < d_in)  # (OD, KD): planes of the input, not of the depth padding
    # A window of all -inf reports PyTorch's start: on each axis the first tap at or past the padding.
    starts = [_first_inside(np.arange(o) * s - p, d) for o, s, p, d in zip(out, strides, pads, dilations)]
    start = (starts[0][:, None, None] * (h_in * w_in) + starts[1][None, :, None] * w_in + starts[2][None, None, :])
    shape = (n, out[0], c, *out[1:])
    best = np.full(shape, _lowest(x.dtype), dtype=x.dtype)
    index = np.broadcast_to(start[None, :, None], shape).astype(np.int64)
    for t, batch in enumerate(batches):
        value, plane_index = max_pool2d(batch, kernel[1:], strides[1:], pads[1:], dilations[1:], ceil_mode, True)
        value, plane_index = value.reshape(shape), plane_index.reshape(shape)
        here = inside[:, t][None, :, None, None, None]
        flat = depth[:, t][None, :, None, None, None] * (h_in * w_in) + plane_index
        isnan = np.isnan(value) if np.issubdtype(value.dtype, np.floating) else np.zeros(shape, dtype=bool)
        wins = here & ((value > best) | isnan)
        best, index = np.where(wins, value, best), np.where(wins, flat, index)
    best, index = np.moveaxis(best, 1, 2), np.moveaxis(index, 1, 2)
    if squeeze:
        best, index = best[0], index[0]
    return (best, index) if return_indices else best


def avg_pool3d(input: object, kernel_size: object, stride: object = None, padding: object = 0,
               ceil_mode: bool = False, count_include_pad: bool = True,
               divisor_override: float | None = None) -> np.ndarray:
    """Average pooling as ``torch.nn.functional.avg_pool3d``: ``input`` (N, C, D, H, W) or (C, D, H, W) ->
    (…, OD, OH, OW).  Each window's sum is divided by ``divisor_override`` if given, else by the window clipped
    to the padded input (``count_include_pad``) or to the input, counted per axis.  Integers give float64."""
    x, kernel, strides, pads, _, out, squeeze = check_pool_nd(input, kernel_size, stride, padding, 1, ceil_mode, 3)
    if divisor_override is not None:
        real_number("divisor_override", divisor_override)
        if divisor_override == 0:
            raise ValueError("divisor_override must not be zero")
    n, c = x.shape[:2]
    _, batches = _planes(x, kernel, strides, pads, (1, 1, 1), out, 0)
    sums = sum(avg_pool2d(batch, kernel[1:], strides[1:], pads[1:], ceil_mode, True, 1) for batch in batches)
    sums = np.moveaxis(sums.reshape(n, out[0], c, *out[1:]), 1, 2)
    if divisor_override is not None:
        divisor = float(divisor_override)
    else:
        d, h, w = (axis_extents(i, k, s, p, o, count_include_pad)
                   for i, k, s, p, o in zip(x.shape[2:], kernel, strides, pads, out))
        divisor = (d[:, None, None] * h[None, :, None] * w[None, None, :]).astype(np.float64)
    result = sums / divisor
    return result[0] if squeeze else result


__all__ = ["max_pool1d", "avg_pool1d", "max_pool3d", "avg_pool3d", "check_pool_nd"]
