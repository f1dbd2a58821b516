"""Folding an inference batch norm into the conv before it: ``fold_batchnorm(conv, bn) -> Conv``.

After a conv, ``bn(conv(x))`` per output channel ``f`` is ``(conv(x)[f] − mean[f]) · s[f] + β[f]`` with
``s = γ / sqrt(var + eps)``: one conv whose filter ``f`` is the old one times ``s[f]`` and whose bias is
``(b[f] − mean[f]) · s[f] + β[f]`` gives the same output (the convolution is linear in its weights).  This is
what inference runtimes do before they run a trained network.  :func:`trace_fold_batchnorm` keeps the terms a
scene writes out.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..arithmetic.batch_norm import trace_batch_norm
from .pipeline import BatchNorm, Conv


@dataclass(frozen=True)
class FoldTrace:
    """The terms of folding ``batch_norm`` into ``conv``; every vector is (F,), one value per filter.

    ``conv_bias``: the conv's bias (zeros when it has none); ``mean``, ``var``, ``weight`` (γ), ``bias`` (β) and
    ``eps``: the batch norm's; ``std = sqrt(var + eps)``; ``scale = γ / std``; ``folded``: the one Conv, weights
    ``conv.weight · scale`` (F, C_in/groups, KH, KW) and bias ``(conv_bias − mean) · scale + β``.
    """

    conv: Conv
    batch_norm: BatchNorm
    conv_bias: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    weight: np.ndarray
    bias: np.ndarray
    eps: float
    std: np.ndarray
    scale: np.ndarray
    folded: Conv


def trace_fold_batchnorm(conv: Conv, bn: BatchNorm) -> FoldTrace:
    """:func:`fold_batchnorm` with its terms kept (see :class:`FoldTrace`)."""
    if not isinstance(conv, Conv) or not isinstance(bn, BatchNorm):
        raise TypeError(f"fold_batchnorm takes a Conv and the BatchNorm after it; got {type(conv).__name__} and "
                        f"{type(bn).__name__}")
    weight = np.asarray(conv.weight)
    channels = weight.shape[0]
    # The batch norm's own terms, from the core's trace of a (C, 1, 1) map of zeros (it checks the shapes).
    norm = trace_batch_norm(np.zeros((channels, 1, 1)), bn.mean, bn.var, bn.weight, bn.bias, bn.eps)
    scale = norm.scale()
    conv_bias = np.zeros(channels) if conv.bias is None else np.asarray(conv.bias, dtype=np.float64)
    folded = dataclasses.replace(conv, weight=weight * scale[:, None, None, None],
                                 bias=(conv_bias - norm.mean) * scale + norm.bias)
    return FoldTrace(conv, bn, conv_bias, norm.mean, norm.var, norm.weight, norm.bias, norm.eps, norm.std, scale,
                     folded)


def fold_batchnorm(conv: Conv, bn: BatchNorm) -> Conv:
    """The one :class:`Conv` equal to ``conv`` followed by ``bn``: weights (C_out, C_in/groups, KH, KW) scaled
    per output channel by ``γ / sqrt(var + eps)``, bias ``(b − mean) · γ / sqrt(var + eps) + β`` (C_out,); every
    other option (stride, padding, dilation, groups, padding_mode) kept."""
    return trace_fold_batchnorm(conv, bn).folded


__all__ = ["FoldTrace", "fold_batchnorm", "trace_fold_batchnorm"]
