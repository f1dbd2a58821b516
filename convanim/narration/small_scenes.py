"""Two short scenes, spoken: the learned filters through training (LearnedFiltersScene) and the padding
modes side by side (PaddingModes)."""
from __future__ import annotations

from .story import Narrator, StepText


def percent(p: float) -> str:
    return f"{100 * float(p):.1f}%"


class LearnedFiltersNarrator(Narrator):
    """Narrates a LearnedFiltersScene from the trained network's ``snapshots`` and its number of filters."""

    def __init__(self, snapshots, filters: int, language: str = "en"):
        super().__init__(language)
        self.snapshots, self.filters = snapshots, filters

    def say_show_code_card(self) -> StepText:
        return StepText("code", self.tr("In PyTorch"), self.tr(
            "The trained network in PyTorch: these lines build it with the final filters and give the held-out "
            "accuracy shown."))

    def say_begin(self) -> StepText:
        return StepText("intro", self.tr("Before training"), self.trn(
            "The first layer's {n} filter before training: random numbers. The network reads {accuracy} of the "
            "held-out digits right.", "The first layer's {n} filters before training: random numbers. The "
            "network reads {accuracy} of the held-out digits right.", self.filters,
            accuracy=percent(self.snapshots[0].accuracy)))

    def say_show_snapshot(self, k: int) -> StepText:
        s = self.snapshots[k]
        return StepText(f"update-{s.step}", self.tr("Update {n}", n=s.step), self.trn(
            "After {n} update, epoch {epoch}: held-out accuracy {accuracy}.",
            "After {n} updates, epoch {epoch}: held-out accuracy {accuracy}.", s.step, epoch=f"{s.epoch:.1f}",
            accuracy=percent(s.accuracy)))


class PaddingModesNarrator(Narrator):
    """Narrates PaddingModes: the input's ``shape`` and the ``pad``."""

    def __init__(self, shape: tuple[int, int], pad: int, language: str = "en"):
        super().__init__(language)
        self.shape, self.pad = shape, pad

    def say_show_code_card(self) -> StepText:
        return StepText("code", self.tr("In PyTorch"), self.tr(
            "The same padding in PyTorch: nn.functional.pad, once in each mode."))

    def say_begin(self) -> StepText:
        return StepText("intro", self.tr("Padding modes"), self.tr(
            "The same {h} by {w} input, padded by {pad} cells on every side, four ways.", h=self.shape[0],
            w=self.shape[1], pad=self.pad))

    def say_show_padding_mode(self, mode: str) -> StepText:
        text = {"zeros": self.tr("Zeros: the padding cells are 0."),
                "reflect": self.tr("Reflect: the padding mirrors the input, without repeating its edge."),
                "replicate": self.tr("Replicate: the padding repeats the nearest edge cell."),
                "circular": self.tr("Circular: the padding wraps around to the opposite side.")}.get(mode, "")
        return StepText(f"mode-{mode}", f"padding_mode='{mode}'", text)


__all__ = ["LearnedFiltersNarrator", "PaddingModesNarrator"]
