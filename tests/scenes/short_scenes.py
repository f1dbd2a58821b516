"""Small scenes for render tests (kept short so that `make test` stays quick)."""
from convanim.manim import ConvLayerScene


class ShortConv(ConvLayerScene):
    """2 channels, 1 filter, one detailed step: a few seconds of video."""
    in_channels, out_channels = 2, 1
    detailed_steps = 1
    stage_time = 0.4
    pause_time = 0.3


class KernelTooLarge(ConvLayerScene):
    """Impossible options: a 5x5 kernel on a 4x4 input without padding."""
    kernel_size = (5, 5)


from convanim.manim.feature_map_scene import FeatureMapScene  # noqa: E402


class NotAPhoto(FeatureMapScene):
    """A photo_source that is not an image file (this Python file)."""
    photo_source = __file__
