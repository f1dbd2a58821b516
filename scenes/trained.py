"""A small CNN trained on real handwriting (scikit-learn's 8×8 digits; pip install "convanim[data]").

    manimgl scenes/trained.py LearnedFilters          # the first layer's filters, from noise to trained
    manimgl scenes/trained.py TrainedFirstLayer       # the learned first filter on a digit, number by number
    manimgl scenes/trained.py TrainedDigitPipeline    # a digit through every stage to the probabilities
    manimgl scenes/trained.py MisreadDigitPipeline    # ...and a digit the network gets wrong

The weights ship with convanim (convanim/networks/digit_cnn.npz, written by
examples/train_digit_cnn.py); the digits are held out: never trained on.
"""
from convanim.manim import LearnedFiltersScene, TrainedLayerScene, TrainedPipelineScene


class LearnedFilters(LearnedFiltersScene):
    """The six 3×3 filters after 0, 5, 20, 60, 200 and 990 updates, with the held-out accuracy at each."""


class TrainedFirstLayer(TrainedLayerScene):
    """Held-out digit 1 (an 8) through the first learned filter, every product and partial sum on screen."""


class TrainedDigitPipeline(TrainedPipelineScene):
    """Held-out digit 1 (an 8), read right: conv → ReLU → max pool → flatten → linear → softmax."""


class MisreadDigitPipeline(TrainedPipelineScene):
    """Held-out digit 85, a 5 the network reads as a 0 (the 5 is its second choice)."""

    held_out_index = 85


SCENES_IN_ORDER = [LearnedFilters, TrainedFirstLayer, TrainedDigitPipeline, MisreadDigitPipeline]
