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

from convanim.manim.options.common_options import decimals_option, seed_option, show_code_option
from convanim.torch_code import TorchCode, pipeline_code
from convanim.manim.options.option_kinds import Whole, Number, Flag, Numbers, Values, Maybe
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DEGREES, DOWN, LEFT, RIGHT, UP, Arrow, GrowFromPoint, Group, Rectangle, Transform, VGroup

from convanim import (Conv, MaxPool, ReLU, blur_filter, digit_image, edge_filter, random_filter, run_pipeline,
                      trace_batch_norm)
from convanim.statements import batch_norm_statement
from convanim.networks.pipeline import (BatchNorm, Flatten, GlobalAvgPool, GlobalMaxPool, Layer, LeakyReLU, Linear,
                                       Sigmoid, Softmax, Stage, Tanh, stage_name)

from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.rendering.camera_view import ROOM_ABOVE_CAPTION, face_camera, fit_view
from convanim.manim.mobjects.cells import (MIN_FONT_SIZE, NumberGrid, caption_text, fit_font_size, frame_around)
from convanim.manim.animations.fades import FadeIn
from convanim.manim.mobjects.images import ArrayImage, grey_pixels, signed_pixels
from convanim.manim.mobjects.numbers import format_shape, widest_text


#: The stacked view's field of view: narrow (the camera far away), so that the stacks at the back are drawn
#: nearly as large as those in front.
STACKED_FIELD_OF_VIEW = 10 * DEGREES

#: The stage names grow by this much in the stacked view (a fitted view of seven stacks draws them smaller).
STACKED_NAME_SCALE = 1.25

class PipelineScene(FamilyScene):
    """A small CNN on a digit.  Options (class attributes):

    ``digit`` (0-9) and ``input_size`` for the project's hand-made digit, or
    ``input_values`` (H, W); ``kernel_size``, ``conv_channels`` (filters of
    each conv layer), ``pool_size``, ``seed`` (random filters); override
    ``get_layers()`` for other layers.  ``numbered_cells``: stages whose
    maps have at most this many values are drawn with numbers
    (``decimals`` places) when those numbers fit at the minimum font size,
    else as images (see ``numbered_layout()``).  ``stacked_view``: end on a 3D view of the stacked
    maps (camera ``stacked_angles`` theta, phi, gamma in degrees; ``stack_depth`` between maps).  ``palette``,
    ``stage_time``, ``pause_time``.
    """

    digit: int = Option(3, Whole(0, 9), "the hand-made digit drawn")
    input_size: int = Option(28, Whole(8, 64), "the digit's side")
    input_values: np.ndarray | None = Option(None, Maybe(Values(2, "shaped (H, W)"), "the hand-made digit"),
                                             "the input, given by hand")
    kernel_size: int = Option(5, Whole(3, 9, odd=True), "each conv layer's kernel side (odd: the edge filters "
                                                         "have a centre)")
    conv_channels: tuple[int, int] = Option(
        (4, 6), Numbers(2, "a pair such as 4,6 of whole numbers of 1 or more", whole=True, low=1),
        "the filters of each conv layer")
    pool_size: int = Option(2, Whole(1, 4), "each max-pooling window's side")
    seed: int = seed_option(3, "the random filters")
    numbered_cells: int = Option(16, Whole(0, 10_000), "maps of at most this many values are drawn with numbers")
    decimals: int = decimals_option(1)
    stacked_view: bool = Option(False, Flag(), "end on a 3D view of the stacked maps")
    stacked_angles: tuple[float, float, float] = Option((-30,
                                                        50, 0), Numbers(3, "three angles theta,phi,gamma in degrees"),
                                                        "the 3D view's camera")
    stack_depth: float = Option(0.7, Number(above=0, high=5), 'the depth between stacked maps')

    # -- values ------------------------------------------------------------------
    # convanim slides: a new slide before each of these steps.
    slide_cuts: tuple[str, ...] = ("apply_stage", "summarize_shapes", "turn_to_stacked_view", "show_code_card")
    show_code: bool = show_code_option()

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
        super().setup()
        # The core checks every layer against the maps reaching it, before any frame is written.
        self.layers: list[Layer] = self.get_layers()
        self.stages: list[Stage] = run_pipeline(self.get_input(), self.layers)
        self.build_columns()

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
            # each stage's name and shape within its column: shrunk, then wrapped (global avg pool 1) when long
            label = VGroup(caption_text(self.stage_name(stage), 20, max_width=0.95 * spacing),
                           caption_text(format_shape(stage.shape), 18, "#BDBDBD", max_width=0.95 * spacing))
            label.arrange(DOWN, buff=0.08).move_to(np.array([x, 2.95, 0]))
            self.columns.append(maps)
            self.labels.append(label)
        self.align_bars_with_scores()

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
        """A stage's maps: numbered grids when they are small enough to read, else images; top to bottom.
        A vector (after Flatten) is drawn by :meth:`draw_vector`."""
        if len(stage.shape) == 1:
            return self.draw_vector(stage, width)
        c, h, w = stage.shape
        # maps that hold negative values (a conv's, a batch norm's, tanh's) in the kernel's and the output's colours
        signed = stage.name.startswith("conv") or bool(np.nanmin(stage.output) < 0)
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

    def draw_vector(self, stage: Stage, width: float) -> Group:
        """A vector stage: the class scores (Linear) as a numbered column with each row's class, the
        probabilities (Softmax) as bars, any other vector (Flatten) as a strip of grey squares, top to bottom."""
        values = stage.output
        if isinstance(stage.layer, Softmax):
            return self.draw_probabilities(values, width)
        if isinstance(stage.layer, Linear) and len(values) <= 12:
            cell = min(0.5, 5.2 / len(values))
            wide = 1.9 * cell
            font = min(fit_font_size(wide, widest_text(values, self.decimals)), 0.9 * fit_font_size(cell, "88"))
            grid = NumberGrid(values[:, None], cell, self.palette.output, self.decimals, font_size=font)
            for square in grid.squares:
                square.stretch_to_fit_width(wide * 0.94)
            self.score_grid = grid
            return Group(grid, self.class_labels(grid, len(values)))
        strip = ArrayImage(values[:, None], grey_pixels(values[:, None]), 5.2)
        return Group(strip.stretch_to_fit_width(min(0.3, 0.3 * width)))

    def class_labels(self, column, count: int) -> VGroup:
        """The class of each row (0, 1, ...), left of ``column``'s rows."""
        top, step = column.get_top()[1], column.get_height() / count
        return VGroup(*(caption_text(str(k), 20, "#BDBDBD").move_to(
            np.array([column.get_left()[0] - 0.22, top - (k + 0.5) * step, 0])) for k in range(count)))

    def draw_probabilities(self, probabilities: np.ndarray, width: float) -> Group:
        """One bar per class, as long as its probability, with the percentage; the most probable marked.
        Beside a column of class scores (:attr:`score_grid`) the bars stand on the scores' rows, which
        carry the class labels; otherwise each bar gets its own label."""
        count = len(probabilities)
        pitch = min(0.5, 5.2 / count)
        longest = 0.8 * width
        winner = int(np.argmax(probabilities))
        rows = []
        for k, p in enumerate(probabilities):
            colour = self.palette.winner if k == winner else self.palette.muted
            bar = Rectangle(max(longest * float(p), 0.02), 0.7 * pitch).set_stroke(width=0).set_fill(colour, 1)
            bar.move_to(np.array([0, -k * pitch, 0]), aligned_edge=LEFT)
            percent = caption_text(self.percent(p), 18, colour).next_to(bar, RIGHT, buff=0.08)
            rows.append(Group(bar, percent))
        # An unseen full-length track keeps the column's width, and so where the bars start, fixed.
        track = Rectangle(longest + 0.75, 0.7 * pitch).set_stroke(width=0).set_fill(opacity=0)
        rows[0].add_to_back(track.move_to(rows[0][0], aligned_edge=LEFT))
        self.bars = Group(*rows)
        self.prediction_frame = frame_around(rows[winner][-2], self.palette.text, buff=0.05)
        scores = getattr(self, "score_grid", None)
        labels = VGroup() if scores is not None and len(scores.squares) == count else \
            self.class_labels(Group(*(r[-2] for r in rows)), count)
        return Group(self.bars, labels, self.prediction_frame)

    def align_bars_with_scores(self) -> None:
        """Each probability bar on the row of its class score (called once both columns are placed)."""
        scores = getattr(self, "score_grid", None)
        if scores is None or not hasattr(self, "bars") or len(scores.squares) != len(self.bars):
            return
        for k, row in enumerate(self.bars):
            bar = row[-2]  # (track,) bar, percentage
            row.shift(np.array([0, scores.cell(k, 0).get_y() - bar.get_y(), 0]))
        self.prediction_frame.move_to(self.bars[int(np.argmax(self.stages[-1].output))][-2])

    @staticmethod
    def percent(p: float) -> str:
        """A probability as the bars write it: one decimal place of a percentage (as the narration says it)."""
        from convanim.narration.pipeline import percent

        return percent(p)

    # -- the story ---------------------------------------------------------------
    def construct(self) -> None:
        self.show_input()
        for j in range(1, len(self.stages)):
            self.apply_stage(j)
        self.summarize_shapes()
        if self.stacked_view:
            self.turn_to_stacked_view()
        self.conclude_network()
        if self.shows_code():
            self.show_code_card()

    def hold_caption(self, mob):
        """Once the camera has turned to the stacked view, captions are fixed in the frame, facing it."""
        if getattr(self, "turned", False):
            mob.fix_in_frame()
        return mob

    def conclude_network(self) -> None:
        """What a family says about the network at the end, before the code card (nothing here)."""

    def code_card_title(self) -> str:
        return self.tr("the same network in PyTorch")

    def torch_code(self) -> TorchCode | None:
        """The network as ``nn.Sequential`` with the numbers of its layers, on the input shown (None, so no card,
        for a layer PyTorch's modules cannot write, such as an ONNX model's uneven padding)."""
        return pipeline_code(self.stages[0].output, self.layers)

    def show_input(self) -> None:
        self.play(FadeIn(self.columns[0]), FadeIn(self.labels[0]), self.caption_to(self.input_caption()),
                  run_time=self.stage_time)
        self.wait(self.pause_time / 2)

    def input_caption(self) -> str:
        c, h, w = self.stages[0].shape
        return self.tr("input: a {shape} digit, values 0 to 1", shape=f"{h}×{w}")

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
        if isinstance(layer, Flatten):
            return self.tr("{name}: the {shape} maps in one row of {n} numbers", name=name,
                           shape=format_shape(self.stages[self.stages.index(stage) - 1].shape), n=stage.shape[0])
        if isinstance(layer, Linear):
            n_in = np.shape(layer.weight)[1]
            return self.trn("{name}: {n} score, each the sum of {inputs} numbers × weights + a bias; {params} parameters",
                            "{name}: {n} scores, each the sum of {inputs} numbers × weights + a bias; {params} parameters",
                            stage.shape[0], name=name, inputs=n_in, params=stage.params)
        if isinstance(layer, Softmax):
            best = int(np.argmax(stage.output))
            return self.tr("{name}: e^score / the sum of all e^score, probabilities that add up to 100%; "
                           "most probable: {best} ({percent})", name=name, best=best,
                           percent=self.percent(stage.output[best]))
        return self.activation_caption(stage, name)

    def activation_caption(self, stage: Stage, name: str) -> str:
        """The caption of a batch norm, a global pooling or an activation other than ReLU."""
        layer, before = stage.layer, self.stages[self.stages.index(stage) - 1]
        if isinstance(layer, BatchNorm):
            # the rule, then its first cell written out from the core's trace of the stage
            trace = trace_batch_norm(before.output, layer.mean, layer.var, layer.weight, layer.bias, layer.eps)
            cell = batch_norm_statement(trace, 0, 0, 0, max(self.decimals, 2))
            return self.tr("{name}: per channel c, (x − mean[c]) / √(var[c] + ε) · γ[c] + β[c]; {params} parameters",
                           name=name, params=stage.params) + f"; [0,0,0]: {cell}"
        if isinstance(layer, (GlobalAvgPool, GlobalMaxPool)):
            shape = f"{before.shape[1]}×{before.shape[2]}"
            return self.tr("{name}: each {shape} map becomes one number, its mean", name=name, shape=shape) \
                if isinstance(layer, GlobalAvgPool) else \
                self.tr("{name}: each {shape} map becomes one number, its largest value", name=name, shape=shape)
        if isinstance(layer, LeakyReLU):
            return self.tr("{name}: every negative value is multiplied by {slope}", name=name,
                           slope=f"{layer.negative_slope:g}")
        if isinstance(layer, Sigmoid):
            return self.tr("{name}: every value x becomes 1 / (1 + e^−x), between 0 and 1", name=name)
        if isinstance(layer, Tanh):
            return self.tr("{name}: every value x becomes tanh(x), between −1 and 1", name=name)
        return name

    def apply_stage(self, j: int) -> None:
        previous, column = self.columns[j - 1], self.columns[j]
        gap = column.get_left()[0] - previous.get_right()[0]
        arrow = Arrow(previous.get_right(), column.get_left(), buff=0.08, stroke_width=3,
                      fill_color="#9E9E9E", stroke_color="#9E9E9E") if gap > 0.45 else VGroup()  # no stub arrows
        if isinstance(self.stages[j].layer, (GlobalAvgPool, GlobalMaxPool)):
            self.collapse_maps(previous, column, arrow, j)
        else:
            self.play(GrowFromPoint(column, previous.get_center()), FadeIn(self.labels[j]), FadeIn(arrow),
                      self.caption_to(self.stage_caption(self.stages[j])), run_time=self.stage_time)
        self.after_stage(j)
        self.wait(self.pause_time / 2)

    def collapse_maps(self, previous: Group, column: Group, arrow, j: int) -> None:
        """Global pooling: a copy of each map of the stage before shrinks onto the one number it becomes, then
        the number shows."""
        shrinking = [source.copy() for source in previous]
        self.add(*shrinking)
        self.play(*(copy.animate.replace(target, stretch=True).set_opacity(0.35)
                    for copy, target in zip(shrinking, column)), FadeIn(self.labels[j]), FadeIn(arrow),
                  self.caption_to(self.stage_caption(self.stages[j])), run_time=self.stage_time)
        self.remove(*shrinking)
        self.play(FadeIn(column), run_time=self.stage_time / 2)

    def summarize_shapes(self) -> None:
        self.play(self.caption_to(self.shapes_caption()), run_time=self.stage_time)
        self.wait(self.pause_time)

    def shapes_caption(self) -> str:
        if all(len(s.shape) == 3 for s in self.stages):
            sizes = " → ".join(str(s.shape[1]) for s in self.stages)
            return self.tr("height of the maps, stage by stage: {sizes}", sizes=sizes)
        return self.tr("shapes, stage by stage: {shapes}",
                       shapes=" → ".join(format_shape(s.shape) for s in self.stages))

    def turn_to_stacked_view(self) -> None:
        """Each stage's maps stand one behind the other; the camera turns to see the stacks (nearly in parallel,
        so that a far stack is drawn as large as a near one), and each stage's name turns to face the viewer.
        The view ends fitted to the stacks and their names."""
        places = []
        for column in self.columns:
            centre = column.get_center()
            places += [(mob, centre + np.array([0, 0, -self.stack_depth * k])) for k, mob in enumerate(column)]
        view = self.frame.copy().reorient(*self.stacked_angles).set_field_of_view(STACKED_FIELD_OF_VIEW)
        names = [face_camera(view, label.copy().scale(STACKED_NAME_SCALE).move_to(
                     column.get_center() + (column[0].get_height() / 2 + 0.9) * UP)) for label, column in
                 zip(self.labels, self.columns)]  # just above each stack's front map
        fit_view(view, [mob.copy().move_to(point) for mob, point in places] + names, ROOM_ABOVE_CAPTION)
        self.turned = True
        self.hold_caption(self.caption)
        self.play(*(mob.animate.move_to(point) for mob, point in places), Transform(self.frame, view),
                  *(Transform(label, name) for label, name in zip(self.labels, names)), run_time=2 * self.stage_time)
        self.wait(self.pause_time)

    def narrator(self, language: str):
        """The spoken story of the network in ``language`` (see :mod:`convanim.narration.pipeline`)."""
        from convanim.narration.pipeline import PipelineNarrator

        return PipelineNarrator(self.stages, language)

    # -- hooks ---------------------------------------------------------------------
    def after_stage(self, j: int) -> None:
        """Called when stage ``j``'s maps are on screen; tests read them here."""
