"""A small network run stage by stage: conv -> ReLU -> max pool -> ..., keeping every stage's maps.

    stages = run_pipeline(digit[None], [Conv(w1, b1), ReLU(), MaxPool(2), Conv(w2, b2), ReLU(), MaxPool(2)])
    [s.shape for s in stages]   # [(1, 28, 28), (4, 24, 24), (4, 24, 24), (4, 12, 12), ...]

The stage outputs come from :func:`conv2d`, :func:`relu`, :func:`max_pool2d`
and :func:`avg_pool2d` (every option of theirs is a field of the layer, as
in PyTorch's modules), inference batch norm, global pooling and the other
activations, then :class:`Flatten`, :class:`Linear` and :class:`Softmax` for a
classifier's head; each stage also carries its parameter count and, for
conv and pooling, the output-size formula with its numbers (first axis).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence, Union

import numpy as np

from ..arguments import as_numeric_array, pair
from ..arithmetic.activations import leaky_relu, sigmoid, tanh
from ..arithmetic.batch_norm import batch_norm
from ..arithmetic.conv import conv2d
from ..arithmetic.pool import avg_pool2d, global_avg_pool2d, global_max_pool2d, max_pool2d, relu
from ..arithmetic.padding import conv_pads
from ..arithmetic.shapes import output_size_formula, param_count, side_padding
from ..statements import N_, untranslated
from .training import softmax


@dataclass(frozen=True)
class Conv:
    """A conv layer, as ``torch.nn.Conv2d``: ``weight`` (C_out, C_in/groups, KH, KW), ``bias`` (C_out,) or
    None; ``stride``, ``padding`` (ints, pairs, or 'same'/'valid'), ``dilation``, ``groups``, ``padding_mode``."""

    weight: np.ndarray
    bias: np.ndarray | None = None
    stride: object = 1
    padding: object = 0
    dilation: object = 1
    groups: int = 1
    padding_mode: str = "zeros"


@dataclass(frozen=True)
class ReLU:
    """max(x, 0) on every value."""


@dataclass(frozen=True)
class MaxPool:
    """Max pooling, as ``torch.nn.MaxPool2d`` (``stride`` defaults to the kernel size)."""

    kernel_size: object = 2
    stride: object = None
    padding: object = 0
    dilation: object = 1
    ceil_mode: bool = False


@dataclass(frozen=True)
class AvgPool:
    """Average pooling, as ``torch.nn.AvgPool2d`` (``stride`` defaults to the kernel size)."""

    kernel_size: object = 2
    stride: object = None
    padding: object = 0
    ceil_mode: bool = False
    count_include_pad: bool = True
    divisor_override: float | None = None


@dataclass(frozen=True)
class BatchNorm:
    """Inference batch norm, as ``torch.nn.BatchNorm2d`` in eval mode: per channel
    ``(x − mean) / sqrt(var + eps) · weight + bias``; ``mean``, ``var`` (the running statistics), ``weight`` (γ)
    and ``bias`` (β) of shape (C,) (``weight`` and ``bias`` None: 1 and 0)."""

    mean: np.ndarray
    var: np.ndarray
    weight: np.ndarray | None = None
    bias: np.ndarray | None = None
    eps: float = 1e-5


@dataclass(frozen=True)
class GlobalAvgPool:
    """Each map's mean: (C, H, W) -> (C, 1, 1), as ``torch.nn.AdaptiveAvgPool2d(1)``."""


@dataclass(frozen=True)
class GlobalMaxPool:
    """Each map's largest value: (C, H, W) -> (C, 1, 1), as ``torch.nn.AdaptiveMaxPool2d(1)``."""


@dataclass(frozen=True)
class LeakyReLU:
    """``x`` where ``x ≥ 0``, else ``negative_slope · x``, as ``torch.nn.LeakyReLU``."""

    negative_slope: float = 0.01


@dataclass(frozen=True)
class Sigmoid:
    """``1 / (1 + e^(−x))`` on every value, as ``torch.nn.Sigmoid``."""


@dataclass(frozen=True)
class Tanh:
    """``tanh(x)`` on every value, as ``torch.nn.Tanh``."""


@dataclass(frozen=True)
class Flatten:
    """The maps (C, H, W) as one vector (C·H·W,), row-major as ``torch.nn.Flatten`` (per sample)."""


@dataclass(frozen=True)
class Linear:
    """A fully connected layer, as ``torch.nn.Linear``: ``weight`` (out, in), ``bias`` (out,) or None."""

    weight: np.ndarray
    bias: np.ndarray | None = None


@dataclass(frozen=True)
class Softmax:
    """A vector of class scores (K,) as probabilities (K,), as ``torch.nn.Softmax(dim=-1)`` per sample."""


Layer = Union[Conv, ReLU, MaxPool, AvgPool, BatchNorm, GlobalAvgPool, GlobalMaxPool, LeakyReLU, Sigmoid, Tanh,
              Flatten, Linear, Softmax]


@dataclass(frozen=True)
class Stage:
    """One stage's result: ``output`` (C, H, W) (a vector (N,) after Flatten and Linear), a ``name`` such
    as 'conv 1', its ``params`` and, for conv and pooling, the height formula (``formula``, '' otherwise)."""

    name: str
    layer: Layer | None
    output: np.ndarray
    params: int
    formula: str

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.output.shape)


#: How a stage is named ("conv 1", "max pool 2", "input"): English message ids, for stage_name.
STAGE_NAMES = {"conv": N_("conv {n}"), "ReLU": N_("ReLU {n}"), "max pool": N_("max pool {n}"),
               "avg pool": N_("avg pool {n}"), "flatten": N_("flatten {n}"), "linear": N_("linear {n}"),
               "softmax": N_("softmax {n}"), "batch norm": N_("batch norm {n}"),
               "global avg pool": N_("global avg pool {n}"), "global max pool": N_("global max pool {n}"),
               "leaky ReLU": N_("leaky ReLU {n}"), "sigmoid": N_("sigmoid {n}"), "tanh": N_("tanh {n}"),
               "input": N_("input")}


def stage_name(name: str, lookup: Callable[[str], str] = untranslated) -> str:
    """A :class:`Stage`'s ``name`` in the language ``lookup`` gives (see ``convanim.statements``)."""
    kind, _, number = name.rpartition(" ")
    if kind in STAGE_NAMES:
        return lookup(STAGE_NAMES[kind]).format(n=number)
    return lookup(STAGE_NAMES.get(name, name))


def run_pipeline(input: object, layers: Sequence[Layer]) -> list[Stage]:
    """Apply ``layers`` in order to ``input`` (C, H, W); the first stage is the input itself.

    Errors name the stage: a layer whose kernel does not fit the maps that
    reach it says which layer and which shape.
    """
    x = as_numeric_array("input", input)
    if x.ndim != 3:
        raise ValueError(f"input must be 3-d (C, H, W); got shape {x.shape}")
    stages = [Stage("input", None, x, 0, "")]
    counts = dict.fromkeys(("conv", "relu", "pool", "avg pool", "flatten", "linear", "softmax", "batch norm",
                            "global avg pool", "global max pool", "leaky ReLU", "sigmoid", "tanh"), 0)
    for layer in layers:
        current = stages[-1].output
        try:
            stages.append(_apply(layer, current, counts))
        except ValueError as err:
            raise ValueError(f"layer {len(stages)} ({type(layer).__name__}) on maps of shape {current.shape}: "
                             f"{err}") from None
    return stages


def _first(value: object) -> int:
    """The first axis of an int-or-pair option."""
    return int(value[0]) if isinstance(value, (tuple, list)) else int(value)


def _conv_padding(layer: Conv, kernel: tuple[int, int]) -> float:
    """The first axis's padding per side for the formula, from the core's padding rule ('same' too)."""
    top, bottom, _, _ = conv_pads(layer.padding, kernel, pair("stride", layer.stride, 1),
                                  pair("dilation", layer.dilation, 1))
    return side_padding(top, bottom)


def _apply(layer: Layer, x: np.ndarray, counts: dict[str, int]) -> Stage:
    h = x.shape[1] if x.ndim == 3 else 0
    if isinstance(layer, Conv):
        counts["conv"] += 1
        w = np.asarray(layer.weight)
        out = conv2d(x, w, layer.bias, stride=layer.stride, padding=layer.padding, dilation=layer.dilation,
                     groups=layer.groups, padding_mode=layer.padding_mode)
        params = param_count(w.shape[1] * layer.groups, w.shape[0], w.shape[2:], bias=layer.bias is not None,
                             groups=layer.groups)
        formula = output_size_formula(h, w.shape[2], _first(layer.stride), _conv_padding(layer, w.shape[2:]),
                                      _first(layer.dilation))
        return Stage(f"conv {counts['conv']}", layer, out, params, formula)
    if isinstance(layer, ReLU):
        counts["relu"] += 1
        return Stage(f"ReLU {counts['relu']}", layer, relu(x), 0, "")
    if isinstance(layer, (LeakyReLU, Sigmoid, Tanh)):
        kind, function = {LeakyReLU: ("leaky ReLU", lambda v: leaky_relu(v, layer.negative_slope)),
                          Sigmoid: ("sigmoid", sigmoid), Tanh: ("tanh", tanh)}[type(layer)]
        counts[kind] += 1
        return Stage(f"{kind} {counts[kind]}", layer, function(x), 0, "")
    if isinstance(layer, (MaxPool, AvgPool, BatchNorm, GlobalAvgPool, GlobalMaxPool)) and x.ndim != 3:
        raise ValueError(f"{type(layer).__name__} needs maps (C, H, W); got shape {x.shape}")
    if isinstance(layer, BatchNorm):
        counts["batch norm"] += 1
        out = batch_norm(x, layer.mean, layer.var, layer.weight, layer.bias, layer.eps)
        params = sum(np.asarray(v).size for v in (layer.weight, layer.bias) if v is not None)
        return Stage(f"batch norm {counts['batch norm']}", layer, out, int(params), "")
    if isinstance(layer, (GlobalAvgPool, GlobalMaxPool)):
        kind = "global avg pool" if isinstance(layer, GlobalAvgPool) else "global max pool"
        counts[kind] += 1
        out = (global_avg_pool2d if isinstance(layer, GlobalAvgPool) else global_max_pool2d)(x)
        return Stage(f"{kind} {counts[kind]}", layer, out, 0, "")
    if isinstance(layer, MaxPool):
        counts["pool"] += 1
        stride = layer.kernel_size if layer.stride is None else layer.stride
        out = max_pool2d(x, layer.kernel_size, stride, layer.padding, layer.dilation, layer.ceil_mode)
        formula = output_size_formula(h, _first(layer.kernel_size), _first(stride), _first(layer.padding),
                                      _first(layer.dilation), layer.ceil_mode)
        return Stage(f"max pool {counts['pool']}", layer, out, 0, formula)
    if isinstance(layer, AvgPool):
        counts["avg pool"] += 1
        stride = layer.kernel_size if layer.stride is None else layer.stride
        out = avg_pool2d(x, layer.kernel_size, stride, layer.padding, layer.ceil_mode, layer.count_include_pad,
                         layer.divisor_override)
        formula = output_size_formula(h, _first(layer.kernel_size), _first(stride), _first(layer.padding), 1,
                                      layer.ceil_mode)
        return Stage(f"avg pool {counts['avg pool']}", layer, out, 0, formula)
    if isinstance(layer, Flatten):
        counts["flatten"] += 1
        return Stage(f"flatten {counts['flatten']}", layer, x.reshape(-1), 0, "")
    if isinstance(layer, Linear):
        counts["linear"] += 1
        w = as_numeric_array("Linear weight", layer.weight)
        if w.ndim != 2 or x.ndim != 1 or w.shape[1] != x.shape[0]:
            raise ValueError(f"Linear weight {w.shape} needs a vector of {w.shape[1] if w.ndim == 2 else '?'} "
                             f"values (Flatten the maps first); got shape {x.shape}")
        out = w @ x + (0 if layer.bias is None else np.asarray(layer.bias))
        params = w.size + (0 if layer.bias is None else np.asarray(layer.bias).size)
        return Stage(f"linear {counts['linear']}", layer, out, int(params), "")
    if isinstance(layer, Softmax):
        counts["softmax"] += 1
        if x.ndim != 1:
            raise ValueError(f"Softmax needs a vector of class scores (Flatten and Linear first); got shape {x.shape}")
        return Stage(f"softmax {counts['softmax']}", layer, softmax(x), 0, "")
    raise TypeError(f"layers must be Conv, ReLU, MaxPool, AvgPool, BatchNorm, GlobalAvgPool, GlobalMaxPool, "
                    f"LeakyReLU, Sigmoid, Tanh, Flatten, Linear or Softmax; got {layer!r}")
