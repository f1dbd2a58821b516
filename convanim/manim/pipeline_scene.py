"""PipelineScene: conv -> ReLU -> max pool -> conv -> ReLU -> max pool on a digit, stage by stage.

Each stage is a column of maps with its shape above it; conv and pooling
stages show the output-size formula with their numbers and the parameter
count.  The last stage is small enough to draw with numbers.  With
``stacked_view`` the camera turns at the end and each stage's maps stand one
behind the other, the classic picture of a small CNN.

Every map comes from :func:`convanim.run_pipeline`; the scene computes nothing.
"""
from __future__ import annotations

import numpy as np

from . import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, Arrow, FadeIn, GrowFromPoint, Group, VGroup
from manimlib.utils.color import color_to_rgba

from convanim import Conv, MaxPool, ReLU, blur_filter, digit_image, edge_filter, random_filter, run_pipeline
from convanim.networks.pipeline import Layer, Stage, stage_name

from .batched_scene import BatchedScene
from .cells import MIN_FONT_SIZE, NumberGrid, caption_text, fit_font_size, swap_caption
from .images import ArrayImage, grey_pixels, signed_pixels
from .numbers import format_shape, widest_text
from .palette import DEFAULT_PALETTE, Palette


class PipelineScene(BatchedScene):
    """A small CNN on a digit.  Options (class attributes):

    ``digit`` (0-9) and ``input_size`` for the project's hand-made digit, or
    ``input_values`` (H, W); ``kernel_size``, ``conv_channels`` (filters of
    each conv layer), ``pool_size``, ``seed`` (random filters); override
    :meth:`get_layers` for other layers.  ``numbered_cells``: stages whose
    maps have at most this many values are drawn with numbers
    (``decimals`` places) when those numbers fit at the minimum font size,
    else as images (see :meth:`numbered_layout`).  ``stacked_view``: end on a 3D view of the stacked
    maps (camera ``stacked_angles`` theta, phi, gamma in degrees; ``stack_depth`` between maps).  ``palette``,
    ``stage_time``, ``pause_time``.
    """

    digit: int = 3
    input_size: int = 28
    input_values: np.ndarray | None = None
    kernel_size: int = 5
    conv_channels: tuple[int, int] = (4, 6)
    pool_size: int = 2
    seed: int = 3
    numbered_cells: int = 16
    decimals: int = 1
    stacked_view: bool = False
    stacked_angles: tuple[float, float, float] = (-30, 50, 0)
    stack_depth: float = 0.7
    palette: Palette = DEFAULT_PALETTE
    stage_time: float = 0.8
    pause_time: float = 1.0

    # -- values ------------------------------------------------------------------
    # convanim slides: a new slide before each of these steps.
    slide_cuts: tuple[str, ...] = ("apply_stage", "summarize_shapes", "turn_to_stacked_view")

    def get_input(self) -> np.ndarray:
        """The (1, H, W) input, values 0..1."""
        if self.input_values is not None:
            return np.asarray(self.input_values, dtype=float)[None]
        return digit_image(self.digit, self.input_size)[None] / 255.0

    def get_layers(self) -> list[Layer]:
        """conv (edges, blur, random) -> ReLU -> pool -> conv (random) -> ReLU -> pool."""
        k, (first, second) = self.kernel_size, self.conv_channels
        vertical = edge_filter(1, k)[0].astype(float)
        designed = [vertical, vertical.transpose(0, 1, 3, 2), blur_filter(1, k)[0]]
        if first > len(designed):
            designed.append(random_filter(1, k, first - len(designed), self.seed)[0])
        weight1 = np.concatenate(designed)[:first]
        weight2, bias2 = random_filter(first, k, second, self.seed + 1)
        return [Conv(weight1, np.zeros(first)), ReLU(), MaxPool(self.pool_size),
                Conv(weight2, bias2 * 0.1), ReLU(), MaxPool(self.pool_size)]

    def setup(self) -> None:
        # The core checks every layer against the maps reaching it, before any frame is written.
        self.stages: list[Stage] = run_pipeline(self.get_input(), self.get_layers())
        self.camera.background_rgba = list(color_to_rgba(self.palette.background))
        self.build_columns()
        self.caption = caption_text(" ", 24).to_edge(DOWN, buff=0.3)

    # -- building ----------------------------------------------------------------
    def build_columns(self) -> None:
        n = len(self.stages)
        spacing = min(2.1, 13.2 / n)
        self.columns: list[Group] = []
        self.labels: list[VGroup] = []
        for j, stage in enumerate(self.stages):
            x = (j - (n - 1) / 2) * spacing
            maps = self.draw_maps(stage, spacing)
            maps.move_to(np.array([x, -0.35, 0]))
            label = VGroup(caption_text(self.stage_name(stage), 20),
                           caption_text(format_shape(stage.shape), 18, "#BDBDBD"))
            label.arrange(DOWN, buff=0.08).move_to(np.array([x, 2.95, 0]))
            self.columns.append(maps)
            self.labels.append(label)

    def numbered_layout(self, stage: Stage, width: float) -> tuple[float, float] | None:
        """(cell side, font size) for drawing ``stage``'s maps as numbered grids in a column ``width`` wide.

        None when they are drawn as images instead: more than ``numbered_cells``
        values a map, or numbers that would be smaller than MIN_FONT_SIZE in the
        room the column has (the fallback of the size rule).
        """
        c, h, w = stage.shape
        if h * w > self.numbered_cells:
            return None
        per_column = c if c <= 3 else -(-c // 2)
        cell = min(0.6, (5.2 / per_column - 0.12) / h, 0.95 * width / (w if c <= 3 else 2 * w + 0.6))
        font = fit_font_size(cell, widest_text(np.ravel(stage.output), self.decimals))
        return (cell, font) if font >= MIN_FONT_SIZE else None

    def draw_maps(self, stage: Stage, width: float) -> Group:
        """A stage's maps: numbered grids when they are small enough to read, else images; top to bottom."""
        c, h, w = stage.shape
        signed = stage.name.startswith("conv")
        layout = self.numbered_layout(stage, width)
        if layout is not None:
            cell, font = layout
            grids = [NumberGrid(stage.output[k], cell, self.palette.output, self.decimals, font_size=font)
                     for k in range(c)]
            if c > 3:  # two columns of numbered grids read better than one thin one
                return Group(*grids).arrange_in_grid(n_cols=2, buff=0.12)
            return Group(*grids).arrange(DOWN, buff=0.1)
        height = min(1.7, 5.2 / c - 0.12, 0.85 * width)
        images = []
        for k in range(c):
            pixels = (signed_pixels(stage.output[k], self.palette.kernel, self.palette.output) if signed
                      else grey_pixels(stage.output[k]))
            images.append(ArrayImage(stage.output[k], pixels, height))
        return Group(*images).arrange(DOWN, buff=0.12)

    # -- the story ---------------------------------------------------------------
    def construct(self) -> None:
        self.show_input()
        for j in range(1, len(self.stages)):
            self.apply_stage(j)
        self.summarize_shapes()
        if self.stacked_view:
            self.turn_to_stacked_view()

    def set_caption(self, text: str):
        self.caption, animation = swap_caption(self.caption, text, 24)
        return animation

    def show_input(self) -> None:
        c, h, w = self.stages[0].shape
        self.play(FadeIn(self.columns[0]), FadeIn(self.labels[0]),
                  self.set_caption(self.tr("input: a {shape} digit, values 0 to 1", shape=f"{h}×{w}")),
                  run_time=self.stage_time)
        self.wait(self.pause_time / 2)

    def stage_name(self, stage: Stage) -> str:
        """``conv 1``, ``ReLU 1``, ``max pool 1``, ``input`` in the scene's language."""
        return stage_name(stage.name, self.lookup)

    def stage_caption(self, stage: Stage) -> str:
        layer, name = stage.layer, self.stage_name(stage)
        if isinstance(layer, Conv):
            f, c, kh, kw = np.shape(layer.weight)
            size = stage.formula.split(" = ", 1)[1]
            return self.trn("{name}: {n} filter {shape}, {params} parameters;  o = {size}",
                            "{name}: {n} filters {shape}, {params} parameters;  o = {size}", f, name=name,
                            shape=f"{c}×{kh}×{kw}", params=stage.params, size=size)
        if isinstance(layer, MaxPool):
            return f"{name} {layer.kernel_size}×{layer.kernel_size}:  o = {stage.formula.split(' = ', 1)[1]}"
        if isinstance(layer, ReLU):
            return self.tr("{name}: every negative value becomes 0", name=name)
        return name

    def apply_stage(self, j: int) -> None:
        previous, column = self.columns[j - 1], self.columns[j]
        arrow = Arrow(previous.get_right(), column.get_left(), buff=0.08, stroke_width=3,
                      fill_color="#9E9E9E", stroke_color="#9E9E9E")
        self.play(GrowFromPoint(column, previous.get_center()), FadeIn(self.labels[j]), FadeIn(arrow),
                  self.set_caption(self.stage_caption(self.stages[j])), run_time=self.stage_time)
        self.after_stage(j)
        self.wait(self.pause_time / 2)

    def summarize_shapes(self) -> None:
        sizes = " → ".join(str(s.shape[1]) for s in self.stages)
        self.play(self.set_caption(self.tr("height of the maps, stage by stage: {sizes}", sizes=sizes)),
                  run_time=self.stage_time)
        self.wait(self.pause_time)

    def turn_to_stacked_view(self) -> None:
        """Each stage's maps stand one behind the other; the camera turns to see the stacks."""
        moves = []
        for column in self.columns:
            centre = column.get_center()
            for k, mob in enumerate(column):
                moves.append(mob.animate.move_to(centre + np.array([0, 0, -self.stack_depth * k])))
        self.caption.fix_in_frame()
        self.play(*moves, self.frame.animate.reorient(*self.stacked_angles).set_height(9.5),
                  run_time=2 * self.stage_time)
        self.wait(self.pause_time)

    # -- hooks ---------------------------------------------------------------------
    def after_stage(self, j: int) -> None:
        """Called when stage ``j``'s maps are on screen; tests read them here."""
