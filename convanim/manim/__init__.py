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
    # the scene families a lecturer subclasses, and the base they share (for a new family)
    "FamilyScene": ".families.family_scene",
    "ConvLayerScene": ".families.conv_scene",
    "Conv1dLayerScene": ".families.conv1d_scene",
    "Conv3dLayerScene": ".families.conv3d_scene",
    "ConvArithmetic": ".families.arithmetic_scene",
    "PaddingModes": ".families.arithmetic_scene",
    "TransposedScatter": ".families.transpose_scene",
    "TransposedAsConv": ".families.transpose_scene",
    "PoolingScene": ".families.pool_scene",
    "PoolBackwardScene": ".families.backward.pool_backward_scene",
    "ConvBackwardScene": ".families.backward.conv_backward_scene",
    "ConvBackwardAsConvolutionScene": ".families.backward.backward_as_conv_scene",
    "Col2ImScene": ".families.backward.col2im_scene",
    "GradientDescentScene": ".families.backward.descent_scene",
    "Im2ColScene": ".families.im2col_scene",
    "Im2ColLoopOrdersScene": ".families.im2col_scene",
    "FeatureMapScene": ".families.feature_map_scene",
    "PipelineScene": ".families.pipeline_scene",
    "OnnxModelScene": ".families.model_scene",
    "BatchNormFoldingScene": ".families.folding_scene",
    "TrueConvolutionScene": ".families.true_convolution_scene",
    "ReceptiveFieldScene": ".families.receptive_field_scene",
    "DilatedReceptiveFieldScene": ".families.receptive_field_scene",
    "TrainedLayerScene": ".families.trained_scene",
    "TrainedPipelineScene": ".families.trained_scene",
    "LearnedFiltersScene": ".families.trained_scene",
    "ConvVolumeScene": ".families.volume_scene",
    "DepthwiseSeparableScene": ".families.volume_scene",
    "PixelShuffleScene": ".families.volume_scene",
    # declaring a subclass's own options
    "Option": ".options.options",
    "OptionError": ".options.options",
    # building blocks
    "NumberGrid": ".mobjects.cells",
    "ChannelStack": ".mobjects.cells",
    "KernelOverlay": ".mobjects.cells",
    "BiasChip": ".mobjects.cells",
    "Palette": ".mobjects.palette",
    "DEFAULT_PALETTE": ".mobjects.palette",
    "show": ".lecture.notebook",
    "show_still": ".lecture.notebook",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'convanim.manim' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
