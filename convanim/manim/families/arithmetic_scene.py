"""Base scenes for the convolution-arithmetic family (single channel, sizes worked out on screen)."""
from __future__ import annotations

import numpy as np

from convanim.manim.options.common_options import show_code_option
from convanim.manim.options.option_kinds import Whole, Values
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, UP, VGroup

from convanim.arithmetic.padding import PADDING_MODES, pad_input, padding_mask
from convanim.torch_code import TorchCode, padding_code

from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.mobjects.cells import MIN_FONT_SIZE, NumberGrid, caption_text, fit_font_size, label_above, shade
from convanim.manim.mobjects.numbers import widest_text
from convanim.manim.families.conv_scene import ConvLayerScene
from convanim.manim.animations.fades import FadeIn
from convanim.manim.mobjects.unvisited import unvisited_label, unvisited_marks


class ConvArithmetic(ConvLayerScene):
    """One input channel, one filter, no bias; the output-size formula on screen.

    Set ``input_size``, ``kernel_size``, ``padding``, ``stride``, ``dilation``
    (square cases read the first axis for the formula; both axes are shown
    when they differ).  Cells that no window visits are marked at the end.
    """

    in_channels = 1
    out_channels = 1
    use_bias = False
    input_range = (0, 3)
    weight_range = (0, 2)
    detailed_steps = 2

    def introduce_layer(self) -> None:
        super().introduce_layer()
        self.show_size_formula()

    def size_lines(self) -> list:
        return []  # the formula stays on screen here (show_size_formula), not only while the layer is introduced

    def show_size_formula(self) -> None:
        lines = VGroup(*(caption_text(text, 24, "#E0E0E0") for text in self.size_formulas()))
        lines.arrange(DOWN, buff=0.1).next_to(self.title, DOWN, buff=0.12)
        self.formula = lines
        self.play(FadeIn(lines), run_time=self.stage_time)

    def conclude(self) -> None:
        super().conclude()
        self.mark_unvisited_cells()

    def unvisited_cells(self) -> list[tuple[int, int]]:
        """Padded-input cells no window reads (from the core's coverage)."""
        return [tuple(p) for p in np.argwhere(self.trace.geometry.coverage() == 0)]

    def mark_unvisited_cells(self) -> None:
        cells = self.unvisited_cells()
        if not cells:
            return
        grid = self.input_stack.front_grid()
        self.unvisited_marks = unvisited_marks(grid, cells, self.palette.output)
        self.unvisited_label = unvisited_label(cells, grid.shape, self.palette.output, self)
        self.unvisited_label.next_to(self.caption, UP, buff=0.15)
        self.play(FadeIn(self.unvisited_marks), FadeIn(self.unvisited_label), run_time=self.stage_time)
        self.wait(self.pause_time)


class PaddingModes(FamilyScene):
    """One input padded four ways side by side: zeros, reflect, replicate, circular.

    Options: ``input_values`` (H, W), ``pad`` (cells on every side),
    ``palette``, ``stage_time`` (each mode's grid), ``pause_time`` (at the end).  Padding values come from the
    core's ``pad_input``.
    """

    input_values: np.ndarray = Option(np.arange(1, 17).reshape(4, 4), Values(2, "shaped (H, W)"), "the input plane")
    pad: int = Option(2, Whole(0, 8), "cells of padding on every side")

    show_code: bool = show_code_option()
    # convanim slides: a new slide before each of these steps.
    slide_cuts: tuple[str, ...] = ("show_padding_mode", "show_code_card")

    def setup(self) -> None:
        super().setup()
        x = np.asarray(self.input_values)
        pads = (self.pad,) * 4
        mask = padding_mask(x.shape, pads)
        hp = x.shape[0] + 2 * self.pad
        cell = min(0.42, 2.65 / hp)  # the default 8×8 padded grids at the smallest font size
        self.grids = {}
        for mode in PADDING_MODES:
            values = pad_input(x, pads, mode)  # raises the core's message for impossible pads
            font = fit_font_size(cell, widest_text(values, 0))
            grid = NumberGrid(values, cell, self.palette.input, 0, mask, self.palette.padding, font,
                              show_numbers=font >= MIN_FONT_SIZE)
            if not grid.show_numbers:  # too small for numbers: the padding cells are shaded by the values copied
                for (i, j), padded in np.ndenumerate(mask):
                    if padded:
                        grid.cell(i, j).set_fill(shade(values, i, j, self.palette.padding))
            self.grids[mode] = grid
        VGroup(*self.grids.values()).arrange_in_grid(2, 2, h_buff=1.2, v_buff=0.9).move_to(0.5 * DOWN)
        self.labels = VGroup(*(label_above(g, f"padding_mode='{m}'", 22) for m, g in self.grids.items()))
        self.title = caption_text(self.tr("the same {shape} input, padded by {pad}", shape=f"{x.shape[0]}×{x.shape[1]}",
                                          pad=self.pad), 28)
        self.title.to_edge(UP, buff=0.25)

    def construct(self) -> None:
        self.play(FadeIn(self.title))
        for mode in self.grids:
            self.show_padding_mode(mode)
        self.wait(self.pause_time)
        if self.shows_code():
            self.show_code_card()

    def torch_code(self) -> TorchCode:
        """``nn.functional.pad`` in each mode; ``y`` the four padded planes, in the order shown."""
        return padding_code(np.asarray(self.input_values), self.pad, tuple(self.grids))

    def code_card_title(self) -> str:
        return self.tr("the same padding in PyTorch")

    def narrator(self, language: str):
        """The spoken story in ``language`` (see :mod:`convanim.narration.small_scenes`)."""
        from convanim.narration.small_scenes import PaddingModesNarrator

        return PaddingModesNarrator(np.shape(self.input_values), self.pad, language)

    def show_padding_mode(self, mode: str) -> None:
        """The input padded with ``mode``, and its label."""
        self.play(FadeIn(self.grids[mode]), FadeIn(self.labels[list(self.grids).index(mode)]),
                  run_time=self.stage_time)
