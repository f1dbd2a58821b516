"""PyTorch oracles shared by the core's tests and the scenes' tests: the same computation in torch."""
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import convanim
import convanim as ca


def torch_network(net: convanim.DigitCNN) -> nn.Sequential:
    """The shipped weights in a torch model of the same architecture: the oracle."""
    f = net.conv_weight.shape[0]
    model = nn.Sequential(nn.Conv2d(1, f, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(f * 9, 10)).double()
    with torch.no_grad():
        for module, (w, b) in zip((model[0], model[4]), ((net.conv_weight, net.conv_bias),
                                                         (net.linear_weight, net.linear_bias))):
            module.weight.copy_(torch.from_numpy(w))
            module.bias.copy_(torch.from_numpy(b))
    return model


def torch_forward(layers, x):
    """The stack in torch (MaxPool as a depthwise conv of ones with its window: the same cells are read)."""
    for layer in layers:
        if isinstance(layer, ca.Conv):
            pad = layer.padding
            if layer.padding_mode != "zeros":
                ph, pw = (pad, pad) if isinstance(pad, int) else pad
                x = F.pad(x, (pw, pw, ph, ph), mode={"reflect": "reflect", "replicate": "replicate",
                                                       "circular": "circular"}[layer.padding_mode])
                pad = 0
            x = F.conv2d(x, torch.from_numpy(np.asarray(layer.weight, dtype=float)), None, layer.stride, pad,
                         layer.dilation)
        elif isinstance(layer, ca.ReLU):
            x = torch.relu(x)
        elif isinstance(layer, ca.AvgPool):
            x = F.avg_pool2d(x, layer.kernel_size, layer.stride, layer.padding, layer.ceil_mode)
        elif isinstance(layer, ca.MaxPool):
            k = layer.kernel_size
            ones = torch.ones((x.shape[1], 1, k, k), dtype=x.dtype)
            x = F.conv2d(x, ones, None, layer.stride or k, layer.padding, layer.dilation, groups=x.shape[1])
    return x
