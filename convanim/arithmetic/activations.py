"""The elementwise activations besides ReLU, with PyTorch's semantics: ``leaky_relu``, ``sigmoid``, ``tanh``.

Any shape in, the same shape out, floats out: an integer input is computed as float64 (torch computes these
on float tensors only).  NaN stays NaN.
"""
from __future__ import annotations

import numpy as np

from ..arguments import as_numeric_array, real_number


def _floats(name: str, value: object) -> np.ndarray:
    x = as_numeric_array(name, value)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def leaky_relu(input: object, negative_slope: float = 0.01) -> np.ndarray:
    """``x`` where ``x ≥ 0``, else ``negative_slope · x``, as ``torch.nn.functional.leaky_relu``; NaN stays NaN."""
    slope = real_number("negative_slope", negative_slope)
    x = _floats("input", input)
    return np.where(x >= 0, x, x * x.dtype.type(slope))  # NaN ≥ 0 is False, and NaN · slope is NaN


def sigmoid(input: object) -> np.ndarray:
    """``1 / (1 + e^(−x))`` elementwise, as ``torch.sigmoid``, computed without overflow for large ``|x|``."""
    x = _floats("input", input)
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1 / (1 + np.exp(-x[positive]))
    e = np.exp(x[~positive])  # x < 0 or NaN: e^x ≤ 1 never overflows
    out[~positive] = e / (1 + e)
    return out


def tanh(input: object) -> np.ndarray:
    """``tanh(x)`` elementwise, as ``torch.tanh``."""
    return np.tanh(_floats("input", input))


__all__ = ["leaky_relu", "sigmoid", "tanh"]
