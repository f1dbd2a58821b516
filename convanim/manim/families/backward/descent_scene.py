"""GradientDescentScene: one 3×3 filter learning a known kernel, step by step.

Each step is forward (y = x ∗ w for every example), loss (the mean squared
error against the targets), backward (dL/dw) and the update
w ← w − lr·dL/dw.  Every number comes from the core's recorded
:class:`convanim.TrainingRun` (``edge_learning_problem().train()`` by
default); none is computed here.
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.common_options import (MAX_DECIMALS, decimals_option, sweep_time_option, detailed_option,
                                                   seed_option, show_code_option)
from convanim.manim.options.option_kinds import Whole, Number
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, UP, VGroup

from convanim import EdgeProblem, TrainingRun, edge_learning_problem
from convanim.statements import Statement, format_number, relation_for
from convanim.torch_code import TorchCode, descent_code

from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.mobjects.cells import NumberGrid, caption_text, fit_font_size, label_above, readable_cell, shade
from convanim.manim.animations.fades import FadeIn, FadeOut, fade_out_then_in
from convanim.manim.mobjects.numbers import make_number, set_number, widest_text


#: The width a grid may take in its column (frame units): the columns' centres are 3.3 apart.
COLUMN_ROOM = 3.0

class GradientDescentScene(FamilyScene):
    """Gradient descent on :func:`convanim.edge_learning_problem`.  Options (class attributes):

    ``num_images``, ``image_size``, ``seed``, ``lr``, ``steps`` (the
    problem); ``shown_image`` (which example is drawn); ``detailed_steps``
    (steps told in full before the rest sweep); ``decimals`` (weights, maps) and ``loss_decimals``; ``palette``;
    ``stage_time``, ``sweep_time``, ``pause_time``; ``show_code`` (end on the same training with
    ``torch.optim.SGD``).
    """

    num_images: int = Option(4, Whole(1, 64), "training images")
    image_size: int = Option(5, Whole(3, 6), "each training image's side (the maps' numbers stay readable up to 6)")
    seed: int = seed_option(2, "the training images")
    lr: float = Option(0.2, Number(above=0, high=10), "the learning rate")
    steps: int = Option(15, Whole(1, 1000), "descent steps")
    shown_image: int = Option(0, Whole(0, 63), "which training image is drawn (below num_images)")
    detailed_steps: int = detailed_option(2, "steps")
    decimals: int = decimals_option(2)
    loss_decimals: int = Option(4, Whole(0, MAX_DECIMALS), "decimal places of the loss")
    stage_time = 0.9
    LONG_CAPTION_SIZE = 20
    sweep_time: float = sweep_time_option(0.4)
    pause_time = 1.5
    show_code: bool = show_code_option()

    # convanim slides: a new slide before each of these steps (slide_runs: one per run of them).
    slide_cuts: tuple[str, ...] = ("take_step_in_detail", "compare_with_the_answer", "show_code_card")
    slide_runs: tuple[str, ...] = ("take_step_quickly",)

    # -- building --------------------------------------------------------------------
    def setup(self) -> None:
        self.problem: EdgeProblem = edge_learning_problem(self.num_images, self.image_size, self.seed, self.lr,
                                                          self.steps)
        if not 0 <= self.shown_image < self.num_images:
            raise ValueError(f"{type(self).__name__}.shown_image must be in 0..{self.num_images - 1}; "
                             f"got {self.shown_image}")
        self.run: TrainingRun = self.problem.train()
        pal = self.palette
        first = self.run.steps[0]
        k = self.shown_image
        self.image_grid = NumberGrid(self.problem.images[k, 0].astype(np.int64), min(0.5, 2.7 / self.image_size),
                                     pal.input)
        self.image_grid.move_to(np.array([-5.3, -0.3, 0]))
        outputs = np.stack([st.output[k, 0] for st in self.run.steps])
        self.output_grid = self.grid_for(outputs, 0.62, pal.output)
        self.output_grid.move_to(np.array([-2.3, 0.85, 0]))
        self.target_grid = NumberGrid(self.problem.targets[k, 0].astype(np.int64), 0.62, pal.muted)
        self.target_grid.move_to(np.array([-2.3, -1.6, 0]))
        weights = np.stack([st.new_weight[0, 0] for st in self.run.steps])
        self.weight_grid = self.grid_for(np.concatenate([first.weight[0, 0][None], weights]), 0.75, pal.kernel)
        self.weight_grid.move_to(np.array([1.0, 0.35, 0]))
        grads = np.stack([st.grad_weight[0, 0] for st in self.run.steps])
        self.grad_grid = self.grid_for(grads, 0.75, pal.bias)
        self.grad_grid.move_to(np.array([4.3, 0.35, 0]))
        for number in self.grad_grid.numbers:  # shown once the first backward pass has run
            number.set_opacity(0)
        if not self.grad_grid.show_numbers:
            self.grad_grid.squares.set_fill(self.palette.padding)
        self.labels = VGroup(
            label_above(self.image_grid, self.tr("x, example {n} of {total}", n=k + 1, total=self.num_images)),
            label_above(self.output_grid, "y = x ∗ w"),
            label_above(self.target_grid, self.tr("target")),
            label_above(self.grad_grid, "dL/dw"))
        self.weight_label = label_above(self.weight_grid, self.tr("w at step {n}", n=0))
        self.loss_label = caption_text(self.tr("L = mean((y − target)²)"), 22, "#BDBDBD")
        self.loss_label.move_to(np.array([2.65, -1.55, 0]))
        self.loss_number = make_number(first.loss, self.loss_decimals, 40, pal.text)
        self.loss_number.next_to(self.loss_label, DOWN, buff=0.2)
        self.title = caption_text(self.tr("gradient descent: one 3×3 filter learns from {n} examples",
                                          n=self.num_images),
                                  28).to_edge(UP, buff=0.25)
        self.lr_text = np.format_float_positional(self.lr, trim="-")
        rule = self.tr("each step: y = x ∗ w, the loss L, dL/dw, then w ← w − {lr}·dL/dw", lr=self.lr_text)
        self.rule = caption_text(rule, 22, "#E0E0E0").next_to(self.title, DOWN, buff=0.12)
        super().setup()  # the background and an empty caption

    def grid_for(self, values: np.ndarray, preferred: float, color: str) -> NumberGrid:
        """A grid showing ``values[0]`` (S, H, W: what it shows at each step), its cells and font sized for the
        widest number of any step, so that a value that grows during training still fits its cell.  Where
        those cells would make the grid wider than its column (a run that diverges to −2048.000), the grid
        is shaded by value instead, and the captions write the numbers in focus."""
        d = self.decimals
        cell = readable_cell(preferred, values, d)
        columns = values.shape[-1]
        if cell * columns > COLUMN_ROOM:
            return NumberGrid(values[0], min(preferred, COLUMN_ROOM / columns), color, d, show_numbers=False)
        return NumberGrid(values[0], cell, color, d, font_size=fit_font_size(cell, widest_text(values, d)))

    # -- the story -------------------------------------------------------------
    def construct(self) -> None:
        self.introduce()
        for step in self.run.steps:
            if step.step < self.detailed_steps:
                self.take_step_in_detail(step)
            else:
                self.take_step_quickly(step)
            self.after_step(step)
        self.compare_with_the_answer()
        if self.shows_code():
            self.show_code_card()

    def introduce(self) -> None:
        self.play(*(FadeIn(m) for m in (self.title, self.rule, self.image_grid, self.output_grid, self.target_grid,
                                        self.weight_grid, self.grad_grid, self.labels, self.weight_label,
                                        self.loss_label, self.loss_number)), run_time=self.stage_time)

    def take_step_in_detail(self, step) -> None:
        self.play(*self.forward_animations(step), self.caption_to(self.loss_statement(step)),
                  run_time=self.stage_time)
        self.wait(self.stage_time / 2)
        self.play(*self.gradient_animations(step), self.caption_to(self.gradient_statement(step)),
                  run_time=self.stage_time)
        self.wait(self.stage_time / 2)
        self.play(*self.update_animations(step), self.caption_to(self.update_statement(step)),
                  run_time=self.stage_time)
        self.wait(self.stage_time / 2)

    def take_step_quickly(self, step) -> None:
        self.play(*self.forward_animations(step), *self.gradient_animations(step), *self.update_animations(step),
                  self.caption_to(self.loss_statement(step)), run_time=self.sweep_time)

    def forward_animations(self, step) -> list:
        """y for the shown example, and the loss over every example, from the recorded step."""
        animations = self.change_grid(self.output_grid, step.output[self.shown_image, 0])
        loss = set_number(self.loss_number.copy(), step.loss).move_to(self.loss_number)
        animations += fade_out_then_in(self.loss_number, loss)  # the fade-out takes the old one off the scene
        self.after_play(lambda: setattr(self, "loss_number", loss))
        return animations

    def gradient_animations(self, step) -> list:
        return self.change_grid(self.grad_grid, step.grad_weight[0, 0])

    def update_animations(self, step) -> list:
        animations = self.change_grid(self.weight_grid, step.new_weight[0, 0])
        label = label_above(self.weight_grid, self.tr("w at step {n}", n=step.step + 1))
        animations += fade_out_then_in(self.weight_label, label)  # never two labels over each other
        self.weight_label = label
        return animations

    def change_grid(self, grid: NumberGrid, values: np.ndarray) -> list:
        """The numbers of ``grid`` fade out, then the new ``values`` fade in (no frame shows a glyph between
        two numbers); the grid holds the new numbers once the play is over.  A shaded grid takes the new
        values' shades."""
        if not grid.show_numbers:
            return [grid.cell(i, j).animate.set_fill(shade(values, i, j, grid.cell_color))
                    for (i, j), _ in np.ndenumerate(values)]
        fades, finish = grid.fade_to_values(values)
        self.after_play(finish)
        return fades

    def after_play(self, finish) -> None:
        """Call ``finish()`` once the next play is over (the new numbers become the grids' and the scene's)."""
        self._finishes = getattr(self, "_finishes", []) + [finish]

    def play(self, *animations, **kwargs) -> None:
        super().play(*animations, **kwargs)
        for finish in getattr(self, "_finishes", []):
            finish()
        self._finishes = []

    def compare_with_the_answer(self) -> None:
        answer = NumberGrid(self.problem.kernel[0, 0].astype(np.int64), 0.75, self.palette.muted)
        answer.move_to(self.grad_grid)
        label = label_above(answer, self.tr("the vertical-edge kernel"))
        distance = self.problem.distance(self.run.final_weight)
        text = self.tr("after {n} steps every weight is within {distance} of the kernel that made the targets",
                       n=len(self.run.steps), distance=format_number(distance, self.decimals))
        note = [FadeOut(self.approximate_note)] if self.approximate_note is not None else []
        self.play(FadeOut(self.grad_grid), FadeOut(self.labels[3]), FadeIn(answer), FadeIn(label),
                  self.caption_to(text), *note, run_time=self.stage_time)
        self.approximate_note = None
        self.answer_grid = answer
        self.wait(self.pause_time)

    def torch_code(self) -> TorchCode:
        """The same training in PyTorch: ``torch.optim.SGD`` on the mean squared error, from the starting weights;
        ``y`` is the weights after the last step."""
        p = self.problem
        return descent_code(p.images, p.targets, p.start, self.lr, self.steps)

    def code_card_title(self) -> str:
        return self.tr("the same training in PyTorch")

    def code_caption(self, code: TorchCode) -> str:
        return self.tr("x: the {n} training images (example {k} drawn), t: their targets, w: the start; y: the "
                       "weights at the end", n=self.num_images, k=self.shown_image + 1)

    # -- what the viewer reads ----------------------------------------------------------
    def loss_statement(self, step) -> str:
        return self.tr("L at step {n} = {loss}", n=step.step, loss=format_number(step.loss, self.loss_decimals))

    def gradient_statement(self, step) -> str:
        n = self.num_images
        windows = step.output.shape[-2] * step.output.shape[-1]
        value = format_number(step.grad_weight[0, 0, 0, 0], self.decimals)
        return self.tr("dL/dw sums x · dL/dy over {n} examples × {windows} windows; dL/dw[0,0] at step {step} = "
                       "{value}", n=n, windows=windows, step=step.step, value=value)

    def update_statement(self, step) -> Statement:
        d = self.decimals
        w, g = step.weight[0, 0, 0, 0], step.grad_weight[0, 0, 0, 0]
        g_text = format_number(g, d)
        expression = f"{format_number(w, d)} − {self.lr_text}·{'(' + g_text + ')' if g < 0 else g_text}"
        total = format_number(step.new_weight[0, 0, 0, 0], d)
        return Statement(self.tr("w[0,0] at step {n}", n=step.step + 1), expression, total,
                         relation_for(expression, total))

    def narrator(self, language: str):
        """The spoken story of the descent in ``language`` (see :mod:`convanim.narration.descent`)."""
        from convanim.narration.descent import DescentNarrator

        return DescentNarrator(self.run, self.num_images, self.problem.distance(self.run.final_weight), self.decimals,
                               self.loss_decimals, language)

    def after_step(self, step) -> None:
        """Called after each training step; tests read the screen here."""


__all__ = ["GradientDescentScene"]
