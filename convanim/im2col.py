"""im2col and col2im (Saito, *Deep Learning from Scratch*, chapter 7).

``im2col`` lays every window out as one row, so that a convolution becomes
one matrix product: ``im2col(x) @ weight.reshape(C_out, -1).T``.  The
matrix can be filled two ways with identical results: ``method='kernel'``
copies KH·KW strided slices of the whole output grid (the book's way, few
Python steps), ``method='window'`` copies OH·OW windows one by one.
"""
from __future__ import annotations

import numpy as np

from . import config
from .arguments import as_image_batch, as_numeric_array, choice
from .geometry import sliding_geometry
from .padding import pad_input
from .windows import kernel_slice


def im2col(input: object, kernel_size: object, stride: object = 1, padding: object = 0,
           dilation: object = 1, method: str = "kernel") -> np.ndarray:
    """Unroll windows into rows: (N, C, H, W) -> (N·OH·OW, C·KH·KW).

    Row ``(n*OH + oy)*OW + ox`` holds window (oy, ox) of sample n, ordered
    channel-major then kernel row then kernel column (``weight.reshape(C_out,
    -1)`` uses the same order).  ``padding`` as conv2d (int, pair, 'valid',
    'same'); zeros are padded.  ``method`` ``'kernel'`` or ``'window'``.
    """
    choice("method", method, ("kernel", "window"))
    x4, _ = as_image_batch("input", input)
    g = sliding_geometry(x4.shape[2:], kernel_size, stride, padding, dilation)
    n, c = x4.shape[:2]
    kh, kw = g.kernel
    oh, ow = g.out
    config.check_allocation("im2col", (n * oh * ow, c * kh * kw), x4.dtype.itemsize)
    xp = pad_input(x4, g.pads)
    if method == "kernel":
        cols = np.empty((n, c, kh, kw, oh, ow), dtype=x4.dtype)
        for ky in range(kh):
            for kx in range(kw):
                cols[:, :, ky, kx] = xp[(..., *kernel_slice(ky, kx, g.stride, g.dilation, g.out))]
        return cols.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, c * kh * kw)
    cols = np.empty((n, oh, ow, c, kh, kw), dtype=x4.dtype)
    for oy in range(oh):
        for ox in range(ow):
            y, x = g.window_origin(oy, ox)
            cols[:, oy, ox] = xp[:, :, y:y + g.dilation[0] * (kh - 1) + 1:g.dilation[0],
                                 x:x + g.dilation[1] * (kw - 1) + 1:g.dilation[1]]
    return cols.reshape(n * oh * ow, c * kh * kw)


def col2im(cols: object, input_shape: tuple[int, ...], kernel_size: object, stride: object = 1,
           padding: object = 0, dilation: object = 1) -> np.ndarray:
    """Fold rows back into an image, summing where windows overlap (the adjoint of im2col).

    ``cols`` (N·OH·OW, C·KH·KW) -> array of ``input_shape`` (N, C, H, W) or
    (C, H, W); padding cells are dropped.
    """
    shape = tuple(input_shape)
    if len(shape) not in (3, 4) or not all(isinstance(v, (int, np.integer)) and v > 0 for v in shape):
        raise ValueError(f"input_shape must be (N, C, H, W) or (C, H, W) of positive ints; got {input_shape!r}")
    n, c, h, w = shape if len(shape) == 4 else (1, *shape)
    g = sliding_geometry((h, w), kernel_size, stride, padding, dilation)
    kh, kw = g.kernel
    oh, ow = g.out
    m = as_numeric_array("cols", cols)
    if m.shape != (n * oh * ow, c * kh * kw):
        raise ValueError(f"cols must have shape (N·OH·OW, C·KH·KW) = ({n * oh * ow}, {c * kh * kw}) for "
                         f"input_shape {shape} and kernel {g.kernel}; got {m.shape}")
    blocks = m.reshape(n, oh, ow, c, kh, kw).transpose(0, 3, 4, 5, 1, 2)
    hp, wp = g.padded
    image = np.zeros((n, c, hp, wp), dtype=m.dtype)
    for ky in range(kh):
        for kx in range(kw):
            image[(..., *kernel_slice(ky, kx, g.stride, g.dilation, g.out))] += blocks[:, :, ky, kx]
    t, _, l, _ = g.pads
    image = image[:, :, t:t + h, l:l + w]
    return image if len(shape) == 4 else image[0]

