"""PoolingScene: a window slides over one channel; max pooling picks its winner, avg pooling divides.

Every number comes from the core's PoolTrace: the window values (padding is
−∞ for max, 0 for avg), the winner and its ``return_indices`` index, the sum
and the divisor.  Options are class attributes; variants are subclasses.
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.common_options import (decimals_option, detailed_option, show_code_option,
                                                   sweep_time_option)
from convanim.torch_code import TorchCode
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, UP, VGroup

from convanim import trace_pool2d
from convanim.arithmetic.padding import padding_mask
from convanim.arithmetic.pool_trace import PoolStep, PoolTrace

from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.mobjects.cells import (NumberGrid, caption_text, fit_font_size, label_above, readable_cell, ring)
from convanim.manim.animations.fades import FadeIn, FadeOut
from convanim.manim.options.layer_options import PlaneInput
from convanim.manim.mobjects.size_statements import settings_parts, size_formulas
from convanim.statements import Statement, decimals_for, format_number, join_terms, relation_for

from convanim.manim.mobjects.numbers import widest_text
from convanim.manim.mobjects.unvisited import unvisited_label, unvisited_marks
from convanim.manim.options.pool_options import PoolLayerOptions


class PoolingScene(PoolLayerOptions, PlaneInput, FamilyScene):
    """Pooling over one channel.  Options (class attributes):

    ``mode`` ('max' or 'avg'), ``input_size``, ``kernel_size``, ``stride``
    (None: the kernel size), ``padding``, ``dilation`` (max only),
    ``ceil_mode``, ``count_include_pad``, ``divisor_override``;
    ``input_values`` (H, W) or ``seed`` with ``input_range``; ``decimals``;
    ``palette``; ``detailed_windows`` (windows explained in full before the
    rest sweep), ``stage_time``, ``sweep_time``, ``pause_time``.
    """

    decimals: int = decimals_option(2)
    detailed_windows: int = detailed_option(3, "windows")
    #: As a slide deck (convanim.manim.lecture.slides): a slide per detailed window, one for the sweep, one for the end.
    slide_cuts: tuple[str, ...] = ("explain_window", "mark_unvisited_cells", "show_code_card")
    show_code: bool = show_code_option()
    slide_runs: tuple[str, ...] = ("sweep_window",)
    sweep_time: float = sweep_time_option(1 / 3)
    LONG_CAPTION_SIZE = 20

    def setup(self) -> None:
        super().setup()
        x = self.get_input()
        # The core checks every option here, before any frame is written.
        self.trace: PoolTrace = trace_pool2d(x[None], self.kernel_size, self.mode, self.stride, self.padding,
                                             self.dilation, self.ceil_mode, self.count_include_pad,
                                             self.divisor_override)
        t, pal = self.trace, self.palette
        g = t.geometry
        self.num_decimals = 0 if (self.mode == "max" and t.output.dtype.kind in "iu") else self.decimals
        hp, wp = t.padded.shape[1:]
        input_decimals = decimals_for(t.input, self.decimals)
        # as large as the room allows, and no smaller than the widest number needs (MIN_FONT_SIZE)
        cell = readable_cell(min(0.75, 5.0 / max(hp, wp)), t.input, input_decimals)
        top, _, left, _ = g.pads
        # ceil_mode may add room past the bottom/right padding: it counts as padding too
        mask = self.input_mask = padding_mask(g.input, (top, hp - top - g.input[0], left, wp - left - g.input[1]))
        self.input_grid = NumberGrid(self.display_values(t.padded[0], mask), cell, pal.input, input_decimals, mask,
                                     pal.padding)
        self.input_grid.move_to(np.array([-3.4, -0.3, 0]))
        out_cell = readable_cell(min(0.85, 3.6 / max(g.out)), t.output, self.num_decimals)
        font = fit_font_size(out_cell, widest_text(t.output, self.num_decimals))
        self.output_grid = NumberGrid(t.output[0], out_cell, pal.output, self.num_decimals, font_size=font)
        self.output_grid.move_to(np.array([3.9, -0.3, 0]))
        for number in self.output_grid.numbers:  # revealed window by window
            number.set_opacity(0)
        self.revealed = np.zeros(g.out, dtype=bool)
        self.input_label = label_above(self.input_grid, self.input_title())
        self.output_label = label_above(self.output_grid, self.output_title())
        self.title = caption_text(self.title_text(), 28).to_edge(UP, buff=0.25)
        self.formula = VGroup(*(caption_text(line, 22, "#E0E0E0") for line in self.size_formulas())).arrange(
            DOWN, buff=0.08)
        self.formula.next_to(self.title, DOWN, buff=0.12)
        self.window_frames = None
        self.winner_mark = None

    def input_title(self) -> str:
        """``input 5×5`` (with max pooling's padding, `` (padding −∞)``)."""
        g = self.trace.geometry
        h, w = g.input
        return self.tr("input {shape}", shape=f"{h}×{w}") + (
            self.tr(" (padding −∞)") if self.mode == "max" and any(g.pads) else "")

    def output_title(self) -> str:
        out = self.trace.geometry.out
        return self.tr("output {shape}", shape=f"{out[0]}×{out[1]}")

    def title_text(self) -> str:
        """``max pooling 2×2, stride 2, padding 0`` and the options that change the arithmetic."""
        g = self.trace.geometry
        kh, kw = g.kernel
        what = (self.tr("max pooling {size}", size=f"{kh}×{kw}") if self.mode == "max"
                else self.tr("average pooling {size}", size=f"{kh}×{kw}"))
        options = settings_parts(self.tr, g, dilation=g.dilation != (1, 1))
        if self.ceil_mode:
            options.append("ceil_mode")
        if self.mode == "avg":
            options.append("divisor_override" if self.divisor_override is not None else
                           f"count_include_pad={self.count_include_pad}")
        return ", ".join([what] + options)

    def size_formulas(self) -> list[str]:
        """The output-size formula for each axis whose numbers differ (from the core)."""
        return size_formulas(self.tr, self.lookup, self.trace.geometry, self.ceil_mode)

    def display_values(self, values: np.ndarray, is_padding: np.ndarray) -> np.ndarray:
        """Values as drawn: max-pooling padding shows −∞ (integer inputs pad with the dtype's minimum)."""
        shown = values.astype(object)
        if self.mode == "max":
            shown[is_padding] = -np.inf
        return shown

    # -- the story -------------------------------------------------------------
    def construct(self) -> None:
        self.play(FadeIn(self.title), FadeIn(self.formula), FadeIn(self.input_grid), FadeIn(self.input_label),
                  FadeIn(self.output_grid), FadeIn(self.output_label), run_time=self.stage_time)
        for n, step in enumerate(self.trace.steps()):
            if n < self.detailed_windows:
                self.explain_window(step)
            else:
                self.sweep_window(step)
            self.after_window(step)
        self.play(FadeOut(self.window_frames), *([FadeOut(self.winner_mark)] if self.winner_mark is not None else []),
                  run_time=self.stage_time / 2)
        self.mark_unvisited_cells()
        self.wait(self.pause_time)
        if self.shows_code():
            self.show_code_card()

    def torch_code(self) -> TorchCode:
        """``nn.MaxPool2d`` or ``nn.AvgPool2d`` with the layer's options, on the input shown."""
        return self.layer_code(self.trace.input.reshape(self.trace.geometry.input))

    def unvisited_cells(self) -> list[tuple[int, int]]:
        """Padded-input cells no window reads (from the trace's coverage)."""
        return [tuple(int(v) for v in p) for p in np.argwhere(self.trace.coverage() == 0)]

    def mark_unvisited_cells(self) -> None:
        cells = self.unvisited_cells()
        if not cells:
            return
        self.unvisited_marks = unvisited_marks(self.input_grid, cells, self.palette.output)
        self.unvisited_label = unvisited_label(cells, self.input_grid.shape, self.palette.output, self)
        self.unvisited_label.next_to(self.caption, UP, buff=0.15)
        self.play(FadeIn(self.unvisited_marks), FadeIn(self.unvisited_label), run_time=self.stage_time)

    @property
    def padding_counts(self) -> bool:
        """False when average pooling leaves padding cells out of the sum and the divisor."""
        return not (self.mode == "avg" and not self.count_include_pad and self.divisor_override is None)

    def window_frame(self, step: PoolStep) -> VGroup:
        """One frame per tap of the window (taps skip cells when dilated); taps that do not count are faint."""
        size = self.input_grid.cell_size
        faint = step.is_padding & (not self.padding_counts)
        return VGroup(*(ring(size, size, 0.08 * size, self.palette.muted if faint[i, j] else self.palette.kernel,
                             0.45 if faint[i, j] else 1.0).move_to(self.input_grid.cell(r, c))
                        for i, r in enumerate(step.rows) for j, c in enumerate(step.cols)))

    def move_window(self, step: PoolStep, run_time: float, *also) -> None:
        frame = self.window_frame(step)
        if self.window_frames is None:
            self.window_frames = frame
            self.play(FadeIn(frame), *also, run_time=run_time)
        else:
            self.play(self.window_frames.animate.become(frame), *also, run_time=run_time)

    def winner_animation(self, step: PoolStep):
        """Highlight the winning cell (max pooling only)."""
        if step.winner is None:
            return []
        ky, kx = step.winner
        size = self.input_grid.cell_size
        mark = ring(size * 1.08, size * 1.08, 0.12 * size, self.palette.winner).move_to(
            self.input_grid.cell(step.rows[ky], step.cols[kx]))
        old, self.winner_mark = self.winner_mark, mark
        return [FadeIn(mark)] + ([FadeOut(old)] if old is not None else [])

    def reveal_output(self, step: PoolStep):
        self.revealed[step.oy, step.ox] = True
        return self.output_grid.number(step.oy, step.ox).animate.set_opacity(1)

    def explain_window(self, step: PoolStep) -> None:
        self.move_window(step, self.stage_time)
        self.play(*self.winner_animation(step), self.caption_to(self.equation(step)), run_time=self.stage_time)
        self.play(self.reveal_output(step), run_time=self.stage_time)

    def sweep_window(self, step: PoolStep) -> None:
        self.move_window(step, self.sweep_time, *self.winner_animation(step), self.caption_to(self.equation(step)),
                         self.reveal_output(step))

    def equation(self, step: PoolStep) -> str:
        """The caption: max with its index, or sum ÷ divisor, with the trace's numbers (one spelling)."""
        return str(self.window_statement(step))

    def window_statement(self, step: PoolStep) -> Statement:
        """The caption as a Statement: its note the max's index, or the cells an average leaves out."""
        d = self.num_decimals
        shown = list(self.display_values(step.values, step.is_padding).flat)
        values = ", ".join(format_number(v, d) for v in shown)
        target = f"y[{step.oy},{step.ox}]"
        if self.mode == "max":
            h, w = step.source
            index = self.tr("index = {formula}", formula=f"{h}·{self.trace.geometry.input[1]} + {w} = {step.index}")
            return Statement(target, f"max({values})", format_number(step.value, d), "=", index)
        past = self.past_the_edge(step).flat
        inside = [(v, pad) for v, pad, beyond in zip(shown, step.is_padding.flat, past) if not beyond]
        counted = [v for v, pad in inside if self.padding_counts or not pad]
        left_out, beyond = len(inside) - len(counted), len(shown) - len(inside)
        notes = ([self.trn("{n} padding cell not counted", "{n} padding cells not counted", left_out)] if left_out
                 else []) + ([self.trn("{n} cell past the edge not counted", "{n} cells past the edge not counted",
                                       beyond)] if beyond else [])
        note = "; ".join(notes)
        divisor = format_number(step.divisor, 0 if float(step.divisor).is_integer() else d)
        terms = join_terms([format_number(v, d) for v in counted])
        expression = f"({terms}) ÷ {divisor}" if len(counted) > 1 else f"{terms} ÷ {divisor}"
        total = format_number(step.value, d)
        return Statement(target, expression, total, relation_for(expression, total), note)

    def past_the_edge(self, step: PoolStep) -> np.ndarray:
        """(KH, KW) True for the cells of a ceil_mode window that lie past the padded input: no cell of the input
        or its padding is there, so average pooling neither adds nor counts them (the trace holds them as
        padding)."""
        g = self.trace.geometry
        top, bottom, left, right = g.pads
        rows = np.asarray(step.rows) >= g.input[0] + top + bottom
        cols = np.asarray(step.cols) >= g.input[1] + left + right
        return rows[:, None] | cols[None, :]

    def narrator(self, language: str):
        """The spoken story of this pooling layer in ``language`` (see :mod:`convanim.narration.pooling`)."""
        from convanim.narration.pooling import PoolNarrator

        return PoolNarrator(self.trace, self.num_decimals, self.padding_counts, len(self.unvisited_cells()), language)

    def after_window(self, step: PoolStep) -> None:
        """Called after each window; tests read the screen here."""


__all__ = ["PoolingScene"]
