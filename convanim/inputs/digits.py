"""Real handwriting that needs no download: scikit-learn's bundled 8×8 digits, split once for good.

``load_digits`` ships inside scikit-learn (the UCI "Optical Recognition of
Handwritten Digits" test set: 1,797 images of 8×8 pixels, grey levels 0 to
16, written by 13 people).  At 8×8 every pixel's number fits on screen.

    digits = handwritten_digits()          # needs pip install "convanim[data]"
    digits.train_images.shape              # (1437, 8, 8), integers 0..16
    digits.held_out_images[0], digits.held_out_labels[0]

The split is a fixed permutation (numpy's PCG64 with ``SPLIT_SEED``), the
same on every machine: the last ``HELD_OUT`` images of it are never trained on.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

#: The seed of the train / held-out permutation, and the held-out count (20% of 1,797).
SPLIT_SEED = 0
HELD_OUT = 360

MISSING_DATA = ('the handwritten digits come from scikit-learn (bundled, no download); '
                'install them with: pip install "convanim[data]"')


@dataclass(frozen=True)
class Digits:
    """The digits split in two: ``train_images`` (N, 8, 8) and ``held_out_images`` (M, 8, 8), integers
    0..16 as int64; ``train_labels`` (N,) and ``held_out_labels`` (M,), digits 0..9."""

    train_images: np.ndarray
    train_labels: np.ndarray
    held_out_images: np.ndarray
    held_out_labels: np.ndarray


@lru_cache(maxsize=1)
def handwritten_digits() -> Digits:
    """scikit-learn's 1,797 digits, split into 1,437 to train on and ``HELD_OUT`` (360) held out.

    Raises ImportError naming the ``data`` extra when scikit-learn is missing.
    """
    images, labels = bundled_digits()
    order = np.random.default_rng(SPLIT_SEED).permutation(len(labels))
    train, held_out = order[:-HELD_OUT], order[-HELD_OUT:]
    for a in (images, labels):
        a.setflags(write=False)
    return Digits(images[train], labels[train], images[held_out], labels[held_out])


def bundled_digits() -> tuple[np.ndarray, np.ndarray]:
    """All 1,797 digits in scikit-learn's order: images (1797, 8, 8) and labels (1797,), both int64.

    Read from the file scikit-learn ships (``sklearn/datasets/data/digits.csv.gz``: 64 grey levels and the label
    on each line, as ``load_digits`` reads it) without importing scikit-learn, whose import (scipy with it) took
    0.56–0.62 s here: a third of the time a short trained-network scene spends beyond an empty scene's.  Where that
    file is not found, ``load_digits`` itself.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None:
        raise ImportError(MISSING_DATA)
    for folder in spec.submodule_search_locations or ():
        path = Path(folder, "datasets", "data", "digits.csv.gz")
        if path.is_file():
            data = np.loadtxt(path, delimiter=",", dtype=np.float64)
            return np.rint(data[:, :-1]).astype(np.int64).reshape(-1, 8, 8), data[:, -1].astype(np.int64)
    try:
        from sklearn.datasets import load_digits
    except ImportError as err:
        raise ImportError(MISSING_DATA) from err
    data = load_digits()
    return np.rint(data.images).astype(np.int64), np.asarray(data.target, dtype=np.int64)
