"""Batch normalisation at inference, as ``torch.nn.functional.batch_norm(training=False)``, and its trace.

Per channel ``c``: ``y = (x − mean[c]) / sqrt(var[c] + eps) · weight[c] + bias[c]``, with the running mean and
variance a trained network stores (Ioffe & Szegedy, 2015).  :func:`trace_batch_norm` keeps each term the scenes
write out: the centred value, the standard deviation, the normalised value, the scaled one, the output.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..arguments import as_image_batch, as_numeric_array, real_number


def _channel_vector(name: str, value: object, channels: int, default: float) -> np.ndarray:
    if value is None:  # the default takes no part in the result's dtype: int8 keeps float32 out of the way
        return np.full(channels, default, dtype=np.int8)
    v = as_numeric_array(name, value)
    if v.shape != (channels,):
        raise ValueError(f"{name} must have one value per channel, shape ({channels},); got shape {v.shape}")
    return v


def _checked(input, running_mean, running_var, weight, bias, eps):
    x, squeeze = as_image_batch("input", input)
    channels = x.shape[1]
    mean = _channel_vector("running_mean", running_mean, channels, 0.0)
    var = _channel_vector("running_var", running_var, channels, 1.0)
    if np.any(var < 0):
        raise ValueError(f"running_var must not be negative; got {var.min()}")
    eps = real_number("eps", eps)
    if not eps >= 0:
        raise ValueError(f"eps must be 0 or more; got {eps}")
    gamma = _channel_vector("weight", weight, channels, 1.0)
    beta = _channel_vector("bias", bias, channels, 0.0)
    return x, squeeze, mean, var, gamma, beta, float(eps)


def batch_norm(input: object, running_mean: object, running_var: object, weight: object = None,
               bias: object = None, eps: float = 1e-5) -> np.ndarray:
    """Inference batch norm: ``input`` (N, C, H, W) or (C, H, W); ``running_mean``, ``running_var``, ``weight``
    (γ, default 1) and ``bias`` (β, default 0) of shape (C,).  Returns the input's shape, as floats."""
    return trace_batch_norm(input, running_mean, running_var, weight, bias, eps).output


@dataclass(frozen=True)
class BatchNormTrace:
    """Every term of an inference batch norm.  ``input`` and the four maps below are shaped as the input
    ((N, C, H, W) or (C, H, W)); ``mean``, ``var``, ``weight``, ``bias`` and ``std`` are (C,).

    ``centred = input − mean``; ``std = sqrt(var + eps)``; ``normalized = centred / std``;
    ``scaled = normalized · weight``; ``output = scaled + bias``.
    """

    input: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    weight: np.ndarray
    bias: np.ndarray
    eps: float
    std: np.ndarray
    centred: np.ndarray
    normalized: np.ndarray
    scaled: np.ndarray
    output: np.ndarray

    def scale(self) -> np.ndarray:
        """(C,) what each channel is multiplied by, ``weight / std``: the factor a folded conv's weights take."""
        return self.weight / self.std

    def shift(self) -> np.ndarray:
        """(C,) what is added after the scale, ``bias − mean · weight / std``."""
        return self.bias - self.mean * self.scale()


def trace_batch_norm(input: object, running_mean: object, running_var: object, weight: object = None,
                     bias: object = None, eps: float = 1e-5) -> BatchNormTrace:
    """:func:`batch_norm` with every term kept (see :class:`BatchNormTrace`)."""
    x, squeeze, mean, var, gamma, beta, eps = _checked(input, running_mean, running_var, weight, bias, eps)
    x = x.astype(np.result_type(x.dtype, mean.dtype, var.dtype, gamma.dtype, beta.dtype, np.float32))
    column = (slice(None), None, None)  # (C,) against (N, C, H, W)
    std = np.sqrt(var.astype(x.dtype) + x.dtype.type(eps))
    centred = x - mean.astype(x.dtype)[column]
    normalized = centred / std[column]
    scaled = normalized * gamma.astype(x.dtype)[column]
    output = scaled + beta.astype(x.dtype)[column]
    maps = [centred, normalized, scaled, output]
    if squeeze:
        x, maps = x[0], [m[0] for m in maps]
    return BatchNormTrace(x, mean, var, gamma, beta, eps, std, *maps)


__all__ = ["batch_norm", "trace_batch_norm", "BatchNormTrace"]
