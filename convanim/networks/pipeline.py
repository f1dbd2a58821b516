"""A small network run stage by stage: conv -> ReLU -> max pool -> ..., keeping every stage's maps.

    stages = run_pipeline(digit[None], [Conv(w1, b1), ReLU(), MaxPool(2), Conv(w2, b2), ReLU(), MaxPool(2)])
    [s.shape for s in stages]   # [(1, 28, 28), (4, 24, 24), (4, 24, 24), (4, 12, 12), ...]

The stage outputs come from :func:`conv2d`, :func:`relu` and
:func:`max_pool2d`; each stage also carries its parameter count and, for
conv and pooling, the output-size formula with its numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence, Union

import numpy as np

from ..arguments import as_numeric_array
from ..arithmetic.conv import conv2d
from ..arithmetic.pool import max_pool2d, relu
from ..arithmetic.shapes import output_size_formula, param_count
from ..statements import N_, untranslated


@dataclass(frozen=True)
class Conv:
    """A conv layer: ``weight`` (C_out, C_in, KH, KW), ``bias`` (C_out,) or None."""

    weight: np.ndarray
    bias: np.ndarray | None = None
    stride: int = 1
    padding: int = 0


@dataclass(frozen=True)
class ReLU:
    """max(x, 0) on every value."""


@dataclass(frozen=True)
class MaxPool:
    """Max pooling with a square ``kernel_size`` (stride defaults to the kernel size)."""

    kernel_size: int = 2
    stride: int | None = None


Layer = Union[Conv, ReLU, MaxPool]


@dataclass(frozen=True)
class Stage:
    """One stage's result: ``output`` (C, H, W), a ``name`` such as 'conv 1', its ``params``
    and, for conv and pooling, the height formula (``formula``, '' otherwise)."""

    name: str
    layer: Layer | None
    output: np.ndarray
    params: int
    formula: str

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.output.shape)


#: How a stage is named ("conv 1", "max pool 2", "input"): English message ids, for stage_name.
STAGE_NAMES = {"conv": N_("conv {n}"), "ReLU": N_("ReLU {n}"), "max pool": N_("max pool {n}"), "input": N_("input")}


def stage_name(name: str, lookup: Callable[[str], str] = untranslated) -> str:
    """A :class:`Stage`'s ``name`` in the language ``lookup`` gives (see :mod:`convanim.statements`)."""
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
    counts = {"conv": 0, "relu": 0, "pool": 0}
    for layer in layers:
        current = stages[-1].output
        try:
            stages.append(_apply(layer, current, counts))
        except ValueError as err:
            raise ValueError(f"layer {len(stages)} ({type(layer).__name__}) on maps of shape {current.shape}: "
                             f"{err}") from None
    return stages


def _apply(layer: Layer, x: np.ndarray, counts: dict[str, int]) -> Stage:
    h = x.shape[1]
    if isinstance(layer, Conv):
        counts["conv"] += 1
        w = np.asarray(layer.weight)
        out = conv2d(x, w, layer.bias, stride=layer.stride, padding=layer.padding)
        params = param_count(w.shape[1], w.shape[0], w.shape[2:], bias=layer.bias is not None)
        formula = output_size_formula(h, w.shape[2], layer.stride, layer.padding)
        return Stage(f"conv {counts['conv']}", layer, out, params, formula)
    if isinstance(layer, ReLU):
        counts["relu"] += 1
        return Stage(f"ReLU {counts['relu']}", layer, relu(x), 0, "")
    if isinstance(layer, MaxPool):
        counts["pool"] += 1
        stride = layer.kernel_size if layer.stride is None else layer.stride
        out = max_pool2d(x, layer.kernel_size, stride)
        formula = output_size_formula(h, layer.kernel_size, stride)
        return Stage(f"max pool {counts['pool']}", layer, out, 0, formula)
    raise TypeError(f"layers must be Conv, ReLU or MaxPool; got {layer!r}")
