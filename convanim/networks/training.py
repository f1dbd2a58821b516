"""How a conv layer learns: a loss, its gradient, a gradient-descent step, and a recorded training run.

Each step of :func:`train_conv` is forward → loss → backward → update,
every array kept, so that a scene or a notebook can show the kernel's
numbers and the loss changing from one step to the next.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..arguments import as_numeric_array, real_number
from ..arithmetic.backward import conv2d_backward
from ..arithmetic.conv import conv2d
from ..inputs.filters import edge_filter


def mse_loss(input: object, target: object) -> tuple[float, np.ndarray]:
    """Mean squared error and its gradient: ``(mean((input − target)²), 2·(input − target) / input.size)``.

    As ``torch.nn.functional.mse_loss`` with ``reduction='mean'``; ``input``
    and ``target`` any equal shapes; the gradient has ``input``'s shape.
    """
    x = as_numeric_array("input", input)
    t = as_numeric_array("target", target)
    if x.shape != t.shape:
        raise ValueError(f"mse_loss needs input and target of one shape; got input {x.shape} and target {t.shape}")
    if x.size == 0:
        raise ValueError(f"mse_loss of an empty input is undefined (input shape {x.shape})")
    diff = x.astype(np.float64) - t
    return float(np.mean(diff ** 2)), 2.0 * diff / x.size


def softmax(logits: object) -> np.ndarray:
    """exp(z − max z) / Σ exp(z − max z) along the last axis: (..., K) scores -> (..., K) probabilities.

    As ``torch.softmax(logits, dim=-1)``; subtracting the maximum first
    keeps exp from overflowing and changes nothing else.
    """
    z = as_numeric_array("logits", logits).astype(np.float64)
    if z.ndim == 0 or z.shape[-1] == 0:
        raise ValueError(f"softmax needs scores along a last axis; got shape {z.shape}")
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy_loss(logits: object, labels: object) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy and its gradient: ``(mean −log softmax(logits)[i, labels[i]], dL/dlogits)``.

    As ``torch.nn.functional.cross_entropy`` with ``reduction='mean'``:
    ``logits`` (N, K) raw class scores, ``labels`` (N,) integers 0..K−1; the
    gradient (N, K) is ``(softmax(logits) − onehot(labels)) / N``.
    """
    z = as_numeric_array("logits", logits)
    y = np.asarray(labels)
    if z.ndim != 2 or z.shape[0] == 0:
        raise ValueError(f"cross_entropy_loss needs logits (N, K) with N ≥ 1; got shape {z.shape}")
    if y.shape != (z.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"cross_entropy_loss needs integer labels of shape ({z.shape[0]},) for logits "
                         f"{z.shape}; got {y.dtype} labels of shape {y.shape}")
    if y.min() < 0 or y.max() >= z.shape[1]:
        raise ValueError(f"labels must lie in 0..{z.shape[1] - 1} (one per class of logits {z.shape}); "
                         f"got {int(y.min())}..{int(y.max())}")
    z = z.astype(np.float64)
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(y))
    grad = np.exp(log_p)
    grad[rows, y] -= 1
    return float(-log_p[rows, y].mean()), grad / len(y)


def sgd_step(param: object, grad: object, lr: float) -> np.ndarray:
    """One plain gradient-descent step, ``param − lr · grad`` (a new float array of ``param``'s shape)."""
    p = as_numeric_array("param", param)
    g = as_numeric_array("grad", grad)
    if p.shape != g.shape:
        raise ValueError(f"sgd_step needs grad of param's shape; got param {p.shape} and grad {g.shape}")
    real_number("lr", lr)
    return p.astype(np.float64) - lr * g


@dataclass(frozen=True)
class TrainingStep:
    """Step ``step`` of a training run: ``output`` = conv2d(inputs, ``weight``, ``bias``) (N, F, OH, OW);
    ``loss`` against the targets; ``grad_output`` dL/d(output); ``grad_weight``, ``grad_bias`` (None
    without a bias); ``new_weight`` = weight − lr·grad_weight, ``new_bias`` likewise."""

    step: int
    weight: np.ndarray
    bias: np.ndarray | None
    output: np.ndarray
    loss: float
    grad_output: np.ndarray
    grad_weight: np.ndarray
    grad_bias: np.ndarray | None
    new_weight: np.ndarray
    new_bias: np.ndarray | None


@dataclass(frozen=True)
class TrainingRun:
    """A recorded run of :func:`train_conv`: ``inputs`` (N, C, H, W), ``targets`` (N, F, OH, OW),
    ``lr``, the conv ``options`` and every :class:`TrainingStep`."""

    inputs: np.ndarray
    targets: np.ndarray
    lr: float
    options: dict
    steps: list[TrainingStep] = field(default_factory=list)

    @property
    def losses(self) -> np.ndarray:
        """The loss before each update, (steps,)."""
        return np.array([s.loss for s in self.steps])

    @property
    def final_weight(self) -> np.ndarray:
        return self.steps[-1].new_weight

    @property
    def final_bias(self) -> np.ndarray | None:
        return self.steps[-1].new_bias


def train_conv(inputs: object, targets: object, weight: object, bias: object = None, lr: float = 0.1,
               steps: int = 10, stride: object = 1, padding: object = 0, dilation: object = 1, groups: int = 1,
               padding_mode: str = "zeros") -> TrainingRun:
    """Train one conv layer by gradient descent on the mean squared error, recording every step.

    ``inputs`` (N, C, H, W); ``targets`` the conv output's shape (N, F, OH,
    OW); ``weight`` (F, C/groups, KH, KW) the starting kernel; ``bias`` (F,)
    or None (then no bias is learned); conv options as :func:`conv2d`.
    """
    x = as_numeric_array("inputs", inputs)
    if x.ndim != 4:
        raise ValueError(f"inputs must be 4-d (N, C, H, W); got shape {x.shape}")
    t = as_numeric_array("targets", targets)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"steps must be a positive int; got {steps!r}")
    real_number("lr", lr)
    options = dict(stride=stride, padding=padding, dilation=dilation, groups=groups, padding_mode=padding_mode)
    w = as_numeric_array("weight", weight).astype(np.float64)
    b = None if bias is None else as_numeric_array("bias", bias).astype(np.float64)
    run = TrainingRun(x, t, float(lr), options)
    for step in range(steps):
        output = conv2d(x, w, b, **options)
        if output.shape != t.shape:
            raise ValueError(f"targets must have the conv output's shape {output.shape}; got {t.shape}")
        loss, grad_output = mse_loss(output, t)
        _, grad_weight, grad_bias = conv2d_backward(x, w, grad_output, **options)
        new_w = sgd_step(w, grad_weight, lr)
        new_b = None if b is None else sgd_step(b, grad_bias, lr)
        run.steps.append(TrainingStep(step, w, b, output, loss, grad_output, grad_weight,
                                      None if b is None else grad_bias, new_w, new_b))
        w, b = new_w, new_b
    return run


@dataclass(frozen=True)
class EdgeProblem:
    """A learning problem with a known answer: ``images`` (N, 1, H, W) of ±1 pixels, ``targets`` =
    conv2d(images, ``kernel``) (N, 1, H−2, W−2), ``kernel`` (1, 1, 3, 3) the vertical-edge filter to
    learn, ``start`` the kernel training starts from (zeros), and a learning rate ``lr`` and number
    of ``steps`` for which the loss falls at every step."""

    images: np.ndarray
    targets: np.ndarray
    kernel: np.ndarray
    start: np.ndarray
    lr: float
    steps: int

    def train(self) -> TrainingRun:
        return train_conv(self.images, self.targets, self.start, None, self.lr, self.steps)

    def distance(self, weight: object) -> float:
        """How far ``weight`` (1, 1, 3, 3) is from the answer: the largest ``|weight − kernel|``."""
        w = as_numeric_array("weight", weight)
        if w.shape != self.kernel.shape:
            raise ValueError(f"weight must have the kernel's shape {self.kernel.shape}; got {w.shape}")
        return float(np.abs(w - self.kernel).max())


def edge_learning_problem(num_images: int = 4, size: int = 5, seed: int = 2, lr: float = 0.2,
                          steps: int = 15) -> EdgeProblem:
    """One 3×3 filter learning the vertical-edge kernel from ``num_images`` random ±1 images of size×size.

    The mean squared error of a linear layer is a quadratic in the weights;
    gradient descent lowers it at every step while ``lr`` is below 2 / (the
    largest eigenvalue of its Hessian, ``2/M · colsᵀcols`` with cols the
    im2col matrix and M its rows), about 0.5 for the default images.
    """
    rng = np.random.default_rng(seed)
    images = rng.choice(np.array([-1.0, 1.0]), size=(num_images, 1, size, size))
    kernel = edge_filter(1, 3)[0].astype(np.float64)  # (1, 1, 3, 3): −1 left column, +1 right
    targets = conv2d(images, kernel)
    return EdgeProblem(images, targets, kernel, np.zeros_like(kernel), lr, steps)
