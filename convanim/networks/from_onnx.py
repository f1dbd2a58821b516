"""A network from any framework, through ONNX: ``from_onnx(path_or_model) -> list[Layer]``.

    layers = convanim.from_onnx("model.onnx")            # PyTorch, Keras/TensorFlow (tf2onnx), JAX (jax2onnx) ...
    stages = convanim.run_pipeline(x, layers)           # every stage's maps, as the scenes draw them

The ``onnx`` package reads the file as protobuf: nothing in it is executed.  A chain of nodes (each taking the
previous one's output, weights from initializers or Constant nodes) becomes the layers of
:func:`convanim.run_pipeline`; a graph that branches, or a node of another kind, stops with one line naming the
node, its op type and what is supported.  The layers compute what onnxruntime computes (tests compare them).
``onnx`` is imported only when this is called (``pip install "convanim[onnx]"``).
"""
from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np

from .pipeline import (AvgPool, BatchNorm, Conv, Flatten, GlobalAvgPool, GlobalMaxPool, Layer, LeakyReLU, Linear,
                       MaxPool, ReLU, Sigmoid, Softmax, Tanh, _apply)

SUPPORTED_OPS = ("Conv", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "MaxPool", "AveragePool", "GlobalAveragePool",
                 "GlobalMaxPool", "BatchNormalization", "Flatten", "Reshape (flattening)", "Gemm", "MatMul", "Add",
                 "Softmax", "Dropout", "Identity", "Constant")


class OnnxModelError(ValueError):
    """The model cannot be read as a chain of supported layers; the message names the node or the file."""


def load_onnx(path_or_model):
    """``path_or_model`` as an ``onnx.ModelProto``: a ModelProto is returned as it is, a path is read."""
    try:
        import onnx
    except ImportError:
        raise ImportError('reading an ONNX model needs the onnx package: pip install "convanim[onnx]"') from None
    if isinstance(path_or_model, onnx.ModelProto):
        return path_or_model
    path = Path(path_or_model)
    if not path.is_file():
        raise FileNotFoundError(f"ONNX model not found: {path}")
    try:
        model = onnx.load(str(path))
    except Exception as err:  # protobuf's DecodeError and the like
        raise OnnxModelError(f"{path} is not an ONNX model: {' '.join(str(err).split()) or type(err).__name__}") \
            from None
    if not model.graph.node:
        raise OnnxModelError(f"{path} is not an ONNX model with a graph (no nodes)")
    return model


def _dims(value_info) -> list[int | None]:
    shape = value_info.type.tensor_type.shape
    return [d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else None for d in shape.dim]


def _graph_input(model):
    initialized = {t.name for t in model.graph.initializer}
    inputs = [i for i in model.graph.input if i.name not in initialized]
    if len(inputs) != 1:
        raise OnnxModelError(f"the model has {len(inputs)} inputs ({', '.join(i.name for i in inputs)}); "
                             f"only models of one input (an image) are supported")
    return inputs[0]


def onnx_input_shape(path_or_model) -> tuple[int | None, ...]:
    """The model's input shape per sample, (C, H, W), read from the graph; None where the graph leaves a size
    open (a dynamic axis)."""
    model = load_onnx(path_or_model)
    given = _graph_input(model)
    dims = _dims(given)
    if len(dims) != 4:
        raise OnnxModelError(f"the model's input {given.name!r} has shape {dims}; only images (N, C, H, W) are "
                             f"supported")
    return tuple(dims[1:])


def _attributes(node) -> dict:
    import onnx

    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _text(value):
    return value.decode() if isinstance(value, bytes) else value


def _same_pads(size: tuple[int, int], kernel, stride, dilation, lower: bool) -> tuple[int, int, int, int]:
    """ONNX's auto_pad SAME_UPPER / SAME_LOWER: the output is ceil(input / stride), the extra cell of an odd
    total at the end (UPPER) or the beginning (LOWER).  Returns (top, bottom, left, right)."""
    sides = []
    for n, k, s, d in zip(size, kernel, stride, dilation):
        total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
        small, large = total // 2, total - total // 2
        sides += [large, small] if lower else [small, large]
    return tuple(sides)  # type: ignore[return-value]


def _pads(node, attrs: dict, size, kernel, stride, dilation) -> tuple[int, int, int, int]:
    """A node's padding as (top, bottom, left, right), from ``pads`` [top, left, bottom, right] or ``auto_pad``."""
    auto = _text(attrs.get("auto_pad", "NOTSET"))
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        if size is None or None in size:
            raise OnnxModelError(f"node {node.name!r} ({node.op_type}) pads with auto_pad={auto}, which needs the "
                                 f"input's height and width; the model leaves them open: give input_shape")
        return _same_pads(size, kernel, stride, dilation, auto == "SAME_LOWER")
    if auto == "VALID":
        return (0, 0, 0, 0)
    if auto != "NOTSET":
        raise OnnxModelError(f"node {node.name!r} ({node.op_type}): auto_pad={auto!r} is not one of NOTSET, "
                             f"SAME_UPPER, SAME_LOWER, VALID")
    pads = list(attrs.get("pads", [0, 0, 0, 0]))
    if len(pads) != 4:
        raise OnnxModelError(f"node {node.name!r} ({node.op_type}) has pads {pads}; only 2-D layers are supported")
    top, left, bottom, right = pads
    return (top, bottom, left, right)


def _padding(pads: tuple[int, int, int, int]):
    """The layer's ``padding``: a pair when each axis is padded evenly (as PyTorch writes it), else the four."""
    top, bottom, left, right = pads
    return (top, left) if (top, left) == (bottom, right) else pads


class _Reader:
    """Walks the graph's chain of nodes, keeping the current tensor's name and its per-sample shape."""

    def __init__(self, model, input_shape):
        import onnx.numpy_helper

        self.graph = model.graph
        self.values = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
        given = _graph_input(model)
        self.current = given.name
        shape = tuple(input_shape) if input_shape is not None else onnx_input_shape(model)
        if len(shape) != 3:
            raise OnnxModelError(f"input_shape must be (C, H, W); got {shape}")
        self.shape = shape
        self.layers: list[Layer] = []
        consumers: dict[str, list[str]] = {}
        for node in self.graph.node:
            for name in node.input:
                if name and name not in self.values:
                    consumers.setdefault(name, []).append(f"{node.name!r} ({node.op_type})")
        self.consumers = consumers

    # -- the chain --------------------------------------------------------------------------------------
    def read(self) -> list[Layer]:
        import onnx.numpy_helper

        for node in self.graph.node:
            if node.op_type == "Constant":
                attrs = {a.name: a for a in node.attribute}
                if "value" not in attrs:
                    raise OnnxModelError(f"node {node.name!r} (Constant) holds no tensor 'value'")
                self.values[node.output[0]] = onnx.numpy_helper.to_array(attrs["value"].t)
                continue
            data = [name for name in node.input if name and name not in self.values]
            if data != [self.current]:
                raise OnnxModelError(
                    f"node {node.name!r} ({node.op_type}) takes {', '.join(data) or 'no tensor'} where the chain "
                    f"has {self.current!r}: only a chain of layers is supported, not a graph that branches (Add of "
                    f"two paths, Concat)")
            readers = self.consumers.get(self.current, [])
            if len(readers) > 1:
                raise OnnxModelError(f"tensor {self.current!r} is read by {len(readers)} nodes ({', '.join(readers)}): "
                                     f"only a chain of layers is supported, not a graph that branches")
            handler = getattr(self, f"_{node.op_type}", None)
            if handler is None:
                raise OnnxModelError(f"node {node.name!r} has op type {node.op_type}, which is not supported; "
                                     f"supported: {', '.join(SUPPORTED_OPS)}")
            used = [o for o in node.output[1:] if o and o in self.consumers]
            if used:
                raise OnnxModelError(f"node {node.name!r} ({node.op_type}): its output {used[0]!r} is used; only the "
                                     f"first output of a node is supported")
            self.node = node
            handler(node, _attributes(node))
            self.current = node.output[0]
        outputs = [o.name for o in self.graph.output]
        if self.current not in outputs:
            raise OnnxModelError(f"the chain ends on {self.current!r}, which is not the model's output "
                                 f"({', '.join(outputs)})")
        return self.layers

    def add(self, layer: Layer) -> None:
        """Append ``layer`` and follow the shape through it (the core's own arithmetic on zeros)."""
        self.layers.append(layer)
        if None not in self.shape:
            try:  # the core's own arithmetic on zeros of the current shape: maps or a vector
                self.shape = _apply(layer, np.zeros(self.shape), defaultdict(int)).shape
            except (ValueError, TypeError) as err:
                message = str(err).split(": ", 1)[-1]  # the core's reason, without run_pipeline's "layer 1 (...)"
                raise OnnxModelError(f"node {self.node.name!r} ({self.node.op_type}) on maps of shape {self.shape}: "
                                     f"{message}") from None

    def weight(self, node, index: int, what: str) -> np.ndarray | None:
        if len(node.input) <= index or not node.input[index]:
            return None
        name = node.input[index]
        if name not in self.values:
            raise OnnxModelError(f"node {node.name!r} ({node.op_type}): its {what} {name!r} is not a constant "
                                 f"(initializer or Constant node)")
        return np.asarray(self.values[name])

    def maps_size(self):
        return None if len(self.shape) != 3 else tuple(self.shape[1:])

    # -- one method per op type ---------------------------------------------------------------------------
    def _Conv(self, node, attrs):
        w = self.weight(node, 1, "weight")
        kernel = tuple(attrs.get("kernel_shape", w.shape[2:]))
        if w.ndim != 4 or len(kernel) != 2:
            raise OnnxModelError(f"node {node.name!r} (Conv) has a weight of shape {w.shape}; only 2-D "
                                 f"convolutions are supported")
        stride = tuple(attrs.get("strides", (1, 1)))
        dilation = tuple(attrs.get("dilations", (1, 1)))
        pads = _pads(node, attrs, self.maps_size(), kernel, stride, dilation)
        self.add(Conv(w, self.weight(node, 2, "bias"), stride=stride, padding=_padding(pads), dilation=dilation,
                      groups=int(attrs.get("group", 1))))

    def _pool(self, node, attrs, average: bool):
        kernel = tuple(attrs["kernel_shape"])
        stride = tuple(attrs.get("strides", (1, 1)))  # ONNX's default is 1, not the kernel
        dilation = tuple(attrs.get("dilations", (1, 1)))
        pads = _pads(node, attrs, self.maps_size(), kernel, stride, dilation)
        ceil_mode = bool(attrs.get("ceil_mode", 0))
        if average:
            if dilation != (1, 1):
                raise OnnxModelError(f"node {node.name!r} (AveragePool) has dilations {list(dilation)}; only 1 is "
                                     f"supported")
            self.add(AvgPool(kernel, stride, _padding(pads), ceil_mode, bool(attrs.get("count_include_pad", 0))))
        else:
            self.add(MaxPool(kernel, stride, _padding(pads), dilation, ceil_mode))

    def _MaxPool(self, node, attrs):
        self._pool(node, attrs, average=False)

    def _AveragePool(self, node, attrs):
        self._pool(node, attrs, average=True)

    def _GlobalAveragePool(self, node, attrs):
        self.add(GlobalAvgPool())

    def _GlobalMaxPool(self, node, attrs):
        self.add(GlobalMaxPool())

    def _BatchNormalization(self, node, attrs):
        if attrs.get("training_mode", 0):
            raise OnnxModelError(f"node {node.name!r} (BatchNormalization) is in training mode; only inference is "
                                 f"supported")
        self.add(BatchNorm(self.weight(node, 3, "mean"), self.weight(node, 4, "variance"),
                           self.weight(node, 1, "scale"), self.weight(node, 2, "bias"),
                           float(attrs.get("epsilon", 1e-5))))

    def _Relu(self, node, attrs):
        self.add(ReLU())

    def _LeakyRelu(self, node, attrs):
        self.add(LeakyReLU(float(attrs.get("alpha", 0.01))))

    def _Sigmoid(self, node, attrs):
        self.add(Sigmoid())

    def _Tanh(self, node, attrs):
        self.add(Tanh())

    def _Dropout(self, node, attrs):
        pass  # inference: the input passes through

    def _Identity(self, node, attrs):
        pass

    def _Flatten(self, node, attrs):
        if attrs.get("axis", 1) != 1:
            raise OnnxModelError(f"node {node.name!r} (Flatten) has axis {attrs['axis']}; only axis 1 (each "
                                 f"sample's maps into one vector) is supported")
        self.add(Flatten())

    def _Reshape(self, node, attrs):
        target = [int(v) for v in self.weight(node, 1, "shape").ravel()]
        flattens = len(target) == 2 and target[0] in (0, 1, -1) and (
            target[1] == -1 or (None not in self.shape and target[1] == int(np.prod(self.shape))))
        if not flattens:
            raise OnnxModelError(f"node {node.name!r} (Reshape) to shape {target} is not supported; only a "
                                 f"Reshape that flattens each sample, to (N, -1)")
        if len(self.shape) != 1:
            self.add(Flatten())

    def _Gemm(self, node, attrs):
        if attrs.get("transA", 0):
            raise OnnxModelError(f"node {node.name!r} (Gemm) has transA=1; only transA=0 is supported")
        b = self.weight(node, 1, "weight")
        w = b if attrs.get("transB", 0) else b.T  # (out, in), as torch.nn.Linear keeps it
        c = self.weight(node, 2, "bias")
        if c is not None and c.size not in (1, w.shape[0]):
            raise OnnxModelError(f"node {node.name!r} (Gemm) has a bias of shape {c.shape} for {w.shape[0]} outputs")
        bias = None if c is None else np.broadcast_to(float(attrs.get("beta", 1.0)) * c, (w.shape[0],)).copy()
        self._linear(node, float(attrs.get("alpha", 1.0)) * w, bias)

    def _MatMul(self, node, attrs):
        if node.input[0] != self.current:
            raise OnnxModelError(f"node {node.name!r} (MatMul) multiplies a constant by the data; only data × "
                                 f"weight is supported")
        self._linear(node, self.weight(node, 1, "weight").T, None)

    def _linear(self, node, weight: np.ndarray, bias: np.ndarray | None):
        if len(self.shape) != 1:
            raise OnnxModelError(f"node {node.name!r} ({node.op_type}) comes on maps of shape {self.shape}; "
                                 f"Flatten them first")
        if weight.ndim != 2 or (self.shape[0] is not None and weight.shape[1] != self.shape[0]):
            stored = tuple(weight.T.shape)  # (in, out), as ONNX stores it
            raise OnnxModelError(f"node {node.name!r} ({node.op_type}) has a weight of shape {stored} for a vector "
                                 f"of {self.shape[0]} values")
        self.add(Linear(weight, bias))

    def _Add(self, node, attrs):
        other = next(name for name in node.input if name != self.current)
        constant = np.asarray(self.values[other])
        last = self.layers[-1] if self.layers else None
        if isinstance(last, Linear) and last.bias is None and constant.size == last.weight.shape[0]:
            self.layers[-1] = Linear(last.weight, constant.reshape(-1))  # MatMul + Add: one linear layer
            return
        if isinstance(last, Conv) and last.bias is None and constant.size == last.weight.shape[0]:
            self.layers[-1] = Conv(last.weight, constant.reshape(-1), last.stride, last.padding, last.dilation,
                                   last.groups, last.padding_mode)
            return
        raise OnnxModelError(f"node {node.name!r} (Add) adds a constant of shape {constant.shape} that is not the "
                             f"bias of the MatMul or Conv before it; only that Add is supported")

    def _Softmax(self, node, attrs):
        if len(self.shape) != 1:
            raise OnnxModelError(f"node {node.name!r} (Softmax) comes on maps of shape {self.shape}; only a "
                                 f"Softmax over a vector of class scores is supported")
        if attrs.get("axis", -1) not in (-1, 1):
            raise OnnxModelError(f"node {node.name!r} (Softmax) has axis {attrs['axis']}; only the class axis "
                                 f"(1 or -1) is supported")
        self.add(Softmax())


def from_onnx(path_or_model, input_shape: tuple[int, int, int] | None = None) -> list[Layer]:
    """The layers of an ONNX model (a path or an ``onnx.ModelProto``) for :func:`convanim.run_pipeline`.

    The model takes one image (N, C, H, W) and is a chain of Conv (pads including uneven ones, strides,
    dilations, group, auto_pad), Relu, LeakyRelu, Sigmoid, Tanh, MaxPool, AveragePool, GlobalAveragePool,
    GlobalMaxPool, BatchNormalization (inference), Flatten, a Reshape that flattens, Gemm, MatMul + Add, Softmax,
    Dropout and Identity; weights from initializers and Constant nodes.  ``input_shape`` (C, H, W) replaces the
    graph's own where it leaves sizes open.  Anything else raises :class:`OnnxModelError` (a ValueError) naming
    the node, its op type and the supported list.
    """
    model = load_onnx(path_or_model)
    return _Reader(model, input_shape).read()


__all__ = ["from_onnx", "onnx_input_shape", "load_onnx", "OnnxModelError", "SUPPORTED_OPS"]
