"""convanim.manim: the rendering layer (imports manimlib; ``import convanim`` does not).

Importing this package only prepares the environment for a machine without
a display (see :mod:`convanim.manim.headless`); manimlib itself is imported
when a scene class or mobject is first used, so that a command-line tool
can still set ``sys.argv`` (which manimlib reads on import) before that.
"""
from __future__ import annotations

import importlib

from .headless import prepare_environment

prepare_environment()

_EXPORTS = {
    # the scene families a lecturer subclasses
    "ConvLayerScene": ".conv_scene",
    "ConvArithmetic": ".arithmetic_scene",
    "PaddingModes": ".arithmetic_scene",
    "TransposedScatter": ".transpose_scene",
    "TransposedAsConv": ".transpose_scene",
    "PoolingScene": ".pool_scene",
    "PoolBackwardScene": ".pool_backward_scene",
    "ConvBackwardScene": ".conv_backward_scene",
    "ConvBackwardAsConvolutionScene": ".backward_as_conv_scene",
    "Col2ImScene": ".col2im_scene",
    "GradientDescentScene": ".descent_scene",
    "Im2ColScene": ".im2col_scene",
    "Im2ColLoopOrdersScene": ".im2col_scene",
    "FeatureMapScene": ".feature_map_scene",
    "PipelineScene": ".pipeline_scene",
    "ReceptiveFieldScene": ".receptive_field_scene",
    "DilatedReceptiveFieldScene": ".receptive_field_scene",
    "TrainedLayerScene": ".trained_scene",
    "TrainedPipelineScene": ".trained_scene",
    "LearnedFiltersScene": ".trained_scene",
    "ConvVolumeScene": ".volume_scene",
    "DepthwiseSeparableScene": ".volume_scene",
    "PixelShuffleScene": ".volume_scene",
    # declaring a subclass's own options
    "Option": ".options",
    "OptionError": ".options",
    # building blocks
    "NumberGrid": ".cells",
    "ChannelStack": ".cells",
    "KernelOverlay": ".cells",
    "BiasChip": ".cells",
    "Palette": ".palette",
    "DEFAULT_PALETTE": ".palette",
    "show": ".notebook",
    "show_still": ".notebook",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'convanim.manim' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
