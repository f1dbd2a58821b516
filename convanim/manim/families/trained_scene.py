"""Scenes of the trained digit CNN: its filters as they learned, its first layer on a real digit.

- :class:`LearnedFiltersScene`: the first layer's filters as numbered grids
  and as images, through the training snapshots from noise to their final
  form, with the held-out accuracy at each snapshot.
- :class:`TrainedLayerScene`: :class:`ConvLayerScene` on one held-out 8×8
  digit with the learned weights and biases (every product and partial sum
  on screen, as Conv3x3).
- :class:`TrainedPipelineScene`: :class:`PipelineScene` on one held-out
  digit through the whole trained network, ending on the class scores, the
  softmax probabilities as bars and the verdict.

Every number comes from :func:`convanim.trained_digit_cnn` (the shipped
weights and snapshots) and :func:`convanim.handwritten_digits`; the scenes
compute nothing.  The digits need the ``data`` extra (scikit-learn).
"""
from __future__ import annotations

import numpy as np

from convanim.manim.options.option_kinds import Whole, Number
from convanim.manim.options.options import Option
from convanim.manim import _gl  # noqa: F401  (must come before manimlib)
from manimlib import DOWN, RIGHT, UP, FadeTransform, Group

from convanim import DigitCNN, handwritten_digits, trained_digit_cnn
from convanim.networks.digit_cnn import DECIMALS
from convanim.manim.options.common_options import show_code_option
from convanim.torch_code import TorchCode, accuracy_code

from convanim.manim.families.family_scene import FamilyScene
from convanim.manim.mobjects.cells import NumberGrid, caption_text, fit_font_size
from convanim.manim.families.conv_scene import ConvLayerScene
from convanim.manim.animations.fades import FadeIn
from convanim.manim.families.pipeline_scene import PipelineScene
from convanim.manim.mobjects.images import ArrayImage, signed_pixels
from convanim.manim.mobjects.numbers import widest_text


class TrainedDigit:
    """One held-out digit and the trained network: ``held_out_index`` picks the digit (0..359) among the
    digits the network never trained on."""

    held_out_index: int = Option(1, Whole(0, 359), "which held-out digit (one the network never trained on)")

    def network(self) -> DigitCNN:
        return trained_digit_cnn()

    def digit(self) -> tuple[np.ndarray, int]:
        """The digit (8, 8), grey levels 0..16, and its true label."""
        digits = handwritten_digits()
        count = len(digits.held_out_labels)
        index = self.held_out_index
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not 0 <= index < count:
            raise ValueError(f"{type(self).__name__}.held_out_index must be an int from 0 to {count - 1} "
                             f"(one of the {count} held-out digits); got {index!r}")
        return digits.held_out_images[index], int(digits.held_out_labels[index])


class TrainedLayerScene(TrainedDigit, ConvLayerScene):
    """The trained first layer on one held-out digit.  Options: ``held_out_index``; ``filters`` (which of
    the first learned filters to show: each output grid needs room for 6×6 numbers); the options of
    :class:`ConvLayerScene` (pacing, ``detailed_steps``, ``order``, ``palette``)."""

    filters_shown: int = Option(1, Whole(1, 8), "the first learned filters shown")
    sweep_time: float = 0.2
    # Room for one-decimal weights and two-digit sums: larger kernel cells, a wider output column.
    panel_x, kernel_cell, kernel_width = -0.5, 0.62, 1.9
    output_x, output_width = 4.75, 4.3
    decimals: int = DECIMALS  # the places the first layer was rounded to: every number on screen is exact

    def get_layer_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        net = self.network()
        count = net.conv_weight.shape[0]
        shown = self.filters_shown
        if isinstance(shown, bool) or not isinstance(shown, (int, np.integer)) or not 1 <= shown <= count:
            raise ValueError(f"{type(self).__name__}.filters_shown must be an int from 1 to {count} (the network "
                             f"has {count} filters); got {shown!r}")
        image, _ = self.digit()
        return image[None], net.conv_weight[:shown], net.conv_bias[:shown]

    def introduce_layer(self) -> None:
        """The layer, then what it is: the trained network's first filters on a digit it never saw."""
        super().introduce_layer()
        _, label = self.digit()
        total = self.network().conv_weight.shape[0]
        shown = self.filters_shown
        text = (self.tr("the first of the {total} learned filters, on a handwritten {digit} the network never "
                        "trained on", total=total, digit=label) if shown == 1 else
                self.tr("the first {n} of the {total} learned filters, on a handwritten {digit} the network never "
                        "trained on", n=shown, total=total, digit=label))
        self.play(self.caption_to(text), run_time=self.stage_time)
        self.wait(self.pause_time)


class TrainedPipelineScene(TrainedDigit, PipelineScene):
    """One held-out digit through the whole trained network, stage by stage: maps with their shapes, the
    flattened row, the ten class scores, the softmax probabilities as bars (the predicted class marked),
    then the verdict against the digit's true label.  Options: ``held_out_index``, and those of
    :class:`PipelineScene` (``numbered_cells``, ``palette``, pacing)."""

    decimals: int = 1
    slide_cuts: tuple[str, ...] = ("apply_stage", "summarize_shapes", "give_verdict", "show_code_card")

    def get_input(self) -> np.ndarray:
        image, _ = self.digit()
        return image[None]

    def get_layers(self) -> list:
        return self.network().layers()

    def input_caption(self) -> str:
        _, label = self.digit()
        h, w = self.stages[0].shape[1:]
        return self.tr("input: a handwritten {digit}, never trained on; {shape}, grey levels 0 to 16",
                       digit=label, shape=f"{h}×{w}")

    def conclude_network(self) -> None:
        self.give_verdict()

    def give_verdict(self) -> None:
        """The most probable class against the true label: right or wrong, with both probabilities."""
        _, label = self.digit()
        probabilities = self.stages[-1].output
        predicted = int(np.argmax(probabilities))
        fields = dict(predicted=predicted, percent=self.percent(probabilities[predicted]), digit=label,
                      truth=self.percent(probabilities[label]))
        text = (self.tr("the network answers {predicted} ({percent}); the digit is {digit}: right", **fields)
                if predicted == label else
                self.tr("the network answers {predicted} ({percent}); the digit is {digit} ({truth}): wrong", **fields))
        self.play(self.caption_to(text), run_time=self.stage_time)
        self.wait(self.pause_time)

    def narrator(self, language: str):
        """The network's spoken story and its verdict (see :mod:`convanim.narration.pipeline`)."""
        from convanim.narration.pipeline import VerdictNarrator

        return VerdictNarrator(self.stages, self.digit()[1], language)


class LearnedFiltersScene(FamilyScene):
    """The first layer's filters through training.  Options: ``columns`` (filters per row), ``cell`` (side
    of a number's square), ``show_code`` (end on the network's held-out accuracy in PyTorch), ``palette``,
    ``stage_time`` (each change), ``pause_time``."""

    columns: int = Option(3, Whole(1, 8), "filters per row")
    cell: float = Option(0.62, Number(above=0, high=2), "the side of a number's square")
    show_code: bool = show_code_option()
    stage_time = 1.0
    pause_time = 1.2
    slide_cuts: tuple[str, ...] = ("show_snapshot", "show_code_card")
    CAPTION_SIZE = LONG_CAPTION_SIZE = 26

    def setup(self) -> None:
        super().setup()
        self.net = trained_digit_cnn()
        self.snapshots = self.net.snapshots
        weights = np.stack([s.weight[:, 0] for s in self.snapshots])  # (snapshots, F, 3, 3)
        self.weight_top = float(np.abs(weights).max())  # full brightness in every image
        self.font = fit_font_size(self.cell, widest_text(weights, DECIMALS))
        self.panels = Group(*(self.build_panel(f) for f in range(weights.shape[1])))
        self.panels.arrange_in_grid(n_cols=self.columns, h_buff=0.6, v_buff=0.45).move_to(np.array([0, -0.1, 0]))
        self.title = caption_text(self.tr("the first layer's {n} filters, learned from handwritten digits",
                                          n=weights.shape[1]), 28).to_edge(UP, buff=0.3)
        self.shown = 0

    def build_panel(self, f: int) -> Group:
        """Filter ``f`` at the first snapshot: its 3×3 numbers, and the same numbers as an image."""
        w = self.snapshots[0].weight[f, 0]
        grid = NumberGrid(w, self.cell, self.palette.kernel, DECIMALS, font_size=self.font)
        image = ArrayImage(w, self.filter_pixels(w), 3 * self.cell)
        label = caption_text(self.tr("filter {f}", f=f), 22, "#BDBDBD")
        body = Group(grid, image).arrange(RIGHT, buff=0.25)
        return Group(label, body).arrange(DOWN, buff=0.12)

    def filter_pixels(self, w: np.ndarray) -> np.ndarray:
        """Negative weights in the kernel colour, positive in the output colour, 0 black; one scale for
        every filter of every snapshot, so that a brighter square is a larger weight."""
        scaled = np.append(np.ravel(w), self.weight_top)[None]  # the common scale's maximum, dropped after colouring
        return signed_pixels(scaled, self.palette.kernel, self.palette.output)[0, :-1].reshape(*w.shape, 3)

    def grids(self) -> list[NumberGrid]:
        return [panel[1][0] for panel in self.panels]

    def images(self) -> list[ArrayImage]:
        return [panel[1][1] for panel in self.panels]

    def snapshot_caption(self, k: int) -> str:
        s = self.snapshots[k]
        accuracy = f"{100 * s.accuracy:.1f}%"
        if s.step == 0:
            return self.tr("before training: random numbers; held-out accuracy {accuracy}", accuracy=accuracy)
        return self.trn("after {n} update (epoch {epoch}): held-out accuracy {accuracy}",
                        "after {n} updates (epoch {epoch}): held-out accuracy {accuracy}", s.step,
                        epoch=f"{s.epoch:.1f}", accuracy=accuracy)

    # -- the story ---------------------------------------------------------------
    def construct(self) -> None:
        self.show_untrained_filters()
        for k in range(1, len(self.snapshots)):
            self.show_snapshot(k)
        self.conclude()
        if self.shows_code():
            self.show_code_card()

    def show_untrained_filters(self) -> None:
        self.play(FadeIn(self.title), FadeIn(self.panels), self.caption_to(self.snapshot_caption(0)),
                  run_time=self.stage_time)
        self.after_snapshot(0)
        self.wait(self.pause_time)

    def show_snapshot(self, k: int) -> None:
        """Every filter's numbers and image become those of snapshot ``k``."""
        changes, finishes = [], []
        for f, (grid, image) in enumerate(zip(self.grids(), self.images())):
            w = self.snapshots[k].weight[f, 0]
            fades, finish = grid.fade_to_values(w)  # old numbers out, then the new ones in
            changes += fades
            finishes.append(finish)
            new_image = ArrayImage(w, self.filter_pixels(w), image.get_height()).move_to(image)
            changes.append(FadeTransform(image, new_image))
            self.panels[f][1].submobjects[1] = new_image
        self.play(*changes, self.caption_to(self.snapshot_caption(k)), run_time=self.stage_time)
        for finish in finishes:
            finish()
        self.shown = k
        self.after_snapshot(k)
        self.wait(self.pause_time)

    def conclude(self) -> None:
        last = self.snapshots[-1]
        self.play(self.caption_to(self.tr(
            "final filters, rounded to one decimal place: held-out accuracy {accuracy}",
            accuracy=f"{100 * last.accuracy:.1f}%")), run_time=self.stage_time)
        self.wait(self.pause_time)

    def torch_code(self) -> TorchCode:
        """The trained network in PyTorch (its first layer the filters shown last) on the held-out digits: ``y`` is
        the held-out accuracy shown (0..1).  Needs the digits (the ``data`` extra)."""
        digits = handwritten_digits()
        images = digits.held_out_images[:, None].astype(np.float64)
        return accuracy_code(images, digits.held_out_labels, self.net.layers()[:-1])  # scores: softmax changes no argmax

    def code_card_title(self) -> str:
        return self.tr("the trained network in PyTorch")

    def code_caption(self, code: TorchCode) -> str:
        return self.tr("w0: the filters shown; b0, w4, b4: the rest of the network; x, labels: the {n} held-out "
                       "digits; y: the accuracy shown", n=len(code.arrays["labels"]))

    def narrator(self, language: str):
        """The spoken story of training in ``language`` (see :mod:`convanim.narration.small_scenes`)."""
        from convanim.narration.small_scenes import LearnedFiltersNarrator

        return LearnedFiltersNarrator(self.snapshots, len(self.panels), language)

    # -- hooks ---------------------------------------------------------------------
    def after_snapshot(self, k: int) -> None:
        """Called when snapshot ``k`` is on screen; tests read the grids here."""


__all__ = ["TrainedDigit", "TrainedLayerScene", "TrainedPipelineScene", "LearnedFiltersScene"]
