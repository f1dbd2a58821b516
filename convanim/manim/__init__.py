"""convanim.manim: the rendering layer (imports manimlib; the core does not).

Importing this package prepares headless rendering when there is no display
(see :mod:`convanim.manim.headless`) and exposes the base scenes.
"""
import warnings

from .headless import prepare_environment, use_egl_without_display

prepare_environment()
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)

import manimlib  # noqa: E402,F401  (after prepare_environment: pyglet must see PYGLET_HEADLESS)

use_egl_without_display()

from .cells import BiasChip, ChannelStack, KernelOverlay, NumberGrid  # noqa: E402
from .conv_scene import ConvLayerScene  # noqa: E402
from .palette import DEFAULT_PALETTE, Palette  # noqa: E402

__all__ = ["ConvLayerScene", "NumberGrid", "ChannelStack", "KernelOverlay", "BiasChip", "Palette",
           "DEFAULT_PALETTE"]
