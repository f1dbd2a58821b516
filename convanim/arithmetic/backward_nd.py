"""The backward pass of conv1d and conv3d with PyTorch's semantics, computed by conv2d's.

conv1d's gradients are conv2d's for a map one row high.  conv3d's output plane ``od`` is a sum over the
kernel's depth ``kd`` of 2-D convs of input plane ``od·s + kd·d`` with kernel plane ``kd``
(:mod:`convanim.arithmetic.conv_nd`), so each 2-D backward pass gives that pair's share: the gradient of
kernel plane ``kd`` sums over the output planes, and each input plane's gradient sums over the pairs that
read it.  Depth padding then folds back into the input as in 2-D (zero padding's share dropped, the other
modes' share to the cell they copied).
"""
from __future__ import annotations

import numpy as np

from ..arguments import as_numeric_array, result_dtype
from .backward import conv2d_backward
from .conv_nd import check_conv_nd
from .padding import _fold_axis, pad_axes, padding_sources


def _grad_output(grad_output: object, expected: tuple[int, ...], squeeze: bool, forward: str) -> np.ndarray:
    g = as_numeric_array("grad_output", grad_output)
    want = expected[1:] if squeeze else expected
    if g.shape != want:
        raise ValueError(f"grad_output must have the shape of the {forward} output, {want}; got shape {g.shape}")
    return g[None] if squeeze else g


def conv1d_backward(input: object, weight: object, grad_output: object, stride: object = 1, padding: object = 0,
                    dilation: object = 1, groups: int = 1, padding_mode: str = "zeros"
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of ``conv1d(input, weight, bias, ...)`` given ``grad_output`` = dL/d(output): ``(grad_input,
    grad_weight, grad_bias)`` shaped as ``input`` ((N, C_in, L) or (C_in, L)), ``weight`` (C_out, C_in/groups,
    K) and (C_out,), as ``torch.autograd`` gives them.  Options as :func:`~convanim.conv1d`."""
    x, w, _, (s,), ((before, after),), (d,), groups, out, squeeze = check_conv_nd(
        input, weight, None, stride, padding, dilation, groups, padding_mode, 1)
    g = _grad_output(grad_output, (x.shape[0], w.shape[0], *out), squeeze, "conv1d")
    gi, gw, gb = conv2d_backward(x[:, :, None, :], w[:, :, None, :], g[:, :, None, :], (1, s), (0, 0, before, after),
                                 (1, d), groups, padding_mode)
    gi = gi[:, :, 0]
    return (gi[0] if squeeze else gi), gw[:, :, 0], gb


def conv3d_backward(input: object, weight: object, grad_output: object, stride: object = 1, padding: object = 0,
                    dilation: object = 1, groups: int = 1, padding_mode: str = "zeros"
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of ``conv3d(input, weight, bias, ...)`` given ``grad_output`` = dL/d(output): ``(grad_input,
    grad_weight, grad_bias)`` shaped as ``input`` ((N, C_in, D, H, W) or (C_in, D, H, W)), ``weight`` (C_out,
    C_in/groups, KD, KH, KW) and (C_out,), as ``torch.autograd`` gives them.  Options as
    :func:`~convanim.conv3d`; integer arguments give exact integer gradients."""
    x, w, _, strides, pads, dilations, groups, out, squeeze = check_conv_nd(
        input, weight, None, stride, padding, dilation, groups, padding_mode, 3)
    g = _grad_output(grad_output, (x.shape[0], w.shape[0], *out), squeeze, "conv3d")
    dtype = result_dtype(x, w, g)
    x, w, g = (a.astype(dtype, copy=False) for a in (x, w, g))
    xd = pad_axes(x, pads[:1] + ((0, 0), (0, 0)), padding_mode)
    n, c, od, sd, dd = x.shape[0], x.shape[1], out[0], strides[0], dilations[0]
    hw_pads = (*pads[1], *pads[2])
    g_batch = np.moveaxis(g, 2, 1).reshape(n * od, w.shape[0], *out[1:])
    grad_xd = np.zeros(xd.shape, dtype=dtype)
    grad_w = np.zeros(w.shape, dtype=dtype)
    for kd in range(w.shape[2]):
        depth = slice(kd * dd, kd * dd + sd * (od - 1) + 1, sd)  # the input planes kernel plane kd reads
        planes = np.moveaxis(xd[:, :, depth], 2, 1).reshape(n * od, c, *x.shape[3:])
        gi, gw, _ = conv2d_backward(planes, w[:, :, kd], g_batch, strides[1:], hw_pads, dilations[1:], groups,
                                    padding_mode)
        grad_w[:, :, kd] = gw
        grad_xd[:, :, depth] += np.moveaxis(gi.reshape(n, od, c, *x.shape[3:]), 1, 2)
    (before, after), size = pads[0], x.shape[2]
    grad_x = _fold_axis(grad_xd, padding_sources(size, before, after, padding_mode), 2, before, size)
    grad_b = g.sum(axis=(0, 2, 3, 4))
    return (grad_x[0] if squeeze else grad_x), grad_w, grad_b


__all__ = ["conv1d_backward", "conv3d_backward"]
