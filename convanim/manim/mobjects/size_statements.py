"""What a layer's options do to its size, in words on screen: its stride, padding and dilation, and the
output-size formula with its numbers (the formula and its value from the core: :func:`convanim.output_size_formula`).

Shared by the conv and pooling families; each axis is written once when both have the same numbers.
"""
from __future__ import annotations

from typing import Callable

from convanim import output_size_formula
from convanim.arithmetic.shapes import side_padding


def axes_text(pair) -> str:
    """``(2, 2)`` -> ``2``; ``(1, 2)`` -> ``(1, 2)`` (a half where two sides' padding differ); ``(3,)`` -> ``3``."""
    return f"{pair[0]:g}" if len(set(pair)) == 1 else f"({pair[0]:g}, {pair[1]:g})"


#: The axes a 2-D layer's words cover (rows and columns); a 1-D layer (one row) writes its columns only: ``(1,)``.
PLANE_AXES = (0, 1)


def padding_pair(geometry) -> tuple[float, float]:
    """The formula's ``p`` for rows and for columns: the mean of each axis' two sides."""
    top, bottom, left, right = geometry.pads
    return side_padding(top, bottom), side_padding(left, right)


def settings_parts(tr: Callable[..., str], geometry, dilation: bool = True, axes: tuple[int, ...] = PLANE_AXES
                   ) -> list[str]:
    """``stride 2``, ``padding 1`` and (with ``dilation``) ``dilation 1`` in the scene's language, for ``axes``."""
    def on(values) -> str:
        return axes_text(tuple(values[axis] for axis in axes))
    parts = [tr("stride {stride}", stride=on(geometry.stride)), tr("padding {padding}", padding=on(padding_pair(geometry)))]
    if dilation:
        parts.append(tr("dilation {dilation}", dilation=on(geometry.dilation)))
    return parts


def size_formulas(tr: Callable[..., str], lookup: Callable[[str], str], geometry, ceil_mode: bool = False,
                  axes: tuple[int, ...] = PLANE_AXES) -> list[str]:
    """The output-size formula with the layer's numbers for ``axes``: one line, or one for rows and one for
    columns when their numbers differ."""
    padding = padding_pair(geometry)
    formulas = [output_size_formula(geometry.input[axis], geometry.kernel[axis], geometry.stride[axis],
                                    padding[axis], geometry.dilation[axis], ceil_mode, lookup=lookup) for axis in axes]
    if len(set(formulas)) == 1:
        return formulas[:1]
    return [tr("rows: {formula}", formula=formulas[0]), tr("columns: {formula}", formula=formulas[1])]


__all__ = ["PLANE_AXES", "axes_text", "padding_pair", "settings_parts", "size_formulas"]
