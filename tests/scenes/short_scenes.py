"""Small scenes for render tests (kept short so that `make test` stays quick)."""
from convanim.manim import ConvLayerScene


class ShortConv(ConvLayerScene):
    """2 channels, 1 filter, one detailed step: a few seconds of video (no closing code card: the render tests
    are about rendering; tests/families/test_code_cards.py tests the card)."""
    in_channels, out_channels = 2, 1
    show_code = False
    detailed_steps = 1
    stage_time = 0.4
    pause_time = 0.3


class KernelTooLarge(ConvLayerScene):
    """Impossible options: a 5x5 kernel on a 4x4 input without padding."""
    kernel_size = (5, 5)


from convanim.manim.families.feature_map_scene import FeatureMapScene  # noqa: E402


class NotAPhoto(FeatureMapScene):
    """A photo_source that is not an image file (this Python file)."""
    photo_source = __file__


class FailsWhenDrawn(ShortConv):
    """Counts its animations fine (skipped), but fails as soon as a frame is drawn: a worker that fails."""

    def update_frame(self, dt: float = 0, force_draw: bool = False) -> None:
        if not self.skip_animations:
            raise RuntimeError("this scene refuses to draw")
        super().update_frame(dt, force_draw)


class OneWait(ShortConv):
    """A single animation: nothing for a second segment to do."""

    def construct(self) -> None:
        self.wait(0.5)


from convanim.manim.rendering.batched_scene import BatchedScene  # noqa: E402


class NoStory(BatchedScene):
    """A scene of no family: it has no spoken story, so it cannot be narrated."""

    def construct(self) -> None:
        self.wait(0.2)
