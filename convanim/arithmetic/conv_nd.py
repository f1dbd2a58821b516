"""conv1d and conv3d with PyTorch's semantics, computed by conv2d.

A 1-D signal ``(N, C, L)`` is a 2-D input one row high, ``(N, C, 1, L)``, and a 1-D kernel ``(F, C/g, K)`` is
one row of taps, ``(F, C/g, 1, K)``: ``conv1d`` is :func:`~convanim.conv2d` on them, with stride 1, no padding
and dilation 1 along the single row.

A 3-D conv is a sum of 2-D ones.  Output plane ``od`` reads the input planes ``od·s + kd·d`` (depth stride
``s``, dilation ``d``), one for each depth ``kd`` of the kernel, and::

    y[:, :, od] = b + Σ_kd conv2d(xp[:, :, od·s + kd·d], w[:, :, kd])

where ``xp`` is the input padded along the depth (each 2-D conv pads its own rows and columns).  The output
planes of one ``kd`` form a batch of 2-D inputs, so the 3-D conv is ``KD`` calls of conv2d.

The checks here name the 1-D or 3-D shapes and options, so a bad argument never reports the 2-D form it is
computed in.
"""
from __future__ import annotations

import numpy as np

from .. import config
from ..arguments import as_batch, as_numeric_array, positive_int, result_dtype, whole_numbers
from .conv import check_channels, conv2d
from .padding import axis_pads, check_axis_padding, pad_axes
from .shapes import effective_kernel, padded_output_size, transpose_output_size
from .transpose import conv_transpose2d

#: The axes of a kernel, for messages.
KERNEL_AXES = {1: "(C_out, C_in/groups, K)", 3: "(C_out, C_in/groups, KD, KH, KW)"}


def check_conv_nd(input: object, weight: object, bias: object, stride: object, padding: object, dilation: object,
                  groups: object, padding_mode: str, spatial: int):
    """Check a conv1d (``spatial=1``) or conv3d (3) call; every error names the argument, its shape and the
    rule, in the call's own terms.  Returns ``(x, w, b, stride, pads, dilation, groups, out, squeeze)`` with
    ``x`` (N, C_in, *sizes), ``pads`` one ``(before, after)`` per axis and ``out`` the output sizes."""
    x, squeeze = as_batch("input", input, spatial)
    w = as_numeric_array("weight", weight)
    if w.ndim != spatial + 2:
        raise ValueError(f"weight must be {spatial + 2}-d {KERNEL_AXES[spatial]}; got shape {w.shape}")
    groups, b = check_channels(x, w, bias, groups)
    strides = whole_numbers("stride", stride, 1, spatial)
    dilations = whole_numbers("dilation", dilation, 1, spatial)
    kernel = tuple(w.shape[2:])
    pads = axis_pads(padding, kernel, strides, dilations)
    sizes = tuple(x.shape[2:])
    out = tuple(padded_output_size(i, k, s, before, after, d)
                for i, k, s, (before, after), d in zip(sizes, kernel, strides, pads, dilations))
    if min(out) < 1:
        spans = tuple(effective_kernel(k, d) for k, d in zip(kernel, dilations))
        padded = tuple(i + before + after for i, (before, after) in zip(sizes, pads))
        shown = (lambda t: str(t[0])) if spatial == 1 else (lambda t: "×".join(map(str, t)))
        raise ValueError(f"kernel_size {shown(kernel)} with dilation {shown(dilations)} spans {shown(spans)}, "
                         f"larger than the padded input {shown(padded)} (input {shown(sizes)}, padding "
                         f"{shown(tuple(p[0] for p in pads))}); the output would be {shown(out)}")
    check_axis_padding(padding_mode, pads, sizes)
    config.check_allocation(f"conv{spatial}d output", (x.shape[0], w.shape[0], *out), result_dtype(x, w, b).itemsize)
    return x, w, b, strides, pads, dilations, groups, out, squeeze


def conv1d(input: object, weight: object, bias: object = None, stride: object = 1, padding: object = 0,
           dilation: object = 1, groups: int = 1, padding_mode: str = "zeros") -> np.ndarray:
    """1-D cross-correlation as ``torch.nn.functional.conv1d`` (plus ``padding_mode``, as ``nn.Conv1d``).

    Shapes: ``input`` (N, C_in, L) or (C_in, L); ``weight`` (C_out, C_in/groups, K); ``bias`` (C_out,); result
    (N, C_out, OL) or (C_out, OL) with ``OL = ⌊(L + 2p − d(K−1) − 1)/s⌋ + 1``.  ``padding`` is an int,
    ``'valid'`` or ``'same'`` (stride 1 only).  Integer inputs give exact integer results.
    """
    x, w, b, (s,), ((before, after),), (d,), groups, _, squeeze = check_conv_nd(
        input, weight, bias, stride, padding, dilation, groups, padding_mode, 1)
    out = conv2d(x[:, :, None, :], w[:, :, None, :], b, (1, s), (0, 0, before, after), (1, d), groups,
                 padding_mode)[:, :, 0]
    return out[0] if squeeze else out


def conv3d(input: object, weight: object, bias: object = None, stride: object = 1, padding: object = 0,
           dilation: object = 1, groups: int = 1, padding_mode: str = "zeros") -> np.ndarray:
    """3-D cross-correlation as ``torch.nn.functional.conv3d`` (plus ``padding_mode``, as ``nn.Conv3d``).

    Shapes: ``input`` (N, C_in, D, H, W) or (C_in, D, H, W); ``weight`` (C_out, C_in/groups, KD, KH, KW);
    ``bias`` (C_out,); result (N, C_out, OD, OH, OW) or (C_out, OD, OH, OW), each size by the one formula of
    :func:`~convanim.output_size`.  ``stride``, ``padding`` and ``dilation`` are an int or three (depth, height,
    width); ``padding`` may be ``'valid'`` or ``'same'`` (stride 1 only).  Integer inputs give exact integer
    results.
    """
    x, w, b, strides, pads, dilations, groups, out, squeeze = check_conv_nd(
        input, weight, bias, stride, padding, dilation, groups, padding_mode, 3)
    dtype = result_dtype(x, w, b)
    x, w = x.astype(dtype, copy=False), w.astype(dtype, copy=False)
    xd = pad_axes(x, pads[:1] + ((0, 0), (0, 0)), padding_mode)  # the depth here; each conv2d pads its planes
    n, c, od = x.shape[0], x.shape[1], out[0]
    sd, dd = strides[0], dilations[0]
    hw_pads = (*pads[1], *pads[2])
    y = np.zeros((n, w.shape[0], *out), dtype=dtype)
    for kd in range(w.shape[2]):
        planes = xd[:, :, kd * dd: kd * dd + sd * (od - 1) + 1: sd]  # (N, C, OD, H, W): one plane per output plane
        batch = np.moveaxis(planes, 2, 1).reshape(n * od, c, *x.shape[3:])
        part = conv2d(batch, w[:, :, kd], None, strides[1:], hw_pads, dilations[1:], groups, padding_mode)
        y += np.moveaxis(part.reshape(n, od, *part.shape[1:]), 1, 2)
    if b is not None:
        y += b.astype(dtype, copy=False)[None, :, None, None, None]
    return y[0] if squeeze else y


def conv_transpose1d(input: object, weight: object, bias: object = None, stride: object = 1, padding: object = 0,
                     output_padding: object = 0, groups: int = 1, dilation: object = 1) -> np.ndarray:
    """Transposed 1-D convolution as ``torch.nn.functional.conv_transpose1d``, computed by
    :func:`~convanim.conv_transpose2d` on a map one row high.

    Shapes: ``input`` (N, C_in, L) or (C_in, L); ``weight`` (C_in, C_out/groups, K); ``bias`` (C_out,); result
    (N, C_out, OL) or (C_out, OL) with ``OL = (L−1)s − 2p + d(K−1) + output_padding + 1``.
    """
    x, squeeze = as_batch("input", input, 1)
    w = as_numeric_array("weight", weight)
    if w.ndim != 3:
        raise ValueError(f"weight must be 3-d (C_in, C_out/groups, K); got shape {w.shape}")
    groups = positive_int("groups", groups)
    if w.shape[0] != x.shape[1] or x.shape[1] % groups:
        raise ValueError(f"conv_transpose1d weight must be (C_in, C_out/groups, K) with C_in = {x.shape[1]} (input "
                         f"shape {x.shape}) divisible by groups={groups}; got weight {w.shape}")
    (s,), (p,) = whole_numbers("stride", stride, 1, 1), whole_numbers("padding", padding, 0, 1)
    (op,), (d,) = whole_numbers("output_padding", output_padding, 0, 1), whole_numbers("dilation", dilation, 1, 1)
    if op >= s and op >= d:
        raise ValueError(f"output_padding {op} must be smaller than stride {s} or dilation {d} (PyTorch's rule)")
    length = transpose_output_size(x.shape[2], w.shape[2], s, p, op, d)
    if length < 1:
        raise ValueError(f"conv_transpose1d output would be {length} for input length {x.shape[2]}, kernel "
                         f"{w.shape[2]}, stride {s}, padding {p}, output_padding {op}, dilation {d}: "
                         f"o = (i−1)s − 2p + d(k−1) + output_padding + 1 must be >= 1")
    out = conv_transpose2d(x[:, :, None, :], w[:, :, None, :], bias, (1, s), (0, p), (0, op), groups,
                           (1, d))[:, :, 0]
    return out[0] if squeeze else out


__all__ = ["conv1d", "conv3d", "conv_transpose1d", "check_conv_nd"]
