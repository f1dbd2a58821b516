"""A small CNN trained on real handwriting (scikit-learn's 8×8 digits; pip install "convanim[data]").

    manimgl scenes/trained.py LearnedFilters        # the first layer's filters, from noise to trained
    manimgl scenes/trained.py TrainedFirstLayer     # the learned layer on one digit, number by number

The weights ship with convanim (convanim/networks/digit_cnn.npz, written by
examples/train_digit_cnn.py).
"""
from convanim.manim.trained_scene import LearnedFiltersScene, TrainedLayerScene


class LearnedFilters(LearnedFiltersScene):
    """The six 3×3 filters after 0, 5, 20, 60, 200 and 990 updates, with the held-out accuracy at each."""


class TrainedFirstLayer(TrainedLayerScene):
    """Held-out digit 1 (a 2) through the first two learned filters, every product and partial sum on screen."""


SCENES_IN_ORDER = [LearnedFilters, TrainedFirstLayer]
