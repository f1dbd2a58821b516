"""A lecturer's own small PyTorch model as convanim layers: ``from_torch(module)``.

    layers = convanim.from_torch(net)                 # an nn.Sequential of Conv2d, ReLU, MaxPool2d, ...
    stages = convanim.run_pipeline(x, layers)         # every stage's maps, as the scenes draw them

Every option the core's functions support carries over (stride, padding,
dilation, groups, padding_mode, ceil_mode, count_include_pad,
divisor_override); a module convanim cannot compute stops with its name and
the list of what is supported.  The layers compute what the model computes
in eval mode (``model.eval()``): BatchNorm2d with its running statistics,
Dropout passing its input through.  torch is imported only when this is called
(``import convanim`` never imports it); weights are copied to numpy.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .pipeline import (AvgPool, BatchNorm, Conv, Flatten, GlobalAvgPool, GlobalMaxPool, Layer, LeakyReLU, Linear,
                       MaxPool, ReLU, Sigmoid, Softmax, Tanh)

SUPPORTED = ("Conv2d, BatchNorm2d, ReLU, LeakyReLU, Sigmoid, Tanh, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d(1), "
             "AdaptiveMaxPool2d(1), Dropout, Identity, Flatten, Linear, Softmax(dim=1 or -1) and Sequential")


def _array(tensor) -> np.ndarray:
    return tensor.detach().cpu().numpy().copy()


def _layer(module) -> list[Layer]:
    from torch import nn

    if isinstance(module, nn.Sequential):
        return [layer for child in module for layer in _layer(child)]
    if isinstance(module, nn.Conv2d):
        if type(module) is not nn.Conv2d:  # a subclass (LazyConv2d, ...) may compute something else
            raise TypeError(f"{type(module).__name__} is not supported; supported: {SUPPORTED}")
        return [Conv(_array(module.weight), None if module.bias is None else _array(module.bias),
                     stride=tuple(module.stride), padding=module.padding if isinstance(module.padding, str)
                     else tuple(module.padding), dilation=tuple(module.dilation), groups=module.groups,
                     padding_mode=module.padding_mode)]
    if isinstance(module, nn.ReLU):
        return [ReLU()]
    if isinstance(module, nn.LeakyReLU):
        return [LeakyReLU(float(module.negative_slope))]
    if isinstance(module, nn.Sigmoid):
        return [Sigmoid()]
    if isinstance(module, nn.Tanh):
        return [Tanh()]
    if isinstance(module, (nn.Dropout, nn.Dropout2d, nn.Identity)):
        return []  # inference: the input passes through
    if isinstance(module, nn.BatchNorm2d):
        if module.running_mean is None or module.running_var is None:
            raise TypeError("BatchNorm2d(track_running_stats=False) is not supported: inference needs the running "
                            "mean and variance")
        return [BatchNorm(_array(module.running_mean), _array(module.running_var),
                          None if module.weight is None else _array(module.weight),
                          None if module.bias is None else _array(module.bias), float(module.eps))]
    if isinstance(module, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
        size = module.output_size
        if size not in (1, (1, 1), [1, 1]) or getattr(module, "return_indices", False):
            raise TypeError(f"{type(module).__name__}(output_size={size!r}) is not supported; only output_size=1 "
                            f"(global pooling)")
        return [GlobalAvgPool() if isinstance(module, nn.AdaptiveAvgPool2d) else GlobalMaxPool()]
    if isinstance(module, nn.MaxPool2d):
        if module.return_indices:
            raise TypeError("MaxPool2d(return_indices=True) is not supported: a stage holds the maps only")
        return [MaxPool(module.kernel_size, module.stride, module.padding, module.dilation, module.ceil_mode)]
    if isinstance(module, nn.AvgPool2d):
        return [AvgPool(module.kernel_size, module.stride, module.padding, module.ceil_mode,
                        module.count_include_pad, module.divisor_override)]
    if isinstance(module, nn.Flatten):
        if (module.start_dim, module.end_dim) != (1, -1):
            raise TypeError(f"Flatten(start_dim={module.start_dim}, end_dim={module.end_dim}) is not supported; "
                            f"only Flatten() (each sample's maps into one vector)")
        return [Flatten()]
    if isinstance(module, nn.Linear):
        return [Linear(_array(module.weight), None if module.bias is None else _array(module.bias))]
    if isinstance(module, nn.Softmax):
        if module.dim not in (1, -1):
            raise TypeError(f"Softmax(dim={module.dim}) is not supported; only Softmax(dim=1) or (dim=-1) "
                            f"after Linear (over each sample's class scores)")
        return [Softmax()]
    raise TypeError(f"{type(module).__name__} is not supported; supported: {SUPPORTED}")


def from_torch(module, state_dict: object = None) -> list[Layer]:
    """``module`` (an ``nn.Module`` of the supported kinds, or an ``nn.Sequential`` of them) as the list of
    :func:`convanim.run_pipeline` layers, weights as numpy arrays.

    ``state_dict``: weights to load first, a dict or the path of a file
    saved with ``torch.save(model.state_dict(), path)``; a file is read with
    ``torch.load(path, weights_only=True)``, which never unpickles arbitrary
    objects.  Keys or shapes that do not match the module raise ValueError
    naming them.
    """
    import torch

    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"module must be a torch.nn.Module; got {type(module).__name__}")
    if state_dict is not None:
        if isinstance(state_dict, (str, Path)):
            try:
                state_dict = torch.load(state_dict, map_location="cpu", weights_only=True)
            except Exception as err:  # torch raises UnpicklingError, RuntimeError, EOFError, ... for a bad file
                raise ValueError(f"state_dict file {str(state_dict)!r} is not a state dict torch.load can read "
                                 f"with weights_only=True: {err}") from None
        if not isinstance(state_dict, dict):
            raise ValueError(f"state_dict must be a dict of tensors (model.state_dict()); got "
                             f"{type(state_dict).__name__}")
        try:
            module.load_state_dict(state_dict)
        except RuntimeError as err:
            raise ValueError(f"state_dict does not fit {type(module).__name__}: {' '.join(str(err).split())}") \
                from None
    return _layer(module)


__all__ = ["from_torch", "SUPPORTED"]
