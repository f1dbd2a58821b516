"""The PyTorch code for what a scene shows: the lines that build its layer with the shown weights and compute the
shown output, and a runnable script with the arrays written out.

A :class:`TorchCode` holds the lines a scene's closing card shows (they read arrays by name: ``x`` the input,
``w`` the weights, ``b`` the biases) and those arrays.  :meth:`TorchCode.script` writes them out as
``torch.tensor`` literals (float64, so that every number is the one on screen) before the lines; the script
ends with the layer's output in ``y`` and prints it.  ``convanim code FILE SCENE`` prints that script.

The lines build the layer as a module (``nn.Conv2d(...)`` and the like, ``from torch import nn``), writing every option that
differs from PyTorch's default and always the kernel, stride and padding.  Nothing here imports torch or manim.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: The longest line a card shows; longer calls are broken after an argument.
LINE_WIDTH = 60


@dataclass(frozen=True)
class TorchCode:
    """``lines``: the PyTorch lines a card shows, ending with ``y = ...``; ``arrays``: the name and value of each
    array they read (``x``, ``w``, ``b``, and ``g`` for dL/dy); ``outputs``: the variables holding what the scene
    shows (``y``; a backward scene's gradients ``dx``, ``dw``, ``db``); ``grad``: the lines use autograd."""

    lines: tuple[str, ...]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    outputs: tuple[str, ...] = ("y",)
    grad: bool = False

    def script(self) -> str:
        """A runnable script: ``import torch`` and ``nn``, each array as a float64 tensor, the lines, and a print of
        each output."""
        head = ["import torch", "from torch import nn", ""]
        if not self.grad:
            head += ["torch.set_grad_enabled(False)  # the forward pass only", ""]
        head += [f"{name} = torch.tensor({np.asarray(value).tolist()!r}, dtype=torch.float64)"
                 for name, value in self.arrays.items()]
        return "\n".join(head + [""] + list(self.lines) + [f"print({name})" for name in self.outputs]) + "\n"


def shown(value: object) -> str:
    """An option as Python writes it: ``1``, ``(1, 2)``, ``'same'``, ``True``."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (tuple, list, np.ndarray)):
        items = [int(v) for v in value]
        return str(items[0]) if len(set(items)) == 1 else "(" + ", ".join(map(str, items)) + ")"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return repr(float(value))


def call_lines(head: str, arguments: list[str], width: int = LINE_WIDTH) -> list[str]:
    """``head(arg, arg, ...)`` on one line, or broken after an argument with the rest lined up under the first."""
    one = f"{head}({', '.join(arguments)})"
    if len(one) <= width:
        return [one]
    indent = " " * (len(head) + 1)
    lines, current = [], f"{head}("
    for k, argument in enumerate(arguments):
        piece = argument + (")" if k == len(arguments) - 1 else ",")
        if current.strip() not in ("", f"{head}(") and len(current) + 1 + len(piece) > width:
            lines.append(current)
            current = indent + piece
        else:
            current += ("" if current.endswith("(") else " ") + piece
    lines.append(current)
    return lines


def _options(pairs: list[tuple[str, object, object]]) -> list[str]:
    """``name=value`` for each (name, value, default) whose value differs from the default (None: always)."""
    return [f"{name}={shown(value)}" for name, value, default in pairs
            if default is None or shown(value) != shown(default)]


def conv_code(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, stride: object = 1, padding: object = 0,
              dilation: object = 1, groups: int = 1, padding_mode: str = "zeros") -> TorchCode:
    """The ``torch.nn.Conv1d`` / ``Conv2d`` / ``Conv3d`` (by ``weight``'s axes: (F, C/groups, *kernel)) that
    computes ``y`` from ``x`` (C, *sizes) with these weights and options."""
    spatial = np.ndim(weight) - 2
    f, cg, *kernel = np.shape(weight)
    c_in = cg * groups
    options = _options([("kernel_size", tuple(kernel) if spatial > 1 else kernel[0], None), ("stride", stride, None),
                        ("padding", padding, None),
                        ("dilation", dilation, 1), ("groups", groups, 1), ("bias", bias is not None, True),
                        ("padding_mode", padding_mode, "zeros")])
    return _module_code(call_lines(f"conv = nn.Conv{spatial}d", [str(c_in), str(f), *options]), x, weight, bias)


def _module_code(lines: list[str], x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None) -> TorchCode:
    """The module built by ``lines`` (named ``conv``), its weights and bias set from ``w`` and ``b``, run on
    ``x``."""
    lines = lines + ["conv.weight.data = w"]
    arrays = {"x": np.asarray(x), "w": np.asarray(weight)}
    if bias is not None:
        lines.append("conv.bias.data = b")
        arrays["b"] = np.asarray(bias)
    return TorchCode(tuple(lines + ["y = conv(x)"]), arrays)


def conv_transpose_code(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, stride: object = 1,
                        padding: object = 0, output_padding: object = 0, groups: int = 1,
                        dilation: object = 1) -> TorchCode:
    """The ``torch.nn.ConvTranspose1d`` / ``2d`` (by ``weight``'s axes: (C_in, C_out/groups, *kernel)) that
    computes ``y`` from ``x``."""
    spatial = np.ndim(weight) - 2
    c_in, fg, *kernel = np.shape(weight)
    options = _options([("kernel_size", tuple(kernel) if spatial > 1 else kernel[0], None), ("stride", stride, None),
                        ("padding", padding, None),
                        ("output_padding", output_padding, 0), ("groups", groups, 1), ("bias", bias is not None, True),
                        ("dilation", dilation, 1)])
    return _module_code(call_lines(f"conv = nn.ConvTranspose{spatial}d", [str(c_in), str(fg * groups), *options]),
                        x, weight, bias)


def im2col_code(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None, stride: object = 1,
                padding: object = 0, dilation: object = 1) -> TorchCode:
    """The conv as im2col computes it, in PyTorch: ``nn.functional.unfold`` gives the columns of every window
    (transposed: one row per window, as Saito's im2col), the flattened filters multiply them, the bias is added
    and the rows fold into the maps.  ``x`` (C, H, W), ``weight`` (F, C, KH, KW); ``padding`` 'same' or 'valid'
    falls back to :func:`conv_code` (unfold takes numbers only)."""
    if isinstance(padding, str):
        return conv_code(x, weight, bias, stride, padding, dilation)
    from .arithmetic.shapes import output_size
    from .arguments import pair

    f, _, kh, kw = np.shape(weight)
    (sh, sw), (ph, pw), (dh, dw) = pair("stride", stride, 1), pair("padding", padding, 0), pair("dilation", dilation, 1)
    oh = output_size(np.shape(x)[1], kh, sh, ph, dh)
    ow = output_size(np.shape(x)[2], kw, sw, pw, dw)
    options = _options([("kernel_size", (kh, kw), None), ("dilation", dilation, 1), ("padding", padding, None),
                        ("stride", stride, None)])
    lines = call_lines("cols = nn.functional.unfold", ["x[None]", *options], LINE_WIDTH - len("[0].T"))
    lines[-1] += "[0].T"
    product = f"cols @ w.reshape({f}, -1).T" + (" + b" if bias is not None else "")
    lines.append(f"y = ({product}).T.reshape({f}, {oh}, {ow})")
    arrays = {"x": np.asarray(x), "w": np.asarray(weight)} | ({"b": np.asarray(bias)} if bias is not None else {})
    return TorchCode(tuple(lines), arrays)


class NotInTorch(ValueError):
    """A layer option PyTorch's module cannot take (uneven padding, as an ONNX model may carry)."""


def _even_padding(padding: object) -> object:
    """A pipeline layer's padding as ``nn.Conv2d`` / ``nn.MaxPool2d`` take it: four whole numbers (top, bottom,
    left, right) become a pair when each axis is padded alike; NotInTorch when not."""
    if isinstance(padding, (tuple, list)) and len(padding) == 4:
        top, bottom, left, right = padding
        if top != bottom or left != right:
            raise NotInTorch(f"uneven padding {tuple(padding)} (top, bottom, left, right)")
        return (top, left)
    return padding


def _layer_module(layer, k: int, arrays: dict[str, np.ndarray], settings: list[str]) -> tuple[str, list[str]]:
    """The ``nn`` module of one pipeline layer (numbered ``k`` in the net) as its name and arguments; its arrays
    are added to ``arrays`` and the lines that set them to ``settings``."""
    from .networks import pipeline as p

    def weights(*pairs: tuple[str, object]) -> None:
        for attribute, value in pairs:
            if value is not None:
                name = f"{attribute[0]}{k}" if attribute in ("weight", "bias") else f"{attribute.split('_')[-1]}{k}"
                arrays[name] = np.asarray(value)
                settings.append(f"net[{k}].{attribute}.data = {name}")

    if isinstance(layer, p.Conv):
        f, cg, *kernel = np.shape(layer.weight)
        weights(("weight", layer.weight), ("bias", layer.bias))
        options = _options([("kernel_size", tuple(kernel), None), ("stride", layer.stride, 1),
                            ("padding", _even_padding(layer.padding), 0), ("dilation", layer.dilation, 1),
                            ("groups", layer.groups, 1),
                            ("bias", layer.bias is not None, True), ("padding_mode", layer.padding_mode, "zeros")])
        return "nn.Conv2d", [str(cg * layer.groups), str(f), *options]
    if isinstance(layer, p.Linear):
        weights(("weight", layer.weight), ("bias", layer.bias))
        out, inputs = np.shape(layer.weight)
        return "nn.Linear", [str(inputs), str(out), *_options([("bias", layer.bias is not None, True)])]
    if isinstance(layer, p.BatchNorm):
        weights(("running_mean", layer.mean), ("running_var", layer.var), ("weight", layer.weight),
                ("bias", layer.bias))
        return "nn.BatchNorm2d", [str(len(layer.mean)), *_options([("eps", float(layer.eps), 1e-5)])]
    if isinstance(layer, p.MaxPool):
        return "nn.MaxPool2d", _options([
            ("kernel_size", layer.kernel_size, None), ("stride", layer.stride or layer.kernel_size, layer.kernel_size),
            ("padding", _even_padding(layer.padding), 0), ("dilation", layer.dilation, 1),
            ("ceil_mode", layer.ceil_mode, False)])
    if isinstance(layer, p.AvgPool):
        pairs = [("kernel_size", layer.kernel_size, None), ("stride", layer.stride or layer.kernel_size, layer.kernel_size),
                 ("padding", _even_padding(layer.padding), 0), ("ceil_mode", layer.ceil_mode, False),
                 ("count_include_pad", layer.count_include_pad, True)]
        if layer.divisor_override is not None:
            pairs.append(("divisor_override", int(layer.divisor_override), None))
        return "nn.AvgPool2d", _options(pairs)
    if isinstance(layer, p.LeakyReLU):
        return "nn.LeakyReLU", [repr(float(layer.negative_slope))]
    simple = {p.ReLU: ("nn.ReLU", []), p.Sigmoid: ("nn.Sigmoid", []), p.Tanh: ("nn.Tanh", []),
              p.Flatten: ("nn.Flatten", []), p.Softmax: ("nn.Softmax", ["dim=1"]),
              p.GlobalAvgPool: ("nn.AdaptiveAvgPool2d", ["1"]), p.GlobalMaxPool: ("nn.AdaptiveMaxPool2d", ["1"])}
    return simple[type(layer)]


def pipeline_code(x: np.ndarray, layers: list) -> TorchCode | None:
    """The network of :func:`convanim.run_pipeline` as ``nn.Sequential``, each conv's, linear layer's and batch
    norm's numbers set from arrays named by the layer's place (``w0``, ``b0``, ``mean1``, ``var1``, ...), in
    evaluation mode, run on ``x`` (C, H, W) as a batch of one: ``y`` is the last stage's output.  None when a
    layer has an option PyTorch's module cannot take (uneven padding): no line is written that would not run."""
    arrays: dict[str, np.ndarray] = {"x": np.asarray(x)}
    lines = _sequential_lines(layers, arrays)
    return None if lines is None else TorchCode(tuple(lines + ["y = net(x[None])[0]"]), arrays)


def _sequential_lines(layers: list, arrays: dict[str, np.ndarray]) -> list[str] | None:
    """The lines that build ``layers`` as ``net = nn.Sequential(...)`` with their numbers set (added to
    ``arrays``), in evaluation mode; None when a layer has an option PyTorch's module cannot take."""
    settings: list[str] = []
    lines = ["net = nn.Sequential("]
    for k, layer in enumerate(layers):
        try:
            head, arguments = _layer_module(layer, k, arrays, settings)
        except NotInTorch:
            return None
        broken = call_lines(f"    {head}", arguments, LINE_WIDTH - 1)  # broken where long
        lines += broken[:-1] + [broken[-1] + ","]
    lines.append(")")
    return lines + settings + ["net.eval()"]


def accuracy_code(images: np.ndarray, labels: np.ndarray, layers: list) -> TorchCode | None:
    """The share of ``images`` (N, C, H, W) that the network of ``layers`` (as :func:`pipeline_code` builds it,
    ending on the class scores) classifies as their ``labels`` (N,): ``y`` is that share, 0..1."""
    arrays: dict[str, np.ndarray] = {"x": np.asarray(images)}
    lines = _sequential_lines(layers, arrays)
    if lines is None:
        return None
    arrays["labels"] = np.asarray(labels)
    return TorchCode(tuple(lines + ["y = (net(x).argmax(1) == labels).double().mean()"]), arrays)


def unfold_code(x: np.ndarray, kernel_size: object, stride: object = 1, padding: object = 0,
                dilation: object = 1) -> TorchCode:
    """The im2col matrix of one plane ``x`` (H, W) as ``nn.functional.unfold`` gives it, transposed to one row per
    window (Saito's layout): ``y`` is (OH·OW, KH·KW)."""
    options = _options([("kernel_size", kernel_size, None), ("dilation", dilation, 1), ("padding", padding, 0),
                        ("stride", stride, 1)])
    lines = call_lines("y = nn.functional.unfold", ["x[None, None]", *options], LINE_WIDTH - len("[0].T"))
    lines[-1] += "[0].T"
    return TorchCode(tuple(lines), {"x": np.asarray(x)})


def descent_code(images: np.ndarray, targets: np.ndarray, start: np.ndarray, lr: float, steps: int) -> TorchCode:
    """Gradient descent on one bias-free conv layer as ``torch.optim.SGD`` runs it: ``steps`` updates with
    learning rate ``lr`` on the mean squared error between the layer's output on ``images`` (N, C, H, W) and
    ``targets`` (N, F, OH, OW), from the weights ``start`` (F, C, KH, KW); ``y`` is the weights at the end."""
    f, c, *kernel = np.shape(start)
    lines = call_lines("conv = nn.Conv2d", [str(c), str(f), f"kernel_size={shown(tuple(kernel))}", "bias=False"])
    lines += ["conv.weight.data = w",
              f"sgd = torch.optim.SGD(conv.parameters(), lr={float(lr)!r})",
              f"for step in range({int(steps)}):",
              "    sgd.zero_grad()",
              "    nn.functional.mse_loss(conv(x), t).backward()",
              "    sgd.step()",
              "y = conv.weight.detach()"]
    return TorchCode(tuple(lines), {"x": np.asarray(images), "t": np.asarray(targets), "w": np.asarray(start)},
                     grad=True)


def true_convolution_code(x: np.ndarray, kernel: np.ndarray, mode: str = "valid") -> TorchCode:
    """The true convolution of one channel ``x`` (H, W) with ``kernel`` (KH, KW), as ``scipy.signal.convolve2d``
    with ``mode`` ``'valid'`` or ``'full'``: ``nn.Conv2d`` with the kernel turned by 180°
    (``w.flip(-2, -1)``) and, for ``'full'``, padding ``k − 1``.  ``x`` is passed as (1, H, W), ``w`` as
    (1, 1, KH, KW); ``y`` is (1, OH, OW)."""
    kh, kw = np.shape(kernel)
    padding = (kh - 1, kw - 1) if mode == "full" else 0
    options = _options([("kernel_size", (kh, kw), None), ("padding", padding, None), ("bias", False, True)])
    lines = call_lines("conv = nn.Conv2d", ["1", "1", *options])
    lines += ["conv.weight.data = w.flip(-2, -1)", "y = conv(x)"]
    return TorchCode(tuple(lines), {"x": np.asarray(x)[None], "w": np.asarray(kernel)[None, None]})


def pool_code(x: np.ndarray, mode: str, kernel_size: object, stride: object = None, padding: object = 0,
              dilation: object = 1, ceil_mode: bool = False, count_include_pad: bool = True,
              divisor_override: int | None = None) -> TorchCode:
    """The ``torch.nn.MaxPool{1,2,3}d`` or ``AvgPool{1,2,3}d`` (``mode`` ``'max'`` or ``'avg'``; the
    dimension from ``x``, (C, *sizes)) that computes ``y`` from ``x``."""
    spatial = np.ndim(x) - 1
    pairs = [("kernel_size", kernel_size, None), ("stride", kernel_size if stride is None else stride, None),
             ("padding", padding, None)]
    if mode == "max":
        pairs += [("dilation", dilation, 1), ("ceil_mode", ceil_mode, False)]
        head = f"pool = nn.MaxPool{spatial}d"
    else:
        pairs += [("ceil_mode", ceil_mode, False), ("count_include_pad", count_include_pad, True)]
        if divisor_override is not None:
            pairs.append(("divisor_override", int(divisor_override), None))
        head = f"pool = nn.AvgPool{spatial}d"
    lines = call_lines(head, _options(pairs)) + ["y = pool(x)"]
    return TorchCode(tuple(lines), {"x": np.asarray(x)})


def backward_code(forward: TorchCode, grad_output: np.ndarray, module: str = "conv") -> TorchCode:
    """The backward pass of ``forward`` (a conv's or a pool's code, its module named ``module``): ``x`` set to
    require its gradient, ``y`` computed, ``y.backward(g)`` with ``g`` = dL/dy, and the gradients the backward
    scenes show: ``dx`` (and for a conv ``dw``, and ``db`` when it has a bias).  A bias's value changes no
    gradient, so it is left as PyTorch draws it (a backward scene does not show it)."""
    arrays = {name: value for name, value in forward.arrays.items() if name != "b"}
    lines = [line for line in forward.lines[:-1] if line != "conv.bias.data = b"]
    if "conv.weight.data = w" in lines and "b" in forward.arrays:  # the bias stays; float64 as the rest
        lines.insert(lines.index("conv.weight.data = w"), "conv.double()")
    lines += ["x.requires_grad_()", forward.lines[-1], "y.backward(g)"]
    if module == "conv":
        outputs = ("dx", "dw", "db") if "b" in forward.arrays else ("dx", "dw")
        lines.append(", ".join(outputs) + " = " + ", ".join(
            {"dx": "x.grad", "dw": "conv.weight.grad", "db": "conv.bias.grad"}[name] for name in outputs))
    else:
        outputs = ("dx",)
        lines.append("dx = x.grad")
    return TorchCode(tuple(lines), {**arrays, "g": np.asarray(grad_output)}, outputs, grad=True)


def padding_code(x: np.ndarray, pad: int, modes: tuple[str, ...]) -> TorchCode:
    """``x`` (H, W), passed as (1, H, W), padded by ``pad`` on every side in each of ``modes`` (nn.Conv2d's
    ``padding_mode`` names) with ``nn.functional.pad``; ``y`` stacks them, one plane per mode."""
    lines = [f"pads = ({pad}, {pad}, {pad}, {pad})  # left, right, top, bottom"]
    for mode in modes:
        lines.append(f"{mode} = nn.functional.pad(x, pads)" if mode == "zeros" else
                     f"{mode} = nn.functional.pad(x, pads, mode={mode!r})")
    lines.append(f"y = torch.cat([{', '.join(modes)}])")
    return TorchCode(tuple(lines), {"x": np.asarray(x)[None]})


def pixel_shuffle_code(x: np.ndarray, upscale_factor: int) -> TorchCode:
    """``torch.nn.PixelShuffle`` with ``upscale_factor`` on ``x`` (C·r², H, W): ``y`` is (C, H·r, W·r)."""
    return TorchCode((f"shuffle = nn.PixelShuffle({int(upscale_factor)})", "y = shuffle(x)"), {"x": np.asarray(x)})


__all__ = ["TorchCode", "accuracy_code", "backward_code", "descent_code", "unfold_code", "conv_code", "padding_code", "pixel_shuffle_code", "conv_transpose_code", "im2col_code", "pipeline_code", "pool_code",
           "true_convolution_code", "call_lines", "shown"]
