"""BatchNormFoldingScene: a conv then a batch norm is one conv, with the same output numbers.

The story: the input x; the conv's filters W and biases b give the maps z;
the batch norm, per channel, turns z into y with its μ, σ², γ, β; then, filter
by filter, the batch norm folds into the conv (``s = γ / √(σ² + ε)``,
``W′ = s · W``, ``b′ = (b − μ) · s + β``); the folded conv alone gives y′, and
y′ equals y in every cell.  It is what an inference runtime does to a trained
network before running it.

Every number comes from the core (:func:`convanim.run_pipeline`,
:func:`convanim.trace_fold_batchnorm`, :func:`convanim.trace_batch_norm`,
:func:`convanim.trace_conv2d`); the scene computes nothing.
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.common_options import decimals_option, seed_option, show_code_option
from convanim.torch_code import TorchCode, pipeline_code
from convanim.manim.options.option_kinds import Number, Whole
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, LEFT, RIGHT, UP, Group, Indicate, ReplacementTransform, VGroup

from convanim import BatchNorm, Conv, run_pipeline, trace_batch_norm, trace_conv2d, trace_fold_batchnorm
from convanim.arithmetic.padding import pad_input, padding_mask
from convanim.statements import (batch_norm_statement, conv_cell_statement, fold_bias_statement,
                                 fold_scale_statement, format_number, output_label)

from convanim.manim.animations.fades import FadeIn, fade_out_together
from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.mobjects.cells import (MIN_FONT_SIZE, NumberGrid, caption_text, fit_font_size, frame_around,
                                           min_cell_for, text_line)
from convanim.manim.mobjects.numbers import format_shape, widest_text

#: The room the grids share: between the column labels and the caption, and across the frame.
ROOM_WIDTH, ROOM_HEIGHT, ROOM_TOP = 13.4, 4.9, 2.45
#: The font of the batch norm's numbers and of the biases.
SMALL_TEXT = 20
#: A grid's cells are drawn this much larger than the smallest that fits its widest number, when there is room.
CELL_MARGIN, LARGEST_CELL = 1.12, 0.85
#: The windows whose products a caption writes out: at most this many.
WRITTEN_PRODUCTS = 9


class BatchNormFoldingScene(FamilyScene):
    """A conv then a batch norm, folded into one conv with the same output.

    Options: ``in_channels``, ``input_size``, ``out_channels``, ``kernel_size``,
    ``stride``, ``padding`` (the conv), ``eps`` (the batch norm's ε), ``seed``
    (the input, weights, biases and the batch norm's μ, σ², γ, β; override
    ``get_layers()`` and ``get_input()`` for your own), ``decimals``,
    ``palette``, ``stage_time``, ``pause_time``.
    """

    in_channels: int = Option(1, Whole(1, 2), "input channels C")
    input_size: int = Option(5, Whole(3, 6), "the input's height and width")
    out_channels: int = Option(2, Whole(1, 3), "filters F, each followed by its batch norm channel")
    kernel_size: int = Option(3, Whole(1, 3), "the kernel's side")
    stride: int = Option(1, Whole(1, 2), "the conv's step between windows")
    padding: int = Option(0, Whole(0, 1), "zeros added on each side of the input")
    eps: float = Option(1e-5, Number(above=0, high=1), "the batch norm's ε, added to σ² under the root")
    seed: int = seed_option(7, "the input, the weights and the batch norm's numbers")
    decimals: int = decimals_option(2)
    stage_time = 1.0

    # convanim slides: a new slide before each of these steps.
    slide_cuts: tuple[str, ...] = ("apply_conv", "apply_batch_norm", "fold_filter", "apply_folded_conv",
                                   "compare_outputs", "show_code_card")
    show_code: bool = show_code_option()

    # -- values ------------------------------------------------------------------
    def get_input(self) -> np.ndarray:
        """The (C, H, W) input: whole numbers 0 to 2 drawn from ``seed``."""
        rng = np.random.default_rng(self.seed)
        return rng.integers(0, 3, (self.in_channels, self.input_size, self.input_size))

    def get_layers(self) -> tuple[Conv, BatchNorm]:
        """The conv (whole weights −1 to 1, whole biases −2 to 2) and the batch norm after it (μ in steps of
        0.2, σ² one of 0.25, 1, 2.25, 4, γ one of −1, 0.5, 1, 1.5, 2, β in steps of 0.1), drawn from ``seed``."""
        rng = np.random.default_rng(self.seed + 1)
        f, c, k = self.out_channels, self.in_channels, self.kernel_size
        conv = Conv(rng.integers(-1, 2, (f, c, k, k)), rng.integers(-2, 3, f), stride=self.stride,
                    padding=self.padding)
        bn = BatchNorm(rng.integers(-10, 11, f) / 5, rng.choice([0.25, 1.0, 2.25, 4.0], f),
                       rng.choice([-1.0, 0.5, 1.0, 1.5, 2.0], f), rng.integers(-10, 11, f) / 10, eps=self.eps)
        return conv, bn

    def setup(self) -> None:
        super().setup()
        self.x = self.get_input()
        self.conv, self.bn = self.get_layers()
        # The core checks the layers against the input before any frame is written.
        _, conv_stage, bn_stage = run_pipeline(self.x, [self.conv, self.bn])
        self.fold = trace_fold_batchnorm(self.conv, self.bn)
        self.z, self.y = conv_stage.output, bn_stage.output
        self.norm = trace_batch_norm(self.z, self.bn.mean, self.bn.var, self.bn.weight, self.bn.bias, self.bn.eps)
        folded = self.fold.folded
        self.folded_trace = trace_conv2d(self.x, folded.weight, folded.bias, folded.stride, folded.padding)
        self.y_folded = self.folded_trace.output
        self.build()

    # -- building ----------------------------------------------------------------
    def natural_cell(self, values: np.ndarray) -> float:
        """The cell side a grid of ``values`` is drawn at when there is room: its widest number at a little
        more than the smallest font."""
        decimals = self.decimals if np.asarray(values).dtype.kind == "f" else 0
        return min(LARGEST_CELL, CELL_MARGIN * min_cell_for(widest_text(np.ravel(values), decimals)))

    def build(self) -> None:
        """Every grid and text, placed: x on the left; then per filter a row of W and b, z, the batch norm's
        numbers and y.  W′ and b′ take W's and b's place, y′ the place of z and the batch norm."""
        pads = (self.padding,) * 4
        shown_x = pad_input(self.x, pads, "zeros") if self.padding else self.x
        mask = padding_mask(self.x.shape[1:], pads)
        weight, folded = np.asarray(self.conv.weight), self.fold.folded.weight
        cells = {"x": self.natural_cell(self.x), "w": self.natural_cell(weight), "w′": self.natural_cell(folded),
                 "z": self.natural_cell(self.z), "y": self.natural_cell(np.concatenate([self.y, self.y_folded]))}
        self.bn_boxes = [self.batch_norm_box(f) for f in range(self.out_channels)]
        self.biases = [self.bias_text("b", self.fold.conv_bias[f], self.conv.bias) for f in range(self.out_channels)]
        self.folded_biases = [self.bias_text("b′", self.fold.folded.bias[f], self.fold.folded.bias)
                              for f in range(self.out_channels)]
        scale = self.room_scale(cells, shown_x.shape[1:])
        cells = {name: side * scale for name, side in cells.items()}
        self.x_grids = [self.grid(shown_x[c], cells["x"], self.palette.input, mask) for c in range(self.in_channels)]
        self.w_grids = [[self.grid(weight[f, c], cells["w"], self.palette.kernel) for c in range(self.in_channels)]
                        for f in range(self.out_channels)]
        self.folded_grids = [[self.grid(folded[f, c], cells["w′"], self.palette.kernel)
                              for c in range(self.in_channels)] for f in range(self.out_channels)]
        self.z_grids = [self.grid(self.z[f], cells["z"], self.palette.output) for f in range(self.out_channels)]
        self.y_grids = [self.grid(self.y[f], cells["y"], self.palette.output) for f in range(self.out_channels)]
        self.y_folded_grids = [self.grid(self.y_folded[f], cells["y"], self.palette.output)
                               for f in range(self.out_channels)]
        self.place()

    def grid(self, values: np.ndarray, cell: float, colour: str, mask: np.ndarray | None = None) -> NumberGrid:
        """A grid of ``values``: numbers where they fit at the smallest font, else shades."""
        decimals = self.decimals if np.asarray(values).dtype.kind == "f" else 0
        font = fit_font_size(cell, widest_text(np.ravel(values), decimals))
        return NumberGrid(values, cell, colour, decimals, mask, self.palette.padding, font,
                          show_numbers=font >= MIN_FONT_SIZE)

    def batch_norm_box(self, f: int) -> VGroup:
        """Channel ``f``'s batch norm numbers, one per line: μ, σ², γ, β."""
        d = self.decimals
        lines = [f"μ = {format_number(self.fold.mean[f], d)}", f"σ² = {format_number(self.fold.var[f], d)}",
                 f"γ = {format_number(self.fold.weight[f], d)}", f"β = {format_number(self.fold.bias[f], d)}"]
        return VGroup(*(text_line(line, SMALL_TEXT) for line in lines)).arrange(DOWN, aligned_edge=LEFT, buff=0.1)

    def bias_text(self, name: str, value: float, values: object) -> VGroup:
        decimals = self.decimals if np.asarray(values).dtype.kind == "f" else 0
        return VGroup(text_line(f"{name} = {format_number(value, decimals)}", SMALL_TEXT))

    def room_scale(self, cells: dict[str, float], x_shape: tuple[int, int]) -> float:
        """The factor (at most 1) every cell side takes so that the columns and rows fit the room; the texts
        keep their size."""
        k, (oh, ow), hp, c = self.kernel_size, self.z.shape[1:], x_shape[0], self.in_channels
        bn_w, bn_h = max(b.get_width() for b in self.bn_boxes), self.bn_boxes[0].get_height()
        bias_w = max(t.get_width() for t in self.biases + self.folded_biases)
        kernel = max(cells["w"], cells["w′"])

        def fits(s: float) -> bool:
            widths = [s * cells["x"] * hp, s * kernel * c * k + 0.15 * c + bias_w,
                      max(s * cells["z"] * ow + 0.5 + bn_w, s * cells["y"] * ow), s * cells["y"] * ow]
            row = max(s * kernel * k, s * cells["z"] * oh, s * cells["y"] * oh, bn_h)
            return (sum(widths) + 3 * 0.5 <= ROOM_WIDTH and
                    self.out_channels * row + 0.3 * (self.out_channels - 1) <= ROOM_HEIGHT and
                    c * s * cells["x"] * hp + 0.2 * (c - 1) <= ROOM_HEIGHT)

        scale = 1.0
        while not fits(scale) and scale > 0.05:
            scale *= 0.97
        return scale

    def place(self) -> None:
        """Columns left to right, rows top to bottom; the labels above the columns."""
        rows = self.out_channels
        kernels = [Group(*row).arrange(RIGHT, buff=0.15) for row in self.w_grids]
        folded_kernels = [Group(*row).arrange(RIGHT, buff=0.15) for row in self.folded_grids]
        row_h = max(max(k.get_height() for k in kernels + folded_kernels),
                    max(g.get_height() for g in self.z_grids + self.y_grids), self.bn_boxes[0].get_height())
        gap = 0.3 if rows > 1 else 0
        tops = [ROOM_TOP - f * (row_h + gap) for f in range(rows)]
        centres_y = [top - row_h / 2 for top in tops]
        middle_y = ROOM_TOP - (rows * row_h + (rows - 1) * gap) / 2
        x_column = Group(*self.x_grids).arrange(DOWN, buff=0.2)
        kernel_w = max(k.get_width() for k in kernels + folded_kernels)
        bias_w = max(t.get_width() for t in self.biases + self.folded_biases)
        z_w = max(g.get_width() for g in self.z_grids)
        bn_w = max(b.get_width() for b in self.bn_boxes)
        y_w = max(g.get_width() for g in self.y_grids)
        middle_w = max(z_w + 0.5 + bn_w, y_w)
        widths = [x_column.get_width(), kernel_w + 0.15 + bias_w, middle_w, y_w]
        spare = (ROOM_WIDTH - sum(widths)) / (len(widths) - 1)
        lefts = np.cumsum([-ROOM_WIDTH / 2] + [w + spare for w in widths[:-1]])
        centres_x = [left + w / 2 for left, w in zip(lefts, widths)]
        x_column.move_to(np.array([centres_x[0], middle_y, 0]))
        for f in range(rows):
            y0 = centres_y[f]
            for group, bias in ((kernels[f], self.biases[f]), (folded_kernels[f], self.folded_biases[f])):
                group.move_to(np.array([lefts[1], y0, 0]), aligned_edge=LEFT)  # b and b′ right of their filter
                bias.next_to(group, RIGHT, buff=0.15)
            middle_left = centres_x[2] - middle_w / 2
            self.z_grids[f].move_to(np.array([middle_left + z_w / 2, y0, 0]))
            self.bn_boxes[f].move_to(np.array([middle_left + middle_w - bn_w / 2, y0, 0]))
            self.y_folded_grids[f].move_to(np.array([centres_x[2], y0, 0]))
            self.y_grids[f].move_to(np.array([centres_x[3], y0, 0]))
        self.kernels, self.folded_kernels = kernels, folded_kernels
        label_y = ROOM_TOP + 0.3
        def label(text: str, x: float) -> VGroup:
            return VGroup(caption_text(text, 26, "#BDBDBD", max_width=max(widths) + spare)).move_to(
                np.array([x, label_y, 0]))
        self.labels = {"x": label("x", centres_x[0]), "w": label("W, b", centres_x[1]),
                       "w′": label("W′, b′", centres_x[1]),
                       "z": label("z", centres_x[2] - middle_w / 2 + z_w / 2),
                       "bn": label(self.tr("batch norm"), centres_x[2] + middle_w / 2 - bn_w / 2),
                       "y′": label("y′", centres_x[2]), "y": label("y", centres_x[3])}
        self.title = caption_text(self.tr("a conv, then a batch norm: one conv"), 28).to_edge(UP, buff=0.2)

    # -- the story ---------------------------------------------------------------
    def construct(self) -> None:
        self.show_input()
        self.apply_conv()
        self.apply_batch_norm()
        for f in range(self.out_channels):
            self.fold_filter(f)
        self.apply_folded_conv()
        self.compare_outputs()
        if self.shows_code():
            self.show_code_card()

    def show_input(self) -> None:
        """The input x."""
        self.play(FadeIn(self.title), FadeIn(Group(*self.x_grids)), FadeIn(self.labels["x"]),
                  self.caption_to(self.tr("input x: {shape}", shape=format_shape(self.x.shape))),
                  run_time=self.stage_time)
        self.wait(self.pause_time / 2)

    def apply_conv(self) -> None:
        """The filters W and biases b, and the maps z they give."""
        f, c, k, _ = np.shape(self.conv.weight)
        text = self.trn("conv: {n} filter {shape} and its bias b give z, {maps}",
                        "conv: {n} filters {shape}, each with its bias b, give z, {maps}", f,
                        shape=f"{c}×{k}×{k}", maps=format_shape(self.z.shape))
        cell = conv_cell_statement(trace_conv2d(self.x, self.conv.weight, self.conv.bias, self.conv.stride,
                                                self.conv.padding), 0, 0, 0, self.decimals, "z")
        if len(self.folded_trace.window(0, 0, 0).ravel()) <= WRITTEN_PRODUCTS:
            text += f"; {cell}"
        self.play(*(FadeIn(m) for m in (*self.kernels, *self.biases, *self.z_grids)), FadeIn(self.labels["w"]),
                  FadeIn(self.labels["z"]), self.caption_to(text), run_time=self.stage_time)
        self.wait(self.pause_time / 2)

    def apply_batch_norm(self) -> None:
        """Each channel's batch norm numbers, and the maps y they give; the first cell written out."""
        cell = batch_norm_statement(self.norm, 0, 0, 0, self.decimals, output_label(0, 0, 0, "y"))
        text = self.tr("batch norm, channel by channel: y = (z − μ) / √(σ² + ε) · γ + β") + f"; {cell}"
        self.play(*(FadeIn(m) for m in (*self.bn_boxes, *self.y_grids)), FadeIn(self.labels["bn"]),
                  FadeIn(self.labels["y"]), self.caption_to(text), run_time=self.stage_time)
        self.wait(self.pause_time / 2)

    def fold_filter(self, f: int) -> None:
        """Filter ``f`` takes its batch norm in: W′ = s · W, then b′ = (b − μ) · s + β."""
        scale = fold_scale_statement(self.fold, f, self.decimals)
        self.play(Indicate(self.bn_boxes[f]), ReplacementTransform(self.kernels[f], self.folded_kernels[f]),
                  self.caption_to(f"{scale}; W′[{f}] = s[{f}] · W[{f}]"), run_time=self.stage_time)
        self.play(ReplacementTransform(self.biases[f], self.folded_biases[f]),
                  self.caption_to(fold_bias_statement(self.fold, f, self.decimals)), run_time=self.stage_time)
        if f == self.out_channels - 1:
            self.play(ReplacementTransform(self.labels["w"], self.labels["w′"]), run_time=self.stage_time / 2)
        self.wait(self.pause_time / 2)

    def apply_folded_conv(self) -> None:
        """The folded conv alone: y′, where z and the batch norm were."""
        text = self.tr("one conv with W′ and b′ gives y′, with no batch norm")
        cell = conv_cell_statement(self.folded_trace, 0, 0, 0, self.decimals, "y′")
        if len(self.folded_trace.window(0, 0, 0).ravel()) <= WRITTEN_PRODUCTS:
            text += f"; {cell}"
        self.play(*fade_out_together([*self.z_grids, *self.bn_boxes, self.labels["z"], self.labels["bn"]]),
                  run_time=self.stage_time / 2)
        self.play(*(FadeIn(g) for g in self.y_folded_grids), FadeIn(self.labels["y′"]), self.caption_to(text),
                  run_time=self.stage_time)
        self.wait(self.pause_time / 2)

    def compare_outputs(self) -> None:
        """y′ beside y: the same numbers in every cell."""
        frames = VGroup(*(frame_around(g, self.palette.winner) for g in self.y_grids + self.y_folded_grids))
        self.play(FadeIn(frames), self.caption_to(self.tr(
            "y′ = y in every cell: an inference runtime folds each batch norm into its conv")), run_time=self.stage_time)
        self.wait(self.pause_time)

    def code_card_title(self) -> str:
        return self.tr("the same network in PyTorch")

    def torch_code(self) -> TorchCode:
        """The conv then the batch norm as ``nn.Sequential``, with the numbers shown, on the input shown."""
        return pipeline_code(self.x, [self.conv, self.bn])

    def narrator(self, language: str):
        """The spoken story in ``language`` (see :mod:`convanim.narration.folding`)."""
        from convanim.narration.folding import BatchNormFoldingNarrator

        return BatchNormFoldingNarrator(self.fold, self.x.shape, self.z.shape, self.decimals, language)


__all__ = ["BatchNormFoldingScene"]
