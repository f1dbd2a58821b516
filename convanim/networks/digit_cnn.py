"""A small CNN trained on real handwriting, with convanim's own backward pass, and its shipped weights.

    net = trained_digit_cnn()                    # the weights that ship in the package (no training)
    stages = run_pipeline(image[None], net.layers())
    net.held_out_accuracy                        # on the 360 digits it never saw

The network: conv 3×3 (``FILTERS`` filters) → ReLU → max pool 2×2 →
flatten → linear (10 class scores) → softmax, on scikit-learn's 8×8 digits
with their grey levels 0..16 as they are.  :func:`train_digit_cnn` trains it
with numpy alone: :func:`conv2d`, :func:`max_pool2d` and their backward
passes from :mod:`convanim.arithmetic.backward` (checked against
torch.autograd in the tests), a linear layer and :func:`cross_entropy_loss`,
and mini-batch SGD with momentum in a seeded order.  Training needs no
torch, so anyone can re-run it.  After training, the conv layer's weights
and biases are rounded to ``DECIMALS`` places and the linear layer is
trained a little more on top of them: the numbers a scene shows for the
first layer are then its exact weights, and every product and sum on screen
adds up.  The first layer's filters are kept at several points of training
(:class:`FilterSnapshot`), each with the held-out accuracy of the whole
network at that moment.

``examples/train_digit_cnn.py`` writes ``digit_cnn.npz`` (arrays only, no
pickle) beside this module and checks that a re-run reproduces it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..arithmetic.backward import conv2d_backward, max_pool2d_backward
from ..arithmetic.conv import conv2d
from ..arithmetic.pool import max_pool2d
from ..inputs.digits import Digits, handwritten_digits
from .pipeline import Conv, Flatten, Layer, Linear, MaxPool, ReLU, Softmax
from .training import cross_entropy_loss, softmax

#: The shipped weights (written by examples/train_digit_cnn.py).
WEIGHTS_FILE = Path(__file__).with_name("digit_cnn.npz")
#: First-layer filters, their size, the pooling window, and the places the first layer is rounded to.
FILTERS = 6
KERNEL = 3
POOL = 2
DECIMALS = 1
#: Training: seed, epochs, mini-batch size, learning rate and momentum of SGD, epochs of the
#: linear layer after rounding the first, and the updates after which the filters are kept.
SEED = 0
EPOCHS = 20
BATCH = 32
LEARNING_RATE = 0.002
MOMENTUM = 0.9
HEAD_EPOCHS = 2
SNAPSHOT_STEPS = (0, 5, 20, 60, 200)


@dataclass(frozen=True)
class FilterSnapshot:
    """The first layer after ``step`` updates (``epoch`` = step / updates per epoch): ``weight``
    (F, 1, 3, 3), ``bias`` (F,), and ``accuracy``, the whole network's held-out accuracy then (0..1)."""

    step: int
    epoch: float
    weight: np.ndarray
    bias: np.ndarray
    accuracy: float


@dataclass(frozen=True)
class DigitCNN:
    """The trained network: ``conv_weight`` (F, 1, 3, 3) and ``conv_bias`` (F,) with ``DECIMALS`` places,
    ``linear_weight`` (10, F·3·3) and ``linear_bias`` (10,); ``snapshots`` of the first layer during
    training, the last one final; ``held_out_accuracy`` (0..1) on the digits never trained on."""

    conv_weight: np.ndarray
    conv_bias: np.ndarray
    linear_weight: np.ndarray
    linear_bias: np.ndarray
    snapshots: tuple[FilterSnapshot, ...]
    held_out_accuracy: float

    def layers(self) -> list[Layer]:
        """The network as :func:`convanim.run_pipeline` layers, softmax last."""
        return [Conv(self.conv_weight, self.conv_bias), ReLU(), MaxPool(POOL), Flatten(),
                Linear(self.linear_weight, self.linear_bias), Softmax()]

    def scores(self, images: object) -> np.ndarray:
        """Class scores (N, 10) of ``images`` (N, 8, 8), grey levels 0..16."""
        return _forward(_batch(images), self._params())[-1]

    def predict(self, images: object) -> np.ndarray:
        """The predicted digit (N,) of each of ``images`` (N, 8, 8)."""
        return self.scores(images).argmax(axis=1)

    def probabilities(self, images: object) -> np.ndarray:
        """softmax of the class scores, (N, 10)."""
        return softmax(self.scores(images))

    def accuracy(self, images: object, labels: object) -> float:
        """The share of ``images`` (N, 8, 8) whose predicted digit equals ``labels`` (N,)."""
        return float(np.mean(self.predict(images) == np.asarray(labels)))

    def _params(self) -> tuple[np.ndarray, ...]:
        return self.conv_weight, self.conv_bias, self.linear_weight, self.linear_bias

    def save(self, path: str | Path) -> None:
        """Write the network as a .npz of plain arrays (no pickled objects)."""
        snaps = self.snapshots
        np.savez_compressed(
            path, conv_weight=self.conv_weight, conv_bias=self.conv_bias, linear_weight=self.linear_weight,
            linear_bias=self.linear_bias, held_out_accuracy=np.float64(self.held_out_accuracy),
            snapshot_step=np.array([s.step for s in snaps]), snapshot_epoch=np.array([s.epoch for s in snaps]),
            snapshot_weight=np.stack([s.weight for s in snaps]), snapshot_bias=np.stack([s.bias for s in snaps]),
            snapshot_accuracy=np.array([s.accuracy for s in snaps]))


def load_digit_cnn(path: str | Path) -> DigitCNN:
    """Read a network written by :meth:`DigitCNN.save` (``allow_pickle=False``)."""
    with np.load(path, allow_pickle=False) as f:
        snaps = tuple(FilterSnapshot(int(step), float(epoch), w, b, float(acc)) for step, epoch, w, b, acc in
                      zip(f["snapshot_step"], f["snapshot_epoch"], f["snapshot_weight"], f["snapshot_bias"],
                          f["snapshot_accuracy"]))
        return DigitCNN(f["conv_weight"], f["conv_bias"], f["linear_weight"], f["linear_bias"], snaps,
                        float(f["held_out_accuracy"]))


def trained_digit_cnn() -> DigitCNN:
    """The network that ships with convanim (``WEIGHTS_FILE``), trained by :func:`train_digit_cnn`."""
    return load_digit_cnn(WEIGHTS_FILE)


def _batch(images: object) -> np.ndarray:
    x = np.asarray(images, dtype=np.float64)
    if x.ndim != 3 or x.shape[1:] != (8, 8):
        raise ValueError(f"images must be (N, 8, 8) digits with grey levels 0..16; got shape {x.shape}")
    return x[:, None]


def _forward(x: np.ndarray, params: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """(conv output, ReLU, pooled, flat, scores) of a batch x (N, 1, 8, 8)."""
    w, b, lw, lb = params
    conv = conv2d(x, w, b)
    active = np.maximum(conv, 0)
    pooled = max_pool2d(active, POOL)
    flat = pooled.reshape(len(x), -1)
    return conv, active, pooled, flat, flat @ lw.T + lb


def _gradients(x: np.ndarray, y: np.ndarray, params: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """dL/d(each parameter) of the mean cross-entropy on the batch (x, y), by the chain rule stage by stage."""
    w, b, lw, lb = params
    conv, active, pooled, flat, scores = _forward(x, params)
    _, g_scores = cross_entropy_loss(scores, y)
    g_lw, g_lb = g_scores.T @ flat, g_scores.sum(axis=0)
    g_pooled = (g_scores @ lw).reshape(pooled.shape)
    g_active = max_pool2d_backward(active, g_pooled, POOL)
    g_conv = g_active * (conv > 0)
    _, g_w, g_b = conv2d_backward(x, w, g_conv)
    return g_w, g_b, g_lw, g_lb


def _accuracy(params: tuple[np.ndarray, ...], x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(_forward(x, params)[-1].argmax(axis=1) == y))


def _sgd(params: list[np.ndarray], velocity: list[np.ndarray], grads: tuple[np.ndarray, ...],
         which: range) -> None:
    for i in which:
        velocity[i] = MOMENTUM * velocity[i] - LEARNING_RATE * grads[i]
        params[i] = params[i] + velocity[i]


def train_digit_cnn(seed: int = SEED, epochs: int = EPOCHS, digits: Digits | None = None) -> DigitCNN:
    """Train the network from ``seed`` on the digits' training split; numpy only, deterministic.

    Weights start as He-normal draws (std √(2 / fan-in)), biases at 0;
    each first-layer filter's mean is then taken out.  The grey levels are
    never negative, so a filter whose weights were mostly negative would
    give ReLU nothing but zeros from the start, and with zero gradient it
    would never learn (a "dead" filter); a filter that sums to zero starts
    out answering a pattern of ink rather than ink in general.
    Each epoch visits the training images once in a seeded order, in
    mini-batches of ``BATCH``.  Then the first layer is rounded to
    ``DECIMALS`` places and only the linear layer trains ``HEAD_EPOCHS``
    more epochs.  Needs the ``data`` extra (scikit-learn) for the digits.
    """
    digits = digits or handwritten_digits()
    x, y = _batch(digits.train_images), digits.train_labels
    x_held, y_held = _batch(digits.held_out_images), digits.held_out_labels
    rng = np.random.default_rng(seed)
    flat = FILTERS * ((8 - KERNEL + 1) // POOL) ** 2
    start = rng.normal(0, np.sqrt(2 / KERNEL ** 2), (FILTERS, 1, KERNEL, KERNEL))
    start -= start.mean(axis=(1, 2, 3), keepdims=True)  # noise with no bias towards ink (see above)
    params = [start, np.zeros(FILTERS),
              rng.normal(0, np.sqrt(2 / flat), (10, flat)), np.zeros(10)]
    velocity = [np.zeros_like(p) for p in params]
    per_epoch = -(-len(y) // BATCH)
    snapshots = []

    def keep(step: int) -> None:
        snapshots.append(FilterSnapshot(step, step / per_epoch, params[0].copy(), params[1].copy(),
                                        _accuracy(tuple(params), x_held, y_held)))

    step = 0
    for epoch in range(epochs + HEAD_EPOCHS):
        if epoch == epochs:  # the first layer as the scenes show it: DECIMALS places, exactly
            params[0], params[1] = (np.round(p, DECIMALS) + 0.0 for p in params[:2])  # + 0.0: no −0.00
        order = rng.permutation(len(y))
        for start in range(0, len(y), BATCH):
            if step in SNAPSHOT_STEPS:
                keep(step)
            batch = order[start:start + BATCH]
            grads = _gradients(x[batch], y[batch], tuple(params))
            _sgd(params, velocity, grads, range(4) if epoch < epochs else range(2, 4))
            step += 1
    keep(step)
    final = snapshots[-1]
    return DigitCNN(params[0], params[1], params[2], params[3], tuple(snapshots), final.accuracy)
