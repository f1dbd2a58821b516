"""Folding an inference batch norm into the conv before it: ``fold_batchnorm(conv, bn) -> Conv``.

After a conv, ``bn(conv(x))`` per output channel ``f`` is ``(conv(x)[f] − mean[f]) · s[f] + β[f]`` with
``s = γ / sqrt(var + eps)``: one conv whose filter ``f`` is the old one times ``s[f]`` and whose bias is
``(b[f] − mean[f]) · s[f] + β[f]`` gives the same output (the convolution is linear in its weights).  This is
what inference runtimes do before they run a trained network.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..arithmetic.batch_norm import trace_batch_norm
from .pipeline import BatchNorm, Conv


def fold_batchnorm(conv: Conv, bn: BatchNorm) -> Conv:
    """The one :class:`Conv` equal to ``conv`` followed by ``bn``: weights (C_out, C_in/groups, KH, KW) scaled
    per output channel by ``γ / sqrt(var + eps)``, bias ``(b − mean) · γ / sqrt(var + eps) + β`` (C_out,); every
    other option (stride, padding, dilation, groups, padding_mode) kept."""
    if not isinstance(conv, Conv) or not isinstance(bn, BatchNorm):
        raise TypeError(f"fold_batchnorm takes a Conv and the BatchNorm after it; got {type(conv).__name__} and "
                        f"{type(bn).__name__}")
    weight = np.asarray(conv.weight)
    channels = weight.shape[0]
    # The batch norm's own scale and shift, from the core's trace of a (C, 1, 1) map of zeros.
    trace = trace_batch_norm(np.zeros((channels, 1, 1)), bn.mean, bn.var, bn.weight, bn.bias, bn.eps)
    scale = trace.scale()
    bias = np.zeros(channels) if conv.bias is None else np.asarray(conv.bias, dtype=np.float64)
    return dataclasses.replace(conv, weight=weight * scale[:, None, None, None],
                               bias=(bias - trace.mean) * scale + trace.bias)


__all__ = ["fold_batchnorm"]
