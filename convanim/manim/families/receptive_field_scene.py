"""ReceptiveFieldScene: one unit of a small CNN's last stage traced back, stage by stage, to the input.

The story: the network stage by stage (as :class:`PipelineScene`); then,
from the last stage back to the input, the cells the chosen unit reads are
framed on every map of each stage, with their rows and columns; then the
closed forms (size r, jump j, start u) stage by stage with their numbers;
last, the closed form's cells set beside the box actually read.

Boxes come from :func:`convanim.receptive_box`, the closed forms from
:func:`convanim.receptive_field` and :func:`receptive_field_formula`; the
scene computes nothing.
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.option_kinds import Numbers
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import Indicate, Rectangle, VGroup

from convanim import Conv, ReLU, receptive_box, receptive_field
from convanim.networks.receptive_field import receptive_field_formula

from convanim.manim.mobjects.cells import NumberGrid
from convanim.manim.animations.fades import FadeIn
from convanim.manim.mobjects.images import ArrayImage
from convanim.manim.families.pipeline_scene import PipelineScene


def cell_frame(mob, rows: range, cols: range, color: str, thickness: float = 0.035) -> Rectangle:
    """A rectangle around cells ``rows`` × ``cols`` of a drawn map (an ArrayImage or a NumberGrid)."""
    if isinstance(mob, NumberGrid):
        side = mob.cell_size
        first, last = mob.cell(rows.start, cols.start).get_center(), mob.cell(rows.stop - 1, cols.stop - 1).get_center()
    else:
        side = mob.pixel_size()
        first, last = mob.pixel_center(rows.start, cols.start), mob.pixel_center(rows.stop - 1, cols.stop - 1)
    width, height = last[0] - first[0] + side, first[1] - last[1] + side
    frame = Rectangle(width, height).set_stroke(color, width=max(1.5, 40 * thickness)).set_fill(opacity=0)
    frame.move_to((first + last) / 2)
    frame.cells = (rows, cols)  # what it frames, for tests
    return frame


class ReceptiveFieldScene(PipelineScene):
    """Options: ``unit`` (oy, ox) of the last stage, and those of :class:`PipelineScene` (the network)."""

    unit: tuple[int, int] = Option((1, 2), Numbers(2, "a pair oy,ox of whole numbers", whole=True, low=0),
                                   "the last stage's unit whose receptive field is traced")
    slide_cuts: tuple[str, ...] = ("apply_stage", "trace_back", "write_closed_forms", "compare_with_closed_form",
                                   "show_code_card")

    def setup(self) -> None:
        super().setup()
        layers = self.get_layers()
        size = self.stages[0].shape[1:]
        # Each stage's box: the cells of that stage the unit reads (the layers after it, followed back).
        self.boxes = [receptive_box(layers[j:], self.stages[j].shape[1:], self.unit) for j in range(len(self.stages))]
        self.fields = receptive_field(layers, size)
        self.frames: list[VGroup] = []

    def construct(self) -> None:
        self.show_input()
        for j in range(1, len(self.stages)):
            self.apply_stage(j)
        self.trace_back()
        self.write_closed_forms()
        self.compare_with_closed_form()
        if self.shows_code():
            self.show_code_card()

    def stage_maps(self, j: int) -> list:
        """The drawn maps of stage ``j`` (images or numbered grids)."""
        column = self.columns[j]
        return [m for m in column.family_members_with_points() if isinstance(m, ArrayImage)] or \
            [m for m in column if isinstance(m, NumberGrid)]

    def box_caption(self, j: int) -> str:
        rows, cols = self.boxes[j]
        return self.tr("{name}: unit {unit} reads rows {r0}–{r1}, columns {c0}–{c1}: {h}×{w} cells",
                       name=self.stage_name(self.stages[j]), unit=f"({self.unit[0]}, {self.unit[1]})",
                       r0=rows.start, r1=rows.stop - 1, c0=cols.start, c1=cols.stop - 1, h=len(rows), w=len(cols))

    def trace_back(self) -> None:
        """From the last stage back to the input: frame the cells the unit reads on every map."""
        for j in range(len(self.stages) - 1, -1, -1):
            rows, cols = self.boxes[j]
            frames = VGroup(*(cell_frame(m, rows, cols, self.palette.winner) for m in self.stage_maps(j)))
            self.frames.insert(0, frames)
            self.play(FadeIn(frames), self.caption_to(self.box_caption(j)), run_time=self.stage_time)
            self.after_box(j)
            self.wait(self.pause_time / 2)

    def write_closed_forms(self) -> None:
        """Size r, jump j and start u of each stage, from the one before (rows; Araujo et al., Distill 2019)."""
        for j in range(1, len(self.stages)):
            text = f"{self.stage_name(self.stages[j])}:  " + receptive_field_formula(self.fields[j - 1], self.fields[j])
            self.play(self.caption_to(text), Indicate(self.labels[j]), run_time=self.stage_time)
            self.wait(self.pause_time / 2)

    def compare_with_closed_form(self) -> None:
        field = self.fields[-1]
        rows = field.cells(self.unit)[0]
        box = self.boxes[0][0]
        self.play(self.caption_to(self.tr(
            "closed form: rows u + oy·j = {u} + {oy}·{j} = {first} to {last}; read: rows {r0} to {r1}",
            u=field.start[0], oy=self.unit[0], j=field.jump[0], first=rows.start, last=rows.stop - 1,
            r0=box.start, r1=box.stop - 1).replace("-", "−")), run_time=self.stage_time)
        self.wait(self.pause_time)

    def narrator(self, language: str):
        """The network's spoken story, then the unit traced back (see :mod:`convanim.narration.pipeline`)."""
        from convanim.narration.pipeline import ReceptiveFieldNarrator

        return ReceptiveFieldNarrator(self.stages, self.unit, self.boxes[0], self.fields[-1], language)

    # -- hooks ---------------------------------------------------------------------
    def after_box(self, j: int) -> None:
        """Called when stage ``j``'s box is framed; tests read the frames here."""


class DilatedReceptiveFieldScene(ReceptiveFieldScene):
    """The same story on a network with dilation and stride: conv 3×3 dilation 2 → ReLU → conv 3×3 stride 2
    → ReLU → conv 3×3 dilation 2, random filters from ``seed``."""

    unit = (3, 4)

    def get_layers(self) -> list:
        rng = np.random.default_rng(self.seed)
        w = [rng.normal(size=shape) for shape in ((3, 1, 3, 3), (3, 3, 3, 3), (3, 3, 3, 3))]
        return [Conv(w[0], np.zeros(3), dilation=2), ReLU(), Conv(w[1], np.zeros(3), stride=2), ReLU(),
                Conv(w[2], np.zeros(3), dilation=2)]


__all__ = ["ReceptiveFieldScene", "DilatedReceptiveFieldScene", "cell_frame"]
