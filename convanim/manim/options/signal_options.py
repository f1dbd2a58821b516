"""SignalLayerOptions: a 1-D conv layer's options as class attributes (a signal of C channels over L steps).

The 1-D counterpart of :class:`~convanim.manim.options.layer_options.LayerOptions`: ``length`` instead of
``input_size``, and a kernel size, stride, padding and dilation that are one number each.  The arrays are
(C, L), (F, C/groups, K) and (F,), as ``torch.nn.Conv1d`` takes them.
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.layer_options import (LayerOptions, integer_range, sets_beside, value_array,
                                                  whole_number)
from convanim.manim.options.option_kinds import Maybe, Values, Whole
from convanim.manim.options.options import Option


class SignalLayerOptions(LayerOptions):
    """Layer: ``in_channels``, ``length`` (L), ``out_channels``, ``kernel_size`` (K), ``stride``, ``padding`` (a
    number, 'same' or 'valid'), ``dilation``, ``groups``, ``padding_mode``, ``use_bias``.  Values:
    ``input_values`` (C, L), ``weight_values`` (F, C/groups, K), ``bias_values`` (F,); any left as None are
    drawn from ``seed`` as integers in ``input_range``, ``weight_range``, ``bias_range``."""

    in_channels: int = Option(3, Whole(1, 8), "input channels C (rows of the signal)")
    length: int = Option(10, Whole(1, 32), "the signal's length L (time steps or positions)")
    out_channels: int = Option(2, Whole(1, 8), "output channels: the number of filters F")
    kernel_size: int = Option(3, Whole(1, 11), "the kernel's length K")
    stride: int = Option(1, Whole(1, 8), "the step between windows")
    padding: object = Option(0, Whole(0, 8, words=("same", "valid")), "cells added at each end")
    dilation: int = Option(1, Whole(1, 8), "the spacing of the kernel's taps")
    input_values: np.ndarray | None = Option(None, Maybe(Values(2, "shaped (C, L)"), "drawn from seed"),
                                             "the signal, given by hand")
    weight_values: np.ndarray | None = Option(
        None, Maybe(Values(3, "shaped (F, C/groups, K)"), "drawn from seed"), "the weights, given by hand")

    @property
    def input_size(self) -> tuple[int, int]:
        """The signal as a plane one row high (withdraws the 2-D option)."""
        return (1, self.length)

    def get_layer_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Input (C, L), weight (F, C/groups, K) and bias (F,) or None; the options checked first, in the scene's
        attribute names."""
        self.check_layer_options()
        rng = np.random.default_rng(self.seed)
        x = np.asarray(self.input_values if self.input_values is not None else rng.integers(
            self.input_range[0], self.input_range[1] + 1, (self.in_channels, self.length)))
        w = np.asarray(self.weight_values if self.weight_values is not None else rng.integers(
            self.weight_range[0], self.weight_range[1] + 1, (self.out_channels, x.shape[0] // self.groups,
                                                             self.kernel_size)))
        b = None
        if self.use_bias:
            b = np.asarray(self.bias_values if self.bias_values is not None else rng.integers(
                self.bias_range[0], self.bias_range[1] + 1, w.shape[0]))
        return x, w, b

    def check_layer_options(self) -> None:
        """Each option against the others (ValueError/TypeError naming ``Scene.attribute``)."""
        scene = type(self).__name__
        for name in ("in_channels", "length", "out_channels", "kernel_size", "stride", "dilation", "groups", "seed"):
            whole_number(scene, name, getattr(self, name))
        if isinstance(self.padding, str) and self.padding not in ("same", "valid"):
            raise ValueError(f"{scene}.padding={self.padding!r}: write a number, 'same' or 'valid'")
        if not isinstance(self.padding, str):
            whole_number(scene, "padding", self.padding)
        for name in ("input_range", "weight_range", "bias_range"):
            integer_range(scene, name, getattr(self, name))
        self.check_values(scene, "input_values", "(C, L)", (("in_channels", 0), ("length", 1)))
        self.check_values(scene, "weight_values", "(F, C/groups, K)", (("out_channels", 0), ("kernel_size", 2)))
        self.check_bias_values(scene)

    def check_values(self, scene: str, values_name: str, axes: str, sizes: tuple[tuple[str, int], ...]) -> None:
        """The array ``values_name`` (when given) has the axes ``axes`` names, and each of ``sizes`` (option,
        axis) agrees with it where the two are set together."""
        values = getattr(self, values_name)
        if values is None:
            return
        array = value_array(scene, values_name, values)
        if array.ndim != axes.count(",") + 1:
            raise ValueError(f"{scene}.{values_name} must be {axes}; got shape {array.shape}")
        for name, axis in sizes:
            if sets_beside(type(self), name, values_name) and array.shape[axis] != getattr(self, name):
                raise ValueError(f"{scene}: {name}={getattr(self, name)} but {values_name} has shape {array.shape}")
