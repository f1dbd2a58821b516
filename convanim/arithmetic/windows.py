"""Strided views of the windows a kernel visits (no copies)."""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..arguments import Pair


def window_view(padded: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair, out: Pair) -> np.ndarray:
    """Read-only view (…, OH, OW, KH, KW) of the windows of ``padded`` (…, Hp, Wp).

    ``view[..., oy, ox, ky, kx] == padded[..., oy*sy + ky*dy, ox*sx + kx*dx]``.
    ``out`` must come from :func:`convanim.arithmetic.shapes.output_size` so that every
    window lies inside ``padded``.
    """
    *lead, sh, sw = padded.strides
    shape = (*padded.shape[:-2], out[0], out[1], kernel[0], kernel[1])
    strides = (*lead, sh * stride[0], sw * stride[1], sh * dilation[0], sw * dilation[1])
    return as_strided(padded, shape=shape, strides=strides, writeable=False)


def kernel_slice(ky: int, kx: int, stride: Pair, dilation: Pair, out: Pair) -> tuple[slice, slice]:
    """Slices of the padded plane that kernel tap (ky, kx) reads across all windows."""
    y0, x0 = ky * dilation[0], kx * dilation[1]
    return (slice(y0, y0 + stride[0] * (out[0] - 1) + 1, stride[0]),
            slice(x0, x0 + stride[1] * (out[1] - 1) + 1, stride[1]))
