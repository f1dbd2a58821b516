"""PoolBackwardScene: pooling's backward pass, window by window.

Max pooling sends each window's gradient dL/dy to the cell that won the
window in the forward pass (the others get 0; a cell that wins several
windows adds their gradients).  Average pooling shares it: each cell of the
window gets dL/dy ÷ divisor.  Every number comes from the core's
PoolGradTrace (``contributions`` gives each cell's running sum), none is
computed here.
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.common_options import decimals_option, detailed_option, show_code_option, sweep_time_option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, UP, Transform, VGroup

from convanim import trace_pool2d_backward
from convanim.arithmetic.pool import check_pool
from convanim.arithmetic.backward_trace import PoolGradTrace
from convanim.arithmetic.padding import padding_mask
from convanim.arithmetic.pool_trace import PoolStep
from convanim.statements import Statement, decimals_for, format_number, join_terms, relation_for
from convanim.torch_code import TorchCode, backward_code

from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.mobjects.cells import (NumberGrid, caption_text, fit_font_size, label_above, readable_cell,
                                           ring)
from convanim.manim.animations.fades import FadeIn, FadeOut
from convanim.manim.options.layer_options import PlaneInput, UpstreamGradient
from convanim.manim.mobjects.numbers import make_number, set_number, widest_text
from convanim.manim.options.pool_options import PoolLayerOptions


class PoolBackwardScene(UpstreamGradient, PoolLayerOptions, PlaneInput, FamilyScene):
    """The backward pass of pooling over one channel.  Options (class attributes):

    the forward layer as :class:`~convanim.manim.families.pool_scene.PoolingScene`
    (``mode``, ``input_size``, ``kernel_size``, ``stride``, ``padding``,
    ``dilation``, ``ceil_mode``, ``count_include_pad``, ``divisor_override``,
    ``input_values`` or ``seed``/``input_range``); the upstream gradient
    ``grad_values`` (OH, OW) or integers from ``grad_seed`` in ``grad_range``;
    ``decimals``; ``palette``; ``detailed_windows``, ``stage_time``,
    ``sweep_time``, ``pause_time``.
    """

    grad_seed: int = 11
    grad_range: tuple[int, int] = (-3, 6)
    decimals: int = decimals_option(2)
    detailed_windows: int = detailed_option(3, "windows")
    sweep_time: float = sweep_time_option(0.5)
    LONG_CAPTION_SIZE = 20

    # -- building --------------------------------------------------------------------
    # convanim slides: a new slide before each of these steps (slide_runs: one per run of them).
    show_code: bool = show_code_option()
    slide_cuts: tuple[str, ...] = ("send_back_in_detail", "conclude", "show_code_card")
    slide_runs: tuple[str, ...] = ("send_back_quickly",)

    def setup(self) -> None:
        x = self.get_input()
        # The core checks every option, and the gradient's shape, before any frame is written.
        grad = self.get_grad(self.output_shape(x))
        self.trace: PoolGradTrace = trace_pool2d_backward(
            x[None], grad[None], self.kernel_size, self.mode, self.stride, self.padding, self.dilation,
            self.ceil_mode, self.count_include_pad, self.divisor_override)
        t, pal = self.trace, self.palette
        g = t.geometry
        self.forward = t.forward
        hp, wp = t.forward.padded.shape[1:]
        top, _, left, _ = g.pads
        mask = padding_mask(g.input, (top, hp - top - g.input[0], left, wp - left - g.input[1]))
        in_decimals = decimals_for(t.forward.input, self.decimals)
        shown = t.forward.padded[0].astype(object)
        shown[mask] = -np.inf if self.mode == "max" else 0
        self.input_grid = NumberGrid(shown, min(0.7, 3.8 / max(hp, wp)), pal.input, in_decimals, mask, pal.padding)
        self.input_grid.move_to(np.array([-4.45, -0.45, 0]))
        self.grad_decimals = decimals_for(t.grad_output, self.decimals)
        out_cell = readable_cell(min(0.8, 2.6 / max(g.out)), t.grad_output, self.grad_decimals)
        self.grad_out_grid = NumberGrid(t.grad_output[0], out_cell, pal.output, self.grad_decimals,
                                        font_size=fit_font_size(out_cell, widest_text(t.grad_output,
                                                                                      self.grad_decimals)))
        self.grad_out_grid.move_to(np.array([-0.35, -0.45, 0]))
        self.in_decimals = decimals_for(t.grad_input, self.decimals)
        cell = readable_cell(min(0.7, 3.8 / max(g.input)), t.grad_input, self.in_decimals)
        font = fit_font_size(cell, widest_text(t.grad_input, self.in_decimals))
        zero = np.zeros(g.input, dtype=t.grad_input.dtype)
        self.grad_in_grid = NumberGrid(zero, cell, pal.kernel, self.in_decimals, font_size=font)
        self.grad_in_grid.move_to(np.array([4.3, -0.45, 0]))
        h, w = g.input
        self.input_label = label_above(self.input_grid, self.tr("input x {shape}", shape=f"{h}×{w}"))
        self.grad_out_label = label_above(self.grad_out_grid, self.tr("dL/dy {shape} (given)",
                                                                      shape=f"{g.out[0]}×{g.out[1]}"))
        self.grad_in_label = label_above(self.grad_in_grid, f"dL/dx {h}×{w}")
        kh, kw = g.kernel
        what = (self.tr("max pooling {size}", size=f"{kh}×{kw}") if self.mode == "max"
                else self.tr("average pooling {size}", size=f"{kh}×{kw}"))
        self.title = caption_text(self.tr("{pooling}, stride {stride}, padding {padding}: the backward pass",
                                          pooling=what, stride=g.stride[0], padding=g.pads[0]),
                                  28).to_edge(UP, buff=0.25)
        self.rule = caption_text(self.rule_text(), 22, "#E0E0E0")
        self.rule.next_to(self.title, DOWN, buff=0.12)
        super().setup()  # the background and an empty caption
        self.frames = None

    def torch_code(self) -> TorchCode:
        """The pooling layer on the input shown, run back from the dL/dy shown: ``dx`` is the gradient drawn."""
        t = self.trace
        return backward_code(self.layer_code(t.forward.input.reshape(t.geometry.input)), t.grad_output, "pool")

    def output_shape(self, x: np.ndarray) -> tuple[int, int]:
        """(OH, OW) of the forward pooling (the one size rule, through the core's checks)."""
        return check_pool(x[None], self.kernel_size, self.stride, self.padding, self.dilation,
                          self.ceil_mode).geometry.out

    def rule_text(self) -> str:
        if self.mode == "max":
            return self.tr("each dL/dy goes back to the cell that won its window; the other cells get 0")
        return self.tr("each dL/dy is shared by its window's cells: dL/dy ÷ divisor each")

    # -- the story -------------------------------------------------------------
    def construct(self) -> None:
        self.introduce()
        for n, step in enumerate(self.forward.steps()):
            if n < self.detailed_windows:
                self.send_back_in_detail(step)
            else:
                self.send_back_quickly(step)
            self.after_window(step)
        self.conclude()
        if self.shows_code():
            self.show_code_card()

    def introduce(self) -> None:
        self.play(*(FadeIn(m) for m in (self.title, self.rule, self.input_grid, self.input_label, self.grad_out_grid,
                                        self.grad_out_label, self.grad_in_grid, self.grad_in_label)),
                  run_time=self.stage_time)

    def targets(self, step: PoolStep) -> list[tuple[int, int]]:
        """The input cells (h, w) window (oy, ox) passes its gradient to: its winner, or its input cells."""
        if self.mode == "max":
            return [step.source]
        t = self.trace.geometry.pads
        return [(int(r) - t[0], int(c) - t[2]) for i, r in enumerate(step.rows) for j, c in enumerate(step.cols)
                if not step.is_padding[i, j]]

    def running_after(self, step: PoolStep, cell: tuple[int, int]):
        """Cell's dL/dx after this window, its value before, and whether more windows add to it (from the trace)."""
        terms = self.trace.contributions(0, *cell)
        k = next(i for i, term in enumerate(terms) if (term.oy, term.ox) == (step.oy, step.ox))
        before = terms[k - 1].running if k else None
        return terms[k].running, before, k < len(terms) - 1

    def frames_for(self, step: PoolStep) -> VGroup:
        size = self.input_grid.cell_size
        frames = VGroup(*(ring(size, size, 0.08 * size, self.palette.kernel).move_to(self.input_grid.cell(r, c))
                          for r in step.rows for c in step.cols))
        out = self.grad_out_grid.cell_size
        frames.add(ring(out * 1.06, out * 1.06, 0.1 * out, self.palette.winner).move_to(
            self.grad_out_grid.cell(step.oy, step.ox)))
        if self.mode == "max":
            ky, kx = step.winner
            frames.add(ring(size * 1.08, size * 1.08, 0.12 * size, self.palette.winner).move_to(
                self.input_grid.cell(step.rows[ky], step.cols[kx])))
        return frames

    def move_frames(self, step: PoolStep, run_time: float, *also) -> None:
        frames = self.frames_for(step)
        if self.frames is None:
            self.frames = frames
            self.play(FadeIn(frames), *also, run_time=run_time)
        else:
            self.play(FadeOut(self.frames), FadeIn(frames), *also, run_time=run_time)
            self.frames = frames

    def send_animations(self, step: PoolStep):
        """Copies of dL/dy (or of its share) fly to the cells it reaches, whose numbers take their new sums."""
        share = self.trace.shares[0, step.oy, step.ox]
        animations, self._arrived = [], []
        decimals = self.grad_decimals if self.mode == "max" else self.in_decimals
        for cell in self.targets(step):
            target = self.grad_in_grid.cell(*cell)
            flying = make_number(share, decimals, self.grad_in_grid.font_size, self.palette.winner)
            flying.move_to(self.grad_out_grid.cell(step.oy, step.ox))
            animations.append(flying.animate.move_to(target).set_opacity(0))
            self._arrived.append(flying)
            after, _, _ = self.running_after(step, cell)
            number = self.grad_in_grid.number(*cell)
            animations.append(Transform(number, set_number(number.copy(), after)))
            self._arrived.append((cell, after))
        return animations

    def finish_sending(self) -> None:
        for item in self._arrived:
            if isinstance(item, tuple):
                self.grad_in_grid.set_number(*item[0], item[1])  # exact value: glyphs and state agree
            else:
                self.remove(item)

    def send_back_in_detail(self, step: PoolStep) -> None:
        self.move_frames(step, self.stage_time, self.caption_to(self.statement(step)))
        self.play(*self.send_animations(step), run_time=self.stage_time)
        self.finish_sending()
        self.wait(self.stage_time / 2)

    def send_back_quickly(self, step: PoolStep) -> None:
        self.move_frames(step, self.sweep_time, self.caption_to(self.statement(step)))
        self.play(*self.send_animations(step), run_time=self.sweep_time)
        self.finish_sending()

    def conclude(self) -> None:
        self.play(FadeOut(self.frames), run_time=self.stage_time / 2)
        self.play(self.caption_to(self.conclusion(), font_size=self.CLOSING_SIZE), run_time=self.stage_time)
        self.wait(self.pause_time)

    def conclusion(self) -> str:
        if self.mode == "max":
            return self.tr("dL/dx: each cell holds the sum of the dL/dy of the windows it won (0 if it won none)")
        return self.tr("dL/dx: each cell holds the sum of the shares of every window it lies in")

    # -- what the viewer reads ----------------------------------------------------------
    def statement(self, step: PoolStep) -> str:
        """The caption for window (oy, ox), every number from the trace."""
        d = self.grad_decimals
        g = self.trace.grad_output[0, step.oy, step.ox]
        head = f"dL/dy[{step.oy},{step.ox}] = {format_number(g, d)}"
        if self.mode == "max":
            h, w = step.source
            after, before, more = self.running_after(step, (h, w))
            cell = f"dL/dx[{h},{w}]"
            label = self.tr("{cell} so far", cell=cell) if more else cell
            expression = join_terms([format_number(0 if before is None else before, self.in_decimals),
                                     format_number(g, d)])
            total = format_number(after, self.in_decimals)
            won = self.tr("{cell} won the window", cell=f"x[{h},{w}]")
            return f"{head}; {won}; {Statement(label, expression, total)}"
        divisor = self.forward.divisors[step.oy, step.ox]
        share = self.trace.shares[0, step.oy, step.ox]
        cells = len(self.targets(step))
        expression = f"{format_number(g, d)} ÷ {format_number(divisor, 0 if float(divisor).is_integer() else 2)}"
        total = format_number(share, self.in_decimals)
        share_statement = Statement(self.tr("each share"), expression, total, relation_for(expression, total))
        dropped = int(step.is_padding.sum())
        where = self.trn("{n} input cell shares it", "{n} input cells share it", cells)
        if dropped and self.padding_counts:
            where += ", " + self.trn("{n} padding cell's share is dropped", "{n} padding cells' shares are dropped",
                                     dropped)
        return f"{head}; {where}; {share_statement}"

    @property
    def padding_counts(self) -> bool:
        """True when padding cells count in the divisor (so their shares exist and are dropped)."""
        return self.divisor_override is None and self.count_include_pad

    def narrator(self, language: str):
        """The spoken story of this backward pass in ``language`` (see :mod:`convanim.narration.pool_backward`)."""
        from convanim.narration.pool_backward import PoolBackwardNarrator

        return PoolBackwardNarrator(self.trace, self.decimals, language)

    def after_window(self, step: PoolStep) -> None:
        """Called after each window; tests read the screen here."""


__all__ = ["PoolBackwardScene"]
