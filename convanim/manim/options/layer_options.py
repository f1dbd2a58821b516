"""LayerOptions, PlaneInput, UpstreamGradient: a layer's options as class attributes, and their arrays.

Shared by the scenes that draw one conv layer (ConvLayerScene, Im2ColScene):
a lecture changes the layer by overriding attributes in a subclass, or
supplies its own arrays through ``input_values`` / ``weight_values`` /
``bias_values`` or by overriding :meth:`get_layer_arrays`.
"""
from __future__ import annotations

import numbers

import numpy as np

from convanim.manim.options.common_options import decimals_option, seed_option
from convanim.manim.options.option_kinds import Choice, Flag, Maybe, Pair, Values, Whole, WholeRange
from convanim.manim.options.options import Option
from convanim.torch_code import TorchCode, conv_code


class LayerOptions:
    """Layer: ``in_channels``, ``input_size`` (H, W), ``out_channels``,
    ``kernel_size`` (KH, KW), ``stride``, ``padding`` (int, pair, 'same',
    'valid'), ``dilation``, ``groups``, ``padding_mode``, ``use_bias``.
    Values: ``input_values`` (C, H, W), ``weight_values`` (F, C/groups, KH,
    KW), ``bias_values`` (F,) -- any left as None are drawn from ``seed``
    as integers in ``input_range``, ``weight_range``, ``bias_range``
    (inclusive); ``decimals`` for float values.
    """

    in_channels: int = Option(3, Whole(1, 16), "input channels C")
    input_size: tuple[int, int] = Option((4, 4), Pair(1, 64, single=False), "the input's height and width (H, W)")
    out_channels: int = Option(3, Whole(1, 16), "output channels: the number of filters F")
    kernel_size: tuple[int, int] = Option((3, 3), Pair(1, 11), "the kernel's height and width (KH, KW)")
    stride: object = Option(1, Pair(1, 8), "the step between windows (SH, SW)")
    padding: object = Option(0, Pair(0, 8, words=("same", "valid")), "cells added on each side (PH, PW)")
    dilation: object = Option(1, Pair(1, 8), "the spacing of the kernel's taps (DH, DW)")
    groups: int = Option(1, Whole(1, 16), "channel groups, each with its own filters (in_channels: depthwise)")
    padding_mode: str = Option("zeros", Choice("zeros", "reflect", "replicate", "circular"),
                               "what the padding cells hold")
    use_bias: bool = Option(True, Flag(), "add a bias to each filter's sum")

    seed: int = seed_option(2021)
    input_range: tuple[int, int] = Option((0, 9), WholeRange(-999, 999), "the range input values are drawn from")
    weight_range: tuple[int, int] = Option((0, 9), WholeRange(-999, 999), "the range weights are drawn from")
    bias_range: tuple[int, int] = Option((10, 99), WholeRange(-999, 999), "the range biases are drawn from")
    input_values: np.ndarray | None = Option(None, Maybe(Values(3, "shaped (C, H, W)"), "drawn from seed"),
                                             "the input, given by hand")
    weight_values: np.ndarray | None = Option(
        None, Maybe(Values(4, "shaped (F, C/groups, KH, KW)"), "drawn from seed"), "the weights, given by hand")
    bias_values: np.ndarray | None = Option(None, Maybe(Values(1, "shaped (F,)"), "drawn from seed"),
                                            "the biases, given by hand")
    decimals: int = decimals_option(2)

    def get_layer_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Input (C, H, W), weight (F, C/groups, KH, KW) and bias (F,) or None.

        Checks the options first (:meth:`check_layer_options`): a wrong one
        stops the scene with a one-line message naming the attribute.
        """
        self.check_layer_options()
        rng = np.random.default_rng(self.seed)
        kh, kw = (self.kernel_size, self.kernel_size) if isinstance(self.kernel_size, int) else self.kernel_size
        x = self.input_values if self.input_values is not None else rng.integers(
            self.input_range[0], self.input_range[1] + 1, (self.in_channels, *self.input_size))
        x = np.asarray(x)
        w = self.weight_values if self.weight_values is not None else rng.integers(
            self.weight_range[0], self.weight_range[1] + 1, (self.out_channels, x.shape[0] // self.groups, kh, kw))
        w = np.asarray(w)
        b = None
        if self.use_bias:
            b = self.bias_values if self.bias_values is not None else rng.integers(
                self.bias_range[0], self.bias_range[1] + 1, w.shape[0])
        return x, w, None if b is None else np.asarray(b)

    def layer_code(self, trace) -> TorchCode:
        """The ``nn.Conv2d`` with these options that computes ``trace``'s output from its input, weights and
        biases (the closing card's code)."""
        return conv_code(trace.input, trace.weight, trace.bias if trace.has_bias else None, self.stride,
                         self.padding, self.dilation, self.groups, self.padding_mode)

    def check_layer_options(self) -> None:
        """Each option against the others, in the scene's own attribute names (ValueError/TypeError)."""
        scene = type(self).__name__
        for name in ("in_channels", "out_channels", "groups", "seed"):
            whole_number(scene, name, getattr(self, name))
        for name in ("input_size", "kernel_size"):
            size_pair(scene, name, getattr(self, name))
        for name in ("stride", "dilation", "padding"):
            value = getattr(self, name)
            if isinstance(value, str) and not (name == "padding" and value in ("same", "valid")):
                raise TypeError(f"{scene}.{name}={value!r} is a string; write a number, e.g. {name}=1"
                                + (" (or padding='same' / 'valid')" if name == "padding" else ""))
        for name in ("input_range", "weight_range", "bias_range"):
            integer_range(scene, name, getattr(self, name))
        if self.input_values is not None:
            x = value_array(scene, "input_values", self.input_values)
            if x.ndim != 3:
                raise ValueError(f"{scene}.input_values must be (C, H, W); got shape {x.shape}")
            if self.sets("in_channels", "input_values") and x.shape[0] != self.in_channels:
                raise ValueError(f"{scene}: in_channels={self.in_channels} but input_values has {x.shape[0]} "
                                 f"channels (shape {x.shape})")
            if self.sets("input_size", "input_values") and tuple(x.shape[1:]) != tuple(self.input_size):
                raise ValueError(f"{scene}: input_size={tuple(self.input_size)} but input_values is "
                                 f"{x.shape[1]}×{x.shape[2]} (shape {x.shape})")
        if self.weight_values is not None:
            w = value_array(scene, "weight_values", self.weight_values)
            if w.ndim != 4:
                raise ValueError(f"{scene}.weight_values must be (F, C/groups, KH, KW); got shape {w.shape}")
            if self.sets("out_channels", "weight_values") and w.shape[0] != self.out_channels:
                raise ValueError(f"{scene}: out_channels={self.out_channels} but weight_values has {w.shape[0]} "
                                 f"filters (shape {w.shape})")
            if self.sets("kernel_size", "weight_values") and tuple(w.shape[2:]) != size_pair(scene, "kernel_size", self.kernel_size):
                raise ValueError(f"{scene}: kernel_size={self.kernel_size!r} but weight_values has "
                                 f"{w.shape[2]}×{w.shape[3]} kernels (shape {w.shape})")
        self.check_bias_values(scene)

    def check_bias_values(self, scene: str) -> None:
        """``bias_values``, when given, hold one bias per filter (ValueError naming ``Scene.bias_values``)."""
        if self.use_bias and self.bias_values is not None:
            b = value_array(scene, "bias_values", self.bias_values)
            filters = (np.asarray(self.weight_values).shape[0] if self.weight_values is not None
                       else self.out_channels)
            if b.shape != (filters,):
                raise ValueError(f"{scene}: bias_values must hold one bias per filter ({filters},); "
                                 f"got shape {b.shape}")

    def sets(self, name: str, values_name: str) -> bool:
        """True when option ``name`` is set where ``values_name`` is, or in a subclass below it
        (so the two were written together and must agree); a base scene's default does not count."""
        return sets_beside(type(self), name, values_name)


def sets_beside(cls: type, name: str, values_name: str) -> bool:
    """See :meth:`LayerOptions.sets`."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return True
        if values_name in vars(klass):
            return False
    return False


def value_array(scene: str, name: str, value: object) -> np.ndarray:
    """``value`` (an option holding numbers) as an array; ValueError naming ``Scene.name`` when its rows differ
    in length or it holds something other than numbers."""
    try:
        array = np.asarray(value)
    except ValueError:  # numpy refuses rows of different lengths
        raise ValueError(f"{scene}.{name}: its rows differ in length; write a nested list of numbers whose rows "
                         "have one length") from None
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{scene}.{name} must hold numbers; got {array.dtype} values")
    return array


def whole_number(scene: str, name: str, value: object) -> int:
    """``value`` as an int, or a TypeError naming ``scene.name``."""
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        raise TypeError(f"{scene}.{name} must be a whole number; got {value!r} ({type(value).__name__})")
    return int(value)


def size_pair(scene: str, name: str, value: object) -> tuple[int, int]:
    """An int or a pair of ints as (H, W), or a TypeError naming ``scene.name``."""
    if isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, bool):
        return (int(value), int(value))
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return (whole_number(scene, name, value[0]), whole_number(scene, name, value[1]))
    raise TypeError(f"{scene}.{name} must be a whole number or a pair (H, W); got {value!r}")


def integer_range(scene: str, name: str, value: object) -> tuple[int, int]:
    """An inclusive (low, high) range of integers, or a one-line error naming ``scene.name``."""
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise TypeError(f"{scene}.{name} must be a pair (low, high); got {value!r}")
    if any(isinstance(v, (float, np.floating)) for v in value):
        raise TypeError(f"{scene}.{name}={tuple(value)!r}: values drawn from a range are whole numbers, so a "
                        f"float bound would silently give integers; write whole bounds, or give the values "
                        f"themselves (input_values=..., shown with `decimals` places)")
    low, high = (whole_number(scene, name, v) for v in value)
    if low > high:
        raise ValueError(f"{scene}.{name}=({low}, {high}): low is above high")
    return low, high


class PlaneInput:
    """One input plane as class attributes: ``input_size`` (H, W), and
    ``input_values`` (H, W) or integers drawn from ``seed`` in ``input_range``
    (inclusive).  Shared by the pooling and im2col-loop scenes.
    """

    input_size: tuple[int, int] = Option((4, 4), Pair(1, 64), "the input's height and width (H, W)")
    input_values: np.ndarray | None = Option(None, Maybe(Values(2, "shaped (H, W)"), "drawn from seed"),
                                             "the input plane, given by hand")
    seed: int = seed_option(5)
    input_range: tuple[int, int] = Option((0, 9), WholeRange(-999, 999), "the range input values are drawn from")

    def get_input(self) -> np.ndarray:
        """The (H, W) input (options checked first, in the scene's attribute names)."""
        scene = type(self).__name__
        whole_number(scene, "seed", self.seed)
        size_pair(scene, "input_size", self.input_size)
        if self.input_values is not None:
            x = value_array(scene, "input_values", self.input_values)
            if x.ndim != 2:
                raise ValueError(f"{scene}.input_values must be one plane (H, W); got shape {x.shape}")
            if sets_beside(type(self), "input_size", "input_values") and tuple(x.shape) != tuple(self.input_size):
                raise ValueError(f"{scene}: input_size={tuple(self.input_size)} but input_values is "
                                 f"{x.shape[0]}×{x.shape[1]}")
            return x
        integer_range(scene, "input_range", self.input_range)
        rng = np.random.default_rng(self.seed)
        return rng.integers(self.input_range[0], self.input_range[1] + 1, self.input_size)


class UpstreamGradient:
    """The gradient dL/dy a backward scene starts from, as class attributes: ``grad_values`` (the
    forward output's shape) or integers drawn from ``grad_seed`` in ``grad_range`` (inclusive).
    Shared by the backward scenes; the core checks ``grad_values``' shape."""

    grad_values: np.ndarray | None = Option(None, Maybe(Values(None, "shaped like the forward output"),
                                                        "drawn from grad_seed"), "dL/dy, given by hand")
    grad_seed: int = seed_option(7, "the upstream gradient's values")
    grad_range: tuple[int, int] = Option((-2, 3), WholeRange(-999, 999), "the range dL/dy's values are drawn from")

    def get_grad(self, shape: tuple[int, ...]) -> np.ndarray:
        """dL/dy: ``grad_values``, or seeded integers of ``shape`` (options checked in their attribute names)."""
        if self.grad_values is not None:
            return value_array(type(self).__name__, "grad_values", self.grad_values)
        scene = type(self).__name__
        whole_number(scene, "grad_seed", self.grad_seed)
        integer_range(scene, "grad_range", self.grad_range)
        return np.random.default_rng(self.grad_seed).integers(self.grad_range[0], self.grad_range[1] + 1, shape)
