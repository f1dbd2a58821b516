"""Feature maps of a real photo: edge, blur and random filters, ReLU, max pooling, and one pixel's arithmetic.

    manimgl scenes/feature_maps.py FeatureMaps          # the cat (pip install "convanim[photo]")
    python -m convanim.manim.render scenes/feature_maps.py FeatureMaps --quality 720p --out cat.mp4

Without scikit-image the cat is replaced by a generated picture and the
first caption says how to install it.
"""
from convanim.manim import FeatureMapScene


class FeatureMaps(FeatureMapScene):
    """Chelsea the cat (300×451×3): 3×3 edge (28 parameters), 10×10 blur (301), 20×20 random (1201)."""

    zoom_pixel = (105, 236)  # an edge on the cat's face


class FeatureMapsGenerated(FeatureMapScene):
    """The same lesson on the generated picture (needs nothing beyond convanim)."""

    photo_source = "generated"
    zoom_pixel = (150, 60)


SCENES_IN_ORDER = [FeatureMaps, FeatureMapsGenerated]
