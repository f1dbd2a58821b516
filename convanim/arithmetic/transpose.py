"""conv_transpose2d, and the ordinary convolution that computes the same thing.

A transposed convolution with stride s, padding p, dilation d and kernel k
equals a stride-1 convolution over the input with s-1 zeros inserted between
units, padded by d(k-1)-p on each side (plus output_padding at the
bottom/right), with the kernel flipped and its in/out axes swapped
(Dumoulin & Visin, "A guide to convolution arithmetic for deep learning",
relationships 8-14).  :func:`transposed_as_direct` builds that convolution so
that a scene can show a transposed conv as an ordinary one.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import config
from ..arguments import as_image_batch, as_numeric_array, as_weight, pair, positive_int, result_dtype
from .conv import check_conv, convolve
from .shapes import transpose_output_size


@dataclass(frozen=True)
class TransposedAsDirect:
    """The direct convolution equal to a transposed one.

    ``input`` (N, C_in, Hd, Wd), or (C_in, Hd, Wd) for a 3-d input: the
    zero-inserted and padded input.
    ``weight`` (C_out, C_in/groups, KH, KW): flipped, in/out swapped.
    ``bias`` (C_out,) or None; ``dilation`` and ``groups`` of the direct conv
    (stride 1, no further padding).  ``inserted`` (Hd, Wd) is True on the
    zeros put between input units, ``padding`` (Hd, Wd) True on the border
    (and output_padding) cells; ``source_rows`` (H,) / ``source_cols`` (W,)
    give where input row/column i landed.  ``squeeze``: the caller passed 3-d.
    """

    input: np.ndarray
    weight: np.ndarray
    bias: np.ndarray | None
    dilation: tuple[int, int]
    groups: int
    inserted: np.ndarray
    padding: np.ndarray
    source_rows: np.ndarray
    source_cols: np.ndarray
    squeeze: bool


def transposed_as_direct(input: object, weight: object, bias: object = None, stride: object = 1,
                         padding: object = 0, output_padding: object = 0, groups: int = 1,
                         dilation: object = 1) -> TransposedAsDirect:
    """Build the direct convolution equal to ``conv_transpose2d`` with these arguments.

    Shapes as :func:`conv_transpose2d`.  ``conv2d(r.input, r.weight, r.bias,
    dilation=r.dilation, groups=r.groups)`` gives the transposed result.
    """
    x4, squeeze = as_image_batch("input", input)
    w = as_weight("weight", weight, "(C_in, C_out/groups, KH, KW)")
    groups = positive_int("groups", groups)
    c_in = x4.shape[1]
    if w.shape[0] != c_in or c_in % groups:
        raise ValueError(f"conv_transpose2d weight must be (C_in, C_out/groups, KH, KW) with C_in = "
                         f"{c_in} (input shape {x4.shape}) divisible by groups={groups}; got weight {w.shape}")
    s, p = pair("stride", stride, 1), pair("padding", padding, 0)
    op, d = pair("output_padding", output_padding, 0), pair("dilation", dilation, 1)
    for axis in (0, 1):
        if op[axis] >= s[axis] and op[axis] >= d[axis]:
            raise ValueError(f"output_padding {op} must be smaller than stride {s} or dilation {d} "
                             f"on each axis (PyTorch's rule)")
    kernel = w.shape[2:]
    out = tuple(transpose_output_size(i, k, si, pi, oi, di)
                for i, k, si, pi, oi, di in zip(x4.shape[2:], kernel, s, p, op, d))
    if min(out) < 1:
        raise ValueError(f"conv_transpose2d output would be {out[0]}×{out[1]} for input {x4.shape[2:]}, "
                         f"kernel {kernel}, stride {s}, padding {p}, output_padding {op}, dilation {d}: "
                         f"o = (i-1)s - 2p + d(k-1) + output_padding + 1 must be >= 1")
    dtype = result_dtype(x4, w)
    h, wd = x4.shape[2:]
    grown = ((h - 1) * s[0] + 1, (wd - 1) * s[1] + 1)
    before = [d[a] * (kernel[a] - 1) - p[a] for a in (0, 1)]
    after = [before[a] + op[a] for a in (0, 1)]
    full = tuple(max(before[a], 0) + grown[a] + max(after[a], 0) for a in (0, 1))
    config.check_allocation("transposed_as_direct input", (*x4.shape[:2], *full), dtype.itemsize)
    big = np.zeros((*x4.shape[:2], *full), dtype=dtype)
    r0, c0 = max(before[0], 0), max(before[1], 0)
    big[:, :, r0:r0 + grown[0]:s[0], c0:c0 + grown[1]:s[1]] = x4
    is_input = np.zeros(full, dtype=bool)
    is_input[r0:r0 + grown[0]:s[0], c0:c0 + grown[1]:s[1]] = True
    is_padding = np.ones(full, dtype=bool)
    is_padding[r0:r0 + grown[0], c0:c0 + grown[1]] = False
    # Negative padding (p > d(k-1)) crops instead.
    crop = (slice(max(-before[0], 0), full[0] - max(-after[0], 0)),
            slice(max(-before[1], 0), full[1] - max(-after[1], 0)))
    rows = r0 + np.arange(h) * s[0] - crop[0].start
    cols = c0 + np.arange(wd) * s[1] - crop[1].start
    c_out_g = w.shape[1]
    cg = c_in // groups
    flipped = w[:, :, ::-1, ::-1].reshape(groups, cg, c_out_g, *kernel).transpose(0, 2, 1, 3, 4)
    direct_w = np.ascontiguousarray(flipped.reshape(groups * c_out_g, cg, *kernel))
    b = None if bias is None else as_numeric_array("bias", bias)
    if b is not None and b.shape != (groups * c_out_g,):
        raise ValueError(f"bias must have shape (C_out,) = ({groups * c_out_g},); got {b.shape}")
    inserted = ~is_input & ~is_padding
    big = big[(..., *crop)]
    return TransposedAsDirect(big[0] if squeeze else big, direct_w, b, d, groups, inserted[crop], is_padding[crop],
                              rows, cols, squeeze)


def conv_transpose2d(input: object, weight: object, bias: object = None, stride: object = 1,
                     padding: object = 0, output_padding: object = 0, groups: int = 1,
                     dilation: object = 1) -> np.ndarray:
    """Transposed convolution as ``torch.nn.functional.conv_transpose2d``.

    ``input`` (N, C_in, H, W) or (C_in, H, W); ``weight`` (C_in, C_out/groups,
    KH, KW); ``bias`` (C_out,); result (N, C_out, OH, OW) with
    ``OH = (H-1)s - 2p + d(KH-1) + output_padding + 1``.
    """
    direct = transposed_as_direct(input, weight, bias, stride, padding, output_padding, groups, dilation)
    layer = check_conv(direct.input, direct.weight, direct.bias, 1, 0, direct.dilation, direct.groups)
    out = convolve(layer)
    return out[0] if direct.squeeze else out
