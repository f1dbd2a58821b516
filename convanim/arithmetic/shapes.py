"""Output sizes and parameter counts: the one home of each formula.

Every other module (and every scene) asks these functions; no second copy of
a size formula exists in the project.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ..arguments import Pair, pair, whole_numbers
from ..statements import untranslated


def side_padding(before: int, after: int) -> float:
    """The ``p`` of the size formula for an axis padded ``before`` and ``after``: the mean of the two sides
    (a whole number when they are equal)."""
    return before if before == after else (before + after) / 2


def output_size(i: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1,
                ceil_mode: bool = False) -> int:
    """Length of a convolution or pooling output along one axis.

    ``o = floor((i + 2p - d(k-1) - 1) / s) + 1`` (PyTorch's Conv2d/MaxPool2d
    docs; Dumoulin & Visin, relationship 6 with dilation).  With ``ceil_mode``
    the division rounds up, but a last window that would start inside the
    right/bottom padding is dropped, as PyTorch's pooling does.  ``padding``
    here is the padding on *each* side; for asymmetric padding pass the mean
    of the two sides (``(before + after) / 2``), as ``padded_output_size`` does.
    Returns 0 or less when the kernel does not fit; callers check that.
    """
    if ceil_mode:
        return _ceil_mode_sizes(i, k, stride, padding, dilation)[1]
    return int((i + 2 * padding - dilation * (k - 1) - 1) // stride + 1)


def _ceil_mode_sizes(i: int, k: int, stride: int, padding: int, dilation: int) -> tuple[int, int]:
    """(size rounded up, size after dropping a last window that starts in the padding)."""
    rounded_up = -(-(i + 2 * padding - dilation * (k - 1) - 1) // stride) + 1
    kept = rounded_up - 1 if (rounded_up - 1) * stride >= i + padding else rounded_up
    return int(rounded_up), int(kept)


def output_size_formula(i: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1,
                        ceil_mode: bool = False, lookup: Callable[[str], str] = untranslated) -> str:
    """The output-size formula with the numbers substituted, for captions.

    ``output_size_formula(5, 3, 2, 1)`` ->
    ``'o = ⌊(i + 2p − d(k−1) − 1)/s⌋ + 1 = ⌊(5 + 2·1 − 1·(3−1) − 1)/2⌋ + 1 = 3'``;
    the value comes from :func:`output_size`.  With ``ceil_mode`` the
    brackets round up, and a window that would start in the padding is
    dropped (said at the end when it happens; ``lookup`` gives that sentence
    in the scene's language, see ``convanim.statements``).
    """
    lo, hi = ("⌈", "⌉") if ceil_mode else ("⌊", "⌋")
    o = output_size(i, k, stride, padding, dilation, ceil_mode)
    text = (f"o = {lo}(i + 2p − d(k−1) − 1)/s{hi} + 1 = {lo}({i} + 2·{padding} − {dilation}·({k}−1) − 1)/{stride}{hi}"
            f" + 1 = {o}")
    if ceil_mode and _ceil_mode_sizes(i, k, stride, padding, dilation)[0] != o:
        text += "  " + lookup("(window {n} would start in the padding: dropped)").format(n=o + 1)
    return text


def transpose_output_size_formula(i: int, k: int, stride: int = 1, padding: int = 0, output_padding: int = 0,
                                  dilation: int = 1) -> str:
    """The transposed-convolution size formula with the numbers substituted (value from
    :func:`transpose_output_size`)."""
    o = transpose_output_size(i, k, stride, padding, output_padding, dilation)
    return (f"o = (i−1)s − 2p + d(k−1) + output_padding + 1 = ({i}−1)·{stride} − 2·{padding} + "
            f"{dilation}·({k}−1) + {output_padding} + 1 = {o}")


def padded_output_size(i: int, k: int, stride: int, before: int, after: int, dilation: int = 1) -> int:
    """:func:`output_size` for asymmetric padding (``'same'`` with an even kernel)."""
    return output_size(i + before + after, k, stride, 0, dilation)


def transpose_output_size(i: int, k: int, stride: int = 1, padding: int = 0, output_padding: int = 0,
                          dilation: int = 1) -> int:
    """Length of a transposed-convolution output along one axis.

    ``o = (i - 1)s - 2p + d(k - 1) + output_padding + 1`` (PyTorch's
    ConvTranspose2d docs; Dumoulin & Visin, relationships 8-14).
    """
    return int((i - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1)


def axes_product(name: str, sizes: object, minimum: int) -> int:
    """The product of an int taken for both axes of a plane, a pair (H, W), or one to three sizes as a tuple (a
    1-D or 3-D conv's), each at least ``minimum``."""
    if isinstance(sizes, (tuple, list)) and len(sizes) in (1, 3):
        return int(np.prod(whole_numbers(name, sizes, minimum, len(sizes))))
    h, w = pair(name, sizes, minimum)
    return h * w


def param_count(c_in: int, c_out: int, kernel_size: int | Pair, bias: bool = True, groups: int = 1) -> int:
    """Number of learnable parameters of a conv layer (Conv2d; a tuple of one or three sizes: Conv1d, Conv3d).

    ``c_out * (c_in / groups) * kH * kW + (c_out if bias else 0)``; for
    example 3 filters of 3x3 over 3 channels: 3*3*3*3 + 3 = 84.
    """
    taps = axes_product("kernel_size", kernel_size, 1)
    for name, value in (("c_in", c_in), ("c_out", c_out), ("groups", groups)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int; got {value!r}")
    if c_in % groups or c_out % groups:
        raise ValueError(f"groups={groups} must divide both c_in={c_in} and c_out={c_out}")
    return c_out * (c_in // groups) * taps + (c_out if bias else 0)


def macs(c_in: int, c_out: int, kernel_size: int | Pair, output_size: int | Pair, groups: int = 1) -> int:
    """Multiply-adds of a conv layer for one image: one per weight per output position (a Conv2d; tuples of one
    or three sizes: a Conv1d or Conv3d).

    ``c_out · (c_in / groups) · kH · kW · oH · oW`` (each output value is a sum
    of ``(c_in / groups) · kH · kW`` products; the bias additions are not
    counted, as in the usual MAC counts).  For example a 3×3 conv from 3 to 3
    channels with a 2×2 output: 3·3·3·3·2·2 = 324; its depthwise-separable
    version, 3·1·3·3·2·2 + 3·3·1·1·2·2 = 108 + 36 = 144.
    """
    positions = axes_product("output_size", output_size, 0)
    return param_count(c_in, c_out, kernel_size, bias=False, groups=groups) * positions


def effective_kernel(k: int, dilation: int) -> int:
    """Extent of a dilated kernel: ``d(k - 1) + 1``."""
    return dilation * (k - 1) + 1
