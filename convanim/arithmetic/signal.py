"""Correlation and true convolution of one channel, with SciPy's semantics (``scipy.signal.correlate2d`` and
``convolve2d``, ``boundary='fill'`` with zeros).

What deep learning calls convolution is cross-correlation: the kernel slides as it is.  The convolution of
signal processing and mathematics turns the kernel by 180° first, ``(x ∗ k)[i, j] = Σ x[i − m, j − n] k[m, n]``,
so ``convolve2d(x, k) = correlate2d(x, flip_kernel(k))``.  ``mode`` chooses which outputs are kept: ``'full'``
every position where the kernel touches the input (the input padded by ``k − 1`` on every side), ``'valid'``
only those where it lies inside, ``'same'`` the input's size, centred on the full output as SciPy centres it.
Both are computed by :func:`~convanim.conv2d`.
"""
from __future__ import annotations

import numpy as np

from ..arguments import as_numeric_array, choice
from .conv import conv2d

MODES = ("full", "same", "valid")


def flip_kernel(weight: object) -> np.ndarray:
    """The kernel turned by 180° in its last two axes (rows and columns reversed): what a true convolution
    slides.  Any leading axes (filters, channels) are kept."""
    w = as_numeric_array("weight", weight)
    if w.ndim < 2:
        raise ValueError(f"weight must have at least two axes (KH, KW); got shape {w.shape}")
    return w[..., ::-1, ::-1]


def _checked(x: object, k: object, mode: str) -> tuple[np.ndarray, np.ndarray]:
    x, k = as_numeric_array("in1", x), as_numeric_array("in2", k)
    for name, a in (("in1", x), ("in2", k)):
        if a.ndim != 2 or 0 in a.shape:
            raise ValueError(f"{name} must be 2-d (H, W) with at least one cell; got shape {a.shape}")
    choice("mode", mode, MODES)
    if mode == "valid" and (k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]):
        raise ValueError(f"mode='valid' needs the kernel in2 {k.shape} to fit inside in1 {x.shape} on both axes")
    return x, k


def correlate2d(in1: object, in2: object, mode: str = "full") -> np.ndarray:
    """Cross-correlation of ``in1`` (H, W) with the kernel ``in2`` (KH, KW), as ``scipy.signal.correlate2d``
    with zero fill: ``'full'`` (H + KH − 1, W + KW − 1), ``'same'`` (H, W), ``'valid'`` (H − KH + 1, W − KW + 1).
    Integer arrays give exact integer results."""
    x, k = _checked(in1, in2, mode)
    return _crop(x, k, mode, starts=(k.shape[0] // 2, k.shape[1] // 2))


def convolve2d(in1: object, in2: object, mode: str = "full") -> np.ndarray:
    """True convolution of ``in1`` (H, W) with ``in2`` (KH, KW): correlation with the kernel turned by 180°,
    as ``scipy.signal.convolve2d`` with zero fill; sizes as :func:`correlate2d`."""
    x, k = _checked(in1, in2, mode)
    return _crop(x, k[::-1, ::-1], mode, starts=((k.shape[0] - 1) // 2, (k.shape[1] - 1) // 2))


def _crop(x: np.ndarray, k: np.ndarray, mode: str, starts: tuple[int, int]) -> np.ndarray:
    """Correlate ``x`` with ``k`` and keep the outputs ``mode`` asks for (``starts``: where 'same' begins in
    the full output)."""
    kh, kw = k.shape
    if mode == "valid":
        return conv2d(x[None, None], k[None, None])[0, 0]
    full = conv2d(x[None, None], k[None, None], padding=(kh - 1, kw - 1))[0, 0]
    if mode == "full":
        return full
    return full[starts[0]:starts[0] + x.shape[0], starts[1]:starts[1] + x.shape[1]]


__all__ = ["correlate2d", "convolve2d", "flip_kernel"]
