"""LayerOptions and PlaneInput: a layer's options as class attributes, and the arrays they describe.

Shared by the scenes that draw one conv layer (ConvLayerScene, Im2ColScene):
a lecture changes the layer by overriding attributes in a subclass, or
supplies its own arrays through ``input_values`` / ``weight_values`` /
``bias_values`` or by overriding :meth:`get_layer_arrays`.
"""
from __future__ import annotations

import numpy as np


class LayerOptions:
    """Layer: ``in_channels``, ``input_size`` (H, W), ``out_channels``,
    ``kernel_size`` (KH, KW), ``stride``, ``padding`` (int, pair, 'same',
    'valid'), ``dilation``, ``groups``, ``padding_mode``, ``use_bias``.
    Values: ``input_values`` (C, H, W), ``weight_values`` (F, C/groups, KH,
    KW), ``bias_values`` (F,) -- any left as None are drawn from ``seed``
    as integers in ``input_range``, ``weight_range``, ``bias_range``
    (inclusive); ``decimals`` for float values.
    """

    in_channels: int = 3
    input_size: tuple[int, int] = (4, 4)
    out_channels: int = 3
    kernel_size: tuple[int, int] = (3, 3)
    stride: object = 1
    padding: object = 0
    dilation: object = 1
    groups: int = 1
    padding_mode: str = "zeros"
    use_bias: bool = True

    seed: int = 2021
    input_range: tuple[int, int] = (0, 9)
    weight_range: tuple[int, int] = (0, 9)
    bias_range: tuple[int, int] = (10, 99)
    input_values: np.ndarray | None = None
    weight_values: np.ndarray | None = None
    bias_values: np.ndarray | None = None
    decimals: int = 2

    def get_layer_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Input (C, H, W), weight (F, C/groups, KH, KW) and bias (F,) or None."""
        rng = np.random.default_rng(self.seed)
        kh, kw = (self.kernel_size, self.kernel_size) if isinstance(self.kernel_size, int) else self.kernel_size
        c, f = self.in_channels, self.out_channels
        x = self.input_values if self.input_values is not None else rng.integers(
            self.input_range[0], self.input_range[1] + 1, (c, *self.input_size))
        per_filter = c // self.groups if isinstance(self.groups, int) and self.groups > 0 else c
        w = self.weight_values if self.weight_values is not None else rng.integers(
            self.weight_range[0], self.weight_range[1] + 1, (f, per_filter, kh, kw))
        b = None
        if self.use_bias:
            b = self.bias_values if self.bias_values is not None else rng.integers(
                self.bias_range[0], self.bias_range[1] + 1, f)
        return np.asarray(x), np.asarray(w), None if b is None else np.asarray(b)


class PlaneInput:
    """One input plane as class attributes: ``input_size`` (H, W), and
    ``input_values`` (H, W) or integers drawn from ``seed`` in ``input_range``
    (inclusive).  Shared by the pooling and im2col-loop scenes.
    """

    input_size: tuple[int, int] = (4, 4)
    input_values: np.ndarray | None = None
    seed: int = 5
    input_range: tuple[int, int] = (0, 9)

    def get_input(self) -> np.ndarray:
        """The (H, W) input."""
        if self.input_values is not None:
            return np.asarray(self.input_values)
        rng = np.random.default_rng(self.seed)
        return rng.integers(self.input_range[0], self.input_range[1] + 1, self.input_size)
