"""A small CNN on a digit: conv -> ReLU -> max pool -> conv -> ReLU -> max pool, shapes 28 -> 24 -> 12 -> 8 -> 4.

    manimgl scenes/pipeline.py Pipeline
    manimgl scenes/pipeline.py PipelineStacked     # ends on a 3D view of the stacked maps
"""
from convanim.manim import PipelineScene


class Pipeline(PipelineScene):
    """A 28×28 digit 3; 4 filters 5×5 (vertical edge, horizontal edge, blur, random), then 6 random 5×5."""


class PipelineStacked(PipelineScene):
    """The same network, ending with each stage's maps standing one behind the other in 3D."""

    stacked_view = True


SCENES_IN_ORDER = [Pipeline, PipelineStacked]
